"""Input readers for the batch CLI: page files, directories, stdin, JSONL, WARC and WET.

Every reader is a lazy generator of :class:`Record`; nothing reads a whole input into memory
except one page at a time. A record that cannot be read still comes out, with ``error`` set and
``page`` ``None``, so that the output has one entry per input record.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import select
import stat
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any, Literal

from boilerx.api import skip_reason
from boilerx.batch.pool import page_size_exceeds
from boilerx.pipeline.decode import replace_surrogates, web_codec

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


@dataclass(frozen=True)
class Decoding:
    """How raw records are decoded: the JSONL ``field``, ``max_bytes``, and which WARC
    records are pages (``responses``: HTML responses, ``conversions``: WET text)."""

    field: str = "html"
    max_bytes: int = 50_000_000
    responses: bool = True
    conversions: bool = True


@dataclass
class RawRecord:
    """A record as read, not yet decoded: a page file's path, a JSONL line or a WARC record's
    bytes. :meth:`decode` makes it a :class:`Record`; the batch CLI does that on its worker
    processes, so that the reading process only cuts the input into records."""

    kind: str  # "file", "jsonl" or "warc"
    source: str
    how: Decoding
    data: bytes = b""  # jsonl: the line; warc: the record's block
    head: bytes = b""  # warc: the record's header
    position: int = 0  # jsonl: the line number; warc: the record's offset
    whole: bool = True  # warc: False when only the head of a too large block was kept
    name: str = ""

    def decode(self) -> tuple[Record | None, int]:
        """The record (``None``: a WARC record that is not a page) and how many records it
        counts as skipped (see :attr:`WarcReader.skipped`)."""
        how = self.how
        skipped = 0
        record: Record | None
        if self.kind == "file":
            record = read_page(self.source, how.max_bytes)
        elif self.kind == "jsonl":
            record = jsonl_record(self.data, self.position, self.source, how.field, how.max_bytes)
        else:
            record, skipped = warc_record(
                self.position, self.head, self.data, self.whole, self.source, how
            )
        if record is not None:
            record.name = self.name
        return record, skipped


def _too_large(max_bytes: int) -> str:
    return f"TooLarge: page is larger than {max_bytes} bytes"


def _error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


# ---------------------------------------------------------------- paths and input detection


_NOT_REGULAR = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def _not_regular(path: str) -> str | None:
    """What ``path`` is when it is there but is not a regular file (a FIFO, a socket, a
    device), in words; ``None`` for a regular file or one that cannot be looked at (reading it
    then says why)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    return next((what for test, what in _NOT_REGULAR if test(mode)), "not a regular file")


def walk_inputs(paths: Iterable[str]) -> Iterator[tuple[str, str, str | None]]:
    """Yield ``(path, name, error)`` for ``paths``, as :func:`expand_paths` does, and also for
    what cannot be read in a directory argument, with ``error`` saying why: a folder that
    cannot be listed (no permission, gone) and an entry that is not a regular file (a FIFO,
    which would block the reader for ever, a socket, a device). ``error`` is ``None`` for
    inputs to read."""
    for path in paths:
        if path == "-":
            yield path, "stdin", None
        elif os.path.isdir(path):
            unlisted: list[OSError] = []  # os.walk passes over a folder it cannot list
            for root, dirs, files in os.walk(path, onerror=unlisted.append):
                yield from _unlisted(unlisted, path)
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith("."):
                        full = os.path.join(root, name)
                        what = _not_regular(full)
                        error = None if what is None else f"NotAFile: {what}, not read"
                        yield full, os.path.relpath(full, path), error
            yield from _unlisted(unlisted, path)
        else:
            yield path, os.path.basename(path), None


def _unlisted(errors: list[OSError], top: str) -> Iterator[tuple[str, str, str | None]]:
    """The folders os.walk could not list, as inputs with their error; ``errors`` emptied."""
    for exc in errors:
        folder = str(exc.filename or top)
        name = os.path.relpath(folder, top)
        error = f"{type(exc).__name__}: cannot read the folder: {exc}"
        yield folder, os.path.basename(folder) if name == "." else name, error
    errors.clear()


