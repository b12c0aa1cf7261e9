"""Page metadata: headline, authors, dates, site, description, language, canonical URL, image.

Read from what a page states about itself, most explicit first: JSON-LD (``NewsArticle`` and
its kin, ``@graph``, nested and referenced authors), OpenGraph and other ``<meta>`` tags,
microdata (``itemprop``), ``<time datetime>``, ``rel=author`` links and byline elements, then
the URL (``/2024/05/03/``). :func:`read_text_metadata` reads what scraped text allows: the
headline, a byline ("By Anna Berg") and a dateline.

Only :func:`boilerx.extract` runs this; :func:`boilerx.clean` never pays for it.
"""

from __future__ import annotations

import html as html_lib
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode


@dataclass(frozen=True)
class Metadata:
    """What a page says about its article; ``None`` (or no authors) where it says nothing.

    ``date`` and ``date_modified`` are ISO 8601: the date, plus the time (and its UTC offset)
    when the page gives them (``2024-05-03``, ``2024-05-03T15:47:42+00:00``).
    """

    title: str | None = None
    authors: list[str] = field(default_factory=list)
    date: str | None = None
    date_modified: str | None = None
    site_name: str | None = None
    description: str | None = None
    language: str | None = None
    url: str | None = None
    image: str | None = None


#: The fields of :class:`Metadata` that :class:`~boilerx.Document` carries besides its title.
METADATA_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Metadata) if f.name != "title")


_SPACE = re.compile(r"\s+")


def _words(text: str) -> tuple[str, ...]:
    """The words of a list written as one string (keys, tags, names), in order."""
    return tuple(text.split())


# -- dates ---------------------------------------------------------------------------------

_ISO = re.compile(
    r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?"
    r"\s*(Z|z|UTC|GMT|[+-]\d{2}:?\d{2}|[+-]\d{2})?)?"
)
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:T?(\d{2})(\d{2})(\d{2})?)?(Z|[+-]\d{4})?$")
_SLASHED = re.compile(r"(?<!\d)(\d{4})[/.](\d{1,2})[/.](\d{1,2})(?!\d)")
_DMY = re.compile(r"(?<![\d.])(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})(?!\d)")
_DMY_SHORT = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{2})(?![\d.])")
_NUMERIC_SLASHED = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{4})(?![\d/])")
_TIME = re.compile(r"(?<!\d)(\d{1,2})[:.h](\d{2})(?!\d)\s*(a\.?m\.?|p\.?m\.?)?", re.IGNORECASE)

_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    [
        "january jan januar janvier enero gennaio januari janeiro januar stycznia styczeń "
        "leden ledna tammikuu január ocak январь января січня січень ianuarie janúar",
        "february feb februar février fevrier febrero febbraio februari fevereiro lutego luty "
        "únor února helmikuu február şubat февраль февраля лютого лютий februarie",
        "march mar märz maerz mars marzo maart março marca marzec březen března maaliskuu "
        "március mart март марта березня березень martie",
        "april apr avril abril aprile kwietnia kwiecień duben dubna huhtikuu április nisan "
        "апрель апреля квітня квітень aprilie",
        "may mai mayo maggio mei maio maja maj květen května toukokuu május mayıs май мая "
        "травня травень",
        "june jun juni juin junio giugno junho czerwca czerwiec červen června kesäkuu június "
        "haziran июнь июня червня червень iunie",
        "july jul juli juillet julio luglio julho lipca lipiec červenec července heinäkuu "
        "július temmuz июль июля липня липень iulie",
        "august aug août aout agosto augustus sierpnia sierpień srpen srpna elokuu augusztus "
        "ağustos август августа серпня серпень",
        "september sep sept septembre septiembre settembre setembro września wrzesień září "
        "syyskuu szeptember eylül сентябрь сентября вересня вересень septembrie",
        "october oct oktober octobre octubre ottobre outubro okt października październik "
        "říjen října lokakuu október ekim октябрь октября жовтня жовтень octombrie",
        "november nov novembre noviembre novembro listopada listopad marraskuu "
        "kasım ноябрь ноября листопада листопад noiembrie",
        "december dec dezember décembre decembre diciembre dicembre dezembro desember "
        "grudnia grudzień prosinec prosince joulukuu aralık декабрь декабря грудня грудень "
        "decembrie",
    ],
    start=1,
):
    for _name in _names.split():
        _MONTHS.setdefault(_name, _number)
_MONTH_NAME = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DAY_MONTH_YEAR = re.compile(
    rf"(?<!\w)(\d{{1,2}})(?:st|nd|rd|th|er|º)?\.?\s*(?:de\s+)?({_MONTH_NAME})\.?,?\s*(?:de\s+)?"
    r"(\d{4})(?!\d)",
    re.IGNORECASE,
)
_MONTH_DAY_YEAR = re.compile(
    rf"(?<!\w)({_MONTH_NAME})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})(?!\d)",
    re.IGNORECASE,
)
# what may stand between a date and its time: "3. Mai 2024, 17:47", "June 2, 2025 at 9:30"
_TIME_JOIN = re.compile(
    r"[\s,|·•\-–—/]*(?:um|at|à|às|alle|kl\.?|klo|o|ore|a las|om)?[\s,|·•\-–—/]*", re.IGNORECASE
)
_KOREAN_ETC = re.compile(r"(\d{4})\s*[년年]\s*(\d{1,2})\s*[월月]\s*(\d{1,2})\s*[일日]")
# dates in a URL path: /2024/05/03/, /2024-05-03-, /20240503/
_URL_DATE = re.compile(
    r"(?<![\d])((?:19|20)\d{2})([/_-])(0?[1-9]|1[0-2])\2(0?[1-9]|[12]\d|3[01])(?![\d])"
)
_URL_COMPACT_DATE = re.compile(
    r"(?<![\d])((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?![\d])"
)


def _valid(year: int, month: int, day: int) -> bool:
    if not (1990 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31):
        return False
    try:
        datetime(year, month, day)
    except ValueError:
        return False
    return True


