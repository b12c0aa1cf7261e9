"""Input readers for the batch CLI: page files, directories, stdin, JSONL, WARC and WET.

Every reader is a lazy generator of :class:`Record`; nothing reads a whole input into memory
except one page at a time. A record that cannot be read still comes out, with ``error`` set and
``page`` ``None``, so that the output has one entry per input record.
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
import os
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any, Literal

from boilerx.batch.pool import page_size_exceeds
from boilerx.pipeline.decode import binary_kind, replace_surrogates

InputKind = Literal["auto", "files", "jsonl", "warc", "wet"]
INPUT_KINDS: tuple[str, ...] = ("auto", "files", "jsonl", "warc", "wet")

GZIP_MAGIC = b"\x1f\x8b"
HTML_TYPES = ("text/html", "application/xhtml+xml", "application/xml", "text/xml")
_SNIFF_BYTES = 4096


@dataclass
class Record:
    """One page to clean and what to write back about it.

    ``kind`` says how the output is shaped: ``file`` (one page per input file), ``jsonl`` (the
    input object ``fields`` passed through) or ``warc``. ``mode`` overrides the run's mode for
    this record (WET text is always ``"text"``). ``source`` is the input path (``-``: stdin).
    """

    id: str | None
    page: str | bytes | None
    source: str
    kind: str
    url: str | None = None
    date: str | None = None
    mode: str | None = None
    fields: dict[str, Any] | None = None
    error: str | None = None
    name: str = ""  # the input's path relative to the argument it was found under


def _too_large(max_bytes: int) -> str:
    return f"TooLarge: page is larger than {max_bytes} bytes"


def _error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


# ---------------------------------------------------------------- paths and input detection


def expand_paths(paths: Iterable[str]) -> Iterator[tuple[str, str]]:
    """Yield ``(path, name)`` for ``paths``, directories replaced by their files (recursively,
    sorted, hidden files and folders left out); ``name`` is the path relative to the directory
    argument, or the file's base name. ``-`` (stdin) is passed through as ``("-", "stdin")``."""
    for path in paths:
        if path == "-":
            yield path, "stdin"
        elif os.path.isdir(path):
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith("."):
                        full = os.path.join(root, name)
                        yield full, os.path.relpath(full, path)
        else:
            yield path, os.path.basename(path)


def detect_input(path: str) -> str:
    """Guess the input kind of ``path`` from its name: ``jsonl``, ``wet``, ``warc`` or ``files``.

    ``warc`` here means any WARC: its response records are read as HTML and its conversion
    records (as in WET files) as text.
    """
    name = path.lower()
    for suffix in (".gz", ".zst", ".lz4"):
        name = name.removesuffix(suffix)
    if name.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    if name.endswith(".wet"):
        return "wet"
    if name.endswith((".warc", ".arc")):
        return "warc-any"
    return "files"


class _Prepended(io.RawIOBase):
    """A raw stream that replays ``head`` and then reads on from ``rest``."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self._head = head
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        if self._head:
            n = min(len(view), len(self._head))
            view[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._rest.read(len(view))
        view[: len(data)] = data
        return len(data)


def sniff_stream(stream: IO[bytes]) -> tuple[str, IO[bytes]]:
    """Guess what ``stream`` holds from its first bytes (gzipped or not) without losing them.

    Returns the input kind (as :func:`detect_input`) and a stream that still starts at the top.
    """
    head = stream.read(_SNIFF_BYTES) or b""
    peek = head
    if head.startswith(GZIP_MAGIC):
        try:
            peek = zlib.decompressobj(wbits=31).decompress(head)
        except zlib.error:
            peek = b""
    peek = peek.lstrip()
    if peek.startswith(b"WARC/"):
        kind = "warc-any"
    elif peek.startswith(b"{"):
        kind = "jsonl"
    else:
        kind = "files"
    return kind, io.BufferedReader(_Prepended(head, stream))


class _Telling(io.RawIOBase):
    """A forward-only reader that knows its position: fastwarc asks a stream for ``tell()``,
    which a pipe cannot answer."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self._position = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size) or b""
        self._position += len(data)
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def tell(self) -> int:
        return self._position


def _open_binary(path: str) -> IO[bytes]:
    return open(path, "rb")  # noqa: SIM115 - closed by the caller


