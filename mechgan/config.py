"""The parameter table: every training setting's default, choices or range, and how it applies.

``TrainConfig`` holds the defaults (the one source the CLI, the app and the
tests read); ``PARAMS`` says, for each of its fields, what values it takes,
whether a running Trainer can change it between two steps (``live``) or it
needs a reset, which sidebar group shows it and which widget steps a student
moves through.  Validation, the CLI's options, the Lab's widgets, the presets
and the tests' slider extremes all derive from this one table.
"""
from __future__ import annotations

import math
import numbers
import re
from dataclasses import asdict, dataclass, fields, replace

from mechgan.errors import Refusal


class SettingError(Refusal):
    """A value a setting does not take; ``name`` is the setting (``fields["setting"]`` too)."""

    def __init__(self, name: str, message: str, code: str, **fields):
        super().__init__(message, code, setting=name, **fields)
        self.name = name


# What a switch reads as, in a link, on the command line or in JSON ("1" is no switch word: 1 is no True).
SWITCH_WORDS = {"true": True, "yes": True, "false": False, "no": False}


@dataclass(frozen=True)
class Param:
    """One setting.  ``choices``: the only values allowed; else ``low``..``high`` bounds the value
    (``open_low``: ``low`` itself excluded; ``open_high``: ``high`` excluded).  ``steps``: the values
    the Lab's slider offers (a subset of the allowed range); ``group``: the sidebar group, or None
    when the setting is left to the CLI and notebooks."""

    live: bool
    choices: tuple = ()
    low: float | None = None
    high: float | None = None
    open_low: bool = False
    open_high: bool = False
    steps: tuple = ()
    group: str | None = None

    @property
    def widget(self) -> str:
        if self.choices == (False, True):
            return "toggle"
        return "select" if self.choices else "steps" if self.steps else "number"

    @property
    def options(self) -> tuple:
        """What a student picks from: the choices, or the slider's steps."""
        return self.choices or self.steps

    def check(self, name: str, value) -> None:
        """Raise a ValueError that names the setting when ``value`` is not allowed."""
        if self.choices:
            if value not in self.choices or type(value) is not type(self.choices[0]):  # 1 is no True
                raise SettingError(name, f"{name} must be one of {', '.join(map(str, self.choices))}; "
                                         f"got {_shown(value)}", "setting_choice", value=_shown(value),
                                   choices=", ".join(map(str, self.choices)))
            return
        # an int is compared exactly (math.isfinite would overflow on 10**400)
        if not isinstance(value, numbers.Real) or isinstance(value, bool) or \
                (not isinstance(value, numbers.Integral) and not math.isfinite(value)):
            raise SettingError(name, f"{name} must be a finite number, got {_shown(value)}", "setting_number",
                               value=_shown(value))
        too_low = self.low is not None and (value <= self.low if self.open_low else value < self.low)
        too_high = self.high is not None and (value >= self.high if self.open_high else value > self.high)
        if too_low or too_high:
            raise SettingError(name, f"{name} must be in {self.range_text()}, got {_shown(value)}", "setting_range",
                               range=self.range_text(), value=_shown(value))

    def range_text(self) -> str:
        low = "-inf" if self.low is None else _number(self.low)
        high = "inf" if self.high is None else _number(self.high)
        return f"{'(' if self.open_low else '['}{low}, {high}{')' if self.open_high else ']'}"


def _shown(value) -> str:
    """A wrong value in a message, cut short: a link may carry a number of thousands of digits."""
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:20]}...({len(text)} characters)"


def _number(value: float) -> str:
    return str(value) if isinstance(value, int) else f"{value:g}"


def _log_steps(low_exp: int, high_exp: int) -> tuple[float, ...]:
    """Round values on a log scale, 10**low_exp .. 10**high_exp (1, 2, 3, 5 per decade)."""
    return tuple(round(m * 10.0 ** e, 12) for e in range(low_exp, high_exp) for m in (1, 2, 3, 5)) \
        + (10.0 ** high_exp,)


_LR = dict(live=True, low=0.0, high=10.0, open_low=True, steps=_log_steps(-7, 0), group="training")
_OPTIMIZER = dict(live=True, choices=("adam", "sgd", "rmsprop"), group="training")
_UPDATES = dict(live=True, low=1, high=100, steps=tuple(range(1, 11)), group="training")

PARAMS: dict[str, Param] = {
    "architecture": Param(live=False, choices=("nf", "tutorial"), group="model"),
    "conditional": Param(live=False, choices=(False, True), group="model"),
    "nf": Param(live=False, low=1, high=256, steps=(4, 8, 16, 32, 64), group="model"),
    "latent_dim": Param(live=False, low=1, high=1024, steps=(2, 4, 8, 16, 32, 64, 100, 128), group="model"),
    "batch_size": Param(live=False, low=1, high=4096, steps=(8, 16, 32, 64, 128, 256), group="model"),
    "seed": Param(live=False, low=0, high=2**31 - 1, group="model"),
    "lr_g": Param(**_LR),
    "lr_d": Param(**_LR),
    "optimizer_g": Param(**_OPTIMIZER),
    "optimizer_d": Param(**_OPTIMIZER),
    "loss": Param(live=True, choices=("minimax", "nonsaturating", "least_squares", "hinge", "wgan_gp"),
                  group="training"),
    "k_d": Param(**_UPDATES),
    "k_g": Param(**_UPDATES),
    "connect_weight": Param(live=True, low=0.0, high=1000.0, steps=(0.0, 1.0, 3.0, 10.0, 30.0, 100.0),
                            group="training"),
    "recon_weight": Param(live=True, low=0.0, high=1000.0, steps=(0.0, 1.0, 3.0, 10.0, 30.0, 100.0),
                          group="training"),
    "beta1": Param(live=True, low=0.0, high=1.0, open_high=True),
    "beta2": Param(live=True, low=0.0, high=1.0, open_high=True),
    "momentum": Param(live=True, low=0.0, high=1.0, open_high=True),
    "label_smoothing": Param(live=True, low=0.0, high=0.5, open_high=True),
    "instance_noise": Param(live=True, low=0.0, high=100.0),
    "gp_weight": Param(live=True, low=0.0, high=1e7),
    "ema": Param(live=True, low=0.0, high=1.0, open_high=True),
}

