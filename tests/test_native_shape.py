"""The compiled line statistics (_shape.pyx) against the Python/NumPy paths of features.py and
lines.py they stand for: each function on generated texts (ASCII, Latin-1, BMP and astral
characters, every kind of whitespace and line break, NUL, lone surrogates, very long and empty
lines), column for column and bit for bit; and the whole feature matrix of text and HTML pages
with the module and without it."""

from __future__ import annotations

import codecs
import html
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from boilerx.api import split_page
from boilerx.pipeline import decode, features, lines
from boilerx.pipeline.features import (
    STATS,
    _arithmetic_columns,
    _container_features,
    _context,
    _holding,
    _lowered_heads,
    _numpy_card_pairs,
    _numpy_line_stats,
    _position,
    _probe_groups,
    _repeats,
    _title_overlap,
    card_pairs,
    line_features,
    line_groups,
    line_stats,
)
from boilerx.pipeline.lines import html_lines, text_lines

_shape = features._compiled_shape
if _shape is None and os.environ.get("BOILERX_NATIVE") == "required":
    pytest.fail("BOILERX_NATIVE=required but boilerx.pipeline._shape is not built")
pytestmark = pytest.mark.skipif(
    _shape is None, reason="the compiled line statistics (boilerx.pipeline._shape) are not built"
)

_EXAMPLES = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@contextmanager
def _python_path() -> Iterator[None]:
    """features and lines as they run where the compiled module is not built."""
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(features, "_compiled_shape", None)
        patched.setattr(lines, "_compiled_shape", None)
        patched.setattr(decode, "_compiled_shape", None)
        yield


def _both(function: Callable[..., Any], *args: Any) -> tuple[Any, Any]:
    """function(*args) with the compiled module, then with the Python/NumPy path."""
    compiled = function(*args)
    with _python_path():
        return compiled, function(*args)


def _same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    """The same shape, dtype and bits (so that -0.0 is not +0.0)."""
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    return a.tobytes() == b.tobytes()


# ---------------------------------------------------------------- generated texts
_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"  # str.splitlines' boundaries
_SPACES = " \t\x1f\xa0\u1680\u2000\u2007\u200a\u202f\u205f\u3000"  # str.split's, no break
_MARKS = ".,:;!?|•·'\"”’»)]([«“…。！？-–©/\x00"  # what the statistics look at
_CASE = "İıẞßΣσςǅǈǲÞþŸÿµªº×÷\u0345\u1e9e\U00010400\U00010428"  # case mappings of note
_SURROGATES = "\ud800\udc80\udfff"
_CHAR = st.one_of(
    st.characters(max_codepoint=0x7F),  # ASCII
    st.characters(min_codepoint=0x80, max_codepoint=0xFF),  # Latin-1
    st.characters(min_codepoint=0x100, max_codepoint=0xFFFF),  # BMP
    st.characters(min_codepoint=0x10000),  # astral
    st.sampled_from(_LINE_BREAKS + _SPACES + _MARKS + _CASE + _SURROGATES),
)
_WORDS = [
    "The", "the", "Read", "more", "Photo:", "Reuters", "AFP", "5", "min", "read", "12:30",
    "share", "©", "İstanbul", "ΟΔΟΣ", "中文的句子。", "😀", "Explore", "comments", "By", "|",
]  # fmt: skip
_PIECE = st.one_of(
    st.text(_CHAR, min_size=1, max_size=6),
    st.sampled_from(_WORDS),
    st.sampled_from(_SPACES + " " * 8),
)
_SHORT_LINE = st.lists(_PIECE, max_size=16).map("".join)
_LONG_LINE = st.builds(  # up to 280,000 code points: counts past 16 bits
    lambda piece, times: piece * times,
    st.one_of(st.text(_CHAR, min_size=1, max_size=4), st.sampled_from(["Ab, 1. | Xy · ", "é "])),
    st.integers(min_value=1, max_value=70_000),
)
_LINE = st.one_of(_SHORT_LINE, _SHORT_LINE, _SHORT_LINE, _LONG_LINE)
_LINES = st.lists(_LINE, max_size=30)
_NON_EMPTY_LINES = st.lists(_LINE.filter(bool), min_size=1, max_size=30)


def _no_breaks(line: str) -> str:
    """The line as the lines stage makes them: whitespace collapsed, no line breaks."""
    return " ".join(line.split())


_PAGE_LINES = st.lists(_SHORT_LINE.map(_no_breaks).filter(bool), min_size=1, max_size=40)
_BREAK = st.sampled_from([*_LINE_BREAKS, "\r\n", "\n\n", "\r\x00\n", "\x00\n", "\n \t\n"])


@st.composite
def _texts(draw: st.DrawFn) -> str:
    """Scraped text: lines joined by line breaks of every kind, with NULs and blank lines."""
    parts = draw(st.lists(st.tuples(_LINE, _BREAK), max_size=30))
    return "".join(line + brk for line, brk in parts) + draw(_LINE)


