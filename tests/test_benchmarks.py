"""Tests of the benchmark suite: metrics by hand, the three dataset layouts, the report."""

from __future__ import annotations

import gzip
import json
import time
from pathlib import Path

import pytest

from benchmarks.datasets import (
    decode_html,
    default_dataset_paths,
    detect_layout,
    load_dataset,
)
from benchmarks.demo import demo_dataset
from benchmarks.report import (
    article_speed,
    article_speed_table,
    pareto_front,
    summarize,
    throughput_table,
    write_report,
)
from benchmarks.speed import (
    fit_exponent,
    percentile,
    speed_summary,
    synthetic_page,
    throughput,
)
from benchmarks.systems import PageInput, System, build_systems, c4_lines, run_one
from boilerx.training.metrics import (
    PageScore,
    SnippetCounts,
    aggregate,
    bootstrap_f1_ci,
    score_page,
    shingles,
    words,
)

# -- metrics -----------------------------------------------------------------------------------


def test_words_keep_case_and_split_on_non_word() -> None:
    assert words("Hello, World! it's 2025") == ["Hello", "World", "it", "s", "2025"]


def test_shingles_short_and_empty() -> None:
    assert shingles("") == {}
    assert shingles("a b") == {("a", "b"): 1}
    assert shingles("a b c d e") == {("a", "b", "c", "d"): 1, ("b", "c", "d", "e"): 1}


def test_identical_texts_score_one() -> None:
    s = score_page("The cat sat on the mat today.", "The cat sat on the mat today.")
    assert (s.precision, s.recall, s.exact) == (1.0, 1.0, True)
    assert (s.tp, s.fp, s.fn) == (1.0, 0.0, 0.0)
    assert aggregate([s])["f1"] == 1.0


def test_disjoint_texts_score_zero() -> None:
    s = score_page("a b c d", "e f g h")
    assert (s.tp, s.fp, s.fn) == (0.0, 0.5, 0.5)
    assert (s.precision, s.recall) == (0.0, 0.0)
    assert aggregate([s])["f1"] == 0.0


def test_case_matters() -> None:
    assert score_page("The cat sat down", "the cat sat down").precision == 0.0


def test_partial_overlap_missing_words() -> None:
    # reference: abcd bcde cdef; output: abcd bcde -> tp 2, fp 0, fn 1
    s = score_page("a b c d e", "a b c d e f")
    assert s.tp == pytest.approx(2 / 3) and s.fn == pytest.approx(1 / 3) and s.fp == 0
    assert s.precision == 1.0 and s.recall == pytest.approx(2 / 3)


def test_partial_overlap_extra_words() -> None:
    # reference: abcd bcde; output: abcd bcde cdef defg -> tp 2, fp 2, fn 0
    s = score_page("a b c d e f g", "a b c d e")
    assert (s.tp, s.fp, s.fn) == (0.5, 0.5, 0.0)
    assert (s.precision, s.recall) == (0.5, 1.0)


def test_aggregate_means_then_harmonic() -> None:
    pages = [score_page("a b c d e", "a b c d e f"), score_page("a b c d e f g", "a b c d e")]
    agg = aggregate(pages)
    assert agg["precision"] == pytest.approx(0.75)
    assert agg["recall"] == pytest.approx(5 / 6)
    assert agg["f1"] == pytest.approx(2 * 0.75 * (5 / 6) / (0.75 + 5 / 6))
    assert agg["accuracy"] == 0.0 and agg["pages"] == 2


def test_empty_output() -> None:
    s = score_page("", "some reference text here")
    assert (s.tp, s.fp, s.fn) == (0.0, 0.0, 1.0)
    assert (s.precision, s.recall, s.exact) == (1.0, 0.0, False)


def test_empty_reference() -> None:
    s = score_page("some output text here", "")
    assert (s.precision, s.recall) == (0.0, 1.0)


def test_both_empty() -> None:
    s = score_page("  ", None)
    assert (s.precision, s.recall, s.exact) == (1.0, 1.0, True)


