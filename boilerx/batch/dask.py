"""Clean pages on a Dask cluster (``pip install 'boilerx[dask]'``).

>>> import dask.bag as db
>>> from boilerx.batch.dask import clean_bag, clean_dataframe
>>> texts = clean_bag(db.from_sequence(pages, npartitions=64)).compute()  # doctest: +SKIP
>>> df = clean_dataframe(dd.read_parquet("pages/"), column="html")  # doctest: +SKIP

Both work partition by partition (``map_partitions``), so each worker process loads the model
once, lazily, and keeps it for every later partition.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from boilerx import api
from boilerx.batch.pool import MODES, Extractor, clean_one

if TYPE_CHECKING:
    import dask.bag
    import dask.dataframe
    import pandas

__all__ = ["clean_bag", "clean_dataframe"]

_INSTALL = "boilerx.batch.dask needs Dask: pip install 'boilerx[dask]'"


def _require(module: str) -> Any:
    """Import ``module`` (a part of Dask), or say how to install it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ImportError(f"{_INSTALL} ({exc})") from exc


def _check(mode: str, threshold: float | None) -> None:
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    if threshold is not None and not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must be in [0, 1], not {threshold!r}")


def _clean_pages(
    pages: Any,
    mode: str,
    threshold: float | None,
    max_bytes: int | None,
    errors: str,
    extract: Extractor,
) -> list[str]:
    """One bag partition: the texts of its pages."""
    if errors == "raise":
        return [extract(page, mode=mode, threshold=threshold).text for page in pages]
    return [
        clean_one(page, mode=mode, threshold=threshold, max_bytes=max_bytes, extract=extract).text
        for page in pages
    ]


def clean_bag(
    bag: dask.bag.Bag,
    *,
    mode: str = "auto",
    threshold: float | None = None,
    max_bytes: int | None = None,
    errors: Literal["raise", "empty"] = "raise",
) -> dask.bag.Bag:
    """A bag of pages (``str``/``bytes``) -> a bag of their body texts, in the same order.

    ``mode`` and ``threshold`` are those of :func:`boilerx.clean`. With ``errors="raise"`` a page
    that cannot be cleaned fails the computation, as :func:`boilerx.clean` would; with
    ``errors="empty"`` its text is ``""`` (as is that of a page over ``max_bytes``).
    """
    _require("dask.bag")
    _check(mode, threshold)
    if errors not in ("raise", "empty"):
        raise ValueError(f"errors must be 'raise' or 'empty', not {errors!r}")
    # The extractor is resolved here and sent by reference: tasks never carry a model.
    return bag.map_partitions(
        _clean_pages,
        mode=mode,
        threshold=threshold,
        max_bytes=max_bytes,
        errors=errors,
        extract=api.extract,
    )


def _clean_frame(
    frame: pandas.DataFrame,
    column: str,
    mode: str,
    threshold: float | None,
    max_bytes: int | None,
    extract: Extractor,
) -> pandas.DataFrame:
    """One DataFrame partition, with ``text``, ``title`` and ``error`` columns added."""
    import pandas as pd

    results = [
        clean_one(page, mode=mode, threshold=threshold, max_bytes=max_bytes, extract=extract)
        for page in frame[column]
    ]
    return frame.assign(
        text=pd.Series([r.text for r in results], index=frame.index, dtype=object),
        title=pd.Series([r.title for r in results], index=frame.index, dtype=object),
        error=pd.Series([r.error for r in results], index=frame.index, dtype=object),
    )


def clean_dataframe(
    df: dask.dataframe.DataFrame,
    column: str = "html",
    *,
    mode: str = "auto",
    threshold: float | None = None,
    max_bytes: int | None = None,
) -> dask.dataframe.DataFrame:
    """``df`` with the pages of ``column`` cleaned into new ``text`` and ``title`` columns.

    Every other column is kept. A row whose page cannot be cleaned (not a string, too large,
    an exception) gets an empty ``text`` and the reason in an ``error`` column, which is
    ``None`` for the rows that went well.
    """
    _require("dask.dataframe")
    _check(mode, threshold)
    if column not in df.columns:
        raise KeyError(f"no column {column!r} in the DataFrame")
    meta = _clean_frame(df._meta, column, mode, threshold, max_bytes, api.extract)
    return df.map_partitions(
        _clean_frame,
        column,
        mode,
        threshold,
        max_bytes,
        api.extract,
        meta=meta,
    )
