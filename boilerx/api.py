"""boilerx's pipeline, top to bottom: decode → lines → features → classify → decide → assemble.

Each stage is a module of :mod:`boilerx.pipeline`; this module runs them for one page.
"""

from __future__ import annotations

from dataclasses import replace
from numbers import Real
from typing import Any, Literal

import numpy as np

from boilerx.document import Document
from boilerx.pipeline.decide import assemble, body_text, decide, guess_title
from boilerx.pipeline.decode import looks_like_html, to_text
from boilerx.pipeline.features import line_features, line_groups
from boilerx.pipeline.lines import Page, html_lines, text_lines
from boilerx.pipeline.metadata import read_metadata, read_text_metadata
from boilerx.pipeline.model import get_model

Mode = Literal["auto", "html", "text"]
MODES = ("auto", "html", "text")


def split_page(text: str, mode: Mode = "auto") -> Page:
    """Stages 1–2: decide HTML or text and cut the page into lines."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    if mode != "text" and "\x00" in text:  # text_lines drops NUL characters itself
        text = text.replace("\x00", "")
    is_html = mode == "html" or (mode == "auto" and looks_like_html(text))
    if is_html:
        return html_lines(text)
    page = text_lines(text)
    page.title = guess_title(page.texts)
    return page


def score_lines(page: Page, model: Any) -> tuple[np.ndarray, np.ndarray]:
    """Stages 3–4: the feature matrix, and the classifier's body probability for every line."""
    features = line_features(page)
    if not page.texts:
        return features, np.zeros(0)
    return features, model.predict_page(features, line_groups(page))


def check_threshold(threshold: object) -> None:
    """Raise unless ``threshold`` is ``None`` or a real number in [0, 1]: :class:`TypeError`
    for a string, a bool or anything else that is not a number, :class:`ValueError` for a
    number outside [0, 1] (NaN included)."""
    if threshold is None:
        return
    if isinstance(threshold, bool) or not isinstance(threshold, Real):
        raise TypeError(
            f"threshold must be a number in [0, 1] or None, not {type(threshold).__name__} "
            f"{threshold!r}"
        )
    if not 0.0 <= float(threshold) <= 1.0:  # NaN too
        raise ValueError(f"threshold must be within [0, 1], not {threshold!r}")


def _find_body(
    page: str | bytes, mode: Mode, threshold: float | None
) -> tuple[Page, np.ndarray, np.ndarray]:
    """Stages 1–5 for one page: its lines, their scores and which are body."""
    check_threshold(threshold)
    text = to_text(page)
    lines = split_page(text, mode)
    if not lines.texts:
        return lines, np.zeros(0), np.zeros(0, dtype=bool)
    model = get_model("html" if lines.is_html else "text")
    features, scores = score_lines(lines, model)
    keep = decide(lines, scores, model.threshold if threshold is None else threshold, features)
    return lines, scores, keep


def extract(page: str | bytes, *, mode: Mode = "auto", threshold: float | None = None) -> Document:
    """Find the article in ``page`` (HTML or scraped text, ``str`` or ``bytes``; a
    ``bytearray`` or ``memoryview`` is read as the bytes it holds).

    ``mode`` forces HTML or text handling; ``"auto"`` detects it. ``threshold`` is the
    precision/recall knob: the body probability a line needs to be kept, in [0, 1] — lower
    keeps more (recall), higher keeps less (precision); ``None`` uses the model's tuned value.
    The text and title are always valid Unicode: lone surrogates in a ``str`` page (or made by
    decoding its bytes) are replaced by U+FFFD before anything else.
    Raises :class:`TypeError` for a page that is not text or bytes and for a ``threshold`` that
    is not a number (a string, a bool), :class:`ValueError` for an unknown ``mode`` or a
    ``threshold`` outside [0, 1], and :class:`ModelIntegrityError` when the
    shipped model file fails its checksum.
    """
    lines, scores, keep = _find_body(page, mode, threshold)
    return with_metadata(assemble(lines, scores, keep), lines)


def with_metadata(document: Document, page: Page) -> Document:
    """``document`` with what its page says about the article: authors, dates, site, … (for
    HTML, its JSON-LD, meta tags and bylines; for scraped text, its byline and dateline) and
    the headline read from them."""
    if page.is_html:
        if page.tree is None:
            return document
        meta = read_metadata("", tree=page.tree)
    else:
        meta = read_text_metadata(page.texts)
    return replace(
        document,
        title=meta.title or document.title,
        authors=meta.authors,
        date=meta.date,
        date_modified=meta.date_modified,
        site_name=meta.site_name,
        description=meta.description,
        language=meta.language,
        url=meta.url,
        image=meta.image,
    )


def clean(page: str | bytes, *, mode: Mode = "auto", threshold: float | None = None) -> str:
    """Return the article body of ``page``: one paragraph a line, without the headline.

    Same arguments and errors as :func:`extract`. Empty or blank input gives ``""``."""
    lines, _, keep = _find_body(page, mode, threshold)
    return body_text(lines, keep)
