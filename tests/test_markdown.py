"""Markdown output, table rows in text, and the include_* options (captions, comments, links,
images).

The page tests run the shipped model (:func:`boilerx.clean`) on a hand-written news page; the
layout tests give :func:`boilerx.pipeline.markdown.to_markdown` every line of a page, so they
check the layout alone.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import boilerx
from boilerx.api import Format
from boilerx.batch.pool import clean_many
from boilerx.cli import main
from boilerx.pipeline.lines import html_lines, text_lines
from boilerx.pipeline.markdown import plain_text, to_markdown, whole_blocks

CAPTION = "Council members vote on the budget on Tuesday night. Photo: John Smith"
COMMENT = "I think this is a great decision for our kids and for the whole city."
PAGE = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Council approves new budget for schools | Daily News</title></head><body>
<header><a class="logo" href="/">Daily News</a>
<nav class="main-menu"><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>
<li><a href="/sport">Sport</a></li><li><a href="/opinion">Opinion</a></li></ul></nav></header>
<main><article class="story">
<h1>Council approves new budget for schools</h1>
<p class="byline">By Jane Doe</p>
<div class="story-body">
<p>The city council on Tuesday approved a budget that raises spending on public schools by
twelve percent, the largest increase in a decade, after a debate that ran late into the
night.</p>
<p>The vote was seven to two. Council members who opposed the plan said the city could not
afford it without raising property taxes next year, a claim the mayor disputed.</p>
<h2>What the money pays for</h2>
<p>Most of the new money goes to teachers' salaries and to repairs of older school buildings,
officials said in a statement released after the vote.</p>
<ul>
<li>Hiring of 120 new teachers across the district's schools</li>
<li>Repairs to the roofs and heating of 14 older buildings</li>
<li>Free school meals for every pupil in primary schools</li>
</ul>
<p>The spending by item, in millions of dollars, compared with last year:</p>
<table>
<thead><tr><th>Item</th><th>2023</th><th>2024</th></tr></thead>
<tbody><tr><td>Salaries</td><td>410</td><td>460</td></tr>
<tr><td>Buildings</td><td>80</td><td>95</td></tr></tbody>
</table>
<h3>Reaction from parents</h3>
<p>Parents who packed the council chamber applauded when the result was read out. Many had
waited for hours to speak during the public comment period before the vote.</p>
<blockquote><p>This budget is a promise to our children, and we intend to keep it for as long
as I hold this office.</p></blockquote>
<figure class="image"><a href="/img/council.jpg"><img src="/img/council.jpg" alt=""></a>
<figcaption class="caption">Council members vote on the budget on Tuesday night. Photo:
<a href="/photographers/john-smith">John Smith</a></figcaption></figure>
<p>The budget now goes to the state for review, which usually takes several weeks, before it
takes effect at the start of the new school year in September.</p>
</div></article>
<section id="comments" class="comments"><h3>Comments</h3>
<div class="comment"><p class="comment-author"><a href="/u/bob">Bob</a></p>
<p class="comment-text">{COMMENT}</p><a class="reply" href="#">Reply</a></div></section>
<aside class="related"><h3>Related stories</h3><ul>
<li><a href="/a">Mayor faces recall vote over housing plan</a></li>
<li><a href="/b">Schools close early as storm nears the coast</a></li>
<li><a href="/c">Teachers' union endorses council candidates</a></li></ul></aside>
</main>
<footer class="site-footer"><p>Copyright 2024 Daily News. All rights reserved.</p>
<ul><li><a href="/about">About us</a></li><li><a href="/privacy">Privacy</a></li></ul></footer>
</body></html>"""
CHROME = (
    "Home",
    "Opinion",
    "Daily News",
    "Related stories",
    "Mayor faces recall",
    "Schools close early",
    "Copyright",
    "About us",
    "Bob",
    "Reply",
)
LAST = "The budget now goes to the state for review"
QUOTE = "This budget is a promise to our children"


@pytest.fixture(scope="module")
def markdown() -> str:
    return boilerx.clean(PAGE, format="markdown")


def blocks(text: str) -> list[str]:
    return text.split("\n\n")


