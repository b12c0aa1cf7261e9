"""Fault injection: workers killed at random, pages over the time budget, lone surrogates,
broken WARC framing, hostile page shapes.

The long versions run with ``BOILERX_LONG_TESTS=1`` in the environment (a run of 10,000
records with a worker killed at random several times; bigger pages of each hostile shape).
"""

from __future__ import annotations

import codecs
import contextlib
import gzip
import io
import json
import multiprocessing
import os
import random
import signal
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from fakes import fake_extract  # noqa: E402
from hypothesis import given, settings
from hypothesis import strategies as st

import boilerx
import boilerx.api
from boilerx.batch.pool import clean_many
from boilerx.document import Document

LONG = os.environ.get("BOILERX_LONG_TESTS") == "1"
long_only = pytest.mark.skipif(not LONG, reason="long fault test: set BOILERX_LONG_TESTS=1")


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(boilerx.api, "extract", fake_extract)


def slow_extract(
    page: str | bytes, *, mode: str = "auto", threshold: float | None = None
) -> Document:
    """The fake extractor, but a page saying SLEEP takes a minute, and every page a little
    time, so that a kill lands while a worker is busy."""
    text = page.decode("utf-8") if isinstance(page, bytes) else page
    if text.startswith("SLEEP"):
        if text.startswith("SLEEP "):  # "SLEEP path": say so in a file first
            Path(text[6:]).touch()
        time.sleep(60)
    return fake_extract(page, mode=mode, threshold=threshold)


def records(n: int) -> list[str]:
    return [f"record number {i} has words\nnav {i}" for i in range(n)]


def _kill_at_random(n: int, kills: int, seed: int, n_jobs: int = 2) -> None:
    """Clean ``n`` records on ``n_jobs`` workers, SIGKILL a random worker ``kills`` times at
    random moments, and check that every record comes back, in order, each either cleaned
    or failed as ``WorkerError: worker died``."""
    rng = random.Random(seed)
    items = records(n)
    kill_at = sorted(rng.sample(range(10, n - 10), kills))
    results = []
    killed = 0
    for i, result in enumerate(clean_many(items, n_jobs=n_jobs, chunk_size=8)):
        results.append(result)
        if killed < kills and i == kill_at[killed]:
            workers = multiprocessing.active_children()
            assert workers, "no worker process to kill"
            os.kill(rng.choice(workers).pid, signal.SIGKILL)
            killed += 1
    assert killed == kills
    assert len(results) == n
    failed = 0
    for item, result in zip(items, results, strict=True):
        if result.ok:
            assert result.text == fake_extract(item).text  # in order, nothing shifted
        else:
            failed += 1
            assert result.text == ""
            assert (result.error or "").startswith("WorkerError: worker died (killed by SIGKILL)")
    assert failed <= kills  # only the page a worker was on, if it was on one


def test_fake_random_worker_kills_cost_at_most_their_page(fake: None) -> None:
    _kill_at_random(3000, kills=4, seed=21)


@long_only
def test_fake_random_worker_kills_in_a_long_run(fake: None) -> None:
    for seed in range(3):
        _kill_at_random(10_000, kills=12, seed=seed)


