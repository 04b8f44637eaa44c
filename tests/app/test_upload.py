"""app.upload: a student's file becomes bool designs, or one clear DatasetError; no file outlives the call."""
from __future__ import annotations

import io
import tempfile

import numpy as np
import pytest
from PIL import Image

from mechgan import data
from mechgan.data import DatasetError

from app import upload
from app.upload import MIN_DESIGNS, load_upload, safe_name

from lab_helpers import npy, zipped

rng = np.random.default_rng(0)
SOFT = rng.choice([0.2, 0.45, 0.55, 0.9], size=(MIN_DESIGNS + 6, 50, 50)).astype(np.float32)  # not yet binary


def png(design: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray((design * 255).astype(np.uint8)).save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture
def temp(tmp_path, monkeypatch):
    """The helper's temporary folders go here; it must be empty after every call."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    yield tmp_path
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize("name, raw", [
    ("designs.npy", npy(SOFT)),
    ("Designs.NPZ", zipped({"designs.npy": npy(SOFT)})),
    ("pngs.zip", zipped({f"{i:03d}.png": png(d >= 0.5) for i, d in enumerate(SOFT)})),
])
def test_valid_uploads_become_binary_designs(name, raw, temp):
    designs = load_upload(name, raw)
    assert designs.dtype == bool and designs.shape == SOFT.shape
    np.testing.assert_array_equal(designs, SOFT >= 0.5)


def test_the_bytes_go_to_a_private_folder_named_by_the_sanitized_name(temp, monkeypatch):
    seen, real = [], data.load_user_dataset

    def spy(path, resize=False):
        seen.append((path, path.parent.name, path.is_file()))
        return real(path, resize)

    monkeypatch.setattr(data, "load_user_dataset", spy)
    load_upload("../../etc/../passwd me.npy", npy(SOFT))
    path, folder, existed = seen[0]
    assert existed and path.parent.parent == temp and folder.startswith("mechgan-upload-")
    assert path.name == "passwd_me.npy"
    assert not path.parent.exists()  # removed after use


def test_too_few_designs_to_train_on(temp):
    with pytest.raises(DatasetError, match=f"12 designs; training needs at least {MIN_DESIGNS}"):
        load_upload("few.npy", npy(SOFT[:12]))


def test_a_file_over_the_limit_is_refused_before_anything_is_written(temp, monkeypatch):
    def never(*_):
        raise AssertionError("load_user_dataset was called")

    monkeypatch.setattr(data, "load_user_dataset", never)
    with pytest.raises(DatasetError, match=f"larger than {upload.MAX_MB} MB"):
        load_upload("big.npy", b"\0" * (data.MAX_FILE_BYTES + 1))


@pytest.mark.parametrize("name", ["designs.pkl", "designs", "designs.npy.txt", "x.tar.gz", ".."])
def test_other_file_types_are_refused(name, temp):
    with pytest.raises(DatasetError, match="unsupported file type"):
        load_upload(name, npy(SOFT))


def test_bad_content_keeps_the_librarys_message(temp):
    with pytest.raises(DatasetError, match=r"^a\.npz: the \.npz archive holds no array$"):
        load_upload("a.npz", zipped({"readme.txt": b"hi"}))


@pytest.mark.parametrize("name, safe", [
    ("designs.npy", "designs.npy"),
    ("My Designs (v2).NPZ", "My_Designs_v2.npz"),
    ("../../etc/passwd.npy", "passwd.npy"),
    ("C:\\Users\\x\\..\\a.zip", "a.zip"),
    ("/abs/.npy", "upload.npy"),
    ("a.b.c.npy", "a_b_c.npy"),
    ("évil\x00<script>.npy", "vil_script.npy"),
    ("noext", "noext"),
    ("", "upload"),
    ("x" * 500 + ".npy", "x" * 60 + ".npy"),
])
def test_safe_name_keeps_only_a_harmless_base_name(name, safe):
    assert safe_name(name) == safe