def test_markdown_headings_by_level_without_the_headline(markdown: str) -> None:
    assert "## What the money pays for" in blocks(markdown)
    assert "### Reaction from parents" in blocks(markdown)
    assert "Council approves new budget" not in markdown


def test_markdown_list_items(markdown: str) -> None:
    assert (
        "- Hiring of 120 new teachers across the district's schools\n"
        "- Repairs to the roofs and heating of 14 older buildings\n"
        "- Free school meals for every pupil in primary schools"
    ) in blocks(markdown)


def test_markdown_table_kept_whole_with_header_row(markdown: str) -> None:
    # the model scores the cells low one by one; the table sits in the article's flow
    assert (
        "| Item | 2023 | 2024 |\n|---|---|---|\n| Salaries | 410 | 460 |\n| Buildings | 80 | 95 |"
    ) in blocks(markdown)
    assert "410" not in boilerx.clean(PAGE)  # the default output is the model's alone


def test_markdown_quote_and_paragraphs(markdown: str) -> None:
    parts = blocks(markdown)
    assert any(p.startswith("> " + QUOTE) for p in parts)
    assert parts[0].startswith("The city council on Tuesday approved")
    assert parts[1].startswith("The vote was seven to two.")
    assert parts[-1].startswith(LAST)


def test_markdown_drops_chrome_and_caption(markdown: str) -> None:
    for chrome in (*CHROME, "Photo: John Smith", COMMENT):
        assert chrome not in markdown, chrome


def test_default_text_is_the_kept_lines(markdown: str) -> None:
    text = boilerx.clean(PAGE)
    document = boilerx.extract(PAGE)
    assert text == document.text == "\n".join(line.text for line in document.lines if line.is_body)
    assert "#" not in text and "\n- " not in text and "\n\n" not in text
    assert "What the money pays for" in text.split("\n")


def test_extract_markdown_matches_clean(markdown: str) -> None:
    document = boilerx.extract(PAGE, format="markdown")
    assert document.text == markdown
    assert document.title == "Council approves new budget for schools"
    assert document.comments is None


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_include_captions_keeps_them_in_place(fmt: Format) -> None:
    assert CAPTION not in boilerx.clean(PAGE, format=fmt)
    text = boilerx.clean(PAGE, format=fmt, include_captions=True)
    assert CAPTION in text
    assert text.index(QUOTE) < text.index(CAPTION) < text.index(LAST)
    for chrome in CHROME:
        assert chrome not in text, chrome


def test_include_comments() -> None:
    document = boilerx.extract(PAGE, include_comments=True)
    assert document.comments == COMMENT
    assert COMMENT not in document.text
    assert boilerx.clean(PAGE, include_comments=True) == boilerx.clean(PAGE) + "\n\n" + COMMENT
    markdown = boilerx.clean(PAGE, format="markdown", include_comments=True)
    assert markdown.endswith("\n\n## Comments\n\n" + COMMENT)
    assert boilerx.extract(
        "<p>No comments here, only a line.</p>", include_comments=True
    ).comments in ("", None)


@pytest.mark.parametrize(
    ("options", "error"),
    [
        ({"format": "html"}, ValueError),
        ({"format": "Markdown"}, ValueError),
        ({"format": None}, TypeError),
        ({"include_comments": "yes"}, TypeError),
        ({"include_captions": 1}, TypeError),
        ({"include_links": "yes"}, TypeError),
        ({"include_images": 1}, TypeError),
    ],
)
def test_options_are_checked(options: dict, error: type) -> None:
    with pytest.raises(error):
        boilerx.clean(PAGE, **options)
    with pytest.raises(error):
        boilerx.extract(PAGE, **options)


# ---------------------------------------------------------------- layout alone


def everything(html: str) -> tuple:
    page = html_lines(html)
    return page, np.ones(len(page.texts), dtype=bool)