def test_repeated_shingles_are_a_multiset() -> None:
    # reference "a b c d a b c d": abcd x2, bcda, cdab, dabc (5); output "a b c d": abcd (1)
    s = score_page("a b c d", "a b c d a b c d")
    assert (s.tp, s.fp, s.fn) == (pytest.approx(0.2), 0.0, pytest.approx(0.8))
    assert (s.precision, s.recall) == (1.0, pytest.approx(0.2))
    # output "a b c d x a b c d": abcd x2, bcdx, cdxa, dxab, xabc (6) -> tp 2, fp 4, fn 3
    s = score_page("a b c d x a b c d", "a b c d a b c d")
    assert (s.tp, s.fp, s.fn) == (pytest.approx(2 / 9), pytest.approx(4 / 9), pytest.approx(3 / 9))
    assert (s.precision, s.recall) == (pytest.approx(1 / 3), pytest.approx(2 / 5))


def test_bootstrap_ci_is_deterministic_and_brackets() -> None:
    scores = [score_page("a b c d e", "a b c d e f"), score_page("x y", "a b c d")] * 10
    lo, hi = bootstrap_f1_ci(scores, 300, seed=1)
    assert (lo, hi) == bootstrap_f1_ci(scores, 300, seed=1)
    assert 0.0 <= lo <= aggregate(scores)["f1"] <= hi <= 1.0
    same = [PageScore(1, 0, 0, 1.0, 1.0, True)] * 5
    assert bootstrap_f1_ci(same, 100) == (1.0, 1.0)


def test_snippet_counts() -> None:
    c = SnippetCounts()
    c.add("Hello   world.\nFoo bar", ["Hello world", "missing bit"], ["Foo\tbar", "nope", ""])
    c.add("", ["x"], [])
    summary = c.summary()
    assert (c.tp, c.fn, c.fp, c.tn) == (1, 2, 1, 1)
    assert summary["precision"] == 0.5 and summary["recall"] == pytest.approx(1 / 3)
    assert summary["f1"] == pytest.approx(0.4)


# -- datasets ----------------------------------------------------------------------------------


def _gz(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(data))


def test_common_layout(tmp_path: Path) -> None:
    folder = tmp_path / "mini"
    recs = [
        {"id": "b2", "url": "https://x/2", "html": "html/b2.html.gz", "body": "Body two.",
         "title": "T2", "with": ["Body"], "without": ["Menu"], "type": "forum"},
        {"id": "a1", "url": None, "html": "html/a1.html.gz", "body": "Body one.",
         "title": None, "with": [], "without": [], "type": "article"},
    ]  # fmt: skip
    folder.mkdir()
    (folder / "pages.jsonl").write_text("\n".join(json.dumps(r) for r in recs) + "\n")
    _gz(folder / "html/a1.html.gz", b"<html><body><p>Body one.</p></body></html>")
    _gz(folder / "html/b2.html.gz", b"<html><body><p>Menu</p><p>Body two.</p></body></html>")
    (folder / "text").mkdir()
    (folder / "text/a1.txt").write_text("Rendered one\nBody one.")
    assert detect_layout(folder) == "common"
    ds = load_dataset(folder)
    assert (ds.name, ds.layout, [p.id for p in ds.pages]) == ("mini", "common", ["a1", "b2"])
    a1, b2 = ds.pages
    assert a1.body == "Body one." and a1.type == "article" and not a1.has_snippets
    assert b2.with_snippets == ["Body"] and b2.without_snippets == ["Menu"] and b2.title == "T2"
    assert a1.load_html().startswith(b"<html>")
    assert a1.load_text() == "Rendered one\nBody one."
    assert "Body two." in b2.load_text()  # no rendering: text made from the HTML
    assert [p.id for p in load_dataset(folder / "pages.jsonl", subset="forum").pages] == ["b2"]
    assert len(load_dataset(folder, limit=1).pages) == 1
    assert default_dataset_paths(tmp_path) == [folder]


def test_aeb_layout(tmp_path: Path) -> None:
    truth = {
        "p2": {"articleBody": "Second body.", "url": "https://y/2"},
        "p1": {"articleBody": "First body.", "url": "https://y/1", "headline": "H"},
    }
    (tmp_path / "ground-truth.json").write_text(json.dumps(truth))
    _gz(tmp_path / "html/p1.html.gz", b"<p>First body.</p>")
    _gz(tmp_path / "html/p2.html.gz", b"<p>Second body.</p>")
    ds = load_dataset(tmp_path)
    assert ds.layout == "aeb" and [p.id for p in ds.pages] == ["p1", "p2"]
    assert ds.pages[0].body == "First body." and ds.pages[0].title == "H"
    assert ds.pages[0].url == "https://y/1" and ds.pages[1].load_html() == b"<p>Second body.</p>"


