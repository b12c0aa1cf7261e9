"""``python -m benchmarks``: score boilerx and its peers on the datasets, time them, report.

Examples::

    python -m benchmarks --quick
    python -m benchmarks --dataset ../shared/datasets/dragnet --systems boilerx,trafilatura
    python -m benchmarks --subset article --input html --limit 100 --out /tmp/bench
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib.metadata
import json
import logging
import os
import platform
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.datasets import (
    Dataset,
    Page,
    data_root,
    decode_html,
    default_dataset_paths,
    load_dataset,
)
from benchmarks.demo import demo_dataset
from benchmarks.report import article_speed, have_matplotlib, write_report
from benchmarks.speed import (
    body_content,
    interleaved_run,
    memory_probe,
    scaling,
    speed_summary,
    throughput,
)
from benchmarks.systems import PageInput, System, build_systems, page_lang, run_one
from boilerx.training.metrics import (
    PageScore,
    SnippetCounts,
    aggregate,
    bootstrap_f1_ci,
    score_page,
)

QUICK_SETS = (("wcxb-dev", "article"), ("dragnet", None), ("trafilatura-dev", None))
QUICK_LIMIT = 40
SCALING_SYSTEMS = ("boilerx", "trafilatura", "resiliparse")
VERSION_DISTS = (
    "boilerx", "trafilatura", "readability-lxml", "jusText", "boilerpy3", "resiliparse",
    "turbohtml", "newspaper4k", "goose3", "html-text", "lxml", "numpy", "regex", "matplotlib",
)  # fmt: skip


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    ap.add_argument("--dataset", action="append", default=[], metavar="PATH",
                    help="dataset folder (repeatable); default: every one under $BOILERX_DATA "
                    "or ../shared/datasets, else the built-in demo pages")  # fmt: skip
    ap.add_argument("--subset", help="keep pages of this type only (e.g. article)")
    ap.add_argument("--systems", help="comma-separated system names (default: all installed)")
    ap.add_argument("--limit", type=int, help="first N pages (by id) of each dataset")
    ap.add_argument("--input", choices=("html", "text", "both"), default="both")
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent / "results"),
                    help="output folder (default benchmarks/results/)")  # fmt: skip
    ap.add_argument("--quick", action="store_true",
                    help="fixed 40-page subsets, scaling to 1 MB, 200 resamples")  # fmt: skip
    ap.add_argument("--bootstrap", type=int, help="F1 bootstrap resamples (default 1000)")
    ap.add_argument("--timeout", type=float, help="seconds per call, 0: none (60; quick 20)")
    ap.add_argument("--memory-pages", type=int, help="pages in the memory probe (default 20)")
    ap.add_argument("--scaling-max", type=int, help="largest scaling page in bytes (10 MB)")
    ap.add_argument("--throughput-pages", type=int, metavar="N",
                    help="pages each system cleans back to back, per input kind "
                    "(default: HTML 200, text all; quick 40), 0: skip")  # fmt: skip
    ap.add_argument("--throughput-rounds", type=int, default=3)
    ap.add_argument("--no-scaling", action="store_true")
    ap.add_argument("--no-memory", action="store_true")
    return ap.parse_args(argv)


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def select_datasets(args: argparse.Namespace) -> list[Dataset]:
    """The datasets to run, per ``--dataset``/``--quick``/defaults, demo pages as last resort."""
    limit = args.limit if args.limit is not None else (QUICK_LIMIT if args.quick else None)
    if args.dataset:
        return [load_dataset(p, subset=args.subset, limit=limit) for p in args.dataset]
    root = data_root()
    paths = default_dataset_paths(root)
    if args.quick:
        by_name = {p.name: p for p in paths}
        chosen = [(by_name[n], s) for n, s in QUICK_SETS if n in by_name]
        if chosen:
            return [load_dataset(p, subset=args.subset or s, limit=limit) for p, s in chosen]
    if paths:
        return [load_dataset(p, subset=args.subset, limit=limit) for p in paths]
    log(f"no datasets under {root}: running the built-in demo pages")
    demo = demo_dataset()
    if args.subset:
        demo.pages = [p for p in demo.pages if p.type == args.subset]
    return [demo]


def page_inputs(page: Page, inputs: list[str]) -> tuple[PageInput, PageInput | None]:
    """Load a page once: its HTML input and (when text input is on) its text input."""
    try:
        raw = page.load_html()
    except (OSError, EOFError) as exc:  # a missing or broken file: the page is empty
        log(f"note: {page.dataset}/{page.id}: cannot read HTML ({exc})")
        raw = b""
    lang = page_lang(raw)
    html_inp = PageInput(raw=raw, text=decode_html(raw), url=page.url, lang=lang)
    text_inp = None
    if "text" in inputs:
        text = page.load_text(raw)
        text_inp = PageInput(raw=text.encode("utf-8"), text=text, url=page.url, lang=lang)
    return html_inp, text_inp


class Tally:
    """What one system did on one dataset: scores, snippet counts, times, errors."""

    def __init__(self) -> None:
        self.scores: list[tuple[str, PageScore]] = []
        self.snippets = SnippetCounts()
        self.has_snippets = False
        self.seconds: list[float] = []
        self.nbytes = 0
        self.errors = 0
        self.error_samples: list[str] = []
        self.per_page: list[dict[str, Any]] = []


def run_dataset(
    ds: Dataset,
    systems: list[System],
    inputs: list[str],
    args: argparse.Namespace,
    timeout: float,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Run all systems on ``ds`` (interleaved): one run record per input kind, per-page rows."""
    tallies = {(s.input, s.name): Tally() for s in systems}
    start = time.perf_counter()

    def on_result(i: int, system: System, out: str, secs: float, error: str | None) -> None:
        page = ds.pages[i]
        t = tallies[(system.input, system.name)]
        t.seconds.append(secs)
        row: dict[str, Any] = {"dataset": ds.name, "input": system.input, "system": system.name}
        row.update(id=page.id, type=page.type, ms=round(secs * 1000, 3), error=error)
        if error:
            t.errors += 1
            if len(t.error_samples) < 5:
                t.error_samples.append(f"{page.id}: {error}")
        if page.body is not None:
            score = score_page(out, page.body)
            t.scores.append((page.type or "unknown", score))
            row.update(precision=round(score.precision, 4), recall=round(score.recall, 4))
        if page.has_snippets:
            t.has_snippets = True
            snip = t.snippets.add(out, page.with_snippets, page.without_snippets)
            row["snippets_tp_fn_fp_tn"] = snip
        t.per_page.append(row)
        if system is systems[0] and (i + 1) % 50 == 0:
            log(f"  {ds.name}: {i + 1}/{len(ds.pages)} pages, {time.perf_counter() - start:.0f} s")

    def loader(page: Page) -> Callable[[], tuple[PageInput, PageInput | None]]:
        def make() -> tuple[PageInput, PageInput | None]:
            html_inp, text_inp = page_inputs(page, inputs)
            for s in systems:
                inp = html_inp if s.input == "html" else text_inp
                if inp is not None:
                    tallies[(s.input, s.name)].nbytes += len(inp.raw)
            return html_inp, text_inp

        return make

    interleaved_run([loader(p) for p in ds.pages], systems, on_result, timeout=timeout)
    log(f"  {ds.name}: {len(ds.pages)} pages done in {time.perf_counter() - start:.0f} s")

    trf = tallies.get(("html", "trafilatura"))
    trf_total = sum(trf.seconds) if trf and trf.seconds else None
    n_boot = args.bootstrap if args.bootstrap is not None else (200 if args.quick else 1000)
    runs = []
    for kind in inputs:
        entries = []
        for s in systems:
            if s.input != kind:
                continue
            t = tallies[(kind, s.name)]
            speed: dict[str, Any] = speed_summary(t.seconds, t.nbytes)
            total = speed["total_s"]
            speed["speedup_vs_trafilatura"] = trf_total / total if trf_total and total else None
            quality: dict[str, Any] | None = None
            by_type: dict[str, Any] = {}
            if t.scores:
                page_scores = [sc for _, sc in t.scores]
                quality = dict(aggregate(page_scores))
                quality["f1_ci"] = list(bootstrap_f1_ci(page_scores, n_boot)) if n_boot else None
                for typ in sorted({typ for typ, _ in t.scores}):
                    by_type[typ] = aggregate([sc for ty, sc in t.scores if ty == typ])
            entries.append(
                {
                    "name": s.name,
                    "version": s.version,
                    "quality": quality,
                    "by_type": by_type,
                    "snippets": t.snippets.summary() if t.has_snippets else None,
                    "speed": speed,
                    "errors": t.errors,
                    "error_samples": t.error_samples,
                }
            )
        runs.append({"dataset": ds.name, "input": kind, "pages": len(ds.pages), "systems": entries})
    return runs, [row for t in tallies.values() for row in t.per_page]


