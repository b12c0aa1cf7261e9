"""Tests of boilerx.batch.dask on a two-process LocalCluster.

``*_fake_*`` tests swap boilerx.api.extract for a module-level function (sent to the workers
by reference); the others compare the cluster's output with the real :func:`boilerx.clean`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator

import pytest

pytest.importorskip("dask.distributed", reason="dask.distributed is not installed")

import dask.bag as db  # noqa: E402
from dask.distributed import Client, LocalCluster  # noqa: E402

import boilerx  # noqa: E402
import boilerx.api  # noqa: E402
from boilerx.batch.dask import clean_bag, clean_dataframe  # noqa: E402
from boilerx.document import Document, Line  # noqa: E402

HTML = """<html><head><title>Bridge opens in {city}</title></head><body>
<nav><a href="/">Home</a> | <a href="/local">Local</a> | <a href="/sport">Sport</a></nav>
<article><h1>Bridge opens in {city}</h1>
<p>The new bridge across the river in {city} opened to traffic on Monday after four years of
construction, cutting the journey between the two halves of the city by {n} minutes.</p>
<p>The mayor said the project had come in under budget and thanked the engineers and workers
who had built it through two hard winters.</p>
</article>
<footer>Copyright 2024 Example News. All rights reserved.</footer>
</body></html>"""


def pages() -> list[str]:
    cities = ["Turin", "Gdansk", "Porto", "Leeds", "Bilbao", "Graz", "Brno", "Cork", "Ghent"]
    return [HTML.format(city=city, n=i + 5) for i, city in enumerate(cities)]


def fake_extract(
    page: str | bytes, *, mode: str = "auto", threshold: float | None = None
) -> Document:
    """Upper-cases the page; the title is the worker's process id."""
    if not isinstance(page, (str, bytes)):
        raise TypeError("page must be str or bytes")
    text = page.decode() if isinstance(page, bytes) else page
    return Document(f"{mode}:{text.upper()}", str(os.getpid()), [Line(text, True, 1.0, "text")])


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    cluster = LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    with cluster, Client(cluster) as dask_client:
        yield dask_client


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(boilerx.api, "extract", fake_extract)


def test_fake_bag_runs_on_workers_in_order(client: Client, fake: None) -> None:
    items = [f"page {i}" for i in range(40)]
    texts = clean_bag(db.from_sequence(items, npartitions=8), mode="text").compute()
    assert texts == [f"text:PAGE {i}" for i in range(40)]


def test_fake_dataframe_keeps_columns_and_carries_errors(client: Client, fake: None) -> None:
    pd = pytest.importorskip("pandas")
    dd = pytest.importorskip("dask.dataframe")
    frame = pd.DataFrame(
        {"id": range(6), "html": ["a", "b", "c" * 100, "d", "e", "f"], "lang": list("xyzxyz")}
    )
    ddf = dd.from_pandas(frame, npartitions=3)
    out = clean_dataframe(ddf, column="html", max_bytes=50).compute()
    assert list(out["id"]) == list(range(6)) and list(out["lang"]) == list("xyzxyz")
    assert list(out["text"]) == ["auto:A", "auto:B", "", "auto:D", "auto:E", "auto:F"]
    assert "TooLarge" in out["error"].iloc[2]
    assert out["error"].isna().sum() == 5
    worker_pids = {t for t in out["title"] if t is not None}
    assert str(os.getpid()) not in worker_pids  # cleaned on the workers, not here


def test_missing_dask_gives_an_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "dask.bag", None)
    with pytest.raises(ImportError, match=r"pip install 'boilerx\[dask\]'"):
        clean_bag(object())  # type: ignore[arg-type]


def test_real_bag_equals_clean(client: Client) -> None:
    items = pages()
    expected = [boilerx.clean(p, threshold=0.4) for p in items]
    texts = clean_bag(db.from_sequence(items, npartitions=3), threshold=0.4).compute()
    assert texts == expected
    assert all(expected)


def test_real_dataframe_equals_extract(client: Client) -> None:
    pd = pytest.importorskip("pandas")
    dd = pytest.importorskip("dask.dataframe")
    items = pages()
    frame = pd.DataFrame({"page": items, "n": range(len(items))})
    out = clean_dataframe(dd.from_pandas(frame, npartitions=3), column="page").compute()
    docs = [boilerx.extract(p) for p in items]
    assert list(out["text"]) == [d.text for d in docs]
    assert list(out["title"]) == [d.title for d in docs]
    assert list(out["n"]) == list(range(len(items)))
    assert out["error"].isna().all()
