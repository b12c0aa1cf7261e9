"""Stage 2: split a page into lines.

HTML: the DOM (parsed by selectolax's Lexbor) is walked once, iteratively, and cut into lines at
block-level elements, as a browser lays them out; inline elements and links stay inside their
line. Each line carries what the markup says about it: block tag, link text, the class/id words
and landmark tags of its ancestors, and the containers it sits in.
Text: the input's own lines; blank lines are remembered as paragraph gaps.
"""

from __future__ import annotations

import heapq
import re
from array import array
from collections.abc import Iterable, MutableSequence, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

import numpy as np
from selectolax.lexbor import LexborHTMLParser, LexborNode

from boilerx.pipeline.notices import may_hold_notices, notice_lines
from boilerx.pipeline.structured import sources, structured_text

try:
    from boilerx.pipeline import _shape as _compiled_shape  # optional compiled split (_shape.pyx)
except ImportError:  # not built: split with Python
    _compiled_shape = None  # type: ignore[assignment]
try:
    from boilerx.pipeline import _walk as _compiled_walk  # optional compiled DOM walk
except ImportError:  # not built: walk with Python
    _compiled_walk = None  # type: ignore[assignment]

# ---------------------------------------------------------------- vocabulary of the markup
_SKIP = frozenset(
    [
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "math",
        "head",
        "iframe",
        "object",
        "embed",
        "canvas",
        "select",
        "option",
        "datalist",
        "textarea",
        "button",
        "video",
        "audio",
        "map",
        "dialog",
        "rt",  # ruby annotations: the reading printed over the text (furigana), not the text
        "rp",
    ]
)
_BLOCK = frozenset(
    [
        "p",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "table",
        "tr",
        "td",
        "th",
        "thead",
        "tbody",
        "tfoot",
        "caption",
        "figure",
        "figcaption",
        "blockquote",
        "pre",
        "section",
        "article",
        "aside",
        "header",
        "footer",
        "nav",
        "main",
        "form",
        "fieldset",
        "legend",
        "address",
        "hr",
        "br",
        "details",
        "summary",
        "menu",
        "center",
        "body",
        "html",
        "hgroup",
    ]
)
KINDS = ("other", "heading", "paragraph", "list", "table", "caption", "quote", "pre", "text")
_PRE = KINDS.index("pre")
_KIND_OF_TAG = {
    **{h: 1 for h in ("h1", "h2", "h3", "h4", "h5", "h6")},
    "p": 2,
    **{t: 3 for t in ("li", "dt", "dd")},
    **{t: 4 for t in ("td", "th", "caption")},
    "figcaption": 5,
    "blockquote": 6,
    "pre": 7,
}

# Bits of a line's context. Class/id words first, then landmark tags.
CLASS_WORDS: dict[str, tuple[str, ...]] = {
    "nav": ("nav", "menu", "breadcrumb", "masthead", "topbar", "toolbar", "skip"),
    "share": ("share", "social", "sharing", "facebook", "twitter", "whatsapp", "icon"),
    "related": (
        "related",
        "recommend",
        "more",
        "teaser",
        "promo",
        "outbrain",
        "taboola",
        "trending",
        "popular",
        "most",
        "also",
        "card",
        "suggest",
        "next",
        "prev",
        "upsell",
        "read",
    ),
    "comment": ("comment", "reply", "disqus", "discussion", "respon", "forum", "review"),
    "ad": ("ad", "ads", "advert", "sponsor", "banner", "dfp", "gpt", "anzeige", "commercial"),
    "footer": ("footer", "foot", "copyright", "legal", "bottom"),
    "header": ("header", "topnav", "logo", "brand", "site-head"),
    "sidebar": ("sidebar", "aside", "rail", "widget", "side", "column", "col"),
    "content": (
        "article",
        "content",
        "story",
        "post",
        "entry",
        "main",
        "body",
        "text",
        "prose",
        "rich",
        "paragraph",
        "detail",
        "blog",
        "page",
        "single",
    ),
    "meta": ("byline", "author", "date", "time", "meta", "dateline", "publish", "tag", "categor"),
    "caption": (
        "caption",
        "figure",
        "credit",
        "image",
        "photo",
        "media",
        "gallery",
        "img",
        "video",
    ),
    "subscribe": (
        "subscri",
        "newsletter",
        "signup",
        "paywall",
        "login",
        "modal",
        "popup",
        "cookie",
        "consent",
        "gdpr",
        "register",
        "cta",
    ),
    "hidden": ("hidden", "sr-only", "visually", "screen-reader", "offscreen", "hide"),
    # set by a class that hides the element (below), not by a word inside a value
    "undisplayed": (),
    "list": ("list", "feed", "grid", "river", "stream", "collection", "items", "archive", "link"),
    "title": ("title", "headline", "heading", "hed"),
}
_LANDMARKS = (
    "nav",
    "header",
    "footer",
    "aside",
    "article",
    "form",
    "a",
    "li",
    "table",
    "figure",
    "blockquote",
    "heading",
    "time",
    "main",
)
BITS: tuple[str, ...] = tuple(CLASS_WORDS) + tuple("in_" + t for t in _LANDMARKS)
_BIT = {name: 1 << i for i, name in enumerate(BITS)}

# Short words must be whole words of the attribute ("ad" in "ad-slot", not in "header");
# longer ones may stand anywhere in it ("relatedPosts", "article-body").
_WHOLE_WORDS = frozenset(
    [
        "ad",
        "ads",
        "col",
        "nav",
        "tag",
        "gpt",
        "dfp",
        "cta",
        "hed",
        "img",
        "main",
        "more",
        "most",
        "also",
        "next",
        "prev",
        "side",
        "rail",
        "read",
        "page",
        "card",
        "link",
        "text",
        "time",
        "date",
        "body",
        "post",
        "items",
        "list",
    ]
)
_WORD_TO_BITS: dict[str, int] = {}


def _bits_or(values: Iterable[int]) -> int:
    bits = 0
    for value in values:
        bits |= value
    return bits


for _name, _words in CLASS_WORDS.items():
    for _w in _words:
        _WORD_TO_BITS[_w] = _WORD_TO_BITS.get(_w, 0) | _BIT[_name]
_ATTR_WORD = re.compile(r"[a-z]+|[A-Z][a-z]*")


def _trie_pattern(words: list[str]) -> str:
    """A regex matching any of ``words``, longest first, as a trie of alternatives: at each
    character only one branch can go on, so a scan is fast and a match is the longest word
    starting there."""
    tree: dict = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict) -> str:
        branches = [re.escape(c) + pattern(child) for c, child in sorted(node.items()) if c]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return pattern(tree)


# Longer vocabulary words may stand inside a word ("relatedPosts"): every position of the
# lower-cased value is tried with one lookahead; the longest word found there stands for all
# vocabulary words that are its prefixes ("comments" for "comment" too).
_INNER_WORDS = sorted(w for w in _WORD_TO_BITS if w not in _WHOLE_WORDS)
_INNER_RX = re.compile("(?=(" + _trie_pattern(_INNER_WORDS) + "))")
_INNER_BITS = {
    word: _bits_or(_WORD_TO_BITS[w] for w in _INNER_WORDS if word.startswith(w))
    for word in _INNER_WORDS
}


# Classes that hide an element in the common CSS frameworks (Bootstrap's "d-none", Tailwind's
# and Bulma's "hidden", "is-hidden"), unless another class shows it again from some screen
# width on ("hidden md:block", "d-none d-lg-flex"). Unlike the word "hidden" anywhere in a value
# ("overflow-hidden", "hidden-xs"), these mean that a browser does not show the element.
_UNDISPLAYED_CLASSES = frozenset(
    ("hidden", "d-none", "is-hidden", "u-hidden", "invisible", "display-none")
)
_SHOWN_FROM = re.compile(
    r"(?:\w+:|d-\w+-)(?:block|flex|inline|inline-block|inline-flex|grid|table|contents)"
)


def undisplayed_bit(lowered: str) -> int:
    """The ``undisplayed`` bit if the lower-cased class value ``lowered`` hides its element at
    every screen width, else 0."""
    words = lowered.split()
    if _UNDISPLAYED_CLASSES.isdisjoint(words) or any(map(_SHOWN_FROM.fullmatch, words)):
        return 0
    return _BIT["undisplayed"]


@lru_cache(maxsize=65536)
def class_bits(value: str) -> int:
    """The context bits named by a class/id attribute value. Short vocabulary words must be
    whole words, cut at case changes, digits, punctuation and spaces ("ad" in "ad-slot", not in
    "header"); longer ones may stand inside a word ("relatedPosts", "sidebar-widget")."""
    lowered = value.lower().replace("_", "-")
    bits = 0
    for token in _ATTR_WORD.findall(value):
        token = token.lower()
        if token in _WHOLE_WORDS:
            bits |= _WORD_TO_BITS[token]
    for token in lowered.split():
        if token in _WHOLE_WORDS:
            bits |= _WORD_TO_BITS[token]
    for word in _INNER_RX.findall(lowered):
        if word:
            bits |= _INNER_BITS[word]
    if "hid" in lowered or "none" in lowered or "invisible" in lowered:
        bits |= undisplayed_bit(lowered)
    return bits


_TAG_BITS = {
    "nav": _BIT["in_nav"],
    "header": _BIT["in_header"],
    "footer": _BIT["in_footer"],
    "aside": _BIT["in_aside"],
    "article": _BIT["in_article"],
    "main": _BIT["in_main"],
    "form": _BIT["in_form"],
    "a": _BIT["in_a"],
    "li": _BIT["in_li"],
    "ul": _BIT["in_li"],
    "ol": _BIT["in_li"],
    "table": _BIT["in_table"],
    "figure": _BIT["in_figure"],
    "figcaption": _BIT["in_figure"] | _BIT["caption"],
    "blockquote": _BIT["in_blockquote"],
    "time": _BIT["in_time"],
    **{h: _BIT["in_heading"] for h in ("h1", "h2", "h3", "h4", "h5", "h6")},
}
_ROLE_BITS = {
    "navigation": _BIT["in_nav"],
    "banner": _BIT["in_header"],
    "contentinfo": _BIT["in_footer"],
    "complementary": _BIT["in_aside"],
    "main": _BIT["in_main"],
    "article": _BIT["in_article"],
    "dialog": _BIT["subscribe"],
    "menu": _BIT["nav"],
    "menubar": _BIT["nav"],
}
_CONTAINERS_KEPT = 8  # how many enclosing blocks a line remembers (bounded: linear in depth)
_MAX_DEPTH = 400  # deeper markup is flattened before parsing (Lexbor is quadratic in depth)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_HIDING_WORDS = ("none", "hidden")  # every match of _HIDDEN_STYLE holds one, in any case
_SPACE = re.compile(r"\s+")


