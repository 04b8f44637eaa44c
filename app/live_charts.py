"""The Lab's live curves as Vega-Lite charts, which Streamlit updates in place.

Streamlit keys a Plotly chart by an id made from its figure, so a chart whose
data changes is unmounted and drawn anew, blank meanwhile: at two refreshes a
second the loss curves flickered, and a browser sharing the CPU with training
showed them blank a third of the time.  A Vega-Lite chart without selections
keeps its place and redraws its lines only.  Colours follow
:mod:`mechgan.training_figures`; notebooks and the Runs page keep its Plotly figures.

Curves are made to be read by a student, as TensorBoard's are: a smoothed line
(exponential moving average) over the faint raw one, an optional log axis, and
a y-range that keeps the bulk of the curve readable when a spike occurs, the
clipped peaks marked by a triangle on the chart's edge.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from mechgan import palette
from mechgan.palette import FAKE, REAL

HEIGHT = 300
EVEN = 0.5  # the D score of a discriminator that cannot tell real from generated
SMOOTHING = 0.6  # TensorBoard's default weight of the moving average
ROBUST_Q = (10.0, 90.0)  # percentiles that bound the bulk of a curve (an early spike can be ~10 % of it)
ROBUST_PAD = 1.0  # room above and below the bulk, as a share of its spread
RAW_OPACITY = 0.25
AXIS_FORMAT = ",~f"  # decimals as the ticks need, trailing zeros cut: 0,5 / 10 / 1 200, no "0,000000" or "1e+1"
# Above the chart, a line per series as drawn (not the faint raw line's opacity)
LEGEND = {"orient": "top", "direction": "horizontal", "symbolType": "stroke", "symbolOpacity": 1,
          "symbolStrokeWidth": 2.5, "labelFontSize": 12, "labelLimit": 0}


def ema(values: np.ndarray, weight: float) -> np.ndarray:
    """TensorBoard's debiased exponential moving average; NaN entries are skipped and stay NaN."""
    out = np.full(len(values), np.nan, np.float64)
    last, count = 0.0, 0
    for i, v in enumerate(values):
        if not np.isfinite(v):
            continue
        last, count = last * weight + (1.0 - weight) * v, count + 1
        out[i] = last / (1.0 - weight ** count) if weight > 0 else v
    return out


def robust_domain(values: np.ndarray) -> tuple[float, float] | None:
    """A y-range around the bulk of ``values`` when some lie far outside it (spikes), else None.

    The 10th-90th percentiles bound the bulk, padded by their spread on each side; a
    range is returned only when a value falls outside it, so a calm curve keeps
    Vega's own scale.
    """
    finite = values[np.isfinite(values)]
    if len(finite) < 5:
        return None
    lo, hi = np.percentile(finite, ROBUST_Q)
    pad = ROBUST_PAD * max(hi - lo, 1e-6 * max(abs(hi), 1.0))
    lo, hi = lo - pad, hi + pad
    if finite.min() >= lo and finite.max() <= hi:
        return None
    return float(max(lo, finite.min())), float(min(hi, finite.max()))


def loss_curves(history, title: str, xaxis: str, yaxis: str, names: tuple[str, str],
                smoothing: float = SMOOTHING, log: bool = False, clipped: str = "clipped") -> tuple[pd.DataFrame, dict]:
    """Data and spec of the D and G losses per iteration (NaN entries, e.g. from a lone G step, are skipped).

    ``log`` draws a log axis (symlog when a loss goes to zero or below, as WGAN's does).
    """
    return _lines(history, {"loss_d": (names[0], REAL), "loss_g": (names[1], FAKE)}, title, xaxis, yaxis,
                  smoothing=smoothing, log=log, clipped=clipped)


def d_score_curves(history, title: str, xaxis: str, names: tuple[str, str], yaxis: str = "D(x)",
                   smoothing: float = SMOOTHING, even_line: bool = True) -> tuple[pd.DataFrame, dict]:
    """Mean D(real) and D(fake) per iteration on a 0–1 scale; ``even_line`` draws a dotted line at 0.5,
    which means "D cannot tell" only where D's output is a probability (minimax, non-saturating)."""
    layers = ()
    if even_line:
        layers = ({"mark": {"type": "rule", "color": palette.GUIDE, "strokeDash": [2, 3]},
                   "encoding": {"y": {"datum": EVEN}}},)
    return _lines(history, {"d_real": (names[0], REAL), "d_fake": (names[1], FAKE)}, title, xaxis, yaxis,
                  smoothing=smoothing, ydomain=[0, 1], layers=layers)


def _frame(history, series: dict[str, tuple[str, str]], smoothing: float) -> tuple[pd.DataFrame, list, list]:
    """Raw columns and their smoothed twins ("~" + name), one row per iteration."""
    raw = pd.DataFrame.from_records(list(history), columns=["iteration", *series]).astype(np.float64)
    names = [name for name, _ in series.values()]  # Vega reads a dot or a bracket as a nested field: none here
    frame = pd.DataFrame({"iteration": raw["iteration"].astype(np.float32)})
    for key, name in zip(series, names):
        frame[name] = raw[key].astype(np.float32)
        frame["~" + name] = ema(raw[key].to_numpy(), smoothing).astype(np.float32)
    return frame, names, ["~" + n for n in names]


