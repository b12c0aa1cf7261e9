"""The systems under test: boilerx and its peers, for HTML input and for scraped-text input.

Every peer is optional: :func:`build_systems` skips one that is not installed (or fails to
import) with a one-line note. Each system is a function of a :class:`PageInput` returning text;
peers get the page as ``str`` (see :func:`benchmarks.datasets.decode_html`), boilerx gets the raw
HTML bytes. Exceptions are left to the caller (:func:`run_one` records them as errors).

Settings: trafilatura runs with ``include_comments=False`` (no reference keeps comments), once
by default and once with ``fast=True``; readability's summary is turned to text with html-text;
jusText uses the stoplist of the page's ``<html lang>`` (English when absent or unknown);
newspaper4k does not fetch images; boilerpy3 is its ``ArticleExtractor``; resiliparse is
``extract_plain_text(main_content=True)``; turbohtml is ``parse(html).main_text()``.
"""

from __future__ import annotations

import functools
import html as htmllib
import importlib.metadata
import re
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from benchmarks.datasets import html_to_text

HTML_SYSTEMS = (
    "boilerx",
    "trafilatura",
    "trafilatura-fast",
    "readability",
    "justext",
    "boilerpy3",
    "resiliparse",
    "turbohtml",
    "newspaper4k",
    "goose3",
    "html-text",
)
TEXT_SYSTEMS = ("boilerx", "keep-all", "c4-rules", "justext")

_LANG = re.compile(rb"<html[^>]{0,500}?\blang\s*=\s*[\"']?([A-Za-z]{2,3})", re.I)
_JUSTEXT_LANGS = {
    "en": "English", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian",
    "pt": "Portuguese", "nl": "Dutch", "pl": "Polish", "cs": "Czech", "sk": "Slovak",
    "ru": "Russian", "uk": "Ukrainian", "sv": "Swedish", "da": "Danish", "fi": "Finnish",
    "hu": "Hungarian", "ro": "Romanian", "el": "Greek", "tr": "Turkish", "ca": "Catalan",
    "hr": "Croatian", "sl": "Slovenian", "bg": "Bulgarian", "et": "Estonian", "lt": "Lithuanian",
    "lv": "Latvian", "id": "Indonesian", "vi": "Vietnamese",
}  # fmt: skip


@dataclass(frozen=True)
class PageInput:
    """What a system is given: ``raw`` bytes, ``text`` (decoded HTML or scraped text), hints."""

    raw: bytes
    text: str
    url: str | None = None
    lang: str | None = None


def page_lang(raw: bytes) -> str | None:
    """Two-letter language of ``<html lang=...>``, if declared."""
    match = _LANG.search(raw[:20000])
    return match.group(1).decode("ascii").lower()[:2] if match else None


@dataclass
class System:
    """A named extractor for one input kind (``html`` or ``text``)."""

    name: str
    input: str
    run: Callable[[PageInput], str]
    version: str | None = None