# ---------------------------------------------------------------- each function
@_EXAMPLES
@given(_NON_EMPTY_LINES)
def test_line_stats_equal_the_numpy_path(texts: list[str]) -> None:
    compiled = line_stats(texts)
    expected = _numpy_line_stats(texts, np.empty_like(compiled))
    assert compiled.shape == (len(texts), len(STATS))
    for i, text in enumerate(texts):
        for j, name in enumerate(STATS):
            assert _same_bits(compiled[i, j], expected[i, j]), (name, text[:200])


@_EXAMPLES
@given(_texts())
def test_split_lines_equal_the_python_path(text: str) -> None:
    compiled, expected = _both(text_lines, text)
    assert compiled.texts == expected.texts
    assert compiled.gaps == expected.gaps
    assert compiled.cut == expected.cut
    # split_lines itself, on all of the text (text_lines cuts a text of too many lines)
    clean = text.replace("\x00", "")
    normalised = [" ".join(raw.split()) for raw in clean.splitlines()]
    kept = [i for i, line in enumerate(normalised) if line]
    gaps = [i - before - 1 for before, i in zip([-1, *kept], kept)]
    assert _shape.split_lines(text) == ([normalised[i] for i in kept], gaps)


@st.composite
def _lines_and_probes(draw: st.DrawFn) -> tuple[list[str], tuple[str, ...]]:
    """Lines, and probes: some cut from the lines, some drawn apart (none holds a newline, which
    the Python path's search over the joined lines would see across lines)."""
    texts = draw(st.lists(_SHORT_LINE, max_size=20))
    probes = draw(st.lists(st.text(_CHAR, min_size=1, max_size=3), max_size=4))
    for text in draw(st.lists(st.sampled_from(texts), max_size=6)) if texts else []:
        start = draw(st.integers(0, len(text)))
        probes.append(text[start : start + draw(st.integers(1, 5))])
    probes = [p for p in probes if p and "\n" not in p] or ["e"]
    return texts, tuple(probes)


@_EXAMPLES
@given(_lines_and_probes(), st.booleans())
def test_lines_holding_equal_substring_search(
    case: tuple[list[str], tuple[str, ...]], at_start: bool
) -> None:
    texts, probes = case
    compiled, expected = _both(_holding, texts, probes, at_start)
    assert compiled == expected


@_EXAMPLES
@given(_lines_and_probes(), st.data())
def test_probe_groups_equal_substring_search(
    case: tuple[list[str], tuple[str, ...]], data: st.DataObject
) -> None:
    texts, probes = case
    groups = tuple(
        data.draw(st.lists(st.integers(0, 31), min_size=len(probes), max_size=len(probes)))
    )
    compiled, expected = _both(_probe_groups, texts, probes, groups)
    assert compiled == expected


@_EXAMPLES
@given(_LINES)
def test_lowered_heads_equal_str_lower(texts: list[str]) -> None:
    (heads, short, lengths), (heads_py, short_py, lengths_py) = _both(_lowered_heads, texts)
    assert heads == heads_py
    assert short == short_py
    assert _same_bits(lengths, lengths_py)


_HEAD_LINES = st.lists(
    st.one_of(
        _LINE,
        st.sampled_from(
            [
                "Read more",
                "12 comments",
                "Share: Photo ©",
                "Explore",
                "5 min read",
                "12 apples",
                "12comments",
                "3\u3000 \u00a0Replies",
                "1٢ comments",
                "7 7 comments",
                "9 ",
            ]
        ),
    ),
    max_size=30,
)


@_EXAMPLES
@given(_HEAD_LINES)
def test_scanned_heads_equal_the_python_path(texts: list[str]) -> None:
    """Short heads and the lengths of all heads, the short heads beginning with an anchored
    probe and those holding the short probes: one compiled pass gives what the three steps
    do."""
    texts = texts + ["\u0130" * 120, "x" * 99 + "\u0130", "\U0001d400\u0130" * 60]  # İ: 2
    compiled, expected = _both(features._scanned_heads, texts)
    assert compiled[0] == expected[0]
    assert _same_bits(compiled[1], expected[1])
    assert compiled[2] == expected[2]
    assert compiled[3] == expected[3]


def test_anchored_markers_begin_with_a_digit_only_as_a_count() -> None:
    """What scan_heads' counted relies on: an anchored marker begins with a decimal digit only
    through a count (\\d+\\s+) at the start of its alternative."""
    pattern = features._ANCHORED_RX.pattern
    assert r"(?P<comment>(?:\d+\s+)?" in pattern
    starts = features._literal_starts(pattern.replace(r"(?:\d+\s+)?", ""))
    assert "" not in starts and features._DIGIT not in starts


# short heads where an anchored marker matches (hypothesis writes them from the pattern)
_ANCHORED_HEADS = st.from_regex(features._ANCHORED_RX).filter(lambda h: len(h) <= 100)


