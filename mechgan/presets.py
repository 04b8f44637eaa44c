"""Presets that show the lab's phenomena on the designs; each changes only live settings.

``tests/test_presets.py`` runs every preset briefly on fixed seeds and checks
that its phenomenon shows in the numbers, and ``tests/app/test_preset_health.py``
that the Lab's health messages say the same, so a description here is a claim
the tests hold us to.  Every preset trains on the plain GAN objective (no
speck penalty), so the learning rates and step counts alone make what is seen.
A preset describes a run from its start: the Lab restarts the run when one is
picked (the same rates applied to a trained network do something else).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Mapping

from mechgan.config import TrainConfig

_PLAIN = {"speck_weight": 0.0}
BALANCED_LR = 2e-4  # the DCGAN paper's rate: calm enough that the Lab's health has nothing to say


def _rate(scale: float) -> float:
    """``scale`` times Balanced's rate, as round as the sliders' steps (2e-7, not 2.0000000000000002e-07)."""
    return float(f"{scale * BALANCED_LR:.3g}")


@dataclass(frozen=True)
class Preset:
    name: str
    title_en: str
    title_fr: str
    description_en: str
    description_fr: str
    changes: dict = field(default_factory=dict)

    def apply(self, config: TrainConfig) -> TrainConfig:
        return config.with_changes(**self.changes)

    def holds(self, settings: Mapping[str, Any]) -> bool:
        """Every setting the preset fixes has its value in ``settings`` (field -> value)."""
        return all(name in settings and _same(settings[name], value) for name, value in self.changes.items())


_PRESETS = (
    Preset("balanced", "Balanced", "Équilibré",
           "Both players learn at the DCGAN paper's matched pace (2e-4): the losses settle around their "
           "equilibrium values and D(real) and D(generated) stay apart but away from 0 and 1, with no warning.",
           "Les deux joueurs apprennent au même rythme, celui de l'article DCGAN (2e-4) : les pertes se "
           "stabilisent autour de leur valeur d'équilibre et D(réel) et D(généré) restent distincts sans atteindre "
           "0 ou 1, sans avertissement.",
           {"lr_g": _rate(1), "lr_d": _rate(1), "k_d": 1, "k_g": 1} | _PLAIN),
    Preset("both_large", "Both learning rates large", "Deux taux d'apprentissage grands",
           "With both learning rates a hundred times Balanced's (2e-2), every update overshoots: D's verdicts "
           "and the losses jump from one iteration to the next instead of settling (the Lab says they oscillate).",
           "Avec des taux d'apprentissage cent fois ceux d'Équilibré (2e-2), chaque mise à jour dépasse sa "
           "cible : les verdicts de D et les pertes sautent d'une itération à l'autre au lieu de se stabiliser "
           "(le Lab dit qu'ils oscillent).",
           {"lr_g": _rate(100), "lr_d": _rate(100), "k_d": 1, "k_g": 1} | _PLAIN),
    Preset("both_small", "Both learning rates small", "Deux taux d'apprentissage petits",
           "With both learning rates a thousand times Balanced's (2e-7), nothing happens: the losses stay at "
           "their starting values, D cannot tell real from generated and the samples stay shapeless blobs (the "
           "Lab says it is barely learning).",
           "Avec des taux d'apprentissage mille fois plus petits que ceux d'Équilibré (2e-7), rien ne se passe : "
           "les pertes restent à leur valeur de départ, D ne distingue pas le réel du généré et les échantillons "
           "restent des taches informes (le Lab dit que l'apprentissage est presque à l'arrêt).",
           {"lr_g": _rate(1e-3), "lr_d": _rate(1e-3), "k_d": 1, "k_g": 1} | _PLAIN),
    Preset("d_too_strong", "Discriminator too strong", "Discriminateur trop fort",
           "With ten times Balanced's learning rate, against a tenth for the generator, and five steps per "
           "generator step, the discriminator rejects every fake (D(generated) falls to 0) and the generator's "
           "loss climbs (the Lab says D wins).",
           "Avec dix fois le taux d'apprentissage d'Équilibré, contre un dixième pour le générateur, et cinq "
           "pas par pas du générateur, le discriminateur rejette tous les faux (D(généré) tombe à 0) et la "
           "perte du générateur grimpe (le Lab dit que D gagne).",
           {"lr_d": _rate(10), "lr_g": _rate(0.1), "k_d": 5, "k_g": 1} | _PLAIN),
    Preset("g_too_strong", "Generator too strong", "Générateur trop fort",
           "With ten times Balanced's learning rate, against a tenth for the discriminator, and five steps "
           "per discriminator step, the generator fools the lagging discriminator (D(generated) rises above "
           "D(real)) without learning what real designs look like: its designs end up all alike (the Lab says "
           "G fools D, then that G collapses).",
           "Avec dix fois le taux d'apprentissage d'Équilibré, contre un dixième pour le discriminateur, et "
           "cinq pas par pas du discriminateur, le générateur trompe un discriminateur à la traîne (D(généré) "
           "dépasse D(réel)) sans apprendre à quoi ressemblent de vraies pièces : ses pièces finissent toutes "
           "pareilles (le Lab dit que G trompe D, puis que G s'effondre).",
           {"lr_g": _rate(10), "lr_d": _rate(0.1), "k_g": 5, "k_d": 1} | _PLAIN),
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
