"""The one source of truth for training defaults (CLI, app and tests read it)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace

ARCHITECTURES = ("nf", "tutorial")
LOSSES = ("minimax", "nonsaturating", "least_squares", "hinge", "wgan_gp")
OPTIMIZERS = ("adam", "sgd", "rmsprop")

# Fields a running Trainer can change between two steps; every other field
# (architecture, nf, latent size, batch size, seed) needs a reset.
LIVE_FIELDS = frozenset({
    "lr_g", "lr_d", "optimizer_g", "optimizer_d", "beta1", "beta2", "momentum",
    "loss", "k_d", "k_g", "label_smoothing", "instance_noise", "gp_weight", "ema", "speck_weight",
})


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
    # Weight of G's speck penalty (mechgan.losses.speck_penalty): small pieces cut off from
    # the structure cost G this much times their cross-entropy towards void, per 100 pixels.
    # 0 gives the plain GAN objective.
    speck_weight: float = 10.0

    def __post_init__(self) -> None:
        _check_choice("architecture", self.architecture, ARCHITECTURES)
        _check_choice("loss", self.loss, LOSSES)
        _check_choice("optimizer_g", self.optimizer_g, OPTIMIZERS)
        _check_choice("optimizer_d", self.optimizer_d, OPTIMIZERS)
        for name in ("nf", "latent_dim", "k_d", "k_g", "batch_size"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}")
        for name in ("lr_g", "lr_d"):
            if not 0 < getattr(self, name) <= 10:
                raise ValueError(f"{name} must be in (0, 10], got {getattr(self, name)}")
        if not 0 <= self.ema < 1:
            raise ValueError(f"ema must be in [0, 1), got {self.ema}")
        if not 0 <= self.speck_weight <= 1000:
            raise ValueError(f"speck_weight must be in [0, 1000], got {self.speck_weight}")
        if not 0 <= self.label_smoothing < 0.5:
            raise ValueError(f"label_smoothing must be in [0, 0.5), got {self.label_smoothing}")

    def with_changes(self, **changes) -> "TrainConfig":
        unknown = set(changes) - {f.name for f in fields(self)}
        if unknown:
            raise ValueError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        return replace(self, **changes)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict) -> "TrainConfig":
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in known})


def _check_choice(name: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}; got {value!r}")
