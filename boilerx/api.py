"""boilerx's pipeline, top to bottom: decode → lines → features → classify → decide → assemble.

Each stage is a module of :mod:`boilerx.pipeline`; this module runs them for one page.
"""

from __future__ import annotations

from dataclasses import replace
from numbers import Real
from typing import Any, Literal

import numpy as np

from boilerx.document import Document
from boilerx.pipeline.decide import (
    FORMATS,
    assemble,
    body_text,
    comment_text,
    decide,
    guess_title,
    with_captions,
)
from boilerx.pipeline.decode import (
    _CONTROL_SHARE,
    _SNIFF,
    _utf16_or_32,
    _utf16_without_mark,
    binary_kind,
    control_count,
    html_sign_in_utf8,
    looks_like_html,
    to_text_or_utf8,
    undo_wrong_charset,
)
from boilerx.pipeline.features import line_features, line_groups
from boilerx.pipeline.lines import Page, drop_notices, html_lines, text_lines
from boilerx.pipeline.markdown import to_markdown, whole_blocks
from boilerx.pipeline.metadata import METADATA_FIELDS, read_metadata, read_text_metadata
from boilerx.pipeline.model import get_model

Mode = Literal["auto", "html", "text"]
MODES = ("auto", "html", "text")
Format = Literal["text", "markdown"]


def split_page(text: str | None, mode: Mode = "auto", utf8: bytes | None = None) -> Page:
    """Stages 1–2: decide HTML or text and cut the page into lines (scraped text without its
    cookie and consent notices: ``lines.drop_notices``). ``utf8``: ``text``'s
    UTF-8 when the page came as those bytes (the HTML parser reads them as they are);
    ``text`` may then be ``None``, and is decoded from them only where it is needed."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    # text_lines drops NUL characters itself. Looked for in the UTF-8 where there is one (a
    # byte search); in a str, find rather than ``in``: twice as fast on two-byte characters
    if utf8 is not None:
        if mode != "text" and utf8.find(b"\x00") >= 0:
            text = None if text is None else text.replace("\x00", "")
            utf8 = utf8.replace(b"\x00", b"")  # NUL is one byte in UTF-8
    elif text is None:
        raise TypeError("split_page needs the text or its UTF-8")
    elif mode != "text" and text.find("\x00") >= 0:
        text = text.replace("\x00", "")
    if text is None:  # the page came as bytes that are UTF-8: decoded unless plainly HTML
        assert utf8 is not None
        if mode == "html" or (mode == "auto" and html_sign_in_utf8(utf8)):
            return html_lines(None, utf8)
        text = utf8.decode("utf-8")
    if mode == "html" or (mode == "auto" and looks_like_html(text)):
        return html_lines(text, utf8)
    text = undo_wrong_charset(text)  # scraped text read in a wrong charset
    page = text_lines(text)
    drop_notices(page, text)
    page.title = guess_title(page.texts)
    return page


def score_lines(page: Page, model: Any) -> tuple[np.ndarray, np.ndarray]:
    """Stages 3–4: the feature matrix, and the classifier's body probability for every line."""
    features = line_features(page, model.lexicon)
    if not page.texts:
        return features, np.zeros(0)
    return features, model.predict_page(features, line_groups(page, features))


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


def check_options(
    format: object,
    include_comments: object,
    include_captions: object,
    include_links: object = False,
    include_images: object = False,
) -> None:
    """Raise unless ``format`` is one of FORMATS (:class:`TypeError` for a non-string,
    :class:`ValueError` for another string) and the ``include_*`` flags are bools
    (:class:`TypeError`)."""
    if not isinstance(format, str):
        raise TypeError(f"format must be one of {FORMATS}, not {type(format).__name__}")
    if format not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, not {format!r}")
    for name, value in (
        ("include_comments", include_comments),
        ("include_captions", include_captions),
        ("include_links", include_links),
        ("include_images", include_images),
    ):
        if not isinstance(value, bool):
            raise TypeError(f"{name} must be True or False, not {type(value).__name__} {value!r}")


