"""Clean many pages, in order, in-process or on worker processes.

>>> from boilerx.batch.pool import clean_many
>>> for result in clean_many(pages, n_jobs=4):  # doctest: +SKIP
...     print(result.error or result.text)

Results come back in input order, one per input item; a page that cannot be cleaned yields a
:class:`BatchResult` whose ``error`` says why (its ``text`` is empty) — nothing is dropped.
Input is consumed lazily and only a bounded number of chunks is in flight, so memory stays flat
however long the input is.
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import BrokenExecutor, Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from boilerx import api
from boilerx.api import MODES
from boilerx.document import Document
from boilerx.pipeline.model import get_model

__all__ = ["BatchResult", "clean_many", "clean_one", "resolve_jobs"]

#: Chunks in flight per worker process: enough to keep workers busy, few enough to bound memory.
CHUNKS_PER_WORKER = 4


Extractor = Callable[..., Document]


@dataclass(frozen=True)
class BatchResult:
    """The outcome for one page: its body ``text`` and ``title``, or an ``error``.

    ``error`` is ``None`` on success; on failure it is ``"ExceptionType: message"`` and ``text``
    is empty. ``n_lines`` and ``n_body_lines`` count the lines boilerx scored and kept.
    """

    text: str
    title: str | None = None
    error: str | None = None
    n_lines: int = 0
    n_body_lines: int = 0

    @property
    def ok(self) -> bool:
        """True when the page was cleaned without error."""
        return self.error is None


@dataclass(frozen=True)
class _Options:
    """What every task needs besides its pages. Small and picklable: never holds a model."""

    mode: str = "auto"
    threshold: float | None = None
    max_bytes: int | None = None
    extract: Extractor | None = None  # resolved in the parent, sent by reference


def resolve_jobs(n_jobs: int | None) -> int:
    """Turn ``n_jobs`` into a worker count: ``None`` or ``-1`` mean all cores."""
    if n_jobs is None or n_jobs == -1:
        return os.cpu_count() or 1
    if not isinstance(n_jobs, int) or isinstance(n_jobs, bool) or n_jobs < 1:
        raise ValueError(f"n_jobs must be a positive int, -1 or None, not {n_jobs!r}")
    return n_jobs


def page_size_exceeds(page: str | bytes, max_bytes: int) -> bool:
    """True when ``page`` is larger than ``max_bytes`` (UTF-8 bytes for ``str``)."""
    if isinstance(page, bytes):
        return len(page) > max_bytes
    if len(page) > max_bytes:  # every character is at least one byte
        return True
    if len(page) * 4 <= max_bytes:  # and at most four
        return False
    return len(page.encode("utf-8", "surrogatepass")) > max_bytes


def _error_text(exc: BaseException) -> str:
    message = str(exc)
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def clean_one(
    page: object,
    *,
    mode: str = "auto",
    threshold: float | None = None,
    max_bytes: int | None = None,
    extract: Extractor | None = None,
) -> BatchResult:
    """Clean one page, catching every failure into :attr:`BatchResult.error`."""
    if not isinstance(page, (str, bytes)):
        return BatchResult(
            "", error=f"TypeError: page must be str or bytes, not {type(page).__name__}"
        )
    if max_bytes is not None and page_size_exceeds(page, max_bytes):
        return BatchResult("", error=f"TooLarge: page is larger than {max_bytes} bytes")
    try:
        extractor: Extractor = extract or api.extract
        doc = extractor(page, mode=mode, threshold=threshold)
    except Exception as exc:  # a bad page must not take the batch down
        return BatchResult("", error=_error_text(exc))
    return BatchResult(
        text=doc.text,
        title=doc.title,
        n_lines=len(doc.lines),
        n_body_lines=sum(1 for line in doc.lines if line.is_body),
    )


def _clean_chunk(
    items: Sequence[tuple[object, str | None]], options: _Options
) -> list[BatchResult]:
    """Worker task: clean ``(page, mode)`` pairs; ``mode=None`` means ``options.mode``."""
    return [
        clean_one(
            page,
            mode=mode or options.mode,
            threshold=options.threshold,
            max_bytes=options.max_bytes,
            extract=options.extract,
        )
        for page, mode in items
    ]


def _chunked(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


_forked_executors: dict[int, Any] = {}


def _executor(n_jobs: int) -> Any:
    """Worker processes that survive between calls (and keep the models they loaded).

    On Linux, workers are forked from this process once it holds the models,
    so they start at once and share the model's memory; starting fresh interpreters (joblib's
    loky, used elsewhere) costs each worker its imports and its own copy of the models. A pool
    that a dead worker broke is replaced (see :func:`_forget_if_broken`)."""
    if not sys.platform.startswith("linux"):  # fork is unsafe on macOS, absent on Windows
        from joblib.externals.loky import get_reusable_executor

        return get_reusable_executor(max_workers=n_jobs)
    executor = _forked_executors.get(n_jobs)
    if executor is None:
        for mode in ("html", "text"):
            with contextlib.suppress(Exception):  # a page then reports the error itself
                get_model(mode)
        executor = ProcessPoolExecutor(n_jobs, mp_context=multiprocessing.get_context("fork"))
        _forked_executors[n_jobs] = executor
    return executor


def _shutdown_workers() -> None:
    """Stop the forked worker pools (the next parallel run forks fresh ones). Forked workers
    keep the state this process had when they were forked: tests that patch boilerx call this
    when they are done."""
    while _forked_executors:
        _, executor = _forked_executors.popitem()
        executor.shutdown(wait=True, cancel_futures=True)


def _run_parallel(
    chunks: Iterator[list[tuple[object, str | None]]], options: _Options, n_jobs: int
) -> Iterator[list[BatchResult]]:
    """Submit chunks to worker processes, at most ``n_jobs * CHUNKS_PER_WORKER`` at a time,
    and yield their results in submission order."""
    executor = _executor(n_jobs)
    in_flight: deque[tuple[list[tuple[object, str | None]], Future[list[BatchResult]]]] = deque()
    limit = n_jobs * CHUNKS_PER_WORKER
    try:
        for chunk in chunks:
            in_flight.append((chunk, executor.submit(_clean_chunk, chunk, options)))
            if len(in_flight) >= limit:
                yield _collect(*in_flight.popleft(), options, n_jobs)
        while in_flight:
            yield _collect(*in_flight.popleft(), options, n_jobs)
    finally:  # consumer stopped early or failed: do not leave queued work behind
        for _, future in in_flight:
            future.cancel()


def _collect(
    chunk: list[tuple[object, str | None]],
    future: Future[list[BatchResult]],
    options: _Options,
    n_jobs: int,
) -> list[BatchResult]:
    """The chunk's results; if its worker died (crash, out of memory), retry page by page so
    that only the page that kills a worker is marked failed."""
    try:
        return future.result()
    except Exception as exc:
        _forget_if_broken(exc, n_jobs)
    results = []
    for item in chunk:
        try:  # a broken executor is replaced by a fresh one here
            results.extend(_executor(n_jobs).submit(_clean_chunk, [item], options).result())
        except Exception as exc:
            _forget_if_broken(exc, n_jobs)
            first_line = _error_text(exc).splitlines()[0]
            results.append(BatchResult("", error=f"WorkerError: {first_line}"))
    return results


def _forget_if_broken(exc: BaseException, n_jobs: int) -> None:
    """Drop a forked pool that a dead worker broke, so that the next task gets a new one
    (loky's reusable executor replaces itself)."""
    if isinstance(exc, BrokenExecutor):
        _forked_executors.pop(n_jobs, None)


def _clean_items(
    items: Iterable[tuple[object, str | None]],
    n_jobs: int | None = 1,
    *,
    mode: str = "auto",
    threshold: float | None = None,
    max_bytes: int | None = None,
    chunk_size: int = 8,
) -> Iterator[BatchResult]:
    """:func:`clean_many` for ``(page, mode)`` pairs, so one run can mix HTML and text records.

    Arguments are checked now; the work happens as the returned iterator is consumed."""
    if not isinstance(chunk_size, int) or chunk_size < 1:
        raise ValueError(f"chunk_size must be a positive int, not {chunk_size!r}")
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    if threshold is not None and not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must be in [0, 1], not {threshold!r}")
    jobs = resolve_jobs(n_jobs)
    # Resolve the extractor here, in the parent, and send it to workers by reference.
    options = _Options(mode=mode, threshold=threshold, max_bytes=max_bytes, extract=api.extract)
    return _generate(_chunked(items, chunk_size), options, jobs)


def _generate(
    chunks: Iterator[list[tuple[object, str | None]]], options: _Options, jobs: int
) -> Iterator[BatchResult]:
    if jobs > 1:
        # Starting worker processes (and a model in each) only pays off beyond one chunk.
        head = list(itertools.islice(chunks, 2))
        chunks = itertools.chain(head, chunks)
        if len(head) < 2:
            jobs = 1
    if jobs == 1:
        for chunk in chunks:
            yield from _clean_chunk(chunk, options)
    else:
        for results in _run_parallel(chunks, options, jobs):
            yield from results


def clean_many(
    pages: Iterable[str | bytes],
    n_jobs: int | None = 1,
    *,
    mode: str = "auto",
    threshold: float | None = None,
    chunk_size: int = 8,
    max_bytes: int | None = None,
) -> Iterator[BatchResult]:
    """Clean every page of ``pages``, yielding one :class:`BatchResult` per page in input order.

    ``n_jobs=1`` runs in this process; ``n_jobs>1`` (``-1`` or ``None``: all cores) uses that many
    worker processes, each loading the model once. Pages are sent in chunks of ``chunk_size``;
    ``mode`` and ``threshold`` are those of :func:`boilerx.clean`. Pages larger than
    ``max_bytes`` are not cleaned but reported as failures, like anything that raises.
    """
    return _clean_items(
        ((page, None) for page in pages),
        n_jobs,
        mode=mode,
        threshold=threshold,
        max_bytes=max_bytes,
        chunk_size=chunk_size,
    )