def run_throughput(
    datasets: list[Dataset],
    systems: list[System],
    inputs: list[str],
    args: argparse.Namespace,
    timeout: float,
) -> dict[str, Any]:
    """Back-to-back pages/s of each system on pages spread over the datasets: by default 200
    for HTML (the slow peers would take minutes more) and every page of the run for text."""
    every = sum(len(d.pages) for d in datasets)
    if args.throughput_pages:
        counts = {"html": args.throughput_pages, "text": args.throughput_pages}
    else:
        counts = {"html": 40, "text": 40} if args.quick else {"html": 200, "text": every}
    samples: dict[str, list[PageInput]] = {"html": [], "text": []}
    for i, page in enumerate(sample_pages(datasets, max(counts.values()))):
        html_inp, text_inp = page_inputs(page, inputs)  # only what a sample needs is kept
        if i < counts["html"]:
            samples["html"].append(html_inp)
        if text_inp is not None and i < counts["text"]:
            samples["text"].append(text_inp)
    log(
        "throughput: "
        + ", ".join(f"{len(v)} {k} pages" for k, v in samples.items())
        + f", {args.throughput_rounds} rounds"
    )
    return throughput(systems, samples, args.throughput_rounds, timeout)


def warm_up(systems: list[System], sample: tuple[PageInput, PageInput | None]) -> None:
    """One untimed call per system (imports, model loading, caches)."""
    for s in systems:
        inp = sample[0] if s.input == "html" else sample[1]
        if inp is not None:
            run_one(s, inp, 60)


