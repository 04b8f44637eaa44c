import json

import numpy as np
import pytest

from mechgan import data
from mechgan.config import TrainConfig
from mechgan.runs import list_runs, load_run, read_history, sanitize_run_name, save_run
from mechgan.training import Trainer

SMALL = TrainConfig(nf=4, latent_dim=8, batch_size=8, seed=3, optimizer_d="rmsprop")


@pytest.fixture(scope="module")
def designs():
    return data.load_designs()[:40]


@pytest.mark.parametrize("name, expected", [("my run", "my-run"), ("../../etc/passwd", "etc-passwd"),
                                            ("a/b\\c", "a-b-c"), (".hidden", "hidden"), ("été 2024", "t-2024")])
def test_sanitized_names_cannot_escape_the_runs_folder(name, expected):
    assert sanitize_run_name(name) == expected


@pytest.mark.parametrize("name", ["", "   ", "..", "/", "ééé"])
def test_unusable_names_are_refused(name):
    with pytest.raises(ValueError, match="no usable characters"):
        sanitize_run_name(name)


def test_resuming_continues_exactly(designs, tmp_path):
    t = Trainer(SMALL, designs)
    t.run(2)
    path = save_run(t, "resume me", tmp_path)
    uninterrupted = t.run(3)
    resumed = load_run(path, designs)
    assert resumed.iteration == 2 and len(resumed.history) == 2
    again = resumed.run(3)
    for key in ("loss_d", "loss_g", "d_real", "d_fake"):
        np.testing.assert_allclose([r[key] for r in again], [r[key] for r in uninterrupted], rtol=1e-5)
    np.testing.assert_allclose(resumed.fixed_samples(), t.fixed_samples(), atol=1e-5)


def test_a_saved_run_holds_no_pickle(designs, tmp_path):
    t = Trainer(SMALL, designs)
    t.run(1)
    path = save_run(t, "files", tmp_path)
    names = {p.name for p in path.iterdir()}
    assert {"config.json", "generator.npz", "discriminator.npz", "optimizer_g.npz", "optimizer_d.npz",
            "history.csv", "grid_0000001.png"} <= names
    assert json.loads((path / "config.json").read_text())["config"] == SMALL.to_dict()
    for npz in path.glob("*.npz"):
        with np.load(npz, allow_pickle=False) as z:
            assert all(z[k].dtype != object for k in z.files)
    assert read_history(path)[0]["iteration"] == 1


def test_overwriting_is_atomic_and_keeps_grids(designs, tmp_path):
    t = Trainer(SMALL, designs)
    save_run(t, "run", tmp_path)
    t.step_d()
    t.step_g()
    t.iteration = 5  # pretend more training happened, so the new grid has another name
    path = save_run(t, "run", tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]  # no temporary folders left
    assert {"grid_0000000.png", "grid_0000005.png"} <= {p.name for p in path.iterdir()}
    assert [r["iteration"] for r in read_history(path)] == [0, 0]
    assert list_runs(tmp_path) == [path]


def test_missing_run_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="not a saved run"):
        load_run(tmp_path / "nothing")
    assert list_runs(tmp_path / "nowhere") == []


def test_a_run_saved_with_the_older_random_state_is_refused_by_name(designs, tmp_path):
    path = save_run(Trainer(SMALL, designs), "old", tmp_path)
    meta = json.loads((path / "config.json").read_text())
    meta["progress"]["rng_state"] = [0, 0, 3]  # what tf.random.Generator's state was saved as
    (path / "config.json").write_text(json.dumps(meta))
    with pytest.raises(ValueError, match="older mechgan"):
        load_run(path, designs)