def _maybe_gunzip(stream: IO[bytes], path: str) -> IO[bytes]:
    """Decompress ``stream`` on the fly when it is gzipped (by name, or by magic for stdin)."""
    if path.lower().endswith(".gz"):
        return gzip.GzipFile(fileobj=stream)  # type: ignore[return-value]
    if path == "-" and isinstance(stream, io.BufferedReader) and stream.peek(2)[:2] == GZIP_MAGIC:
        return gzip.GzipFile(fileobj=stream)  # type: ignore[return-value]
    return stream


# ---------------------------------------------------------------- page files


def read_page(path: str, max_bytes: int, stream: IO[bytes] | None = None) -> Record:
    """Read one HTML or text page (``.gz`` decompressed) as bytes, at most ``max_bytes``."""
    record = Record(id=path, page=None, source=path, kind="file")
    try:
        if (
            stream is None
            and not path.lower().endswith(".gz")
            and os.path.getsize(path) > max_bytes
        ):
            record.error = _too_large(max_bytes)
            return record
        raw = stream if stream is not None else _open_binary(path)
        try:
            data = _maybe_gunzip(raw, path).read(max_bytes + 1)
        finally:
            if stream is None:
                raw.close()
    except (OSError, EOFError, zlib.error) as exc:
        record.error = _error(exc)
        return record
    if len(data) > max_bytes:
        record.error = _too_large(max_bytes)
        return record
    kind = binary_kind(data)
    if kind == "gzip":  # gzipped but not named .gz: judge what is inside
        try:
            data = _inflate(data, 31, max_bytes)
        except (ValueError, zlib.error) as exc:
            record.error = _error(exc)
            return record
        kind = binary_kind(data)
    if kind is not None:
        record.error = f"NotText: not HTML or text: looks like {kind}"
    else:
        record.page = data
    return record


# ---------------------------------------------------------------- JSONL


def _lines(stream: IO[bytes], limit: int) -> Iterator[tuple[bytes, bool]]:
    """Yield ``(line, complete)``; a line longer than ``limit`` is skipped and yielded as
    ``(b"", False)`` so that it can be reported without holding it in memory."""
    while line := stream.readline(limit):
        if len(line) < limit or line.endswith(b"\n"):
            yield line, True
            continue
        while (rest := stream.readline(limit)) and not rest.endswith(b"\n"):
            pass
        yield b"", False


def _without_surrogates(value: Any) -> Any:
    """``value`` (parsed JSON) with lone surrogates in its strings replaced by U+FFFD: valid
    JSON may escape them (``"\\ud800"``), but no UTF-8 output can hold them."""
    if isinstance(value, str):
        return replace_surrogates(value)
    if isinstance(value, list):
        return [_without_surrogates(item) for item in value]
    if isinstance(value, dict):
        return {replace_surrogates(k): _without_surrogates(v) for k, v in value.items()}
    return value


def read_jsonl(stream: IO[bytes], source: str, field: str, max_bytes: int) -> Iterator[Record]:
    """Yield one record per JSON object line; the page is ``obj[field]``, which must be a string.

    Blank lines are skipped. A line that is not a JSON object, lacks ``field`` or is too large
    yields a record with ``error`` (and its line number in the message).
    """
    limit = 6 * max_bytes + 65536  # JSON escapes can make a page of max_bytes this long
    for lineno, (line, complete) in enumerate(_lines(stream, limit), 1):
        record = Record(id=None, page=None, source=source, kind="jsonl", fields={})
        if not complete:
            record.error = f"TooLarge: line {lineno} is larger than {limit} bytes"
            yield record
            continue
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            if b"\\ud" in line or b"\\uD" in line:  # perhaps a lone surrogate, as \ud800
                obj = _without_surrogates(obj)
        except ValueError as exc:
            record.error = f"{type(exc).__name__}: line {lineno}: {exc}"
            yield record
            continue
        if not isinstance(obj, dict):
            record.error = f"TypeError: line {lineno}: not a JSON object"
            yield record
            continue
        record.fields = obj
        record.id = None if obj.get("id") is None else str(obj.get("id"))
        record.url = obj.get("url") if isinstance(obj.get("url"), str) else None
        page = obj.get(field)
        if field not in obj:
            record.error = f"KeyError: line {lineno}: no field {field!r}"
        elif not isinstance(page, str):
            record.error = (
                f"TypeError: line {lineno}: field {field!r} is {type(page).__name__}, not a string"
            )
        elif page_size_exceeds(page, max_bytes):
            record.error = _too_large(max_bytes)
        else:
            record.page = page
        yield record


