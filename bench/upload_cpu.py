"""CPU seconds of the costliest uploads, before and after the bound on one upload's image bytes.

    python bench/upload_cpu.py

Each file is read by the Data page's helper (``app.upload.load_upload``) in a
fresh process, once with ``mechgan.user_data.MAX_IMAGES_BYTES`` lifted (before the
bound) and once as shipped (after); the figure is that process's user + system
CPU time during the read.  The crafted file is a ~60 MB ZIP of PNG designs,
each carrying a private chunk that fills the member to the 4 MB a PNG may
take, compressed ~190x (under the archive's ratio limit): ~11 GB to inflate.
"""
from __future__ import annotations

import io
import json
import subprocess
import sys
import tempfile
import zipfile
import zlib
from pathlib import Path

import numpy as np

from upload_memory import ROOT, _designs, _png, _png_chunk, _pngs

MB = 2**20

_CHILD = r"""
import json, resource, sys
from app.upload import load_upload
from mechgan import user_data
from mechgan.user_data import DatasetError

if sys.argv[2] == "before":
    user_data.MAX_IMAGES_BYTES = 2**62
raw = open(sys.argv[1], "rb").read()
load_upload("warm.npy", open(sys.argv[3], "rb").read())  # imports and Pillow's plugins, outside the figure

def cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime

start = cpu()
try:
    outcome = f"{len(load_upload(sys.argv[1].rsplit('/', 1)[-1], raw).designs)} designs"
except DatasetError as e:
    outcome = "refused: " + str(e)[:60]
print(json.dumps({"cpu_s": cpu() - start, "outcome": outcome}))
"""


def _padded_png(design: np.ndarray, size: int) -> bytes:
    """A design's PNG with a private chunk after its header, the whole ``size`` bytes (CRCs correct)."""
    raw = _png(design.astype(np.uint8) * 255)
    rng, n = np.random.default_rng(0), size - len(raw) - 12
    filler = (rng.random(n) < 0.001) * rng.integers(1, 256, n)  # one random byte in 1,000: ~190x under deflate
    return raw[:33] + _png_chunk(b"prVt", filler.astype(np.uint8).tobytes()) + raw[33:]


def _repeated_member_zip(member: bytes, count: int) -> bytes:
    """``count`` copies of one member under their own names, compressed once (zipfile would do it ``count`` times)."""
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    packed = packer.compress(member) + packer.flush()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for i in range(count):
            info = zipfile.ZipInfo(f"designs/{i:05d}.png")
            info.compress_type, info.CRC = zipfile.ZIP_DEFLATED, zlib.crc32(member)
            info.file_size, info.compress_size, info.header_offset = len(member), len(packed), buf.tell()
            buf.write(info.FileHeader() + packed)
            zf.filelist.append(info)
            zf.NameToInfo[info.filename] = info
        zf.start_dir = buf.tell()
    return buf.getvalue()


def _inflate_bomb() -> bytes:
    member = _padded_png(_designs(1)[0], 4 * MB - 64)
    one = len(_repeated_member_zip(member, 1))
    return _repeated_member_zip(member, 60 * MB // one)


FILES = {
    "inflate_bomb_pngs_60MB.zip": _inflate_bomb,
    "padded_pngs_at_the_bound.zip": lambda: _repeated_member_zip(_padded_png(_designs(1)[0], MB - 1024), 64),
    "pngs_20000.zip": lambda: _pngs(d.astype(np.uint8) * 255 for d in _designs(20_000)),
}


def cpu_seconds(path: Path, mode: str, warm: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", _CHILD, str(path), mode, str(warm)], cwd=ROOT, capture_output=True,
                          text=True, timeout=600, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)})
    if done.returncode:
        raise RuntimeError(f"reading {path.name} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    print(f"{'file':30} {'size':>8} {'CPU before':>11} {'CPU after':>10}  outcome after", flush=True)
    with tempfile.TemporaryDirectory(prefix="mechgan-upload-cpu-") as folder:
        warm = Path(folder) / "warm.npy"
        np.save(warm, _designs(64))
        for name, make in FILES.items():
            path = Path(folder) / name
            path.write_bytes(make())
            before, after = cpu_seconds(path, "before", warm), cpu_seconds(path, "after", warm)
            print(f"{name:30} {path.stat().st_size / MB:6.1f}MB {before['cpu_s']:10.2f}s {after['cpu_s']:9.2f}s  "
                  f"{after['outcome']}", flush=True)
            path.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
