"""The Lab page through Streamlit's AppTest: every control and button, every view, both languages."""
from __future__ import annotations

import json

import pyarrow as pa
import pytest

from mechgan.config import LIVE_FIELDS, PARAMS

from app.lab_controls import CONTROLS

from lab_helpers import metrics, new_app, preset_picker, wait_until, widget_key, worker_of

LIVE_VALUES = {"lr_g": 1e-3, "lr_d": 5e-4, "optimizer_g": "rmsprop", "optimizer_d": "sgd", "loss": "hinge",
               "k_d": 2, "k_g": 3, "connect_weight": 30.0}  # recon_weight: test_conditional_lab (a conditional run's)
RESET_VALUES = {"nf": 4, "architecture": "tutorial", "latent_dim": 8, "batch_size": 8, "seed": 7,
                "conditional": True}  # nf first: the tutorial's widths are fixed, so its nf slider is disabled


def widget(at, name, lang="en"):
    """The control of setting ``name``: bound to its kept value, or only shown when it does nothing now."""
    finder = {"select": at.selectbox, "steps": at.select_slider, "number": at.number_input,
              "toggle": at.toggle}[PARAMS[name].widget]
    try:
        return finder(key=widget_key(f"cfg_{name}", lang))
    except KeyError:
        return finder(key=f"_inactive_cfg_{name}_{lang}")


def test_every_control_has_a_help_text(lab):
    for name in CONTROLS:
        assert widget(lab, name).help, name
    for key in ("btn_play", "btn_reset", "btn_step", "btn_step_d", "btn_step_g"):
        assert lab.button(key=key).help, key
    assert set(LIVE_VALUES) | set(RESET_VALUES) | {"recon_weight"} == set(CONTROLS)


def test_live_controls_reach_the_worker_without_reset(lab):
    for name, value in LIVE_VALUES.items():
        assert name in LIVE_FIELDS
        widget(lab, name).set_value(value).run()
        assert not lab.exception
        wait_until(lab, lambda at: getattr(worker_of(at).snapshot().config, name) == value, 30, name)
    assert not [w for w in lab.warning if "Reset" in w.value]


def test_reset_only_controls_ask_for_a_reset_then_apply(lab):
    for name, value in RESET_VALUES.items():
        widget(lab, name).set_value(value).run()
        warnings = [w.value for w in lab.warning]
        assert any("Press Reset" in w for w in warnings), name
    assert worker_of(lab).snapshot().config.nf == 8  # nothing applied yet
    shown = lab.select_slider(key="_inactive_cfg_nf_en")  # drawn, not bound to the kept value (see _bound)
    assert shown.disabled and "tutorial" in shown.help and shown.value == 4
    lab.button(key="btn_reset").click().run()
    wait_until(lab, lambda at: metrics(at)["Status"] == "paused"
               and worker_of(at).snapshot().config.architecture == "tutorial", 120, "the reset")
    config = worker_of(lab).snapshot().config
    assert (config.nf, config.latent_dim, config.batch_size, config.seed, config.conditional) == (4, 8, 8, 7, True)
    assert not [w for w in lab.warning if "Press Reset" in w.value]


def test_step_buttons_say_which_player_moved(lab):
    # the page waits a few seconds for a step's answer; a loaded machine may take longer: the test waits on
    lab.button(key="btn_step_d").click().run()
    wait_until(lab, lambda at: metrics(at)["D loss"] != "—", 120, "Step D")
    m, deltas = metrics(lab), {x.label: x.delta for x in lab.metric}
    assert m["Iteration"] == "0" and m["G loss"] == "—" and m["D loss"] != "—"  # G has no loss yet
    assert (deltas["D loss"], deltas["G loss"]) == ("updated", "unchanged")
    assert [i.value for i in lab.info if i.value.startswith("Step D: D updated once, G unchanged")]
    d_loss = m["D loss"]
    lab.button(key="btn_step_g").click().run()
    wait_until(lab, lambda at: metrics(at)["G loss"] != "—", 120, "Step G")
    m, deltas = metrics(lab), {x.label: x.delta for x in lab.metric}
    assert m["Iteration"] == "0" and m["D loss"] == d_loss and m["G loss"] != "—"  # D's: the last, unchanged
    assert (deltas["D loss"], deltas["G loss"]) == ("unchanged", "updated")
    assert [i.value for i in lab.info if i.value.startswith("Step G: G updated once, D unchanged")]
    lab.button(key="btn_step").click().run()
    wait_until(lab, lambda at: metrics(at)["Iteration"] == "1", 120, "Step")
    m = metrics(lab)
    assert m["D loss"] != "—" and m["G loss"] != "—"
    assert not [x for x in lab.metric if x.delta] and not [i for i in lab.info if "updated once" in i.value]
    assert not lab.exception


