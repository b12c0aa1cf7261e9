"""Stages 5–6: decide which scored lines are the article's body, and assemble them."""

from __future__ import annotations

import re

import numpy as np

from boilerx.document import Document, Line
from boilerx.pipeline.features import (
    SHAPE_COLUMNS,
    credit_tails,
    feature_names,
    is_credit,
    is_prose,
    marker_lines,
    shape_features,
)
from boilerx.pipeline.lines import BITS, KINDS, Page
from boilerx.pipeline.markdown import plain_text, to_markdown
from boilerx.pipeline.notices import REACH, notice_lines


def guess_title(texts: list[str]) -> str | None:
    """The headline of scraped text: among the first lines, the first one shaped like a
    headline (4–30 words, no closing full stop); a line that comes again is preferred."""
    head = texts[:15]
    candidates = [  # split at most 30 times: a longer line is no headline either way
        t
        for t in head
        if not t.endswith((".", ":", "!", "…")) and 4 <= len(t.split(None, 30)) <= 30
    ]
    if not candidates:
        return None
    repeated = [t for t in candidates if head.count(t) > 1]
    return repeated[0] if repeated else candidates[0]


# A page whose best line scores below this has no article (a page of links, a menu): keeping
# its best-of-a-bad-lot lines would be noise. Measured site-disjoint, it costs no dataset F1.
PAGE_GATE = 0.5
# A line scoring this much is body beyond doubt: no list of other stories runs over it, and
# the comment, repeat and card rules of ``decide`` take it as the article.
CONFIDENT = 0.75
# A page of a few short lines (a test page, a paragraph pasted as text) has no site around its
# text to tell the article from: the model learnt from whole pages and scores such lines low (a
# lone "Test" 0.16), so the page would come out empty. Its lines are its text, at any
# threshold, less the headline, bare datelines, marker lines and, from HTML, links (a page of
# only links is a menu or a redirect, not an article).
SMALL_PAGE_LINES = 5
SMALL_PAGE_CHARS = 200


_DATE_WORDS = re.compile(  # matched against lower-cased text (faster than ignoring case)
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|januar|februar|märz|mai|"
    r"juni|juli|august|oktober|dezember|janvier|février|mars|avril|juin|juillet|août|"
    r"septembre|octobre|novembre|décembre|enero|febrero|marzo|abril|mayo|junio|julio|agosto|"
    r"septiembre|octubre|noviembre|diciembre|stycznia|lutego|marca|kwietnia|maja|czerwca|lipca|"
    r"sierpnia|września|października|listopada|grudnia|mon|tue|wed|thu|fri|sat|sun|"
    r"montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|lundi|mardi|mercredi|jeudi|"
    r"vendredi|samedi|dimanche|updated|published|posted|aktualisiert|veröffentlicht|publié|"
    r"mis à jour|publicado|actualizado|am|pm|at|on|um|uhr|le|à|de|el|gmt|utc|et|cet|cest|bst|"
    r"edt|est|pst|pdt)[a-zäöüéû]*\.?\b|\d+(?:st|nd|rd|th)?|[\s,.:/|·•–—()+-]"
)


# Lines made of nothing but date words, numbers and separators: each step takes the first
# alternative that matches and keeps it (atomic), as a left-to-right substitution would, so the
# two agree (checked on 214,111 short dataset lines), and a line fails at its first other word.
# Atomic groups need Python 3.11; before it, the substitution does the work.
try:
    _ONLY_DATE_WORDS: re.Pattern[str] | None = re.compile(f"(?>{_DATE_WORDS.pattern})*+")
except re.error:  # Python 3.10
    _ONLY_DATE_WORDS = None
_METADATA_CHARS = 60  # no dateline or marker line is longer
_DATELINE_LOG_CHARS = float(np.log1p(_METADATA_CHARS + 0.5))  # against the log1p(chars) feature
_ASCII_DIGIT = re.compile(r"[0-9]")


def is_metadata(text: str, title: str | None) -> bool:
    """True for lines that are never article body by the output's contract: the headline,
    and bare datelines ("Sun Jun 01 2025", "June 2, 2025", "Updated 4:36 p.m. ET")."""
    if title and text == title:
        return True
    if len(text) > _METADATA_CHARS:
        return False
    has_digit = (
        _ASCII_DIGIT.search(text) is not None if text.isascii() else any(map(str.isdigit, text))
    )
    if not has_digit:
        return False
    if _ONLY_DATE_WORDS is not None:
        return _ONLY_DATE_WORDS.fullmatch(text.lower()) is not None
    return not _DATE_WORDS.sub("", text.lower()).strip(" .")


