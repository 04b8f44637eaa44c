"""What the e2e tests read and do on a page of the lab, as a student sees it."""
from __future__ import annotations

import re
import time

from playwright.sync_api import Error as PlaywrightError


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