def expand_paths(paths: Iterable[str]) -> Iterator[tuple[str, str]]:
    """Yield ``(path, name)`` for ``paths``, directories replaced by their files (recursively,
    sorted, hidden files and folders left out); ``name`` is the path relative to the directory
    argument, or the file's base name. ``-`` (stdin) is passed through as ``("-", "stdin")``.
    A folder that cannot be listed, or a FIFO, socket or device in a directory, is yielded too
    (reading it gives an error record; see :func:`walk_inputs`)."""
    for path, name, _ in walk_inputs(paths):
        yield path, name


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
    ended = len(head) < _SNIFF_BYTES and not head.startswith(GZIP_MAGIC)
    if peek.lstrip().startswith(b"WARC/"):
        kind = "warc-any"
    elif _looks_like_jsonl(peek, ended):
        kind = "jsonl"
    else:
        kind = "files"
    return kind, io.BufferedReader(_Prepended(head, stream))


_OBJECT_START = re.compile(rb"\A(?:\xef\xbb\xbf)?[ \t\r]*\{[ \t\r]*(?:\"|\Z)")
_JSONL_SNIFF_LINES = 20


def _looks_like_jsonl(peek: bytes, ended: bool) -> bool:
    """Whether ``peek``, the head of a stream, is JSON lines: its first non-blank line is a
    JSON object (or, cut off at the end of the head, begins like one: ``{"``), or at least
    half of its first lines are (a bad first line is then an error record of its own). Text
    that merely begins with ``{`` is not JSONL."""
    *complete, last = peek.split(b"\n")
    if ended:
        complete, last = [*complete, last], b""
    lines = [line for line in complete if line.strip()][:_JSONL_SNIFF_LINES]
    if lines and _is_json_object(lines[0]):
        return True
    cut_off = len(lines) < _JSONL_SNIFF_LINES and bool(_OBJECT_START.match(last))
    objects = sum(map(_is_json_object, lines)) + cut_off
    return objects >= 1 and 2 * objects >= len(lines) + cut_off


def _is_json_object(line: bytes) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except (ValueError, RecursionError):
        return False


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


def _maybe_gunzip(stream: IO[bytes], path: str, piped: bool = False) -> IO[bytes]:
    """Decompress ``stream`` on the fly when it is gzipped (by name, or by magic for a
    ``piped`` stream: stdin, a named pipe)."""
    if path.lower().endswith(".gz"):
        return gzip.GzipFile(fileobj=stream)  # type: ignore[return-value]
    if piped and isinstance(stream, io.BufferedReader) and stream.peek(2)[:2] == GZIP_MAGIC:
        return gzip.GzipFile(fileobj=stream)  # type: ignore[return-value]
    return stream


#: Seconds :func:`open_fifo` waits for a writer by default.
FIFO_WAIT = 60.0


