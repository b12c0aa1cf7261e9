"""The compiled tree scorer (_trees.pyx) against the NumPy path it mirrors (classify): the same
leaf in every tree for every row, on generated ensembles (NaN features, missing-value
directions, leaves at various depths, nodes numbered in any order) and rows; the same sums
where NumPy adds the trees in the same order; the same page context columns; and a malformed
model refused when packed instead of read out of bounds.

(test_training.py compares both paths with scikit-learn on fitted models.)"""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import boilerx.pipeline.classify
from boilerx.pipeline.classify import (
    AveragedScorer,
    LineScorer,
    TreeEnsemble,
    _compiled_steps,
    _step_two_log_odds,
    _trees,
    dense_labels,
    page_features,
)

if _trees is None and os.environ.get("BOILERX_NATIVE") == "required":
    pytest.fail("BOILERX_NATIVE=required but boilerx.pipeline._trees is not built")
pytestmark = pytest.mark.skipif(
    _trees is None, reason="the compiled tree scorer (boilerx.pipeline._trees) is not built"
)

_SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# ---------------------------------------------------------------- generated ensembles
# A tree as nested tuples: ("leaf", value) or ("split", feature, threshold, missing_left,
# right (x > threshold), left). Thresholds are float64, as the model files hold them: the
# scorers compare float32 rows with their float32 rounding down (TreeEnsemble.threshold32).
_VALUES = st.floats(-1e3, 1e3, allow_nan=False) | st.sampled_from([0.0, -0.0, 1e-300, 0.1, 1e15])
_THRESHOLDS = st.floats(-3, 3, allow_nan=False) | st.sampled_from(
    [0.0, -0.0, 0.1, 1.0, 1e30, -1e30, np.inf, -np.inf, 3.4028235e38]
)
_MAX_WIDTH = 5


def _split(children: st.SearchStrategy) -> st.SearchStrategy:
    return st.tuples(
        st.just("split"),
        st.integers(0, _MAX_WIDTH - 1),
        _THRESHOLDS,
        st.booleans(),
        children,
        children,
    )


_TREES = st.recursive(st.tuples(st.just("leaf"), _VALUES), _split, max_leaves=12)


def _depth(tree: tuple) -> int:
    return 0 if tree[0] == "leaf" else 1 + max(_depth(tree[4]), _depth(tree[5]))


@st.composite
def ensembles(draw: st.DrawFn, max_trees: int = 20) -> TreeEnsemble:
    """A TreeEnsemble of generated trees, its nodes numbered in a random order. A leaf's own
    feature, threshold and missing-value side are random too: both walks must ignore them."""
    trees = draw(st.lists(_TREES, min_size=1, max_size=max_trees))
    nodes: list[tuple] = []  # (tree node, index of right child, index of left child)

    def add(tree: tuple) -> int:
        index = len(nodes)
        nodes.append((tree, -1, -1))
        if tree[0] == "split":
            nodes[index] = (tree, add(tree[4]), add(tree[5]))
        return index

    roots = [add(tree) for tree in trees]
    n = len(nodes)
    new = draw(st.permutations(range(n)))  # old index -> new index
    feature = np.zeros(n, np.int32)
    threshold = np.zeros(n)
    missing = np.zeros(n, bool)
    children = np.zeros(2 * n, np.int32)
    value = np.zeros(n)
    for old, (tree, right, left) in enumerate(nodes):
        i = new[old]
        if tree[0] == "leaf":
            feature[i] = draw(st.integers(0, _MAX_WIDTH - 1))
            threshold[i] = draw(st.sampled_from([np.inf, 0.0, -np.inf]))
            missing[i] = draw(st.booleans())
            children[2 * i] = children[2 * i + 1] = i
            value[i] = tree[1]
        else:
            _, feature[i], threshold[i], missing[i], _, _ = tree
            children[2 * i], children[2 * i + 1] = new[right], new[left]
            value[i] = draw(_VALUES)  # never summed: every path ends on a leaf
    depth = max(_depth(tree) for tree in trees) + draw(st.integers(0, 2))
    baseline = draw(st.sampled_from([0.0, -1.25, 0.1]))
    roots32 = np.array([new[r] for r in roots], np.int32)
    return TreeEnsemble(feature, threshold, missing, children, value, roots32, baseline, depth)