def skip_reason(page: object, mode: object = "auto", threshold: object = None) -> str | None:
    """Why ``page`` is not read at all, or ``None`` when it is: for bytes (``bytearray``,
    ``memoryview``) that are an image, a PDF, an archive or other binary data, by their file
    signature or their share of control bytes (:func:`~boilerx.pipeline.decode.binary_kind`),
    ``"not HTML or text: looks like PDF"`` and the like; for a ``str``, only over 5% of
    control characters makes it ``"... looks like binary"``. ``mode`` and ``threshold`` are
    checked first, so that a wrong argument raises whatever the page."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    check_threshold(threshold)
    if isinstance(page, (bytes, bytearray, memoryview)):
        data = page if not isinstance(page, memoryview) else bytes(page)
        kind = binary_kind(bytes(data[:_SNIFF]))
        if kind == "binary" and _utf16_or_32(bytes(data[:_SNIFF])):  # of a non-Latin script
            kind = None
    elif isinstance(page, str):  # other characters than Latin-1 are no control characters
        controls = control_count(page)
        binary = controls > _CONTROL_SHARE * min(len(page), _SNIFF) and not _utf16_without_mark(
            page[:_SNIFF].encode("latin-1", "replace")
        )
        kind = "binary" if binary else None
    else:
        return None  # to_text says what is wrong with it
    return None if kind is None else f"not HTML or text: looks like {kind}"


def _find_body(
    page: str | bytes,
    mode: Mode,
    threshold: float | None,
    format: str = "text",
    include_captions: bool = False,
) -> tuple[Page, np.ndarray, np.ndarray]:
    """Stages 1–5 for one page: its lines, their scores and which are body (with the
    captions inside the article when asked; in Markdown, tables and lists whole)."""
    check_threshold(threshold)
    text, utf8 = to_text_or_utf8(page)
    lines = split_page(text, mode, utf8)
    if not lines.texts:
        return lines, np.zeros(0), np.zeros(0, dtype=bool)
    model = get_model("html" if lines.is_html else "text")
    features, scores = score_lines(lines, model)
    keep = decide(lines, scores, model.threshold if threshold is None else threshold, features)
    if include_captions:
        keep = with_captions(lines, keep)
    if format == "markdown":
        keep = whole_blocks(lines, keep)
    return lines, scores, keep


def extract(
    page: str | bytes,
    *,
    mode: Mode = "auto",
    threshold: float | None = None,
    format: Format = "text",
    include_comments: bool = False,
    include_captions: bool = False,
    include_links: bool = False,
    include_images: bool = False,
) -> Document:
    """Find the article in ``page`` (HTML or scraped text, ``str`` or ``bytes``; a
    ``bytearray`` or ``memoryview`` is read as the bytes it holds).

    ``mode`` forces HTML or text handling; ``"auto"`` detects it. ``threshold`` is the
    precision/recall knob: the body probability a line needs to be kept, in [0, 1] — lower
    keeps more (recall), higher keeps less (precision); ``None`` uses the model's tuned value.
    The text and title are always valid Unicode: lone surrogates in a ``str`` page (or made by
    decoding its bytes) are replaced by U+FFFD before anything else.

    ``format="text"`` gives the body one paragraph a line (a table row's cells on one line,
    separated by " | "); ``"markdown"`` gives Markdown: subheadings as ``##``/``###``, list
    items as ``- ``/``1. ``, block quotes as ``> ``, tables as Markdown tables, <pre> as fenced
    code, a blank line between blocks; a table or list is kept or dropped as a whole.
    ``include_captions=True`` keeps the image captions inside the article, in place.
    In Markdown, ``include_links=True`` writes the links inside the kept lines as
    ``[text](href)`` and ``include_images=True`` the article's images (between its first and
    last kept line) as ``![alt](src)`` blocks, in place; with ``format="text"`` or scraped
    text they change nothing.
    ``include_comments=True`` fills ``Document.comments`` with the reader comments under the
    article (``None`` otherwise); they are never part of ``text``.
    Raises :class:`TypeError` for a page that is not text or bytes, for a ``threshold`` that
    is not a number (a string, a bool), a ``format`` that is not a string and ``include_*``
    flags that are not bools; :class:`ValueError` for an unknown ``mode`` or ``format`` or a
    ``threshold`` outside [0, 1]; and :class:`ModelIntegrityError` when the
    shipped model file fails its checksum.
    A page that is not HTML or text (an image, a PDF, an archive, random bytes: see
    :func:`skip_reason`) is not read: its ``Document`` has ``text`` ``""``, no title nor
    lines, and ``skipped`` saying why (``"not HTML or text: looks like PDF"``).
    """
    check_options(format, include_comments, include_captions, include_links, include_images)
    skipped = skip_reason(page, mode, threshold)
    if skipped is not None:
        return Document("", None, skipped=skipped)
    lines, scores, keep = _find_body(page, mode, threshold, format, include_captions)
    comments = comment_text(lines, keep) if include_comments else None
    document = assemble(lines, scores, keep, format, comments)
    if format == "markdown" and (include_links or include_images) and lines.is_html:
        document = replace(document, text=to_markdown(lines, keep, include_links, include_images))
    if not lines.is_html and threshold is None and lines.texts:
        threshold = get_model("text").threshold
    return with_metadata(document, lines, scores, threshold)


def with_metadata(
    document: Document,
    page: Page,
    scores: np.ndarray | None = None,
    threshold: float | None = None,
) -> Document:
    """``document`` with what its page says about the article: authors, dates, site, … (for
    HTML, its JSON-LD, meta tags and bylines; for scraped text, its byline and dateline) and
    the headline read from them (for scraped text, from its lines' ``scores`` where given, and
    the ``threshold`` that kept them)."""
    if page.is_html:
        if page.tree is None:
            return document
        meta = read_metadata("", tree=page.tree)
    else:
        meta = read_text_metadata(
            page.texts, scores, 0.5 if threshold is None else float(threshold)
        )
    found = {name: getattr(meta, name) for name in METADATA_FIELDS}
    return replace(document, title=meta.title or document.title, **found)


def clean(
    page: str | bytes,
    *,
    mode: Mode = "auto",
    threshold: float | None = None,
    format: Format = "text",
    include_comments: bool = False,
    include_captions: bool = False,
    include_links: bool = False,
    include_images: bool = False,
) -> str:
    """Return the article body of ``page``: one paragraph a line (or Markdown), without the
    headline. With ``include_comments=True`` the reader comments follow the body after a
    blank line (in Markdown, under a ``## Comments`` heading).

    Same arguments and errors as :func:`extract`. Empty or blank input gives ``""``, and so
    does a page that is not HTML or text (an image, a PDF, random bytes; see
    :func:`skip_reason`)."""
    check_options(format, include_comments, include_captions, include_links, include_images)
    if skip_reason(page, mode, threshold) is not None:
        return ""
    lines, _, keep = _find_body(page, mode, threshold, format, include_captions)
    if format == "markdown" and (include_links or include_images):
        text = to_markdown(lines, keep, include_links, include_images)
    else:
        text = body_text(lines, keep, format)
    if include_comments:
        text = with_comments(text, comment_text(lines, keep), format)
    return text


def with_comments(text: str, comments: str | None, format: str = "text") -> str:
    """``text`` followed by the reader ``comments`` (when there are any) after a blank line;
    in Markdown under a ``## Comments`` heading, a paragraph each."""
    if not comments:
        return text
    if format == "markdown":
        comments = "## Comments\n\n" + comments.replace("\n", "\n\n")
    return f"{text}\n\n{comments}" if text else comments
