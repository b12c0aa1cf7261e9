"""Stage 4: score every line: the probability that it is article body.

Two steps of boosted trees. Step one scores each line from its own features. Step two sees the
page through step one's eyes: for every line it adds the scores of its neighbours, of the lines
built like it (same block signature), of its container and the page's own score distribution,
so that a teaser list or a comment thread is judged as a whole and thresholds follow the page.

The trees are trained with scikit-learn (:mod:`boilerx.training.estimator`) and shipped as the flat
arrays of :class:`TreeEnsemble`, evaluated here with NumPy: scoring needs no scikit-learn, so
importing boilerx and starting a worker process stay fast. A small compiled scorer
(``boilerx/pipeline/_trees.pyx``, Cython, built at install when a C compiler is present) walks
the same arrays about three times faster and reaches the same leaves; without it, NumPy does
the work.
"""

from __future__ import annotations

import weakref
from typing import Any, Protocol

import numpy as np

from boilerx.pipeline.lexicon import Lexicon

try:
    from boilerx.pipeline import _trees  # the optional compiled scorer
except ImportError:  # not built: score with NumPy
    _trees = None  # type: ignore[assignment]

N_PAGE_FEATURES = 14


def page_features(scores: np.ndarray, groups: list[np.ndarray]) -> np.ndarray:
    """Context of step-one ``scores`` on one page. ``groups`` are labels per line (same
    signature, same container) whose mean score each line gets. The compiled scorer module
    fills in the same numbers when it is built."""
    n = len(scores)
    if n == 0:
        return np.zeros((0, N_PAGE_FEATURES), dtype=np.float32)
    if _trees is not None and len(groups) >= 2:
        out = np.empty((n, N_PAGE_FEATURES), dtype=np.float32)  # every column is written
        s = np.ascontiguousarray(scores, dtype=np.float64)
        _compiled_context(s[None], _context_labels(groups), out[None])
        return out
    out = np.zeros((n, N_PAGE_FEATURES), dtype=np.float32)
    s = scores.astype(np.float64)
    groups = [_small_labels(g) for g in groups]
    padded = np.concatenate([np.zeros(3), s, np.zeros(3)])
    cum = np.concatenate([[0.0], np.cumsum(s)])
    pos = np.arange(n)
    out[:, 0] = s
    out[:, 1] = padded[2 : 2 + n]  # previous line
    out[:, 2] = padded[4 : 4 + n]  # next line
    for j, half in ((3, 2), (4, 6), (5, 20)):
        lo, hi = np.maximum(pos - half, 0), np.minimum(pos + half + 1, n)
        out[:, j] = (cum[hi] - cum[lo]) / (hi - lo)
    ascending = np.sort(s)
    top = ascending[::-1]
    out[:, 6] = top[: max(1, n // 10)].mean()  # how sure the page's best lines are
    out[:, 7] = (ascending[(n - 1) // 2] + ascending[n // 2]) / 2  # the median
    out[:, 8] = s / max(top[0], 1e-6)  # relative to the page's best line
    # share of lines scoring higher (rank), and distance to the page's high-scoring span
    order = np.argsort(-s, kind="stable")
    rank = np.empty(n)
    rank[order] = np.arange(n)
    out[:, 9] = rank / n
    high = np.flatnonzero(s >= 0.5)
    if len(high):
        lo, hi = high[0], high[-1]
        out[:, 10] = (pos >= lo) & (pos <= hi)
        out[:, 11] = np.minimum(
            np.where(pos < lo, lo - pos, np.where(pos > hi, pos - hi, 0)) / 20, 1
        )
    else:
        out[:, 11] = 1.0
    for j, labels in enumerate(groups[:2]):
        sums = np.bincount(labels, weights=s)
        counts = np.bincount(labels)
        out[:, 12 + j] = sums[labels] / counts[labels]
    return out


def _context_labels(groups: Any) -> tuple[np.ndarray, np.ndarray]:
    """The first two of ``groups`` as the compiled ``page_context`` reads labels: int64."""
    first, second = (
        np.ascontiguousarray(
            g if np.asarray(g).dtype.kind in "iu" else dense_labels(g), dtype=np.int64
        )
        for g in groups[:2]
    )
    return first, second


def _compiled_context(
    scores: np.ndarray, labels: tuple[np.ndarray, np.ndarray], out: np.ndarray
) -> None:
    """:func:`page_features` of each row of float64 ``scores`` (runs of one page's scores)
    into its block of ``out``, compiled in one call (which renumbers the ``labels`` where
    they are negative or above 2n)."""
    _trees.page_context(scores, labels[0], labels[1], out)


def dense_labels(labels: np.ndarray) -> np.ndarray:
    """``labels`` renumbered 0, 1, 2 … (for :func:`page_features`' bincounts)."""
    return np.unique(labels, return_inverse=True)[1]


def _small_labels(labels: np.ndarray) -> np.ndarray:
    """``labels`` fit for :func:`page_features`' bincounts: as they are when they already
    run from 0 to at most twice their count (bincount sums per label in line order either
    way: same means), else renumbered by :func:`dense_labels`."""
    labels = np.asarray(labels)
    small = len(labels) and labels.dtype.kind in "iu" and labels.min() >= 0
    if small and labels.max() <= 2 * len(labels):
        return labels
    return dense_labels(labels)


class TreeEnsemble:
    """Boosted binary trees as flat arrays, evaluated level by level for all (line, tree)
    pairs at once. A leaf points to itself, so ``depth`` steps bring every pair to its leaf.

    ``feature``/``threshold``: the split of each node (go left when ``x <= threshold``, or when
    ``x`` is NaN and ``missing_left``); ``children[2 * node + went_left]``: the next node;
    ``value``: a leaf's contribution; ``roots``: each tree's first node; ``baseline``: the
    raw score before any tree.
    """

    def __init__(
        self,
        feature: np.ndarray,
        threshold: np.ndarray,
        missing_left: np.ndarray,
        children: np.ndarray,
        value: np.ndarray,
        roots: np.ndarray,
        baseline: float,
        depth: int,
    ) -> None:
        self.feature = feature
        self.threshold = threshold
        self.missing_left = missing_left
        self.children = children
        self.value = value
        self.roots = roots
        self.baseline = baseline
        self.depth = depth
        self._prepare()

    _INDEXES = ("feature", "children", "roots")

    def _prepare(self) -> None:
        """In memory, node indexes are NumPy's native index type (gathers with them need no
        conversion: half the evaluation time), and float32 thresholds are derived: for float32
        rows, the largest float32 not above each threshold (a float32 x is <= t exactly when it
        is <= that value, and float32 gathers move half the bytes)."""
        for name in self._INDEXES:
            setattr(self, name, np.asarray(getattr(self, name), dtype=np.intp))
        down = self.threshold.astype(np.float32)
        above = down.astype(np.float64) > self.threshold
        self.threshold32 = np.where(above, np.nextafter(down, np.float32(-np.inf)), down)
        self._packed = None  # the compiled scorer's copy: nodes checked and packed once
        if _trees is not None:
            self._packed = _trees.pack(
                self.feature.astype(np.int32),
                self.threshold32,
                np.ascontiguousarray(self.missing_left, dtype=np.uint8),
                self.children.astype(np.int32),
                np.ascontiguousarray(self.value, dtype=np.float64),
                self.roots.astype(np.int32),
                self.depth,
            )

    def __getstate__(self) -> dict[str, Any]:
        """Stored compactly: node indexes as 32-bit integers, nothing derived."""
        state = dict(self.__dict__)
        del state["threshold32"], state["_packed"]
        for name in self._INDEXES:
            state[name] = state[name].astype(np.int32)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._prepare()

    @classmethod
    def from_sklearn(cls, model: Any) -> TreeEnsemble:
        """The trees of a fitted binary ``HistGradientBoostingClassifier`` (numeric splits)."""
        nodes_per_tree = [p.nodes for (p,) in model._predictors]
        nodes = np.concatenate(nodes_per_tree)
        if nodes["is_categorical"].any():
            raise ValueError("categorical splits are not supported")
        offsets = np.cumsum([0] + [len(t) for t in nodes_per_tree[:-1]])
        shift = np.repeat(offsets, [len(t) for t in nodes_per_tree])
        index = np.arange(len(nodes))
        leaf = nodes["is_leaf"].astype(bool)
        left = np.where(leaf, index, nodes["left"].astype(np.int64) + shift)
        right = np.where(leaf, index, nodes["right"].astype(np.int64) + shift)
        return cls(
            feature=np.where(leaf, 0, nodes["feature_idx"]).astype(np.int32),
            threshold=np.where(leaf, np.inf, nodes["num_threshold"]).astype(np.float64),
            missing_left=np.where(leaf, True, nodes["missing_go_to_left"].astype(bool)),
            children=np.stack([right, left], axis=1).ravel().astype(np.int32),
            value=np.where(leaf, nodes["value"], 0.0).astype(np.float64),
            roots=offsets.astype(np.int32),
            baseline=float(np.ravel(model._baseline_prediction)[0]),
            depth=int(nodes["depth"].max()),
        )

    @classmethod
    def averaged(cls, ensembles: list[TreeEnsemble]) -> TreeEnsemble:
        """One ensemble whose raw score is the mean of the ``ensembles``' raw scores."""
        offsets = np.cumsum([0] + [len(e.feature) for e in ensembles[:-1]])
        return cls(
            feature=np.concatenate([e.feature for e in ensembles]).astype(np.int32),
            threshold=np.concatenate([e.threshold for e in ensembles]),
            missing_left=np.concatenate([e.missing_left for e in ensembles]),
            children=np.concatenate([e.children + o for e, o in zip(ensembles, offsets)]).astype(
                np.int32
            ),
            value=np.concatenate([e.value for e in ensembles]) / len(ensembles),
            roots=np.concatenate([e.roots + o for e, o in zip(ensembles, offsets)]).astype(
                np.int32
            ),
            baseline=float(np.mean([e.baseline for e in ensembles])),
            depth=max(e.depth for e in ensembles),
        )

    def raw_score(self, X: np.ndarray, Z: np.ndarray | None = None) -> np.ndarray:
        """The summed leaf values of every row of ``X`` (the log-odds of body); with ``Z``,
        of every row of ``X`` followed by the same row of ``Z`` (step two: a line's features,
        then its page context), as if the two were joined."""
        n = len(X)
        if n == 0:
            return np.zeros(0)
        packed = self._packed
        float32 = X.dtype == np.float32 and (Z is None or Z.dtype == np.float32)
        if _trees is not None and packed is not None and float32:
            out = np.empty(n, dtype=np.float64)
            if Z is None:
                _trees.score(np.ascontiguousarray(X), X.shape[1], packed, out)
            else:
                _trees.score_joined(np.ascontiguousarray(X), np.ascontiguousarray(Z), packed, out)
            return out + self.baseline
        return self._raw_score_numpy(X if Z is None else np.concatenate([X, Z], axis=1))

    def _raw_score_numpy(self, X: np.ndarray) -> np.ndarray:
        """:meth:`raw_score` with NumPy, level by level for all (row, tree) pairs at once."""
        n, width = X.shape
        if n == 0:
            return np.zeros(0)
        if X.dtype != np.float32:
            X = X.astype(np.float64)
        flat = np.ascontiguousarray(X).ravel()
        threshold = self.threshold32 if flat.dtype == np.float32 else self.threshold
        node = np.tile(self.roots, n)
        row_start = np.repeat(np.arange(n, dtype=np.intp) * width, len(self.roots))
        has_nan = bool(np.isnan(flat).any())
        for _ in range(self.depth):
            x = flat[row_start + self.feature[node]]
            went_left = x <= threshold[node]
            if has_nan:
                went_left |= np.isnan(x) & self.missing_left[node]
            node = self.children[2 * node + went_left]
        return self.value[node].reshape(n, -1).sum(axis=1) + self.baseline

    def probability(self, X: np.ndarray, Z: np.ndarray | None = None) -> np.ndarray:
        """P(body) of every row of ``X`` (each followed by its row of ``Z``, when given)."""
        return 1.0 / (1.0 + np.exp(-self.raw_score(X, Z)))


class Step(Protocol):
    """What a scoring step offers: the body probability of each row (of ``X`` each followed
    by its row of ``Z``, when given)."""

    def probability(self, X: np.ndarray, Z: np.ndarray | None = None) -> np.ndarray: ...


class LineScorer:
    """The shipped model: step one and (optional) step two, the tuned threshold, and the
    lexicon the features stage reads the last columns from."""

    lexicon: Lexicon | None = None

    def __init__(
        self,
        step_one: Step,
        step_two: Step | None,
        threshold: float,
        n_features: int,
        lexicon: Lexicon | None = None,
    ) -> None:
        self.step_one = step_one
        self.step_two = step_two
        self.threshold = threshold
        self.n_features = n_features
        self.lexicon = lexicon

    def predict_page(self, X: np.ndarray, groups: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        """Body probability of every line of one page (rows of ``X`` in page order)."""
        if len(X) == 0:
            return np.zeros(0)
        if X.shape[1] != self.n_features:
            raise ValueError(
                f"the model expects {self.n_features} features, got {X.shape[1]}: "
                "the model files do not match this version of boilerx; retrain them"
            )
        return self._predict(X, groups)

    def _predict(self, X: np.ndarray, groups: Any) -> np.ndarray:
        """:meth:`predict_page` for rows already checked."""
        first = self.step_one.probability(X)
        if self.step_two is None:
            return first
        return self.step_two.probability(X, page_features(first, list(groups)))

    def _log_odds(self, X: np.ndarray, groups: Any) -> np.ndarray:
        """The log-odds of :meth:`_predict`'s probabilities: the last step's raw score where
        it is trees (else from the probabilities, clipped to ``_CLIP``)."""
        last = self.step_one if self.step_two is None else self.step_two
        if isinstance(last, TreeEnsemble):
            if self.step_two is None:
                return last.raw_score(X)
            first = self.step_one.probability(X)
            return last.raw_score(X, page_features(first, list(groups)))
        p = np.clip(self._predict(X, groups), _CLIP, 1.0 - _CLIP)
        return np.log(p / (1.0 - p))


class AveragedScorer:
    """Several :class:`LineScorer` fitted alike, each on its own sample of the chrome lines
    (one seed each): a line's body probability is the mean of their log-odds. One fit's
    scores move with the sample it drew; their mean moves less."""

    lexicon: Lexicon | None = None

    def __init__(
        self, members: list[LineScorer], threshold: float, lexicon: Lexicon | None = None
    ) -> None:
        self.members = members
        self.threshold = threshold
        self.n_features = members[0].n_features
        self.lexicon = lexicon

    def predict_page(self, X: np.ndarray, groups: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        """Body probability of every line of one page (rows of ``X`` in page order)."""
        if len(X) == 0:
            return np.zeros(0)
        if X.shape[1] != self.n_features:
            return self.members[0].predict_page(X, groups)  # says what is wrong
        steps = None
        if _trees is not None and X.dtype == np.float32 and len(groups) >= 2:
            if self not in _STEPS_OF:  # gathered once a scorer
                _STEPS_OF[self] = _gathered_steps(self.members)
            steps = _STEPS_OF[self]
        if steps is not None:
            log_odds = _step_two_log_odds(steps, X, groups)
        else:
            # labels fit for the page columns, made once for every member (the same numbers
            # as each member alone)
            labels: tuple[np.ndarray, ...] = tuple(_small_labels(g) for g in groups)
            log_odds = np.array([member._log_odds(X, labels) for member in self.members])
        np.clip(log_odds, -_MAX_LOG_ODDS, _MAX_LOG_ODDS, out=log_odds)
        # the members' rows added one after the other, then averaged
        return 1.0 / (1.0 + np.exp(-log_odds.sum(axis=0) / len(self.members)))


# Each scorer's steps as _gathered_steps gives them (None where they are not all packed trees)
_STEPS_OF: weakref.WeakKeyDictionary[AveragedScorer, Any] = weakref.WeakKeyDictionary()


# One step of each member, as the compiled scorer walks them: the packed trees, and the
# baselines as a column (a row of scores a member)
PackedSteps = tuple[tuple[Any, ...], np.ndarray]


def _compiled_steps(
    members: list[LineScorer], X: np.ndarray, groups: Any
) -> tuple[PackedSteps, PackedSteps] | None:
    """The ``members``' steps one and two, when :func:`_step_two_log_odds` can score ``X``
    with them: the compiled scorer is built, ``X`` is float32, ``groups`` two or more, and
    every step is packed trees; else None."""
    if _trees is None or X.dtype != np.float32 or len(groups) < 2:
        return None
    return _gathered_steps(members)


def _gathered_steps(members: list[LineScorer]) -> tuple[PackedSteps, PackedSteps] | None:
    """:func:`_compiled_steps` for ``members``, whatever the rows."""
    ones, twos = [], []
    for member in members:
        one, two = member.step_one, member.step_two
        if not (isinstance(one, TreeEnsemble) and isinstance(two, TreeEnsemble)):
            return None
        if one._packed is None or two._packed is None:
            return None
        ones.append(one)
        twos.append(two)
    return _packed_steps(ones), _packed_steps(twos)


def _packed_steps(steps: list[TreeEnsemble]) -> PackedSteps:
    """``steps`` as :data:`PackedSteps`."""
    return tuple(s._packed for s in steps), np.array([[s.baseline] for s in steps])


def _step_two_log_odds(
    steps: tuple[PackedSteps, PackedSteps], X: np.ndarray, groups: Any
) -> np.ndarray:
    """The log-odds of body of every row of ``X`` by each member (a row a member) whose
    ``steps`` one and two :func:`_compiled_steps` gives, as its ``_log_odds`` gives them,
    each step's trees walked by one compiled call for all members, and the labels made once
    for them all."""
    (ones, one_baselines), (twos, two_baselines) = steps
    X = np.ascontiguousarray(X)
    raw = np.empty((len(ones), len(X)))
    _trees.score_each(X, None, ones, raw)
    raw += one_baselines
    first = 1.0 / (1.0 + np.exp(-raw))
    context = np.empty((len(ones), len(X), N_PAGE_FEATURES), dtype=np.float32)
    _compiled_context(first, _context_labels(groups), context)
    _trees.score_each(X, context, twos, raw)
    raw += two_baselines
    return raw


_CLIP = 1e-12  # probabilities of exactly 0 or 1 have no finite log-odds
_MAX_LOG_ODDS = float(np.log((1.0 - _CLIP) / _CLIP))  # a member's log-odds, at most (27.6)
