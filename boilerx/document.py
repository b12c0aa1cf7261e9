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
    """The article found in a page: its body ``text``, its ``title`` and every ``line`` scored."""

    text: str
    title: str | None
    lines: list[Line] = field(default_factory=list)