def _lines(history, series: dict[str, tuple[str, str]], title: str, xaxis: str, yaxis: str,
           smoothing: float = SMOOTHING, log: bool = False, ydomain: list | None = None, layers: tuple = (),
           clipped: str = "clipped") -> tuple[pd.DataFrame, dict]:
    """One column per series (and its smoothed twin), folded into lines by Vega: the data travels as a
    small Arrow table.  Both lines of a series share its colour; the raw one is faint."""
    frame, names, smooth = _frame(history, series, smoothing)
    colors = [color for _, color in series.values()]
    y = {"field": "value", "type": "quantitative", "title": yaxis, "axis": {"format": AXIS_FORMAT}}
    values = frame[names].to_numpy(np.float64).ravel()
    spikes = None if log or ydomain is not None else robust_domain(values)
    if log:
        positive = np.isfinite(values) & (values > 0)
        y["scale"] = {"type": "log"} if positive.sum() == np.isfinite(values).sum() else {"type": "symlog"}
    elif spikes is not None:
        y["scale"] = {"domain": list(spikes), "zero": False}
    elif ydomain is not None:
        y["scale"] = {"domain": ydomain}
    x = {"field": "iteration", "type": "quantitative", "title": xaxis,
         "axis": {"format": ",d", "tickMinStep": 1}}  # whole iterations, 1 200 (not "1.2k")
    # every layer says the same of the legend: one that turns it off turned it off for all (Vega kept "disable")
    color = {"field": "series", "type": "nominal", "title": None, "scale": {"domain": names, "range": colors},
             "legend": LEGEND}

    def line(fields: list, opacity: float, width: float) -> dict:
        rename = [] if fields == names else [{"calculate": "slice(datum.series, 1)", "as": "series"}]
        return {"transform": [{"fold": fields, "as": ["series", "value"]}, *rename,
                              {"filter": "isFinite(datum.value)"}],
                "mark": {"type": "line", "strokeWidth": width, "opacity": opacity, "clip": True},
                "encoding": {"x": x, "y": y, "color": color}}

    drawn = [line(names, RAW_OPACITY, 1.0), line(smooth, 1.0, 1.8)]
    heading = {"text": title, "anchor": "start"}
    if spikes is not None:
        drawn += _clip_marks(names, x, color, spikes)
        heading |= {"subtitle": clipped, "subtitleColor": "#64748b"}
    return frame, {"title": heading, "height": HEIGHT, "layer": [*drawn, *layers]}


def _clip_marks(names: list, x: dict, color: dict, domain: tuple[float, float]) -> list[dict]:
    """Triangles on the top (bottom) edge where a raw value lies above (below) the shown range,
    with the value in the tooltip (the chart's subtitle says the range is clipped)."""
    lo, hi = domain
    marks = []
    for edge, test, shape in ((hi, f"datum.value > {hi!r}", "triangle-up"),
                              (lo, f"datum.value < {lo!r}", "triangle-down")):
        marks.append({
            "transform": [{"fold": names, "as": ["series", "value"]}, {"filter": f"isFinite(datum.value) && {test}"}],
            "mark": {"type": "point", "shape": shape, "filled": True, "size": 60, "clip": False},
            "encoding": {"x": x, "y": {"datum": edge, "type": "quantitative"},
                         "color": color,
                         "tooltip": [{"field": "series", "type": "nominal"},
                                     {"field": "iteration", "type": "quantitative"},
                                     {"field": "value", "type": "quantitative", "format": ".3~g"}]}})
    return marks


RUN_COLORS = (palette.RUN_COLORS[0], palette.RUN_COLORS[3])  # blue and vermillion: runs A and B, told apart by any eye


def compare_curves(histories: dict[str, list[dict]], key: str, title: str, xaxis: str, yaxis: str,
                   smoothing: float = SMOOTHING, log: bool = False, ydomain: list | None = None,
                   clipped: str = "clipped") -> tuple[pd.DataFrame, dict]:
    """One quantity (``key``, e.g. "loss_g") of several runs on one chart, a line per run named by its label.

    The runs' records are joined on the iteration; a run that has not reached an iteration leaves a gap."""
    merged: dict[int, dict] = {}
    for label, history in histories.items():
        for record in history:
            merged.setdefault(int(record["iteration"]), {"iteration": record["iteration"]})[label] = record[key]
    rows = [merged[i] for i in sorted(merged)]
    series = {label: (label, color) for label, color in zip(histories, RUN_COLORS)}
    return _lines(rows, series, title, xaxis, yaxis, smoothing=smoothing, log=log, ydomain=ydomain,
                  clipped=clipped)
