"""The learned lexicon: how words are read, how weights are fitted (and kept from the lines
they are fitted on), its columns in the feature matrix and in the shipped model, and the
compiled columns against the Python reference on generated texts."""

from __future__ import annotations

import os
import pickle
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from boilerx.pipeline import lexicon as lexicon_module
from boilerx.pipeline.features import feature_names, line_features
from boilerx.pipeline.lexicon import HEAD, MAX_WORD, N_COLUMNS, NAMES, Lexicon, words
from boilerx.pipeline.lines import text_lines

_shape = lexicon_module._compiled_shape
if _shape is None and os.environ.get("BOILERX_NATIVE") == "required":
    pytest.fail("BOILERX_NATIVE=required but boilerx.pipeline._shape is not built")


# ---------------------------------------------------------------- reading words
def test_words_are_lowered_word_runs_without_numbers_or_long_runs() -> None:
    assert words("Subscribe to OUR News-letter, 2024 edition_2!") == [
        "subscribe", "to", "our", "news", "letter", "edition_2",
    ]  # fmt: skip
    assert words("x" * MAX_WORD + " ok " + "y" * (MAX_WORD - 1)) == ["ok", "y" * (MAX_WORD - 1)]
    assert words("١٢٣ 42 ²") == []  # digits of any script are no word
    # one code point at a time: İ lowers to "i" (not "i̇"), a final Σ to "σ"
    assert words("İSTANBUL ΟΔΟΣ Straße") == ["istanbul", "οδοσ", "straße"]