@_EXAMPLES
@given(st.lists(_ANCHORED_HEADS, max_size=10))
def test_every_anchored_marker_line_is_tried(heads: list[str]) -> None:
    """Each head the anchored markers match at its start is among the lines the scan gives to
    try (those beginning with a count of any decimal digits too: "١٥ comments")."""
    heads = heads + ["\u0661\u0665 comments", "\u0661\u0665\xa0reply", "\u0661\u0665x comments"]
    heads = [h.lower() for h in heads if h.lower() == h]
    matched = [i for i, h in enumerate(heads) if features._ANCHORED_RX.match(h)]
    for scanned in _both(features._scanned_heads, heads):
        assert set(matched) <= set(scanned[2])


def test_only_dotted_capital_i_lowers_to_more_than_one_code_point() -> None:
    """What scan_heads counts on to tell a long line's head length without lowering it."""
    longer = [c for c in range(0x110000) if len(chr(c).lower()) != 1]
    assert longer == [0x130]
    assert len("\u0130".lower()) == 2


def test_lowered_heads_equal_str_lower_on_every_bmp_code_point() -> None:
    """1- and 2-byte lines are lowered a code point at a time (but at U+0130 and U+03A3): for
    each code point below U+10000, alone, after an ASCII letter and in a run of its
    neighbours, the same str (and so the same width) as str.lower gives."""
    lines = [chr(c) for c in range(0x80, 0x10000)]
    lines += ["A" + line for line in lines[::7]]
    lines += ["".join(map(chr, range(c, c + 40))) for c in range(0x80, 0x10000 - 40, 40)]
    lengths = np.empty(len(lines), dtype=np.float32)
    heads, _ = _shape.lowered_heads(lines, 200, 100, lengths)
    assert heads == [line[:200].lower() for line in lines]


_CREDIT_WORDS = st.sampled_from(
    ["Photo: Jane Roe", "FOTO", "(Image: Getty)", "İmage", "Bild", "credit", "© AFP", "dpa",
     "REUTERS/Stringer", "photographer", "x" * 45, " ", "ß", "Ω", "\u0130", "🙂", "ΣΑΣ",
     "\u212aelvin", "AFPΣ"]
)  # fmt: skip
_CREDIT_LINES = st.lists(
    st.lists(st.one_of(_CREDIT_WORDS, _SHORT_LINE), max_size=6).map(" ".join), max_size=25
)


def test_tails_holding_cuts_the_tail_where_the_search_does() -> None:
    """A probe that begins at the tail's first character counts; one a character earlier, cut
    by the tail, does not (ASCII and non-ASCII lines)."""
    limit = features._TAIL_CHARS
    texts = [
        pad + "x" * k + "Photo" + "y" * (limit - 5 - k + shift)
        for pad in ("", "ü")
        for k in range(3)
        for shift in (-1, 0, 1)
    ]
    compiled = _shape.tails_holding(texts, features._CREDIT_PROBES, limit)
    assert compiled == features._credit_candidates(texts)
    assert 0 < len(compiled) < len(texts)


@_EXAMPLES
@given(_CREDIT_LINES)
def test_tails_holding_equal_the_joined_search(texts: list[str]) -> None:
    compiled = _shape.tails_holding(texts, features._CREDIT_PROBES, features._TAIL_CHARS)
    assert compiled == features._credit_candidates(texts)
    both = _both(features.credit_tails, texts)
    assert _same_bits(*both)


@_EXAMPLES
@given(_lines_and_probes(), st.integers(1, 12))
def test_tails_holding_equal_str_lower_on_any_probes(
    case: tuple[list[str], tuple[str, ...]], limit: int
) -> None:
    """ASCII tails are lowered as they are read, others by str.lower: the same lines either
    way, for probes in any case and tails of any length."""
    texts, probes = case
    expected = [i for i, t in enumerate(texts) if any(p in t[-limit:].lower() for p in probes)]
    assert _shape.tails_holding(texts, probes, limit) == expected
    upper = [t.upper() for t in texts]
    lowered = tuple(p.lower() for p in probes)
    expected = [i for i, t in enumerate(upper) if any(p in t[-limit:].lower() for p in lowered)]
    assert _shape.tails_holding(upper, lowered, limit) == expected


@_EXAMPLES
@given(
    st.lists(_SHORT_LINE, min_size=1, max_size=8).flatmap(
        lambda pool: st.lists(st.sampled_from(pool), max_size=40)
    )
)
def test_repeats_equal_counter(texts: list[str]) -> None:
    compiled, expected = _both(_repeats, texts)
    assert (compiled is None) == (expected is None)
    if compiled is not None:
        assert compiled.dtype == np.float32
        assert compiled.tolist() == expected.tolist()


@_EXAMPLES
@given(_LINES, _SHORT_LINE)
def test_title_words_equal_set_intersection(texts: list[str], title: str) -> None:
    """Title words in each line's lower-cased head: the compiled module lowers the lines as it
    reads them (İ and Σ by str.lower) and gives what the set intersection does."""
    texts = texts + ["ΟΔΟΣ ΟΔΟΣ. İstanbul x", "A" * 199 + " B", "x " * 150 + "Read more"]
    heads = [t[:200].lower() for t in texts]
    words = np.array([len(t.split()) for t in texts], dtype=np.float32)
    title_words = set(" ".join(title.lower().split()).split())
    title_words |= {w for h in heads[:3] + heads[-3:] for w in h.split()[:4]}  # some there
    title_words |= {"read", "b"}  # found past the head: not counted
    assert len(title_words) <= 64
    compiled, expected = _both(_title_overlap, texts, words, title_words)
    assert _same_bits(compiled, expected)


