"""Build the shipped dataset: many SIMP runs over one cantilever specification family.

Candidate ``i`` of seed ``s`` draws its load case and volume from
``default_rng([s, i])``, so any candidate can be recomputed alone.  Candidates
run in chunks on every core; each finished chunk is written atomically to a
work folder, so an interrupted build resumes where it stopped.  The dataset is
the first ``n`` *valid* candidates in index order (valid: one 8-connected solid
piece touching the clamped edge and the load point; 8-connectivity is also what
``mechgan.metrics`` uses for floating material).
"""
from __future__ import annotations

import json
import multiprocessing as mp
import os
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from scipy import ndimage

from mechgan import topopt

CHUNK = 40


@dataclass(frozen=True)
class SpecFamily:
    """Ranges of the specification family (documented in the README)."""

    row_min: int = 10  # load node row on the right edge, 0 = top, 50 = bottom
    row_max: int = 40
    angle_max_deg: float = 40.0  # load direction within +-angle of straight down
    volfrac_min: float = 0.30
    volfrac_max: float = 0.50

    def draw(self, rng: np.random.Generator) -> tuple[int, float, float]:
        row = int(rng.integers(self.row_min, self.row_max + 1))
        return row, float(rng.uniform(-self.angle_max_deg, self.angle_max_deg)), \
            float(rng.uniform(self.volfrac_min, self.volfrac_max))


@dataclass(frozen=True)
class OutOfDistributionFamily:
    """Cases outside the shipped family on all three axes at once: loads a few rows beyond
    its band (above or below), steeper angles either way, thinner or heavier designs."""

    row_bands: tuple = ((2, 9), (41, 48))
    angle_min_deg: float = 40.0  # |angle| between these two
    angle_max_deg: float = 60.0
    volfrac_bands: tuple = ((0.25, 0.30), (0.50, 0.55))

    def draw(self, rng: np.random.Generator) -> tuple[int, float, float]:
        lo, hi = self.row_bands[rng.integers(len(self.row_bands))]
        row = int(rng.integers(lo, hi + 1))
        angle = rng.choice((-1.0, 1.0)) * rng.uniform(self.angle_min_deg, self.angle_max_deg)
        vlo, vhi = self.volfrac_bands[rng.integers(len(self.volfrac_bands))]
        return row, float(angle), float(rng.uniform(vlo, vhi))


FAMILY = SpecFamily()
OOD_FAMILY = OutOfDistributionFamily()
FAMILIES = {"shipped": FAMILY, "ood": OOD_FAMILY}
# The out-of-distribution test set of conditional models, shipped beside assets/designs.npz.
OOD_DATASET_PATH = Path(__file__).resolve().parent.parent / "assets" / "designs_ood.npz"


def candidate_params(seed: int, index: int, family=FAMILY) -> tuple[int, float, float]:
    """(load row, angle in degrees, target volume fraction) of one candidate, rounded so
    that the stored values regenerate it exactly."""
    row, angle, volfrac = family.draw(np.random.default_rng([seed, index]))
    return row, round(angle, 2), round(volfrac, 4)


def is_valid_design(design: np.ndarray, load_row: int) -> bool:
    """One 8-connected solid piece that touches the clamped edge and the load node."""
    _, count = ndimage.label(design, structure=np.ones((3, 3)))
    if count != 1:
        return False
    rows = [r for r in (load_row - 1, load_row) if 0 <= r < design.shape[0]]
    return bool(design[:, 0].any() and design[rows, -1].any())


def run_candidate(seed: int, index: int, family=FAMILY) -> dict:
    row, angle, volfrac = candidate_params(seed, index, family)
    res = topopt.optimize(topopt.LoadCase(row, angle), volfrac)
    return dict(index=index, row=row, angle=angle, volfrac_target=volfrac,
                volfrac=float(res.design.mean()), compliance=res.compliance,
                iterations=res.iterations, valid=is_valid_design(res.design, row),
                bits=np.packbits(res.design.ravel()))


