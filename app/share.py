"""Settings as links, as TensorFlow Playground shares them: a student's link, a teacher's class link.

A link's query parameters give a new tab its starting settings (any Lab
control, e.g. ``?lr_g=5e-07&nf=8``) and, with ``show=lr_g,lr_d``, the only
controls its sidebar draws (``presets`` in the list shows the preset picker
too); the other settings stay at the link's values or the server's defaults
(``MECHGAN_DEFAULTS``).  Nothing is stored on the
server: a teacher makes a class link without a restart.
"""
from __future__ import annotations

from dataclasses import fields
from urllib.parse import urlencode

import streamlit as st

from mechgan.config import SettingError, TrainConfig, current_name, parse

from app.i18n import text
from app.state import T, kept, lang

SHOWN = "shown_controls"
PRESET_PICKER = "presets"  # in a link's show= list: the preset picker, which a class link hides unless named
PRESETS_SHOWN = "presets_shown"


def starting_config(base: TrainConfig, controls: tuple[str, ...]) -> TrainConfig:
    """``base`` with the link's settings; a setting the link spells wrong is named in a warning."""
    query = {current_name(key): st.query_params[key] for key in st.query_params}  # old links' names too
    changes, wrong = {}, []
    for name in controls:
        if name in query:
            try:
                changes[name] = parse(name, query[name])  # _written's True / False too
            except SettingError:
                wrong.append(name)
    if wrong:
        st.sidebar.warning(T("link_wrong", fields=", ".join(wrong)), icon=":material/link_off:")
    return base.with_changes(**changes)


def shown_controls(controls: tuple[str, ...]) -> tuple[str, ...]:
    """The controls this tab shows: the link's ``show=`` list, kept for the session (a page switch
    drops the query)."""
    ss = st.session_state
    if SHOWN not in ss:
        listed = st.query_params.get("show", "").split(",")
        asked = [current_name(n) for n in listed if current_name(n) in controls]
        ss[SHOWN] = tuple(asked) or controls
        ss[PRESETS_SHOWN] = not asked or PRESET_PICKER in listed
    return ss[SHOWN]


def shows_presets(controls: tuple[str, ...]) -> bool:
    """Whether this tab shows the preset picker: a preset sets k_d, k_g, the rates... so a link that hides
    controls hides the presets too, unless its show= list names them."""
    shown_controls(controls)
    return st.session_state.get(PRESETS_SHOWN, True)


def link(config: TrainConfig, controls: tuple[str, ...], show: tuple[str, ...] = ()) -> str:
    """The Lab's address with ``config``'s control values (and the controls to show, if given)."""
    base = (st.context.url or "").split("?")[0]
    query = {"lang": lang(), **{n: _written(getattr(config, n)) for n in controls}}
    if show:
        query["show"] = ",".join(show)
    return f"{base}?{urlencode(query)}"


def _written(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def notebook(config: TrainConfig, language: str = "en") -> str:
    """The lines that train the same run from a notebook with the mechgan package, commented in ``language``."""
    changed = ", ".join(f"{f.name}={getattr(config, f.name)!r}" for f in fields(config)
                        if getattr(config, f.name) != f.default)
    if config.conditional:  # the shipped training split, four load cases in the grid's rows
        return "\n".join((
            "from mechgan.config import TrainConfig",
            "from mechgan.conditional import ConditionalTrainer",
            "from mechgan.training import generate_and_save",
            "",
            f"trainer = ConditionalTrainer(TrainConfig({changed}))",
            "trainer.run(1200)",
            "generate_and_save(trainer, trainer.fixed_noise, \"grid.png\", columns=4)  # " + text("nb_rows", language),
        ))
    return "\n".join((
        "import tensorflow as tf",
        "from mechgan.config import TrainConfig",
        "from mechgan.data import load_designs",
        "from mechgan.training import train, generate_and_save",
        "",
        f"config = TrainConfig({changed})",
        "trainer = train(load_designs(), steps=1200, config=config)  # " + text("nb_steps", language),
        f"generate_and_save(trainer, tf.random.normal([16, {config.latent_dim}]), \"grid.png\")",
    ))


def share_box(config: TrainConfig, controls: tuple[str, ...]) -> None:
    """The sidebar's links and notebook lines for the settings the controls ask for."""
    language = lang()
    with st.sidebar.expander(T("share"), icon=":material/share:"):
        st.caption(T("share_student"))
        st.code(link(config, controls), language=None, wrap_lines=True)
        st.caption(T("share_teacher"))
        names = {PRESET_PICKER: text("ctl_preset", language), **{n: text(f"ctl_{n}", language) for n in controls}}
        show = st.multiselect(T("share_show"), tuple(names), format_func=names.get, placeholder=T("share_show_all"),
                              select_all=False, **kept("share_show", []))  # empty means all; no English row
        st.code(link(config, controls, tuple(show)), language=None, wrap_lines=True)
        st.caption(T("share_notebook"))
        st.code(notebook(config, language), language="python")
