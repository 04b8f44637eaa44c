"""Design: a cantilever to a specification, from the conditional GAN, beside SIMP solving the same case.

The student sets the load (row on the right edge, angle) and the volume; the
page draws N designs of the shipped conditional G at once, then SIMP's
answer, one solve drawn as it goes (~1 s), the compliance of each and the
compliance error of each generated design.  The cases tried stay in a table
for this browser session.  The model is loaded once per server process.
"""
from __future__ import annotations

import contextvars
import time

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from mechgan import conditional, figures, metrics, physics_metrics, specification, topopt
from mechgan.dataset_builder import FAMILY

from app.state import N, T, guarded, kept, number_format

PLOT = dict(width="stretch", config={"displayModeBar": False})
ARROW = 12  # arrow length, in elements
FRAME_INTERVAL = 0.12  # seconds at least between two of SIMP's states drawn while it solves
CE_SHOWN = 10.0  # a CE above 1000 % (void under the load: ~1e9 %) is written as "> 1000 %"


@st.cache_resource(show_spinner=False)
def _model() -> conditional.ConditionalGenerator:
    return conditional.load_generator()


@st.cache_data(show_spinner=False, max_entries=512)
def _generated(row: int, angle: float, volfrac: float, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """G's designs for the case and their compliances."""
    designs = _model().design(row, angle, volfrac, n, seed)
    case = topopt.LoadCase(row, angle)
    return designs, np.array([topopt.compliance(d, case) for d in designs])


@st.cache_data(show_spinner=False, max_entries=512)
def _simp(row: int, angle: float, volfrac: float, _on_iteration=None) -> topopt.SimpResult:
    """SIMP's answer to the case; ``_on_iteration`` (left out of the cache key) sees its states as they come."""
    return topopt.optimize(topopt.LoadCase(row, angle), volfrac, on_iteration=_on_iteration)


def _figure(image: np.ndarray, row: int, angle: float, title: str, floating: np.ndarray) -> go.Figure:
    """A design with the clamped edge, the load drawn as an arrow ending at its node, floating material in orange."""
    fig = figures.loaded_design_image(image, row, angle, title, arrow=ARROW, floating=floating)
    fig.update_layout(height=260, margin=dict(l=4, r=4, t=36, b=4), title_font_size=13)
    return fig


VOLUMES = tuple(round(0.10 + 0.01 * i, 2) for i in range(81))  # 0.10 ... 0.90, written 0,40 in French


def _controls() -> tuple[int, float, float, int, int]:
    c = st.columns(4)
    row = c[0].slider(T("design_row"), 0, 50, help=T("help_design_row"), **kept("design_row", 25))
    angle = c[1].slider(T("design_angle"), -90, 90, help=T("help_design_angle"), **kept("design_angle", 0))
    volfrac = c[2].select_slider(T("design_volume"), VOLUMES, format_func=number_format(".2f"),
                                 help=T("help_design_volume"), **kept("design_volume", 0.40))
    n = c[3].slider(T("designs_drawn"), 1, 8, help=T("help_design_count"), **kept("design_n", 4))
    seed = st.session_state.setdefault("design_seed", 0)
    return int(row), float(angle), float(volfrac), int(n), int(seed)


def _new_draw() -> None:
    st.session_state.design_seed = st.session_state.get("design_seed", 0) + 1


def _simp_live(slot, row: int, angle: float, volfrac: float) -> topopt.SimpResult:
    """Draw SIMP's states in ``slot`` as one solve passes them (the first at once, then one every FRAME_INTERVAL
    at most), then its design; a case solved before comes from the cache, at once."""
    # The frames are drawn in the page's own context: drawn from inside the cached function, Streamlit would
    # record them to replay on a cache hit, and fail there (``slot`` is made outside the function).
    page_context, shown = contextvars.copy_context(), -FRAME_INTERVAL

    def show(iteration: int, densities: np.ndarray) -> None:
        nonlocal shown
        if time.perf_counter() - shown >= FRAME_INTERVAL:
            page_context.run(_picture, slot, densities, row, angle, T("design_simp_iter", it=iteration))
            shown = time.perf_counter()

    result = _simp(row, angle, volfrac, show)
    _picture(slot, result.design, row, angle, T("design_simp_done", it=result.iterations))
    return result


def _picture(slot, image: np.ndarray, row: int, angle: float, caption: str) -> None:
    """SIMP's densities or design in ``slot``, as G's designs are drawn, but an image and not a chart: the
    browser swaps an image's source in place, where it draws each chart anew, the slot blank meanwhile (a
    quarter to a third of the time during a solve, on a loaded 2-core server); a data URI is drawn at once.
    The design too: the frames give way to it with nothing remounted, moved or blank."""
    slot.image(figures.loaded_design_png(image, row, angle, arrow=ARROW), caption=caption, width="stretch")


def _ce(error: float) -> str:
    return f"> {N(100 * CE_SHOWN, '+.0f')} %" if error > CE_SHOWN else f"{N(100 * error, '+.1f')} %"


def _caption(design: np.ndarray, row: int, compliance: float, error: float, floating_px: int) -> str:
    """A generated design's compliance and CE, and its floating material when it holds some."""
    if physics_metrics.load_disrespect(design, row):
        return T("design_g_unloaded")
    if floating_px:
        return T("design_g_floating", c=N(compliance, ".1f"), ce=_ce(error), px=floating_px)
    return T("design_g_caption", c=N(compliance, ".1f"), ce=_ce(error))


def _remember(row: int, angle: float, volfrac: float, simp: float, ce: np.ndarray) -> None:
    """Add the case to this session's table (once)."""
    cases = st.session_state.setdefault("design_cases", [])
    entry = {"row": row, "angle": angle, "volume": volfrac}
    if any({k: c[k] for k in entry} == entry for c in cases):
        return
    cases.append(entry | {"simp": simp, "median_ce": float(np.median(ce)), "best_ce": float(np.min(ce)),
                          "in_range": specification.in_trained_ranges(row, angle, volfrac)})


def _table() -> None:
    cases = st.session_state.get("design_cases", [])
    if not cases:
        return
    st.subheader(T("design_table"))
    cols = {"row": T("design_col_row"), "angle": T("design_col_angle"), "volume": T("design_col_volume"),
            "simp": T("design_col_simp"), "median_ce": T("design_col_median_ce"), "best_ce": T("design_col_best_ce"),
            "in_range": T("design_col_in_range")}
    rows = [{cols["row"]: c["row"], cols["angle"]: f"{N(c['angle'], '+.0f')}°", cols["volume"]: N(c["volume"], ".2f"),
             cols["simp"]: N(c["simp"], ".1f"), cols["median_ce"]: _ce(c["median_ce"]),
             cols["best_ce"]: _ce(c["best_ce"]), cols["in_range"]: c["in_range"]}
            for c in reversed(cases)]
    st.dataframe(rows, hide_index=True, width="stretch")


@guarded
def page() -> None:
    st.title(T("design_title"))
    st.caption(T("design_intro"))
    row, angle, volfrac, n, seed = _controls()
    notice = st.empty()  # always there: a warning coming or going moves nothing below, which would be drawn anew
    if not specification.in_trained_ranges(row, angle, volfrac):
        notice.warning(T("design_out_of_range", rows=f"{FAMILY.row_min}–{FAMILY.row_max}",
                         angle=f"±{FAMILY.angle_max_deg:.0f}°",
                         volume=f"{N(FAMILY.volfrac_min, '.2f')}–{N(FAMILY.volfrac_max, '.2f')}"),
                       icon=":material/warning:")
    left, right = st.columns([3, 1])
    left.subheader(T("design_generated"))
    left.button(T("design_redraw"), key="design_redraw", help=T("help_design_redraw"), on_click=_new_draw)
    right.subheader(T("design_simp"))
    designs, compliances = _generated(row, angle, volfrac, n, seed)
    floating = metrics.floating_mask(designs)
    grid, captions = left.columns(min(n, 4)), []
    for i, d in enumerate(designs):
        box = grid[i % len(grid)].container()
        box.plotly_chart(_figure(d, row, angle, f"G #{i + 1} · {N(d.mean(), '.0%')}", floating[i]),
                         key=f"design_g_{i}", **PLOT)
        captions.append(box.empty())
    if floating.any():  # what the orange pixels are, once under the designs
        left.caption(T("floating_explain"))
    # made only now: till then SIMP's column shows the last case's answer, where an empty slot shows nothing
    slot, simp_caption = right.empty(), right.empty()
    started = time.perf_counter()
    simp = _simp_live(slot, row, angle, volfrac)
    simp_caption.caption(T("design_simp_caption", c=N(simp.compliance, ".1f"), vf=N(simp.design.mean(), ".0%"),
                           s=N(time.perf_counter() - started, ".1f")))
    ce = np.array([physics_metrics.compliance_error(d, topopt.LoadCase(row, angle), simp.compliance)
                   for d in designs])
    for slot_, d, c, e, cut_off in zip(captions, designs, compliances, ce, floating):
        slot_.caption(_caption(d, row, c, e, int(cut_off.sum())))
    _remember(row, angle, volfrac, simp.compliance, ce)
    _table()


page()
