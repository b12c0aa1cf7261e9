"""Stage 2 and 3: cutting pages into lines, and the features of a line."""

from __future__ import annotations

import numpy as np
import pytest

from boilerx.pipeline import lines
from boilerx.pipeline.features import (
    SHAPE_COLUMNS,
    STATS,
    _compiled_shape,
    _numpy_line_stats,
    feature_names,
    line_features,
    line_stats,
)
from boilerx.pipeline.lines import BITS, KINDS, class_bits, html_lines, text_lines


def _bits(value: int) -> set[str]:
    return {name for i, name in enumerate(BITS) if value >> i & 1}


def test_blocks_make_lines_and_inline_stays_inside() -> None:
    page = html_lines(
        "<html><head><title>T</title><style>p{}</style></head><body>"
        "<div>Intro <b>bold</b> and <a href='/x'>a link</a> end<p>Para one.</p>tail</div>"
        "<ul><li>First</li><li>Second<br>broken</li></ul>"
        "<script>var x = 1;</script><p hidden>secret</p><p style='display: none'>gone</p>"
        "<noscript>no js</noscript><h2>Heading</h2></body></html>"
    )
    assert page.texts == [
        "Intro bold and a link end",
        "Para one.",
        "tail",
        "First",
        "Second",
        "broken",
        "Heading",
    ]
    assert page.link_chars[0] == len("a link") and page.n_links[0] == 1
    assert [KINDS[k] for k in page.kinds] == [
        "other",
        "paragraph",
        "other",
        "list",
        "list",
        "list",
        "heading",
    ]


def test_streamed_parts_take_the_place_of_their_template() -> None:
    # React streams late parts of the page at the end of the body, hidden, with a script that
    # moves each into its template's place and removes the fallback ("Loading ...")
    page = html_lines(
        "<body><h1>Title</h1><main><!--$?--><template id='B:0'></template>"
        "<div class='skeleton'>Loading the story</div><!--/$--></main>"
        "<footer><p>Footer</p></footer>"
        "<div hidden id='S:0'><p>First paragraph.</p><!--$?--><template id='B:1'></template>"
        "<p>Wait</p><!--/$--><p>Last paragraph.</p></div>"
        "<div hidden id='S:1'><p>Middle paragraph.</p><template id='B:1'></template></div>"
        "<div hidden id='S:9'><p>Never placed</p></div>"
        "<script>$RC('B:0','S:0')</script></body>"
    )
    assert page.texts == [
        "Title",
        "First paragraph.",
        "Middle paragraph.",
        "Last paragraph.",
        "Footer",
    ]


def test_noscript_is_read_when_it_holds_the_page() -> None:
    # a forum app ships its whole thread for browsers without JavaScript in <noscript>
    post = "The opening post of the thread, long enough to be the page."
    app = html_lines(
        "<body><div id='splash'>Loading</div><noscript><style>p{}</style><h1>Thread</h1>"
        f"<div class='post'><p>{post}</p></div></noscript></body>"
    )
    assert app.texts == ["Loading", "Thread", post]
    # elsewhere it is left out: a note to turn JavaScript on, a tracking pixel, a style
    page = html_lines(
        f"<body><p>{post}</p><noscript><p>Please enable JavaScript.</p>"
        "<img src='/pixel.gif'><style>.menu{display:none}.nav{color:red}</style></noscript>"
        "</body>"
    )
    assert page.texts == [post]


def test_ruby_readings_are_not_part_of_the_text() -> None:
    page = html_lines(
        "<body><p><ruby>法律<rp>(</rp><rt>ほうりつ</rt><rp>)</rp></ruby>では</p></body>"
    )
    assert page.texts == ["法律では"]


def test_context_bits_from_landmarks_and_class_words() -> None:
    page = html_lines(
        "<body><nav class='main-menu'><a href='/'>Home</a></nav>"
        "<article><div class='article-body'><p>Body text here.</p></div>"
        "<aside class='related-stories'><p>Other story</p></aside></article>"
        "<div id='comments'><p>Nice post</p></div></body>"
    )
    home, body, other, comment = (_bits(b) for b in page.bits)
    assert {"in_nav", "nav", "in_a"} <= home
    assert {"in_article", "content"} <= body and "related" not in body
    assert {"in_aside", "related"} <= other
    assert "comment" in comment


