"""A student whose server died: say so plainly on the replica their page reconnected to.

Streamlit keeps a session in one server process; when that process dies the
page reconnects through the balancer to another, which starts a new session
that knows nothing of the run.  The address bar keeps ``?replica=<id>`` of the
process that served the page, so the new session can tell a reconnection
from a dead replica (its id gone from the shared runs folder) from a new visit.
"""
from __future__ import annotations

import streamlit as st

from mechgan import live

from app.state import RUNS_ROOT, T

PARAM = "replica"


def lost_run() -> bool:
    """At a session's first script run: whether its page came from a replica that has died.  Then the
    address names this replica."""
    ss = st.session_state
    here = live.replica_id()
    if "replica_lost" not in ss:
        came = st.query_params.get(PARAM)
        ss.replica_lost = bool(came) and came != here and not live.replica_alive(RUNS_ROOT, came)
    if st.query_params.get(PARAM) != here:
        st.query_params[PARAM] = here
    return ss.replica_lost


def notice() -> None:
    """The message, until the student closes it."""
    if not lost_run():
        return
    with st.container(border=True):
        st.warning(T("replica_lost"), icon=":material/dns:")
        if st.button(T("replica_lost_ok"), key="replica_lost_ok"):
            st.session_state.replica_lost = False
            st.rerun()
