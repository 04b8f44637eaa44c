import json

import numpy as np
import pytest

from mechgan import data, dataset_builder
from mechgan.dataset_builder import build, candidate_params, is_valid_design


def test_candidate_parameters_are_deterministic_and_in_the_family():
    fam = dataset_builder.FAMILY
    params = [candidate_params(7, i) for i in range(200)]
    assert params == [candidate_params(7, i) for i in range(200)]
    assert params != [candidate_params(8, i) for i in range(200)]
    rows, angles, vols = map(np.array, zip(*params))
    assert rows.min() >= fam.row_min and rows.max() <= fam.row_max
    assert np.abs(angles).max() <= fam.angle_max_deg
    assert vols.min() >= fam.volfrac_min and vols.max() <= fam.volfrac_max


def test_validity_check():
    d = np.zeros((50, 50), dtype=bool)
    d[24:27, :] = True  # a bar from the clamped edge to load row 25
    assert is_valid_design(d, 25)
    assert not is_valid_design(d, 40)  # misses the load point
    speck = d.copy()
    speck[5, 5] = True
    assert not is_valid_design(speck, 25)  # floating material
    diag = np.zeros((50, 50), dtype=bool)
    diag[np.arange(50), np.arange(50)] = True
    diag[:, 0] = True
    assert is_valid_design(diag, 50)  # corner-touching pixels are one 8-connected piece
    assert not is_valid_design(np.zeros((50, 50), dtype=bool), 25)


def test_build_is_deterministic_and_resumes(tmp_path):
    out, work = tmp_path / "a.npz", tmp_path / "work"
    calls = []
    meta = build(3, seed=5, out=out, work=work, workers=1, chunk=2,
                 progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (3, 3) and meta["n"] == 3
    chunks = sorted(work.glob("chunk_*.npz"))
    stamps = {p: p.stat().st_mtime_ns for p in chunks}
    first = data.load_dataset(out)
    # Resuming from the finished chunks recomputes nothing and writes the same designs.
    out.unlink()
    build(3, seed=5, out=out, work=work, workers=1, chunk=2)
    assert {p: p.stat().st_mtime_ns for p in chunks} == stamps
    data._unpack.cache_clear()
    again = data.load_dataset(out)
    assert np.array_equal(first.designs, again.designs)
    assert np.array_equal(first.candidate, again.candidate)
    assert again.meta["candidates"] == again.meta["n"] + again.meta["discarded"]
    # A different build refuses to reuse the folder.
    with pytest.raises(ValueError, match="another build"):
        build(3, seed=6, out=out, work=work, workers=1, chunk=2)
    assert json.loads((work / "build.json").read_text())["seed"] == 5
