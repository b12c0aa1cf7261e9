"""Throughput and memory of ``boilerx clean``, run as a user would run it (a subprocess).

    python benchmarks/batch_speed.py --pages 800 [--rounds 3] [--records 10000] [--jobs 2]

1. Speed-up: cleans ``--pages`` dataset pages with ``--jobs 1`` and with ``--jobs N`` from each
   input kind: page files, a JSONL of the pages and a gzipped WARC with one HTTP response
   record per page (as a crawl writes it). It checks that both outputs are identical and
   prints pages/s and the speed-up. The runs alternate (1, N, 1, N, ...) for ``--rounds``
   rounds and the best time of each counts, so that a noisy machine hurts both alike.
2. Memory: cleans a JSONL of ``--records`` records (the dataset pages repeated) and one a tenth
   as long, and prints the peak RSS of each run (``getrusage(RUSAGE_CHILDREN).ru_maxrss`` of a
   fresh helper process: the largest process of the run, the CLI or one of its workers). Flat
   memory means the two peaks are about the same.

The pages come from ``../shared/datasets/*/html`` (relative to the repository root); without
them the script says so and exits 0.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATASETS = ROOT.parent / "shared" / "datasets"

# Runs a command and prints the peak RSS (KiB) of its process tree, then its exit status.
_RSS_HELPER = (
    "import resource, subprocess, sys; "
    "status = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode; "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, status)"
)


def dataset_pages(n: int) -> list[Path]:
    """``n`` page files, taken in turn from each dataset so that the mix is varied."""
    folders = sorted(p for p in DATASETS.glob("*/html") if p.is_dir())
    per_folder = [sorted(f for f in folder.iterdir() if f.is_file()) for folder in folders]
    mixed = (p for group in itertools.zip_longest(*per_folder) for p in group if p is not None)
    return list(itertools.islice(mixed, n))


def read_page(path: Path) -> str:
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    return data.decode("utf-8", errors="replace")


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "boilerx.cli", "clean", *args]


def run_timed(command: list[str], out: Path) -> float:
    """Run ``command`` with stdout to ``out``; seconds taken. Fails loudly if it fails."""
    started = time.perf_counter()
    with out.open("wb") as stream:
        subprocess.run(command, stdout=stream, check=True, cwd=ROOT)
    return time.perf_counter() - started


def failures(out: Path) -> int:
    with out.open(encoding="utf-8") as stream:
        return sum(1 for line in stream if json.loads(line)["error"] is not None)


def write_warc(pages: list[Path], path: Path) -> None:
    """A gzipped WARC as a crawler writes it: a warcinfo record, then one ``response`` record
    (HTTP headers and the page as served) per page, each record its own gzip member."""

    def record(kind: str, uri: str | None, content_type: str, block: bytes) -> bytes:
        digest = hashlib.sha1(block).hexdigest()
        headers = [
            "WARC/1.0",
            f"WARC-Type: {kind}",
            f"WARC-Record-ID: <urn:uuid:{digest[:8]}-{digest[8:12]}-{digest[12:16]}-"
            f"{digest[16:20]}-{digest[20:32]}>",
            "WARC-Date: 2024-05-01T12:00:00Z",
            *([f"WARC-Target-URI: {uri}"] if uri else []),
            f"Content-Type: {content_type}",
            f"Content-Length: {len(block)}",
        ]
        head = ("\r\n".join(headers) + "\r\n\r\n").encode()
        return gzip.compress(head + block + b"\r\n\r\n", compresslevel=6)

    with path.open("wb") as stream:
        stream.write(record("warcinfo", None, "application/warc-fields", b"software: bench\r\n"))
        for i, page in enumerate(pages):
            body = page.read_bytes()
            if page.suffix == ".gz":
                body = gzip.decompress(body)
            http = (
                f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {len(body)}\r\n\r\n"
            ).encode()
            uri = f"https://example.com/{i}/{page.name}"
            stream.write(record("response", uri, "application/http; msgtype=response", http + body))


def speedup(
    inputs: dict[str, list[str]], n_pages: int, jobs: int, rounds: int, workdir: Path
) -> dict[str, float]:
    """Time --jobs 1 against --jobs N on each input, alternating, best of ``rounds``; check
    that the outputs match. Returns the speed-up for each input kind."""
    print(f"speed: {n_pages} pages, boilerx clean --jobs 1 vs --jobs {jobs}, best of {rounds}")
    ratios = {}
    for kind, paths in inputs.items():
        args = [*paths, "--format", "jsonl", "--quiet"]
        best = {1: float("inf"), jobs: float("inf")}
        for _ in range(rounds):
            for n in (1, jobs):
                out = workdir / f"{kind}-jobs{n}.jsonl"
                best[n] = min(best[n], run_timed(cli(*args, "--jobs", str(n)), out))
        one, many = (workdir / f"{kind}-jobs{n}.jsonl" for n in (1, jobs))
        same = one.read_bytes() == many.read_bytes()
        ratios[kind] = best[1] / best[jobs]
        print(
            f"  {kind:6s} --jobs 1: {n_pages / best[1]:6.1f} pages/s  --jobs {jobs}: "
            f"{n_pages / best[jobs]:6.1f} pages/s  speed-up {ratios[kind]:.2f}x  "
            f"({failures(one)} failed, identical output: {'yes' if same else 'NO'})"
        )
        if not same:
            sys.exit(f"{kind}: --jobs 1 and --jobs {jobs} wrote different output")
    print(f"  ({os.cpu_count()} cores)")
    return ratios


def write_jsonl(pages: list[Path], n: int, path: Path) -> None:
    """``n`` records {"id", "url", "html"}, the pages repeated."""
    texts = [read_page(p) for p in pages]
    with path.open("w", encoding="utf-8") as stream:
        for i, text in zip(range(n), itertools.cycle(texts)):
            stream.write(json.dumps({"id": f"r{i}", "url": None, "html": text}) + "\n")


def peak_rss(command: list[str]) -> tuple[float, float]:
    """Peak RSS in MiB of ``command``'s processes, and the seconds it took."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _RSS_HELPER, *command],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    seconds = time.perf_counter() - started
    kib, status = done.stdout.split()
    if status != "0":
        sys.exit(f"{' '.join(command[:6])} ... exited with {status}")
    return int(kib) / 1024, seconds


