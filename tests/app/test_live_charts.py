"""The Lab's live curves: smoothing, a log axis, a range that survives a spike, reference lines that mean
something for the loss in use.  Specs are checked by Altair's Vega-Lite schema, as the browser reads them."""
from __future__ import annotations

import altair as alt
import numpy as np
import pytest

from app import live_charts

NAMES = ("D loss", "G loss")


def history(n=200, spike_at=range(3, 15), spike=150.0, seed=0):
    """Losses with an early spike lasting 6 % of the run (the walkthrough's G loss at ~150)."""
    rng = np.random.default_rng(seed)
    return [{"iteration": i, "loss_d": 0.5 + 0.05 * rng.standard_normal(),
             "loss_g": spike if i in spike_at else 2.5 + 0.3 * rng.standard_normal(),
             "d_real": 0.7, "d_fake": 0.3} for i in range(n)]


def valid(frame, spec) -> dict:
    """The spec with its data, validated against the Vega-Lite schema."""
    return alt.Chart.from_dict({**spec, "data": {"values": frame.to_dict("records")}}).to_dict()


def test_ema_is_tensorboards_debiased_average_and_skips_gaps():
    values = np.array([1.0, np.nan, 3.0, 5.0])
    out = live_charts.ema(values, 0.5)
    assert out[0] == 1.0 and np.isnan(out[1])
    assert out[2] == pytest.approx((0.25 * 1 + 0.5 * 3) / 0.75) and out[3] == pytest.approx(
        (0.125 * 1 + 0.25 * 3 + 0.5 * 5) / 0.875)
    assert np.array_equal(live_charts.ema(values, 0.0)[[0, 2, 3]], values[[0, 2, 3]])


def test_a_spike_is_clipped_marked_and_the_bulk_stays_readable():
    frame, spec = live_charts.loss_curves(history(), "Losses", "iteration", "loss", NAMES, clipped="clipped!")
    valid(frame, spec)
    lo, hi = spec["layer"][0]["encoding"]["y"]["scale"]["domain"]
    assert 3.0 < hi < 6.0 and lo < 0.5  # the G loss's bulk (~2.5) and the D loss fill the chart, not 150
    assert spec["title"]["subtitle"] == "clipped!"
    above = next(layer for layer in spec["layer"] if layer["mark"].get("shape") == "triangle-up")
    assert above["encoding"]["y"]["datum"] == hi and f"> {hi!r}" in above["transform"][1]["filter"]
    assert ["~D loss", "~G loss"] == spec["layer"][1]["transform"][0]["fold"]  # the smoothed twins


def test_a_calm_curve_keeps_vegas_own_range_and_the_log_axis_shows_everything():
    frame, spec = live_charts.loss_curves(history(spike=2.5), "L", "it", "loss", NAMES)
    assert "scale" not in spec["layer"][0]["encoding"]["y"] and "subtitle" not in spec["title"]
    frame, spec = live_charts.loss_curves(history(), "L", "it", "loss", NAMES, log=True)
    valid(frame, spec)
    assert spec["layer"][0]["encoding"]["y"]["scale"] == {"type": "log"}
    assert not any(layer["mark"].get("shape") for layer in spec["layer"])  # nothing clipped
    negative = [{**r, "loss_d": -r["loss_d"]} for r in history()]  # a WGAN critic's loss
    _, spec = live_charts.loss_curves(negative, "L", "it", "loss", NAMES, log=True)
    assert spec["layer"][0]["encoding"]["y"]["scale"] == {"type": "symlog"}


def test_smoothing_draws_the_average_over_the_faint_raw_line():
    frame, spec = live_charts.loss_curves(history(spike=2.5), "L", "it", "loss", NAMES, smoothing=0.9)
    raw, smooth = frame["G loss"].to_numpy(), frame["~G loss"].to_numpy()
    assert np.std(np.diff(smooth)) < 0.3 * np.std(np.diff(raw))
    assert spec["layer"][0]["mark"]["opacity"] == live_charts.RAW_OPACITY and spec["layer"][1]["mark"]["opacity"] == 1


@pytest.mark.parametrize("even_line", [True, False])
def test_the_even_line_is_drawn_only_when_asked(even_line):
    frame, spec = live_charts.d_score_curves(history(), "S", "it", ("D(real)", "D(fake)"), even_line=even_line)
    valid(frame, spec)
    rules = [layer for layer in spec["layer"] if layer["mark"].get("type") == "rule"]
    assert len(rules) == int(even_line) and spec["layer"][0]["encoding"]["y"]["scale"] == {"domain": [0, 1]}


def test_every_layer_asks_for_the_same_legend_so_vega_draws_it():
    """One layer with ``legend: null`` and another with a legend: Vega kept "disable" and drew none."""
    runs = {"A": history(), "B": history(seed=1)}
    for frame, spec in (live_charts.loss_curves(history(), "L", "it", "loss", NAMES),
                        live_charts.compare_curves(runs, "loss_g", "G", "it", "loss")):
        valid(frame, spec)
        legends = [layer["encoding"]["color"]["legend"] for layer in spec["layer"] if "color" in layer["encoding"]]
        assert len(legends) >= 3 and all(legend == live_charts.LEGEND for legend in legends)
        assert spec["layer"][1]["encoding"]["color"]["scale"]["domain"] in (list(NAMES), ["A", "B"])


def test_axes_write_whole_iterations_and_trimmed_losses():
    _, spec = live_charts.loss_curves(history(spike=2.5), "L", "it", "loss", NAMES)
    x, y = spec["layer"][0]["encoding"]["x"], spec["layer"][0]["encoding"]["y"]
    assert x["axis"] == {"format": ",d", "tickMinStep": 1}  # 1,200 (1 200 in French), not "1.2k"
    assert y["axis"]["format"] == ",~f"  # 0.5 and 10, not "0.000000" or "1e+1"
