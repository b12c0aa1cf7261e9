"""The compiled DOM walk (_walk.pyx) against the Python walk it mirrors (lines._walk): the same
lines, column for column, on generated pages and on the dataset pages; and a walk that reads
the tree wrong is caught before it is used."""

from __future__ import annotations

import gzip
import json
import os
import re
import time
from array import array
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from boilerx.pipeline import features, lines, structured
from boilerx.pipeline.features import (
    _N_MARKUP,
    _markup_columns,
    _numpy_markup_columns,
    _signature_columns,
    line_groups,
    signature_labels,
)
from boilerx.pipeline.lines import (
    _MAX_LINES,
    _SKIP,
    _SKIP_IN_APP_SHELL,
    LexborHTMLParser,
    Page,
    _columns,
    _compiled_walk,
    _Skipped,
    _walk,
)
from tests.conftest import SHARED

if _compiled_walk is None and os.environ.get("BOILERX_NATIVE") == "required":
    pytest.fail("BOILERX_NATIVE=required but boilerx.pipeline._walk is not built")
pytestmark = pytest.mark.skipif(
    _compiled_walk is None, reason="the compiled walk (boilerx.pipeline._walk) is not built"
)


def _both(html: str, skip: frozenset[str] = _SKIP, max_lines: int = _MAX_LINES):
    """(Python walk, its found; compiled walk, its Walk) over ``html``'s body."""
    assert lines._native_walk_ready()
    tree = LexborHTMLParser(html)
    root = tree.body or tree.root
    found = _Skipped()
    expected = _walk(root, skip, found=found)
    page = Page()
    walk = _compiled_walk.Walk(page, "noscript" in skip, True, max_lines)
    walk.run(root.mem_id)
    return tree, expected, found, page, walk


def _assert_same(html: str, skip: frozenset[str] = _SKIP, name: str = "") -> None:
    tree, expected, found, page, walk = _both(html, skip)
    assert _columns(page) == _columns(expected), name or html
    assert list(page.signature_labels) == signature_labels(expected).tolist(), name or html
    if expected.texts:
        assert list(page.parent_blocks) == line_groups(expected)[1].tolist(), name or html
    assert walk.streaming == found.streaming
    assert sorted(walk.noscripts) == sorted(node.mem_id for node in found.noscripts)
    # the <noscript> nodes, reached along their paths, are the query's, in its order
    root = tree.body or tree.root
    wanted = set(walk.noscripts)
    queried = [node.mem_id for node in root.css("noscript") if node.mem_id in wanted]
    assert [node.mem_id for node in lines._nodes_at(root, walk.noscripts)] == queried
    assert [node.mem_id for node in found.noscripts] == queried


# ---------------------------------------------------------------- generated pages
_TAGS = [
    "div", "p", "span", "a", "b", "em", "li", "ul", "ol", "h2", "h3", "table", "tr", "td",
    "th", "thead", "pre", "blockquote", "figure", "figcaption", "section", "article", "nav",
    "footer", "aside", "main", "header", "time", "font", "my-card", "noscript", "script",
    "template", "button", "dl", "dt", "dd", "code", "label",
]  # fmt: skip
_ATTRS = st.one_of(
    st.tuples(
        st.sampled_from(["class", "id"]),
        st.lists(
            st.sampled_from(
                [
                    "related",
                    "share-bar",
                    "relatedPosts",
                    "ad",
                    "header",
                    "article_body",
                    "NavMenu",
                    "promo",
                    "caption",
                    "x1",
                    "Crédit",
                    "  ",
                    "byline",
                    "comments",
                    "x>y",  # a ">" inside a signature
                    "é>" * 3,
                    "long" * 80,  # a signature longer than the walk's buffer on the stack
                ]
            ),
            max_size=3,
        ).map(" ".join),
    ),  # fmt: skip
    st.tuples(st.just("role"), st.sampled_from(["navigation", "main", "dialog", "x", ""])),
    st.tuples(st.just("style"), st.sampled_from(["display:none", "color: red", "DISPLAY : None"])),
    st.tuples(st.just("aria-hidden"), st.sampled_from(["true", "false", "TRUE"])),
    st.tuples(st.just("itemprop"), st.sampled_from(["articleBody", "headline"])),
    st.tuples(st.just("hidden"), st.just("")),
    st.tuples(st.just("data-x"), st.just("1")),
)
_TEXT = st.lists(
    st.sampled_from(list("ab Z.,é\u00a0\u2003\n\t&<>") + ["ünï", "日本", "\u200b", "  "]),
    max_size=8,
).map("".join)


@st.composite
def _markup(draw: st.DrawFn, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 4 if depth < 4 else 0))):
        if draw(st.booleans()):
            text = draw(_TEXT)
            parts.append(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
            continue
        tag = draw(st.sampled_from(_TAGS + ["br", "hr"]))
        attrs = draw(st.lists(_ATTRS, max_size=2, unique_by=lambda a: a[0]))
        if tag == "template" and draw(st.booleans()):
            attrs.append(("id", draw(st.sampled_from(["B:1", "P:2", "x"]))))
        attr_text = "".join(f' {k}="{v}"' for k, v in attrs)
        if tag in ("br", "hr"):
            parts.append(f"<{tag}{attr_text}>")
        else:
            parts.append(f"<{tag}{attr_text}>{draw(_markup(depth + 1))}</{tag}>")
    return "".join(parts)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=_markup(), app_shell=st.booleans())
def test_compiled_walk_equals_python_walk_on_generated_pages(body: str, app_shell: bool) -> None:
    _assert_same(f"<html><body>{body}</body></html>", _SKIP_IN_APP_SHELL if app_shell else _SKIP)


def test_compiled_walk_reads_every_kind_of_markup_the_python_walk_does() -> None:
    html = (
        '<body><nav class="menu"><a href="/">Home</a></nav><article itemprop="articleBody">'
        "<h1>Head\u00a0line</h1><p>One <b>bold</b> <a href='#'>link</a> text<br>next</p>"
        "<pre>  code\n    kept</pre><table><thead><tr><th>H</th></tr></thead>"
        "<tr><td>C</td></tr></table><div hidden>gone</div><p style='display:none'>gone</p>"
        "<my-widget class='share'>custom</my-widget><noscript>JS</noscript></article></body>"
    )
    _, expected, _, page, _ = _both(html)
    assert "Head line" in page.texts and "gone" not in " ".join(page.texts)
    assert page.pre_texts and list(page.pre_texts.values()) == ["  code\n    kept"]
    assert _columns(page) == _columns(expected)


def test_compiled_walk_keeps_the_line_budget() -> None:
    html = "<body>" + "".join(f"<p>line {i}</p>" for i in range(40)) + "<pre>x\ny</pre></body>"
    for budget in (1, 5, 39, 41):
        tree = LexborHTMLParser(html)
        page = Page()
        _compiled_walk.Walk(page, True, False, budget).run(tree.body.mem_id)
        assert page.texts == [f"line {i}" for i in range(min(budget, 40))] + (
            ["x y"] if budget > 40 else []
        )


