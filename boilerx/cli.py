"""The ``boilerx`` command line.

    boilerx clean PAGE.html DIR/ -            # bodies to stdout, one paragraph a line
    boilerx clean crawl.warc.gz --out clean/  # JSONL with id, url, date, title, text, ...
    boilerx clean pages.jsonl --field html    # the same records, with text and title added
    boilerx train [ARGS]                      # = python -m boilerx.train ARGS ([train] extra)
    boilerx bench [ARGS]                      # = python -m benchmarks ARGS (source checkout)
    boilerx --version

Exit status: 0; 2 for wrong arguments, a missing input or a closed stdin; 1 when every record
failed, when the model cannot be loaded, when no JSONL record has the ``--field``, or
(``--strict``) when any record failed; 143 on SIGTERM (the workers are stopped first).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

from boilerx import __version__
from boilerx.api import with_comments
from boilerx.batch.pool import (
    MODES,
    BatchResult,
    _clean_items,
    _Options,
    _shutdown_workers,
    clean_one,
)
from boilerx.batch.records import (
    INPUT_KINDS,
    RawRecord,
    Record,
    RecordReader,
    detect_input,
    expand_paths,
)

FORMATS = ("text", "json", "jsonl")
TRAIN_MISSING = "training needs scikit-learn: pip install 'boilerx[train]'"
BENCH_MISSING = (
    "the benchmark suite runs from a source checkout, not an installed boilerx: "
    "git clone the boilerx repository, then in it: pip install -e '.[bench]'; python -m benchmarks"
)
CLEAN_EPILOG = """\
text output: each page's body, paragraphs one a line, pages separated by a blank line. With
more than one input file, each file's output starts with a header line ==> PATH <== (as tail
does), so that the pages can be told apart; use --format jsonl for output a program reads.

