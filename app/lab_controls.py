"""The Lab's controls: the preset, the hyperparameters (sidebar) and the run buttons (top bar).

Each control's value lives in ``st.session_state["cfg_<field>"]`` (see
:func:`app.state.kept`): it survives language switches and visits to other
pages.  The widgets, their steps and choices come from
``mechgan.config.PARAMS``.  A change of a live field goes to the worker at once
and applies at its next step; the other fields wait for Reset.
"""
from __future__ import annotations

import time

import streamlit as st

from mechgan.config import PARAMS, TrainConfig

from app import share
from app.save_box import save_box
from app.state import N, T, kept, labeller, lang
from app.worker import Snapshot, Worker

STEP_WAIT_S = 10.0
COMMAND_WAIT_S = 1.0  # Play/Pause: the status the page shows next is the worker's answer
CONTROLS = tuple(name for name, p in PARAMS.items() if p.group)  # the sidebar's fields, in the table's order


def store(name: str) -> str:
    return f"cfg_{name}"


def init_values(config: TrainConfig) -> None:
    """Give every control its starting value once per session."""
    for name in CONTROLS:
        st.session_state.setdefault(store(name), getattr(config, name))


def wanted_config(base: TrainConfig) -> TrainConfig:
    """``base`` with every control's value."""
    return base.with_changes(**{name: st.session_state[store(name)] for name in CONTROLS})


def pending_reset(wanted: TrainConfig, current: TrainConfig) -> list[str]:
    """Fields that differ from the running config and need a reset."""
    return [n for n in CONTROLS if not PARAMS[n].live and getattr(wanted, n) != getattr(current, n)]


def running_config(snap: Snapshot) -> TrainConfig | None:
    """The config of the run, or of the run a Reset just asked for (until the worker has built it)."""
    ss = st.session_state
    if ss.get("reset_config") is not None and snap.applied < ss.get("reset_number", 0):
        return ss.reset_config
    return snap.config


def _format(name: str):
    if PARAMS[name].choices:
        return labeller("choice_")
    if name.startswith("lr_"):
        return lambda value: f"{value:.0e}".replace("e-0", "e-")
    return lambda value: N(value, "g")


def _on_live_change(worker: Worker, name: str) -> None:
    worker.send("set", {name: st.session_state[store(name)]})
    st.session_state.fast_until = time.time() + 2.0


def _control(name: str, worker: Worker) -> None:
    param, ss = PARAMS[name], st.session_state
    label = T(f"ctl_{name}") + ("" if param.live else " ⟳")
    bound = kept(store(name), ss[store(name)], *((_on_live_change, (worker, name)) if param.live else ()))
    common = dict(help=T(f"help_{name}"), **bound)
    if param.widget == "number":
        st.number_input(label, min_value=int(param.low), max_value=int(param.high), step=1, **common)
    elif param.widget == "select":
        st.selectbox(label, param.choices, format_func=_format(name), **common)
    else:
        tutorial = name == "nf" and ss[store("architecture")] == "tutorial"
        if tutorial:
            common["help"] = T("help_nf_tutorial")
        st.select_slider(label, sorted(set(param.steps) | {ss[store(name)]}), format_func=_format(name),
                         disabled=tutorial, **common)


def _apply_preset(worker: Worker, presets: dict) -> None:
    """Set the preset's values in the controls; the live ones reach the worker at once."""
    preset = presets.get(st.session_state.preset)
    if preset is None:
        return
    for name, value in preset.changes.items():
        st.session_state[store(name)] = value
    worker.send("set", {n: v for n, v in preset.changes.items() if PARAMS[n].live})


def preset_picker(worker: Worker) -> None:
    from mechgan.presets import PRESETS

    french = lang() == "fr"
    titles = {"": T("preset_none"), **{n: p.title_fr if french else p.title_en for n, p in PRESETS.items()}}
    st.sidebar.selectbox(T("ctl_preset"), tuple(titles), format_func=titles.get, help=T("help_preset"),
                         **kept("preset", "", _apply_preset, (worker, PRESETS)))
    preset = PRESETS.get(st.session_state.preset)
    if preset is not None:
        st.sidebar.caption(preset.description_fr if french else preset.description_en)


def controls(worker: Worker, snap: Snapshot) -> TrainConfig | None:
    """Draw the hyperparameter controls; return the config they ask for (None if invalid)."""
    with st.sidebar:
        st.subheader(T("hyperparameters"))
        st.caption(T("live_hint"))
        shown = share.shown_controls(CONTROLS)
        for group in ("model", "training"):
            names = [n for n in shown if PARAMS[n].group == group]
            if names:
                with st.expander(T(f"group_{group}"), expanded=True):
                    for name in names:
                        _control(name, worker)
    try:
        wanted = wanted_config(running_config(snap) or TrainConfig())
    except ValueError as e:
        st.sidebar.error(T("bad_setting", error=e))
        return None
    share.share_box(wanted, CONTROLS)
    return wanted


def _command(worker: Worker, command: str, *args) -> int:
    """Send a command and wait briefly for the worker's answer, so the page that follows shows it."""
    number = worker.send(command, *args)
    st.session_state.fast_until = time.time() + 2.0
    worker.wait_applied(number, STEP_WAIT_S if command.startswith("step") else COMMAND_WAIT_S)
    return number


def buttons(worker: Worker, snap: Snapshot, wanted: TrainConfig | None) -> None:
    """The top bar: Play/Pause, Step, Step D, Step G and Reset (then the sidebar's Save box)."""
    ss = st.session_state
    playing = ss.get("playing", False)
    stuck = snap.state in ("building", "error", "diverged")
    cols = st.columns([1.3, 1, 1, 1, 1.5])
    if cols[0].button(T("pause") if playing else T("play"), key="btn_play", type="primary", width="stretch",
                      icon=":material/pause:" if playing else ":material/play_arrow:",
                      help=T("help_play"), disabled=stuck):
        ss.playing = not playing
        ss.play_number = _command(worker, "play" if ss.playing else "pause")
        st.rerun()
    for col, command in zip(cols[1:4], ("step", "step_d", "step_g")):
        if col.button(T(command), key=f"btn_{command}", width="stretch", help=T(f"help_{command}"),
                      disabled=stuck):
            ss.playing = False
            _command(worker, command)
            st.rerun()
    if cols[4].button(T("reset"), key="btn_reset", width="stretch", icon=":material/restart_alt:",
                      help=T("help_reset"), disabled=wanted is None):
        ss.playing = False
        ss.reset_config, ss.reset_number = wanted, worker.send("reset", wanted)
        st.rerun()
    current = running_config(snap)
    pending = pending_reset(wanted, current) if wanted is not None and current else []
    if pending:
        st.warning(T("needs_reset", fields=", ".join(T(f"ctl_{n}") for n in pending)), icon=":material/restart_alt:")
    save_box(worker, snap)