def cpu_name() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return f"{line.split(':', 1)[1].strip()} ({os.cpu_count()} cores)"
    except OSError:
        pass
    return f"{platform.processor() or platform.machine()} ({os.cpu_count()} cores)"


def versions() -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for dist in VERSION_DISTS:
        try:
            out[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            out[dist] = None
    return out


def sample_pages(datasets: list[Dataset], n: int) -> list[Page]:
    """Up to ``n`` pages spread over the datasets (the first of each, in turn)."""
    out: list[Page] = []
    for k in range(max((len(d.pages) for d in datasets), default=0)):
        for d in datasets:
            if k < len(d.pages) and len(out) < n:
                out.append(d.pages[k])
    return out


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    warnings.filterwarnings("ignore")
    logging.disable(logging.CRITICAL)
    inputs = ["html", "text"] if args.input == "both" else [args.input]
    names = [n.strip() for n in args.systems.split(",") if n.strip()] if args.systems else None

    datasets = [d for d in select_datasets(args) if d.pages]
    if not datasets:
        log("no pages selected: running the built-in demo pages")
        datasets = [demo_dataset()]
    systems, notes = build_systems(inputs, names)
    timeout = args.timeout if args.timeout is not None else (20.0 if args.quick else 60.0)
    for note in notes:
        log(f"note: {note}")
    log("datasets: " + ", ".join(f"{d.name} ({len(d.pages)} pages)" for d in datasets))
    log("systems: " + ", ".join(f"{s.name} ({s.input})" for s in systems))

    results: dict[str, Any] = {
        "meta": {
            "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpu": cpu_name(),
            "versions": versions(),
            "quick": args.quick,
            "argv": sys.argv[1:] if argv is None else argv,
            "inputs": inputs,
            "timeout_s": timeout,
        },
        "notes": notes,
        "datasets": [
            {
                "name": d.name,
                "layout": d.layout,
                "path": d.path,
                "pages": len(d.pages),
                "with_body": sum(p.body is not None for p in d.pages),
                "with_snippets": sum(p.has_snippets for p in d.pages),
                "types": _count_types(d.pages),
            }
            for d in datasets
        ],
        "runs": [],
        "memory": {},
        "throughput": {},
        "scaling": None,
    }
    per_page: list[dict[str, Any]] = []
    # peers print chatter; keep stdout for the final table
    with open(os.devnull, "w") as devnull, contextlib.redirect_stdout(devnull):
        if systems:
            warm_up(systems, page_inputs(datasets[0].pages[0], inputs))
        for ds in datasets:
            log(f"running {ds.name} ({len(ds.pages)} pages)")
            runs, rows = run_dataset(ds, systems, inputs, args, timeout)
            results["runs"] += runs
            per_page += rows
        sample = sample_pages(datasets, args.memory_pages or (10 if args.quick else 20))
        if not args.no_memory and systems:
            log(f"memory probe on {len(sample)} pages")
            results["memory"] = memory_probe(
                systems, [page_inputs(p, inputs) for p in sample], timeout
            )
        if args.throughput_pages != 0 and systems:
            results["throughput"] = run_throughput(datasets, systems, inputs, args, timeout)
        scale_systems = [s for s in systems if s.input == "html" and s.name in SCALING_SYSTEMS]
        if not args.no_scaling and scale_systems:
            max_size = args.scaling_max or (1_000_000 if args.quick else 10_000_000)
            log(f"scaling test up to {max_size / 1e6:g} MB")
            pool = sample_pages(datasets, 60)
            bodies = [body_content(page_inputs(p, ["html"])[0].text) for p in pool]
            results["scaling"] = scaling(scale_systems, bodies, max_size=max_size)
    results["article_speed"] = article_speed(per_page)
    results["meta"]["elapsed_s"] = round(time.perf_counter() - started, 1)
    markdown = write_report(results, args.out)
    with open(Path(args.out) / "per_page.jsonl", "w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in per_page)
    plots = ", f1_vs_speed.png, scaling.png" if have_matplotlib() else " (no plots)"
    log(f"wrote {args.out}/: results.json, results.md, per_page.jsonl{plots}")
    log(f"total time {results['meta']['elapsed_s']:.0f} s")
    print(markdown)
    return 0


def _count_types(pages: list[Page]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for p in pages:
        key = p.type or "unknown"
        counts[key] = counts.get(key, 0) + 1
    return counts


if __name__ == "__main__":
    sys.exit(main())
