"""clean() and extract() on pages with the shapes of real news pages."""

from __future__ import annotations

import json

import pytest
from conftest import BODY, OTHER_HEADLINES, explore_block, news_html, news_text

import boilerx


def _has(text: str, snippet: str) -> bool:
    return " ".join(snippet.split()) in " ".join(text.split())


def test_html_article_keeps_body_drops_chrome() -> None:
    out = boilerx.clean(news_html())
    for paragraph in BODY:
        assert _has(out, paragraph)
    for chrome in ("Home", "Facebook", "2 min read", "All rights reserved", "Cookie settings"):
        assert chrome not in out.split("\n")
    assert "Council expands ferry service" not in out.split("\n")  # the headline is not body


def test_explore_list_of_other_stories_is_dropped() -> None:
    out = boilerx.clean(news_html(after=explore_block()))
    assert all(_has(out, p) for p in BODY)
    assert not any(h in out for h in OTHER_HEADLINES)
    assert "By Staff" not in out


def test_body_after_recommended_marker_is_kept() -> None:
    middle = '<div class="recommended"><h4>Recommended</h4></div>'
    out = boilerx.clean(news_html(middle=middle))
    assert _has(out, BODY[3]) and _has(out, BODY[4])
    assert "Recommended" not in out.split("\n")


def test_text_mode_seed_shapes() -> None:
    doc = boilerx.extract(news_text())
    assert doc.title == "Council expands ferry service"
    out = doc.text
    for paragraph in BODY:
        assert _has(out, paragraph)
    for chrome in [
        "2 min read",
        "icon-facebook icon-twitter icon-whatsapp",
        "Recommended",
        "Explore",
        *OTHER_HEADLINES,
    ]:
        assert chrome not in out.split("\n")


def test_page_of_links_only_gives_little() -> None:
    links = "".join(f'<li><a href="/{i}">Section number {i}</a></li>' for i in range(300))
    out = boilerx.clean(f"<html><body><ul>{links}</ul></body></html>")
    assert len(out.split("\n")) < 30


def test_extract_reports_every_line() -> None:
    doc = boilerx.extract(news_html())
    assert doc.title == "Council expands ferry service"
    assert [line.text for line in doc.lines if line.is_body] == doc.text.split("\n")
    kinds = {line.kind for line in doc.lines}
    assert {"paragraph", "heading", "list"} <= kinds
    assert all(0.0 <= line.score <= 1.0 for line in doc.lines)
    body_scores = [line.score for line in doc.lines if line.text in BODY]
    menu_scores = [line.score for line in doc.lines if line.text in ("Home", "Sport")]
    assert min(body_scores) > max(menu_scores)


def test_threshold_trades_precision_for_recall() -> None:
    page = news_html(after=explore_block())
    kept = [len(boilerx.extract(page, threshold=t).text.split("\n")) for t in (0.05, 0.5, 0.95)]
    assert kept[0] >= kept[1] >= kept[2]
    # just above the weakest kept line's score, that line goes and the rest stay
    low = boilerx.extract(page, threshold=0.05)
    weakest = min((line for line in low.lines if line.is_body), key=lambda line: line.score)
    higher = boilerx.extract(page, threshold=min(weakest.score + 1e-4, 1.0))
    assert weakest.text not in higher.text.split("\n")
    assert set(higher.text.split("\n")) < set(low.text.split("\n"))
    everything = boilerx.extract(page, threshold=0.0)
    assert all(line.is_body for line in everything.lines)


def test_mode_override() -> None:
    html = news_html()
    as_text = boilerx.extract(html, mode="text")
    assert all(line.kind == "text" for line in as_text.lines)
    assert any("<p>" in line.text for line in as_text.lines)
    as_html = boilerx.extract(html, mode="html")
    assert all(line.kind != "text" for line in as_html.lines)


def test_text_mentioning_a_tag_is_text() -> None:
    text = news_text().replace(BODY[1], BODY[1] + " Use <b> for bold, the editor wrote.")
    doc = boilerx.extract(text)
    assert doc.lines and all(line.kind == "text" for line in doc.lines)


def test_bytes_and_str_agree() -> None:
    html = news_html()
    assert boilerx.clean(html.encode("utf-8")) == boilerx.clean(html)