def test_fake_kill_while_busy_fails_that_page_only(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(boilerx.api, "extract", slow_extract)
    asleep = tmp_path / "asleep"
    items = records(30) + [f"SLEEP {asleep}"] + records(30)

    def kill_the_sleeper() -> None:  # once a worker sleeps on the SLEEP page, kill every worker
        deadline = time.monotonic() + 20
        while not asleep.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        for child in multiprocessing.active_children():
            os.kill(child.pid, signal.SIGKILL)

    killer = threading.Thread(target=kill_the_sleeper)
    killer.start()
    results = list(clean_many(items, n_jobs=2, chunk_size=4))
    killer.join()
    assert len(results) == 61
    assert "worker died" in (results[30].error or "")
    assert all(r.ok for i, r in enumerate(results) if i != 30)
    assert [r.text for r in results[31:]] == [fake_extract(p).text for p in items[31:]]


def test_fake_timeout_fails_the_page_and_replaces_the_worker(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(boilerx.api, "extract", slow_extract)
    items = records(12) + ["SLEEP"] + records(12)  # (no path: "SLEEP x" touches x)
    started = time.monotonic()
    results = list(clean_many(items, n_jobs=2, chunk_size=3, timeout=0.5))
    assert time.monotonic() - started < 10
    assert len(results) == 25
    assert results[12].error == "Timeout: page took more than 0.5 s"
    assert [r.text for i, r in enumerate(results) if i != 12] == [
        fake_extract(p).text for i, p in enumerate(items) if i != 12
    ]


def test_fake_timeout_with_one_job_uses_a_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(boilerx.api, "extract", slow_extract)
    results = list(clean_many(["SLEEP", "a page of words"], n_jobs=1, timeout=0.3))
    assert results[0].error == "Timeout: page took more than 0.3 s"
    assert results[1].text == "A PAGE OF WORDS"


@pytest.mark.parametrize("timeout", [0, -1, float("nan"), float("inf"), "5", True])
def test_bad_timeout_is_refused(timeout: object) -> None:
    with pytest.raises((TypeError, ValueError)):
        clean_many(["x"], timeout=timeout)  # type: ignore[arg-type]


def test_fake_crashing_page_fails_alone_each_time(fake: None) -> None:
    items = []
    for i in range(40):
        items += records(5) if i % 4 else ["CRASH"]
    results = list(clean_many(items, n_jobs=2, chunk_size=6))
    assert len(results) == len(items)
    for item, result in zip(items, results, strict=True):
        if item == "CRASH":
            assert result.error == "WorkerError: worker died (exit status 3)"
        else:
            assert result.text == fake_extract(item).text


def test_fake_stopping_early_leaves_no_busy_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(boilerx.api, "extract", slow_extract)
    results = clean_many(records(3) + ["SLEEP"] * 4 + records(40), n_jobs=2, chunk_size=1)
    assert next(results).ok
    results.close()  # abandoned with workers asleep: they are stopped, not waited for
    started = time.monotonic()
    assert [r.ok for r in clean_many(records(20), n_jobs=2, chunk_size=2)] == [True] * 20
    assert time.monotonic() - started < 10


# ---------------------------------------------------------------- lone surrogates

SURROGATE_ROWS = [
    {"id": "a\ud800", "html": "A line of words here \ud800 and more words\nnav", "x": ["\udfff"]},
    {"id": "b", "html": "The next record is cleaned as well, with words\nmenu"},
]


def _valid_utf8(data: bytes) -> str:
    text = data.decode("utf-8")  # strict: raises on anything that is not UTF-8
    assert not any("\ud800" <= c <= "\udfff" for c in text)
    return text


@pytest.mark.parametrize("fmt", ["jsonl", "json", "text"])
def test_fake_jsonl_with_lone_surrogates_gives_utf8_for_every_record(
    fake: None, tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes], fmt: str
) -> None:
    from boilerx.cli import main

    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(json.dumps(row) for row in SURROGATE_ROWS) + "\n")
    assert "\\ud800" in path.read_text()  # valid JSON, escaped
    assert main(["clean", str(path), "--format", fmt, "--jobs", "1", "-q"]) == 0
    out = _valid_utf8(capsysbinary.readouterr().out)
    assert "A LINE OF WORDS HERE \ufffd AND MORE WORDS" in out
    assert "THE NEXT RECORD IS CLEANED AS WELL, WITH WORDS" in out
    out_dir = tmp_path / "out"
    assert main(["clean", str(path), "--format", fmt, "--out", str(out_dir), "-q"]) == 0
    for written in out_dir.rglob("*"):
        if written.is_file():
            assert "NEXT RECORD" in _valid_utf8(written.read_bytes())


@pytest.mark.parametrize("mode", ["text", "html", "auto"])
def test_lone_surrogates_in_a_page_are_replaced(mode: str) -> None:
    from boilerx.pipeline.decode import to_text

    page = "<p>Words \ud800 around a lone surrogate \udc00 and its mate.</p>"
    assert to_text(page) == page.replace("\ud800", "\ufffd").replace("\udc00", "\ufffd")
    doc = boilerx.extract(page, mode=mode)  # type: ignore[arg-type]
    for value in (doc.text, doc.title or "", boilerx.clean(page, mode=mode)):  # type: ignore[arg-type]
        value.encode("utf-8")
    assert to_text("pair \U0001f600 kept") == "pair \U0001f600 kept"


def test_utf7_declared_page_gives_utf8() -> None:
    page = b"<meta charset=utf-7><p>+2AA- a paragraph of words about the +2ADcAA- storm.</p>"
    boilerx.extract(page).text.encode("utf-8")
    boilerx.clean(page).encode("utf-8")


_DECLARATIONS = [b"", b"<meta charset=utf-8>", b"<meta charset=utf-7>", b"<meta charset=latin-1>"]
_UTF8 = st.text(max_size=100).map(lambda t: t.encode("utf-8", "surrogatepass"))
_BODIES = st.binary(max_size=200) | _UTF8 | st.just(b"+2AA- and +2ADcAA- in UTF-7")


