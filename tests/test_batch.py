"""Tests of boilerx.batch.clean_many.

Tests named ``*_fake_*`` swap boilerx.api.extract for a simple module-level function (workers
receive it by reference), so they test the batch machinery alone. The others use the real
model and compare the batch output with :func:`boilerx.clean`.
"""

from __future__ import annotations

import itertools
import os
import time

import pytest
from fakes import fake_extract  # noqa: E402

import boilerx
import boilerx.api
from boilerx.batch.pool import METADATA_FIELDS, BatchResult, clean_many
from boilerx.document import Document


def pid_extract(
    page: str | bytes, *, mode: str = "auto", threshold: float | None = None
) -> Document:
    """Reports the process that did the work, slowly enough for the work to be shared."""
    time.sleep(0.005)
    return Document(str(page), str(os.getpid()), [])


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(boilerx.api, "extract", fake_extract)


def pages(n: int) -> list[str]:
    return [f"page number {i} has words\nnav {i}\nand one more line {i}" for i in range(n)]


# ---------------------------------------------------------------- machinery, with the fake


def test_fake_in_process_matches_extract_in_order(fake: None) -> None:
    items = pages(70)
    results = list(clean_many(items, chunk_size=8, mode="text", threshold=0.25))
    assert len(results) == 70
    for page, result in zip(items, results, strict=True):
        doc = fake_extract(page, mode="text", threshold=0.25)
        metadata = {name: getattr(doc, name) for name in METADATA_FIELDS}
        assert result == BatchResult(doc.text, doc.title, None, 3, 2, metadata)


def test_fake_failures_are_carried_in_place(fake: None) -> None:
    items: list[object] = ["good page words here", 42, "RAISE please", b"bytes page words ok", None]
    results = list(clean_many(items))  # type: ignore[arg-type]
    assert [r.ok for r in results] == [True, False, False, True, False]
    assert results[0].text == "GOOD PAGE WORDS HERE"
    assert results[3].text == "BYTES PAGE WORDS OK"
    assert "TypeError" in (results[1].error or "") and results[1].text == ""
    assert results[2].error == "ValueError: fake failure"


def test_fake_max_bytes_fails_only_the_large_page(fake: None) -> None:
    big = "word " * 1000
    results = list(clean_many(["small page of words", big, "é" * 300], max_bytes=500))
    assert results[0].ok
    assert not results[1].ok and "500 bytes" in (results[1].error or "")
    assert not results[2].ok  # 300 characters but 600 UTF-8 bytes


def test_fake_two_jobs_equals_one_job(fake: None) -> None:
    items = pages(200) + ["RAISE in a worker", "tail page with words"]
    one = list(clean_many(items, n_jobs=1))
    two = list(clean_many(items, n_jobs=2, chunk_size=7))
    assert two == one
    assert two[200].error == "ValueError: fake failure"


def test_fake_two_jobs_run_in_worker_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(boilerx.api, "extract", pid_extract)
    items = [f"p{i}" for i in range(160)]
    results = list(clean_many(items, n_jobs=2, chunk_size=4))
    assert [r.text for r in results] == items  # order kept
    pids = {r.title for r in results}
    assert str(os.getpid()) not in pids
    assert len(pids) == 2


def test_fake_input_is_consumed_lazily(fake: None) -> None:
    consumed = 0

    def endless() -> object:
        nonlocal consumed
        for i in range(20_000):  # finite, so that a greedy implementation fails, not hangs
            consumed += 1
            yield f"endless page {i} words"

    first = list(itertools.islice(clean_many(endless(), n_jobs=2, chunk_size=5), 12))  # type: ignore[arg-type]
    assert [r.text for r in first] == [f"ENDLESS PAGE {i} WORDS" for i in range(12)]
    assert consumed <= (2 * 4 + 2) * 5  # a bounded number of chunks in flight, no more


def test_fake_worker_crash_fails_only_its_page(fake: None) -> None:
    items = pages(20) + ["CRASH"] + pages(5)
    results = list(clean_many(items, n_jobs=2, chunk_size=4))
    assert len(results) == 26
    assert "WorkerError" in (results[20].error or "")
    assert all(r.ok for i, r in enumerate(results) if i != 20)
    assert results[21].text == fake_extract(items[21]).text


