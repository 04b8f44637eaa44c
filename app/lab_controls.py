"""The Lab's controls: the preset, the hyperparameters (sidebar) and the run buttons (top bar).

Each control's value lives in ``st.session_state["cfg_<field>"]`` (run B's of
the compare mode in ``"cfgB_<field>"``; see :func:`app.state.kept`): it
survives language switches and visits to other pages.  The widgets, their steps and choices come from
``mechgan.config.PARAMS``.  A change of a live field goes to the worker at once
and applies at its next step; the other fields wait for Reset.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from mechgan.config import PARAMS, TrainConfig

from app import share
from app.save_box import save_box
from app.state import T, kept, labeller, language_visit, number_format, said
from app.worker import Snapshot, Worker

STEP_WAIT_S = 10.0
COMMAND_WAIT_S = 1.0  # Play/Pause: the status the page shows next is the worker's answer
CONTROLS = tuple(name for name, p in PARAMS.items() if p.group)  # the sidebar's fields, in the table's order
# A converged run shipped with the lab; the README gives the two commands that rebuild it
PRETRAINED = Path(__file__).resolve().parent.parent / "assets" / "pretrained"


@dataclass(frozen=True)
class Run:
    """A run the Lab drives: A, and B in compare mode."""

    name: str
    worker: Worker
    snap: Snapshot


def store(name: str, run: str = "A") -> str:
    return f"cfg_{name}" if run == "A" else f"cfg{run}_{name}"


def init_values(config: TrainConfig, run: str = "A") -> None:
    """Give every control of ``run`` its starting value once per session."""
    for name in CONTROLS:
        st.session_state.setdefault(store(name, run), getattr(config, name))


def wanted_config(base: TrainConfig, run: str = "A") -> TrainConfig:
    """``base`` with every control's value for ``run``."""
    return base.with_changes(**{name: st.session_state[store(name, run)] for name in CONTROLS})


def pending_reset(wanted: TrainConfig, current: TrainConfig) -> list[str]:
    """Fields that differ from the running config and need a reset."""
    return [n for n in CONTROLS if not PARAMS[n].live and getattr(wanted, n) != getattr(current, n)]


def running_config(run: Run) -> TrainConfig | None:
    """The config of the run, or of the run a Reset just asked for (until the worker has built it)."""
    asked = st.session_state.get(f"reset_{run.name}")
    if asked is not None and run.snap.applied < asked[1]:
        return asked[0]
    return run.snap.config


def _format(name: str):
    if PARAMS[name].choices:
        return labeller("choice_")
    if name.startswith("lr_"):
        return lambda value: f"{value:.0e}".replace("e-0", "e-").replace("e+00", "")  # 5e-4 ... 1
    return number_format("g")


def _on_live_change(worker: Worker, key: str, name: str) -> None:
    worker.send("set", {name: st.session_state[key]})
    st.session_state.fast_until = time.time() + 2.0


def _inactive(name: str, run: str) -> str | None:
    """Why a control does nothing for the run's other settings (its help says so), None when it acts."""
    ss = st.session_state
    if name == "nf" and ss[store("architecture", run)] == "tutorial":
        return "help_nf_tutorial"
    if name == "recon_weight" and not ss[store("conditional", run)]:
        return "help_recon_weight_off"
    if name == "conditional" and ss.get("lab_designs") is not None:
        return "help_conditional_own_data"
    return None


def _bound(name: str, run: Run, key: str) -> dict:
    """The widget's value, key and help: bound to the kept value, or, for a control that does nothing for
    the run's other settings, only showing it (a student cannot change it, so nothing is kept from it)."""
    inactive = _inactive(name, run.name)
    if inactive:
        return dict(help=T(inactive), value=st.session_state[key], key=f"_inactive_{key}_{language_visit()}", disabled=True)
    live = (_on_live_change, (run.worker, key, name)) if PARAMS[name].live else ()
    return dict(help=T(f"help_{name}"), disabled=False, **kept(key, st.session_state[key], *live))


def _control(name: str, run: Run) -> None:
    param, ss, key = PARAMS[name], st.session_state, store(name, run.name)
    label = T(f"ctl_{name}") + ("" if param.live else " ⟳")
    common = _bound(name, run, key)
    if param.widget == "number":
        st.number_input(label, min_value=int(param.low), max_value=int(param.high), step=1, **common)
    elif param.widget == "select":
        st.selectbox(label, param.choices, format_func=_format(name), **common)
    elif param.widget == "toggle":
        st.toggle(label, **common)
    else:
        st.select_slider(label, sorted(set(param.steps) | {ss[key]}), format_func=_format(name), **common)


def _apply_preset(run: Run, key: str, shown: str) -> None:
    """Set the picked preset's values in the run's controls and restart the run with them: a preset describes
    a run from its start (the same rates applied to a trained network do something else).

    A box reporting the preset it was drawn showing is no pick: a loaded server can deliver the value of a box a
    rerun has replaced (after a manual change), and applying it would restart the student's run."""
    from mechgan.presets import PRESETS

    ss = st.session_state
    preset = PRESETS.get(ss[key])
    if preset is None or ss[key] == shown:
        return
    for name, value in preset.changes.items():
        ss[store(name, run.name)] = value
    try:
        config = wanted_config(running_config(run) or TrainConfig(), run.name)
    except ValueError:  # another control is invalid: the sidebar says which, and Reset waits for it
        return
    ss.playing = False
    ss[f"reset_{run.name}"] = (config, run.worker.send("reset", config))


