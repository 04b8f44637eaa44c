"""The Lab's Save box through AppTest: a taken name is never replaced without asking, the page never shows a
server path, and another session's run is not the student's to overwrite."""
from __future__ import annotations

from mechgan.runs import LOCK_FILE, load_run, run_owner, save_run
from mechgan.training import Trainer

from lab_helpers import wait_until, worker_of


def _step(lab, iteration: int) -> None:
    lab.button(key="btn_step").click().run()
    wait_until(lab, lambda at: worker_of(at).snapshot().iteration >= iteration, 120, f"iteration {iteration}")


def _save(lab, name: str) -> None:
    lab.text_input(key="run_name").set_value(name).run()
    lab.button(key="btn_save").click().run()


def _said(lab) -> list[str]:
    return [e.value for e in lab.success] + [e.value for e in lab.warning] + [e.value for e in lab.error]


def test_a_taken_name_asks_then_saves_under_a_free_name_or_overwrites(lab, runs_dir):
    _step(lab, 1)
    _save(lab, "my run")
    assert [s.value for s in lab.success] == ["Saved in Runs as “my-run”."]
    assert not any(str(runs_dir) in text for text in _said(lab))  # the run's name, never the server's path
    first = (runs_dir / "my-run" / "config.json").read_bytes()

    _step(lab, 2)
    _save(lab, "my-run")  # the same name once cleaned
    assert not lab.success and any("is saved already" in w.value for w in lab.warning), _said(lab)
    assert (runs_dir / "my-run" / "config.json").read_bytes() == first  # nothing replaced yet
    lab.button(key="btn_save_as").click().run()
    assert [s.value for s in lab.success] == ["Saved in Runs as “my-run-2”."], _said(lab)
    assert lab.text_input(key="run_name").value == "my-run-2"

    _save(lab, "my run")
    lab.button(key="btn_overwrite").click().run()
    assert [s.value for s in lab.success] == ["Saved in Runs as “my-run”."], _said(lab)
    assert load_run(runs_dir / "my-run").iteration == 2 and not lab.exception
    assert sorted(p.name for p in runs_dir.iterdir() if p.name != LOCK_FILE) == ["my-run", "my-run-2"]


def test_another_sessions_run_offers_only_a_free_name(lab, runs_dir):
    _step(lab, 1)
    another = Trainer(worker_of(lab).snapshot().config)
    path = save_run(another, "shared", runs_dir, owner="another browser session")
    _save(lab, "shared")
    assert any("another browser session" in w.value for w in lab.warning), _said(lab)
    assert not [b for b in lab.button if b.key == "btn_overwrite"]
    assert run_owner(path) != "" and load_run(path).iteration == 0  # still the other session's run
    lab.button(key="btn_save_as").click().run()
    assert [s.value for s in lab.success] == ["Saved in Runs as “shared-2”."], _said(lab)


def test_a_name_taken_on_another_replica_during_the_save_is_asked_about(lab, runs_dir, monkeypatch):
    from mechgan import runs

    _step(lab, 1)
    another = Trainer(worker_of(lab).snapshot().config)
    write = runs._write

    def another_replica_saves_meanwhile(*args, **kwargs):  # both pages had seen the name free
        write(*args, **kwargs)
        monkeypatch.setattr(runs, "_write", write)
        save_run(another, "same", runs_dir, owner="a session on another replica")

    monkeypatch.setattr(runs, "_write", another_replica_saves_meanwhile)
    _save(lab, "same")
    assert not lab.error and any("another browser session" in w.value for w in lab.warning), _said(lab)
    assert load_run(runs_dir / "same").iteration == 0  # the other replica's run, not replaced
    lab.button(key="btn_save_as").click().run()
    assert [s.value for s in lab.success] == ["Saved in Runs as “same-2”."], _said(lab)
