"""Quality metrics: the article-extraction benchmark's shingle score and snippet checks.

Shingle score, per page:

- words are runs of ``\\w`` (case kept); shingles are word 4-grams; a text of 1-3 words gives
  one shingle of all its words, an empty text none;
- shingles of output and reference are matched as multisets: TP = shared count, FP = output
  surplus, FN = reference surplus; the three are normalised to sum to 1 so every page weighs
  the same;
- precision = TP/(TP+FP) and recall = TP/(TP+FN), with these conventions for 0/0:
  both texts empty -> P = R = 1; output empty (reference not) -> P = 1, R = 0;
  reference empty (output not) -> P = 0, R = 1. Every page enters both means (the original
  script instead leaves such pages out of the mean they are undefined for).

Over pages: P and R are the means of the page values, F1 the harmonic mean of those two means,
accuracy the share of pages whose output words equal the reference words exactly. The 95% CI of
F1 comes from resampling pages (1000 resamples, fixed seed).

Snippets (``with``/``without``): a snippet counts as found when its whitespace-normalised text
is a substring of the whitespace-normalised output. Found ``with`` = TP, missed ``with`` = FN,
found ``without`` = FP, missed ``without`` = TN; P/R/F1 come from the totals over pages.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import regex

_WORD = regex.compile(r"\w+")
_SPACE = regex.compile(r"\s+")


def words(text: str | None) -> list[str]:
    """The words of ``text``: runs of ``\\w``, case kept."""
    return _WORD.findall(text or "")


def shingles(text: str | None, n: int = 4) -> Counter[tuple[str, ...]]:
    """Multiset of word ``n``-grams; fewer than ``n`` words give one shingle, none give none."""
    toks = words(text)
    if not toks:
        return Counter()
    if len(toks) < n:
        return Counter([tuple(toks)])
    return Counter(tuple(toks[i : i + n]) for i in range(len(toks) - n + 1))


@dataclass(frozen=True)
class PageScore:
    """Normalised TP/FP/FN of one page, its precision and recall, and exact word match."""

    tp: float
    fp: float
    fn: float
    precision: float
    recall: float
    exact: bool


def score_page(output: str | None, reference: str | None, n: int = 4) -> PageScore:
    """Shingle score of ``output`` against ``reference`` (conventions in the module docstring)."""
    out, ref = shingles(output, n), shingles(reference, n)
    tp = sum((out & ref).values())
    fp = sum(out.values()) - tp
    fn = sum(ref.values()) - tp
    total = tp + fp + fn
    exact = words(output) == words(reference)
    if total == 0:
        return PageScore(0.0, 0.0, 0.0, 1.0, 1.0, exact)
    ntp, nfp, nfn = tp / total, fp / total, fn / total
    precision = 1.0 if not out else ntp / (ntp + nfp)
    recall = 1.0 if not ref else ntp / (ntp + nfn)
    return PageScore(ntp, nfp, nfn, precision, recall, exact)


def f1(precision: float, recall: float) -> float:
    """Harmonic mean (0 when both are 0)."""
    return 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0


def aggregate(scores: Sequence[PageScore]) -> dict[str, float | int]:
    """Mean P, mean R, their F1 and exact-match accuracy over pages."""
    n = len(scores)
    if n == 0:
        return {"pages": 0, "precision": 0.0, "recall": 0.0, "f1": 0.0, "accuracy": 0.0}
    p = sum(s.precision for s in scores) / n
    r = sum(s.recall for s in scores) / n
    acc = sum(s.exact for s in scores) / n
    return {"pages": n, "precision": p, "recall": r, "f1": f1(p, r), "accuracy": acc}


def bootstrap_f1_ci(
    scores: Sequence[PageScore], n_resamples: int = 1000, seed: int = 0, alpha: float = 0.05
) -> tuple[float, float]:
    """Percentile bootstrap CI of F1, resampling pages with replacement."""
    import numpy as np

    if not scores or n_resamples <= 0:
        return (0.0, 0.0)
    p = np.array([s.precision for s in scores])
    r = np.array([s.recall for s in scores])
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(scores), size=(n_resamples, len(scores)))
    mp, mr = p[idx].mean(axis=1), r[idx].mean(axis=1)
    denom = mp + mr
    f = np.divide(2 * mp * mr, denom, out=np.zeros_like(denom), where=denom > 0)
    lo, hi = np.quantile(f, [alpha / 2, 1 - alpha / 2])
    return (float(lo), float(hi))


def normalize_space(text: str | None) -> str:
    """Collapse runs of whitespace to one space and strip."""
    return _SPACE.sub(" ", text or "").strip()


@dataclass
class SnippetCounts:
    """Snippet outcome totals; add pages with :meth:`add`."""

    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0

    def add(
        self, output: str | None, with_: Sequence[str], without: Sequence[str]
    ) -> tuple[int, int, int, int]:
        """Count one page's snippets; return that page's (tp, fn, fp, tn)."""
        before = (self.tp, self.fn, self.fp, self.tn)
        text = normalize_space(output)
        for snip in filter(None, map(normalize_space, with_)):
            if snip in text:
                self.tp += 1
            else:
                self.fn += 1
        for snip in filter(None, map(normalize_space, without)):
            if snip in text:
                self.fp += 1
            else:
                self.tn += 1
        after = (self.tp, self.fn, self.fp, self.tn)
        return (
            after[0] - before[0],
            after[1] - before[1],
            after[2] - before[2],
            after[3] - before[3],
        )

    def summary(self) -> dict[str, float | int]:
        """Counts plus precision, recall, F1 and accuracy over all snippets."""
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        total = self.tp + self.fn + self.fp + self.tn
        acc = (self.tp + self.tn) / total if total else 0.0
        return {**asdict(self), "precision": p, "recall": r, "f1": f1(p, r), "accuracy": acc}
