"""End-to-end tests of ``boilerx clean`` (and the ``train``/``bench`` aliases).

``*_fake_*`` tests swap boilerx.api.extract for a module-level function (worker processes get
it by reference) to test the CLI's reading, ordering and writing alone; ``*_real_*`` tests run
the real model and compare with :func:`boilerx.clean`.
"""

from __future__ import annotations

import gzip
import importlib.util
import io
import json
import os
import re
import subprocess
import sys
import types
from pathlib import Path

import pytest
from fakes import fake_extract  # noqa: E402

import boilerx
import boilerx.api
from boilerx.cli import main

needs_fastwarc = pytest.mark.skipif(
    importlib.util.find_spec("fastwarc") is None,
    reason="reading WARC/WET needs fastwarc: pip install 'boilerx[batch]'",
)


def fake_text(page: str | bytes, mode: str = "auto") -> str:
    return fake_extract(page, mode=mode).text


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(boilerx.api, "extract", fake_extract)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["clean", *args])
    out, err = capsys.readouterr()
    return status, out, err


def jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


NO_METADATA = {  # what the fake extractor's Document says about its page: nothing
    "authors": [],
    "date": None,
    "date_modified": None,
    "site_name": None,
    "description": None,
    "language": None,
    "url": None,
    "image": None,
}
PAGE_A = "<p>\nfirst page body line\nnav\n</p>"
PAGE_B = "second page body text\nmenu\nanother long body line"


@pytest.fixture
def page_dir(tmp_path: Path) -> Path:
    root = tmp_path / "pages"
    (root / "sub").mkdir(parents=True)
    (root / "a.html").write_text(PAGE_A)
    (root / "sub" / "b.txt.gz").write_bytes(gzip.compress(PAGE_B.encode()))
    (root / ".hidden.html").write_text("hidden page never read")
    return root


# ---------------------------------------------------------------- WARC and WET made by hand


def warc_record(
    warc_type: str, payload: bytes, *, rid: str, uri: str = "", content_type: str = ""
) -> bytes:
    head = [
        "WARC/1.0",
        f"WARC-Type: {warc_type}",
        f"WARC-Record-ID: <urn:uuid:{rid}>",
        "WARC-Date: 2024-05-06T07:08:09Z",
    ]
    if uri:
        head.append(f"WARC-Target-URI: {uri}")
    if content_type:
        head.append(f"Content-Type: {content_type}")
    head.append(f"Content-Length: {len(payload)}")
    return ("\r\n".join(head) + "\r\n\r\n").encode() + payload + b"\r\n\r\n"


def http_response(body: bytes, *headers: str, content_type: str = "text/html") -> bytes:
    lines = ["HTTP/1.1 200 OK", f"Content-Type: {content_type}", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def chunked(data: bytes, size: int = 7) -> bytes:
    parts = [
        b"%x\r\n%s\r\n" % (len(data[i : i + size]), data[i : i + size])
        for i in range(0, len(data), size)
    ]
    return b"".join(parts) + b"0\r\n\r\n"


HTML_1 = b"<html><title>t</title><body><p>\nwarc page one body line\n</p></body></html>"
HTML_2 = "<p>\ncaf\u00e9 page two in latin one\n</p>".encode("latin-1")
HTML_3 = b"<p>\nwarc page three plain body\n</p>"
HTTP = "application/http; msgtype=response"


def make_warc(gz: bool) -> bytes:
    records = [
        warc_record(
            "warcinfo", b"software: test\r\n", rid="info", content_type="application/warc-fields"
        ),
        warc_record(
            "request",
            b"GET / HTTP/1.1\r\n\r\n",
            rid="req",
            uri="http://x.test/1",
            content_type=HTTP,
        ),
        warc_record(
            "response",
            http_response(
                chunked(gzip.compress(HTML_1)),
                "Content-Encoding: gzip",
                "Transfer-Encoding: chunked",
            ),
            rid="r1",
            uri="http://x.test/1",
            content_type=HTTP,
        ),
        warc_record(
            "response",
            http_response(b"\x89PNG...", content_type="image/png"),
            rid="img",
            uri="http://x.test/i.png",
            content_type=HTTP,
        ),
        warc_record(
            "response",
            http_response(HTML_2, content_type="text/html; charset=iso-8859-1"),
            rid="r2",
            uri="http://x.test/2",
            content_type=HTTP,
        ),
        warc_record(
            "response",
            http_response(b"\x1f\x8b\x08\x00garbage", "Content-Encoding: gzip"),
            rid="bad",
            uri="http://x.test/bad",
            content_type=HTTP,
        ),
        warc_record(
            "response", http_response(HTML_3), rid="r3", uri="http://x.test/3", content_type=HTTP
        ),
    ]
    return b"".join(gzip.compress(r) for r in records) if gz else b"".join(records)


WET_TEXTS = ["wet text page one here\nshort", "wet text page two is here too"]


def make_wet() -> bytes:
    records = [
        warc_record("warcinfo", b"x: y\r\n", rid="info", content_type="application/warc-fields")
    ]
    for i, text in enumerate(WET_TEXTS):
        records.append(
            warc_record(
                "conversion",
                text.encode(),
                rid=f"w{i}",
                uri=f"http://w.test/{i}",
                content_type="text/plain",
            )
        )
    return b"".join(gzip.compress(r) for r in records)


# ---------------------------------------------------------------- pages, with the fake


def test_fake_directory_recursive_gz_to_stdout(fake: None, page_dir: Path, capsys) -> None:
    status, out, err = run(capsys, str(page_dir), "--jobs", "1", "--quiet")
    assert status == 0 and err == ""
    a, b = page_dir / "a.html", page_dir / "sub" / "b.txt.gz"  # two files: a header each
    assert out == f"==> {a} <==\n{fake_text(PAGE_A)}\n\n==> {b} <==\n{fake_text(PAGE_B)}\n"
    status, out, _ = run(capsys, str(a), "--quiet")  # one file: its text alone
    assert (status, out) == (0, fake_text(PAGE_A) + "\n")


def test_fake_stdin_page(fake: None, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(gzip.compress(PAGE_B.encode()))))
    status, out, _ = run(capsys, "-", "-q", "--format", "jsonl")
    assert status == 0
    [record] = jsonl(out)
    assert record["text"] == fake_text(PAGE_B) and record["id"] == "-"


