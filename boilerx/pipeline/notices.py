"""Cookie and consent notices: the paragraphs a site lays over its pages ("We and our
partners store cookies … You can withdraw your consent at any time in the settings").

A browser's saved text holds them wherever the site put them in the page, most often before
the headline or after the footer, and they read like prose: left in, they are kept as body,
and their prose changes how the page step scores the article around them. A notice names, in
one paragraph, most of five things: what is stored, the reader's consent, their personal
data, the site's partners and what to click. An article about privacy names some of them,
but rarely its own partners or buttons to click while doing so.

A line of at least ``MIN_CHARS`` characters is part of a notice when its words are of
``GROUPS`` of the five groups, one of them the partners or the clicking, and it names cookies
(every notice names them somewhere); or when its words are of one group fewer and it stands
within ``REACH`` lines of such a line (the notice's next paragraph). :func:`notice_lines`
adds the notice's heading just before it and its buttons just after it. Scraped text loses
these lines when it is split (``lines.drop_notices``); from HTML, ``decide`` drops them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_WORDS: dict[str, str] = {  # matched against lower-cased text
    "stored": r"cookie|tracker|tracking technolog|unique identifier|local storage|web beacon|"
    r"traceur|ciasteczk",
    "consent": r"consent|\bagree|\baccept|permission|withdraw|opt[- ]out|einwillig|"
    r"einverstanden|zustimm|akzeptier|widerruf|consentement|\bacceptez|consentimiento|"
    r"\bacepta|consenso|\baccett|toestemming|zgod|consentimento|samtyck|samtykke|suostum",
    "data": r"personal (?:data|information)|privacy (?:policy|notice|settings|center|centre)|"
    r"cookie (?:policy|notice|settings)|your (?:data|privacy)|data protection|"
    r"personenbezogen|datenschutz|privatsphäre|ihre daten|vos données|tus datos|sus datos|"
    r"i tuoi dati|uw gegevens|données (?:personnelles|à caractère personnel)|vie privée|"
    r"confidentialité|datos personales|privacidad|dati personali|informativa|"
    r"persoonsgegevens|dane osobowe|prywatnoś|dados pessoais|privacidade|personuppgifter|"
    r"personopplysninger|personoplysninger|henkilötie",
    "partners": r"our partners|third[- ]part|vendors|advertising partners|unsere partner|"
    r"drittanbieter|drittplattform|\bdritte[nr]?\b|nos partenaires|\btiers\b|nuestros socios|"
    r"terceros|terze parti|\bderden\b|partnerzy|parceiros|våra partner|tredjepart",
    "clicking": r"by clicking|\bclick|settings|preferences|manage (?:your )?(?:choices|options)|"
    r"at any time|\bklick|einstellungen|jederzeit|en cliquant|paramètres|paramétrer|"
    r"à tout moment|haciendo clic|configuración|en cualquier momento|cliccando|impostazioni|"
    r"in qualsiasi momento|klikając|ustawienia|w dowolnym momencie|instellingen|op elk moment",
}
_PATTERNS = [re.compile(pattern) for pattern in _WORDS.values()]
_ADDRESS = sum(1 << k for k, name in enumerate(_WORDS) if name in ("partners", "clicking"))
_COOKIE = "ookie"  # of "cookie" and "Cookie", as str.find looks for it

GROUPS = 4
REACH = 3  # lines
MIN_CHARS = 60
MAX_CHARS = 2000  # a longer line is no notice (the dataset pages' longest: 1,606)
_ADDRESS_PATTERNS = [_PATTERNS[k] for k, name in enumerate(_WORDS) if _ADDRESS >> k & 1]
_OTHER_PATTERNS = [_PATTERNS[k] for k, name in enumerate(_WORDS) if not _ADDRESS >> k & 1]


def may_hold_notices(text: str) -> bool:
    """Whether ``text`` (a page, or a line) names cookies: without, it holds no notice."""
    return _COOKIE in text


def consent_notices(texts: list[str], lines: Iterable[int] | None = None) -> list[int]:
    """The lines of ``texts`` that are part of a cookie or consent notice, in order: those
    (of ``lines``, default all) that name cookies and are of ``GROUPS`` groups, and any lines
    within ``REACH`` of them that are of one group fewer."""
    naming = [i for i in (range(len(texts)) if lines is None else lines) if _COOKIE in texts[i]]
    counted = {i: _groups(texts[i]) for i in naming}  # each line's words are read once
    strong = [i for i in naming if counted[i] >= GROUPS]
    if not strong:
        return []
    found = set(strong)
    for i in strong:
        for j in range(max(i - REACH, 0), min(i + REACH + 1, len(texts))):
            if j not in counted:
                counted[j] = _groups(texts[j])
            if counted[j] >= GROUPS - 1:
                found.add(j)
    return sorted(found)


HEADING_WORDS = 10  # a notice's heading: "We value your privacy", "Cookie settings"
BUTTON_WORDS = 3  # a notice's buttons: "Accept all", "MORE OPTIONS", "Reject"
BUTTONS = 4
_BUTTON = re.compile(  # what a notice's buttons say, beyond the groups' words
    r"reject|decline|refuse|deny|allow|options|more|save|confirm|continue|\bok\b|got it|"
    r"customi[sz]e|ablehnen|verweigern|speichern|weiter|refuser|personnaliser|rechazar|"
    r"configurar|rifiuta|weigeren|odrzuć"
)


def notice_lines(texts: list[str], lines: Iterable[int] | None = None) -> list[int]:
    """:func:`consent_notices` with each notice's heading (the line just before it, of at most
    ``HEADING_WORDS`` words, not ending as a sentence, with words of a group) and buttons (up
    to ``BUTTONS`` lines just after it, of at most ``BUTTON_WORDS`` words each, that say what
    buttons say)."""
    notices = consent_notices(texts, lines)
    found = set(notices)
    for i in notices:
        heading = texts[i - 1] if i > 0 and i - 1 not in found else ""
        if (
            heading
            and len(heading.split(None, HEADING_WORDS)) <= HEADING_WORDS
            and not heading.endswith((".", "!", "?", "…"))
            and _bits(heading.lower())
        ):
            found.add(i - 1)
        j = i + 1
        while j < len(texts) and j - i <= BUTTONS and j not in found:
            button = texts[j]
            if len(button.split(None, BUTTON_WORDS)) > BUTTON_WORDS:
                break
            lowered = button.lower()
            if not (_bits(lowered) or _BUTTON.search(lowered)):
                break
            found.add(j)
            j += 1
    return sorted(found)


def _groups(text: str) -> int:
    """Of how many of the groups the words of ``text`` are (0 for a line of under
    ``MIN_CHARS`` or over ``MAX_CHARS`` characters, or whose words are neither of the
    partners nor of the clicking: those two are looked for first)."""
    if not MIN_CHARS <= len(text) <= MAX_CHARS:
        return 0
    lowered = text.lower()
    address = sum(1 for pattern in _ADDRESS_PATTERNS if pattern.search(lowered))
    if not address:
        return 0
    return address + sum(1 for pattern in _OTHER_PATTERNS if pattern.search(lowered))


def _bits(lowered: str) -> int:
    """Bit k set where the lower-cased text holds a word of group k."""
    return sum(1 << k for k, pattern in enumerate(_PATTERNS) if pattern.search(lowered))
