"""Three lab replicas behind the repository's HAProxy config, on loopback, driven by Chromium.

Debian's haproxy runs deploy/haproxy.cfg with its servers line written for
three `streamlit run` processes on one runs folder.  Students in separate
browser contexts each stay on one replica (HAProxy's response header and the
process id the page's address carries agree), their plain HTTP requests too (a
media file, an upload; the Design page's pictures draw); the teacher's class view lists the runs of all three
and refuses a wrong token; two students on two replicas who save one name at
once get one run, the winner's, and the other is asked (tests/test_runs.py forces
that race between processes); a replica killed with SIGKILL leaves the others
training, its student told, the run they saved intact.
Screenshots of the class view (English and French, 1366x768) go to
$MECHGAN_SCREENSHOTS.
"""
from __future__ import annotations

import json
import re
import signal
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import numpy as np
import pytest

from app.i18n import text
from mechgan import data
from conftest import ROOT, free_port, start_server, stop_server, wait_healthy
from pages import ANSWER_MS, ANSWER_S, Student, button, open_page, shoot, wait_for

sys.path.insert(0, str(ROOT / "bench"))
from replicas_bench import HAPROXY, start_balancer  # noqa: E402  (the load test's balancer too)

pytestmark = pytest.mark.timeout(900)

REPLICAS = 3
TOKEN = "loopback-teacher-token"
LOAD_S = 300  # three servers importing TensorFlow at once on 2 shared cores
REPLICA_HEADER = "x-mechgan-replica"
# the students' links: the class's settings, rates far too large, a D that trains five times as often
STUDENT_LINKS = ("/?lang=en", "/?lang=en&lr_g=0.05&lr_d=0.05", "/?lang=en&k_d=5&lr_d=0.002")
RUN_NAME = "same-instant"
# each image the page shows, and the width its browser decoded (0: not loaded)
IMAGES = "() => [...document.querySelectorAll('[data-testid=stImage] img')].map(i => [i.src, i.naturalWidth])"
# each of the page's /media/ links fetched as the browser does (its cookie), and the replica that answered
MEDIA = """() => Promise.all([...document.querySelectorAll('link[href*="/media/"]')].map(l => fetch(l.href).then(
    r => [r.status, r.headers.get('x-mechgan-replica')])))"""


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    if not Path(HAPROXY).exists():
        pytest.fail("haproxy missing: apt-get install haproxy (the README's test command does)")
    folder = tmp_path_factory.mktemp("replicas")
    runs_dir = folder / "runs"
    runs_dir.mkdir()
    env = {"MECHGAN_TEACHER_TOKEN": TOKEN, "MECHGAN_MAX_TRAINING": "1",
           "STREAMLIT_SERVER_COOKIE_SECRET": "one-secret-for-the-class"}
    ports = [free_port() for _ in range(REPLICAS)]
    logs = [(folder / f"lab{i}.log").open("w") for i in range(1, REPLICAS + 1)]
    procs = {f"lab{i}": start_server(port, runs_dir, env, log) for i, (port, log) in
             enumerate(zip(ports, logs), 1)}
    balancer_log = (folder / "haproxy.log").open("w")
    balancer = None
    try:
        for p in ports:  # all up before HAProxy starts: one it finds down comes back on a slow start
            wait_healthy(f"http://127.0.0.1:{p}", 120)
        balancer, port = start_balancer(ports, folder, balancer_log)
        url = f"http://127.0.0.1:{port}"
        wait_healthy(url, 30)
        yield {"url": url, "procs": procs, "runs": runs_dir, "folder": folder}
    finally:
        if balancer is not None:
            balancer.terminate()
            balancer.wait(10)
        for name, proc in procs.items():
            stop_server(proc)
        for log in logs + [balancer_log]:
            log.close()
    for name, proc in procs.items():
        if proc.returncode != -signal.SIGKILL:
            log = (folder / f"{name}.log").read_text()
            assert "Traceback" not in log, f"{name}: {log[-3000:]}"