def _run_chunk(args: tuple) -> int:
    """Compute one chunk unless it is already on disk; return its number of valid designs."""
    seed, chunk, size, work, family = args
    path = Path(work) / f"chunk_{chunk:06d}.npz"
    if not path.exists():
        runs = [run_candidate(seed, i, family) for i in range(chunk * size, (chunk + 1) * size)]
        tmp = path.with_suffix(".tmp.npz")
        np.savez(tmp, **{k: np.array([r[k] for r in runs]) for k in runs[0]})
        os.replace(tmp, path)
    with np.load(path) as z:
        return int(z["valid"].sum())


def _load_chunks(work: Path) -> dict[str, np.ndarray]:
    """All finished chunks, contiguous from chunk 0, concatenated in index order."""
    parts, chunk = [], 0
    while (work / f"chunk_{chunk:06d}.npz").exists():
        with np.load(work / f"chunk_{chunk:06d}.npz") as z:
            parts.append({k: z[k] for k in z.files})
        chunk += 1
    if not parts:
        return {}
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def build(n: int, seed: int, out: Path, work: Path, workers: int | None = None,
          progress=None, chunk: int = CHUNK, family=FAMILY) -> dict:
    """Build (or resume) ``n`` valid designs of ``family``; write ``out``; return a summary."""
    _claim_work_dir(work, seed, chunk, family)
    workers = workers or os.cpu_count() or 1
    # One BLAS thread per worker process: the workers already fill the cores.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    while True:
        done = _load_chunks(work)
        valid = int(done["valid"].sum()) if done else 0
        if progress:
            progress(min(valid, n), n)
        if valid >= n:
            break
        first = len(done["valid"]) // chunk if done else 0
        missing = int(np.ceil((n - valid) * 1.05 / chunk)) + 1
        jobs = [(seed, c, chunk, str(work), family) for c in range(first, first + missing)]
        with mp.get_context("spawn").Pool(workers) as pool:
            for new in pool.imap_unordered(_run_chunk, jobs):
                valid += new
                if progress:
                    progress(min(valid, n), n)
    return _write(done, n, seed, out, family)


def _claim_work_dir(work: Path, seed: int, chunk: int, family=FAMILY) -> None:
    """Record what the chunks in ``work`` belong to; refuse to mix two builds."""
    work.mkdir(parents=True, exist_ok=True)
    stamp = work / "build.json"
    mine = {"seed": seed, "chunk": chunk, "settings": asdict(topopt.SimpSettings()),
            "family": _family_json(family)}
    if stamp.exists():
        theirs = json.loads(stamp.read_text())
        if theirs != mine:
            raise ValueError(f"{work} holds chunks of another build ({theirs}); "
                             "use another --work folder")
    else:
        stamp.write_text(json.dumps(mine))


def _family_json(family) -> dict:
    """The family as the build stamp and the dataset's meta store it (tuples as JSON lists)."""
    return json.loads(json.dumps(asdict(family)))


def _write(done: dict[str, np.ndarray], n: int, seed: int, out: Path, family=FAMILY) -> dict:
    keep = np.flatnonzero(done["valid"])[:n]
    last = int(done["index"][keep[-1]])
    discarded = int((~done["valid"][: last + 1]).sum())
    meta = dict(seed=seed, n=n, candidates=last + 1, discarded=discarded,
                family=_family_json(family), settings=asdict(topopt.SimpSettings()),
                shape=[50, 50])
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp.npz")
    np.savez_compressed(
        tmp, bits=done["bits"][keep], candidate=done["index"][keep].astype(np.int32),
        load_row=done["row"][keep].astype(np.int16), load_angle_deg=done["angle"][keep],
        volfrac_target=done["volfrac_target"][keep], volfrac=done["volfrac"][keep],
        compliance=done["compliance"][keep], iterations=done["iterations"][keep].astype(np.int16),
        meta=np.array(json.dumps(meta)))
    os.replace(tmp, out)
    return meta
