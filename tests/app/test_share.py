"""Settings as links: a class link shows only its controls with its values; a notebook box that trains the same run."""
from __future__ import annotations

import logging

from mechgan.config import PARAMS, TrainConfig

from app.lab_controls import CONTROLS
from app.share import notebook
from app.state import default_config

from test_config import HOSTILE_JSON_TEXTS, HOSTILE_TEXTS

from lab_helpers import MAIN, preset_picker, ready, wait_until, widget_key, worker_of


def _open(query: dict):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(MAIN, default_timeout=120)
    at.session_state["lang"] = "en"
    for name, value in query.items():
        at.query_params[name] = value
    at.run()
    wait_until(at, ready, 300, "the worker to build")
    return at


def _stop(at) -> None:
    worker = worker_of(at)
    worker.send("stop")
    worker.join(30)


def test_a_class_link_shows_only_its_controls_with_its_values():
    at = _open({"lr_g": "5e-07", "lr_d": "0.002", "nf": "8", "show": "lr_g,lr_d"})
    try:
        sliders = {s.key for s in at.sidebar.select_slider}
        assert sliders == {widget_key("cfg_lr_g"), widget_key("cfg_lr_d")}
        assert preset_picker(at) is None  # a preset sets hidden k_d...
        assert at.select_slider(key=widget_key("cfg_lr_g")).value == 5e-7
        config = worker_of(at).snapshot().config
        assert (config.lr_g, config.lr_d, config.nf) == (5e-7, 2e-3, 8)  # hidden nf: the link's value
        assert not at.exception and not at.warning
    finally:
        _stop(at)


def test_a_class_link_shows_the_presets_only_when_it_names_them():
    at = _open({"k_d": "3", "show": "lr_g,presets"})
    try:
        picker = preset_picker(at)
        assert picker.value == "" and not at.exception  # k_d 3 is no preset's
        assert {s.key for s in at.sidebar.select_slider} == {widget_key("cfg_lr_g")}
    finally:
        _stop(at)


def test_a_wrong_link_value_is_named_and_the_default_kept():
    at = _open({"lr_g": "12", "k_d": "two", "conditional": "1"})
    try:
        warning = " ".join(w.value for w in at.sidebar.warning)
        assert "lr_g" in warning and "k_d" in warning and "conditional" in warning
        config = worker_of(at).snapshot().config
        assert (config.lr_g, config.k_d, config.conditional) == (TrainConfig().lr_g, TrainConfig().k_d, False)
        assert len(at.sidebar.select_slider) == sum(1 for p in PARAMS.values() if p.group and p.steps)
    finally:
        _stop(at)


def test_a_link_of_infinite_and_huge_values_names_them_and_keeps_the_defaults():
    hostile = {name: HOSTILE_TEXTS[i % len(HOSTILE_TEXTS)] for i, name in enumerate(CONTROLS)}
    assert set(hostile.values()) == set(HOSTILE_TEXTS)  # every value, in some setting
    at = _open(hostile | {"nf": "inf", "seed": "1e309"})  # the two
    try:
        assert not at.exception and not at.error  # no "page failed"
        warning = " ".join(w.value for w in at.sidebar.warning)
        assert all(name in warning for name in hostile)
        assert worker_of(at).snapshot().config == default_config()
    finally:
        _stop(at)


def test_server_defaults_with_infinite_and_huge_values_keep_the_good_ones(monkeypatch, caplog):
    wrong = [name for name in PARAMS if name != "lr_g"]  # each with a hostile JSON number, in turn
    texts = [f'"{name}": {HOSTILE_JSON_TEXTS[i % len(HOSTILE_JSON_TEXTS)]}' for i, name in enumerate(wrong)]
    text = "{" + ", ".join(texts + ['"lr_g": 0.002']) + "}"
    monkeypatch.setenv("MECHGAN_DEFAULTS", text)
    with caplog.at_level(logging.WARNING, logger="app.state"):
        config = default_config()
    assert config == TrainConfig(lr_g=0.002)
    logged = caplog.text
    assert all(f"MECHGAN_DEFAULTS' {name}: {name} must be" in logged for name in wrong)
    monkeypatch.setenv("MECHGAN_DEFAULTS", "[Infinity]")
    assert default_config() == TrainConfig()


def test_an_old_class_link_and_old_server_defaults_set_the_renamed_penalty(monkeypatch):
    monkeypatch.setenv("MECHGAN_DEFAULTS", '{"speck_weight": 3}')  # the connect penalty's name before
    assert default_config() == TrainConfig(connect_weight=3.0)
    at = _open({"speck_weight": "0", "show": "speck_weight,lr_g"})
    try:
        assert {s.key for s in at.sidebar.select_slider} == {widget_key("cfg_connect_weight"), widget_key("cfg_lr_g")}
        assert worker_of(at).snapshot().config.connect_weight == 0.0
        assert not at.exception and not at.warning
    finally:
        _stop(at)


def test_a_link_starts_a_conditional_run():
    at = _open({"conditional": "True", "recon_weight": "3"})
    try:
        assert at.toggle(key=widget_key("cfg_conditional")).value and not at.exception and not at.warning
        built = worker_of(at).snapshot().config
        assert (built.conditional, built.recon_weight) == (True, 3.0)
        assert "conditional=True" in at.sidebar.code[0].value  # the student's link says so again
        lines = at.sidebar.code[2].value
        assert "ConditionalTrainer(TrainConfig(" in lines and "conditional=True, recon_weight=3.0)" in lines
    finally:
        _stop(at)


def test_the_conditional_notebook_lines_train_and_save_a_grid(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code = notebook(TrainConfig(nf=4, latent_dim=8, batch_size=8, conditional=True))
    assert "trainer.run(1200)" in code
    exec(code.replace("trainer.run(1200)", "trainer.run(1)"), scope := {})  # noqa: S102 - our own code
    assert scope["trainer"].config.conditional and scope["trainer"].iteration == 1
    assert (tmp_path / "grid.png").is_file()


def test_the_notebook_lines_rebuild_the_same_config():
    config = TrainConfig(nf=8, lr_g=5e-7, loss="hinge", connect_weight=0.0)
    code = notebook(config)
    setup = code.split("trainer = ")[0]  # the training itself is the package's, tested elsewhere
    scope: dict = {}
    exec(setup, scope)  # noqa: S102 - our own generated code
    assert scope["config"] == config
    assert "train(load_designs(), steps=" in code and "generate_and_save(trainer" in code
