"""Stage 6 with structure: the kept lines as Markdown, and table rows on one line in text.

The lines carry where they sit in the page (:meth:`~boilerx.pipeline.lines.Page.structure`:
table, row, cell, list, item, heading level, quote, <pre>); this module lays the kept ones out:

- subheadings as ``##``/``###`` (the article's highest heading level is ``##``; the headline
  is not among the kept lines, it is the title),
- list items as ``- `` or ``1. `` (nested lists indented), block quotes as ``> ``,
- data tables as Markdown tables (the first row is the header row), <pre> as fenced code,
- every other line a paragraph; blocks are separated by a blank line.

A *data table* is a <table> whose lines come in one run (no other table inside it, no text of
the page between its cells), with at most MAX_CELL_LINES lines a cell, at least two rows and a
row of two cells; a table that lays a page out is none of that, and its lines stay paragraphs.

From scraped text only lists can be told: lines starting with a bullet (``•``, ``-``, ``*``,
``·``, ``▪``) or a number (``1.``, ``1)``) become list items.

Links and images, only when asked (HTML): the page's tree is walked once more, cut into lines
as the line walk cuts it, and its lines matched to the page's lines in order (same text). A
kept line's links (``<a href>`` in that line, not in another one with the same words) become
``[text](href)``; an ``<img src>`` between the first and the last kept line (not a tracking
pixel, not in nav/aside/header/footer) becomes ``![alt](src)``, a block of its own before the
first kept line after it. What cannot be matched is left as it is (a link) or out (an image).
Relative addresses are resolved against the page's own address (:func:`base_url`), as a
browser would; a page that states none keeps them relative.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import compress, groupby
from urllib.parse import urljoin, urlsplit

import numpy as np
from selectolax.lexbor import LexborHTMLParser, LexborNode

from boilerx.pipeline.lines import (
    _BLOCK,
    _HIDDEN_STYLE,
    _SKIP,
    KINDS,
    NO_STRUCTURE,
    Page,
    Structure,
)

MAX_CELL_LINES = 3  # more lines in one cell: the table lays out the page, it holds no data
WHOLE_BLOCK_SHARE = 0.5  # a table or list with more of its characters kept is kept whole
ROW_SEPARATOR = " | "  # between the cells of a table row in text output

_HEADING = KINDS.index("heading")
_TABLE = KINDS.index("table")
_CELL_TAGS = frozenset(["td", "th"])
_ROW_END_TAGS = frozenset(["tr", "table", "thead", "tbody", "tfoot"])
_BULLET = re.compile(r"^[•·▪◦‣*\-–]\s+(?=\S)")
_NUMBERED = re.compile(r"^(\d{1,3})[.)]\s+(?=\S)")
_CHROME_TAGS = frozenset(["nav", "aside", "header", "footer"])  # no images from these
_CHROME_ROLES = frozenset(["navigation", "banner", "contentinfo", "complementary"])
MAX_DATA_SRC = 256  # a longer data: URI is an image's bytes, not worth a Markdown line
MATCH_LOOKAHEAD = 64  # walk lines searched for a page line's text before giving it up
# what a Markdown reader would take for markup at the start of a paragraph
_MARKUP_START = re.compile(r"^(?:#{1,6}(?:\s|$)|[-+*](?:\s|$)|\d{1,9}[.)](?:\s|$)|>|=+\s*$|```)")


# ---------------------------------------------------------------- tables and lists


def data_tables(page: Page, structure: list[Structure]) -> set[int]:
    """The block ids of the page's data tables (see the module docstring)."""
    lines_of: dict[int, list[int]] = {}
    for i, s in enumerate(structure):
        if s.table >= 0:
            lines_of.setdefault(s.table, []).append(i)
    found = set()
    for table, lines in lines_of.items():
        if lines[-1] - lines[0] + 1 != len(lines):  # interrupted: a table in it, or layout
            continue
        per_cell: dict[int, int] = {}
        per_row: dict[int, set[int]] = {}
        for i in lines:
            s = structure[i]
            if s.row < 0 or s.cell < 0 or page.kinds[i] == _HEADING:
                break
            per_cell[s.cell] = per_cell.get(s.cell, 0) + 1
            per_row.setdefault(s.row, set()).add(s.cell)
        else:
            if (
                len(per_row) >= 2
                and max(per_cell.values()) <= MAX_CELL_LINES
                and max(map(len, per_row.values())) >= 2
            ):
                found.add(table)
    return found


