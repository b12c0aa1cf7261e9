"""Shared fixtures: small news pages written for these tests, with the shapes of real ones."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"

BODY = [
    "The city council voted on Tuesday to expand the harbour ferry service, adding three new "
    "routes that will connect the northern suburbs with the old town from next spring.",
    "Officials said the plan, which has been debated for almost two years, would cut commuting "
    "times by up to forty minutes for some residents and take thousands of cars off the roads.",
    "Opposition members argued that the budget of 48 million euros was too high, but the motion "
    "passed with a clear majority after a long and at times heated debate in the chamber.",
    "The first of the new boats is expected to arrive in March, the transport department said, "
    "and trial runs will begin shortly afterwards if the weather allows it.",
    "Residents who spoke to reporters after the vote were mostly pleased, although several said "
    "they would wait to see whether the promised timetable is kept before celebrating.",
]
OTHER_HEADLINES = [
    "Armenia removes image of mountain from passport stamps",
    "Basketball team secures silver at the European championship",
    "President heads to Qatar for regional summit",
    "Foreign minister to attend preparatory meeting ahead of summit",
    "Tombstones with ancient carvings uncovered near the coast",
    "Chess prodigy stuns world champion in rapid game",
]


def news_html(*, middle: str = "", after: str = "", before: str = "") -> str:
    """An article page with a menu, share buttons and a footer; ``middle`` is inserted after the
    third paragraph, ``after`` after the article."""
    paragraphs = [f"<p>{p}</p>" for p in BODY]
    paragraphs.insert(3, middle)
    return f"""<!DOCTYPE html><html><head><title>Council expands ferry service | Daily Post</title>
<meta property="og:title" content="Council expands ferry service"></head><body>
<header class="site-header"><nav class="main-nav"><ul><li><a href="/">Home</a></li>
<li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li>
<li><a href="/culture">Culture</a></li><li><a href="/opinion">Opinion</a></li></ul></nav></header>
{before}
<main><article class="story"><h1>Council expands ferry service</h1>
<div class="byline">By Anna Berg</div><time>June 2, 2025</time><span class="read-time">2 min read</span>
<div class="share-tools"><a class="icon-facebook" href="#">Facebook</a>
<a class="icon-twitter" href="#">Twitter</a><a class="icon-whatsapp" href="#">WhatsApp</a></div>
<div class="article-body">{"".join(paragraphs)}</div></article>{after}</main>
<footer class="site-footer"><p>© 2025 Daily Post. All rights reserved.</p>
<ul><li><a href="/privacy">Privacy policy</a></li><li><a href="/cookies">Cookie settings</a></li>
</ul></footer></body></html>"""


def explore_block() -> str:
    items = "".join(
        f'<li class="card"><a href="/s/{i}"><h3>{h}</h3></a><span class="author">By Staff {i}'
        "</span></li>"
        for i, h in enumerate(OTHER_HEADLINES)
    )
    return f'<section class="explore"><h2>Explore</h2><ul class="card-list">{items}</ul></section>'


def news_text() -> str:
    """The same article as a browser's saved text, with the chrome of the seeds."""
    lines = [
        "NEWS",
        "2 min read",
        "Council expands ferry service",
        "June 2, 2025",
        "icon-facebook icon-twitter icon-whatsapp",
        "",
    ]
    for i, p in enumerate(BODY):
        lines += [p, ""]
        if i == 2:
            lines += [
                "RelatedDaily Post - Ferry operator reports record summer",
                "",
                "Recommended",
                "",
            ]
    lines += ["Explore"] + [
        h for pair in zip(OTHER_HEADLINES, [f"By Staff {i}" for i in range(6)]) for h in pair
    ]
    return "\n".join(lines)


@pytest.fixture
def seeds_dir() -> Path:
    path = SHARED / "seeds"
    if not path.is_dir():
        pytest.skip(f"the labelled seeds are not here ({path} missing: a clone without ../shared)")
    return path


@pytest.fixture(autouse=True)
def fresh_workers() -> Iterator[None]:
    """Worker processes are forked and keep the state of the moment they were forked (a
    patched ``boilerx.api.extract`` included): every test starts with none."""
    yield
    from boilerx.batch.pool import _shutdown_workers

    _shutdown_workers()