class Tab(Student):
    """A student's browser context through the balancer, and the replicas that answered it."""

    def __init__(self, browser, url: str, shots, runs_root, path: str = "/?lang=en"):
        self.context = browser.new_context(viewport={"width": 1366, "height": 768})
        self.replicas: set[str] = set()
        self.link = path
        self.context.on("response", lambda r: self._seen(r.headers.get(REPLICA_HEADER)))
        page = self.context.new_page()
        page.set_default_timeout(60_000)
        super().__init__(page, "en", shots, runs_root)
        with page.expect_websocket(timeout=120_000):
            page.goto(url + path, timeout=120_000)

    def _seen(self, replica: str | None) -> None:
        if replica:
            self.replicas.add(replica)

    def pid(self) -> int:
        """The server process that runs this page's session, as the page's address names it."""
        tag = parse_qs(urlparse(self.page.url).query).get("replica", [""])[0]
        return int(tag.split("-")[1]) if tag.count("-") == 2 else 0

    def settings(self) -> dict[str, float]:
        """The settings this student's link changed."""
        return {k: float(v[0]) for k, v in parse_qs(urlparse(self.link).query).items() if k != "lang"}

    def images(self) -> list[tuple[str, int]]:
        return [tuple(i) for i in self.page.evaluate(IMAGES)]


def test_three_replicas_behind_haproxy(cluster, browser, screenshots):
    url, procs, runs_dir = cluster["url"], cluster["procs"], cluster["runs"]
    students = [Tab(browser, url, screenshots, runs_dir, link) for link in STUDENT_LINKS]  # opened one by one:
    teacher = None  # leastconn sends each new WebSocket to the replica holding fewest
    try:
        for s in students:
            wait_for(lambda: s.status() == s.t("state_paused"), LOAD_S, "each student's run to be built")
        served = []
        for s in students:
            assert len(s.replicas) == 1, f"a context was answered by several replicas: {s.replicas}"
            (name,) = s.replicas
            assert s.pid() == procs[name].pid, "the page's session lives where HAProxy sent its requests"
            served.append(name)
        assert sorted(served) == sorted(procs), f"leastconn spread {served}"

        for s in students:
            button(s.page, s.t("play")).click()
        for s in students:
            wait_for(lambda: s.iteration() >= 2, 180, "every student's run to train")
        for s in students:  # three runs training on 2 shared cores slow every page down: they train again below
            button(s.page, s.t("pause")).click()
        uploads_and_images_reach_its_replica(students[0], cluster["folder"])

        teacher = Tab(browser, url, screenshots, runs_dir, f"/class?teacher={TOKEN}&lang=en")
        class_view_lists(teacher, runs=REPLICAS, servers=REPLICAS)
        assert "teacher=" not in teacher.page.url, "the token stays in the address bar"
        images = teacher.page.locator('[data-testid="stImage"] img')
        wait_for(lambda: images.count() >= 2 * REPLICAS, ANSWER_S, "each run's samples and loss curves")
        for changed in ("lr_g = 0.05", "k_d = 5"):  # each run's settings that differ from the class's
            teacher.page.get_by_text(changed).first.wait_for(timeout=ANSWER_MS)
        shoot(teacher.page, screenshots, "class-view-en")
        teacher.switch_language("fr")
        class_view_lists(teacher, runs=REPLICAS, servers=REPLICAS)
        teacher.page.get_by_text("lr_d = 0,002").first.wait_for(timeout=ANSWER_MS)  # a French decimal comma
        shoot(teacher.page, screenshots, "class-view-fr")

        intruder = Tab(browser, url, screenshots, runs_dir, "/class?teacher=guess&lang=en")
        intruder.page.get_by_text(intruder.t("teacher_refused")).wait_for(timeout=60_000)
        nav = intruder.page.locator('[data-testid="stSidebarNav"]')
        assert nav.get_by_text(intruder.t("page_class"), exact=True).count() == 0
        assert intruder.page.get_by_text(intruder.t("class_title")).count() == 0
        intruder.context.close()

        # the two students on replicas other than the teacher's save one name at once; the winner's dies
        saver = save_at_once([s for s in students if s.replicas != teacher.replicas], runs_dir)
        others = [s for s in students if s is not saver]
        (victim,) = saver.replicas
        for s in students:
            button(s.page, s.t("play")).click()
            s.keeps_training("before a replica is killed")
        procs[victim].send_signal(signal.SIGKILL)
        procs[victim].wait(10)
        for s in others:
            s.keeps_training("after another replica was killed")
        saver.page.get_by_text(saver.t("replica_lost")).wait_for(timeout=120_000)
        assert saver.pid() not in (0, procs[victim].pid)
        shoot(saver.page, screenshots, "replica-lost-en")
        class_view_lists(teacher, servers=REPLICAS - 1)
        open_page(saver.page, saver.t("page_runs"))
        saver.page.get_by_text(RUN_NAME).first.wait_for(timeout=60_000)
        assert teacher.page.get_by_text(teacher.t("class_title")).count() == 1, "the teacher keeps the class view"
        assert (runs_dir / RUN_NAME / "config.json").is_file()
        for s in others:
            s.sees_no_error("after another replica was killed")
    except Exception:
        for i, s in enumerate(students + ([teacher] if teacher else [])):
            s.page.screenshot(path=str(screenshots / f"replicas-failure-{i}.png"), full_page=True)
        raise
    finally:
        for s in students + ([teacher] if teacher else []):
            s.context.close()


