"""The Lab's compare mode: runs A and B side by side, on shared charts.

Neither GAN Lab, the TensorFlow tutorial nor Playground has it: handout
question 1 asks to compare "both rates large" with "both small", and with two
runs from the same seed and noise, trained in step, the difference is the
student's change alone.  Each run keeps its own header and health messages;
their curves share a chart (a colour per run) and their samples sit side by side.
"""
from __future__ import annotations

import streamlit as st

from mechgan.config import PARAMS, TrainConfig

from app import lab_views, live_charts
from app.state import N, T
from app.worker import Snapshot

SAMPLE_COLS = 4  # tiles a row in each half of the page: at 8, a D score was ~6 px high at 1366x768


def differences(configs: dict[str, TrainConfig]) -> dict[str, str]:
    """Each run's label with what sets it apart, e.g. {"A": "A · lr_g 5e-2, lr_d 5e-2", ...}."""
    first, *others = configs.values()
    changed = [n for n in PARAMS if any(getattr(c, n) != getattr(first, n) for c in others)]
    return {name: f"{name} · " + (", ".join(f"{n} {N(getattr(c, n), 'g')}" if isinstance(getattr(c, n), float)
                                            else f"{n} {getattr(c, n)}" for n in changed) or T("same_settings"))
            for name, c in configs.items()}


def show(snaps: dict[str, Snapshot], views) -> None:
    """Headers and health of each run, then the shared curves and the samples side by side."""
    labels = differences({name: snap.config or TrainConfig() for name, snap in snaps.items()})
    for name, snap in snaps.items():
        st.markdown(f"**{labels[name]}**")
        lab_views.header(snap)
        if views is not None:
            lab_views.health(snap, views, tracker=f"_health_{name}")
    smoothing, log = lab_views.curve_controls()
    histories = {name: list(snap.history) for name, snap in snaps.items()}
    common = dict(xaxis=T("iteration_axis"), smoothing=smoothing, clipped=T("curve_clipped"))
    left, right = st.columns(2)
    for column, key in ((left, "loss_d"), (right, "loss_g")):
        with column:
            lab_views.curves(live_charts.compare_curves(
                histories, key, title=T(f"compare_{key}"), yaxis=T("loss_axis_log" if log else "loss_axis"),
                log=log, **common))
    columns = st.columns(len(snaps))
    for column, (name, snap) in zip(columns, snaps.items()):
        if snap.samples is None:
            column.info(T("no_samples_yet"))
            continue
        column.markdown(f"**{name}** · {T('fig_samples', iteration=N(snap.sample_iteration))}")
        png, floating = lab_views.tiles(snap.samples, snap.sample_scores, cols=SAMPLE_COLS)
        column.image(png, width="stretch")
        if floating:
            column.caption(T("samples_floating", n=floating, total=len(snap.samples)))