def open_fifo(path: str, wait: float | None = FIFO_WAIT) -> IO[bytes]:
    """Open the named pipe ``path`` for reading without blocking for ever on a writer that
    never comes: wait at most ``wait`` seconds (``None``: no limit) for its first bytes (or a
    writer that closes it), then read it as a file. Raises :class:`TimeoutError` when nothing
    came, :class:`OSError` when it cannot be opened."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # a plain open waits for a writer
    try:
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        if not poller.poll(None if wait is None else max(0, round(wait * 1000))):
            raise TimeoutError(f"nothing was written to the named pipe in {wait:g} s")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


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
            data = _maybe_gunzip(raw, path, piped=stream is not None).read(max_bytes + 1)
        finally:
            if stream is None:
                raw.close()
    except (OSError, EOFError, zlib.error) as exc:
        record.error = _error(exc)
        return record
    if len(data) > max_bytes:
        record.error = _too_large(max_bytes)
        return record
    if data.startswith(GZIP_MAGIC):  # gzipped but not named .gz: judge what is inside
        try:
            data = _inflate(data, 31, max_bytes)
        except (ValueError, zlib.error) as exc:
            record.error = _error(exc)
            return record
    reason = skip_reason(data)
    if reason is not None:
        record.error = f"NotText: {reason}"
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
    for raw in read_jsonl_raw(stream, source, Decoding(field, max_bytes)):
        yield (
            raw
            if isinstance(raw, Record)
            else jsonl_record(raw.data, raw.position, source, field, max_bytes)
        )


def read_jsonl_raw(stream: IO[bytes], source: str, how: Decoding) -> Iterator[Record | RawRecord]:
    """:func:`read_jsonl` with each line left undecoded (a :class:`RawRecord`), but a line
    too large to hold already an error :class:`Record`."""
    limit = 6 * how.max_bytes + 65536  # JSON escapes can make a page of max_bytes this long
    for lineno, (line, complete) in enumerate(_lines(stream, limit), 1):
        if not complete:
            error = f"TooLarge: line {lineno} is larger than {limit} bytes"
            yield Record(id=None, page=None, source=source, kind="jsonl", fields={}, error=error)
        elif line and not line.isspace():
            yield RawRecord("jsonl", source, how, data=line, position=lineno)


def jsonl_record(line: bytes, lineno: int, source: str, field: str, max_bytes: int) -> Record:
    """The record of one JSONL line (see :func:`read_jsonl`)."""
    record = Record(id=None, page=None, source=source, kind="jsonl", fields={})
    try:
        obj = json.loads(line)
        if b"\\ud" in line or b"\\uD" in line:  # perhaps a lone surrogate, as \ud800
            obj = _without_surrogates(obj)
    except (ValueError, RecursionError) as exc:  # not JSON, or nested past the parser's stack
        record.error = f"{type(exc).__name__}: line {lineno}: {exc}"
        return record
    if not isinstance(obj, dict):
        record.error = f"TypeError: line {lineno}: not a JSON object"
        return record
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
    return record


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
    codec = web_codec(charset) if charset else None
    if codec is None:  # none, unknown, or a name that is no web charset ("base64", "idna")
        return body
    try:
        return body.decode(codec)
    except UnicodeDecodeError:
        return body


_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_LZ4_MAGIC = b"\x04\x22\x4d\x18"
_WARC_START = b"WARC/"
_RESYNC = re.compile(rb"(?:^|\n)WARC/1\.[0-9]\r?\n")  # a record's first line
_CONTENT_LENGTH = re.compile(rb"(?im)^content-length:[ \t]*([^\r\n]*?)[ \t]*\r?$")
_HEADER_FIELD = re.compile(
    rb"(?im)^(WARC-Target-URI|WARC-Record-ID|WARC-Date|WARC-Type):[ \t]*([^\r\n]*?)[ \t]*\r?$"
)
_MAX_HEADER = 1 << 16  # a WARC header block longer than this is not one
_READ = 1 << 16


class _Framing(Exception):
    """A record whose framing cannot be trusted: where it starts, why, what its header says."""

    def __init__(self, offset: int, reason: str, fields: dict[bytes, bytes] | None = None) -> None:
        super().__init__(reason)
        self.offset = offset
        self.reason = reason
        self.fields = fields or {}


class _Framer:
    """Cuts an uncompressed WARC stream into records by their Content-Length, checking that
    each record ends where the next begins (``\r\n\r\n`` and then ``WARC/`` or the end).

    :meth:`next` returns ``(offset, header, block, whole)`` (``whole`` False: a block too large
    to hold, of which only the first 64 KB are kept), or None at the end; it raises
    :class:`_Framing` for a record that cannot be read, after which :meth:`resync` moves to the
    next ``WARC/1.`` line. Offsets count bytes of the uncompressed stream."""

    def __init__(self, stream: Any, max_bytes: int) -> None:
        self.stream = stream
        self.max_bytes = max_bytes
        self.buffer = bytearray()
        self.start = 0  # stream offset of buffer[0]
        self.eof = False
        self.resume = 0  # where resync searches from (after the bad record's first line)

    def _fill(self, size: int) -> bool:
        """Read until the buffer holds ``size`` bytes; False at the end of the stream."""
        while len(self.buffer) < size and not self.eof:
            data = self.stream.read(max(_READ, size - len(self.buffer)))
            if not data:
                self.eof = True
            else:
                self.buffer += data
        return len(self.buffer) >= size

    def _drop(self, n: int) -> None:
        del self.buffer[:n]
        self.start += n

    def next(self) -> tuple[int, bytes, bytes, bool] | None:
        while self._fill(1) and self.buffer[:1] in (b"\r", b"\n"):  # blank lines between records
            self._drop(1)
        if not self.buffer:
            return None
        offset = self.start
        self.resume = offset + 1
        self._fill(len(_WARC_START))
        if not self.buffer.startswith(_WARC_START):
            raise _Framing(offset, "no WARC record starts here")
        end = self.buffer.find(b"\r\n\r\n")
        while end < 0 and len(self.buffer) < _MAX_HEADER and self._fill(len(self.buffer) + 1):
            end = self.buffer.find(b"\r\n\r\n", max(0, len(self.buffer) - _READ - 3))
        if end < 0 or end > _MAX_HEADER:
            raise _Framing(offset, "the record header does not end")
        header = bytes(self.buffer[: end + 4])
        fields = {m.group(1).lower(): m.group(2) for m in _HEADER_FIELD.finditer(header)}
        length_field = _CONTENT_LENGTH.search(header)
        if length_field is None or not length_field.group(1).isdigit():
            found = "no" if length_field is None else f"a bad ({length_field.group(1)[:20]!r})"
            raise _Framing(offset, f"{found} Content-Length", fields)
        length = int(length_field.group(1))
        size = len(header) + length
        if length <= self.max_bytes + _MAX_HEADER:  # the payload may be up to max_bytes
            if not self._fill(size):  # kept in the buffer: resync may look inside
                got = len(self.buffer) - len(header)
                raise _Framing(offset, f"truncated: {got} of {length} bytes", fields)
            if not self._ends_at(size):
                raise _Framing(offset, f"Content-Length {length} does not end the record", fields)
            block = bytes(self.buffer[len(header) : size])
            self._drop(size)
            return offset, header, block, True
        # too large to hold: keep its head (HTTP headers), pass over the rest
        self._fill(len(header) + _MAX_HEADER)
        block = bytes(self.buffer[len(header) : len(header) + _MAX_HEADER])
        left = size
        while left:
            if not self._fill(1):
                raise _Framing(offset, f"truncated: {length - left} of {length} bytes", fields)
            n = min(left, len(self.buffer))
            self._drop(n)
            left -= n
        if not self._ends_at(0):
            raise _Framing(offset, f"Content-Length {length} does not end the record", fields)
        return offset, header, block, False

    def _ends_at(self, position: int) -> bool:
        """Whether a record may end at ``position`` of the buffer: the ``\r\n\r\n`` that ends a
        record, or blank lines and then ``WARC/`` or the end of the stream."""
        if self._fill(position + 4) and self.buffer[position : position + 4] == b"\r\n\r\n":
            return True
        n = position
        while self._fill(n + 1) and self.buffer[n : n + 1] in (b"\r", b"\n"):
            n += 1
        if not self._fill(n + 1):
            return True
        return (
            n > position
            and self._fill(n + len(_WARC_START))
            and self.buffer[n:].startswith(_WARC_START)
        )

    def resync(self) -> bool:
        """Move to the next line ``WARC/1.x`` after the bad record's start; False if none."""
        if self.start < self.resume:
            self._drop(min(len(self.buffer), self.resume - self.start))
        searched = 0
        while True:
            found = _RESYNC.search(self.buffer, max(0, searched - 16)) if self.buffer else None
            if found:
                self._drop(
                    found.start() + (self.buffer[found.start() : found.start() + 1] == b"\n")
                )
                return True
            searched = len(self.buffer)
            if self.eof or not self._fill(len(self.buffer) + 1):
                self._drop(len(self.buffer))
                return False
            if searched > _READ:  # keep the buffer small while searching
                keep = 16
                self._drop(searched - keep)
                searched = keep