def _has_tables(page: Page, keep: np.ndarray) -> bool:
    kinds = page.kinds
    return any(kinds[i] == _TABLE for i in keep.nonzero()[0].tolist())


def whole_blocks(page: Page, keep: np.ndarray) -> np.ndarray:
    """``keep`` with each data table and each list (HTML) that has a kept line kept or
    dropped as a whole: kept when WHOLE_BLOCK_SHARE of its characters or more are kept (of a
    list, the items that are mostly link text stay as they were: links to other stories), else
    dropped; and a data table with no kept line kept when the lines just before and after it
    are (a table of numbers in the article's flow is body though its cells score low one by
    one). Used for Markdown only. On the datasets' HTML (same lines, in-process), word F1 of
    the kept lines: wcxb-dev 0.8367 -> 0.8381, dragnet 0.9392 -> 0.9407, readability
    0.9502 -> 0.9516, fundus-dev 0.9352 -> 0.9354; snippets wcxb-dev 0.8530 -> 0.8504,
    trafilatura-dev 0.9311 -> 0.9308."""
    if not page.is_html or not keep.any():
        return keep
    structure = page.structure()
    tables = data_tables(page, structure)
    blocks: dict[tuple[bool, int], list[int]] = {}
    for i, s in enumerate(structure):
        if s.table in tables:
            blocks.setdefault((True, s.table), []).append(i)
        elif s.list_id >= 0 and s.table < 0:
            blocks.setdefault((False, s.list_id), []).append(i)
    if not blocks:
        return keep
    keep = keep.copy()
    texts, link_chars = page.texts, page.link_chars
    for (is_table, _), lines in blocks.items():
        kept = [i for i in lines if keep[i]]
        if len(kept) == len(lines):
            continue
        if not kept:
            before, after = lines[0] - 1, lines[-1] + 1
            if is_table and before >= 0 and after < len(keep) and keep[before] and keep[after]:
                keep[lines] = True
            continue
        share = sum(len(texts[i]) for i in kept) / sum(len(texts[i]) for i in lines)
        if share < WHOLE_BLOCK_SHARE:
            keep[lines] = False
        elif is_table:
            keep[lines] = True
        else:
            keep[[i for i in lines if 2 * link_chars[i] < len(texts[i])]] = True
    return keep


def _row_cells(page: Page, row: int) -> list[int]:
    """The block ids of the cells of ``row``, empty ones too (from the page's block tags)."""
    tags = page.block_tags
    cells = []
    for block in range(row + 1, len(tags) + 1):
        tag = tags[block - 1]
        if tag in _CELL_TAGS:
            cells.append(block)
        elif tag in _ROW_END_TAGS:
            break
    return cells


def _table(
    page: Page, lines: list[int], structure: list[Structure], media: Media | None = None
) -> str:
    """A data table's kept ``lines`` as a Markdown table; the first row is the header row
    (with the links of ``media``)."""
    links = media.links if media is not None else {}
    rows: dict[int, dict[int, list[str]]] = {}
    for i in lines:
        s = structure[i]
        cell_text = _linked(page.texts[i], links.get(i), cell=True)
        rows.setdefault(s.row, {}).setdefault(s.cell, []).append(cell_text)
    table: list[list[str]] = []
    for row, cells in rows.items():
        ids = _row_cells(page, row)
        if not set(cells) <= set(ids):  # the tags disagree: the cells that have text
            ids = list(cells)
        table.append([_cell_text(cells.get(cell, [])) for cell in ids])
    width = max(map(len, table))
    out = []
    for n, row_cells in enumerate(table):
        row_cells += [""] * (width - len(row_cells))
        out.append("| " + " | ".join(row_cells) + " |")
        if n == 0:
            out.append("|" + "---|" * width)
    return "\n".join(out)


