"""Data: what the GAN must learn (lab question 2), and a student's own designs to train on instead.

The same summary (count, gallery, overlay, mean design, material histogram)
shows the shipped set and an uploaded one.  Uploaded designs live in this
session's state only; the Lab trains on ``st.session_state.lab_designs`` when set.
Switching the Lab's designs closes its run, so a run with iterations is not
closed without asking.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import plotly.graph_objects as go
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from mechgan import data, figures
from mechgan.user_data import DatasetError

from app import upload
from app.errors import coded
from app.i18n import number
from app.state import T, guarded, lang, localized_figure, registry, said, session_key

PLOT = dict(width="stretch", config={"displayModeBar": False})
GALLERY = 24
FigureOf = Callable[[str, int, int], go.Figure]  # (part, seed, count) -> one figure of the summary


def _figure(designs: np.ndarray, part: str, seed: int, count: int) -> go.Figure:
    """One summary figure of ``designs`` (its numbers written the page's way)."""
    return localized_figure(_summary(designs, part, seed, count))


def _summary(designs: np.ndarray, part: str, seed: int, count: int) -> go.Figure:
    """The gallery and the overlay show a draw (``seed``); the mean design and the histogram all designs."""
    if part == "mean":
        return figures.mean_design(designs, title=T("fig_mean_design"), colorbar=T("share_axis"))
    if part == "hist":
        return figures.material_histogram(designs, title=T("fig_material"), xaxis=T("material_axis"),
                                          yaxis=T("designs_axis"))
    size = count if part == "overlay" else GALLERY
    pick = np.random.default_rng(seed).choice(len(designs), min(size, len(designs)), replace=False)
    if part == "overlay":
        return figures.outlines(designs[pick], title=T("fig_overlay", count=len(pick)), colorbar=T("overlay_axis"))
    titles = [f"#{i} · {number(designs[i].mean(), lang(), '.0%')}" for i in pick]
    return figures.designs_grid(designs[pick], cols=8, titles=titles)


@st.cache_resource(show_spinner=False, max_entries=200)
def _shipped_figure(part: str, seed: int, count: int, language: str) -> go.Figure:
    """The shipped set's figures, built once per server (``language`` keys the cache)."""
    return _figure(data.load_designs(), part, seed, count)


@st.cache_resource(show_spinner=False)
def _load_cases(language: str) -> go.Figure:
    return localized_figure(figures.load_cases(data.load_dataset(), title=T("fig_load_cases"),
                                               xaxis=T("angle_axis"), yaxis=T("row_axis")))


def _material(designs: np.ndarray) -> dict[str, str]:
    """Count and material level of ``designs`` as the page writes them (grouped digits, French spacing)."""
    return dict(count=f"{len(designs):,}".replace(",", " "),
                material=number(data.material_level(designs).mean(), lang(), ",.0f"),
                pixels=number(designs[0].size, lang()), share=number(designs.mean(), lang(), ".0%"))


def summary(designs: np.ndarray, figure: FigureOf, caption: str, key: str = "") -> DeltaGenerator:
    """Count, gallery, overlay, mean design and material histogram; returns the free column beside the histogram."""
    written = _material(designs)
    c = st.columns(4)
    c[0].metric(T("design_count"), written["count"])
    c[1].metric(T("design_size"), f"{designs.shape[1]} × {designs.shape[2]}")
    c[2].metric(T("mean_material"), f"{written['material']} px", help=T("help_mean_material"))
    c[3].metric(T("mean_volfrac"), written["share"])

    st.subheader(T("gallery"))
    seed = int(st.number_input(T("gallery_seed"), 0, 10_000, 0, key=f"{key}gallery_seed",
                               help=T("help_gallery_seed")))
    st.plotly_chart(figure("gallery", seed, 0), key=f"{key}fig_gallery", **PLOT)

    st.subheader(T("overlay_and_mean"))
    count = st.slider(T("overlay_count"), 2, 200, 20, key=f"{key}overlay_count", help=T("help_overlay_count"))
    left, right = st.columns(2)
    left.plotly_chart(figure("overlay", seed, count), key=f"{key}fig_overlay", **PLOT)
    right.plotly_chart(figure("mean", 0, 0), key=f"{key}fig_mean", **PLOT)
    st.caption(caption)

    left, right = st.columns(2)
    left.plotly_chart(figure("hist", 0, 0), key=f"{key}fig_hist", **PLOT)
    return right


@dataclass(frozen=True)
class Upload:
    """The outcome of one uploaded file, kept so that reruns do not read it again."""

    file_id: str
    name: str  # sanitized: the client's name is never shown or used as it came
    designs: np.ndarray | None = None
    reading: str = ""  # how the values became material (a key of mechgan.user_data.READINGS)
    error_code: str = ""  # a refusal the page says in its language (app/errors.py)
    error_fields: dict = field(default_factory=dict)


def _read(file) -> Upload:
    name = upload.safe_name(file.name)
    try:
        read = upload.load_upload(file.name, file.getvalue())
    except DatasetError as e:
        code, fields = coded(e)
        return Upload(file.file_id, name, error_code=code, error_fields=fields)
    return Upload(file.file_id, name, designs=read.designs, reading=read.reading)


def _plain(text: str) -> str:
    """``text`` with Markdown's marks escaped: an error message may quote names from inside the file."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$])", r"\\\1", text)


def _train_on(designs: np.ndarray | None) -> None:
    """Make the Lab of this session train on ``designs`` (None: the shipped set) from its next run."""
    st.session_state.pop("switch_to", None)
    st.session_state.lab_designs = designs
    st.session_state.lab_designs_switched = True


def _run_iteration() -> int:
    """The iteration of this session's run in the Lab (0: none, or nothing trained yet)."""
    worker = registry().existing(session_key())
    return worker.snapshot().iteration if worker is not None else 0


def _ask_then_train_on(designs: np.ndarray | None) -> None:
    """Switch the Lab's designs at once if its run has no iteration to lose, else ask first."""
    if _run_iteration() > 0:
        st.session_state.switch_to = (designs,)
    else:
        _train_on(designs)


def _confirm_switch() -> None:
    """The question asked before a run with iterations is closed for other designs."""
    with st.container(border=True):
        st.warning(T("confirm_switch", iteration=_run_iteration()), icon=":material/warning:")
        go_on, keep = st.columns(2)
        go_on.button(T("btn_confirm_switch"), key="btn_confirm_switch", type="primary",
                     on_click=_train_on, args=st.session_state.switch_to)
        keep.button(T("btn_cancel_switch"), key="btn_cancel_switch",
                    on_click=lambda: st.session_state.pop("switch_to", None))


def _uploader():
    """The file uploader, its built-in size line (English only in Streamlit) replaced by a translated one."""
    st.html("<style>.st-key-upload_file [data-testid='stFileUploaderDropzoneInstructions']"
            "{display: none}</style>")
    file = st.file_uploader(T("upload_label"), type=[s[1:] for s in upload.SUFFIXES], key="upload_file",
                            help=T("help_upload", mb=upload.MAX_MB, min=upload.MIN_DESIGNS))
    st.caption(T("upload_limit", mb=upload.MAX_MB))
    return file


def _shown(shown: Upload) -> None:
    """An accepted upload: how it was read, its summary, and the button that trains the Lab on it."""
    ss = st.session_state
    st.subheader(T("upload_shown", name=_plain(shown.name)))
    written = _material(shown.designs)
    st.info(T("upload_read", reading=T(f"reading_{shown.reading}"), **written), icon=":material/check_circle:")
    beside = summary(shown.designs, functools.partial(_figure, shown.designs),
                     T("own_overlay_caption", **written), key="upload_")
    beside.button(T("btn_train_on_upload"), key="btn_train_on_upload", type="primary",
                  help=T("help_train_on_upload"), on_click=_ask_then_train_on, args=(shown.designs,),
                  disabled=ss.get("lab_designs") is shown.designs)


def own_designs() -> None:
    """Upload a dataset, look at it, and train the Lab on it (this browser session only)."""
    ss = st.session_state
    st.divider()
    st.header(T("upload_title"))
    st.caption(T("upload_intro"))
    file = _uploader()
    if file is None:
        ss.pop("upload", None)
    elif ss.get("upload") is None or ss.upload.file_id != file.file_id:
        ss.upload = _read(file)
    shown = ss.get("upload")
    if shown is not None and shown.error_code:
        error = said(shown.error_code, shown.error_fields)
        st.error(T("upload_error", error=_plain(error)), icon=":material/error:")
    elif shown is not None:
        _shown(shown)
    if "switch_to" in ss:
        _confirm_switch()
    if ss.get("lab_designs") is not None:
        st.success(T("lab_on_upload", count=len(ss.lab_designs)), icon=":material/model_training:")
        st.page_link("screens/lab.py", label=T("open_lab"), icon=":material/arrow_forward:")
        st.button(T("btn_back_to_shipped"), key="btn_back_to_shipped", help=T("help_back_to_shipped"),
                  on_click=_ask_then_train_on, args=(None,))


@guarded
def page() -> None:
    ds = data.load_dataset()
    st.title(T("data_title"))
    st.caption(T("data_intro"))
    beside = summary(ds.designs, lambda part, seed, count: _shipped_figure(part, seed, count, lang()),
                     T("overlay_caption"))
    beside.plotly_chart(_load_cases(lang()), key="fig_loads", **PLOT)
    st.caption(T("load_cases_caption"))
    own_designs()


page()
