"""The Lab's "Save run" box: a name in, the run written by the worker (``mechgan.runs``)."""
from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from app.state import T
from app.worker import Snapshot, Worker

RUNS_ROOT = Path(os.environ.get("MECHGAN_RUNS_DIR", "runs"))


def save_box(worker: Worker, snap: Snapshot) -> None:
    with st.sidebar.expander(T("save_run"), icon=":material/save:"):
        name = st.text_input(T("run_name"), key="run_name", help=T("help_run_name"),
                             placeholder="both-small")
        if st.button(T("save"), key="btn_save", disabled=snap.iteration == 0 or not name.strip()):
            after = worker.wait_applied(worker.send("save", name, RUNS_ROOT), 30.0)
            if after.saved and not after.message:
                st.success(T("saved", path=after.saved))
            else:
                st.error(T("save_failed", error=after.message or T("timeout")))