def test_lowering_keeps_what_is_whitespace() -> None:
    """What words_found counts on to split a line into words before lowering them."""
    changed = [c for c in range(0x110000) if chr(c).isspace() != chr(c).lower().isspace()]
    assert changed == []


_DATE_PIECES = st.sampled_from(
    ["12", "3", "2024", "٣", "٢٠", "१२", ".", "/", ":", "-", ",", " ", " ", " ", "\xa0",
     "\u2003", "\t", "may", "mai", "janv", "févr", "paź", "stycz", "sept", "ago", "hours", "min",
     "am", "uhr", "h", "é", "x", "the"]
)  # fmt: skip
_DATE_LINES = st.lists(
    st.lists(
        st.one_of(_DATE_PIECES, _DATE_PIECES, _DATE_PIECES, st.text(_CHAR, max_size=2)),
        max_size=10,
    ).map("".join),
    max_size=30,
)


@_EXAMPLES
@given(_DATE_LINES, st.data())
def test_date_hints_equal_the_python_path(texts: list[str], data: st.DataObject) -> None:
    """The compiled date hints find the candidates the Python regexes do, and every line
    where _DATE matches is among them."""
    candidates = data.draw(st.lists(st.integers(0, max(len(texts) - 1, 0)))) if texts else []
    compiled, expected = _both(features._date_candidates, texts, candidates)
    assert compiled == expected
    for text in texts:
        if features._DATE.search(text):
            assert features._date_hint(text), text


def test_date_hints_pass_over_years_and_decimals() -> None:
    """Digits that cannot be a date of _DATE are no hint: a year after a month, a decimal
    number, a version; a day, a numeric date and a time are."""
    texts = ["august 2002", "june 2009 (32)", "91.5fm", "3.11", "$83.25/mo", "may 5", "5. mai",
             "3.14.3", "12/5/24", "2024-03-05", "at 10:30", "3 hours ago"]  # fmt: skip
    compiled, expected = _both(features._date_candidates, texts, list(range(len(texts))))
    assert compiled == expected == list(range(5, len(texts)))


# strings holding a match of _DATE's alternatives (its leading assertions left out, which
# hypothesis cannot generate from), in any script's digits and spaces
_DATE_MATCHES = st.from_regex(features._DATE.pattern.replace(r"\b(?=[\djfmasond])", "", 1))


@_EXAMPLES
@given(st.lists(_DATE_MATCHES, min_size=1, max_size=10))
def test_every_date_line_is_a_date_candidate(texts: list[str]) -> None:
    dated = [i for i, text in enumerate(texts) if features._DATE.search(text)]
    every = list(range(len(texts)))
    compiled, expected = _both(features._date_candidates, texts, every)
    assert compiled == expected
    assert set(dated) <= set(compiled)


def test_date_months_hold_every_month_of_the_date_pattern() -> None:
    """Each month alternative of _DATE is a literal among _DATE_MONTHS (so that a line with a
    month-named date is never passed over)."""
    import re

    groups = re.findall(r"\(\?:([^()]*)\)", features._DATE.pattern)
    months = [g.split("|") for g in groups if g.startswith("jan|")]
    assert len(months) == 2
    for alternative in (m for group in months for m in group):
        assert re.fullmatch(r"[^\\.?*+\[\]{}()]+", alternative), alternative
        assert alternative in features._DATE_MONTHS


_STATS_ROWS = st.lists(
    st.lists(st.integers(0, 300), min_size=len(STATS), max_size=len(STATS)), max_size=40
).map(lambda rows: np.array(rows, dtype=np.float32).reshape(-1, len(STATS)))


@_EXAMPLES
@given(st.one_of(_NON_EMPTY_LINES.map(line_stats), _STATS_ROWS))
def test_shape_columns_equal_the_numpy_path(stats: np.ndarray) -> None:
    """Every column of a view of a larger matrix: the arithmetic ones, 0 in the others."""
    width = len(features.SHAPE_NAMES)
    compiled, expected = (np.full((len(stats), width + 5), 7.0, np.float32) for _ in range(2))
    _arithmetic_columns(stats, compiled[:, :width])
    with _python_path():
        _arithmetic_columns(stats, expected[:, :width])
    for j in range(width + 5):
        assert _same_bits(compiled[:, j], expected[:, j]), j
    assert (compiled[:, width:] == 7.0).all()


_FLOAT = st.one_of(
    st.just(0.0),
    st.integers(0, 400).map(float),
    st.floats(-1e6, 1e6, width=32),
    st.floats(0, 1, width=32),
)


