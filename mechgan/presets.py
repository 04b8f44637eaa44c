"""Presets that show the lab's phenomena on the designs; each changes only live settings.

``tests/test_presets.py`` runs every preset briefly on fixed seeds and checks
that its phenomenon shows in the numbers, so a description here is a claim
the tests hold us to.  Every preset trains on the plain GAN objective (no
speck penalty), so the learning rates and step counts alone make what is seen.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from mechgan.config import TrainConfig

_DEFAULT = TrainConfig()
_PLAIN = {"speck_weight": 0.0}


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


_PRESETS = (
    Preset("balanced", "Balanced", "Équilibré",
           "Both players learn at the default, matched pace: the losses settle around their equilibrium "
           "values and D(real) and D(fake) stay apart but away from 0 and 1.",
           "Les deux joueurs apprennent au même rythme (réglages par défaut) : les pertes se stabilisent "
           "autour de leur valeur d'équilibre et D(réel) et D(faux) restent distincts sans atteindre 0 ou 1.",
           {"lr_g": _DEFAULT.lr_g, "lr_d": _DEFAULT.lr_d, "k_d": 1, "k_g": 1} | _PLAIN),
    Preset("both_large", "Both learning rates large", "Deux taux d'apprentissage grands",
           "With both learning rates a hundred times too large, every update overshoots: the losses jump "
           "and oscillate wildly from one iteration to the next instead of settling.",
           "Avec des taux d'apprentissage cent fois trop grands, chaque mise à jour dépasse sa cible : les "
           "pertes sautent et oscillent violemment d'une itération à l'autre au lieu de se stabiliser.",
           {"lr_g": 100 * _DEFAULT.lr_g, "lr_d": 100 * _DEFAULT.lr_d, "k_d": 1, "k_g": 1} | _PLAIN),
    Preset("both_small", "Both learning rates small", "Deux taux d'apprentissage petits",
           "With both learning rates a thousand times too small, nothing happens: the losses stay at their "
           "starting values and the weights barely move, so the samples stay shapeless blobs.",
           "Avec des taux d'apprentissage mille fois trop petits, rien ne se passe : les pertes restent à "
           "leur valeur de départ et les poids bougent à peine, les échantillons restent des taches informes.",
           {"lr_g": _DEFAULT.lr_g / 1000, "lr_d": _DEFAULT.lr_d / 1000, "k_d": 1, "k_g": 1} | _PLAIN),
    Preset("d_too_strong", "Discriminator too strong", "Discriminateur trop fort",
           "With ten times the default learning rate, against a tenth for the generator, and five steps per "
           "generator step, the discriminator rejects every fake (D(fake) falls to 0) and the generator's "
           "loss climbs.",
           "Avec dix fois le taux d'apprentissage par défaut, contre un dixième pour le générateur, et cinq "
           "pas par pas du générateur, le discriminateur rejette tous les faux (D(faux) tombe à 0) et la "
           "perte du générateur grimpe.",
           {"lr_d": 10 * _DEFAULT.lr_d, "lr_g": _DEFAULT.lr_g / 10, "k_d": 5, "k_g": 1} | _PLAIN),
    Preset("g_too_strong", "Generator too strong", "Générateur trop fort",
           "With ten times the default learning rate, against a tenth for the discriminator, and five steps "
           "per discriminator step, the generator fools the lagging discriminator (D(fake) rises above "
           "D(real)) without learning what real designs look like.",
           "Avec dix fois le taux d'apprentissage par défaut, contre un dixième pour le discriminateur, et "
           "cinq pas par pas du discriminateur, le générateur trompe un discriminateur à la traîne (D(faux) "
           "dépasse D(réel)) sans apprendre à quoi ressemblent de vraies pièces.",
           {"lr_g": 10 * _DEFAULT.lr_g, "lr_d": _DEFAULT.lr_d / 10, "k_g": 5, "k_d": 1} | _PLAIN),
)

PRESETS: dict[str, Preset] = {p.name: p for p in _PRESETS}