def test_class_words_are_matched_as_words() -> None:
    assert "ad" in _bits(class_bits("ad-slot top"))
    assert "ad" not in _bits(class_bits("header"))
    assert "share" in _bits(class_bits("socialShareBar"))
    assert "related" not in _bits(class_bits("thread"))
    assert {"related", "content"} <= _bits(class_bits("relatedStoryContent"))  # inside a word
    assert "comment" in _bits(class_bits("comments-area"))  # a word inside a longer one
    assert "header" in _bits(class_bits("site_head"))  # "_" reads as "-"
    assert "sidebar" in _bits(class_bits("rail")) and "sidebar" not in _bits(class_bits("trail"))


def test_undisplayed_only_for_classes_that_hide_at_every_width() -> None:
    for value in ("hidden", "promo hidden", "d-none", "box Is-Hidden", "u_hidden"):
        assert "undisplayed" in _bits(class_bits(value)), value
    for value in ("overflow-hidden", "hidden-xs", "hidden md:block", "d-none d-lg-flex", "hide"):
        assert "undisplayed" not in _bits(class_bits(value)), value
    page = html_lines(
        "<body><div class='paywall hidden'><p>Subscribe for more.</p></div>"
        "<div class='overflow-hidden'><p>The story.</p></div></body>"
    )
    assert ["undisplayed" in _bits(b) for b in page.bits] == [True, False]


def test_text_lines_keep_blank_line_gaps() -> None:
    page = text_lines("Title\n\nFirst para.\nSecond line\n\n\nThird")
    assert page.texts == ["Title", "First para.", "Second line", "Third"]
    assert page.gaps == [0, 1, 0, 2]


def test_features_mark_markers_and_prose() -> None:
    page = text_lines(
        "Recommended\n2 min read\nicon-facebook icon-twitter\n"
        "The council voted on Tuesday to expand the ferry service to three new routes.\n"
        "By Jane Doe"
    )
    X = line_features(page)
    names = feature_names(False)
    assert X.shape == (5, len(names))
    col = {n: i for i, n in enumerate(names)}
    assert X[0, col["m_more_stories"]] == 1 and X[0, col["short_marker"]] == 1
    assert X[1, col["read_time"]] == 1
    assert X[2, col["m_share"]] == 1
    assert X[3, col["prose"]] == 1 and X[3, col["terminal"]] == 1
    assert X[4, col["m_byline"]] == 1
    assert X[4, col["after_more"]] == 0  # prose came between the marker and the byline
    assert X[1, col["after_more"]] == 1
    assert np.isfinite(X).all()


def test_comment_words_inside_a_line_are_not_its_block_context() -> None:
    page = html_lines(
        "<body><pre><span class='token comment'># set up</span> git init</pre>"
        "<div class='comments'><p>Nice post</p></div></body>"
    )
    code, remark = (_bits(b) for b in page.outer_bits)
    assert "comment" in _bits(page.bits[0])  # the features still see the token's word
    assert "comment" not in code
    assert "comment" in remark


def test_features_see_a_comment_section() -> None:
    page = text_lines(
        "The council voted on Tuesday to expand the ferry service to three new routes.\n"
        "15 Comments\n"
        "by james on January 31, 2011 at 9:59 am. Reply\n"
        "Great post, I really liked this one and agree with every word of it.\n"
        "Reply"
    )
    X = line_features(page)
    col = {n: i for i, n in enumerate(feature_names(False))}
    assert X[0, col["after_comment"]] == 0
    assert list(X[1:, col["after_comment"]]) == [1, 1, 1, 1]
    assert X[2, col["m_reply"]] == 1
    assert X[3, col["comment_share_after"]] > X[0, col["comment_share_after"]]


