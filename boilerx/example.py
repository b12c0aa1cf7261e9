"""A built-in example: ``python -m boilerx.example`` cleans a small news page, as HTML and as
the text a browser would save, and prints what it kept."""

from __future__ import annotations

import boilerx

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<title>Night trains return to the Alps | The Courier</title>
<meta property="og:title" content="Night trains return to the Alps"></head>
<body><header><nav class="menu"><a href="/">Home</a> <a href="/world">World</a>
<a href="/travel">Travel</a> <a href="/climate">Climate</a> <a href="/login">Sign in</a></nav></header>
<main><article><h1>Night trains return to the Alps</h1>
<p class="byline">By Lena Hofer</p><p class="meta">4 min read</p>
<div class="share"><a class="icon-facebook">Share</a> <a class="icon-twitter">Tweet</a></div>
<div class="story-body">
<p>Sleeper trains will run again between Vienna, Innsbruck and Zurich from December, the rail
operator announced on Monday, ending a gap of almost a decade on one of Europe's most scenic
routes.</p>
<p>The company said demand for overnight travel had doubled since 2019, driven by travellers who
want to avoid short-haul flights, and that the new carriages offer private cabins with showers.</p>
<aside class="related"><h4>Related</h4><ul>
<li><a href="/a">Rail strike ends after three days</a></li>
<li><a href="/b">Ten scenic train journeys to take this winter</a></li></ul></aside>
<p>Tickets go on sale next week. A one-way berth will start at 59 euros, while a private
compartment for two will cost about 200 euros, depending on the season.</p>
</div></article>
<section class="recommended"><h3>Recommended</h3>
<div class="card"><a href="/c"><h4>Why ski resorts are betting on summer</h4></a><span>By Max Ruf</span></div>
<div class="card"><a href="/d"><h4>The quiet revival of the Orient Express</h4></a><span>By Ada Lim</span></div>
</section></main>
<footer><p>© 2025 The Courier. All rights reserved.</p><a href="/privacy">Privacy</a>
<a href="/cookies">Cookie settings</a></footer></body></html>"""


def main() -> None:
    doc = boilerx.extract(PAGE)
    print(f"title: {doc.title}\n")
    for line in doc.lines:
        mark = "KEEP" if line.is_body else "drop"
        print(f"{mark} {line.score:.2f} {line.kind:9s} {line.text[:80]}")
    print("\nclean(page):\n" + boilerx.clean(PAGE))
    # The same page as the text a scraper saves: one block a line.
    saved_text = "\n".join(line.text for line in doc.lines)
    print("\nclean(saved text):\n" + boilerx.clean(saved_text))


if __name__ == "__main__":
    main()