def test_play_then_pause(lab):
    lab.button(key="btn_play").click().run()
    assert lab.button(key="btn_play").label == "Pause"
    wait_until(lab, lambda at: int(metrics(at)["Iteration"].replace(" ", "")) >= 3, 120, "training")
    assert metrics(lab)["Status"] in ("training", "paused")
    lab.button(key="btn_play").click().run()
    wait_until(lab, lambda at: metrics(at)["Status"] == "paused", 30, "the pause")
    stopped = metrics(lab)["Iteration"]
    lab.run()
    assert metrics(lab)["Iteration"] == stopped and lab.button(key="btn_play").label == "Play"


def test_every_view_renders_and_step_by_step_shows_all_stages(lab):
    lab.button(key="btn_step").click().run()
    wait_until(lab, lambda at: worker_of(at).snapshot().sample_iteration == 1, 60, "the samples")
    history = worker_of(lab).snapshot().history
    curves = {json.loads(c.proto.spec)["title"]["text"]: pa.ipc.open_stream(c.proto.data.data).read_pandas()
              for c in lab.get("vega_lite_chart")}  # the live curves, which the browser updates in place
    assert list(curves) == ["Losses", "Mean D score (0.5 = D cannot tell)"]
    assert curves["Losses"]["D loss"].tolist() == pytest.approx([r["loss_d"] for r in history])
    assert curves["Mean D score (0.5 = D cannot tell)"]["D(generated)"].tolist() == pytest.approx(
        [r["d_fake"] for r in history])
    assert lab.get("image")[0].proto.imgs[0].url.startswith("data:image/png;base64,")  # the samples, drawn at once
    for view in ("distribution", "timeline"):
        lab.segmented_control(key=widget_key("view")).set_value(view).run()
        assert not lab.exception and not lab.error, view
        assert lab.get("plotly_chart"), view
    lab.segmented_control(key=widget_key("view")).set_value("distribution").run()
    lab.pills(key=widget_key("layers")).set_value(["real", "fake"]).run()
    assert not lab.exception
    lab.segmented_control(key=widget_key("view")).set_value("quality").run()
    assert not lab.exception
    lab.segmented_control(key=widget_key("view")).set_value("step_by_step").run()
    lab.button(key="btn_slowmo").click().run()
    headers = [h.value for h in lab.subheader]
    assert [h[0] for h in headers if h[:1].isdigit()] == list("123456")
    assert len(lab.latex) == 2 and not lab.exception


def test_a_preset_picked_mid_run_restarts_it_and_the_box_follows_the_settings(lab):
    from mechgan.presets import PRESETS

    from app.i18n import text

    lab.button(key="btn_step").click().run()
    lab.button(key="btn_step").click().run()
    assert worker_of(lab).snapshot().iteration == 2
    preset_picker(lab).set_value("both_large").run()
    preset = PRESETS["both_large"]
    for name, value in preset.changes.items():
        assert lab.session_state[f"cfg_{name}"] == value
    base = worker_of(lab).snapshot().config  # a fresh run of the preset's settings: what its description says
    wait_until(lab, lambda at: ready_at(at, 0) and worker_of(at).snapshot().config == preset.apply(base), 60,
               "the preset's fresh run")
    assert [c.value for c in lab.sidebar.caption if c.value == text("preset_both_large_about", "en")]
    assert lab.text_input(key="run_name").placeholder.startswith("both-large")
    lab.select_slider(key=widget_key("cfg_lr_g")).set_value(5e-4).run()  # a manual change: no preset any more
    assert preset_picker(lab).value == ""
    assert not [c.value for c in lab.sidebar.caption if c.value == text("preset_both_large_about", "en")]
    lab.select_slider(key=widget_key("cfg_lr_g")).set_value(preset.changes["lr_g"]).run()  # back: it holds again
    assert preset_picker(lab).value == "both_large"
    lab.toggle(key=widget_key("cfg_conditional")).set_value(True).run()  # presets are the plain GAN's
    picker = preset_picker(lab)
    assert picker.disabled and "conditional" in picker.help
    assert not [c.value for c in lab.sidebar.caption if c.value == text("preset_both_large_about", "en")]