def test_html_lines_uses_the_compiled_walk_and_notes_noscript_and_streaming() -> None:
    html = (
        "<body><p>Shown text that is short.</p><noscript><p>"
        + "The whole app is here for readers without scripts. " * 20
        + '</p></noscript><template id="B:0"></template><div hidden id="S:0"><p>Streamed part'
        "</p></div></body>"
    )
    page = lines.html_lines(html)
    assert any("The whole app is here" in text for text in page.texts)  # app shell read
    assert "Streamed part" in page.texts  # the streamed part, in the template's place


# Pieces of React's streamed pages: Suspense boundaries (their templates, fallbacks and end
# marks), hidden parts (each holding text, blocks, links, other templates, even its own), and
# the markup around them
_STREAM_TOKENS = st.sampled_from(
    ["<!--$?-->", "<!--/$-->", "<!--$-->", "<!--$!-->", '<template id="B:0"></template>',
     '<template id="B:1"></template>', '<template id="P:2"></template>', "<template></template>",
     "<p>Loading...</p>", "<p>text</p>", "words ", "<div>", "</div>", "<a href=x>", "</a>",
     "<li>item</li>", "<span>in</span>", '<div hidden id="S:0">', '<div hidden id="S:1">',
     '<div hidden id="S:2">', '<div hidden id="S:9">', "<br>", "<h2>Head</h2>", "<section>",
     "</section>", "<noscript><p>no</p></noscript>"]
)  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_STREAM_TOKENS, max_size=40), st.sampled_from([_SKIP, _SKIP_IN_APP_SHELL]))
@example(  # a part holding the next boundary's template, and a part holding its own
    [
        "<p>text</p>",
        "<!--$?-->",
        '<template id="B:0"></template>',
        "<p>Loading...</p>",
        "<!--/$-->",
        "words ",
        '<div hidden id="S:0">',
        "<h2>Head</h2>",
        "<!--$?-->",
        '<template id="B:1"></template>',
        "<!--/$-->",
        "<a href=x>",
        "<li>item</li>",
        "</a>",
        "</div>",
        '<div hidden id="S:1">',
        "<p>text</p>",
        '<template id="B:1"></template>',
        "</div>",
        "<br>",
        "words ",
    ],
    _SKIP,
)
def test_compiled_walk_places_streamed_parts_as_the_python_walk_does(
    tokens: list[str], skip: frozenset[str]
) -> None:
    """Each streamed part walked in its template's place (once, however parts nest or hold
    their own templates), and the fallbacks passed over, column for column as ``_walk``."""
    tree = LexborHTMLParser("<body>" + "".join(tokens) + "</body>")
    root = tree.body
    assert root is not None and lines._native_walk_ready()
    streamed, fallback = lines._streamed_parts(tree)
    expected = _walk(root, skip, streamed, fallback)
    page = lines._read(root, skip, None, streamed, fallback)
    assert _columns(page) == _columns(expected)
    assert list(page.signature_labels) == signature_labels(expected).tolist()


def test_a_walk_that_reads_the_tree_wrong_is_caught() -> None:
    """A compiled walk whose reading of Lexbor's tree is off (here: every tag id shifted by
    one, as a moved struct field would give) disagrees on the probe page, so it is not used."""
    assert lines._agrees_on(lines._PROBE_PAGE)
    probe = LexborHTMLParser("")
    names = sorted(_SKIP | lines._BLOCK | set(lines._TAG_BITS) | {"a", "template"})
    shifted = [
        (probe.create_node(name).tag_id + 1, name, name in _SKIP, name in lines._BLOCK,
         name in ("br", "hr"), name == "a", name == "template", name == "noscript",
         lines._TAG_BITS.get(name, 0), lines._KIND_OF_TAG.get(name, -1))
        for name in names
    ]  # fmt: skip
    vocabulary = lines._walk_vocabulary()
    try:
        _compiled_walk.configure(shifted, **vocabulary)
        assert not lines._agrees_on(lines._PROBE_PAGE)
    finally:
        lines._native_state.clear()
        assert lines._native_walk_ready()  # set up again, as it was
    assert lines._agrees_on(lines._PROBE_PAGE)


def test_a_disagreeing_compiled_walk_falls_back_to_python(monkeypatch) -> None:
    monkeypatch.setattr(lines, "_native_state", [])
    monkeypatch.setattr(lines, "_agrees_on", lambda html: False)
    with pytest.warns(UserWarning, match="Python walk is used"):
        assert not lines._native_walk_ready()
    page = lines.html_lines("<body><p>Still read, by Python.</p></body>")
    assert page.texts == ["Still read, by Python."]
    monkeypatch.undo()
    lines._native_state.clear()
    assert lines._native_walk_ready()


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["related", "Related", "relatedPosts", "ad", "AD", "ad_slot", "header", "x",
             "-", "_", "3", " ", "\t", "NAVBar", "more", "morelink", "é", "İ", "\u212a", "bodyText",
             "hidden", "Hidden", "d", "none", "md:block", "lg:", "flex", "invisible", "is"]
        ),
        max_size=6,
    ).map("".join)
)  # fmt: skip
def test_compiled_class_words_equal_class_bits(value: str) -> None:
    assert lines._native_walk_ready()
    assert _compiled_walk.class_bits_of(value.encode()) == lines.class_bits(value), value


@settings(max_examples=500, deadline=None)
@given(st.data())
def test_compiled_whole_words_equal_class_bits(data: st.DataObject) -> None:
    assert lines._native_walk_ready()
    words = sorted(lines._WHOLE_WORDS)
    piece = st.one_of(
        st.sampled_from(words),
        st.sampled_from(words).map(str.upper),
        st.sampled_from(words).map(str.title),
        st.sampled_from(words).map(lambda w: w + w[:4]),  # 8 bytes and more
        st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=127), max_size=10),
    )
    value = "".join(data.draw(st.lists(piece, max_size=6)))
    assert _compiled_walk.class_bits_of(value.encode()) == lines.class_bits(value), value