@pytest.mark.parametrize("name", ["000_a1052e944c2760f1", "003_50b31347473447e9"])
def test_seed_lines(seeds_dir, name: str) -> None:
    text = (seeds_dir / f"{name}.txt").read_text(encoding="utf-8")
    labels = json.loads((seeds_dir / f"{name}.labels.json").read_text(encoding="utf-8"))["lines"]
    kept = set(boilerx.clean(text).split("\n"))
    for line in labels:
        if line["label"] == "body":
            assert line["text"].strip() in kept, f"body line dropped: {line['text'][:60]}"
        elif line["label"] in ("chrome", "title"):
            assert line["text"].strip() not in kept, f"{line['label']} kept: {line['text'][:60]}"


def test_decide_gates_pages_without_a_confident_line_and_drops_metadata() -> None:
    import numpy as np

    from boilerx.pipeline.decide import decide, is_metadata
    from boilerx.pipeline.lines import text_lines

    body = "\n".join(f"Body line number {i} of this page, long enough." for i in range(6))
    page = text_lines(f"Headline here\nJune 2, 2025\n{body}")  # not a small page
    page.title = "Headline here"
    scores = np.array([0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.4])
    assert list(decide(page, scores, 0.3)) == [False, False] + [True] * 6
    low = np.array([0.45, 0.4, 0.45, 0.4, 0.45, 0.4, 0.45, 0.4])
    assert not decide(page, low, 0.3).any()  # no confident line
    assert decide(page, low, 0.0).all()  # 0 keeps everything
    assert is_metadata("Sun Jun 01 2025", None) and is_metadata("12. März 2024, 14:30 Uhr", None)
    assert not is_metadata("The 16 May meeting was held.", None)


def test_dateline_check_agrees_with_its_substitution_form(monkeypatch: pytest.MonkeyPatch) -> None:
    """The atomic full match (Python 3.11+) and the substitution used before 3.11 agree."""
    import boilerx.pipeline.decide
    from boilerx.pipeline.decide import is_metadata

    lines = [
        "Sun Jun 01 2025", "12. März 2024, 14:30 Uhr", "Updated 4:36 p.m. ET", "June 2, 2025",
        "The 16 May meeting", "Monkey 12", "mon 3 sat", "3 min", "2nd of June 2024", "..12..",
        "Posted on 12/03/2024 at 10:00 GMT", "14:30", "12 comments", "Di 12.03.", "am 5 pm",
        "12 · 3 – 4 (5)", "lundi 3 février 2025 à 10h", "3 junio", "5 stycznia 2024", "x1",
    ]  # fmt: skip
    atomic = [is_metadata(line, None) for line in lines]
    monkeypatch.setattr(boilerx.pipeline.decide, "_ONLY_DATE_WORDS", None)
    assert [is_metadata(line, None) for line in lines] == atomic
    assert sum(atomic) >= 8 and not all(atomic)


