"""Report: ``results.json`` (everything), ``results.md`` (tables) and two PNG plots.

The results dict that :func:`write_report` takes has ``meta``, ``notes``, ``datasets``, ``runs``
(one per dataset and input kind, each with per-system ``quality``, ``by_type``, ``snippets``,
``speed``, ``errors``), ``throughput``, ``memory`` and ``scaling``; ``summary`` is added here
when missing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

INPUT_TITLES = {"html": "HTML input", "text": "text input"}


def _fmt(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _fmt_speed(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.0f}" if value >= 100 else f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def summarize(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per input kind and system, over all datasets: macro F1, pooled snippet F1 and speed."""
    acc: dict[tuple[str, str], dict[str, Any]] = {}
    for run in runs:
        for sys in run["systems"]:
            key = (run["input"], sys["name"])
            row = acc.setdefault(
                key,
                {
                    "f1s": [],
                    "snip": [0, 0, 0],
                    "pages": 0,
                    "seconds": 0.0,
                    "bytes": 0,
                    "errors": 0,
                    "trf": [],
                },  # fmt: skip
            )
            if sys.get("quality"):
                row["f1s"].append(sys["quality"]["f1"])
            snip = sys.get("snippets")
            if snip:
                for i, k in enumerate(("tp", "fp", "fn")):
                    row["snip"][i] += snip[k]
            speed = sys.get("speed") or {}
            row["pages"] += speed.get("pages", 0)
            row["seconds"] += speed.get("total_s", 0.0)
            row["bytes"] += speed.get("bytes", 0)
            row["errors"] += sys.get("errors", 0)
            if speed.get("speedup_vs_trafilatura") is not None:
                row["trf"].append((speed["speedup_vs_trafilatura"], speed.get("total_s", 0.0)))
    out = []
    for (kind, name), row in acc.items():
        tp, fp, fn = row["snip"]
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        # pooled speed-up = trafilatura's total time / this system's total time, over datasets
        trf_time = sum(x * t for x, t in row["trf"])
        own_time = sum(t for _, t in row["trf"])
        out.append(
            {
                "input": kind,
                "name": name,
                "f1_macro": sum(row["f1s"]) / len(row["f1s"]) if row["f1s"] else None,
                "datasets_scored": len(row["f1s"]),
                "snippet_f1": 2 * p * r / (p + r) if p + r else (0.0 if tp + fp + fn else None),
                "pages": row["pages"],
                "pages_per_s": row["pages"] / row["seconds"] if row["seconds"] > 0 else None,
                "mb_per_s": row["bytes"] / 1e6 / row["seconds"] if row["seconds"] > 0 else None,
                "speedup_vs_trafilatura": trf_time / own_time if own_time > 0 else None,
                "errors": row["errors"],
            }
        )
    out.sort(key=lambda d: (d["input"], -(d["f1_macro"] or d["snippet_f1"] or 0.0)))
    return out


ARTICLE = "article"  # the page type of news articles (dragnet, fundus-dev, wcxb-dev's articles)