@settings(max_examples=500, deadline=None)
@given(st.data())
def test_compiled_inner_words_equal_class_bits(data: st.DataObject) -> None:
    """Words found inside others ("relatedPosts"), next to words sharing their first letters,
    cut short, and in values too long for the walk's buffer on the stack."""
    assert lines._native_walk_ready()
    words = sorted(lines._INNER_WORDS)
    piece = st.one_of(
        st.sampled_from(words),
        st.sampled_from(words).map(str.title),
        st.sampled_from(words).map(lambda w: w[:-1]),
        st.sampled_from(words).map(lambda w: w[:2] + "_" + w[2:]),
        st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=127), max_size=6),
    )
    value = "".join(data.draw(st.lists(piece, max_size=8)))
    value *= data.draw(st.sampled_from([1, 1, 40]))
    assert _compiled_walk.class_bits_of(value.encode()) == lines.class_bits(value), value


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["display", "DISPLAY", "visibility", ":", " ", "\t", "none", "NoNe", "hidden",
             "HIDDEN", "hid", "non", "block", ";", "x", "\u0130", "\u212a", "\u017f", "é"]
        ),
        max_size=8,
    ).map("".join),
    st.booleans(),
)  # fmt: skip
def test_compiled_walk_hides_by_style_as_the_python_walk(style: str, in_link: bool) -> None:
    """Style values are asked about only when they may hide (``lines._HIDING_WORDS``); and
    the link text of ASCII lines is counted in the bytes."""
    inner = f'<span style="{style}"> gone? </span> kept '
    if in_link:
        inner = f'<a href="/"> \t{inner}</a> after'
    _assert_same(f"<body><p>{inner}</p><div style='{style}'>block</div></body>")
    assert (
        bool(lines._HIDDEN_STYLE.search(style))
        <= any(word in style.lower() for word in lines._HIDING_WORDS)
        or not style.isascii()
    )


_META = st.builds(
    lambda prop, name, content: (
        "<meta"
        + (f' property="{prop}"' if prop else "")
        + (f' name="{name}"' if name else "")
        + ("" if content is None else f' content="{content}"')
        + ">"
    ),
    st.sampled_from([None, "og:title", "OG:TITLE", "og:title ", "og:type"]),
    st.sampled_from([None, "twitter:title", "Twitter:title", "description"]),
    st.sampled_from([None, "", " ", "\u00a0", "Title é", "  spaced  title "]),
)
_HEADINGS = st.sampled_from(
    ["<h1>Head <b>line</b></h1>", "<h1> </h1>", "<h1><!--c-->é</h1>", "<title>T | Site</title>",
     "<title></title>", "<h2>Not it</h2>"]
)  # fmt: skip
_AROUND = st.sampled_from(
    ["{}", "<div>{}</div>", "<svg>{}</svg>", "<template>{}</template>", "<noscript>{}</noscript>",
     "<h1>{}</h1>", "<math><mi>{}</mi></math>", "<p>text {} more</p>"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_AROUND, st.one_of(_META, _HEADINGS)), max_size=6), st.integers(0, 6))
def test_compiled_title_texts_find_what_the_queries_find(parts: list, in_head: int) -> None:
    assert lines._native_walk_ready()
    markup = [around.format(part) for around, part in parts]
    html = f"<head>{''.join(markup[:in_head])}</head><body>{''.join(markup[in_head:])}</body>"
    tree = LexborHTMLParser(html)
    found = _compiled_walk.title_texts(tree.root.mem_id)
    metas = [tree.css_first(selector) for selector in lines._TITLE_METAS]
    h1, title = tree.css_first("h1"), tree.css_first("title")
    expected = (
        *(None if node is None else node.attributes.get("content") or "" for node in metas),
        None if h1 is None else h1.text(deep=True),
        None if title is None else title.text(),
    )
    if found[0] is not None and found[0].strip():  # the rest is not read
        assert found == (expected[0], None, None, None)
    else:
        assert found == expected


_STRUCTURED_EXACT = [
    '<meta property="og:description" content="og">',
    '<meta name="description" content="plain é">',
    '<meta name="twitter:description" content="tw">',
    '<meta property="og:description" name="description" content="both">',
    '<meta name="twitter:description" property="og:description" name="x" content="two">',
    '<meta name="description" name="twitter:description" content="first wins">',
    '<meta name=" description" property="og:description " content="spaced">',
    '<meta name="descriptions" property="og:descriptio" content="near">',
    '<meta name="description" content>',
    "<meta name>",
    "<meta name=description>",
    '<meta property="og:title" content="title">',
    '<script type="application/ld+json">{"description": "ld"}</script>',
    '<SCRIPT TYPE="application/ld+json">{"articleBody": "a <b> c"}</SCRIPT>',
    '<script type="application/json">{"description": "not ld"}</script>',
    '<script type="application/ld+json"></script>',
    "<script>var description;</script>",
    '<svg><script type="application/ld+json">{"x": "svg"}<g>in</g>!</script></svg>',
    '<math><meta name="description" content="math"></math>',
    "<p>text</p>",
    "<div>",
    "</div>",
    '<template><meta name="description" content="t"></template>',
    '<noscript><meta name="description" content="n"></noscript>',
]  # fmt: skip
_STRUCTURED_CASE = [  # values a selector may match in another case: the queries decide
    '<meta NAME="Description" content="case">',
    '<meta name="DESCRIPTION" property="OG:Description" content="upper">',
    '<meta property="og:description" name="Twitter:description" content="mixed">',
    '<script type="Application/LD+JSON">{"articleBody": "a b c"}</script>',
    '<meta name="descriptİon" content="not ascii">',
]


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from(_STRUCTURED_EXACT), max_size=10),
    st.lists(st.sampled_from(_STRUCTURED_EXACT), max_size=10),
    st.lists(st.tuples(st.integers(0, 20), st.sampled_from(_STRUCTURED_CASE)), max_size=1),
)
def test_compiled_structured_sources_read_what_the_queries_find(
    head: list[str], body: list[str], case: list[tuple[int, str]]
) -> None:
    """The compiled pass reads the JSON-LD scripts and description metas the selectors find,
    in their order; where a value differs from the wanted one in case only, it leaves them to
    the selectors (None), and ``lines._structured_sources`` reads theirs."""
    assert lines._native_walk_ready()
    for at, part in case:
        body.insert(min(at, len(body)), part)
    html = f"<html><head>{''.join(head)}</head><body>{''.join(body)}</body></html>"
    tree = LexborHTMLParser(html)
    found = _compiled_walk.structured_sources(tree.root.mem_id)
    expected = structured.sources(tree)
    if case:
        assert found is None
    else:
        assert found == expected
    assert lines._structured_sources(tree) == expected


_SPACES = [chr(c) for c in range(0x110000) if chr(c).isspace()]


@settings(max_examples=1000, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(_SPACES),
            st.sampled_from(_SPACES).map(lambda c: c.encode()[:-1].decode("latin-1")),
            st.text(max_size=8),
            st.binary(max_size=6).map(lambda b: b.decode("latin-1")),
            st.sampled_from(["\u2013", "\u201c", "\u2019", "\u3001", "\u00e9", "\u1690"]),
        ),
        max_size=20,
    )
)
def test_compiled_line_text_equals_split_and_join(pieces: list[str]) -> None:
    # pieces mapped to bytes one to one (latin-1 pieces: raw bytes, cut UTF-8 sequences
    # included), the others as UTF-8
    data = b"".join(
        p.encode("latin-1") if all(ord(c) < 256 for c in p) else p.encode("utf-8", "surrogatepass")
        for p in pieces
    )
    assert _compiled_walk.line_text(data) == " ".join(data.decode("utf-8", "replace").split())
    for space in _SPACES:
        padded = space.encode() + data + space.encode()
        assert _compiled_walk.line_text(padded) == " ".join(
            padded.decode("utf-8", "replace").split()
        )


