"""The page's own account of its article: the text of JSON-LD ``articleBody`` and the page's
descriptions (JSON-LD ``description``, ``og:description``, ``<meta name=description>``).

Many news sites publish the article body (or its lead) as structured data for search engines.
A line whose words occur there is the article's; a line of a teaser card or a caption mostly is
not. :func:`overlap` gives the line features; when a page carries none, they are ``-1``.
"""

from __future__ import annotations

import json
import re
from typing import Any

import numpy as np
from selectolax.lexbor import LexborHTMLParser, LexborNode

try:
    from boilerx.pipeline import _shape as _compiled_shape  # optional compiled overlap (_shape.pyx)
except ImportError:  # not built: the same numbers in Python
    _compiled_shape = None  # type: ignore[assignment]

_WORD = re.compile(r"\w+")
_MAX_SCRIPT_CHARS = 2_000_000  # a JSON-LD block larger than this is not read
_DESCRIPTION_ATTRIBUTES = (
    ("property", "og:description"),
    ("name", "description"),
    ("name", "twitter:description"),
)
_DESCRIPTION_META = tuple(f'meta[{name}="{value}"]' for name, value in _DESCRIPTION_ATTRIBUTES)


def _strings(data: Any, found: dict[str, list[str]], depth: int = 0) -> None:
    """Every string value of each key of ``found`` anywhere in parsed JSON (lists, ``@graph``
    …), appended to its list in document order."""
    if depth > 20:
        return
    if isinstance(data, dict):
        for k, value in data.items():
            if isinstance(value, str):
                out = found.get(k)
                if out is not None:
                    out.append(value)
            elif isinstance(value, (dict, list)):
                _strings(value, found, depth + 1)
    elif isinstance(data, list):
        for item in data:
            _strings(item, found, depth + 1)


_JSON_LD = 'script[type="application/ld+json"]'
_QUERY = ", ".join((_JSON_LD, *_DESCRIPTION_META))


def _found(tree: LexborHTMLParser) -> list[list[LexborNode]]:
    """The JSON-LD scripts and the description metas of each of _DESCRIPTION_META, each in
    document order: what a query of each selector finds, by one query of them all (whose
    results come in document order, a node once for each selector it matches)."""
    groups: list[list[LexborNode]] = [[] for _ in range(1 + len(_DESCRIPTION_META))]
    seen = set()
    for node in tree.css(_QUERY):
        node_id = node.mem_id
        if node_id in seen:
            continue
        seen.add(node_id)
        if node.tag == "script":  # the one selector of a script
            groups[0].append(node)
            continue
        attributes = node.attributes
        for group, selector, (name, value) in zip(
            groups[1:], _DESCRIPTION_META, _DESCRIPTION_ATTRIBUTES
        ):
            found = attributes.get(name)
            # the value itself matches; another, unless only its case differs, does not (a
            # selector compares exactly or ignoring ASCII case): Lexbor decides the rest
            if found == value or (
                found is not None and found.lower() == value and node.css_matches(selector)
            ):
                group.append(node)
    return groups


def sources(tree: LexborHTMLParser) -> tuple[list[str], list[str]]:
    """The text of the page's JSON-LD scripts and the content attributes of its description
    metas (``""`` without one; og:description, then description, then twitter:description),
    each in document order, by selector queries (``_walk.structured_sources`` reads the same
    in one pass)."""
    scripts, *metas = _found(tree)
    return (
        [script.text(deep=True) or "" for script in scripts],
        [node.attributes.get("content") or "" for nodes in metas for node in nodes],
    )


def structured_text(scripts: list[str], descriptions: list[str]) -> tuple[str, str]:
    """The JSON-LD ``articleBody`` text of ``scripts`` and the text of the ``descriptions``
    (those of JSON-LD first; ``""`` when none), from what :func:`sources` reads."""
    bodies: list[str] = []
    found: list[str] = []
    wanted = {"articleBody": bodies, "description": found}
    for raw in scripts:
        if "articleBody" not in raw and "description" not in raw:
            continue
        if len(raw) > _MAX_SCRIPT_CHARS:
            continue
        try:
            data = json.loads(raw, strict=False)
        except (ValueError, RecursionError):  # not JSON, or nested past the parser's stack
            continue
        _strings(data, wanted)
    found.extend(filter(None, descriptions))
    return " ".join(bodies), " ".join(found)


def _grams(tokens: list[str]) -> set[tuple[str, ...]]:
    return set(zip(tokens, tokens[1:], tokens[2:]))


def overlap(texts: list[str], *references: str) -> np.ndarray:
    """For each line and reference (one column each), the share of the line's word 3-grams (of
    its words, for a line of fewer than three) found in the reference; a column of ``-1`` for a
    reference of fewer than three words. Compiled (``_shape.overlap``) where it is built, else
    :func:`_python_overlap`; the same float32 values, bit for bit."""
    if _compiled_shape is None or len(references) > 64:
        return _python_overlap(texts, *references)
    out = np.full((len(texts), len(references)), -1.0, dtype=np.float32)
    _compiled_shape.overlap(texts if type(texts) is list else list(texts), references, out)
    return out


def _python_overlap(texts: list[str], *references: str) -> np.ndarray:
    """:func:`overlap` in Python: each line is cut into words once for all references."""
    out = np.full((len(texts), len(references)), -1.0, dtype=np.float32)
    wanted = []
    for j, reference in enumerate(references):
        ref_tokens = _WORD.findall(reference.lower())
        if len(ref_tokens) >= 3:
            wanted.append((j, _grams(ref_tokens), set(ref_tokens)))
    if not wanted:
        return out
    findall = _WORD.findall
    for i, text in enumerate(texts):
        tokens = findall(text.lower())
        if len(tokens) >= 3:
            line_grams = list(zip(tokens, tokens[1:], tokens[2:]))
            for j, grams, _ in wanted:
                out[i, j] = sum(map(grams.__contains__, line_grams)) / len(line_grams)
        elif tokens:
            for j, _, words in wanted:
                out[i, j] = sum(map(words.__contains__, tokens)) / len(tokens)
        else:
            for j, _, _ in wanted:
                out[i, j] = 0.0
    return out
