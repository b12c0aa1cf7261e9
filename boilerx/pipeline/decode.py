"""Stage 1: turn the caller's input into text and decide whether it is HTML."""

from __future__ import annotations

import codecs
import re
from functools import lru_cache

try:
    from boilerx.pipeline import _shape as _compiled_shape  # optional compiled checks (_shape.pyx)
except ImportError:  # not built: check with str methods
    _compiled_shape = None  # type: ignore[assignment]

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# <meta charset="x"> or <meta http-equiv="Content-Type" content="text/html; charset=x">
_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9._:\-]{1,40})""", re.I
)
_XML_ENCODING = re.compile(
    rb"""^\s*<\?xml[^>]{0,100}encoding\s*=\s*["']([A-Za-z0-9._\-]{1,40})""", re.I
)
# Tags whose presence marks markup rather than prose that mentions a tag name.
_HTML_SIGNS = re.compile(
    r"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<meta\s|</(?:p|div|span|a|li|td|h[1-6]|section|article)>",
    re.I,
)
_ANY_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]{0,10}(?:\s[^<>]{0,300})?/?>")


def _declared(data: bytes) -> re.Match[bytes] | None:
    """The charset the page declares: an XML declaration, or a <meta> in the first 4 KB, or
    further on in the head (before <body>, within 64 KB: crawled pages often have long heads
    before their meta tags)."""
    head = data[:4096]
    found = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    if found is None and len(data) > 4096 and b"<body" not in head and b"<BODY" not in head:
        body = re.search(rb"<body[\s>]", data[:_LONG_HEAD], re.I)
        found = _META_CHARSET.search(data, 0, body.start() if body else _LONG_HEAD)
    return found


_LONG_HEAD = 65536


def _mostly_broken(text: str, declared: bool = False) -> bool:
    """Whether ``text`` (decoded with replacement) has more broken sequences than a few: fewer
    than _SOUND_PER_BROKEN well-formed non-ASCII characters for each. A declared charset is
    doubted only when it breaks at least 32 sequences and four times as many as it reads
    (a page of mixed charsets keeps it)."""
    broken = text.count("\ufffd")
    sound = len(text) - len(text.encode("ascii", errors="ignore")) - broken
    if declared:
        return broken >= 32 and broken >= 4 * sound
    return sound < _SOUND_PER_BROKEN * broken


def decode(data: bytes) -> str:
    """Decode page bytes: BOM first, then the charset the page declares, then UTF-16/32
    without a BOM (by the NULs of its ASCII markup), then UTF-8, then the charset a detector
    (charset-normalizer, when installed) finds, then a single-byte fallback (Windows-1252
    with undecodable bytes replaced), which never raises. A few broken bytes do not change
    the charset: a page declared (or found to be) UTF-8 gets replacement characters for them,
    as a browser shows it; a page whose declaration does not fit most of its bytes is read
    with the detected charset."""
    return decode_exactly(data)[0]