def _cell_text(texts: list[str]) -> str:
    """A cell's lines, each escaped already (:func:`_cell_escape`), as one cell."""
    return " ".join(texts)


def _cell_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|")


def plain_text(page: Page, keep: np.ndarray) -> str:
    """The kept lines one a line, but the kept cells of a data table's row on one line,
    separated by ROW_SEPARATOR (the lines of one cell by a space)."""
    texts = page.texts
    if not page.is_html or not _has_tables(page, keep):
        return "\n".join(compress(texts, keep.tolist()))
    kept = keep.nonzero()[0].tolist()
    structure = page.structure()
    tables = data_tables(page, structure)
    out: list[str] = []
    previous: Structure = NO_STRUCTURE
    for i in kept:
        s = structure[i]
        if s.table in tables and s.row == previous.row and s.table == previous.table:
            out[-1] += (" " if s.cell == previous.cell else ROW_SEPARATOR) + texts[i]
        else:
            out.append(texts[i])
        previous = s
    return "\n".join(out)


# ---------------------------------------------------------------- links and images


@dataclass
class Media:
    """What Markdown shows besides the lines' text, when asked: the links of kept lines (by
    line: where each starts in the line's text, its text and its href, in order) and the
    images to put before a kept line (by line, as Markdown)."""

    links: dict[int, list[tuple[int, str, str]]] = field(default_factory=dict)
    images: dict[int, list[str]] = field(default_factory=dict)


NO_MEDIA = Media()
_URL_ESCAPES = str.maketrans(
    {" ": "%20", "(": "%28", ")": "%29", "|": "%7C", "<": "%3C", ">": "%3E", "\n": "", "\r": ""}
)
_LABEL_ESCAPES = str.maketrans({"\\": "\\\\", "[": "\\[", "]": "\\]"})


def _url(url: str) -> str:
    """``url`` as a Markdown link destination: nothing in it ends the link or a table cell."""
    return url.strip().translate(_URL_ESCAPES)


def _label(text: str) -> str:
    """``text`` as the text of a Markdown link or the alt text of an image."""
    return text.translate(_LABEL_ESCAPES)


def _link_target(href: str | None, base: str | None = None) -> str | None:
    """``href`` when it leads somewhere (not empty, not ``#...`` nor ``javascript:``),
    resolved against ``base`` when that is given."""
    href = (href or "").strip()
    if not href or href[0] == "#" or href[:11].lower() == "javascript:":
        return None
    return _resolved(href, base)


def _is_web_address(url: str) -> bool:
    """Whether ``url`` is an absolute http(s) address (a malformed one is not)."""
    try:
        parts = urlsplit(url)
    except ValueError:  # an unclosed "[" of an IPv6 host, and the like
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def base_url(tree: LexborHTMLParser) -> str | None:
    """The address relative links of the page resolve against: its ``<base href>`` (itself
    resolved against the page's address), else the page's own address as it states it
    (``<link rel=canonical>``, ``og:url``); None when it states no http(s) address."""
    page_url = None
    for selector, attribute in (
        ('link[rel="canonical"]', "href"),
        ('meta[property="og:url"]', "content"),
    ):
        node = tree.css_first(selector)
        value = ((node.attributes.get(attribute) if node is not None else None) or "").strip()
        if value and _is_web_address(value):
            page_url = value
            break
    node = tree.css_first("base[href]")
    base = ((node.attributes.get("href") if node is not None else None) or "").strip()
    if base:
        try:
            base = urljoin(page_url or "", base)
        except ValueError:  # a malformed address (an unclosed "[" of an IPv6 host)
            base = ""
        if _is_web_address(base):
            return base
    return page_url