@st.composite
def rows(draw: st.DrawFn, trees: TreeEnsemble) -> np.ndarray:
    """float32 rows, wide enough for the trees (some wider), 0 to 30 of them (the scorer
    walks 12 at a time), often right at a threshold or its float32 neighbours, with NaN,
    infinities and signed zeros."""
    width = _MAX_WIDTH + draw(st.integers(0, 2))
    n = draw(st.integers(0, 30))
    t = trees.threshold32[np.isfinite(trees.threshold32)]
    with np.errstate(over="ignore"):  # the float32 neighbours of the largest are infinities
        up, down = np.nextafter(t, np.float32(np.inf)), np.nextafter(t, np.float32(-np.inf))
    extremes = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, -1.0], np.float32)
    pool = np.concatenate([t, up, down, extremes]).astype(np.float32)
    picks = st.sampled_from(pool.tolist()) | st.floats(width=32)
    values = draw(st.lists(picks, min_size=n * width, max_size=n * width))
    X = np.array(values, dtype=np.float32).reshape(n, width)
    if n and draw(st.booleans()):  # often no NaN at all: the walk without the NaN test
        X[np.isnan(X)] = 0.0
    return X


def _one_tree(trees: TreeEnsemble, root: int) -> TreeEnsemble:
    """The ensemble of ``trees``' tree at ``root`` alone, no baseline: its score is the leaf
    value each row reaches."""
    return TreeEnsemble(
        trees.feature,
        trees.threshold,
        trees.missing_left,
        trees.children,
        trees.value,
        np.array([root], np.int32),
        0.0,
        trees.depth,
    )


@_SETTINGS
@given(data=st.data())
def test_compiled_walk_reaches_the_leaves_numpy_reaches(data: st.DataObject) -> None:
    trees = data.draw(ensembles())
    X = data.draw(rows(trees))
    compiled = trees.raw_score(X)
    assert compiled.shape == (len(X),)
    # tree by tree: the same leaf value for every row, bit for bit
    per_tree_compiled, per_tree_numpy = [], []
    for root in trees.roots:
        alone = _one_tree(trees, int(root))
        per_tree_compiled.append(alone.raw_score(X))
        per_tree_numpy.append(alone._raw_score_numpy(X))
        assert np.array_equal(per_tree_compiled[-1], per_tree_numpy[-1])
    # the compiled sum adds the trees in order; NumPy's sum adds eight partial sums from eight
    # trees on (pairwise): each equals its own order of the same leaf values, bit for bit
    expected = np.zeros(len(X))
    for leaves in per_tree_compiled:
        expected += leaves
    assert np.array_equal(compiled, expected + trees.baseline)
    if len(X):
        stacked = np.stack(per_tree_numpy, axis=1).sum(axis=1) + trees.baseline
        assert np.array_equal(trees._raw_score_numpy(X), stacked)
        assert np.allclose(compiled, stacked, rtol=1e-12, atol=1e-12)


@_SETTINGS
@given(data=st.data())
def test_compiled_scores_equal_numpy_for_up_to_seven_trees(data: st.DataObject) -> None:
    """Below eight trees NumPy sums a row's leaves in tree order too: the scores are equal."""
    trees = data.draw(ensembles(max_trees=7))
    X = data.draw(rows(trees))
    assert np.array_equal(trees.raw_score(X), trees._raw_score_numpy(X))


@_SETTINGS
@given(data=st.data())
def test_score_writes_every_row(data: st.DataObject) -> None:
    """score() straight: every row of out written (a short last block too), none beyond."""
    trees = data.draw(ensembles(max_trees=3))
    X = data.draw(rows(trees))
    packed = trees._packed
    out = np.full(len(X) + 1, np.nan)
    _trees.score(X, X.shape[1], packed, out[: len(X)])
    assert not np.isnan(out[: len(X)]).any() and np.isnan(out[-1])
    assert np.array_equal(out[: len(X)] + trees.baseline, trees.raw_score(X))


def test_trees_too_wide_for_a_link_are_scored_by_numpy() -> None:
    """A split on feature 1,024 or later has no room in a packed node's link: pack() returns
    None, and the ensemble is scored by the NumPy walk, the same scores."""
    for feature, packed in ((1023, True), (1024, False)):
        # one split: x[feature] <= 0.5 goes left (leaf 2.0), else right (leaf -1.0)
        trees = TreeEnsemble(
            np.array([feature, 0, 0], np.int32),
            np.array([0.5, np.inf, np.inf]),
            np.array([False, True, True]),
            np.array([1, 2, 1, 1, 2, 2], np.int32),
            np.array([0.0, -1.0, 2.0]),
            np.array([0], np.int32),
            0.0,
            1,
        )
        assert (trees._packed is not None) == packed
        X = np.zeros((3, feature + 1), np.float32)
        X[1, feature], X[2, feature] = 1.0, np.nan
        assert trees.raw_score(X).tolist() == [2.0, -1.0, -1.0]