def _open_warc(stream: IO[bytes] | str) -> tuple[Any, Any]:
    """An uncompressed reader of a WARC stream or path (gzip, zstd and lz4 by their magic,
    decompressed by fastwarc's readers) and the file to close."""
    from fastwarc.stream_io import GzipReader, Lz4Reader, ZstdReader

    raw: Any = _open_binary(stream) if isinstance(stream, str) else stream
    buffered = raw if hasattr(raw, "peek") else io.BufferedReader(raw)
    magic = buffered.peek(4)[:4]
    for prefix, reader in (
        (GZIP_MAGIC, GzipReader),
        (_ZSTD_MAGIC, ZstdReader),
        (_LZ4_MAGIC, Lz4Reader),
    ):
        if magic.startswith(prefix):
            return reader(_Telling(buffered)), raw
    return buffered, raw


class WarcReader:
    """Yields records from a WARC or WET stream (gzip, zstd, lz4 or plain).

    Records are cut by their Content-Length, and each must end where the next begins; fastwarc
    then parses each record (headers and HTTP). A record that cannot be read (a wrong or
    non-numeric Content-Length, a truncated end, garbage between records) becomes an error
    record naming its offset in the uncompressed stream, and reading goes on at the next line
    ``WARC/1.x``. ``response`` records with an HTML payload become HTML pages; other payload
    types and ``revisit`` records are skipped and counted in :attr:`skipped`; ``conversion``
    records (WET) become text pages; other record types (warcinfo, request, metadata) are not
    pages and are passed over.
    """

    def __init__(self, responses: bool = True, conversions: bool = True) -> None:
        self.responses = responses
        self.conversions = conversions
        self.skipped = 0

    def read(self, stream: IO[bytes] | str, source: str, max_bytes: int) -> Iterator[Record]:
        """Yield the records of ``stream``; each unreadable record as an error record."""
        for raw in self.read_raw(stream, source, max_bytes):
            if isinstance(raw, Record):
                yield raw
                continue
            record, skipped = raw.decode()
            self.skipped += skipped
            if record is not None:
                yield record

    def read_raw(
        self, stream: IO[bytes] | str, source: str, max_bytes: int
    ) -> Iterator[Record | RawRecord]:
        """:meth:`read`, but each record that was cut out whole left undecoded (a
        :class:`RawRecord`, whose skips :attr:`skipped` does not count); the records that
        cannot be cut out are error records."""
        try:
            from fastwarc.warc import WarcRecord  # noqa: F401 - checked here, used to decode
        except ImportError as exc:
            raise ImportError(
                f"reading WARC and WET needs fastwarc: pip install 'boilerx[batch]' ({exc})"
            ) from exc
        try:
            reader, raw = _open_warc(stream)
        except OSError as exc:
            yield _warc_error(source, 0, _error(exc))
            return
        how = Decoding(max_bytes=max_bytes, responses=self.responses, conversions=self.conversions)
        try:
            framer = _Framer(reader, max_bytes)
            while True:
                try:
                    framed = framer.next()
                except _Framing as bad:
                    yield _warc_error(
                        source, bad.offset, f"WarcFramingError: {bad.reason}", bad.fields
                    )
                    if framer.resync():
                        continue
                    return
                if framed is None:
                    return
                offset, header, block, whole = framed
                yield RawRecord("warc", source, how, block, header, offset, whole)
        except (KeyboardInterrupt, SystemExit, GeneratorExit):
            raise
        except BaseException as exc:  # corrupt compression (OSError); pyo3 panics are BaseException
            yield _warc_error(source, framer.start, _error(exc))
        finally:
            if isinstance(stream, str):
                raw.close()


