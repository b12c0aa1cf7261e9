"""What the compiled parts are worth: ``boilerx.clean`` pages/s with all three compiled modules,
without the DOM walk (``_walk``), with the tree scorer (``_trees``) alone, and with none (Python
and NumPy do the same work, with the same results), on every third dataset page, HTML and
text.

    python -m benchmarks.compiled_speed [--rounds 2]

Rounds alternate the configurations in one process, so the ratios hold on a noisy machine.
Without ``../shared/datasets`` the script says so and exits 0.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

import boilerx
from benchmarks.datasets import data_root, default_dataset_paths, load_dataset
from boilerx.api import Mode
from boilerx.pipeline import classify, features, lines


def _rate(pages: list[Any], mode: Mode) -> float:
    started = time.perf_counter()
    for page in pages:
        boilerx.clean(page, mode=mode)
    return len(pages) / (time.perf_counter() - started)


def _use(trees: Any, shape: Any, walk: Any) -> None:
    """Switch the compiled modules in or out (None: the NumPy/Python path)."""
    classify._trees = trees
    features._compiled_shape = shape
    lines._compiled_shape = shape
    lines._compiled_walk = walk
    lines._native_state[:] = [walk is not None]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    trees, shape, walk = classify._trees, features._compiled_shape, lines._compiled_walk
    if trees is None or shape is None or walk is None or not lines._native_walk_ready():
        print("the compiled modules are not built (no C compiler at install): nothing to compare")
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
    configurations = {
        "all compiled": (trees, shape, walk),
        "without the walk": (trees, shape, None),
        "trees only": (trees, None, None),
        "none": (None, None, None),
    }
    best: dict[tuple[str, str], float] = {}
    try:
        for _ in range(args.rounds):
            for name, modules in configurations.items():
                _use(*modules)
                for mode, docs in inputs.items():
                    rate = _rate(docs, mode)
                    best[name, mode] = max(best.get((name, mode), 0.0), rate)
    finally:
        _use(trees, shape, walk)
    for mode in inputs:
        base = best["none", mode]
        print(
            f"{mode}: "
            + ", ".join(
                f"{name} {best[name, mode]:.0f} pages/s ({best[name, mode] / base:.2f}x)"
                for name in configurations
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
