"""A student's own designs: one uploaded file in, validated bool designs out.

No Streamlit here, so the fuzz tests drive the very function the Data page
calls.  The client's file name is never used as a path: only its suffix picks
the reader, the bytes go to a private temporary folder that is always removed,
and ``mechgan.data.load_user_dataset`` does the validation (nothing unpickled,
archives never extracted).
"""
from __future__ import annotations

import re
import tempfile
from pathlib import Path, PurePosixPath

import numpy as np

from mechgan import data
from mechgan.data import DatasetError

SUFFIXES = (".npy", ".npz", ".zip")
MIN_DESIGNS = 64  # fewer designs than two default batches: not enough to train a GAN on
MAX_MB = data.MAX_FILE_BYTES // 2**20


def load_upload(name: str, raw: bytes) -> np.ndarray:
    """Validate an uploaded dataset and return its designs, (N, 50, 50) bool.

    Raises :class:`DatasetError` with a message for the student on any bad input.
    """
    label = safe_name(name)
    if len(raw) > data.MAX_FILE_BYTES:
        raise DatasetError(f"{label}: the file is larger than {MAX_MB} MB, the upload limit")
    suffix = PurePosixPath(label).suffix
    if suffix not in SUFFIXES:
        raise DatasetError(f"{label}: unsupported file type {suffix or '(none)'}; "
                           "upload a .npy or .npz array, or a .zip of PNG images")
    with tempfile.TemporaryDirectory(prefix="mechgan-upload-") as folder:
        path = Path(folder) / label
        path.write_bytes(raw)
        designs = data.load_user_dataset(path) >= 0.5
    if len(designs) < MIN_DESIGNS:
        raise DatasetError(f"{label}: {len(designs)} designs; training needs at least {MIN_DESIGNS}")
    return designs


def safe_name(name: str) -> str:
    """The client's file name reduced to a harmless base name (letters, digits, ``._-``), suffix lowercased."""
    base = re.split(r"[/\\]", name)[-1]
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", stem).strip("_")[:60] or "upload"
    suffix = re.sub(r"[^a-z0-9]+", "", suffix.lower())[:8]
    return f"{stem}.{suffix}" if suffix else stem