def test_fake_out_dir_one_json_file_per_input(
    fake: None, page_dir: Path, tmp_path: Path, capsys
) -> None:
    out_dir = tmp_path / "out"
    status, out, _ = run(capsys, str(page_dir), "--out", str(out_dir), "--format", "json", "-q")
    assert status == 0 and out == ""
    assert sorted(p.relative_to(out_dir).as_posix() for p in out_dir.rglob("*.json")) == [
        "a.json",
        "sub/b.json",
    ]
    b = json.loads((out_dir / "sub" / "b.json").read_text())
    assert b["text"] == fake_text(PAGE_B)
    assert (b["n_lines"], b["n_body_lines"]) == (3, 2)
    assert b["id"].endswith("b.txt.gz") and b["url"] is None and b["error"] is None


def test_fake_json_to_stdout_is_one_array(fake: None, page_dir: Path, capsys) -> None:
    status, out, _ = run(
        capsys, str(page_dir / "a.html"), str(page_dir / "sub"), "--format", "json", "-q"
    )
    assert [r["text"] for r in json.loads(out)] == [fake_text(PAGE_A), fake_text(PAGE_B)]


def test_fake_mode_and_threshold_reach_the_extractor(fake: None, page_dir: Path, capsys) -> None:
    args = (str(page_dir / "a.html"), "--format", "jsonl", "--mode", "text", "--threshold", "0.25")
    _, out, _ = run(capsys, *args, "-q")
    assert jsonl(out)[0]["title"] == "text|0.25"


# ---------------------------------------------------------------- JSONL, with the fake


def write_jsonl(path: Path, rows: list[object]) -> Path:
    lines = [row if isinstance(row, str) else json.dumps(row) for row in rows]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_fake_jsonl_keeps_fields_and_carries_failures(fake: None, tmp_path: Path, capsys) -> None:
    rows: list[object] = [
        {"id": 1, "html": "jsonl page one body", "lang": "en", "meta": {"k": [1, 2]}},
        {"id": 2, "html": 12345, "lang": "de"},  # not a string
        "{not json",
        {"id": 4, "body": "no html field here"},
        {"id": 5, "html": "x " * 300},  # too large for --max-bytes 200
        {"id": 6, "html": "RAISE inside the extractor"},
        {"id": 7, "html": "jsonl page seven body"},
    ]
    path = write_jsonl(tmp_path / "in.jsonl", rows)
    status, out, err = run(capsys, str(path), "--max-bytes", "200", "--jobs", "1")
    assert status == 0
    records = jsonl(out)
    assert len(records) == 7
    assert records[0] == {
        "id": 1,
        "html": "jsonl page one body",
        "lang": "en",
        "meta": {"k": [1, 2]},
        "title": "auto|None",
        "text": "JSONL PAGE ONE BODY",
        "n_lines": 1,
        "n_body_lines": 1,
        "metadata": NO_METADATA,
        "error": None,
    }
    assert records[1]["html"] == 12345 and records[1]["lang"] == "de"
    assert "TypeError" in records[1]["error"] and records[1]["text"] == ""
    assert "line 3" in records[2]["error"]
    assert "KeyError" in records[3]["error"] and records[3]["body"] == "no html field here"
    assert "TooLarge" in records[4]["error"]
    assert records[5]["error"] == "ValueError: fake failure"
    assert records[6]["text"] == "JSONL PAGE SEVEN BODY" and records[6]["error"] is None
    assert [r.get("id") for r in records] == [1, 2, None, 4, 5, 6, 7]
    assert "7 records, 5 failed" in err
    assert main(["clean", str(path), "--max-bytes", "200", "--strict", "-q"]) == 1
    assert (
        main(
            ["clean", str(rows and write_jsonl(tmp_path / "ok.jsonl", rows[:1])), "--strict", "-q"]
        )
        == 0
    )


def test_fake_jsonl_record_nested_past_the_stack(fake: None, tmp_path: Path, capsys) -> None:
    """A line nested 100,000 deep exhausts the JSON parser's stack: that record fails with
    its line number, and the records around it are cleaned."""
    deep = '{"id": 2, "html": ' + "[" * 100_000 + "]" * 100_000 + "}"
    rows: list[object] = [
        {"id": 1, "html": "page one body"},
        deep,
        {"id": 3, "html": "page three body"},
    ]
    status, out, err = run(capsys, str(write_jsonl(tmp_path / "in.jsonl", rows)), "--jobs", "1")
    records = jsonl(out)
    assert status == 0 and len(records) == 3
    assert records[1]["error"].startswith("RecursionError: line 2:")
    assert records[0]["text"] == "PAGE ONE BODY" and records[2]["text"] == "PAGE THREE BODY"
    assert "3 records, 1 failed" in err


