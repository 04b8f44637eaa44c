"""Physics of designs made to a specification, judged against SIMP on the same case.

The measures of the generative topology optimization papers (TopologyGAN, TopoDiff):

* CE, compliance error: C(design) / C(SIMP) - 1, both solved by ``mechgan.topopt``'s FE
  on the binary designs (a generated design is binarized at mid-level, as generated);
  negative when the design is heavier than asked;
* VFE, volume-fraction error: |VF - VF target| / VF target;
* FM, floating material: more than one solid piece (8-connected, as the builder's check;
  4-connected also reported), an empty design counting as floating;
* LD, load disrespect: no solid element at the load node (the two right-edge elements it touches);
* support contact: some solid on the clamped edge.
"""
from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
from scipy import ndimage

from mechgan import data, topopt
from mechgan.metrics import Criterion

_EIGHT, _FOUR = np.ones((3, 3), bool), ndimage.generate_binary_structure(2, 1)
COLUMNS = ("median_ce", "median_abs_ce", "ce_loaded", "median_vfe", "fm8", "fm4", "ld", "support", "n")
LIVE_CASES = 24  # held-out test cases the Lab's Quality view measures a training run on, on the metrics' budget
# Issue 14's targets for a conditional model on held-out cases (the Lab's Quality view shows them); CE as
# |CE|: a design heavier than asked has a negative CE, and "CE <= 5 %" would call it a success.
TARGETS = MappingProxyType({c.key: c for c in (
    Criterion("median_abs_ce", "<=", 0.05),
    Criterion("median_vfe", "<=", 0.02),
    Criterion("fm8", "<=", 0.05),
    Criterion("ld", "<=", 0.01),
)})


@dataclass(frozen=True)
class Cases:
    """Load cases with their SIMP answer: the reference every generated design is held to."""

    rows: np.ndarray
    angles: np.ndarray
    volfracs: np.ndarray  # targets
    simp_designs: np.ndarray  # (n, 50, 50) bool
    simp_compliance: np.ndarray

    @classmethod
    def of(cls, ds: data.DesignSet, indices: np.ndarray | None = None) -> "Cases":
        i = np.arange(len(ds)) if indices is None else np.asarray(indices)
        return cls(ds.load_row[i], ds.load_angle_deg[i], ds.volfrac_target[i], ds.designs[i], ds.compliance[i])

    def __len__(self) -> int:
        return len(self.rows)

    def load_case(self, i: int) -> topopt.LoadCase:
        return topopt.LoadCase(int(self.rows[i]), float(self.angles[i]))


def pieces(design: np.ndarray, four_connected: bool = False) -> int:
    """Number of solid pieces of one bool design."""
    return int(ndimage.label(design, structure=_FOUR if four_connected else _EIGHT)[1])


def load_disrespect(design: np.ndarray, row: int) -> bool:
    """True when no solid element touches the load node (right edge, node row ``row``)."""
    rows = [r for r in (row - 1, row) if 0 <= r < design.shape[0]]
    return not bool(design[rows, -1].any())


def compliance_error(design: np.ndarray, case: topopt.LoadCase, simp_compliance: float) -> float:
    """C(design) / C(SIMP) - 1: 0 matches SIMP, 0.05 is 5 % more flexible; void under the load is huge."""
    return topopt.compliance(design, case) / simp_compliance - 1.0


def measure(designs: np.ndarray, cases: Cases) -> dict[str, np.ndarray]:
    """Per-design CE, VFE, FM (8 / 4), LD and support contact of ``designs[i]`` on ``cases[i]``."""
    designs = np.asarray(designs, bool)
    if designs.shape != cases.simp_designs.shape:
        raise ValueError(f"need one (50, 50) design per case: got {designs.shape} for {len(cases)} cases")
    vf = designs.reshape(len(designs), -1).mean(axis=1)
    return {
        "ce": np.array([compliance_error(d, cases.load_case(i), cases.simp_compliance[i])
                        for i, d in enumerate(designs)]),
        "vfe": np.abs(vf - cases.volfracs) / cases.volfracs,
        "fm8": np.array([pieces(d) != 1 for d in designs]),
        "fm4": np.array([pieces(d, four_connected=True) != 1 for d in designs]),
        "ld": np.array([load_disrespect(d, int(r)) for d, r in zip(designs, cases.rows)]),
        "support": designs[:, :, 0].any(axis=1),
    }


def summarize(per_design: dict[str, np.ndarray]) -> dict[str, float]:
    """The table's row: medians of CE, |CE| and VFE, rates of FM, LD and support.

    CE is signed: a design heavier than its target can beat SIMP's compliance (VFE shows it),
    so the median of |CE| is given too, and over the designs with material under the load alone
    (``ce_loaded``; NaN when none has): void under the load makes CE huge, and the plain median then
    says only that LD passed 50 %.
    """
    ce = per_design["ce"]
    loaded = np.abs(ce[~per_design["ld"]])
    return {"median_ce": float(np.median(ce)), "median_abs_ce": float(np.median(np.abs(ce))),
            "ce_loaded": float(np.median(loaded)) if len(loaded) else float("nan"),
            "median_vfe": float(np.median(per_design["vfe"])),
            **{k: float(np.mean(per_design[k])) for k in ("fm8", "fm4", "ld", "support")}, "n": len(ce)}


def format_table(rows: dict[str, dict[str, float]]) -> str:
    """Rows {label: summary} as a fixed-width text table (percentages)."""
    head = f"{'':28s}" + "".join(f"{c:>15s}" for c in COLUMNS)
    lines = [head]
    for label, r in rows.items():
        cells = "".join(f"{r[c]:>15d}" if c == "n" else f"{100 * r[c]:>14.1f}%" for c in COLUMNS)
        lines.append(f"{label:28s}{cells}")
    return "\n".join(lines)