# ---------------------------------------------------------------- dataset pages
def _dataset_pages(every: int = 7):
    root = SHARED / "datasets"
    if not root.is_dir():
        pytest.skip(f"the datasets are not here ({root} missing: a clone without ../shared)")
    for folder in sorted(root.iterdir()):
        index = folder / "pages.jsonl"
        if not index.is_file():
            continue
        with index.open(encoding="utf-8") as handle:
            for i, line in enumerate(handle):
                if i % every == 0:
                    record = json.loads(line)
                    with gzip.open(folder / record["html"]) as raw:
                        yield record["id"], raw.read().decode("utf-8", "replace")


def test_compiled_walk_equals_python_walk_on_dataset_pages() -> None:
    n = 0
    for page_id, html in _dataset_pages():
        html, _ = lines._cut(html)
        _assert_same(html, name=page_id)
        n += 1
    assert n > 100, n


# ---------------------------------------------------------------- depth of the markup
_MARKUP_TOKENS = st.sampled_from(
    ["<div>", "</div>", "<p>", "</p>", "<br>", "<img src=x>", "<svg>", "</svg>", "<g/>",
     "<path/>", "<math>", "</math>", "<b>", "</b>", "<section>", "</section>",
     "<verylongtagname>", "</verylongtagname>", "<DIV class='a'>", "</Div>", "< div>", "<>",
     "text", "<!-- c -->", "<a href='/x/'>", "</a>", "<span/>", "</br>", "<", ">", "/",
     "<option>", "<OPTION value='1'>", "</option>", "<optionally>", "<option"]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(_MARKUP_TOKENS, max_size=60), st.integers(1, 30))
def test_compiled_depth_bound_equals_the_vectorised_one(tokens: list[str], repeat: int) -> None:
    data = "".join(tokens * repeat).encode()
    # the vectorised bound returns the count of "<" for short markup: compare past that
    # the "<" counted by the caller give the same bound as those it counts itself
    assert _compiled_walk.depth_bound(data, data.count(b"<")) == _compiled_walk.depth_bound(data)
    (deep, options), (vectorised_deep, vectorised_options) = (
        _compiled_walk.depth_bound(data),
        lines._depth_bound(data),
    )
    # every <option> start tag is counted (and "<option<div>" too, as the depth bound reads it)
    assert options == vectorised_options >= len(re.findall(rb"<option[\s/>]", data, re.I))
    if data.count(b"<") > lines._MAX_DEPTH:
        assert deep == vectorised_deep
    else:
        assert deep <= vectorised_deep


# Pieces of markup where the tokenizer's states matter: quoted and unquoted values that hold
# ">" or "<", names that hold quotes or "<", raw text, comments and their odd ends, foreign
# content, NUL bytes, and tags cut off at the end
_TAG_TOKENS = st.sampled_from(
    ["<div a=1 b='>' c=\">\">", "<p x y z>", "</p a b>", "<b id=1>", "</b>", "<i>", "</I>",
     "<svg>", "</svg>", "<svg/>", "<math>", "</math>", "<g a b/>", "<style>", "</style>",
     "<script>", "</script>", "</script x>", "</scriptx>", "<TEXTAREA>", "</textarea>",
     "<title>", "</title >", "<noframes>", "</noframes>", "<!-- c -->", "<!-->", "<!--->",
     "--!>", "-->", "<!doctype html>", "<?php x ?>", "<a b=c\"d>", "<a b\"c=d>", "<a =b>",
     "<a b = 'c' d= e>", "<a b='c'd='e'>", "<a/b/c>", "<a\x00b c\x00=d\x00>", "\x00", "<", ">",
     "'", '"', "=", "/", " ", "text", "</", "</ >", "<1>", "<div", "<div a='", "<div a=",
     "<font color=red>", "<strong>", "</strong>", "<verylongname a b c>", "<blockquo>",
     "<foreignObject>", "</foreignobject>", "<desc>", "</desc>", "<mi>", "</mi>", "<mtext>",
     "<![CDATA[", "]]>", "</<style>", "</>", "<p>", "</br>", "<table>", "<font>",
     "<font Face=x>", "<font sizes=1>", "<script type=application/ld+json>",
     "<script src='a&amp;b'>", "<script type=module>", "var text = 'thirty-two bytes or more';",
     "<plaintext>", "<div data-a=1 title='t' class=c>", "<img srcset=a sizes=b data-src=c>",
     "<p aria-label=x aria-hidden=true DATA-Q>", "<a\ttarget = _blank\nhref=x>", " data-x=1",
     " title", "<a/data-x=1>", "<g data-x=1>", "<i data- aria->", "\n ", "<pre>", "</pre>",
     "<li>", "</li>", "<A href=x>", "</a>", "<listing>", "<p\x00>",
     "<path d='M0 0h9v9 M1 1 M2 2 M3 3'/>"]
)  # fmt: skip


def _pairs(flat: array) -> list[tuple[int, int]]:
    """The spans of ``tag_floods``' unread markup: its starts and ends in turn."""
    return list(zip(flat[::2], flat[1::2]))


@settings(max_examples=600, deadline=None)
@given(
    st.lists(_TAG_TOKENS, max_size=50),
    st.integers(1, 5),
    st.integers(0, 4),
    st.integers(0, 3),
    st.integers(-1, 6),
)
def test_compiled_tag_floods_equal_the_reference(
    tokens: list[str], repeat: int, max_attributes: int, max_piled: int, max_names: int
) -> None:
    data = "".join(tokens * repeat).encode()
    compiled = _compiled_walk.tag_floods(data, max_attributes, max_piled, max_names)
    assert compiled == lines._tag_floods(data, max_attributes, max_piled, max_names)
    if max_names < 0:  # the names are not counted: the same tags, attributes and piles
        assert compiled == _compiled_walk.tag_floods(data, max_attributes, max_piled)
    tags, spans, _, attributes, dropped, unread, unread_markup = compiled
    markup = _pairs(unread_markup)
    assert not set(spans) & set(dropped)
    # an unread attribute starts with a name after whitespace; whitespace between blocks lies
    # between a tag's ">" and a "<"; no span overlaps another
    for start, end in markup:
        if data[start - 1] == 62 and data[end : end + 1] == b"<":
            assert not data[start:end].strip(b"\t\n\f\r ")
        else:
            assert data[start - 1 : start] in b"\t\n\f\r "
    cuts = sorted(spans + dropped + unread + markup)
    assert all(a[1] <= b[0] for a, b in zip(cuts, cuts[1:]))
    # the compiled splice writes what the Python one does
    assert _compiled_walk.without_spans(data, spans, dropped, unread, unread_markup) == (
        lines._without_attributes(data, spans, dropped, unread, unread_markup)
    )
    # the unread texts lie between a tag's ">" and the "</" of an end tag, in order, apart
    assert all(data[start - 1] == 62 and data[end : end + 2] == b"</" for start, end in unread)
    assert all(end - start >= lines._MIN_UNREAD_TEXT for start, end in unread)
    assert all(a[1] < b[0] for a, b in zip(unread, unread[1:]))
    assert all(data[start] == 60 and start < end <= len(data) for start, end in dropped)
    assert attributes <= data.count(b" ") + data.count(b"/") + data.count(b"\x00") + len(data)
    assert tags <= data.count(b"<")
    assert all(data[start] == 60 and start < end <= len(data) for start, end in spans)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))  # in order, apart