def test_main_region_is_the_innermost_container_with_most_prose() -> None:
    prose = "A sentence of the article that is long enough to count as prose here."
    page = html_lines(
        "<body><div id='page'><div class='nav'><p>Menu</p></div>"
        f"<div id='story'><p>{prose}</p><p>{prose}</p><p>{prose}</p></div>"
        f"<div id='footer'><p>{prose}</p></div></div></body>"
    )
    X = line_features(page)
    col = {n: i for i, n in enumerate(feature_names(True))}
    assert list(X[:, col["in_main"]]) == [0, 1, 1, 1, 0]


def test_vectorised_shape_features_match_a_plain_reading_of_each_line() -> None:
    lines = [
        "Élan vital, «a phrase» of Bergson’s, returns.",
        "“Quoted and closed.”",
        "ÜBER ALLES | NEWS • SPORT · WEATHER",
        "İstanbul 12:30 – 3 min read",
        "中文的句子。",
        "ends with a colon:",
        "Three words here",
        "x",
        "Zażółć gęślą jaźń, powiedział. Potem wyszedł.",
    ]
    page = text_lines("\n".join(lines))
    X = line_features(page)
    col = {name: i for i, name in enumerate(feature_names(False))}
    for i, t in enumerate(page.texts):
        words = len(t.split())
        end = t.rstrip("'\"”’»)]")[-1:]
        assert np.isclose(X[i, col["log_words"]], np.log1p(words)), t
        assert X[i, col["terminal"]] == (end in ".!?。！？…;"), t
        assert X[i, col["ends_colon"]] == t.endswith(":"), t
        assert X[i, col["starts_upper"]] == t[:1].isupper(), t
        assert np.isclose(X[i, col["comma_rate"]], t.count(",") / (words + 1)), t
        assert X[i, col["separators"]] == t.count(" | ") + t.count(" • ") + t.count(" · "), t
        assert X[i, col["n_sentences"]] == min(t.count(". ") + (end in ".!?。！？…;"), 20), t
        digits = sum("0" <= c <= "9" for c in t)
        assert np.isclose(X[i, col["digit_frac"]], digits / len(t)), t


_TRICKY_LINES = [
    "Élan vital, «a phrase» of Bergson’s, returns.",
    "“Quoted and closed.”)]",
    "ÜBER ALLES | NEWS • SPORT · WEATHER | | x",
    " | | • · ",
    "İstanbul 12:30 – 3 min read",
    "ΟΔΟΣ ΣΟΦΟΚΛΕΟΥΣ. Σ",
    "中文的句子。",
    "ends with a colon:",
    "x",
    "\u00a0nbsp\u2003em\u3000ideographic space",
    "😀 emoji and \udc80 lone surrogate.",
    "ǅungla ǈ titled · letters",
    "Zażółć gęślą jaźń, powiedział. Potem wyszedł.",
    "Latin-1 only: ª º µ ß ÿ Þ × ÷ ¿Qué?\x85Ñ\xa0end.",
    "Ab, 1. | Xy · z " * 5000,  # 80,000 code points: counts past 16 bits
]


@pytest.mark.skipif(_compiled_shape is None, reason="compiled _shape module not built")
def test_compiled_line_stats_equal_the_numpy_path() -> None:
    compiled = line_stats(_TRICKY_LINES)
    numpy_path = _numpy_line_stats(_TRICKY_LINES, np.empty_like(compiled))
    assert compiled.shape == (len(_TRICKY_LINES), len(STATS))
    for i, line in enumerate(_TRICKY_LINES):
        assert np.array_equal(compiled[i], numpy_path[i]), (line, compiled[i], numpy_path[i])