def decide(
    page: Page, scores: np.ndarray, threshold: float, features: np.ndarray | None = None
) -> np.ndarray:
    """Stage 5: which lines are body: those scoring ``threshold`` or more, on a page where at
    least one line reaches ``max(threshold, PAGE_GATE)``, less the headline, bare datelines,
    lines that are only a marker ("Recommended", "Advertisement"), reader comments under an
    article, a closing list of other stories, second copies of a line, cards after the
    article, photo captions of scraped text and, from HTML, cookie and consent notices
    (:mod:`~boilerx.pipeline.notices`) and lines a browser would not show
    (``threshold=0`` keeps every line; a small page, see ``SMALL_PAGE_CHARS``, keeps its
    lines at any threshold, less the headline, datelines, markers and links). The rest of
    the page context is already in the scores (the classifier's second step). ``features``:
    the page's :func:`~boilerx.pipeline.features.line_features`, when they are at hand (else
    the text-shape columns are computed here)."""
    if threshold <= 0:
        return np.ones(len(scores), dtype=bool)
    small = is_small(page.texts)
    if len(scores) == 0 or (scores.max() < max(threshold, PAGE_GATE) and not small):
        return np.zeros(len(scores), dtype=bool)
    if features is None:
        features = shape_features(page.texts, page.title)
    markers, more_stories = marker_lines(features)
    keep = _small_page_text(page, markers) if small else (scores >= threshold) & ~markers
    texts = page.texts
    # a dateline is short and holds a digit (ASCII, as the features count them, or any other)
    short = (keep & (features[:, SHAPE_COLUMNS["log_chars"]] < _DATELINE_LOG_CHARS)).nonzero()[0]
    with_digit = (features[short, SHAPE_COLUMNS["digit_frac"]] > 0).tolist()
    keep[
        [
            i
            for i, digit in zip(short.tolist(), with_digit)
            if (digit or not texts[i].isascii()) and is_metadata(texts[i], None)
        ]
    ] = False
    if page.title:
        guessed = None if page.is_html else keep.copy()
        _drop_copies(keep, texts, page.title)
        if guessed is not None and not keep.any():
            keep = guessed  # scraped text's headline is a guess: the one line kept is the text
    ends_sentence = features[:, SHAPE_COLUMNS["terminal"]] > 0
    confident = (scores >= CONFIDENT).nonzero()[0]
    keep[_story_list_start(texts, confident, more_stories, ends_sentence) :] = False
    if not page.is_html:
        keep &= ~_inline_story_lists(scores, more_stories, ends_sentence)
        keep[_card_runs(texts, keep, scores, threshold, features, ends_sentence)] = False
    keep[_story_links(page, keep, features)] = False
    repeated = features[:, SHAPE_COLUMNS["repeats"]] > 0
    keep = _without_repeats(page, _without_comments(page, keep, scores), repeated)
    keep = _without_cards(page, keep, confident)
    if not page.is_html:
        keep[_comment_thread_start(texts, keep, scores, features) :] = False
        keep[_text_captions(texts, keep, features)] = False
    if page.is_html:  # (scraped text lost its notices when it was split: ``drop_notices``)
        keep[notice_lines(texts, _kept_and_around(keep, REACH))] = False
        keep |= _subheadings(page, keep, scores, threshold, markers)
        if len(page.bits) == len(keep):
            keep[_undisplayed(page, keep.nonzero()[0].tolist())] = False
    return keep


def _kept_and_around(keep: np.ndarray, reach: int) -> list[int]:
    """The kept lines and those within ``reach`` of one (where a notice's first paragraph
    was not kept but its second was), in order."""
    near = keep.copy()
    for step in range(1, reach + 1):
        near[:-step] |= keep[step:]
        near[step:] |= keep[:-step]
    return near.nonzero()[0].tolist()


def is_small(texts: list[str]) -> bool:
    """Whether a page of these lines is small (``SMALL_PAGE_LINES`` lines and
    ``SMALL_PAGE_CHARS`` characters at most, one line at least): too small to hold a site
    around its text."""
    return 0 < len(texts) <= SMALL_PAGE_LINES and sum(map(len, texts)) <= SMALL_PAGE_CHARS


def _small_page_text(page: Page, markers: np.ndarray) -> np.ndarray:
    """The lines of a small page that are its text: not a marker and, from HTML, not mostly
    link text."""
    keep = ~markers
    if len(page.link_chars) == len(keep):
        keep &= 2 * np.asarray(page.link_chars) < np.array([len(t) for t in page.texts])
    return keep


_UNDISPLAYED_BIT = 1 << BITS.index("undisplayed")


def _undisplayed(page: Page, lines: list[int]) -> list[int]:
    """HTML: those of ``lines`` inside an element whose class hides it at every screen width
    (``lines.undisplayed_bit``: "hidden", "d-none", …), which a browser does not show: a
    paywall's or a newsletter's box waiting for a script, a layout for another device."""
    bits = page.bits
    return [i for i in lines if bits[i] & _UNDISPLAYED_BIT]


SUBHEADING_WORDS = 12
SUBHEADING_REACH = 10  # lines back to the article's last kept line (past a table, say)
_HEADING = KINDS.index("heading")


