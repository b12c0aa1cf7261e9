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
import math
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from boilerx import api
from boilerx.api import MODES
from boilerx.document import Document
from boilerx.pipeline.metadata import METADATA_FIELDS
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
    ``metadata`` holds what the page says about the article (:data:`METADATA_FIELDS` of
    :class:`~boilerx.Document`: authors, date, site name, …), ``None`` after an error.
    ``comments``: the reader comments when ``include_comments`` was asked, else ``None``.
    """

    text: str
    title: str | None = None
    error: str | None = None
    n_lines: int = 0
    n_body_lines: int = 0
    metadata: dict[str, Any] | None = None
    comments: str | None = None

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
    format: str = "text"
    include_comments: bool = False
    include_captions: bool = False
    include_links: bool = False
    include_images: bool = False
    #: What a task does with each item, given these options: ``None`` cleans ``(page, mode)``
    #: pairs (:func:`clean_one`); a module-level function (sent by reference) may instead read
    #: and decode the item itself, clean it and shape what it gives back (the CLI does).
    handle: Callable[[Any, _Options], Any] | None = None
    context: Any = None  # what ``handle`` needs besides the item; small and picklable

    def extract_options(self) -> dict[str, Any]:
        """The output options :func:`clean_one` takes, as keywords."""
        return {
            "format": self.format,
            "include_comments": self.include_comments,
            "include_captions": self.include_captions,
            "include_links": self.include_links,
            "include_images": self.include_images,
        }


def resolve_jobs(n_jobs: int | None) -> int:
    """Turn ``n_jobs`` into a worker count: ``None`` or ``-1`` mean all cores."""
    if n_jobs is None or n_jobs == -1:
        return os.cpu_count() or 1
    if not isinstance(n_jobs, int) or isinstance(n_jobs, bool) or n_jobs < 1:
        raise ValueError(f"n_jobs must be a positive int, -1 or None, not {n_jobs!r}")
    return n_jobs


def page_size_exceeds(page: str | bytes | bytearray | memoryview, max_bytes: int) -> bool:
    """True when ``page`` is larger than ``max_bytes`` (UTF-8 bytes for ``str``)."""
    if isinstance(page, memoryview):
        return page.nbytes > max_bytes
    if isinstance(page, (bytes, bytearray)):
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
    format: str = "text",
    include_comments: bool = False,
    include_captions: bool = False,
    include_links: bool = False,
    include_images: bool = False,
) -> BatchResult:
    """Clean one page, catching every failure into :attr:`BatchResult.error`. ``format`` and
    the ``include_*`` options are those of :func:`boilerx.extract` (passed to ``extract``
    only when not the defaults, so an extractor without them still works)."""
    if not isinstance(page, (str, bytes, bytearray, memoryview)):
        return BatchResult(
            "", error=f"TypeError: page must be str or bytes, not {type(page).__name__}"
        )
    if max_bytes is not None and page_size_exceeds(page, max_bytes):
        return BatchResult("", error=f"TooLarge: page is larger than {max_bytes} bytes")
    try:
        extractor: Extractor = extract or api.extract
        options: dict[str, Any] = {}
        if format != "text":
            options["format"] = format
        if include_comments:
            options["include_comments"] = True
        if include_captions:
            options["include_captions"] = True
        if include_links:
            options["include_links"] = True
        if include_images:
            options["include_images"] = True
        doc = extractor(page, mode=mode, threshold=threshold, **options)
    except Exception as exc:  # a bad page must not take the batch down
        return BatchResult("", error=_error_text(exc))
    skipped = getattr(doc, "skipped", None)
    if skipped:  # not HTML or text (a PDF, an image): a failure, not an empty article
        return BatchResult("", error=f"NotText: {skipped}")
    return BatchResult(
        text=doc.text,
        title=doc.title,
        n_lines=len(doc.lines),
        n_body_lines=sum(1 for line in doc.lines if line.is_body),
        metadata={name: getattr(doc, name, None) for name in METADATA_FIELDS},
        comments=getattr(doc, "comments", None),
    )


def _work(item: Any, options: _Options) -> Any:
    """Do one item of a task: :attr:`_Options.handle`, or clean a ``(page, mode)`` pair;
    ``mode=None`` means ``options.mode``. Never raises: a failure is a :class:`BatchResult`."""
    if options.handle is not None:
        try:
            return options.handle(item, options)
        except Exception as exc:  # a bad item must not take the batch down
            return BatchResult("", error=_error_text(exc))
    page, mode = item
    return clean_one(
        page,
        mode=mode or options.mode,
        threshold=options.threshold,
        max_bytes=options.max_bytes,
        extract=options.extract,
        **options.extract_options(),
    )


def _clean_chunk(items: Sequence[Any], options: _Options) -> list[Any]:
    """Worker task: :func:`_work` on each item."""
    return [_work(item, options) for item in items]


def _chunked(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


# ---------------------------------------------------------------- worker processes


def _worker_main(conn: Any, slot: Any) -> None:
    """A worker process: clean the chunks ``conn`` brings until it closes (or brings None).

    Before each page the worker writes its index in the chunk and the time it started into
    ``slot`` (shared memory), so that the parent knows which page a worker was on when it
    died or ran over the time budget."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when workers stop
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        items, options = message
        results = []
        for index, item in enumerate(items):
            slot[1] = time.monotonic()
            slot[0] = index
            results.append(_work(item, options))
        slot[0] = -1
        conn.send(results)