@st.composite
def _columns(draw: st.DrawFn) -> tuple[np.ndarray, tuple[int, ...]]:
    """A float32 matrix of 0 to 60 rows and some of its columns (in any order, repeated)."""
    n, width = draw(st.integers(0, 60)), draw(st.integers(1, 8))
    values = draw(st.lists(_FLOAT, min_size=n * width, max_size=n * width))
    indices = draw(st.lists(st.integers(0, width - 1), min_size=1, max_size=6))
    return np.array(values, dtype=np.float32).reshape(n, width), tuple(indices)


@_EXAMPLES
@given(_columns())
def test_context_equal_the_numpy_path(inputs: tuple[np.ndarray, tuple[int, ...]]) -> None:
    compiled, expected = _both(_context, *inputs)
    for j in range(compiled.shape[1]):
        assert _same_bits(compiled[:, j], expected[:, j]), j


@st.composite
def _position_inputs(draw: st.DrawFn) -> tuple[np.ndarray, ...]:
    """Shape columns of 1 to 120 lines (prose and marker flags; the short marker flag on most
    marker lines, not all) and each line's characters, as a strided column."""
    n = draw(st.integers(1, 120))

    def flags(chance: float, value: float = 1.0) -> np.ndarray:
        drawn = draw(st.lists(st.floats(0, 1), min_size=n, max_size=n))
        return (np.array(drawn) < chance).astype(np.float32) * value

    shape = np.zeros((n, len(features.SHAPE_NAMES)), dtype=np.float32)
    column = features.SHAPE_COLUMNS
    shape[:, column["prose"]] = flags(draw(st.sampled_from([0.0, 0.1, 0.5, 1.0])))
    for name in ("m_more_stories", "m_comment", "m_reply", "m_byline"):
        shape[:, column[name]] = flags(0.1)
    shape[:, column["short_marker"]] = flags(0.8)
    chars = np.array(draw(st.lists(st.integers(1, 3000), min_size=n, max_size=n)), np.float32)
    stats = np.zeros((n, 3), dtype=np.float32)
    stats[:, 1] = chars
    return shape, stats[:, 1]


@_EXAMPLES
@given(_position_inputs())
def test_position_equal_the_numpy_path(inputs: tuple[np.ndarray, ...]) -> None:
    compiled, expected = _both(_position, *inputs)
    for j in range(compiled.shape[1]):
        assert _same_bits(compiled[:, j], expected[:, j]), j