@settings(max_examples=300, deadline=None)
@given(
    declaration=st.sampled_from(_DECLARATIONS),
    body=_BODIES,
    bom=st.sampled_from([b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE]),
)
def test_only_utf8_text_skips_the_surrogate_scan(
    declaration: bytes, body: bytes, bom: bytes
) -> None:
    """to_text skips the lone-surrogate scan only for text that is its bytes read as UTF-8
    exactly, which holds none: the same text as the scan gives, for any bytes (UTF-7 makes
    lone ones)."""
    from boilerx.pipeline.decode import (
        _python_has_surrogates,
        decode,
        decode_exactly,
        replace_surrogates,
        to_text,
    )

    data = bom + declaration + body
    text, exact = decode_exactly(data)
    assert text == decode(data)
    if exact:
        assert not _python_has_surrogates(text)
    assert to_text(data) == replace_surrogates(text)


# ---------------------------------------------------------------- WARC framing

HTTP = "application/http; msgtype=response"


def warc(
    i: int,
    *,
    length: int | str | None = None,
    warc_type: str = "response",
    content_type: str = "text/html",
) -> bytes:
    """One WARC record of a small HTML page (``length``: a Content-Length to lie with)."""
    body = (
        f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\n\r\n"
        f"<html><body><p>page {i} has some words</p></body></html>"
    ).encode()
    head = (
        f"WARC/1.0\r\nWARC-Type: {warc_type}\r\nWARC-Record-ID: <urn:uuid:{i}>\r\n"
        f"WARC-Target-URI: http://x.test/{i}\r\nWARC-Date: 2024-05-06T07:08:09Z\r\n"
        f"Content-Type: {HTTP}\r\nContent-Length: {len(body) if length is None else length}\r\n\r\n"
    )
    return head.encode() + body + b"\r\n\r\n"


def read_warc(data: bytes, max_bytes: int = 1_000_000) -> tuple[list, int]:
    pytest.importorskip("fastwarc")
    from boilerx.batch.records import WarcReader

    reader = WarcReader()
    found = list(reader.read(io.BytesIO(data), "crawl.warc", max_bytes))
    return found, reader.skipped


def urls(found: list) -> list[str | None]:
    return [r.url for r in found]


def test_warc_good_records_all_read() -> None:
    found, skipped = read_warc(b"".join(warc(i) for i in range(5)))
    assert urls(found) == [f"http://x.test/{i}" for i in range(5)]
    assert all(r.error is None and b"has some words" in r.page for r in found)
    assert skipped == 0


@pytest.mark.parametrize("lie", ["long", "short", "abc", "-5", ""])
def test_warc_wrong_content_length_fails_that_record_only(lie: str) -> None:
    records = [warc(i) for i in range(50)]
    true_length = len(records[1].split(b"\r\n\r\n", 1)[1]) - 4
    length = {"long": true_length + 48 * 300, "short": true_length - 30}.get(lie, lie)
    records[1] = warc(1, length=length)
    found, _ = read_warc(b"".join(records))
    assert len(found) == 50  # no page swallowed, none merged into another
    assert urls(found) == [f"http://x.test/{i}" for i in range(50)]
    bad = found[1]
    assert bad.page is None and (bad.error or "").startswith("WarcFramingError")
    assert f"(record at byte {len(records[0])})" in (bad.error or "")
    assert all(r.error is None for i, r in enumerate(found) if i != 1)


def test_warc_truncated_last_record_is_an_error() -> None:
    data = b"".join(warc(i) for i in range(3))
    found, _ = read_warc(data[:-40])
    assert urls(found) == [f"http://x.test/{i}" for i in range(3)]
    assert found[2].page is None and "truncated" in (found[2].error or "")
    assert found[0].error is None and found[1].error is None


def test_warc_garbage_between_records_is_reported_and_skipped() -> None:
    data = warc(0) + b"this is not a record\r\n" * 3 + warc(1)
    found, _ = read_warc(data)
    assert [r.error is None for r in found] == [True, False, True]
    assert "no WARC record starts here" in (found[1].error or "")
    assert found[2].url == "http://x.test/1"


def test_warc_revisit_and_non_html_are_counted_as_skipped() -> None:
    data = (
        warc(0)
        + warc(1, warc_type="revisit")
        + warc(2, content_type="image/png")
        + warc(3, warc_type="request")
        + warc(4)
    )
    found, skipped = read_warc(data)
    assert urls(found) == ["http://x.test/0", "http://x.test/4"]
    assert skipped == 2  # the revisit and the image; a request record is no page at all


