"""What cold caches cost: ``boilerx.clean`` on every third dataset page, back to back (warm)
and with 64 MB of other memory read before each page (cold: the state a page meets in the
interleaved benchmark, where other systems run between two of boilerx's pages), stage by
stage: split (decode, parse, walk), features, classify, decide.

    python -m benchmarks.cold_cache [--input html|text] [--rounds 2] [--every 3]

Rounds alternate warm and cold in one process; each stage is timed alone, so a cold stage
also pays for what the stages before it would have brought into the cache. Without
``../shared/datasets`` the script says so and exits 0.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import numpy as np

import boilerx
from benchmarks.datasets import data_root, default_dataset_paths, load_dataset
from boilerx.api import Mode, split_page
from boilerx.pipeline.decide import decide
from boilerx.pipeline.decode import to_text_and_utf8
from boilerx.pipeline.features import line_features, line_groups
from boilerx.pipeline.model import get_model

_OTHER_MEMORY = 64 << 20  # bytes read between two steps: more than the machine's caches


def _timed(pages: list[Any], mode: Mode, other: np.ndarray | None) -> dict[str, float]:
    """Milliseconds a page by stage; ``other`` is read before each timed step when given."""
    model = get_model(mode)
    lexicon = getattr(model, "lexicon", None)
    total = dict.fromkeys(("clean", "split", "features", "classify", "decide"), 0.0)

    def step(name: str, work: Any, *args: Any) -> Any:
        if other is not None:
            other.sum()
        started = time.perf_counter()
        out = work(*args)
        total[name] += time.perf_counter() - started
        return out

    for page in pages:
        step("clean", _clean, page, mode)
        lines = step("split", _split, page, mode)
        if not lines.texts:
            continue
        X = step("features", line_features, lines, lexicon)
        scores = step("classify", _classify, model, lines, X)
        step("decide", decide, lines, scores, model.threshold, X)
    return {name: seconds / len(pages) * 1e3 for name, seconds in total.items()}


def _clean(page: Any, mode: Mode) -> str:
    return boilerx.clean(page, mode=mode)


def _split(page: Any, mode: Mode) -> Any:
    text, utf8 = to_text_and_utf8(page)
    return split_page(text, mode, utf8)


def _classify(model: Any, lines: Any, X: np.ndarray) -> np.ndarray:
    return model.predict_page(X, line_groups(lines, X))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", choices=("html", "text"), default="html")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--every", type=int, default=3, help="every Nth dataset page")
    args = parser.parse_args(argv)
    paths = default_dataset_paths(data_root())
    if not paths:
        print(f"no datasets at {data_root()}: nothing to measure")
        return 0
    records = [p for path in paths for p in load_dataset(path).pages][:: max(args.every, 1)]
    mode: Mode = args.input
    pages = [r.load_html() if mode == "html" else r.load_text() for r in records]
    for page in pages[:20]:  # imports, model loading, first calls
        boilerx.clean(page, mode=mode)
    other = np.ones(_OTHER_MEMORY // 8)
    print(f"{len(pages)} {mode} pages, ms a page (stages timed alone):")
    for _ in range(args.rounds):
        for label, memory in (("warm", None), ("cold", other)):
            row = _timed(pages, mode, memory)
            print(f"  {label}  " + "  ".join(f"{k} {v:.3f}" for k, v in row.items()), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
