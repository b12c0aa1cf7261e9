"""Type stub of the optional compiled line statistics (``boilerx/_shape.c``)."""

import numpy as np

def line_stats(texts: list[str], out: np.ndarray) -> None: ...
def split_lines(text: str) -> tuple[list[str], list[int]]: ...
def lines_holding(
    texts: list[str], probes: tuple[str, ...], at_start: bool = False
) -> list[int]: ...
def lowered_heads(
    texts: list[str], limit: int, short: int, lengths: np.ndarray
) -> tuple[list[str], list[str]]: ...
def words_found(texts: list[str], words: tuple[str, ...]) -> list[int]: ...
def context(columns: np.ndarray, n: int, k: int, out: np.ndarray) -> None: ...
def position(
    prose: np.ndarray,
    chars: np.ndarray,
    more: np.ndarray,
    header: np.ndarray,
    reply: np.ndarray,
    total: float,
    log_n: float,
    out: np.ndarray,
) -> None: ...