def _subheadings(
    page: Page, keep: np.ndarray, scores: np.ndarray, threshold: float, markers: np.ndarray
) -> np.ndarray:
    """HTML: the subheadings inside the article — a heading of at most ``SUBHEADING_WORDS``
    words, scoring at least half the threshold, right before a kept line and within
    ``SUBHEADING_REACH`` lines after another (a heading that is only a marker, "Related
    stories", stays out). A subheading is short and looks like a teaser's headline, so its own
    score is often below the threshold even where the paragraphs around it are confidently
    body."""
    found = np.zeros(len(keep), dtype=bool)
    kinds, n = page.kinds, len(keep)
    if len(kinds) != n or _HEADING not in kinds:
        return found
    kept = keep.tolist()
    i = kinds.index(_HEADING)
    while True:  # from heading to heading
        if (
            i + 1 < n
            and not kept[i]
            and kept[i + 1]
            and True in kept[max(i - SUBHEADING_REACH, 0) : i]  # the article's last kept line
            and not markers[i]
            and scores[i] >= threshold / 2
            and len(page.texts[i].split()) <= SUBHEADING_WORDS
            and page.texts[i] != page.title
        ):
            found[i] = True
        try:
            i = kinds.index(_HEADING, i + 1)
        except ValueError:
            return found


def _drop_copies(keep: np.ndarray, texts: list[str], text: str) -> None:
    """Set ``keep`` to False on every line that is ``text``."""
    try:
        i = texts.index(text)
        while True:
            keep[i] = False
            i = texts.index(text, i + 1)
    except ValueError:
        return


# Reader comments under an article are chrome; on a forum page, where the replies are the
# content, most of what is kept lies inside comment markup and nothing is dropped. Chosen on
# site-disjoint scores and checked on two halves of the sites apart: dragnet +0.004 on each,
# forum pages and the other sets level or better.
ARTICLE_SHARE = 0.5  # of the kept text outside comment markup ...
ARTICLE_CHARS = 3000  # ... or this many characters of it: an article
# A short article followed by a long thread is still an article when a line outside comment
# markup is confidently body and the kept comments are built unlike it: on a forum, the
# opening post and the replies share their markup (the same block signature). Chosen on
# site-disjoint scores, checked on two halves of dragnet's sites apart (+0.001 / +0.013 mean
# precision, recall level).
SHORT_ARTICLE_CHARS = 200
BUILT_ALIKE = 0.3  # share of the kept comment text whose signature the article's lines have
_COMMENT_BIT = 1 << BITS.index("comment")