class Structure(NamedTuple):
    """Where a line sits in the article's structure (block ids of the nearest enclosing
    element of each kind; -1 outside one). One object is shared by all lines of a context."""

    table: int = -1  # <table>
    row: int = -1  # <tr>
    cell: int = -1  # <td> or <th>
    header: bool = False  # a <th> or a cell of <thead>
    list_id: int = -1  # <ul> or <ol>
    ordered: bool = False  # the list is an <ol>
    item: int = -1  # <li>
    list_depth: int = 0  # lists around the line (1 in a list, 2 in a list in a list, ...)
    level: int = 0  # heading level, 1-6 (<h1>-<h6>); 0 outside headings
    quote: int = -1  # <blockquote>
    pre: int = -1  # <pre>


NO_STRUCTURE = Structure()
_new_structure = Structure._make
_STRUCTURE_TAGS = frozenset(
    ["table", "thead", "tr", "td", "th", "ul", "ol", "li", "blockquote", "pre"]
    + ["h1", "h2", "h3", "h4", "h5", "h6"]
)


def _enter(structure: Structure, tag: str, block_id: int) -> Structure:
    """``structure`` inside the element ``tag`` (one of _STRUCTURE_TAGS) of id ``block_id``."""
    table, row, cell, header, list_id, ordered, item, depth, level, quote, pre = structure
    if tag == "li":
        item = block_id
    elif tag == "td" or tag == "th":
        cell, header = block_id, header or tag == "th"
    elif tag == "tr":
        row, cell = block_id, -1
    elif tag == "ul" or tag == "ol":
        list_id, ordered, item, depth = block_id, tag == "ol", -1, depth + 1
    elif tag == "table":
        table, row, cell, header = block_id, -1, -1, False
    elif tag == "thead":
        header = True
    elif tag == "blockquote":
        quote = block_id
    elif tag == "pre":
        pre = block_id
    else:
        level = int(tag[1])
    return _new_structure(
        (table, row, cell, header, list_id, ordered, item, depth, level, quote, pre)
    )


@dataclass
class Page:
    """A page cut into lines, as parallel columns (one entry a line). The numeric columns are
    lists, or int64 arrays (``array.array("q")``) where the compiled walk made them."""

    texts: list[str] = field(default_factory=list)
    kinds: MutableSequence[int] = field(default_factory=list)  # index into KINDS
    link_chars: MutableSequence[int] = field(default_factory=list)  # characters inside links
    n_links: MutableSequence[int] = field(default_factory=list)
    bits: MutableSequence[int] = field(default_factory=list)  # context bits of all ancestors
    outer_bits: MutableSequence[int] = field(default_factory=list)  # … of block-level ones
    near_bits: MutableSequence[int] = field(default_factory=list)  # … of the block and parent
    depths: MutableSequence[int] = field(default_factory=list)
    containers: list[tuple[int, ...]] = field(default_factory=list)  # enclosing block ids
    signatures: list[str] = field(default_factory=list)  # tag.class path of the block
    # each line's signature as a label 0, 1, 2 … in the order lines first have it, where the
    # compiled walk made them (else empty: ``features.signature_labels`` reads the signatures)
    signature_labels: MutableSequence[int] = field(default_factory=list)
    # each line's parent block id (its own block's without one, 0 outside blocks), where the
    # compiled walk made them (else empty: ``features.line_groups`` reads the containers)
    parent_blocks: MutableSequence[int] = field(default_factory=list)
    gaps: list[int] = field(default_factory=list)  # text mode: blank lines before the line
    # HTML, for Markdown output (the features do not read them): the tag of each block-level
    # element (block id N at N - 1; see ``structure``), and the text of <pre> lines as laid
    # out (line breaks and indentation kept), by line
    block_tags: list[str] = field(default_factory=list)
    pre_texts: dict[int, str] = field(default_factory=dict)
    title: str | None = None
    is_html: bool = True
    cut: bool = False  # the page had more than _MAX_LINES lines (or _MAX_TAGS tags): cut there
    article_body: str = ""  # HTML: the page's JSON-LD articleBody (structured.py)
    description: str = ""  # HTML: the page's JSON-LD / meta descriptions
    tree: LexborHTMLParser | None = None  # HTML: the parsed page, for its metadata

    def structure(self) -> list[Structure]:
        """Each line's place in tables, lists, headings, quotes and <pre>, read from the
        enclosing blocks it remembers (its ``containers``: the innermost _CONTAINERS_KEPT);
        NO_STRUCTURE for lines outside them and for text."""
        tags = self.block_tags
        if not tags or len(self.containers) != len(self.texts):
            return [NO_STRUCTURE] * len(self.texts)
        known: dict[tuple[int, ...], Structure] = {}
        out = []
        for conts in self.containers:
            structure = known.get(conts)
            if structure is None:
                structure = NO_STRUCTURE
                for block in conts:
                    tag = tags[block - 1] if 0 < block <= len(tags) else ""
                    if tag in _STRUCTURE_TAGS:
                        structure = _enter(structure, tag, block)
                known[conts] = structure
            out.append(structure)
        return out


# ---------------------------------------------------------------- HTML
# Hostile markup. Lexbor, as the HTML standard, scans the stack of open elements at every
# block-level start tag (is a <p> open in button scope?) and the list of active formatting
# elements at every formatting tag: a page of 20,000 unclosed <div> (or <div/>, whose "/" HTML
# ignores) costs 20,000 x 10,000 steps. Pages whose markup may nest deeper than _MAX_DEPTH are
# flattened first: tags deeper than that are dropped, their text kept. A cheap vectorised
# estimate (an upper bound of the depth, per tag name) decides which pages need it.
_VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "keygen",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    ]
)
_RAW_TEXT = frozenset(["script", "style", "textarea", "title", "xmp", "iframe", "noembed"])
# what the tokenizer reads as text up to the element's end tag (outside SVG and MathML)
_RAW_TEXT_TAGS = _RAW_TEXT | {"noframes"}
# formatting elements, which a parser keeps in its list of active formatting elements
_FORMATTING_NAMES = [
    b"b", b"big", b"code", b"em", b"font", b"i", b"nobr", b"s", b"small", b"strike", b"strong",
    b"tt", b"u",
]  # fmt: skip
# Tags between which whitespace is no text that the walk keeps (it ends or starts a line, or
# is in <head>): it is left out before the parse, where no <pre> or <listing> is open (their
# whitespace is text), nor a formatting element or <a> (text reopens one that a block closed,
# and the walk counts what a link holds), outside SVG and MathML. Names of up to 8 bytes, as
# the compiled scan's keys read them.
_BLOCKS_APART = frozenset(
    name.encode()
    for name in _BLOCK | {"head", "meta", "link", "title", "script", "style", "noscript", "base"}
    if len(name) <= 8
)
_OPEN_AROUND_SPACE = [*_FORMATTING_NAMES, b"a", b"pre", b"listing"]  # see _BLOCKS_APART
_FOREIGN = frozenset(["svg", "math"])
# HTML start tags that end foreign (SVG, MathML) content.
_BREAKOUT = frozenset(
    [
        "b",
        "big",
        "blockquote",
        "body",
        "br",
        "center",
        "code",
        "dd",
        "div",
        "dl",
        "dt",
        "em",
        "embed",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "head",
        "hr",
        "i",
        "img",
        "li",
        "listing",
        "menu",
        "meta",
        "nobr",
        "ol",
        "p",
        "pre",
        "ruby",
        "s",
        "small",
        "span",
        "strong",
        "strike",
        "sub",
        "sup",
        "table",
        "tt",
        "u",
        "ul",
        "var",
    ]
)
# An open element of the key's name is closed by a start tag of these (implied end tags).
_P_CLOSERS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "center",
        "details",
        "dialog",
        "dir",
        "div",
        "dl",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "main",
        "menu",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "ul",
        "li",
        "dd",
        "dt",
    ]
)
_CLOSED_BY: dict[str, frozenset[str]] = {
    "p": _P_CLOSERS,
    "li": frozenset(["li"]),
    "dt": frozenset(["dt", "dd"]),
    "dd": frozenset(["dt", "dd"]),
    "td": frozenset(["td", "th", "tr", "tbody", "thead", "tfoot"]),
    "th": frozenset(["td", "th", "tr", "tbody", "thead", "tfoot"]),
    "tr": frozenset(["tr", "tbody", "thead", "tfoot"]),
    "option": frozenset(["option", "optgroup"]),
    "optgroup": frozenset(["optgroup"]),
}
# The slowest nesting measured (<b id=N> unclosed: the list of active formatting elements)
# costs about 5.5e-9 s x tags squared: a page with tags <= sqrt(0.25 s/MB / 5.5e-9 x bytes/1e6)
# stays under 0.25 s per MB however it nests, and needs no look at its depth.
_SAFE_TAGS_SQUARED_PER_BYTE = 0.25 / 5.5e-9 / 1e6
_MAX_TAGS = 200_000  # markup past this many tags is cut before parsing (memory, see _cut)
# Lexbor parses the <option> elements of a <select> in time quadratic in their number (about
# 1e-8 s x options squared: 4 s for 20,000); past this many a page's options are dropped. A
# page with fewer tags than _few_tags asks for costs at most about 0.45 s per MB either way.
_MAX_OPTIONS = 2_000
# Lexbor compares each new attribute of a tag with those before it (about 1e-9 s x attributes
# squared: 10,000 take 0.1 s, 200,000 in a start tag took three minutes, in an end tag 6 s); a
# tag with more than this many loses its attributes before the parse (at most about 0.2 s a
# MB either way).
_MAX_ATTRIBUTES = 1_000
# Lexbor keeps attribute names it does not know (data-*, made-up ones) in a hash table of fixed
# size: each new name costs time in proportion to the names before it (80,000 distinct names
# took 0.7 s to parse, 200,000 in a 2 MB page 7 s through clean()). Past _MAX_NAMES distinct
# names, a tag with a new one loses its attributes (no dataset page has more than 571); the
# names are counted only on pages whose tags hold over _MANY_ATTRIBUTES attributes (a page of
# fewer costs at most about 0.05 s however many are distinct).
_MAX_NAMES = 2_000
_MANY_ATTRIBUTES = 20_000
# Tag names it does not know go to such a table too (99,000 distinct elements, opened and
# closed, took 1.9 s): on pages of more than _MANY_TAGS tags, a tag whose name is not one of
# the parser's own and is past the first _MAX_NAMES such names is dropped, its text kept.
_MANY_TAGS = 20_000
_STANDARD_NAMES = frozenset(  # HTML's elements (obsolete ones too), SVG's and MathML's
    b"""a abbr acronym address applet area article aside audio b base basefont bdi bdo bgsound
    big blink blockquote body br button canvas caption center cite code col colgroup data
    datalist dd del details dfn dialog dir div dl dt em embed fieldset figcaption figure font
    footer form frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html i iframe image img
    input ins isindex kbd keygen label legend li link listing main map mark marquee menu
    menuitem meta meter multicol nav nextid nobr noembed noframes noscript object ol optgroup
    option output p param picture plaintext pre progress q rb rp rt rtc ruby s samp script
    search section select selectedcontent slot small source spacer span strike strong style sub
    summary sup table tbody td template textarea tfoot th thead time title tr track tt u ul var
    video wbr xmp svg altglyph altglyphdef altglyphitem animate animatecolor animatemotion
    animatetransform circle clippath color-profile cursor defs desc ellipse feblend
    fecolormatrix fecomponenttransfer fecomposite feconvolvematrix fediffuselighting
    fedisplacementmap fedistantlight fedropshadow feflood fefunca fefuncb fefuncg fefuncr
    fegaussianblur feimage femerge femergenode femorphology feoffset fepointlight
    fespecularlighting fespotlight fetile feturbulence filter font-face font-face-format
    font-face-name font-face-src font-face-uri foreignobject g glyph glyphref hkern line
    lineargradient marker mask metadata missing-glyph mpath path pattern polygon polyline
    radialgradient rect set stop switch symbol text textpath tref tspan use view vkern math
    maction maligngroup malignmark menclose merror mfenced mfrac mglyph mi mlabeledtr mlongdiv
    mmultiscripts mn mo mover mpadded mphantom mprescripts mroot mrow ms mscarries mscarry
    msgroup msline mspace msqrt msrow mstack mstyle msub msup msubsup mtable mtd mtext mtr
    munder munderover none semantics annotation annotation-xml""".split()
)
_MAX_LINES = 50_000  # lines kept of a page (memory: the features are a row a line)


