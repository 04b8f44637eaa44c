"""Lab: train a GAN on mechanical designs and watch it learn.

The script run only draws widgets and sends commands; training happens in the
session's worker thread.  A fragment re-reads the worker's snapshot every
0.5 s while the run plays, every 2 s while it is built or compiles its step,
every 5 s while it waits for a training slot (every 10 s otherwise, as a
keep-alive).
"""
from __future__ import annotations

import time

import streamlit as st

from app import compare_view, lab_controls, lab_views, share
from app.state import N, T, default_config, guarded, kept, labeller, registry, session_key

BUILDING_S = 2.0
WAITING_S = 5.0  # queued for a training slot: only the queue position changes
SLOW_S = 10.0
WAIT_VIEW_S = 5.0


def _interval(snap) -> float:
    """How often the live fragment reruns: fast only while something moves on screen."""
    ss = st.session_state
    if snap.state in ("building", "compiling"):
        # a page polling fast while the server loads TensorFlow or traces a step starves
        # that thread of the GIL (docs/decisions.md)
        return BUILDING_S
    if snap.state == "waiting":
        return WAITING_S
    fast = ss.get("playing", False) or time.time() < ss.get("fast_until", 0.0)
    return lab_views.LIVE_S if fast else SLOW_S


@guarded
def _live(reg, key: str, interval: float, compared: str | None = None) -> None:
    """The fragment: everything that moves while training (``compared``: run B's key, in compare mode)."""
    ss = st.session_state
    view = "overview" if compared else ss.get("view", "overview")
    snap = reg.snapshot(key, view)
    other = reg.snapshot(compared, view) if compared else None
    if snap is None or (compared and other is None):  # freed while the tab slept: the page rebuilds a worker
        st.rerun()
    if view == "distribution" and snap.state == "paused" and not _current(snap.distribution, snap):
        snap = _wait_for_distribution(reg, key, snap)
    stopped = all(s.state in ("paused", "diverged", "error") for s in (snap, other) if s is not None)
    if ss.get("playing") and stopped and snap.applied >= ss.get("play_number", 0):
        ss.playing = False  # the run stopped by itself (diverged, idle): show the Play button again
        st.rerun()
    if interval != _interval(snap):
        st.rerun()  # a new pace for the fragment
    stats = reg.stats()  # read with the snapshot, so the server's counts and the page's status agree
    views = reg.views_of(key)
    if compared:
        compare_view.show({"A": snap, "B": other}, views)
    else:
        lab_views.header(snap)
    st.caption(T("server_stats", live=stats.live_workers, training=stats.training, waiting=stats.waiting,
                 cap=reg.max_running))
    if views is None or compared:
        return  # the dataset is still loading (the header says "building"), or the compare view is drawn
    lab_views.health(snap, views)
    if view == "step_by_step":
        lab_views.step_by_step(snap, views, lambda: _slow_motion(reg, key))
    else:
        getattr(lab_views, view)(snap, views)


def _current(distribution, snap) -> bool:
    return distribution is not None and distribution.iteration == snap.iteration


def _wait_for_distribution(reg, key: str, snap):
    """The worker makes the distribution view only while the page shows it: a paused run has it within
    a second, and the page would otherwise show an old one (or none) until its next slow refresh."""
    worker = reg.existing(key)
    if worker is None:
        return snap
    try:
        return worker.wait_until(lambda s: _current(s.distribution, s), WAIT_VIEW_S, poll=0.05)
    except TimeoutError:
        return worker.snapshot()


def _slow_motion(reg, key: str) -> None:
    worker = reg.existing(key)
    if worker is not None:
        st.session_state.playing = False
        worker.wait_applied(worker.send("step_detailed"), lab_controls.STEP_WAIT_S)


def _compared_run(reg, key: str, worker, designs) -> lab_controls.Run | None:
    """Run B of the compare mode, started from a copy of A's settings (same seed, so the same initial
    weights and noise); None, and B stopped, when the mode is off."""
    partner = f"{key}/B"
    if not st.session_state.get("compare", False):
        worker.pair(None)
        old = reg.existing(partner)
        if old is not None:
            old.send("stop")
        return None
    lab_controls.init_values(lab_controls.wanted_config(default_config()), "B")
    other, _ = reg.worker(partner, lab_controls.wanted_config(default_config(), "B"), designs)
    worker.pair(other)
    other.pair(worker)
    return lab_controls.Run("B", other, other.snapshot())


def page() -> None:
    ss = st.session_state
    reg = registry()
    key = session_key()
    lab_controls.init_values(share.starting_config(default_config(), lab_controls.CONTROLS))
    designs = ss.get("lab_designs")  # the student's own designs, set on the Data page
    if designs is not None:  # they carry no load cases: no conditional run on them
        for run in ("A", "B"):
            ss[lab_controls.store("conditional", run)] = False
    switched = ss.pop("lab_designs_switched", False)
    worker, new = reg.worker(key, lab_controls.wanted_config(default_config()), designs)
    if new and ss.get("had_worker"):
        st.toast(T("msg_switched" if switched else "msg_freed"), icon=":material/info:")
        ss.playing = False
    ss.had_worker = True
    if designs is not None:
        level = N(float(designs.sum(axis=(1, 2)).mean()), ",.0f")
        st.sidebar.info(T("lab_own_designs", count=N(len(designs)), level=level), icon=":material/upload_file:")
    runs = [lab_controls.Run("A", worker, worker.snapshot())]
    compared = _compared_run(reg, key, worker, designs)
    runs += [compared] if compared else []
    wanted = lab_controls.controls(runs)

    st.subheader(T("lab_title"), anchor=False)
    st.caption(T("lab_intro"))
    lab_controls.buttons(runs, wanted)
    left, right = st.columns([3, 1], vertical_alignment="center")
    if not compared:
        left.segmented_control(T("view"), lab_views.VIEWS, required=True, format_func=labeller("view_"),
                               help=T("help_view"), label_visibility="collapsed", **kept("view", "overview"))
    right.toggle(T("compare"), help=T("help_compare"), **kept("compare", False))
    interval = _interval(runs[0].snap)
    st.fragment(_live, run_every=interval)(reg, key, interval, f"{key}/B" if compared else None)


guarded(page)()