def _without_comments(page: Page, keep: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """``keep`` less the lines inside comment markup (HTML class/id words such as
    "comments", "reply", on the line's block-level ancestors) when the rest of the kept text
    makes an article."""
    bits = page.outer_bits or page.bits
    if not page.is_html or len(bits) != len(keep):
        return keep
    if not any(bits[i] & _COMMENT_BIT for i in keep.nonzero()[0].tolist()):
        return keep  # (no kept line at all, too)
    in_comments = (np.array(bits, dtype=np.int64) & _COMMENT_BIT) > 0
    lengths = np.array([len(t) for t in page.texts])
    kept = lengths[keep].sum()
    article = keep & ~in_comments
    outside = lengths[article].sum()
    if outside >= ARTICLE_SHARE * kept or outside >= ARTICLE_CHARS:
        return keep & ~in_comments
    if outside < SHORT_ARTICLE_CHARS or not (scores[article] >= CONFIDENT).any():
        return keep
    if len(page.signatures) != len(keep):
        return keep
    article_signatures = {page.signatures[i] for i in article.nonzero()[0].tolist()}
    thread = (keep & in_comments).nonzero()[0].tolist()
    alike = sum(len(page.texts[i]) for i in thread if page.signatures[i] in article_signatures)
    if alike < BUILT_ALIKE * lengths[thread].sum():
        return keep & ~in_comments
    return keep


# An article says each paragraph once. A kept line repeating an earlier kept line word for
# word is a second copy (a hidden mobile version, a print summary, a caption shown twice) when
# it is built differently (another block signature) or stands far from the copy before it; a
# repeat close by in the same markup (a refrain, a repeated list item) stays. Chosen on
# site-disjoint scores, checked on two halves of the sites apart: wcxb-dev articles +0.004
# (HTML; +0.006 / +0.001 on the halves) and +0.002 (text), forum pages +0.009, the rest level.
REPEAT_CHARS = 40
REPEAT_GAP = 20  # lines


def _without_repeats(page: Page, keep: np.ndarray, repeated: np.ndarray) -> np.ndarray:
    """``keep`` less second copies of kept lines (see ``REPEAT_CHARS``). Of a linked copy (a
    table of contents, a teaser) and one that is not, the linked one goes. ``repeated``: the
    lines whose text comes more than once on the page (the others have no copy to look at)."""
    signatures = page.signatures if len(page.signatures) == len(keep) else None
    link_chars = page.link_chars if len(page.link_chars) == len(keep) else None
    last: dict[str, int] = {}  # text -> the line of its latest kept copy
    for i in (keep & repeated).nonzero()[0].tolist():
        text = page.texts[i]
        if len(text) < REPEAT_CHARS:
            continue
        j = last.setdefault(text, i)
        if j == i:
            continue
        if i - j <= REPEAT_GAP and (not signatures or signatures[i] == signatures[j]):
            last[text] = i  # a repeat close by in the same markup: the next is measured from it
        elif link_chars and 2 * link_chars[j] >= len(text) > 2 * link_chars[i]:
            keep[j] = False  # the earlier copy is a link to this one
            last[text] = i
        else:
            keep[i] = False
    return keep


# After the article, a kept line built like a structure the page repeats (its block signature
# on CARD_REPEATS lines or more) that no confident line has is a card: another story's teaser,
# a sidebar entry, a footer column. The article's own paragraphs share markup with its
# confident lines. Chosen on site-disjoint scores, checked on two halves of the sites apart:
# dragnet +0.002 / +0.003, readability +0.000 / +0.004, wcxb-dev articles +0.001 / +0.001,
# trafilatura-dev snippets +0.004; pages that are lists of cards (wcxb-dev's collections) lose.
CARD_REPEATS = 3
# Cards follow an article: when they would be most of the kept text, the confident lines did
# not reach the article's end (its paragraphs scored 0.4-0.7 after one confident line), and
# nothing is dropped. Site-disjoint: dragnet +0.001 (halves +0.000 / +0.002), wcxb-dev
# +0.002, the other sets level.
CARDS_AT_MOST = 0.5


def _without_cards(page: Page, keep: np.ndarray, confident: np.ndarray) -> np.ndarray:
    """``keep`` less the cards after the last ``confident`` line (the lines scoring
    ``CONFIDENT`` or more; see ``CARD_REPEATS`` and ``CARDS_AT_MOST``)."""
    signatures = page.signatures
    if not page.is_html or len(signatures) != len(keep) or not len(confident):
        return keep
    end = int(confident[-1]) + 1
    later = keep[end:].nonzero()[0]
    if not len(later):
        return keep
    article = {signatures[i] for i in confident.tolist()}
    unlike = [i for i in (later + end).tolist() if signatures[i] not in article]
    repeats = {sig: signatures.count(sig) for sig in {signatures[i] for i in unlike}}
    cards = [i for i in unlike if repeats[signatures[i]] >= CARD_REPEATS]
    if not cards:
        return keep
    card_chars = sum(len(page.texts[i]) for i in cards)
    if card_chars > CARDS_AT_MOST * sum(len(page.texts[i]) for i in keep.nonzero()[0].tolist()):
        return keep  # the confident lines did not reach the article's end
    keep[cards] = False
    return keep


def _story_list_start(
    texts: list[str], confident: np.ndarray, more_stories: np.ndarray, ends_sentence: np.ndarray
) -> int:
    """Where a closing list of other stories begins: at the last "more stories" marker line
    ("Explore", "Recommended", "Most read" …) when no line after it is prose or ``confident``
    (a line scoring ``CONFIDENT`` or more); else at the end of the page. ``ends_sentence``:
    the lines ending as a sentence does (only they can be prose)."""
    n = len(texts)
    after = int(confident[-1]) + 1 if len(confident) else 0  # no list runs over these
    markers = more_stories[after:].nonzero()[0]
    if not len(markers):
        return n
    last = after + int(markers[-1])
    if any(is_prose(texts[i]) for i in (ends_sentence[last:].nonzero()[0] + last).tolist()):
        return n
    return last


INLINE_LIST_LINES = 8  # a list of other stories inside an article is no longer than this


def _inline_story_lists(
    scores: np.ndarray, more_stories: np.ndarray, ends_sentence: np.ndarray
) -> np.ndarray:
    """Scraped text: the lines of a list of other stories inside the article — after a
    "Related"/"Read more" marker line, the lines that do not end as a sentence, up to the
    first that does or that is confidently body (at most ``INLINE_LIST_LINES``). From HTML
    the markup tells such lists apart; from text only the marker does. (Held out, on the four
    sets with a reference body: F1 level or up by under 0.001.)"""
    n = len(scores)
    drop = np.zeros(n, dtype=bool)
    for marker in more_stories.nonzero()[0].tolist():
        for i in range(marker + 1, min(marker + 1 + INLINE_LIST_LINES, n)):
            if ends_sentence[i] or scores[i] >= CONFIDENT:
                break
            drop[i] = True
    return drop


# A teaser list of other stories in scraped text: headline, summary, headline, summary …
# A card's headline does not end as a sentence and has 3-20 words; its summary ends as one,
# with 8-60 words in at most three sentences. An article's subheadings are followed by
# paragraphs too, but rarely three times running by paragraphs this short. On the text
# model's site-disjoint scores (two seeds, threshold 0.5): fundus-dev +0.0054 / +0.0055,
# dragnet +0.0004 / +0.0005, wcxb-dev articles +0.0004, readability and trafilatura-dev level;
# no half of the sites loses.
CARD_RUN_PAIRS = 3
CARD_RUN_CEILING = 0.9  # a run holding a line scored this high is taken for the article
_CARD_HEAD_LOG_WORDS = (float(np.log1p(2.5)), float(np.log1p(20.5)))  # against log1p(words)
_CARD_SUMMARY_LOG_WORDS = (float(np.log1p(7.5)), float(np.log1p(60.5)))
CARD_SUMMARY_SENTENCES = 3


def _card_runs(
    texts: list[str],
    keep: np.ndarray,
    scores: np.ndarray,
    threshold: float,
    features: np.ndarray,
    ends_sentence: np.ndarray,
) -> list[int]:
    """Scraped text: the lines of kept teaser lists — ``CARD_RUN_PAIRS`` or more headline and
    summary pairs in a row (see above) that stand apart from the article: the lines just
    before and after the run score below ``threshold``, no line of the run scores
    ``CARD_RUN_CEILING`` or more, and either some kept line comes before the run or the run
    holds under half the kept text (else the run may be the article itself: a short post of
    a few captioned photos). ``ends_sentence``: the lines ending as a sentence does."""
    pairs = (~ends_sentence[:-1] & ends_sentence[1:]).nonzero()[0]  # headline, then a sentence
    chained = pairs[1:] - pairs[:-1] == 2  # the next pair follows at once
    if not (chained[:-1] & chained[1:]).any():  # no three pairs in a row (CARD_RUN_PAIRS)
        return []
    col = SHAPE_COLUMNS
    heads = features[pairs, col["log_words"]]
    summaries = features[pairs + 1, col["log_words"]]
    shaped = (
        (heads > _CARD_HEAD_LOG_WORDS[0])
        & (heads < _CARD_HEAD_LOG_WORDS[1])
        & (summaries > _CARD_SUMMARY_LOG_WORDS[0])
        & (summaries < _CARD_SUMMARY_LOG_WORDS[1])
        & (features[pairs + 1, col["n_sentences"]] <= CARD_SUMMARY_SENTENCES)
    )
    starts = pairs[shaped].tolist()
    if len(starts) < CARD_RUN_PAIRS:
        return []
    pair_at = set(starts)
    runs = []  # (first line, line after the run); a run needs a line before it
    for first in starts:
        if first == 0 or (first - 2 >= 1 and first - 2 in pair_at):
            continue  # no line before it, or inside a run that began earlier
        end = first
        while end in pair_at:
            end += 2
        if (end - first) // 2 >= CARD_RUN_PAIRS:
            runs.append((first, end))
    if not runs:
        return []
    chars = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) * keep
    kept_chars = int(chars.sum())
    dropped: list[int] = []
    for first, end in runs:
        apart = (
            scores[first - 1] < threshold
            and (end == len(scores) or scores[end] < threshold)
            and scores[first:end].max() < CARD_RUN_CEILING
        )
        after_article = chars[:first].sum() > 0 or 2 * chars[first:end].sum() < kept_chars
        if apart and after_article:
            dropped.extend(range(first, end))
    return dropped


