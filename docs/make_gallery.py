"""Draw the gallery: docs/gallery/*.png and docs/gallery.md.

    python docs/make_gallery.py [--out docs] [--seeds ../shared/acceptance/seeds.json]

One picture per seed document (its acceptance schedules) and one per main anchor.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

import lrdsl
from lrdsl.tools.plotting import curves, to_file

ROOT = Path(__file__).resolve().parents[1]
ANCHORS: list[tuple[str, str, str, int, float | None]] = [
    (
        "design_card",
        "The design card: warm-up, then cosine restarts doubling in length",
        "warmup(linear, 5ep) >> cosine(0.1→1e-6) * restart(mult=2)",
        5000,
        50,
    ),
    ("warmup_cosine", "Warm-up + cosine decay", "warmup(linear, 5%) >> cosine(3e-4→3e-6)", 10000, None),
    ("sgdr", "SGDR (cosine with warm restarts)", "cosine(0.1→1e-4) * restart(period=10ep, mult=2)", 7000, 100),
    ("onecycle", "One-cycle (PyTorch OneCycleLR, three phases)", "onecycle(0.1, three_phase=true)", 5000, None),
    ("wsd", "Warm-up, stable, decay", "wsd(1e-3, warmup=500, decay=1500, to=1e-5)", 10000, None),
    ("step_decay", "Step decay (StepLR, ×0.1 every 30 epochs)", "step(0.1, gamma=0.1, every=30ep)", 9000, 100),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=str(ROOT / "docs"))
    parser.add_argument("--seeds", default=str(ROOT.parent / "shared" / "acceptance" / "seeds.json"))
    args = parser.parse_args()
    out = Path(args.out)
    (out / "gallery").mkdir(parents=True, exist_ok=True)
    lines = [
        "# Gallery",
        "",
        "Made by `python docs/make_gallery.py` with `lrdsl plot`'s drawing code;",
        "faint vertical lines mark phase and cycle boundaries.",
        "",
        "## Main anchors",
        "",
    ]
    for key, title, expr, steps, spe in ANCHORS:
        plan = lrdsl.lower(expr, steps, spe)
        to_file(curves([plan]), str(out / "gallery" / f"{key}.png"), size=(760, 300))
        unit = f", {spe:g} steps per epoch" if spe else ""
        lines += [f"### {title}", "", f"`{expr}` — {steps} steps{unit}", "", f"![{title}](gallery/{key}.png)", ""]
    seeds = Path(args.seeds)
    if seeds.is_file():
        by_doc: dict[str, list[dict[str, object]]] = defaultdict(list)
        for case in json.loads(seeds.read_text(encoding="utf-8"))["cases"]:
            by_doc[case["seed"]].append(case)
        lines += ["## The seed documents' schedules", ""]
        for doc, cases in sorted(by_doc.items()):
            lines += [f"### {doc}", ""]
            for case in cases:
                plan = lrdsl.lower(str(case["expr"]), case["steps"], case["steps_per_epoch"])  # type: ignore[arg-type]
                name = f"seed_{case['id']}.png"
                to_file(curves([plan]), str(out / "gallery" / name), size=(760, 280))
                lines += [f"`{case['id']}` — {case['what']}", "", f"![{case['id']}](gallery/{name})", ""]
    (out / "gallery.md").write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {out / 'gallery.md'} and {len(list((out / 'gallery').glob('*.png')))} pictures")


if __name__ == "__main__":
    main()