def test_trafilatura_layout(tmp_path: Path) -> None:
    data = {"site.html": {"file": "site.html", "with": ["keep me"], "without": ["drop me"]}}
    (tmp_path / "evaldata.json").write_text(json.dumps(data))
    (tmp_path / "eval").mkdir()
    (tmp_path / "eval/site.html").write_bytes(b"<p>keep me</p><nav>drop me</nav>")
    ds = load_dataset(tmp_path)
    assert ds.layout == "trafilatura" and len(ds.pages) == 1
    page = ds.pages[0]
    assert page.id == "site.html" and page.body is None
    assert page.with_snippets == ["keep me"] and page.without_snippets == ["drop me"]
    assert page.load_html() == b"<p>keep me</p><nav>drop me</nav>"


def test_unknown_layout(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        detect_layout(tmp_path)
    assert default_dataset_paths(tmp_path / "missing") == []


def test_decode_html_charsets() -> None:
    latin = '<meta charset="iso-8859-1"><p>Caf\u00e9</p>'.encode("latin-1")
    assert "Caf\u00e9" in decode_html(latin)
    assert decode_html("caf\u00e9".encode()) == "caf\u00e9"
    assert decode_html(b"\xff\xfe"[:1] + b"abc") == "\u00ffabc"  # not UTF-8: Windows-1252


def test_demo_dataset() -> None:
    ds = demo_dataset()
    assert len(ds.pages) == 4
    for page in ds.pages:
        assert page.body and page.load_html().startswith(b"<!DOCTYPE html>")
        assert page.body.splitlines()[0] in page.load_text()


# -- systems and speed -------------------------------------------------------------------------


def test_c4_rules() -> None:
    text = "Menu\nThis line has five words.\nEnable JavaScript to see this page now.\nShort one."
    assert c4_lines(text) == "This line has five words."
    assert (
        c4_lines("He said it was \u201cfine by me\u201d") == "He said it was \u201cfine by me\u201d"
    )


def test_build_text_baselines_without_peers() -> None:
    systems, notes = build_systems(["text"], ["keep-all", "c4-rules", "nosuch"])
    assert [s.name for s in systems] == ["keep-all", "c4-rules"]
    assert any("nosuch" in n for n in notes)


def test_run_one_records_errors_and_timeouts() -> None:
    def boom(p: PageInput) -> str:
        raise NotImplementedError

    def slow(p: PageInput) -> str:
        time.sleep(2)
        return "late"

    inp = PageInput(raw=b"x", text="x")
    out, secs, err = run_one(System("boom", "html", boom), inp)
    assert out == "" and err is not None and err.startswith("NotImplementedError")
    out, secs, err = run_one(System("slow", "html", slow), inp, timeout=0.1)
    assert out == "" and err is not None and "timeout" in err and secs < 1.5


def test_speed_helpers() -> None:
    assert fit_exponent([1e3, 1e4, 1e5], [1e-3, 1e-2, 1e-1]) == pytest.approx(1.0)
    assert fit_exponent([1e3, 1e4], [1e-3, 1e-1]) == pytest.approx(2.0)
    assert percentile([1, 2, 3, 4, 5], 50) == 3 and percentile([], 95) == 0.0
    s = speed_summary([0.01, 0.03], 2_000_000)
    assert s["ms_median"] == pytest.approx(20) and s["pages_per_s"] == pytest.approx(50)
    assert s["mb_per_s"] == pytest.approx(50)
    page = synthetic_page(["<p>Some words in a paragraph.</p>"] * 3, 10_000)
    assert 9_000 < len(page) <= 10_000 and page.endswith(b"</body></html>")


def test_throughput_runs_each_system_alone_in_rotated_order() -> None:
    calls: list[tuple[str, str]] = []

    def recorder(name: str, pause: float):  # type: ignore[no-untyped-def]
        def run(inp: PageInput) -> str:
            calls.append((name, inp.text))
            time.sleep(pause)
            if inp.text == "bad":
                raise ValueError("a failing page still counts")
            return inp.text

        return run

    systems = [
        System("fast", "text", recorder("fast", 0.001)),
        System("slow", "text", recorder("slow", 0.01)),
        System("other", "html", recorder("other", 0.001)),
    ]
    texts = [PageInput(raw=b"", text=t) for t in ("a", "bad", "c", "d")]
    result = throughput(systems, {"text": texts, "html": texts[:2]}, rounds=3)
    assert set(result) == {"text:fast", "text:slow", "html:other"}
    assert result["text:fast"]["pages"] == 4 and result["html:other"]["pages"] == 2
    assert len(result["text:slow"]["rounds"]) == 3
    assert result["text:fast"]["pages_per_s"] > result["text:slow"]["pages_per_s"]
    assert result["text:slow"]["pages_per_s"] <= 100  # 4 pages of at least 10 ms each
    # each system cleans all its pages back to back; the first system changes every round
    firsts = [calls[0][0], calls[10][0], calls[20][0]]
    assert firsts == ["fast", "slow", "other"]
    assert [t for n, t in calls[:4]] == ["a", "bad", "c", "d"] and len(calls) == 30
    table = "\n".join(throughput_table(result))
    assert table.index("| fast |") < table.index("| slow |")
    assert throughput_table({}) == []


def test_trafilatura_peer_runs() -> None:
    pytest.importorskip("trafilatura")
    systems, _ = build_systems(["html"], ["trafilatura"])
    page = demo_dataset().pages[0]
    raw = page.load_html()
    out, _, err = run_one(systems[0], PageInput(raw=raw, text=decode_html(raw)))
    assert err is None and "floating library" in out


# -- report ------------------------------------------------------------------------------------


def _fake_results() -> dict:
    def entry(name: str, f1: float, secs: float, errors: int = 0) -> dict:
        return {
            "name": name,
            "version": "1.0",
            "quality": {
                "pages": 2,
                "precision": f1,
                "recall": f1,
                "f1": f1,
                "accuracy": 0.5,
                "f1_ci": [f1 - 0.1, f1 + 0.05],
            },  # fmt: skip
            "by_type": {
                "article": {"pages": 1, "precision": f1, "recall": f1, "f1": f1, "accuracy": 0.0},
                "forum": {"pages": 1, "precision": 0.5, "recall": 0.5, "f1": 0.5, "accuracy": 0.0},
            },  # fmt: skip
            "snippets": {
                "tp": 3,
                "fn": 1,
                "fp": 1,
                "tn": 3,
                "precision": 0.75,
                "recall": 0.75,
                "f1": 0.75,
                "accuracy": 0.75,
            },  # fmt: skip
            "speed": {**speed_summary([secs, secs], 20_000), "speedup_vs_trafilatura": 0.02 / secs},
            "errors": errors,
            "error_samples": ["p1: NotImplementedError: "] if errors else [],
        }

    return {
        "meta": {"date": "2025-01-01T00:00:00+00:00", "python": "3.11", "platform": "test",
                 "cpu": "cpu", "versions": {"trafilatura": "2.0"}, "quick": True},  # fmt: skip
        "notes": ["goose3 (html): skipped, ImportError: nope"],
        "datasets": [{"name": "mini", "layout": "common", "path": "x", "pages": 2}],
        "runs": [
            {"dataset": "mini", "input": "html", "pages": 2,
             "systems": [entry("trafilatura", 0.9, 0.02), entry("boilerx", 0.0, 0.001, 2)]},
            {"dataset": "mini", "input": "text", "pages": 2,
             "systems": [entry("keep-all", 0.6, 0.00001)]},
        ],  # fmt: skip
        "memory": {"html:trafilatura": {"pages": 2, "peak_mib_max": 3.0, "peak_mib_median": 2.0}},
        "scaling": {"max_size": 10_000, "min_fit_size": 1000, "systems": {
            "trafilatura": {"sizes": [1000, 10_000], "bytes": [990, 9990],
                            "seconds": [0.001, 0.01], "errors": 0, "exponent": 1.0}}},
    }  # fmt: skip


def test_summarize() -> None:
    summary = {(s["input"], s["name"]): s for s in summarize(_fake_results()["runs"])}
    assert summary[("html", "trafilatura")]["f1_macro"] == 0.9
    assert summary[("html", "boilerx")]["speedup_vs_trafilatura"] == pytest.approx(20)
    assert summary[("html", "boilerx")]["errors"] == 2
    assert summary[("text", "keep-all")]["snippet_f1"] == pytest.approx(0.75)


def test_article_speed_counts_article_pages_trafilatura_also_read() -> None:
    def row(system: str, page: str, ms: float, kind: str = "html", **more: object) -> dict:
        return {"dataset": "d", "input": kind, "system": system, "id": page, "ms": ms, **more}

    per_page = [
        row("trafilatura", "a", 20.0, type="article"),
        row("trafilatura", "b", 40.0, type="article"),
        row("trafilatura", "p", 900.0, type="product"),  # no article: left out
        row("trafilatura", "e", 10.0, type="article", error="Timeout"),
        row("boilerx", "a", 2.0, type="article"),
        row("boilerx", "b", 8.0, type="article"),
        row("boilerx", "p", 1.0, type="product"),
        row("boilerx", "e", 1.0, type="article"),  # trafilatura failed on it: left out
        row("boilerx", "x", 5.0, type="article"),  # trafilatura has no time for it
        row("boilerx", "a", 1.0, "text", type="article"),
        row("boilerx", "b", 3.0, "text", type="article", error="boom"),
    ]
    found = {(r["input"], r["name"]): r for r in article_speed(per_page)}
    html = found[("html", "boilerx")]
    assert html["pages"] == 2
    assert html["speedup_vs_trafilatura"] == pytest.approx(60.0 / 10.0)
    assert html["pages_per_s"] == pytest.approx(200.0)
    assert found[("html", "trafilatura")]["speedup_vs_trafilatura"] == pytest.approx(1.0)
    text = found[("text", "boilerx")]
    assert text["pages"] == 1 and text["speedup_vs_trafilatura"] == pytest.approx(20.0)
    table = "\n".join(article_speed_table(list(found.values())))
    assert "| boilerx | HTML | 2 | 200 | 6.00 |" in table
    assert article_speed_table([]) == []


def test_pareto_front() -> None:
    pts = [(10, 0.9), (100, 0.8), (50, 0.7), (1000, 0.5), (5, 0.85)]
    assert pareto_front(pts) == [(10, 0.9), (100, 0.8), (1000, 0.5)]


def test_write_report(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    markdown = write_report(_fake_results(), tmp_path / "out")
    out = tmp_path / "out"
    data = json.loads((out / "results.json").read_text())
    assert {"meta", "notes", "datasets", "runs", "memory", "scaling", "summary"} <= set(data)
    assert (out / "results.md").read_text().strip() == markdown.strip()
    assert (out / "f1_vs_speed.png").stat().st_size > 1000
    assert (out / "scaling.png").stat().st_size > 1000
    assert "## mini, HTML input (2 pages)" in markdown
    assert "| trafilatura | 0.900 | 0.900 | 0.900 [0.800–0.950] | 0.500 | 0.750 |" in markdown
    assert "| boilerx | 0.000 | 0.000 | 0.000 [-0.100–0.050] |" in markdown
    assert "| keep-all |" in markdown and "article (1)" in markdown
    assert "goose3 (html): skipped" in markdown and "NotImplementedError" in markdown
    rows = [ln for ln in markdown.splitlines() if ln.startswith("| trafilatura |")]
    assert len(rows) == 4  # summary, run table, by-type table, scaling table


def test_main_end_to_end_on_demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("matplotlib")
    from benchmarks.__main__ import main

    monkeypatch.setenv("BOILERX_DATA", str(tmp_path / "nothing"))
    out = tmp_path / "res"
    argv = ["--systems", "keep-all,c4-rules", "--input", "text", "--out", str(out)]
    assert main([*argv, "--no-scaling", "--no-memory", "--bootstrap", "50"]) == 0
    data = json.loads((out / "results.json").read_text())
    assert data["datasets"][0]["name"] == "demo"
    keep = next(s for s in data["runs"][0]["systems"] if s["name"] == "keep-all")
    assert keep["quality"]["recall"] == 1.0 and keep["errors"] == 0
    assert set(data["throughput"]) == {"text:keep-all", "text:c4-rules"}
    assert data["throughput"]["text:c4-rules"]["pages"] == data["datasets"][0]["pages"]
    assert "## Throughput (each system alone" in (out / "results.md").read_text()


def _common_dataset(folder: Path, types: list[str]) -> None:
    folder.mkdir(parents=True)
    lines = []
    for i, typ in enumerate(types):
        pid = f"p{i}"
        body = f"Paragraph number {i} of the article body text."
        _gz(folder / f"html/{pid}.html.gz", f"<nav>Menu</nav><p>{body}</p>".encode())
        rec = {"id": pid, "url": None, "html": f"html/{pid}.html.gz", "body": body,
               "title": None, "with": [], "without": [], "type": typ}  # fmt: skip
        lines.append(json.dumps(rec))
    (folder / "pages.jsonl").write_text("\n".join(lines) + "\n")


def test_quick_mode_picks_fixed_subsets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("matplotlib")
    from benchmarks.__main__ import main

    _common_dataset(tmp_path / "data/wcxb-dev", ["article", "forum", "article"])
    _common_dataset(tmp_path / "data/other", ["article"])
    monkeypatch.setenv("BOILERX_DATA", str(tmp_path / "data"))
    out = tmp_path / "res"
    argv = ["--quick", "--systems", "c4-rules,nosuch", "--input", "text", "--out", str(out)]
    assert main([*argv, "--no-scaling", "--no-memory", "--throughput-pages", "0"]) == 0
    data = json.loads((out / "results.json").read_text())
    assert [(d["name"], d["pages"]) for d in data["datasets"]] == [("wcxb-dev", 2)]
    assert data["throughput"] == {}
    assert any("nosuch" in n for n in data["notes"])
    rows = [json.loads(ln) for ln in (out / "per_page.jsonl").read_text().splitlines()]
    assert [(r["id"], r["system"], r["precision"]) for r in rows] == [
        ("p0", "c4-rules", 1.0),
        ("p2", "c4-rules", 1.0),
    ]


def test_cold_cache_times_every_stage_warm_and_cold(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from benchmarks.cold_cache import main

    _common_dataset(tmp_path / "data/news", ["article", "article", "article"])
    monkeypatch.setenv("BOILERX_DATA", str(tmp_path / "data"))
    assert main(["--every", "1", "--rounds", "1"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("3 html pages")
    rows = {line.split()[0]: line.split()[1:] for line in out[1:]}
    assert set(rows) == {"warm", "cold"}
    for cells in rows.values():
        stages = dict(zip(cells[::2], map(float, cells[1::2])))
        assert list(stages) == ["clean", "split", "features", "classify", "decide"]
        assert all(ms > 0 for ms in stages.values()), stages


_ARTICLE = (
    "<html><head><title>Harbour reopens</title></head><body><nav><a href='/'>Home</a></nav>"
    "<article><h1>Harbour reopens</h1>"
    + "".join(
        f"<p>Paragraph {i}: the harbour reopened to fishing boats on Friday after six weeks of "
        "repairs to the sea wall, which winter storms had badly damaged.</p>"
        for i in range(6)
    )
    + "</article><footer>Copyright 2024 Coast News</footer></body></html>"
).encode()


def test_compiled_share_times_the_parts_and_puts_the_modules_back() -> None:
    from benchmarks import compiled_speed
    from boilerx.pipeline import classify, features, lines

    before = (
        classify._trees,
        features._compiled_shape,
        lines._compiled_walk,
        lines.LexborHTMLParser,
    )
    share = compiled_speed.compiled_share([_ARTICLE], rounds=2)
    after = (
        classify._trees,
        features._compiled_shape,
        lines._compiled_walk,
        lines.LexborHTMLParser,
    )
    assert all(a is b for a, b in zip(before, after))
    assert share["total"] > 0
    parts = {part: seconds for part, seconds in share.items() if part != "total"}
    assert share["parse"] > 0  # Lexbor parses every HTML page
    assert all(seconds >= 0 for seconds in parts.values())
    assert sum(parts.values()) <= share["total"]
    if classify._trees is not None:  # built: the trees score every line in compiled code
        assert share["trees"] > 0
    import boilerx

    assert "reopened to fishing boats" in boilerx.clean(_ARTICLE, mode="html")


def test_timing_compiled_puts_the_modules_back_after_an_error() -> None:
    from benchmarks import compiled_speed
    from boilerx.pipeline import lines

    walk, parser = lines._compiled_walk, lines.LexborHTMLParser
    spent: dict[str, float] = {}
    with pytest.raises(RuntimeError), compiled_speed.timing_compiled(spent):
        assert lines.LexborHTMLParser is not parser  # timed while inside
        raise RuntimeError("stop")
    assert lines._compiled_walk is walk and lines.LexborHTMLParser is parser
