"""Class: the teacher's live view of every student's run, on every replica (see app.teacher for who sees it).

Each replica publishes its runs' summaries in the shared runs folder
(``app.class_feed``); this page reads them all every few seconds and groups the
runs by the Lab's health diagnosis, what needs the teacher first.
"""
from __future__ import annotations

import numpy as np
import streamlit as st

from mechgan import live
from mechgan.training_figures import FAKE, REAL

from app.class_feed import GROUPS
from app.live_charts import robust_domain
from app.state import RUNS_ROOT, N, T, guarded

REFRESH_S = 3.0
COLUMNS = 4
SPARK_W, SPARK_H = 240, 44


def sparkline(loss_d: list, loss_g: list) -> str:
    """The two losses as a small SVG (D green, G purple, as the Lab draws them), on one scale that a
    spike does not flatten; '' when there is nothing to draw."""
    series = [np.array([np.nan if v is None else v for v in s], dtype=float) for s in (loss_d, loss_g)]
    both = np.concatenate(series)
    if np.isfinite(both).sum() < 2:
        return ""
    lo, hi = robust_domain(both) or (float(np.nanmin(both)), float(np.nanmax(both)))
    span = hi - lo or 1.0
    lines = []
    for values, color in zip(series, (REAL, FAKE)):
        x = np.linspace(0, SPARK_W, len(values)) if len(values) > 1 else np.zeros(1)
        y = SPARK_H - 2 - (np.clip(values, lo, hi) - lo) / span * (SPARK_H - 4)
        points = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(x, y) if np.isfinite(b))
        lines.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{points}"/>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{SPARK_W}" height="{SPARK_H}" '
            f'viewBox="0 0 {SPARK_W} {SPARK_H}">{"".join(lines)}</svg>')


def _setting(name: str, value) -> str:
    shown = N(value, "g") if isinstance(value, float) else str(value)
    return f"`{name} = {shown}`"


def _label(run: dict) -> str:
    label = run.get("name") or T("class_student", tag=run.get("tag", "?"))
    return T("class_run_b", label=label) if run.get("compare") else label


def _card(run: dict) -> None:
    with st.container(border=True):
        st.markdown(f"**{_label(run)}**")
        state = T(f"state_{run.get('state', 'paused')}", position=N(int(run.get("queue", 0))))
        st.caption(f"{T('class_iteration', iteration=N(int(run.get('iteration', 0))))} · {state}")
        if run.get("thumbnail"):
            st.image(run["thumbnail"], width="stretch")
        spark = sparkline(run.get("loss_d", []), run.get("loss_g", []))
        if spark:
            st.image(spark, width="stretch")
        settings = run.get("settings") or {}
        st.caption(" ".join(_setting(k, v) for k, v in settings.items()) if settings else T("class_defaults"))


@guarded
def _class() -> None:
    runs = live.live_runs(RUNS_ROOT)
    servers = len({run.get("replica") for run in runs})
    st.caption(T("class_count", runs=N(len(runs)), servers=N(servers)))
    if not runs:
        st.info(T("class_empty"), icon=":material/groups:")
        return
    groups = {group: [r for r in runs if r.get("health") == group] for group in GROUPS}
    counts = [(group, len(members)) for group, members in groups.items() if members]
    for column, (group, count) in zip(st.columns(len(counts)), counts):
        column.metric(T(f"class_group_{group}"), N(count))
    for group, count in counts:
        st.subheader(f"{T(f'class_group_{group}')} ({N(count)})", anchor=False)
        members = sorted(groups[group], key=lambda r: (r.get("name") or "~", r.get("tag", "")))
        for start in range(0, len(members), COLUMNS):
            for column, run in zip(st.columns(COLUMNS), members[start:start + COLUMNS]):
                with column:
                    _card(run)


def page() -> None:
    st.subheader(T("class_title"), anchor=False)
    st.caption(T("class_intro"))
    st.fragment(_class, run_every=REFRESH_S)()


guarded(page)()
