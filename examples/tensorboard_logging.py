"""Log the planned and the actual learning rate of each param group to TensorBoard.

    python examples/tensorboard_logging.py [--logdir runs/lrdsl] [--epochs 3]
    tensorboard --logdir runs/lrdsl

Before training, ``scheduler.plan(group)`` gives the whole planned curve and the explain
table of each param group; they are logged once (``lr/<group>/planned`` and a text table).
During training, the lr each optimizer step used is logged as ``lr/<group>/actual``. A custom
layout draws both on one chart per group. The two curves are the same numbers.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import lrdsl
import lrdsl.torch

SCHEDULE = "warmup(linear, 1ep) >> cosine(1→0.01) * restart(mult=2)"
GROUPS = {"body": 0.05, "head": 0.01}
"""Each group's base lr: the schedule scales them (mode='scale'), as LambdaLR would."""


def train(logdir: Path, epochs: int = 3, steps_per_epoch: int = 20) -> float:
    """Train a tiny regression model, logging to ``logdir``; the largest |actual − planned|."""
    import torch
    from torch.utils.tensorboard import SummaryWriter

    torch.manual_seed(0)
    body, head = torch.nn.Linear(8, 16), torch.nn.Linear(16, 1)
    model = torch.nn.Sequential(body, torch.nn.ReLU(), head)
    optimizer = torch.optim.AdamW(
        [
            {"params": body.parameters(), "lr": GROUPS["body"], "name": "body"},
            {"params": head.parameters(), "lr": GROUPS["head"], "name": "head"},
        ]
    )
    total = epochs * steps_per_epoch
    scheduler = lrdsl.torch.scheduler(optimizer, SCHEDULE, total, steps_per_epoch, mode="scale")

    writer = SummaryWriter(str(logdir))
    plans = {name: scheduler.plan(name) for name in GROUPS}
    for name, plan in plans.items():
        for step, value in enumerate(plan.values):
            writer.add_scalar(f"lr/{name}/planned", value, step)
        table = "\n".join("    " + line for line in plan.table().splitlines())  # markdown code block
        writer.add_text(f"lr/{name}/schedule", table, 0)
    writer.add_custom_scalars(
        {"learning rate": {name: ["Multiline", [f"lr/{name}/planned", f"lr/{name}/actual"]] for name in GROUPS}}
    )

    x = torch.randn(steps_per_epoch * 16, 8)
    y = x[:, :1] * 2.0 - x[:, 1:2]
    gap = 0.0
    for step in range(total):
        batch = slice((step % steps_per_epoch) * 16, (step % steps_per_epoch + 1) * 16)
        for group in optimizer.param_groups:  # the lr this step uses
            writer.add_scalar(f"lr/{group['name']}/actual", group["lr"], step)
            gap = max(gap, abs(group["lr"] - plans[group["name"]].values[step]))
        optimizer.zero_grad()
        loss = torch.nn.functional.mse_loss(model(x[batch]), y[batch])
        loss.backward()
        optimizer.step()
        scheduler.step()
        writer.add_scalar("loss", loss.item(), step)
    writer.close()
    return gap


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logdir", type=Path, default=Path("runs/lrdsl"))
    parser.add_argument("--epochs", type=int, default=3)
    args = parser.parse_args()
    gap = train(args.logdir, args.epochs)
    print(f"logged to {args.logdir}; largest |actual - planned| lr: {gap:g}")


if __name__ == "__main__":
    main()
