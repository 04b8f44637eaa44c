"""app.upload: a student's file becomes bool designs, or one clear DatasetError; no file outlives the call."""
from __future__ import annotations

import io
import tempfile

import numpy as np
import pytest
from PIL import Image

from mechgan import data, user_data
from mechgan.user_data import DatasetError

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
    """Where a temporary file would go: it must stay empty, the bytes are read where they are."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    yield tmp_path
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize("name, raw", [
    ("designs.npy", npy(SOFT)),
    ("Designs.NPZ", zipped({"designs.npy": npy(SOFT)})),
    ("pngs.zip", zipped({f"{i:03d}.png": png(d >= 0.5) for i, d in enumerate(SOFT)})),
])
def test_valid_uploads_become_binary_designs(name, raw, temp):
    read = load_upload(name, raw)
    assert read.designs.dtype == bool and read.designs.shape == SOFT.shape
    np.testing.assert_array_equal(read.designs, SOFT >= 0.5)


OWN = data.load_designs()[:MIN_DESIGNS]


@pytest.mark.parametrize("array, reading", [
    (OWN.astype(np.uint8), "binary"),  # issue 11: was read as 0-255 and became empty designs
    (OWN.astype(np.int64), "binary"),
    (OWN, "binary"),
    (OWN.astype(np.uint8) * 255, "greyscale"),
    (OWN * np.float32(0.7) + np.float32(0.2), "float"),
])
def test_every_design_is_kept_and_the_reading_is_named(array, reading, temp):
    read = load_upload("mine.npz", zipped({"designs.npy": npy(array)}))
    assert read.reading == reading
    np.testing.assert_array_equal(read.designs, OWN)


def test_nothing_is_written_to_disk(temp, monkeypatch):
    def no_disk(*args, **kwargs):
        raise AssertionError("the upload touched the file system")

    monkeypatch.setattr(tempfile, "TemporaryDirectory", no_disk)
    monkeypatch.setattr(tempfile, "NamedTemporaryFile", no_disk)
    np.testing.assert_array_equal(load_upload("../../etc/../passwd me.npy", npy(SOFT)).designs, SOFT >= 0.5)


def test_too_few_designs_to_train_on(temp):
    with pytest.raises(DatasetError) as caught:
        load_upload("few.npy", npy(SOFT[:12]))
    assert caught.value.code == "too_few" and caught.value.fields == {"count": 12, "least": MIN_DESIGNS}


def test_a_file_over_the_limit_is_refused_before_anything_is_written(temp, monkeypatch):
    def never(*_):
        raise AssertionError("load_user_dataset was called")

    monkeypatch.setattr(user_data, "read_user_file", never)
    with pytest.raises(DatasetError) as caught:
        load_upload("big.npy", b"\0" * (user_data.MAX_FILE_BYTES + 1))
    assert caught.value.code == "file_too_large" and caught.value.fields == {"mb": upload.MAX_MB}


@pytest.mark.parametrize("name", ["designs.pkl", "designs", "designs.npy.txt", "x.tar.gz", ".."])
def test_other_file_types_are_refused(name, temp):
    with pytest.raises(DatasetError) as caught:
        load_upload(name, npy(SOFT))
    assert caught.value.code == "file_type"


def test_bad_content_keeps_the_librarys_code_and_message(temp):
    with pytest.raises(DatasetError, match=r"^a\.npz: the \.npz archive holds no array$") as caught:
        load_upload("a.npz", zipped({"readme.txt": b"hi"}))
    assert caught.value.code == "npz_empty"


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


# ------------------------------------------------------------------ the Data page (AppTest)

def _upload(at, name: str, raw: bytes):
    at.file_uploader(key="upload_file").set_value((name, raw, "application/octet-stream")).run()
    assert not at.exception and not at.error
    return at


def test_the_confirmation_names_the_reading_and_the_material_in_french():
    from lab_helpers import new_app, worker_of

    at = new_app("screens/data.py", "fr")
    try:
        _upload(at, "mine.npy", npy(OWN * np.float32(0.6) + np.float32(0.2)))
        level = data.material_level(OWN).mean()
        shown = [i.value for i in at.info if i.value.startswith("Lu comme")]
        level = f"{level:,.0f}".replace(",", "\u202f")
        assert shown == [f"Lu comme réels seuillés à 0,5 : {MIN_DESIGNS} pièces, en moyenne {level} pixels de "
                         f"matière sur 2\u202f500 ({100 * OWN.mean():.0f}\u202f%)."]
        assert any(c.value.startswith(f"Chaque pixel montre la part de vos pièces") and f"Vos {MIN_DESIGNS} pièces"
                   in c.value for c in at.caption)
        assert worker_of(at).snapshot().iteration == 0  # nothing to lose: no question asked
        at.button(key="btn_train_on_upload").click().run()
        assert not at.warning and at.session_state["lab_designs"] is not None
    finally:
        worker_of(at).send("stop")


def test_a_file_refused_for_its_decode_work_is_told_in_french(monkeypatch):
    import sys
    from pathlib import Path

    from lab_helpers import new_app

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from upload_cpu import _padded_png

    monkeypatch.setattr(user_data, "MAX_IMAGES_BYTES", 2**20)  # 64 PNGs of 20 kB: over it
    raw = zipped({f"{i:03d}.png": _padded_png(d, 20_000) for i, d in enumerate(OWN)})
    at = new_app("screens/data.py", "fr")
    at.file_uploader(key="upload_file").set_value(("pngs.zip", raw, "application/zip")).run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "Ce fichier est inutilisable : ses images dépassent 1 Mo une fois décompressées, plus qu'un envoi ne peut "
        "en donner à lire au serveur"]


def test_train_on_these_designs_asks_before_closing_a_run_with_iterations():
    from lab_helpers import new_app, ready, wait_until, worker_of

    at = new_app()  # the Lab: this session's run
    worker = worker_of(at)
    try:
        wait_until(at, ready, 300, what="the run")
        worker.wait_applied(worker.send("step"), 300)
        assert worker.snapshot().iteration == 1
        at.switch_page("screens/data.py").run()
        _upload(at, "mine.npy", npy(OWN.astype(np.uint8)))
        at.button(key="btn_train_on_upload").click().run()
        assert "iteration 1:" in at.warning[0].value and "lab_designs" not in at.session_state
        at.button(key="btn_cancel_switch").click().run()
        assert not at.warning and "lab_designs" not in at.session_state
        at.button(key="btn_train_on_upload").click().run()
        at.button(key="btn_confirm_switch").click().run()
        assert not at.warning
        np.testing.assert_array_equal(at.session_state["lab_designs"], OWN)
        at.button(key="btn_back_to_shipped").click().run()  # back to the shipped set asks too
        assert "iteration 1:" in at.warning[0].value
    finally:
        worker.send("stop")