def _name_keys(names: list[str]) -> np.ndarray:
    """The keys :func:`_depth_bound` gives these tag names (their first 8 bytes)."""
    return np.array(
        [int.from_bytes(n.encode()[:8].ljust(8, b"\0"), "little") for n in names], np.uint64
    )


_VOID_KEYS = _name_keys(sorted(_VOID))
_FOREIGN_KEYS = _name_keys(sorted(_FOREIGN))
_BREAKOUT_KEYS = _name_keys(sorted(_BREAKOUT))
_OPTION_KEY = _name_keys(["option"])[0]
_IN_NAME = np.ones(256, dtype=bool)  # what a tag name goes on with, as the tokenizer reads it
_IN_NAME[list(b" \t\n\r\f/><\0")] = False
_LETTER = np.zeros(256, dtype=bool)
_LETTER[list(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")] = True
_HASH = np.uint64(0x9E3779B97F4A7C15)


if _compiled_walk is not None:  # its one-pass depth_bound reads tags with the same tables
    _compiled_walk.configure_depth(
        _IN_NAME,
        _LETTER,
        _VOID_KEYS.tolist(),
        _FOREIGN_KEYS.tolist(),
        _BREAKOUT_KEYS.tolist(),
        int(_OPTION_KEY),
    )
    _compiled_walk.configure_floods(
        _name_keys(sorted(_RAW_TEXT_TAGS)).tolist(),
        _name_keys([name.decode() for name in _FORMATTING_NAMES]).tolist(),
        _name_keys(sorted(name.decode() for name in _BLOCKS_APART)).tolist(),
    )
    _compiled_walk.configure_names(_STANDARD_NAMES)


def _one_of(keys: np.ndarray, among: np.ndarray) -> np.ndarray:
    return (keys[:, None] == among[None, :]).any(axis=1)


def _depth_bound(data: bytes) -> tuple[int, int]:
    """An upper bound of how deep the markup ``data`` (UTF-8) nests, and the number of its
    <option> start tags, in a few vectorised passes (no Python step per tag): every start tag
    but void ones (and, inside <svg>/<math>, self-closed ones) opens an element, and an end
    tag closes one of its own name only, if one is open. Names are told apart by their first 8
    bytes; an end tag of a longer name closes nothing here. Implied end tags (<p>, <li>) are
    not modelled: the bound is loose on purpose, and pages over it are flattened by
    :func:`_flatten_deep`, which follows them."""
    arr = np.frombuffer(data, dtype=np.uint8)
    lt = np.flatnonzero(arr[:-1] == 60)
    closing = arr[lt + 1] == 47
    begin = lt + 1 + closing
    window = arr[np.minimum(begin[:, None] + np.arange(9), len(arr) - 1)]
    named = np.logical_and.accumulate(_IN_NAME[window], axis=1)
    tag = _LETTER[window[:, 0]]
    lower = np.where(
        (window[:, :8] >= 65) & (window[:, :8] <= 90), window[:, :8] + 32, window[:, :8]
    )
    keys = np.ascontiguousarray(np.where(named[:, :8], lower, 0)).view(np.uint64)[:, 0]
    all_lt = len(lt)
    keys, closing, lt, long = keys[tag], closing[tag], lt[tag], named[tag, 8]
    options = int(np.count_nonzero((keys == _OPTION_KEY) & ~closing))
    if all_lt <= _MAX_DEPTH:
        return all_lt, options
    gt = np.flatnonzero(arr == 62)
    after = np.searchsorted(gt, lt)
    self_closed = np.zeros(len(lt), dtype=bool)
    has_end = after < len(gt)
    self_closed[has_end] = arr[gt[after[has_end]] - 1] == 47
    foreign = _one_of(keys, _FOREIGN_KEYS)
    in_foreign = np.cumsum(np.where(foreign, np.where(closing, -1, 1), 0)) > 0
    void = _one_of(keys, _VOID_KEYS) | (
        self_closed & in_foreign & ~foreign & ~_one_of(keys, _BREAKOUT_KEYS)
    )
    delta = np.where(void | (closing & long), 0, np.where(closing, -1, 1)).astype(np.int64)
    moves = np.flatnonzero(delta)
    if len(moves) == 0:
        return 0, options
    # group the tags by name: a stable (radix) sort of a 16-bit hash of the key; a hash shared
    # by two names makes its end tags close nothing (never a lower bound)
    hashed = ((keys[moves] * _HASH) >> np.uint64(48)).astype(np.uint16)
    by_hash = np.argsort(hashed, kind="stable")
    order = moves[by_hash]
    sorted_hash, steps = hashed[by_hash], delta[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = sorted_hash[1:] != sorted_hash[:-1]
    group = np.cumsum(first) - 1
    sorted_keys = keys[order]
    mixed = np.zeros(len(order), dtype=bool)
    mixed[1:] = (sorted_keys[1:] != sorted_keys[:-1]) & ~first[1:]
    if mixed.any():
        shared = np.zeros(group[-1] + 1, dtype=bool)
        shared[group[mixed]] = True
        steps = np.where(shared[group], np.maximum(steps, 0), steps)
    totals = np.cumsum(steps)
    running = totals - (totals - steps)[first][group]  # opens minus closes, per name
    big = 2 * len(order) + 2  # each name's floor restarts: earlier names sit far above
    floor = np.minimum.accumulate(np.minimum(running, 0) - group * big) + group * big
    count = running - floor  # open elements of the name (a close of none closes nothing)
    before = np.empty_like(count)
    before[0] = 0
    before[1:] = count[:-1]
    before[first] = 0
    change = np.zeros(len(keys), dtype=np.int64)
    change[order] = count - before
    return int(np.cumsum(change).max()), options


def _flatten_deep(data: bytes) -> bytes:
    """Drop the tags of elements nested deeper than _MAX_DEPTH from the UTF-8 markup ``data``,
    keeping their text, so that parsing stays linear. Reads tags as :func:`_tag_floods` does
    (comments, quoted values, raw text outside SVG and MathML) and follows the open elements
    as a parser does, roughly: void elements, self-closed ones in SVG and MathML, implied end
    tags (<p>, <li>, table cells), end tags that close the nearest open element of their name
    (and those inside it). Markup that does not nest deeper is returned as it is."""
    out: list[bytes] = []
    names: list[bytes] = []  # the open elements
    dropped: list[bool] = []  # ... and whether their tags were dropped
    where: dict[bytes, list[int]] = {}  # name -> its places in names
    foreign = 0  # open <svg>/<math>

    def close() -> bytes:
        """Close the innermost open element."""
        nonlocal foreign
        name = names.pop()
        where[name].pop()
        dropped.pop()
        foreign -= name in _FOREIGN_BYTES
        return name

    last = i = 0
    n = len(data)
    while (i := data.find(b"<", i, n - 1)) >= 0:
        start = i
        # CDATA is read as a bogus comment, to ">": where it is CDATA (in SVG), its text is
        # read as markup, more than there is, never less
        i, begin, name_end, _ = _markup_at(data, start, False, n)
        if not begin:  # no tag
            continue
        tag = data[begin:name_end].lower()
        if begin == start + 2:  # an end tag
            if foreign and tag in (b"p", b"br"):  # out of foreign content
                while foreign:
                    close()
                continue
            places = where.get(tag)
            if not places:
                continue  # closes nothing: the parser ignores it
            drop = dropped[places[-1]]
            while close() != tag:  # to the element of that name, and it
                pass
            if drop:
                out.append(data[last:start])
                last = i
            continue
        self_closed = data[i - 2] == 47
        breaks_out = bool(foreign) and _breaks_out(data, tag, name_end)
        if tag in _VOID_BYTES or (
            self_closed and (foreign or tag in _FOREIGN_BYTES) and not breaks_out
        ):
            continue  # <svg/> too
        while names and tag in _CLOSED_BY_BYTES.get(names[-1], ()):
            close()
        while breaks_out and foreign:  # HTML inside SVG ends it
            close()
        drop = len(names) >= _MAX_DEPTH
        where.setdefault(tag, []).append(len(names))
        names.append(tag)
        dropped.append(drop)
        foreign += tag in _FOREIGN_BYTES
        if drop:
            out.append(data[last:start])
            last = i
        if tag in _RAW_TEXT_BYTES and not foreign:  # its text is not markup (in SVG it is)
            i = _raw_text_end(data, i, tag)
    if not out:
        return data
    out.append(data[last:])
    return b"".join(out)


_VOID_BYTES = frozenset(name.encode() for name in _VOID)
_CLOSED_BY_BYTES = {
    name.encode(): frozenset(closer.encode() for closer in closers)
    for name, closers in _CLOSED_BY.items()
}


def _few_tags(tags: int, size: int) -> bool:
    """Whether ``tags`` are too few to be slow however they nest in markup of ``size`` bytes
    (UTF-8): ``tags² <= K * size``."""
    return tags * tags <= _SAFE_TAGS_SQUARED_PER_BYTE * size


def _cut(html: str | None, utf8: bytes | None = None) -> tuple[str | bytes, bool]:
    """``html`` made safe to parse: without floods of attributes and piles of formatting tags
    (:func:`_without_floods`), cut after _MAX_TAGS tags (a page of a million <br> needs
    gigabytes as a tree) and flattened when it may nest deeper than _MAX_DEPTH. ``utf8``,
    when given, is ``html`` encoded as UTF-8 (``html`` may then be ``None``). Returns the
    markup, as UTF-8 bytes or, where the str holds lone surrogates (which the parser drops),
    as a str; and whether it was cut."""
    parsable = True
    if utf8 is None:
        if html is None:
            raise TypeError("_cut needs the markup or its UTF-8")
        try:
            utf8 = html.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates, which the parser drops
            utf8 = html.encode("utf-8", "surrogatepass")
            parsable = False
    data, tags = _without_floods(utf8)
    if data is not utf8:
        html = None  # decoded again where needed
    if tags <= _MAX_DEPTH or _few_tags(tags, len(utf8)):
        # cannot nest deeper, or too few tags to be slow however they nest
        return data if parsable else _decoded(data, html, parsable), False
    cut = False
    if tags > _MAX_TAGS:
        arr = np.frombuffer(data, dtype=np.uint8)
        lts = np.flatnonzero(arr == 60)
        if len(lts) > _MAX_TAGS:
            # a character cut in two (or a lone surrogate) replaced: UTF-8 the parser reads
            data = data[: int(lts[_MAX_TAGS])].decode("utf-8", "replace").encode("utf-8")
            html, parsable, cut = None, True, True
    if _compiled_walk is None:
        deep, options = _depth_bound(data)
    else:  # the "<" of the UTF-8 bytes size its table; counted there when not cut
        deep, options = _compiled_walk.depth_bound(data, _MAX_TAGS if cut else -1)
    if options > _MAX_OPTIONS:
        data, html = _without_options(data), None
    if deep > _MAX_DEPTH:
        flat = _flatten_deep(data)
        if flat is not data:
            data, html = flat, None
    return data if parsable else _decoded(data, html, parsable), cut


def _decoded(data: bytes, html: str | None, parsable: bool) -> str:
    """The str of the UTF-8 markup ``data``: ``html`` where it is still that str."""
    if html is not None:
        return html
    return data.decode("utf-8", "strict" if parsable else "surrogatepass")


def _without_floods(data: bytes) -> tuple[bytes, int]:
    """The UTF-8 markup ``data`` made safe from two shapes whose parse costs time or memory
    quadratic in their size, whatever the page's depth, and how many tags it holds (start and
    end tags, as the tokenizer reads them: not in comments or attribute values; every "<" of
    raw text and CDATA counts, where the parser may read markup after all).

    - A tag with more than _MAX_ATTRIBUTES attributes loses them: Lexbor compares each new
      attribute with those before it (an end tag's too).
    - A tag with an attribute name past the page's first _MAX_NAMES distinct ones loses its
      attributes, and one whose name is not the parser's own and is past the first
      _MAX_NAMES such names is dropped (its text kept), where the tags hold more than
      _MANY_ATTRIBUTES attributes or are more than _MANY_TAGS: Lexbor keeps the names it does
      not know in tables of fixed size, so each new one costs time in proportion to those
      before it.
    - The tags of a formatting element's name opened more than _MAX_DEPTH times beyond its
      own end tags are dropped (:func:`_without_formatting`).

    The text of <script> and <style> elements that nothing reads goes too (:func:`_is_unread`),
    and so do the attributes nothing reads (:func:`_is_unread_attribute`) and the whitespace
    between block tags (_BLOCKS_APART): they only cost the parse time. Returns ``data`` itself
    where none is found."""
    read = _tag_floods if _compiled_walk is None else _compiled_walk.tag_floods
    tags, floods, piled, attributes, dropped, unread, unread_markup = read(
        data, _MAX_ATTRIBUTES, _MAX_DEPTH
    )
    if attributes > _MANY_ATTRIBUTES or tags > _MANY_TAGS:  # again, counting distinct names
        _, floods, _, _, dropped, _, unread_markup = read(
            data, _MAX_ATTRIBUTES, _MAX_DEPTH, _MAX_NAMES
        )
    if floods or dropped or unread or unread_markup:
        cut = _without_attributes if _compiled_walk is None else _compiled_walk.without_spans
        data = cut(data, floods, dropped, unread, unread_markup)
    if piled:
        data = _without_formatting(
            data, [n for k, n in enumerate(_FORMATTING_NAMES) if piled >> k & 1]
        )
    return data, tags


def _without_attributes(
    data: bytes,
    spans: list[tuple[int, int]],
    dropped: list[tuple[int, int]],
    unread: list[tuple[int, int]],
    unread_markup: Sequence[int] = (),
) -> bytes:
    """``data`` with each tag in ``spans`` (``[start, end)``, in order) written as its bare
    name, ``<div>`` or ``</div>``, and each span of ``dropped``, ``unread`` and
    ``unread_markup`` (its starts and ends in turn) left out: each in order, none overlapping
    another. ``_walk.without_spans`` is its compiled version."""
    parts = []
    last = 0
    markup = list(zip(unread_markup[::2], unread_markup[1::2]))
    left_out = {*dropped, *unread, *markup}
    for start, end in heapq.merge(spans, dropped, unread, markup):
        if (start, end) in left_out:
            parts.append(data[last:start])
        else:
            name_start = start + 1 + (data[start + 1] == 47)
            name_end = _TAG_NAME.match(data, name_start).end()  # type: ignore[union-attr]
            parts += [data[last:name_end], b">"]
        last = end
    parts.append(data[last:])
    return b"".join(parts)


# The tokenizer's reading of a tag (the HTML standard's tag and attribute states), as
# _tag_floods follows it; _walk.tag_floods is its compiled version.
_TAG_NAME = re.compile(rb"[^\t\n\f\r />]*")
# A tag as most are written, read in one match exactly as _tag_end reads it: its name, then
# attributes each after whitespace or "/", a name without quotes, "=" or "<" and an optional
# "=" and a quoted value or an unquoted one without quotes, "=", "<" or "`". (Each attribute
# starts with a byte no separator is, so a match that fails backtracks in linear time.)
_SIMPLE_TAG = re.compile(
    rb"""([^\t\n\f\r />]*)(?:[\t\n\f\r /]+[^\t\n\f\r />="'<][^\t\n\f\r />="'<]*"""
    rb"""(?:=(?:"[^"]*"|'[^']*'|[^\t\n\f\r >"'=<`]+))?)*[\t\n\f\r /]*>"""
)
_SPACES_OR_SLASHES = re.compile(rb"[\t\n\f\r /]*")  # "/" not before ">" is read as a space
_ATTRIBUTE = re.compile(  # one attribute of a tag _SIMPLE_TAG reads, as it reads them
    rb"""[\t\n\f\r /]+[^\t\n\f\r />="'<][^\t\n\f\r />="'<]*"""
    rb"""(?:=(?:"[^"]*"|'[^']*'|[^\t\n\f\r >"'=<`]+))?"""
)
_SPACES = re.compile(rb"[\t\n\f\r ]*")
_REST_OF_NAME = re.compile(rb"[^\t\n\f\r />=]*")
_UNQUOTED = re.compile(rb"[^\t\n\f\r >]*")
_ENDS_NAME = frozenset(b"\t\n\f\r />")


def _markup_at(
    data: bytes, i: int, foreign: bool, max_attributes: int
) -> tuple[int, int, int, int]:
    """What the tokenizer reads from the ``<`` at ``i`` of the UTF-8 markup ``data``, as
    ``(end, begin, name_end, attributes)``: a start or end tag (``data[i + 1]`` is ``/``)
    whose name runs from ``begin`` to ``name_end``, its attributes counted only where the tag
    is long enough to hold more than ``max_attributes`` or is not read in one step (else -1:
    a tag :data:`_SIMPLE_TAG` reads); or, with ``begin`` 0, no
    tag: a comment, CDATA (where ``foreign``: inside SVG or MathML), a doctype, a bogus
    comment or text. ``end``: where reading goes on."""
    n = len(data)
    following = data[i + 1]
    if following == 33:  # "<!": a comment, CDATA in SVG or MathML, else (<!DOCTYPE …>) to ">"
        if data[i + 2 : i + 4] == b"--":
            return _comment_end(data, i), 0, 0, 0
        if foreign and data[i + 2 : i + 9] == b"[CDATA[":
            end = data.find(b"]]>", i + 9)
            return (n if end < 0 else end + 3), 0, 0, 0
        return _after_gt(data, i + 1), 0, 0, 0
    if following == 63:  # "<?": a bogus comment, to ">"
        return _after_gt(data, i + 1), 0, 0, 0
    begin = i + 1 + (following == 47)
    if begin >= n or not (65 <= data[begin] <= 90 or 97 <= data[begin] <= 122):
        if following == 47 and begin < n:  # "</>" is dropped; "</" and another byte, a comment
            return (begin + 1 if data[begin] == 62 else _after_gt(data, begin)), 0, 0, 0
        return begin, 0, 0, 0  # text
    simple = _SIMPLE_TAG.match(data, begin)
    if simple is not None:  # most tags: read in one step
        name_end, end = simple.end(1), simple.end()
    else:
        name_end, end = _TAG_NAME.match(data, begin).end(), n  # type: ignore[union-attr]
    attributes = -1
    if simple is None or end - i > 2 * max_attributes:  # an attribute takes 2 bytes or more
        end, attributes = _tag_end(data, name_end)
    return end, begin, name_end, attributes


def _tag_floods(
    data: bytes, max_attributes: int, max_piled: int, max_names: int = -1
) -> tuple[int, list, int, int, list, list, array[int]]:
    """The markup ``data`` (UTF-8) read tag by tag as the tokenizer reads it (comments, raw
    text, quoted values): ``(tags, spans, piled, attributes)``, how many start and end tags it
    holds (and "<" in raw text and CDATA, which a parser that reads the tree otherwise may take
    for tags), the ``[start, end)`` byte spans of the tags with more than ``max_attributes``
    attributes (an end tag's too: the tokenizer reads them alike) or, where ``max_names`` is 0
    or more, an attribute name past the first ``max_names`` distinct ones (ASCII letters
    lowered, as the tokenizer lowers them), the formatting element names (a bit each, in
    ``_FORMATTING_NAMES``' order) opened more than ``max_piled`` times beyond their own end
    tags, how many attributes the tags hold, and (where ``max_names`` is 0 or more) the spans
    of the tags whose name, not in ``_STANDARD_NAMES``, is past the first ``max_names``
    distinct such names (not in ``spans``), and the ``[start, end)`` spans of the text of the
    <script> and <style> elements that nothing reads (:func:`_is_unread`; at least
    _MIN_UNREAD_TEXT bytes, their end tag found) and of outermost <svg> elements
    (:class:`_SvgText`): the first _MAX_UNREAD, none after a <plaintext> start tag (after
    which the page is text); last, as one array of starts and ends in turn, the spans of the
    markup nothing reads: attributes (:func:`_tag_end`) and whitespace between block tags
    (_BLOCKS_APART), taken while fewer than _MAX_UNREAD are found (a tag's attributes all
    together), none after a <plaintext> start tag either. The reference of
    ``_walk.tag_floods``."""
    n = len(data)
    i = tags = all_attributes = 0
    spans: list[tuple[int, int]] = []
    dropped: list[tuple[int, int]] = []
    unread: list[tuple[int, int]] = []
    unread_markup = array("q")  # starts and ends in turn
    last_tag_end, after_block = 0, False  # where the last tag ends, whether a block's
    plain_at = -1  # where a <plaintext> start tag stands
    known: set[bytes] = set()  # distinct attribute names, lowered
    known_tags: set[bytes] = set()  # distinct tag names the parser does not know, lowered
    open_count: dict[bytes, int] = {}
    piled = 0
    formatting = {name: 1 << k for k, name in enumerate(_FORMATTING_NAMES)}
    contexts = _Contexts()
    foreign = False  # contexts.foreign(), kept up to date
    svg = _SvgText()
    while (i := data.find(b"<", i, n - 1)) >= 0:
        end, begin, name_end, attributes = _markup_at(data, i, foreign, max_attributes)
        if not begin:  # no tag
            if foreign and data.startswith(b"<![CDATA[", i):
                tags += data.count(b"<", i + 9, end)  # what may be markup after all
            i = end
            continue
        tags += 1
        if attributes < 0 and max_names < 0:  # a tag read in one step: count its attributes
            attributes = len(_ATTRIBUTE.findall(data, name_end, end))
        new_name = False
        if max_names >= 0:
            names: list[bytes] = []
            attributes = _tag_end(data, name_end, names)[1]
            for name in names:
                name = name.lower()
                if name not in known:
                    if len(known) >= max_names:
                        new_name = True
                    else:
                        known.add(name)
        all_attributes += attributes
        full = data[begin:name_end].lower()
        new_tag = False
        if max_names >= 0 and full not in _STANDARD_NAMES and full not in known_tags:
            if len(known_tags) >= max_names:
                new_tag = True
            else:
                known_tags.add(full)
        whole = new_tag or attributes > max_attributes or new_name  # cut whole, or bare
        if new_tag:
            dropped.append((i, end))
        elif whole:
            spans.append((i, end))
        if whole:
            svg.start = -1  # a cut inside the <svg>: its text is not cut whole
        # the name as the compiled scan's key reads it: up to 8 bytes, without NUL at the end
        key = full.rstrip(b"\x00") if len(full) <= 8 else b""
        block = key in _BLOCKS_APART
        if (
            block
            and after_block
            and i > last_tag_end
            and not foreign
            and svg.start < 0
            and not sum(open_count.get(name, 0) for name in _OPEN_AROUND_SPACE)
            and not data[last_tag_end:i].strip(b"\t\n\f\r ")
            and len(unread_markup) < 2 * _MAX_UNREAD
        ):
            unread_markup += array("q", (last_tag_end, i))  # whitespace between blocks
        if (
            not whole
            and not foreign
            and len(unread_markup) < 2 * _MAX_UNREAD
            and _MAY_HOLD_UNREAD.search(data, name_end, end)
        ):
            cuts: list[list[int]] = []
            _tag_end(data, name_end, cuts=cuts)
            unread_markup += array("q", [at for cut in cuts for at in cut])
        last_tag_end, after_block = end, block
        closing = begin == i + 2
        name = full if len(full) <= 8 else b""  # the names looked for below are no longer
        lt, i = i, end
        if name in formatting:
            count = open_count.get(name, 0)
            open_count[name] = max(count - 1, 0) if closing else count + 1
            if open_count[name] > max_piled:
                piled |= formatting[name]
        elif key in (b"a", b"pre", b"listing"):  # see _BLOCKS_APART
            count = open_count.get(key, 0)
            open_count[key] = max(count - 1, 0) if closing else count + 1
        if closing:
            if foreign and name in (b"p", b"br"):  # out of foreign content
                contexts.leave_foreign()
            elif contexts.count.get(full):
                contexts.close(full)
            foreign = contexts.foreign()
            if svg.start >= 0 and svg.closes(full, lt, foreign, not contexts.names):
                if len(unread) < _MAX_UNREAD:
                    unread.append((svg.start, lt))
                svg.start = -1
            continue
        self_closed = data[end - 2] == 47
        if name in _FOREIGN_BYTES:
            if not self_closed:
                contexts.open(name)
                foreign = True
        elif foreign:
            if _breaks_out(data, name, name_end):
                contexts.leave_foreign()
                foreign = contexts.foreign()
            elif full in _INTEGRATION_POINTS[contexts.names[-1]] and not self_closed:
                contexts.open(full)
                foreign = False
        elif name in _RAW_TEXT_BYTES:
            after_block = False  # its text is not whitespace between tags
            i = _raw_text_end(data, end, name)
            tags += data.count(b"<", end, i)  # what may be markup after all
            if (
                i - end >= _MIN_UNREAD_TEXT
                and i < n
                and _is_unread(data, name, begin, end, i)
                and len(unread) < _MAX_UNREAD
            ):
                unread.append((end, i))
        if svg.start >= 0:
            svg.opens(full, foreign, self_closed)
        elif name == b"svg" and not self_closed and len(contexts.names) == 1:
            svg.start, svg.open = end, []  # an outermost <svg> opens
        if plain_at < 0 and not foreign and full == b"plaintext":
            plain_at = lt  # the rest of the page is text: nothing after it is cut
    if plain_at >= 0:
        unread = [span for span in unread if span[1] <= plain_at]
        while unread_markup and unread_markup[-1] > plain_at:
            del unread_markup[-2:]
    return tags, spans, piled, all_attributes, dropped, unread, unread_markup


class _SvgText:
    """Where the text of an outermost <svg> starts, while every tag inside it since is SVG
    (or MathML: no breakout, no integration point) and every end tag closes the element
    opened last: its text, up to its own end tag, is then certain, and nothing reads it (the
    walk skips SVG). ``start`` is -1 where no such <svg> is open."""

    def __init__(self) -> None:
        self.start = -1
        self.open: list[bytes] = []  # the names open inside the <svg>, lowered

    def opens(self, name: bytes, foreign: bool, self_closed: bool) -> None:
        """A start tag of ``name`` inside the <svg>, after which the content is ``foreign``
        or not (a breakout, an integration point: no longer followed)."""
        if not foreign or (not self_closed and len(self.open) == _SVG_CUT_DEPTH):
            self.start = -1
        elif not self_closed:
            self.open.append(name)

    def closes(self, name: bytes, at: int, foreign: bool, outside: bool) -> bool:
        """Whether the end tag of ``name`` at ``at``, after which the content is ``foreign``
        or, with ``outside``, no context is open, ends the <svg> whose text is cut: long
        enough, and as it opened; else the element opened last closes, or the <svg> is no
        longer followed."""
        if self.open and self.open[-1] == name and foreign:
            self.open.pop()
            return False
        if not self.open and name == b"svg" and outside and at - self.start >= _MIN_UNREAD_TEXT:
            return True
        self.start = -1
        return False


_SVG_CUT_DEPTH = 64  # elements open inside an <svg> that is cut, at most


# The text of <script>, <style> and <svg> elements is not read (the walk skips them), but
# for JSON-LD, which the structured data and the metadata read: leaving it out before the
# parse spares the parser two fifths of a page's bytes. A script holding "<!--" is left
# whole: the tokenizer's escaped states may end it elsewhere than at the first "</script".
_MIN_UNREAD_TEXT = 32  # bytes: a shorter text is not worth a cut
# spans a page, at most, so that a page of a million scripts costs no million tuples (a
# dataset page's most: 1,649)
_MAX_UNREAD = 4096


def _is_unread(data: bytes, name: bytes, begin: int, start: int, end: int) -> bool:
    """Whether the text ``data[start:end]`` of the raw-text element ``name``, whose tag's
    name starts at ``begin``, is text nothing reads: a <style>'s, or a <script>'s whose tag
    holds neither "ld+json" (in any case: JSON-LD is read; other JSON, such as Next.js's page
    data, is not) nor "&" (a character reference may spell it), and whose text holds no
    "<!--"."""
    if name == b"style":
        return True
    tag = data[begin:start]
    return (
        name == b"script"
        and b"&" not in tag
        and b"ld+json" not in tag.lower()
        and data.find(b"<!--", start, end) < 0
    )


class _Contexts:
    """The open elements that change how the tags after them are read: <svg> and <math>
    (foreign content: no raw text, CDATA sections) and, inside them, the integration points
    where HTML is read again (``_INTEGRATION_POINTS``). Closing one by its name is amortised
    constant time."""

    def __init__(self) -> None:
        self.names: list[bytes] = []  # innermost last
        self.count: dict[bytes, int] = {}

    def foreign(self) -> bool:
        return bool(self.names) and self.names[-1] in _FOREIGN_BYTES

    def open(self, name: bytes) -> None:
        self.names.append(name)
        self.count[name] = self.count.get(name, 0) + 1

    def _pop(self) -> bytes:
        name = self.names.pop()
        self.count[name] -= 1
        return name

    def close(self, name: bytes) -> None:
        """An end tag: closes the innermost open element of its name, if one is open."""
        if self.count.get(name):
            while self._pop() != name:
                pass

    def leave_foreign(self) -> None:
        """Close the foreign elements up to the innermost integration point."""
        while self.foreign():
            self._pop()


_FOREIGN_BYTES = frozenset(name.encode() for name in _FOREIGN)
_INTEGRATION_POINTS = {
    b"svg": frozenset([b"foreignobject", b"desc", b"title"]),
    b"math": frozenset([b"mi", b"mo", b"mn", b"ms", b"mtext"]),
}
_BREAKOUT_BYTES = frozenset(name.encode()[:8] for name in _BREAKOUT)  # as keys: 8 bytes
_RAW_TEXT_BYTES = frozenset(name.encode() for name in _RAW_TEXT_TAGS)


def _tag_end(
    data: bytes, i: int, names: list[bytes] | None = None, cuts: list[list[int]] | None = None
) -> tuple[int, int]:
    """From ``i``, just after a tag's name, to the index after the ``>`` that ends the tag
    (a quoted value may hold ``>``), or ``len(data)``; and how many attributes it opens (their
    names appended to ``names``, when given). ``cuts``, when given, receives the ``[start,
    end]`` spans of the attributes nothing reads (:func:`_is_unread_attribute`), each from a
    name preceded by whitespace to the end of its value (and the whitespace after it, without
    a value), those next to each other as one, at most _TAG_CUTS; none where the markup ends
    inside the tag (which the tokenizer then drops)."""
    n = len(data)
    attributes = 0
    found: list[list[int]] = []
    last_cut = -1  # the number of the attribute that ends the last span found
    while True:
        i = _SPACES_OR_SLASHES.match(data, i).end()  # type: ignore[union-attr]
        if i >= n:
            return n, attributes
        if data[i] == 62:
            if cuts is not None:
                cuts += found
            return i + 1, attributes
        attributes += 1  # a name starts (an "=" here is its first character)
        name = i
        i = _REST_OF_NAME.match(data, i + 1).end()  # type: ignore[union-attr]
        if names is not None:
            names.append(data[name:i])
        unread = (
            cuts is not None
            and data[name - 1] in _SPACE_BYTES
            and _is_unread_attribute(data[name:i])
        )
        i = _SPACES.match(data, i).end()  # type: ignore[union-attr]
        if i < n and data[i] == 61:
            i = _SPACES.match(data, i + 1).end()  # type: ignore[union-attr]
            if i >= n:
                return n, attributes
            if data[i] in (34, 39):  # a quoted value: to its closing quote
                close = data.find(data[i : i + 1], i + 1)
                if close < 0:
                    return n, attributes
                i = close + 1
            elif data[i] != 62:
                i = _UNQUOTED.match(data, i).end()  # type: ignore[union-attr]
        if unread:
            if last_cut == attributes - 1:
                found[-1][1] = i
            elif len(found) < _TAG_CUTS:
                found.append([name, i])
            else:
                continue
            last_cut = attributes


_TAG_CUTS = 16  # unread attribute spans kept of one tag, at most
_SPACE_BYTES = frozenset(b"\t\n\f\r ")
# Attributes that nothing of boilerx reads (the walk, the metadata, Markdown's links and
# images read class, id, style, role, hidden, aria-hidden, itemprop, href, src, data-src, alt,
# width, height, rel, datetime, content, name, property, lang …) and that never change how the
# parser builds the tree. Left out before the parse, with data-* and aria-* (but data-src and
# aria-hidden): a sixth of a news page's markup.
_UNREAD_ATTRIBUTES = frozenset(
    [b"title", b"sizes", b"srcset", b"target", b"loading", b"decoding", b"tabindex"]
)
_MAY_HOLD_UNREAD = re.compile(
    rb"[\t\n\f\r ](?:data-|aria-|title|sizes|srcset|target|loading|decoding|tabindex)", re.I
)


def _is_unread_attribute(name: bytes) -> bool:
    """Whether nothing reads the attribute ``name`` (ASCII letters in any case; see
    _UNREAD_ATTRIBUTES). ``_walk._unread_attribute`` is its compiled version."""
    name = name.lower()
    if len(name) > 5 and name[:5] in (b"data-", b"aria-"):
        return name not in (b"data-src", b"aria-hidden")
    return name in _UNREAD_ATTRIBUTES


def _breaks_out(data: bytes, tag: bytes, name_end: int) -> bool:
    """Whether the start tag ``tag`` (its name ending at ``name_end``) ends foreign content
    (SVG, MathML): an HTML tag such as <div>, or a <font> with a color, face or size."""
    if tag in _BREAKOUT_BYTES:
        return True
    if tag != b"font":
        return False
    names: list[bytes] = []
    _tag_end(data, name_end, names)
    return any(name.lower() in (b"color", b"face", b"size") for name in names)


def _raw_text_end(data: bytes, i: int, name: bytes) -> int:
    """The index of the ``<`` of the first end tag of ``name`` at or after ``i`` (the name
    followed by whitespace, ``/`` or ``>``), or ``len(data)``."""
    n = len(data)
    after = 2 + len(name)
    while (i := data.find(b"</", i, n - 1)) >= 0:
        if (
            i + after < n
            and data[i + after] in _ENDS_NAME
            and data[i + 2 : i + after].lower() == name
        ):
            return i
        i += 1
    return n


def _comment_end(data: bytes, i: int) -> int:
    """The index after the comment whose ``<!--`` is at ``i``: after its first ``>`` that
    follows ``--`` or ``--!`` (``<!-->`` ends at once), or ``len(data)``."""
    end = i + 4
    while (end := data.find(b">", end)) >= 0:
        if data[end - 2 : end] == b"--" or (end - 3 >= i + 2 and data[end - 3 : end] == b"--!"):
            return end + 1
        end += 1
    return len(data)


def _after_gt(data: bytes, i: int) -> int:
    """The index after the first ``>`` from ``i``, or ``len(data)``."""
    end = data.find(b">", i)
    return len(data) if end < 0 else end + 1


def _without_formatting(data: bytes, names: list[bytes]) -> bytes:
    """The UTF-8 markup ``data`` without the tags of the formatting elements ``names``, their
    text kept: the names :func:`_tag_floods` finds opened more than _MAX_DEPTH times beyond
    their own end tags. Closed by their parents' end tags instead, they stay in the parser's
    list of active formatting elements, which is rebuilt inside every new block: n of them
    with distinct attributes make n² elements (the HTML standard's limit, three alike, binds
    only identical ones). 30,000 `<p><b id=N>x</p>` took more memory than the machine had."""
    tags = rb"</?(?:" + b"|".join(sorted(names)) + rb")(?=[\s/>])[^>]*>"
    return re.sub(tags, b"", data, flags=re.I)


def _without_options(data: bytes) -> bytes:
    """The UTF-8 markup ``data`` without its <option> elements (tags and text up to the next
    tag): inside a <select>, Lexbor takes time quadratic in their number, and an option's
    text is never read (``_SKIP``)."""
    return _OPTION_END.sub(b"", _OPTION_START.sub(b"", data))


_OPTION_START = re.compile(rb"<option(?=[\s/>])[^>]*>?[^<]*", re.I)
_OPTION_END = re.compile(rb"</option\s*>", re.I)


def _title_of(tree: LexborHTMLParser) -> str | None:
    """The headline: og:title, else the first <h1>, else <title> without the site name."""
    og, twitter, h1, title = _title_texts(tree)
    for content in (og, twitter):
        content = (content or "").strip()
        if content:
            return _SPACE.sub(" ", content)
    if h1 is not None:
        text = _SPACE.sub(" ", h1).strip()
        if text:
            return text
    if title is not None:
        text = _SPACE.sub(" ", title).strip()
        parts = re.split(r"\s+[|\-–—:»·]\s+", text)
        return max(parts, key=len) if parts else None
    return None


_TITLE_METAS = ('meta[property="og:title"]', 'meta[name="twitter:title"]')


def _title_texts(tree: LexborHTMLParser) -> tuple[str | None, ...]:
    """What :func:`_title_of` reads: the content attributes ("" without one) of the first
    og:title and twitter:title <meta> elements, the text of the first <h1> and <title>;
    None where there is none. The compiled walk, where it is used, finds them in one pass
    (and stops at an og:title with text: the rest is not read then)."""
    if _native_walk_ready():
        root = tree.root
        return (None,) * 4 if root is None else _compiled_walk.title_texts(root.mem_id)
    metas = [tree.css_first(selector) for selector in _TITLE_METAS]
    h1, title = tree.css_first("h1"), tree.css_first("title")
    return (
        *(None if node is None else node.attributes.get("content") or "" for node in metas),
        None if h1 is None else h1.text(deep=True),
        None if title is None else title.text(),
    )


def _structured_sources(tree: LexborHTMLParser) -> tuple[list[str], list[str]]:
    """What ``structured.sources`` reads: by the compiled walk's one pass where it is used
    and sure of the selectors' answer, else by their queries."""
    root = tree.root
    if root is not None and _native_walk_ready():
        found = _compiled_walk.structured_sources(root.mem_id)
        if found is not None:
            return found
    return sources(tree)


# React's streamed server rendering sends a page's late parts at the end of the body, in
# hidden <div id="S:N"> elements, with a script that moves each into the place held by
# <template id="B:N"> (a Suspense boundary, whose fallback - "Loading..." - it removes) or
# <template id="P:N">. Without a browser to run the script, the article would stay hidden.
_STREAMED_TEMPLATES = ("B:", "P:")  # id prefixes of the templates a streamed part replaces
_BOUNDARY_OPEN = frozenset(["$", "$?", "$!"])
_BOUNDARY_CLOSE = "/$"


def _streamed_parts(tree: LexborHTMLParser) -> tuple[dict[str, LexborNode], set[int]]:
    """The hidden streamed parts of the page by the id of the template they replace ("B:3" →
    <div hidden id="S:3">), and the nodes of the fallbacks they remove (by ``mem_id``). The
    tree is not changed; each node is looked at once."""
    parts: dict[str, LexborNode] = {}
    fallback: set[int] = set()
    hidden = {}
    for node in tree.css("div[hidden]"):
        node_id = node.attributes.get("id") or ""
        if node_id.startswith("S:"):
            hidden[node_id[2:]] = node
    for template in tree.css("template"):
        template_id = template.attributes.get("id") or ""
        if template_id[:2] not in _STREAMED_TEMPLATES or template_id in parts:
            continue
        part = hidden.get(template_id[2:])
        if part is None or template.mem_id in fallback:
            continue
        parts[template_id] = part
        if template_id[0] == "B":  # the fallback runs from the template to the boundary's end
            depth = 0
            sibling = template.next
            while sibling is not None and sibling.mem_id not in fallback:
                fallback.add(sibling.mem_id)
                if sibling.tag == "-comment":
                    mark = (sibling.comment_content or "").strip()
                    if mark == _BOUNDARY_CLOSE:
                        if depth == 0:
                            break
                        depth -= 1
                    elif mark in _BOUNDARY_OPEN:
                        depth += 1
                sibling = sibling.next
    return parts, fallback


def html_lines(html: str | None, utf8: bytes | None = None) -> Page:
    """Cut an HTML page into block-level lines with their markup context. At most
    _MAX_LINES lines (and _MAX_TAGS tags) of a page are read; ``Page.cut`` says whether it
    had more. ``utf8``, when given, is ``html`` encoded as UTF-8: Lexbor parses those bytes
    instead of encoding ``html`` again (and ``html`` may be ``None``)."""
    markup, cut = _cut(html, utf8)
    tree = LexborHTMLParser(markup)
    title = _title_of(tree)
    root = tree.body or tree.root
    if root is None:
        return Page(title=title)
    found = _Skipped()
    page = _read(root, _SKIP, found)
    # the walk met a template of React's streaming: walk the page as the script shows it
    streamed, fallback = _streamed_parts(tree) if found.streaming else ({}, set())
    if streamed:
        page = _read(root, _SKIP, None, streamed, fallback)
    if found.noscripts and _is_app_shell(found.noscripts, page):
        page = _read(root, _SKIP_IN_APP_SHELL, None, streamed, fallback)
    page.title = title
    page.tree = tree
    page.article_body, page.description = structured_text(*_structured_sources(tree))
    page.cut = cut or len(page.texts) >= _MAX_LINES
    return page


def _read(
    root: LexborNode,
    skip: frozenset[str],
    found: _Skipped | None = None,
    streamed: dict[str, LexborNode] | None = None,
    fallback: set[int] | None = None,
) -> Page:
    """The lines under ``root``, as ``_walk`` reads them (with the ``streamed`` parts and
    without their ``fallback``), by the compiled walk where it is built and agrees with
    ``_walk`` on the probe page, else by ``_walk``."""
    streamed = streamed or {}
    if not _native_walk_ready() or not all(map(str.isascii, streamed)):
        return _walk(root, skip, streamed, fallback, found)
    page = Page()
    walk = _compiled_walk.Walk(page, "noscript" in skip, found is not None, _MAX_LINES)
    parts = {template_id.encode(): part.mem_id for template_id, part in streamed.items()}
    walk.run(root.mem_id, parts, fallback)
    if found is not None:
        found.streaming = walk.streaming
        if walk.noscripts:
            found.noscripts = _nodes_at(root, walk.noscripts)
    return page


_MAX_STEPS = 1000  # siblings passed over to reach the nodes, at most (else a query finds them)


def _nodes_at(root: LexborNode, ids: list[int]) -> list[LexborNode]:
    """The <noscript> elements under ``root`` whose ``mem_id`` are ``ids`` (met in document
    order), in document order: reached down from ``root`` along their paths, or, where that
    takes many steps (or does not reach them), found by a query of the whole tree."""
    paths = [_compiled_walk.path_to(node_id, root.mem_id) for node_id in ids]
    if all(path is not None for path in paths) and sum(map(sum, paths)) <= _MAX_STEPS:  # type: ignore[arg-type]
        nodes = []
        for node_id, path in zip(ids, paths):
            node: LexborNode | None = root
            for place in path:  # type: ignore[union-attr]
                node = node.child if node is not None else None
                for _ in range(place):
                    node = node.next if node is not None else None
            if node is None or node.mem_id != node_id:
                break
            nodes.append(node)
        else:
            return nodes
    wanted = set(ids)
    return [node for node in root.css("noscript") if node.mem_id in wanted]


@dataclass
class _Skipped:
    """What a walk passed over that may change how the page is read."""

    noscripts: list[LexborNode] = field(default_factory=list)
    streaming: bool = False  # a <template id="B:N"> or "P:N"


# A page built by scripts (a forum app, a single-page site) may carry the whole page for
# browsers without JavaScript in <noscript>. When that holds more text than everything else,
# it is the page, and its lines are read; elsewhere <noscript> is left out (an "enable
# JavaScript" note, a tracking pixel).
_SKIP_IN_APP_SHELL = _SKIP - {"noscript"}


def _is_app_shell(noscripts: list[LexborNode], page: Page) -> bool:
    """Whether the lines in the ``noscripts`` hold more text than the ``page``'s lines."""
    shown = sum(map(len, page.texts))
    if sum(len(node.html or "") for node in noscripts) <= shown:  # their markup is shorter
        return False
    hidden = 0
    for node in noscripts:
        hidden += sum(map(len, _read(node, _SKIP_IN_APP_SHELL).texts))
        if hidden > shown:
            return True
    return False


def _walk(
    root: LexborNode,
    skip: frozenset[str],
    streamed: dict[str, LexborNode] | None = None,
    fallback: set[int] | None = None,
    found: _Skipped | None = None,
) -> Page:
    """Lines of the tree under ``root``: one iterative walk, cut at block elements. Tags in
    ``skip`` are not entered, nor the ``fallback`` nodes; a template of ``streamed`` is
    replaced by its part (once); ``found`` notes the skipped <noscript> and streaming
    templates."""
    page = Page()
    streamed = dict(streamed or {})
    texts, kinds, link_chars, n_links = page.texts, page.kinds, page.link_chars, page.n_links
    bits_out, near_out, depths = page.bits, page.near_bits, page.depths
    outer_out = page.outer_bits
    containers_out, sigs = page.containers, page.signatures
    block_tags, pre_texts = page.block_tags, page.pre_texts

    pieces: list[str] = []
    piece_link = 0
    piece_nlinks = 0
    line_ctx: tuple | None = None
    block_ids = 0

    def flush() -> None:
        nonlocal pieces, piece_link, piece_nlinks, line_ctx
        piece_nlinks_now, piece_nlinks = piece_nlinks, 0
        if not pieces:  # no text since the last block boundary: no line (nor its links)
            return
        text = " ".join("".join(pieces).split())
        if text and line_ctx is not None:
            bits, near, _, depth, conts, sig, kind, _, outer = line_ctx
            if kind == _PRE:  # its line breaks and indentation are the code's
                pre_texts[len(texts)] = "".join(pieces).strip("\n").rstrip()
            texts.append(text)
            kinds.append(kind)
            link_chars.append(min(piece_link, len(text)))
            n_links.append(piece_nlinks_now)
            bits_out.append(bits)
            outer_out.append(outer)
            near_out.append(near)
            depths.append(depth)
            containers_out.append(conts)
            sigs.append(sig)
        pieces = []
        piece_link = 0
        line_ctx = None

    # ctx: (bits, near_bits, block_bits, depth, containers, signature, kind, in_link,
    # outer_bits); near_bits = bits of the enclosing block and of the block around it,
    # outer_bits = bits of the block-level ancestors (a code block's "comment" token is not one).
    base_ctx: tuple = (0, 0, 0, 0, (), "", 0, False, 0)
    end_of_block = None  # stack marker: the block above it is finished
    stack: list = [(root, base_ctx)]
    while stack:
        item = stack.pop()
        if item is end_of_block:
            flush()
            if len(texts) >= _MAX_LINES:  # the line budget: the rest of the page is not read
                break
            continue
        node, ctx = item
        if fallback and node.mem_id in fallback:
            continue
        tag = node.tag
        if tag == "-text":
            value = node.text_content
            if value:
                if line_ctx is None:
                    if value.isspace():
                        continue
                    line_ctx = ctx
                pieces.append(value)
                if ctx[7]:
                    piece_link += len(value.strip())
            continue
        if tag is None or tag[0] == "-" or tag in skip:
            if tag == "template":
                template_id = node.attributes.get("id") or ""
                part = streamed.pop(template_id, None)
                if part is not None:  # a streamed part goes here (each once)
                    flush()
                    stack.append(end_of_block)
                    child = part.last_child
                    while child is not None:
                        stack.append((child, ctx))
                        child = child.prev
                elif found is not None and template_id[:2] in _STREAMED_TEMPLATES:
                    found.streaming = True
            elif tag == "noscript" and found is not None:
                found.noscripts.append(node)
            continue
        attrs = node.attributes
        own = _TAG_BITS.get(tag, 0)
        if attrs:
            if "hidden" in attrs or attrs.get("aria-hidden") == "true":
                continue
            style = attrs.get("style")
            if style and _HIDDEN_STYLE.search(style):
                continue
            for key in ("class", "id"):
                value = attrs.get(key)
                if value:
                    own |= class_bits(value)
            role = attrs.get("role")
            if role:
                own |= _ROLE_BITS.get(role, 0)
            if attrs.get("itemprop") == "articleBody":
                own |= _BIT["content"]
        bits, near, block_bits, depth, conts, sig, kind, in_link, outer = ctx
        if tag == "a":
            in_link = True
            piece_nlinks += 1
        if tag in _BLOCK:
            flush()
            if tag == "br" or tag == "hr":
                if len(texts) >= _MAX_LINES:
                    break
                continue
            block_ids += 1
            block_tags.append(tag)
            cls = attrs.get("class") if attrs else None
            first_cls = cls.split(None, 1)[0] if cls and not cls.isspace() else ""
            new_ctx = (
                bits | own,
                own | block_bits,
                own,
                depth + 1,
                (conts + (block_ids,))[-_CONTAINERS_KEPT:],
                sig[sig.rfind(">", 0, sig.rfind(">")) + 1 :] + ">" + tag + "." + first_cls,
                _KIND_OF_TAG.get(tag, kind),
                in_link,
                outer | own,
            )
            stack.append(end_of_block)
        else:
            new_ctx = (
                bits | own,
                near | own,
                block_bits | own,
                depth + 1,
                conts,
                sig,
                kind,
                in_link,
                outer,
            )
        child = node.last_child
        while child is not None:
            stack.append((child, new_ctx))
            child = child.prev
    flush()
    if len(texts) > _MAX_LINES:
        for column in (texts, kinds, link_chars, n_links, bits_out, outer_out, near_out, depths):
            del column[_MAX_LINES:]
        del containers_out[_MAX_LINES:], sigs[_MAX_LINES:]
        for line in [line for line in pre_texts if line >= _MAX_LINES]:
            del pre_texts[line]
    return page


# ---------------------------------------------------------------- compiled walk
# The compiled walk (_walk.pyx) reads Lexbor's tree itself: tag ids and node fields, and
# attributes through the functions selectolax's module exports. It is used only after it has
# walked a probe page exactly as _walk does (a selectolax built on another Lexbor whose structs
# moved would fail here, and boilerx goes on with _walk).
_PROBE_PAGE = """<body class="page"><nav id="menu"><ul><li><a href="/">Home</a></li>
<li><a href="/n">News &amp; views</a></li></ul></nav><main role="main"><article>
<h1 class=" headline  big">Title here</h1><p>First <b>bold</b> <a href="#">link</a>
text.<br>After the break</p><figure><img src="x.jpg"><figcaption>A caption (Photo: X)
</figcaption></figure><div hidden>hidden text</div><div aria-hidden="true">aria</div>
<div style="display: none">styled away</div><div role="complementary" itemprop="articleBody">
<pre>  code
    indented</pre><table><thead><tr><th>Head</th></tr></thead><tr><td>Cell</td></tr></table>
<blockquote>Quoted   words</blockquote><my-widget class="share-bar">Custom tag</my-widget>
<script>var x = 1;</script><noscript>Enable JavaScript</noscript><template id="B:1"></template>
</div></article></main><footer><p>© Ünïcødé footer</p><hr><section class="related">
<h2>Related</h2><ol><li><a href="/a">Story one</a></li></ol></section></footer></body>"""
_native_state: list[bool] = []  # [whether the compiled walk is used], once decided


def _native_walk_ready() -> bool:
    """Whether html_lines uses the compiled walk (decided once, on the probe page)."""
    if not _native_state:
        _native_state.append(_compiled_walk is not None and _probe_native_walk())
    return _native_state[0]


def _probe_native_walk() -> bool:
    """Set the compiled walk up and check it against _walk on the probe page."""
    import ctypes
    import warnings

    import selectolax.lexbor

    try:
        lexbor = ctypes.CDLL(selectolax.lexbor.__file__)
        addresses = [
            ctypes.cast(getattr(lexbor, name), ctypes.c_void_p).value or 0
            for name in (
                "lxb_dom_element_first_attribute_noi",
                "lxb_dom_element_next_attribute_noi",
                "lxb_dom_attr_local_name_noi",
                "lxb_dom_attr_value_noi",
            )
        ]
        if not all(addresses):
            raise AttributeError("a Lexbor function has no address")
        _compiled_walk.bind(*addresses)
        probe = LexborHTMLParser("")
        names = _SKIP | _BLOCK | set(_TAG_BITS) | set(_KIND_OF_TAG)
        names |= {"a", "template", "meta", "title", "script"}
        _compiled_walk.configure(
            [
                (
                    probe.create_node(name).tag_id,
                    name,
                    name in _SKIP,
                    name in _BLOCK,
                    name in ("br", "hr"),
                    name == "a",
                    name == "template",
                    name == "noscript",
                    _TAG_BITS.get(name, 0),
                    _KIND_OF_TAG.get(name, -1),
                )
                for name in sorted(names)
            ],
            **_walk_vocabulary(),
        )
        agrees = _agrees_on(_PROBE_PAGE)
    except (OSError, AttributeError, ValueError, TypeError) as error:
        warnings.warn(f"boilerx: the compiled DOM walk is not used ({error})", stacklevel=3)
        return False
    if not agrees:
        warnings.warn(
            "boilerx: the compiled DOM walk reads this selectolax's tree differently from the "
            f"Python walk (Lexbor {selectolax.lexbor.LEXBOR_VERSION_MAJOR}."
            f"{selectolax.lexbor.LEXBOR_VERSION_MINOR}); the Python walk is used",
            stacklevel=3,
        )
    return agrees


def _walk_vocabulary() -> dict:
    """The words and bits the compiled walk reads class, id, role and style values with."""
    return dict(
        class_bits=class_bits,
        undisplayed_bit=undisplayed_bit,
        role_bits=_ROLE_BITS,
        hidden_style=_HIDDEN_STYLE.search,
        hiding_words=_HIDING_WORDS,
        content_bit=_BIT["content"],
        pre_kind=_PRE,
        whole_words={word: _WORD_TO_BITS[word] for word in _WHOLE_WORDS},
        inner_words={word: _WORD_TO_BITS[word] for word in _INNER_WORDS},
    )


def _agrees_on(html: str) -> bool:
    """Whether the compiled walk gives _walk's lines, column for column, on ``html``."""
    tree = LexborHTMLParser(html)
    root = tree.body or tree.root
    if root is None:
        return True
    expected_found = _Skipped()
    expected = _walk(root, _SKIP, found=expected_found)
    page = Page()
    walk = _compiled_walk.Walk(page, True, True, _MAX_LINES)
    walk.run(root.mem_id)
    return (
        _columns(page) == _columns(expected)
        and walk.streaming == expected_found.streaming
        and sorted(walk.noscripts) == sorted(node.mem_id for node in expected_found.noscripts)
    )


def _columns(page: Page) -> tuple:
    """What a walk gives a page, for comparing two walks (numeric columns as lists)."""
    return (
        page.texts,
        list(page.kinds),
        list(page.link_chars),
        list(page.n_links),
        list(page.bits),
        list(page.outer_bits),
        list(page.near_bits),
        list(page.depths),
        page.containers,
        page.signatures,
        page.block_tags,
        page.pre_texts,
    )


# ---------------------------------------------------------------- text
def _cut_text(text: str) -> tuple[str, bool]:
    """``text`` cut after 4 * _MAX_LINES line breaks (of which at most _MAX_LINES lines are
    kept), so that a page of a million short lines is not split whole; and whether it was."""
    limit = 4 * _MAX_LINES
    if len(text) <= limit or text.count("\n") <= limit:  # no more breaks than characters
        return text, False
    end = -1
    for _ in range(limit):
        end = text.find("\n", end + 1)
    return text[:end], True


def text_lines(text: str) -> Page:
    """Cut scraped text into its non-blank lines (whitespace runs collapsed to one space, NUL
    characters dropped), remembering blank-line gaps; at most _MAX_LINES of them
    (``Page.cut`` says whether there were more). The compiled ``_shape`` module does it
    when built."""
    page = Page(is_html=False)
    text, page.cut = _cut_text(text)
    if _compiled_shape is not None:
        page.texts, page.gaps = _compiled_shape.split_lines(text)
    else:
        text = text.replace("\x00", "")
        normalised = [" ".join(raw.split()) for raw in text.splitlines()]
        kept = [i for i, line in enumerate(normalised) if line]
        page.texts = [normalised[i] for i in kept]
        page.gaps = [i - before - 1 for before, i in zip([-1, *kept], kept)]
    if len(page.texts) > _MAX_LINES:
        del page.texts[_MAX_LINES:], page.gaps[_MAX_LINES:]
        page.cut = True
    n = len(page.texts)
    page.kinds = [KINDS.index("text")] * n
    page.link_chars = [0] * n
    page.n_links = [0] * n
    page.bits = [0] * n
    page.near_bits = [0] * n
    page.depths = [0] * n
    page.containers = [()] * n
    page.signatures = [""] * n
    return page


def drop_notices(page: Page, text: str) -> None:
    """Remove the cookie and consent notices (:mod:`~boilerx.pipeline.notices`) from the text
    ``page`` cut from ``text``: a browser's saved text holds them wherever the site put them.
    The line after a removed run keeps the largest gap before any line of the run."""
    if not may_hold_notices(text):
        return
    drop = set(notice_lines(page.texts))
    if not drop:
        return
    texts, gaps = [], []
    gap = 0
    for i, (line, before) in enumerate(zip(page.texts, page.gaps)):
        gap = max(gap, before)
        if i in drop:
            continue
        texts.append(line)
        gaps.append(gap)
        gap = 0
    n = len(texts)
    page.texts, page.gaps = texts, gaps
    for name in ("kinds", "link_chars", "n_links", "bits", "near_bits", "depths", "containers"):
        del getattr(page, name)[n:]  # (a text page's are the same on every line)
    del page.signatures[n:]