def test_fake_jsonl_field_option(fake: None, tmp_path: Path, capsys) -> None:
    path = write_jsonl(
        tmp_path / "in.jsonl", [{"text": "scraped text body line", "html": "<p>x</p>"}]
    )
    _, out, _ = run(
        capsys, str(path), "--input", "jsonl", "--field", "text", "--mode", "text", "-q"
    )
    [record] = jsonl(out)
    assert record["text"] == "SCRAPED TEXT BODY LINE" and record["html"] == "<p>x</p>"
    assert record["title"] == "text|None"


def test_fake_jsonl_from_stdin_is_detected(
    fake: None, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    data = b'{"html": "stdin jsonl page body", "k": 1}\n'
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    _, out, _ = run(capsys, "-", "-q")
    assert jsonl(out) == [
        {
            "html": "stdin jsonl page body",
            "k": 1,
            "title": "auto|None",
            "text": "STDIN JSONL PAGE BODY",
        }
        | {"n_lines": 1, "n_body_lines": 1, "metadata": NO_METADATA, "error": None}
    ]


# ---------------------------------------------------------------- WARC and WET, with the fake


@needs_fastwarc
@pytest.mark.parametrize("gz", [True, False])
def test_fake_warc_responses(fake: None, tmp_path: Path, capsys, gz: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    path.write_bytes(make_warc(gz))
    status, out, err = run(capsys, str(path), "--jobs", "1")
    assert status == 0
    records = jsonl(out)
    assert [r["id"] for r in records] == [f"<urn:uuid:{i}>" for i in ("r1", "r2", "bad", "r3")]
    assert [r["url"] for r in records] == [f"http://x.test/{i}" for i in ("1", "2", "bad", "3")]
    assert {r["date"] for r in records} == {"2024-05-06T07:08:09Z"}
    assert records[0]["text"] == fake_text(HTML_1)  # chunked and gzipped body decoded
    assert records[0]["title"] == "html|None"
    assert records[1]["text"] == fake_text(HTML_2.decode("latin-1"))  # HTTP charset honoured
    assert "ContentDecodingError" in records[2]["error"] and records[2]["text"] == ""
    assert records[3]["text"] == fake_text(HTML_3) and records[3]["error"] is None
    assert "4 records, 1 failed, 1 non-HTML skipped" in err


@needs_fastwarc
def test_fake_warc_from_stdin_is_detected(
    fake: None, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(make_warc(True))))
    _, out, _ = run(capsys, "-", "-q")
    assert [r["text"] for r in jsonl(out)] == [
        fake_text(HTML_1),
        fake_text(HTML_2.decode("latin-1")),
        "",
        fake_text(HTML_3),
    ]


@needs_fastwarc
def test_fake_wet_conversions_are_text(fake: None, tmp_path: Path, capsys) -> None:
    path = tmp_path / "crawl.warc.wet.gz"
    path.write_bytes(make_wet())
    out_dir = tmp_path / "out"
    status, _, _ = run(capsys, str(path), "--out", str(out_dir), "-q")
    assert status == 0
    records = jsonl((out_dir / "crawl.jsonl").read_text())
    assert [r["id"] for r in records] == ["<urn:uuid:w0>", "<urn:uuid:w1>"]
    assert [r["url"] for r in records] == ["http://w.test/0", "http://w.test/1"]
    assert [r["text"] for r in records] == [fake_text(t, "text") for t in WET_TEXTS]
    assert {r["title"] for r in records} == {"text|None"}
    assert records[0]["date"] == "2024-05-06T07:08:09Z"


@needs_fastwarc
def test_fake_warc_record_over_max_bytes_is_kept(fake: None, tmp_path: Path, capsys) -> None:
    path = tmp_path / "crawl.warc"
    path.write_bytes(make_warc(False))
    _, out, _ = run(capsys, str(path), "--max-bytes", "30", "-q")
    records = jsonl(out)
    assert ["TooLarge" in (r["error"] or "") for r in records] == [True, True, False, True]
    assert [r["url"] for r in records] == [f"http://x.test/{i}" for i in ("1", "2", "bad", "3")]


# ---------------------------------------------------------------- jobs and order, with the fake


def test_fake_two_jobs_equal_one_job(fake: None, tmp_path: Path, capsys) -> None:
    rows = [{"i": i, "html": f"record number {i} body" if i % 9 else 404} for i in range(150)]
    path = write_jsonl(tmp_path / "many.jsonl", rows)
    _, one, _ = run(capsys, str(path), "--jobs", "1", "-q")
    _, two, _ = run(capsys, str(path), "--jobs", "2", "--chunk-size", "4", "-q")
    assert two == one
    records = jsonl(two)
    assert [r["i"] for r in records] == list(range(150))
    assert [r["text"] for r in records[1:3]] == ["RECORD NUMBER 1 BODY", "RECORD NUMBER 2 BODY"]
    assert sum(1 for r in records if r["error"]) == 17


def mixed_jsonl_lines() -> tuple[list[str], list[tuple[str, str | None]]]:
    """JSONL lines of every kind a worker decodes, and the (id, error start) expected of each
    record; blank lines give no record."""
    lines: list[str] = []
    expected: list[tuple[str, str | None]] = []
    for i in range(40):
        rid = f"r{i}"
        case = i % 8
        if case == 0:
            lines.append(json.dumps({"id": rid, "html": f"good page {i} with words\nnav"}))
            expected.append((rid, None))
        elif case == 1:
            lines.append(json.dumps({"id": rid, "html": "RAISE in the worker please"}))
            expected.append((rid, "ValueError: fake failure"))
        elif case == 2:
            lines.append(json.dumps({"id": rid, "html": "CRASH"}))  # kills its worker
            expected.append((rid, "WorkerError: worker died"))
        elif case == 3:
            lines.append(json.dumps({"id": rid, "body": "no html field here"}))
            expected.append((rid, "KeyError"))
        elif case == 4:
            lines.append(json.dumps({"id": rid, "html": 404}))
            expected.append((rid, "TypeError"))
        elif case == 5:
            lines.append(json.dumps({"id": rid, "html": "lone \ud800 surrogate page words"}))
            expected.append((rid, None))
        elif case == 6:
            lines.append("   ")  # blank: no record
        else:
            lines.append(json.dumps({"id": rid, "html": f"last page {i} of its kind"}))
            expected.append((rid, None))
    lines.append("{not json")
    expected.append(("", "JSONDecodeError"))
    return lines, expected


def test_fake_two_jobs_keep_every_jsonl_record_in_order_with_its_own_error(
    fake: None, tmp_path: Path, capsys
) -> None:
    lines, expected = mixed_jsonl_lines()
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _, one, _ = run(capsys, str(path), "--jobs", "1", "-q")
    _, two, _ = run(capsys, str(path), "--jobs", "2", "--chunk-size", "3", "-q")
    assert two == one
    records = jsonl(two)
    assert [(r.get("id") or "") for r in records] == [rid for rid, _ in expected]
    for record, (rid, error) in zip(records, expected, strict=True):
        if error is None:
            assert record["error"] is None and record["text"], rid
        else:
            assert (record["error"] or "").startswith(error), (rid, record["error"])
    assert records[5]["text"] == "LONE \ufffd SURROGATE PAGE WORDS"
    assert records[2]["html"] == "CRASH"  # the fields of a record whose worker died are kept


@needs_fastwarc
def test_fake_two_jobs_keep_every_warc_record_in_order_and_skip_the_same(
    fake: None, tmp_path: Path, capsys
) -> None:
    parts = [warc_record("warcinfo", b"x: y\r\n", rid="info", content_type="x")]
    expected: list[tuple[str, str | None]] = []
    for i in range(30):
        rid, uri = f"w{i}", f"http://x.test/{i}"
        case = i % 6
        if case == 0:
            body, ctype, error = b"<p>\ngood warc page %d words\n</p>" % i, "text/html", None
        elif case == 1:
            body, ctype, error = b"CRASH", "text/html", "WorkerError: worker died"
        elif case == 2:
            body, ctype, error = b"\x89PNG\r\n\x1a\nnot a page", "image/png", "skipped"
        elif case == 3:
            body, ctype, error = b"<p>\nRAISE here in warc\n</p>", "text/html", "ValueError"
        elif case == 4:
            body, ctype, error = b"%PDF-1.4 served as html", "text/html", "NotText"
        else:
            parts.append(warc_record("revisit", b"", rid=rid, uri=uri, content_type=HTTP))
            continue
        payload = http_response(body, content_type=ctype)
        parts.append(warc_record("response", payload, rid=rid, uri=uri, content_type=HTTP))
        if error != "skipped":
            expected.append((f"<urn:uuid:{rid}>", error))
    parts.append(b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 99x\r\n\r\nbroken")
    expected.append(("", "WarcFramingError"))
    path = tmp_path / "mixed.warc.gz"
    path.write_bytes(gzip.compress(b"".join(parts)))
    _, one, err_one = run(capsys, str(path), "--jobs", "1")
    _, two, err_two = run(capsys, str(path), "--jobs", "2", "--chunk-size", "2")
    assert two == one
    assert "10 non-HTML skipped" in err_one and "10 non-HTML skipped" in err_two
    records = jsonl(two)
    assert [(r["id"] or "") for r in records] == [rid for rid, _ in expected]
    for record, (rid, error) in zip(records, expected, strict=True):
        if error is None:
            assert record["error"] is None and record["text"], rid
        else:
            assert (record["error"] or "").startswith(error), (rid, record["error"])


@needs_fastwarc
def test_subprocess_warc_through_a_pipe_keeps_every_record() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "boilerx.cli", "clean", "-", "--jobs", "1"],
        input=make_warc(True),
        capture_output=True,
    )
    assert proc.returncode == 0, proc.stderr
    records = jsonl(proc.stdout.decode("utf-8"))
    assert [r["id"] for r in records] == [f"<urn:uuid:{i}>" for i in ("r1", "r2", "bad", "r3")]
    assert [r["url"] for r in records] == [f"http://x.test/{i}" for i in ("1", "2", "bad", "3")]
    assert "ContentDecodingError" in records[2]["error"]
    assert b"4 records" in proc.stderr and b"1 non-HTML skipped" in proc.stderr