@pytest.mark.parametrize(
    "kwargs", [{"n_jobs": 0}, {"mode": "xml"}, {"threshold": 1.5}, {"chunk_size": 0}]
)
def test_bad_arguments_raise_before_iterating(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        clean_many(["x"], **kwargs)  # type: ignore[arg-type]


def test_clean_many_is_exposed_on_the_package() -> None:
    assert boilerx.clean_many is clean_many


# ---------------------------------------------------------------- the real model

HTML = """<html><head><title>Storm hits {city}</title></head><body>
<nav><a href="/">Home</a> | <a href="/world">World</a> | <a href="/sport">Sport</a></nav>
<article><h1>Storm hits {city}</h1>
<p>A powerful storm swept through {city} on Tuesday, knocking down trees and power lines across
the northern districts, officials said in a statement released late in the evening.</p>
<p>Emergency crews worked through the night to restore electricity to more than {n} thousand
homes, and schools in the area will remain closed until the damage has been assessed.</p>
<p>"We have never seen wind like this," said a resident who has lived in {city} for forty years.</p>
</article>
<aside><h3>Most read</h3><ul><li><a href="/a">Celebrity news</a></li><li>Weather</li></ul></aside>
<footer>Copyright 2024 The Daily Example. All rights reserved. Privacy | Terms</footer>
</body></html>"""

TEXT = """Home | World | Sport
Markets rallied on {city} exchanges after the central bank held interest rates steady for a
{n}th consecutive month, a decision most analysts had expected.
Share this article
Traders said the decision removed uncertainty that had weighed on shares for weeks.
Subscribe to our newsletter"""


def real_pages() -> list[str | bytes]:
    cities = ["Lisbon", "Oslo", "Quito", "Hanoi", "Perth", "Accra", "Lima", "Riga"]
    out: list[str | bytes] = []
    for i, city in enumerate(cities * 3):
        out.append(HTML.format(city=city, n=i + 2))
        out.append(TEXT.format(city=city, n=i + 2).encode("utf-8"))
    return out


def test_real_clean_many_equals_clean() -> None:
    items = real_pages()
    expected = [boilerx.clean(p) for p in items]
    results = list(clean_many(items))
    assert [r.error for r in results] == [None] * len(items)
    assert [r.text for r in results] == expected
    assert any(expected)


def test_real_two_jobs_equal_clean_with_options() -> None:
    items = real_pages()
    expected = [boilerx.extract(p, mode="auto", threshold=0.3) for p in items]
    results = list(clean_many(items, n_jobs=2, threshold=0.3, chunk_size=3))
    assert [r.error for r in results] == [None] * len(items)
    assert [(r.text, r.title) for r in results] == [(d.text, d.title) for d in expected]
    assert [r.n_lines for r in results] == [len(d.lines) for d in expected]


def test_real_failures_are_carried() -> None:
    results = list(clean_many([real_pages()[0], 3.5, real_pages()[1]], n_jobs=1))  # type: ignore[list-item]
    assert results[0].ok and results[2].ok
    assert results[1].text == "" and "TypeError" in (results[1].error or "")


def test_binary_page_is_an_error_not_an_empty_article() -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
    good = "<p>" + "The council voted on Monday to close the old bridge for repairs. " * 3 + "</p>"
    results = list(clean_many([png, good], n_jobs=1))
    assert results[0].error is not None and results[0].error.startswith("NotText")
    assert results[0].text == ""
    assert results[1].ok and "old bridge" in results[1].text


def echo_handle(item: str, options: object) -> tuple[str, str]:
    """A task's own work on an item (as the CLI decodes and shapes records): dies on CRASH."""
    if item == "CRASH":
        os._exit(3)
    if item == "RAISE":
        raise ValueError("handle failed")
    return ("done", item)


def test_fake_handle_results_in_order_with_each_error_in_its_place() -> None:
    from boilerx.batch.pool import _clean_items

    items = [f"item {n}" for n in range(60)]
    items[7] = items[30] = "CRASH"
    items[8] = "RAISE"
    for jobs in (1, 2):
        results = list(_clean_items(items, jobs, chunk_size=4, handle=echo_handle, timeout=30))
        assert len(results) == 60
        for n, (item, result) in enumerate(zip(items, results, strict=True)):
            if item == "CRASH":
                assert isinstance(result, BatchResult), n
                assert (result.error or "").startswith("WorkerError: worker died"), n
            elif item == "RAISE":
                assert result == BatchResult("", error="ValueError: handle failed"), n
            else:
                assert result == ("done", item), n
