"""The lab's colours, and the PNG helpers its pictures share (one tiling, one data URI).

GAN Lab's colours: green for real data, purple for generated designs; void
white, material dark; orange for floating material.
"""
from __future__ import annotations

import base64
import io

import numpy as np
from PIL import Image

WHITE = "#ffffff"
GRAY = [[0.0, WHITE], [1.0, "#1f2937"]]  # void white, solid dark
REAL = "#16a34a"
FAKE = "#9333ea"
D_COLORS = [[0.0, "#d8b4fe"], [0.5, "#f8fafc"], [1.0, "#86efac"]]  # D says fake ... real
CLAMPED, LOAD = "#2563eb", "#dc2626"  # a loaded design's clamped (left) edge and the force's arrow
FLOATING, FLOATING_DARK = "#f97316", "#7c2d12"  # floating material: pieces cut off from the design's main piece
GAP = "#cbd5e1"  # between the tiles of a sample grid
GUIDE = "#94a3b8"  # a reference line (D's 0.5)
INK = "#475569"  # arrows and notes drawn over a chart
BACKDROP = "#f8fafc"
# Okabe and Ito's palette, told apart also with a colour vision deficiency (yellow last: faint on white)
RUN_COLORS = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000", "#F0E442")
METRIC_COLORS = {"js_pca": "#2563eb", "floating_rate": "#dc2626", "recall": REAL, "material_w1": "#f59e0b",
                 "median_abs_ce": "#2563eb", "median_vfe": "#f59e0b", "fm8": "#dc2626", "ld": "#7c3aed"}


def rgb(color: str) -> np.ndarray:
    """``#rrggbb`` as three floats 0-255."""
    return np.array([int(color[i:i + 2], 16) for i in (1, 3, 5)], float)


def ramp(light: str, dark: str, levels: int) -> np.ndarray:
    """``levels`` colours from ``light`` to ``dark``, (levels, 3) floats 0-255."""
    return rgb(light) + np.linspace(0, 1, levels)[:, None] * (rgb(dark) - rgb(light))


def palette(*colors: np.ndarray) -> list[int]:
    """Rows of colours (as :func:`rgb` and :func:`ramp` give them) as a PIL palette."""
    return np.round(np.vstack(colors)).astype(np.uint8).ravel().tolist()


def tile(tiles: np.ndarray, cols: int, gap: int, fill: int, margins: tuple[int, int, int, int]) -> np.ndarray:
    """(n, h, w) uint8 tiles on one canvas of ``fill``, ``cols`` a row, ``gap`` pixels apart, with
    ``margins`` (top, right, bottom, left) around them: the one grid layout of the lab's PNGs."""
    n, h, w = tiles.shape
    rows = -(-n // cols)
    top, right, bottom, left = margins
    canvas = np.full((top + rows * (h + gap) - gap + bottom, left + cols * (w + gap) - gap + right), fill, np.uint8)
    for i, t in enumerate(tiles):
        r, c = divmod(i, cols)
        y, x = top + r * (h + gap), left + c * (w + gap)
        canvas[y:y + h, x:x + w] = t
    return canvas


def image_grid(images: np.ndarray, columns: int | None = None, scale: int = 2, gap: int = 2) -> np.ndarray:
    """(n, h, w) images in [-1, 1] -> one uint8 picture, solid black on white as in topology optimization."""
    images = np.asarray(images, np.float32)
    if images.ndim == 4:
        images = images[..., 0]
    pixels = np.round((1.0 - np.clip(images, -1, 1)) * 127.5).astype(np.uint8)
    cols = columns or int(np.ceil(np.sqrt(len(pixels))))
    canvas = tile(pixels, cols, gap, 160, (gap,) * 4)
    return np.kron(canvas, np.ones((scale, scale), np.uint8))


def png_data_uri(image: Image.Image) -> str:
    """``image`` as a lightly compressed PNG data URI: pages swap an image's source in place."""
    buf = io.BytesIO()
    image.save(buf, "PNG", compress_level=1)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()