@pytest.mark.parametrize(
    ("markup", "spans"),
    [
        (b'<div a=">" b>x', [(0, 13)]),  # a quoted ">" does not end the tag
        (b"</p a b c>", [(0, 10)]),  # end tags are read alike
        (b"<script><div a b c></script><p>", []),  # raw text
        (b"<svg><style><g a b c></g></style></svg>", [(12, 21)]),  # not in SVG
        (b"<!-- <div a b c> --><p a>", []),
        (b"<!--> <div a b c>", [(6, 17)]),  # an abrupt comment ends at once
        (b"<!-- x --!><div a b c>", [(11, 22)]),
        (b"<script></scriptx><div a b c></script>", []),  # no end tag of the script's name
        (b"<div a/b/c>", [(0, 11)]),
        (b"<div a='b'c='d'e>", [(0, 17)]),
        (b"<div a b c", [(0, 10)]),  # cut off: to the end
        (b"</<style><g a b c>", "<g"),  # "</" and no letter: a comment, to ">"
        (b"<svg><![CDATA[><x a=']]><g a b c>", "<g"),  # CDATA, in SVG only
        (b"<![CDATA[><x a=']]><g a b c>", []),  # elsewhere a comment, to ">"
        (b"<svg></p><style><g a b c>", []),  # </p> ends SVG: raw text again
        (b"<svg><desc><style><g a b c>", []),  # HTML again in an integration point
        (b"<svg><desc></desc><style><g a b c>", "<g"),
        (b"<math><mi><style><g a b c>", []),
        (b"<math><desc><style><g a b c>", "<g"),  # <desc> is SVG's
        (b"<svg><font color=red><style><g a b c>", []),  # ends SVG
        (b"<svg><font SIZE=2/><style><g a b c>", []),
        (b"<svg><font class=x><style><g a b c>", "<g"),  # a font in SVG
    ],
)
@pytest.mark.parametrize("compiled", [True, False])
def test_tag_floods_read_tags_as_the_tokenizer_does(
    markup: bytes, spans: list[tuple[int, int]] | str, compiled: bool
) -> None:
    read = _compiled_walk.tag_floods if compiled else lines._tag_floods
    if isinstance(spans, str):  # the span of the one tag at that text, "<g a b c>"
        start = markup.index(spans.encode())
        spans = [(start, markup.index(b">", start) + 1)]
    assert read(markup, 1, 10)[1] == spans


_LONG = b"x = 1; /* a script's text, longer than the cut's minimum */"


@pytest.mark.parametrize(
    ("markup", "unread"),
    [
        (b"<script>" + _LONG + b"</script>", _LONG),
        (b"<STYLE media=print>" + _LONG + b"</style >", _LONG),
        (b"<script type=module>" + _LONG + b"</SCRIPT>", _LONG),
        (b'<script type="application/ld+json">' + _LONG + b"</script>", None),  # read
        (b'<script type="application/LD+JSON">' + _LONG + b"</script>", None),
        (b'<script type="application/ld&#x2B;json">' + _LONG + b"</script>", None),
        (b'<script type="application/json" id="__NEXT_DATA__">' + _LONG + b"</script>", _LONG),
        (b"<script type=text/json>" + _LONG + b"</script>", _LONG),  # JSON, not JSON-LD
        (b"<script type=Application/Ld+Json>" + _LONG + b"</script>", None),
        (b"<script type=application/ld+jso>" + _LONG + b"</script>", _LONG),
        (b"<script><!--" + _LONG + b"</script>", None),  # the escaped states
        (b"<script>" + _LONG, None),  # no end tag
        (b"<script>x = 1;</script>", None),  # too short to be worth a cut
        (b"<svg><desc><style>" + _LONG + b"</style>", _LONG),  # HTML again
        (b"<textarea>" + _LONG + b"</textarea>", None),  # shown
        # the text of an <svg> whose tags are all SVG, each end tag closing the last opened
        (b"<svg><script>" + _LONG + b"</script></svg>", b"<script>" + _LONG + b"</script>"),
        (
            b"<SVG viewBox='0 0 9 9'><g><path d='M0 0h9v9'/><Use href=#a></use></g></svg><p>",
            b"<g><path d='M0 0h9v9'/><Use href=#a></use></g>",
        ),
        (
            b"<svg><svg><path d='M0 0h9v9z'/></svg><circle r='3'/></svg>",
            b"<svg><path d='M0 0h9v9z'/></svg><circle r='3'/>",
        ),
        (b"<svg><g><path d='M0 0h9v9'/><p>Text</p></g></svg>", None),  # <p> breaks out
        (b"<svg><title>Icon</title><path d='M0 0h9v9 M1 1'/></svg>", None),  # HTML inside
        (b"<div><svg><g><path d='M0 0h9v9 M1 1'/></div><a>x</a></svg>", None),  # </div>
        (b"<svg><g><path d='M0 0h9v9 M1 1 M2 2 M3 3 M4 4'/></g>", None),  # no end tag
        (b"<math><svg><path d='M0 0h9v9 M1 1 M2 2 M3 3'/></svg></math>", None),  # not outermost
        (b"<PlainText><script>" + _LONG + b"</script>", None),  # the rest is text
        (b"<style>" + _LONG + b"</style><plaintext><style>" + _LONG + b"</style>", _LONG),
    ],
)
@pytest.mark.parametrize("compiled", [True, False])
def test_tag_floods_find_the_text_nothing_reads(
    markup: bytes, unread: bytes | None, compiled: bool
) -> None:
    read = _compiled_walk.tag_floods if compiled else lines._tag_floods
    spans = read(markup, 10, 3)[5]
    assert [markup[start:end] for start, end in spans] == ([] if unread is None else [unread])


def test_unread_text_spans_are_bounded() -> None:
    """A page of thousands of scripts gives the first spans only (a bounded list), the same
    from both scans, and the parse reads the rest of the scripts whole."""
    markup = b"<p>Text.</p>" + (b"<script>" + _LONG + b"</script>") * (lines._MAX_UNREAD + 10)
    compiled = _compiled_walk.tag_floods(markup, 10, 3)[5]
    assert compiled == lines._tag_floods(markup, 10, 3)[5]
    assert len(compiled) == lines._MAX_UNREAD
    assert lines.html_lines(None, markup).texts == ["Text."]