def _preset_picker(run: Run) -> None:
    """The preset the run's controls match, derived at every draw (a manual change, the pretrained start or
    a link shows "custom settings", never a preset left since), or a pick that sets them.

    The widget is keyed by what it shows: a change of the settings draws a new one, where a value set from
    the server into the same widget could come back from the browser as a stale pick, applying the old
    preset again (seen after language switches)."""
    from mechgan.presets import PRESETS, matching

    ss = st.session_state
    settings = {name: ss[store(name, run.name)] for name in CONTROLS}
    preset = matching(settings)
    shown = preset.name if preset else ""
    conditional = settings["conditional"]
    titles = {"": T("preset_custom"), **{name: T(f"preset_{name}") for name in PRESETS}}
    key = f"_preset_{run.name}_{language_visit()}_{shown}"
    st.selectbox(T("ctl_preset"), tuple(titles), index=tuple(titles).index(shown), format_func=titles.get,
                 disabled=conditional, help=T("help_preset_conditional" if conditional else "help_preset"),
                 key=key, on_change=_apply_preset, args=(run, key, shown))
    if preset is not None and not conditional:
        st.caption(T(f"preset_{preset.name}_about"))


def _pretrained_start(run: Run) -> None:
    """GAN Lab's pretrained start: continue the shipped converged run, its settings in the controls."""
    from mechgan.runs import read_meta

    if not st.button(T("load_pretrained"), key=f"btn_pretrained_{run.name}", icon=":material/school:",
                     help=T("help_load_pretrained"), width="stretch"):
        return
    config = TrainConfig.from_dict(read_meta(PRETRAINED)["config"])
    for name in CONTROLS:
        st.session_state[store(name, run.name)] = getattr(config, name)
    st.session_state.playing = False
    st.session_state[f"reset_{run.name}"] = (config, run.worker.send("reset", config, PRETRAINED))
    st.rerun()


def controls(runs: list[Run]) -> dict[str, TrainConfig | None]:
    """Draw the preset and hyperparameter controls of one run (the one chosen in compare mode);
    return the config each run's controls ask for (None where invalid)."""
    with st.sidebar:
        edited = runs[0]
        if len(runs) > 1:
            names = [r.name for r in runs]
            chosen = st.segmented_control(T("edited_run"), names, required=True, help=T("help_edited_run"),
                                          **kept("edited_run", names[0]))
            edited = next(r for r in runs if r.name == chosen)
        if share.shows_presets(CONTROLS):
            _preset_picker(edited)
        _pretrained_start(edited)
        st.subheader(T("hyperparameters"), anchor=False)
        st.caption(T("live_hint"))
        shown = share.shown_controls(CONTROLS)
        for group in ("model", "training"):
            names = [n for n in shown if PARAMS[n].group == group]
            if names:
                with st.expander(T(f"group_{group}"), expanded=True):
                    for name in names:
                        _control(name, edited)
    wanted = {}
    for run in runs:
        try:
            wanted[run.name] = wanted_config(running_config(run) or TrainConfig(), run.name)
        except ValueError as e:
            st.sidebar.error(T("bad_setting", error=said(e)))
            wanted[run.name] = None
    if wanted[edited.name] is not None:
        share.share_box(wanted[edited.name], CONTROLS)
    return wanted


def _command(runs: list[Run], command: str, *args) -> int:
    """Send a command to every run and wait briefly for the answers, so the page that follows shows them;
    returns the first run's command number."""
    numbers = [run.worker.send(command, *args) for run in runs]
    st.session_state.fast_until = time.time() + 2.0
    for run, number in zip(runs, numbers):
        run.worker.wait_applied(number, STEP_WAIT_S if command.startswith("step") else COMMAND_WAIT_S)
    return numbers[0]


def buttons(runs: list[Run], wanted: dict[str, TrainConfig | None]) -> None:
    """The top bar: Play/Pause, Step, Step D, Step G and Reset, for every run at once; then the reset
    banner and the sidebar's Save box."""
    ss = st.session_state
    playing = ss.get("playing", False)
    stuck = all(r.snap.state in ("building", "error", "diverged") for r in runs)
    cols = st.columns([1.3, 1, 1, 1, 1.5])
    if cols[0].button(T("pause") if playing else T("play"), key="btn_play", type="primary", width="stretch",
                      icon=":material/pause:" if playing else ":material/play_arrow:",
                      help=T("help_play"), disabled=stuck):
        ss.playing = not playing
        ss.play_number = _command(runs, "play" if ss.playing else "pause")
        st.rerun()
    for col, command in zip(cols[1:4], ("step", "step_d", "step_g")):
        if col.button(T(command), key=f"btn_{command}", width="stretch", help=T(f"help_{command}"),
                      disabled=stuck):
            ss.playing = False
            _command(runs, command)
            st.rerun()
    if cols[4].button(T("reset"), key="btn_reset", width="stretch", icon=":material/restart_alt:",
                      help=T("help_reset"), disabled=None in wanted.values()):
        ss.playing = False
        for run in runs:
            ss[f"reset_{run.name}"] = (wanted[run.name], run.worker.send("reset", wanted[run.name]))
        st.rerun()
    for run in runs:
        current, asked = running_config(run), wanted[run.name]
        pending = pending_reset(asked, current) if asked is not None and current else []
        if pending:
            fields = ", ".join(T(f"ctl_{n}") for n in pending)
            st.warning((f"{run.name} · " if len(runs) > 1 else "") + T("needs_reset", fields=fields),
                       icon=":material/restart_alt:")
    save_box(runs[0].worker, runs[0].snap)
