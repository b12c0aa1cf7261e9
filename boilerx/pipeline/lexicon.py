"""Stage 3, the learned part: what a line's words say about it.

Marker lists name the chrome words someone thought of ("Related", "Share", "Anzeige"). The
lexicon is learned instead: for every word seen on the training pages of enough different
sites, how much more often it occurs among the words of chrome lines than among those of
body lines (a log ratio). Words that tell
("cookie", "subscribe", "newsletter", "advertisement", "comments", "©", in whatever language
the training pages use them) get large weights; a site's own name, seen on one site only, gets
none. It is fitted by :mod:`boilerx.training.lexicon` and shipped inside the model file.

Six columns a line, from the words of its first :data:`HEAD` characters: the mean, largest
and smallest weight of its known words, the share of its words that are known, and the
previous and next line's mean.

A word is a run of word characters (``\\w`` of :mod:`re`), lower-cased one code point at a
time (the first code point of ``str.lower``), neither only digits nor :data:`MAX_WORD` code
points or longer. The compiled ``_shape`` module reads the words the same way and finds them
by a 64-bit hash of their code points; the tests compare the two.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

try:
    from boilerx.pipeline import _shape as _compiled_shape
except ImportError:  # not built: look words up in a dict
    _compiled_shape = None  # type: ignore[assignment]

HEAD = 200  # characters of a line whose words are read
MAX_WORD = 30  # code points: a longer run (an id, a URL piece) is no word
NAMES = ["lex_mean", "lex_max", "lex_min", "lex_known", "lex_mean_before", "lex_mean_after"]
N_COLUMNS = len(NAMES)

_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """The words of ``text``'s first :data:`HEAD` characters, lower-cased, in order."""
    out = []
    for word in _WORD.findall(text[:HEAD]):
        if len(word) >= MAX_WORD or word.isdigit():
            continue
        out.append(word.lower() if word.isascii() else "".join(c.lower()[0] for c in word))
    return out


class Lexicon:
    """Word → chrome log-odds (rounded to float32), and :meth:`columns` from them."""

    def __init__(self, weights: dict[str, float]) -> None:
        self.weights = {w: float(np.float32(v)) for w, v in sorted(weights.items())}
        self._table: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.weights)

    def __getstate__(self) -> dict[str, Any]:
        return {"weights": self.weights}  # the hash table is rebuilt where it is loaded

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.weights = state["weights"]
        self._table = None

    def columns(self, texts: list[str], out: np.ndarray) -> None:
        """Write the :data:`NAMES` columns of ``texts`` into ``out`` (float32, a row a
        line)."""
        if _compiled_shape is not None:
            if self._table is None:
                self._table = self._hash_table()
            _compiled_shape.lexicon_columns(texts, self._table, HEAD, MAX_WORD, out)
            return
        self._python_columns(texts, out)

    def _hash_table(self) -> np.ndarray:
        """The words as an open-addressing hash table for the compiled module: a slot is two
        uint64, a word's hash (0: empty) and its weight's float32 bits, so that a lookup
        reads one cache line; at least 1.5 slots a word."""
        size = 1 << max(4, (3 * len(self.weights) // 2).bit_length())
        table = np.zeros(2 * size, dtype=np.uint64)
        weights = np.array(list(self.weights.values()), dtype=np.float32)
        _compiled_shape.lexicon_table(list(self.weights), weights, table)
        return table

    def _python_columns(self, texts: list[str], out: np.ndarray) -> None:
        """:meth:`columns` with a dict (the reference the compiled path is tested against)."""
        out[:] = 0.0
        weights = self.weights
        for i, text in enumerate(texts):
            found = words(text)
            known = [weights[w] for w in found if w in weights]
            if known:
                out[i, 0] = sum(known) / len(known)
                out[i, 1] = max(known)
                out[i, 2] = min(known)
                out[i, 3] = len(known) / len(found)
        out[1:, 4] = out[:-1, 0]
        out[:-1, 5] = out[1:, 0]