# ---------------------------------------------------------------- arguments and aliases


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["{page}", "--threshold", "1.5"],
        ["{page}", "--jobs", "0"],
        ["{page}", "--format", "xml"],
        ["{page}", "--input", "pdf"],
        ["{page}", "--max-bytes", "lots"],
        ["-", "-"],
    ],
)
def test_wrong_arguments_exit_2(page_dir: Path, args: list[str], capsys) -> None:
    page = str(page_dir / "a.html")
    with pytest.raises(SystemExit) as info:
        main(["clean", *(a.replace("{page}", page) for a in args)])
    assert info.value.code == 2


def test_summary_on_stderr_unless_quiet(fake: None, page_dir: Path, capsys) -> None:
    _, _, err = run(capsys, str(page_dir))
    assert "2 records, 0 failed" in err and "pages/s" in err
    _, _, err = run(capsys, str(page_dir), "--quiet")
    assert err == ""


def test_train_and_bench_forward_their_arguments(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[str, list[str]]] = []
    train = types.ModuleType("boilerx.training.train")
    train.main = lambda argv: seen.append(("train", argv)) or 3  # type: ignore[attr-defined]
    bench_pkg = types.ModuleType("benchmarks")
    bench = types.ModuleType("benchmarks.__main__")
    bench.main = lambda argv: seen.append(("bench", argv))  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "boilerx.training.train", train)
    monkeypatch.setitem(sys.modules, "benchmarks", bench_pkg)
    monkeypatch.setitem(sys.modules, "benchmarks.__main__", bench)
    assert main(["train", "--out", "m", "--clean"]) == 3
    assert main(["bench", "--help"]) == 0
    assert seen == [("train", ["--out", "m", "--clean"]), ("bench", ["--help"])]


