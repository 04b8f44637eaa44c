"""Runs: compare saved runs (curves, final designs, quality) and download their files."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st

from mechgan import training_figures as tf_fig
from mechgan.data import binarize

from app.i18n import TEXTS
from app.lab_views import grid
from app.save_box import RUNS_ROOT
from app.state import N, T, guarded, kept, labeller, localized_figure

PLOT = dict(width="stretch", config={"displayModeBar": False})
CURVES = ("loss_d", "loss_g", "d_real", "d_fake")
REPORT_SAMPLES = 256


def _stamp(path: Path) -> float:
    """Latest change in a run folder: cached results follow a re-save."""
    return max((p.stat().st_mtime for p in path.iterdir()), default=0.0)


@st.cache_data(show_spinner=False, max_entries=64)
def _history(path: str, stamp: float) -> list[dict]:
    from mechgan.runs import read_history

    return read_history(Path(path))


@st.cache_data(show_spinner=False, max_entries=64)
def _meta(path: str, stamp: float) -> dict:
    from mechgan.runs import read_meta

    return read_meta(Path(path))


@st.cache_data(show_spinner=False, max_entries=16)
def _outputs(path: str, stamp: float) -> dict:
    """Fixed-noise samples, 256 fresh designs and their quality report, from the saved weights."""
    from mechgan.metrics import quality_report
    from mechgan.runs import load_run

    trainer = load_run(Path(path))
    generated = trainer.generate(n=REPORT_SAMPLES)
    samples, scores = trainer.scored_fixed_samples()
    return {"samples": samples, "scores": scores,
            "designs": binarize(generated), "report": quality_report(generated),
            "iteration": trainer.iteration, "config": trainer.config.to_dict()}


def _zip(folder: Path) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(folder.iterdir()):
            if p.is_file():
                zf.write(p, f"{folder.name}/{p.name}")
    return buf.getvalue()


def _csv(history: list[dict]) -> bytes:
    keys = list(history[0]) if history else []
    lines = [",".join(keys)] + [",".join(str(r[k]) for k in keys) for r in history]
    return ("\n".join(lines) + "\n").encode()


def _npz(designs: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.savez_compressed(buf, designs=designs)
    return buf.getvalue()


def _latest_grid(folder: Path) -> Path | None:
    grids = sorted(folder.glob("grid_*.png"))
    return grids[-1] if grids else None


def _setting(name: str, value) -> str:
    """A setting as the Lab's sidebar writes it: the option's label, numbers the session's way."""
    if isinstance(value, str):
        return T(f"choice_{value}") if f"choice_{value}" in TEXTS else value
    if isinstance(value, bool):
        return T("yes" if value else "no")
    if isinstance(value, float):
        return N(value, ".3g")
    return N(value, "d") if isinstance(value, int) and not isinstance(value, bool) else str(value)


def _settings_table(metas: dict[str, dict]) -> None:
    """Each run's settings, one row a run, in the curves' colours: those that differ, or all of them."""
    configs = {name: meta["config"] for name, meta in metas.items()}
    fields = list(next(iter(configs.values())))
    differ = [f for f in fields if len({repr(c.get(f)) for c in configs.values()}) > 1]
    st.subheader(T("settings_table"))
    shown = fields if st.toggle(T("settings_all"), key="runs_settings_all", help=T("help_settings_all")) else differ
    if not shown:
        st.caption(T("settings_same"))
    rows = [{T("run"): name, T("iteration"): N(meta["progress"]["iteration"], "d"),
             **{T(f"ctl_{f}") if f"ctl_{f}" in TEXTS else f: _setting(f, configs[name].get(f)) for f in shown}}
            for name, meta in metas.items()]
    colours = [f"color: {tf_fig.run_color(i)}; font-weight: 600" for i in range(len(rows))]
    table = pd.DataFrame(rows).style.apply(lambda _: colours, subset=[T("run")])
    st.dataframe(table, hide_index=True, width="stretch")


def _downloads(folder: Path, history: list[dict], out: dict) -> None:
    row = st.container(horizontal=True)  # each button as wide as its words: four equal columns cut the French
    row.download_button(T("dl_weights"), _zip(folder), f"{folder.name}.zip", "application/zip",
                        key=f"dl_w_{folder.name}", icon=":material/download:")
    row.download_button(T("dl_history"), _csv(history), f"{folder.name}-history.csv", "text/csv",
                        key=f"dl_h_{folder.name}", icon=":material/download:")
    grid = _latest_grid(folder)
    row.download_button(T("dl_grid"), grid.read_bytes() if grid else b"", f"{folder.name}-grid.png", "image/png",
                        key=f"dl_g_{folder.name}", icon=":material/download:", disabled=grid is None)
    row.download_button(T("dl_designs"), _npz(out["designs"]), f"{folder.name}-designs.npz",
                        "application/octet-stream", key=f"dl_n_{folder.name}", icon=":material/download:")


@guarded
def page() -> None:
    from mechgan.runs import list_runs

    st.title(T("runs_title"))
    st.caption(T("runs_intro"))
    runs = {p.name: p for p in list_runs(RUNS_ROOT)}
    if not runs:
        st.info(T("no_runs"))
        return
    chosen = st.multiselect(T("runs_chosen"), list(runs), default=list(runs)[:2], key="runs_chosen",
                            help=T("help_runs_chosen"))
    if not chosen:
        return
    histories = {name: _history(str(runs[name]), _stamp(runs[name])) for name in chosen}
    _settings_table({name: _meta(str(runs[name]), _stamp(runs[name])) for name in chosen})
    key = st.segmented_control(T("curve"), CURVES, required=True, format_func=labeller(), help=T("help_curve"),
                               **kept("runs_curve", "loss_g"))
    st.plotly_chart(localized_figure(tf_fig.runs_overlay(histories, key, title=T(key), xaxis=T("iteration_axis"))),
                    key="fig_runs", **PLOT)
    with st.spinner(T("loading_runs")):
        outputs = {name: _outputs(str(runs[name]), _stamp(runs[name])) for name in chosen}
    st.subheader(T("final_grids"))
    for i, (col, name) in enumerate(zip(st.columns(len(chosen)), chosen)):
        with col:
            out = outputs[name]
            title = (f"<span style='color:{tf_fig.run_color(i)}'>■</span> {name} · {T('iteration')} "
                     f"{N(out['iteration'], 'd')}")
            st.plotly_chart(localized_figure(grid(out["samples"], out["scores"], title=title, cols=4)),
                            key=f"fig_grid_{name}", **PLOT)
    st.subheader(T("quality_table"))
    metrics = list(outputs[chosen[0]]["report"])  # a row per metric, a column per run: it fits the page's width
    st.dataframe([{T("metric"): T(f"metric_{k}"),
                   **{name: N(tf_fig.shown_value(k, outputs[name]["report"].get(k, np.nan)), ".4g")
                      for name in chosen}} for k in metrics],
                 hide_index=True, width="stretch")
    st.subheader(T("downloads"))
    for name in chosen:
        st.markdown(f"**{name}**")
        _downloads(runs[name], histories[name], outputs[name])


page()
