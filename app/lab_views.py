"""What the Lab page draws from one snapshot: header, health messages and the views.

Everything here reads a :class:`Snapshot`; nothing touches the trainer, so a
refresh costs the training thread nothing but the GIL for a few milliseconds.
"""
from __future__ import annotations

import time

import numpy as np
import streamlit as st

from mechgan import metrics
from mechgan import training_figures as tf_fig
from mechgan.config import PROBABILITY_LOSSES, TrainConfig

from app import live_charts
from app.health import FORMATS, HealthTracker
from app.state import N, T, kept, lang, localized_figure, localized_spec, number_format, said
from app.views import ViewMaker
from app.worker import Snapshot

VIEWS = ("overview", "distribution", "quality", "timeline", "step_by_step")
PLOT = dict(width="stretch", config={"displayModeBar": False})
# The live fragment's pace while a run plays: twice a second.  Every refresh of every
# student's page costs the training threads CPU on a 2-core server, so no faster.
LIVE_S = 0.5
SMOOTHING_STEPS = (0.0, 0.3, 0.6, 0.8, 0.9, 0.95, 0.99)  # TensorBoard's weights, from raw to a trend


def _chart(fig, key: str) -> None:
    st.plotly_chart(localized_figure(fig), key=key, **PLOT)


def tiles(samples: np.ndarray, scores: np.ndarray | None, cols: int = 8) -> tuple[str, int]:
    """Generated designs as one PNG, their D scores written the page's way and their floating material in
    orange; and how many designs hold some."""
    floating = metrics.floating_mask(samples)
    return (tf_fig.sample_png(samples, scores, cols, decimal=N(0.5, ".1f")[1], floating=floating),
            int(floating.reshape(len(floating), -1).any(axis=1).sum()))


def tiles_caption(caption: str, floating: int, total: int) -> str:
    """``caption``, then what the orange pixels are when some design holds floating material."""
    return caption + ("  \n" + T("samples_floating", n=floating, total=total) if floating else "")


def grid(samples: np.ndarray, scores: np.ndarray | None = None, title: str = "", cols: int = 8):
    """A sample grid chart (slow motion, timeline, Runs), drawn as :func:`tiles` draws them."""
    return tf_fig.sample_grid(samples, scores, cols, title, decimal=N(0.5, ".1f")[1],
                              floating=metrics.floating_mask(samples))


def curves(data_and_spec) -> None:
    """A live Vega-Lite chart, its numbers written the page's way."""
    data, spec = data_and_spec
    st.vega_lite_chart(data, localized_spec(spec), width="stretch")


def _kept(name: str, token, build):
    """``build()``, or the figure built for an equal ``token`` in the same language at an earlier refresh.

    The page redraws every few seconds for every student, and most of what it
    draws has not changed since: the curves of a queued run, the sample grid
    (a PNG) between two snapshots of the samples.  A grid's scores are written
    the language's way (0,5 or 0.5): a switch draws them anew.
    """
    ss, token = st.session_state, (lang(), token)
    kept = ss.get(f"_figure_{name}")
    if kept is None or kept[0] != token:
        kept = ss[f"_figure_{name}"] = (token, build())
    return kept[1]


def header(snap: Snapshot) -> None:
    """Iteration counter, speed, status and the latest losses."""
    lone = _lone_step(snap.history)
    cols = st.columns([1, 1, 2.2, 1, 1])  # the status's words need the room
    cols[0].metric(T("iteration"), N(snap.iteration))
    cols[1].metric(T("steps_per_s"), N(snap.steps_per_s, ".1f"))
    cols[2].metric(T("status"), _status(snap))
    for col, player in zip(cols[3:], "dg"):  # after a lone step, the other loss is its last value, unchanged
        delta = None if lone is None else T("loss_updated" if player == lone else "loss_unchanged")
        col.metric(T(f"loss_{player}"), _num(_last(snap.history, f"loss_{player}")), delta, delta_color="off",
                   delta_arrow="off")
    with st.container():  # a message comes and goes: in a block of its own, the charts below keep their place
        if lone is not None and snap.state == "paused":
            st.info(T(f"stepped_{lone}"), icon=":material/footprint:")
        if snap.state == "error":
            st.error(T("worker_error", error=said(snap.message, snap.message_fields)), icon=":material/error:")
        elif snap.message == "idle":
            st.info(T("msg_idle"), icon=":material/bedtime:")
        elif snap.message and snap.state != "diverged":
            st.warning(said(snap.message, snap.message_fields), icon=":material/warning:")