def _offset(zone: str | None) -> str:
    if not zone:
        return ""
    if zone in ("Z", "z", "UTC", "GMT"):
        return "+00:00"
    sign, digits = zone[0], zone[1:].replace(":", "")
    if len(digits) == 2:
        digits += "00"
    return f"{sign}{digits[:2]}:{digits[2:4]}"


def _format(
    year: int,
    month: int,
    day: int,
    hour: int | None = None,
    minute: int = 0,
    second: int = 0,
    zone: str = "",
) -> str | None:
    if not _valid(year, month, day):
        return None
    day_part = f"{year:04d}-{month:02d}-{day:02d}"
    if hour is None or not (0 <= hour <= 23 and 0 <= minute <= 59 and 0 <= second <= 59):
        return day_part
    return f"{day_part}T{hour:02d}:{minute:02d}:{second:02d}{zone}"


def parse_date(value: str | None) -> str | None:
    """A date as written in metadata or text, as ISO 8601 (date, plus time and offset when
    given); ``None`` when none is found. Reads ISO 8601 and its near forms, compact
    ``20240503``, RFC 2822 (``Fri, 03 May 2024 15:47:42 +0000``), ``03.05.2024``,
    ``2024/05/03`` and month names in many languages (``3. Mai 2024``, ``June 2, 2025``)."""
    if not value:
        return None
    value = value.strip()
    if not value:
        return None
    m = _ISO.search(value)
    if m:
        year, month, day = int(m[1]), int(m[2]), int(m[3])
        hour = int(m[4]) if m[4] else None
        return _format(year, month, day, hour, int(m[5] or 0), int(m[6] or 0), _offset(m[7]))
    m = _COMPACT.match(value)
    if m:
        hour = int(m[4]) if m[4] else None
        return _format(
            int(m[1]), int(m[2]), int(m[3]), hour, int(m[5] or 0), int(m[6] or 0), _offset(m[7])
        )
    if value[:3].isalpha() and "," in value[:5]:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            parsed = None
        if parsed is not None:
            return _from_datetime(parsed)
    return _date_in_text(value)


