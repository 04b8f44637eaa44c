"""What the e2e tests read and do on a page of the lab, as a student sees it."""
from __future__ import annotations

import json
import re
import time
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from app.i18n import TEXTS, text


# how long a page may take to answer a click: a wait, not a measure; under a loaded CI machine (three servers,
# two suites) a save answered in 30 s on one run and not on another
ANSWER_MS = 90_000
ANSWER_S = ANSWER_MS / 1000  # the same, for wait_for


def metric(page, label: str) -> str:
    """The value of the metric ``label``, or "" while the page does not show it."""
    box = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    try:  # the live fragment redraws the metrics every 0.5 s: an element may vanish under us
        return box.locator('[data-testid="stMetricValue"]').inner_text(timeout=2000)
    except PlaywrightError:
        return ""


def iteration(page, label: str = "Iteration") -> int:
    return int(re.sub(r"\D", "", metric(page, label)) or 0)


def wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")  # the page at that moment is in the screenshots


def button(page, name: str):
    return page.get_by_role("button", name=name, exact=True)


def pick(page, box, title: str) -> None:
    """Pick ``title`` in the select box ``box``.  A rerun of the page (a live change's change of pace, a loaded
    server redrawing the sidebar) closes an open drop-down or swaps the box: open it again until the click lands."""
    for _ in range(10):
        try:
            box.locator("input").last.click(timeout=5000)  # the new box, while a rerun swaps the old one out
            page.get_by_role("option", name=title).click(timeout=3000)
            return
        except PlaywrightError:
            page.keyboard.press("Escape")
    raise AssertionError(f"could not pick {title}")


def choose(page, chooser, label: str) -> None:
    """Add ``label`` to the multiselect ``chooser`` and see its tag, opening the drop-down again when a rerun
    closed it or lost the click."""
    option = page.get_by_role("option", name=label, exact=True)
    for _ in range(10):
        chooser.locator("input").click()  # not the middle of the box, where a chosen tag's × may sit
        try:
            option.click(timeout=3000)
            chooser.get_by_text(label, exact=True).wait_for(timeout=5000)  # the tag shows: the pick held
            return
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    raise AssertionError(f"could not pick {label}")


def pretrained_iteration() -> int:
    """The iteration the shipped pretrained run stopped at (the Lab's "start from a trained run")."""
    config = Path(__file__).resolve().parents[2] / "assets" / "pretrained" / "config.json"
    return json.loads(config.read_text())["progress"]["iteration"]


