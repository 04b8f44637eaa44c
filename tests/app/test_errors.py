"""Errors reach a page as a code and fields said in its language, never as the library's English."""
from __future__ import annotations

import ast
import errno
import string
from pathlib import Path

import pytest

from mechgan.config import SettingError, TrainConfig
from mechgan.errors import CodedError
from mechgan.runs import RunExistsError, RunMissingError, load_run, read_meta, sanitize_run_name

from app.errors import coded, say
from app.i18n import LANGUAGES, TEXTS

ROOT = Path(__file__).resolve().parents[2]
CODED = {"DatasetError": 1, "RunError": 1, "RunMissingError": 1, "Refusal": 1, "SettingError": 2}  # code's place
IMPLIED = {"SettingError": {"setting"}}  # fields the class adds itself


def _placeholders(key: str) -> set[str]:
    return {name for template in TEXTS[key] for _, name, _, _ in string.Formatter().parse(template) if name}


def _coded_raises():
    """(where, class, code, field names) of every coded error the library and the app raise."""
    for path in sorted([*(ROOT / "mechgan").glob("*.py"), *(ROOT / "app").rglob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") in CODED:
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                yield where, node.func.id, node.args[CODED[node.func.id]:], {k.arg for k in node.keywords}


def test_every_coded_error_names_a_text_with_its_fields():
    found = list(_coded_raises())
    assert len(found) > 40
    for where, kind, code_args, fields in found:
        assert len(code_args) == 1, f"{where}: no code"
        code = code_args[0]  # a literal, or a choice of two
        codes = [code.body, code.orelse] if isinstance(code, ast.IfExp) else [code]
        assert all(isinstance(c, ast.Constant) for c in codes), f"{where}: no literal code"
        for key in (f"error_{c.value}" for c in codes):
            assert key in TEXTS, f"{where}: {key} missing from app/i18n.py"
            assert _placeholders(key) == fields | IMPLIED.get(kind, set()), where


def test_a_setting_is_named_by_its_label_in_each_language():
    with pytest.raises(SettingError) as caught:
        TrainConfig(lr_g=-1.0)
    assert coded(caught.value) == ("setting_range", {"setting": "lr_g", "range": "(0, 10]", "value": "-1.0"})
    assert say(*coded(caught.value), "fr") == "Taux d'apprentissage de G doit être dans (0, 10], pas -1.0"
    assert say(*coded(caught.value), "en").startswith("Learning rate of G must be in")


def test_os_errors_are_said_by_their_errno_and_others_by_their_kind():
    assert coded(OSError(errno.ENOSPC, "No space left on device")) == ("disk_full", {})
    assert coded(PermissionError(errno.EACCES, "Permission denied", "/srv/runs")) == ("no_permission", {})
    assert coded(KeyError("x")) == ("unexpected", {"kind": "KeyError"})
    assert coded(OSError(errno.EIO, "I/O error")) == ("unexpected", {"kind": "OSError"})
    assert say("no_such_code", {}, "fr") == say("unexpected", {"kind": "no_such_code"}, "fr")


def test_run_errors_carry_their_codes(tmp_path):
    with pytest.raises(ValueError) as caught:
        sanitize_run_name("//..")
    assert coded(caught.value) == ("run_name_unusable", {"name": "//.."})
    with pytest.raises(RunMissingError) as missing:
        read_meta(tmp_path / "gone")
    assert isinstance(missing.value, FileNotFoundError) and coded(missing.value) == ("run_missing", {"name": "gone"})
    taken = RunExistsError("demo", "demo-2")
    assert taken.errno == errno.EEXIST and coded(taken) == ("run_exists", {"name": "demo", "free_name": "demo-2"})
    assert coded(RunExistsError("demo", "demo-2", owned_elsewhere=True))[0] == "run_exists_elsewhere"
    for lang in LANGUAGES:
        assert "demo-2" in say(*coded(taken), lang)


def test_a_damaged_save_is_refused_by_code(tmp_path):
    folder = tmp_path / "old"
    folder.mkdir()
    (folder / "config.json").write_text('{"config": {"nf": 8, "batch_size": 16, "latent_dim": 16}, "progress": {}}')
    with pytest.raises(CodedError) as caught:
        load_run(folder)
    assert coded(caught.value) == ("run_unreadable", {"name": "old"})