def test_warc_gzip_members_with_a_lie_resync() -> None:
    records = [warc(i) for i in range(6)]
    records[2] = warc(2, length=5000)
    found, _ = read_warc(b"".join(gzip.compress(r) for r in records))
    assert urls(found) == [f"http://x.test/{i}" for i in range(6)]
    assert [r.error is None for r in found] == [True, True, False, True, True, True]


def test_warc_record_over_max_bytes_is_passed_over() -> None:
    big = warc(1).replace(b"<p>page 1", b"<p>" + b"x" * 200_000 + b" page 1")
    body = big.split(b"\r\n\r\n", 1)[1][:-4]
    head = big.split(b"\r\n\r\n", 1)[0].rsplit(b"Content-Length: ", 1)[0]
    big = head + b"Content-Length: %d\r\n\r\n" % len(body) + body + b"\r\n\r\n"
    found, _ = read_warc(warc(0) + big + warc(2), max_bytes=1000)
    assert urls(found) == ["http://x.test/0", "http://x.test/1", "http://x.test/2"]
    assert "TooLarge" in (found[1].error or "")
    assert found[0].error is None and found[2].error is None


# ---------------------------------------------------------------- hostile page shapes

SHAPES = {
    "self-closed divs": lambda n: "<html><body>" + "<div/>x" * n,
    "unclosed divs": lambda n: "<html><body>" + "<div>word " * n,
    "formatting with ids": lambda n: "<html><body>" + "".join(f"<b id={i}>x" for i in range(n)),
    "nested then closed": lambda n: "<html><body>" + "<section>a" * n + "</section>" * n,
    "strays between": lambda n: "<html><body>" + "<div>x</span>" * n,
    "custom names": lambda n: "<html><body>" + "".join(f"<x-{i}>y</x-{i + 1}>" for i in range(n)),
}


def _best_time(page: str, runs: int = 5) -> float:
    """The shortest of ``runs`` parses: the least disturbed by other work on the machine."""
    from boilerx.pipeline.lines import html_lines

    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        html_lines(page)
        best = min(best, time.perf_counter() - started)
    return best


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_hostile_shape_costs_linear_time(shape: str) -> None:
    """Four times the tags take about four times as long (quadratic: sixteen; 80,000 of
    them took 16-72 s before; 40,000 here), and a byte costs no more than 6x a byte of dense,
    well-formed markup. Ratios, not seconds, so that a slow machine does not fail it."""
    make = SHAPES[shape]
    small, big = make(10_000), make(40_000)
    baseline = "<html><body>" + "<p>word</p>" * 20_000
    per_byte = _best_time(baseline) / len(baseline)
    t_small, t_big = _best_time(small), _best_time(big)
    assert t_big <= 8 * t_small + 0.05, (t_small, t_big)
    assert t_big / len(big) <= 6 * per_byte + 0.05 / len(big), (t_big, per_byte * len(big))


def test_deep_markup_keeps_its_text() -> None:
    from boilerx.pipeline.lines import _MAX_DEPTH, html_lines

    page = "<html><body>" + "<div>level " * 30_000 + "the end" + "</div>" * 30_000
    lines = html_lines(page)
    text = " ".join(lines.texts)
    assert text.count("level") == 30_000 and text.endswith("the end")
    assert max(lines.depths) <= _MAX_DEPTH + 1


def test_flattening_leaves_svg_and_ordinary_markup_alone() -> None:
    from boilerx.pipeline.lines import _flatten_deep

    icons = "<svg><g>" + '<path d="M0"/>' * 2000 + "</g></svg>"
    paragraphs = "<p>unclosed paragraph " * 2000 + "<ul>" + "<li>item" * 2000 + "</ul>"
    quoted = "<div title='a < b' data-x=\"<p>\">x</div>" * 900  # "<" in attribute values
    for page in (icons, paragraphs, "<script>if (a<b) x = '<div>'</script>" * 900, quoted):
        markup = ("<html><body>" + page).encode()
        assert _flatten_deep(markup) is markup


def test_a_million_lines_are_cut_at_the_line_budget() -> None:
    from boilerx.pipeline.lines import _MAX_LINES, html_lines, text_lines

    html = html_lines("<html><body>" + "a line<br>" * 300_000)
    assert len(html.texts) == _MAX_LINES and html.cut
    text = text_lines("short line\n" * 300_000)
    assert len(text.texts) == _MAX_LINES and text.cut
    assert not html_lines("<p>one</p>").cut and not text_lines("one\ntwo").cut


