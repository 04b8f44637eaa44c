"""Presets that show the lab's phenomena on the designs; each changes only live settings.

``tests/test_presets.py`` runs every preset briefly on fixed seeds and checks
that its phenomenon shows in the numbers, and ``tests/app/test_preset_health.py``
that the Lab's health messages say the same, so a description (``app/i18n.py``)
is a claim the tests hold us to.  Every preset trains on the plain GAN objective (no
connect penalty), so the learning rates and step counts alone make what is seen.
A preset describes a run from its start: the Lab restarts the run when one is
picked (the same rates applied to a trained network do something else).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Mapping

from mechgan.config import TrainConfig

_PLAIN = {"connect_weight": 0.0}
BALANCED_LR = 2e-4  # the DCGAN paper's rate: calm enough that the Lab's health has nothing to say


def _rate(scale: float) -> float:
    """``scale`` times Balanced's rate, as round as the sliders' steps (2e-7, not 2.0000000000000002e-07)."""
    return float(f"{scale * BALANCED_LR:.3g}")


@dataclass(frozen=True)
class Preset:
    """A named experiment: its title and description are ``preset_<name>`` and ``preset_<name>_about`` in
    ``app/i18n.py``, in English and French."""

    name: str
    changes: dict = field(default_factory=dict)

    def apply(self, config: TrainConfig) -> TrainConfig:
        return config.with_changes(**self.changes)

    def holds(self, settings: Mapping[str, Any]) -> bool:
        """Every setting the preset fixes has its value in ``settings`` (field -> value)."""
        return all(name in settings and _same(settings[name], value) for name, value in self.changes.items())


_PRESETS = (
    Preset("balanced", {"lr_g": _rate(1), "lr_d": _rate(1), "k_d": 1, "k_g": 1} | _PLAIN),
    Preset("both_large", {"lr_g": _rate(100), "lr_d": _rate(100), "k_d": 1, "k_g": 1} | _PLAIN),
    Preset("both_small", {"lr_g": _rate(1e-3), "lr_d": _rate(1e-3), "k_d": 1, "k_g": 1} | _PLAIN),
    Preset("d_too_strong", {"lr_d": _rate(10), "lr_g": _rate(0.1), "k_d": 5, "k_g": 1} | _PLAIN),
    Preset("g_too_strong", {"lr_g": _rate(10), "lr_d": _rate(0.1), "k_g": 5, "k_d": 1} | _PLAIN),
)

PRESETS: dict[str, Preset] = {p.name: p for p in _PRESETS}


def matching(settings: Mapping[str, Any]) -> Preset | None:
    """The preset whose every setting ``settings`` has, or None: what a page shows is derived from the
    settings, so it never names a preset the student has since left."""
    return next((p for p in _PRESETS if p.holds(settings)), None)


def _same(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return not isinstance(a, bool) and math.isclose(a, b, rel_tol=1e-9)
    return a == b