def test_cleaning_needs_no_scikit_learn() -> None:
    """The shipped model is plain arrays: cleaning imports no scikit-learn (a slow import that
    would make every worker process start slowly)."""
    import subprocess
    import sys

    code = (
        "import sys, boilerx; "
        "boilerx.clean('<html><body><p>' + 'A sentence of the article, with words. ' * 5 + "
        "'</p></body></html>'); boilerx.clean('Menu\\n' + 'A long sentence of prose. ' * 6); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sklearn', 'scipy')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_decide_drops_lone_markers_and_a_closing_story_list() -> None:
    import numpy as np

    from boilerx.pipeline.decide import decide
    from boilerx.pipeline.lines import Page

    body = "The council voted on Tuesday to expand the ferry service to three new routes."
    texts = [body, "Advertisement", body, "Most read", "Storm hits the coast", "Why ferries?"]
    scores = np.array([0.95, 0.6, 0.95, 0.4, 0.6, 0.6])
    keep = decide(Page(texts=texts), scores, 0.5)
    assert list(keep) == [True, False, True, False, False, False]
    # a marker mid-article with prose after it ends nothing
    texts[3] = "Recommended"
    texts[5] = "Crews will start work in March, officials said in a statement on Friday."
    keep = decide(Page(texts=texts), scores, 0.5)
    assert list(keep) == [True, False, True, False, True, True]


def test_decide_drops_reader_comments_under_an_article_but_not_forum_replies() -> None:
    import numpy as np

    from boilerx.pipeline.decide import decide
    from boilerx.pipeline.lines import BITS, Page

    comment = 1 << BITS.index("comment")
    para = "The harbour reopened on Monday after six months of repairs to the old stone pier. "
    reply = "I walked there yesterday and the new railings look much better than the old ones. "
    # an article of four paragraphs, then three reader comments in comment markup
    texts = [para * 2] * 4 + [reply] * 3
    bits = [0] * 4 + [comment] * 3
    keep = decide(Page(texts=texts, bits=bits), np.full(7, 0.9), 0.5)
    assert list(keep) == [True] * 4 + [False] * 3
    # a forum thread: a short first post, then long replies, all in comment markup but one
    texts = [reply] + [reply * 3] * 5
    bits = [0] + [comment] * 5
    assert decide(Page(texts=texts, bits=bits), np.full(6, 0.9), 0.5).all()
    # scraped text has no markup: nothing to go by, nothing dropped
    texts = [para * 2] * 4 + [reply] * 3
    assert decide(Page(texts=texts, is_html=False), np.full(7, 0.9), 0.5).all()


def test_decide_tells_a_short_article_with_a_long_thread_from_a_forum() -> None:
    import numpy as np

    from boilerx.pipeline.decide import decide
    from boilerx.pipeline.lines import BITS, Page

    comment = 1 << BITS.index("comment")
    para = "The harbour reopened on Monday after six months of repairs to the old stone pier. "
    reply = "I walked there yesterday and the new railings look much better than the old ones. "
    # one confident paragraph of article, then a thread five times as long
    texts = [para * 3] + [reply * 3] * 5
    bits = [0] + [comment] * 5
    scores = np.array([0.9] + [0.6] * 5)

    def page(signatures: list[str]) -> Page:
        return Page(texts=texts, bits=bits, outer_bits=bits, signatures=signatures)

    # the comments are built unlike the article: an article with reader comments
    unlike = ["div.entry>p."] + ["dl.comments>dd.comment"] * 5
    assert list(decide(page(unlike), scores, 0.5)) == [True] + [False] * 5
    # the replies are built like the opening post: a forum thread, all kept
    alike = ["article.message>div.body"] * 6
    assert decide(page(alike), scores, 0.5).all()
    # an opening paragraph that is not confidently body decides nothing
    assert decide(page(unlike), np.full(6, 0.6), 0.5).all()
    # comment words on an inline element only (a code block's "comment" token) are no thread
    # (the replies confident here, so that no other rule has a say)
    only_inline = Page(texts=texts, bits=bits, outer_bits=[0] * 6, signatures=unlike)
    assert decide(only_inline, np.full(6, 0.9), 0.5).all()
    assert not decide(page(unlike), np.full(6, 0.9), 0.5)[1:].any()


def test_decide_drops_second_copies_of_a_line_but_not_nearby_repeats() -> None:
    import numpy as np

    from boilerx.pipeline.decide import decide
    from boilerx.pipeline.lines import Page

    para = "The harbour reopened on Monday after six months of repairs to the old stone pier."
    other = "Crews will start work on the north quay in March, officials said on Friday."
    filler = [
        f"Paragraph {i} of the story goes on about the harbour and its boats." for i in range(30)
    ]
    # the article, then the same two paragraphs again far below (a hidden mobile copy)
    texts = [para, other, *filler, para, other]
    keep = decide(Page(texts=texts, is_html=False), np.full(len(texts), 0.9), 0.5)
    assert keep[:32].all() and not keep[32:].any()
    # close by but built differently (another block signature): a second copy too
    texts = [para, other, para]
    page = Page(texts=texts, signatures=["div.story>p."] * 2 + ["div.mobile>p."])
    assert list(decide(page, np.full(3, 0.9), 0.5)) == [True, True, False]
    # close by in the same markup (a refrain), or short (a repeated list item): kept
    page = Page(texts=texts, signatures=["div.story>p."] * 3)
    assert decide(page, np.full(3, 0.9), 0.5).all()
    texts = ["Yes", "No", "Yes"] + filler + ["Yes"]
    assert decide(Page(texts=texts, is_html=False), np.full(len(texts), 0.9), 0.5).all()
    # a table of contents links to the heading it repeats: the link goes, the heading stays
    heading = "How the old stone pier was rebuilt in six months"
    texts = [heading, para, other, heading, para + " More."]
    page = Page(
        texts=texts,
        signatures=["ol.toc>li.", "div.story>p.", "div.story>p.", "div.story>h2.", "div.story>p."],
        link_chars=[len(heading), 0, 0, 0, 0],
    )
    assert list(decide(page, np.full(5, 0.9), 0.5)) == [False, True, True, True, True]


def test_decide_drops_cards_after_the_article_but_not_its_own_paragraphs() -> None:
    import numpy as np

    from boilerx.pipeline.decide import decide
    from boilerx.pipeline.lines import Page

    para = "The harbour reopened on Monday after six months of repairs to the old stone pier."
    teaser = "Storm damage closes the coastal road for a week, the county council said today."
    # three confident paragraphs, a fourth less sure one, then three teaser cards
    texts = [para + f" Part {i}." for i in range(4)] + [teaser + f" ({i})" for i in range(3)]
    signatures = ["div.story>p."] * 4 + ["li.card>div.summary"] * 3
    scores = np.array([0.9, 0.9, 0.9, 0.6, 0.6, 0.6, 0.6])
    page = Page(texts=texts, signatures=signatures)
    assert list(decide(page, scores, 0.5)) == [True] * 4 + [False] * 3
    # built like the article (the same signature), the lines after it stay
    page = Page(texts=texts, signatures=["div.story>p."] * 7)
    assert decide(page, scores, 0.5).all()
    # a structure seen only twice is no repeated card
    page = Page(texts=texts[:6], signatures=signatures[:6])
    assert decide(page, scores[:6], 0.5).all()
    # scraped text has no markup to go by
    assert decide(Page(texts=texts, is_html=False), scores, 0.5).all()
    # when the "cards" would be most of what is kept, the confident lines did not reach the
    # article's end: one confident line, then the article's paragraphs in other markup
    texts = [para] + [teaser + f" ({i})" for i in range(4)]
    signatures = ["div.lead>p."] + ["div.body>p."] * 4
    scores = np.array([0.9, 0.6, 0.6, 0.6, 0.6])
    assert decide(Page(texts=texts, signatures=signatures), scores, 0.5).all()


def test_decide_drops_what_a_browser_would_not_show() -> None:
    import numpy as np

    from boilerx.pipeline.decide import decide
    from boilerx.pipeline.lines import html_lines

    para = "The harbour reopened on Monday after six months of repairs to the old stone pier."
    promo = "Unlimited online access to every story, and the daily puzzles, for one low price."
    page = html_lines(
        f"<body><article><p>{para}</p><div class='paywall hidden'><p>{promo}</p></div>"
        f"<div class='hidden md:block'><p>{para} Again.</p></div>"
        f"<div class='overflow-hidden'><p>{para} Still.</p></div></article></body>"
    )
    assert page.texts == [para, promo, para + " Again.", para + " Still."]
    keep = decide(page, np.full(4, 0.9), 0.5)
    assert keep.tolist() == [True, False, True, True]


def test_extract_carries_the_pages_metadata_and_clean_does_not_need_it() -> None:
    page = (
        "<html lang='en'><head><title>Bridge closes | The Courier</title>"
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Bridge '
        'closes for a year", "datePublished": "2025-03-04T08:15:00+01:00", "author": '
        '[{"@type": "Person", "name": "Anna Berg"}, {"@type": "Person", "name": "Li Wei"}]}'
        "</script></head><body><nav>Home World</nav><h1>Bridge closes for a year</h1>"
        "<p>The old bridge over the river will close for repairs from Monday, the council "
        "said, and a ferry will carry people across while the work goes on.</p>"
        "<p>Engineers found cracks in two of its piers last winter and said the repairs could "
        "not wait any longer without putting the people who cross it every day at risk.</p>"
        "</body></html>"
    )
    doc = boilerx.extract(page)
    assert doc.title == "Bridge closes for a year"
    assert doc.authors == ["Anna Berg", "Li Wei"]
    assert doc.date is not None and doc.date.startswith("2025-03-04")
    assert doc.language == "en"
    assert doc.text == boilerx.clean(page)
    assert "cracks in two of its piers" in doc.text


def test_extract_reads_a_byline_from_scraped_text() -> None:
    text = (
        "Bridge closes for a year\nBy Anna Berg\n"
        "The old bridge over the river will close for repairs from Monday, the council said, "
        "and a ferry will carry people across while the work goes on.\n"
    )
    doc = boilerx.extract(text, mode="text")
    assert doc.authors == ["Anna Berg"]
    assert doc.title == "Bridge closes for a year"


def test_text_mode_drops_a_story_list_inside_the_article() -> None:
    """A "Related" marker changes what the lines after it are: the headlines under it are
    other stories even where the article goes on after them."""
    import numpy as np

    from boilerx.pipeline.decide import decide
    from boilerx.pipeline.lines import text_lines

    lines = [
        "The council voted on Monday to close the old bridge for repairs from next month.",
        "Related",
        "Rail strike ends after three days",
        "Ten scenic train journeys to take this winter",
        "A ferry will carry people across the river while the work goes on, officials said.",
    ]
    page = text_lines("\n".join(lines))
    scores = np.array([0.95, 0.1, 0.6, 0.55, 0.9])
    kept = [t for t, k in zip(page.texts, decide(page, scores, 0.4)) if k]
    assert kept == [lines[0], lines[4]]
    # a confident line under the marker ends the list: it is the article again
    scores[3] = 0.9
    kept = [t for t, k in zip(page.texts, decide(page, scores, 0.4)) if k]
    assert kept == [lines[0], lines[3], lines[4]]


def test_a_small_page_is_its_own_text_at_any_threshold() -> None:
    """A page of a few short lines has no site around its text: its lines are kept whatever
    they score, less the headline, datelines, markers and (HTML) links; a larger page of
    the same lines is left to the model."""
    import numpy as np

    from boilerx.pipeline.decide import SMALL_PAGE_CHARS, SMALL_PAGE_LINES, decide
    from boilerx.pipeline.lines import text_lines

    assert boilerx.clean("Test") == "Test"
    assert boilerx.clean("<html><body><p>Test</p></body></html>") == "Test"
    assert boilerx.clean("<p>abc</p><p>def</p><p>ghi</p>", threshold=0.99) == "abc\ndef\nghi"
    page = "<html><head><title>Not Found</title></head><body><h1>Not Found</h1><p>Gone.</p>"
    assert boilerx.clean(page) == "Gone."  # the headline goes
    links = '<ul><li><a href="/a">Home</a></li><li><a href="/b">About us</a></li></ul>'
    assert boilerx.clean(f"<html><body>{links}</body></html>") == ""  # a menu is no text
    assert boilerx.clean("Advertisement") == ""
    assert boilerx.clean("June 2, 2025") == ""
    small = text_lines("\n".join(["abc", "def", "ghi"]))
    assert decide(small, np.full(3, 0.01), 0.5).all()
    # past either limit the model decides: low scores keep nothing
    longer = text_lines("\n".join(f"line {i}" for i in range(SMALL_PAGE_LINES + 1)))
    assert not decide(longer, np.full(SMALL_PAGE_LINES + 1, 0.01), 0.5).any()
    wide = text_lines("\n".join(["x" * (SMALL_PAGE_CHARS // 2 + 1)] * 2))
    assert not decide(wide, np.full(2, 0.01), 0.5).any()


def test_a_small_text_comes_back_the_same_at_every_threshold() -> None:
    """Property: a small scraped text's output does not depend on the threshold (above 0),
    and is some of its own lines (their runs of spaces made one), in order."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    words = st.text(alphabet="abcdefghij ÄéЖ.,!0123456789", min_size=1, max_size=30)

    @settings(max_examples=150, deadline=None)
    @given(st.lists(words, min_size=1, max_size=5), st.floats(0.01, 1.0))
    def check(lines: list[str], threshold: float) -> None:
        text = "\n".join(lines)
        out = boilerx.clean(text, mode="text", threshold=threshold)
        assert out == boilerx.clean(text, mode="text", threshold=0.5)
        given_lines = [" ".join(line.split()) for line in lines]  # spaces as lines read them
        kept = out.split("\n") if out else []
        at = 0
        for line in kept:  # a subsequence of the input's lines
            assert line in given_lines[at:], (line, given_lines)
            at = given_lines.index(line, at) + 1

    check()


def test_a_text_of_one_headline_shaped_paragraph_is_kept() -> None:
    """Scraped text's headline is a guess (a first line without a closing full stop): when it
    is the only line kept, it is the text, not a headline to drop."""
    import boilerx

    text = (
        "Deep fake phishing is still rare, and most breaches still start with a stolen "
        "password or an unpatched server"
    )
    assert boilerx.clean(text) == text
    doc = boilerx.extract(text)
    assert doc.text == text


def test_text_mode_drops_a_run_of_teaser_cards_apart_from_the_article() -> None:
    """Headline, one- to three-sentence summary, three times running, between lines that are
    not body: other stories' teasers, even where the model scores them as prose. Not when the
    run touches the article, holds a line the model is sure of, or would be the whole page."""
    import numpy as np

    from boilerx.pipeline.decide import decide
    from boilerx.pipeline.lines import text_lines

    article = [
        "The council voted on Monday to close the old bridge for repairs from next month.",
        "A ferry will carry people across the river while the work goes on, officials said.",
    ]
    cards = [
        "Rail strike ends after three days of talks",
        "Unions and the operator agreed on a new pay deal late on Sunday night.",
        "Ten scenic train journeys to take this winter",
        "From the Alps to the fjords, these routes show the season at its best.",
        "City library reopens after a long refurbishment",
        "The building now has a rooftop garden and twice as many study rooms.",
    ]
    lines = [*article, "Weather in Porthaven: 12 degrees, light rain", *cards]

    def kept(scores: list[float], lines: list[str] = lines) -> list[str]:
        page = text_lines("\n".join(lines))
        keep = decide(page, np.array(scores), 0.5)
        return [t for t, k in zip(page.texts, keep) if k]

    teasers = [0.6, 0.7, 0.6, 0.8, 0.6, 0.7]
    assert kept([0.95, 0.9, 0.1, *teasers]) == article
    # two pairs are not a run: a subheading and its paragraph look alike
    assert kept([0.95, 0.9, 0.1, *teasers[:4]], lines[:-2]) == article + cards[:4]
    # the run touches the article: the line before it or after it is kept
    assert kept([0.95, 0.9, 0.6, *teasers]) == lines
    more = "Work on the bridge is expected to take about a year, the council said."
    assert kept([0.95, 0.9, 0.1, *teasers, 0.9], [*lines, more]) == [*article, *cards, more]
    # a line of the run the model is sure of makes it the article's
    assert kept([0.95, 0.9, 0.1, *teasers[:3], 0.95, *teasers[4:]]) == article + cards
    # nothing kept before the run, and the run is most of what is kept: keep it
    assert kept([0.2, 0.3, 0.1, *teasers]) == cards


def test_text_mode_drops_a_comment_thread_under_an_article() -> None:
    """Scraped text has no comment markup: a comments header after a long article, followed by
    dated posts, starts the thread, however much the posts read like prose. A short text
    above it (a forum's opening post), a header that the article goes on after, or posts
    without dates keep everything."""
    import numpy as np

    from boilerx.pipeline.decide import decide
    from boilerx.pipeline.lines import text_lines

    paragraph = (
        "The council voted on Monday to close the old bridge for repairs from next month, "
        "after engineers found cracks in two of its piers during a routine inspection. "
        "A ferry will carry people across the river while the work goes on, officials said, "
        "and buses will be rerouted through the industrial estate to the north of the town."
    )
    article = [f"{paragraph} ({n})" for n in range(8)]  # 8 x ~330 characters
    posts = [
        "Anna Berg",
        "March 3, 2025 at 9:14 am",
        "I cross that bridge every day, and the cracks have been visible for years now.",
        "John Carter",
        "March 3, 2025 at 10:02 am",
        "Good to hear about the ferry. I hope it runs late enough for the night shift.",
    ]

    def kept(lines: list[str], scores: list[float]) -> list[str]:
        page = text_lines("\n".join(lines))
        keep = decide(page, np.array(scores), 0.5)
        return [t for t, k in zip(page.texts, keep) if k]

    post_scores = [0.1, 0.1, 0.7, 0.1, 0.1, 0.7]
    lines = [*article, "2 Comments on “Bridge closes for a year”", *posts]
    assert kept(lines, [0.95] * 8 + [0.2] + post_scores) == article
    # a short opening post: a forum thread, whose replies are the content
    assert kept(lines[6:], [0.95] * 2 + [0.2] + post_scores) == [*article[6:], posts[2], posts[5]]
    # the article goes on after the header
    on = [0.95] * 8 + [0.2] + [0.1, 0.1, 0.9, 0.1, 0.1, 0.7]
    assert kept(lines, on) == [*article, posts[2], posts[5]]
    # no dated posts after the header
    undated = [p for p in posts if "2025" not in p]
    assert kept([*article, "Comments", *undated], [0.95] * 8 + [0.2, 0.1, 0.7, 0.1, 0.7]) == [
        *article,
        undated[1],
        undated[3],
    ]


def test_text_mode_drops_labelled_links_to_other_stories() -> None:
    import numpy as np

    from boilerx.pipeline.decide import decide
    from boilerx.pipeline.lines import text_lines

    lines = [
        "The council voted on Monday to close the old bridge for repairs from next month.",
        "RelatedCity Hall - Council approves a new budget for schools",
        "Read more: Why the old bridge needs repairs now",
        "More than 200 people came to the meeting, and many of them asked about the ferry.",
        "A ferry will carry people across the river while the work goes on, officials said.",
    ]
    page = text_lines("\n".join(lines))
    kept = [t for t, k in zip(page.texts, decide(page, np.full(5, 0.9), 0.4)) if k]
    assert kept == [lines[0], lines[3], lines[4]]


def test_html_drops_labelled_links_to_other_stories_but_not_labelled_text() -> None:
    """From HTML a labelled line goes when it is mostly a link ("Read more: <a>…</a>"); the
    same label before the article's own words stays."""
    import numpy as np

    from boilerx.pipeline.decide import decide
    from boilerx.pipeline.lines import html_lines

    paragraphs = [
        "The council voted on Monday to close the old bridge for repairs from next month.",
        "More than 200 people came to the meeting, and many of them asked about the ferry.",
        "A ferry will carry people across the river while the work goes on, officials said.",
    ]
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    promo = '<p>Read more: <a href="/bridge">Why the old bridge needs repairs now</a></p>'
    plain = "<p>Read more: the council will publish the plans on its website.</p>"
    page = html_lines(f"<html><body><article>{body}{promo}{plain}</article></body></html>")
    kept = [t for t, k in zip(page.texts, decide(page, np.full(5, 0.9), 0.4)) if k]
    assert kept == [*paragraphs, "Read more: the council will publish the plans on its website."]


def test_html_drops_links_to_other_stories_under_a_label_in_capitals() -> None:
    """From HTML a label in capitals of two words or more, in any language, before a linked
    headline marks a link to another story; one capital word ("UPDATE:"), a dateline and a
    label before the article's own words stay."""
    import numpy as np

    from boilerx.pipeline.decide import decide
    from boilerx.pipeline.lines import html_lines

    paragraphs = [
        "NEW YORK (AP) — The council voted on Monday to close the old bridge for repairs.",
        "More than 200 people came to the meeting, and many of them asked about the ferry.",
    ]
    promos = [
        ("FUNDA OLUNYE UDABA LAPHA |", "Abantu abahlanu baboshwe eThekwini"),
        ("VEA TAMBIÉN:", "La ciudad abre un nuevo puente sobre el río"),
        ("ALSO READ –", "Why the old bridge needs repairs now"),
    ]
    kept_labels = [("UPDATE:", "The council will publish the plans today")]
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    links = "".join(f'<p>{label} <a href="/x">{title}</a></p>' for label, title in promos)
    own = "".join(f'<p>{label} <a href="/y">{title}</a></p>' for label, title in kept_labels)
    plain = "<p>READ THIS FIRST: the council will publish the plans on its website.</p>"
    page = html_lines(f"<html><body><article>{body}{links}{own}{plain}</article></body></html>")
    assert len(page.texts) == 7
    kept = [t for t, k in zip(page.texts, decide(page, np.full(7, 0.9), 0.4)) if k]
    assert kept == [
        *paragraphs,
        "UPDATE: The council will publish the plans today",
        "READ THIS FIRST: the council will publish the plans on its website.",
    ]


def test_text_mode_drops_credited_captions_unless_they_are_the_page() -> None:
    """Scraped text: a kept line ending with a photo credit is a caption and goes, and
    ``with_captions`` (``include_captions=True``) brings it back in place; where such lines are
    most of the kept text (a gallery), they stay. HTML keeps deciding captions by markup."""
    import numpy as np

    from boilerx.pipeline.decide import decide, with_captions
    from boilerx.pipeline.lines import html_lines, text_lines

    paragraphs = [
        "The council voted on Monday to close the old bridge for repairs from next month.",
        "More than 200 people came to the meeting, and many of them asked about the ferry.",
        "A ferry will carry people across the river while the work goes on, officials said.",
    ]
    caption = "People cross the old bridge in the town centre on Monday. (AP Photo/Jane Doe)"
    lines = [paragraphs[0], caption, *paragraphs[1:]]
    page = text_lines("\n".join(lines))
    keep = decide(page, np.full(len(page.texts), 0.9), 0.4)
    assert [t for t, k in zip(page.texts, keep) if k] == paragraphs
    assert [t for t, k in zip(page.texts, with_captions(page, keep)) if k] == lines

    gallery = [
        "Fans wave flags before the final in the old stadium on Sunday. Photo: John Smith",
        "The captain lifts the trophy after the final whistle on Sunday. Photo: John Smith",
        "Players celebrate with their families on the pitch after the game. Photo: John Smith",
    ]
    page = text_lines("\n".join(["Ten pictures of the final.", *gallery]))
    keep = decide(page, np.full(len(page.texts), 0.9), 0.4)
    assert [t for t, k in zip(page.texts, keep) if k][-3:] == gallery

    html = "".join(f"<p>{t}</p>" for t in lines)
    page = html_lines(f"<html><body><article>{html}</article></body></html>")
    keep = decide(page, np.full(len(page.texts), 0.9), 0.4)
    assert [t for t, k in zip(page.texts, keep) if k] == lines


def test_text_mode_drops_captions_that_a_credit_line_closes_or_a_label_opens() -> None:
    """Scraped text: a credit on a line of its own closes the caption above it, and a button
    that enlarges the picture (or a caption's label) opens the caption below it; both go with
    the caption, and ``include_captions`` brings the captions (and credits) back, not the
    buttons. A long paragraph above a credit is the article's own and stays."""
    import numpy as np

    from boilerx.pipeline.decide import decide, with_captions
    from boilerx.pipeline.lines import text_lines

    paragraphs = [
        "The council voted on Monday to close the old bridge for repairs from next month.",
        "More than 200 people came to the meeting, and many of them asked about the ferry.",
        "A ferry will carry people across the river while the work goes on, officials said.",
    ]
    closed = ["People cross the old bridge in the town centre on Monday.", "Foto: Jane Doe"]
    opened = ["Enlarge this image", "The ferry that will carry people across the river."]
    lines = [paragraphs[0], *closed, paragraphs[1], *opened, paragraphs[2]]
    page = text_lines("\n".join(lines))
    keep = decide(page, np.full(len(page.texts), 0.9), 0.4)
    assert [t for t, k in zip(page.texts, keep) if k] == paragraphs
    with_them = [t for t, k in zip(page.texts, with_captions(page, keep)) if k]
    assert with_them == [paragraphs[0], *closed, paragraphs[1], opened[1], paragraphs[2]]

    long = " ".join(["The work on the old bridge will take a year and cost more than planned."] * 4)
    page = text_lines("\n".join([paragraphs[0], long, "© Jane Doe", paragraphs[1]]))
    keep = decide(page, np.full(len(page.texts), 0.9), 0.4)
    assert [t for t, k in zip(page.texts, keep) if k] == [paragraphs[0], long, paragraphs[1]]


def test_text_mode_drops_headlines_under_a_label_in_capitals_closed_by_a_bar() -> None:
    """Scraped text has no links: a line under a label in capitals goes only where a bar
    closes the label ("READ MORE | …"); one capital word, a colon or a label not in capitals
    stays."""
    import numpy as np

    from boilerx.pipeline.decide import decide
    from boilerx.pipeline.lines import text_lines

    paragraphs = [
        "The council voted on Monday to close the old bridge for repairs from next month.",
        "More than 200 people came to the meeting, and many of them asked about the ferry.",
    ]
    labelled = [
        "FUNDA OLUNYE UDABA LAPHA | Kuboshwe abahlanu besolwa ngokugwaza umfundi",
        "READ MORE | Council closes the old bridge for a year of repairs",
    ]
    own = [
        "UPDATE | The council will publish the plans on its website today",
        "NEW YORK CITY: the council will publish the plans on its website today.",
        "Our view | the council will publish the plans on its website today",
    ]
    page = text_lines("\n".join([paragraphs[0], *labelled, paragraphs[1], *own]))
    keep = decide(page, np.full(len(page.texts), 0.9), 0.4)
    assert [t for t, k in zip(page.texts, keep) if k] == [*paragraphs, *own]


def test_story_link_labels_are_what_every_match_begins_with() -> None:
    """decide looks at lines beginning with a label alone: every other line fails the
    regular expression too."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from boilerx.pipeline.decide import _STORY_LABELS, _STORY_LINK, _is_story_link

    pieces = st.sampled_from([*_STORY_LABELS, "related", "Read", " ", ":", "|", "–", "Ä", "x"])

    @settings(max_examples=300, deadline=None)
    @given(st.lists(pieces, max_size=5).map("".join), st.text(max_size=8))
    def check(head: str, tail: str) -> None:
        text = head + tail
        matched = _STORY_LINK.match(text) is not None
        assert not matched or text.startswith(_STORY_LABELS)
        assert _is_story_link(text) == (matched and len(text.split()) <= 30)

    check()
