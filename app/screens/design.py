"""Design: a cantilever to a specification three ways, G proposes and SIMP finishes.

The student sets the load (row on the right edge, angle) and the volume; the
page shows three columns for the case: the shipped conditional G's N designs
as drawn, the same designs after K SIMP iterations each (K a slider), and
SIMP from scratch, one solve drawn as it goes, the reference every design's
compliance error (CE) is measured against.  Each column gives compliances,
CE, the floating material removed and its time.  The computing is ``mechgan.proposals``';
each column is cached on its own, so moving K recomputes the middle one only.
The cases tried stay in a table for this browser session.
"""
from __future__ import annotations

import contextvars
import time

import numpy as np
import streamlit as st

from mechgan import conditional, figures, physics_metrics, proposals, specification, topopt
from mechgan.dataset_builder import FAMILY

from app.state import N, T, guarded, kept, number_format

ARROW = 12  # arrow length, in elements
FRAME_INTERVAL = 0.12  # seconds at least between two of SIMP's states drawn while it solves
CE_SHOWN = 10.0  # a CE above 1000 % (void under the load: ~1e9 %) is written as "> 1000 %"
POLISH_DEFAULT, POLISH_MAX = 5, 20  # K: bench/polish_bench.py, G + 5 against a cold SIMP on held-out cases
VOLUMES = tuple(round(0.10 + 0.01 * i, 2) for i in range(81))  # 0.10 ... 0.90, written 0,40 in French


@st.cache_resource(show_spinner=False)
def _model() -> conditional.ConditionalGenerator:
    model = conditional.load_generator()
    model.design(25, 0.0, 0.4)  # the first call builds G's kernels: the time a column shows is G's own
    return model


@st.cache_data(show_spinner=False, max_entries=512)
def _generated(row: int, angle: float, volfrac: float, n: int, seed: int) -> proposals.Attempt:
    return proposals.generated(_model(), topopt.LoadCase(row, angle), volfrac, n, seed)


@st.cache_data(show_spinner=False, max_entries=512)
def _polished(row: int, angle: float, volfrac: float, n: int, seed: int, k: int) -> proposals.Attempt:
    return proposals.polished(_generated(row, angle, volfrac, n, seed), topopt.LoadCase(row, angle), volfrac, k)


@st.cache_data(show_spinner=False, max_entries=512)
def _simp(row: int, angle: float, volfrac: float, _on_iteration=None) -> proposals.Attempt:
    """SIMP from scratch; ``_on_iteration`` (left out of the cache key) sees its states as they come."""
    return proposals.from_scratch(topopt.LoadCase(row, angle), volfrac, _on_iteration)


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


def _picture(slot, image: np.ndarray, row: int, angle: float, caption: str, floating=None) -> None:
    """A design (or SIMP's densities) in ``slot`` as an image, not a chart: the browser swaps an image's
    source in place, where it draws each chart anew, the slot blank meanwhile; a data URI is drawn at once.
    So SIMP's frames give way to its design with nothing remounted, and the three columns look alike."""
    slot.image(figures.loaded_design_png(image, row, angle, arrow=ARROW, floating=floating), caption=caption,
               width="stretch")


def _simp_live(slot, row: int, angle: float, volfrac: float) -> proposals.Attempt:
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

    simp = _simp(row, angle, volfrac, show)
    _picture(slot, simp.designs[0], row, angle, T("design_simp_done", it=simp.iterations), simp.floating[0])
    return simp


def _designs(column, attempt: proposals.Attempt, row: int, angle: float, name: str) -> list:
    """The attempt's designs two a row in ``column``, each with an empty slot for its caption (CE needs
    SIMP's answer, which comes last)."""
    grid, slots = column.columns(min(len(attempt.designs), 2)), []
    for i, (d, floating) in enumerate(zip(attempt.designs, attempt.floating)):
        box = grid[i % len(grid)].container()
        _picture(box, d, row, angle, f"{name.format(i=i + 1)} · {N(d.mean(), '.0%')}", floating)
        slots.append(box.empty())
    return slots


def _ce(error: float) -> str:
    """CE as a percentage the session's way, "+1.4%" or "+1,4 %" as the volumes are written."""
    return f"> {N(CE_SHOWN, '+.0%')}" if error > CE_SHOWN else N(error, "+.1%")


def _duration(seconds: float) -> str:
    return f"{N(1000 * seconds, '.0f')} ms" if seconds < 1 else f"{N(seconds, '.1f')} s"


def _caption(design: np.ndarray, row: int, compliance: float, error: float, floating_px: int) -> str:
    """A design's compliance and CE, and its floating material when it holds some."""
    if physics_metrics.load_disrespect(design, row):
        return T("design_g_unloaded")
    if floating_px:
        return T("design_g_floating", c=N(compliance, ".1f"), ce=_ce(error), px=floating_px)
    return T("design_g_caption", c=N(compliance, ".1f"), ce=_ce(error))