ARCHITECTURES = PARAMS["architecture"].choices
LOSSES = PARAMS["loss"].choices
OPTIMIZERS = PARAMS["optimizer_g"].choices
# Fields a running Trainer can change between two steps; every other field needs a reset.
LIVE_FIELDS = frozenset(name for name, p in PARAMS.items() if p.live)
# Settings that saved runs, links and MECHGAN_DEFAULTS written before a rename still carry, by their new
# name: the speck penalty became the connect penalty, which pushes the same specks just as hard.
RENAMED = {"speck_weight": "connect_weight"}
# Losses whose D outputs a probability (a sigmoid of its logit); under the others D gives a score.
PROBABILITY_LOSSES = ("minimax", "nonsaturating")


def current_name(name: str) -> str:
    """A setting's name today (an old name from ``RENAMED`` maps to its new one)."""
    return RENAMED.get(name, name)


def check(name: str, value) -> None:
    """Validate one setting against the table (ValueError naming it)."""
    PARAMS[name].check(name, value)


def parse(name: str, raw):
    """The value of setting ``name`` from a link's or the command line's text, or a JSON value, checked.

    The one reading of an outside value, shared by the links, the CLI and
    ``MECHGAN_DEFAULTS``: non-finite and huge numbers, fractions of a whole
    setting and unknown words raise a :class:`SettingError` naming the setting.  An old name
    (``RENAMED``) reads as its new one.
    """
    name = current_name(name)
    if name not in PARAMS:
        raise SettingError(name, f"unknown setting {name!r}", "setting_unknown")
    kind = type(getattr(DEFAULTS, name))
    value = _typed(name, kind, raw.strip() if isinstance(raw, str) else raw)
    check(name, value)
    return value


def _typed(name: str, kind: type, raw):
    """``raw`` as ``kind`` (bool, int, float or str), or a SettingError; range checks come after."""
    if kind is bool:
        value = SWITCH_WORDS.get(raw.lower(), raw) if isinstance(raw, str) else raw
        if not isinstance(value, bool):
            raise SettingError(name, f"{name} must be true or false, got {_shown(raw)}", "setting_switch",
                               value=_shown(raw))
        return value
    if kind is str or isinstance(raw, bool) or not isinstance(raw, (str, numbers.Real)):
        return raw  # the check says what the setting takes
    try:
        number = raw if not isinstance(raw, str) else int(raw) if re.fullmatch(r"[+-]?\d+", raw) else float(raw)
        if kind is float:
            return float(number)  # OverflowError for an int past float's range
    except (ValueError, OverflowError):  # 5,000 digits exceed int()'s limit: a ValueError too
        raise SettingError(name, f"{name} must be a finite number, got {_shown(raw)}", "setting_number",
                           value=_shown(raw)) from None
    if isinstance(number, float) and not number.is_integer():  # inf and nan included
        raise SettingError(name, f"{name} must be a whole finite number, got {_shown(raw)}", "setting_whole",
                           value=_shown(raw))
    return int(number)


@dataclass(frozen=True)
class TrainConfig:
    architecture: str = "nf"
    nf: int = 16
    latent_dim: int = 100
    loss: str = "nonsaturating"
    optimizer_g: str = "adam"
    optimizer_d: str = "adam"
    lr_g: float = 5e-4
    lr_d: float = 5e-4
    beta1: float = 0.5
    beta2: float = 0.999
    momentum: float = 0.0
    k_d: int = 1
    k_g: int = 1
    batch_size: int = 32
    seed: int = 0
    label_smoothing: float = 0.0
    instance_noise: float = 0.0
    gp_weight: float = 10.0
    # Samples come from an exponential moving average of G's weights (0: from G itself).
    ema: float = 0.99
    # Weight of G's connect penalty (mechgan.losses.connect_penalty): material cut off from the
    # piece that joins the clamped edge to the load costs G this much times its cross-entropy towards
    # void, per 100 pixels.  0 gives the plain GAN objective (the term is not computed).
    connect_weight: float = 10.0
    # A conditional GAN (mechgan.conditional): G(z, c) and D(x, c) for c = (load row, angle, volume),
    # trained on the shipped designs' training split; G is also pulled (L1, recon_weight) towards the
    # real design of the same case, as TopologyGAN does.
    conditional: bool = False
    recon_weight: float = 30.0

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            check(f.name, value)
            if isinstance(f.default, int) and not float(value).is_integer():
                raise SettingError(f.name, f"{f.name} must be a whole number, got {value}", "setting_whole",
                                   value=_shown(value))

    def with_changes(self, **changes) -> "TrainConfig":
        unknown = set(changes) - {f.name for f in fields(self)}
        if unknown:
            raise SettingError(", ".join(sorted(unknown)), f"unknown setting(s): {', '.join(sorted(unknown))}",
                               "setting_unknown")
        return replace(self, **changes)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict) -> "TrainConfig":
        known = {f.name for f in fields(cls)}
        renamed = {current_name(k): v for k, v in values.items() if k in RENAMED and current_name(k) not in values}
        return cls(**{k: v for k, v in (values | renamed).items() if k in known})


DEFAULTS = TrainConfig()
