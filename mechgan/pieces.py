"""The solid pieces of designs: which material is cut off from the part that holds the clamped edge.

A piece is 8-connected solid; a design's main piece is its largest piece
touching the clamped edge (column 0), else its largest.  Every other piece is
floating material, and a small one is a speck.  G's connect penalty reads
:func:`connect_mask`, where the structure is the piece that joins the clamped edge
to the load; :func:`prune` keeps that piece alone, which makes a design a part.
"""
from __future__ import annotations

import numpy as np
from scipy import ndimage

SPECK_PIXELS = 30  # a cut-off piece this small is a speck (see connect_mask)
_STRUCTURE_8 = np.zeros((3, 3, 3), dtype=bool)
_STRUCTURE_8[1] = True  # 8-connectivity within a design, none across designs


def piece_counts(designs: np.ndarray) -> np.ndarray:
    """Number of 8-connected solid pieces of each (N, H, W) bool design, in one labelling pass."""
    labels, count = _label(designs)
    return np.bincount(_owners(labels, count)[1:], minlength=len(designs))


def _label(designs: np.ndarray) -> tuple[np.ndarray, int]:
    """8-connected labels of a stack of bool designs, in one pass (no piece spans two designs)."""
    return ndimage.label(designs, structure=_STRUCTURE_8)


def _owners(labels: np.ndarray, count: int) -> np.ndarray:
    """The design each label belongs to (label 0, the void, maps to design 0)."""
    owner = np.zeros(count + 1, dtype=int)
    owner[labels.ravel()] = np.repeat(np.arange(len(labels)), labels[0].size)
    return owner


def floating_mask(images: np.ndarray, level: float = 0.0) -> np.ndarray:
    """True on floating material: the solid pieces (8-connected, traced on the pixels above ``level``) cut off
    from their design's main piece, the largest one touching the clamped edge, else the largest.  For
    (N, H, W[, 1]) images in [-1, 1] or bool designs; the mask has their shape."""
    x = np.asarray(images)
    labels, cut_off, _ = _cut_off((x[..., 0] if x.ndim == 4 else x) > level)
    return cut_off[labels].reshape(x.shape)


def prune(designs: np.ndarray, load_rows: np.ndarray | None = None) -> np.ndarray:
    """(N, H, W) bool designs as parts: every piece cut off from the main piece set to void.

    The main piece joins the clamped edge to the load (pixel rows ``load_rows[i, 0]..load_rows[i, 1]`` of the
    last column) when one does, else it is the largest clamped piece, else the largest.  The material
    removed carries no load, so a design's compliance is unchanged (docs/decisions.md).
    """
    solid = np.asarray(designs, bool)
    labels, cut_off, _ = _cut_off(solid, None if load_rows is None else np.asarray(load_rows))
    return solid & ~cut_off[labels]


def connect_mask(images: np.ndarray, load_rows: np.ndarray, max_pixels: int = SPECK_PIXELS,
                 level: float = 0.0) -> np.ndarray:
    """1.0 on the specks cut off from each design's structure and the void ring around them, 0.0 elsewhere.

    The structure is the piece that touches both the clamped edge and the load (the last column's
    pixel rows ``load_rows[i, 0]..load_rows[i, 1]``), else the largest clamped piece, else the largest:
    a piece off the clamp floats, a clamped piece short of the load dangles; neither carries the load.
    A speck is such a piece of at most ``max_pixels``: pushing larger ones too cost G its variety
    (docs/decisions.md).  For (N, H, W[, 1]) images in [-1, 1], pieces traced above ``level``.
    """
    x = np.asarray(images)
    labels, cut_off, sizes = _cut_off((x[..., 0] if x.ndim == 4 else x) > level, np.asarray(load_rows))
    speck = cut_off & (sizes <= max_pixels)
    # with the void ring around each speck, so the pixels next to it stop hovering near solid
    ring = ndimage.binary_dilation(speck[labels], structure=_STRUCTURE_8) & (labels == 0)
    return (speck[labels] | ring).reshape(x.shape).astype(np.float32)


def _cut_off(solid: np.ndarray, load_rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Labels of (N, H, W) bool designs, which labels are cut off from their design's main piece, and sizes."""
    labels, count = _label(solid)
    sizes = np.bincount(labels.ravel(), minlength=count + 1)
    owner = _owners(labels, count)
    clamped = np.zeros(count + 1, dtype=bool)
    clamped[labels[:, :, 0]] = True
    loaded = np.zeros(count + 1, dtype=bool)
    if load_rows is not None:
        rows = np.arange(labels.shape[1])
        at_load = (rows >= load_rows[:, :1]) & (rows <= load_rows[:, 1:])  # (N, H)
        loaded[labels[:, :, -1][at_load]] = True
    rank = sizes + clamped * (1 + loaded) * labels[0].size  # clamped and loaded > clamped > free
    rank[0] = -1
    by_design = np.lexsort((rank, owner))  # each design's labels, best last
    last = np.r_[owner[by_design][1:] != owner[by_design][:-1], True]
    cut_off = np.ones(count + 1, dtype=bool)
    cut_off[by_design[last]] = False
    cut_off[0] = False
    return labels, cut_off, sizes
