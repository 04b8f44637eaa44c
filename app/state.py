"""Per-session state and the one shared registry (the app's only Streamlit glue for workers)."""
from __future__ import annotations

import functools
import json
import logging
import os
import uuid
from pathlib import Path
from typing import Any, Callable

import streamlit as st
from streamlit.runtime.scriptrunner import script_runner

from mechgan.config import SettingError, TrainConfig, current_name, parse

from app.class_feed import ClassFeed
from app.errors import coded, say
from app.i18n import LANGUAGES, number, text
from app.registry import Registry

log = logging.getLogger(__name__)
RUNS_ROOT = Path(os.environ.get("MECHGAN_RUNS_DIR", "runs"))  # shared by every replica of a class


def _keep_keras_state() -> None:
    """Streamlit ends every script run, each fragment refresh included, with ``keras.backend.clear_session()``.

    That resets Keras's global state under the training threads, empties
    TensorFlow's kernel cache and runs a full garbage collection, all holding
    the GIL, at every refresh of every student (docs/decisions.md).  Our runs
    live in worker threads and own their models, so there is nothing for it to
    clean (and we draw no matplotlib figures).
    """
    script_runner._clean_problem_modules = lambda: None


_keep_keras_state()


@st.cache_resource(show_spinner=False)
def registry() -> Registry:
    """One registry per server process, shared by every browser session; its live runs are published
    for the teacher's class view."""
    reg = Registry()
    ClassFeed(reg, RUNS_ROOT, default_config()).start()
    return reg


def session_key() -> str:
    """A random id for this browser session, the registry's key for its worker."""
    if "session_key" not in st.session_state:
        st.session_state.session_key = uuid.uuid4().hex
    return st.session_state.session_key


def lang() -> str:
    value = st.session_state.get("lang")
    return value if value in LANGUAGES else default_lang()


def default_lang() -> str:
    value = os.environ.get("MECHGAN_LANG", "en")
    return value if value in LANGUAGES else "en"


def T(key: str, **values) -> str:
    """The text of ``key`` in the session's language."""
    return text(key, lang(), **values)


def said(error: BaseException | str, fields: dict | None = None) -> str:
    """An error (or an error's code and fields) in the session's language; see :mod:`app.errors`."""
    code, fields = coded(error) if isinstance(error, BaseException) else (error, fields or {})
    return say(code, fields, lang())


def N(value: float, spec: str = ",") -> str:
    """``value`` written the session's way (decimal comma in French); see :func:`app.i18n.number`."""
    return number(value, lang(), spec)


def number_format(spec: str):
    """A format_func for widgets: ``value -> N(value, spec)``, the language bound now, because Streamlit may
    call format_func outside the script run (where the session's language is out of reach)."""
    language = lang()
    return lambda value: number(value, language, spec)


# How charts write numbers in French: a decimal comma and a thin space between thousands
# (Vega's d3-format locale; Plotly's ``separators`` is "decimal, thousands").
_VEGA_FRENCH = {"decimal": ",", "thousands": "\u202f", "grouping": [3], "currency": ["", "\u00a0€"]}
_PLOTLY_SEPARATORS = {"en": ".,", "fr": ",\u202f"}


def localized_spec(spec: dict) -> dict:
    """A Vega-Lite spec that writes its axis and tooltip numbers the session's way."""
    if lang() != "fr":
        return spec
    config, title = spec.get("config", {}), spec.get("title")
    if title is not None:  # aria off: Vega describes each axis and title in English ("X-axis titled …")
        spec = {**spec, "title": {**(title if isinstance(title, dict) else {"text": title}), "aria": False}}
    return {**spec, "config": {**config, "aria": False,
                               "locale": {**config.get("locale", {}), "number": _VEGA_FRENCH}}}


def localized_figure(fig):
    """A Plotly figure that writes its numbers the session's way (returned for chaining)."""
    return fig.update_layout(separators=_PLOTLY_SEPARATORS[lang()])


def labeller(prefix: str = ""):
    """A format_func for widgets: ``value -> text(prefix + value)`` in the language of this run.

    The language is bound now, because Streamlit may call format_func outside the script run.
    """
    language = lang()
    return lambda value: text(f"{prefix}{value}", language)


def kept(store: str, default: Any, on_change: Callable | None = None, args: tuple = ()) -> dict:
    """Keyword arguments that bind a widget to a value kept in ``st.session_state[store]``.

    Streamlit forgets a widget's state when a page that does not draw it runs
    (the student visits another page), and for a widget with ``format_func``
    it keeps the *label* the browser shows: after a language switch that label
    is no option any more and comes back as the widget's value.  So the value
    lives under ``store``, a key no widget owns, and the widget's own key names
    the language: a switch draws a fresh widget from the stored value.
    A language seen before gets new widget keys too (:func:`language_visit`).
    """
    ss = st.session_state
    ss.setdefault(store, default)
    key = f"_widget_{store}_{language_visit()}"
    if key not in ss or ss[key] != ss[store]:  # only then: a value set from here is sent to the browser,
        ss[key] = ss[store]                     # which would undo a pick the student makes meanwhile

    def keep() -> None:
        ss[store] = ss[key]
        if on_change is not None:
            on_change(*args)

    return {"key": key, "on_change": keep}


def language_visit() -> str:
    """The session's language, plus which visit of it this is after the first ("fr", then "en", then "fr-2").

    Widgets are keyed by it: back in a language seen before, a widget of the same key has the same id,
    and the browser, which dropped its state while the other language showed, sent it back at its first
    option (every slider of the sidebar at its first step, the view selector empty), over the kept value.
    """
    ss, now = st.session_state, lang()
    if ss.get("_language_now") != now:
        ss["_language_now"] = now
        visits = ss.setdefault("_language_visits", {})
        visits[now] = visits.get(now, 0) + 1
    visit = ss["_language_visits"][now]
    return now if visit == 1 else f"{now}-{visit}"


def default_config() -> TrainConfig:
    """TrainConfig defaults, with a teacher's class-wide overrides from MECHGAN_DEFAULTS (JSON).

    A wrong setting is left at its default and named in the server's log; the others still apply.
    """
    try:
        overrides = json.loads(os.environ.get("MECHGAN_DEFAULTS", "") or "{}")  # Infinity, NaN, 1e400 parse
    except ValueError as e:
        log.warning("ignoring MECHGAN_DEFAULTS, not JSON: %s", e)
        return TrainConfig()
    if not isinstance(overrides, dict):
        log.warning("ignoring MECHGAN_DEFAULTS: a JSON object of settings is expected")
        return TrainConfig()
    changes = {}
    for name, value in overrides.items():
        try:
            changes[current_name(name)] = parse(name, value)  # an old name too (config.RENAMED)
        except SettingError as e:
            log.warning("ignoring MECHGAN_DEFAULTS' %s: %s", name, e)
    return TrainConfig().with_changes(**changes)


def guarded(fn):
    """Run a page or fragment body; show a clear message instead of a traceback."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except Exception as e:
            log.exception("%s failed", fn.__name__)
            st.error(T("page_error", error=said(e)), icon=":material/error:")
    return wrapper