def _from_datetime(moment: datetime) -> str | None:
    zone = ""
    if moment.tzinfo is not None:
        offset = moment.utcoffset() or timedelta(0)
        minutes = int(offset.total_seconds() // 60)
        sign = "-" if minutes < 0 else "+"
        zone = f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    return _format(
        moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second, zone
    )


def _date_in_text(text: str) -> str | None:
    """The first date written in a line of text (with the time after it, when there is one)."""
    found: list[tuple[int, int, int, int, int]] = []  # start, end, year, month, day
    for m in _DAY_MONTH_YEAR.finditer(text):
        found.append((m.start(), m.end(), int(m[3]), _MONTHS[m[2].lower()], int(m[1])))
        break
    for m in _MONTH_DAY_YEAR.finditer(text):
        found.append((m.start(), m.end(), int(m[3]), _MONTHS[m[1].lower()], int(m[2])))
        break
    for m in _DMY.finditer(text):
        found.append((m.start(), m.end(), int(m[3]), int(m[2]), int(m[1])))
        break
    for m in _SLASHED.finditer(text):
        found.append((m.start(), m.end(), int(m[1]), int(m[2]), int(m[3])))
        break
    for m in _KOREAN_ETC.finditer(text):
        found.append((m.start(), m.end(), int(m[1]), int(m[2]), int(m[3])))
        break
    for m in _NUMERIC_SLASHED.finditer(text):
        first, second = int(m[1]), int(m[2])
        if first > 12 >= second:  # 20/1/2026: day first
            found.append((m.start(), m.end(), int(m[3]), second, first))
        elif second > 12 >= first:  # 1/20/2026: month first
            found.append((m.start(), m.end(), int(m[3]), first, second))
        break  # 5/6/2026 could be either
    if not found:
        for m in _DMY_SHORT.finditer(text):
            found.append((m.start(), m.end(), 2000 + int(m[3]), int(m[2]), int(m[1])))
            break
    found = [f for f in found if _valid(f[2], f[3], f[4])]
    if not found:
        return None
    start, end, year, month, day = min(found)
    rest = text[end : end + 24]
    t = _TIME.search(rest)
    if t and _TIME_JOIN.fullmatch(rest[: t.start()]):
        hour, minute = int(t[1]), int(t[2])
        meridiem = (t[3] or "").lower().replace(".", "")
        if meridiem == "pm" and hour < 12:
            hour += 12
        elif meridiem == "am" and hour == 12:
            hour = 0
        return _format(year, month, day, hour, minute)
    return _format(year, month, day)


def _host_and_path(url: str) -> tuple[str, str]:
    """The host of ``url`` (lower-cased, without "www.") and its path; no host and the whole
    text as the path for an address urllib cannot split (an unclosed "[" of an IPv6 host):
    a page's own addresses are whatever its markup or its crawl record says."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "", url
    return parts.netloc.lower().removeprefix("www."), parts.path


def _joined(base: str, url: str) -> str:
    """``url`` resolved against ``base``; as written where either is malformed."""
    try:
        return urljoin(base, url)
    except ValueError:
        return url


def date_in_url(url: str | None) -> str | None:
    """A publishing date in a URL's path (``/2024/05/03/``, ``-2024-05-03-``, ``/20240503/``)."""
    if not url:
        return None
    path = _host_and_path(url)[1]
    m = _URL_DATE.search(path)
    if m:
        return _format(int(m[1]), int(m[3]), int(m[4]))
    m = _URL_COMPACT_DATE.search(path)
    if m:
        return _format(int(m[1]), int(m[2]), int(m[3]))
    return None


# -- authors -------------------------------------------------------------------------------

_BY = re.compile(
    r"^\s*(?:(?:written|reported|text|words|story|photos?|reporting|posted|published|"
    r"geschrieben|ein\s+(?:beitrag|artikel|kommentar)|kommentar|gastbeitrag|analyse|"
    r"escrito|publicado|écrit|publié|scritto)\s+)?"
    r"(?:by|von|vom|par|por|di|de|door|av|af|przez|oleh|tekst|text|texte|autor(?:in|en)?|"
    r"author(?:s)?|auteur|autore|autora|redaktion|reporter|från|from|van)\s*[:\-–]?\s+",
    re.IGNORECASE,
)
_BY_LINE = re.compile(
    r"^\s*(?:by|von|par|por|door|av|af|przez|oleh|di)\s+(?=\S)|^\s*(?:text|texte|tekst|autor|"
    r"author|auteur|autore|autora|autorin|written\s+by|reported\s+by)\s*[:]\s*",
    re.IGNORECASE,
)
_SPLIT = re.compile(
    r"\s*(?:,|;|\||(?<=\s)/(?=\s)|&|\+|•|·|\band\b|\bund\b|\bet\b|\by\b|\be\b|\bog\b|\boch\b|\ben\b|"
    r"\bi\b|\bve\b|\bdan\b|\bu\b|\bsowie\b|\bmit\b|\bwith\b|\bmet\b|\bcon\b|\bavec\b|"
    r"\bmed\b|\bi\s+\b|\boraz\b|\bа\b|\bи\b|\bта\b|\bі\b|및|·)\s*",
    re.IGNORECASE,
)
# what a byline says a person is ("Political Reporter"): nouns, and the words before them
_ROLE_NOUNS = frozenset(
    _words(
        """reporter reporters correspondent correspondents writer writers editor editors staff
    journalist journalists contributor contributors columnist columnists producer producers
    analyst photographer photographers intern redakteur redakteurin redaktor redaktorin
    korrespondent korrespondentin autor autorin journalistin reporterin volontär volontärin
    leiter leiterin ressortleiter chefredakteur chefredakteurin journaliste rédacteur rédactrice
    correspondant correspondante envoyé envoyée periodista redactor redactora corresponsal
    giornalista inviato inviata corrispondente redattore redattrice dziennikarz dziennikarka
    jurnalis wartawan muhabir muhabiri reportér journalisti toimittaja újságíró
    기자 특파원 記者 记者"""
    )
)
_ROLE_WORDS = _ROLE_NOUNS | frozenset(
    _words(
        """senior chief deputy political business news sports sport foreign national local digital
    data science health technology tech culture arts economics economy international managing
    executive associate assistant contributing special desk team bureau reporting guest opinion
    freelance freelancer editorial stellvertretender stellvertretende politik wirtschaft kultur
    spécial spéciale"""
    )
)
_NOT_NAMES = frozenset(
    _words(
        """admin administrator editor editors staff redaktion redacción rédaction redazione
    unknown anonymous guest user none null author autor"""
    )
)
_BY_INSIDE = re.compile(r"\s(?:by|von|par|por|door|av|af|przez|oleh)\s+(?=\w)", re.IGNORECASE)
_CREDIT = re.compile(
    r"^(?:bild|bilder|foto|fotos|photo|photos|picture|image|images|credit|credits|quelle|source|"
    r"grafik|graphic|video|illustration|imagen|fuente|crédit|crédits|fonte)\s*:",
    re.IGNORECASE,
)
_HAS_LETTER = re.compile(r"[^\W\d_]")
_EMAIL = re.compile(r"\S+@\S+\.\w+")
_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_DIGITS = re.compile(r"\d")
_URLISH = re.compile(r"^(?:https?:|www\.)|/")


def _is_role(part: str) -> bool:
    words = [w.strip(".:-–").lower() for w in part.split()]
    return bool(words) and all(
        w in _ROLE_WORDS or w in ("of", "the", "for", "at", "de", "für", "der", "die", "des", "am")
        for w in words
    )


def clean_authors(values: Iterable[str], *, split: bool = True, byline: bool = False) -> list[str]:
    """Author names from what pages write in author fields and bylines: "By", roles, dates,
    e-mail addresses and handles dropped, "X and Y" / "X, Y" split, duplicates removed.
    ``byline``: the values are a byline's text, where "by" may follow a label ("Politics by
    Anna Berg")."""
    names: list[str] = []
    seen: set[str] = set()
    for value in values:
        if not value:
            continue
        value = unicodedata.normalize("NFC", _SPACE.sub(" ", value)).strip()
        if (_URLISH.match(value) and " " not in value) or _CREDIT.match(value):
            continue
        if byline and not _BY.match(value):
            inner = _BY_INSIDE.search(value)
            if inner and len(value[: inner.start()].split()) <= 3:
                value = value[inner.end() :]
        value = _EMAIL.sub(" ", value)
        value = _BRACKETS.sub(" ", value)
        # a date or time written after the name ends it
        cut = re.search(
            r"\s(?:[-–—|]\s|\d)|\s(?:last\s+)?(?:updated|published|posted|aktualisiert|"
            r"veröffentlicht|actualizado|publicado|mis à jour|publié)\b",
            value,
            re.IGNORECASE,
        )
        if cut:
            value = value[: cut.start()]
        value = _BY.sub("", value, count=1)
        parts = _SPLIT.split(value) if split else [value]
        for part in parts:
            name = part.strip(" \t.:;,-–—|*@•·\"'“”„«»")
            name = _BY.sub("", name, count=1).strip()
            if not name or not _HAS_LETTER.search(name) or _is_role(name):
                continue
            if len(name) > 60 or len(name.split()) > 6 or _DIGITS.search(name):
                continue
            if name.lower() in _NOT_NAMES:
                continue
            # a role after the name: "Anna Berg Political Reporter", "신현주 기자"
            words = name.split()
            if len(words) > 1 and words[-1].lower() in _ROLE_NOUNS:
                words.pop()
                while len(words) > 2 and words[-1].lower() in _ROLE_WORDS:
                    words.pop()
            name = " ".join(words)
            key = _name_key(name)
            if key in seen:
                continue
            seen.add(key)
            names.append(name)
    return names


def _name_key(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name.casefold())
    return "".join(c for c in folded if c.isalnum())


# -- JSON-LD -------------------------------------------------------------------------------

_ARTICLE_TYPES = frozenset(
    _words(
        """newsarticle article reportagenewsarticle analysisnewsarticle opinionnewsarticle
        reviewnewsarticle backgroundnewsarticle askpublicnewsarticle blogposting liveblogposting
        socialmediaposting report scholarlyarticle techarticle satiricalarticle
        advertisercontentarticle review creativework videoobject recipe claimreview"""
    )
)
_CORE_TYPES = frozenset(t for t in _ARTICLE_TYPES if t.endswith(("article", "posting")))
_PAGE_TYPES = frozenset(("webpage", "itempage", "collectionpage", "aboutpage", "profilepage"))
_COMMENTS = re.compile(r"^\s*(?:<!--|//\s*<!\[CDATA\[|<!\[CDATA\[)|(?:-->|//\s*\]\]>|\]\]>)\s*$")


_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_OBJECTS_IN_A_ROW = re.compile(r"}\s*{")


def _load_json(text: str) -> Any:
    """The JSON of a JSON-LD script, read leniently (comments, trailing commas, objects one
    after another); None where it is not JSON, or nests deeper than _MAX_JSON_DEPTH (the
    parser and the readers here recurse: a thousand levels would exhaust the stack)."""
    text = _COMMENTS.sub("", text.strip()).strip().rstrip(";")
    if not text:
        return None
    try:
        data = json.loads(text, strict=False)
    except (ValueError, RecursionError):
        # trailing commas, or several objects one after another
        text = _TRAILING_COMMA.sub(r"\1", text).rstrip(",")
        try:
            data = json.loads("[" + _OBJECTS_IN_A_ROW.sub("},{", text) + "]", strict=False)
        except (ValueError, RecursionError):
            return None
    return data if _nests_within(data, _MAX_JSON_DEPTH) else None


_MAX_JSON_DEPTH = 64


def _nests_within(data: Any, limit: int) -> bool:
    """Whether lists and objects in ``data`` nest at most ``limit`` deep (walked without
    recursion)."""
    stack = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, (dict, list)):
            if depth >= limit:
                return False
            items = value.values() if isinstance(value, dict) else value
            stack.extend((item, depth + 1) for item in items if isinstance(item, (dict, list)))
    return True