def memory(pages: list[Path], records: int, jobs: int, workdir: Path) -> None:
    """Peak RSS of cleaning ``records`` JSONL records, against a tenth as many."""
    print(f"memory: JSONL of repeated dataset pages, boilerx clean --jobs {jobs}")
    for n in (max(records // 10, 1), records):
        path = workdir / f"records{n}.jsonl"
        write_jsonl(pages, n, path)
        mib, seconds = peak_rss(cli(str(path), "--jobs", str(jobs), "--quiet"))
        size = path.stat().st_size / 2**20
        print(
            f"  {n:7d} records ({size:7.1f} MiB in): peak RSS {mib:7.1f} MiB, "
            f"{seconds:6.1f} s, {n / seconds:7.1f} records/s"
        )
        path.unlink()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=800, help="pages for the speed-up run")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds, best counts")
    parser.add_argument(
        "--kinds", default="files,jsonl,warc", help="inputs to time, of files, jsonl, warc"
    )
    parser.add_argument("--records", type=int, default=10_000, help="records for the RSS run")
    parser.add_argument("--jobs", type=int, default=2, help="jobs to compare with --jobs 1")
    parser.add_argument("--skip-memory", action="store_true", help="only measure the speed-up")
    args = parser.parse_args(argv)
    pages = dataset_pages(args.pages)
    if not pages:
        print(f"no dataset pages under {DATASETS}; nothing to measure")
        return 0
    with tempfile.TemporaryDirectory(prefix="boilerx-batch-") as tmp:
        workdir = Path(tmp)
        for page in pages:  # warm the file cache so that the first run is not penalised
            page.read_bytes()
        write_jsonl(pages, len(pages), workdir / "pages.jsonl")
        write_warc(pages, workdir / "pages.warc.gz")
        inputs = {
            "files": [str(p) for p in pages],
            "jsonl": [str(workdir / "pages.jsonl")],
            "warc": [str(workdir / "pages.warc.gz")],
        }
        kinds = [kind.strip() for kind in args.kinds.split(",") if kind.strip()]
        if unknown := set(kinds) - set(inputs):
            parser.error(f"unknown --kinds: {', '.join(sorted(unknown))}")
        speedup({k: inputs[k] for k in kinds}, len(pages), args.jobs, args.rounds, workdir)
        if not args.skip_memory:
            memory(pages, args.records, args.jobs, workdir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