def _lone_step(history) -> str | None:
    """"d" or "g" when the last record is a lone Step D or Step G (the other player's loss is NaN)."""
    if not history:
        return None
    finite = {p: np.isfinite(history[-1].get(f"loss_{p}", np.nan)) for p in "dg"}
    return next((p for p in "dg" if finite[p] and not finite["g" if p == "d" else "d"]), None)


def _last(history, key: str) -> float | None:
    """The latest finite value of ``key`` in the records (a lone step leaves the other loss NaN)."""
    return next((r[key] for r in reversed(history) if np.isfinite(r.get(key, np.nan))), None)


def _status(snap: Snapshot) -> str:
    if snap.state == "waiting":
        return T("state_waiting", position=snap.queue_position)
    return T(f"state_{snap.state}")


def _num(value) -> str:
    return "—" if value is None or not np.isfinite(value) else N(value, ".3f")


def health(snap: Snapshot, views: ViewMaker, tracker: str = "_health") -> None:
    """Plain-language health messages, in one block: their number changes from one refresh to the next,
    and charts that move to another place in the page are drawn again from scratch (blank meanwhile).
    The session's :class:`HealthTracker` keeps each message on screen long enough to be read."""
    tracker = st.session_state.setdefault(tracker, HealthTracker())  # one per run shown
    with st.container():
        for finding in tracker.update(snap, views.real_diversity, time.monotonic()):
            box = st.error if finding.key in ("diverged", "exploding") else st.warning
            advice = " ".join(T(f"advice_{name}") for name in finding.advice)
            values = {k: N(v, FORMATS[k]) for k, v in finding.values.items()}
            box(f"**{T(f'health_{finding.key}', **values)}**  \n{advice}",
                icon=":material/health_and_safety:")


def overview(snap: Snapshot, views: ViewMaker) -> None:
    smoothing, log = curve_controls()
    loss = snap.config.loss if snap.config else TrainConfig().loss
    probability = loss in PROBABILITY_LOSSES
    left, right = st.columns(2)
    token = (T("fig_losses"), snap.history, smoothing, log, probability)  # a paused run's curves stay the same
    with left:
        curves(_kept("losses", token, lambda: live_charts.loss_curves(
            snap.history, title=T("fig_losses"), xaxis=T("iteration_axis"),
            yaxis=T("loss_axis_log" if log else "loss_axis"), names=(T("loss_d"), T("loss_g")),
            smoothing=smoothing, log=log, clipped=T("curve_clipped"))))
    with right:
        curves(_kept("d_scores", token, lambda: live_charts.d_score_curves(
            snap.history, title=T("fig_d_scores" if probability else "fig_d_scores_critic"),
            xaxis=T("iteration_axis"), yaxis=T("d_prob_axis" if probability else "d_score_axis"),
            names=(T("d_real"), T("d_fake")), smoothing=smoothing, even_line=probability)))
    if snap.samples is None:
        st.info(T("no_samples_yet"))
        return
    st.markdown(f"**{T('fig_samples', iteration=N(snap.sample_iteration))}**")
    if snap.config is not None and snap.config.conditional:
        _samples_by_case(snap)
        return
    # an image, not a chart: the browser swaps its source in place, where a chart is drawn anew, blank
    # meanwhile; and a data URI, drawn at once, where a served file would be fetched first
    png, floating = _kept("samples", hash(snap.samples.tobytes() + snap.sample_scores.tobytes()),
                          lambda: tiles(snap.samples, snap.sample_scores))
    st.image(png, width="stretch")
    st.caption(tiles_caption(T("samples_caption"), floating, len(snap.samples)))