def test_bench_without_benchmarks_exits_2(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setitem(sys.modules, "benchmarks", None)
    monkeypatch.setitem(sys.modules, "benchmarks.__main__", None)
    assert main(["bench"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "source checkout" in err
    assert "pip install -e '.[bench]'" in err and "python -m benchmarks" in err


# ---------------------------------------------------------------- the real model

REAL_HTML = """<html><head><title>Harbour reopens in {city}</title></head><body>
<nav><a href="/">Home</a> | <a href="/news">News</a> | <a href="/weather">Weather</a></nav>
<article><h1>Harbour reopens in {city}</h1>
<p>The harbour in {city} reopened to fishing boats on Friday after {n} weeks of repairs to the
sea wall, which was badly damaged by winter storms earlier this year.</p>
<p>Local fishermen said the closure had cost them most of the season, and called on the council
to speed up compensation payments promised in the spring.</p>
</article>
<footer>Copyright 2024 Coast News. All rights reserved. Contact | Advertise</footer>
</body></html>"""


def real_dir(tmp_path: Path, n: int = 12) -> tuple[Path, list[Path]]:
    root = tmp_path / "real"
    root.mkdir()
    paths = []
    for i in range(n):
        path = root / f"p{i:02d}.html"
        path.write_text(REAL_HTML.format(city=f"Town{i}", n=i + 2))
        paths.append(path)
    return root, paths


def test_real_subprocess_files_and_jsonl(tmp_path: Path) -> None:
    root, paths = real_dir(tmp_path)
    expected = [boilerx.clean(p.read_bytes()) for p in paths]
    assert all(expected)
    cmd = [sys.executable, "-m", "boilerx.cli", "clean", str(root), "--format", "jsonl"]
    proc = subprocess.run(
        cmd + ["--jobs", "2", "--chunk-size", "2"], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    records = jsonl(proc.stdout)
    assert [r["text"] for r in records] == expected
    assert [r["error"] for r in records] == [None] * len(paths)
    assert "12 records, 0 failed" in proc.stderr  # the summary; no progress bar off a terminal

    rows = [{"html": p.read_text(), "n": i} for i, p in enumerate(paths)]
    path = write_jsonl(tmp_path / "real.jsonl", rows)
    proc = subprocess.run(
        [sys.executable, "-m", "boilerx.cli", "clean", "-", "-q", "--jobs", "1"],
        input=path.read_bytes(),
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": "ascii"},
    )
    assert proc.returncode == 0 and proc.stderr == b""
    assert [r["text"] for r in jsonl(proc.stdout.decode("utf-8"))] == expected


def test_real_two_jobs_equal_one_job_and_clean(tmp_path: Path, capsys) -> None:
    _, paths = real_dir(tmp_path, 20)
    args = [*(str(p) for p in paths), "--format", "jsonl", "--threshold", "0.35", "-q"]
    _, one, _ = run(capsys, *args, "--jobs", "1")
    _, two, _ = run(capsys, *args, "--jobs", "2", "--chunk-size", "3")
    assert two == one
    docs = [boilerx.extract(p.read_bytes(), threshold=0.35) for p in paths]
    records = jsonl(two)
    assert [(r["text"], r["title"]) for r in records] == [(d.text, d.title) for d in docs]
    assert [r["n_body_lines"] for r in records] == [sum(x.is_body for x in d.lines) for d in docs]


@needs_fastwarc
def test_real_warc(tmp_path: Path, capsys) -> None:
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(make_warc(True))
    _, out, _ = run(capsys, str(path), "-q")
    records = jsonl(out)
    assert records[0]["text"] == boilerx.clean(HTML_1, mode="html")
    assert records[1]["text"] == boilerx.clean(HTML_2.decode("latin-1"), mode="html")
    assert [r["error"] is None for r in records] == [True, True, False, True]


# ---------------------------------------------------------------- bad input (issue 17, part 4)

ASCII_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\nthree words here\n%%EOF\n"


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (ASCII_PDF, "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "JPEG"),
        (b"GIF89a\x01\x00\x01\x00", "GIF"),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "WebP"),
        (b"PK\x03\x04\x14\x00\x00\x00", "ZIP"),
        (gzip.compress(b"<p>inside</p>"), "gzip"),
        (b"\x7fELF\x02\x01\x01\x00", "ELF"),
        (bytes(range(256)) * 20, "binary"),  # control bytes all through
        (b"<p>" + b"\x00\x01\x02\x03" * 200 + b"</p>", "binary"),
    ],
)
def test_binary_kind_names_binary_data(data: bytes, kind: str) -> None:
    from boilerx.pipeline.decode import binary_kind

    assert binary_kind(data) == kind


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"<!doctype html><html><body><p>A page.</p></body></html>",
        b"Scraped text\r\n\tindented\x0cform feed\n",
        "caf\xe9 \xe0 la cr\xe8me, l'\xe9t\xe9".encode("cp1252") * 50,
        "日本語のニュース記事です。".encode("shift_jis") * 50,
        "日本語のニュース".encode("iso2022_jp") * 50,  # escape sequences are text
        "Новости дня".encode("koi8-r") * 50,
        "<p>utf-16 with a mark</p>".encode("utf-16"),
        "<p>utf-32 with a mark</p>".encode("utf-32"),
        ("<p>utf-16 without a mark</p>\n" * 30).encode("utf-16-le"),
        ("<p>utf-16 without a mark</p>\n" * 30).encode("utf-16-be"),
        b"<p>a stray \x00 NUL in a long page of text</p>\n" * 40,
    ],
)
def test_binary_kind_leaves_text_alone(data: bytes) -> None:
    from boilerx.pipeline.decode import binary_kind

    assert binary_kind(data) is None


