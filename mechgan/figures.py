"""Plotly figures for exploring the designs (lab question 2), shared by notebook and app.

Every builder returns a ``go.Figure`` (:func:`loaded_design_png` and :func:`designs_png`, PNGs); nothing is
shown here.  Titles and axis labels are parameters with English defaults so the app can translate them.  One
grid of designs (:func:`designs_grid`) serves every page that tiles designs.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from PIL import Image, ImageDraw, ImageFont
from scipy import ndimage

from mechgan.data import DesignSet, material_level
from mechgan.palette import (CLAMPED, FAKE, FLOATING, FLOATING_DARK, GAP, GRAY, INK, LOAD, REAL, WHITE, palette,
                             png_data_uri, ramp, rgb, tile)

HEAT = "Viridis"
LOADED_PNG_SCALE = 4  # pixels per element in loaded_design_png
LOADED_PNG_LEVELS = 64  # greys in its palette, void white to solid dark
GRID_SCALE = 4  # pixels per design pixel in a grid's PNG
GRID_LEVELS = 32  # greys in a grid's palette (plus the gap colour)
GRID_GAP = 8  # design pixels between the tiles of a grid; the band above each tile holds its title
TITLE_COLORS = (INK, REAL, FAKE)  # a tile's title: plain, or a D score calling it real or generated
_CROSS = ndimage.generate_binary_structure(2, 1)  # a pixel's four neighbours


def _square_axes(fig: go.Figure) -> go.Figure:
    fig.update_layout(plot_bgcolor="white")
    fig.update_xaxes(showticklabels=False, showgrid=False, zeroline=False, constrain="domain")
    fig.update_yaxes(showticklabels=False, showgrid=False, zeroline=False, autorange="reversed",
                     scaleanchor="x", constrain="domain")
    return fig


def design_image(design: np.ndarray, title: str = "") -> go.Figure:
    """One design (or any 50x50 map in [0, 1]) as an image."""
    fig = go.Figure(go.Heatmap(z=np.asarray(design, dtype=float), colorscale=GRAY, zmin=0, zmax=1,
                               showscale=False, hovertemplate="row %{y}, col %{x}: %{z:.2f}<extra></extra>"))
    fig.update_layout(title=title, margin=dict(l=10, r=10, t=40 if title else 10, b=10))
    return _square_axes(fig)


def _loaded_view(row: int, angle: float, arrow: float, side: int) -> tuple[tuple, tuple, tuple]:
    """A loaded design's picture, in the image's pixel coordinates: the force's arrow (tip at the loaded node
    on the right edge, tail ``arrow`` elements back, ``angle`` degrees from straight down) and the x and y
    ranges shown, with room for the arrow."""
    a = np.deg2rad(angle)
    x, y = side - 0.5, row - 0.5
    return (x, y, x - arrow * np.sin(a), y - arrow * np.cos(a)), (-2, side + arrow), (-2 - arrow / 2, side + arrow / 2)


def loaded_design_image(design: np.ndarray, row: int, angle: float, title: str = "", arrow: float = 12,
                        floating: np.ndarray | None = None) -> go.Figure:
    """A design (or densities) with its clamped edge and the load, an arrow ending at the loaded node; the
    pixels of ``floating`` (a bool mask, e.g. ``metrics.floating_mask``) drawn in FLOATING."""
    side = np.shape(design)[1]
    (x, y, ax, ay), xrange, (y0, y1) = _loaded_view(row, angle, arrow, side)
    fig = design_image(design, title=title)
    if floating is not None and np.any(floating):
        fig.add_trace(go.Heatmap(z=np.where(floating, 1.0, np.nan), colorscale=[[0, FLOATING], [1, FLOATING]],
                                 showscale=False, hoverinfo="skip"))
    fig.add_annotation(x=x, y=y, ax=ax, ay=ay, xref="x", yref="y", axref="x", ayref="y", showarrow=True,
                       arrowhead=2, arrowwidth=3, arrowcolor=LOAD, text="")
    fig.add_shape(type="line", x0=-0.5, x1=-0.5, y0=-0.5, y1=side - 0.5, line=dict(color=CLAMPED, width=6))
    fig.update_xaxes(range=list(xrange))
    fig.update_yaxes(range=[y1, y0])
    return fig


def loaded_design_png(design: np.ndarray, row: int, angle: float, arrow: float = 12,
                      floating: np.ndarray | None = None) -> str:
    """:func:`loaded_design_image` as a PNG data URI, without its title: the same view, greys, floating
    material, clamped edge and arrow.  Made in about a millisecond, and a browser swaps an image's source in
    place, where it draws a chart anew (blank meanwhile): for pictures that change several times a second."""
    design = np.asarray(design, dtype=float)
    side, scale = design.shape[1], LOADED_PNG_SCALE
    (x, y, ax, ay), (x0, x1), (y0, y1) = _loaded_view(row, angle, arrow, side)

    def px(u: float, v: float) -> tuple[float, float]:
        return (u - x0) * scale, (v - y0) * scale

    canvas = np.zeros((round((y1 - y0) * scale), round((x1 - x0) * scale)), np.uint8)  # void
    left, top = (round(c) for c in px(-0.5, -0.5))
    levels = np.round(np.clip(design, 0, 1) * (LOADED_PNG_LEVELS - 1)).astype(np.uint8)
    if floating is not None:
        levels[np.asarray(floating, bool)] = LOADED_PNG_LEVELS + 2
    canvas[top:top + len(design) * scale, left:left + side * scale] = levels.repeat(scale, 0).repeat(scale, 1)
    image = Image.fromarray(canvas, "P")
    image.putpalette(_LOADED_PALETTE)
    draw = ImageDraw.Draw(image)
    draw.line([px(-0.5, -0.5), px(-0.5, len(design) - 0.5)], fill=LOADED_PNG_LEVELS, width=round(1.75 * scale))
    direction = np.array([x - ax, y - ay]) / arrow  # along the force
    base = np.array([x, y]) - 3 * direction  # the head: 3 elements long, 2.6 wide, as the chart's looks
    normal = 1.3 * np.array([-direction[1], direction[0]])
    draw.line([px(ax, ay), px(*base)], fill=LOADED_PNG_LEVELS + 1, width=scale)
    draw.polygon([px(x, y), px(*(base + normal)), px(*(base - normal))], fill=LOADED_PNG_LEVELS + 1)
    return png_data_uri(image)


_LOADED_PALETTE = palette(ramp(GRAY[0][1], GRAY[1][1], LOADED_PNG_LEVELS), rgb(CLAMPED), rgb(LOAD), rgb(FLOATING))


def designs_grid(designs: np.ndarray, cols: int = 8, titles: list[str] | None = None, title: str = "",
                 floating: np.ndarray | None = None, title_colors: list[str] | None = None) -> go.Figure:
    """Small multiples of designs (bool, or floats in [0, 1]): the lab's one grid of designs (the Data page's
    gallery, the Lab's samples, the Runs page's), drawn as one small PNG (:func:`designs_png`), not as a
    heatmap of numbers per design."""
    rows = -(-len(designs) // cols)
    # drawn GRID_SCALE times larger and shrunk back (dx, dy): browsers blur an enlarged image
    image = go.Image(source=designs_png(designs, cols, titles, floating, title_colors), dx=1 / GRID_SCALE,
                     dy=1 / GRID_SCALE, hoverinfo="skip")
    return go.Figure(image, dict(
        title=title, height=80 + 95 * rows, margin=dict(l=5, r=5, t=40 if title else 5, b=5),
        xaxis=dict(visible=False), yaxis=dict(visible=False)))


def designs_png(designs: np.ndarray, cols: int = 8, titles: list[str] | None = None,
                floating: np.ndarray | None = None, title_colors: list[str] | None = None) -> str:
    """The tiles of :func:`designs_grid` as a PNG data URI, void white to solid dark, each under its title
    when ``titles`` are given (written in its colour of ``title_colors``, from TITLE_COLORS; INK by default);
    the pixels of ``floating`` (a bool mask of the designs' shape, e.g. ``metrics.floating_mask``) in shades
    of FLOATING.

    A palette image of GRID_LEVELS greys, lightly compressed: the live Lab draws one
    for every student every few seconds (docs/decisions.md).
    """
    side, pad = np.shape(designs)[1], GRID_GAP
    levels = np.round(np.clip(np.asarray(designs, dtype=float), 0, 1) * (GRID_LEVELS - 1))
    if floating is not None:
        levels[np.asarray(floating, bool).reshape(levels.shape)] += _FLOATING  # the same grey, in orange's shades
    # a band above each tile holds its title, if any (a thumbnail has none); GRID_LEVELS is the gap's colour
    canvas = tile(levels.astype(np.uint8), cols, pad, GRID_LEVELS, (0 if titles is None else pad, 0, 0, 0))
    image = Image.fromarray(canvas.repeat(GRID_SCALE, axis=0).repeat(GRID_SCALE, axis=1), "P")
    image.putpalette(_GRID_PALETTE)
    if titles is not None:
        _write_titles(image, titles, title_colors or [INK] * len(titles), cols, side + pad, pad, side)
    return png_data_uri(image)


def _write_titles(image: Image.Image, titles: list[str], colors: list[str], cols: int, cell: int, pad: int,
                  side: int) -> None:
    """Each tile's title, on white in the gap above it."""
    draw, font = ImageDraw.Draw(image), ImageFont.load_default(size=GRID_SCALE * pad * 0.85)
    for i, (text, color) in enumerate(zip(titles, colors)):
        text = text.translate(_PLAIN_SPACES)  # the font has no glyph for French no-break spaces ("45 %")
        r, c = divmod(i, cols)
        at = (GRID_SCALE * (c * cell + side / 2), GRID_SCALE * (r * cell + pad / 2))
        left, top, right, bottom = draw.textbbox(at, text, font=font, anchor="mm")
        draw.rectangle((left - 6, top - 3, right + 6, bottom + 3), fill=_WHITE)
        draw.text(at, text, fill=_TITLE + TITLE_COLORS.index(color), font=font, anchor="mm")


_GRID_PALETTE = palette(ramp(GRAY[0][1], GRAY[1][1], GRID_LEVELS), rgb(GAP), rgb(WHITE),
                        *(rgb(c) for c in TITLE_COLORS),
                        (ramp(WHITE, FLOATING, GRID_LEVELS) + ramp(WHITE, FLOATING_DARK, GRID_LEVELS)) / 2)
_PLAIN_SPACES = str.maketrans({"\u202f": " ", "\u00a0": " "})
_WHITE, _TITLE = GRID_LEVELS + 1, GRID_LEVELS + 2  # palette indices after the gap's; then TITLE_COLORS'
_FLOATING = _TITLE + len(TITLE_COLORS)  # and the floating material's shades, from there on


def outlines(designs: np.ndarray, title: str = "Outlines of the designs",
             colorbar: str = "share of outlines") -> go.Figure:
    """Where the designs' outlines run: each pixel, the share of designs whose solid edge passes there (a solid
    pixel beside void; the domain's border is no edge).  Thin lines that add up, where filled shapes of many
    colours blur into one mass."""
    solid = np.asarray(designs, dtype=bool)
    inner = ndimage.binary_erosion(solid, structure=_CROSS[None], border_value=1)
    share = (solid & ~inner).mean(axis=0)
    fig = design_image(share, title)
    fig.update_traces(colorscale=GRAY, zmax=max(float(share.max()), 1e-9), showscale=True,
                      colorbar=dict(title=colorbar))
    return fig


def mean_design(designs: np.ndarray, title: str = "Mean design (share of designs with material)",
                colorbar: str = "share") -> go.Figure:
    """Each pixel shows the share of designs that are solid there."""
    fig = design_image(np.asarray(designs, dtype=float).mean(axis=0), title)
    fig.update_traces(colorscale=HEAT, showscale=True, colorbar=dict(title=colorbar))
    return fig


def material_histogram(designs: np.ndarray, bins: int = 40, title: str = "Material level",
                       xaxis: str = "solid pixels per design", yaxis: str = "designs",
                       others: dict[str, np.ndarray] | None = None) -> go.Figure:
    """Histogram of material levels; ``others`` overlays more sets (e.g. generated designs)."""
    sets = {"data": designs, **(others or {})}
    fig = go.Figure()
    for name, ds in sets.items():
        fig.add_trace(go.Histogram(x=material_level(ds), name=name, nbinsx=bins, opacity=0.7,
                                   histnorm="probability" if others else ""))
    fig.update_layout(title=title, xaxis_title=xaxis, yaxis_title=yaxis, barmode="overlay",
                      margin=dict(l=40, r=10, t=40, b=40), showlegend=bool(others))
    return fig


def load_cases(ds: DesignSet, title: str = "Load cases",
               xaxis: str = "load direction (degrees from straight down)",
               yaxis: str = "load position (node row on the right edge)") -> go.Figure:
    """Where and how each design is loaded, coloured by its volume fraction."""
    fig = go.Figure(go.Scattergl(
        x=ds.load_angle_deg, y=ds.load_row, mode="markers",
        marker=dict(size=4, color=ds.volfrac, colorscale=HEAT, showscale=True,
                    colorbar=dict(title="volume"), opacity=0.6),
        hovertemplate="angle %{x:.1f} deg, row %{y}<extra></extra>"))
    fig.update_layout(title=title, xaxis_title=xaxis, yaxis_title=yaxis,
                      margin=dict(l=40, r=10, t=40, b=40))
    fig.update_yaxes(autorange="reversed")
    return fig
