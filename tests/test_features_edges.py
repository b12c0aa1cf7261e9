"""The features that tell an article's edges from its body: the page's structured data
(JSON-LD articleBody, descriptions), photo credits at the end of a line, and teaser-card rhythm."""

from __future__ import annotations

import re

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from boilerx.pipeline.features import (
    _CREDIT_FIRST,
    _CREDIT_TAIL,
    card_pairs,
    credit_tails,
    feature_names,
    line_features,
)
from boilerx.pipeline.lines import html_lines, text_lines
from boilerx.pipeline.structured import (
    _DESCRIPTION_META,
    _JSON_LD,
    _found,
    overlap,
    sources,
    structured_text,
)

BODY = "The council voted on Tuesday to close the old bridge for repairs from next month."
TEASER = "A different story about the weather that the page links to at its end."


def _page(ld: str, meta: str = "") -> str:
    return (
        f"<html><head>{meta}<script type='application/ld+json'>{ld}</script></head>"
        f"<body><p>{BODY}</p><p>{TEASER}</p></body></html>"
    )


def test_structured_text_reads_article_body_in_a_graph_and_descriptions() -> None:
    ld = (
        '{"@context": "https://schema.org", "@graph": [{"@type": "WebPage"}, '
        f'{{"@type": "NewsArticle", "articleBody": "{BODY}", "description": "Bridge shuts."}}]}}'
    )
    page = html_lines(_page(ld, "<meta property='og:description' content='The bridge closes.'>"))
    assert BODY in page.article_body
    assert "Bridge shuts." in page.description and "The bridge closes." in page.description


def test_structured_data_columns_mark_the_lines_it_holds() -> None:
    page = html_lines(_page(f'{{"@type": "NewsArticle", "articleBody": "{BODY}"}}'))
    names = feature_names(True)
    X = line_features(page)
    column = X[:, names.index("in_article_body")]
    assert column[page.texts.index(BODY)] == 1.0
    assert column[page.texts.index(TEASER)] < 0.2
    # a page without structured data says so (-1), not "no overlap" (0)
    bare = html_lines(f"<p>{BODY}</p><p>{TEASER}</p>")
    assert (line_features(bare)[:, names.index("in_article_body")] == -1).all()


def test_broken_or_huge_json_ld_is_ignored() -> None:
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(_page('{"articleBody": "unterminated'))
    assert structured_text(*sources(tree)) == ("", "")
    deep = "[" * 5000 + "]" * 5000  # parses, and is not walked past its depth limit
    assert structured_text(*sources(LexborHTMLParser(_page(deep)))) == ("", "")


def test_overlap_of_short_lines_counts_words() -> None:
    shares = overlap(["bridge repairs", "weather", ""], BODY)
    assert shares[:, 0].tolist() == [1.0, 0.0, 0.0]
    assert overlap(["anything"], "").tolist() == [[-1.0]]
    both = overlap(["bridge repairs", "weather"], BODY, "the weather today")
    assert both.tolist() == [[1.0, 0.0], [0.0, 1.0]]


def test_credit_tails_find_captions_not_sentences_about_agencies() -> None:
    lines = [
        "Students take part in a drill in Mumbai on May 7, 2025. Photo by Jane Roe/Getty Images",
        "Smoke rises over the city on Monday. (AP Photo/John Doe)",
        "Fire is seen on an airplane after it takes off. REUTERS/Stringer",
        "Der Minister am Montag in Berlin (Foto: dpa)",
        "© 2025 The Courier",
        "The document was seen by Reuters.",
        "He told AFP on Monday that the talks would go on.",
        "A sentence about photography and images in the city museum.",
        "İstanbul'da bir fotoğraf sergisi açıldı ve çok ilgi gördü",
    ]
    assert credit_tails(lines).tolist() == [1, 1, 1, 1, 1, 0, 0, 0, 0]


_CREDIT_ALTERNATIVES = re.compile(_CREDIT_TAIL.pattern.replace(_CREDIT_FIRST, "", 1))


@settings(max_examples=300, deadline=None)
@given(
    st.text(max_size=20),
    st.from_regex(_CREDIT_ALTERNATIVES, fullmatch=True) | st.text(max_size=30),
)
def test_credit_lookahead_turns_away_no_credit(before: str, tail: str) -> None:
    """``_CREDIT_TAIL``'s lookahead lets every credit its alternatives match through."""
    text = before + tail
    assert bool(_CREDIT_TAIL.search(text)) == bool(_CREDIT_ALTERNATIVES.search(text))


def test_card_pairs_count_headline_and_summary_runs() -> None:
    teaser = [
        "Rail strike ends after three days",
        "Unions and the operator agreed on a new pay deal late on Sunday night.",
    ] * 4
    article = [
        "The council voted on Tuesday. It will close the bridge. A ferry will run instead.",
    ] * 12
    page = text_lines("\n".join(article + teaser))
    X = line_features(page)
    column = X[:, feature_names(False).index("card_pairs")]
    assert column[-1] == 1.0  # four pairs around the last card
    assert (column[:3] == 0).all()  # the article's opening is far from any card
    terminal = np.array([0, 1, 0, 1], dtype=np.float32)
    words = np.array([5, 12, 5, 12], dtype=np.float32)
    assert card_pairs(terminal, words, np.ones(4, dtype=np.float32)).max() > 0
    assert card_pairs(terminal, words, np.full(4, 3, dtype=np.float32)).max() == 0


_HEAD_PARTS = st.sampled_from(
    [
        '<meta property="og:description" content="og">',
        '<meta name="description" content="plain">',
        '<meta name="twitter:description" content="tw">',
        '<meta property="og:description" name="description" content="both">',
        '<meta name="twitter:description" property="og:description" name="x" content="two">',
        '<meta name="description" name="twitter:description" content="first wins">',
        '<meta NAME="Description" content="case">',
        '<meta name="DESCRIPTION" property="OG:Description" content="upper">',
        '<meta property="og:description" name="Description" content="mixed">',
        '<meta name=" description" property="og:description " content="spaced">',
        "<meta name>",
        "<meta name=description>",
        '<meta property="og:title" content="title">',
        '<script type="application/ld+json">{"description": "ld"}</script>',
        '<SCRIPT TYPE="Application/LD+JSON">{"articleBody": "a b c"}</SCRIPT>',
        "<script>var description;</script>",
        '<svg><script type="application/ld+json">{}</script></svg>',
        "<p>text</p>",
        "<div>",
        "</div>",
        "<template><meta name=description content=t></template>",
        "<noscript><meta name=description content=n></noscript>",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_HEAD_PARTS, max_size=12), st.lists(_HEAD_PARTS, max_size=12))
def test_one_query_finds_what_each_selector_finds(head: list[str], body: list[str]) -> None:
    tree = LexborHTMLParser(f"<html><head>{''.join(head)}</head><body>{''.join(body)}</body>")
    found = _found(tree)
    expected = [tree.css(selector) for selector in (_JSON_LD, *_DESCRIPTION_META)]
    assert [[n.mem_id for n in nodes] for nodes in found] == [
        [n.mem_id for n in nodes] for nodes in expected
    ]
