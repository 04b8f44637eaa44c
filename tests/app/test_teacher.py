"""Who sees the class view (the teacher's token), and what a student whose replica died is told."""
from __future__ import annotations

import subprocess

import pytest
from streamlit.testing.v1 import AppTest

from mechgan import live, run_folders

from app.i18n import text
from lab_helpers import MAIN

TOKEN = "class-token-7f3a"


def opened(monkeypatch, token: str | None, **query) -> AppTest:
    if token is None:
        monkeypatch.delenv("MECHGAN_TEACHER_TOKEN", raising=False)
    else:
        monkeypatch.setenv("MECHGAN_TEACHER_TOKEN", token)
    at = AppTest.from_file(MAIN, default_timeout=120)
    at.session_state["lang"] = "fr"
    for name, value in query.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception
    return at


def warnings(at) -> list[str]:
    return [w.value for w in at.warning]


def test_the_right_token_opens_the_class_view(monkeypatch):
    at = opened(monkeypatch, TOKEN, teacher=TOKEN)
    assert at.session_state["teacher"] is True
    at.switch_page("screens/class_view.py").run()
    assert not at.exception
    assert [s.value for s in at.subheader][:1] == [text("class_title", "fr")]


@pytest.mark.parametrize("token, given", [(TOKEN, TOKEN[:-1]), (TOKEN, TOKEN + "x"), (None, TOKEN), ("", "")])
def test_a_wrong_token_or_none_on_the_server_opens_nothing(monkeypatch, token, given):
    at = opened(monkeypatch, token, teacher=given)
    assert "teacher" not in at.session_state or at.session_state["teacher"] is False
    refused = text("teacher_refused", "fr") in warnings(at)
    assert refused == bool(token), "a wrong token is told; a server without one says nothing of the page"


def test_a_student_whose_replica_died_is_told_once(monkeypatch):
    child = subprocess.Popen(["true"])
    child.wait()
    dead = f"{run_folders._namespace()}-{child.pid}-{run_folders._started(child.pid) or 1}"
    at = opened(monkeypatch, None, replica=dead)
    assert text("replica_lost", "fr") in warnings(at)
    at.button(key="replica_lost_ok").click().run()
    assert text("replica_lost", "fr") not in warnings(at)


def test_a_new_visit_or_a_live_replica_says_nothing(monkeypatch):
    for query in ({}, {"replica": live.replica_id()}):
        at = opened(monkeypatch, None, **query)
        assert text("replica_lost", "fr") not in warnings(at)