def test_words_read_only_the_head_of_a_line() -> None:
    line = "a " * (HEAD // 2) + "cookie"
    assert "cookie" not in words(line)
    assert words("x" * (HEAD - 3) + " cookie") == ["co"]  # a word cut at the head's end


# ---------------------------------------------------------------- fitting
@dataclass
class _Record:
    site: str


@dataclass
class _Sample:
    """A training sample as fitting reads it."""

    record: _Record
    texts: list[str]
    y: np.ndarray
    w: np.ndarray
    X: np.ndarray
    word_counts: dict[str, tuple[int, int]]


def _sample(site: str, lines: list[tuple[str, int]], unweighted: tuple[int, ...] = ()) -> _Sample:
    from boilerx.training.lexicon import word_counts

    texts = [t for t, _ in lines]
    y = np.array([label for _, label in lines])
    w = np.ones(len(lines))
    w[list(unweighted)] = 0.0
    X = np.zeros((len(lines), 3 + N_COLUMNS), dtype=np.float32)
    return _Sample(_Record(site), texts, y, w, X, word_counts(texts, y, w))


def _sites(n: int, chrome: str, body: str, unweighted: tuple[int, ...] = ()) -> list[_Sample]:
    lines = [(chrome, 0), (body, 1), ("filler text", 1)]
    return [_sample(f"site{i}.example", lines, unweighted) for i in range(n)]


def test_fit_gives_chrome_words_positive_and_body_words_negative_weights() -> None:
    pytest.importorskip("sklearn")  # the training extra
    from boilerx.training.lexicon import CLIP, MIN_SITES, fit_lexicon

    lexicon = fit_lexicon(_sites(MIN_SITES, "Accept cookies", "The minister said"))
    assert lexicon.weights["cookies"] > 0 > lexicon.weights["minister"]
    assert all(-CLIP <= v <= CLIP for v in lexicon.weights.values())
    # a word seen on fewer sites than MIN_SITES gets no weight, however often
    few = fit_lexicon(_sites(MIN_SITES - 1, "Accept cookies", "The minister said") * 3)
    assert len(few) == 0


def test_weights_compare_word_rates_not_line_rates() -> None:
    """A word weighs by how common it is among the words of chrome lines against among
    those of body lines. Body lines are long: counted per line, a word in one body line and
    one chrome line of seven would look like body (log(1/7) - log(1/1) < -1.5); per word it
    is a little more common in chrome (1 of 13 words against 1 of 17)."""
    pytest.importorskip("sklearn")
    from boilerx.training.lexicon import MIN_SITES, fit_lexicon

    chrome = ["the menu", "home page", "sports news", "log in", "our shop", "contact us", "jobs"]
    body = (
        "the minister said on monday that a new law on rents would pass before the summer "
        "recess of parliament"
    )
    lines = [(t, 0) for t in chrome] + [(body, 1)]
    assert len(words(" ".join(chrome))) == 13 and len(set(words(body))) == 17
    weights = fit_lexicon([_sample(f"site{i}.example", lines) for i in range(MIN_SITES)]).weights
    # per word: chrome 5 of 65 words, body 5 of 85 (each counted once a line), smoothed by one
    assert weights["the"] == pytest.approx(np.log(6 / 67) - np.log(6 / 87), abs=1e-6)
    assert weights["the"] > 0 > weights["minister"]


def test_unweighted_lines_are_not_counted() -> None:
    pytest.importorskip("sklearn")
    from boilerx.training.lexicon import MIN_SITES, fit_lexicon

    samples = _sites(MIN_SITES, "Accept cookies", "The minister said", unweighted=(0,))
    assert "cookies" not in fit_lexicon(samples).weights


def test_training_lines_never_read_weights_fitted_on_their_own_site() -> None:
    pytest.importorskip("sklearn")
    from boilerx.training.lexicon import INNER_GROUPS, MIN_SITES, _group, cross_fitted, fit_lexicon

    # enough sites that every site group holds some, each site with the same chrome word:
    # a lexicon fitted on all of them knows it, the one each line reads knows it only from
    # the other groups' sites
    samples = _sites(4 * MIN_SITES, "Accept cookies", "The minister said")
    assert len({_group(s.record.site) for s in samples}) == INNER_GROUPS
    filled = cross_fitted(samples)
    for sample, copy in zip(samples, filled):
        others = [s for s in samples if _group(s.record.site) != _group(sample.record.site)]
        expected = np.zeros((3, N_COLUMNS), dtype=np.float32)
        fit_lexicon(others).columns(sample.texts, expected)
        assert np.array_equal(copy.X[:, -N_COLUMNS:], expected)
        assert not sample.X.any()  # the sample itself is left alone


# ---------------------------------------------------------------- columns
def test_columns_of_known_and_unknown_words() -> None:
    lexicon = Lexicon({"cookie": 2.0, "policy": 1.0, "minister": -1.5})
    texts = ["Cookie policy and more", "The minister", "nothing known here", "42"]
    out = np.full((4, N_COLUMNS), np.nan, dtype=np.float32)
    lexicon.columns(texts, out)
    assert out[0].tolist()[:4] == [1.5, 2.0, 1.0, 0.5]  # 2 of 4 words known
    assert out[1].tolist()[:4] == [-1.5, -1.5, -1.5, 0.5]
    assert not out[2:, :4].any()
    assert out[:, 4].tolist() == [0.0, 1.5, -1.5, 0.0]  # the line before's mean
    assert out[:, 5].tolist() == [-1.5, 0.0, 0.0, 0.0]  # the line after's mean


def test_lexicon_survives_pickling_and_rebuilds_its_table() -> None:
    lexicon = Lexicon({"cookie": 2.0, "newsletter": 1.25})
    texts = ["Our cookie newsletter", "x"]
    before = np.zeros((2, N_COLUMNS), dtype=np.float32)
    lexicon.columns(texts, before)
    copy = pickle.loads(pickle.dumps(lexicon))
    assert copy._table is None and copy.weights == lexicon.weights
    after = np.zeros((2, N_COLUMNS), dtype=np.float32)
    copy.columns(texts, after)
    assert np.array_equal(before, after) and before[0, 0] == np.float32(1.625)


def test_feature_matrix_ends_with_the_lexicon_columns() -> None:
    page = text_lines("Accept our cookies\nThe minister said on Friday that talks went on.")
    lexicon = Lexicon({"cookies": 3.0, "minister": -2.0})
    with_lexicon = line_features(page, lexicon)
    without = line_features(page)
    assert feature_names(False)[-N_COLUMNS:] == NAMES
    assert with_lexicon.shape == without.shape == (2, len(feature_names(False)))
    assert np.array_equal(with_lexicon[:, :-N_COLUMNS], without[:, :-N_COLUMNS])
    assert not without[:, -N_COLUMNS:].any()
    assert with_lexicon[0, -N_COLUMNS] > 0 > with_lexicon[1, -N_COLUMNS]


def test_html_pages_have_no_lexicon_columns() -> None:
    from boilerx.pipeline.lines import html_lines

    page = html_lines(
        "<html><body><p>Accept our cookies</p><p>The minister said so.</p></body></html>"
    )
    lexicon = Lexicon({"cookies": 3.0})
    assert feature_names(True)[-N_COLUMNS:] != NAMES
    assert np.array_equal(line_features(page, lexicon), line_features(page))


def test_the_shipped_text_model_carries_a_lexicon_that_knows_chrome_words() -> None:
    from boilerx.pipeline.model import get_model

    assert get_model("html").lexicon is None
    lexicon = get_model("text").lexicon
    assert lexicon is not None and len(lexicon) > 1000
    assert lexicon.weights.get("subscribe", 0) > 1.0
    assert lexicon.weights.get("said", 0) < 0


# ---------------------------------------------------------------- compiled against Python
_CHAR = st.one_of(
    st.characters(max_codepoint=0x7F),
    st.characters(min_codepoint=0x80, max_codepoint=0xFF),
    st.characters(min_codepoint=0x100, max_codepoint=0xFFFF),
    st.characters(min_codepoint=0x10000),
    st.sampled_from("İıẞßΣσςǅǈǲ_٣²½ \t.,\ud800\udfff"),
)
_VOCABULARY = ["cookie", "Cookie", "İstanbul", "ΟΔΟΣ", "straße", "x_1", "a", "中文", "😀", "9"]
_PIECE = st.one_of(st.text(_CHAR, min_size=1, max_size=8), st.sampled_from(_VOCABULARY + [" "] * 4))
_LINE = st.one_of(
    st.lists(_PIECE, max_size=30).map("".join),
    st.builds(lambda piece, times: piece * times, _PIECE, st.integers(1, 200)),
)


@pytest.mark.skipif(_shape is None, reason="the compiled _shape module is not built")
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    texts=st.lists(_LINE, max_size=20), picks=st.lists(st.booleans(), min_size=1), data=st.data()
)
def test_compiled_columns_equal_the_python_reference(
    texts: list[str], picks: list[bool], data: st.DataObject
) -> None:
    # a lexicon of some of the generated lines' own words (and some other words)
    seen = sorted({w for t in texts for w in words(t)})
    chosen = [w for w, pick in zip(seen, picks * (len(seen) // len(picks) + 1)) if pick]
    chosen += [w.lower() for w in _VOCABULARY]
    weights = data.draw(
        st.lists(st.floats(-4, 4, width=32), min_size=len(chosen), max_size=len(chosen))
    )
    lexicon = Lexicon(dict(zip(chosen, weights)))
    compiled = np.zeros((len(texts), N_COLUMNS), dtype=np.float32)
    python = np.zeros((len(texts), N_COLUMNS), dtype=np.float32)
    lexicon.columns(texts, compiled)
    lexicon._python_columns(texts, python)
    assert compiled.tobytes() == python.tobytes()