def test_fake_binary_files_get_an_error_record_and_no_text(
    fake: None, tmp_path: Path, capsys
) -> None:
    root = tmp_path / "mixed"
    root.mkdir()
    (root / "a.html").write_text(PAGE_A)
    (root / "b.pdf").write_bytes(ASCII_PDF)  # "cleaned", its lines would come out as text
    (root / "c.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    (root / "d.bin").write_bytes(bytes(range(256)) * 8)
    (root / "e.html.gz").write_bytes(gzip.compress(ASCII_PDF))  # a PDF, gzipped
    (root / "f.html").write_bytes(gzip.compress(PAGE_B.encode()))  # gzipped, not named so
    status, out, err = run(capsys, str(root), "--format", "jsonl", "--jobs", "1")
    records = jsonl(out)
    assert [Path(r["id"]).name for r in records] == [
        "a.html",
        "b.pdf",
        "c.png",
        "d.bin",
        "e.html.gz",
        "f.html",
    ]
    assert [r["error"] for r in records] == [
        None,
        "NotText: not HTML or text: looks like PDF",
        "NotText: not HTML or text: looks like PNG",
        "NotText: not HTML or text: looks like binary",
        "NotText: not HTML or text: looks like PDF",
        None,
    ]
    assert [r["text"] for r in records] == [
        fake_text(PAGE_A),
        "",
        "",
        "",
        "",
        fake_text(PAGE_B),
    ]
    assert status == 0 and "6 records, 4 failed" in err


def test_fake_binary_page_on_stdin(fake: None, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(ASCII_PDF)))
    status, out, err = run(capsys, "-", "--format", "jsonl", "-q")
    [record] = jsonl(out)
    assert record["error"] == "NotText: not HTML or text: looks like PDF" and record["text"] == ""
    assert status == 1 and "every record failed" in err  # the only record failed


def test_missing_input_is_one_line_and_exit_2(page_dir: Path, tmp_path: Path, capsys) -> None:
    missing = str(tmp_path / "MISSING.html")
    status = main(["clean", str(page_dir / "a.html"), missing])
    out, err = capsys.readouterr()
    assert status == 2 and out == ""
    assert err == f"boilerx: no such file or directory: {missing}\n"  # no usage dump


def test_fake_jsonl_field_that_no_record_has(fake: None, tmp_path: Path, capsys) -> None:
    rows = [{"id": i, "body": f"record {i} body text", "url": "u"} for i in range(6)]
    path = write_jsonl(tmp_path / "in.jsonl", rows)
    status, out, err = run(capsys, str(path), "--field", "content", "-q", "--jobs", "1")
    assert status == 1
    assert len(jsonl(out)) == 6  # the records are still written, each with its error
    assert "no JSONL record has the field 'content' (--field content)" in err
    assert "fields found: body, id, url" in err
    # One record with the field: the others are record errors, the run is fine.
    rows[3]["content"] = "record three body text"
    path = write_jsonl(tmp_path / "in.jsonl", rows)
    status, _, err = run(capsys, str(path), "--field", "content", "-q", "--jobs", "1")
    assert status == 0 and err == ""