def test_the_shipped_models_are_scored_by_the_compiled_walk() -> None:
    """Every step of both shipped models fits a packed link (a model that outgrew it would be
    scored by NumPy, many times slower)."""
    from boilerx.pipeline.model import get_model

    for name in ("html", "text"):
        for member in get_model(name).members:
            assert member.step_one._packed is not None and member.step_two._packed is not None


def _arrays(trees: TreeEnsemble) -> list[np.ndarray]:
    """The arrays as TreeEnsemble packs them."""
    return [
        trees.feature.astype(np.int32),
        trees.threshold32,
        trees.missing_left.astype(np.uint8),
        trees.children.astype(np.int32),
        trees.value.astype(np.float64),
        trees.roots.astype(np.int32),
    ]


@_SETTINGS
@given(data=st.data())
def test_malformed_ensembles_are_refused_when_packed(data: st.DataObject) -> None:
    trees = data.draw(ensembles(max_trees=4))
    arrays = _arrays(trees)
    n = len(trees.feature)
    assert isinstance(_trees.pack(*arrays, trees.depth), _trees.Ensemble)
    # an index out of range: a feature, a child or a root
    which = data.draw(st.sampled_from([0, 3, 5]))
    negative = st.integers(-(2**31), -1)  # (a feature index has no upper bound here)
    bad = data.draw(negative if which == 0 else negative | st.integers(n, 2**31 - 1))
    broken = [a.copy() for a in arrays]
    broken[which][data.draw(st.integers(0, len(broken[which]) - 1))] = bad
    with pytest.raises(ValueError, match="out of range"):
        _trees.pack(*broken, trees.depth)
    # a node with two parents (or a child that is an ancestor): trees, not graphs
    splits = np.flatnonzero(arrays[3][0::2] != np.arange(n))
    if len(splits):
        split = int(data.draw(st.sampled_from(splits.tolist())))
        side = data.draw(st.integers(0, 1))
        sibling = int(arrays[3][2 * split + 1 - side])
        # its sibling, itself, or the first root (seen before any split is laid out)
        other = data.draw(st.sampled_from([sibling, split, int(arrays[5][0])]))
        broken = [a.copy() for a in arrays]
        broken[3][2 * split + side] = other
        with pytest.raises(ValueError, match="reached twice"):
            _trees.pack(*broken, trees.depth)
    if len(trees.roots) > 1:  # two trees sharing a root
        broken = [a.copy() for a in arrays]
        broken[5][1] = broken[5][0]
        with pytest.raises(ValueError, match="reached twice"):
            _trees.pack(*broken, trees.depth)
    # arrays of different lengths, a negative depth
    cut = data.draw(st.sampled_from([1, 2, 4]))
    broken = [a.copy() for a in arrays]
    broken[cut] = broken[cut][:-1]
    with pytest.raises(ValueError, match="sizes"):
        _trees.pack(*broken, trees.depth)
    with pytest.raises(ValueError, match="sizes"):
        _trees.pack(*arrays, -1)


def test_score_and_pack_refuse_wrong_inputs() -> None:
    trees = TreeEnsemble(
        feature=np.array([2, 0, 0]),
        threshold=np.array([0.5, np.inf, np.inf]),
        missing_left=np.array([True, True, True]),
        children=np.array([1, 2, 1, 1, 2, 2]),
        value=np.array([0.0, 1.0, -1.0]),
        roots=np.array([0]),
        baseline=0.0,
        depth=1,
    )
    packed = trees._packed
    X = np.zeros((4, 3), np.float32)
    out = np.empty(4)
    _trees.score(X, 3, packed, out)
    assert (out == -1.0).all()
    with pytest.raises(ValueError, match="narrower"):
        _trees.score(np.zeros((4, 2), np.float32), 2, packed, out)  # the split reads column 2
    with pytest.raises(ValueError, match="do not match"):
        _trees.score(X, 3, packed, out[:3])
    with pytest.raises(ValueError, match="do not match"):
        _trees.score(X, 4, packed, out)
    with pytest.raises(ValueError):  # float64 rows are scored by NumPy, not here
        _trees.score(X.astype(np.float64), 3, packed, out)
    with pytest.raises(ValueError):  # only an ensemble made by pack() is walked
        _trees.score(X, 3, object(), out)
    with pytest.raises(TypeError):
        _trees.Ensemble()
    with pytest.raises(ValueError):  # 64-bit node indexes are not reinterpreted
        _trees.pack(*(a.astype(np.int64) if a.dtype == np.int32 else a for a in _arrays(trees)), 1)
    with pytest.raises(TypeError):
        _trees.pack(None, *_arrays(trees)[1:], 1)
    # an empty ensemble and no rows
    empty = _trees.pack(*(a[:0] for a in _arrays(trees)), 0)
    _trees.score(X, 3, empty, out)
    assert (out == 0.0).all()
    _trees.score(X[:0], 3, packed, out[:0])