exit status: 0 done (failed records are reported, not fatal); 1 every record failed, the model
could not be loaded, no JSONL record has the --field, or (--strict) any record failed;
2 wrong arguments, a missing input file or a closed stdin; 143 SIGTERM (workers stopped).
"""
DEFAULT_MAX_BYTES = 50_000_000
_UNITS = {"": 1, "K": 10**3, "M": 10**6, "G": 10**9, "KI": 2**10, "MI": 2**20, "GI": 2**30}


# ---------------------------------------------------------------- arguments


def _byte_size(value: str) -> int:
    """Parse ``50000000``, ``50M``, ``64MiB`` and the like."""
    text = value.strip().upper().removesuffix("B")
    digits = text.rstrip("KMGI")
    unit = text[len(digits) :]
    try:
        size = int(float(digits) * _UNITS[unit])
    except (ValueError, KeyError):
        raise argparse.ArgumentTypeError(f"not a size: {value!r}") from None
    if size < 1:
        raise argparse.ArgumentTypeError(f"must be positive: {value!r}")
    return size


def _threshold(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not 0.0 <= number <= 1.0:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1: {value!r}")
    return number


def _jobs(value: str) -> int:
    if value.strip() == "-1":
        return os.cpu_count() or 1
    return _positive(value)


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be positive: {value!r}")
    return number


def _timeout(value: str) -> float | None:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not 0.0 <= number < float("inf"):
        raise argparse.ArgumentTypeError(f"must be 0 (no limit) or more seconds: {value!r}")
    return number or None


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``boilerx``."""
    parser = argparse.ArgumentParser(
        prog="boilerx", description="Remove boilerplate from news pages (HTML or scraped text)."
    )
    parser.add_argument("--version", action="version", version=f"boilerx {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    clean = commands.add_parser(
        "clean",
        help="clean pages, JSONL, WARC or WET files",
        description="Clean pages and write their article body. Failed records are written "
        "with an error (empty text in text output, reported on stderr), never dropped; a "
        "binary file (image, PDF, archive) fails with 'not HTML or text'.",
        epilog=CLEAN_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    clean.add_argument("paths", nargs="+", metavar="PATH", help="file, directory or - for stdin")
    clean.add_argument(
        "--input",
        choices=INPUT_KINDS,
        default="auto",
        help="what the inputs hold (auto: by file name; by content for stdin)",
    )
    clean.add_argument(
        "--field", default="html", help="JSONL input: the field holding the page (default: html)"
    )
    clean.add_argument(
        "--format",
        choices=FORMATS,
        help="output format (default: text for pages, jsonl for JSONL, WARC and WET input)",
    )
    clean.add_argument("--out", metavar="DIR", help="write one file per input into DIR")
    clean.add_argument(
        "--mode",
        choices=MODES,
        default="auto",
        help="treat pages as html or text (WARC responses are HTML, WET records text)",
    )
    clean.add_argument(
        "--threshold",
        type=_threshold,
        help="body probability a line needs, 0..1: lower keeps more (default: the model's)",
    )
    clean.add_argument(
        "--jobs",
        "-j",
        type=_jobs,
        default=os.cpu_count() or 1,
        help="worker processes, -1 for all cores (default: all cores)",
    )
    clean.add_argument(
        "--max-bytes",
        type=_byte_size,
        default=DEFAULT_MAX_BYTES,
        help="fail pages larger than this, e.g. 50M (default: 50 MB)",
    )
    clean.add_argument(
        "--chunk-size", type=_positive, default=8, help="pages per task sent to a worker"
    )
    clean.add_argument(
        "--timeout",
        type=_timeout,
        default=60.0,
        help="seconds a page may take before it fails and its worker is replaced; 0: no limit "
        "(default: 60)",
    )
    clean.add_argument(
        "--markdown",
        action="store_true",
        help="write the text as Markdown (headings, lists, tables, quotes), in every format",
    )
    clean.add_argument(
        "--include-comments",
        action="store_true",
        help="add the reader comments: after the text (text output) or as 'comments' (JSON)",
    )
    clean.add_argument(
        "--include-captions",
        action="store_true",
        help="keep the image captions inside the article, in place",
    )
    clean.add_argument(
        "--include-links",
        action="store_true",
        help="with --markdown: the links inside the kept text as [text](href)",
    )
    clean.add_argument(
        "--include-images",
        action="store_true",
        help="with --markdown: the article's images as ![alt](src), in place",
    )
    clean.add_argument("--strict", action="store_true", help="exit 1 if any record failed")
    clean.add_argument("--quiet", "-q", action="store_true", help="no progress bar nor summary")
    for name, target in (
        ("train", "boilerx.training.train; needs boilerx[train]"),
        ("bench", "benchmarks, from a source checkout"),
    ):
        commands.add_parser(
            name,
            add_help=False,
            help=f"run {target} (arguments are passed on; see boilerx {name} --help)",
        )
    return parser


# ---------------------------------------------------------------- output


def _output_fields(record: Record, result: BatchResult) -> dict[str, Any]:
    """The JSON object written for a record: its input fields (JSONL) or its identity, plus
    the cleaned text, title, line counts, metadata and error."""
    found = {
        "title": result.title,
        "text": result.text,
        "n_lines": result.n_lines,
        "n_body_lines": result.n_body_lines,
        "metadata": result.metadata,
        "error": result.error,
    }
    if result.comments is not None:
        found["comments"] = result.comments
    if record.kind == "jsonl":
        return {**(record.fields or {}), **found}
    head: dict[str, Any] = {"id": record.id, "url": record.url}
    if record.kind == "warc":
        head["date"] = record.date
    return {**head, **found}


def _format_for(fmt: str | None, record: Record) -> str:
    """The output format: ``fmt`` (``--format``), or text for page files and jsonl for the
    rest."""
    return fmt or ("text" if record.kind == "file" else "jsonl")


def _document(record: Record, result: BatchResult, fmt: str | None, markdown: bool) -> str:
    """What is written for a record: its text (comments after it) in text output, else its
    JSON object (:func:`_output_fields`)."""
    if _format_for(fmt, record) == "text":
        return with_comments(result.text, result.comments, "markdown" if markdown else "text")
    return json.dumps(_output_fields(record, result), ensure_ascii=False)


def _stem(name: str) -> str:
    """``a/b.html.gz`` -> ``a/b``; ``crawl.warc.wet.gz`` -> ``crawl``."""
    for suffix in (".gz", ".zst", ".lz4"):
        name = name.removesuffix(suffix)
    root, ext = os.path.splitext(name)
    while ext.lower() in (".html", ".htm", ".xhtml", ".txt", ".jsonl", ".ndjson", ".warc", ".wet"):
        name = root
        root, ext = os.path.splitext(name)
    return name


class _Output:
    """One output stream in one format: documents (text) separated by a blank line, a JSON
    array (json; a lone object for a page file in ``--out``), or JSON lines (jsonl)."""

    def __init__(self, stream: IO[str], fmt: str, single: bool, owned: bool) -> None:
        self.stream = stream
        self.fmt = fmt
        self.single = single  # exactly one record goes here: no JSON array around it
        self.owned = owned  # a file of ours, to close
        self.count = 0

    def write(self, document: str, header: str | None = None) -> None:
        """Write one record's ``document`` (see :func:`_document`)."""
        if self.fmt == "text":
            head = f"==> {header} <==\n" if header is not None else ""
            self.stream.write(("\n" if self.count else "") + head + document + "\n")
        elif self.fmt == "jsonl":
            self.stream.write(document + "\n")
        else:
            prefix = "" if self.single else ",\n" if self.count else "[\n"
            self.stream.write(prefix + document)
        self.count += 1

    def finish(self) -> None:
        if self.fmt == "json":
            self.stream.write("\n" if self.single else "\n]\n" if self.count else "[]\n")
        if self.owned:
            self.stream.close()


class _Writer:
    """Writes results to stdout, or with ``out_dir`` one file per input: a page file gives one
    output file; a JSONL, WARC or WET input gives one output file with all its records."""

    def __init__(
        self,
        fmt: str | None,
        out_dir: str | None,
        stdout: IO[str],
        headers: bool = False,
    ) -> None:
        self.fmt = fmt
        self.out_dir = out_dir
        self.stdout = stdout
        self.headers = headers  # text to stdout from several inputs: "==> PATH <==" before each
        self._output: _Output | None = None
        self._source: str | None = None
        self._headed: str | None = None
        self._used: set[str] = set()

    def format_for(self, record: Record) -> str:
        """The output format: ``--format``, or text for page files and jsonl for the rest."""
        return _format_for(self.fmt, record)

    def write(self, record: Record, document: str) -> None:
        """Write one record's ``document`` (see :func:`_document`), opening the right output
        first."""
        fmt = self.format_for(record)
        header = None
        if self.out_dir is None:
            if self._output is None:
                self._output = _Output(self.stdout, fmt, single=False, owned=False)
            if self.headers and fmt == "text" and record.source != self._headed:
                self._headed = record.source
                header = "standard input" if record.source == "-" else record.source
        elif self._output is None or record.kind == "file" or record.source != self._source:
            self.close()
            self._output = self._open(record, fmt)
        self._output.write(document, header)

    def _open(self, record: Record, fmt: str) -> _Output:
        assert self.out_dir is not None
        stem = _stem(record.name) or "out"
        extension = "txt" if fmt == "text" else fmt
        path = os.path.join(self.out_dir, f"{stem}.{extension}")
        n = 1
        while path in self._used:  # two inputs with the same name
            n += 1
            path = os.path.join(self.out_dir, f"{stem}-{n}.{extension}")
        self._used.add(path)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        self._source = record.source
        stream = open(path, "w", encoding="utf-8", newline="\n")  # noqa: SIM115
        return _Output(stream, fmt, single=record.kind == "file", owned=True)

    def close(self) -> None:
        """Finish the current output (closing a JSON array, a file)."""
        if self._output is not None:
            self._output.finish()
            self._output = None


# ---------------------------------------------------------------- clean


class _NoBar:
    def update(self, n: int = 1) -> None:
        pass


def _progress(quiet: bool, total: int | None = None) -> Any:
    """A tqdm bar on stderr, shown only on a terminal and only once a run takes a while; with
    ``total`` (the number of page files, when known) it shows how far along it is and an ETA."""
    try:
        from tqdm import tqdm
    except ImportError:  # tqdm is optional (boilerx[batch]): no bar then
        return contextlib.nullcontext(_NoBar())
    disable = quiet or not (hasattr(sys.stderr, "isatty") and sys.stderr.isatty())
    return tqdm(
        total=total,
        unit=" pages",
        file=sys.stderr,
        disable=disable,
        delay=1.0,
        dynamic_ncols=True,
    )


def _count_pages(inputs: list[tuple[str, str]], input_kind: str) -> int | None:
    """The number of pages ``inputs`` hold when each is one page file; ``None`` (unknown)
    when any is stdin or a JSONL, WARC or WET stream of records."""
    for path, _ in inputs:
        if path == "-" or input_kind not in ("auto", "files"):
            return None
        if input_kind == "auto" and detect_input(path) != "files":
            return None
    return len(inputs)


class _Tally:
    """What the run's exit status and closing messages depend on."""

    def __init__(self, field: str) -> None:
        self.field = field
        self.records = 0
        self.failed = 0
        self.first_error: str | None = None
        self.model_error: str | None = None
        self.jsonl_keys: set[str] = set()
        self.jsonl_with_field = 0

    def add(self, record: Record, error: str | None) -> None:
        self.records += 1
        if record.kind == "jsonl" and record.fields:
            if self.field in record.fields:
                self.jsonl_with_field += 1
            elif len(self.jsonl_keys) < 1000:
                self.jsonl_keys.update(map(str, record.fields))
        if error:
            self.failed += 1
            self.first_error = self.first_error or error
            if error.startswith("ModelIntegrityError") and self.model_error is None:
                self.model_error = error

    def problems(self) -> list[str]:
        """Why the run as a whole failed (exit 1), in a line each; empty when it did not."""
        if self.model_error:
            return [f"cannot load the model: {self.model_error}"]
        found: list[str] = []
        if self.jsonl_keys and not self.jsonl_with_field:
            keys = ", ".join(sorted(self.jsonl_keys)[:20])
            found.append(
                f"no JSONL record has the field {self.field!r} (--field {self.field}); "
                f"fields found: {keys}"
            )
        if self.records and self.failed == self.records:
            found.append(f"every record failed ({self.records}); the first: {self.first_error}")
        return found


@dataclass(frozen=True)
class _Shaping:
    """How a worker shapes a record's output: ``--format`` (``None``: by kind), ``--markdown``."""

    format: str | None
    markdown: bool


@dataclass
class _Done:
    """A record cleaned, as a worker gives it back: the record without its page (and of its
    JSONL fields only the names), the result's error, the ``document`` to write
    (:func:`_document`), and ``skipped``: 1 for a WARC record left out (``record`` None)."""

    record: Record | None
    error: str | None = None
    document: str = ""
    skipped: int = 0


def _finish(record: Record, result: BatchResult, shaping: _Shaping) -> _Done:
    """The :class:`_Done` of ``record``: its document shaped, and little else kept."""
    document = _document(record, result, shaping.format, shaping.markdown)
    record.page = None
    if record.fields:  # from here on only its names count (see _Tally)
        record.fields = dict.fromkeys(record.fields)
    return _Done(record, result.error, document)


def _clean_record(item: Record | RawRecord, options: _Options) -> _Done:
    """Decode, clean and shape one record: what a worker process does with each item (so
    that the process that reads the input only cuts it into records)."""
    shaping: _Shaping = options.context
    if isinstance(item, RawRecord):
        record, skipped = item.decode()
        if record is None:
            return _Done(None, skipped=skipped)
    else:
        record = item
    if record.error:
        result = BatchResult("", error=record.error)
    else:
        result = clean_one(
            record.page,
            mode=record.mode or options.mode,
            threshold=options.threshold,
            max_bytes=options.max_bytes,
            extract=options.extract,
            **options.extract_options(),
        )
    return _finish(record, result, shaping)


def _failed(item: Record | RawRecord, error: str | None, shaping: _Shaping) -> _Done:
    """The :class:`_Done` of a record whose worker died, ran over the time budget or failed
    to clean it: decoded here, for what its output says besides the ``error``."""
    record: Record | None
    skipped = 0
    if isinstance(item, RawRecord):
        try:
            record, skipped = item.decode()
        except Exception:  # noqa: BLE001 - the error already says what went wrong
            record = Record(id=None, page=None, source=item.source, kind=item.kind, fields={})
            record.name = item.name
        if record is None:
            return _Done(None, skipped=skipped)
    else:
        record = item
    return _finish(record, BatchResult("", error=record.error or error), shaping)


def _cleaned(records: Iterator[Record | RawRecord], args: argparse.Namespace) -> Iterator[_Done]:
    """Decode, clean and shape each record, in order (on worker processes with ``--jobs``).
    Records wait in a queue while they are in flight; the batch layer bounds how many."""
    waiting: deque[Record | RawRecord] = deque()
    shaping = _Shaping(args.format, args.markdown)

    def items() -> Iterator[Record | RawRecord]:
        for record in records:
            waiting.append(record)
            yield record

    results = _clean_items(
        items(),
        args.jobs,
        mode=args.mode,
        threshold=args.threshold,
        max_bytes=args.max_bytes,
        chunk_size=args.chunk_size,
        timeout=args.timeout,
        format="markdown" if args.markdown else "text",
        include_comments=args.include_comments,
        include_captions=args.include_captions,
        include_links=args.include_links,
        include_images=args.include_images,
        handle=_clean_record,
        context=shaping,
    )
    for result in results:
        item = waiting.popleft()
        yield result if isinstance(result, _Done) else _failed(item, result.error, shaping)


def clean_command(args: argparse.Namespace, stdout: IO[str]) -> int:
    """Run ``boilerx clean``; returns the exit status."""
    inputs = list(expand_paths(args.paths))
    reader = RecordReader(
        args.paths,
        input=args.input,
        field=args.field,
        max_bytes=args.max_bytes,
        fifo_wait=args.timeout,  # a named pipe nobody writes to fails, as a page that hangs
    )
    writer = _Writer(args.format, args.out, stdout, headers=len(inputs) > 1)
    tally = _Tally(args.field)
    started = time.perf_counter()
    with _progress(args.quiet, _count_pages(inputs, args.input)) as bar:
        try:
            for done in _cleaned(reader.raw(), args):
                reader.skipped += done.skipped
                record = done.record
                if record is None:  # a WARC record that is no page
                    continue
                writer.write(record, done.document)
                tally.add(record, done.error)
                if done.error and not args.quiet and writer.format_for(record) == "text":
                    print(f"boilerx: {record.id or record.source}: {done.error}", file=sys.stderr)
                bar.update()
        finally:
            writer.close()
    stdout.flush()
    n_records, n_failed = tally.records, tally.failed
    if not args.quiet:
        elapsed = time.perf_counter() - started
        skipped = f", {reader.skipped} non-HTML skipped" if reader.skipped else ""
        print(
            f"boilerx: {n_records} records, {n_failed} failed{skipped}, "
            f"{n_records / elapsed if elapsed > 0 else 0.0:.1f} pages/s in {elapsed:.1f} s",
            file=sys.stderr,
        )
    problems = tally.problems()
    for problem in problems:  # said even with --quiet: they make the exit status 1
        print(f"boilerx: {problem}", file=sys.stderr)
    return 1 if problems or (args.strict and n_failed) else 0


# ---------------------------------------------------------------- train, bench


_TRAIN_MODULES = ("sklearn", "threadpoolctl")


def _forward(command: str, argv: list[str]) -> int:
    """Run ``boilerx.training.train.main(argv)`` or ``benchmarks.__main__.main(argv)``; when
    what they need is not installed, say in one line what to install and return 2."""
    try:
        if command == "train":
            if any(importlib.util.find_spec(name) is None for name in _TRAIN_MODULES):
                print(f"boilerx train: {TRAIN_MISSING}", file=sys.stderr)
                return 2
            from boilerx.training.train import main as target
        else:
            target = _benchmarks_main()
    except ImportError as exc:
        missing = getattr(exc, "name", None) or ""
        if command == "train" and missing.split(".")[0] in _TRAIN_MODULES:
            message = TRAIN_MISSING
        elif command == "bench" and missing.split(".")[0] == "benchmarks":
            message = BENCH_MISSING
        else:
            extra = "train" if command == "train" else "bench"
            message = f"cannot import {exc.name or exc}: pip install 'boilerx[{extra}]'"
        print(f"boilerx {command}: {message}", file=sys.stderr)
        return 2
    status = target(argv)
    return status if isinstance(status, int) else 0


def _benchmarks_main() -> Any:
    """``benchmarks.__main__.main``; the benchmarks live next to the package in a checkout."""
    try:
        from benchmarks.__main__ import main
    except ImportError:
        checkout = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        if not os.path.isfile(os.path.join(checkout, "benchmarks", "__main__.py")):
            raise
        sys.path.insert(0, checkout)
        from benchmarks.__main__ import main
    return main


# ---------------------------------------------------------------- main


class _Terminated(BaseException):
    """SIGTERM, raised in the main process so that the run stops its workers on the way out."""


@contextlib.contextmanager
def _stop_on_sigterm() -> Iterator[None]:
    """While the block runs, SIGTERM raises :class:`_Terminated` here, and the worker
    processes are stopped before it goes on up; worker processes forked meanwhile die of
    SIGTERM as by default. The handler from before is put back after."""
    parent = os.getpid()
    fired = False

    def handler(signum: int, frame: Any) -> None:
        nonlocal fired
        if os.getpid() != parent:  # a forked worker: die as SIGTERM's default does
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        if not fired:  # once: stopping the workers is not interrupted by another
            fired = True
            raise _Terminated

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread: SIGTERM stays as it is
        yield
        return
    try:
        yield
    except _Terminated:
        _shutdown_workers()
        raise
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``boilerx`` console script; returns the exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list and args_list[0] in ("train", "bench"):
        return _forward(args_list[0], args_list[1:])
    parser = build_parser()
    args = parser.parse_args(args_list)
    missing = [p for p in args.paths if p != "-" and not os.path.exists(p)]
    if missing:  # one line naming them, no usage: the arguments were right, the files are not
        print(f"boilerx: no such file or directory: {', '.join(missing)}", file=sys.stderr)
        return 2
    if args.paths.count("-") > 1:
        parser.error("stdin (-) can be read only once")
    if "-" in args.paths and (sys.stdin is None or sys.stdin.closed):  # boilerx clean - <&-
        print("boilerx: standard input (-) is closed", file=sys.stderr)
        return 2
    if args.out is not None:
        if os.path.exists(args.out) and not os.path.isdir(args.out):
            parser.error(f"--out {args.out} is not a directory")
        os.makedirs(args.out, exist_ok=True)
    stdout = sys.stdout
    encoding = (getattr(stdout, "encoding", None) or "").lower().replace("-", "")
    if encoding != "utf8" and hasattr(stdout, "reconfigure"):  # pages are any language
        stdout.reconfigure(encoding="utf-8")
    try:
        with _stop_on_sigterm():
            return clean_command(args, stdout)
    except BrokenPipeError:  # e.g. `boilerx clean ... | head`: stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except ImportError as exc:  # an optional dependency (fastwarc) is missing
        print(f"boilerx: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("boilerx: interrupted", file=sys.stderr)
        return 130
    except _Terminated:  # the workers are stopped by now
        print("boilerx: terminated", file=sys.stderr)
        return 128 + signal.SIGTERM


if __name__ == "__main__":
    sys.exit(main())