# A reader-comment thread under an article in scraped text: a line that heads the comments
# ("59 Comments on “…”", "Comments (5 posted)", "Leave a reply"), after an article, followed by
# dated posts. From HTML, the markup tells comments apart (``_without_comments``). On the text
# model's site-disjoint scores (two seeds, threshold 0.5): dragnet +0.0022 / +0.0023 (precision
# up on 22 pages), fundus-dev +0.0022, wcxb-dev articles +0.0010 / +0.0009, forum pages
# +0.0006 / +0.0002, readability and trafilatura-dev unchanged; each half of the sites level
# or up. Without the dated posts, readability loses (a "2 comments" link under a byline).
_COMMENTS_HEADER = re.compile(
    r"(?:\d+\s+)?(?:comments?|reader comments|responses?|replies|discussion|kommentare?|"
    r"leserkommentare|commentaires?|comentarios?|komentarz[ey]?|commenti)\b"
    r"(?:\s*\(\s*\d+[^)]*\))?(?:\s*(?:on|to|zu|sur)\b.*)?\s*:?"
    r"|(?:leave a (?:comment|reply)|post a comment|add a comment|show comments|"
    r"join the (?:discussion|conversation)|what do you think)\b.*",
    re.IGNORECASE,
)
COMMENTS_AFTER_CHARS = 2000  # of confidently kept lines before the header: an article
COMMENTS_LOOKAHEAD = 6  # lines after the header where no confident line may stand
COMMENTS_DATED = 2  # lines holding a date after the header: posts