def _warc_error(
    source: str, offset: int, message: str, fields: dict[bytes, bytes] | None = None
) -> Record:
    fields = fields or {}

    def field(name: bytes) -> str | None:
        value = fields.get(name)
        return None if value is None else replace_surrogates(value.decode("utf-8", "replace"))

    return Record(
        id=field(b"warc-record-id"),
        page=None,
        source=source,
        kind="warc",
        url=field(b"warc-target-uri"),
        date=field(b"warc-date"),
        error=f"{message} (record at byte {offset})",
    )


def warc_record(
    offset: int, header: bytes, block: bytes, whole: bool, source: str, how: Decoding
) -> tuple[Record | None, int]:
    """The record of one WARC record cut out of its stream (see :class:`WarcReader`), or
    ``None`` when it is not a page; and 1 when it counts as skipped, else 0."""
    from fastwarc.warc import WarcRecord, WarcRecordType

    max_bytes = how.max_bytes
    if not whole:  # only the head of the block is here: parse that much
        header = _CONTENT_LENGTH.sub(b"Content-Length: %d\r" % len(block), header, count=1)
    try:
        warc = WarcRecord.from_bytes(header + block)
    except OSError as exc:
        return _warc_error(source, offset, f"WarcFramingError: {exc}"), 0
    kind = warc.record_type
    if kind == WarcRecordType.revisit:
        return None, int(how.responses)
    if kind == WarcRecordType.conversion and how.conversions:
        record = _new_warc_record(warc, source, "text")
        if not whole or len(block) > max_bytes:
            record.error = _too_large(max_bytes)
        else:
            record.page = block.decode("utf-8", errors="replace")
        return record, 0
    if kind != WarcRecordType.response or not how.responses:
        return None, 0
    warc.parse_http()
    if not warc.is_http or not _is_html(warc.http_content_type):
        return None, 1
    record = _new_warc_record(warc, source, "html")
    if not whole or warc.content_length > max_bytes:
        record.error = _too_large(max_bytes)
        return record, 0
    http = warc.http_headers
    try:
        body = decode_http_body(
            warc.reader.read(),
            http.get("Transfer-Encoding") or "",
            http.get("Content-Encoding") or "",
            max_bytes,
        )
    except Exception as exc:  # corrupt gzip, unknown coding, ...
        record.error = f"ContentDecodingError: {_error(exc)}"
        return record, 0
    reason = skip_reason(body)  # served as HTML, but an image, a PDF, ...
    if reason is not None:
        record.error = f"NotText: {reason}"
        return record, 0
    record.page = _charset_decode(body, warc.http_charset)
    return record, 0


