"""Metadata: JSON-LD, meta tags, bylines, <time>, URL dates, scraped text (pages written
here), and the fundus-dev bars (when ../shared is present)."""

from __future__ import annotations

import json

import pytest

from boilerx.document import Document, Line
from boilerx.pipeline.metadata import (
    Metadata,
    clean_authors,
    date_in_url,
    parse_date,
    read_metadata,
    read_text_metadata,
    scored_headline,
)
from tests.conftest import SHARED

BODY = "<p>The city council voted on Tuesday to expand the harbour ferry service.</p>"


def page(head: str = "", body: str = "", lang: str = "en") -> str:
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">{head}</head>'
        f"<body>{body}</body></html>"
    )


def json_ld(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


GRAPH = {
    "@context": "https://schema.org",
    "@graph": [
        {
            "@type": "WebSite",
            "@id": "https://dailypost.example/#website",
            "name": "Daily Post",
        },
        {
            "@type": "WebPage",
            "@id": "https://dailypost.example/news/ferry",
            "name": "Council expands ferry service - Daily Post",
            "datePublished": "2020-01-01T00:00:00+00:00",
        },
        {
            "@type": ["NewsArticle"],
            "@id": "https://dailypost.example/news/ferry#article",
            "headline": "Council expands ferry service",
            "datePublished": "2025-06-02T09:30:00+02:00",
            "dateModified": "2025-06-03T10:00:00Z",
            "author": [
                {"@id": "https://dailypost.example/#/person/anna"},
                {"@type": "Person", "givenName": "Jan", "familyName": "Kos"},
            ],
            "publisher": {"@id": "https://dailypost.example/#org"},
            "image": {"@type": "ImageObject", "url": "https://dailypost.example/ferry.jpg"},
            "inLanguage": "en-GB",
        },
        {
            "@type": "Person",
            "@id": "https://dailypost.example/#/person/anna",
            "name": "By Anna Berg",
            "url": "https://dailypost.example/authors/anna",
        },
        {
            "@type": "NewsMediaOrganization",
            "@id": "https://dailypost.example/#org",
            "name": "Daily Post Media",
        },
    ],
}


def test_json_ld_graph_with_referenced_authors() -> None:
    html = page(
        json_ld(GRAPH)
        + '<link rel="canonical" href="/news/ferry">'
        + "<title>Council expands ferry service | Daily Post</title>",
        f"<h1>Council expands ferry service</h1>{BODY}",
    )
    meta = read_metadata(html, "https://dailypost.example/news/ferry?ref=rss")
    assert meta.title == "Council expands ferry service"
    # the Person found through its @id, and one written as given and family name
    assert meta.authors == ["Anna Berg", "Jan Kos"]
    # the article's date, not the WebPage's
    assert meta.date == "2025-06-02T09:30:00+02:00"
    assert meta.date_modified == "2025-06-03T10:00:00+00:00"
    assert meta.site_name == "Daily Post"  # the WebSite's name before the publisher's
    assert meta.url == "https://dailypost.example/news/ferry"
    assert meta.image == "https://dailypost.example/ferry.jpg"
    assert meta.language == "en"


def test_json_ld_list_and_organisation_as_placeholder() -> None:
    """An author that is the site itself gives way to a person named elsewhere; alone, it is
    kept (the site is then the author)."""
    article = {
        "@context": "https://schema.org",
        "@type": "ReportageNewsArticle",
        "headline": "Harbour ferries to run all night",
        "datePublished": "2024-05-03T15:47:42.389Z",
        "author": {"@type": "Organization", "name": "Daily Post"},
    }
    head = json_ld([{"@type": "BreadcrumbList"}, article]) + (
        '<meta property="og:site_name" content="Daily Post">'
    )
    alone = read_metadata(page(head, BODY))
    assert alone.authors == ["Daily Post"]
    assert alone.date == "2024-05-03T15:47:42+00:00"
    assert alone.title == "Harbour ferries to run all night"
    named = read_metadata(page(head + '<meta name="author" content="Anna Berg">', BODY))
    assert named.authors == ["Anna Berg"]


def test_meta_tags_only() -> None:
    head = (
        "<title>Ferry plan passes - Daily Post</title>"
        '<meta property="og:title" content="Ferry plan passes">'
        '<meta property="og:site_name" content="Daily Post">'
        '<meta name="author" content="By Anna Berg and Jan Kos">'
        '<meta property="article:published_time" content="2025-06-02T09:30:00+02:00">'
        '<meta property="article:modified_time" content="2025-06-02T11:00:00+02:00">'
        '<meta name="description" content="A short &amp; plain summary.">'
        '<meta property="og:image" content="/img/ferry.jpg">'
        '<meta property="og:locale" content="de_DE">'
    )
    meta = read_metadata(page(head, BODY, lang=""), "https://dailypost.example/a/b")
    assert meta.title == "Ferry plan passes"
    assert meta.authors == ["Anna Berg", "Jan Kos"]
    assert meta.date == "2025-06-02T09:30:00+02:00"
    assert meta.date_modified == "2025-06-02T11:00:00+02:00"
    assert meta.site_name == "Daily Post"
    assert meta.description == "A short & plain summary."
    assert meta.image == "https://dailypost.example/img/ferry.jpg"
    assert meta.language == "de-DE"
    assert meta.url == "https://dailypost.example/a/b"


def test_title_tag_without_site_name() -> None:
    head = (
        '<title>Daily Post | Ferry plan passes</title><meta name="application-name" '
        'content="Daily Post">'
    )
    assert read_metadata(page(head, BODY)).title == "Ferry plan passes"
    head = "<title>Ferry plan passes – The Daily Post</title>"
    meta = read_metadata(page(head, BODY), "https://www.dailypost.example/x")
    assert meta.title == "Ferry plan passes"


def test_byline_after_the_headline() -> None:
    """No metadata: the byline below the headline, not the teaser's above it."""
    body = (
        '<article class="teaser"><h2>Other story</h2><div class="byline">By Otto Teaser</div>'
        "</article>"
        "<main><h1>Council expands ferry service</h1>"
        '<div class="article-byline">By Anna Berg, Political Reporter and '
        '<a href="/j">Jan Kos</a></div>'
        '<p class="meta-line">Published June 2, 2025 at 9:30 pm</p>'
        f"{BODY}</main>"
    )
    meta = read_metadata(page("", body))
    assert meta.authors == ["Anna Berg", "Jan Kos"]
    assert meta.date == "2025-06-02T21:30:00"
    assert meta.title == "Council expands ferry service"


@pytest.mark.parametrize(
    "byline",
    [
        '<div class="author-box"><svg viewBox="0 0 10 10"><rect width="10" height="10"/>'
        '<text x="5" y="5">AB</text></svg> <span>Anna Berg</span></div>',
        '<a rel="author" href="/a"><svg><title>AB</title></svg>Anna Berg</a>',
    ],
)
def test_byline_without_an_avatars_svg_text(byline: str) -> None:
    """An avatar drawn as SVG (the author's initials) is no part of the name."""
    meta = read_metadata(page("", f"<h1>Council expands ferry service</h1>{byline}{BODY}"))
    assert meta.authors == ["Anna Berg"]


def test_rel_author_and_dateline_in_german() -> None:
    body = (
        "<h1>Fähre fährt künftig bis Mitternacht</h1>"
        '<div class="lineinfo">Do 25.04.24 | 14:07 Uhr | Von <a rel="author" href="/a">'
        "Eva Kirchner-Rätsch</a></div>"
        f"{BODY}"
    )
    meta = read_metadata(page("", body, lang="de"))
    assert meta.authors == ["Eva Kirchner-Rätsch"]
    assert meta.date == "2024-04-25T14:07:00"


def test_time_element() -> None:
    body = (
        "<h1>Council expands ferry service</h1>"
        '<time datetime="2024-05-03T17:47+0200">3. Mai 2024, 17:47</time>{BODY}'
    )
    meta = read_metadata(page("", body))
    assert meta.date == "2024-05-03T17:47:00+02:00"


def test_date_from_the_url() -> None:
    html = page("<title>Ferry plan passes</title>", BODY)
    assert read_metadata(html).date is None
    meta = read_metadata(html, "https://dailypost.example/news/2023/07/14/ferry-plan")
    assert meta.date == "2023-07-14"
    assert date_in_url("https://x.example/story-20230714-ferry.html") == "2023-07-14"
    assert date_in_url("https://x.example/story/3000000218734/ferry") is None
    assert date_in_url("https://x.example/2023/13/45/ferry") is None


@pytest.mark.parametrize(
    ("written", "iso"),
    [
        ("2024-05-03T15:47:42.389Z", "2024-05-03T15:47:42+00:00"),
        ("2024-05-03 15:47:42+0530", "2024-05-03T15:47:42+05:30"),
        ("2024-05-03", "2024-05-03"),
        ("20240503", "2024-05-03"),
        ("Fri, 03 May 2024 15:47:42 GMT", "2024-05-03T15:47:42+00:00"),
        ("3. Mai 2024, 17:47 Uhr", "2024-05-03T17:47:00"),
        ("June 2, 2025", "2025-06-02"),
        ("2 de junio de 2025", "2025-06-02"),
        ("03.05.2024", "2024-05-03"),
        ("2026.01.29 18:40", "2026-01-29T18:40:00"),
        ("20/1/2026 18:30", "2026-01-20T18:30:00"),
        ("2025년 5월 15일", "2025-05-15"),
        ("no date here", None),
        ("2024-02-30", None),
    ],
)
def test_parse_date(written: str, iso: str | None) -> None:
    assert parse_date(written) == iso


@pytest.mark.parametrize(
    ("values", "names"),
    [
        (["By Anna Berg and Jan Kos"], ["Anna Berg", "Jan Kos"]),
        (["Von Anna Berg und Jan Kos"], ["Anna Berg", "Jan Kos"]),
        (["Thabo Mokone, Political Reporter"], ["Thabo Mokone"]),
        (["신현주 기자"], ["신현주"]),
        (["Anna Berg", "ANNA BERG", "anna.berg@dailypost.example"], ["Anna Berg"]),
        (["BBC News"], ["BBC News"]),
        (["Bild: SN/APA/KEYSTONE"], []),
        (["https://www.facebook.com/dailypost"], []),
        (["Anna Berg 05. November 2024 15:36 Uhr"], ["Anna Berg"]),
        (["Michelle de Oliveira"], ["Michelle de Oliveira"]),
        (["Cazzy Magennis Last updated: August 1"], ["Cazzy Magennis"]),
    ],
)
def test_clean_authors(values: list[str], names: list[str]) -> None:
    assert clean_authors(values) == names


def test_clean_authors_in_a_byline_label() -> None:
    assert clean_authors(["Politik von Jemima Kelly"], byline=True) == ["Jemima Kelly"]
    assert clean_authors(["Politik von Jemima Kelly"]) != ["Jemima Kelly"]


def test_broken_json_ld_is_skipped() -> None:
    head = (
        '<script type="application/ld+json"><!-- {"@type": "NewsArticle", '
        '"headline": "Ferry plan passes", "author": "Anna Berg",} --></script>'
        '<script type="application/ld+json">{not json</script>'
    )
    meta = read_metadata(page(head, BODY))
    assert meta.title == "Ferry plan passes"
    assert meta.authors == ["Anna Berg"]


MALFORMED = "https://[dailypost.example/2024/05/03/ferry"  # an unclosed IPv6 "["


@pytest.mark.parametrize(
    "head",
    [
        f'<link rel="canonical" href="{MALFORMED}">',
        f'<meta property="og:url" content="{MALFORMED}"><meta property="og:image" content="/i">',
    ],
)
def test_malformed_page_address_is_read_as_written(head: str) -> None:
    """An address urllib cannot split costs the page nothing: it is kept as written, and the
    date in its path is still read."""
    meta = read_metadata(page(head, BODY))
    assert meta.url == MALFORMED
    assert meta.date == "2024-05-03"
    crawled = read_metadata(page(body=BODY), url=MALFORMED)
    assert crawled.date == "2024-05-03"


def test_malformed_addresses_in_json_ld() -> None:
    article = {
        "@type": "NewsArticle",
        "headline": "Harbour ferry service to expand",
        "url": MALFORMED,
        "mainEntityOfPage": MALFORMED,
        "image": "/f.jpg",
        "author": {"@type": "Person", "name": "Ana Lima", "url": "https://[x"},
    }
    meta = read_metadata(page(json_ld(article), BODY), url=MALFORMED)
    assert meta.title == "Harbour ferry service to expand"
    assert meta.authors == ["Ana Lima"]


def test_empty_page() -> None:
    assert read_metadata("") == Metadata()
    assert read_text_metadata([]) == Metadata()


def test_text_metadata() -> None:
    texts = [
        "Skip to main content",
        "News Sport Culture Opinion",
        "Council expands ferry service",
        "By Anna Berg and Jan Kos",
        "June 2, 2025",
        "The city council voted on Tuesday to expand the harbour ferry service.",
    ]
    meta = read_text_metadata(texts)
    assert meta.title == "Council expands ferry service"
    assert meta.authors == ["Anna Berg", "Jan Kos"]
    assert meta.date == "2025-06-02"
    assert meta.site_name is None and meta.url is None
    bare = read_text_metadata(["Council expands ferry service", texts[-1]])
    assert bare.authors == [] and bare.date is None


def test_scraped_texts_headline_is_read_from_the_article_it_heads() -> None:
    """Given the line scores, the headline is the headline-shaped line before the first
    confident line whose words the article uses most, past a dateline, a byline and a
    teaser's headline nearer the top; without scores, the first headline-shaped line."""
    import numpy as np

    texts = [
        "Skip to main content",
        "Most read: Storm closes mountain pass for the weekend",
        "Politics Business Sport Culture Opinion",
        "Harbour ferry service will grow by three routes",
        "Updated June 2, 2025",
        "By Anna Berg",
        "The city council voted on Tuesday to expand the harbour ferry service with three routes.",
        "The routes will connect the northern suburbs with the old town from next spring.",
        "Weather tomorrow: sunny with strong winds on the coast",
    ]
    scores = np.array([0.0, 0.1, 0.0, 0.2, 0.1, 0.1, 0.95, 0.9, 0.3])
    assert scored_headline(texts, scores, 0.5) == texts[3]
    assert read_text_metadata(texts, scores, 0.5).title == texts[3]
    # without a byline or dateline to anchor it, the unscored reading takes the first
    # headline-shaped line: a menu link
    unanchored = [t for t in texts if not t.startswith(("By", "Upd"))]
    kept = np.array([s for t, s in zip(texts, scores) if not t.startswith(("By", "Upd"))])
    assert read_text_metadata(unanchored).title == texts[0]
    assert scored_headline(unanchored, kept, 0.5) == texts[3]
    assert read_text_metadata(unanchored, kept, 0.5).title == texts[3]
    assert scored_headline(texts, np.zeros(len(texts)), 0.5) is None  # no confident line


def test_scraped_texts_byline_and_dateline_are_read_beside_its_scored_headline() -> None:
    """A teaser's byline and date above the article are passed over once the scores say
    where the article and its headline are; without scores the first byline is taken."""
    import numpy as np

    texts = [
        "Most read",
        "Storm closes the mountain pass for the whole weekend",
        "By Max Ruf",
        "March 3, 2025",
        "Politics",
        "Business",
        "Sport",
        "Culture",
        "Harbour ferry service will grow by three routes",
        "By Anna Berg",
        "June 2, 2025",
        "The city council voted on Tuesday to expand the harbour ferry service with three routes.",
        "The routes will connect the northern suburbs with the old town from next spring.",
    ]
    scores = np.array([0.0, 0.3, 0.1, 0.1, 0.0, 0.0, 0.0, 0.0, 0.2, 0.1, 0.1, 0.95, 0.9])
    meta = read_text_metadata(texts, scores, 0.5)
    assert (meta.title, meta.authors, meta.date) == (texts[8], ["Anna Berg"], "2025-06-02")
    unscored = read_text_metadata(texts)
    assert (unscored.authors, unscored.date) == (["Max Ruf"], "2025-03-03")


def test_scraped_texts_byline_label_may_stand_on_its_own_line() -> None:
    """A byline's label alone on a line ("Author of the article:", "von") has the names on the
    next line; words that are no names ("of the article") are not taken for them."""
    texts = [
        "Council expands ferry service",
        "Author of the article:",
        "Joseph Brean",
        "Published Aug 28, 2024",
        "The city council voted on Tuesday to expand the harbour ferry service.",
    ]
    meta = read_text_metadata(texts)
    assert meta.authors == ["Joseph Brean"]
    assert meta.date == "2024-08-28"
    assert meta.title == "Council expands ferry service"
    assert read_text_metadata(["von", "Anne-Marie Slaughter", texts[-1]]).authors == [
        "Anne-Marie Slaughter"
    ]
    # a label followed by a sentence, and "names" in lower case, are no byline
    assert read_text_metadata(["By", texts[-1]]).authors == []
    assert read_text_metadata(["By the way of the river", texts[-1]]).authors == []


def test_document_fields_have_defaults() -> None:
    line = Line("text", True, 1.0, "paragraph")
    doc = Document(text="Body.", title="Title", lines=[line])
    assert doc.authors == [] and doc.date is None and doc.url is None
    assert Document("Body.", None).lines == []
    full = Document("Body.", "T", [], ["Anna Berg"], "2025-06-02", image="https://x/i.jpg")
    assert full.authors == ["Anna Berg"] and full.date == "2025-06-02"


FUNDUS = SHARED / "datasets" / "fundus-dev"


def test_fundus_dev_bars() -> None:
    """Issue 19's bars on fundus-dev (trafilatura there: title 0.70, date 0.97, authors 0.84
    with benchmarks.metadata's scoring)."""
    if not (FUNDUS / "pages.jsonl").is_file():
        pytest.skip(f"fundus-dev is not here ({FUNDUS} missing: a clone without ../shared)")
    from benchmarks.metadata import boilerx_guess, load, score

    scores = score(load(FUNDUS), boilerx_guess)
    mean = lambda values: sum(values) / len(values)  # noqa: E731
    assert mean(scores.title) >= 0.72
    assert mean(scores.date) >= 0.97
    assert mean(scores.authors) >= 0.86