def test_a_replaced_preset_box_sent_again_is_no_pick(lab):
    """A loaded browser can send, with the rerun after a manual change, the value of the preset box that rerun
    replaced (tests/e2e/test_class.py saw the preset applied again: the run back at iteration 0)."""
    preset_picker(lab).set_value("both_small").run()
    wait_until(lab, lambda at: ready_at(at, 0) and not at.button(key="btn_step").disabled, 60,
               "the preset's fresh run, its Step button enabled")  # the page may draw the restart a rerun late
    replaced = preset_picker(lab)._widget_state  # what the browser holds of the box
    lab.button(key="btn_step").click().run()
    lab.select_slider(key=widget_key("cfg_lr_g")).set_value(5e-4).run()  # a manual change: the box is replaced
    assert preset_picker(lab).value == ""
    states = lab._tree.get_widget_states()  # what the browser sends, plus the replaced box it still holds
    states.widgets.append(replaced)
    lab._run(states)
    assert lab.session_state["cfg_lr_g"] == 5e-4 and preset_picker(lab).value == ""
    assert worker_of(lab).snapshot().iteration == 1 and not lab.exception


def ready_at(at, iteration: int) -> bool:
    snap = worker_of(at).snapshot()
    return snap.state == "paused" and snap.iteration == iteration


def test_save_run_then_runs_page_lists_it(lab, runs_dir):
    lab.button(key="btn_step").click().run()
    lab.text_input(key="run_name").set_value("my run").run()
    lab.button(key="btn_save").click().run()
    assert any("Saved in" in s.value for s in lab.success), [e.value for e in lab.error]
    assert (runs_dir / "my-run" / "config.json").is_file()
    lab.switch_page("screens/runs.py").run()
    assert not lab.exception and not lab.error
    assert lab.multiselect(key="runs_chosen").value
    assert lab.dataframe and len(lab.get("download_button")) == 4


def test_language_widget_switches_to_french():
    at = new_app()
    at.segmented_control(key="lang").set_value("fr").run()
    assert at.main.subheader[0].value == "Lab GAN : pièces mécaniques" and not at.exception


def test_language_switch_translates_the_lab(lab):
    # AppTest reruns a st.navigation page without main.py, so set the sidebar switch's state directly
    lab.session_state["lang"] = "fr"
    lab.run()
    assert lab.main.subheader[0].value == "Lab GAN : pièces mécaniques"
    assert "Itération" in metrics(lab) and lab.button(key="btn_play").label == "Lecture"
    assert not lab.exception


def test_diverged_run_shows_a_plain_message(lab):
    w = worker_of(lab)
    # the engine's NaN guard sets these two public fields; set them as it would
    w._trainer.status, w._trainer.status_message = "diverged", "the generator loss became NaN"
    lab.button(key="btn_step").click().run()
    wait_until(lab, lambda at: metrics(at)["Status"] == "diverged", 30, "the diverged status")
    text = " ".join(e.value for e in lab.error)
    assert "The run diverged" in text and "Lower both learning rates" in text
    assert not lab.exception and lab.button(key="btn_play").disabled
    lab.session_state["lang"] = "fr"
    lab.run()
    text = " ".join(e.value for e in lab.error)
    assert "L'entraînement a divergé" in text and "à l'itération" in text
    assert "loss became NaN" not in text  # the engine's English message stays out of the French page


def test_script_runs_leave_keras_and_tensorflow_state_alone(lab, monkeypatch):
    """Streamlit's own end-of-run clean-up would call keras.backend.clear_session() under the training threads."""
    import keras

    calls = []
    monkeypatch.setattr(keras.backend, "clear_session", lambda *a, **k: calls.append(1))
    lab.button(key="btn_step").click().run()
    lab.run()
    assert not lab.exception and calls == []
