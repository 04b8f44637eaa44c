"""Who may open the class view: a visitor who gave the server's teacher token.

The server sets ``MECHGAN_TEACHER_TOKEN``; the teacher opens ``?teacher=<token>``
once.  The token is compared in constant time, kept out of every log, and taken
out of the address bar at once (a projected screen or a shared link would show it).
Without the token set, or without the right one, the page does not exist.
"""
from __future__ import annotations

import hmac
import os

import streamlit as st

TOKEN_ENV = "MECHGAN_TEACHER_TOKEN"
PARAM = "teacher"


def token_matches(given: str, token: str) -> bool:
    """Whether ``given`` is the (non-empty) ``token``, in a time that does not tell how much of it matched."""
    return bool(token) and hmac.compare_digest(given.encode(), token.encode())


def is_teacher() -> bool:
    """Whether this session may see the class view; a token in the address is checked, then removed."""
    ss = st.session_state
    token = os.environ.get(TOKEN_ENV, "")
    given = st.query_params.get(PARAM)
    if given is not None:
        del st.query_params[PARAM]
        if token:
            ss.teacher = token_matches(given, token)
            ss.teacher_refused = not ss.teacher
    return bool(token) and ss.get("teacher", False)
