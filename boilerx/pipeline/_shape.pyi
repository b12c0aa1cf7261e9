"""Type stub of the optional compiled line statistics (``boilerx/pipeline/_shape.pyx``)."""

import numpy as np

def line_stats(texts: list[str], out: np.ndarray) -> None: ...
def has_surrogates(text: str) -> bool: ...
def count_codes(text: str, limit: int, codes: bytes) -> int: ...
def has_code_between(text: str, first: int, last: int) -> bool: ...
def utf8_length(data: bytes) -> int: ...
def split_lines(text: str) -> tuple[list[str], list[int]]: ...
def lines_holding(
    texts: list[str], probes: tuple[str, ...], at_start: bool = False
) -> list[int]: ...
def probe_groups(
    texts: list[str], probes: tuple[str, ...], groups: tuple[int, ...]
) -> list[tuple[int, int]]: ...
def date_hints(
    texts: list[str], candidates: list[int], words: tuple[str, ...], groups: tuple[int, ...]
) -> list[int]: ...
def shape_columns(stats: np.ndarray, out: np.ndarray, columns: tuple[int, ...]) -> None: ...
def lowered_heads(
    texts: list[str], limit: int, short_limit: int, lengths: np.ndarray
) -> tuple[list[str], list[str]]: ...
def scan_heads(
    texts: list[str],
    limit: int,
    short_limit: int,
    lengths: np.ndarray,
    starts: tuple[str, ...],
    probes: tuple[str, ...],
    groups: tuple[int, ...],
    counted: bool = False,
) -> tuple[list[str], list[int], list[tuple[int, int]]]: ...
def repeats(texts: list[str], cap: int, out: np.ndarray) -> bool | None: ...
def words_found(
    texts: list[str],
    words: tuple[str, ...],
    limit: int,
    counts: np.ndarray,
    at_most: float,
    out: np.ndarray,
) -> None: ...
def marker_lines(
    features: np.ndarray,
    standalone: tuple[int, ...],
    more_column: int,
    words_below: float,
    chars_below: float,
    out: np.ndarray,
) -> None: ...
def context(matrix: np.ndarray, columns: tuple[int, ...], out: np.ndarray) -> None: ...
def position(
    shape: np.ndarray,
    chars: np.ndarray,
    columns: tuple[int, ...],
    total: float,
    log_n: float,
    out: np.ndarray,
) -> None: ...
def card_pairs(
    terminal: np.ndarray,
    words: np.ndarray,
    sentences: np.ndarray,
    window: int,
    cap: int,
    out: np.ndarray,
) -> None: ...
def overlap(texts: list[str], references: tuple[str, ...], out: np.ndarray) -> None: ...
def tails_holding(texts: list[str], probes: tuple[str, ...], limit: int) -> list[int]: ...
def container_shares(
    containers: list[tuple[int, ...]], prose: np.ndarray, total: float, out: np.ndarray
) -> bool: ...
def gap_columns(gaps: list[int], out: np.ndarray) -> None: ...
def text_groups(
    features: np.ndarray,
    gap_column: int,
    long_log_chars: float,
    blocks: np.ndarray,
    runs: np.ndarray,
) -> None: ...
def lexicon_table(words: list[str], weights: np.ndarray, table: np.ndarray) -> None: ...
def lexicon_columns(
    texts: list[str],
    table: np.ndarray,
    limit: int,
    max_word: int,
    out: np.ndarray,
) -> None: ...
