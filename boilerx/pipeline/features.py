"""Stage 3: describe every line with numbers the classifier can weigh.

Three groups: what the line looks like (length, punctuation, case, digits, marker words in many
languages), what the markup says (link density, block kind, class/id words, containers,
repeated sibling structures; HTML only), and where it stands (position, the main run of prose,
distance to the last marker line, neighbours' values).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

import numpy as np

from boilerx.pipeline import lexicon as _lexicon
from boilerx.pipeline.lexicon import Lexicon
from boilerx.pipeline.lines import BITS, KINDS, Page
from boilerx.pipeline.structured import overlap

try:
    from boilerx.pipeline import _shape as _compiled_shape  # optional compiled counts (_shape.pyx)
except ImportError:  # not built: count with NumPy
    _compiled_shape = None  # type: ignore[assignment]
try:
    from boilerx.pipeline import _walk as _compiled_walk  # optional compiled markup columns
except ImportError:  # not built: with NumPy
    _compiled_walk = None  # type: ignore[assignment]

# ---------------------------------------------------------------- marker vocabularies
# Each group is matched against the lower-cased start of a line (its first 200 characters).
_MARKERS: dict[str, str] = {
    # headers that announce a list of other stories
    "more_stories": r"^(?:explore|recommended|related|read (?:more|next|also)|more from|more on|"
    r"more (?:stories|news|articles)|most (?:read|popular|viewed|shared)|popular|trending|"
    r"you (?:may|might) (?:also )?(?:like|enjoy)|see also|also read|latest(?: news)?|top stories|"
    r"editor'?s picks?|don'?t miss|further reading|in (?:other|case you missed)|around the web|"
    r"lesen sie (?:auch|mehr)|mehr zum thema|mehr aus|das könnte sie auch|weitere artikel|"
    r"meistgelesen|empfohlen|à lire (?:aussi|également)|lire aussi|sur le même sujet|"
    r"dans la même rubrique|leer más|lea también|te puede interesar|noticias relacionadas|"
    r"czytaj (?:też|także|więcej)|zobacz (?:też|także|również)|polecamy|leia (?:também|mais)|"
    r"veja também|leggi anche|potrebbe interessarti|ook interessant|lees ook|"
    r"похожие|читайте также|ещё по теме|関連記事|相关|推荐|相關)",
    "share": r"\b(?:share|tweet|pin it|whatsapp|facebook|twitter|linkedin|telegram|reddit|"
    r"e-?mail|print|copy link|teilen|partager|compartir|udostępnij|condividi|delen)\b|icon-",
    "follow": r"^(?:follow|subscribe|sign (?:up|in)|log ?in|register|join|download (?:the|our) app|"
    r"get (?:the|our) newsletter|newsletter|abonnieren|anmelden|s'abonner|suscríbete|"
    r"zaloguj|subskrybuj|iscriviti)",
    "ad": r"^(?:advertisement|advertising|sponsored|ad|anzeige|werbung|publicité|publicidad|"
    r"reklama|pubblicità|paid (?:content|post)|partner content|promoted)\b",
    "legal": r"cookie|privacy (?:policy|settings)|terms (?:of|and) (?:use|service|conditions)|"
    r"all rights reserved|©|copyright|datenschutz|impressum|mentions légales|"
    r"política de privacidad|polityka prywatności",
    "comment": r"^(?:\d+\s+)?(?:comments?|responses?|replies|reply|leave a (?:comment|reply)|"
    r"post a comment|add a comment|join the (?:discussion|conversation)|show comments|"
    r"reader comments|what do you think|kommentare?|leserkommentare|commentaires?|"
    r"réagir|comentarios?|komentarz[ey]?|commenti)",
    "reply": r"\b(?:reply|permalink|report abuse|flag as inappropriate|like · reply|"
    r"antworten|répondre|responder|odpowiedz)\b|(?:says|said|wrote|schrieb|a écrit):$",
    "byline": r"^(?:by|von|par|por|di|door|autor|author|written by|reporting by|"
    r"edited by|updated|published|posted|veröffentlicht|aktualisiert|publié|publicado)\b",
    "credit": r"(?:photo|image|picture|foto|bild|credit|getty|reuters|afp|ap photo|"
    r"shutterstock|istock|file photo)\b|/\s*(?:aa|ap|afp|reuters|getty)\b",
    "nav": r"^(?:home|menu|search|skip to|back to top|go to|next|previous|prev|close|"
    r"more|show more|load more|view all|see all|all rights|contact us|about us|"
    r"startseite|accueil|inicio|strona główna)\b",
}
# Markers anchored at the line start are tried with one match a short line (groups named
# after markers); the others are searched anywhere in the lines that hold a literal piece of
# theirs, one pattern a marker.
_FLOATING = ("share", "credit", "legal", "reply")
_ANCHORED_RX = re.compile(
    "|".join(f"(?P<{n}>{p[1:]})" for n, p in _MARKERS.items() if n not in _FLOATING)
)
_FLOATING_RX = {name: re.compile(_MARKERS[name]) for name in _FLOATING}
_MARKER_COLUMN = {name: i for i, name in enumerate(_MARKERS)}


_DIGIT = "\\d"  # in a set of literal starts: the match may begin with a decimal digit


def _closing(pattern: str, at: int) -> int:
    """Index of the ")" closing the "(" at ``at``."""
    depth, i = 0, at
    while True:
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            i = pattern.index("]", i + 2)
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1


def _alternatives(pattern: str) -> list[str]:
    """``pattern`` split at its top-level "|"."""
    parts, start, i = [], 0, 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 1
        elif c == "[":
            i = pattern.index("]", i + 2)
        elif c == "(":
            i = _closing(pattern, i)
        elif c == "|":
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    return parts + [pattern[start:]]


def _literal_starts(pattern: str) -> set[str]:
    """Literal strings one of which begins every match of the regex ``pattern`` ("" when a
    match may begin with anything; ``_DIGIT`` when it may begin with a decimal digit).
    Conservative: the scan stops at any construct it does not follow."""
    alternatives = _alternatives(pattern)
    if len(alternatives) > 1:
        return set().union(*map(_literal_starts, alternatives))
    start, i = "", 0
    while i < len(pattern):
        c = pattern[i]
        if c == "(":
            end = _closing(pattern, i)
            if pattern.startswith("(?:", i):  # a group, named or not
                body = i + 3
            elif pattern.startswith("(?P<", i):
                body = pattern.index(">", i) + 1
            else:  # a look-around or a back-reference: not followed
                return {start}
            inner, rest = _alternatives(pattern[body:end]), pattern[end + 1 :]
            if rest[:1] == "?" and rest[1:2] not in ("?", "+"):  # an optional group
                tails = _literal_starts(rest[1:]) | {
                    t for a in inner for t in _literal_starts(a + rest[1:])
                }
            elif not rest or rest[0] not in "?*+{":  # a group taken once
                tails = {t for a in inner for t in _literal_starts(a + rest)}
            else:
                return {start}
            return {start + t if t != _DIGIT else (start or _DIGIT) for t in tails}
        if c == "\\":
            escaped = pattern[i + 1]
            if escaped in "bB":  # an assertion: it takes no character
                i += 2
                continue
            if escaped == "d" and not start:
                return {_DIGIT}
            if escaped.isalnum():
                return {start}
            literal, width = escaped, 2
        elif c in ".[]^$|)?*+{}":
            return {start}
        else:
            literal, width = c, 1
        quantifier = pattern[i + width : i + width + 1]
        if quantifier == "?" and pattern[i + width + 1 : i + width + 2] not in ("?", "+"):
            rest = pattern[i + width + 1 :]  # an optional character: with it or without
            return {start + t for t in _literal_starts(re.escape(literal) + rest)} | {
                start + t for t in _literal_starts(rest)
            }
        if quantifier in ("?", "*", "{"):
            return {start}
        if quantifier == "+":
            return {start + literal}
        start += literal
        i += width
    return {start}


def _prefilter(starts: set[str]) -> tuple[tuple[str, ...], bool] | None:
    """The literal starts as probes for ``lines_holding``, and whether a decimal digit may
    begin a match; None when a match may begin with anything (no prefilter)."""
    if "" in starts:
        return None
    return tuple(sorted(starts - {_DIGIT})), _DIGIT in starts


# Every anchored match begins with one of these: lines that begin otherwise are not tried.
_ANCHORED_STARTS = _prefilter(_literal_starts(_ANCHORED_RX.pattern))
# The anchored starts with the ASCII digits when a match may begin with a decimal digit (other
# decimal digits are looked for apart): one constant tuple, so that its probe table is kept.
_ANCHORED_PROBES = (
    None
    if _ANCHORED_STARTS is None
    else _ANCHORED_STARTS[0] + (tuple("0123456789") if _ANCHORED_STARTS[1] else ())
)


# An anchored match begins with a decimal digit only as a count before a word ("15 comments";
# tests/test_native_shape.py checks): a line beginning with an ASCII digit is tried only when
# one of the anchored starts follows its count.
_COUNT = re.compile(r"\d+\s+")


def _starts_after_count(head: str) -> bool:
    """Whether ``head`` begins with a count (``_COUNT``) followed by one of
    ``_ANCHORED_PROBES``."""
    count = _COUNT.match(head)
    return count is not None and head.startswith(_ANCHORED_PROBES or (), count.end())


def _floating_probes() -> tuple[tuple[str, ...], tuple[int, ...]]:
    """The literal starts of the floating markers' matches, and the marker (its index in
    ``_FLOATING``) each belongs to."""
    probes: tuple[str, ...] = ()
    groups: tuple[int, ...] = ()
    for group, name in enumerate(_FLOATING):
        starts = _prefilter(_literal_starts(_MARKERS[name]))
        if starts is None or starts[1]:
            raise ValueError(f"the {name!r} marker needs literal starts")
        probes += starts[0]
        groups += (group,) * len(starts[0])
    return probes, groups


# Every floating match begins with one of these: a fast substring search for them (telling
# which marker each belongs to) finds the few lines worth a regex search.
_FLOATING_PROBES, _FLOATING_GROUPS = _floating_probes()
# For each set of group bits a line can have: the (marker, search) pairs to try on it.
_FLOATING_SEARCHES = [
    [(name, _FLOATING_RX[name].search) for g, name in enumerate(_FLOATING) if bits >> g & 1]
    for bits in range(1 << len(_FLOATING))
]
_SEPARATORS = (" | ", " • ", " · ")
_READ_TIME_PROBES = ("lesezeit", "reading time", "temps de lecture")
_MINUTES_PROBES = ("min", "mn")  # "N min read" holds one after an ASCII digit
# The floating markers' probes (groups as in ``_FLOATING``), the read-time phrases (group
# ``_READ_TIME_GROUP``) and minutes (``_MINUTES_GROUP``) in one table: one scan of the short
# heads finds the lines for all.
_READ_TIME_GROUP = len(_FLOATING)
_MINUTES_GROUP = _READ_TIME_GROUP + 1
_SHORT_PROBES = _FLOATING_PROBES + _READ_TIME_PROBES + _MINUTES_PROBES
_SHORT_GROUPS = (
    _FLOATING_GROUPS
    + (_READ_TIME_GROUP,) * len(_READ_TIME_PROBES)
    + (_MINUTES_GROUP,) * len(_MINUTES_PROBES)
)
_FLOATING_BITS = (1 << len(_FLOATING)) - 1
_SHORT = 100  # characters: a line longer than this is no marker, date or share line
_HEAD = 200  # characters: the start of a line its markers and title words are read from
_READ_TIME = re.compile(
    r"\b\d+\s*(?:min(?:ute)?s?|minuten|mn)\.?\s*(?:read|lesezeit|de lecture|de lectura|czytania)?\b"
    r"|lesezeit|reading time|temps de lecture"
)
# Every date begins with a digit or the first letter of an English month: the lookahead
# turns other positions away before the alternatives are tried (1.45x faster, same matches;
# a new alternative must begin with a character of the lookahead).
_DATE = re.compile(
    r"\b(?=[\djfmasond])(?:\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{2}-\d{2}|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:,\s*\d{4})?|"
    r"\d{1,2}\.?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|janv|févr|mär|mai|"
    r"juni|juli|okt|dez|ene|abr|ago|dic|stycz|lut|mar|kwi|maj|cze|lip|sie|wrz|paź|lis|gru)"
    r"[a-zé]*\.?(?:\s+\d{4})?|\d{1,2}:\d{2}\s*(?:am|pm|uhr|h)?|\b\d+\s*(?:hours?|days?|"
    r"minutes?|mins?|weeks?)\s+ago)\b"
)  # matched against lower-cased lines: no IGNORECASE, so sre skips non-matching branches fast
# Every date _DATE finds holds a numeric date's digits and separators ("5.3.24", "2024-03-05":
# a digit, one of "./-", one or two digits, one of "./-", a digit) or a time's ("10:30"), or
# "ago" ("3 hours ago"), or a month name and a run of one or two digits after a space ("may
# 5") or before one ("5. mai"; a longer run is no day: "may 2024" is no date of _DATE): a
# line without any of these is not searched. The month names are those of _DATE, which must
# stay among them (tests/test_native_shape.py checks).
_DATE_MONTHS = (
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec", "janv",
    "févr", "mär", "mai", "juni", "juli", "okt", "dez", "ene", "abr", "ago", "dic", "stycz",
    "lut", "kwi", "maj", "cze", "lip", "sie", "wrz", "paź", "lis", "gru",
)  # fmt: skip
_DATE_WORDS = ("ago", *_DATE_MONTHS)  # "ago" alone will do (group 0), a month needs more (1)
_DATE_WORD_GROUPS = (0,) + (1,) * len(_DATE_MONTHS)
_DATE_SEPARATED = re.compile(r"\d(?:[./-]\d\d?[./-]\d|:\d\d)")
_DATE_SPACED = re.compile(r"\s\d\d?(?!\d)|(?<!\d)\d\d?\.?\s")
_TERMINAL_CHARS = frozenset(".!?。！？…;")
_CLOSERS = "'\"”’»)]"
_TERMINAL_CODES = np.array([ord(c) for c in sorted(_TERMINAL_CHARS)], dtype=np.uint32)
_CLOSER_CODES = np.array([ord(c) for c in _CLOSERS], dtype=np.uint32)


SHAPE_NAMES = [
    "log_chars",
    "log_words",
    "terminal",
    "ends_colon",
    "comma_rate",
    "upper_frac",
    "titlecase_frac",
    "starts_upper",
    "digit_frac",
    "letter_frac",
    "mean_word_len",
    "separators",
    "date",
    "read_time",
    "n_sentences",
    "is_title",
    "title_overlap",
    "repeats",
    *("m_" + name for name in _MARKERS),
    "short_marker",
    "prose",
]
SHAPE_COLUMNS = {name: i for i, name in enumerate(SHAPE_NAMES)}  # the first columns of every matrix
HTML_NAMES = [
    "link_density",
    "log_links",
    "rel_depth",
    *("kind_" + k for k in KINDS[:-1]),
    *("bit_" + b for b in BITS),
    *("near_" + b for b in BITS),
    "share_c1",
    "share_c2",
    "share_c3",
    "share_c4",
    "in_main",
    "main_share",
    "sig_log_count",
    "sig_link_density",
    "sig_mean_chars",
    "sig_prose_share",
    "with_first_prose_c2",
    "with_first_prose_c3",
    *("page_prose_" + b for b in ("comment", "related", "sidebar", "content", "in_article")),
    "in_article_body",  # share of the line in the page's JSON-LD articleBody (-1: none)
    "in_description",  # … in its descriptions (og:description, JSON-LD description)
]
TEXT_NAMES = ["gap_before", "gap_after"]
EDGE_NAMES = [
    "credit_tail",  # the line ends with a photo credit: a caption
    "card_pairs",  # headline + one-sentence summary pairs around the line: teaser cards
]
POSITION_NAMES = [
    "rel_index",
    "rel_chars",
    "log_n_lines",
    "in_prose_run",
    "prose_run_dist",
    "run_share",
    "since_more",
    "after_more",
    "until_prose_rel",
    "since_comment",
    "after_comment",
    "comment_share_after",
]
_CONTEXT_BASE = [
    "log_chars",
    "terminal",
    "prose",
    "m_more_stories",
    "titlecase_frac",
    "m_comment",
    "m_reply",
    "m_byline",
    "date",
]
_CONTEXT_BASE_HTML = ["link_density"]
_CONTEXT_COLUMNS = tuple(SHAPE_COLUMNS[name] for name in _CONTEXT_BASE)


def _context_names(base: list[str]) -> list[str]:
    names = []
    for name in base:
        names += [f"{name}@-2", f"{name}@-1", f"{name}@+1", f"{name}@+2", f"{name}~3", f"{name}~10"]
    return names


def feature_names(is_html: bool) -> list[str]:
    """Column names of the matrix :func:`line_features` returns."""
    base = _CONTEXT_BASE + (_CONTEXT_BASE_HTML if is_html else [])
    own = SHAPE_NAMES + (HTML_NAMES if is_html else TEXT_NAMES) + POSITION_NAMES + EDGE_NAMES
    return own + _context_names(base) + ([] if is_html else _lexicon.NAMES)


# Columns of :func:`line_stats`: per-line character counts the shape features are built from.
STATS = (
    "chars", "words", "letters", "upper", "digits", "titled", "commas", "full_stops",
    "first", "last", "terminal", "separators", "starts_upper",
)  # fmt: skip
_S = {name: i for i, name in enumerate(STATS)}


def line_stats(texts: list[str]) -> np.ndarray:
    """Character statistics of each line, one float32 row a line, columns as ``STATS``:
    code points, words (as ``str.split`` finds them), letters, upper case, ASCII digits,
    title-cased words, commas, full stops followed by a space, first and last code point,
    whether it ends a sentence (closing quotes and brackets looked behind), " | "-style
    separators, whether it starts upper case. Counted by the compiled ``_shape`` module when
    it is built, else with NumPy (same numbers)."""
    out = np.empty((len(texts), len(STATS)), dtype=np.float32)
    if not texts:
        return out
    if _compiled_shape is not None:
        _compiled_shape.line_stats(texts, out)
        return out
    return _numpy_line_stats(texts, out)


def _numpy_line_stats(texts: list[str], out: np.ndarray) -> np.ndarray:
    """:func:`line_stats` with NumPy over the lines joined by newlines."""
    lengths = [len(t) for t in texts]
    joined = "\n".join(texts)
    starts = np.cumsum([0] + lengths[:-1]) + np.arange(len(texts))
    lowered = joined.lower()
    if len(lowered) != len(joined):  # a letter whose lower case is longer: keep it 1:1
        lowered = "".join(c.lower()[:1] for c in joined)
    code = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    lower = np.frombuffer(lowered.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    # A letter is a code point that case mapping changes, or one from U+0590 on (scripts
    # without case); upper case is what lower-casing changes.
    upper = code != lower
    letter = (
        upper
        | (lower >= 0x0590)
        | ((lower >= 97) & (lower <= 122))
        | ((lower >= 0xDF) & (lower < 0x0590) & (lower != 0xF7))
    )
    space = code == 32
    space_before = np.empty_like(upper)
    space_before[0] = True
    space_before[1:] = space[:-1] | (code[:-1] == 10)
    full_stop_space = np.zeros_like(space)
    full_stop_space[:-1] = (code[:-1] == 46) & space[1:]
    stacked = np.stack(
        [
            letter,
            upper,
            (code >= 48) & (code <= 57),
            upper & space_before,
            code == 44,
            full_stop_space,
        ]
    ).astype(np.float32)
    out[:, _S["letters"] : _S["full_stops"] + 1] = np.add.reduceat(stacked, starts, axis=1).T
    ends = np.append(starts[1:] - 1, len(code)) - 1  # each line's last code point
    first = code[np.minimum(starts, len(code) - 1)]
    last = code[np.maximum(ends, 0)]
    out[:, _S["chars"]] = lengths
    out[:, _S["words"]] = [len(t.split()) for t in texts]
    out[:, _S["first"]] = first
    out[:, _S["last"]] = last
    terminal = np.isin(last, _TERMINAL_CODES)
    closed = np.flatnonzero(np.isin(last, _CLOSER_CODES))  # look behind closing quotes
    terminal[closed] = [_last_mark(texts[i]) in _TERMINAL_CHARS for i in closed.tolist()]
    out[:, _S["terminal"]] = terminal
    out[:, _S["separators"]] = 0.0
    for i in _probe(joined, starts, _SEPARATORS).tolist():
        out[i, _S["separators"]] = sum(texts[i].count(sep) for sep in _SEPARATORS)
    starts_upper = (first >= 65) & (first <= 90)
    non_ascii = np.flatnonzero(first >= 128)
    starts_upper[non_ascii] = [texts[i][0].isupper() for i in non_ascii.tolist()]
    out[:, _S["starts_upper"]] = starts_upper
    return out


# Kinds of marker that never make a line of body on their own.
_STANDALONE = ("more_stories", "share", "follow", "ad", "comment", "nav")
_STANDALONE_COLUMNS = [SHAPE_COLUMNS["m_" + kind] for kind in _STANDALONE]
_STANDALONE_TUPLE = tuple(_STANDALONE_COLUMNS)
# A marker line has at most 4 words and 40 characters; features hold log1p of both, compared
# against halfway values so that rounding cannot move a line across the limit.
_MARKER_LOG_WORDS = float(np.log1p(4.5))
_MARKER_LOG_CHARS = float(np.log1p(40.5))


def marker_lines(features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Read from a page's :func:`line_features` matrix: which lines consist of a marker
    ("Recommended", "Advertisement", "Share", "Read more", "Explore" …: at most four words and
    40 characters, beginning with a marker of a kind in ``_STANDALONE`` or holding a share
    word), and which of those announce more stories. The compiled ``_shape`` module tells when
    it is built (the same lines)."""
    if _compiled_shape is not None and features.dtype == np.float32 and len(features.shape) == 2:
        n = len(features)
        both = np.empty(2 * n, dtype=np.uint8)
        _compiled_shape.marker_lines(
            features,
            _STANDALONE_TUPLE,
            SHAPE_COLUMNS["m_more_stories"],
            _MARKER_LOG_WORDS,
            _MARKER_LOG_CHARS,
            both,
        )
        flags = both.view(bool)
        return flags[:n], flags[n:]
    return _numpy_marker_lines(features)