@st.composite
def _card_inputs(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The terminal, words and sentences columns of a page of 0 to 60 lines, with the word
    counts around the limits of a headline and a summary; as strided columns of one array,
    the way line_features passes them."""
    n = draw(st.integers(0, 60))
    terminal = draw(st.lists(st.sampled_from([0.0, 1.0]), min_size=n, max_size=n))
    words = draw(
        st.lists(
            st.sampled_from([0, 1, 2, 3, 4, 7, 8, 9, 15, 16, 17, 39, 40, 41, 90]),
            min_size=n,
            max_size=n,
        )
    )
    sentences = draw(st.lists(st.sampled_from([0.0, 1.0, 2.0, 5.0]), min_size=n, max_size=n))
    table = np.array([terminal, words, sentences], dtype=np.float32).T.reshape(n, 3)
    table = np.hstack([table, np.zeros((n, 1), dtype=np.float32)])  # columns are strided
    return table[:, 0], table[:, 1], table[:, 2]


@_EXAMPLES
@given(_card_inputs())
def test_card_pairs_equal_the_numpy_path(inputs: tuple[np.ndarray, ...]) -> None:
    compiled = card_pairs(*inputs)
    assert _same_bits(compiled, _numpy_card_pairs(*inputs))
    assert _same_bits(compiled, _both(card_pairs, *inputs)[1])


_MARKER_VALUES = st.one_of(
    st.sampled_from(
        [0.0, -0.0, 1.0, float("nan"), features._MARKER_LOG_WORDS, features._MARKER_LOG_CHARS]
    ),
    st.floats(width=32, allow_nan=True, allow_infinity=True),
    st.floats(1.0, 4.0, width=32),
)


@st.composite
def _marker_rows(draw: st.DrawFn) -> np.ndarray:
    n = draw(st.integers(0, 30))
    width = len(features.SHAPE_NAMES) + draw(st.integers(0, 3))
    values = draw(st.lists(_MARKER_VALUES, min_size=n * width, max_size=n * width))
    rows = np.array(values, dtype=np.float32).reshape(n, width)
    return rows[:, : width - 1] if draw(st.booleans()) else rows  # strided or not


@_EXAMPLES
@given(_marker_rows())
def test_marker_lines_equal_the_numpy_path(rows: np.ndarray) -> None:
    (markers, more), (markers_py, more_py) = _both(features.marker_lines, rows)
    assert markers.dtype == more.dtype == markers_py.dtype == more_py.dtype == np.bool_
    assert markers.tolist() == markers_py.tolist()
    assert more.tolist() == more_py.tolist()


# ---------------------------------------------------------------- checks of a whole page
_PAGE_TEXTS = st.one_of(
    st.text(_CHAR, max_size=60),
    st.builds(  # past the 8192 characters control_count looks at
        lambda piece, times: piece * times,
        st.text(_CHAR, min_size=1, max_size=5),
        st.integers(min_value=1, max_value=5000),
    ),
)


@_EXAMPLES
@given(_PAGE_TEXTS)
def test_surrogate_check_equals_utf8_encoding(text: str) -> None:
    assert _shape.has_surrogates(text) == decode._python_has_surrogates(text)
    compiled, expected = _both(decode.replace_surrogates, text)
    assert compiled == expected


@_EXAMPLES
@given(_PAGE_TEXTS)
def test_control_count_equals_the_latin1_count(text: str) -> None:
    compiled, expected = _both(decode.control_count, text)
    assert compiled == expected
    assert _shape.count_codes(text, 3, b"ab") == sum(c in "ab" for c in text[:3])


@_EXAMPLES
@given(_PAGE_TEXTS, st.integers(0, 0x10FFFF), st.integers(0, 0x3FF))
def test_code_range_check_equals_a_scan(text: str, first: int, width: int) -> None:
    last = min(first + width, 0x10FFFF)
    assert _shape.has_code_between(text, first, last) == any(first <= ord(c) <= last for c in text)
    assert _shape.has_code_between(text, last, first) == (first == last and chr(first) in text)


_MISREAD = st.text(
    st.one_of(_CHAR, st.sampled_from("ÂÃÄÅâ€™œ\x80\x85\x92\x9d\xa0\xad©®¼")), max_size=200
)


@_EXAMPLES
@given(_MISREAD)
def test_charset_repair_is_the_same_without_the_module(text: str) -> None:
    compiled, expected = _both(decode.undo_wrong_charset, text)
    assert compiled == expected


# ---------------------------------------------------------------- UTF-8 read without decoding
def _python_utf8_length(data: bytes) -> int:
    try:
        return len(data.decode("utf-8"))
    except UnicodeDecodeError:
        return -1


# Sequences at the edges of UTF-8: overlong forms, surrogates, past U+10FFFF, cut short, stray
# continuation bytes, and bytes no UTF-8 holds.
_UTF8_EDGES = [
    b"\xc0\x80", b"\xc1\xbf", b"\xc2\x80", b"\xdf\xbf", b"\xe0\x80\x80", b"\xe0\x9f\xbf",
    b"\xe0\xa0\x80", b"\xed\x9f\xbf", b"\xed\xa0\x80", b"\xed\xbf\xbf", b"\xee\x80\x80",
    b"\xef\xbf\xbf", b"\xf0\x8f\xbf\xbf", b"\xf0\x90\x80\x80", b"\xf4\x8f\xbf\xbf",
    b"\xf4\x90\x80\x80", b"\xf5\x80\x80\x80", b"\xff", b"\x80", b"\xbf", b"\xe2\x82",
    b"\xf0\x9f\x98", b"\xc3",
]  # fmt: skip
_UTF8_BYTES = st.lists(
    st.one_of(
        st.text(_CHAR, max_size=20).map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.sampled_from(_UTF8_EDGES),
        st.binary(max_size=12),
        st.just(b"<p>plain ASCII markup, more than eight bytes long</p>"),
    ),
    max_size=12,
).map(b"".join)


@_EXAMPLES
@given(_UTF8_BYTES)
def test_utf8_length_equals_decoding(data: bytes) -> None:
    assert _shape.utf8_length(data) == _python_utf8_length(data)
    for cut in (1, 7, 9):  # a sequence cut short at the end, after runs of ASCII
        assert _shape.utf8_length(data[:-cut]) == _python_utf8_length(data[:-cut])


def test_utf8_length_of_every_edge() -> None:
    for edge in _UTF8_EDGES:
        for data in (edge, b"abcdefgh" + edge, edge + b"abcdefghij", b"\xc3\xa9" + edge):
            assert _shape.utf8_length(data) == _python_utf8_length(data), data


_DECLARED = st.sampled_from(
    [
        "",
        '<meta charset="utf-8">',
        '<meta charset="ISO-8859-1">',
        '<meta charset="windows-1252">',
        '<meta charset="us-ascii">',
        '<meta http-equiv="Content-Type" content="text/html; charset=shift_jis">',
        '<meta charset="koi8-r">',
        '<meta charset="utf-16">',
        '<meta charset="no-such-charset">',
        '<?xml version="1.0" encoding="utf-8"?>',
    ]
)


@_EXAMPLES
@given(_DECLARED, _UTF8_BYTES, st.sampled_from([b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE]))
def test_exact_utf8_length_says_what_decoding_says(head: str, body: bytes, bom: bytes) -> None:
    """Bytes found to be UTF-8 without decoding them are what decode_exactly reads as UTF-8."""
    data = bom + f"<html><head>{head}</head><body>".encode() + body
    length = decode.exact_utf8_length(data)
    text, exact = decode.decode_exactly(data)
    if length >= 0:
        assert exact and length == len(text) and text == data.decode("utf-8")
    elif exact:  # only another charset's declaration leaves it to decoding
        assert head and "utf-8" not in head.lower() and "8859-1" not in head
    with _python_path():
        assert decode.exact_utf8_length(data) == -1  # the Python path decodes


@_EXAMPLES
@given(_texts(), st.sampled_from(["", "<!DOCTYPE html>", "<p>a</p>", "<b>x</b> <i>y</i> <u>z</u>"]))
def test_html_sign_in_utf8_is_one_in_the_text(text: str, markup: str) -> None:
    """A document-level tag found in the bytes makes the text HTML; one at the start is found."""
    for page in (markup + text, text + markup, "é" * 20001 + markup, "a" * 19995 + markup):
        page = decode.replace_surrogates(page)
        if decode.html_sign_in_utf8(page.encode("utf-8")):
            assert decode.looks_like_html(page)
    if markup in ("<!DOCTYPE html>", "<p>a</p>"):
        assert decode.html_sign_in_utf8(decode.replace_surrogates(markup + text).encode("utf-8"))


@_EXAMPLES
@given(st.integers(300, 700), st.sampled_from(["a", "\u00e9", "\u4e2d", "\U0001f600"]),
       st.integers(0, 4000))  # fmt: skip
def test_cut_reads_a_page_alike_from_text_and_from_utf8(
    depth: int, filler: str, repeat: int
) -> None:
    """_cut measures a page in UTF-8 bytes however it came: nested past _MAX_DEPTH, the page
    is flattened (or not) alike from its str and from its UTF-8."""
    page = filler * repeat + "<div>" * depth + "x"
    from_text, from_utf8 = lines._cut(page)[0], lines._cut(None, page.encode("utf-8"))[0]
    as_text = [m.decode() if isinstance(m, bytes) else m for m in (from_text, from_utf8)]
    assert as_text[0] == as_text[1]
    flattened = as_text[0].count("<div>") < depth
    few = lines._few_tags(depth, len(page.encode("utf-8")))
    assert flattened == (depth > lines._MAX_DEPTH and not few)


@_EXAMPLES
@given(_texts(), st.sampled_from(["<!DOCTYPE html><p>", "<div>", ""]))
def test_a_page_split_from_its_utf8_alone(text: str, head: str) -> None:
    """Bytes left undecoded give the same page as their text does (HTML or text)."""
    page = decode.replace_surrogates(head + text)
    utf8 = page.encode("utf-8")
    for mode in ("auto", "html", "text"):
        from_bytes, from_text = split_page(None, mode, utf8), split_page(page, mode, utf8)
        assert from_bytes.texts == from_text.texts and from_bytes.is_html == from_text.is_html
        assert from_bytes.title == from_text.title


# ---------------------------------------------------------------- whole pages
@_EXAMPLES
@given(_texts())
def test_text_page_features_are_the_same_without_the_module(text: str) -> None:
    compiled, expected = _both(lambda t: line_features(text_lines(t)), text)
    assert _same_bits(compiled, expected)


@_EXAMPLES
@given(_texts())
def test_text_line_groups_read_from_the_features_equal_those_of_the_page(text: str) -> None:
    """Blocks and runs of long lines read from log_chars and gap_before are the labels counted
    from the page's gaps and line lengths (lines of 79, 80 and 81 characters among them)."""
    page = text_lines(text + "\n" + "\n\n".join(["x" * 79, "y" * 80, "z" * 81, "w" * 80]))
    expected = line_groups(page)
    got, numpy_got = _both(line_groups, page, line_features(page))
    for a, b, c in zip(got, expected, numpy_got):
        assert a.dtype == b.dtype == c.dtype == np.int64
        assert a.tolist() == b.tolist() == c.tolist()


_MARKED_LINES = st.one_of(
    _PAGE_LINES,
    st.lists(
        st.sampled_from(
            [
                "Share this: icon-facebook", "5 min read", "Photo: Reuters", "Explore",
                "Read more", "12 comments", "By Jane Roe · Reply", "Related stories",
                "Advertisement", "© 2024 The Paper", "Published 12:30, 3 May 2024",
                "It was a long day in the city, and the mayor said so at length.",
            ]
        ),
        min_size=1,
        max_size=12,
    ),
).flatmap(lambda a: _PAGE_LINES.map(lambda b: a + b))  # fmt: skip


@_EXAMPLES
@given(
    _MARKED_LINES,
    st.lists(st.sampled_from(["p", "li", "h2", "a", "td", "div"]), min_size=1),
    _SHORT_LINE,
)
def test_html_page_features_are_the_same_without_the_module(
    texts: list[str], tags: list[str], title: str
) -> None:
    body = "".join(
        f"<{tag}>{html.escape(text)}</{tag}>" for text, tag in zip(texts, tags * len(texts))
    )
    page = f"<html><head><title>{html.escape(title)}</title></head><body>{body}</body></html>"
    compiled, expected = _both(lambda p: line_features(html_lines(p)), page)
    assert _same_bits(compiled, expected)


# ---------------------------------------------------------------- containers
_BLOCK_ID = st.one_of(st.integers(0, 12), st.integers(0, 3000))
_PROSE = st.one_of(
    st.sampled_from([0.0, 1.0, 149.0, 150.0, 151.0, 400.0]),
    st.floats(0, 5000, width=32),
)


@st.composite
def _containers(draw: st.DrawFn) -> tuple[list[tuple[int, ...]], np.ndarray]:
    """Lines' enclosing block ids (nested like the walk's, or any small ids, repeats
    included) and their prose characters."""
    n = draw(st.integers(1, 40))
    nested = draw(st.booleans())
    rows: list[tuple[int, ...]] = []
    for _ in range(n):
        if nested and rows and draw(st.booleans()):  # a sibling or child of the line before
            keep = draw(st.integers(0, len(rows[-1])))
            rows.append(rows[-1][:keep] + tuple(draw(st.lists(_BLOCK_ID, max_size=3))))
        else:
            rows.append(tuple(draw(st.lists(_BLOCK_ID, max_size=8))))
    prose = np.array(draw(st.lists(_PROSE, min_size=n, max_size=n)), dtype=np.float32)
    return rows, prose


@_EXAMPLES
@given(_containers())
def test_container_features_equal_the_numpy_path(
    data: tuple[list[tuple[int, ...]], np.ndarray],
) -> None:
    containers, prose = data
    n = len(containers)
    page = lines.Page(
        texts=["x" * (i % 7 + 1) for i in range(n)],
        link_chars=[i % 3 for i in range(n)],
        containers=containers,
        signatures=[f"div>p.{i % 4}" for i in range(n)],
    )
    compiled, expected = _both(_container_features, page, prose)
    assert _same_bits(compiled, expected)


def test_container_shares_decline_ids_they_cannot_count_by() -> None:
    out = np.zeros((2, 12), dtype=np.float32)
    prose = np.array([200.0, 10.0], dtype=np.float32)
    assert not _shape.container_shares([(1, -2), (1,)], prose, 210.0, out)
    assert not _shape.container_shares([(1, 1 << 30), (1,)], prose, 210.0, out)
    assert not out.any()
    assert _shape.container_shares([(), ()], prose, 210.0, out) and not out.any()
    with pytest.raises(ValueError):
        _shape.container_shares([(1,)], prose, 210.0, out)
    with pytest.raises(TypeError):
        _shape.container_shares([[1], [2]], prose, 210.0, out)


# ---------------------------------------------------------------- arguments
def test_wrong_arguments_are_refused() -> None:
    out = np.empty((2, len(STATS)), dtype=np.float32)
    with pytest.raises(TypeError, match="line 1 is int, not str"):
        _shape.line_stats(["a", 3], out)
    with pytest.raises(TypeError, match="text is bytes, not str"):
        _shape.split_lines(b"a")
    with pytest.raises(TypeError, match="text is bytes, not str"):
        _shape.has_surrogates(b"a")
    with pytest.raises(TypeError, match="text is bytes, not str"):
        _shape.has_code_between(b"a", 0, 1)
    with pytest.raises(ValueError):
        _shape.count_codes("a", -1, b"a")
    with pytest.raises(ValueError):
        _shape.line_stats(["a"], out)
    with pytest.raises(ValueError):
        _shape.shape_columns(out, np.empty((2, 12), dtype=np.float32), tuple(range(11)))
    with pytest.raises(ValueError):  # a row too many
        _shape.shape_columns(out, np.empty((3, 12), dtype=np.float32), tuple(range(12)))
    with pytest.raises(ValueError):  # column 12 of 12
        _shape.shape_columns(out, np.empty((2, 12), dtype=np.float32), tuple(range(1, 13)))
    with pytest.raises(ValueError):  # column 0 twice
        _shape.shape_columns(out, np.empty((2, 12), dtype=np.float32), (0,) + tuple(range(11)))
    with pytest.raises(ValueError):
        _shape.lowered_heads(["a"], -1, 5, np.empty(1, dtype=np.float32))
    shape, rows = np.zeros((3, 8), np.float32), np.zeros((3, 12), np.float32)
    _shape.position(shape, np.zeros(3, np.float32), (0,) * 6, 1.0, 1.0, rows)
    with pytest.raises(ValueError):  # chars of 2 lines, not 3
        _shape.position(shape, np.zeros(2, np.float32), (0,) * 6, 1.0, 1.0, rows)
    with pytest.raises(ValueError):  # column 8 of 8
        _shape.position(shape, np.zeros(3, np.float32), (0,) * 5 + (8,), 1.0, 1.0, rows)
    _shape.context(shape, (1, 7), rows)
    with pytest.raises(ValueError):  # column 8 of 8
        _shape.context(shape, (1, 8), np.zeros((3, 12), np.float32))
    with pytest.raises(TypeError):
        _shape.probe_groups(["a"], ("a",), ("0",))
    with pytest.raises(TypeError):
        _shape.words_found(["a"], (1,), 200, np.zeros(1, np.float32), 1.0, np.zeros(1))
    with pytest.raises(ValueError):
        _shape.words_found(["a"], ("a",), -1, np.zeros(1, np.float32), 1.0, np.zeros(1))