@long_only
@pytest.mark.parametrize(
    "shape",
    [
        "'<html><body>' + '<div/>x' * 150_000",
        "'<html><body>' + 'a<br>' * 1_000_000",
        "'short line\\n' * 1_000_000",
    ],
)
def test_hostile_page_of_megabytes_stays_small(shape: str) -> None:
    """A fresh process cleans the page under 300 MB of peak memory (2 GB for a million
    lines before) and under a second a megabyte."""
    import subprocess
    import sys

    code = (
        "import resource, time, boilerx\n"
        f"page = {shape}\n"
        "boilerx.clean('<p>warm up the model</p>')\n"
        "started = time.perf_counter(); boilerx.clean(page)\n"
        "print(time.perf_counter() - started, len(page),"
        " resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    seconds, size, peak_kb = out.stdout.split()
    assert float(seconds) <= float(size) / 1e6 + 0.5
    assert int(peak_kb) < 300 * 1024


# ---------------------------------------------------------------- not HTML nor text (API)

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8


@pytest.mark.parametrize(
    ("page", "kind"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >>\nendobj\n" * 50, "PDF"),
        (PNG, "PNG"),
        (bytearray(PNG), "PNG"),
        (memoryview(PNG), "PNG"),
        (random.Random(9).randbytes(20_000), "binary"),
        ("".join(map(chr, random.Random(9).randbytes(20_000))), "binary"),  # str: controls
    ],
    ids=["pdf", "png", "bytearray", "memoryview", "random-bytes", "random-str"],
)
def test_extract_skips_what_is_not_html_nor_text(page: Any, kind: str) -> None:
    doc = boilerx.extract(page)
    assert doc.text == "" and doc.title is None and doc.lines == []
    assert doc.skipped == f"not HTML or text: looks like {kind}"
    assert boilerx.clean(page) == ""
    with pytest.raises(ValueError, match="mode"):  # a wrong argument is still an error
        boilerx.extract(page, mode="pdf")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="threshold"):
        boilerx.clean(page, threshold="0.3")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "page",
    [
        "<p>A paragraph of words about the storm that hit the coast on Monday night.</p>",
        "<p>Ein Absatz über den Sturm, der die Küste traf.</p>".encode("cp1252"),
        "<p>Слова о буре, которая обрушилась на побережье.</p>".encode("utf-16-le"),  # no BOM
        "<p>中文新闻报道说，昨天发生了大风暴，许多房屋受损。</p>\n".encode("utf-16-be") * 20,
        "%PDF-1.7 is how a PDF file begins, as this sentence about PDF files says.",  # a str
    ],
    ids=["str", "cp1252", "utf16-no-bom", "utf16-cjk", "str-with-pdf-magic"],
)
def test_extract_reads_text_in_any_charset(page: str | bytes) -> None:
    doc = boilerx.extract(page)
    assert doc.skipped is None and doc.lines  # read, whatever the model makes of it
    assert doc.lines[0].text in boilerx.pipeline.decode.to_text(page)


# ---------------------------------------------------------------- inputs that vanish