def _comment_thread_start(
    texts: list[str], keep: np.ndarray, scores: np.ndarray, features: np.ndarray
) -> int:
    """Scraped text: where a reader-comment thread under the article begins (its header
    line), or the end of the page. The header must follow ``COMMENTS_AFTER_CHARS`` of kept
    lines scoring ``CONFIDENT`` or more, no line scoring as much may stand within
    ``COMMENTS_LOOKAHEAD`` lines after it (else the article goes on), and at least
    ``COMMENTS_DATED`` lines after it must hold a date."""
    n = len(texts)
    article = 0  # characters of confidently kept lines so far
    for i in (keep & (scores >= CONFIDENT)).nonzero()[0].tolist():
        article += len(texts[i])
        if article >= COMMENTS_AFTER_CHARS:
            break
    else:
        return n  # no article for a thread to follow
    after = i + 1  # a header can stand only after this line
    marked = (features[after:, SHAPE_COLUMNS["m_comment"]] > 0).nonzero()[0] + after
    dated = None
    for i in marked.tolist():
        if not _COMMENTS_HEADER.fullmatch(texts[i].strip()):
            continue
        if dated is None:
            dated = features[:, SHAPE_COLUMNS["date"]] > 0
        if (
            scores[i + 1 : i + 1 + COMMENTS_LOOKAHEAD].max(initial=0.0) < CONFIDENT
            and int(dated[i + 1 :].sum()) >= COMMENTS_DATED
        ):
            return i
    return n


# ---------------------------------------------------------------- options
FORMATS = ("text", "markdown")
_CAPTION_KIND = KINDS.index("caption")
_IN_FIGURE_BIT = 1 << BITS.index("in_figure")
COMMENT_CHARS = 20  # a shorter line in comment markup is its chrome: a name, "Reply", a time


# A link to another story under its label: "Related: …", "See also: …", or the label glued to
# the headline where scraped text lost the space between them ("RelatedTRT Global - …").
_STORY_LABELS = (
    "Related", "Read more", "Read also", "Read next", "See also", "Also read", "More",
    "Recommended", "Lesen Sie auch", "Mehr zum Thema", "Lire aussi", "À lire aussi",
    "Leer más", "Lea también", "Czytaj także", "Zobacz też", "Leia também", "Leggi anche",
)  # fmt: skip
_STORY_LINK = re.compile(
    "^(?:" + "|".join(_STORY_LABELS) + ")" + r"(?:\s*[:|–]\s*|(?=[A-ZÀ-ÖØ-ÞĀ-Ž]))"
)  # the labels hold no regex syntax
_STORY_LINK_WORDS = 30
# From HTML, the label may be in any language when it is written in capitals ("ALSO READ:",
# "VEA TAMBIÉN:", "FUNDA OLUNYE UDABA LAPHA |"): two to six words of letters before a colon, a
# bar or a dash, then a linked headline of three words or more. One capital word is too
# often the article's own ("UPDATE:", "FDA:", "Q&A:"), and a dateline ("NEW YORK (AP) —")
# opens a paragraph that is no link. On the HTML model's site-disjoint scores (seeds 0 / 3):
# fundus-dev +0.0008 / +0.0008, the other sets level; 18 kept lines, one of them body.
_CAPITAL_LABEL = re.compile(r"^(\w[^:|–—]{2,58}?)\s*[:|–—]\s*\S+\s+\S+\s+\S")
_CAPITAL_LABEL_WORDS = (2, 6)
# Scraped text has no links to tell a linked headline by: there, only a label that a bar
# closes ("FUNDA OLUNYE UDABA LAPHA | …", "READ MORE | …"), which an article's own sentence
# seldom opens with. On the text model's site-disjoint scores (seeds 0 / 2): fundus-dev
# +0.0006 / +0.0007, the other sets level.
_TEXT_LABEL_ENDS = "|"


def _story_links(page: Page, keep: np.ndarray, features: np.ndarray) -> list[int]:
    """The kept lines that are a labelled link to another story ("Read more: …", "Lesen Sie
    auch: …"; see ``_is_story_link``); from HTML, only where the line is mostly link text, and
    then also under a label in capitals (``_CAPITAL_LABEL``); from scraped text, also under a
    label in capitals that a bar closes (``features``' separators column counts the bars).
    (Held out, scraped text: 17 kept lines of the four sets with a reference body match, 14 of
    them chrome; HTML: 22, 21 of them chrome, fundus-dev +0.0003; F1 elsewhere level.)"""
    texts, link_chars = page.texts, page.link_chars
    if not (page.is_html and len(link_chars) == len(keep)):
        barred = keep & (features[:, SHAPE_COLUMNS["separators"]] > 0)
        return sorted(
            [
                i
                for i in keep.nonzero()[0].tolist()
                if texts[i].startswith(_STORY_LABELS)  # a fast first look before the call
                and _is_story_link(texts[i])
            ]
            + [
                i
                for i in barred.nonzero()[0].tolist()
                if texts[i][:1].isupper()
                and _has_capital_label(texts[i], _TEXT_LABEL_ENDS)
                and len(texts[i].split()) <= _STORY_LINK_WORDS
                and not (texts[i].startswith(_STORY_LABELS) and _is_story_link(texts[i]))
            ]
        )
    return [
        i
        for i in keep.nonzero()[0].tolist()
        if 2 * link_chars[i] >= len(texts[i])
        and (
            (texts[i].startswith(_STORY_LABELS) and _is_story_link(texts[i]))
            or (texts[i][:1].isupper() and _has_capital_label(texts[i]))
        )
    ]