def _samples_by_case(snap: Snapshot) -> None:
    """A conditional run's fixed samples: a row of noises for each fixed load case, labelled with it."""
    from mechgan.specification import FIXED_CASES

    per_case = len(snap.samples) // len(FIXED_CASES)
    token, floating = hash(snap.samples.tobytes() + snap.sample_scores.tobytes()), 0
    for i, (row, angle, volume) in enumerate(FIXED_CASES):
        part = slice(i * per_case, (i + 1) * per_case)
        label, image = st.columns([1, 3], vertical_alignment="center")
        label.markdown(T("case_label", row=row, angle=N(angle, "+.0f"), volume=N(volume, ".0%")))
        png, count = _kept(f"samples_{i}", token, lambda: tiles(snap.samples[part], snap.sample_scores[part],
                                                                cols=per_case))
        image.image(png, width="stretch")
        floating += count
    st.caption(tiles_caption(T("samples_caption_conditional"), floating, len(snap.samples)))


def curve_controls() -> tuple[float, bool]:
    """TensorBoard's smoothing slider and a log-axis switch for the losses, kept per session."""
    left, right, _ = st.columns([3, 2, 1])
    smoothing = left.select_slider(T("ctl_smoothing"), SMOOTHING_STEPS, format_func=number_format("g"),
                                   help=T("help_smoothing"), **kept("curve_smoothing", live_charts.SMOOTHING))
    log = right.toggle(T("ctl_log_axis"), help=T("help_log_axis"), **kept("curve_log", False))
    return float(smoothing), bool(log)


def distribution(snap: Snapshot, views: ViewMaker) -> None:
    if snap.config is not None and snap.config.conditional:
        st.info(T("distribution_conditional"))
        return
    data = snap.distribution
    if data is None:
        st.info(T("no_samples_yet"))
        return
    names = {layer: T(f"layer_{layer}") for layer in tf_fig.LAYERS}
    layers = st.pills(T("layers"), tf_fig.LAYERS, selection_mode="multi", format_func=names.get,
                      help=T("help_layers"), **kept("layers", list(tf_fig.LAYERS)))
    left, right = st.columns([3, 2])
    with left:
        title = T("fig_distribution", iteration=N(data.iteration))
        _chart(tf_fig.distribution_view(data, layers or (), title=title, names=names), "fig_distribution")
        st.caption(T("distribution_caption", contrast=N(data.contrast, ".2f")))
    with right:
        st.markdown(f"**{T('fig_latent_grid')}**")
        png, floating = _kept("latent", data.iteration, lambda: tiles(
            data.latent, data.latent_scores, cols=int(round(len(data.latent) ** 0.5))))
        st.image(png, width="stretch")
        st.caption(tiles_caption(T("latent_grid_caption"), floating, len(data.latent)))
    _chart(tf_fig.material_comparison(views.real_levels, data.fake_levels, title=T("fig_material"),
                                      xaxis=T("material_axis"), yaxis=T("share_axis"),
                                      names=(T("layer_real"), T("layer_fake"))), "fig_material")


def quality(snap: Snapshot, views: ViewMaker) -> None:
    if not snap.metrics:
        st.info(T("no_metrics_yet"))
        return
    _chart(tf_fig.metric_curves(snap.metrics, names={k: T(f"metric_{k}") for k in
                                                     ("js_pca", "floating_rate", "recall", "material_w1")},
                                title=T("fig_quality"), xaxis=T("iteration_axis"), yaxis=T("rate_axis"),
                                y2axis=T("w1_axis")), "fig_quality")
    if "median_abs_ce" in snap.metrics[-1]:  # a conditional run: its physics against SIMP on held-out cases
        from mechgan.physics_metrics import LIVE_CASES, TARGETS

        _chart(tf_fig.physics_curves(snap.metrics, names={k: T(f"metric_{k}") for k in TARGETS},
                                     title=T("fig_physics", n=LIVE_CASES), xaxis=T("iteration_axis"),
                                     yaxis=T("physics_axis"), decimal=N(0.5, ".1f")[1]), "fig_physics")
    _report_table(snap.metrics[-1])