def test_fake_every_record_failing_exits_1(fake: None, tmp_path: Path, capsys) -> None:
    path = write_jsonl(tmp_path / "in.jsonl", [{"html": "RAISE one"}, {"html": "RAISE two"}])
    status, _, err = run(capsys, str(path), "-q", "--jobs", "1")
    assert status == 1
    assert err == "boilerx: every record failed (2); the first: ValueError: fake failure\n"
    path = write_jsonl(tmp_path / "in.jsonl", [{"html": "RAISE one"}, {"html": "a fine body"}])
    assert run(capsys, str(path), "-q", "--jobs", "1")[0] == 0
    assert run(capsys, str(path), "-q", "--jobs", "1", "--strict")[0] == 1


def test_model_that_cannot_load_exits_1(
    page_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("BOILERX_MODEL_DIR", str(tmp_path / "no-models"))
    status, out, err = run(capsys, str(page_dir), "--jobs", "1", "-q", "--format", "jsonl")
    assert status == 1
    assert {r["error"].split(":")[0] for r in jsonl(out)} == {"ModelIntegrityError"}
    [line] = err.splitlines()
    assert line.startswith("boilerx: cannot load the model: ModelIntegrityError: no model manifest")
    assert str(tmp_path / "no-models") in line


def test_tampered_model_fails_every_page_and_exits_1(tmp_path: Path) -> None:
    """A model file that fails its checksum: every page that needs the model fails (an empty
    page, which does not, is fine), and the run exits 1 with the reason on stderr."""
    import shutil

    from boilerx.pipeline import model as model_module

    models = tmp_path / "models"
    shutil.copytree(model_module.shipped_model_dir(), models)
    manifest = json.loads((models / "MANIFEST.json").read_text())
    for entry in manifest["files"].values():
        target = models / entry["file"]
        data = bytearray(target.read_bytes())
        data[len(data) // 2] ^= 0xFF
        target.write_bytes(bytes(data))
    pages = tmp_path / "pages"
    pages.mkdir()
    for i in range(6):
        (pages / f"{i}.html").write_text(f"<p>Page {i} has a paragraph of words to score.</p>")
    (pages / "empty.html").write_text("")  # needs no model: this one does not fail
    proc = subprocess.run(
        [sys.executable, "-m", "boilerx.cli", "clean", str(pages), "--jobs", "2"],
        capture_output=True,
        text=True,
        env={**os.environ, "BOILERX_MODEL_DIR": str(models)},
        timeout=300,
    )
    assert proc.returncode == 1
    last = proc.stderr.splitlines()[-1]
    assert last.startswith("boilerx: cannot load the model: ModelIntegrityError:")
    assert "SHA-256" in last and "Traceback" not in proc.stderr


def test_fake_text_output_headers(fake: None, tmp_path: Path, capsys) -> None:
    a, b = tmp_path / "a.html", tmp_path / "b.html"
    a.write_text(PAGE_A)
    b.write_text("RAISE in the second page")
    status, out, err = run(capsys, str(a), str(b), "--jobs", "1")
    assert status == 0
    assert out == f"==> {a} <==\n{fake_text(PAGE_A)}\n\n==> {b} <==\n\n"  # failed: empty body
    assert f"boilerx: {b}: ValueError: fake failure" in err
    # Into --out, one file per input: no headers.
    run(capsys, str(a), str(b), "--out", str(tmp_path / "out"), "-q")
    assert (tmp_path / "out" / "a.txt").read_text() == fake_text(PAGE_A) + "\n"
    # JSON output never has them.
    _, out, _ = run(capsys, str(a), str(b), "--format", "jsonl", "-q")
    assert "==>" not in out
    # The help says so.
    with pytest.raises(SystemExit):
        main(["clean", "--help"])
    assert "==> PATH <==" in capsys.readouterr().out


def test_progress_total_is_the_number_of_page_files(
    fake: None, page_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    import boilerx.cli as cli

    totals: list[int | None] = []
    real_progress = cli._progress

    def progress(quiet: bool, total: int | None = None) -> object:
        totals.append(total)
        return real_progress(True, total)

    monkeypatch.setattr(cli, "_progress", progress)
    jsonl_path = write_jsonl(tmp_path / "in.jsonl", [{"html": "a jsonl body here"}])
    run(capsys, str(page_dir), "-q")  # a directory of two page files
    run(capsys, str(page_dir / "a.html"), "-q")
    run(capsys, str(jsonl_path), "-q")  # records in a stream: unknown
    run(capsys, str(page_dir), str(jsonl_path), "-q")
    run(capsys, str(page_dir / "a.html"), "--input", "jsonl", "-q")
    assert totals == [2, 1, None, None, None]


def test_progress_bar_has_a_total_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("tqdm")
    import boilerx.cli as cli

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    with cli._progress(False, 7) as bar:
        assert bar.total == 7 and not bar.disable
        bar.update(3)
        shown = str(bar)  # what the bar shows: done/total [elapsed<remaining (the ETA)]
        assert "3/7 [" in shown and "<" in shown
    with cli._progress(False, None) as bar:
        assert bar.total is None


def test_version(capsys) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert out == f"boilerx {boilerx.__version__}\n"
    assert re.fullmatch(r"boilerx \d+\.\d+\.\d+\n", out)


# ---------------------------------------------------------------- packaging (issue 17, part 1)

ROOT = Path(__file__).resolve().parent.parent


def pyproject() -> dict:
    tomllib = pytest.importorskip("tomllib")
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_version_is_written_once() -> None:
    project = pyproject()
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    setuptools = project["tool"]["setuptools"]
    assert setuptools["dynamic"]["version"] == {"attr": "boilerx.__version__"}


def test_run_time_dependencies_are_what_clean_needs() -> None:
    project = pyproject()["project"]
    names = {re.split(r"[<>=!~\[ ]", d)[0].lower() for d in project["dependencies"]}
    assert names == {"selectolax", "regex", "numpy", "joblib", "charset-normalizer"}
    extras = project["optional-dependencies"]
    assert "scikit-learn>=1.9,<1.10" in extras["train"]
    assert any(d.startswith("threadpoolctl") for d in extras["train"])
    assert "boilerx[train]" in extras["dev"]  # the tests train small models
    for need in ("pytest", "ruff", "mypy", "hypothesis"):
        assert any(d.startswith(need) for d in extras["dev"]), need
    assert {"batch", "dask", "bench"} <= set(extras)


def test_clean_and_models_load_without_scikit_learn() -> None:
    """The shipped models are pickles of boilerx's own classes: they load, and clean() works,
    with scikit-learn (and threadpoolctl, SciPy) unimportable."""
    code = """
import sys
for name in ("sklearn", "threadpoolctl", "scipy"):
    sys.modules[name] = None
import boilerx
from boilerx.example import PAGE
from boilerx.pipeline.model import get_model
assert type(get_model("html")).__module__ == "boilerx.pipeline.classify"
assert type(get_model("text")).__module__ == "boilerx.pipeline.classify"
text = boilerx.clean(PAGE)
assert text.strip(), "empty"
print(len(text))
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr


# ---------------------------------------------------------------- train and bench (parts 1, 2)


def test_train_without_scikit_learn_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setitem(sys.modules, "sklearn", None)  # find_spec: None, import: fails
    assert main(["train", "--help"]) == 2
    assert capsys.readouterr().err == (
        "boilerx train: training needs scikit-learn: pip install 'boilerx[train]'\n"
    )


def test_python_m_boilerx_train_without_scikit_learn() -> None:
    code = (
        "import sys, runpy; sys.modules['sklearn'] = None; sys.argv[1:] = ['--limit', '1']; "
        "runpy.run_module('boilerx.train', run_name='__main__')"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 2
    assert proc.stderr == (
        "boilerx train: training needs scikit-learn: pip install 'boilerx[train]'\n"
    )


def test_train_missing_data_folder_is_one_line_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    pytest.importorskip("sklearn")
    monkeypatch.chdir(tmp_path)  # the defaults are relative to the current folder
    assert main(["train"]) == 2
    expected = (tmp_path / ".." / "shared" / "datasets").absolute()
    assert capsys.readouterr().err == (
        f"boilerx train: no datasets folder at {expected}: "
        "give the folder holding the datasets with --data DIR\n"
    )
    assert main(["train", "--data", str(tmp_path / "nowhere")]) == 2
    assert str(tmp_path / "nowhere") in capsys.readouterr().err
    (tmp_path / "file").write_text("")
    assert main(["train", "--data", str(tmp_path), "--out", str(tmp_path / "file")]) == 2
    assert "is not a folder" in capsys.readouterr().err
    assert not (tmp_path / "models").exists()


def test_train_writes_to_models_in_the_current_folder() -> None:
    pytest.importorskip("sklearn")
    from boilerx.training import train

    assert Path("models") == train.DEFAULT_OUT  # relative: ./models, never site-packages
    assert not train.DEFAULT_DATA.is_absolute()
    note = train.written_note(Path("models"))
    folder = Path("models").resolve()
    assert f"BOILERX_MODEL_DIR={folder}" in note and str(folder) in note


def test_report_without_matplotlib_skips_the_plots(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    from test_benchmarks import _fake_results

    from benchmarks.report import write_report

    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    markdown = write_report(_fake_results(), tmp_path / "out")
    assert (tmp_path / "out" / "results.md").read_text().strip() == markdown.strip()
    assert (tmp_path / "out" / "results.json").is_file()
    assert not list((tmp_path / "out").glob("*.png"))
    err = capsys.readouterr().err
    assert "matplotlib is not installed: plots skipped" in err


def test_jsonl_records_carry_the_pages_metadata(tmp_path: Path, capsys) -> None:
    page = (
        '<html lang="de"><head><meta property="og:site_name" content="Der Kurier">'
        '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": '
        '"2024-05-03T10:00:00+02:00", "author": {"@type": "Person", "name": "Anna Berg"}}'
        "</script></head><body><p>Die alte Brücke über den Fluss wird ab Montag für ein Jahr "
        "gesperrt, teilte der Stadtrat mit, und eine Fähre bringt die Menschen hinüber.</p>"
        "<p>Ingenieure hatten im Winter Risse in zwei Pfeilern gefunden und gesagt, die "
        "Reparatur dürfe nicht länger warten, ohne die Menschen zu gefährden.</p></body></html>"
    )
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    status, out, _ = run(capsys, str(path), "--format", "jsonl", "-q", "--jobs", "1")
    assert status == 0
    (record,) = jsonl(out)
    meta = record["metadata"]
    assert meta["authors"] == ["Anna Berg"]
    assert meta["date"].startswith("2024-05-03")
    assert meta["site_name"] == "Der Kurier"
    assert meta["language"] == "de"
