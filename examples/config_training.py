"""Load a training config (YAML, TOML or OmegaConf) whose learning rate is an lrdsl schedule, and train.

    python examples/config_training.py examples/configs/train.yaml
    python examples/config_training.py examples/configs/train.toml
    python examples/config_training.py examples/configs/train_omegaconf.yaml --omegaconf

The config is validated by a pydantic model with an ``lrdsl.ScheduleField``: a typo in the
schedule fails at load time with lrdsl's caret message, not an hour into training. The model is
a small PyTorch regression trained for the config's epochs with ``lrdsl.torch.scheduler``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import tomllib
from pydantic import BaseModel, Field, ValidationError

import lrdsl


class TrainConfig(BaseModel):
    """What a config file holds."""

    epochs: int = Field(gt=0)
    steps_per_epoch: int = Field(gt=0)
    lr: lrdsl.ScheduleField
    params: dict[str, float] = {}


def register_omegaconf_resolver() -> None:
    """``${lrdsl:"…"}`` in OmegaConf/Hydra configs: parsed and checked, canonical text returned."""
    from omegaconf import OmegaConf

    if OmegaConf.has_resolver("lrdsl"):
        return
    # register_new_resolver (OmegaConf ≥ 2.1) resolves ${peak} inside the argument first; the
    # legacy register_resolver, still in 2.3 (the newest Hydra 1.3 accepts), refuses nested ones.
    OmegaConf.register_new_resolver("lrdsl", lambda text: str(lrdsl.parse(str(text))))


def load(path: Path, omegaconf: bool = False) -> TrainConfig:
    """Read ``path`` and validate it (raises pydantic's ``ValidationError`` or ``LrdslError``)."""
    raw: Any
    if omegaconf:
        from omegaconf import OmegaConf

        register_omegaconf_resolver()
        raw = OmegaConf.to_container(OmegaConf.load(path), resolve=True)
        raw.pop("peak", None)  # interpolated into the schedule already
    elif path.suffix == ".toml":
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    else:
        import yaml

        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return TrainConfig.model_validate(raw)


def train(config: TrainConfig) -> list[float]:
    """A few epochs of a small regression with the config's schedule; returns the lr of each step."""
    import torch

    torch.manual_seed(0)
    total = config.epochs * config.steps_per_epoch
    model = torch.nn.Linear(8, 1)
    opt = torch.optim.SGD(model.parameters(), lr=1.0)
    sched = lrdsl.torch.scheduler(opt, config.lr, total, config.steps_per_epoch, params=config.params)
    x, y = torch.randn(64, 8), torch.randn(64, 1)
    seen = []
    for _ in range(total):
        seen.append(opt.param_groups[0]["lr"])
        loss = torch.nn.functional.mse_loss(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
    print(f"{config.lr}: {total} steps, final loss {loss.item():.4f}")
    return seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("config", type=Path)
    parser.add_argument("--omegaconf", action="store_true", help="load with OmegaConf and the lrdsl resolver")
    args = parser.parse_args()
    errors: tuple[type[Exception], ...] = (ValidationError, lrdsl.LrdslError)
    if args.omegaconf:
        from omegaconf.errors import OmegaConfBaseException

        errors = (*errors, OmegaConfBaseException)
    try:
        config = load(args.config, args.omegaconf)
    except errors as err:
        print(f"{args.config}: invalid config\n{err}", file=sys.stderr)
        raise SystemExit(2) from None
    train(config)


if __name__ == "__main__":
    main()