@pytest.mark.skipif(_compiled_shape is None, reason="compiled _shape module not built")
def test_compiled_text_splitting_equals_python() -> None:
    text = "a\r\nb\rc\x0bd\x0ce\x1cf\x1dg\x1eh\x85i\u2028j\u2029k"
    text += "\n\n \t\n  spaced   out\u3000 \nend"
    texts, gaps = _compiled_shape.split_lines(text)
    normalised = [" ".join(raw.split()) for raw in text.splitlines()]
    assert texts == [line for line in normalised if line]
    assert gaps == [0] * 11 + [2, 0]
    assert _compiled_shape.split_lines("") == ([], [])
    wide = "中文  的\u3000句子\n\n😀  emoji \t line\nascii   only"
    expected = (["中文 的 句子", "😀 emoji line", "ascii only"], [0, 1, 0])
    assert _compiled_shape.split_lines(wide) == expected
    # NUL characters are dropped, as if removed before splitting (also inside "\r\n")
    nuls = ("a\x00b\n\x00\n c \x00 d\x00\n", "\x00é\x00 \x00\u3000x\n\x00", "a\r\x00\x00\nb\r\x00")
    for nul in nuls:
        clean = nul.replace("\x00", "")
        lines = [" ".join(raw.split()) for raw in clean.splitlines()]
        texts, gaps = _compiled_shape.split_lines(nul)
        assert texts == [line for line in lines if line] and texts == text_lines(clean).texts
        assert gaps == text_lines(clean).gaps
    assert _compiled_shape.split_lines("a\r\x00\nb") == (["a", "b"], [0, 0])
    assert _compiled_shape.split_lines("a\x00b\n\x00\n c \x00 d") == (["ab", "c d"], [0, 1])


@pytest.mark.skipif(_compiled_shape is None, reason="compiled _shape module not built")
def test_compiled_repeat_counts_equal_counter() -> None:
    from collections import Counter

    lines = ["a", "b", "a", "é", "e\u0301", "a", "b", "a", "a", "a", "a", "x" * 300, "x" * 300]
    out = np.full(len(lines), -9.0, dtype=np.float32)
    assert _compiled_shape.repeats(lines, 6, out) is True
    counts = Counter(lines)
    assert out.tolist() == [min(counts[t], 6) - 1 for t in lines]
    assert out[0] == 5 and out[1] == 1 and out[3] == out[4] == 0  # capped; é is not e + accent
    unique = [f"line {i}" for i in range(1000)]
    out = np.full(1000, -9.0, dtype=np.float32)
    assert _compiled_shape.repeats(unique, 6, out) is False and not out.any()
    assert _compiled_shape.repeats([], 6, np.empty(0, dtype=np.float32)) is False

    class Loud(str):  # a str subclass: its own == and hash are left to Python
        pass

    assert _compiled_shape.repeats(["a", Loud("a")], 6, np.empty(2, dtype=np.float32)) is None
    with pytest.raises(ValueError):
        _compiled_shape.repeats(["a"], 0, np.empty(1, dtype=np.float32))


@pytest.mark.skipif(_compiled_shape is None, reason="compiled _shape module not built")
def test_compiled_probe_finds_what_substring_search_finds() -> None:
    probes = ("share", "©", "icon-", "s", "wrote:")
    lines = ["", "nothing here", "hare", "©2024", "he wrote:", "x icon", "sh", "é ś"]
    expected = [i for i, line in enumerate(lines) if any(p in line for p in probes)]
    assert _compiled_shape.lines_holding(lines, probes) == expected
    with pytest.raises(ValueError):
        _compiled_shape.lines_holding(lines, ("",))
    with pytest.raises(TypeError):
        _compiled_shape.lines_holding(["ok", 3], probes)
    with pytest.raises(ValueError):
        _compiled_shape.line_stats(["a", "b"], np.empty((1, len(STATS)), dtype=np.float32))


@pytest.mark.skipif(_compiled_shape is None, reason="compiled _shape module not built")
def test_compiled_probe_handles_wide_probes_and_shared_first_characters() -> None:
    probes = ("pho", "photo:", "print", "ś", "😀x", "中文", "/ a", "/a")
    lines = ["phone", "a photo", "pri nt", "śmiech", "😀", "😀x", "中 文", "中文", "x/ ap", "/b"]
    expected = [i for i, line in enumerate(lines) if any(p in line for p in probes)]
    assert expected == [0, 1, 3, 5, 7, 8]
    assert _compiled_shape.lines_holding(lines, probes) == expected


