"""What a French student reads on the Lab at 1366×768 (issue 18): the live charts' legends (D/G,
réel/généré, A/B), a preset box that follows the settings (a manual change, the pretrained start) and what
a lone Step D did."""
from __future__ import annotations

import pytest
from playwright.sync_api import Error as PlaywrightError


from pages import (ANSWER_MS, ANSWER_S, Student, button, metric, no_exception, pick, play_out, pretrained_iteration,
                   shoot, wait_for)

pytestmark = pytest.mark.timeout(600)

LOAD_S = 300  # the first page of a fresh server: TensorFlow's import and the first build
PRETRAINED_ITERATION = f"{pretrained_iteration():,}".replace(",", "\u202f")  # as a French page writes it

LEGEND = """title => {
    for (const chart of document.querySelectorAll('[data-testid=stVegaLiteChart]')) {
        const heading = chart.querySelector('.role-title-text');
        if (heading && heading.textContent === title)
            return [...chart.querySelectorAll('.role-legend text')].map(t => t.textContent);
    }
    return null; }"""


def test_a_french_student_reads_legends_presets_and_steps(server, browser, screenshots, runs_root):
    play_out(browser, screenshots, "student-reads", _reads, server, screenshots, runs_root, height=768)


def _reads(page, server, screenshots, runs_root) -> None:
    s = Student(page, "fr", screenshots, runs_root)
    page.goto(f"{server}/?lang=fr", timeout=120_000)
    wait_for(lambda: s.status() == s.t("state_paused"), LOAD_S, "the run to be built")
    button(page, s.t("step")).click()
    wait_for(lambda: s.iteration() == 1, 60, "a step")

    button(page, s.t("step_d")).click()  # the iteration stays: the page says what the step did
    page.get_by_text(s.t("stepped_d")).wait_for(timeout=ANSWER_MS)
    assert s.iteration() == 1
    assert _delta(page, s.t("loss_g")) == s.t("loss_unchanged") and _delta(page, s.t("loss_d")) == s.t("loss_updated")
    assert metric(page, s.t("loss_g")) != "—"

    wait_for(lambda: _legend(page, s.t("fig_losses")) == [s.t("loss_d"), s.t("loss_g")], ANSWER_S, "the losses' legend")
    scores = s.t("fig_d_scores")
    wait_for(lambda: _legend(page, scores) == [s.t("d_real"), s.t("d_fake")], ANSWER_S, "the D scores' legend")
    shoot(page, screenshots, "student-reads-fr-lab")

    title, about = s.t("preset_balanced"), s.t("preset_balanced_about")
    _pick_preset(page, s, title)
    wait_for(lambda: about in _sidebar_text(s), ANSWER_S, "the preset's description")
    s.slider("ctl_lr_g").press("ArrowRight")  # a manual change: the box says so, the description goes
    wait_for(lambda: _preset_box(s) == [s.t("preset_custom")], ANSWER_S, "the preset box to say custom settings")
    assert about not in _sidebar_text(s)

    _pick_preset(page, s, title)
    wait_for(lambda: _preset_box(s) == [title], ANSWER_S, "the preset again")
    s.sidebar().get_by_role("button", name=s.t("load_pretrained")).click()
    wait_for(lambda: metric(page, s.t("iteration")) == PRETRAINED_ITERATION, 120, "the pretrained run")
    wait_for(lambda: _preset_box(s) == [s.t("preset_custom")], ANSWER_S, "custom settings after the pretrained start")

    page.get_by_text(s.t("compare"), exact=True).click()
    page.get_by_text(f"B · {s.t('same_settings')}").wait_for(timeout=120_000)
    for key in ("compare_loss_d", "compare_loss_g"):
        wait_for(lambda: _legend(page, s.t(key)) == ["A", "B"], 60, f"the legend of {key}")
    shoot(page, screenshots, "student-reads-fr-compare")
    no_exception(page)


def _legend(page, title: str) -> list[str] | None:
    return page.evaluate(LEGEND, title)


def _delta(page, label: str) -> str:
    box = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return box.locator('[data-testid="stMetricDelta"]').inner_text(timeout=5000).strip()


def _preset_box(s: Student) -> list[str]:
    """What the preset box shows (its combo box's value); two while a rerun swaps the box for a new one."""
    box = s.sidebar().locator('[data-testid="stSelectbox"]').filter(has_text=s.t("ctl_preset"))
    try:
        return [field.input_value(timeout=2000) for field in box.locator("input").all()]
    except PlaywrightError:  # redrawn under us
        return []


def _sidebar_text(s: Student) -> str:
    return s.sidebar().inner_text()


def _pick_preset(page, s: Student, title: str) -> None:
    pick(page, s.sidebar().locator('[data-testid="stSelectbox"]').filter(has_text=s.t("ctl_preset")), title)
    wait_for(lambda: s.status() == s.t("state_paused") and s.iteration() == 0, 60, "the preset's fresh run")
