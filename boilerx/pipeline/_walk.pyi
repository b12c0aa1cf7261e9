from array import array
from typing import Any

def bind(first_attr: int, next_attr: int, attr_name: int, attr_value: int) -> None: ...
def configure(
    tags: list[tuple[int, str, bool, bool, bool, bool, bool, bool, int, int]],
    class_bits: Any,
    undisplayed_bit: Any,
    role_bits: dict[str, int],
    hidden_style: Any,
    content_bit: int,
    pre_kind: int,
    whole_words: dict[str, int],
    inner_words: dict[str, int],
    hiding_words: tuple[str, ...],
) -> None: ...
def tag_id(node: int) -> int: ...
def text_of(node: int) -> str: ...

class Walk:
    noscripts: list[int]
    streaming: bool
    def __init__(
        self, page: Any, skip_noscript: bool, note_skipped: bool, max_lines: int
    ) -> None: ...
    def run(
        self, root_id: int, parts: dict[bytes, int] | None = None, fallback: set[int] | None = None
    ) -> Any: ...

def class_bits_of(value: bytes) -> int: ...
def configure_depth(
    in_name: Any,
    letter: Any,
    void_keys: list[int],
    foreign_keys: list[int],
    breakout_keys: list[int],
    option_key: int,
) -> None: ...
def path_to(node: int, root: int) -> list[int] | None: ...
def line_text(data: bytes) -> str: ...
def depth_bound(html: bytes, tags: int = -1) -> tuple[int, int]: ...
def configure_floods(
    raw_text_keys: list[int], formatting_keys: list[int], block_keys: list[int]
) -> None: ...
def configure_names(standard_names: Any) -> None: ...

_Spans = list[tuple[int, int]]

def tag_floods(
    html: bytes, max_attributes: int, max_piled: int, max_names: int = -1
) -> tuple[int, _Spans, int, int, _Spans, _Spans, array[int]]: ...
def without_spans(
    html: bytes, bare: _Spans, dropped: _Spans, unread: _Spans, unread_markup: array[int]
) -> bytes: ...
def markup_columns(
    kinds: Any,
    depths: Any,
    bits: Any,
    near_bits: Any,
    n_kinds: int,
    n_bits: int,
    out: Any,
) -> None: ...
def structured_sources(root_id: int) -> tuple[list[str], list[str]] | None: ...
def title_texts(root_id: int) -> tuple[str | None, str | None, str | None, str | None]: ...
def signature_columns(
    labels: Any,
    link_chars: Any,
    texts: list[str],
    prose_chars: Any,
    total: float,
    out: Any,
    alike: Any,
    mean_chars: Any,
) -> None: ...