def _version(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


# -- HTML systems -------------------------------------------------------------------------------


def _boilerx_html() -> System:
    import boilerx

    def run(p: PageInput) -> str:
        return boilerx.clean(p.raw, mode="html")

    return System("boilerx", "html", run, _version("boilerx"))


def _trafilatura(fast: bool) -> Callable[[], System]:
    def make() -> System:
        import trafilatura

        def run(p: PageInput) -> str:
            return trafilatura.extract(p.text, fast=fast, include_comments=False) or ""

        name = "trafilatura-fast" if fast else "trafilatura"
        return System(name, "html", run, _version("trafilatura"))

    return make


def _readability() -> System:
    from readability import Document

    def run(p: PageInput) -> str:
        return html_to_text(Document(p.text).summary(html_partial=True))

    return System("readability", "html", run, _version("readability-lxml"))


@functools.cache
def _stoplist(lang: str | None) -> frozenset[str]:
    """jusText's stoplist for a language code; English when it has none for it."""
    import justext

    try:
        return frozenset(justext.get_stoplist(_JUSTEXT_LANGS.get(lang or "en", "English")))
    except ValueError:
        return frozenset(justext.get_stoplist("English"))


def _justext_paragraphs(html: str, lang: str | None) -> str:
    import justext

    paras = justext.justext(html, _stoplist(lang))
    return "\n".join(p.text for p in paras if not p.is_boilerplate)


def _justext() -> System:
    import justext  # noqa: F401 - fail early when missing

    return System(
        "justext", "html", lambda p: _justext_paragraphs(p.text, p.lang), _version("jusText")
    )


def _boilerpy3() -> System:
    from boilerpy3 import extractors

    extractor = extractors.ArticleExtractor(raise_on_failure=True)

    def run(p: PageInput) -> str:
        return extractor.get_content(p.text)

    return System("boilerpy3", "html", run, _version("boilerpy3"))


def _resiliparse() -> System:
    from resiliparse.extract.html2text import extract_plain_text

    def run(p: PageInput) -> str:
        return extract_plain_text(p.text, main_content=True)

    return System("resiliparse", "html", run, _version("resiliparse"))


def _turbohtml() -> System:
    import turbohtml

    return System(
        "turbohtml", "html", lambda p: turbohtml.parse(p.text).main_text(), _version("turbohtml")
    )


def _newspaper4k() -> System:
    from newspaper import Article, Config

    config = Config()
    config.fetch_images = False  # it would download every image to size it
    config.memorize_articles = False

    def run(p: PageInput) -> str:
        url = p.url if p.url and p.url.startswith("http") else "http://localhost/"
        article = Article(url, config=config)
        article.download(input_html=p.text)
        article.parse()
        return article.text

    return System("newspaper4k", "html", run, _version("newspaper4k"))


def _goose3() -> System:
    from goose3 import Goose

    goose = Goose({"enable_image_fetching": False})
    return System(
        "goose3", "html", lambda p: goose.extract(raw_html=p.text).cleaned_text, _version("goose3")
    )


def _html_text() -> System:
    import html_text

    return System(
        "html-text", "html", lambda p: html_text.extract_text(p.text), _version("html-text")
    )


# -- text systems -------------------------------------------------------------------------------


def _boilerx_text() -> System:
    import boilerx

    def run(p: PageInput) -> str:
        return boilerx.clean(p.text, mode="text")

    return System("boilerx", "text", run, _version("boilerx"))


def _keep_all() -> System:
    return System("keep-all", "text", lambda p: p.text)


_TERMINAL = (".", "!", "?", '"', "\u201d")


def c4_lines(text: str) -> str:
    """C4's line rules: ends in terminal punctuation, has >= 5 words, no "javascript"."""
    kept = []
    for line in text.splitlines():
        line = line.strip()
        if line.endswith(_TERMINAL) and len(line.split()) >= 5 and "javascript" not in line.lower():
            kept.append(line)
    return "\n".join(kept)


def _c4() -> System:
    return System("c4-rules", "text", lambda p: c4_lines(p.text))


def _justext_text() -> System:
    import justext  # noqa: F401 - fail early when missing

    def run(p: PageInput) -> str:
        lines = [ln for ln in p.text.splitlines() if ln.strip()]
        html = "<html><body>" + "".join(f"<p>{htmllib.escape(ln)}</p>" for ln in lines)
        return _justext_paragraphs(html + "</body></html>", p.lang) if lines else ""

    return System("justext", "text", run, _version("jusText"))


FACTORIES: dict[tuple[str, str], Callable[[], System]] = {
    ("html", "boilerx"): _boilerx_html,
    ("html", "trafilatura"): _trafilatura(False),
    ("html", "trafilatura-fast"): _trafilatura(True),
    ("html", "readability"): _readability,
    ("html", "justext"): _justext,
    ("html", "boilerpy3"): _boilerpy3,
    ("html", "resiliparse"): _resiliparse,
    ("html", "turbohtml"): _turbohtml,
    ("html", "newspaper4k"): _newspaper4k,
    ("html", "goose3"): _goose3,
    ("html", "html-text"): _html_text,
    ("text", "boilerx"): _boilerx_text,
    ("text", "keep-all"): _keep_all,
    ("text", "c4-rules"): _c4,
    ("text", "justext"): _justext_text,
}


def build_systems(
    inputs: list[str], names: list[str] | None = None
) -> tuple[list[System], list[str]]:
    """Instantiate the systems for ``inputs`` (``html``/``text``); return them and skip notes.

    ``names`` selects by name (a name picks the system in every input kind it exists in).
    """
    systems: list[System] = []
    notes: list[str] = []
    known = set(HTML_SYSTEMS) | set(TEXT_SYSTEMS)
    for name in names or []:
        if name not in known:
            notes.append(f"unknown system {name!r} (known: {', '.join(sorted(known))})")
    for kind in inputs:
        for name in HTML_SYSTEMS if kind == "html" else TEXT_SYSTEMS:
            if names is not None and name not in names:
                continue
            try:
                systems.append(FACTORIES[(kind, name)]())
            except Exception as exc:  # noqa: BLE001 - any import failure means skip
                first = (str(exc).splitlines() or [""])[0]
                notes.append(f"{name} ({kind}): skipped, {type(exc).__name__}: {first}")
    return systems, notes


class _Timeout(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise _Timeout


def run_one(system: System, inp: PageInput, timeout: float = 0) -> tuple[str, float, str | None]:
    """Run ``system`` on ``inp``: (output, seconds, error). A raise or a timeout gives ``""``."""
    use_alarm = (
        timeout > 0
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if use_alarm:
        old = signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, timeout)
    start = time.perf_counter()
    try:
        out = system.run(inp)
        error = None
    except _Timeout:
        out, error = "", f"timeout after {timeout:g} s"
    except Exception as exc:  # noqa: BLE001 - a failing peer scores the page as empty
        out, error = "", f"{type(exc).__name__}: {' '.join(str(exc).split())[:200]}"
    finally:
        elapsed = time.perf_counter() - start
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)
    if not isinstance(out, str):
        out = "" if out is None else str(out)
    return out, elapsed, error
