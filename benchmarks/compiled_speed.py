"""What the compiled parts are worth: ``boilerx.clean`` pages/s with all three compiled modules,
without the DOM walk (``_walk``), with the tree scorer (``_trees``) alone, and with none (Python
and NumPy do the same work, with the same results), on every third dataset page, HTML and
text. With ``--share``, instead: how much of ``clean``'s time on the HTML of every third
article page is spent inside compiled code (Lexbor's parse, and each module's calls), and so
how much is the Python that joins them.

    python -m benchmarks.compiled_speed [--rounds 2] [--share]

Rounds alternate the configurations in one process, so the ratios hold on a noisy machine.
Without ``../shared/datasets`` the script says so and exits 0.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import boilerx
from benchmarks.datasets import data_root, default_dataset_paths, load_dataset
from boilerx.api import Mode
from boilerx.pipeline import classify, features, lines, structured
from boilerx.pipeline import lexicon as lexicon_module


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


class _Timed:
    """A compiled module whose calls add their seconds to ``spent[part]`` (its ``Walk`` class
    too: the walk's ``run``)."""

    def __init__(self, module: Any, part: str, spent: dict[str, float]) -> None:
        self._module, self._part, self._spent = module, part, spent

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._module, name)
        if name == "Walk":
            return _timed_class(value, "run", self._part, self._spent)
        if isinstance(value, type) or not callable(value):
            return value
        return _timed_call(value, self._part, self._spent)


def _timed_call(function: Callable[..., Any], part: str, spent: dict[str, float]) -> Any:
    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            spent[part] = spent.get(part, 0.0) + time.perf_counter() - started

    return timed


def _timed_class(cls: type, method: str, part: str, spent: dict[str, float]) -> Callable[..., Any]:
    """A factory of ``cls`` objects whose ``method`` is timed (a compiled class cannot take a
    new attribute: the object is wrapped)."""

    class Wrapped:
        def __init__(self, *args: Any) -> None:
            self._inner = cls(*args)
            setattr(self, method, _timed_call(getattr(self._inner, method), part, spent))

        def __getattr__(self, name: str) -> Any:
            return getattr(self._inner, name)

    return Wrapped


_PARTS = {
    "walk": ("_compiled_walk", (lines, features)),
    "shape": ("_compiled_shape", (lines, features, structured, lexicon_module)),
    "trees": ("_trees", (classify,)),
}


@contextmanager
def timing_compiled(spent: dict[str, float]) -> Iterator[None]:
    """While inside, the seconds of every call into the compiled modules and of Lexbor's parse
    (``html_lines`` making the tree) add up in ``spent``, by part: ``parse``, ``walk``,
    ``shape``, ``trees``. The modules are put back on leaving."""
    saved: list[tuple[Any, str, Any]] = []
    try:
        for part, (attribute, modules) in _PARTS.items():
            for module in modules:
                compiled = getattr(module, attribute, None)
                if compiled is not None:
                    saved.append((module, attribute, compiled))
                    setattr(module, attribute, _Timed(compiled, part, spent))
        parser = lines.LexborHTMLParser
        saved.append((lines, "LexborHTMLParser", parser))
        lines.LexborHTMLParser = _timed_call(parser, "parse", spent)  # type: ignore[misc]
        yield
    finally:
        for module, attribute, value in reversed(saved):
            setattr(module, attribute, value)


def compiled_share(pages: list[bytes], rounds: int = 3) -> dict[str, float]:
    """Seconds a page of ``clean(page, mode="html")`` over ``pages`` (the fastest of ``rounds``
    passes), as ``total``, and the seconds of it inside each compiled part (see
    :func:`timing_compiled`)."""
    best: dict[str, float] = {}
    for _ in range(rounds):
        spent: dict[str, float] = {}
        with timing_compiled(spent):
            started = time.perf_counter()
            for page in pages:
                boilerx.clean(page, mode="html")
            total = time.perf_counter() - started
        if not best or total < best["total"] * len(pages):
            best = {"total": total / len(pages)}
            best.update({part: seconds / len(pages) for part, seconds in spent.items()})
    return best


def _print_share(share: dict[str, float], n_pages: int) -> None:
    total = share["total"]
    compiled = sum(seconds for part, seconds in share.items() if part != "total")
    parts = ", ".join(
        f"{part} {share[part] / total:.0%}"
        for part in ("parse", "walk", "shape", "trees")
        if part in share
    )
    print(
        f"html, {n_pages} article pages: {total * 1000:.2f} ms a page, "
        f"{compiled / total:.0%} in compiled code ({parts}), "
        f"{1 - compiled / total:.0%} in the Python around it"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--share", action="store_true", help="the share of time inside compiled code instead"
    )
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
    if args.share:
        articles = [p.load_html() for p in pages if p.type == "article"]
        _print_share(compiled_share(articles, max(args.rounds, 1)), len(articles))
        return 0
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