def decode_exactly(data: bytes) -> tuple[str, bool]:
    """:func:`decode`'s text, and whether it is ``data`` read as UTF-8 with nothing
    replaced or dropped (then ``text.encode("utf-8") == data``, and the bytes can stand for
    the text where a parser wants UTF-8)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace"), False
    declared = _declared(data)
    if declared:
        codec = _codec_named(declared)
        if codec in _READ_AS_UTF8_FIRST:
            # What browsers read for these labels; but pages that declare them while being
            # UTF-8 are common, and valid UTF-8 with non-ASCII bytes is no accident.
            try:
                return data.decode("utf-8"), True
            except UnicodeDecodeError:
                codec = "cp1252"
        if codec:
            try:
                return data.decode(codec), codec == "utf-8"
            except UnicodeDecodeError:
                pass
            try:  # the declaration lies, or a byte is broken: UTF-8 if it fits every byte
                return data.decode("utf-8"), True
            except UnicodeDecodeError:  # else the declared charset, as a browser reads it
                text = data.decode(codec, errors="replace")
            if not _mostly_broken(text, declared=True):
                return text, False
            return _detected(data) or text, False  # the declaration is wrong: another charset fits
    wide = _utf16_or_32(data)
    if wide:
        return data.decode(wide, errors="replace"), False
    try:
        return data.decode("utf-8"), True
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="replace")
    if not _mostly_broken(text):  # UTF-8 with a few broken bytes
        return text, False
    return _detected(data) or data.decode("cp1252", errors="replace"), False


# Labels that browsers read as Windows-1252, but that pages declare while being UTF-8.
_READ_AS_UTF8_FIRST = frozenset(["latin-1", "iso8859-1", "ascii", "cp1252"])


def _codec_named(declared: re.Match[bytes]) -> str | None:
    """The codec of a charset declared in the markup; ``None`` for an unknown one, and for
    UTF-16 and UTF-32 (a page whose declaration is read as ASCII is in neither)."""
    codec = web_codec(declared.group(1).decode("ascii", "replace"))
    return None if codec is None or codec.startswith(("utf-16", "utf-32")) else codec


def web_codec(label: str) -> str | None:
    """The Python codec of a charset label that a page or an HTTP header gives; ``None`` for
    an unknown label, and for names Python knows that are no charset a page can be in (see
    :func:`_reads_ascii`)."""
    try:
        codec = codecs.lookup(label.strip().lower()).name
    except LookupError:
        return None
    return codec if codec.startswith(("utf-16", "utf-32")) or _reads_ascii(codec) else None


# Printable ASCII, backslash escapes and the line breaks: what markup is written in.
_ASCII_PROBE = bytes(range(0x20, 0x7F)).replace(b"\\", b"") + b"\\n\\u0041\t\r\n"


@lru_cache(maxsize=64)
def _reads_ascii(codec: str) -> bool:
    """Whether ``codec`` is a text encoding that reads ASCII as ASCII, as every charset a page
    can declare in its markup does. Python also names byte transforms (base64, zlib, rot13),
    IDNA and Punycode, escape decoders and UTF-7 (which browsers refuse): those would fail
    or garble the page, which is then read as if it declared nothing."""
    try:
        return _ASCII_PROBE.decode(codec, errors="replace") == _ASCII_PROBE.decode("ascii")
    except (LookupError, UnicodeError, ValueError, TypeError):
        return False


def exact_utf8_length(data: bytes) -> int:
    """``len(decode(data))`` where :func:`decode_exactly` reads ``data`` as UTF-8 with nothing
    replaced, found without decoding it (by the compiled check); else -1, as also where only
    decoding can tell (another charset declared, or ``_shape`` not built)."""
    if _compiled_shape is None or any(data.startswith(bom) for bom, _ in _BOMS):
        return -1
    declared = _declared(data)
    codec = _codec_named(declared) if declared else None
    if codec is not None and codec != "utf-8" and codec not in _READ_AS_UTF8_FIRST:
        return -1
    if codec is None and _utf16_or_32(data):
        return -1
    return _compiled_shape.utf8_length(data)


# Without a declaration, a page is read as UTF-8 with replacement characters when it has at
# least this many well-formed non-ASCII characters for each broken sequence (a text cut inside
# a character); text in a single-byte charset is almost never well-formed UTF-8.
_SOUND_PER_BROKEN = 2
# Fewer bytes over 0x7F than this and the detector is not asked: too little to tell a
# charset by (a name with one accent), and Windows-1252 reads them as browsers do.
_MIN_DETECT_BYTES = 16
_DETECT_SAMPLE = 1 << 17  # bytes of a page the detector reads (both ends of a longer one)
_HIGH = re.compile(rb"[\x80-\xff]")
_NOT_FOUND = frozenset(["ascii", "utf_8", "latin_1"])
# Single-byte charsets of Latin script, which charset-normalizer tells apart from
# Windows-1252 (what browsers assume for Western pages) only by a small margin.
_LATIN = frozenset(
    [
        "cp1250",
        "cp1254",
        "cp1257",
        "cp1258",
        "iso8859_2",
        "iso8859_3",
        "iso8859_4",
        "iso8859_9",
        "iso8859_10",
        "iso8859_13",
        "iso8859_14",
        "iso8859_15",
        "iso8859_16",
        "mac_latin2",
        "mac_roman",
        "mac_iceland",
        "mac_turkish",
        "cp437",
        "cp850",
        "cp852",
        "cp858",
        "hp_roman8",
    ]
)


def _detected(data: bytes) -> str | None:
    """``data`` decoded with the charset charset-normalizer finds for it, or None (too few
    non-ASCII bytes, the library not installed, nothing found, or a charset that does not fit
    every byte)."""
    if len(_HIGH.findall(data, 0, _DETECT_SAMPLE)) < _MIN_DETECT_BYTES:
        return None
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # optional: without it, undeclared pages fall back to Windows-1252
        return None
    sample = data
    if len(data) > _DETECT_SAMPLE:  # both ends, cut at line breaks (whole characters)
        half = _DETECT_SAMPLE // 2
        start, end = data.rfind(b"\n", 0, half), data.find(b"\n", len(data) - half)
        sample = data[: max(start, 0)] + b"\n" + data[end + 1 if end >= 0 else len(data) :]
    found = from_bytes(sample)
    best = found.best()
    if best is None or "cp1252" in best.could_be_from_charset or best.encoding in _NOT_FOUND:
        return None
    if best.encoding in _LATIN:  # Latin-script charsets look alike: Windows-1252 unless worse
        for match in found:
            if "cp1252" in match.could_be_from_charset and (
                match.chaos <= best.chaos + 0.05 and match.coherence >= best.coherence - 0.02
            ):
                return None
    try:
        return data.decode(best.encoding)
    except (LookupError, UnicodeDecodeError):
        return None


def _utf16_or_32(data: bytes) -> str | None:
    """The codec of UTF-16 or UTF-32 written without a BOM, told by the NULs its ASCII
    characters (markup, spaces, digits) leave on one side of each unit; None for anything
    else. Text in other scripts needs a few ASCII characters (a page's markup has many)."""
    head = data[:4096]
    if len(head) < 64 or head.count(0) < len(head) // 40:
        return None
    quads = len(head) // 4 * 4
    units = [head[i:quads:4].count(0) for i in range(4)]
    if min(units[2], units[3]) >= 0.9 * quads / 4 and max(units[0], units[1]) < quads / 8:
        return "utf-32-le" if len(data) % 4 == 0 else None
    if min(units[0], units[1]) >= 0.9 * quads / 4 and max(units[2], units[3]) < quads / 8:
        return "utf-32-be" if len(data) % 4 == 0 else None
    pairs = len(head) // 2
    even, odd = head[0 : 2 * pairs : 2].count(0), head[1 : 2 * pairs : 2].count(0)
    if odd >= 0.05 * pairs and even <= 0.01 * pairs:  # (CJK may end in a NUL: U+4E00)
        return "utf-16-le"
    if even >= 0.05 * pairs and odd <= 0.01 * pairs:
        return "utf-16-be"
    return None


# UTF-16's byte-order mark read as two Latin-1 characters (little- and big-endian).
_UTF16_MARKS_AS_BYTES = ("\xff\xfe", "\xfe\xff")


def undo_utf16_as_bytes(text: str) -> str:
    """``text`` as written when it is UTF-16 that was read one byte a character (as Latin-1):
    it begins with the byte-order mark read that way ("ÿþ" or "þÿ") and NUL is at least every
    third character (or, for other scripts, on the high-byte side of every pair that has one:
    see :func:`_utf16_of_other_script`). Read as UTF-16 when the NULs keep to one side of the
    character pairs;
    when a copy shifted them (line ends rewritten on the way), the NULs are dropped, which
    gives back text in Latin script. Any other ``text`` is returned as it is."""
    if not text.startswith(_UTF16_MARKS_AS_BYTES):
        return text
    body = text[2:]
    head = body[:4000]
    nuls = head.count("\x00")
    if nuls * 3 < len(head):  # few NULs: UTF-16 of another script (a NUL for each ASCII
        return _utf16_of_other_script(text) or text  # character), or no UTF-16 at all
    try:
        raw = body.encode("latin-1")
    except UnicodeEncodeError:  # not bytes read one to a character
        return text
    even = raw[0::2].count(0)
    odd = raw[1::2].count(0)
    if len(raw) % 2 == 0 and min(even, odd) == 0:
        little = text.startswith(_UTF16_MARKS_AS_BYTES[0])
        return raw.decode("utf-16-le" if little else "utf-16-be", errors="replace")
    return body.replace("\x00", "")


def _utf16_of_other_script(text: str) -> str | None:
    """``text`` (that begins with a byte-order mark read as Latin-1) read as UTF-16 when it is
    UTF-16 of a non-Latin script: the NULs of its ASCII characters (markup, spaces, digits:
    at least 5% of the pairs) all on the high-byte side of the pairs."""
    try:
        raw = text[2:].encode("latin-1")
    except UnicodeEncodeError:
        return None
    little = text.startswith(_UTF16_MARKS_AS_BYTES[0])
    head = raw[:8000]
    high, low = (head[1::2], head[0::2]) if little else (head[0::2], head[1::2])
    if len(raw) % 2 or low.count(0) > 0.01 * len(low) or high.count(0) < 0.05 * len(high):
        return None  # (a CJK character may end in a NUL: U+4E00)
    return raw.decode("utf-16-le" if little else "utf-16-be", errors="replace")


# UTF-8 read as Windows-1252 (what browsers assume for a page that declares no charset) or as
# Latin-1: each byte of a multi-byte character became a character of its own, a continuation
# byte (0x80-0xBF) one of _CONTINUATION. Repaired only where the lead byte leaves no doubt:
# 0xC2-0xC5 ("Â".."Å", which begin Latin letters and signs U+0080-U+017F) with one
# continuation, and 0xE2 0x80-0x9F ("â€", "â„", "â†" ...: punctuation, currency, letterlike
# signs, arrows, mathematical and other symbols, U+2000-U+27FF) with one more. Other leads
# ("ß", "×", "Ø", "é" ...) are common letters that a soft hyphen, a no-break space or a quote
# can follow in text read right.
_BYTE_OF: dict[str, int] = {chr(b): b for b in range(0x80, 0x100)}  # Latin-1, C1 controls too
_CP1252_UNDEFINED = (0x81, 0x8D, 0x8F, 0x90, 0x9D)
_BYTE_OF.update(
    {bytes([b]).decode("cp1252"): b for b in range(0x80, 0xA0) if b not in _CP1252_UNDEFINED}
)
_CONTINUATION = "".join(c for c, b in _BYTE_OF.items() if b < 0xC0)
_SYMBOL_SECOND = "".join(c for c, b in _BYTE_OF.items() if b < 0xA0)  # 0x80-0x9F
_LEADS = "\u00c2\u00c3\u00c4\u00c5\u00e2"  # "ÂÃÄÅâ"
# The lead first, as one character set: the engine then skips to candidate positions quickly.
_MOJIBAKE = re.compile(
    f"[{_LEADS}](?:(?<=[\u00c2-\u00c5])[{_CONTINUATION}]"
    f"|(?<=\u00e2)[{_SYMBOL_SECOND}][{_CONTINUATION}])"
)
_CONTINUATION_SET = frozenset(_CONTINUATION)
# Windows-1252 text read as Latin-1: its punctuation 0x80-0x9F became C1 control characters,
# which text read right never holds.
_C1_AS_CP1252 = {
    b: bytes([b]).decode("cp1252") for b in range(0x80, 0xA0) if b not in _CP1252_UNDEFINED
}
_C1_CHARS = re.compile("[\u0080-\u009f]")


def _as_utf8(found: re.Match[str]) -> str:
    """One character's UTF-8 bytes read one byte a character, read again as UTF-8 (kept as
    found when the bytes are not a UTF-8 character)."""
    chars = found.group()
    try:
        return bytes(_BYTE_OF[c] for c in chars).decode("utf-8")
    except UnicodeDecodeError:
        return chars


def undo_wrong_charset(text: str) -> str:
    """``text`` with what a wrong charset did to it undone, where that is beyond doubt:

    - UTF-8 read as Windows-1252 or Latin-1 ("fÃ¼r" -> "für", "â€™" -> "’"): each run of
      characters that are the bytes of one UTF-8 character becomes that character, for the
      leads in ``_MOJIBAKE`` (in text read right, "Ã" or "â€" followed by characters that stand
      for continuation bytes practically never occurs);
    - Windows-1252 read as Latin-1: a C1 control character becomes the Windows-1252 sign of
      its byte (U+0092 -> "’"), unless some were bytes of UTF-8 read as Latin-1 (then the rest
      are bytes of characters not repaired here, and stay).

    A scraper or browser that assumed the wrong charset leaves such text, and so does an HTTP
    client that reads an undeclared page as Latin-1. Text without them is returned as it is
    after a few scans."""
    if text.isascii():
        return text
    c1 = _has_c1(text)
    if _may_hold_mojibake(text):
        found = _MOJIBAKE.findall(text)
        if found:
            text = _MOJIBAKE.sub(_as_utf8, text)
            if c1 and any(_has_c1(chars) for chars in found):
                return text  # UTF-8 read as Latin-1: other C1 characters are its bytes too
    if c1:
        text = text.translate(_C1_AS_CP1252)
    return text


def _may_hold_mojibake(text: str) -> bool:
    """Whether a lead of ``_MOJIBAKE`` is followed by a continuation character somewhere in
    ``text``: a few fast ``find`` scans, where the pattern would test every position."""
    for lead in _LEADS:
        at = text.find(lead)
        while at >= 0:
            if text[at + 1 : at + 2] in _CONTINUATION_SET:
                return True
            at = text.find(lead, at + 1)
    return False


def _has_c1(text: str) -> bool:
    """Whether ``text`` holds a C1 control character (U+0080-U+009F); compiled when ``_shape``
    is built."""
    if _compiled_shape is not None:
        return _compiled_shape.has_code_between(text, 0x80, 0x9F)
    return _C1_CHARS.search(text) is not None


def looks_like_html(text: str) -> bool:
    """True when ``text`` is markup: a document-level tag, or many tags for its size, or a
    first _HEAD characters that open with a tag and hold no line break (one tag, script or
    comment that long: scraped text breaks its lines).

    A prose line that mentions ``<b>`` once stays text."""
    head = text[:_HEAD]
    if _HTML_SIGNS.search(head):
        return True
    if len(head) == _HEAD and "\n" not in head and _OPENS_WITH_TAG.match(head):
        return True
    tags = len(_ANY_TAG.findall(head))
    return tags >= 3 and tags * 40 >= len(head.split("\n"))


_OPENS_WITH_TAG = re.compile(r"\s*<(?:[a-zA-Z]|!--|!doctype)", re.I)


_HTML_SIGNS_UTF8 = re.compile(_HTML_SIGNS.pattern.encode("ascii"), re.I)
_HEAD = 20000  # characters of a page that looks_like_html reads


def html_sign_in_utf8(utf8: bytes) -> bool:
    """Whether a document-level tag of :func:`looks_like_html` lies in the first _HEAD bytes
    of ``utf8`` (UTF-8): then it lies in as many characters of the text, and
    ``looks_like_html`` of the text is True; found without decoding."""
    return _HTML_SIGNS_UTF8.search(utf8, 0, _HEAD) is not None


_SURROGATE = re.compile("[\ud800-\udfff]")


def replace_surrogates(text: str) -> str:
    """``text`` with every lone surrogate (U+D800–U+DFFF, which no UTF-8 can hold) replaced by
    U+FFFD. Text without them, the usual case, is returned as it is after one scan."""
    if text.isascii():
        return text
    if _compiled_shape is not None:
        found = _compiled_shape.has_surrogates(text)
    else:
        found = _python_has_surrogates(text)
    return _SURROGATE.sub("\ufffd", text) if found else text


def _python_has_surrogates(text: str) -> bool:
    """Whether ``text`` holds a lone surrogate (the reference for ``_shape.has_surrogates``)."""
    try:
        text.encode("utf-8")  # a C loop that stops at the first lone surrogate
    except UnicodeEncodeError:
        return True
    return False


def _utf8_read_as_latin1(text: str) -> bytes | None:
    """``text``'s bytes when it is UTF-8 read one byte a character as Latin-1, as an HTTP
    client reads a page whose response declares no charset (Python's ``requests`` does):
    every character is below U+0100, some above U+007F, and those bytes are valid UTF-8,
    which text in Latin-1 practically never is. Else None; a ``str`` with a character above
    U+00FF stops the check there."""
    if text.isascii():
        return None
    try:
        data = text.encode("latin-1")
        data.decode("utf-8")
    except UnicodeError:
        return None
    return data


def to_text(page: str | bytes) -> str:
    """Check the input type and return it as ``str`` (a ``str`` that is UTF-16 or UTF-8 read
    one byte a character is read again: see :func:`undo_utf16_as_bytes` and
    :func:`_utf8_read_as_latin1`). ``bytearray`` and
    ``memoryview`` are read as the bytes they hold. The result holds no lone surrogates, so
    that everything made from it encodes as UTF-8 (see :func:`replace_surrogates`)."""
    return to_text_and_utf8(page)[0]


def to_text_or_utf8(page: str | bytes) -> tuple[str | None, bytes | None]:
    """:func:`to_text_and_utf8`, without decoding bytes that are their text's UTF-8 exactly
    (:func:`exact_utf8_length`): those come back as ``(None, data)``, for whoever needs the
    text to decode (HTML is parsed from the bytes)."""
    if isinstance(page, (bytes, bytearray, memoryview)):
        data = bytes(page)
        if exact_utf8_length(data) >= 0:
            return None, data
        return to_text_and_utf8(data)
    return to_text_and_utf8(page)


def to_text_and_utf8(page: str | bytes) -> tuple[str, bytes | None]:
    """:func:`to_text`, and the page's own bytes when they are that text's UTF-8 exactly
    (see :func:`decode_exactly`), so that the HTML parser can read them without the text
    being encoded again; else ``None``."""
    if isinstance(page, str):
        page = undo_utf16_as_bytes(page)
        misread = _utf8_read_as_latin1(page)
        if misread is not None:
            return misread.decode("utf-8"), misread
        return replace_surrogates(page), None
    if isinstance(page, (bytes, bytearray, memoryview)):
        data = bytes(page)
        text, exact = decode_exactly(data)
        if exact:  # valid UTF-8 holds no lone surrogates
            return text, data
        return replace_surrogates(text), None
    raise TypeError(f"boilerx expects a page as str or bytes, not {type(page).__name__}")


# File signatures of formats that are not pages: (magic at offset 0, name).
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "PDF"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"PK\x03\x04", "ZIP"),
    (b"PK\x05\x06", "ZIP"),
    (b"PK\x07\x08", "ZIP"),
    (b"\x1f\x8b", "gzip"),
    (b"\x7fELF", "ELF"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"Rar!\x1a\x07", "RAR"),
    (b"\xca\xfe\xba\xbe", "Java class or Mach-O"),
    (b"\xcf\xfa\xed\xfe", "Mach-O"),
    (b"\x00asm", "WebAssembly"),
    (b"SQLite format 3\x00", "SQLite"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"OggS", "Ogg"),
    (b"fLaC", "FLAC"),
    (b"ID3", "MP3"),
    (b"wOFF", "WOFF font"),
    (b"wOF2", "WOFF font"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "MS Office"),
)
# Bytes that text does not hold: C0 controls but tab, line feed, vertical tab, form feed,
# carriage return and escape (ISO-2022-JP pages use escape sequences), and DEL.
_CONTROL = bytes([*range(0x00, 0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20), 0x7F])
_SNIFF = 8192