# ---------------------------------------------------------------- WARC and WET


def _dechunk(body: bytes) -> bytes:
    """Undo HTTP chunked transfer coding; a body that is not chunked is returned unchanged."""
    out = bytearray()
    pos = 0
    while True:
        end = body.find(b"\r\n", pos)
        if end < 0:
            break
        size_field = body[pos:end].split(b";", 1)[0].strip()
        try:
            size = int(size_field, 16)
        except ValueError:
            if pos == 0:
                return body  # not chunked after all (already decoded by the crawler)
            break
        if size == 0:
            break
        out += body[end + 2 : end + 2 + size]
        pos = end + 2 + size + 2
    return bytes(out)


def _inflate(body: bytes, wbits: int, max_bytes: int) -> bytes:
    decompressor = zlib.decompressobj(wbits=wbits)
    data = decompressor.decompress(body, max_bytes + 1)
    if len(data) > max_bytes:
        raise ValueError(f"decoded page is larger than {max_bytes} bytes")
    if not decompressor.eof and not data:  # a truncated body still gives its beginning
        raise ValueError("compressed body ends before any content")
    return data


def _decode_content(body: bytes, encoding: str, max_bytes: int) -> bytes:
    """Undo one HTTP content coding. A body that was evidently stored decoded (the crawler
    decompressed it but kept the header) is returned unchanged."""
    if encoding in ("gzip", "x-gzip"):
        return _inflate(body, 47, max_bytes) if body.startswith(GZIP_MAGIC) else body
    if encoding == "deflate":
        if body.lstrip()[:1] == b"<":
            return body
        try:
            return _inflate(body, 15, max_bytes)  # zlib-wrapped, as the RFC says
        except zlib.error:
            return _inflate(body, -15, max_bytes)  # raw deflate, as some servers send
    if encoding == "br":
        if body.lstrip()[:1] == b"<":
            return body
        import brotli  # type: ignore[import-not-found]

        return brotli.decompress(body)
    if encoding in ("identity", ""):
        return body
    raise ValueError(f"unsupported Content-Encoding {encoding!r}")


def decode_http_body(
    body: bytes, transfer_encoding: str, content_encoding: str, max_bytes: int
) -> bytes:
    """The entity body of an HTTP response: chunked transfer coding and content codings
    (gzip, deflate, br) undone."""
    if "chunked" in transfer_encoding.lower():
        body = _dechunk(body)
    codings = [c.strip().lower() for c in content_encoding.split(",") if c.strip()]
    for coding in reversed(codings):
        body = _decode_content(body, coding, max_bytes)
    return body


def _is_html(content_type: str | None) -> bool:
    if not content_type:
        return True  # no declared type: let boilerx decide
    return content_type.split(";", 1)[0].strip().lower() in HTML_TYPES


def _charset_decode(body: bytes, charset: str | None) -> str | bytes:
    """Decode with the HTTP charset when it is known and fits; otherwise leave it to boilerx."""
    if not charset:
        return body
    try:
        codecs.lookup(charset)
        return body.decode(charset)
    except (LookupError, UnicodeDecodeError):
        return body