def article_speed(per_page: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per input kind and system, over the pages of type ``ARTICLE`` that the system and
    trafilatura (HTML) both read without an error: how many, pages per second and trafilatura's
    time over the system's time on them. The summary's speed weighs in every page kind, and
    trafilatura is slowest on some that are no articles (product, forum and listing pages)."""
    trafilatura = {
        (row["dataset"], row["id"]): row["ms"]
        for row in per_page
        if row["system"] == "trafilatura" and row["input"] == "html" and not row.get("error")
    }
    acc: dict[tuple[str, str], list[float]] = {}  # own ms, trafilatura's ms, pages
    for row in per_page:
        key = (row["dataset"], row["id"])
        if row.get("type") != ARTICLE or row.get("error") or key not in trafilatura:
            continue
        sums = acc.setdefault((row["input"], row["system"]), [0.0, 0.0, 0])
        sums[0] += row["ms"]
        sums[1] += trafilatura[key]
        sums[2] += 1
    return [
        {
            "input": kind,
            "name": name,
            "pages": pages,
            "pages_per_s": 1000 * pages / own if own > 0 else None,
            "speedup_vs_trafilatura": theirs / own if own > 0 else None,
        }
        for (kind, name), (own, theirs, pages) in sorted(acc.items())
    ]


def article_speed_table(rows: list[dict[str, Any]]) -> list[str]:
    """:func:`article_speed` as a section of the report."""
    if not rows:
        return []
    return [
        "## Speed on article pages (interleaved)",
        "",
        "The pages of type article only (news articles: dragnet, fundus-dev, wcxb-dev's "
        "articles), timed as in the summary; × trafilatura on the same pages.",
        "",
        *_table(
            ["system", "input", "pages", "pages/s", "× trafilatura"],
            [
                [
                    r["name"],
                    INPUT_TITLES.get(r["input"], r["input"]).removesuffix(" input"),
                    str(r["pages"]),
                    _fmt_speed(r["pages_per_s"]),
                    _fmt(r["speedup_vs_trafilatura"], 2),
                ]
                for r in sorted(rows, key=lambda r: (r["input"], -(r["pages_per_s"] or 0.0)))
            ],
        ),
        "",
    ]


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return lines


RUN_HEADER = [
    "system", "P", "R", "F1 [95% CI]", "acc", "snippet F1",
    "ms median", "ms p95", "pages/s", "× trafilatura", "errors",
]  # fmt: skip


def run_table(run: dict[str, Any]) -> list[str]:
    """Markdown lines of one dataset/input table, best F1 (or snippet F1) first."""

    def key(s: dict[str, Any]) -> float:
        q, sn = s.get("quality"), s.get("snippets")
        return -(q["f1"] if q else sn["f1"] if sn else 0.0)

    rows = []
    for s in sorted(run["systems"], key=key):
        q, sn, sp = s.get("quality"), s.get("snippets"), s.get("speed") or {}
        f1 = "–"
        if q:
            f1 = _fmt(q["f1"])
            if q.get("f1_ci"):
                f1 += f" [{q['f1_ci'][0]:.3f}–{q['f1_ci'][1]:.3f}]"
        rows.append(
            [
                s["name"],
                _fmt(q["precision"]) if q else "–",
                _fmt(q["recall"]) if q else "–",
                f1,
                _fmt(q["accuracy"]) if q else "–",
                _fmt(sn["f1"]) if sn else "–",
                _fmt(sp.get("ms_median"), 2),
                _fmt(sp.get("ms_p95"), 2),
                _fmt_speed(sp.get("pages_per_s")),
                _fmt(sp.get("speedup_vs_trafilatura"), 2),
                str(s.get("errors", 0)),
            ]
        )
    return _table(RUN_HEADER, rows)


def type_table(run: dict[str, Any]) -> list[str]:
    """Markdown lines of F1 by page type (empty when the run has one type or none)."""
    types: dict[str, int] = {}
    for s in run["systems"]:
        for t, q in (s.get("by_type") or {}).items():
            types[t] = max(types.get(t, 0), q["pages"])
    if len(types) < 2:
        return []
    names = sorted(types)
    header = ["system"] + [f"{t} ({types[t]})" for t in names]
    rows = [
        [s["name"]] + [_fmt((s.get("by_type") or {}).get(t, {}).get("f1")) for t in names]
        for s in run["systems"]
    ]
    return _table(header, rows)


def throughput_table(throughput: dict[str, Any]) -> list[str]:
    """Back-to-back pages/s per system (fastest first), with trafilatura's ratio for HTML."""
    if not throughput:
        return []
    trf = (throughput.get("html:trafilatura") or {}).get("pages_per_s")
    rows = []
    for key, v in sorted(throughput.items(), key=lambda kv: -kv[1]["pages_per_s"]):
        kind, name = key.split(":", 1)
        ratio = v["pages_per_s"] / trf if trf and kind == "html" else None
        rounds = ", ".join(_fmt_speed(x) for x in v["rounds"])
        label = INPUT_TITLES.get(kind, kind).removesuffix(" input")
        speed = _fmt_speed(v["pages_per_s"])
        rows.append([name, label, str(v["pages"]), speed, _fmt(ratio, 2), rounds])
    return [
        "## Throughput (each system alone, pages back to back)",
        "",
        "Each system cleans the same sample pages one after another (median of rounds; the "
        "rounds rotate the order of systems). The tables below time the same systems "
        "interleaved page by page, where each call starts on caches another system filled.",
        "",
        *_table(["system", "input", "pages", "pages/s", "× trafilatura", "rounds"], rows),
        "",
    ]


def render_markdown(results: dict[str, Any]) -> str:
    """The whole report as markdown."""
    meta = results.get("meta", {})
    lines = ["# boilerx benchmark results", ""]
    if meta:
        lines.append(
            f"{meta.get('date', '')} · Python {meta.get('python', '')} · "
            f"{meta.get('platform', '')} · {meta.get('cpu', '')}"
            + (" · quick mode" if meta.get("quick") else "")
        )
        versions = meta.get("versions") or {}
        if versions:
            lines.append("")
            lines.append(
                "Versions: " + ", ".join(f"{k} {v}" for k, v in sorted(versions.items()) if v)
            )
        lines.append("")
    lines.append(
        "P/R: mean per-page precision/recall of word 4-gram shingles; F1 = harmonic mean of the "
        "means, 95% CI by page bootstrap; acc: exact word match; snippet F1 from with/without "
        "snippets; × trafilatura: trafilatura (HTML) time / system time on the same pages "
        "(>1 is faster)."
    )
    lines.append("")
    for note in results.get("notes") or []:
        lines.append(f"- {note}")
    if results.get("notes"):
        lines.append("")
    summary = results.get("summary") or []
    for kind in ("html", "text"):
        rows = [s for s in summary if s["input"] == kind]
        if not rows:
            continue
        lines.append(f"## Summary, {INPUT_TITLES[kind]} (all datasets)")
        lines.append("")
        lines += _table(
            ["system", "mean F1", "snippet F1", "pages/s", "MB/s", "× trafilatura", "errors"],
            [
                [
                    s["name"],
                    _fmt(s["f1_macro"]),
                    _fmt(s["snippet_f1"]),
                    _fmt_speed(s["pages_per_s"]),
                    _fmt_speed(s.get("mb_per_s")),
                    _fmt(s["speedup_vs_trafilatura"], 2),
                    str(s["errors"]),
                ]
                for s in rows
            ],
        )
        lines.append("")
    lines += article_speed_table(results.get("article_speed") or [])
    lines += throughput_table(results.get("throughput") or {})
    for run in results.get("runs") or []:
        title = INPUT_TITLES.get(run["input"], run["input"])
        lines.append(f"## {run['dataset']}, {title} ({run['pages']} pages)")
        lines.append("")
        lines += run_table(run)
        lines.append("")
        by_type = type_table(run)
        if by_type:
            lines.append("F1 by page type (pages):")
            lines.append("")
            lines += by_type
            lines.append("")
    errors = [
        f"- {run['dataset']}, {run['input']}, {s['name']}: {s['errors']} errors, "
        f"first: {s['error_samples'][0]}"
        for run in results.get("runs") or []
        for s in run["systems"]
        if s.get("errors") and s.get("error_samples")
    ]
    if errors:
        lines += ["## Errors (first of each)", "", *errors, ""]
    memory = results.get("memory") or {}
    if memory:
        lines.append("## Memory (peak Python-heap growth per page, tracemalloc)")
        lines.append("")
        lines += _table(
            ["system", "pages", "max MiB", "median MiB"],
            [
                [k, str(v["pages"]), _fmt(v["peak_mib_max"], 2), _fmt(v["peak_mib_median"], 2)]
                for k, v in memory.items()
            ],
        )
        lines.append("")
    scaling = (results.get("scaling") or {}).get("systems") or {}
    if scaling:
        lines.append("## Scaling (HTML input, synthetic long pages)")
        lines.append("")
        sizes = sorted({s for v in scaling.values() for s in v["sizes"]})
        header = ["system", *(_size_label(s) for s in sizes), "exponent"]
        rows = []
        for name, v in scaling.items():
            by_size = dict(zip(v["sizes"], v["seconds"], strict=False))
            cells = [_fmt_ms(by_size[s] * 1000) if s in by_size else "–" for s in sizes]
            rows.append([name, *cells, _fmt(v.get("exponent"), 2)])
        lines.append("ms per page by page size; exponent = slope of log time on log size.")
        lines.append("")
        lines += _table(header, rows)
        lines.append("")
    return "\n".join(lines)


def _fmt_ms(ms: float) -> str:
    return f"{ms:.3g}" if ms < 1000 else f"{ms:.0f}"


def _size_label(size: int) -> str:
    if size >= 1_000_000:
        return f"{size / 1e6:g} MB"
    return f"{size / 1e3:.0f} KB" if size >= 1000 else f"{size} B"


def pareto_front(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Points not beaten on both speed (x) and quality (y), by increasing speed."""
    front: list[tuple[float, float]] = []
    best = float("-inf")
    for x, y in sorted(points, key=lambda p: (-p[0], -p[1])):
        if y > best:
            front.append((x, y))
            best = y
    return sorted(front)


def plot_f1_vs_speed(summary: list[dict[str, Any]], path: Path) -> None:
    """One point per system (log pages/s against F1), one panel per input kind, Pareto front."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    kinds = [k for k in ("html", "text") if any(s["input"] == k for s in summary)] or ["html"]
    fig, axes = plt.subplots(1, len(kinds), figsize=(6.5 * len(kinds), 5), squeeze=False)
    for ax, kind in zip(axes[0], kinds, strict=False):
        rows = [s for s in summary if s["input"] == kind and s["pages_per_s"]]
        use_f1 = any(s["f1_macro"] is not None for s in rows)
        metric = "f1_macro" if use_f1 else "snippet_f1"
        pts = [(s["pages_per_s"], s[metric], s["name"]) for s in rows if s[metric] is not None]
        for x, y, name in pts:
            ax.scatter([x], [y], color="tab:red" if name == "boilerx" else "tab:blue", zorder=3)
            ax.annotate(name, (x, y), textcoords="offset points", xytext=(4, 4), fontsize=8)
        front = pareto_front([(x, y) for x, y, _ in pts])
        if front:
            ax.step(
                [x for x, _ in front], [y for _, y in front], where="pre",
                color="gray", linestyle="--", label="Pareto front",
            )  # fmt: skip
            ax.legend(loc="lower left", fontsize=8)
        if pts:
            xs = [x for x, _, _ in pts]
            ax.set_xlim(min(xs) / 2, max(xs) * 3)
            ax.set_xscale("log")
        ax.set_xlabel("pages per second (log)")
        ax.set_ylabel("mean F1 over datasets" if use_f1 else "snippet F1")
        ax.set_title(f"Quality vs speed, {INPUT_TITLES[kind]}")
        ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_scaling(scaling: dict[str, Any] | None, path: Path) -> None:
    """Time per page against page size, log-log, one line per system."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.5, 5))
    systems = (scaling or {}).get("systems") or {}
    for name, v in systems.items():
        if not v["sizes"]:
            continue
        exp = v.get("exponent")
        label = f"{name} (exponent {exp:.2f})" if exp is not None else name
        ax.plot(v.get("bytes") or v["sizes"], v["seconds"], marker="o", label=label)
    if any(v["sizes"] for v in systems.values()):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.legend(fontsize=8)
    else:
        ax.text(0.5, 0.5, "no scaling data", ha="center", va="center", transform=ax.transAxes)
    ax.set_xlabel("page size (bytes)")
    ax.set_ylabel("seconds per page")
    ax.set_title("Scaling with page size")
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_report(results: dict[str, Any], out_dir: str | Path) -> str:
    """Write results.json, results.md, f1_vs_speed.png and scaling.png (the plots only when
    matplotlib is installed: else a note on stderr); return the markdown."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if "summary" not in results:
        results["summary"] = summarize(results.get("runs") or [])
    (out / "results.json").write_text(
        json.dumps(results, indent=2, ensure_ascii=False, default=str), encoding="utf-8"
    )
    markdown = render_markdown(results)
    (out / "results.md").write_text(markdown + "\n", encoding="utf-8")
    if have_matplotlib():
        plot_f1_vs_speed(results["summary"], out / "f1_vs_speed.png")
        plot_scaling(results.get("scaling"), out / "scaling.png")
    else:
        import sys  # (not at the top: "sys" names a system in the loops above)

        print(f"note: {PLOTS_SKIPPED}", file=sys.stderr)
    return markdown


PLOTS_SKIPPED = "matplotlib is not installed: plots skipped (pip install matplotlib)"


def have_matplotlib() -> bool:
    """True when matplotlib can be imported (the plots need it; the tables do not)."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True