def _objects(data: Any) -> Iterator[dict[str, Any]]:
    """Every object in JSON-LD data, ``@graph`` and lists unrolled (nested values are not
    walked: an article's authors are read from the article)."""
    if isinstance(data, list):
        for item in data:
            yield from _objects(item)
    elif isinstance(data, dict):
        graph = data.get("@graph")
        if graph is not None:
            yield from _objects(graph)
        if "@type" in data or graph is None:
            yield data
        main = data.get("mainEntity")
        if isinstance(main, (dict, list)):
            yield from _objects(main)


def _types(obj: dict[str, Any]) -> set[str]:
    kind = obj.get("@type")
    if isinstance(kind, str):
        return {kind.lower().rsplit("/", 1)[-1].rsplit(":", 1)[-1]}
    if isinstance(kind, list):
        return {k.lower().rsplit("/", 1)[-1] for k in kind if isinstance(k, str)}
    return set()


def _text(value: Any) -> str | None:
    """A plain string from a JSON-LD value (a string, the first of a list, an object's
    ``name``/``@value``/``url``)."""
    if isinstance(value, str):
        value = value.strip()
        return _SPACE.sub(" ", value) if value else None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, list):
        for item in value:
            text = _text(item)
            if text:
                return text
        return None
    if isinstance(value, dict):
        for key in ("@value", "name", "url", "contentUrl", "@id"):
            if key in value:
                return _text(value[key])
    return None


def _person_names(value: Any, by_id: dict[str, dict[str, Any]], depth: int = 0) -> list[str]:
    """The names in a JSON-LD ``author``/``creator`` value: strings, Person or Organization
    objects (``name``, or ``givenName`` + ``familyName``), ``@id`` references, lists."""
    if depth > 3 or value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [n for item in value for n in _person_names(item, by_id, depth + 1)]
    if not isinstance(value, dict):
        return []
    if set(value) <= {"@id", "@type"} and isinstance(value.get("@id"), str):
        target = by_id.get(value["@id"])
        if target is not None and target is not value:
            return _person_names(target, by_id, depth + 1)
        return []
    name = value.get("name")
    if isinstance(name, list):
        return [n for item in name for n in _person_names(item, by_id, depth + 1)]
    if isinstance(name, dict):
        return _person_names(name, by_id, depth + 1)
    if isinstance(name, str) and name.strip():
        return [name]
    given, family = value.get("givenName"), value.get("familyName")
    parts = [p for p in (given, family) if isinstance(p, str) and p.strip()]
    if parts:
        return [" ".join(parts)]
    alternate = value.get("alternateName")
    if isinstance(alternate, str) and alternate.strip():
        return [alternate]
    return []


@dataclass
class _Found:
    """Candidates for each field, from every source, in the order of preference."""

    titles: list[str] = field(default_factory=list)
    authors: list[list[str]] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)
    modified: list[str] = field(default_factory=list)
    site_names: list[str] = field(default_factory=list)
    descriptions: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)


def _article_score(obj: dict[str, Any], types: set[str], url_key: str | None) -> int:
    score = 0
    if types & _CORE_TYPES:
        score += 4
    elif types & _ARTICLE_TYPES:
        score += 2
    if obj.get("headline"):
        score += 2
    if obj.get("author"):
        score += 1
    if obj.get("datePublished"):
        score += 1
    if url_key:
        for key in ("url", "mainEntityOfPage", "@id"):
            target = _text(obj.get(key))
            if target and _url_key(target) == url_key:
                score += 3
                break
    return score


def _url_key(url: str) -> str:
    host, path = _host_and_path(url.strip())
    return (host + path.rstrip("/")).lower()