# ---------------------------------------------------------------- page context
_SCORES = st.floats(0, 1) | st.sampled_from([0.0, 0.5, 1.0, 0.25, np.nextafter(0.5, 0)])


@st.composite
def labels(draw: st.DrawFn, n: int) -> np.ndarray:
    """Labels of ``n`` lines: small ones (used as they are), negative, far apart or not
    integers (renumbered first)."""
    kind = draw(st.sampled_from(["small", "wide", "huge", "float"]))
    if kind == "float":
        values = st.floats(-5, 5, allow_nan=False)
        return np.array(draw(st.lists(values, min_size=n, max_size=n)))
    low, high = {"small": (0, 5), "wide": (-3, 200), "huge": (-(2**62), 2**62)}[kind]
    values = st.integers(low, high)
    return np.array(draw(st.lists(values, min_size=n, max_size=n)), dtype=np.int64)


@_SETTINGS
@given(data=st.data())
def test_compiled_page_context_equals_numpy(data: st.DataObject) -> None:
    n = data.draw(st.integers(0, 80))
    scores = np.array(data.draw(st.lists(_SCORES, min_size=n, max_size=n)), dtype=np.float64)
    groups = [data.draw(labels(n)), data.draw(labels(n))]
    if n and data.draw(st.booleans()):
        groups[1] = np.sort(groups[1])  # runs of lines, as container labels are
    compiled = page_features(scores, groups)
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(boilerx.pipeline.classify, "_trees", None)
        expected = page_features(scores, groups)
    assert compiled.dtype == expected.dtype == np.float32
    assert np.array_equal(compiled, expected)


@_SETTINGS
@given(
    n=st.integers(1, 40),
    labels=st.lists(st.integers(-(2**63), 2**63 - 1) | st.integers(-5, 100), min_size=40,
                    max_size=40),
    seed=st.integers(0, 2**32 - 1),
)  # fmt: skip
def test_page_context_renumbers_any_labels_or_refuses_bad_inputs(
    n: int, labels: list[int], seed: int
) -> None:
    """Labels negative or above 2n are renumbered inside: the same columns as labels
    0, 1, 2 … given in their place."""
    rng = np.random.default_rng(seed)
    scores = rng.random((2, n))
    first = np.array(labels[:n], dtype=np.int64)
    second = first[::-1].copy()
    out = np.zeros((2, n, 14), np.float32)
    _trees.page_context(scores, first, second, out)
    dense = np.zeros((2, n, 14), np.float32)
    _trees.page_context(scores, dense_labels(first), dense_labels(second), dense)
    assert np.array_equal(out, dense) and out.any()
    for bad in (
        (scores[:, :-1].copy(), first, second, out),
        (scores, first, second[1:], out),
        (scores, first, second, out[:, :, :13].copy()),
        (scores, first, second, np.zeros((2, n + 1, 14), np.float32)),
        (scores, first, second, out[:1]),
    ):
        with pytest.raises(ValueError, match="sizes"):
            _trees.page_context(*bad)


@_SETTINGS
@given(data=st.data())
def test_page_context_of_several_runs_is_each_run_alone(data: st.DataObject) -> None:
    """One call for k runs of a page's scores (the averaged members' step one) fills each
    run's block as page_features of that run alone, the buffers shared between the runs."""
    n = data.draw(st.integers(1, 80))
    k = data.draw(st.integers(1, 4))
    rows = [data.draw(st.lists(_SCORES, min_size=n, max_size=n)) for _ in range(k)]
    scores = np.array(rows, dtype=np.float64)
    groups = [data.draw(labels(n)), data.draw(labels(n))]
    out = np.full((k, n, 14), np.nan, np.float32)
    boilerx.pipeline.classify._compiled_context(
        scores, boilerx.pipeline.classify._context_labels(groups), out
    )
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(boilerx.pipeline.classify, "_trees", None)
        for run in range(k):
            assert np.array_equal(out[run], page_features(scores[run], groups))