def _resolved(url: str, base: str | None) -> str:
    """``url`` resolved against ``base`` (when given and ``url`` is relative)."""
    if base is None or url[:5].lower() == "data:":
        return url
    try:
        return urljoin(base, url)
    except ValueError:  # a malformed address: left as written
        return url


def _is_pixel(attrs: dict[str, str | None]) -> bool:
    """Whether an <img> is a tracking pixel: a width or height attribute of 0 or 1."""
    for name in ("width", "height"):
        value = (attrs.get(name) or "").strip().lower().removesuffix("px").strip()
        if value in ("0", "1"):
            return True
    return False


def _image(attrs: dict[str, str | None], base: str | None = None) -> str | None:
    """An <img> as Markdown (``![alt](src)``, ``src`` resolved against ``base``), or None
    for a pixel or an image without a source (a long ``data:`` URI counts as none; a lazy
    image's ``data-src`` as one)."""
    if _is_pixel(attrs):
        return None
    src = None
    for name in ("src", "data-src"):
        value = (attrs.get(name) or "").strip()
        if value and (value[:5].lower() != "data:" or len(value) <= MAX_DATA_SRC):
            src = value
            break
    if src is None:
        return None
    alt = " ".join((attrs.get("alt") or "").split())
    return f"![{_label(alt)}]({_url(_resolved(src, base))})"


@dataclass
class _Walked:
    """The tree cut into lines as :func:`boilerx.pipeline.lines._walk` cuts it: each line's
    text and links (start in the text, text, href), and the images (how many lines start
    before each, its Markdown)."""

    texts: list[str] = field(default_factory=list)
    links: list[list[tuple[int, str, str]]] = field(default_factory=list)
    images: list[tuple[int, str]] = field(default_factory=list)


_END_BLOCK = object()
_END_LINK = object()


def _walk_media(root: LexborNode, with_images: bool, base: str | None = None) -> _Walked:
    """One walk of the tree under ``root`` (see :class:`_Walked`); the tags the line walk
    skips, and hidden elements, are skipped too. Addresses are resolved against ``base``."""
    out = _Walked()
    pieces: list[str] = []
    links: list[tuple[int, str, str]] = []
    href: str | None = None  # of the link the walk is in
    link_start = 0  # the piece it starts at, in this line

    def close_link() -> None:
        raw = "".join(pieces[link_start:])
        words = " ".join(raw.split())
        if words and href is not None:
            start = len(" ".join("".join(pieces).split())) - len(words)
            links.append((start, words, href))

    def flush() -> None:
        nonlocal pieces, links, link_start
        if href is not None:
            close_link()
            link_start = 0
        text = " ".join("".join(pieces).split())
        if text:
            out.texts.append(text)
            out.links.append(links)
        pieces, links = [], []

    stack: list = [(root, False)]
    while stack:
        item = stack.pop()
        if item is _END_BLOCK:
            flush()
            continue
        if item is _END_LINK:
            close_link()
            href = None
            continue
        node, in_chrome = item
        tag = node.tag
        if tag == "-text":
            value = node.text_content
            if value and (pieces or not value.isspace()):
                pieces.append(value)
            continue
        if tag is None or tag[0] == "-" or tag in _SKIP:
            continue
        attrs = node.attributes
        if attrs:
            if "hidden" in attrs or attrs.get("aria-hidden") == "true":
                continue
            style = attrs.get("style")
            if style and _HIDDEN_STYLE.search(style):
                continue
        in_chrome = in_chrome or tag in _CHROME_TAGS or attrs.get("role") in _CHROME_ROLES
        if tag == "img":
            markdown = _image(attrs, base) if with_images and not in_chrome else None
            if markdown is not None:
                out.images.append((len(out.texts) + (1 if pieces else 0), markdown))
            continue
        if tag in _BLOCK:
            flush()
            if tag == "br" or tag == "hr":
                continue
            stack.append(_END_BLOCK)
        elif tag == "a" and href is None:
            target = _link_target(attrs.get("href"), base)
            if target is not None:
                href, link_start = target, len(pieces)
                stack.append(_END_LINK)
        child = node.last_child
        while child is not None:
            stack.append((child, in_chrome))
            child = child.prev
    flush()
    return out