def _judge(slots: list, attempt: proposals.Attempt, row: int, reference: float) -> np.ndarray:
    """Fill each design's caption with its C and CE against ``reference``; return the CEs."""
    ce = attempt.errors(reference)
    for slot, d, c, e, cut_off in zip(slots, attempt.designs, attempt.compliance, ce, attempt.floating):
        slot.caption(_caption(d, row, c, e, int(cut_off.sum())))
    return ce


def _remember(case: dict, simp: float, ce: np.ndarray, polished_ce: np.ndarray) -> None:
    """Add the case, with its K, to this session's table (once)."""
    cases = st.session_state.setdefault("design_cases", [])
    if any({k: c[k] for k in case} == case for c in cases):
        return
    cases.append(case | {"simp": simp, "median_ce": float(np.median(ce)), "best_ce": float(np.min(ce)),
                         "polished_ce": float(np.median(polished_ce)),
                         "in_range": specification.in_trained_ranges(case["row"], case["angle"], case["volume"])})


def _table() -> None:
    cases = st.session_state.get("design_cases", [])
    if not cases:
        return
    st.subheader(T("design_table"))
    cols = {key: T(f"design_col_{key}") for key in ("row", "angle", "volume", "simp", "median_ce", "best_ce", "k",
                                                   "polished_ce", "in_range")}
    rows = [{cols["row"]: c["row"], cols["angle"]: f"{N(c['angle'], '+.0f')}°", cols["volume"]: N(c["volume"], ".2f"),
             cols["simp"]: N(c["simp"], ".1f"), cols["median_ce"]: _ce(c["median_ce"]),
             cols["best_ce"]: _ce(c["best_ce"]), cols["k"]: c["k"], cols["polished_ce"]: _ce(c["polished_ce"]),
             cols["in_range"]: c["in_range"]}
            for c in reversed(cases)]
    st.dataframe(rows, hide_index=True, width="stretch")


def _notice(row: int, angle: float, volfrac: float) -> None:
    notice = st.empty()  # always there: a warning coming or going moves nothing below, which would be drawn anew
    if not specification.in_trained_ranges(row, angle, volfrac):
        notice.warning(T("design_out_of_range", rows=f"{FAMILY.row_min}–{FAMILY.row_max}",
                         angle=f"±{FAMILY.angle_max_deg:.0f}°",
                         volume=f"{N(FAMILY.volfrac_min, '.2f')}–{N(FAMILY.volfrac_max, '.2f')}"),
                       icon=":material/warning:")


@guarded
def page() -> None:
    st.title(T("design_title"))
    st.caption(T("design_intro"))
    row, angle, volfrac, n, seed = _controls()
    _notice(row, angle, volfrac)
    heads = st.columns(3)  # three rows of three columns: the designs line up whatever each column's tool
    tools = st.columns(3, vertical_alignment="bottom")
    alone, polish, scratch = st.columns(3)
    tools[0].button(T("design_redraw"), key="design_redraw", help=T("help_design_redraw"), on_click=_new_draw)
    k = int(tools[1].slider(T("design_polish_k"), 1, POLISH_MAX, help=T("help_design_polish"),
                            **kept("design_k", POLISH_DEFAULT)))
    for head, title in zip(heads, (T("design_alone"), T("design_polished", k=k), T("design_simp"))):
        head.markdown(f"#### {title}")  # a subheader's size takes two lines for "G + 5 itérations de SIMP"
    generated = _generated(row, angle, volfrac, n, seed)
    generated_slots = _designs(alone, generated, row, angle, "G #{i}")
    polished = _polished(row, angle, volfrac, n, seed, k)
    polished_slots = _designs(polish, polished, row, angle, f"G #{{i}} + {k}")
    summaries = alone.empty(), polish.empty()
    solve, notes = scratch.columns(2)  # SIMP's design as large as the others, what it is beside it
    notes.caption(T("design_simp_what"))
    # made only now: till then SIMP's column shows the last case's answer, where an empty slot shows nothing
    slot, simp_slots = solve.empty(), [solve.empty()]
    simp = _simp_live(slot, row, angle, volfrac)
    reference = float(simp.compliance[0])
    _judge(simp_slots, simp, row, reference)
    notes.caption(T("design_simp_summary", vf=N(simp.designs.mean(), ".0%"), it=simp.iterations,
                    t=_duration(simp.seconds)))
    ce = _judge(generated_slots, generated, row, reference)
    polished_ce = _judge(polished_slots, polished, row, reference)
    summaries[0].caption(T("design_alone_summary", ce=_ce(np.median(ce)), t=_duration(generated.seconds_each)))
    summaries[1].caption(T("design_polished_summary", it=polished.iterations, ce=_ce(np.median(polished_ce)),
                           t=_duration(polished.seconds_each)))
    st.caption(T("design_ce_explain"))
    if any(a.floating.any() for a in (generated, polished, simp)):  # what the orange pixels are, once
        st.caption(T("floating_explain"))
    _remember({"row": row, "angle": angle, "volume": volfrac, "k": k}, reference, ce, polished_ce)
    _table()


page()