def _numpy_marker_lines(features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`marker_lines` with NumPy."""
    small = (features[:, 1] < _MARKER_LOG_WORDS) & (features[:, 0] < _MARKER_LOG_CHARS)
    standalone = features[:, _STANDALONE_COLUMNS].max(axis=1) > 0
    return small & standalone, small & (features[:, SHAPE_COLUMNS["m_more_stories"]] > 0)


def _last_mark(text: str) -> str:
    """The last character of ``text`` before closing quotes and brackets ("" if none)."""
    return text.rstrip(_CLOSERS)[-1:]


def is_prose(text: str) -> bool:
    """A sentence of prose: it ends like one and has 8 words or 60 characters. A question
    needs 20 words: headlines of other stories are often questions."""
    end = _last_mark(text)
    if end in ("?", "？"):
        return len(text.split()) >= 20
    return end in _TERMINAL_CHARS and (len(text) >= 60 or len(text.split()) >= 8)


def _probe(joined: str, starts: np.ndarray, probes: tuple[str, ...]) -> np.ndarray:
    """Indices of the lines of ``joined`` (lines start at ``starts``) holding any of
    ``probes``, found by plain substring search."""
    positions = []
    for probe in probes:
        at = joined.find(probe)
        while at >= 0:
            positions.append(at)
            at = joined.find(probe, at + 1)
    if not positions:
        return np.zeros(0, dtype=np.int64)
    return np.unique(np.searchsorted(starts, positions, side="right") - 1)


def _holding(lines: list[str], probes: tuple[str, ...], at_start: bool = False) -> list[int]:
    """Indices of the ``lines`` holding any of ``probes`` (with ``at_start``: beginning with
    one). The compiled ``_shape`` module looks when it is built, else plain string search."""
    if _compiled_shape is not None:
        return _compiled_shape.lines_holding(lines, probes, at_start)
    if at_start:
        return [i for i, line in enumerate(lines) if line.startswith(probes)]
    starts = np.cumsum([0] + [len(t) + 1 for t in lines[:-1]])
    return _probe("\n".join(lines), starts, probes).tolist()


def _probe_groups(
    lines: list[str], probes: tuple[str, ...], groups: tuple[int, ...]
) -> list[tuple[int, int]]:
    """(index, bits) of the ``lines`` holding any of ``probes``: bit g is set when the line
    holds a probe of group g (``groups`` gives each probe's). Compiled when ``_shape`` is
    built, else plain substring search."""
    if _compiled_shape is not None:
        return _compiled_shape.probe_groups(lines, probes, groups)
    found = []
    for i in _holding(lines, probes):
        bits = 0
        for probe, group in zip(probes, groups):
            if probe in lines[i]:
                bits |= 1 << group
        found.append((i, bits))
    return found


def _matching(lines: list[str], candidates: Iterable[int], pattern: re.Pattern[str]) -> list[int]:
    """The ``candidates`` lines where ``pattern`` matches."""
    search = pattern.search
    return [i for i in candidates if search(lines[i])]


def _date_hint(line: str) -> bool:
    """Whether ``line`` holds what every date of ``_DATE`` holds (see ``_DATE_MONTHS``)."""
    if _DATE_SEPARATED.search(line) or "ago" in line:
        return True
    return any(m in line for m in _DATE_MONTHS) and _DATE_SPACED.search(line) is not None


def _date_candidates(lines: list[str], candidates: list[int]) -> list[int]:
    """The ``candidates`` lines that may hold a date (:func:`_date_hint`), in order; the
    compiled ``_shape`` module tells when it is built."""
    if _compiled_shape is not None:
        return _compiled_shape.date_hints(lines, candidates, _DATE_WORDS, _DATE_WORD_GROUPS)
    return [i for i in candidates if _date_hint(lines[i])]


def _markers(
    short: list[str],
    starting: list[int] | None,
    probed: list[tuple[int, int]],
    rows: np.ndarray,
    first: int,
) -> set[int]:
    """Fill the marker columns (from ``first`` on) and return the lines with a marker.
    ``short`` holds the lower-cased short lines (longer ones emptied), ``starting`` the
    short lines that may begin as an anchored match (:func:`_scanned_heads`; None when a match
    may begin with anything), ``probed`` the lines ``_probe_groups`` finds holding
    ``_SHORT_PROBES`` (the floating markers' groups in the low bits)."""
    match = _ANCHORED_RX.match
    if starting is None:
        starting = [i for i, head in enumerate(short) if head]
    hits = [(i, m.lastgroup) for i in starting if (m := match(short[i]))]
    for i, groups in probed:
        line = short[i]
        searches = _FLOATING_SEARCHES[groups & _FLOATING_BITS]
        hits += [(i, name) for name, search in searches if search(line)]
    for i, name in hits:  # a few: one at a time beats NumPy's fancy indexing
        rows[i, first + _MARKER_COLUMN[name]] = 1.0  # type: ignore[index]
    return {i for i, _ in hits}


def _title_overlap(texts: list[str], words: np.ndarray, title_words: set[str]) -> np.ndarray:
    """Share of the headline's words among the words of each line of up to 40 words (of its
    lower-cased head: the first ``_HEAD`` characters; the compiled ``_shape`` module lowers
    them as it reads them when it is built)."""
    overlap = np.zeros(len(texts))
    if not title_words:
        return overlap
    if _compiled_shape is not None and len(title_words) <= 64:
        counts = np.ascontiguousarray(words, dtype=np.float32)
        _compiled_shape.words_found(texts, tuple(title_words), _HEAD, counts, 40.0, overlap)
        overlap /= len(title_words)
        return overlap
    near = (words <= 40).nonzero()[0]
    heads = [texts[i][:_HEAD].lower() for i in near.tolist()]
    found = [len(title_words.intersection(h.split())) for h in heads]
    overlap[near] = np.array(found, dtype=np.float64) / len(title_words)
    return overlap


_REPEATS_CAP = 6  # copies of a line counted up to this many


def _repeats(texts: list[str]) -> np.ndarray | None:
    """For each line, how many other lines of the page are the same text (at most
    ``_REPEATS_CAP`` - 1); None when every line is unique. The compiled ``_shape`` module
    counts when it is built, else :class:`collections.Counter` (the same numbers)."""
    if _compiled_shape is not None:
        out = np.empty(len(texts), dtype=np.float32)
        again = _compiled_shape.repeats(texts, _REPEATS_CAP, out)
        if again is not None:
            return out if again else None
    counts = Counter(texts)
    if len(counts) == len(texts):
        return None
    return np.minimum(list(map(counts.__getitem__, texts)), _REPEATS_CAP) - 1


def shape_features(texts: list[str], title: str | None = None) -> np.ndarray:
    """The text-shape columns alone (the first ``len(SHAPE_NAMES)`` columns of
    :func:`line_features`, before link density is taken into account)."""
    if not texts:
        return np.zeros((0, len(SHAPE_NAMES)), dtype=np.float32)
    return _shape(texts, title, line_stats(texts))


def _lowered_heads(texts: list[str]) -> tuple[list[str], list[str], np.ndarray]:
    """The first ``_HEAD`` characters of each line, lower-cased; the same with the ones longer
    than ``_SHORT`` emptied; and their lengths (float32). The compiled ``_shape`` module lowers
    the ASCII lines itself when it is built; else, a line at a time (``lower()`` is slow on
    non-ASCII text, so one call over the joined lines is not faster)."""
    lengths = np.empty(len(texts), dtype=np.float32)
    if _compiled_shape is not None:
        heads, short = _compiled_shape.lowered_heads(texts, _HEAD, _SHORT, lengths)
        return heads, short, lengths
    heads = [t[:_HEAD].lower() for t in texts]
    lengths[:] = [len(h) for h in heads]
    short = [h if len(h) <= _SHORT else "" for h in heads]
    return heads, short, lengths


def _scanned_heads(
    texts: list[str],
) -> tuple[list[str], np.ndarray, list[int] | None, list[tuple[int, int]]]:
    """The short heads and the lengths of all heads of :func:`_lowered_heads`, then the
    short heads beginning with one of ``_ANCHORED_PROBES`` (None without them) and those
    holding ``_SHORT_PROBES`` (as :func:`_probe_groups` finds them; of those beginning with an
    decimal digit, the ones where one follows the count: :func:`_starts_after_count`); in
    one pass over the lines with the compiled ``_shape`` module, which makes no heads of long
    lines."""
    if _compiled_shape is not None and _ANCHORED_PROBES is not None:
        lengths = np.empty(len(texts), dtype=np.float32)
        short, begin, probed = _compiled_shape.scan_heads(
            texts,
            _HEAD,
            _SHORT,
            lengths,
            _ANCHORED_PROBES,
            _SHORT_PROBES,
            _SHORT_GROUPS,
            True,
        )
        return short, lengths, begin, probed
    _, short, lengths = _lowered_heads(texts)
    starting = None
    if _ANCHORED_PROBES is not None:
        begins = set(_holding(short, _ANCHORED_PROBES, True))
        starting = [
            i
            for i, head in enumerate(short)
            if head and (_starts_after_count(head) if head[0].isdecimal() else i in begins)
        ]
    probed = _probe_groups(short, _SHORT_PROBES, _SHORT_GROUPS)
    return short, lengths, starting, probed


def _shape(
    texts: list[str], title: str | None, stats: np.ndarray, rows: np.ndarray | None = None
) -> np.ndarray:
    """Text-shape and marker features, one row a line, computed a page at a time from the
    lines and their :func:`line_stats` (lines are non-empty, as :mod:`boilerx.pipeline.lines` makes
    them); into ``rows`` (float32, n x ``len(SHAPE_NAMES)``, a view of a larger matrix, say)
    when it is given."""
    n = len(texts)
    words = stats[:, _S["words"]]
    digits = stats[:, _S["digits"]]
    if rows is None:
        rows = np.empty((n, len(SHAPE_NAMES)), dtype=np.float32)
    _arithmetic_columns(stats, rows)  # 0 in the other columns
    for j in range(2):  # characters and words (STATS begins with them), a column at a time:
        np.log1p(stats[:, j], out=rows[:, j])  # 5x faster than one 2-column call
    short_heads, head_chars, starting, probed = _scanned_heads(texts)
    is_short = head_chars <= _SHORT
    with_digits = (digits * is_short).nonzero()[0].tolist()
    for i in _matching(short_heads, _date_candidates(short_heads, with_digits), _DATE):
        rows[i, 12] = 1.0
    # "N min read" holds "min" or "mn" and an ASCII digit; the phrases need no digit
    read_time = [
        i
        for i, groups in probed
        if groups >> _READ_TIME_GROUP & 1 or groups >> _MINUTES_GROUP & 1 and digits[i] > 0
    ]
    for i in _matching(short_heads, read_time, _READ_TIME):
        if words[i] <= 12:
            rows[i, 13] = 1.0
    if title:
        title_norm = " ".join(title.lower().split())
        title_words = set(title_norm.split())
        for i in (head_chars == len(title_norm)).nonzero()[0].tolist():
            if texts[i][:_HEAD].lower() == title_norm:
                rows[i, 15] = 1.0
        rows[:, 16] = _title_overlap(texts, words, title_words)
    repeated = _repeats(texts)
    if repeated is not None:
        rows[:, 17] = repeated
    first = 18
    for i in _markers(short_heads, starting, probed, rows, first):
        if words[i] <= 6:  # a short marker line
            rows[i, first + len(_MARKERS)] = 1.0
    return rows


# Where the columns of :func:`_arithmetic_columns` go among the shape columns.
_ARITHMETIC_COLUMNS = (*range(SHAPE_COLUMNS["terminal"], SHAPE_COLUMNS["separators"] + 1),) + (
    SHAPE_COLUMNS["n_sentences"],
    SHAPE_COLUMNS["prose"],
)


def _arithmetic_columns(stats: np.ndarray, rows: np.ndarray) -> None:
    """The shape columns that are plain arithmetic on :func:`line_stats` rows ("terminal" to
    "separators" of ``SHAPE_NAMES``, "n_sentences" and "prose"), into ``rows`` (float32, n x
    ``len(SHAPE_NAMES)``), 0 in its other columns; the compiled ``_shape`` module computes
    the same float32 numbers when it is built."""
    if _compiled_shape is not None:
        _compiled_shape.shape_columns(np.ascontiguousarray(stats), rows, _ARITHMETIC_COLUMNS)
        return
    out = np.empty((len(stats), 12), dtype=np.float32)
    chars, words, letters, upper, digits, terminal = (
        stats[:, _S[k]] for k in ("chars", "words", "letters", "upper", "digits", "terminal")
    )
    out[:, 0] = terminal
    out[:, 1] = stats[:, _S["last"]] == 58  # ends with a colon
    out[:, 2] = stats[:, _S["commas"]] / (words + 1)
    out[:, 3] = upper / np.maximum(letters, 1)
    out[:, 4] = np.minimum(stats[:, _S["titled"]] / np.maximum(words, 1), 1.0)
    out[:, 5] = stats[:, _S["starts_upper"]]
    out[:, 6] = digits / np.maximum(chars, 1)
    out[:, 7] = letters / np.maximum(chars, 1)
    out[:, 8] = np.minimum(chars / np.maximum(words, 1), 30.0)
    out[:, 9] = np.minimum(stats[:, _S["separators"]], 10)
    out[:, 10] = np.minimum(stats[:, _S["full_stops"]] + terminal, 20.0)
    out[:, 11] = terminal * ((words >= 8) | (chars >= 60))
    rows.fill(0.0)
    rows[:, list(_ARITHMETIC_COLUMNS)] = out


_N_KINDS = len(KINDS) - 1  # kind_ columns (text is no kind of HTML line)
_N_MARKUP = 1 + _N_KINDS + 2 * len(BITS)  # rel_depth, kind_*, bit_*, near_*


def _markup_columns(page: Page, out: np.ndarray) -> None:
    """The rel_depth, kind_*, bit_* and near_* columns of an HTML page, into ``out`` (float32,
    n x ``_N_MARKUP``); the compiled ``_walk`` module writes them when it is built."""
    if _compiled_walk is None:
        _numpy_markup_columns(page, out)
        return
    kinds, depths, bits, near_bits = (
        np.asarray(column, dtype=np.int64)
        for column in (page.kinds, page.depths, page.bits, page.near_bits)
    )
    _compiled_walk.markup_columns(kinds, depths, bits, near_bits, _N_KINDS, len(BITS), out)


def _numpy_markup_columns(page: Page, out: np.ndarray) -> None:
    """:func:`_markup_columns` with NumPy."""
    depths = np.asarray(page.depths, dtype=np.float32)
    out[:, 0] = depths / max(depths.max(), 1.0)
    kinds = out[:, 1 : 1 + _N_KINDS]
    kinds.fill(0.0)
    kinds[np.arange(len(kinds)), np.minimum(page.kinds, _N_KINDS - 1)] = 1.0
    nb = len(BITS)
    bit_masks = 1 << np.arange(nb, dtype=np.int64)
    for at, column in ((1 + _N_KINDS, page.bits), (1 + _N_KINDS + nb, page.near_bits)):
        out[:, at : at + nb] = (np.asarray(column, dtype=np.int64)[:, None] & bit_masks) > 0


def _container_features(page: Page, prose_chars: np.ndarray) -> np.ndarray:
    """Shares of the page's prose held by the line's containers, the main region, and the
    statistics of lines built like this one (repeated sibling structures such as teaser cards)."""
    n = len(page.texts)
    out = np.zeros((n, 12), dtype=np.float32)
    total = float(prose_chars.sum()) or 1.0
    shared = _compiled_shape is not None and _compiled_shape.container_shares(
        page.containers, np.ascontiguousarray(prose_chars, dtype=np.float32), total, out
    )
    if not shared:
        _container_shares(page.containers, prose_chars, total, out)
    _signature_columns(page, prose_chars, total, out[:, 6:10])
    return out


def _signature_columns(page: Page, prose_chars: np.ndarray, total: float, out: np.ndarray) -> None:
    """Columns 6-9 of :func:`_container_features`, of the lines built alike (the same
    tag.class signature): how many (log1p), their mean link density, their mean characters
    (log1p) and their share of the page's prose, into ``out``; the compiled ``_walk`` module
    sums them when it is built."""
    sig = signature_labels(page)
    if _compiled_walk is not None and prose_chars.dtype == np.float32:
        alike, mean_chars = np.empty(len(sig)), np.empty(len(sig))
        link_chars = np.asarray(page.link_chars, dtype=np.int64)
        _compiled_walk.signature_columns(
            sig, link_chars, page.texts, prose_chars, total, out, alike, mean_chars
        )
        out[:, 0] = np.log1p(alike)
        out[:, 2] = np.log1p(mean_chars)
        return
    chars = np.fromiter(map(len, page.texts), dtype=np.float64, count=len(page.texts))
    count = np.bincount(sig).astype(np.float64)
    link = np.bincount(sig, weights=np.asarray(page.link_chars) / np.maximum(chars, 1))
    out[:, 0] = np.log1p(count[sig])
    out[:, 1] = link[sig] / count[sig]
    out[:, 2] = np.log1p(np.bincount(sig, weights=chars)[sig] / count[sig])
    out[:, 3] = np.bincount(sig, weights=prose_chars.astype(np.float64))[sig] / total


def signature_labels(page: Page) -> np.ndarray:
    """Each line's block signature as a label 0, 1, 2 … in the order they first appear (the
    page's own ``signature_labels`` where the compiled walk made them)."""
    if len(page.signature_labels) == len(page.signatures):
        return np.asarray(page.signature_labels, dtype=np.intp)
    sig_ids: dict[str, int] = {}
    return np.array([sig_ids.setdefault(s, len(sig_ids)) for s in page.signatures], dtype=np.intp)


def _container_shares(
    containers: list[tuple[int, ...]], prose_chars: np.ndarray, total: float, out: np.ndarray
) -> None:
    """Columns 0-5, 10 and 11 of :func:`_container_features` with NumPy (the compiled
    ``_shape`` module computes the same numbers when it is built), into ``out``."""
    n = len(containers)
    # containers, right-aligned: column -1 is the line's own block, -2 its parent …
    depth = max((len(c) for c in containers), default=0)
    conts = np.array([(-1,) * (depth - len(c)) + c for c in containers], dtype=np.int64)
    conts = conts.reshape(n, depth)
    ids, dense = np.unique(conts, return_inverse=True)
    dense = dense.reshape(n, depth)
    weights = np.where(conts >= 0, prose_chars.astype(np.float64)[:, None], 0.0)
    held = np.bincount(dense.ravel(), weights=weights.ravel(), minlength=len(ids))
    held[ids < 0] = 0.0
    for k in range(min(4, depth)):
        out[:, k] = held[dense[:, depth - 1 - k]] / total
    # main region: the innermost container holding at least half of the page's prose; such
    # containers nest, so it is the one holding the least (ties: the later, inner one)
    candidates = np.flatnonzero((held >= 0.5 * total) & (ids >= 0) & (held > 0))
    if len(candidates):
        main = candidates[np.lexsort((-ids[candidates], held[candidates]))[0]]
        out[:, 4] = (dense == main).any(axis=1)
        out[:, 5] = held[main] / total
    # the article starts before what follows it (comments, teasers): does the line share its
    # parent / grandparent with the page's first long line of prose?
    long = np.flatnonzero(prose_chars >= 150)
    first = int(long[0]) if len(long) else int(np.argmax(prose_chars))
    for j, k in ((10, 2), (11, 3)):
        if depth >= k:
            column = conts[:, depth - k]
            out[:, j] = (column == column[first]) & (column >= 0)


_SHARE_BITS = [BITS.index(b) for b in ("comment", "related", "sidebar", "content", "in_article")]


def _bit_prose_shares(bits: np.ndarray, prose_chars: np.ndarray) -> np.ndarray:
    """The page's share of prose inside comment, related, sidebar, content and article
    markup (float32, one a bit; the same on every line): reader comments under an article
    are chrome, but on a forum page, where the comments hold all the prose, they are the
    content. ``bits`` holds the bit_* columns (1.0 or True where set)."""
    shares = (bits[:, _SHARE_BITS] * prose_chars[:, None]).sum(axis=0) / max(prose_chars.sum(), 1.0)
    return shares.astype(np.float32)


def _prose_runs(prose: np.ndarray, chars: np.ndarray) -> np.ndarray:
    """Where the longest run of prose sits: in it, distance to it, its share of all prose."""
    n = len(prose)
    out = np.zeros((n, 3), dtype=np.float32)
    idx = np.flatnonzero(prose)
    if len(idx) == 0:
        out[:, 1] = 1.0
        return out
    # runs: prose lines with at most 3 non-prose lines between them
    breaks = np.flatnonzero(np.diff(idx) > 4)
    starts = np.concatenate(([0], breaks + 1))
    ends = np.concatenate((breaks, [len(idx) - 1]))
    cum = np.concatenate(([0.0], np.cumsum(chars * prose)))
    weights = cum[idx[ends] + 1] - cum[idx[starts]]
    best = int(np.argmax(weights))
    lo, hi = idx[starts[best]], idx[ends[best]]
    positions = np.arange(n)
    out[:, 0] = (positions >= lo) & (positions <= hi)
    dist = np.where(positions < lo, lo - positions, np.where(positions > hi, positions - hi, 0))
    out[:, 1] = np.minimum(dist / 20.0, 1.0)
    out[:, 2] = weights[best] / (cum[-1] or 1.0)
    return out


def _marker_distance(more: np.ndarray, prose: np.ndarray) -> np.ndarray:
    """Lines since the last "more stories" marker, whether no prose came since, and how far
    the next prose line is."""
    n = len(more)
    positions = np.arange(n)
    last_more = np.maximum.accumulate(np.where(more > 0, positions, -1))
    last_prose = np.maximum.accumulate(np.where(prose > 0, positions, -1))
    next_prose = np.minimum.accumulate(np.where(prose > 0, positions, n + 50)[::-1])[::-1]
    out = np.empty((n, 3), dtype=np.float32)
    out[:, 0] = np.where(last_more >= 0, np.minimum((positions - last_more) / 20.0, 1.0), 1.0)
    out[:, 1] = (last_more >= 0) & (last_prose < last_more)
    out[:, 2] = np.minimum((next_prose - positions) / 20.0, 1.0)
    return out


def _comment_section(header: np.ndarray, reply: np.ndarray) -> np.ndarray:
    """Reader comments: lines since the last comment header ("15 comments", "Leave a reply"),
    whether one came before at all, and the share of reply/byline lines from here to the end
    (comment threads repeat "by X on DATE · Reply" between their paragraphs)."""
    n = len(header)
    positions = np.arange(n)
    last = np.maximum.accumulate(np.where(header > 0, positions, -1))
    out = np.empty((n, 3), dtype=np.float32)
    out[:, 0] = np.where(last >= 0, np.minimum((positions - last) / 50.0, 1.0), 1.0)
    out[:, 1] = last >= 0
    after = np.cumsum((reply > 0)[::-1])[::-1] / (n - positions)
    out[:, 2] = after
    return out


def _context(
    matrix: np.ndarray, indices: tuple[int, ...], out: np.ndarray | None = None
) -> np.ndarray:
    """Neighbours' values (±1, ±2) and centred window means (±3, ±10) of some columns of
    ``matrix`` (their ``indices``; the compiled ``_shape`` module reads them in place and
    computes the same numbers when it is built), into ``out`` (float32, n x 6k, every value
    written) when it is given."""
    n, k = len(matrix), len(indices)
    if out is None:
        out = np.empty((n, k * 6), dtype=np.float32)
    if _compiled_shape is not None and matrix.dtype == np.float32 and matrix.ndim == 2:
        _compiled_shape.context(matrix, indices, out)
        return out
    columns = matrix[:, list(indices)]
    padded = np.vstack([np.zeros((2, k)), columns, np.zeros((2, k))])
    cum = np.vstack([np.zeros((1, k)), np.cumsum(columns, axis=0)])
    for j, shift in enumerate((-2, -1, 1, 2)):
        out[:, j::6] = padded[2 + shift : 2 + shift + n]
    positions = np.arange(n)
    for j, half in ((4, 3), (5, 10)):
        lo = np.maximum(positions - half, 0)
        hi = np.minimum(positions + half + 1, n)
        out[:, j::6] = (cum[hi] - cum[lo]) / (hi - lo)[:, None]
    return out


# The shape columns the position columns are read from: prose, "more stories" and comment
# markers (counted on short marker lines only), and reply and byline markers.
_POSITION_INPUTS = tuple(
    SHAPE_COLUMNS[name]
    for name in ("prose", "m_more_stories", "m_comment", "short_marker", "m_reply", "m_byline")
)


def _position(shape: np.ndarray, chars: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """The position columns (``POSITION_NAMES``): where the line stands in the page, in
    lines and characters, against the main run of prose, the last "more stories" marker and
    the comment section, from the page's shape columns (float32, ``SHAPE_NAMES``) and each
    line's characters (the compiled ``_shape`` module reads them in place and computes the
    same numbers when it is built), into ``out`` (float32, n x 12) when it is given."""
    n = len(shape)
    total = max(chars.sum(), 1.0)  # the float32 sum, as NumPy adds it up
    if out is None:
        out = np.empty((n, len(POSITION_NAMES)), dtype=np.float32)
    if _compiled_shape is not None and shape.dtype == chars.dtype == np.float32:
        _compiled_shape.position(
            shape, chars, _POSITION_INPUTS, float(total), float(np.log1p(n)), out
        )
        return out
    prose, more, comment, short, reply, byline = (shape[:, j] for j in _POSITION_INPUTS)
    more, header, reply = more * short, comment * short, reply + byline
    cum_chars = np.cumsum(chars) - chars
    out[...] = np.hstack(
        [
            (np.arange(n) / max(n - 1, 1))[:, None],
            (cum_chars / total)[:, None],
            np.full((n, 1), np.log1p(n)),
            _prose_runs(prose, chars),
            _marker_distance(more, prose),
            _comment_section(header, reply),
        ]
    ).astype(np.float32)
    return out


# A caption ends with its photo credit: "… in Kyiv. Photo: Getty Images", "(Foto: dpa)",
# "… Photo by Jane Doe/Reuters". Matched at the end of the line's last 50 characters, on the
# lines whose end holds one of the probes (found with str.find over the joined line ends).
_AGENCIES = r"(?:reuters|afp|ap|epa|efe|dpa|xinhua|ansa|anp|aa|pa|keystone|imago|getty)"
# Every credit begins with a character of the lookahead: other positions are turned away
# before the alternatives are tried (same matches; a new alternative must begin with one).
_CREDIT_FIRST = "(?=[pfibcфl(/|raedxkgs©])"
_CREDIT_TAIL = re.compile(
    _CREDIT_FIRST
    + r"(?:(?:photos?|fotos?|images?|pictures?|bild|credits?|crédit|fotografía|фото|legende|"
    r"caption)\s*(?:by|:|/|©|-|–)\s*.{1,45}"
    rf"|[(/|]\s*{_AGENCIES}\b[^()]{{0,30}}"
    rf"|{_AGENCIES}\s*/\s*\S.{{0,30}}"
    r"|(?:getty images|shutterstock|istock|alamy|picture alliance|ap photo).{0,30}"
    r"|©.{1,45})\)?\.?$"
)
_CREDIT_PROBES = (  # the credits most captions end with hold one of these
    "photo",
    "foto",
    "image",
    "bild",
    "credit",
    "getty",
    "reuters",
    "afp",
    "dpa",
    "©",
)
_TAIL_CHARS = 50


def is_credit(text: str) -> bool:
    """Whether the whole of ``text`` is a photo credit ("Foto: Jane Doe", "© Reuters")."""
    return _CREDIT_TAIL.match(text.strip().lower()) is not None


def credit_tails(texts: list[str]) -> np.ndarray:
    """1 for each line that ends with a photo credit (see ``_CREDIT_TAIL``), else 0. Only the
    lines whose last ``_TAIL_CHARS`` characters, lower-cased, hold one of ``_CREDIT_PROBES``
    are matched (found by the compiled ``_shape`` module when it is built)."""
    out = np.zeros(len(texts), dtype=np.float32)
    if _compiled_shape is not None:
        candidates = _compiled_shape.tails_holding(texts, _CREDIT_PROBES, _TAIL_CHARS)
    else:
        candidates = _credit_candidates(texts)
    for i in candidates:
        if _CREDIT_TAIL.search(texts[i][-_TAIL_CHARS:].lower()):
            out[i] = 1.0
    return out


def _credit_candidates(texts: list[str]) -> list[int]:
    """The lines whose lower-cased tail holds a credit probe, by string search over the
    joined tails (the reference for ``_shape.tails_holding``)."""
    n = len(texts)
    tails = [t[-_TAIL_CHARS:] for t in texts]
    joined = "\n".join(tails).lower()
    if len(joined) != n - 1 + sum(map(len, tails)):  # lower() lengthened a letter
        tails = [t.lower() for t in tails]
        joined = "\n".join(tails)
    found: list[int] = []
    for probe in _CREDIT_PROBES:
        at = joined.find(probe)
        while at >= 0:
            found.append(at)
            at = joined.find(probe, at + 1)
    if not found:
        return []
    ends = np.cumsum(np.fromiter(map(len, tails), dtype=np.int64, count=n) + 1) - 1
    return sorted(set(np.searchsorted(ends, found).tolist()))  # ends: each line's "\n"


_CARD_WINDOW = 8  # lines either side
_CARD_PAIRS_CAP = 4


def card_pairs(
    terminal: np.ndarray,
    words: np.ndarray,
    sentences: np.ndarray,
    out: np.ndarray | None = None,
) -> np.ndarray:
    """Teaser cards of other stories, from the rhythm of the lines: a headline (3–16 words, no
    closing full stop) followed by a one-sentence summary (8–40 words). For each line, the
    pairs starting within ``_CARD_WINDOW`` lines of it (capped, scaled to [0, 1]); an
    article's subheadings are followed by paragraphs too, but rarely by a run of one-sentence
    ones. The compiled ``_shape`` module counts them when it is built (same numbers). Into
    ``out`` (float32, one a line) when it is given."""
    if out is None:
        out = np.empty(len(terminal), dtype=np.float32)
    columns = (terminal, words, sentences)
    if _compiled_shape is not None and all(c.dtype == np.float32 for c in columns):
        _compiled_shape.card_pairs(terminal, words, sentences, _CARD_WINDOW, _CARD_PAIRS_CAP, out)
        return out
    out[...] = _numpy_card_pairs(terminal, words, sentences)
    return out


def _numpy_card_pairs(terminal: np.ndarray, words: np.ndarray, sentences: np.ndarray) -> np.ndarray:
    """:func:`card_pairs` with NumPy."""
    n = len(terminal)
    out = np.zeros(n, dtype=np.float32)
    if n < 2:
        return out
    head = (terminal == 0) & (words >= 3) & (words <= 16)
    summary = (terminal > 0) & (words >= 8) & (words <= 40) & (sentences <= 1)
    starts = np.zeros(n, dtype=np.float32)
    starts[:-1] = head[:-1] & summary[1:]
    cum = np.concatenate(([0.0], np.cumsum(starts)))
    positions = np.arange(n)
    lo = np.maximum(positions - _CARD_WINDOW, 0)
    hi = np.minimum(positions + _CARD_WINDOW + 1, n)
    np.minimum((cum[hi] - cum[lo]) / _CARD_PAIRS_CAP, 1.0, out=out)
    return out


def line_features(page: Page, lexicon: Lexicon | None = None) -> np.ndarray:
    """The feature matrix of a page: one row a line, columns as :func:`feature_names`. A text
    page's last columns come from the model's ``lexicon`` (zero without one: training fills
    them in, see :mod:`boilerx.training.lexicon`)."""
    n = len(page.texts)
    if n == 0:
        return np.zeros((0, len(feature_names(page.is_html))), dtype=np.float32)
    stats = line_stats(page.texts)
    # the matrix, filled in place: shape, markup, position, edge and context columns
    n_shape, n_markup = len(SHAPE_NAMES), len(HTML_NAMES if page.is_html else TEXT_NAMES)
    at_position = n_shape + n_markup
    at_edge = at_position + len(POSITION_NAMES)
    at_context = at_edge + len(EDGE_NAMES)
    n_context = len(_CONTEXT_BASE) + (len(_CONTEXT_BASE_HTML) if page.is_html else 0)
    at_lexicon = at_context + 6 * n_context
    n_lexicon = 0 if page.is_html else _lexicon.N_COLUMNS
    out = np.empty((n, at_lexicon + n_lexicon), dtype=np.float32)
    shape = _shape(page.texts, page.title, stats, out[:, :n_shape])
    col = SHAPE_COLUMNS
    chars = stats[:, _S["chars"]]
    prose = shape[:, col["prose"]]
    if page.is_html:  # prose is not mostly link text (scraped text has no links)
        link_density = np.asarray(page.link_chars, dtype=np.float32) / np.maximum(chars, 1)
        prose *= link_density < 0.5

        prose_chars = chars * prose
        # written in place, column block by column block (what np.hstack of them gives)
        at = n_shape
        out[:, at] = link_density
        out[:, at + 1] = np.log1p(np.asarray(page.n_links, dtype=np.float32))
        at += 2
        nb = len(BITS)
        _markup_columns(page, out[:, at : at + _N_MARKUP])
        bits = out[:, at + 1 + _N_KINDS : at + 1 + _N_KINDS + nb]  # 1.0 where set
        at += _N_MARKUP
        out[:, at : at + 12] = _container_features(page, prose_chars)
        out[:, at + 12 : at + 12 + len(_SHARE_BITS)] = _bit_prose_shares(bits, prose_chars)
        at += 12 + len(_SHARE_BITS)
        out[:, at:at_position] = overlap(page.texts, page.article_body, page.description)
    else:
        _gap_columns(page.gaps, out[:, n_shape : n_shape + 2])

    _position(shape, chars, out[:, at_position:at_edge])
    # the context columns: of shape columns, and (HTML) of the link density at n_shape
    _context(
        out,
        _CONTEXT_COLUMNS + ((n_shape,) if page.is_html else ()),
        out[:, at_context:at_lexicon],
    )
    out[:, at_edge] = credit_tails(page.texts)
    card_pairs(
        shape[:, col["terminal"]],
        stats[:, _S["words"]],
        shape[:, col["n_sentences"]],
        out[:, at_edge + 1],
    )
    if n_lexicon:
        if lexicon is None:
            out[:, at_lexicon:] = 0.0
        else:
            lexicon.columns(page.texts, out[:, at_lexicon:])
    return out


def _gap_columns(gaps: list[int], out: np.ndarray) -> None:
    """The gap before and after each line of a text page (at most 2; after the last line: 1),
    into ``out`` (float32, n x 2); the compiled ``_shape`` module writes them when it is
    built."""
    if _compiled_shape is not None:
        _compiled_shape.gap_columns(gaps, out)
        return
    np.minimum(np.fromiter(gaps, np.int64, len(gaps)), 2.0, out=out[:, 0])
    out[:-1, 1] = out[1:, 0]
    out[-1, 1] = 1.0


# A text line of 80 characters or more starts a run of long lines in :func:`line_groups`;
# read from log_chars against the halfway value, so that rounding cannot move a line across.
_LONG_LOG_CHARS = float(np.log1p(79.5))
_GAP_COLUMN = len(SHAPE_NAMES)  # gap_before in a text page's matrix


def line_groups(page: Page, features: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Two integer labels per line for the page step: lines built alike (HTML: the same
    tag.class signature; text: blocks between blank lines) and lines sharing a container
    (HTML: the block's parent; text: runs of lines of similar length). For a text page, the
    page's :func:`line_features` matrix may be given: the labels are then read from its
    log_chars and gap_before columns (the same labels, fewer steps; counted by the compiled
    ``_shape`` module when it is built)."""
    n = len(page.texts)
    if page.is_html:
        alike = signature_labels(page)
        if n and len(page.parent_blocks) == n:
            return alike, np.asarray(page.parent_blocks, dtype=np.int64)
        shared = np.array([c[-2] if len(c) > 1 else (c[-1] if c else 0) for c in page.containers])
        return alike, shared
    runs = np.zeros(n, dtype=np.int64)
    if features is not None and len(features) == n:
        if _compiled_shape is not None and features.dtype == np.float32 and features.ndim == 2:
            blocks = np.empty(n, dtype=np.int64)
            _compiled_shape.text_groups(features, _GAP_COLUMN, _LONG_LOG_CHARS, blocks, runs)
            return blocks, runs
        blocks = np.cumsum(features[:, _GAP_COLUMN] > 0, dtype=np.int64)
        long = features[:, 0] > _LONG_LOG_CHARS
    else:
        blocks = np.cumsum(np.array(page.gaps) > 0, dtype=np.int64)
        long = np.fromiter(map(len, page.texts), dtype=np.int64, count=n) >= 80
    np.cumsum(long[1:] != long[:-1], out=runs[1:])
    return blocks, runs
