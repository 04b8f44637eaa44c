"""A French student's pages in Chromium at 1366×768 hold no English word and no decimal point.

Not the app's words only: Streamlit's own (its uploader's button, its multiselect's
"Select all", the "Help for …" labels a screen reader reads) leaked before.
Numbers are written with a decimal comma; run names, which students type, are
left out.  Nothing is fetched from another host (the favicon came from a font host).
"""
from __future__ import annotations

import re

import pytest

from pages import ANSWER_S, VISIBLE_TEXT, Student, button, choose, english_only_words, open_page, wait_for

pytestmark = pytest.mark.timeout(300)

# Streamlit's words that leaked onto French pages, beside the app's own English-only words
LEAKED = {"upload", "select", "all", "help", "for", "browse", "files", "drag", "drop", "increment", "decrement",
          "remove", "open", "sidebar", "collapse", "expand", "heading", "link", "choose"}
DECIMAL_POINT = re.compile(r"(?<![\w.])\d+\.\d+")
# what a screen reader is told: labels outside aria-hidden subtrees (Vega keeps a hidden title's label in the DOM)
ARIA_LABELS = ("() => [...document.querySelectorAll('[aria-label]')].filter(e => !e.closest('[aria-hidden=\"true\"]'))"
               ".map(e => e.getAttribute('aria-label')).join(' ')")


def test_french_pages_hold_no_english_word_and_no_decimal_point(server, browser, screenshots, runs_root):
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    page.set_default_timeout(60_000)
    hosts = set()
    page.on("request", lambda r: hosts.add(re.sub(r"^\w+://([^/:]+).*", r"\1", r.url)))
    try:
        french_pages(page, Student(page, "fr", screenshots, runs_root), server)
    except Exception:
        page.screenshot(path=str(screenshots / "french-pages-failure.png"))
        raise
    finally:
        page.close()
    assert hosts <= {"127.0.0.1", "data"}, hosts  # the favicon too: the app's own file


def french_pages(page, s: Student, server: str) -> None:
    page.goto(f"{server}/?lang=fr", timeout=120_000)
    wait_for(lambda: s.status() == s.t("state_paused"), 300, "the run to be built")
    button(page, s.t("step")).click()  # samples with their D scores, losses with numbers
    wait_for(lambda: s.iteration() == 1, 120, "one iteration")
    reads_french(s, "lab")

    share = s.sidebar().get_by_text(s.t("share"), exact=True)
    share.scroll_into_view_if_needed()
    share.click()
    chooser = s.sidebar().locator('[data-testid="stMultiSelect"]').first

    def options_shown() -> bool:  # a click while a loaded server redraws the sidebar can be lost: click again
        if page.get_by_role("option").count() == 0:
            chooser.locator("input").first.click()
            page.wait_for_timeout(1000)
        return page.get_by_role("option").count() > 2
    wait_for(options_shown, 60, "the controls a class link can show")
    options = [o.inner_text() for o in page.get_by_role("option").all()]
    assert s.t("ctl_lr_g") in options and not any("Select" in o for o in options), options
    page.keyboard.press("Escape")
    choose(page, chooser, s.t("ctl_lr_g"))  # a click lost while a loaded server redraws the sidebar: again
    page.keyboard.press("Escape")
    chip = chooser.locator("[data-tag] > span").first
    wait_for(lambda: chip.count() == 1, ANSWER_S, "the chip of the chosen control")
    assert chip.evaluate("e => e.scrollWidth <= e.clientWidth"), "the chip cuts its label"
    code = s.sidebar().locator('[data-testid="stCode"]').last.inner_text()
    assert "# train_step, 1 200 fois" in code, code  # the notebook lines' comments in French
    reads_french(s, "share")

    open_page(page, s.t("page_data"))
    upload = page.get_by_role("button", name=s.t("st_upload"), exact=True)
    upload.wait_for()  # its accessible name is the French word drawn in place of Streamlit's
    reads_french(s, "data")

    open_page(page, s.t("page_design"))
    solved = s.t("design_simp_summary", vf="", it="", t="").split(" ")[0]  # "Volume …": SIMP has answered
    page.get_by_text(re.compile("^" + re.escape(solved) + r" \d")).first.wait_for(timeout=120_000)
    reads_french(s, "design")


def reads_french(s: Student, where: str) -> None:
    """No English word in what the page shows or tells a screen reader, no decimal point in its numbers."""
    s.sees_no_error(where)
    s.reads_only_french(f"french-{where}")  # the app's English-only words; takes the screenshot
    visible = s.page.evaluate(VISIBLE_TEXT)
    for saved in s.runs_root.iterdir():  # names students typed
        visible = visible.replace(saved.name, " ")
    english = english_only_words() | LEAKED
    shown = {w.lower() for w in re.findall(r"[A-Za-z]{3,}", visible)}
    assert not shown & LEAKED, f"{where}: Streamlit's English {sorted(shown & LEAKED)}"
    assert not DECIMAL_POINT.findall(visible), f"{where}: decimal points {DECIMAL_POINT.findall(visible)}"
    labels = s.page.evaluate(ARIA_LABELS)
    told = {w.lower() for w in re.findall(r"[A-Za-z]{3,}", labels)}
    assert not told & english, f"{where}: English labels for screen readers {sorted(told & english)}: {labels}"