def _unlistable(folder: Path, how: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ``folder`` impossible to list: ``chmod 000``, or (root lists anything) os.scandir
    raising PermissionError for it, as it would for another user."""
    if how == "chmod":
        if os.geteuid() == 0:
            pytest.skip("root lists a chmod 000 folder; the 'patched' case covers this as root")
        folder.chmod(0)
        return
    real_scandir = os.scandir

    def scandir(path: Any = ".") -> Any:
        if os.path.abspath(os.fspath(path)) == str(folder):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)


@pytest.mark.parametrize("how", ["chmod", "patched"])
def test_unreadable_folder_is_an_error_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    from boilerx.batch.records import RecordReader, expand_paths

    root = tmp_path / "pages"
    for name in ("a/1.html", "b/2.html", "b/locked/3.html", "c.html"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("<p>words</p>")
    locked = root / "b" / "locked"
    _unlistable(locked, how, monkeypatch)
    try:
        found = list(RecordReader([str(root)]))
        names = [name for _, name in expand_paths([str(root)])]
    finally:
        locked.chmod(0o755)
    assert names == ["c.html", "a/1.html", "b/2.html", "b/locked"]  # in walking order
    assert [r.name for r in found] == names
    [bad] = [r for r in found if r.error]
    assert bad.id == str(locked) and bad.page is None
    assert bad.error is not None
    assert (
        bad.error.startswith("PermissionError: cannot read the folder:") and "locked" in bad.error
    )


def test_unreadable_input_folder_itself_is_an_error_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from boilerx.batch.records import RecordReader

    _unlistable(tmp_path, "patched", monkeypatch)
    [record] = list(RecordReader([str(tmp_path)]))
    assert record.error and record.error.startswith("PermissionError") and record.name


needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")


@needs_fifo
def test_fifo_in_a_folder_is_an_error_record_not_a_hang(tmp_path: Path) -> None:
    from boilerx.batch.records import RecordReader

    (tmp_path / "a.html").write_text("<p>words</p>")
    os.mkfifo(tmp_path / "b.pipe")
    (tmp_path / "c.html").write_text("<p>more words</p>")
    started = time.monotonic()
    found = list(RecordReader([str(tmp_path)]))
    assert time.monotonic() - started < 5
    assert [r.name for r in found] == ["a.html", "b.pipe", "c.html"]
    assert found[1].page is None and found[1].error == "NotAFile: a named pipe (FIFO), not read"
    assert found[0].page == b"<p>words</p>" and found[2].error is None


@needs_fifo
def test_fifo_given_as_input_is_read_or_fails_in_time(tmp_path: Path) -> None:
    from boilerx.batch.records import RecordReader

    fifo = tmp_path / "pages.jsonl"
    os.mkfifo(fifo)
    started = time.monotonic()
    [record] = list(RecordReader([str(fifo)], fifo_wait=0.3))  # nobody writes to it
    assert 0.25 < time.monotonic() - started < 5
    assert record.error == "TimeoutError: nothing was written to the named pipe in 0.3 s"

    def write() -> None:
        time.sleep(0.2)
        with open(fifo, "wb") as pipe:  # as `boilerx clean <(zcat pages.jsonl.gz)` would
            pipe.write(gzip.compress(b'{"html": "one"}\n{"html": "two"}\n'))

    writer = threading.Thread(target=write)
    writer.start()
    found = list(RecordReader([str(fifo)], fifo_wait=10))
    writer.join()
    assert [r.page for r in found] == ["one", "two"]  # gzipped, by its magic


@needs_fifo
def test_cli_on_a_fifo_nobody_writes_to_does_not_hang(tmp_path: Path) -> None:
    import subprocess
    import sys

    fifo = tmp_path / "page.html"
    os.mkfifo(fifo)
    command = [sys.executable, "-m", "boilerx.cli", "clean", str(fifo), "--timeout", "1"]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert "TimeoutError: nothing was written to the named pipe in 1 s" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_closed_stdin_is_one_line_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sys

    from boilerx.batch.records import RecordReader
    from boilerx.cli import main

    monkeypatch.setattr(sys, "stdin", None)  # what Python makes of a closed fd 0
    assert main(["clean", "-", "--jobs", "1"]) == 2
    assert capsys.readouterr().err == "boilerx: standard input (-) is closed\n"
    [record] = list(RecordReader(["-"]))
    assert record.error == "OSError: standard input is closed"


def test_cli_with_stdin_closed_in_a_subprocess() -> None:
    import subprocess
    import sys

    command = f'exec "{sys.executable}" -m boilerx.cli clean - <&-'
    proc = subprocess.run(["sh", "-c", command], capture_output=True, text=True, timeout=60)
    assert (proc.returncode, proc.stderr) == (2, "boilerx: standard input (-) is closed\n")


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b'{"html": "<p>x</p>"}\n{"html": "y"}\n', "jsonl"),
        (b'\n  {"html": "' + b"x" * 10_000, "jsonl"),  # a first line longer than the sniff
        (b'not json\n{"html": "a"}\n{"html": "b"}\n', "jsonl"),  # a bad first line
        (b'[\n{"html": "' + b"x" * 10_000, "jsonl"),
        (b"\xef\xbb\xbf" + b'{"html": "bom"}\n', "jsonl"),
        (b"{{Infobox}} is wiki markup\nand this is text\nof three lines\n", "files"),
        (b"{ not json at all }\n", "files"),
        (b'one line of text\n{"a": 1}\nmore text\nand more\n', "files"),
        (b"<html><p>{}</p>", "files"),
        (gzip.compress(b'{"html": "z"}\n'), "jsonl"),
    ],
)
def test_stdin_is_jsonl_only_when_its_lines_are_json(head: bytes, kind: str) -> None:
    from boilerx.batch.records import sniff_stream

    found, stream = sniff_stream(io.BytesIO(head))
    assert found == kind
    assert stream.read() == head  # nothing lost to the sniff


@pytest.mark.parametrize("given", ["auto", "jsonl"])
def test_fake_jsonl_on_stdin_with_a_bad_first_line(
    fake: None,
    monkeypatch: pytest.MonkeyPatch,
    capsysbinary: pytest.CaptureFixture[bytes],
    given: str,
) -> None:
    import sys

    from boilerx.cli import main

    data = b'a header line\n{"html": "first page of words"}\n[1, 2]\n{"html": "second of words"}\n'
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert main(["clean", "-", "--input", given, "--jobs", "1", "-q"]) == 0
    out = [json.loads(line) for line in _valid_utf8(capsysbinary.readouterr().out).splitlines()]
    assert [r["text"] for r in out] == ["", "FIRST PAGE OF WORDS", "", "SECOND OF WORDS"]
    assert out[0]["error"].startswith("JSONDecodeError: line 1:")
    assert out[2]["error"] == "TypeError: line 3: not a JSON object"


# ---------------------------------------------------------------- all faults in one run


def test_fake_every_fault_in_one_run_gives_one_record_each(
    fake: None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsysbinary: pytest.CaptureFixture[bytes],
) -> None:
    """A directory holding good pages, a page that kills its worker, an image, a FIFO, a folder
    that cannot be listed, JSONL with lone surrogates and a bad line, and (with fastwarc) a
    WARC with a lying Content-Length and a truncated end: one output record per input record,
    every failure an error record, and the output valid UTF-8."""
    import importlib.util

    from boilerx.cli import main

    root = tmp_path / "in"
    (root / "locked").mkdir(parents=True)
    (root / "locked" / "hidden.html").write_text("<p>never read</p>")
    _unlistable(root / "locked", "patched", monkeypatch)
    good = {f"p{i}.html": f"page {i} has several words\nnav {i}" for i in range(12)}
    for name, text in good.items():
        (root / name).write_text(text)
    (root / "crash.html").write_text("CRASH")  # the fake extractor's worker exits on it
    (root / "image.png").write_bytes(PNG)
    rows = [json.dumps(row) for row in SURROGATE_ROWS] + ["{broken"]
    (root / "rows.jsonl").write_text("\n".join(rows) + "\n")
    expected_failures = ["crash.html", "image.png", "locked", "rows.jsonl"]  # one bad JSONL line
    n_inputs = len(good) + 3 + len(rows)
    if hasattr(os, "mkfifo"):
        os.mkfifo(root / "pipe")
        expected_failures.append("pipe")
        n_inputs += 1
    if importlib.util.find_spec("fastwarc") is not None:
        data = b"".join(warc(i) for i in range(6))
        data = data.replace(warc(2), warc(2, length=150))  # a lie, ending mid-record
        (root / "crawl.warc").write_bytes(data[:-30])  # and a truncated last record
        expected_failures += ["http://x.test/2", "http://x.test/5"]
        n_inputs += 6
    args = ["clean", str(root), "--format", "jsonl", "--jobs", "2", "--chunk-size", "2", "-q"]
    assert main(args) == 0
    records = [json.loads(line) for line in _valid_utf8(capsysbinary.readouterr().out).splitlines()]
    assert len(records) == n_inputs, [(r.get("id"), r.get("url"), r["error"]) for r in records]

    def source(record: dict) -> str:
        if "date" in record:  # a WARC record
            return str(record["url"])
        if "html" in record or "id" not in record:  # a JSONL line: its fields, or none
            return "rows.jsonl"
        return os.path.relpath(record["id"], root)

    failed = []
    for record in records:
        if record["error"]:
            assert record["text"] == "" and record["error"].split(":")[0].isidentifier()
            failed.append(source(record))
        else:
            assert record["text"]
    assert sorted(failed) == sorted(expected_failures)
    assert "worker died" in next(
        r["error"] for r in records if r.get("id", "").endswith("crash.html")
    )


# ---------------------------------------------------------------- SIGTERM stops the workers

_SLEEPY_CLI = """
import os, sys, time
sys.path.insert(0, {tests!r})
import boilerx.api
from fakes import fake_extract

def sleepy(page, *, mode="auto", threshold=None):
    if bytes(page).startswith(b"SLEEP"):  # say so, with this worker's pid, then hang
        open(os.path.join({marks!r}, str(os.getpid())), "w").close()
        time.sleep(300)
    return fake_extract(page, mode=mode, threshold=threshold)

boilerx.api.extract = sleepy
from boilerx.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _alive(pid: int) -> bool:
    try:
        import psutil
    except ImportError:  # psutil comes with dask; /proc where it does not
        try:
            with open(f"/proc/{pid}/stat") as stat:
                return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
        except OSError:
            return False
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _children(pid: int) -> set[int]:
    try:
        import psutil
    except ImportError:
        with open(f"/proc/{pid}/task/{pid}/children") as children:
            return {int(child) for child in children.read().split()}
    return {child.pid for child in psutil.Process(pid).children(recursive=True)}


@pytest.mark.skipif(not hasattr(signal, "SIGTERM") or os.name != "posix", reason="POSIX only")
def test_sigterm_stops_every_worker(tmp_path: Path) -> None:
    import subprocess
    import sys

    marks = tmp_path / "asleep"
    marks.mkdir()
    pages = tmp_path / "pages"
    pages.mkdir()
    for i in range(8):
        (pages / f"{i}.txt").write_text("SLEEP" if i % 4 else f"page {i} has some words")
    script = tmp_path / "sleepy_cli.py"
    tests = str(Path(__file__).resolve().parent)
    script.write_text(_SLEEPY_CLI.format(tests=tests, marks=str(marks)))
    command = [sys.executable, str(script), "clean", str(pages), "--jobs", "2", "-q"]
    command += ["--chunk-size", "1", "--timeout", "0"]
    errors = tmp_path / "stderr"  # a file, not a pipe: workers left running would hold a pipe
    with open(errors, "wb") as stderr:
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=stderr)
    try:
        deadline = time.monotonic() + 60
        while len(list(marks.iterdir())) < 2 and time.monotonic() < deadline:
            assert proc.poll() is None, errors.read_text()
            time.sleep(0.05)
        asleep = {int(mark.name) for mark in marks.iterdir()}
        assert len(asleep) == 2, "both workers should be asleep on a page by now"
        workers = _children(proc.pid) | asleep
        proc.send_signal(signal.SIGTERM)
        status = proc.wait(timeout=20)
        assert status == 128 + signal.SIGTERM, errors.read_text()
        assert errors.read_text() == "boilerx: terminated\n"
        deadline = time.monotonic() + 5
        while any(map(_alive, workers)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not [pid for pid in workers if _alive(pid)], "workers outlived SIGTERM"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for mark in marks.iterdir():  # never leave a sleeper behind, even when the test fails
            with contextlib.suppress(OSError):
                os.kill(int(mark.name), signal.SIGKILL)


# ---------------------------------------------------------------- property: any input, a str

# hypothesis is a test dependency (the dev extra); without it these are skipped, not the module
try:
    import hypothesis
    from hypothesis import strategies as st
except ImportError:  # pragma: no cover - depends on the environment
    hypothesis = None  # type: ignore[assignment]


def test_property_tests_need_hypothesis() -> None:
    pytest.importorskip("hypothesis")


if hypothesis is not None:
    _TAGS = [
        "div",
        "p",
        "span",
        "a",
        "b",
        "li",
        "ul",
        "table",
        "td",
        "tr",
        "svg",
        "path",
        "script",
        "style",
        "br",
        "h1",
        "article",
        "nav",
        "x-y",
        "template",
        "noscript",
        "title",
        "meta",
    ]
    _ANY_CHAR = st.characters(blacklist_categories=())  # surrogates and controls included

    @st.composite
    def html_pages(draw: Any) -> str:
        parts = []
        for _ in range(draw(st.integers(0, 60))):
            kind = draw(st.integers(0, 5))
            tag = draw(st.sampled_from(_TAGS))
            if kind == 0:
                parts.append(f"<{tag}>")
            elif kind == 1:
                parts.append(f"</{tag}>")
            elif kind == 2:
                parts.append(f"<{tag}/>")
            elif kind == 3:
                attr = draw(st.text(_ANY_CHAR, max_size=12)).replace('"', "")
                parts.append(f'<{tag} class="{attr}" id=x{len(parts)}>')
            else:
                parts.append(draw(st.text(_ANY_CHAR, max_size=80)))
        return "".join(parts)

    def _check_output(page: object, mode: str) -> None:
        started = time.perf_counter()
        doc = boilerx.extract(page, mode=mode)  # type: ignore[arg-type]
        text = boilerx.clean(page, mode=mode)  # type: ignore[arg-type]
        elapsed = time.perf_counter() - started
        for value in (doc.text, doc.title or "", text):
            assert isinstance(value, str)
            value.encode("utf-8")  # strict: no lone surrogates
        assert elapsed < 2.0  # both calls on an input far under 1 MB: under a second each

    @hypothesis.settings(max_examples=60, deadline=None)
    @hypothesis.given(page=html_pages(), mode=st.sampled_from(["auto", "html", "text"]))
    def test_property_any_html_gives_utf8_text(page: str, mode: str) -> None:
        _check_output(page, mode)

    @hypothesis.settings(max_examples=60, deadline=None)
    @hypothesis.given(
        page=st.one_of(st.text(_ANY_CHAR, max_size=400), st.binary(max_size=400)),
        mode=st.sampled_from(["auto", "html", "text"]),
    )
    def test_property_any_text_or_bytes_gives_utf8_text(page: str | bytes, mode: str) -> None:
        _check_output(page, mode)
