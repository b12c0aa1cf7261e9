"""The compiled structured-data overlap (_shape.overlap) against the Python path it stands for
(structured._python_overlap): the same float32 matrix, bit for bit, on generated lines and
references (ASCII, accents, CJK, digits, underscores, punctuation, characters whose lower case
is longer or another letter, empty strings, lines of 0 to many words, repeated words and
3-grams) and on the lines of HTML pages."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from boilerx.pipeline import structured
from boilerx.pipeline.lines import html_lines
from boilerx.pipeline.structured import _compiled_shape, _python_overlap, overlap
from tests.conftest import news_html

if _compiled_shape is None and os.environ.get("BOILERX_NATIVE") == "required":
    pytest.fail("BOILERX_NATIVE=required but boilerx.pipeline._shape is not built")
pytestmark = pytest.mark.skipif(
    _compiled_shape is None,
    reason="the compiled structured-data overlap (boilerx.pipeline._shape) is not built",
)

_EXAMPLES = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Words from a small vocabulary, so that lines and references share words and 3-grams; some
# change under str.lower() (İ becomes two code points, Σ a final or a medial sigma, the Kelvin
# sign k, Å the letter å), some are upper case only in ASCII.
_WORDS = [
    "the",
    "The",
    "THE",
    "news",
    "News",
    "café",
    "CAFÉ",
    "straße",
    "STRASSE",
    "ß",
    "ẞ",
    "İstanbul",
    "istanbul",
    "i̇stanbul",
    "KELVIN",
    "\u212aelvin",
    "kelvin",
    "\u212b",
    "å",
    "ΣΟΦΙΑ",
    "σοφια",
    "ΟΔΟΣ",
    "οδος",
    "東京",
    "新闻",
    "報道",
    "2024",
    "٣٤",
    "x_1",
    "_",
    "__init__",
    "a",
    "I",
    "ı",
    "ǅ",
    "ǆ",
    "ﬁ",
    "Ⅻ",
    "ⅻ",
    "½",
    "x\u0301",
    "naïve",
    "ＡＢＣ",
    "ａｂｃ",
    "😀word",
    "ŉ",
]
_GAPS = [" ", "  ", ", ", ". ", " - ", "\n", "\t", "'", "’", "!", "…", "·", "/", "", "\u0301 "]
_word = st.sampled_from(_WORDS) | st.text(min_size=1, max_size=6)
_gap = st.sampled_from(_GAPS) | st.text(
    alphabet=st.characters(categories=["P", "Z", "S"]), min_size=1, max_size=3
)


@st.composite
def _texts(draw: st.DrawFn, max_words: int = 12) -> str:
    """A string of words and the gaps between them (a gap may be empty: two words run on)."""
    words = draw(st.lists(_word, max_size=max_words))
    parts = [draw(st.sampled_from(["", " ", "-"]) | _gap)]
    for word in words:
        parts += [word, draw(_gap)]
    return "".join(parts)


_lines = st.lists(
    _texts() | st.sampled_from(["", " ", "a", "a b", "a b c", "İ", "ß ß ß"]), max_size=25
)
_references = st.lists(
    _texts(max_words=40) | st.sampled_from(["", "one", "one two", "the news the news the"]),
    max_size=4,
)


def _assert_same(texts: list[str], *references: str) -> None:
    compiled = overlap(texts, *references)
    expected = _python_overlap(texts, *references)
    assert compiled.dtype == expected.dtype == np.float32
    assert compiled.shape == expected.shape == (len(texts), len(references))
    assert np.array_equal(compiled, expected), (texts, references)
    # bit for bit: the same float32 values, -1 and 0 included
    assert compiled.tobytes() == expected.tobytes()


@_EXAMPLES
@given(_lines, _references)
def test_generated_lines_and_references(texts: list[str], references: list[str]) -> None:
    _assert_same(texts, *references)


@_EXAMPLES
@given(_lines, st.data())
def test_references_cut_from_the_lines(texts: list[str], data: st.DataObject) -> None:
    """References made of the lines themselves (in another case, joined, shuffled), so that many
    3-grams and words are found."""
    picked = data.draw(st.lists(st.sampled_from(texts), max_size=8)) if texts else []
    joined = " ".join(picked)
    swapped = joined.swapcase()
    _assert_same(texts, joined, swapped, joined.upper() + " " + joined)


@_EXAMPLES
@given(st.lists(st.text(max_size=40), max_size=20), st.lists(st.text(max_size=200), max_size=3))
def test_any_text(texts: list[str], references: list[str]) -> None:
    _assert_same(texts, *references)


def test_lines_of_zero_to_many_words() -> None:
    reference = "the quick brown fox jumps over the lazy dog the quick brown cat"
    texts = [
        "",
        "...",
        "The",
        "dog",
        "cat mouse",
        "Quick fox",
        "the quick brown",
        "THE QUICK BROWN FOX",
        "the quick brown the quick brown",
        "lazy dog the quick brown fox jumps over",
        "quick brown fox quick brown fox quick brown fox",
        "x " * 50,
        "\ud800 the\udfff quick brown \x00fox",
    ]
    _assert_same(texts, reference)
    _assert_same(texts, reference, "one two", "", reference.upper(), "dog cat fox")
    _assert_same(texts)
    _assert_same([], reference)
    out = overlap(texts, reference, "one two")
    assert out[0, 0] == 0 and out[2, 0] == 1 and out[4, 0] == np.float32(0.5)
    assert (out[:, 1] == -1).all()


def test_lowering_that_changes_lengths_and_letters() -> None:
    """İ lowers to i + U+0307 (so 'i̇stanbul' matches it and 'istanbul' does not); Σ to σ or ς
    by its place; the Kelvin sign to k; ẞ to ß (not ss)."""
    reference = "İSTANBUL ΟΔΟΣ STRAẞE \u212aELVIN ΣΟΦΙΑ ΣΑΣ"
    texts = [
        "i̇stanbul οδος straße",
        "istanbul οδος straße",
        "İstanbul ΟΔΟΣ STRASSE kelvin",
        "οδοσ",
        "οδος",
        "σοφια σας",
        "Kelvin σοφια σας",
        "ΣΑΣ",
        "İ",
    ]
    _assert_same(texts, reference)
    _assert_same(texts, reference.lower(), " ".join(texts))


def test_words_are_compared_by_their_code_points() -> None:
    """Many distinct words (the word table grows), words that differ in one code point or in
    width (Latin-1, BMP, astral), and long words."""
    vocabulary = [f"w{i}" for i in range(3000)] + ["é" * 300, "é" * 299 + "e", "😀" * 40]
    reference = " ".join(vocabulary)
    texts = [" ".join(vocabulary[i : i + 7]) for i in range(0, len(vocabulary), 5)]
    texts += ["é" * 300, "é" * 299 + "e", "😀" * 40 + " w1 w2", "w1 w2 w4", "W1 W2 W3"]
    _assert_same(texts, reference, reference[::-1])


def test_not_a_list_and_many_references() -> None:
    texts = ["the news the", "news the news"]
    assert np.array_equal(
        overlap(tuple(texts), "the news the news"), _python_overlap(texts, "the news the news")
    )
    references = ["the news the"] * 70  # more than the compiled mask holds: the Python path
    assert np.array_equal(overlap(texts, *references), _python_overlap(texts, *references))


def test_html_page_lines() -> None:
    body = (
        "The city council voted on Tuesday to expand the harbour ferry service, adding three new "
        "routes that will connect the northern suburbs with the old town from next spring."
    )
    data = {"articleBody": body, "description": "Council expands ferry service"}
    html = news_html(before=f'<script type="application/ld+json">{json.dumps(data)}</script>')
    page = html_lines(html)
    assert page.texts and page.article_body and page.description
    _assert_same(page.texts, page.article_body, page.description)


def test_compiled_path_is_used() -> None:
    assert structured._compiled_shape is _compiled_shape is not None
