"""A student's own designs: one uploaded file in, validated bool designs out.

No Streamlit here, so the fuzz tests drive the very function the Data page
calls.  The client's file name is never used as a path: only its suffix picks
the reader, which reads the bytes where they are (nothing is written to disk),
and ``mechgan.user_data.read_user_file`` does the validation (nothing unpickled,
archives never extracted, every declared size checked before decoding).
"""
from __future__ import annotations

import io
import re
from pathlib import PurePosixPath

from mechgan import user_data
from mechgan.user_data import DatasetError, UserDesigns

SUFFIXES = (".npy", ".npz", ".zip")
MIN_DESIGNS = 64  # fewer designs than two default batches: not enough to train a GAN on
MAX_MB = user_data.MAX_FILE_BYTES // 2**20


def load_upload(name: str, raw: bytes) -> UserDesigns:
    """Validate an uploaded dataset and return its designs, (N, 50, 50) bool, with the reading used.

    Raises :class:`DatasetError` with a message for the student on any bad input.
    """
    label = safe_name(name)
    if len(raw) > user_data.MAX_FILE_BYTES:
        raise DatasetError(f"{label}: the file is larger than {MAX_MB} MB, the upload limit", "file_too_large",
                           mb=MAX_MB)
    suffix = PurePosixPath(label).suffix
    if suffix not in SUFFIXES:
        raise DatasetError(f"{label}: unsupported file type {suffix or '(none)'}; "
                           "upload a .npy or .npz array, or a .zip of PNG images", "file_type")
    read = user_data.read_user_file(io.BytesIO(raw), label)
    if len(read.designs) < MIN_DESIGNS:
        raise DatasetError(f"{label}: {len(read.designs)} designs; training needs at least {MIN_DESIGNS}", "too_few",
                           count=len(read.designs), least=MIN_DESIGNS)
    return read


def safe_name(name: str) -> str:
    """The client's file name reduced to a harmless base name (letters, digits, ``._-``), suffix lowercased."""
    base = re.split(r"[/\\]", name)[-1]
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", stem).strip("_")[:60] or "upload"
    suffix = re.sub(r"[^a-z0-9]+", "", suffix.lower())[:8]
    return f"{stem}.{suffix}" if suffix else stem
