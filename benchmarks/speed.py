"""Speed: interleaved timing, per-system summaries, back-to-back throughput, a memory probe
and a size-scaling test."""

from __future__ import annotations

import math
import re
import statistics
import time
import tracemalloc
from collections.abc import Callable, Mapping, Sequence

from benchmarks.systems import PageInput, System, run_one

OnResult = Callable[[int, System, str, float, "str | None"], None]


def interleaved_run(
    pages: Sequence[Callable[[], tuple[PageInput, PageInput | None]]],
    systems: Sequence[System],
    on_result: OnResult,
    timeout: float = 0,
) -> None:
    """Run every system once on every page, rotating the system order from page to page.

    ``pages`` yields, lazily, each page's (HTML input, text input or None); ``on_result`` gets
    (page index, system, output, seconds, error). Rotation spreads cache and clock effects
    evenly, so times of systems from the same run are comparable.
    """
    n = len(systems)
    for i, make in enumerate(pages):
        html_inp, text_inp = make()
        for k in range(n):
            system = systems[(i + k) % n]
            inp = html_inp if system.input == "html" else text_inp
            if inp is None:
                continue
            out, seconds, error = run_one(system, inp, timeout)
            on_result(i, system, out, seconds, error)


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) with linear interpolation; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def speed_summary(seconds: Sequence[float], nbytes: int) -> dict[str, float | int]:
    """ms/page (median, p95, mean), pages/s and MB/s (input bytes) from per-page times."""
    total = sum(seconds)
    return {
        "pages": len(seconds),
        "total_s": total,
        "ms_median": statistics.median(seconds) * 1000 if seconds else 0.0,
        "ms_p95": percentile(seconds, 95) * 1000,
        "ms_mean": total / len(seconds) * 1000 if seconds else 0.0,
        "pages_per_s": len(seconds) / total if total > 0 else 0.0,
        "mb_per_s": nbytes / 1e6 / total if total > 0 else 0.0,
        "bytes": nbytes,
    }


def memory_probe(
    systems: Sequence[System],
    sample: Sequence[tuple[PageInput, PageInput | None]],
    timeout: float = 0,
) -> dict[str, dict[str, float | int]]:
    """Peak Python-heap growth per call (tracemalloc), max and median over ``sample`` pages.

    Only allocations made through Python's allocator are seen: memory that C extensions (lxml,
    resiliparse) take with ``malloc`` is not, so this underestimates those.
    """
    result: dict[str, dict[str, float | int]] = {}
    tracemalloc.start()
    try:
        for system in systems:
            peaks = []
            for html_inp, text_inp in sample:
                inp = html_inp if system.input == "html" else text_inp
                if inp is None:
                    continue
                base = tracemalloc.get_traced_memory()[0]
                tracemalloc.reset_peak()
                run_one(system, inp, timeout)
                peaks.append(max(0, tracemalloc.get_traced_memory()[1] - base))
            if peaks:
                result[f"{system.input}:{system.name}"] = {
                    "pages": len(peaks),
                    "peak_mib_max": max(peaks) / 2**20,
                    "peak_mib_median": statistics.median(peaks) / 2**20,
                }
    finally:
        tracemalloc.stop()
    return result


def throughput(
    systems: Sequence[System],
    samples: Mapping[str, Sequence[PageInput]],
    rounds: int = 3,
    timeout: float = 0,
) -> dict[str, dict[str, float | int | list[float]]]:
    """Pages per second of each system alone: it cleans ``samples[its input]`` back to back.

    The interleaved run times every call between calls of other systems, so each one starts
    with caches the others filled; this is the rate a user cleaning a batch of pages with one
    system gets. Each round runs every system once, in an order rotated from round to round;
    per system: pages/s of each round and their median (``pages_per_s``). Calls that raise or
    time out count with the time they took.
    """
    out: dict[str, dict[str, float | int | list[float]]] = {}
    rates: dict[str, list[float]] = {}
    n = len(systems)
    for r in range(rounds):
        for k in range(n):
            system = systems[(r + k) % n]
            pages = samples.get(system.input) or []
            if not pages:
                continue
            start = time.perf_counter()
            for inp in pages:
                run_one(system, inp, timeout)
            elapsed = time.perf_counter() - start
            rates.setdefault(f"{system.input}:{system.name}", []).append(
                len(pages) / elapsed if elapsed > 0 else 0.0
            )
    for key, per_round in rates.items():
        kind = key.split(":", 1)[0]
        out[key] = {
            "pages": len(samples[kind]),
            "rounds": [round(x, 1) for x in per_round],
            "pages_per_s": statistics.median(per_round),
        }
    return out