@pytest.mark.skipif(_compiled_shape is None, reason="compiled _shape module not built")
def test_compiled_probe_at_start_finds_what_startswith_finds() -> None:
    probes = ("by", "read more", "ś", "中文", "😀x")
    lines = ["", "b", "by", "by x", "xby", "read mor", "read more!", "śmiech", "a ś", "中文x"]
    lines.append("😀x")
    expected = [i for i, line in enumerate(lines) if line.startswith(probes)]
    assert expected == [2, 3, 6, 7, 9, 10]
    assert _compiled_shape.lines_holding(lines, probes, True) == expected


@pytest.mark.skipif(_compiled_shape is None, reason="compiled _shape module not built")
def test_compiled_lowered_heads_equal_str_lower() -> None:
    from boilerx.pipeline.features import _SHORT

    lines = _TRICKY_LINES + ["İSTANBUL ÇARŞI", "X" * 150, "Mixed Case " * 30, "lower only", "ẞ"]
    lengths = np.empty(len(lines), dtype=np.float32)
    heads, short = _compiled_shape.lowered_heads(lines, 200, _SHORT, lengths)
    assert heads == [line[:200].lower() for line in lines]
    assert short == [h if len(h) <= _SHORT else "" for h in heads]
    assert lengths.tolist() == [len(h) for h in heads]
    assert heads[-5] == "i̇stanbul çarşi"  # lower-casing "İ" gives two code points
    with pytest.raises(ValueError):
        _compiled_shape.lowered_heads(lines, 200, _SHORT, np.empty(2, dtype=np.float32))


@pytest.mark.skipif(_compiled_shape is None, reason="compiled _shape module not built")
def test_compiled_arithmetic_columns_equal_the_numpy_path(monkeypatch: pytest.MonkeyPatch) -> None:
    import boilerx.pipeline.features
    from boilerx.pipeline.features import _arithmetic_columns

    lines = _TRICKY_LINES + ["Ends with a colon:", "A, b, c, d, e.", "1 2 3 4 5 6 7 8 9 10"]
    stats = line_stats(lines + ["x" * 70 + ".", "Eight words make a sentence of prose here ."])
    rng = np.random.default_rng(5)
    odd = rng.integers(0, 90, size=(40, len(STATS))).astype(np.float32)  # zeros, big ratios
    width = len(boilerx.pipeline.features.SHAPE_NAMES)
    for rows in (stats, odd, stats[:0]):
        compiled = np.full((len(rows), width), 7.0, dtype=np.float32)
        _arithmetic_columns(rows, compiled)
        monkeypatch.setattr(boilerx.pipeline.features, "_compiled_shape", None)
        expected = np.full_like(compiled, 7.0)
        _arithmetic_columns(rows, expected)
        assert np.array_equal(compiled, expected)
        monkeypatch.undo()
    assert compiled[:0].size == 0 and not (expected == 7.0).any()
    shape = np.empty((len(stats), width), dtype=np.float32)
    _arithmetic_columns(stats, shape)
    assert shape[-2:, -1].tolist() == [1.0, 1.0]  # both are prose


@pytest.mark.skipif(_compiled_shape is None, reason="compiled _shape module not built")
def test_compiled_probe_groups_equal_substring_search(monkeypatch: pytest.MonkeyPatch) -> None:
    import boilerx.pipeline.features
    from boilerx.pipeline.features import _FLOATING_GROUPS, _FLOATING_PROBES, _probe_groups

    lines = ["share on facebook", "photo: reuters © 2024", "nothing", "", "he wrote:", "a/b"]
    lines += ["reply · share", "śmiech 中文 😀", "getty images/afp"]
    compiled = _probe_groups(lines, _FLOATING_PROBES, _FLOATING_GROUPS)
    monkeypatch.setattr(boilerx.pipeline.features, "_compiled_shape", None)
    assert _probe_groups(lines, _FLOATING_PROBES, _FLOATING_GROUPS) == compiled
    # share 0, credit 1, legal 2, reply 3
    assert compiled == [(0, 1), (1, 6), (4, 8), (5, 2), (6, 9), (8, 2)]
    with pytest.raises(ValueError):
        _compiled_shape.probe_groups(lines, ("a", "b"), (0,))
    with pytest.raises(ValueError):
        _compiled_shape.probe_groups(lines, ("a",), (32,))