def _report_table(report: dict) -> None:
    from mechgan.metrics import QUALITY_BAR
    from mechgan.physics_metrics import TARGETS

    rows = []
    for key, value in report.items():
        if key == "iteration":
            continue
        bar = QUALITY_BAR.get(key) or TARGETS.get(key)
        shown = tf_fig.shown_value  # in the unit of the charts (W1 in pixels, physics in %), named by the label
        rows.append({T("metric"): T(f"metric_{key}"), T("value"): N(shown(key, value), ".3g"),
                     T("target"): f"{bar.op} {N(shown(key, bar.threshold), 'g')}" if bar else "",
                     T("met"): (T("yes") if bar.met(report) else T("no")) if bar else ""})
    st.caption(T("latest_report", iteration=report["iteration"]))
    st.dataframe(rows, hide_index=True, width="stretch")
    st.markdown(f"**{T('explain')}**  \n" + "  \n".join(  # a table cell cuts a sentence to one line
        f"**{T(f'metric_{key}')}**: {T(f'explain_{key}')}" for key in report if key != "iteration"))


def timeline(snap: Snapshot, views: ViewMaker) -> None:
    if not snap.timeline:
        st.info(T("no_samples_yet"))
        return
    iterations = [i for i, _ in snap.timeline]
    if len(iterations) == 1:
        chosen = iterations[0]
    else:
        chosen = st.select_slider(T("timeline"), iterations, value=iterations[-1], key="timeline",
                                  help=T("help_timeline"))
    samples = dict(snap.timeline)[chosen]
    _chart(grid(samples, title=T("fig_samples", iteration=N(chosen))), "fig_timeline")


def step_by_step(snap: Snapshot, views: ViewMaker, run_step) -> None:
    """GAN Lab's slow motion: the real tensors of one iteration, stage by stage."""
    from mechgan.losses import FORMULAS  # imports TensorFlow: not on the first page's path
    st.caption(T("slowmo_intro"))
    st.button(T("slowmo_button"), key="btn_slowmo", type="primary", icon=":material/slow_motion_video:",
              on_click=run_step, disabled=snap.state in ("building", "diverged", "error"))
    d = snap.detail
    if d is None:
        return
    loss = (snap.config.loss if snap.config else "nonsaturating")
    st.subheader(T("stage_1"))
    _chart(tf_fig.noise_image(d["noise"], title=T("fig_noise"), xaxis=T("latent_axis"), yaxis=T("sample_axis")),
           "slow_noise")
    st.subheader(T("stage_2"))
    _chart(grid(d["fakes_before"], d["d_fake"], title=T("fig_fakes_before")), "slow_fakes")
    st.subheader(T("stage_3"))
    _chart(grid(d["reals"], d["d_real"], title=T("fig_reals")), "slow_reals")
    _chart(tf_fig.score_strip(d["d_real"], d["d_fake"], title=T("fig_strip"),
                              names=(T("layer_real"), T("layer_fake"))), "slow_strip")
    st.subheader(T("stage_4"))
    c1, c2 = st.columns(2)
    c1.latex(FORMULAS[loss]["d"])
    c1.metric(T("loss_d"), _num(d["loss_d"]))
    c2.latex(FORMULAS[loss]["g"])
    c2.metric(T("loss_g"), _num(d["loss_g"]))
    st.subheader(T("stage_5"))
    _chart(tf_fig.gradient_norms(d["grad_norms_d"], d["grad_norms_g"], title=T("fig_grad_norms"),
                                 names=(T("discriminator"), T("generator")), xaxis=T("norm_axis")), "slow_grads")
    st.subheader(T("stage_6"))
    _chart(grid(d["fakes_after"], title=T("fig_fakes_after")), "slow_after")
