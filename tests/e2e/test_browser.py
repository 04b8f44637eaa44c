"""The lab in headless Chromium: Play trains, a learning rate changes live, Pause stops, every page renders.

Screenshots of every page (Lab in both languages) go to $MECHGAN_SCREENSHOTS (default: a temp folder).
"""
from __future__ import annotations

import pytest

from app.i18n import text

from pages import ANSWER_MS, button, iteration, metric, no_exception, open_page, play_out, shoot, wait_for

pytestmark = pytest.mark.timeout(600)

LOAD_S = 300  # first page: TensorFlow import and the first trace, on a busy 2-core machine


def loss_points(page) -> int:
    """Points of the D-loss line drawn on the page (-1 while no chart shows it).

    The live curves are Vega-Lite SVG: each line is one path, whose aria-label names its series; the
    line is found by that name because the page is redrawn live and the charts' order is not a contract."""
    return page.evaluate("""() => {
        for (const p of document.querySelectorAll('[data-testid=stVegaLiteChart] .mark-line path')) {
            if ((p.getAttribute('aria-label') || '').endsWith('series: D loss'))
                return ((p.getAttribute('d') || '').match(/L/g) || []).length + 1;
        }
        return -1; }""")


def blank_frames(page, seconds: float) -> tuple[int, int]:
    """Animation frames, over ``seconds``, in which one of the overview's live views (the two curves and
    the sample image) was not drawn, and all frames.  A chart that Streamlit draws anew at each refresh
    is blank meanwhile: the loss curves flickered twice a second, and the CI screenshot caught none."""
    return tuple(page.evaluate("""ms => new Promise(done => {
        const drawn = () => [...document.querySelectorAll('[data-testid=stVegaLiteChart]')].filter(
                c => c.querySelector('.mark-line path')).length
            + [...document.querySelectorAll('[data-testid=stImage] img')].filter(i => i.naturalWidth > 0).length;
        let blank = 0, frames = 0;
        const end = performance.now() + ms;
        const tick = now => {
            frames++;
            if (drawn() < 3) blank++;
            if (now < end) requestAnimationFrame(tick); else done([blank, frames]);
        };
        requestAnimationFrame(tick);
    })""", seconds * 1000))


def test_train_change_pause_and_screenshots(server, browser, screenshots):
    play_out(browser, screenshots, "browser", scenario, server, screenshots, width=1440)


def scenario(page, server, screenshots) -> None:
    page.goto(server, timeout=120_000)
    wait_for(lambda: metric(page, "Status") == "paused", LOAD_S, "the worker to build its networks")
    no_exception(page)
    assert iteration(page) == 0

    button(page, "Play").click()
    wait_for(lambda: iteration(page) >= 5, 180, "the iteration counter to advance")
    first_iter, first_points = iteration(page), loss_points(page)
    wait_for(lambda: iteration(page) > first_iter + 2 and loss_points(page) > first_points, 120,
             f"the counter and the loss chart to advance from {first_iter} and {first_points} points")
    blank, frames = blank_frames(page, 5)
    assert frames > 20 and blank == 0, f"live views blank in {blank} of {frames} frames"

    # change G's learning rate while training: one notch up on the log scale
    slider = page.locator('[data-testid="stSlider"]').filter(has_text="Learning rate of G").get_by_role("slider")
    before = slider.get_attribute("aria-valuetext")
    slider.focus()
    slider.press("ArrowRight")
    wait_for(lambda: slider.get_attribute("aria-valuetext") != before, 10, "the slider to move")
    changed_at = iteration(page)
    wait_for(lambda: iteration(page) > changed_at + 2, 120, "training to go on after the change")
    assert page.get_by_text("Press Reset").count() == 0  # a live field needs no reset
    no_exception(page)
    shoot(page, screenshots, "lab-training-en")

    button(page, "Pause").click()
    wait_for(lambda: metric(page, "Status") == "paused", 90, "the run to pause")
    stopped = iteration(page)
    page.wait_for_timeout(2500)
    assert iteration(page) == stopped

    for view, name in (("Distribution", "lab-distribution-en"), ("Quality", "lab-quality-en"),
                       ("Timeline", "lab-timeline-en")):
        page.get_by_role("radio", name=view).or_(page.get_by_role("button", name=view, exact=True)).first.click()
        page.wait_for_timeout(1500)
        no_exception(page)
        shoot(page, screenshots, name)
    page.get_by_role("radio", name="Step by step").or_(
        page.get_by_role("button", name="Step by step", exact=True)).first.click()
    button(page, text("slowmo_button", "en")).click()
    page.get_by_text("6 · The designs after the update").wait_for(timeout=ANSWER_MS)
    no_exception(page)
    shoot(page, screenshots, "lab-step-by-step-en")

    page.locator('[data-testid="stSidebar"]').get_by_text("Save run").click()
    name = page.get_by_role("textbox", name="Run name")
    name.fill("e2e-run")
    name.press("Enter")
    button(page, "Save").click()
    page.get_by_text("Saved in").wait_for(timeout=ANSWER_MS)

    for title, name in (("Data", "data-en"), ("Architectures", "architectures-en"), ("Runs", "runs-en")):
        open_page(page, title)
        page.wait_for_timeout(3000 if title == "Runs" else 1500)
        page.locator('[data-testid="stSpinner"]').wait_for(state="detached", timeout=60_000)
        no_exception(page)
        assert page.get_by_text("Something went wrong").count() == 0
        shoot(page, screenshots, name)

    page.locator('[data-testid="stSidebar"]').get_by_text("FR", exact=True).first.click()
    page.get_by_text("Comparer les entraînements").wait_for(timeout=10_000)
    shoot(page, screenshots, "runs-fr")
    for title, name in (("Lab", "lab-fr"), ("Données", "data-fr"), ("Architectures", "architectures-fr")):
        open_page(page, title)
        page.wait_for_timeout(2000)
        no_exception(page)
        shoot(page, screenshots, name)
    assert page.get_by_text("Générateur G").count() > 0  # the last page, Architectures, in French