def test_literal_starts_cover_every_match() -> None:
    from boilerx.pipeline.features import _ANCHORED_RX, _ANCHORED_STARTS, _DIGIT, _literal_starts

    assert _literal_starts("(?:a|b)c?d") == {"acd", "ad", "bcd", "bd"}
    assert _literal_starts(r"\bfoo\b|x[ab]|e-?mail") == {"foo", "x", "e-mail", "email"}
    assert _literal_starts(r"(?:\d+\s+)?(?:new|old)s?\b") == {_DIGIT, "new", "news", "old", "olds"}
    assert _literal_starts("(?P<g>ab+c)|z{2}") == {"ab", ""}
    assert _literal_starts("(?=x)y") == {""} and _literal_starts("a*b") == {""}
    assert _ANCHORED_STARTS is not None
    probes, digit = _ANCHORED_STARTS
    assert digit and "recommended" in probes and "" not in probes
    # every line the anchored markers match begins with a probe or a decimal digit
    lines = [p + tail for p in probes for tail in ("", " x", "s", ": now", "!")]
    lines += ["12 comments", "٣ comments", "3 replies", "1 reply", "more", "the end", "ad"]
    matched = [line for line in lines if _ANCHORED_RX.match(line)]
    assert len(matched) > len(probes)
    for line in matched:
        assert line.startswith(probes) or line[:1].isdecimal(), line


@pytest.mark.skipif(_compiled_shape is None, reason="compiled _shape module not built")
def test_compiled_context_columns_equal_the_numpy_path(monkeypatch: pytest.MonkeyPatch) -> None:
    import boilerx.pipeline.features
    from boilerx.pipeline.features import _context

    rng = np.random.default_rng(7)
    for n in (0, 1, 2, 5, 23, 300):
        columns = (rng.random((n, 4)) * [1, 10, 1e4, 0.001]).astype(np.float32)
        columns[rng.random((n, 4)) < 0.3] = 0.0
        compiled = _context(columns, (0, 1, 2, 3))
        with monkeypatch.context() as patched:
            patched.setattr(boilerx.pipeline.features, "_compiled_shape", None)
            expected = _context(columns, (0, 1, 2, 3))
        assert compiled.shape == (n, 24)
        assert np.array_equal(compiled, expected)
    with pytest.raises(ValueError):  # 3 columns need 18 out columns
        _compiled_shape.context(
            np.zeros((3, 3), np.float32), (0, 1, 2), np.zeros((3, 12), np.float32)
        )


@pytest.mark.skipif(_compiled_shape is None, reason="compiled _shape module not built")
def test_compiled_position_columns_equal_the_numpy_path(monkeypatch: pytest.MonkeyPatch) -> None:
    import boilerx.pipeline.features
    from boilerx.pipeline.features import _position

    def shape(prose: np.ndarray, *markers: np.ndarray) -> np.ndarray:
        """Shape columns: prose, "more stories", comment, reply and byline flags, on short
        marker lines."""
        rows = np.zeros((len(prose), len(SHAPE_COLUMNS)), dtype=np.float32)
        rows[:, SHAPE_COLUMNS["short_marker"]] = 1.0
        rows[:, SHAPE_COLUMNS["prose"]] = prose
        for name, flags in zip(("m_more_stories", "m_comment", "m_reply", "m_byline"), markers):
            rows[:, SHAPE_COLUMNS[name]] = flags
        return rows

    rng = np.random.default_rng(5)
    cases = []
    for n in (1, 2, 9, 40, 250):
        flags = [(rng.random(n) < p).astype(np.float32) for p in (0.4, 0.05, 0.05, 0.1, 0.1)]
        chars = rng.integers(1, 300, n).astype(np.float32)
        cases.append((shape(*flags), chars))
    zeros = np.zeros(12, dtype=np.float32)
    cases.append((shape(zeros), np.full(12, 50, np.float32)))  # no prose at all
    tied = np.array([1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0], dtype=np.float32)  # two equal runs
    cases.append((shape(tied), np.full(12, 50, np.float32)))
    for case in cases:
        compiled = _position(*case)
        with monkeypatch.context() as patched:
            patched.setattr(boilerx.pipeline.features, "_compiled_shape", None)
            expected = _position(*case)
        assert np.array_equal(compiled, expected)
    assert _position(*cases[-1])[0, 3] == 1 and _position(*cases[-1])[6, 3] == 0  # first run wins