def control_count(text: str) -> int:
    """How many of the first ``_SNIFF`` characters of ``text`` are control characters
    (``_CONTROL``), as they are counted in its Latin-1 encoding with replacement (where any
    other character is "?", no control character); compiled when ``_shape`` is built."""
    if _compiled_shape is not None:
        return _compiled_shape.count_codes(text, _SNIFF, _CONTROL)
    head = text[:_SNIFF].encode("latin-1", "replace")
    return len(head) - len(head.translate(None, _CONTROL))


_CONTROL_SHARE = 0.05  # random bytes have ~11% such bytes; text pages well under 1%


def binary_kind(data: bytes) -> str | None:
    """What ``data`` is when it is not an HTML or text page: ``"PDF"``, ``"PNG"``, ``"JPEG"``,
    ``"GIF"``, ``"WebP"``, ``"ZIP"``, ``"gzip"`` (decompress first, then ask again), ``"ELF"``
    and other file signatures, or ``"binary"`` when over 5% of its first 8 KB are control
    bytes (NUL and the like). ``None`` for text in any charset, UTF-16 and UTF-32 included
    (by byte-order mark, or for BOM-less UTF-16 by NULs on one side of the byte pairs)."""
    head = bytes(data[:_SNIFF])
    if head.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None  # UTF-32 marks begin with UTF-16's
    for magic, name in _MAGIC:
        if head.startswith(magic):
            return name
    if head[:4] == b"RIFF" and head[8:12] in (b"WEBP", b"WAVE", b"AVI "):
        return {b"WEBP": "WebP", b"WAVE": "WAV", b"AVI ": "AVI"}[head[8:12]]
    if head[4:8] == b"ftyp":
        return "MP4 or other ISO media"
    if len(head) >= 11 and head[:3] == b"BZh" and head[4:10] == b"1AY&SY":
        return "bzip2"
    controls = len(head) - len(head.translate(None, _CONTROL))
    if not head or controls <= _CONTROL_SHARE * len(head):
        return None
    if _utf16_without_mark(head):
        return None
    return "binary"


def _utf16_without_mark(head: bytes) -> bool:
    """True when ``head`` reads as UTF-16 of mostly Latin text: NUL fills one side of nearly
    every byte pair, and the other side is nearly free of control bytes."""
    pairs = len(head) // 2
    if pairs < 2:
        return False
    even, odd = head[0 : 2 * pairs : 2], head[1 : 2 * pairs : 2]
    for nul_side, text_side in ((odd, even), (even, odd)):
        if nul_side.count(0) >= 0.9 * pairs:
            controls = pairs - len(text_side.translate(None, _CONTROL))
            return controls <= _CONTROL_SHARE * pairs
    return False