def shoot(page, folder, name: str) -> None:
    page.wait_for_timeout(800)  # let Plotly finish drawing
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def no_exception(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0


def open_page(page, title: str) -> None:
    page.locator('[data-testid="stSidebarNav"]').get_by_text(title, exact=True).click()
    page.wait_for_load_state("networkidle")


def play_out(browser, screenshots, name: str, scenario, *args, width: int = 1366, height: int = 1000) -> None:
    """Run ``scenario(page, *args)`` in a new page; on failure the page at that moment goes to
    ``<name>-failure.png`` beside the other screenshots."""
    page = browser.new_page(viewport={"width": width, "height": height})
    page.set_default_timeout(60_000)  # a busy 2-core machine is slow to answer
    try:
        scenario(page, *args)
    except Exception:
        page.screenshot(path=str(screenshots / f"{name}-failure.png"), full_page=True)
        raise
    finally:
        page.close()


# Streamlit's own words a French page must not show either (its uploader's, its status widget's)
STREAMLIT_ENGLISH = {"drag", "drop", "browse", "files", "limit", "running", "stop"}


# The text a student can read: visible text nodes, without Material icons (their names are ligatures,
# "play_arrow"), the screen-reader-only "Skip to main content" link, or code (the notebook lines).
VISIBLE_TEXT = """() => {
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const parts = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const el = node.parentElement;
        if (!el || el.closest('[data-testid="stIconMaterial"], [data-testid="stSkipLink"], [data-testid="stCode"], '
                              + 'script, style')) continue;
        const box = el.getBoundingClientRect(), style = getComputedStyle(el);
        if (style.fontFamily.includes('Material')) continue;
        if (box.width > 2 && box.height > 2 && style.visibility !== 'hidden') parts.push(node.data);
    }
    return parts.join(' ');
}"""


def english_only_words() -> set[str]:
    """Words of the app's English texts that no French text uses: each one on a French page is a miss."""
    def words(column: int) -> set[str]:
        return {w.lower() for en_fr in TEXTS.values() for w in re.findall(r"[A-Za-z]{3,}", en_fr[column])}
    return (words(0) - words(1)) | STREAMLIT_ENGLISH


class Student:
    """One student's tab, with the texts of the language the page is in."""

    def __init__(self, page, lang: str, shots, runs_root):
        self.page, self.lang, self.shots, self.runs_root = page, lang, shots, runs_root

    def t(self, key: str, **values) -> str:
        return text(key, self.lang, **values)

    def iteration(self) -> int:
        return iteration(self.page, self.t("iteration"))

    def status(self) -> str:
        return metric(self.page, self.t("status"))

    def sidebar(self):
        return self.page.locator('[data-testid="stSidebar"]')

    def switch_language(self, lang: str) -> None:
        self.sidebar().get_by_text(lang.upper(), exact=True).first.click()
        self.lang = lang
        self.page.get_by_text(self.t("hyperparameters") if self.on_lab() else self.t("language"),
                              exact=True).first.wait_for(timeout=ANSWER_MS)

    def on_lab(self) -> bool:
        return self.page.get_by_role("button", name=self.t("reset"), exact=True).count() > 0

    def sees_no_error(self, where: str) -> None:
        page = self.page
        assert page.locator('[data-testid="stException"]').count() == 0, where
        errors = [e.inner_text() for e in page.locator('[data-testid="stAlertContentError"]').all()]
        assert not errors, f"{where}: {errors}"

    def keeps_training(self, where: str) -> None:
        start = self.iteration()
        wait_for(lambda: self.iteration() > start, 120, f"the iteration to rise from {start} ({where})")

    def slider(self, key: str):
        return self.sidebar().locator('[data-testid="stSlider"]').filter(has_text=self.t(key)).get_by_role("slider")

    def shows_settings(self, expected: dict) -> None:
        """The sidebar's sliders show ``expected`` (field -> value as the slider writes it), within the time a page
        may take to answer (a preset picked on a loaded CI machine once took over 10 s to reach its sliders)."""
        for name, value in expected.items():
            wait_for(lambda: self.slider(f"ctl_{name}").get_attribute("aria-valuetext") == value, ANSWER_S,
                     f"the {name} slider to show {value}")

    def visit_every_page_and_come_back(self) -> None:
        for key in ("page_data", "page_architectures", "page_runs"):
            open_page(self.page, self.t(key))
            self.page.wait_for_timeout(1500)
            for busy in ("stSpinner", "stStatusWidget"):  # the page drawn to its end
                self.page.locator(f'[data-testid="{busy}"]').wait_for(state="detached", timeout=90_000)
            self.sees_no_error(key)
            if self.lang == "fr":
                self.reads_only_french(key)
        open_page(self.page, self.t("page_lab"))
        wait_for(lambda: self.status() != "", 60, "the Lab to show its status again")
        self.sees_no_error("back on the Lab")

    def reads_only_french(self, where: str) -> None:
        self.page.wait_for_timeout(500)
        visible = self.page.evaluate(VISIBLE_TEXT)
        for saved in self.runs_root.iterdir():  # run names are what students typed (another test's "e2e-run")
            visible = visible.replace(saved.name, " ")
        shown = {w.lower() for w in re.findall(r"[A-Za-z]{3,}", visible)}
        english = sorted(shown & english_only_words())
        assert not english, f"English words on the French page {where}: {english}"
        shoot(self.page, self.shots, f"class-fr-{where}")
