"""Cleaning many pages: a process pool (:mod:`~boilerx.batch.pool`), the readers of files,
JSONL and WARC/WET (:mod:`~boilerx.batch.records`), and Dask (:mod:`~boilerx.batch.dask`)."""

from boilerx.batch.pool import BatchResult, clean_many

__all__ = ["BatchResult", "clean_many"]
