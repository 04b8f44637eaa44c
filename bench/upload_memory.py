"""Peak extra memory of the worst uploads, each read by the Data page's helper in a fresh process.

    python bench/upload_memory.py [--only NAME ...]

For each file: its size, what came of it (designs and the reading used, or
the refusal), and the peak extra memory of reading it: the process's peak
resident memory during ``app.upload.load_upload(name, raw)`` minus its
resident memory just before, with the upload's bytes already in memory (as
Streamlit holds them) and the readers' imports warmed up.  The peak is reset
through ``/proc/self/clear_refs`` right before the read (Linux), so nothing
measured earlier in the process hides it (Linux only: /proc/self/status).

The design limit (issue 12): at most 10x the upload's size and at most
256 MB.  The size counted is the larger of the file's bytes and its designs'
bytes once read (a compressed archive of 20,000 designs unpacks to 50 MB of
designs, the data the student asked for), with a 1 MB floor for what the
interpreter itself allocates (exception objects, archive directories).
"""
from __future__ import annotations

import argparse
import io
import json
import struct
import subprocess
import sys
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
MB = 2**20
SIDE = 50
LIMIT_BYTES = 256 * MB
LIMIT_RATIO = 10
FLOOR_BYTES = 1 * MB

# Runs in a fresh interpreter: warm up, reset the peak, read the file, print the figures.
_CHILD = r"""
import io, json, sys, zipfile
import numpy as np
from PIL import Image
from app.upload import load_upload
from mechgan.user_data import DatasetError

def status(field):
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024

def warm_up():
    designs = np.zeros((64, 50, 50), np.uint8)
    designs[:, 10:40, 5:45] = 1
    buf = io.BytesIO(); np.save(buf, designs); load_upload("w.npy", buf.getvalue())
    npz = io.BytesIO(); np.savez_compressed(npz, designs=designs); load_upload("w.npz", npz.getvalue())
    png = io.BytesIO(); Image.fromarray(designs[0] * 255).convert("RGB").save(png, "PNG")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        for i in range(64):
            zf.writestr(f"{i}.png", png.getvalue())
    load_upload("w.zip", archive.getvalue())

warm_up()
path = sys.argv[1]
raw = open(path, "rb").read()
try:
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # the peak resident memory starts again from the current one
except OSError:
    pass  # kernels that refuse it: the peak since start-up, a few MB above (the warm-up is small)
before = status("VmRSS")
try:
    read = load_upload(path.rsplit("/", 1)[-1], raw)
    outcome = {"designs": len(read.designs), "designs_bytes": read.designs.nbytes, "reading": read.reading}
except DatasetError as e:
    outcome = {"refused": str(e)}
print(json.dumps({"extra_bytes": status("VmHWM") - before, **outcome}))
"""


def peak_extra(path: Path) -> dict:
    """Read ``path`` as an upload in a fresh Python process; its figures (see the module docstring)."""
    done = subprocess.run([sys.executable, "-c", _CHILD, str(path)], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)})
    if done.returncode:
        raise RuntimeError(f"reading {path.name} failed:\n{done.stderr[-2000:]}")
    report = json.loads(done.stdout.strip().splitlines()[-1])
    report["file_bytes"] = path.stat().st_size
    report["allowed_bytes"] = allowed_bytes(report)
    return report


def allowed_bytes(report: dict) -> int:
    """The design limit for one upload: 10x its size (file or designs, 1 MB floor), and 256 MB."""
    size = max(report["file_bytes"], report.get("designs_bytes", 0), FLOOR_BYTES)
    return min(LIMIT_RATIO * size, LIMIT_BYTES)


# ------------------------------------------------------------------ the worst files

def _npy(array: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, array)
    return buf.getvalue()


def _png(image: np.ndarray) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(image).save(buf, "PNG")
    return buf.getvalue()


def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, raw in members.items():
            zf.writestr(name, raw)
    return buf.getvalue()


def _designs(count: int) -> np.ndarray:
    """``count`` real designs (the shipped set, repeated)."""
    from mechgan.data import load_designs

    shipped = load_designs()
    return shipped[np.arange(count) % len(shipped)]


def _colour(design: np.ndarray) -> np.ndarray:
    """A design drawn in colour: light green material on dark blue."""
    rgb = np.empty(design.shape + (3,), np.uint8)
    rgb[design], rgb[~design] = (120, 220, 90), (20, 30, 110)
    return rgb