def _read_json_ld(tree: LexborHTMLParser, found: _Found, url: str | None) -> None:
    objects: list[dict[str, Any]] = []
    for node in tree.css('script[type="application/ld+json"]'):
        data = _load_json(node.text(deep=True))
        if data is not None:
            objects.extend(_objects(data))
    if not objects:
        return
    by_id = {obj["@id"]: obj for obj in objects if isinstance(obj.get("@id"), str) and len(obj) > 2}
    url_key = _url_key(url) if url else None
    articles = []
    pages = []
    for index, obj in enumerate(objects):
        types = _types(obj)
        if types & _ARTICLE_TYPES:
            articles.append((-_article_score(obj, types, url_key), index, obj))
        elif types & _PAGE_TYPES:
            pages.append(obj)
        elif "website" in types or types & {"organization", "newsmediaorganization"}:
            name = _text(obj.get("name"))
            if name and "website" in types:
                found.site_names.append(name)
    articles.sort(key=lambda a: (a[0], a[1]))
    chosen = [a[2] for a in articles[:1]] + pages
    for obj in chosen:
        for key in ("headline", "name"):
            title = _text(obj.get(key))
            if title:
                found.titles.append(title)
                break
        names = _person_names(obj.get("author"), by_id) or _person_names(obj.get("creator"), by_id)
        if names:
            found.authors.append(names)
        for key, into in (
            ("datePublished", found.dates),
            ("dateCreated", found.dates),
            ("uploadDate", found.dates),
            ("dateModified", found.modified),
        ):
            value = _text(obj.get(key))
            if value:
                into.append(value)
        publisher = obj.get("publisher")
        if isinstance(publisher, dict) and set(publisher) <= {"@id", "@type"}:
            publisher = by_id.get(str(publisher.get("@id")), publisher)
        name = _text(publisher.get("name")) if isinstance(publisher, dict) else None
        if name:
            found.site_names.append(name)
        for key, into in (("description", found.descriptions), ("inLanguage", found.languages)):
            value = _text(obj.get(key))
            if value:
                into.append(value)
        image = obj.get("image") or obj.get("thumbnailUrl")
        image_url = _text(image)
        if image_url:
            found.images.append(image_url)
        for key in ("url", "mainEntityOfPage"):
            value = _text(obj.get(key))
            if value and value.startswith("http"):
                found.urls.append(value)
                break


# -- meta tags, microdata, the body ----------------------------------------------------------

_META_TITLE = _words(
    """og:title twitter:title dc.title dcterms.title title headline sailthru.title
    parsely-title"""
)
_META_AUTHOR = _words(
    """author article:author og:article:author dc.creator dcterms.creator sailthru.author
    parsely-author byl article.author twitter:creator cxenseparse:author author_name
    authors citation_author creator"""
)
_META_DATE = _words(
    """article:published_time og:article:published_time og:published_time published_time
    article.published datepublished date.published article:published publishdate
    publish-date publish_date pubdate parsely-pub-date sailthru.date dc.date.issued
    dcterms.issued dc.date dcterms.date dcterms.created citation_publication_date
    citation_date cxenseparse:recs:publishtime date og:pubdate article_date_original
    originalpublicationdate publication_date release_date date_published
    content_publication_date live_date firstpublisheddate publishedat"""
)
_META_MODIFIED = _words(
    """article:modified_time og:updated_time og:article:modified_time datemodified
    last-modified dcterms.modified dc.date.modified article.updated lastmod modified_time"""
)
_META_SITE = _words(
    """og:site_name application-name apple-mobile-web-app-title twitter:site publisher
    dc.publisher site_name sitename cxenseparse:recs:publisher"""
)
_META_DESCRIPTION = _words("""og:description description twitter:description dc.description""")
_META_IMAGE = _words(
    """og:image og:image:url og:image:secure_url twitter:image twitter:image:src thumbnail"""
)
_META_URL = ("og:url", "twitter:url")
_META_LANGUAGE = _words("""og:locale content-language language dc.language lang inlanguage""")


def _meta_tags(tree: LexborHTMLParser) -> dict[str, list[str]]:
    tags: dict[str, list[str]] = {}
    for node in tree.css("meta"):
        attrs = node.attributes
        content = attrs.get("content")
        if not content or not content.strip():
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = attrs.get(attr)
            if key:
                for one in key.lower().split():
                    tags.setdefault(one, []).append(_SPACE.sub(" ", content).strip())
    return tags


def _first(tags: dict[str, list[str]], keys: Iterable[str]) -> Iterator[str]:
    for key in keys:
        yield from tags.get(key, ())


_NOT_AUTHOR_CLASS = re.compile(
    r"comment|bio|avatar|image|img|photo|related|teaser|card|more-by|"
    r"follow|social|share|label|title-",
    re.IGNORECASE,
)


def _node_text(node: LexborNode) -> str:
    return _SPACE.sub(" ", node.text(deep=True, separator=" ")).strip()


def _name_text(node: LexborNode, text: str) -> str:
    """``text`` (``_node_text(node)``) without the text of SVG images inside ``node`` (an
    avatar's initials drawn as SVG text), which the parser may not have been given at all
    (:class:`~boilerx.pipeline.lines._SvgText`)."""
    if node.css_first("svg") is None:
        return text
    parts = []
    for inner in node.traverse(include_text=True):
        if inner.tag != "-text":
            continue
        up = inner.parent
        while up is not None and up.mem_id != node.mem_id and up.tag != "svg":
            up = up.parent
        if up is None or up.tag != "svg":
            parts.append(inner.text_content or "")
    return _SPACE.sub(" ", " ".join(parts)).strip()


def _microdata_authors(tree: LexborHTMLParser) -> list[str]:
    names = []
    for node in tree.css('[itemprop~="author"], [itemprop~="creator"]')[:8]:
        if node.tag == "meta":
            continue
        inner = node.css_first('[itemprop~="name"]')
        if inner is not None:
            text = inner.attributes.get("content") or _node_text(inner)
        else:
            text = node.attributes.get("content") or _name_text(node, _node_text(node))
        if text:
            names.append(text)
    return names


def _in_order(root: LexborNode, selector: str, h1: LexborNode | None) -> list[LexborNode]:
    """The nodes ``selector`` finds under ``root``, those after the headline ``h1`` first."""
    if h1 is None:
        return list(root.css(selector))
    before: list[LexborNode] = []
    after: list[LexborNode] = []
    into = before
    for node in root.css(f"h1, {selector}"):
        if node.mem_id == h1.mem_id:
            into = after
        elif node.tag != "h1" or node.css_matches(selector):
            into.append(node)
    return after + before