def test_unread_text_is_left_out_of_the_parse_and_nothing_else() -> None:
    """The parsed tree holds no text of scripts and styles but JSON-LD's, and the page's
    lines, headline and structured data are those of the whole markup."""
    script = b"<script>var a = '<p>not the article, but thirty-two bytes</p>';</script>"
    ld = b'<script type="application/ld+json">{"articleBody": "The body of the page."}</script>'
    markup = (
        b"<html><head><style>body { color: black; margin: 0 auto; }</style>" + ld + b"</head>"
        b"<body><h1>A headline" + script + b"</h1><p>The body of the page.</p>" + script
    )
    cut, _ = lines._cut(None, markup)
    assert b"var a" not in cut and b"color: black" not in cut and b"articleBody" in cut
    page = lines.html_lines(None, markup)
    assert page.texts == ["A headline", "The body of the page."]
    assert page.title == "A headline"  # the script's text, inside the <h1>, is not read
    assert page.article_body == "The body of the page."


@pytest.mark.parametrize(
    ("markup", "unread"),
    [
        (
            b'<div data-a="1" class=x data-b=2 aria-label="q"   title=t id=y data-src=z>',
            [b'data-a="1"', b'data-b=2 aria-label="q"   title=t'],  # those side by side as one
        ),
        (
            b"<img src=a srcset='a 1x, b 2x' sizes=9vw alt=c width=1>",
            [b"srcset='a 1x, b 2x' sizes=9vw"],
        ),
        (b"<P DATA-X=1 Title=T>x</p>", [b"DATA-X=1 Title=T"]),  # any case
        (b"<p data-x=1 title>", [b"data-x=1 title"]),  # without a value
        (b"<a target = _blank\nhref=x>", [b"target = _blank"]),
        (b"<p aria-hidden=true data-src=x width=1 height=1 data- aria- titles=x>", []),  # read
        (b"<a/data-x=1>", []),  # after "/", not whitespace
        (b"<p data-x=1", []),  # the markup ends inside the tag
        (b"<svg data-x=1><g data-y=2></g></svg>", [b"data-x=1"]),  # SVG's own tags are kept
        (b"<script><p data-x=1></script><!-- <p data-y=2> -->", []),  # no tags
        (b"<plaintext><p data-x=1>", []),  # the rest is text
    ],
)
@pytest.mark.parametrize("compiled", [True, False])
def test_tag_floods_find_the_attributes_nothing_reads(
    markup: bytes, unread: list[bytes], compiled: bool
) -> None:
    read = _compiled_walk.tag_floods if compiled else lines._tag_floods
    spans = _pairs(read(markup, 10, 3)[6])
    assert [markup[start:end] for start, end in spans] == unread


@pytest.mark.parametrize("compiled", [True, False])
def test_a_flood_inside_svg_keeps_its_text_whole(compiled: bool) -> None:
    """A tag cut for its attributes inside an <svg> whose text would be cut: the tag's cut
    stands and the <svg>'s text stays, so that no two cuts overlap."""
    read = _compiled_walk.tag_floods if compiled else lines._tag_floods
    markup = b"<svg><path d='M0 0h9v9 M1 1 M2 2 M3 3'/><g a b c d e f></g></svg><p>x"
    _, spans, _, _, _, unread, _ = read(markup, 2, 3)
    assert [markup[start:end] for start, end in spans] == [b"<g a b c d e f>"]
    assert unread == []
    assert read(markup, 10, 3)[5] == [(5, markup.index(b"</svg>"))]  # no flood: cut whole


