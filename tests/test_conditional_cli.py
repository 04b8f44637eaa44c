"""``mechgan design`` and ``mechgan train-conditional`` / ``evaluate`` on a conditional run."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from mechgan import cli, physics_metrics


def _design(tmp_path, *extra: str) -> tuple[int, str]:
    out = tmp_path / "d.npy"
    return cli.main(["design", "--row", "20", "--angle", "10", "--volume", "0.4", "--out", str(out), *extra]), out


def test_design_writes_bool_designs(tmp_path):
    rc, out = _design(tmp_path, "--n", "3")
    designs = np.load(out)
    assert rc == 0 and designs.shape == (3, 50, 50) and designs.dtype == bool
    _design(tmp_path, "--n", "3")
    assert np.array_equal(np.load(out), designs)  # the same seed, the same designs


def test_design_out_of_the_trained_ranges_warns(tmp_path):
    with pytest.warns(UserWarning, match="outside the trained ranges"):
        assert cli.main(["design", "--row", "5", "--angle", "55", "--volume", "0.52", "--n", "2",
                         "--out", str(tmp_path / "ood.npy")]) == 0
    assert np.load(tmp_path / "ood.npy").shape == (2, 50, 50)


@pytest.mark.parametrize("args, message", [
    (["--row", "51", "--angle", "0", "--volume", "0.4"], "load row"),
    (["--row", "-1", "--angle", "0", "--volume", "0.4"], "load row"),
    (["--row", "20", "--angle", "0", "--volume", "1"], "volume fraction"),
    (["--row", "20", "--angle", "0", "--volume", "0"], "volume fraction"),
    (["--row", "20", "--angle", "0", "--volume", "0.4", "--n", "0"], "--n"),
    (["--row", "20", "--angle", "0", "--volume", "0.4", "--run", "no-such-run"], "no saved run"),
])
def test_design_refuses_nonsense_in_one_line(tmp_path, capsys, args, message):
    assert cli.main(["design", *args, "--out", str(tmp_path / "x.npy")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("mechgan: error:") and message in err and err.count("\n") == 1
    assert not (tmp_path / "x.npy").exists()


@pytest.mark.parametrize("case, message", [
    (["--row", "80", "--angle", "0", "--volume", "0.4"], "load row must be a whole number from 0 (top) to 50 "
                                                         "(bottom), got 80"),
    (["--cases", "cases.csv"], "cases.csv line 2: expected row,angle,volume, got '20;10;0.4'"),
])
def test_design_command_exits_2_without_traceback(tmp_path, case, message):
    (tmp_path / "cases.csv").write_text("row,angle,volume\n20;10;0.4\n")
    root = str(Path(cli.__file__).resolve().parent.parent)  # run from tmp_path, this checkout's mechgan
    env = dict(os.environ, PYTHONWARNINGS="ignore",
               PYTHONPATH=os.pathsep.join([root, os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run([sys.executable, "-m", "mechgan.cli", "design", *case, "--out", "x.npy"],
                          capture_output=True, text=True, env=env, timeout=120, cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [f"mechgan: error: {message}"]


def test_design_writes_parts_and_raw_writes_gs_designs_as_drawn(tmp_path, capsys):
    """Issue 20: a design leaves the model as a part, in one piece; --raw gives G's floating pieces too."""
    case = ["--row", "35", "--angle", "-20", "--volume", "0.4", "--n", "8", "--seed", "1"]
    assert cli.main(["design", *case, "--out", str(tmp_path / "parts.npy")]) == 0
    assert "floating pieces removed" in capsys.readouterr().out
    assert cli.main(["design", *case, "--raw", "--out", str(tmp_path / "raw.npy")]) == 0
    assert "as drawn, floating pieces kept" in capsys.readouterr().out
    parts, raw = np.load(tmp_path / "parts.npy"), np.load(tmp_path / "raw.npy")
    assert [physics_metrics.pieces(d) for d in parts] == [1] * 8
    assert not (parts & ~raw).any() and (parts != raw).any()  # G drew floating pieces here: they went


def test_design_polish_runs_simp_from_each_design(tmp_path, capsys):
    rc, out = _design(tmp_path, "--n", "2", "--polish", "2")
    polished = np.load(out)
    assert rc == 0 and polished.shape == (2, 50, 50) and polished.dtype == bool
    assert "polished by 2 SIMP iterations" in capsys.readouterr().out
    assert (polished.sum(axis=(1, 2)) == 1000).all()  # thresholded at the target volume, 0.4 of 2,500
    from mechgan.conditional import load_generator

    model = load_generator()
    assert np.array_equal(polished, model.design(20, 10.0, 0.4, n=2, polish=2))  # the API's option
    assert not np.array_equal(polished, model.design(20, 10.0, 0.4, n=2))