@_SETTINGS
@given(data=st.data())
def test_page_context_ranks_as_a_stable_argsort(data: st.DataObject) -> None:
    """The ranking column and the page's statistics on pages of up to 700 lines, scores drawn
    from few values (long runs of ties for the merge sort) or from all of [0, 1]."""
    n = data.draw(st.integers(1, 700))
    seed = data.draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    few = data.draw(st.booleans())
    scores = rng.choice([0.0, 0.25, 0.5, 1.0], n) if few else rng.random(n) ** 3
    groups = [np.zeros(n, np.int64), np.arange(n)]
    compiled = page_features(scores, groups)
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(boilerx.pipeline.classify, "_trees", None)
        expected = page_features(scores, groups)
    assert np.array_equal(compiled, expected)
    order = np.argsort(-scores, kind="stable")
    assert np.array_equal(compiled[order, 9], (np.arange(n) / n).astype(np.float32))


@_SETTINGS
@given(n=st.integers(0, 1200), seed=st.integers(0, 2**32 - 1), exact=st.booleans())
def test_top_sum_adds_as_numpy_sums(n: int, seed: int, exact: bool) -> None:
    """The page context's mean of the top tenth sums as NumPy's sum does, bit for bit (eight
    running sums in blocks of 128, halves above): on values whose sums round, the order
    shows."""
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 4, n) / 4 if exact else rng.random(n) ** 3
    assert _trees.top_sum(a) == a.sum()


@_SETTINGS
@given(data=st.data())
def test_score_joined_equals_score_of_the_joined_rows(data: st.DataObject) -> None:
    """score_joined(X, Z) walks each row of X followed by its row of Z: the same sums as
    score() of the matrix that joins them, NaN in either part included."""
    trees = data.draw(ensembles())
    joined = data.draw(rows(trees))
    cut = data.draw(st.integers(0, joined.shape[1]))
    X, Z = np.ascontiguousarray(joined[:, :cut]), np.ascontiguousarray(joined[:, cut:])
    expected = np.full(len(joined), np.nan)
    _trees.score(joined, joined.shape[1], trees._packed, expected)
    out = np.full(len(joined), np.nan)
    _trees.score_joined(X, Z, trees._packed, out)
    assert np.array_equal(out, expected)
    assert np.array_equal(trees.raw_score(X, Z), trees.raw_score(joined))
    if len(trees.roots) < 8:  # (NumPy sums eight trees or more pairwise: see the walk test)
        assert np.array_equal(trees.raw_score(X, Z), trees._raw_score_numpy(joined))


def test_score_joined_refuses_wrong_inputs() -> None:
    trees = TreeEnsemble(
        feature=np.array([2, 0, 0]),
        threshold=np.array([0.5, np.inf, np.inf]),
        missing_left=np.array([True, True, True]),
        children=np.array([1, 2, 1, 1, 2, 2]),
        value=np.array([0.0, 1.0, -1.0]),
        roots=np.array([0]),
        baseline=0.0,
        depth=1,
    )
    X, Z, out = np.zeros((4, 2), np.float32), np.ones((4, 1), np.float32), np.empty(4)
    _trees.score_joined(X, Z, trees._packed, out)
    assert (out == 1.0).all()  # column 2 is Z's first: 1 > 0.5, right
    with pytest.raises(ValueError, match="narrower"):
        _trees.score_joined(X, Z[:, :0], trees._packed, out)
    with pytest.raises(ValueError, match="do not match"):
        _trees.score_joined(X, Z[:3], trees._packed, out)
    with pytest.raises(ValueError, match="do not match"):
        _trees.score_joined(X, Z, trees._packed, out[:3])
    with pytest.raises(ValueError):
        _trees.score_joined(X, Z, object(), out)


