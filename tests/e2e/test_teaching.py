"""Teaching features in Chromium: the compare mode shows "both large" against "both small" within 60 s,
and a teacher's class link opens, in a new browser, only the chosen controls with their values."""
from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Error as PlaywrightError

from app.i18n import text

from pages import ANSWER_S, button, choose, iteration, metric, pick, play_out, shoot, wait_for

pytestmark = pytest.mark.timeout(600)

# The health messages judge the last 100 records: the two runs are told apart once they have them,
# which a class's default speed (~5 steps/s a run in compare mode) reaches in well under the minute the
# issue asks for.  Iterations, not seconds, are asserted: they do not drift with the machine.
TOLD_APART_BY = 150  # iterations
WAIT_S = 600


def _ready(page, server: str, query: str = "") -> None:
    page.goto(f"{server}/?lang=en{query}", timeout=120_000)
    wait_for(lambda: metric(page, "Status") == "paused", 300, "the run to be built")


def _pick_preset(page, title: str) -> None:
    picker = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(has_text="Preset")
    wait_for(lambda: picker.count() == 1, ANSWER_S, "the page to settle on one preset picker")  # a rerun fades, then
    pick(page, picker, title)  # drops, the other run's picker
    page.wait_for_timeout(500)


def _value(slider) -> str:
    """The value a slider shows, or "" while a rerun still draws the old one beside the new one."""
    try:
        return slider.get_by_role("slider").get_attribute("aria-valuetext", timeout=2000) or ""
    except PlaywrightError:
        return ""


def _run_sections(page) -> dict[str, list[str]]:
    """The health messages shown under each run's header (A's, then B's), read top to bottom in one go
    (the live fragment redraws the page twice a second)."""
    return page.evaluate("""() => {
        const heads = [...document.querySelectorAll('[data-testid=stMarkdownContainer] strong')]
            .map(e => [e.textContent.match(/^([AB]) ·/), e.getBoundingClientRect().y]).filter(h => h[0]);
        const sections = Object.fromEntries(heads.map(h => [h[0][1], []]));
        for (const alert of document.querySelectorAll('[data-testid=stAlert]')) {
            const y = alert.getBoundingClientRect().y;
            const owner = heads.filter(h => h[1] < y).sort((a, b) => b[1] - a[1])[0];
            const text = alert.querySelector('[data-testid=stMarkdownContainer]');  // not the icon's name
            if (owner && text) sections[owner[0][1]].push(text.innerText.split('\\n')[0]);
        }
        return sections; }""")


def _line(page, chart_title: str, series: str) -> str:
    """The SVG path of ``series`` in the chart titled ``chart_title``."""
    return page.evaluate("""([title, series]) => {
        for (const chart of document.querySelectorAll('[data-testid=stVegaLiteChart]')) {
            if (!chart.textContent.includes(title)) continue;
            for (const p of chart.querySelectorAll('.mark-line path'))
                if ((p.getAttribute('aria-label') || '').endsWith('series: ' + series)) return p.getAttribute('d');
        }
        return ''; }""", [chart_title, series])


def test_compare_mode_shows_large_against_small_within_a_minute(server, browser, screenshots):
    play_out(browser, screenshots, "compare", _compare, server, screenshots, height=1100)


def _compare(page, server: str, screenshots) -> None:
    _ready(page, server)
    page.get_by_text("Compare A / B", exact=True).click()
    page.get_by_text("B · same settings").wait_for(timeout=120_000)
    _pick_preset(page, text("preset_both_large", "en"))  # run A
    page.locator('[data-testid="stSidebar"]').get_by_text("B", exact=True).click()
    lr_g = page.locator('[data-testid="stSidebar"] [data-testid="stSlider"]').filter(has_text="Learning rate of G")
    wait_for(lambda: _value(lr_g) == "5e-4", ANSWER_S,
             "the sidebar to show run B's settings (A's are the preset's 2e-2)")
    _pick_preset(page, text("preset_both_small", "en"))
    wait_for(lambda: metric(page, "Status") == "paused", 120, "both runs to be ready")
    button(page, "Play").click()
    start = time.monotonic()
    wait_for(lambda: (lambda s: s.get("A") and s.get("B") and set(s["A"]) != set(s["B"]))(_run_sections(page)),
             WAIT_S, "different health messages for A and B")
    told_after, at_iteration = time.monotonic() - start, iteration(page)
    sections = _run_sections(page)
    a, b = _line(page, "G loss, A and B", "A"), _line(page, "G loss, A and B", "B")
    assert a and b and a != b, "the two runs' G-loss curves are drawn and differ"
    shoot(page, screenshots, "compare-large-vs-small")
    assert page.locator('[data-testid="stException"]').count() == 0
    print(f"told apart after {told_after:.0f} s, at iteration {at_iteration}: A {sections['A']} / B {sections['B']}")
    assert at_iteration <= TOLD_APART_BY


def test_a_class_link_opens_only_the_chosen_controls_in_a_new_browser(server, browser, screenshots):
    teacher = browser.new_context(viewport={"width": 1366, "height": 1000})
    student = browser.new_context(viewport={"width": 1366, "height": 1000})
    try:
        page = teacher.new_page()
        page.set_default_timeout(60_000)
        _ready(page, server)
        lr_g = page.locator('[data-testid="stSlider"]').filter(has_text="Learning rate of G").get_by_role("slider")
        lr_g.focus()
        lr_g.press("ArrowLeft")  # 5e-4 -> 3e-4
        wait_for(lambda: lr_g.get_attribute("aria-valuetext") == "3e-4", 10, "the teacher's slider")
        page.locator('[data-testid="stSidebar"]').get_by_text("Share these settings").click()
        chooser = page.locator('[data-testid="stMultiSelect"]').filter(has_text="Controls the students see")
        for label in ("Learning rate of G", "Learning rate of D"):
            choose(page, chooser, label)
        class_link = page.locator('[data-testid="stSidebar"] [data-testid="stCode"]').nth(1)
        wait_for(lambda: "show=lr_g%2Clr_d" in class_link.inner_text(), ANSWER_S,
                 "the class link to list both controls")
        link = class_link.inner_text().strip()
        assert "show=lr_g%2Clr_d" in link and "lr_g=0.0003" in link

        page = student.new_page()
        page.set_default_timeout(60_000)
        page.goto(link, timeout=120_000)
        wait_for(lambda: metric(page, "Status") == "paused", 300, "the student's run to be built")
        sliders = page.locator('[data-testid="stSidebar"] [data-testid="stSlider"]')
        texts = [s.inner_text() for s in sliders.all()]
        assert len(texts) == 2 and "Learning rate of G" in texts[0] and "Learning rate of D" in texts[1], texts
        assert sliders.nth(0).get_by_role("slider").get_attribute("aria-valuetext") == "3e-4"
        hidden = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(has_text="Architecture")
        assert hidden.count() == 0  # the teacher chose two controls
        shoot(page, screenshots, "class-link-student")
    finally:
        teacher.close()
        student.close()