def test_design_many_cases_in_one_call(tmp_path, capsys):
    cases = tmp_path / "cases.csv"
    cases.write_text("row,angle,volume\n20,10,0.4\n\n35, -20, 0.45\n")
    out = tmp_path / "many.npy"
    assert cli.main(["design", "--cases", str(cases), "--n", "2", "--out", str(out)]) == 0
    designs = np.load(out)
    assert designs.shape == (2, 2, 50, 50) and designs.dtype == bool
    assert "wrote 4 designs" in capsys.readouterr().out
    _, one = _design(tmp_path, "--n", "2")  # a case of the file gets the designs a call for it alone gets
    assert np.array_equal(designs[0], np.load(one))


@pytest.mark.parametrize("text, message", [
    ("row,angle,volume\n20,10,0.4\n20,abc,0.4\n", "line 3: expected row,angle,volume, got '20,abc,0.4'"),
    ("20,10\n", "line 1: expected row,angle,volume"),
    ("20,10,0.4\n80,0,0.4\n", "line 2: load row must be a whole number"),
    ("20,10,0.4\n20,0,1.5\n", "line 2: volume fraction must be between 0 and 1"),
    ("row,angle,volume\n", "holds no cases"),
])
def test_design_refuses_a_bad_cases_file_by_its_line(tmp_path, capsys, text, message):
    cases = tmp_path / "cases.csv"
    cases.write_text(text)
    assert cli.main(["design", "--cases", str(cases), "--out", str(tmp_path / "x.npy")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"mechgan: error: {cases}") and message in err and err.count("\n") == 1
    assert not (tmp_path / "x.npy").exists()


@pytest.mark.parametrize("args, message", [
    (["--cases", "c.csv", "--row", "20"], "either --cases or"),
    (["--row", "20", "--angle", "0"], "give --row, --angle and --volume"),
    (["--cases", "no-such-file.csv"], "cannot read the cases file"),
    (["--row", "20", "--angle", "0", "--volume", "0.4", "--polish", "-1"], "--polish"),
])
def test_design_refuses_ambiguous_or_missing_cases(tmp_path, capsys, args, message):
    assert cli.main(["design", *args, "--out", str(tmp_path / "x.npy")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("mechgan: error:") and message in err and err.count("\n") == 1


def test_train_save_design_and_evaluate_a_conditional_run(tmp_path, capsys):
    small = ["--nf", "4", "--latent-dim", "8", "--batch-size", "8", "--runs-dir", str(tmp_path), "--name", "c"]
    assert cli.main(["train-conditional", "--steps", "2", *small, "--export", str(tmp_path / "g.npz")]) == 0
    assert json.loads((tmp_path / "c" / "config.json").read_text())["config"]["conditional"]
    assert (tmp_path / "g.npz").is_file()
    assert cli.main(["train-conditional", "--steps", "2", *small]) == 2  # a taken name is never replaced
    assert "--resume" in capsys.readouterr().err
    assert cli.main(["train-conditional", "--steps", "3", "--resume", *small]) == 0
    assert "saved 3 iterations" in capsys.readouterr().out
    rc, out = _design(tmp_path, "--run", str(tmp_path / "c"), "--n", "2")
    assert rc == 0 and np.load(out).shape == (2, 50, 50)
    assert cli.main(["evaluate", str(tmp_path / "g.npz"), "--n", "4"]) == 0
    table = capsys.readouterr().out
    for label in ("G test", "retrieval test", "G ood", "retrieval ood"):
        assert label in table


def test_train_with_the_conditional_switch_and_what_it_refuses(tmp_path, capsys):
    small = ["--nf", "4", "--latent-dim", "8", "--batch-size", "8", "--runs-dir", str(tmp_path)]
    assert cli.main(["train", "--steps", "2", "--conditional", "yes", "--recon-weight", "3", "--name", "c",
                     *small]) == 0
    config = json.loads((tmp_path / "c" / "config.json").read_text())["config"]
    assert config["conditional"] is True and config["recon_weight"] == 3.0
    assert cli.main(["sample", "c", "--runs-dir", str(tmp_path), "--n", "4", "--out", str(tmp_path / "s.png")]) == 0
    assert (tmp_path / "s.png").is_file()
    np.save(tmp_path / "mine.npy", np.random.default_rng(0).random((16, 50, 50)) > 0.5)
    assert cli.main(["train", "--steps", "1", "--conditional", "true", "--data", str(tmp_path / "mine.npy"),
                     "--name", "mine", *small]) == 2
    assert "shipped designs only" in capsys.readouterr().err and not (tmp_path / "mine").exists()
    assert cli.main(["train", "--steps", "1", "--conditional", "false", "--name", "plain", *small]) == 0
    rc, _ = _design(tmp_path, "--run", str(tmp_path / "plain"))
    assert rc == 2 and "not a conditional run" in capsys.readouterr().err
    assert cli.main(["train", "--conditional", "maybe", *small]) == 2
    assert "conditional must be true or false, got 'maybe'" in capsys.readouterr().err
