"""What the compiled tree scorer is worth: ``boilerx.clean`` pages/s with it and with the NumPy
scorer it falls back to (the same scores), on every third dataset page, HTML and text.

    python -m benchmarks.scorer_speed [--rounds 2]

Rounds alternate the two scorers in one process, so the ratio holds on a noisy machine. Without
``../shared/datasets`` the script says so and exits 0.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

import boilerx
from benchmarks.datasets import data_root, default_dataset_paths, load_dataset
from boilerx import classifier
from boilerx.core import Mode


def _rate(pages: list[Any], mode: Mode) -> float:
    started = time.perf_counter()
    for page in pages:
        boilerx.clean(page, mode=mode)
    return len(pages) / (time.perf_counter() - started)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    if classifier._trees is None:
        print("the compiled scorer is not built (no C compiler at install): nothing to compare")
        return 0
    paths = default_dataset_paths(data_root())
    if not paths:
        print(f"no datasets at {data_root()}: nothing to measure")
        return 0
    pages = [p for path in paths for p in load_dataset(path).pages][::3]
    inputs: dict[Mode, list[Any]] = {
        "html": [p.load_html() for p in pages],
        "text": [p.load_text() for p in pages],
    }
    compiled = classifier._trees
    best: dict[tuple[str, str], float] = {}
    try:
        for _ in range(args.rounds):
            for name, module in (("compiled", compiled), ("numpy", None)):
                classifier._trees = module  # type: ignore[assignment]
                for mode, docs in inputs.items():
                    rate = _rate(docs, mode)
                    best[name, mode] = max(best.get((name, mode), 0.0), rate)
    finally:
        classifier._trees = compiled
    for mode in inputs:
        c, n = best["compiled", mode], best["numpy", mode]
        print(f"{mode}: compiled {c:.0f} pages/s, NumPy {n:.0f} pages/s, ratio {c / n:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
