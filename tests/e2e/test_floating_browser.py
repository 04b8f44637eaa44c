"""Floating material in Chromium, as a French student meets it (issue 20), then in English: the Lab draws it in
orange on the pretrained run's samples while the connect penalty moves during Play; the Design page shows G's
pieces cut off from the load removed, in orange, with the why.  Screenshots go to $MECHGAN_SCREENSHOTS
(default: a temp folder)."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Error as PlaywrightError

from pages import ANSWER_MS, ANSWER_S, Student, button, open_page, play_out, pretrained_iteration, shoot, wait_for

pytestmark = pytest.mark.timeout(600)


def test_the_lab_draws_floating_material_while_the_connect_penalty_moves(server, browser, screenshots, runs_root):
    play_out(browser, screenshots, "lab-floating", lab_lesson, screenshots, server, runs_root)


def floating_told(s: Student):
    """The samples' line on floating material, whatever its counts ("3 pièces sur 16 ont de la matière …")."""
    told = re.escape(s.t("samples_floating", n="\x00", total="\x01")).replace("\x00", r"\d+").replace("\x01", r"\d+")
    return s.page.get_by_text(re.compile(told)).first


def lab_lesson(page, screenshots, server: str, runs_root) -> None:
    s = Student(page, "fr", screenshots, runs_root)
    page.goto(f"{server}/?lang=fr", timeout=120_000)
    wait_for(lambda: s.status() == s.t("state_paused"), 300, "the run to be built")
    s.sidebar().get_by_role("button", name=s.t("load_pretrained")).click()
    wait_for(lambda: s.iteration() == pretrained_iteration(), 120, "the pretrained run")
    floating_told(s).wait_for(timeout=ANSWER_MS)  # its samples hold floating material, drawn in orange
    shoot(page, screenshots, "lab-fr-floating")
    button(page, s.t("play")).click()
    s.keeps_training("the pretrained run")
    penalty = s.slider("ctl_connect_weight")
    before = penalty.get_attribute("aria-valuetext")
    penalty.press("ArrowRight")  # live: the run trains on with the new weight
    wait_for(lambda: penalty.get_attribute("aria-valuetext") != before, ANSWER_S, "the connect penalty to move")
    s.keeps_training("after the connect penalty moved")
    s.sees_no_error("lab, connect penalty moved")
    s.reads_only_french("lab-floating")
    button(page, s.t("pause")).click()
    wait_for(lambda: s.status() == s.t("state_paused"), ANSWER_S, "the status to say paused")
    french = samples_picture(s)
    s.switch_language("en")  # paused, the same samples: their scores are written anew, "D 0.05" for "D 0,05"
    floating_told(s).wait_for(timeout=ANSWER_MS)
    wait_for(lambda: samples_picture(s) not in ("", french), ANSWER_S, "the samples drawn anew in English")
    s.sees_no_error("lab, in English")
    shoot(page, screenshots, "lab-en-floating")
    button(page, s.t("play")).click()
    s.keeps_training("in English")
    button(page, s.t("pause")).click()  # the class server's other students get its cores back
    wait_for(lambda: s.status() == s.t("state_paused"), ANSWER_S, "the status to say paused again")


def samples_picture(s: Student) -> str:
    """The source of the Lab's sample grid (a PNG data URI), or "" while the page does not show it."""
    heading = s.t("fig_samples", iteration="\x00").split("\x00")[0]  # "Pièces générées à l'itération "
    grid = s.page.get_by_text(heading).first.locator("xpath=following::img[1]")
    try:  # the live fragment redraws the samples: an element may vanish under us
        return grid.get_attribute("src", timeout=2000) or ""
    except PlaywrightError:
        return ""


def test_the_design_page_removes_gs_floating_pieces_in_french_and_english(server, browser, screenshots, runs_root):
    play_out(browser, screenshots, "design-floating", design_lesson, screenshots, server, runs_root, height=1400)


def solved(s: Student):
    """SIMP's summary, "Volume 40 % · 52 itérations en 410 ms": the page has answered the case."""
    words = s.t("design_simp_summary", vf="", it="", t="").split(" ")[0]
    return s.page.get_by_text(re.compile("^" + re.escape(words) + r" \d")).first


def removed_captions(s: Student) -> int:
    """Designs whose caption says floating pieces were removed (the caption's words after its numbers)."""
    tail = s.t("design_g_floating", c="", ce="", px="").split("·")[-1].strip()
    return s.page.get_by_text(tail).count()


def design_lesson(page, screenshots, server: str, runs_root) -> None:
    s = Student(page, "fr", screenshots, runs_root)
    page.goto(f"{server}/?lang=fr", timeout=120_000)
    wait_for(lambda: s.status() != "", 300, "the Lab to be drawn")
    open_page(page, s.t("page_design"))
    solved(s).wait_for(timeout=120_000)
    for _ in range(2):  # noise seed 2 of the default case (row 25, 0°, 40 %): G draws two designs with islands
        button(page, s.t("design_redraw")).click()
        page.wait_for_timeout(1500)
        solved(s).wait_for(timeout=ANSWER_MS)
    page.get_by_text(s.t("floating_explain")[:60]).first.wait_for(timeout=ANSWER_MS)
    wait_for(lambda: removed_captions(s) >= 2, 60, "the captions of the designs that lost floating pieces")
    s.sees_no_error("design, floating pieces")
    s.reads_only_french("design-floating")
    s.switch_language("en")  # the same draw, in English
    page.get_by_text(s.t("floating_explain")[:60]).first.wait_for(timeout=ANSWER_MS)
    wait_for(lambda: removed_captions(s) >= 2, 60, "the English captions of the designs that lost floating pieces")
    s.sees_no_error("design, in English")
    shoot(page, screenshots, "design-en-floating")
