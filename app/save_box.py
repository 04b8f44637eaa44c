"""The Lab's "Save run" box: a name in, the run written by the worker (``mechgan.runs``).

A taken name is never replaced silently: the box asks to overwrite (only a run
this browser session saved, unless the server sets
``MECHGAN_ALLOW_OVERWRITE_OTHERS=1``) or offers the first free name; so it does
when another session, maybe on another replica, takes the name during the save.
"""
from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from app.state import RUNS_ROOT, T, said
from app.worker import Snapshot, Worker

ALLOW_OVERWRITE_OTHERS = os.environ.get("MECHGAN_ALLOW_OVERWRITE_OTHERS", "").lower() in ("1", "true", "yes")
SAVE_WAIT_S = 30.0


def save_box(worker: Worker, snap: Snapshot) -> None:
    ss = st.session_state
    with st.sidebar.expander(T("save_run"), icon=":material/save:", expanded="save_conflict" in ss):
        typed = st.text_input(T("run_name"), key="run_name", help=T("help_run_name"),
                              placeholder=suggested_name(snap))
        name = typed.strip() or suggested_name(snap)
        chosen = ss.pop("save_now", None)  # the student's answer to the question below: "overwrite" or "new"
        if st.button(T("save"), key="btn_save", disabled=snap.iteration == 0):
            _save(worker, name, overwrite=False)
        elif chosen:
            _save(worker, name, overwrite=chosen == "overwrite")
        elif ss.get("save_conflict") == name:
            _ask(worker, name)
        else:
            _said_again(name, snap)


def suggested_name(snap: Snapshot) -> str:
    """A free name that says what the run is: the preset its settings match, else the loss and the network width."""
    from mechgan.presets import matching
    from mechgan.runs import free_run_name  # TensorFlow: imported when the Lab draws, not at start-up

    config = snap.config
    preset = matching(config.to_dict()) if config else None
    base = preset.name.replace("_", "-") if preset else f"{config.loss.replace('_', '-')}-nf{config.nf}" if config \
        else "run"
    return free_run_name(base, RUNS_ROOT)


def _save(worker: Worker, name: str, overwrite: bool) -> None:
    from mechgan.runs import sanitize_run_name

    ss = st.session_state
    try:
        folder = sanitize_run_name(name)
    except ValueError as e:
        st.error(said(e))
        return
    if _refused(worker, folder, overwrite):
        _conflict(worker, name)
        return
    ss.pop("save_conflict", None)
    options = {"overwrite": overwrite, "allow_others": ALLOW_OVERWRITE_OTHERS}
    after = worker.wait_applied(worker.send("save", name, RUNS_ROOT, options), SAVE_WAIT_S)
    ok = bool(after.saved) and not after.message
    if not ok and after.message and _refused(worker, folder, overwrite):  # taken meanwhile, maybe on another replica
        _conflict(worker, name)
        return
    failure = said(after.message, after.message_fields) if after.message else T("timeout")
    told = T("saved", name=Path(after.saved).name) if ok else T("save_failed", error=failure)
    # kept for the next runs of the page: the live view's change of pace may rerun it before this one is shown
    ss.save_said = (ok, told, name, after.iteration)
    _said_again(name, after)


def _said_again(name: str, snap: Snapshot) -> None:
    """The last save's answer, while the name and the run's iteration are those it was given for."""
    ok, said, for_name, iteration = st.session_state.get("save_said", (True, "", "", -1))
    if said and for_name == name and iteration == snap.iteration:
        (st.success if ok else st.error)(said)


def _mine(worker: Worker, folder: str) -> bool:
    """Whether this session may overwrite the run saved as ``folder``: its own, or any where the server allows it."""
    from mechgan.runs import owner_tag, run_owner

    return ALLOW_OVERWRITE_OTHERS or run_owner(RUNS_ROOT / folder) == owner_tag(worker.key)


def _refused(worker: Worker, folder: str, overwrite: bool) -> bool:
    """Whether ``mechgan.runs.save_run`` refuses the name as taken, as it stands in the shared folder now."""
    return (RUNS_ROOT / folder).exists() and not (overwrite and _mine(worker, folder))


def _conflict(worker: Worker, name: str) -> None:
    st.session_state.save_conflict = name
    _ask(worker, name)


def _ask(worker: Worker, name: str) -> None:
    """The name is taken: overwrite (a run of this session, or any where the server allows it) or a free name."""
    from mechgan.runs import free_run_name, sanitize_run_name

    folder = sanitize_run_name(name)
    mine = _mine(worker, folder)
    st.warning(T("run_exists" if mine else "run_exists_other", name=folder), icon=":material/warning:")
    if mine:
        st.button(T("overwrite"), key="btn_overwrite", icon=":material/save_as:", width="stretch",
                  on_click=_answer, args=(name, "overwrite"))
    free = free_run_name(folder, RUNS_ROOT)
    st.button(T("save_as", name=free), key="btn_save_as", width="stretch", on_click=_answer, args=(free, "new"))


def _answer(name: str, choice: str) -> None:
    """Before the rerun: the name goes into the box, and the rerun saves under it as chosen."""
    st.session_state.run_name = name
    st.session_state.save_now = choice
    st.session_state.pop("save_conflict", None)