class WarcReader:
    """Yields records from a WARC or WET stream (gzip, zstd, lz4 or plain) via fastwarc.

    ``response`` records with an HTML payload become HTML pages (other payload types are skipped
    and counted in :attr:`skipped`); ``conversion`` records (WET) become text pages.
    """

    def __init__(self, responses: bool = True, conversions: bool = True) -> None:
        self.responses = responses
        self.conversions = conversions
        self.skipped = 0

    def read(self, stream: IO[bytes] | str, source: str, max_bytes: int) -> Iterator[Record]:
        """Yield the records of ``stream``; a broken archive ends with an error record."""
        try:
            from fastwarc.warc import ArchiveIterator, WarcRecordType
        except ImportError as exc:
            raise ImportError(
                f"reading WARC and WET needs fastwarc: pip install 'boilerx[batch]' ({exc})"
            ) from exc

        types = WarcRecordType.no_type
        if self.responses:
            types |= WarcRecordType.response
        if self.conversions:
            types |= WarcRecordType.conversion
        if not isinstance(stream, str):
            stream = _Telling(stream)  # type: ignore[assignment]
        try:
            archive = ArchiveIterator(
                stream, record_types=types, parse_http=True, auto_decode="none"
            )
            for warc_record in archive:
                record = self._record(warc_record, source, max_bytes)
                if record is None:
                    self.skipped += 1
                else:
                    yield record
        except (KeyboardInterrupt, SystemExit, GeneratorExit):
            raise
        except BaseException as exc:  # OSError on a corrupt archive; pyo3 panics are BaseException
            yield Record(id=None, page=None, source=source, kind="warc", error=_error(exc))

    def _record(self, warc_record: Any, source: str, max_bytes: int) -> Record | None:
        from fastwarc.warc import WarcRecordType

        headers = warc_record.headers
        record = Record(
            id=warc_record.record_id,
            page=None,
            source=source,
            kind="warc",
            url=headers.get("WARC-Target-URI"),
            date=headers.get("WARC-Date"),
        )
        if warc_record.record_type == WarcRecordType.conversion:
            record.mode = "text"
            if warc_record.content_length > max_bytes:
                record.error = _too_large(max_bytes)
            else:
                record.page = warc_record.reader.read().decode("utf-8", errors="replace")
            return record
        if not warc_record.is_http or not _is_html(warc_record.http_content_type):
            return None
        record.mode = "html"
        if warc_record.content_length > max_bytes:
            record.error = _too_large(max_bytes)
            return record
        http = warc_record.http_headers
        try:
            body = decode_http_body(
                warc_record.reader.read(),
                http.get("Transfer-Encoding") or "",
                http.get("Content-Encoding") or "",
                max_bytes,
            )
        except Exception as exc:  # corrupt gzip, unknown coding, ...
            record.error = f"ContentDecodingError: {_error(exc)}"
            return record
        record.page = _charset_decode(body, warc_record.http_charset)
        return record


# ---------------------------------------------------------------- all inputs


class RecordReader:
    """Reads every input path in turn, lazily, as :class:`Record` objects.

    ``input`` is the input kind (``auto`` guesses per path, by name, or by content for stdin);
    ``field`` is the JSONL field holding the page; ``max_bytes`` caps a page's size.
    """

    def __init__(
        self,
        paths: Iterable[str],
        *,
        input: str = "auto",
        field: str = "html",
        max_bytes: int = 50_000_000,
        stdin: IO[bytes] | None = None,
    ) -> None:
        self.paths = paths
        self.input = input
        self.field = field
        self.max_bytes = max_bytes
        self.stdin = stdin
        self._warc_readers: list[WarcReader] = []

    @property
    def skipped(self) -> int:
        """WARC records left out because they are not HTML responses nor conversions."""
        return sum(reader.skipped for reader in self._warc_readers)

    def __iter__(self) -> Iterator[Record]:
        for path, name in expand_paths(self.paths):
            for record in self._read_path(path):
                record.name = name
                yield record

    def _read_path(self, path: str) -> Iterator[Record]:
        stream: IO[bytes] | None = None
        if path == "-":
            import sys

            stream = self.stdin if self.stdin is not None else sys.stdin.buffer
        kind = self.input
        if kind == "auto":
            if stream is not None:
                kind, stream = sniff_stream(stream)
            else:
                kind = detect_input(path)
        if kind == "files":
            yield read_page(path, self.max_bytes, stream)
        elif kind == "jsonl":
            yield from self._read_jsonl(path, stream)
        else:
            reader = WarcReader(responses=kind in ("warc", "warc-any"), conversions=kind != "warc")
            self._warc_readers.append(reader)
            yield from reader.read(stream if stream is not None else path, path, self.max_bytes)

    def _read_jsonl(self, path: str, stream: IO[bytes] | None) -> Iterator[Record]:
        try:
            raw = stream if stream is not None else _open_binary(path)
        except OSError as exc:
            yield Record(
                id=None, page=None, source=path, kind="jsonl", fields={}, error=_error(exc)
            )
            return
        try:
            yield from read_jsonl(_maybe_gunzip(raw, path), path, self.field, self.max_bytes)
        except (OSError, EOFError, zlib.error) as exc:  # truncated or corrupt gzip
            yield Record(
                id=None, page=None, source=path, kind="jsonl", fields={}, error=_error(exc)
            )
        finally:
            if stream is None:
                raw.close()
