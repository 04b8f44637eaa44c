"""Helpers for the AppTest tests: open the real app script, read metrics, wait for the worker, build uploads."""
from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import numpy as np

MAIN = str(Path(__file__).resolve().parents[2] / "app" / "main.py")


def new_app(page: str | None = None, lang: str = "en"):
    """The app at ``page``; AppTest runs a switched-to page alone, so the language is set in state."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(MAIN, default_timeout=120)
    at.session_state["lang"] = lang
    at.run()
    if page:
        at.session_state["lang"] = lang
        at.switch_page(page).run()
    return at


def widget_key(store: str, lang: str = "en") -> str:
    """The key of the widget bound to ``st.session_state[store]`` (see ``app.state.kept``)."""
    return f"_widget_{store}_{lang}"


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def worker_of(at):
    from app.state import registry

    return registry().existing(at.session_state["session_key"])


def wait_until(at, predicate, timeout: float = 120.0, what: str = "") -> None:
    """Rerun the script (as the fragment's timer would) until ``predicate(at)`` holds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        at.run()
        if predicate(at):
            return
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}: {metrics(at)}")


def ready(at) -> bool:
    return metrics(at).get("Status") == "paused"


def npy(array: np.ndarray) -> bytes:
    """The bytes of an .npy file, as a student would upload them."""
    buf = io.BytesIO()
    np.save(buf, array)
    return buf.getvalue()


def zipped(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, raw in members.items():
            zf.writestr(name, raw)
    return buf.getvalue()


def preset_picker(at):
    """The sidebar's preset box (keyed by the preset it shows, so found by its label), or None."""
    from app.i18n import TEXTS

    return next((box for box in at.sidebar.selectbox if box.label in TEXTS["ctl_preset"]), None)
