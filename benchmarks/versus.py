"""Speed of this checkout's ``boilerx.clean`` against another copy of boilerx on the same pages:
every third dataset page, HTML and text, each version in its own process, rounds alternating
(A B A B …) so that the ratio holds on a noisy machine.

    git worktree add /tmp/boilerx-old REV   # (and build its C modules: pip install -e it, or
    python -m benchmarks.versus --old /tmp/boilerx-old [--rounds 3]   #  setup.py build_ext -i)

Prints each version's best pages/s per input kind and the ratio new / old. Without
``../shared/datasets`` it says so and exits 0.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from benchmarks.datasets import data_root, default_dataset_paths

_TIMER = r"""
import json, sys, time
from benchmarks.datasets import default_dataset_paths, load_dataset
from pathlib import Path
import boilerx
root = Path(sys.argv[1])
pages = [p for path in default_dataset_paths(root) for p in load_dataset(path).pages][::3]
inputs = {"html": [p.load_html() for p in pages], "text": [p.load_text() for p in pages]}
boilerx.clean(inputs["html"][0]); boilerx.clean(inputs["text"][0], mode="text")  # load models
rates = {}
for mode, items in inputs.items():
    started = time.perf_counter()
    for item in items:
        boilerx.clean(item, mode=mode)
    rates[mode] = len(items) / (time.perf_counter() - started)
print(json.dumps({"file": boilerx.__file__, **rates}))
"""


def _run(checkout: Path, benchmarks_root: Path, root: Path) -> dict:
    """One timing round in a fresh process with ``checkout``'s boilerx first on the path (and
    this checkout's benchmark helpers after it)."""
    env = {**os.environ, "PYTHONPATH": f"{checkout}{os.pathsep}{benchmarks_root}"}
    # each copy cleans with its own models (an installed boilerx would lend it its own)
    env["BOILERX_MODEL_DIR"] = str(checkout / "models")
    out = subprocess.run(
        [sys.executable, "-c", _TIMER, str(root)],
        env=env,
        cwd=checkout,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", type=Path, required=True, help="the other copy's folder")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    root = data_root()
    if not default_dataset_paths(root):
        print(f"no datasets at {root}: nothing to measure")
        return 0
    new = Path(__file__).resolve().parent.parent
    best: dict[str, dict[str, float]] = {"new": {}, "old": {}}
    for round_ in range(args.rounds):
        for name, checkout in (("new", new), ("old", args.old.resolve())):
            rates = _run(checkout, new, root)
            print(f"round {round_ + 1} {name} ({rates.pop('file')}): {rates}", flush=True)
            for mode, rate in rates.items():
                best[name][mode] = max(best[name].get(mode, 0.0), rate)
    for mode in best["new"]:
        print(
            f"{mode}: new {best['new'][mode]:.1f} pages/s, old {best['old'][mode]:.1f} pages/s, "
            f"new/old {best['new'][mode] / best['old'][mode]:.3f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