def _match(texts: list[str], walked: list[str]) -> list[int]:
    """For each walked line, the page line of the same text (in order), or -1."""
    line_of = [-1] * len(walked)
    j = 0
    for i, text in enumerate(texts):
        for k in range(j, min(j + MATCH_LOOKAHEAD, len(walked))):
            if walked[k] == text:
                line_of[k] = i
                j = k + 1
                break
    return line_of


def page_media(page: Page, keep: np.ndarray, links: bool, images: bool) -> Media:
    """The links of the kept lines (when ``links``) and the images between the first and the
    last kept line (when ``images``) of an HTML ``page``; see the module docstring."""
    tree = page.tree
    root = None if tree is None or not page.is_html else tree.body or tree.root
    if tree is None or root is None or not (links or images) or not keep.any():
        return NO_MEDIA
    walked = _walk_media(root, images, base_url(tree))
    line_of = _match(page.texts, walked.texts)
    media = Media()
    if links:
        for k, i in enumerate(line_of):
            if i >= 0 and keep[i] and walked.links[k]:
                media.links[i] = walked.links[k]
    if images and walked.images:
        kept = keep.nonzero()[0]
        matched = [(k, i) for k, i in enumerate(line_of) if i >= 0]
        starts = [k for k, _ in matched]
        seen = set()
        for position, markdown in walked.images:
            n = int(np.searchsorted(starts, position))  # matched lines before the image
            if n == 0 or n == len(matched) or matched[n - 1][1] < kept[0]:
                continue  # before the first kept line, or after the last
            at = int(np.searchsorted(kept, matched[n][1]))
            if at == len(kept) or markdown in seen:
                continue
            seen.add(markdown)
            media.images.setdefault(int(kept[at]), []).append(markdown)
    return media


def _linked(text: str, links: list[tuple[int, str, str]] | None, cell: bool = False) -> str:
    """``text`` with its ``links`` as ``[text](href)`` (one whose words are not where it
    says stays text); in a table cell (``cell``), the rest escaped as a cell's text is."""
    plain = _cell_escape if cell else str
    if not links:
        return plain(text)
    out = []
    done = 0
    for start, words, href in links:
        if start < done or text[start : start + len(words)] != words:
            continue
        label = _label(words)
        if cell:
            label = label.replace("|", "\\|")
        out.append(plain(text[done:start]))
        out.append(f"[{label}]({_url(href)})")
        done = start + len(words)
    out.append(plain(text[done:]))
    return "".join(out)


# ---------------------------------------------------------------- Markdown


def _escape(text: str) -> str:
    """``text`` as a Markdown paragraph: a start that would read as markup is escaped."""
    return "\\" + text if _MARKUP_START.match(text) else text


def _fence(code: str) -> str:
    ticks = max((len(run) for run in re.findall(r"`{3,}", code)), default=2) + 1
    return "`" * ticks + "\n" + code + "\n" + "`" * ticks


def _list(items: list[tuple[Structure, str]]) -> str:
    """List items (their structure and text, an item's lines joined) as a Markdown list."""
    top = min(s.list_depth for s, _ in items)
    numbers: dict[int, int] = {}
    out = []
    for s, text in items:
        indent = "    " * (s.list_depth - top)
        if s.ordered:
            numbers[s.list_id] = numbers.get(s.list_id, 0) + 1
            out.append(f"{indent}{numbers[s.list_id]}. {text}")
        else:
            out.append(f"{indent}- {text}")
    return "\n".join(out)


