"""The Lab sidebar: preset, hyperparameters and the run buttons.

Widgets keep their values in ``st.session_state["cfg_<field>"]``.  A change of a
live field (learning rates, optimizers, loss, k_d, k_g, speck penalty) goes to the worker at
once and applies at its next step; the other fields wait for Reset.
"""
from __future__ import annotations

import time

import streamlit as st

from mechgan.config import ARCHITECTURES, LIVE_FIELDS, LOSSES, OPTIMIZERS, TrainConfig

from app.save_box import save_box
from app.state import T, labeller, lang
from app.worker import Snapshot, Worker

STEP_WAIT_S = 10.0


def _lr_grid() -> tuple[float, ...]:
    """Learning rates on a log scale with round mantissas: 1e-6 ... 1."""
    return tuple(round(m * 10.0 ** e, 12) for e in range(-6, 0) for m in (1, 2, 3, 5)) + (1.0,)


# field -> (widget kind, choices); the order is the sidebar's
CONTROLS: dict[str, tuple[str, tuple]] = {
    "architecture": ("select", ARCHITECTURES),
    "nf": ("steps", (4, 8, 16, 32, 64)),
    "latent_dim": ("steps", (2, 4, 8, 16, 32, 64, 100, 128)),
    "lr_g": ("steps", _lr_grid()),
    "lr_d": ("steps", _lr_grid()),
    "optimizer_g": ("select", OPTIMIZERS),
    "optimizer_d": ("select", OPTIMIZERS),
    "loss": ("select", LOSSES),
    "k_d": ("steps", tuple(range(1, 11))),
    "k_g": ("steps", tuple(range(1, 11))),
    "speck_weight": ("steps", (0.0, 1.0, 3.0, 10.0, 30.0, 100.0)),
    "batch_size": ("steps", (8, 16, 32, 64, 128, 256)),
    "seed": ("number", ()),
}


def init_widgets(config: TrainConfig) -> None:
    """Give every control its starting value once per session."""
    for name in CONTROLS:
        st.session_state.setdefault(f"cfg_{name}", getattr(config, name))


def wanted_config(base: TrainConfig) -> TrainConfig:
    """``base`` with every control's value."""
    return base.with_changes(**{name: st.session_state[f"cfg_{name}"] for name in CONTROLS})


def pending_reset(wanted: TrainConfig, current: TrainConfig) -> list[str]:
    """Fields that differ from the running config and need a reset."""
    return [n for n in CONTROLS if n not in LIVE_FIELDS and getattr(wanted, n) != getattr(current, n)]


def _lr_label(value: float) -> str:
    return f"{value:.0e}".replace("e-0", "e-")


def _on_live_change(worker: Worker, name: str) -> None:
    worker.send("set", {name: st.session_state[f"cfg_{name}"]})
    st.session_state.fast_until = time.time() + 2.0


def _control(name: str, worker: Worker) -> None:
    kind, choices = CONTROLS[name]
    key = f"cfg_{name}"
    label = T(f"ctl_{name}") + ("" if name in LIVE_FIELDS else " ⟳")
    common = dict(key=key, help=T(f"help_{name}"))
    if name in LIVE_FIELDS:
        common.update(on_change=_on_live_change, args=(worker, name))
    if kind == "number":
        st.number_input(label, min_value=0, max_value=2**31 - 1, step=1, **common)
        return
    options = sorted(set(choices) | {st.session_state[key]}) if kind == "steps" else choices
    if kind == "select":
        st.selectbox(label, options, format_func=labeller("choice_"), **common)
    else:
        st.select_slider(label, options, format_func=_lr_label if name.startswith("lr_") else str, **common)


def _apply_preset(worker: Worker, presets: dict) -> None:
    preset = presets.get(st.session_state.preset)
    if preset is None:
        return
    live = {}
    for name, value in preset.changes.items():
        if name in CONTROLS:
            st.session_state[f"cfg_{name}"] = value
        if name in LIVE_FIELDS:
            live[name] = value
    if live:
        worker.send("set", live)


def _preset_labels(presets: dict) -> dict[str, str]:
    french = lang() == "fr"
    return {"": T("preset_none"), **{n: p.title_fr if french else p.title_en for n, p in presets.items()}}


def preset_picker(worker: Worker) -> None:
    try:
        from mechgan.presets import PRESETS
    except ImportError:
        return
    st.sidebar.selectbox(T("ctl_preset"), ("", *PRESETS), key="preset", help=T("help_preset"),
                         format_func=_preset_labels(PRESETS).get,
                         on_change=_apply_preset, args=(worker, PRESETS))
    preset = PRESETS.get(st.session_state.get("preset", ""))
    if preset is not None:
        st.sidebar.caption(preset.description_fr if lang() == "fr" else preset.description_en)


def controls(worker: Worker, snap: Snapshot) -> TrainConfig | None:
    """Draw the hyperparameter controls; return the config they ask for (None if invalid)."""
    with st.sidebar:
        st.subheader(T("hyperparameters"))
        st.caption(T("live_hint"))
        with st.expander(T("group_model"), expanded=True):
            for name in ("architecture", "nf", "latent_dim", "batch_size", "seed"):
                _control(name, worker)
        with st.expander(T("group_training"), expanded=True):
            for name in ("lr_g", "lr_d", "optimizer_g", "optimizer_d", "loss", "k_d", "k_g", "speck_weight"):
                _control(name, worker)
    try:
        return wanted_config(snap.config or TrainConfig())
    except ValueError as e:
        st.sidebar.error(T("bad_setting", error=e))
        return None


def buttons(worker: Worker, snap: Snapshot, wanted: TrainConfig | None) -> None:
    """Play/Pause, Step, Step D, Step G, Reset and Save run."""
    ss = st.session_state
    bar = st.sidebar.container()
    playing = ss.get("playing", False)
    busy = snap.state in ("building", "error")
    c1, c2 = bar.columns(2)
    if c1.button(T("pause") if playing else T("play"), key="btn_play", type="primary", width="stretch",
                 icon=":material/pause:" if playing else ":material/play_arrow:",
                 help=T("help_play"), disabled=busy or snap.state == "diverged"):
        ss.playing = not playing
        ss.play_number = worker.send("play" if ss.playing else "pause")
        st.rerun()
    if c2.button(T("reset"), key="btn_reset", width="stretch", icon=":material/restart_alt:",
                 help=T("help_reset"), disabled=wanted is None):
        ss.playing = False
        worker.send("reset", wanted)
        st.rerun()
    cols = bar.columns(3)
    for col, command in zip(cols, ("step", "step_d", "step_g")):
        if col.button(T(command), key=f"btn_{command}", width="stretch", help=T(f"help_{command}"),
                      disabled=busy or snap.state == "diverged"):
            ss.playing = False
            worker.wait_applied(worker.send(command), STEP_WAIT_S)
            st.rerun()
    pending = pending_reset(wanted, snap.config) if wanted is not None and snap.config else []
    if pending:
        bar.warning(T("needs_reset", fields=", ".join(T(f"ctl_{n}") for n in pending)), icon=":material/restart_alt:")
    save_box(worker, snap)
