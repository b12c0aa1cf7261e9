"""Stage 4: the line classifier, a scikit-learn estimator in two steps.

Step one scores each line from its own features. Step two sees the page through step one's
eyes: it adds, for every line, the scores of its neighbours, of the lines built like it (same
block signature), of its container and the page's own score distribution, so that a teaser list
or a comment thread is judged as a whole and thresholds follow the page, not a global constant.
"""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.ensemble import HistGradientBoostingClassifier

N_PAGE_FEATURES = 14


def page_features(scores: np.ndarray, groups: list[np.ndarray]) -> np.ndarray:
    """Context of step-one ``scores`` on one page. ``groups`` are integer labels per line
    (same signature, same container) whose mean score each line gets."""
    n = len(scores)
    out = np.zeros((n, N_PAGE_FEATURES), dtype=np.float32)
    if n == 0:
        return out
    s = scores.astype(np.float64)
    padded = np.concatenate([np.zeros(3), s, np.zeros(3)])
    cum = np.concatenate([[0.0], np.cumsum(s)])
    pos = np.arange(n)
    out[:, 0] = s
    out[:, 1] = padded[2 : 2 + n]  # previous line
    out[:, 2] = padded[4 : 4 + n]  # next line
    for j, half in ((3, 2), (4, 6), (5, 20)):
        lo, hi = np.maximum(pos - half, 0), np.minimum(pos + half + 1, n)
        out[:, j] = (cum[hi] - cum[lo]) / (hi - lo)
    top = np.sort(s)[::-1]
    out[:, 6] = top[: max(1, n // 10)].mean()  # how sure the page's best lines are
    out[:, 7] = np.median(s)
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


class LineClassifier(ClassifierMixin, BaseEstimator):
    """Body-or-chrome classifier for lines, with a page-context second step.

    ``fit(X, y, pages=..., groups=...)``: ``pages`` gives each row's page number (rows of a page
    contiguous and in order), ``groups`` a pair of per-row integer labels (signature, container)
    used by the page step. Step one's scores for the page step are out-of-fold, so that step
    two learns from scores like those it will see on new pages.
    """

    def __init__(
        self,
        max_iter: int = 120,
        learning_rate: float = 0.15,
        max_leaf_nodes: int = 48,
        min_samples_leaf: int = 40,
        l2_regularization: float = 1.0,
        n_folds: int = 3,
        chrome_sample: float = 0.35,
        threshold: float = 0.5,
        random_state: int = 0,
        family: str = "trees",
        page_step: bool = True,
    ) -> None:
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.l2_regularization = l2_regularization
        self.n_folds = n_folds
        self.chrome_sample = chrome_sample
        self.threshold = threshold
        self.random_state = random_state
        self.family = family
        self.page_step = page_step

    def _booster(self, max_iter: int) -> Any:
        """A fresh model of the chosen family: gradient-boosted trees, or (to compare) a
        logistic regression on standardised features."""
        if self.family == "linear":
            from sklearn.linear_model import LogisticRegression
            from sklearn.pipeline import make_pipeline
            from sklearn.preprocessing import StandardScaler

            return make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=300))
        if self.family != "trees":
            raise ValueError(f"family must be 'trees' or 'linear', not {self.family!r}")
        return HistGradientBoostingClassifier(
            max_iter=max_iter,
            learning_rate=self.learning_rate,
            max_leaf_nodes=self.max_leaf_nodes,
            min_samples_leaf=self.min_samples_leaf,
            l2_regularization=self.l2_regularization,
            early_stopping=False,
            random_state=self.random_state,
        )

    def fit(
        self,
        X: np.ndarray,
        y: np.ndarray,
        sample_weight: np.ndarray | None = None,
        *,
        pages: np.ndarray,
        groups: tuple[np.ndarray, np.ndarray],
        sites: np.ndarray | None = None,
    ) -> LineClassifier:
        """Fit both steps. ``sites`` (per row) keeps a site's pages in one fold. Runs on one
        thread, so that the same data and seed give the same model."""
        from threadpoolctl import threadpool_limits

        with threadpool_limits(1):
            return self._fit(X, y, sample_weight, pages, groups, sites)

    def _fit(self, X, y, sample_weight, pages, groups, sites) -> LineClassifier:  # type: ignore[no-untyped-def]
        y = np.asarray(y)
        w = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, dtype=float)
        # Chrome lines far outnumber body lines: fit on a seeded sample of them, weighted up.
        rng = np.random.default_rng(self.random_state)
        sampled = (y == 1) | (rng.random(len(y)) < self.chrome_sample)
        w = np.where(y == 1, w, w / self.chrome_sample)
        keep = (w > 0) & sampled
        fold_key = sites if sites is not None else pages
        _, fold_of = np.unique(fold_key, return_inverse=True)
        fold_of = fold_of % self.n_folds
        self.step_one_ = self._booster(self.max_iter)
        _fit_weighted(self.step_one_, X[keep], y[keep], w[keep])
        self.step_two_ = None
        if self.page_step:
            oof = np.zeros(len(y))
            for k in range(self.n_folds):
                train = keep & (fold_of != k)
                model = self._booster(max(self.max_iter // 2, 50))
                _fit_weighted(model, X[train], y[train], w[train])
                test = fold_of == k
                oof[test] = model.predict_proba(X[test])[:, 1]
            Z = self._page_matrix(oof, pages, groups)
            self.step_two_ = self._booster(max(self.max_iter // 2, 50))
            _fit_weighted(self.step_two_, np.hstack([X, Z])[keep], y[keep], w[keep])
        self.classes_ = np.array([0, 1])
        self.n_features_in_ = X.shape[1]
        return self

    @staticmethod
    def _page_matrix(
        scores: np.ndarray, pages: np.ndarray, groups: tuple[np.ndarray, np.ndarray]
    ) -> np.ndarray:
        Z = np.zeros((len(scores), N_PAGE_FEATURES), dtype=np.float32)
        bounds = np.flatnonzero(np.diff(pages)) + 1
        for lo, hi in zip(np.concatenate([[0], bounds]), np.concatenate([bounds, [len(pages)]])):
            page_groups = [_dense(g[lo:hi]) for g in groups]
            Z[lo:hi] = page_features(scores[lo:hi], page_groups)
        return Z

    def predict_page(self, X: np.ndarray, groups: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        """Body probability of every line of one page."""
        if len(X) == 0:
            return np.zeros(0)
        first = _body_probability(self.step_one_, X)
        if self.step_two_ is None:
            return first
        Z = page_features(first, [_dense(g) for g in groups])
        return _body_probability(self.step_two_, np.hstack([X, Z]))

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """Step one only (no page context): probabilities of chrome and body."""
        body = _body_probability(self.step_one_, X)
        return np.column_stack([1.0 - body, body])

    def predict(self, X: np.ndarray) -> np.ndarray:
        return (self.predict_proba(X)[:, 1] >= self.threshold).astype(int)


def _fit_weighted(model: Any, X: np.ndarray, y: np.ndarray, w: np.ndarray) -> Any:
    """``model.fit`` with sample weights, also for a pipeline (weights go to its last step)."""
    from sklearn.pipeline import Pipeline

    if isinstance(model, Pipeline):
        return model.fit(X, y, **{f"{model.steps[-1][0]}__sample_weight": w})
    return model.fit(X, y, sample_weight=w)


def _body_probability(model: Any, X: np.ndarray) -> np.ndarray:
    """P(body) from a fitted step. Boosted trees are summed tree by tree on one thread (a page
    has a few hundred lines: OpenMP's start-up, contention with other processes and input
    validation would cost more than the trees), through the same compiled routine scikit-learn
    uses, falling back to its own prediction if that routine is not there."""
    if not isinstance(model, HistGradientBoostingClassifier):
        return model.predict_proba(X)[:, 1]
    X64 = np.ascontiguousarray(X, dtype=np.float64)
    raw = None
    trees = _tree_table(model)
    if trees is not None:
        predict_tree, nodes_and_bitsets, known, index_map, baseline = trees
        raw = np.full(len(X64), baseline)
        out = np.empty(len(X64))
        for nodes, bitsets in nodes_and_bitsets:
            predict_tree(nodes, X64, bitsets, known, index_map, 1, out)
            raw += out
    else:
        raw = model._raw_predict(X64, n_threads=1)[:, 0]
    return 1.0 / (1.0 + np.exp(-raw))


_tree_tables: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()


def _tree_table(model: HistGradientBoostingClassifier) -> Any:
    """The fitted trees of ``model`` laid out for :func:`_body_probability` (cached per
    model), or None where this scikit-learn lays them out otherwise."""
    if model in _tree_tables:
        return _tree_tables[model]
    try:
        from sklearn.ensemble._hist_gradient_boosting._predictor import (
            _predict_from_raw_data,
        )

        known, index_map = model._bin_mapper.make_known_categories_bitsets()
        table = (
            _predict_from_raw_data,
            [(p.nodes, p.raw_left_cat_bitsets) for (p,) in model._predictors],
            known,
            index_map,
            float(np.ravel(model._baseline_prediction)[0]),
        )
    except (ImportError, AttributeError, ValueError, TypeError):
        table = None
    _tree_tables[model] = table
    return table


def _dense(labels: np.ndarray) -> np.ndarray:
    return np.unique(labels, return_inverse=True)[1]