def _blocks(
    page: Page,
    lines: list[int],
    structure: list[Structure],
    tables: set[int],
    top_level: int,
    media: Media = NO_MEDIA,
) -> Iterator[str]:
    """The Markdown blocks of the kept ``lines`` (none of them in a block quote), with the
    links and images of ``media`` (a block's images come before it)."""
    texts, kinds = page.texts, page.kinds
    links, images = media.links, media.images

    def shown(i: int) -> str:
        return _linked(texts[i], links.get(i))

    def key(i: int) -> tuple[str, int]:
        s = structure[i]
        if s.table in tables:
            return "table", s.table
        if s.pre >= 0:
            return "pre", s.pre
        if s.item >= 0:
            return "list", 0  # consecutive items, nested lists too, make one list
        return "line", i

    for (what, _), group in groupby(lines, key):
        run = list(group)
        if images:
            for i in run:
                yield from images.get(i, ())
        if what == "table":
            yield _table(page, run, structure, media)
        elif what == "pre":
            yield _fence("\n".join(page.pre_texts.get(i, texts[i]) for i in run))
        elif what == "list":
            items = []
            for _, item_group in groupby(run, lambda i: structure[i].item):
                item_lines = list(item_group)
                items.append((structure[item_lines[0]], " ".join(shown(i) for i in item_lines)))
            yield _list(items)
        else:
            i = run[0]
            level = structure[i].level
            if kinds[i] == _HEADING or level:
                depth = min(6, 2 + max(0, (level or top_level) - top_level))
                yield "#" * depth + " " + shown(i)
            else:
                yield _escape(shown(i))


def to_markdown(
    page: Page, keep: np.ndarray, include_links: bool = False, include_images: bool = False
) -> str:
    """The kept lines of ``page`` as Markdown (see the module docstring); with
    ``include_links``/``include_images``, an HTML page's links and images too (for text,
    they change nothing)."""
    kept = keep.nonzero()[0].tolist()
    if not kept:
        return ""
    if not page.is_html:
        return _text_markdown(page, kept)
    media = NO_MEDIA
    if include_links or include_images:
        media = page_media(page, keep, include_links, include_images)
    structure = page.structure()
    tables = data_tables(page, structure)
    levels = [structure[i].level for i in kept if structure[i].level]
    top_level = min(levels, default=2)
    out: list[str] = []
    for quote, group in groupby(kept, lambda i: structure[i].quote):
        blocks = _blocks(page, list(group), structure, tables, top_level, media)
        if quote < 0:
            out.extend(blocks)
        else:
            inner = "\n\n".join(blocks)
            out.append("\n".join("> " + line if line else ">" for line in inner.split("\n")))
    return "\n\n".join(out)


def _text_item(text: str) -> str | None:
    """A scraped line starting with a bullet or a number as a Markdown list item, else None."""
    bullet = _BULLET.match(text)
    if bullet:
        return "- " + text[bullet.end() :]
    number = _NUMBERED.match(text)
    if number:
        return f"{number.group(1)}. {text[number.end() :]}"
    return None


def _text_markdown(page: Page, kept: list[int]) -> str:
    """Scraped text's kept lines as Markdown: bulleted and numbered lines as list items (a
    list is the items that follow each other without a blank line), the rest paragraphs."""
    texts = page.texts
    gaps = page.gaps if len(page.gaps) == len(texts) else [1] * len(texts)
    out: list[str] = []
    previous = -2
    in_list = False
    for i in kept:
        text = texts[i]
        item = _text_item(text)
        if item is not None:
            if in_list and previous == i - 1 and not gaps[i]:
                out[-1] += "\n" + item
            else:
                out.append(item)
            in_list = True
        else:
            out.append(_escape(text))
            in_list = False
        previous = i
    return "\n\n".join(out)
