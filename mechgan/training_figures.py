"""Plotly figures of a training run (the app's Lab and Runs pages, notebooks).

Every builder takes plain data (history records, arrays, a :class:`mechgan.distribution.DistributionData`)
and returns a ``go.Figure`` (:func:`sample_png`, a PNG); nothing is shown here.
Titles and axis labels are parameters with English defaults so the app can
translate them.  Colours follow GAN Lab: green for real data, purple for
generated designs.  Lines and points are SVG, not WebGL: a chart drawn anew at
each update opens a new WebGL context, which a browser without a GPU draws in
software (docs/decisions.md).
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from mechgan import figures
from mechgan.config import PROBABILITY_LOSSES
from mechgan.distribution import DistributionData
from mechgan.palette import BACKDROP, D_COLORS, FAKE, GUIDE, INK, METRIC_COLORS, REAL, RUN_COLORS

MARGIN = dict(l=45, r=10, t=40, b=40)


def _records(history, key: str) -> tuple[np.ndarray, np.ndarray]:
    """Iterations and finite values of ``key``, as arrays (Plotly validates arrays far faster than lists)."""
    xs = np.fromiter((r["iteration"] for r in history), float, len(history))
    ys = np.fromiter((r.get(key, np.nan) for r in history), float, len(history))
    keep = np.isfinite(ys)
    return xs[keep], ys[keep]


def _lines(history, series: dict[str, tuple[str, str]], title: str, xaxis: str, yaxis: str,
           yrange: list | None = None, shapes: tuple = ()) -> go.Figure:
    """Line charts are rebuilt at every live refresh: traces and layout go in at once
    (``update_layout`` on a built figure costs far more; docs/decisions.md)."""
    traces = []
    for key, (name, color) in series.items():
        xs, ys = _records(history, key)
        traces.append(go.Scatter(x=xs, y=ys.astype(np.float32), name=name, mode="lines",
                                 line=dict(color=color, width=1.5)))
    return go.Figure(traces, dict(
        title=title, xaxis=dict(title=xaxis), yaxis=dict(title=yaxis, range=yrange), margin=MARGIN, height=300,
        legend=dict(orientation="h", y=1.02, x=1, xanchor="right", yanchor="bottom"), uirevision="keep",
        shapes=list(shapes)))


def loss_curves(history, title: str = "Losses", xaxis: str = "iteration", yaxis: str = "loss",
                names: tuple[str, str] = ("D loss", "G loss")) -> go.Figure:
    """Losses of D and G per iteration (NaN entries, e.g. from a lone G step, are skipped)."""
    return _lines(history, {"loss_d": (names[0], REAL), "loss_g": (names[1], FAKE)}, title, xaxis, yaxis)


def d_score_curves(history, title: str = "Mean D score", xaxis: str = "iteration",
                   yaxis: str = "D(x)", names: tuple[str, str] = ("D(real)", "D(fake)"),
                   loss: str = "nonsaturating") -> go.Figure:
    """Mean D(real) and D(fake) per iteration; under a loss of PROBABILITY_LOSSES a dotted line marks 0.5,
    where D cannot tell them apart (elsewhere 0.5 means nothing special)."""
    even = dict(type="line", xref="paper", x0=0, x1=1, y0=0.5, y1=0.5,
                line=dict(color=GUIDE, dash="dot", width=1))
    return _lines(history, {"d_real": (names[0], REAL), "d_fake": (names[1], FAKE)}, title, xaxis, yaxis,
                  yrange=[-0.02, 1.02], shapes=(even,) if loss in PROBABILITY_LOSSES else ())


def sample_grid(samples: np.ndarray, scores: np.ndarray | None = None, cols: int = 8, title: str = "",
                score_label: str = "D", decimal: str = ".", floating: np.ndarray | None = None) -> go.Figure:
    """Generated designs (floats in [-1, 1]) in :func:`mechgan.figures.designs_grid`, each under its D score
    (:func:`score_titles`); ``floating`` in orange."""
    return figures.designs_grid((np.asarray(samples, dtype=float) + 1) / 2, cols, title=title, floating=floating,
                                **score_titles(scores, score_label, decimal))


def sample_png(samples: np.ndarray, scores: np.ndarray | None = None, cols: int = 8, score_label: str = "D",
               decimal: str = ".", floating: np.ndarray | None = None) -> str:
    """The tiles of :func:`sample_grid` as a PNG data URI (:func:`mechgan.figures.designs_png`)."""
    return figures.designs_png((np.asarray(samples, dtype=float) + 1) / 2, cols, floating=floating,
                               **score_titles(scores, score_label, decimal))


def score_titles(scores: np.ndarray | None, label: str = "D", decimal: str = ".") -> dict:
    """Titles of a grid's tiles saying their D scores, written with ``decimal``: green when D calls the design
    real, purple otherwise (none without scores, as a thumbnail's)."""
    if scores is None:
        return {}
    return dict(titles=[f"{label} {s:.2f}".replace(".", decimal) for s in scores],
                title_colors=[REAL if s >= 0.5 else FAKE for s in scores])


def material_comparison(real_levels: np.ndarray, generated_levels: np.ndarray, title: str = "Material level",
                        xaxis: str = "solid pixels per design", yaxis: str = "share of designs",
                        names: tuple[str, str] = ("real", "generated"), bins: int = 30,
                        pixels: int = 2500) -> go.Figure:
    """Histograms of material levels (solid pixels per design) of real and generated designs.

    Levels, not designs, are passed so the app computes the real ones once per process.
    """
    fig = go.Figure()
    size = 0.8 * pixels / bins
    for lv, name, color in zip((real_levels, generated_levels), names, (REAL, FAKE)):
        fig.add_trace(go.Histogram(x=lv, name=name, histnorm="probability", opacity=0.6, marker_color=color,
                                   xbins=dict(start=0, end=0.8 * pixels, size=size)))
    fig.update_layout(title=title, xaxis_title=xaxis, yaxis_title=yaxis, barmode="overlay", margin=MARGIN,
                      height=300, legend=dict(orientation="h", y=1.02, x=1, xanchor="right", yanchor="bottom"))
    return fig


# ------------------------------------------------------------------ distribution view

LAYERS = ("heatmap", "real", "fake", "arrows")


def distribution_view(data: DistributionData, layers=LAYERS, title: str = "Distribution (PCA plane)",
                      names: dict[str, str] | None = None, axes: tuple[str, str] = ("PC 1", "PC 2")) -> go.Figure:
    """GAN Lab's main view on the PCA plane; ``layers`` picks what is drawn."""
    names = {"heatmap": "D score", "real": "real", "fake": "generated", "arrows": "G's gradient",
             **(names or {})}
    fig = go.Figure()
    if "heatmap" in layers:
        fig.add_trace(go.Heatmap(x=data.grid_x, y=data.grid_y, z=data.scores, zmin=0, zmax=1,
                                 colorscale=D_COLORS, name=names["heatmap"], zsmooth="best",
                                 colorbar=dict(title=names["heatmap"], len=0.8, thickness=12),
                                 hovertemplate="D = %{z:.2f}<extra></extra>"))
    if "real" in layers:
        fig.add_trace(_points(data.real, names["real"], REAL))
    if "fake" in layers:
        fig.add_trace(_points(data.fake, names["fake"], FAKE))
    if "arrows" in layers and len(data.arrows):
        fig.add_trace(_arrows(data, names["arrows"]))
    fig.update_layout(title=title, xaxis_title=axes[0], yaxis_title=axes[1], margin=MARGIN, height=460,
                      legend=dict(orientation="h", y=-0.15), plot_bgcolor=BACKDROP, uirevision="keep")
    fig.update_xaxes(range=[data.grid_x[0], data.grid_x[-1]], showgrid=False, zeroline=False)
    fig.update_yaxes(range=[data.grid_y[0], data.grid_y[-1]], showgrid=False, zeroline=False)
    return fig


def _points(coords: np.ndarray, name: str, color: str) -> go.Scatter:
    return go.Scatter(x=coords[:, 0], y=coords[:, 1], mode="markers", name=name,
                      marker=dict(size=6, color=color, opacity=0.7, line=dict(width=0.5, color="white")))


def _arrows(data: DistributionData, name: str) -> go.Scatter:
    """Arrows from each generated point along G's push, the longest 8 % of the plane wide."""
    start = data.fake[: len(data.arrows)]
    length = np.linalg.norm(data.arrows, axis=1).max()
    scale = 0.08 * (data.grid_x[-1] - data.grid_x[0]) / length if length > 0 else 0.0
    end = start + data.arrows * scale
    xs = np.column_stack([start[:, 0], end[:, 0], np.full(len(start), np.nan)]).ravel()
    ys = np.column_stack([start[:, 1], end[:, 1], np.full(len(start), np.nan)]).ravel()
    symbols = np.tile(["circle", "arrow", "circle"], len(start))
    sizes = np.tile([0, 9, 0], len(start))
    return go.Scatter(x=xs, y=ys, mode="lines+markers", name=name, hoverinfo="skip",
                      line=dict(color=INK, width=1.2),
                      marker=dict(symbol=symbols, size=sizes, angleref="previous", color=INK))


# ------------------------------------------------------------------ quality and step-by-step

W1_PIXELS = 50 * 50  # material W1 is a fraction of the domain; the chart shows it in pixels
PHYSICS_FLOOR = 0.1  # %: the physics chart draws 0 there (a log axis)
PHYSICS_PERCENT = ("median_abs_ce", "median_vfe", "fm8", "ld")  # the physics chart's lines, in %
# The unit every page shows a metric in (its label names it): W1 in pixels, the physics in %, the rest as is
SHOWN_SCALE = {"material_w1": W1_PIXELS, **dict.fromkeys(PHYSICS_PERCENT, 100)}


def shown_value(key: str, value: float) -> float:
    """A report's value in the unit the figures and tables show it in."""
    return value * SHOWN_SCALE.get(key, 1)


def metric_curves(metrics, names: dict[str, str] | None = None, title: str = "Quality over time",
                  xaxis: str = "iteration", yaxis: str = "rate / divergence",
                  y2axis: str = "material W1 (pixels)") -> go.Figure:
    """JS divergence, floating material and recall (left axis, 0..1) and material W1 in pixels (right axis),
    with round ticks (0.2 steps on the left, whole pixels on the right: no 0.006 / 0.068)."""
    names = {"js_pca": "JS divergence (PCA grid)", "floating_rate": "floating material",
             "recall": "recall", "material_w1": "material W1", **(names or {})}
    fig = go.Figure()
    for key in ("js_pca", "floating_rate", "recall", "material_w1"):
        w1 = key == "material_w1"
        fig.add_trace(_metric_line(metrics, key, names[key], METRIC_COLORS[key], W1_PIXELS if w1 else 1,
                                   dash="dash" if w1 else "solid", yaxis="y2" if w1 else "y"))
    fig.update_layout(title=title, margin=dict(l=45, r=55, t=40, b=40), height=320,
                      xaxis=dict(title=xaxis),
                      yaxis=dict(title=yaxis, range=[-0.02, 1.02], dtick=0.2, tickformat=".1f"),
                      yaxis2=dict(title=y2axis, overlaying="y", side="right", showgrid=False, rangemode="tozero",
                                  tickmode="auto", nticks=6, tickformat=".3~r"),  # its own round ticks
                      legend=dict(orientation="h", y=-0.25), uirevision="keep")
    return fig


def physics_curves(metrics, names: dict[str, str] | None = None, title: str = "Physics against SIMP",
                   xaxis: str = "iteration", yaxis: str = "median error / rate (%)",
                   decimal: str = ".") -> go.Figure:
    """A conditional run's physics on held-out cases over time: median |CE| and VFE, FM and LD rates, in %
    (|CE| starts in the thousands of % while G draws noise: the axis is logarithmic, 0 drawn at 0.1 %,
    a tick per decade up to the highest point).  ``decimal``: the page's decimal mark, for "≤0.1"."""
    names = {"median_abs_ce": "median |CE|", "median_vfe": "median VFE", "fm8": "floating material",
             "ld": "load disrespect", **(names or {})}
    lines = [_metric_line(metrics, key, names[key], METRIC_COLORS[key], 100, floor=PHYSICS_FLOOR)
             for key in ("median_abs_ce", "median_vfe", "fm8", "ld")]
    top = max([PHYSICS_FLOOR * 10, *(y for line in lines for y in line.y)])
    ticks = [10.0 ** e for e in range(-1, int(np.ceil(np.log10(top) - 1e-9)) + 1)]
    text = [f"≤0{decimal}1", *(f"{t:,.0f}".replace(",", "\u202f" if decimal == "," else ",") for t in ticks[1:])]
    fig = go.Figure(lines)
    fig.update_layout(title=title, margin=dict(l=55, r=20, t=40, b=40), height=320, xaxis=dict(title=xaxis),
                      yaxis=dict(title=yaxis, type="log", tickvals=ticks, ticktext=text,
                                 range=[-1.1, np.log10(ticks[-1]) + 0.1]),  # every point under the top tick
                      legend=dict(orientation="h", y=-0.25), uirevision="keep")
    return fig


def _metric_line(metrics, key: str, name: str, color: str, scale: float, floor: float | None = None,
                 **line) -> go.Scatter:
    """One metric over iterations (its reports that have it), times ``scale``, at least ``floor``."""
    xs = [m["iteration"] for m in metrics if key in m]
    ys = [m[key] * scale for m in metrics if key in m]
    if floor is not None:
        ys = [max(y, floor) for y in ys]
    yaxis = line.pop("yaxis", "y")
    return go.Scatter(x=xs, y=ys, name=name, mode="lines+markers", marker=dict(size=5),
                      line=dict(color=color, **line), yaxis=yaxis)


def noise_image(noise: np.ndarray, title: str = "Noise z", xaxis: str = "latent dimension",
                yaxis: str = "sample") -> go.Figure:
    """The latent vectors of one step, one row per sample."""
    fig = go.Figure(go.Heatmap(z=noise, colorscale="RdBu", zmid=0, colorbar=dict(thickness=10)))
    fig.update_layout(title=title, xaxis_title=xaxis, yaxis_title=yaxis, height=260, margin=MARGIN)
    fig.update_yaxes(autorange="reversed")
    return fig


def score_strip(d_real: np.ndarray, d_fake: np.ndarray, title: str = "D scores of this batch",
                names: tuple[str, str] = ("real", "generated"), xaxis: str = "D(x)") -> go.Figure:
    """Each design of the batch as a dot at its D score: real above, generated below."""
    fig = go.Figure()
    for scores, name, color, y in ((d_real, names[0], REAL, 1), (d_fake, names[1], FAKE, 0)):
        fig.add_trace(go.Scatter(x=scores, y=np.full(len(scores), y) + np.linspace(-0.15, 0.15, len(scores)),
                                 mode="markers", name=name, marker=dict(color=color, size=8, opacity=0.7)))
    fig.update_layout(title=title, xaxis_title=xaxis, height=220, margin=MARGIN, showlegend=False)
    fig.update_xaxes(range=[-0.02, 1.02])
    fig.update_yaxes(tickvals=[0, 1], ticktext=[names[1], names[0]], range=[-0.5, 1.5])
    return fig


def gradient_norms(norms_d: dict[str, float], norms_g: dict[str, float], title: str = "Gradient norm per layer",
                   names: tuple[str, str] = ("discriminator", "generator"), xaxis: str = "norm (log)") -> go.Figure:
    """Horizontal bars of each layer's gradient norm for both networks (log scale)."""
    fig = go.Figure()
    for norms, name, color in ((norms_d, names[0], REAL), (norms_g, names[1], FAKE)):
        fig.add_trace(go.Bar(y=[f"{name[0].upper()}: {k}" for k in norms], x=list(norms.values()),
                             orientation="h", name=name, marker_color=color))
    fig.update_layout(title=title, margin=dict(l=10, r=10, t=40, b=40), showlegend=False,
                      xaxis=_decades(xaxis, [*norms_d.values(), *norms_g.values()]),
                      height=max(240, 22 * (len(norms_d) + len(norms_g)) + 80))
    fig.update_yaxes(autorange="reversed", automargin=True)
    return fig


def run_color(i: int) -> str:
    """The colour of the ``i``-th compared run (:data:`mechgan.palette.RUN_COLORS`)."""
    return RUN_COLORS[i % len(RUN_COLORS)]


def _decades(title: str, values) -> dict:
    """A log axis labelled at whole powers of ten only (10⁻³, 10⁻², …), over whole decades: Plotly's own
    labels of a short log range read "7 8 9 1 2 … 10"."""
    positive = [v for v in values if v > 0 and np.isfinite(v)] or [1.0]
    lo, hi = np.floor(np.log10(min(positive))), np.ceil(np.log10(max(positive)))
    return dict(title=title, type="log", range=[lo, max(hi, lo + 1)], dtick=1, exponentformat="power",
                minor=dict(ticks="outside", dtick="D1", showgrid=False))


def runs_overlay(histories: dict[str, list], key: str, title: str, xaxis: str = "iteration",
                 yaxis: str = "") -> go.Figure:
    """One curve per saved run for the same quantity (e.g. ``loss_g``), each in its own colour
    (:func:`run_color`; a theme's palette may start with two blues)."""
    fig = go.Figure()
    for i, (name, history) in enumerate(histories.items()):
        xs, ys = _records(history, key)
        fig.add_trace(go.Scatter(x=xs, y=ys, name=name, mode="lines", line=dict(color=run_color(i))))
    fig.update_layout(title=title, xaxis_title=xaxis, yaxis_title=yaxis, margin=MARGIN, height=320,
                      legend=dict(orientation="h", y=-0.2))
    return fig
