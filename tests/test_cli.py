import json
from dataclasses import fields

import numpy as np
import pytest
from PIL import Image

from mechgan import data
from mechgan.cli import build_parser, main
from mechgan.config import PARAMS, TrainConfig
from mechgan.runs import load_run

SMALL = ["--nf", "4", "--latent-dim", "8", "--batch-size", "8"]


@pytest.fixture(scope="module")
def data_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("data") / "designs.npy"
    np.save(path, data.load_designs()[:40])
    return path


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory, data_file):
    root = tmp_path_factory.mktemp("runs")
    assert main(["train", "--steps", "3", "--name", "cli run", "--runs-dir", str(root),
                 "--data", str(data_file), "--loss", "hinge", "--optimizer-d", "sgd", *SMALL]) == 0
    return root


def test_train_options_default_to_the_config(capsys):
    from mechgan.cli import _config_from

    assert _config_from(build_parser().parse_args(["train"])) == TrainConfig()
    with pytest.raises(SystemExit):
        build_parser().parse_args(["train", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for f in fields(TrainConfig):
        assert f"--{f.name.replace('_', '-')}" in text and f"default: {f.default})" in text


def test_train_saves_a_run_with_the_options(run_dir):
    trainer = load_run(run_dir / "cli-run")
    assert trainer.iteration == 3
    assert trainer.config.loss == "hinge" and trainer.config.optimizer_d == "sgd" and trainer.config.nf == 4


def test_sample_writes_a_grid(run_dir, tmp_path, capsys):
    out = tmp_path / "grid.png"
    assert main(["sample", "cli run", "--runs-dir", str(run_dir), "--n", "6", "--out", str(out)]) == 0
    assert Image.open(out).size == (2 * (3 * 52 + 2), 2 * (2 * 52 + 2))
    assert "wrote 6 samples" in capsys.readouterr().out


def test_evaluate_prints_the_report_and_the_verdict(run_dir, capsys):
    code = main(["evaluate", str(run_dir / "cli-run"), "--n", "16", "--compliance-samples", "0"])
    out = capsys.readouterr().out
    assert "material_w1" in out and "floating_rate" in out and "recall" in out
    assert code == 1 and "as drawn: FAIL: misses" in out  # three iterations are far from the bar
    floating = next(line for line in out.splitlines() if line.strip().startswith("floating_rate")).split()
    assert "parts" in out and "as parts: " in out and float(floating[2]) == 0.0  # parts float nowhere


def test_missing_run_is_one_clear_error(tmp_path, capsys):
    assert main(["sample", "nope", "--runs-dir", str(tmp_path)]) == 2
    assert "no saved run 'nope'" in capsys.readouterr().err


def test_bad_hyper_parameter_is_one_clear_error(data_file, tmp_path, capsys):
    assert main(["train", "--steps", "1", "--lr-g", "-1", "--runs-dir", str(tmp_path),
                 "--data", str(data_file), *SMALL]) == 2
    assert "lr_g must be in" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["train", "--loss", "kl"])


def test_a_non_finite_or_huge_option_is_one_line_naming_it(tmp_path, capsys):
    from test_config import HOSTILE_TEXTS

    for name in PARAMS:
        for raw in HOSTILE_TEXTS:
            try:  # an option of words (--loss) is argparse's: it exits with its own line; "=" as "-inf" is no option
                code = main(["train", "--steps", "1", "--runs-dir", str(tmp_path), f"--{name.replace('_', '-')}={raw}"])
            except SystemExit as e:
                code = e.code
            err = capsys.readouterr().err
            assert code == 2 and "Traceback" not in err, (name, raw[:20])
            assert f"error: {name} must be" in err or f"--{name.replace('_', '-')}: invalid choice" in err
    assert not any(tmp_path.iterdir())  # refused before any run was made


def test_tensorboard_summaries(data_file, tmp_path):
    assert main(["train", "--steps", "2", "--name", "tb", "--runs-dir", str(tmp_path / "runs"),
                 "--data", str(data_file), "--tensorboard", str(tmp_path / "tb"), *SMALL]) == 0
    assert list((tmp_path / "tb" / "tb").glob("events.out.tfevents.*"))


def test_a_taken_run_name_is_refused_before_training_unless_overwrite(data_file, tmp_path, capsys):
    args = ["train", "--steps", "1", "--name", "twice", "--runs-dir", str(tmp_path), "--data", str(data_file), *SMALL]
    assert main(args) == 0
    first = (tmp_path / "twice" / "config.json").read_bytes()
    capsys.readouterr()
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "'twice' exists" in err and "'twice-2'" in err and "--overwrite" in err
    assert (tmp_path / "twice" / "config.json").read_bytes() == first  # nothing trained, nothing replaced
    assert main([*args, "--steps", "2", "--overwrite"]) == 0
    assert json.loads((tmp_path / "twice" / "config.json").read_text())["progress"]["iteration"] == 2


def test_resume_continues_a_run_with_the_live_settings_named(tmp_path, capsys):
    """A staged schedule is a list of commands: the second trains on from the first's iteration with its lr."""
    small = ["--nf", "4", "--latent-dim", "8", "--batch-size", "8", "--runs-dir", str(tmp_path), "--name", "s"]
    assert main(["train", "--steps", "2", *small]) == 0
    assert main(["train", "--steps", "4", "--resume", "--lr-g", "1e-5", "--runs-dir", str(tmp_path),
                 "--name", "s"]) == 0
    assert "saved 4 iterations" in capsys.readouterr().out
    resumed = load_run(tmp_path / "s")
    assert resumed.config.lr_g == 1e-5 and resumed.config.nf == 4 and len(resumed.history) == 4


@pytest.mark.parametrize("args, message", [
    (["--nf", "8"], "--nf cannot change"),
    (["--lr-d", "inf"], "lr_d must be"),
])
def test_resume_refuses_a_model_change_or_a_wrong_value(tmp_path, capsys, args, message):
    small = ["--nf", "4", "--latent-dim", "8", "--batch-size", "8", "--runs-dir", str(tmp_path), "--name", "s"]
    assert main(["train", "--steps", "2", *small]) == 0
    saved, _ = (tmp_path / "s" / "config.json").read_text(), capsys.readouterr()
    assert main(["train", "--steps", "3", "--resume", *args, "--runs-dir", str(tmp_path), "--name", "s"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("mechgan: error:") and message in err and err.count("\n") == 1
    assert (tmp_path / "s" / "config.json").read_text() == saved


def test_resume_needs_a_saved_run(tmp_path, capsys):
    assert main(["train", "--resume", "--runs-dir", str(tmp_path)]) == 2
    assert "--name" in capsys.readouterr().err
    assert main(["train", "--resume", "--runs-dir", str(tmp_path), "--name", "nothing"]) == 2
    assert "no saved run 'nothing'" in capsys.readouterr().err


def test_an_old_setting_name_still_works_on_the_command_line():
    from mechgan.cli import _config_from

    assert _config_from(build_parser().parse_args(["train", "--speck-weight", "3"])).connect_weight == 3.0
