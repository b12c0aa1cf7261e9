"""Training stage 4: the line classifier as a scikit-learn estimator.

``LineClassifier.fit`` trains the two steps with histogram gradient boosting;
``to_scorer()`` gives the :class:`~boilerx.pipeline.classify.LineScorer` that is shipped and used at
run time (the same trees, as flat NumPy arrays). Only training imports scikit-learn.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.ensemble import HistGradientBoostingClassifier

from boilerx.pipeline.classify import (
    N_PAGE_FEATURES,
    AveragedScorer,
    LineScorer,
    TreeEnsemble,
    dense_labels,
    page_features,
)
from boilerx.pipeline.lexicon import Lexicon


class LineClassifier(ClassifierMixin, BaseEstimator):
    """Body-or-chrome classifier for lines, with a page-context second step.

    ``fit(X, y, pages=..., groups=...)``: ``pages`` gives each row's page number (rows of a page
    contiguous and in order), ``groups`` a pair of per-row integer labels (signature, container)
    used by the page step. Step one's scores for the page step are out-of-fold, so that step
    two learns from scores like those it will see on new pages. Trees are at most ``max_depth``
    deep: scoring time grows with the number of trees times their depth. With ``n_runs`` > 1
    the whole two-step fit is repeated with seeds ``random_state``, ``random_state + 1`` … (each
    draws its own sample of the chrome lines) and the runs' log-odds are averaged.
    """

    def __init__(
        self,
        max_iter: int = 120,
        learning_rate: float = 0.15,
        max_leaf_nodes: int = 48,
        max_depth: int | None = 8,
        min_samples_leaf: int = 40,
        l2_regularization: float = 1.0,
        max_features: float = 1.0,
        n_bags: int = 1,
        n_runs: int = 1,
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
        self.max_depth = max_depth
        self.min_samples_leaf = min_samples_leaf
        self.l2_regularization = l2_regularization
        self.max_features = max_features
        self.n_bags = n_bags
        self.n_runs = n_runs
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
            max_depth=self.max_depth,
            min_samples_leaf=self.min_samples_leaf,
            l2_regularization=self.l2_regularization,
            max_features=self.max_features,
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
        lexicon: Lexicon | None = None,
    ) -> LineClassifier:
        """Fit both steps. ``sites`` (per row) keeps a site's pages in one fold; ``lexicon``
        is the one ``X``'s lexicon columns were made with, shipped with the scorer. Runs on
        one thread, so that the same data and seed give the same model."""
        from threadpoolctl import threadpool_limits

        self.lexicon_ = lexicon
        with threadpool_limits(1):
            if self.n_runs <= 1:
                return self._fit(X, y, sample_weight, pages, groups, sites)
            # independent two-step fits, seeds random_state, random_state + 1, ...
            self.runs_: list[LineClassifier] = [
                clone(self)
                .set_params(n_runs=1, random_state=self.random_state + k)
                ._fit(X, y, sample_weight, pages, groups, sites)
                for k in range(self.n_runs)
            ]
        self.classes_ = np.array([0, 1])
        self.n_features_in_ = X.shape[1]
        self.scorer_ = self.to_scorer()
        return self

    def _fit(self, X, y, sample_weight, pages, groups, sites) -> LineClassifier:  # type: ignore[no-untyped-def]
        self.runs_ = []  # one fit: no runs to average
        y = np.asarray(y)
        w = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, dtype=float)
        # Chrome lines far outnumber body lines: fit on a seeded sample of them, weighted up
        # (one sample a bag; with several bags, each step averages their log-odds).
        masks = []
        for bag in range(self.n_bags):
            rng = np.random.default_rng(self.random_state if bag == 0 else [self.random_state, bag])
            masks.append((w > 0) & ((y == 1) | (rng.random(len(y)) < self.chrome_sample)))
        w = np.where(y == 1, w, w / self.chrome_sample)
        fold_key = sites if sites is not None else pages
        _, fold_of = np.unique(fold_key, return_inverse=True)
        fold_of = fold_of % self.n_folds
        self.step_one_ = self._fit_bags(self.max_iter, X, y, w, masks)
        self.step_two_ = None
        if self.page_step:
            oof = np.zeros(len(y))
            for k in range(self.n_folds):
                train = [m & (fold_of != k) for m in masks]
                model = self._fit_bags(max(self.max_iter // 2, 1), X, y, w, train)
                test = fold_of == k
                oof[test] = self._probability(model, X[test])
            Z = self._page_matrix(oof, pages, groups)
            self.step_two_ = self._fit_bags(
                max(self.max_iter // 2, 1), np.hstack([X, Z]), y, w, masks
            )
        self.classes_ = np.array([0, 1])
        self.n_features_in_ = X.shape[1]
        self.scorer_ = self.to_scorer()
        return self

    def _fit_bags(
        self, max_iter: int, X: np.ndarray, y: np.ndarray, w: np.ndarray, masks: list[np.ndarray]
    ) -> Any:
        """One model a bag, each fitted on its rows (``masks``)."""
        models = [_fit_weighted(self._booster(max_iter), X[m], y[m], w[m]) for m in masks]
        return models[0] if len(models) == 1 else _Bagged(models)

    @staticmethod
    def _page_matrix(
        scores: np.ndarray, pages: np.ndarray, groups: tuple[np.ndarray, np.ndarray]
    ) -> np.ndarray:
        Z = np.zeros((len(scores), N_PAGE_FEATURES), dtype=np.float32)
        bounds = np.flatnonzero(np.diff(pages)) + 1
        for lo, hi in zip(np.concatenate([[0], bounds]), np.concatenate([bounds, [len(pages)]])):
            Z[lo:hi] = page_features(scores[lo:hi], [dense_labels(g[lo:hi]) for g in groups])
        return Z

    def to_scorer(self) -> LineScorer | AveragedScorer:
        """The fitted steps as the run-time :class:`LineScorer` (with ``n_runs`` > 1, an
        :class:`AveragedScorer` of one a run). For the trees (what is shipped) the steps are
        :class:`TreeEnsemble` arrays; other families keep their scikit-learn model (for
        comparing designs only)."""
        if self.runs_:
            members = [run.to_scorer() for run in self.runs_]
            return AveragedScorer(
                members,  # type: ignore[arg-type]
                threshold=float(self.threshold),
                lexicon=getattr(self, "lexicon_", None),
            )
        return LineScorer(
            step_one=_step(self.step_one_),
            step_two=None if self.step_two_ is None else _step(self.step_two_),
            threshold=float(self.threshold),
            n_features=int(self.n_features_in_),
            lexicon=getattr(self, "lexicon_", None),
        )

    def predict_page(self, X: np.ndarray, groups: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        """Body probability of every line of one page, as the shipped scorer computes it."""
        return self.scorer_.predict_page(X, groups)

    @staticmethod
    def _probability(model: Any, X: np.ndarray) -> np.ndarray:
        return model.predict_proba(X)[:, 1]

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """Step one only (no page context): probabilities of chrome and body (the mean over
        the runs, when there are several)."""
        if self.runs_:
            return np.mean([run.predict_proba(X) for run in self.runs_], axis=0)
        body = self._probability(self.step_one_, X)
        return np.column_stack([1.0 - body, body])

    def predict(self, X: np.ndarray) -> np.ndarray:
        return (self.predict_proba(X)[:, 1] >= self.threshold).astype(int)


class _Fitted:
    """A fitted scikit-learn model seen as a scoring step (``probability``), like
    :class:`TreeEnsemble`."""

    def __init__(self, model: Any) -> None:
        self.model = model

    def probability(self, X: np.ndarray, Z: np.ndarray | None = None) -> np.ndarray:
        return self.model.predict_proba(X if Z is None else np.concatenate([X, Z], axis=1))[:, 1]


class _Bagged:
    """Boosted-tree models fitted on different samples of the chrome lines: their log-odds
    averaged."""

    def __init__(self, models: list[Any]) -> None:
        self.models = models

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        raw = np.mean([m.decision_function(X) for m in self.models], axis=0)
        body = 1.0 / (1.0 + np.exp(-raw))
        return np.column_stack([1.0 - body, body])


def _step(model: Any) -> TreeEnsemble | _Fitted:
    """A fitted step for :class:`LineScorer`: boosted trees as arrays, anything else as is."""
    if isinstance(model, HistGradientBoostingClassifier):
        return TreeEnsemble.from_sklearn(model)
    if isinstance(model, _Bagged):
        return TreeEnsemble.averaged([TreeEnsemble.from_sklearn(m) for m in model.models])
    return _Fitted(model)


def _fit_weighted(model: Any, X: np.ndarray, y: np.ndarray, w: np.ndarray) -> Any:
    """``model.fit`` with sample weights, also for a pipeline (weights go to its last step)."""
    from sklearn.pipeline import Pipeline

    if isinstance(model, Pipeline):
        return model.fit(X, y, **{f"{model.steps[-1][0]}__sample_weight": w})
    return model.fit(X, y, sample_weight=w)