def class_view_lists(tab: Tab, servers: int, runs: int | None = None) -> None:
    """Wait for the class view's count line to say ``runs`` (any, if None) live runs on ``servers``."""
    count = re.compile(text("class_count", tab.lang, runs=r"(\d+)", servers=r"(\d+)"))

    def says() -> bool:
        caption = tab.page.get_by_text(count).first
        found = count.search(caption.inner_text()) if caption.count() else None
        return bool(found) and int(found[2]) == servers and (runs is None or int(found[1]) == runs)
    wait_for(says, 60, f"the class view to list {runs} runs on {servers} servers")


def uploads_and_images_reach_its_replica(s: Tab, folder: Path) -> None:
    """A session's plain HTTP requests reach the replica holding it, as its WebSocket does: its media files
    (the favicon; downloads: kept in that process's memory, for that session), a file uploaded on the Data
    page (stored in that process), then the Design page's pictures are drawn."""
    page, (replica,) = s.page, s.replicas
    media = page.evaluate(MEDIA)
    assert media and all(got == [200, replica] for got in media), f"media of the session from {replica}: {media}"
    path = folder / "own-designs.npz"
    np.savez(path, designs=data.load_designs()[:64])
    open_page(page, s.t("page_data"))
    with page.expect_response(lambda r: "/_stcore/upload_file/" in r.url, timeout=120_000) as put:
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    assert put.value.ok and put.value.headers.get(REPLICA_HEADER) == replica
    page.get_by_text(s.t("upload_shown", name=path.name)).wait_for(timeout=120_000)
    page.get_by_text(s.t("reading_binary")).first.wait_for(timeout=60_000)
    s.sees_no_error("an upload through the balancer")
    open_page(page, s.t("page_design"))
    wait_for(lambda: s.images() and all(width > 0 for _, width in s.images()), 120, "the Design page's images")
    s.sees_no_error("the Design page through the balancer")
    open_page(page, s.t("page_lab"))
    wait_for(lambda: s.status() == s.t("state_paused"), 60, "the Lab to show its run again")
    assert s.replicas == {replica}, f"a request of the session went to another replica: {s.replicas}"


def save_at_once(pair: list[Tab], runs_dir: Path) -> Tab:
    """Both students type RUN_NAME and press Save within milliseconds; returns the one whose run took the name.

    The two saves write at the same time; the first to swap its folder in wins, the other is asked."""
    assert len(pair) == 2 and pair[0].replicas != pair[1].replicas
    for s in pair:
        s.sidebar().get_by_text(s.t("save_run")).click()
        name = s.page.get_by_role("textbox", name=s.t("run_name"))
        name.fill(RUN_NAME)
        name.press("Enter")
    saves = [button(s.page, s.t("save")).element_handle() for s in pair]
    start = time.perf_counter()
    for save in saves:  # one round trip each to the browsers, no actionability waits
        save.evaluate("b => b.click()")
    print(f"the two Save clicks {1000 * (time.perf_counter() - start):.0f} ms apart at most")
    saved = [s.page.get_by_text(s.t("saved", name=RUN_NAME)) for s in pair]
    asked = [s.page.get_by_text(s.t("run_exists_other", name=RUN_NAME)) for s in pair]
    wait_for(lambda: all(saved[i].count() + asked[i].count() for i in range(2)), 120, "both saves to be answered")
    assert [saved[i].count() > 0 for i in range(2)].count(True) == 1, "exactly one save takes the name"
    winner, loser = pair if saved[0].count() else pair[::-1]
    assert loser.page.get_by_text(loser.t("run_exists_other", name=RUN_NAME)).count() == 1
    button(loser.page, loser.t("save_as", name=f"{RUN_NAME}-2")).wait_for()  # asked, with a free name offered
    assert sorted(p.name for p in runs_dir.iterdir() if RUN_NAME in p.name) == [RUN_NAME], "one run, no leftover"
    meta = json.loads((runs_dir / RUN_NAME / "config.json").read_text())
    assert meta["progress"]["iteration"] == winner.iteration(), "the saved run is the winner's"
    assert winner.settings().items() <= meta["config"].items()
    assert not loser.settings() or not loser.settings().items() <= meta["config"].items()
    for s in pair:
        s.sees_no_error("a name saved at once on two replicas")
    return winner