def test_table_row_on_one_line_in_text() -> None:
    page, keep = everything(
        "<p>Before the table.</p><table><tr><th>City</th><th>People</th></tr>"
        "<tr><td>Oslo</td><td>709,000</td></tr><tr><td>Bergen</td><td>291,000</td></tr></table>"
        "<p>After the table.</p>"
    )
    assert plain_text(page, keep) == (
        "Before the table.\nCity | People\nOslo | 709,000\nBergen | 291,000\nAfter the table."
    )
    keep[page.texts.index("709,000")] = False
    assert "Oslo\nBergen | 291,000" in plain_text(page, keep)


def test_layout_table_stays_paragraphs() -> None:
    long = " ".join(["A paragraph of the article that goes on."] * 3)
    page, keep = everything(
        f"<table><tr><td><p>Menu</p></td><td><p>{long}</p><p>{long}</p><p>{long}</p>"
        f"<p>{long}</p></td></tr></table>"
    )
    assert "|" not in to_markdown(page, keep)
    assert "|" not in plain_text(page, keep)
    assert to_markdown(page, keep).split("\n\n")[0] == "Menu"


def test_ordered_nested_lists_code_and_escapes() -> None:
    page, keep = everything(
        "<h3>Steps</h3><ol><li>Mix the flour<ul><li>sift it first</li></ul></li>"
        "<li>Bake it</li></ol><pre>def f(x):\n    return x</pre>"
        "<p># not a heading</p><h4>Notes</h4><table><tr><td>a|b</td><td></td><td>c</td></tr>"
        "<tr><td>1</td><td>2</td><td>3</td></tr></table>"
    )
    assert to_markdown(page, keep).split("\n\n") == [
        "## Steps",
        "1. Mix the flour\n    - sift it first\n2. Bake it",
        "```\ndef f(x):\n    return x\n```",
        "\\# not a heading",
        "### Notes",
        "| a\\|b |  | c |\n|---|---|---|\n| 1 | 2 | 3 |",
    ]


def test_whole_blocks() -> None:
    page, _ = everything(
        "<p>First paragraph.</p><ul><li>one long item of the list, kept by the model</li>"
        "<li>two</li></ul><ul><li>a</li><li>a longer item the model did not keep</li></ul>"
        "<p>Last paragraph.</p>"
    )
    keep = np.array([True, True, False, True, False, True])
    assert whole_blocks(page, keep).tolist() == [True, True, True, False, False, True]
    assert keep.tolist() == [True, True, False, True, False, True]  # not changed in place


def test_scraped_text_lists() -> None:
    page = text_lines(
        "What you need:\n• two eggs\n• a cup of milk\n\nThen:\n1. Mix them.\n2) Bake them.\n"
        "2024 was a good year."
    )
    keep = np.ones(len(page.texts), dtype=bool)
    assert to_markdown(page, keep).split("\n\n") == [
        "What you need:",
        "- two eggs\n- a cup of milk",
        "Then:",
        "1. Mix them.\n2. Bake them.",
        "2024 was a good year.",
    ]


# ---------------------------------------------------------------- batch and CLI


def test_clean_many_passes_the_options() -> None:
    (result,) = clean_many([PAGE], format="markdown", include_comments=True)
    assert result.text == boilerx.clean(PAGE, format="markdown")
    assert result.comments == COMMENT
    (plain,) = clean_many([PAGE])
    assert plain.text == boilerx.clean(PAGE) and plain.comments is None