@pytest.mark.skipif(_compiled_shape is None, reason="compiled _shape module not built")
def test_compiled_word_count_equals_set_intersection() -> None:
    long = "l" * 70  # tokens of 63 code points or more share one length class
    words = ("the", "mayor", "é", "the", "x\u3000y", long)
    lines = ["", "the mayor said the", "themayor", "é\u3000the\tmayor", "x y", "Mayor"]
    lines += [f"{long} the", f"{long[:64]} {long}l {long[:63]}"]
    expected = [len(set(words).intersection(line[:200].lower().split())) for line in lines]
    assert expected == [0, 2, 0, 3, 0, 1, 2, 0]  # "Mayor" is lowered
    counts = np.array([len(line.split()) for line in lines], dtype=np.float32)
    out = np.full(len(lines), -1.0)
    _compiled_shape.words_found(lines, words, 200, counts, 100.0, out)
    assert out.tolist() == expected
    # 0 for the lines with more than at_most words
    _compiled_shape.words_found(lines, words, 200, counts, 3.0, out)
    assert out.tolist() == [e if c <= 3 else 0 for e, c in zip(expected, counts)]
    assert out[1] == 0 and out[3] == 3  # four words: over the limit; three: counted
    with pytest.raises(ValueError):
        _compiled_shape.words_found(lines, words, 200, counts[:2], 3.0, out)
    with pytest.raises(ValueError):
        _compiled_shape.words_found(lines, tuple(str(i) for i in range(65)), 200, counts, 3.0, out)


@pytest.mark.skipif(_compiled_shape is None, reason="compiled _shape module not built")
def test_features_are_the_same_without_the_compiled_module(monkeypatch: pytest.MonkeyPatch) -> None:
    import boilerx.pipeline.features
    import boilerx.pipeline.lines

    text = "\n".join(
        [*_TRICKY_LINES, "", "Share this: icon-facebook", "5 min read", "Photo: Reuters", "Explore"]
    )
    compiled = line_features(text_lines(text))
    monkeypatch.setattr(boilerx.pipeline.features, "_compiled_shape", None)
    monkeypatch.setattr(boilerx.pipeline.lines, "_compiled_shape", None)
    assert np.array_equal(line_features(text_lines(text)), compiled)


def test_cut_hands_the_parser_the_utf8_it_made_of_the_same_markup() -> None:
    """A page with many tags for its length is measured in UTF-8 (made, or given with it):
    those bytes are parsed (cut, flattened or not), unless the str has lone surrogates (which
    the parser drops)."""
    html = "<p>é</p>" + "<i></i>" * 99_990 + "<p>ü</p>"
    markup, cut = lines._cut(html)
    assert markup == html.encode() and not cut
    assert lines._cut(html, html.encode()) == (html.encode(), False)  # given, not made
    assert lines._cut("<p>short</p>", b"<p>short</p>") == (b"<p>short</p>", False)
    assert lines.html_lines(html).texts == ["é", "ü"]
    with_surrogate = html.replace("é", "é\ud800")
    assert lines._cut(with_surrogate) == (with_surrogate, False)
    assert lines.html_lines(with_surrogate).texts == ["é", "ü"]
    deep = "<span>" * 150_000 + "<p>x</p>"
    assert lines._cut(deep) == (b"<span>" * lines._MAX_DEPTH + b"x", False)  # flattened
    piled = "<b>" * 150_000 + "<p>x</p>"  # formatting elements piled up: their tags dropped
    assert lines._cut(piled) == (b"<p>x</p>", False)
    longer = html + "<i></i>" * 10 + "é" * 3
    markup, cut = lines._cut(longer)  # cut: its last tags left out
    assert cut and isinstance(markup, bytes) and longer.encode().startswith(markup)
    assert markup.count(b"<") == lines._MAX_TAGS
    assert lines._cut(with_surrogate + "<i></i>" * 10)[1]  # cut: surrogates replaced