def _has_capital_label(text: str, ends: str = ":|–—") -> bool:
    """Whether ``text`` opens with a label in capitals (see ``_CAPITAL_LABEL``) that one of
    ``ends`` closes."""
    found = _CAPITAL_LABEL.match(text) if text[:1].isupper() else None
    if found is None or text[found.end(1) :].lstrip()[:1] not in ends:
        return False
    label = found.group(1)
    words = label.split()
    return (
        label.isupper()
        and _CAPITAL_LABEL_WORDS[0] <= len(words) <= _CAPITAL_LABEL_WORDS[1]
        and not any(c.isdigit() for c in label)
        and all(any(c.isalpha() for c in word) for word in words)
    )


def _is_story_link(text: str) -> bool:
    """Whether ``text`` is a labelled link to another story (``_STORY_LINK``)."""
    return (
        text.startswith(_STORY_LABELS)  # what every match begins with: a fast first look
        and _STORY_LINK.match(text) is not None
        and len(text.split()) <= _STORY_LINK_WORDS
    )


# Scraped text has no <figcaption>: a caption shows by its photo credit. The trees weigh the
# ``credit_tail`` column, yet keep captions written like prose, so ``decide`` drops:
# - a kept line that ends with a credit ("… in Kyiv on May 7. Photo by Jane Doe/AFP", "(AP
#   Photo/John Smith)"). On the text model's site-disjoint scores (seeds 0 / 2): fundus-dev
#   +0.0022 / +0.0019 (precision +0.004 / +0.003), readability +0.0002 / +0.0001, wcxb-dev
#   articles +0.0001 / +0.0001, dragnet -0.0002 / -0.0003 (its references keep captions);
# - a credit on a line of its own ("Foto: Andreas Woitschützke", "© Action press/Bernd März")
#   and the kept line of at most CAPTION_WORDS just above it, the caption it closes;
# - a button that enlarges the picture or a caption's label on a line of its own ("Enlarge
#   this image", "이미지 확대보기", "Bild vergrößern", "Legende:") and the kept line of at most
#   LABELLED_CAPTION_WORDS just below it, the caption it opens.
# The last two, on the same scores: fundus-dev +0.0046 / +0.0053, dragnet -0.0002 / -0.0002,
# readability and wcxb-dev articles within ±0.0001. A credit below a picture that has no
# caption follows the article's own paragraph: widening what reads as a credit (any agency
# after a slash) took more of those paragraphs than captions (readability -0.0004). Where the
# captions would be more than CAPTIONS_AT_MOST of the kept text, they are the page (a photo
# gallery) and stay.
CAPTIONS_AT_MOST = 0.5
CAPTION_WORDS = 40
LABELLED_CAPTION_WORDS = 60
_CREDIT_LINE_CHARS, _CREDIT_LINE_WORDS = 80, 8  # a credit on its own line is no longer
_CAPTION_OPENERS = frozenset(
    [
        "enlarge this image", "enlarge image", "enlarge photo", "enlarge picture",
        "이미지 확대보기", "이미지 확대", "사진 확대", "사진 확대보기", "bild vergrößern",
        "foto vergrößern", "zeigt weitere informationen zum bild", "agrandir l'image",
        "ampliar imagen", "ampliar foto", "ingrandisci immagine", "ingrandisci foto",
        "legende:", "bildlegende:", "bildunterschrift:", "caption:", "photo caption:",
    ]
)  # fmt: skip
_TEXT_NAMES = feature_names(is_html=False)
_TEXT_CREDIT_COLUMN = _TEXT_NAMES.index("credit_tail")


def _text_captions(texts: list[str], keep: np.ndarray, features: np.ndarray) -> list[int]:
    """Scraped text: the photo captions among the kept lines and the credits and labels
    around them (see above), in order, unless they hold more than ``CAPTIONS_AT_MOST`` of
    the kept text. ``features``: the page's feature matrix, whose ``credit_tail`` column is
    read when it has one."""
    kept = keep.nonzero()[0]
    if not len(kept):
        return []
    if features.shape[1] == len(_TEXT_NAMES):
        credited = features[:, _TEXT_CREDIT_COLUMN].nonzero()[0].tolist()
    else:  # the text-shape columns alone
        credited = credit_tails(texts).nonzero()[0].tolist()
    kept_lines = kept.tolist()
    # a label opens a kept line, and is short
    after = kept[kept > 0]
    after = after[features[after - 1, SHAPE_COLUMNS["log_chars"]] <= _OPENER_LOG_CHARS]
    captions, labels = _scraped_captions(texts, credited, after.tolist(), keep)
    found = sorted(i for i in captions | labels if keep[i])
    if not found:
        return []
    caption_chars = sum(len(texts[i]) for i in found)
    if caption_chars > CAPTIONS_AT_MOST * sum(len(texts[i]) for i in kept_lines):
        return []
    return found


