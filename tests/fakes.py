"""A stand-in for boilerx.api.extract, for testing the batch machinery apart from the model.

It lives in its own module so that worker processes can import it by name."""

from __future__ import annotations

import os

from boilerx.document import Document, Line


def fake_extract(
    page: str | bytes, *, mode: str = "auto", threshold: float | None = None
) -> Document:
    """Keeps lines of 3+ words, upper-cased; the title records the mode and threshold."""
    if not isinstance(page, (str, bytes)):
        raise TypeError("page must be str or bytes")
    text = page.decode("utf-8") if isinstance(page, bytes) else page
    if "RAISE" in text:
        raise ValueError("fake failure")
    if text == "CRASH":
        os._exit(3)  # a worker dying, as a segfault in a parser would
    lines = [Line(s.upper(), len(s.split()) >= 3, 1.0, "text") for s in text.splitlines() if s]
    body = "\n".join(line.text for line in lines if line.is_body)
    return Document(body, f"{mode}|{threshold}", lines)