@pytest.mark.parametrize(
    ("markup", "kept"),
    [
        (
            b"<div>\n  <p>a</p>\n <p>b</p> <span>c</span>\n</div>",
            b"<div><p>a</p><p>b</p> <span>c</span>\n</div>",
        ),
        (
            b"<head>\n<title>t</title>\n<meta name=x>\n</head>\n<body>",
            b"<head><title>t</title><meta name=x></head><body>",
        ),
        (b"<pre>\n<div>x</div>\n</pre>\n<p>", b"<pre>\n<div>x</div>\n</pre><p>"),  # text in <pre>
        (b"<b><p>x</p>\n<p>y</p></b>", b"<b><p>x</p>\n<p>y</p></b>"),  # reopens <b>
        (b"<a><div>x</div>\n<div>y</div></a>\n<div>", b"<a><div>x</div>\n<div>y</div></a>\n<div>"),
        (b"<p>x</p> <!-- c --> <p>y</p>", b"<p>x</p> <!-- c --> <p>y</p>"),  # tags only
        (b"<svg><style>\n</style></svg>", b"<svg><style>\n</style></svg>"),  # SVG's <style>
        (b"<blockquote>\n<p>x</p>", b"<blockquote>\n<p>x</p>"),  # a name over 8 bytes
    ],
)
@pytest.mark.parametrize("compiled", [True, False])
def test_whitespace_between_blocks_is_left_out(
    markup: bytes, kept: bytes, compiled: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whitespace between two block tags goes before the parse, but where it may be text: in
    <pre>, around a formatting element or a link that a whitespace node would reopen."""
    if not compiled:
        monkeypatch.setattr(lines, "_compiled_walk", None)
    assert lines._cut(None, markup)[0] == kept


@pytest.mark.parametrize("compiled", [True, False])
def test_unread_attributes_are_left_out_of_the_parse_and_nothing_else(
    compiled: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The tree keeps every attribute the walk, the metadata and Markdown read, and the cut
    markup gives the same lines; a tag flooded with attributes loses them all instead."""
    if not compiled:  # the Python scan, cut and walk
        monkeypatch.setattr(lines, "_compiled_walk", None)
        monkeypatch.setattr(lines, "_native_state", [False])
    markup = (
        b'<html><body><article class="story" data-id="7" title="Story">'
        b'<p data-track="x" aria-label="para">Kept paragraph one.</p>'
        b'<p aria-hidden="true" data-x=1>Hidden text.</p>'
        b'<img data-src="/a.jpg" width=600 alt="A picture" loading=lazy srcset="a 1x">'
        b"<p>Kept paragraph two.</p></article></body></html>"
    )
    cut, _ = lines._cut(None, markup)
    for gone in (
        b"data-id",
        b"Story",
        b"data-track",
        b"aria-label",
        b"loading",
        b"srcset",
        b"data-x",
    ):
        assert gone not in cut
    for kept in (
        b'class="story"',
        b'aria-hidden="true"',
        b'data-src="/a.jpg"',
        b"width=600",
        b'alt="A',
    ):
        assert kept in cut
    image = LexborHTMLParser(cut).css_first("img")
    assert image is not None
    assert image.attributes == {"data-src": "/a.jpg", "width": "600", "alt": "A picture"}
    page = lines.html_lines(None, markup)
    assert page.texts == ["Kept paragraph one.", "Kept paragraph two."]
    assert page.bits[0] & lines.class_bits("story")  # the class was read
    flooded = b"<p " + b" ".join(b"data-%d=1" % k for k in range(lines._MAX_ATTRIBUTES + 1)) + b">"
    assert lines._cut(None, flooded)[0] == b"<p>"


@pytest.mark.parametrize("compiled", [True, False])
def test_tag_floods_find_formatting_piles(compiled: bool) -> None:
    read = _compiled_walk.tag_floods if compiled else lines._tag_floods
    assert read(b"<p><b id=1>x</p>" * 4, 10, 3)[2]
    assert not read(b"<p><b id=1>x</p>" * 3, 10, 3)[2]
    assert not read(b"<p><b>x</b></p>" * 40, 10, 3)[2]  # closed by their own end tags
    assert not read(b"<script>" + b"<b>" * 40 + b"</script>", 10, 3)[2]  # not markup
    assert read(b"<p><B>x</p>" * 4, 10, 3) == (12, [], 1, 0, [], [], array("q"))  # <b>: bit 0
    names = lines._FORMATTING_NAMES
    assert read(b"<p><i id=1><strong>x</p>" * 4, 10, 3)[2] == (
        1 << names.index(b"i") | 1 << names.index(b"strong")
    )


@pytest.mark.parametrize("compiled", [True, False])
def test_tag_floods_find_attribute_names_past_the_limit(compiled: bool) -> None:
    """Names are told apart with ASCII letters lowered, as the tokenizer lowers them; a tag
    whose attribute names are all known stays, one with a new name past the limit is found."""
    read = _compiled_walk.tag_floods if compiled else lines._tag_floods
    markup = '<p A=1 b><p a B=2 c="x y"><p d>x</p c><p ÄX=1><p äx>'.encode()
    tags, spans, piled, attributes, dropped, _, _ = read(markup, 10, 3, 2)
    assert (tags, piled, attributes, dropped) == (6, 0, 9, [])  # <p>: the parser's own
    starts = [markup[start:end] for start, end in spans]
    assert starts == [
        b'<p a B=2 c="x y">',
        b"<p d>",
        b"</p c>",
        "<p ÄX=1>".encode(),
        "<p äx>".encode(),
    ]
    assert read(markup, 10, 3, 5)[1] == [(spans[-1][0], len(markup))]  # Ä is not ASCII
    assert read(markup, 10, 3)[1] == []  # not counted


def _best_parse_times(page: Callable[[int], bytes], sizes: tuple[int, int]) -> list[float]:
    """The shortest of three parses of ``page(n)`` after ``_cut``, for each of the ``sizes``."""
    from boilerx.pipeline.lines import _cut

    times = []
    for n in sizes:
        data = page(n)
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            LexborHTMLParser(_cut(None, data)[0])
            best = min(best, time.perf_counter() - started)
        times.append(best)
    return times


@pytest.mark.parametrize("compiled", [True, False])
def test_tag_floods_find_tag_names_past_the_limit(compiled: bool) -> None:
    """Tag names the parser knows are never new; others are told apart lowered, and a tag
    with one past the limit is to be dropped (an end tag too), not written bare."""
    read = _compiled_walk.tag_floods if compiled else lines._tag_floods
    markup = b"<x-a q=1>y</X-A><x-b>y</x-b><DIV><feGaussianBlur><x-c b=2>y</x-c>"
    dropped = read(markup, 0, 3, 2)[4]
    assert [markup[start:end] for start, end in dropped] == [b"<x-c b=2>", b"</x-c>"]
    # more attributes than allowed (none): the first tag is written bare, the dropped one not
    assert read(markup, 0, 3, 2)[1] == [(0, 9)]
    assert read(markup, 0, 3)[4] == []  # not counted


def test_many_distinct_tag_names_cost_linear_time() -> None:
    """Elements of hundreds of thousands of names parse in time linear in their size, and
    their text stays (99,000 of them, opened and closed, took 1.9 s before)."""
    from boilerx.pipeline.lines import _MAX_NAMES, _cut, html_lines

    def page(n: int) -> bytes:
        return b"<html><body>" + b"".join(b"<x-%d>w%d </x-%d>" % (i, i, i) for i in range(n))

    cut = _cut(None, page(50_000))[0]
    assert isinstance(cut, bytes) and cut.count(b"<x-") == _MAX_NAMES
    assert "w49999" in " ".join(html_lines(None, cut).texts)
    times = _best_parse_times(page, (20_000, 80_000))
    assert times[1] <= 8 * times[0] + 0.05, times  # quadratic: 16 times


def test_many_distinct_attribute_names_cost_linear_time() -> None:
    """A page whose tags carry hundreds of thousands of distinct attribute names parses in
    time linear in its size: past the first distinct names, tags lose their attributes
    (200,000 names in 2 MB took 7 s before)."""
    from boilerx.pipeline.lines import _MANY_ATTRIBUTES, _MAX_NAMES, _cut

    def page(n: int) -> bytes:
        tags = (b"<p a%d=1 b%d c%d d%d>word</p>" % (i, i, i, i) for i in range(n // 4))
        return b"<html><body>" + b"".join(tags)

    cut = _cut(None, page(200_000))[0]
    assert isinstance(cut, bytes) and cut.count(b"<p>word") == 50_000 - _MAX_NAMES // 4
    small = page(_MANY_ATTRIBUTES)  # at the limit: not counted, and unchanged
    assert _cut(None, small)[0] == small
    times = _best_parse_times(page, (50_000, 200_000))
    assert times[1] <= 8 * times[0] + 0.05, times  # quadratic: 16 times


@pytest.mark.parametrize(
    "markup, deep",
    [
        ("<div>" * 1000, True),
        ("<div/>" * 1000, True),  # "/" is ignored on HTML elements
        ("<svg>" + "<g/>" * 1000 + "</svg>", False),  # but closes elements in SVG
        (("<div>" * 300 + "</div>" * 300) * 10, False),
        ("<p>" + "<br>" * 5000, False),
        ("<section>" * 401, True),
    ],
)
def test_compiled_depth_bound_on_hostile_shapes(markup: str, deep: bool) -> None:
    data = markup.encode()
    assert (_compiled_walk.depth_bound(data)[0] > lines._MAX_DEPTH) is deep
    assert _compiled_walk.depth_bound(data) == lines._depth_bound(data)


def test_noscripts_far_down_long_sibling_lists_are_queried(monkeypatch) -> None:
    html = "<body>" + "<p>x</p>" * 50 + "<div><noscript>a</noscript><noscript>b</noscript></div>"
    tree = LexborHTMLParser(html)
    root = tree.body
    ids = [node.mem_id for node in root.css("noscript")]
    assert _compiled_walk.path_to(ids[1], root.mem_id) == [50, 1]
    assert _compiled_walk.path_to(root.mem_id, ids[1]) is None  # not above it
    for steps in (0, 1000):  # the query, and the paths
        monkeypatch.setattr(lines, "_MAX_STEPS", steps)
        assert [node.mem_id for node in lines._nodes_at(root, ids)] == ids


# ---------------------------------------------------------------- markup columns
_INT64 = st.integers(-(2**63), 2**63 - 1)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 12),
            st.integers(0, 60),
            st.one_of(st.integers(0, 2**31), _INT64),
            st.one_of(st.integers(0, 2**31), _INT64),
        ),
        min_size=1,
        max_size=40,
    ),
    st.booleans(),
)
def test_compiled_markup_columns_equal_the_numpy_path(rows: list, as_arrays: bool) -> None:
    kinds, depths, bits, near_bits = (list(column) for column in zip(*rows))
    if as_arrays:  # as the compiled walk makes them
        kinds, depths, bits, near_bits = (array("q", c) for c in (kinds, depths, bits, near_bits))
    page = Page(texts=["x"] * len(rows), kinds=kinds, depths=depths, bits=bits)
    page.near_bits = near_bits
    compiled = np.full((len(rows), 3 + _N_MARKUP), np.nan, dtype=np.float32)
    expected = compiled.copy()
    _markup_columns(page, compiled[:, 1 : 1 + _N_MARKUP])  # a view, as line_features gives
    _numpy_markup_columns(page, expected[:, 1 : 1 + _N_MARKUP])
    np.testing.assert_array_equal(compiled, expected)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["", "div>p.", "div>p.lead", "ul>li.", "\u00e9>a.x"]),
            st.text(max_size=30),
            st.integers(0, 40),
            st.one_of(st.sampled_from([0.0, 1.0, 149.0, 150.0]), st.floats(0, 5000, width=32)),
        ),
        min_size=1,
        max_size=40,
    ),
    st.booleans(),
    st.booleans(),
)
def test_compiled_signature_columns_equal_the_numpy_path(
    rows: list, as_arrays: bool, strided: bool
) -> None:
    signatures, texts, link_chars, prose = (list(column) for column in zip(*rows))
    page = Page(texts=texts, link_chars=link_chars, signatures=signatures)
    if as_arrays:  # as the compiled walk makes them
        page.link_chars = array("q", link_chars)
        page.signature_labels = array("q", signature_labels(page).tolist())
    prose_chars = np.array(prose, dtype=np.float32)
    if strided:  # a column of a matrix, as line_features gives
        prose_chars = np.repeat(prose_chars[:, None], 3, axis=1)[:, 1]
    total = float(prose_chars.sum()) or 1.0
    compiled = np.full((len(rows), 12), np.nan, dtype=np.float32)
    expected = compiled.copy()
    _signature_columns(page, prose_chars, total, compiled[:, 6:10])
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(features, "_compiled_walk", None)
        _signature_columns(page, prose_chars, total, expected[:, 6:10])
    assert compiled.tobytes() == expected.tobytes()