def _near_headline(
    tree: LexborHTMLParser, selector: str, h1: LexborNode | None
) -> Iterator[LexborNode]:
    """The nodes ``selector`` finds in the body, nearest the headline first: those in the
    headline's block (its article, or a few levels up) after it, then before it, then the
    rest of the body in the same order (an article's byline and dateline sit by its headline;
    teasers elsewhere are other stories)."""
    body = tree.body
    if body is None:
        return
    scopes: list[LexborNode] = []
    if h1 is not None:
        block = h1.parent
        for _ in range(3):
            if block is None or block.tag in ("article", "main", "body", "html"):
                break
            block = block.parent
        if block is not None and block.tag not in ("body", "html"):
            scopes.append(block)
    scopes.append(body)
    seen: set[int] = set()
    for scope in scopes:
        for node in _in_order(scope, selector, h1):
            if node.mem_id not in seen:
                seen.add(node.mem_id)
                yield node


def _class_selector(words: Iterable[str]) -> str:
    return ", ".join(f'[{attr}*="{word}" i]' for word in words for attr in ("class", "id"))


_AUTHOR_WORDS = _words("""byline author autor auteur writer reporter journalist verfasser""")
_BYLINE_SELECTOR = 'a[rel~="author"], ' + _class_selector(_AUTHOR_WORDS)
_DATE_WORDS = _words("""date time datum zeit fecha publi meta info byline dateline line""")
_DATE_SELECTOR = _class_selector(_DATE_WORDS)


def _byline_authors(tree: LexborHTMLParser, h1: LexborNode | None) -> list[str]:
    """Names from the page's byline: the first element after the headline that is a
    ``rel=author`` link, or whose class or id says byline or author (its links, else its
    text)."""
    for node in _near_headline(tree, _BYLINE_SELECTOR, h1):
        attrs = node.attributes
        if node.tag in _NOT_BYLINE_TAGS:
            continue
        if node.tag == "a" and "author" in (attrs.get("rel") or "").split():
            text = _node_text(node)
            if text and len(text) < 80:
                return [_name_text(node, text)]
            continue
        marks = f"{attrs.get('class') or ''} {attrs.get('id') or ''}"
        if _NOT_AUTHOR_CLASS.search(marks):
            continue
        text = _node_text(node)
        if not text or len(text) > 150:
            continue
        links = [_node_text(a) for a in node.css("a")]
        links = [t for t in links if t and len(t) < 60]
        if links and len(links) <= 6 and sum(map(len, links)) >= len(_BY.sub("", text)) / 2:
            return links
        return [_name_text(node, text)]
    return []


_NOT_BYLINE_TAGS = frozenset(
    _words(
        """script style img meta link body article main html head noscript template svg
        picture figure figcaption button form input select option iframe h1 h2 h3"""
    )
)


def _dateline(tree: LexborHTMLParser, h1: LexborNode | None) -> str | None:
    """A date written near the headline, in an element whose class speaks of a date, a time
    or the article's details ("Do 25.04.24 | 14:07 Uhr")."""
    for index, node in enumerate(_near_headline(tree, _DATE_SELECTOR, h1)):
        if index > 200:
            break
        if node.tag in _NOT_BYLINE_TAGS:
            continue
        text = _SPACE.sub(" ", node.text(deep=True, separator=" ")).strip()
        if not text or len(text) > 200:
            continue
        date = _date_in_text(text)
        if date:
            return date
    return None


def _time_dates(tree: LexborHTMLParser) -> Iterator[str]:
    for selector in (
        '[itemprop~="datePublished"]',
        "time[pubdate]",
        "article time[datetime]",
        "main time[datetime]",
        "time[datetime]",
    ):
        for node in tree.css(selector)[:3]:
            attrs = node.attributes
            value = attrs.get("datetime") or attrs.get("content") or _node_text(node)
            if value:
                yield value


def _strip_site(title: str, site_names: list[str], url: str | None) -> str:
    """The headline without the site name that <title>s add: "Headline | Site",
    "Headline - Site", "Site: Headline"."""
    parts = re.split(r"\s+[|\-–—:»«·•~/]\s+|\s*\|\s*|\s+::\s+", title)
    if len(parts) < 2:
        return title
    keys = {_name_key(s) for s in site_names if s}
    host = _host_and_path(url)[0] if url else ""
    host_key = _name_key(host.split(".")[0]) if host else ""
    host_full = _name_key(host)

    def is_site(part: str) -> bool:
        key = _name_key(part)
        if not key:
            return True
        if key in keys or (host_key and key in (host_key, host_full)):
            return True
        return any(len(k) >= 4 and (key.startswith(k) or k.startswith(key)) for k in keys) or (
            len(host_key) >= 4 and (key.startswith(host_key) or host_key.startswith(key))
        )

    kept = list(parts)
    while len(kept) > 1 and is_site(kept[-1]):
        kept.pop()
    while len(kept) > 1 and is_site(kept[0]):
        kept.pop(0)
    if len(kept) == len(parts):
        return title
    # the separators inside the headline stay as written
    start = title.find(kept[0])
    end = title.rfind(kept[-1]) + len(kept[-1])
    return title[start:end].strip() if 0 <= start < end else " ".join(kept)


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = _SPACE.sub(" ", value).strip()
    return value or None


def _choose_title(
    found: _Found, h1: str | None, title_tag: str | None, url: str | None
) -> str | None:
    candidates = [_strip_site(t, found.site_names, url) for t in found.titles]
    stripped_tag = _strip_site(title_tag, found.site_names, url) if title_tag else None
    if h1:
        key = _name_key(h1)
        for candidate in [*candidates, stripped_tag]:
            if candidate and _name_key(candidate) == key:
                return candidate
    if candidates:
        return candidates[0]
    if h1:
        return h1
    if stripped_tag:
        parts = re.split(r"\s+[|\-–—:»·]\s+", stripped_tag)
        return max(parts, key=len)
    return None


def _choose_date(values: Iterable[str]) -> str | None:
    for value in values:
        parsed = parse_date(value)
        if parsed:
            return parsed
    return None


