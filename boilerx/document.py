"""Result types returned by :func:`boilerx.extract`."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Line:
    """One line of the page as boilerx saw it.

    ``kind`` is the block kind: ``heading``, ``paragraph``, ``list``, ``table``, ``caption``,
    ``quote``, ``pre`` or ``other`` for HTML; ``text`` for plain-text input.
    ``score`` is the model's probability that the line is article body.
    """

    text: str
    is_body: bool
    score: float
    kind: str


@dataclass(frozen=True)
class Document:
    """The article found in a page: its body ``text``, its ``title`` and every ``line`` scored,
    with what the page says about the article (``None``, or no ``authors``, where it says
    nothing).

    ``date`` (published) and ``date_modified`` are ISO 8601: the date, plus the time and its
    UTC offset when the page gives them (``2024-05-03``, ``2024-05-03T15:47:42+00:00``).
    ``site_name`` is the publication, ``description`` its summary of the article,
    ``language`` a language tag (``de``, ``en-GB``), ``url`` the canonical URL and ``image``
    the article's lead image (``og:image``).
    ``comments`` is the reader comments under the article, one a line, when they were asked
    for (``include_comments=True``; ``""`` when the page has none), else ``None``.
    ``skipped`` says why the page was not read at all, its ``text`` then ``""``: for an image,
    a PDF, an archive or other binary data, ``"not HTML or text: looks like PDF"`` and the
    like; ``None`` for a page that was read.
    """

    text: str
    title: str | None
    lines: list[Line] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    date: str | None = None
    date_modified: str | None = None
    site_name: str | None = None
    description: str | None = None
    language: str | None = None
    url: str | None = None
    image: str | None = None
    comments: str | None = None
    skipped: str | None = None
