"""boilerx: removes boilerplate from scraped news pages.

>>> import boilerx
>>> boilerx.clean("<html><body><nav>Home</nav><p>A sentence of the article.</p></body></html>")
'A sentence of the article.'

Public API: :func:`clean`, :func:`extract`, :func:`clean_many`, :class:`Document`, :class:`Line`,
:class:`ModelIntegrityError`.
"""

from __future__ import annotations

from boilerx.api import clean, extract
from boilerx.document import Document, Line
from boilerx.pipeline.model import ModelIntegrityError

__all__ = ["Document", "Line", "ModelIntegrityError", "clean", "clean_many", "extract"]
__version__ = "0.1.0"


def __getattr__(name: str):  # lazy: batch machinery is only imported when asked for
    if name == "clean_many":
        from boilerx.batch.pool import clean_many

        return clean_many
    raise AttributeError(f"module 'boilerx' has no attribute {name!r}")