@_SETTINGS
@given(data=st.data())
def test_score_each_equals_score_of_each_ensemble(data: st.DataObject) -> None:
    """score_each(X, Z, ensembles) gives, row k, what score_joined(X, Z[k], ensembles[k])
    gives (score(X) without Z), NaN in X or in one member's Z alone included."""
    sets = data.draw(st.lists(ensembles(), min_size=1, max_size=3))
    joined = data.draw(rows(sets[0]))
    cut = data.draw(st.integers(0, joined.shape[1]))
    X = np.ascontiguousarray(joined[:, :cut])
    orders = [data.draw(st.permutations(range(len(joined)))) for _ in sets]
    Z = np.ascontiguousarray(np.stack([joined[order, cut:] for order in orders]))
    packed = tuple(trees._packed for trees in sets)
    out = np.full((len(sets), len(joined)), np.nan)
    _trees.score_each(X, Z, packed, out)
    for k, trees in enumerate(sets):
        expected = np.full(len(joined), np.nan)
        _trees.score_joined(X, Z[k], trees._packed, expected)
        assert np.array_equal(out[k], expected)
    out = np.full((len(sets), len(joined)), np.nan)
    _trees.score_each(joined, None, packed, out)
    for k, trees in enumerate(sets):
        expected = np.full(len(joined), np.nan)
        _trees.score(joined, joined.shape[1], trees._packed, expected)
        assert np.array_equal(out[k], expected)


def test_score_each_refuses_wrong_inputs() -> None:
    trees = TreeEnsemble(
        feature=np.array([2, 0, 0]),
        threshold=np.array([0.5, np.inf, np.inf]),
        missing_left=np.array([True, True, True]),
        children=np.array([1, 2, 1, 1, 2, 2]),
        value=np.array([0.0, 1.0, -1.0]),
        roots=np.array([0]),
        baseline=0.0,
        depth=1,
    )
    packed = (trees._packed, trees._packed)
    X, Z, out = np.zeros((4, 2), np.float32), np.ones((2, 4, 1), np.float32), np.empty((2, 4))
    _trees.score_each(X, Z, packed, out)
    assert (out == 1.0).all()  # column 2 is Z's first: 1 > 0.5, right
    with pytest.raises(ValueError, match="narrower"):
        _trees.score_each(X, None, packed, out)
    with pytest.raises(ValueError, match="do not match"):
        _trees.score_each(X, Z[:1], packed, out)
    with pytest.raises(ValueError, match="do not match"):
        _trees.score_each(X, np.ones((2, 3, 1), np.float32), packed, out)
    with pytest.raises(ValueError, match="do not match"):
        _trees.score_each(X, Z, packed, np.empty((2, 3)))
    with pytest.raises(ValueError):
        _trees.score_each(X, Z, (trees._packed, object()), out)


@pytest.mark.filterwarnings("ignore:overflow encountered in exp")  # large leaf values
@_SETTINGS
@given(data=st.data())
def test_compiled_members_predict_as_numpy(data: st.DataObject) -> None:
    """A LineScorer's and an AveragedScorer's probabilities, their steps walked together by
    score_each, equal those of the NumPy scorer and page context (below eight trees a step,
    where NumPy sums the leaves in tree order too), NaN and labels of any size included."""
    steps = data.draw(st.lists(ensembles(max_trees=7), min_size=2, max_size=6))
    members = [LineScorer(one, two, 0.5, _MAX_WIDTH) for one, two in zip(steps[::2], steps[1::2])]
    X = data.draw(rows(steps[0]))
    X = np.ascontiguousarray(X[:, :_MAX_WIDTH])
    if not len(X):
        return
    label = st.integers(-3, 3 * len(X))
    groups = tuple(
        np.array(data.draw(st.lists(label, min_size=len(X), max_size=len(X))), dtype=np.int64)
        for _ in range(2)
    )
    averaged = AveragedScorer(members, 0.5)
    compiled = [averaged.predict_page(X, groups), members[0].predict_page(X, groups)]
    steps = _compiled_steps(members, X, groups)
    assert steps is not None
    each = _step_two_log_odds(steps, X, groups)
    classify = boilerx.pipeline.classify
    try:
        classify._trees = None  # type: ignore[assignment]
        numpy = [averaged.predict_page(X, groups), members[0].predict_page(X, groups)]
        for k, member in enumerate(members):
            assert np.array_equal(1.0 / (1.0 + np.exp(-each[k])), member.predict_page(X, groups))
    finally:
        classify._trees = _trees
    assert np.array_equal(compiled[0], numpy[0])
    assert np.array_equal(compiled[1], numpy[1])