_BODY = re.compile(r"<body[^>]*>(.*?)(?:</body>|$)", re.S | re.I)
_SCRIPT = re.compile(r"<(script|style|noscript)\b.*?</\1\s*>", re.S | re.I)


def body_content(html: str) -> str:
    """Inner HTML of ``<body>`` without scripts and styles (the whole text when no body tag)."""
    match = _BODY.search(html)
    return _SCRIPT.sub("", match.group(1) if match else html)


def synthetic_page(bodies: Sequence[str], size: int) -> bytes:
    """A page of about ``size`` bytes: real pages' body contents, concatenated (and cycled)."""
    head = b"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Long page</title>"
    head += b"</head><body>"
    tail = b"</body></html>"
    parts: list[bytes] = []
    room = max(0, size - len(head) - len(tail))
    blobs = [b.encode("utf-8") for b in bodies if b.strip()] or [b"<p>Some text of a page.</p>"]
    used = 0
    i = 0
    while used < room:
        blob = blobs[i % len(blobs)]
        i += 1
        if used + len(blob) > room:
            blob = blob[: room - used]
            cut = blob.rfind(b"<")
            blob = blob[:cut] if cut > 0 else blob
            parts.append(blob)
            break
        parts.append(blob)
        used += len(blob)
    return head + b"".join(parts) + tail


def fit_exponent(sizes: Sequence[float], seconds: Sequence[float]) -> float | None:
    """Least-squares slope of log(time) against log(size); ~1 means linear."""
    pts = [(math.log(s), math.log(t)) for s, t in zip(sizes, seconds, strict=False) if t > 0]
    if len(pts) < 2:
        return None
    mx = sum(x for x, _ in pts) / len(pts)
    my = sum(y for _, y in pts) / len(pts)
    sxx = sum((x - mx) ** 2 for x, _ in pts)
    if sxx == 0:
        return None
    return sum((x - mx) * (y - my) for x, y in pts) / sxx


SCALING_SIZES = (1_000, 3_000, 10_000, 30_000, 100_000, 300_000, 1_000_000, 3_000_000, 10_000_000)


def scaling(
    systems: Sequence[System],
    bodies: Sequence[str],
    max_size: int = 10_000_000,
    min_fit_size: int = 10_000,
    budget_s: float = 0.3,
    call_limit_s: float = 120.0,
) -> dict[str, object]:
    """Time each system on synthetic pages from 1 KB to ``max_size``; fit the exponent.

    Per system: ``sizes`` (nominal), ``bytes`` (actual page length), ``seconds`` (median per
    call), ``errors`` and ``exponent``.

    Each size is repeated until ``budget_s`` is spent (at most 20 times) and the median taken.
    A system whose call took over ``call_limit_s / 3`` is not run on larger pages.
    The exponent is fitted on sizes >= ``min_fit_size`` (fixed per-call costs bend the small end).
    """
    sizes = [s for s in SCALING_SIZES if s <= max_size]
    pages = {s: synthetic_page(bodies, s) for s in sizes}
    out: dict[str, dict[str, object]] = {}
    stopped: set[str] = set()
    for size in sizes:
        raw = pages[size]
        inp = PageInput(raw=raw, text=raw.decode("utf-8", errors="replace"), lang="en")
        for system in systems:
            entry = out.setdefault(
                system.name, {"sizes": [], "bytes": [], "seconds": [], "errors": 0}
            )
            if system.name in stopped:
                continue
            times: list[float] = []
            start = time.perf_counter()
            while len(times) < 20 and (not times or time.perf_counter() - start < budget_s):
                _, secs, error = run_one(system, inp, call_limit_s)
                if error:
                    entry["errors"] += 1  # type: ignore[operator]
                    break
                times.append(secs)
            if times:
                entry["sizes"].append(size)  # type: ignore[attr-defined]
                entry["bytes"].append(len(raw))  # type: ignore[attr-defined]
                entry["seconds"].append(statistics.median(times))  # type: ignore[attr-defined]
                if max(times) > call_limit_s / 3:
                    stopped.add(system.name)
            else:
                stopped.add(system.name)
    for entry in out.values():
        fit = [
            (s, t)
            for s, t in zip(entry["bytes"], entry["seconds"], strict=False)  # type: ignore[call-overload]
            if s >= min_fit_size
        ]
        entry["exponent"] = fit_exponent([s for s, _ in fit], [t for _, t in fit])
    return {"max_size": max_size, "min_fit_size": min_fit_size, "systems": out}
