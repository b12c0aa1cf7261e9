"""Fitting the lexicon (:mod:`boilerx.pipeline.lexicon`) on labelled lines.

A word's weight compares how often it occurs among the words of chrome lines with how often
among the words of body lines: the log of the ratio of those two rates, each count smoothed by
one, clipped to ±:data:`CLIP`. The rates are per word, not per line: a body line holds ten
times the words of a menu item, so counted per line every common word ("the", "und") would
look like body; per word they weigh about nothing, and the words that tell stand out. Only
words seen on at least :data:`MIN_SITES` sites get one: a word of one site's menus says
nothing about the next site.

The trees learn how far to trust the columns from training lines, so those lines must not
read weights their own labels made: each training line's columns come from a lexicon fitted
without its site's third of the training sites (:func:`cross_fitted`), as a new site's lines
read a lexicon that never saw them.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
from collections import Counter
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np

from boilerx.pipeline.lexicon import N_COLUMNS, Lexicon, words

MIN_SITES = 5  # sites a word must be seen on to get a weight
CLIP = 4.0  # largest weight, either way
INNER_GROUPS = 3  # site groups for the training lines' own columns


class Labelled(Protocol):
    """What fitting reads of a training sample: its lines, labels, weights and site."""

    texts: list[str]
    X: np.ndarray
    y: np.ndarray
    w: np.ndarray
    word_counts: dict[str, tuple[int, int]]
    record: Any


def word_counts(texts: Sequence[str], y: np.ndarray, w: np.ndarray) -> dict[str, tuple[int, int]]:
    """For each word of a page's weighted lines: how many body and how many chrome lines
    hold it (a word counted once a line)."""
    body: Counter[str] = Counter()
    chrome: Counter[str] = Counter()
    for text, label, weight in zip(texts, y, w):
        if weight > 0:
            (body if label == 1 else chrome).update(set(words(text)))
    return {word: (body[word], chrome[word]) for word in body.keys() | chrome.keys()}


def fit_lexicon(samples: Sequence[Labelled]) -> Lexicon:
    """The lexicon of the words in ``samples`` seen on :data:`MIN_SITES` sites or more."""
    body: Counter[str] = Counter()
    chrome: Counter[str] = Counter()
    sites: dict[str, set[str]] = {}
    for sample in samples:
        site = sample.record.site
        for word, (b, c) in sample.word_counts.items():
            body[word] += b
            chrome[word] += c
            sites.setdefault(word, set()).add(site)
    n_body, n_chrome = sum(body.values()), sum(chrome.values())  # words of each kind of line
    weights = {}
    for word, seen in sites.items():
        if len(seen) >= MIN_SITES:
            odds = math.log((chrome[word] + 1) / (n_chrome + 2)) - math.log(
                (body[word] + 1) / (n_body + 2)
            )
            weights[word] = max(-CLIP, min(CLIP, odds))
    return Lexicon(weights)


def with_columns(sample: Labelled, lexicon: Lexicon) -> Any:
    """A copy of ``sample`` whose lexicon columns (the last of ``X``) read ``lexicon``."""
    X = sample.X.copy()
    lexicon.columns(sample.texts, X[:, -N_COLUMNS:])
    return dataclasses.replace(sample, X=X)  # type: ignore[type-var]


def _group(site: str) -> int:
    return int(hashlib.sha1(f"lexicon:{site}".encode()).hexdigest()[:12], 16) % INNER_GROUPS


def cross_fitted(samples: Sequence[Labelled]) -> list[Any]:
    """Copies of ``samples`` whose lexicon columns each come from a lexicon fitted on the
    other site groups' samples."""
    groups = [_group(s.record.site) for s in samples]
    lexicons = [
        fit_lexicon([s for s, g in zip(samples, groups) if g != k]) for k in range(INNER_GROUPS)
    ]
    return [with_columns(s, lexicons[g]) for s, g in zip(samples, groups)]