def _red_on_black(design: np.ndarray) -> np.ndarray:
    rgb = np.zeros(design.shape + (3,), np.uint8)
    rgb[design] = (255, 0, 0)
    return rgb


def _pngs(images) -> bytes:
    return _zip({f"designs/{i:05d}.png": _png(im) for i, im in enumerate(images)}, zipfile.ZIP_STORED)


def _directory_bomb() -> bytes:
    """62 MB of empty entries with long names (a 31 MB directory that zipfile would parse in full)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for i in range(58_000):
            zf.writestr(f"{i:0500x}", b"")
    return buf.getvalue()


def _text_bomb_pngs() -> bytes:
    """64 PNGs, each with 3,000 zTXt chunks that unpack to 1 MB apiece (Pillow's default would hold 64 MB)."""
    raw = _png(np.eye(SIDE, dtype=np.uint8) * 255)
    text = zlib.compress(b"\0" * 1_000_000, 9)
    chunks = b"".join(_png_chunk(b"zTXt", b"k%d\0\0" % i + text) for i in range(3_000))
    return _zip({f"{i:03d}.png": raw[:33] + chunks + raw[33:] for i in range(64)})  # after the IHDR chunk


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


WORST: dict[str, Callable[[], bytes]] = {
    # issue 12's cases
    "blank_512px_pngs.zip": lambda: _zip({f"{i:03d}.png": _png(np.zeros((512, 512), np.uint8)) for i in range(256)}),
    "uint8_64MB.npy": lambda: _npy(np.zeros((26_843, 50, 50), np.uint8)),
    "colour_pngs.zip": lambda: _pngs(_colour(d) for d in _designs(70)),
    "red_on_black_pngs.zip": lambda: _pngs(_red_on_black(d) for d in _designs(70)),
    "text_bomb_pngs.zip": _text_bomb_pngs,
    # the largest files that are accepted, in each form
    "uint8_01_20000.npy": lambda: _npy(_designs(20_000).astype(np.uint8)),
    "int64_01_3000.npy": lambda: _npy(_designs(3_000).astype(np.int64)),
    "greyscale_20000.npy": lambda: _npy(_designs(20_000).astype(np.uint8) * 255),
    "float64_fortran_3000.npy": lambda: _npy(np.asfortranarray(_designs(3_000) * 0.8 + 0.1)),
    "bool_compressed_20000.npz": lambda: _savez_compressed(_designs(20_000)),
    "pngs_20000.zip": lambda: _pngs(d.astype(np.uint8) * 255 for d in _designs(20_000)),
    # refused from the headers or the archive's directory
    "uint8_512px.npy": lambda: _npy(np.zeros((250, 512, 512), np.uint8)),
    "directory_bomb.zip": _directory_bomb,
}


def _savez_compressed(designs: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.savez_compressed(buf, designs=designs)
    return buf.getvalue()


def measure(names: list[str]) -> Iterator[tuple[str, dict]]:
    """Each file's figures, as soon as it is measured."""
    with tempfile.TemporaryDirectory(prefix="mechgan-upload-bench-") as folder:
        for name in names:
            path = Path(folder) / name
            path.write_bytes(WORST[name]())
            yield name, peak_extra(path)
            path.unlink()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", choices=sorted(WORST), help="measure these files only")
    args = parser.parse_args(argv)
    print(f"{'file':28} {'size':>9} {'peak extra':>11} {'x size':>7} {'allowed':>9}  outcome", flush=True)
    worst = 0.0
    for name, r in measure(args.only or list(WORST)):
        ratio = r["extra_bytes"] / r["file_bytes"]
        worst = max(worst, r["extra_bytes"] / r["allowed_bytes"])
        outcome = (f"{r['designs']} designs, {r['reading']}" if "designs" in r
                   else f"refused: {r['refused'][:70]}")
        print(f"{name:28} {r['file_bytes'] / MB:7.2f}MB {r['extra_bytes'] / MB:9.1f}MB {ratio:7.2f} "
              f"{r['allowed_bytes'] / MB:7.0f}MB  {outcome}", flush=True)
    print(f"worst peak extra / allowed: {worst:.2f} (limit: {LIMIT_RATIO}x the upload's size, "
          f"{LIMIT_BYTES // MB} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