def _new_warc_record(warc: Any, source: str, mode: str) -> Record:
    headers = warc.headers
    return Record(
        id=warc.record_id,
        page=None,
        source=source,
        kind="warc",
        url=headers.get("WARC-Target-URI"),
        date=headers.get("WARC-Date"),
        mode=mode,
    )


# ---------------------------------------------------------------- all inputs


class RecordReader:
    """Reads every input path in turn, lazily, as :class:`Record` objects.

    ``input`` is the input kind (``auto`` guesses per path, by name, or by content for stdin
    and named pipes); ``field`` is the JSONL field holding the page; ``max_bytes`` caps a
    page's size. A named pipe given as a path is read once something is written to it; after
    ``fifo_wait`` seconds (``None``: no limit) of nothing it is an error record. A closed
    stdin, a folder that cannot be listed and a FIFO, socket or device inside a directory
    are error records too.
    """

    def __init__(
        self,
        paths: Iterable[str],
        *,
        input: str = "auto",
        field: str = "html",
        max_bytes: int = 50_000_000,
        stdin: IO[bytes] | None = None,
        fifo_wait: float | None = FIFO_WAIT,
    ) -> None:
        self.paths = paths
        self.fifo_wait = fifo_wait
        self.input = input
        self.field = field
        self.max_bytes = max_bytes
        self.stdin = stdin
        #: WARC records left out because they are not HTML responses nor conversions (counted
        #: as they are decoded: by :meth:`__iter__`, or by whoever decodes :meth:`raw` records).
        self.skipped = 0

    def __iter__(self) -> Iterator[Record]:
        for item in self.raw():
            if isinstance(item, Record):
                yield item
                continue
            record, skipped = item.decode()
            self.skipped += skipped
            if record is not None:
                yield record

    def raw(self) -> Iterator[Record | RawRecord]:
        """The records, in order, those that can be decoded elsewhere (a worker process) left
        undecoded: page files named by path, JSONL lines and WARC records. What cannot be read
        here (stdin, a FIFO, a folder that cannot be listed) is a :class:`Record` already."""
        for path, name, error in walk_inputs(self.paths):
            if error is not None:
                records: Iterable[Record | RawRecord] = [
                    Record(id=path, page=None, source=path, kind="file", error=error)
                ]
            else:
                records = self._read_path(path)
            for record in records:
                record.name = name
                yield record

    def _read_path(self, path: str) -> Iterator[Record | RawRecord]:
        if path == "-":
            import sys

            stream = self.stdin
            if stream is None:  # sys.stdin is None when fd 0 was closed (boilerx clean - <&-)
                stream = getattr(sys.stdin, "buffer", None)
            if stream is None or stream.closed:
                error = "OSError: standard input is closed"
                yield Record(id=None, page=None, source=path, kind="file", error=error)
                return
            yield from self._read_stream(path, stream)
        elif _not_regular(path) == _NOT_REGULAR[0][1]:  # a FIFO: open it without blocking
            try:
                fifo = open_fifo(path, self.fifo_wait)
            except OSError as exc:  # TimeoutError too
                yield Record(id=path, page=None, source=path, kind="file", error=_error(exc))
                return
            with fifo:
                yield from self._read_stream(path, fifo)
        else:
            yield from self._read_stream(path, None)

    def _read_stream(self, path: str, stream: IO[bytes] | None) -> Iterator[Record | RawRecord]:
        """Read ``path``, or ``stream`` (stdin, a named pipe) when given, as its input kind."""
        kind = self.input
        if kind == "auto":
            kind = detect_input(path)
            if stream is not None and (path == "-" or kind == "files"):
                kind, stream = sniff_stream(stream)
        if kind == "files" and stream is None:
            yield RawRecord("file", path, Decoding(max_bytes=self.max_bytes))
        elif kind == "files":
            yield read_page(path, self.max_bytes, stream)
        elif kind == "jsonl":
            yield from self._read_jsonl(path, stream)
        else:
            reader = WarcReader(responses=kind in ("warc", "warc-any"), conversions=kind != "warc")
            yield from reader.read_raw(stream if stream is not None else path, path, self.max_bytes)

    def _read_jsonl(self, path: str, stream: IO[bytes] | None) -> Iterator[Record | RawRecord]:
        try:
            raw = stream if stream is not None else _open_binary(path)
        except OSError as exc:
            yield Record(
                id=None, page=None, source=path, kind="jsonl", fields={}, error=_error(exc)
            )
            return
        try:
            lines = _maybe_gunzip(raw, path, piped=stream is not None)
            yield from read_jsonl_raw(lines, path, Decoding(self.field, self.max_bytes))
        except (OSError, EOFError, zlib.error) as exc:  # truncated or corrupt gzip
            yield Record(
                id=None, page=None, source=path, kind="jsonl", fields={}, error=_error(exc)
            )
        finally:
            if stream is None:
                raw.close()