@dataclass
class _Task:
    """Pages ``items`` of chunk ``seq``, starting at position ``offset`` in it."""

    seq: int
    offset: int
    items: list[Any]
    deaths: int = 0  # workers that died on it while on no page (before the first, after the last)


class _Worker:
    """One worker process, its end of the pipe, its progress slot and the task it is on."""

    def __init__(self, context: Any) -> None:
        self.slot = context.RawArray("d", 2)
        self.slot[0] = -1
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, self.slot), daemon=True)
        self.process.start()
        child.close()
        self.task: _Task | None = None

    def page(self) -> int:
        """The index in its task of the page the worker is cleaning, -1 when none."""
        return int(self.slot[0])

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        else:
            with contextlib.suppress(OSError):
                self.conn.send(None)
        self.process.join(timeout=None if kill else 5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()

    def death_note(self) -> str:
        """Why the worker is gone, in words (its exit status or signal)."""
        code = self.process.exitcode
        if code is not None and code < 0:
            with contextlib.suppress(ValueError):
                return f"killed by {signal.Signals(-code).name}"
            return f"killed by signal {-code}"
        return f"exit status {code}"


class _Pool:
    """``n_jobs`` worker processes that survive between runs (and keep the models they loaded).

    On Linux, workers are forked from this process once it holds the models, so they start at
    once and share the model's memory; elsewhere they are started fresh (spawn). A worker that
    dies, or that is stopped because a page ran over the time budget, is replaced by a new one;
    the others go on."""

    def __init__(self, n_jobs: int) -> None:
        fork = sys.platform.startswith("linux")  # fork is unsafe on macOS, absent on Windows
        self.context = multiprocessing.get_context("fork" if fork else "spawn")
        if fork:
            for mode in ("html", "text"):
                with contextlib.suppress(Exception):  # a page then reports the error itself
                    get_model(mode)
        self.workers = [_Worker(self.context) for _ in range(n_jobs)]

    def replace(self, worker: _Worker, kill: bool = False) -> _Worker:
        worker.stop(kill=kill)
        fresh = _Worker(self.context)
        self.workers[self.workers.index(worker)] = fresh
        return fresh

    def shutdown(self) -> None:
        for worker in self.workers:
            worker.stop(kill=worker.task is not None)  # one still busy is not waited for
        self.workers = []


_pools: dict[int, _Pool] = {}


def _pool(n_jobs: int) -> _Pool:
    pool = _pools.get(n_jobs)
    if pool is None:
        pool = _pools[n_jobs] = _Pool(n_jobs)
    return pool


def _shutdown_workers() -> None:
    """Stop the worker pools (the next parallel run starts fresh ones). Forked workers keep
    the state this process had when they were forked: tests that patch boilerx call this when
    they are done."""
    while _pools:
        _, pool = _pools.popitem()
        pool.shutdown()


#: A chunk is given up (every page an error) after this many workers died on it while on no
#: page of it: something kills workers whatever they do.
_MAX_UNATTRIBUTED_DEATHS = 3


class _Run:
    """One parallel run: hands tasks to idle workers, collects results, and turns a dead or
    overdue worker into an error for the one page it was on (the rest of its task goes back
    to the queue, to a fresh worker)."""

    def __init__(self, pool: _Pool, options: _Options, timeout: float | None) -> None:
        self.pool = pool
        self.options = options
        self.timeout = timeout
        self.queue: deque[_Task] = deque()
        self.slots: dict[int, list[Any]] = {}
        self.missing: dict[int, int] = {}

    def add(self, seq: int, chunk: list[Any]) -> None:
        self.slots[seq] = [None] * len(chunk)
        self.missing[seq] = len(chunk)
        self.queue.append(_Task(seq, 0, chunk))

    def done(self, seq: int) -> bool:
        return seq in self.missing and self.missing[seq] == 0

    def take(self, seq: int) -> list[Any]:
        del self.missing[seq]
        return self.slots.pop(seq)

    def _fill(self, task: _Task, index: int, result: Any) -> None:
        self.slots[task.seq][task.offset + index] = result
        self.missing[task.seq] -= 1

    def assign(self) -> None:
        """Give queued tasks to idle workers (replacing any that died while idle)."""
        for worker in list(self.pool.workers):
            if not self.queue:
                return
            if worker.task is not None:
                continue
            task = self.queue.popleft()
            for _ in range(2):
                try:
                    worker.slot[0] = -1
                    worker.conn.send((task.items, self.options))
                    worker.task = task
                    break
                except OSError:  # died while idle: replace it, nobody's page was lost
                    worker = self.pool.replace(worker, kill=True)
            else:
                self.queue.appendleft(task)
                raise RuntimeError("boilerx: cannot start worker processes")

    def wait(self) -> None:
        """Wait for a worker to finish, die or run over the budget, and handle it."""
        busy = [w for w in self.pool.workers if w.task is not None]
        if not busy:
            return
        wait_for = None
        if self.timeout is not None:
            now = time.monotonic()
            wait_for = self.timeout
            for worker in busy:
                if worker.page() >= 0:
                    wait_for = min(wait_for, max(0.0, worker.slot[1] + self.timeout - now))
            wait_for += 0.01
        handles = [w.conn for w in busy] + [w.process.sentinel for w in busy]
        multiprocessing.connection.wait(handles, timeout=wait_for)
        for worker in busy:
            self._check(worker)

    def _check(self, worker: _Worker) -> None:
        task = worker.task
        assert task is not None
        if worker.conn.poll():
            try:
                results = worker.conn.recv()
            except (EOFError, OSError):  # died while sending: its task is done again
                pass
            else:
                worker.task = None
                for index, result in enumerate(results):
                    self._fill(task, index, result)
                return
        if not worker.process.is_alive():
            self._lost(worker, f"WorkerError: worker died ({worker.death_note()})", kill=False)
        elif self._overdue(worker):
            self._lost(worker, f"Timeout: page took more than {self.timeout:g} s", kill=True)

    def _overdue(self, worker: _Worker) -> bool:
        """Whether the worker has been on one page for longer than the time budget."""
        if self.timeout is None or worker.page() < 0:
            return False
        return time.monotonic() - worker.slot[1] > self.timeout

    def _lost(self, worker: _Worker, error: str, kill: bool) -> None:
        """The worker is gone (or is to be stopped): its page fails, the rest of its task is
        queued again, first, and a fresh worker takes its place."""
        task = worker.task
        assert task is not None
        index = worker.page()
        worker.task = None
        self.pool.replace(worker, kill=kill)
        again: list[_Task] = []
        if 0 <= index < len(task.items):
            self._fill(task, index, BatchResult("", error=error))
            before = _Task(task.seq, task.offset, task.items[:index])
            after = _Task(task.seq, task.offset + index + 1, task.items[index + 1 :])
            again = [t for t in (before, after) if t.items]
        elif task.deaths + 1 >= _MAX_UNATTRIBUTED_DEATHS:
            for position in range(len(task.items)):
                self._fill(task, position, BatchResult("", error=error))
        else:
            task.deaths += 1
            again = [task]
        self.queue.extendleft(reversed(again))


def _run_parallel(
    chunks: Iterator[list[Any]], options: _Options, n_jobs: int, timeout: float | None = None
) -> Iterator[list[Any]]:
    """Clean chunks on worker processes, at most ``n_jobs * CHUNKS_PER_WORKER`` of them taken
    from the input and not yet given back, and yield their results in input order."""
    run = _Run(_pool(n_jobs), options, timeout)
    limit = n_jobs * CHUNKS_PER_WORKER
    taken = given = 0
    exhausted = False
    try:
        while True:
            while not exhausted and taken - given < limit:
                chunk = next(chunks, None)
                if chunk is None:
                    exhausted = True
                else:
                    run.add(taken, chunk)
                    taken += 1
            while run.done(given):
                yield run.take(given)
                given += 1
            if exhausted and given == taken:
                return
            run.assign()
            run.wait()
    finally:  # stopped early or failed: workers still busy are stopped, not waited for
        for worker in run.pool.workers:
            if worker.task is not None:
                worker.task = None
                run.pool.replace(worker, kill=True)


def _check_timeout(timeout: float | None) -> None:
    if timeout is None:
        return
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
        raise TypeError(f"timeout must be a number of seconds or None, not {timeout!r}")
    if not timeout > 0 or math.isinf(timeout):
        raise ValueError(f"timeout must be a positive, finite number of seconds, not {timeout!r}")


def _clean_items(
    items: Iterable[Any],
    n_jobs: int | None = 1,
    *,
    mode: str = "auto",
    threshold: float | None = None,
    max_bytes: int | None = None,
    chunk_size: int = 8,
    timeout: float | None = None,
    format: str = "text",
    include_comments: bool = False,
    include_captions: bool = False,
    include_links: bool = False,
    include_images: bool = False,
    handle: Callable[[Any, _Options], Any] | None = None,
    context: Any = None,
) -> Iterator[Any]:
    """:func:`clean_many` for ``(page, mode)`` pairs, so one run can mix HTML and text records;
    or, with ``handle`` (see :attr:`_Options.handle`), for any items, one result each in input
    order: what ``handle`` gave, or a :class:`BatchResult` error (the item's worker died, ran
    over ``timeout`` or ``handle`` raised).

    Arguments are checked now; the work happens as the returned iterator is consumed."""
    if not isinstance(chunk_size, int) or chunk_size < 1:
        raise ValueError(f"chunk_size must be a positive int, not {chunk_size!r}")
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    api.check_threshold(threshold)
    api.check_options(format, include_comments, include_captions, include_links, include_images)
    _check_timeout(timeout)
    jobs = resolve_jobs(n_jobs)
    # Resolve the extractor here, in the parent, and send it to workers by reference.
    options = _Options(
        mode=mode,
        threshold=threshold,
        max_bytes=max_bytes,
        extract=api.extract,
        format=format,
        include_comments=include_comments,
        include_captions=include_captions,
        include_links=include_links,
        include_images=include_images,
        handle=handle,
        context=context,
    )
    return _generate(_chunked(items, chunk_size), options, jobs, timeout)


def _generate(
    chunks: Iterator[list[Any]], options: _Options, jobs: int, timeout: float | None = None
) -> Iterator[Any]:
    if jobs > 1 and timeout is None:
        # Starting worker processes (and a model in each) only pays off beyond one chunk.
        head = list(itertools.islice(chunks, 2))
        chunks = itertools.chain(head, chunks)
        if len(head) < 2:
            jobs = 1
    if jobs == 1 and timeout is None:
        for chunk in chunks:
            yield from _clean_chunk(chunk, options)
    else:  # a time budget needs a worker process to stop, even for one job
        for results in _run_parallel(chunks, options, jobs, timeout):
            yield from results


def clean_many(
    pages: Iterable[str | bytes],
    n_jobs: int | None = 1,
    *,
    mode: str = "auto",
    threshold: float | None = None,
    chunk_size: int = 8,
    max_bytes: int | None = None,
    timeout: float | None = None,
    format: str = "text",
    include_comments: bool = False,
    include_captions: bool = False,
    include_links: bool = False,
    include_images: bool = False,
) -> Iterator[BatchResult]:
    """Clean every page of ``pages``, yielding one :class:`BatchResult` per page in input order.

    ``n_jobs=1`` runs in this process; ``n_jobs>1`` (``-1`` or ``None``: all cores) uses that many
    worker processes, each loading the model once. Pages are sent in chunks of ``chunk_size``;
    ``mode``, ``threshold``, ``format`` and the ``include_*`` options (comments, captions,
    links, images) are those of :func:`boilerx.extract` (the comments come in
    ``BatchResult.comments``). Pages
    larger than
    ``max_bytes`` are not cleaned but reported as failures, like anything that raises.

    ``timeout`` (seconds, ``None``: no limit) bounds the time one page may take: a page over it
    is reported as a ``Timeout`` failure and its worker process is replaced (with a timeout,
    even ``n_jobs=1`` cleans in a worker process, which can be stopped). A worker that dies
    (killed, out of memory, a crash in a parser) costs only the page it was on a
    ``WorkerError`` failure; the run goes on with a fresh worker. Nothing is dropped.
    """
    return _clean_items(
        ((page, None) for page in pages),
        n_jobs,
        mode=mode,
        threshold=threshold,
        max_bytes=max_bytes,
        chunk_size=chunk_size,
        timeout=timeout,
        format=format,
        include_comments=include_comments,
        include_captions=include_captions,
        include_links=include_links,
        include_images=include_images,
    )
