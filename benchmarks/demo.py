"""A tiny built-in dataset of synthetic news pages, so a fresh clone can run the suite."""

from __future__ import annotations

from benchmarks.datasets import Dataset, Page

_CHROME_TOP = """<header><nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>
<li><a href="/business">Business</a></li><li><a href="/sport">Sport</a></li>
<li><a href="/login">Sign in</a></li></ul></nav></header>
<div class="share">Share: icon-facebook icon-twitter icon-whatsapp</div>"""

_CHROME_BOTTOM = """<aside class="related"><h3>Related stories</h3><ul>
<li><a href="/a">Ten things you missed this week</a></li>
<li><a href="/b">Markets close higher after a quiet session</a></li>
<li><a href="/c">Opinion: why the weekend matters</a></li></ul></aside>
<section class="comments"><h3>Comments (3)</h3>
<div class="comment">great article, thanks for sharing!!</div>
<div class="comment">I disagree with most of this, frankly.</div></section>
<footer><p>&copy; 2025 Demo News Ltd. All rights reserved.</p>
<a href="/privacy">Privacy</a> <a href="/terms">Terms</a> <a href="/newsletter">Newsletter</a>
</footer>"""

_ARTICLES = [
    (
        "demo-1",
        "article",
        "Harbour town opens its first floating library",
        [
            "The harbour town of Kelmouth opened a floating library on Saturday, converting a "
            "retired ferry into a reading room with space for forty visitors.",
            "The project was funded by a local trust and took two years to complete, according "
            "to the council, which expects the boat to visit three villages along the coast.",
            "Volunteers catalogued more than six thousand books donated by residents, and the "
            "children's section was painted by pupils of the primary school.",
            "The library will stay moored in the harbour during the winter storms and sail again "
            "in the spring.",
        ],
    ),
    (
        "demo-2",
        "article",
        "Researchers track night-flying moths across the border",
        [
            "A team of ecologists fitted tiny radio tags to hawk moths to learn how far the "
            "insects travel in a single night.",
            "Some of the moths covered more than eighty kilometres before dawn, a distance that "
            "surprised the researchers who had expected a fraction of that.",
            "The findings suggest that the insects pollinate plants across a much wider area "
            "than gardens and fields close to where they hatch.",
        ],
    ),
    (
        "demo-3",
        "article",
        "City council approves new cycle lanes after long debate",
        [
            "After a debate that lasted well past midnight, the city council approved a network "
            "of protected cycle lanes on four of the busiest streets.",
            "Supporters said the lanes would make the daily commute safer for thousands of "
            "people, while shop owners worried about losing parking in front of their stores.",
            "Construction is due to begin in March and the first lanes should open before the "
            "summer holidays, the transport office said.",
            "The council will review traffic data after one year and publish the results.",
        ],
    ),
    (
        "demo-4",
        "article",
        "Bakery revives a forgotten rye recipe",
        [
            "A family bakery has brought back a dark rye bread that was last sold in the region "
            "almost a century ago.",
            "The owners found the recipe in a notebook kept by a great-grandmother and spent "
            "months adjusting it to modern ovens and flour.",
            "Queues formed outside the shop on the first morning and the bread sold out within "
            "an hour, the owners said.",
        ],
    ),
]


def _page_html(title: str, paragraphs: list[str]) -> str:
    paras = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title} | Demo News"
        f"</title></head><body>{_CHROME_TOP}<main><article><h1>{title}</h1>"
        f"<p class='byline'>By Demo Reporter, 3 June 2025</p>{paras}</article></main>"
        f"{_CHROME_BOTTOM}</body></html>"
    )


def _page_text(title: str, paragraphs: list[str]) -> str:
    lines = ["Home", "World", "Business", "Sport", "Sign in", "Share:", title]
    lines += ["By Demo Reporter, 3 June 2025", *paragraphs, "Related stories"]
    lines += ["Ten things you missed this week", "Markets close higher after a quiet session"]
    lines += ["Comments (3)", "great article, thanks for sharing!!", "Privacy", "Terms"]
    return "\n".join(lines)


def demo_dataset() -> Dataset:
    """Four synthetic news pages with reference bodies, snippets and text renderings."""
    pages = [
        Page(
            id=pid,
            dataset="demo",
            url=f"https://demo.example/{pid}",
            body="\n".join(paras),
            title=title,
            with_snippets=[paras[0][:60], paras[-1][:60]],
            without_snippets=["Ten things you missed this week", "All rights reserved"],
            type=kind,
            html_data=_page_html(title, paras).encode("utf-8"),
            text_data=_page_text(title, paras),
        )
        for pid, kind, title, paras in _ARTICLES
    ]
    return Dataset(name="demo", layout="builtin", path="benchmarks/demo.py", pages=pages)