def _language(values: Iterable[str]) -> str | None:
    for value in values:
        value = value.strip().replace("_", "-")
        if re.fullmatch(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*", value):
            head, *rest = value.split("-")
            return "-".join([head.lower(), *(r.upper() if len(r) == 2 else r for r in rest)])
    return None


def _site_like(name: str, site_keys: set[str]) -> bool:
    key = _name_key(name)
    return bool(key) and any(
        key == k or (len(k) >= 4 and (key.startswith(k) or k.startswith(key))) for k in site_keys
    )


def _choose_authors(
    sources: list[list[str]],
    microdata: Callable[[], list[str]],
    find_byline: Callable[[], list[str]],
    site_keys: set[str],
) -> list[str]:
    """The first source that names someone other than the site; the site itself as the
    author ("Der Spiegel", "Krautreporter") only when no source names anyone else, or when
    the byline found by its class names no person ("von APA"). The page's body is searched
    only when the metadata names nobody but the site."""
    fallback: list[str] = []
    for names in sources:
        if not names:
            continue
        if not all(_site_like(n, site_keys) for n in names):
            return names
        fallback = fallback or names
    names = microdata()
    if names and not all(_site_like(n, site_keys) for n in names):
        return names
    fallback = fallback or names
    byline = find_byline()
    if not fallback:
        return byline
    if (
        byline
        and all(len(n.split()) > 1 for n in byline)
        and not any(_site_like(n, site_keys) for n in byline)
    ):
        return byline
    return fallback


def read_metadata(
    html: str, url: str | None = None, *, tree: LexborHTMLParser | None = None
) -> Metadata:
    """The metadata of an HTML page: JSON-LD, OpenGraph and other ``<meta>`` tags, microdata,
    ``<time>``, ``rel=author`` and byline elements, and the URL (``url``, when known, is where
    the page came from; its canonical URL is read from the page). ``tree`` is the page already
    parsed, when the caller has it (it is not changed)."""
    if tree is None:
        tree = LexborHTMLParser(html)
    found = _Found()
    tags = _meta_tags(tree)
    canonical = None
    for node in tree.css('link[rel~="canonical"]'):
        href = (node.attributes.get("href") or "").strip()
        if href:
            canonical = _joined(url, href) if url else href
            break
    page_url = canonical or next(_first(tags, _META_URL), None) or url
    _read_json_ld(tree, found, page_url)

    site_names = [s.lstrip("@") for s in _first(tags, _META_SITE) if not s.startswith("http")]
    found.site_names = site_names[:1] + found.site_names + site_names[1:]
    site_keys = {_name_key(s) for s in found.site_names} - {""}
    host = _host_and_path(page_url or "")[0]
    if host:
        site_keys |= {_name_key(host), _name_key(host.split(".")[0])}

    h1_nodes = tree.css("h1")
    title_node = tree.css_first("title")
    title_tag = _clean(title_node.text()) if title_node is not None else None
    found.titles = found.titles[:1] + list(_first(tags, _META_TITLE)) + found.titles[1:]
    found.titles = [html_lib.unescape(t) for t in found.titles]
    h1_node = h1_nodes[0] if h1_nodes else None
    h1 = _clean(_node_text(h1_node)) if h1_node is not None else None
    title = _choose_title(found, h1, title_tag, page_url)
    if title and len(h1_nodes) > 1:  # the h1 of the headline, when a page has several
        key = _name_key(title)
        for node in h1_nodes:
            if _name_key(_node_text(node)) == key:
                h1_node = node
                break

    json_ld_authors = next((clean_authors(names) for names in found.authors if names), [])
    meta_authors = [
        a
        for a in _first(tags, _META_AUTHOR)
        if not _URLISH.match(a) and (not a.startswith("@") or " " in a)
    ]
    meta_authors += [
        value
        for key, values in tags.items()
        if key.endswith(("author", "authors", "author_name"))
        and key not in _META_AUTHOR
        and "url" not in key
        and "twitter" not in key
        for value in values
        if not _URLISH.match(value)
    ]
    meta_names = clean_authors(meta_authors[:6])
    if len(meta_names) > 1:  # a site-wide <meta name=author> beside the article's
        meta_names = [n for n in meta_names if not _site_like(n, site_keys)] or meta_names
    authors = _choose_authors(
        [json_ld_authors, meta_names],
        lambda: clean_authors(_microdata_authors(tree)),
        lambda: clean_authors(_byline_authors(tree, h1_node), byline=True),
        site_keys,
    )

    modified = _choose_date(found.modified) or _choose_date(_first(tags, _META_MODIFIED))
    date = (
        _choose_date(found.dates)
        or _choose_date(_first(tags, _META_DATE))
        or _choose_date(_time_dates(tree))
        or date_in_url(page_url)
        or date_in_url(url)
        or _dateline(tree, h1_node)
        or modified
    )

    html_node = tree.css_first("html")
    lang = html_node.attributes.get("lang") if html_node is not None else None
    language = _language(
        [*(x for x in [lang] if x), *found.languages, *_first(tags, _META_LANGUAGE)]
    )

    image = next(_first(tags, _META_IMAGE), None) or next(iter(found.images), None)
    description = next(_first(tags, _META_DESCRIPTION), None) or next(
        iter(found.descriptions), None
    )
    canonical_url = (
        canonical or next(_first(tags, _META_URL), None) or next(iter(found.urls), None) or url
    )
    return Metadata(
        title=_clean(title),
        authors=authors,
        date=date,
        date_modified=modified,
        site_name=_clean(found.site_names[0]) if found.site_names else None,
        description=_clean(html_lib.unescape(description)) if description else None,
        language=language,
        url=canonical_url,
        image=_joined(url, image) if image and url else image,
    )


# -- scraped text --------------------------------------------------------------------------

_TEXT_BYLINE = re.compile(
    r"^\s*(?:by|von|par|por|door|av|af|przez|oleh|di|written by|reported by|text|texte|tekst|"
    r"autor|autorin|author|auteur|autore|autora)\s*:?\s+(?P<names>\S.{1,100})$",
    re.IGNORECASE,
)


# A byline's label on a line of its own, the names on the next ("Author of the article:" then
# "Joseph Brean"; "von" then "Anne-Marie Slaughter").
_TEXT_BYLINE_LABEL = re.compile(
    r"^\s*(?:by|von|par|por|door|av|af|przez|oleh|di|written by|reported by|autor|autorin|"
    r"author|auteur|autore|autora|author of the article|autor des artikels)\s*:?\s*$",
    re.IGNORECASE,
)
_NAMES_WORDS = 8  # a line of names on its own has at most this many words


def _byline_names(lines: list[str], index: int) -> list[str]:
    """The names of a byline at ``lines[index]``, in it or, after a label of its own, on the
    next line; each of two words or more (or in capitals), opening with a capital letter."""
    line = lines[index]
    if _TEXT_BYLINE_LABEL.match(line):
        after = lines[index + 1] if index + 1 < len(lines) else ""
        if not after or len(after.split()) > _NAMES_WORDS or _TEXT_BYLINE.match(after):
            return []
        names = clean_authors([after], byline=True)
    else:
        found = _TEXT_BYLINE.match(line)
        if not found or len(line.split()) > 14:
            return []
        names = clean_authors([found["names"]], byline=True)
    if names and all((len(n.split()) > 1 or n.isupper()) and n[:1].isupper() for n in names):
        return names
    return []


def _headline_shaped(line: str) -> bool:
    words = len(line.split())
    return 4 <= words <= 30 and not line.endswith((".", ":", "!", "…", ","))


# Once its lines are scored, scraped text's headline is found from the article it heads: of
# the headline-shaped lines among the HEADLINE_REACH lines before the first confidently scored
# line (no dateline, no byline), the one whose words (of four letters or more) the article's
# lines (from that line on, scoring the threshold or more) hold the largest share of, less
# HEADLINE_STEP for each line between it and the article. On the text model's site-disjoint
# scores (seeds 0 / 2), of the browser texts that hold their labelled headline as a line:
# fundus-dev 53 / 53 of 88 right (from the byline and dateline: 27), readability 33 / 32 of
# 57 (24), wcxb-dev articles 161 / 159 of 269 (125).
HEADLINE_REACH = 40
HEADLINE_STEP = 0.01
BESIDE_BEFORE, BESIDE_AFTER = 3, 12  # lines around the headline where its byline is looked for
_HEADLINE_WORD = re.compile(r"\w{4,}")


def scored_headline(texts: list[str], scores: Any, threshold: float) -> str | None:
    """The headline of scraped text read from its line ``scores`` (see ``HEADLINE_REACH``);
    ``None`` without a confident line or a headline-shaped line before it."""
    at = _scored_headline_at(texts, scores, threshold)
    return None if at is None else texts[at]


def _scored_headline_at(texts: list[str], scores: Any, threshold: float) -> int | None:
    """:func:`scored_headline`'s line."""
    from boilerx.pipeline.decide import CONFIDENT, is_metadata

    confident = [i for i, score in enumerate(scores) if score >= CONFIDENT]
    if not confident:
        return None
    start = confident[0]
    article = {
        word.lower()
        for i in range(start, len(texts))
        if scores[i] >= threshold
        for word in _HEADLINE_WORD.findall(texts[i])
    }
    best: int | None = None
    best_share = -1.0
    for i in range(start - 1, max(start - 1 - HEADLINE_REACH, -1), -1):
        line = texts[i]
        if not _headline_shaped(line) or is_metadata(line, None) or _TEXT_BYLINE.match(line):
            continue
        if len(line) <= 80 and _date_in_text(line):
            continue
        words = [word.lower() for word in _HEADLINE_WORD.findall(line)]
        if not words:
            continue
        share = sum(word in article for word in words) / len(words) - HEADLINE_STEP * (start - i)
        if share > best_share:
            best, best_share = i, share
    return best


def read_text_metadata(texts: list[str], scores: Any = None, threshold: float = 0.5) -> Metadata:
    """What scraped text says about its article: the names of a byline ("By Anna Berg",
    "Von Anna Berg und Jan Kos"), a dateline, and the headline (given the lines' ``scores``
    and the ``threshold`` that kept them, :func:`scored_headline`; else, or without one, the
    headline-shaped line just above the byline or dateline, else the first headline-shaped
    line near the top); ``None`` (no authors) for what it does not say. Where the scored
    headline is known, its byline and dateline are looked for beside it first (in the
    ``BESIDE_AFTER`` lines after it, then the ``BESIDE_BEFORE`` before it), not another
    story's."""
    from boilerx.pipeline.decide import guess_title

    lines = [t.strip() for t in texts[:400]]
    headline_at = None
    if scores is not None and len(scores) == len(texts):
        headline_at = _scored_headline_at(texts, scores, threshold)
    # the byline and dateline are looked for beside the headline first, where it is known
    first: list[int] = []
    if headline_at is not None and headline_at < len(lines):
        first = [  # after it, then before it, nearest first
            *range(headline_at + 1, min(len(lines), headline_at + 1 + BESIDE_AFTER)),
            *range(headline_at - 1, max(-1, headline_at - 1 - BESIDE_BEFORE), -1),
        ]
    looked = set(first)
    authors: list[str] = []
    byline_at = None
    for index in [*first, *(i for i in range(len(lines)) if i not in looked)]:
        names = _byline_names(lines, index) if lines[index] else []
        if names:
            authors, byline_at = names, index
            break
    date = None
    date_at = None
    order: Iterable[int]
    if byline_at is not None:  # the dateline is usually beside the byline
        near = range(max(0, byline_at - 5), min(len(lines), byline_at + 6))
        order = [*near, *(i for i in range(60) if i < len(lines) and i not in near)]
    elif first:
        order = [*first, *(i for i in range(60) if i < len(lines) and i not in looked)]
    else:
        order = range(min(60, len(lines)))
    for index in order:
        line = lines[index]
        if line and len(line) <= 120:
            date = _date_in_text(line) or (parse_date(line) if _ISO.search(line) else None)
            if date:
                date_at = index
                break
    title = None
    anchor = byline_at if byline_at is not None else date_at
    if anchor is not None:
        for index in range(anchor - 1, max(-1, anchor - 6), -1):
            if lines[index] and _headline_shaped(lines[index]):
                title = lines[index]
                break
    if headline_at is not None:
        title = texts[headline_at]
    return Metadata(title=title or guess_title(texts), authors=authors, date=date)


__all__ = [
    "Metadata",
    "clean_authors",
    "date_in_url",
    "parse_date",
    "read_metadata",
    "read_text_metadata",
    "scored_headline",
]
