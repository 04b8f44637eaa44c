"""The Lab's conditional switch through AppTest: a conditional run trains live with the same controls, its
samples in rows labelled by load case, its physics against SIMP in the Quality view."""
from __future__ import annotations

import numpy as np

from mechgan.specification import FIXED_CASES

from lab_helpers import wait_until, widget_key, worker_of


def _switch_on(lab) -> None:
    lab.toggle(key=widget_key("cfg_conditional")).set_value(True).run()
    assert any("Press Reset" in w.value for w in lab.warning)  # a new model: it applies at Reset
    assert not lab.select_slider(key=widget_key("cfg_recon_weight")).disabled  # now bound: it acts
    lab.button(key="btn_reset").click().run()
    built = lambda snap: snap.state == "paused" and snap.config.conditional  # noqa: E731 (one snapshot)
    wait_until(lab, lambda at: built(worker_of(at).snapshot()), 120, "the conditional run")


def test_a_conditional_run_trains_with_the_labs_controls(lab, runs_dir):
    assert lab.select_slider(key="_inactive_cfg_recon_weight_en").disabled  # no case to pull towards yet
    _switch_on(lab)
    worker = worker_of(lab)
    assert worker._trainer.condition_dim == 3  # trained G(z, c), D(x, c)
    lab.select_slider(key=widget_key("cfg_recon_weight")).set_value(3.0).run()  # a live change
    wait_until(lab, lambda at: worker.snapshot().config.recon_weight == 3.0, 30, "the live change")
    for button in ("btn_step_d", "btn_step_g", "btn_step"):
        lab.button(key=button).click().run()
    wait_until(lab, lambda at: worker.snapshot().sample_iteration == 1, 60, "the samples")
    labels = [m.value for m in lab.markdown if m.value.startswith("**Load at row")]
    assert labels == [f"**Load at row {row}**, {angle:+.0f}°  \nvolume {volume:.0%}"
                      for row, angle, volume in FIXED_CASES]
    snap = worker.snapshot()
    assert np.allclose(snap.sample_scores, worker._trainer.d_scores(snap.samples, worker._trainer.fixed_conditions))
    lab.segmented_control(key=widget_key("view")).set_value("distribution").run()
    assert "conditional D" in " ".join(i.value for i in lab.info) and not lab.exception
    lab.segmented_control(key=widget_key("view")).set_value("quality").run()
    wait_until(lab, lambda at: worker.snapshot().metrics, 60, "the quality report")
    report = worker.snapshot().metrics[-1]
    assert {"median_abs_ce", "median_vfe", "fm8", "ld", "floating_rate"} <= set(report)
    lab.run()
    titles = [c.proto.spec for c in lab.get("plotly_chart")]
    assert any("Physics against SIMP on 24 held-out load cases" in t for t in titles)
    table = lab.dataframe[0].value
    shown = table[table.iloc[:, 0] == "median |compliance error| (|CE|, %)"]
    latest = worker.snapshot().metrics[-1]  # what the table shows
    assert list(shown.iloc[0, 1:3]) == [f"{latest['median_abs_ce'] * 100:,.3g}", "<= 5"]  # in %, as the chart
    lab.session_state["lang"] = "fr"  # French: the same run, its rows labelled in French
    lab.run()
    lab.segmented_control(key=widget_key("view", "fr")).set_value("overview").run()
    assert [m.value for m in lab.markdown if m.value.startswith("**Charge à la ligne")]
    assert lab.toggle(key=widget_key("cfg_conditional", "fr")).value and not lab.exception
    lab.text_input(key="run_name").set_value("conditionnel").run()  # saved, then compared on the Runs page
    lab.button(key="btn_save").click().run()
    assert (runs_dir / "conditionnel" / "config.json").is_file() and not lab.exception
    lab.switch_page("screens/runs.py").run()
    lab.toggle(key="runs_settings_all").set_value(True).run()
    settings = lab.dataframe[0].value
    assert list(settings["Conditionnel : pièces pour un cas de charge"]) == ["oui"]
    assert not lab.exception and not lab.error


def test_own_designs_turn_the_conditional_switch_off(lab):
    lab.session_state["cfg_conditional"] = True
    lab.switch_page("screens/data.py").run()
    designs = np.random.default_rng(0).random((40, 50, 50)) > 0.5
    lab.session_state["lab_designs"] = designs  # what the Data page's "Train on these designs" leaves
    lab.switch_page("screens/lab.py").run()
    toggle = lab.toggle(key="_inactive_cfg_conditional_en")
    assert toggle.disabled and not toggle.value and "no load case" in toggle.help
    assert not worker_of(lab).snapshot().config.conditional and not lab.exception