def test_compiled_signature_columns_refuse_what_does_not_fit() -> None:
    out, alike, mean_chars = np.zeros((2, 4), np.float32), np.zeros(2), np.zeros(2)
    labels, links, prose = np.array([0, 1]), np.array([0, 3]), np.ones(2, np.float32)
    with pytest.raises(ValueError):
        _compiled_walk.signature_columns(
            np.array([0, -1]), links, ["a", "b"], prose, 1.0, out, alike, mean_chars
        )
    with pytest.raises(ValueError):
        _compiled_walk.signature_columns(labels, links, ["a"], prose, 1.0, out, alike, mean_chars)
    with pytest.raises(ValueError):
        _compiled_walk.signature_columns(
            labels, links, ["a", "b"], prose, 1.0, out[:, :3], alike, mean_chars
        )
    with pytest.raises(TypeError):
        _compiled_walk.signature_columns(
            labels, links, ["a", b"b"], prose, 1.0, out, alike, mean_chars
        )


@settings(max_examples=300, deadline=None)
@given(
    st.integers(1, 12),
    st.sampled_from([0, 1, 7, 8, 9, 30, 63, 64]),
    st.lists(st.tuples(st.integers(-3, 20), st.integers(0, 60), _INT64, _INT64), max_size=30),
    st.booleans(),
)
def test_compiled_markup_columns_of_any_width(
    n_kinds: int, n_bits: int, rows: list, strided: bool
) -> None:
    """Any number of kinds and bits (bit 63, the sign bit, never counts as set, as NumPy
    reads it), into cells side by side or apart."""
    n = len(rows)
    kinds, depths, bits, near_bits = (
        np.array([row[k] for row in rows], dtype=np.int64) for k in range(4)
    )
    kinds = np.maximum(kinds, -n_kinds)  # NumPy reads -1 as the last kind
    width = 1 + n_kinds + 2 * n_bits
    expected = np.zeros((n, width), dtype=np.float32)
    if n:
        expected[:, 0] = depths.astype(np.float32) / max(float(depths.max()), 1.0)
        expected[np.arange(n), 1 + np.minimum(kinds, n_kinds - 1) % n_kinds] = 1.0
        masks = np.left_shift(1, np.arange(n_bits, dtype=np.int64))
        expected[:, 1 + n_kinds : 1 + n_kinds + n_bits] = (bits[:, None] & masks) > 0
        expected[:, 1 + n_kinds + n_bits :] = (near_bits[:, None] & masks) > 0
    out = np.full((n, 2 * width), np.nan, dtype=np.float32)
    cells = out[:, ::2] if strided else out[:, :width]
    _compiled_walk.markup_columns(kinds, depths, bits, near_bits, n_kinds, n_bits, cells)
    assert np.ascontiguousarray(cells).tobytes() == expected.tobytes()


def test_class_values_are_read_alike_when_the_walk_has_forgotten_them() -> None:
    """The walk remembers 65,536 class/id values (of up to 4,096 bytes), then starts again:
    values read before, after and across that are read as ``lines.class_bits`` reads them."""
    assert lines._native_walk_ready()
    words = ("related", "x", "adSlot")
    values = [f"{words[i % 3]}-{i}" for i in range(70_000)]
    seen = [_compiled_walk.class_bits_of(value.encode()) for value in values]
    again = [_compiled_walk.class_bits_of(value.encode()) for value in values[:10] + values[-10:]]
    assert seen == [lines.class_bits(value) for value in values]
    assert again == seen[:10] + seen[-10:]
    assert _compiled_walk.class_bits_of(b"") == lines.class_bits("") == 0
    long_value = "sidebar " + "x" * 5000  # too long to be remembered: read each time
    for _ in range(2):
        assert _compiled_walk.class_bits_of(long_value.encode()) == lines.class_bits(long_value)
