"""A French class in Chromium: what students do, and what they must see after each step.

The Lab opened in French; the language switched before Play and during
training; every page visited and left; a preset, Reset, a live change;
a run saved and compared.  After each step: no exception box, no error
message, the iteration still rising while the run plays, and the sidebar's
values equal to the run's config (read back from the run the page saved).
The French pages' visible text holds no English word of the app's own.
Screenshots go to $MECHGAN_SCREENSHOTS (default: a temp folder).
"""
from __future__ import annotations

import json

import numpy as np
import pytest


from pages import ANSWER_MS, Student, button, open_page, pick, play_out, shoot, wait_for

pytestmark = pytest.mark.timeout(900)


def test_a_french_class_from_start_to_end(server, browser, screenshots, runs_root, tmp_path):
    play_out(browser, screenshots, "class", lesson, screenshots, server, runs_root, tmp_path, height=768)


def lesson(page, screenshots, server: str, runs_root, tmp_path) -> None:
    s = Student(page, "fr", screenshots, runs_root)
    page.goto(f"{server}/?lang=fr", timeout=120_000)
    wait_for(lambda: s.status() == s.t("state_paused"), 300, "the run to be built")
    s.sees_no_error("opened in French")
    s.reads_only_french("page_lab")
    for key in ("play", "step", "reset"):  # the control bar, without scrolling at 1366×768
        box = page.get_by_role("button", name=s.t(key), exact=True).bounding_box()
        assert box and box["y"] + box["height"] <= 768, key
    assert page.get_by_text(s.t("iteration"), exact=True).first.bounding_box()["y"] < 768

    s.switch_language("en")  # before Play: the walkthrough's page held only an error box here
    s.sees_no_error("switched to English before Play")
    assert s.status() == s.t("state_paused") and s.iteration() == 0
    s.switch_language("fr")

    button(page, s.t("play")).click()
    wait_for(lambda: s.iteration() >= 3, 180, "training to start")
    s.switch_language("en")  # during training: the run, its iteration and its controls stay
    s.sees_no_error("switched to English while training")
    s.keeps_training("after the switch to English")
    assert button(page, s.t("pause")).count() == 1
    s.switch_language("fr")
    s.sees_no_error("switched back to French while training")
    s.keeps_training("after the switch back to French")
    s.shows_settings({"nf": "8", "lr_g": "5e-4", "connect_weight": "10"})  # a disabled control sent them to 4/1e-7/0
    shoot(page, s.shots, "class-fr-training")

    s.visit_every_page_and_come_back()
    s.keeps_training("after visiting every page")
    button(page, s.t("pause")).click()
    wait_for(lambda: s.status() == s.t("state_paused"), 5, "the status to say paused")

    pick(page, s.sidebar().locator('[data-testid="stSelectbox"]').filter(has_text=s.t("ctl_preset")),
         s.t("preset_both_small"))
    small = {"lr_g": "2e-7", "lr_d": "2e-7", "connect_weight": "0"}
    s.shows_settings(small)
    button(page, s.t("reset")).click()
    wait_for(lambda: s.status() == s.t("state_paused") and s.iteration() == 0, 120, "the reset run")
    assert page.get_by_text(s.t("needs_reset", fields="")[:12]).count() == 0
    button(page, s.t("play")).click()
    s.keeps_training("the preset's run")
    s.visit_every_page_and_come_back()
    s.shows_settings(small)  # the walkthrough's sidebar fell back to 5e-4 here

    lr_g = s.slider("ctl_lr_g")  # a live change: one notch up
    lr_g.focus()
    lr_g.press("ArrowRight")
    s.shows_settings({"lr_g": "3e-7"})
    s.keeps_training("after a live change")
    assert page.get_by_text(s.t("needs_reset", fields="")[:12]).count() == 0
    button(page, s.t("pause")).click()
    wait_for(lambda: s.status() == s.t("state_paused"), 5, "the status to say paused")
    s.sees_no_error("paused")
    shoot(page, s.shots, "class-fr-preset-live-change")

    s.sidebar().get_by_text(s.t("save_run")).click()
    name = page.get_by_role("textbox", name=s.t("run_name"))
    name.fill("classe")
    name.press("Enter")
    button(page, s.t("save")).click()
    page.get_by_text(s.t("saved", name="classe")).wait_for(timeout=ANSWER_MS)
    s.sees_no_error("saved")
    saved = json.loads((runs_root / "classe" / "config.json").read_text())["config"]
    assert (saved["lr_g"], saved["lr_d"], saved["connect_weight"]) == (3e-7, 2e-7, 0.0)
    assert saved["nf"] == 8  # the server's class-wide default, untouched by the language switches

    before = (runs_root / "classe" / "history.csv").read_text()
    button(page, s.t("play")).click()
    s.keeps_training("before saving again")
    button(page, s.t("save")).click()  # the same name again: asked, never replaced silently
    page.get_by_text(s.t("run_exists", name="classe")).wait_for(timeout=ANSWER_MS)
    assert (runs_root / "classe" / "history.csv").read_text() == before
    button(page, s.t("save_as", name="classe-2")).click()
    page.get_by_text(s.t("saved", name="classe-2")).wait_for(timeout=ANSWER_MS)
    assert (runs_root / "classe-2" / "config.json").is_file()
    button(page, s.t("pause")).click()
    s.sees_no_error("saved twice")

    upload_zero_one_designs_and_train_on_them(s, tmp_path)

    open_page(page, s.t("page_runs"))
    page.get_by_text(s.t("runs_title")).wait_for(timeout=60_000)
    s.sees_no_error("the Runs page")
    s.reads_only_french("runs-compared")


def upload_zero_one_designs_and_train_on_them(s: Student, folder) -> None:
    """The walkthrough's uint8 0/1 file, read as 0/1 (it became empty designs), then trained on."""
    page = s.page
    path = folder / "designs01.npy"
    np.save(path, (np.random.default_rng(0).random((100, 50, 50)) > 0.5).astype(np.uint8))
    open_page(page, s.t("page_data"))
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    page.get_by_text(s.t("reading_binary"), exact=False).first.wait_for(timeout=60_000)
    s.sees_no_error("the 0/1 upload")
    button(page, s.t("btn_train_on_upload")).click()
    button(page, s.t("btn_confirm_switch")).click()  # the run has iterations: asked before it is closed
    open_page(page, s.t("page_lab"))
    page.get_by_text(s.t("lab_own_designs", count="100", level="")[:30]).wait_for(timeout=60_000)
    wait_for(lambda: s.status() == s.t("state_paused"), 300, "the run on the uploaded designs")
    button(page, s.t("play")).click()
    s.keeps_training("on the uploaded designs")
    button(page, s.t("pause")).click()
    s.sees_no_error("trained on the upload")
    shoot(page, s.shots, "class-fr-own-designs")