def _scraped_captions(
    texts: list[str], credited: list[int], lines: list[int], candidate: np.ndarray
) -> tuple[set[int], set[int]]:
    """The caption lines among the ``candidate`` lines of scraped text: those that end with a
    credit (of the ``credited`` lines), that a credit line closes or that a label opens (of
    the ``lines``, those whose line before may be one); and the labels that open them."""
    captions = {i for i in credited if candidate[i]}
    for i in credited:
        above = i - 1
        if (
            above >= 0
            and candidate[above]
            and _is_credit_line(texts[i])
            and not _is_credit_line(texts[above])
            and len(texts[above].split()) <= CAPTION_WORDS
        ):
            captions.add(above)
    labels = set()
    for below in lines:
        i = below - 1
        if i >= 0 and len(texts[i]) in _OPENER_LENGTHS and texts[i].lower() in _CAPTION_OPENERS:
            labels.add(i)
            if len(texts[below].split()) <= LABELLED_CAPTION_WORDS:
                captions.add(below)
    return captions - labels, labels


_OPENER_LENGTHS = frozenset(map(len, _CAPTION_OPENERS))
_OPENER_LOG_CHARS = float(np.log1p(max(_OPENER_LENGTHS) + 0.5))


def _is_credit_line(text: str) -> bool:
    """Whether ``text``, which ends with a credit, is nothing but a credit."""
    return (
        len(text) <= _CREDIT_LINE_CHARS
        and len(text.split()) <= _CREDIT_LINE_WORDS
        and is_credit(text)
    )


def with_captions(page: Page, keep: np.ndarray) -> np.ndarray:
    """``keep`` plus the image captions between the first and the last kept line: the
    captions of the article's own pictures. From HTML, the lines of a <figcaption> or a
    <figure>; from scraped text, the lines that end with a photo credit and those that a
    credit line closes or a label opens (see ``_text_captions``)."""
    kept = keep.nonzero()[0]
    if not len(kept):
        return keep
    if not page.is_html:
        first, last = int(kept[0]), int(kept[-1])
        texts = page.texts
        between = np.zeros(len(texts), dtype=bool)
        between[first:last] = True
        credited = (credit_tails(texts[first:last]).nonzero()[0] + first).tolist()
        captions, _ = _scraped_captions(texts, credited, list(range(first, last)), between)
        if not captions:
            return keep
        keep = keep.copy()
        keep[sorted(captions)] = True
        return keep
    if len(page.bits) != len(keep):
        return keep
    keep = keep.copy()
    kinds, bits = page.kinds, page.bits
    for i in range(int(kept[0]), int(kept[-1])):
        if not keep[i] and (kinds[i] == _CAPTION_KIND or bits[i] & _IN_FIGURE_BIT):
            keep[i] = True
    return keep


def comment_text(page: Page, keep: np.ndarray) -> str:
    """The reader comments under the article: the lines inside comment markup (as
    ``_without_comments`` finds it) after the first kept line that are not body, one a
    line, less their chrome (lines shorter than COMMENT_CHARS, mostly links). On a forum page,
    where the replies are the body, and for scraped text, there are none."""
    bits = page.outer_bits or page.bits
    kept = keep.nonzero()[0]
    if not page.is_html or not len(kept) or len(bits) != len(keep):
        return ""
    texts, link_chars = page.texts, page.link_chars
    return "\n".join(
        texts[i]
        for i in range(int(kept[0]) + 1, len(texts))
        if bits[i] & _COMMENT_BIT
        and not keep[i]
        and len(texts[i]) >= COMMENT_CHARS
        and 2 * link_chars[i] < len(texts[i])
    )


def body_text(page: Page, keep: np.ndarray, format: str = "text") -> str:
    """Stage 6, the body alone: the kept lines, in order, one paragraph a line (the kept
    cells of a table's row on one line, separated by " | "); or, with ``format="markdown"``,
    as Markdown (:mod:`boilerx.pipeline.markdown`)."""
    if format == "markdown":
        return to_markdown(page, keep)
    return plain_text(page, keep)


def assemble(
    page: Page,
    scores: np.ndarray,
    keep: np.ndarray,
    format: str = "text",
    comments: str | None = None,
) -> Document:
    """Stage 6: the body text (in ``format``), every line with its score and kind, and the
    reader ``comments`` when they were asked for."""
    lines = [
        Line(text=t, is_body=bool(k), score=float(s), kind=KINDS[kind])
        for t, k, s, kind in zip(page.texts, keep.tolist(), scores.tolist(), page.kinds)
    ]
    return Document(
        text=body_text(page, keep, format), title=page.title, lines=lines, comments=comments
    )