def test_cli_markdown_comments_captions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "page.html"
    path.write_text(PAGE, encoding="utf-8")
    args = ["clean", str(path), "-j", "1", "-q", "--format", "jsonl"]
    assert main([*args, "--markdown", "--include-comments", "--include-captions"]) == 0
    (record,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert record["text"] == boilerx.clean(PAGE, format="markdown", include_captions=True)
    assert record["comments"] == COMMENT
    assert main(args) == 0
    (record,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert record["text"] == boilerx.clean(PAGE) and "comments" not in record
    assert main(["clean", str(path), "-j", "1", "-q", "--markdown", "--include-comments"]) == 0
    out = capsys.readouterr().out
    assert out == boilerx.clean(PAGE, format="markdown", include_comments=True) + "\n"


# ---------------------------------------------------------------- links and images

LINK = "[public schools](https://example.com/schools)"
IMAGE = "![The council chamber](/img/chamber.jpg)"
# PAGE with a link in its first paragraph, a nav link of the same words, a photo (and a
# tracking pixel) between the first two paragraphs and a logo in the header
MEDIA_PAGE = (
    PAGE.replace(
        '<li><a href="/sport">Sport</a></li>',
        '<li><a href="/sport">Sport</a></li><li><a href="/topics/schools">public schools</a></li>',
    )
    .replace(
        '<a class="logo" href="/">Daily News</a>',
        '<a class="logo" href="/"><img src="/logo.png" alt="Daily News logo"></a>',
    )
    .replace(
        "spending on public schools by",
        'spending on <a href="https://example.com/schools">public schools</a> by',
    )
    .replace(
        "night.</p>\n<p>The vote",
        '<a href="#top">night</a>.</p>\n<figure class="photo"><img src="/img/chamber.jpg" '
        'alt="The council chamber" width="800"><img src="/px.gif" width="1" height="1" '
        'alt="pixel"></figure>\n<p>The vote',
    )
)


def test_include_links_in_markdown() -> None:
    markdown = boilerx.clean(MEDIA_PAGE, format="markdown", include_links=True)
    first = blocks(markdown)[0]
    assert first.startswith("The city council on Tuesday approved")
    assert f"spending on {LINK} by twelve percent" in first
    assert first.endswith("late into the night.")  # a "#" link stays text
    assert markdown.count("](") == 1  # the nav link of the same words is not there
    assert "/topics/schools" not in markdown and "![" not in markdown


def test_include_images_in_markdown() -> None:
    parts = blocks(boilerx.clean(MEDIA_PAGE, format="markdown", include_images=True))
    at = parts.index(IMAGE)
    assert parts[at - 1].startswith("The city council on Tuesday approved")
    assert parts[at + 1].startswith("The vote was seven to two.")
    assert "/logo.png" not in "\n".join(parts)  # in the header
    assert "/px.gif" not in "\n".join(parts)  # a tracking pixel
    assert "](https://example.com" not in "\n".join(parts)


def test_links_and_images_off_by_default_and_in_text() -> None:
    markdown = boilerx.clean(MEDIA_PAGE, format="markdown")
    assert "](" not in markdown and "public schools by" in markdown
    assert markdown == boilerx.clean(
        MEDIA_PAGE, format="markdown", include_links=False, include_images=False
    )
    both = boilerx.clean(MEDIA_PAGE, format="markdown", include_links=True, include_images=True)
    assert LINK in both and IMAGE in both
    assert (
        boilerx.extract(MEDIA_PAGE, format="markdown", include_links=True, include_images=True).text
        == both
    )
    assert "![](/img/council.jpg)\n\n" + LAST in both  # PAGE's own photo
    for image in (IMAGE, "![](/img/council.jpg)"):
        both = both.replace(image + "\n\n", "")
    assert both.replace(LINK, "public schools") == markdown
    text = boilerx.clean(MEDIA_PAGE)  # a no-op for text
    assert text == boilerx.clean(MEDIA_PAGE, include_links=True, include_images=True)
    assert "](" not in text


def test_links_in_place_and_in_tables() -> None:
    page, keep = everything(
        "<p>Read more about it and <a href='/more'>more</a> here.</p>"
        "<p><a href='javascript:void(0)'>Share</a> <a href=''>this</a> now.</p>"
        "<table><tr><th>Team</th><th>Site</th></tr><tr><td><a href='/t?a|b c'>A|B [x]</a>"
        " FC</td><td><a href='https://x.org/(1)'>x.org</a></td></tr></table>"
    )
    assert to_markdown(page, keep, include_links=True).split("\n\n") == [
        "Read more about it and [more](/more) here.",
        "Share this now.",
        "| Team | Site |\n|---|---|\n"
        "| [A\\|B \\[x\\]](/t?a%7Cb%20c) FC | [x.org](https://x.org/%281%29) |",
    ]
    assert to_markdown(page, keep) == to_markdown(page, keep, include_images=True)


def test_images_only_between_kept_lines() -> None:
    page, _ = everything(
        "<img src='/before.jpg'><p>First line of the page.</p><img src='/a.jpg' alt='A'>"
        "<p>Second line.</p><aside><img src='/ad.jpg'></aside>"
        "<ul><li>An item<img src='/b.jpg'></li><li>Another</li></ul>"
        "<p>Third line.</p><img src='data:image/png;base64," + "A" * 400 + "'>"
        "<img src='/c.jpg' height='0'><p>Fourth line.</p><img src='/after.jpg'>"
    )
    keep = np.array([False, True, True, True, True, True], dtype=bool)
    assert page.texts[0] == "First line of the page."
    assert to_markdown(page, keep, include_images=True).split("\n\n") == [
        "Second line.",
        "![](/b.jpg)",
        "- An item\n- Another",
        "Third line.",
        "Fourth line.",
    ]
    keep[0] = True
    assert "![A](/a.jpg)\n\nSecond line." in to_markdown(page, keep, include_images=True)


def test_clean_many_and_cli_pass_links_and_images(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    both = boilerx.clean(MEDIA_PAGE, format="markdown", include_links=True, include_images=True)
    (result,) = clean_many([MEDIA_PAGE], format="markdown", include_links=True, include_images=True)
    assert result.text == both
    path = tmp_path / "page.html"
    path.write_text(MEDIA_PAGE, encoding="utf-8")
    args = ["clean", str(path), "-j", "1", "-q", "--markdown"]
    assert main([*args, "--include-links", "--include-images"]) == 0
    assert capsys.readouterr().out == both + "\n"
    assert main(args) == 0
    assert capsys.readouterr().out == boilerx.clean(MEDIA_PAGE, format="markdown") + "\n"


# ---------------------------------------------------------------- addresses
_ARTICLE_WITH_LINKS = """<html><head>{head}</head><body><article><h1>Harbour reopens</h1>
<p>The harbour in Porthaven reopened to fishing boats on Friday after six weeks of repairs to
the sea wall, <a href="{href}">the council said</a> in a statement on Friday morning.</p>
<img src="{src}" alt="The sea wall">
<p>Local fishermen said the closure had cost them most of the season, and called on the council
to speed up compensation payments promised in the spring, before the summer tourists arrive.</p>
</article></body></html>"""


@pytest.mark.parametrize(
    "head, href, src, link, image",
    [
        (  # the page's canonical address: a root-relative and a relative address
            '<link rel="canonical" href="https://news.example/world/harbour.html">',
            "/local/council",
            "img/wall.jpg",
            "https://news.example/local/council",
            "https://news.example/world/img/wall.jpg",
        ),
        (  # <base href> wins, and is itself resolved against the page's address
            '<meta property="og:url" content="https://news.example/a/b.html"><base href="/cdn/">',
            "council",
            "//img.example/wall.jpg",
            "https://news.example/cdn/council",
            "https://img.example/wall.jpg",
        ),
        (  # absolute addresses stay as written
            '<link rel="canonical" href="https://news.example/x.html">',
            "https://other.example/council",
            "https://img.example/wall.jpg",
            "https://other.example/council",
            "https://img.example/wall.jpg",
        ),
        (  # no address of its own (a relative canonical does not count): left relative
            '<link rel="canonical" href="/x.html">',
            "/local/council",
            "img/wall.jpg",
            "/local/council",
            "img/wall.jpg",
        ),
    ],
)
def test_links_and_images_resolve_against_the_pages_address(
    head: str, href: str, src: str, link: str, image: str
) -> None:
    html = _ARTICLE_WITH_LINKS.format(head=head, href=href, src=src)
    markdown = boilerx.clean(html, format="markdown", include_links=True, include_images=True)
    assert f"[the council said]({link})" in markdown, markdown
    assert f"![The sea wall]({image})" in markdown, markdown


def test_a_malformed_base_address_leaves_links_as_written() -> None:
    html = _ARTICLE_WITH_LINKS.format(
        head='<base href="http://[broken/">', href="/local/council", src="img/wall.jpg"
    )
    markdown = boilerx.clean(html, format="markdown", include_links=True, include_images=True)
    assert "[the council said](/local/council)" in markdown, markdown
