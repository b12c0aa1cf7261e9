"""Training pieces: line labelling, the two-step classifier, reproducibility of a fit.

(The shingle metric that training reports with is tested in test_benchmarks.py.)"""

from __future__ import annotations

import io
from pathlib import Path

import joblib
import numpy as np
import pytest

from boilerx.pipeline.classify import (
    AveragedScorer,
    LineScorer,
    TreeEnsemble,
    _trees,
    page_features,
)
from boilerx.training.estimator import LineClassifier
from boilerx.training.train import LabelledPage, label_lines, validation_seeds


def _record(body: str | None, title: str | None = None, with_=(), without=()) -> LabelledPage:
    return LabelledPage(
        "test",
        "1",
        "site",
        Path("x"),
        Path("y"),
        body,
        title,
        list(with_),
        list(without),
        "article",
    )


def test_label_lines_aligns_with_reference() -> None:
    body = (
        "By Jo Smith\nThe river rose by two metres overnight and flooded the lower town.\n"
        "Rescue teams worked until dawn to reach the families who stayed behind.\nOutlook"
    )
    lines = [
        "Flood hits town",
        "By Jo Smith",
        "Home News Sport",
        "The river rose by two metres overnight and flooded the lower town.",
        "Share on Facebook",
        "Outlook",
        "Rescue teams worked until dawn to reach the families who stayed behind.",
        "Most read: The river festival returns next week with music and food stalls.",
    ]
    y, w = label_lines(lines, _record(body, title="Flood hits town"))
    assert list(y) == [0, 1, 0, 1, 0, 1, 1, 0]
    assert w[0] == 1.0 and y[0] == 0  # the headline is labelled chrome
    assert w[1] == 0.0  # a byline before the first long body line is left unlabelled
    assert w[3] == 1.0 and w[5] == 1.0


def test_label_lines_from_snippets_only() -> None:
    lines = ["Menu", "The mayor opened the new bridge on Sunday morning.", "Subscribe now"]
    rec = _record(None, with_=["opened the new bridge"], without=["Subscribe now"])
    y, w = label_lines(lines, rec)
    assert list(w) == [0.0, 1.0, 1.0]
    assert list(y[1:]) == [1, 0]


def test_page_features_see_neighbours_and_groups() -> None:
    scores = np.array([0.1, 0.9, 0.8, 0.2])
    groups = [np.array([0, 1, 1, 0]), np.array([0, 0, 1, 1])]
    Z = page_features(scores, groups)
    assert Z.shape == (4, 14)
    assert Z[1, 1] == 0.1 and Z[1, 2] == 0.8  # previous and next line
    assert np.isclose(Z[0, 12], 0.15) and np.isclose(Z[1, 12], 0.85)  # lines built alike
    assert Z[3, 9] > Z[1, 9]  # rank: the low-scoring line ranks after the high one


def _toy(seed: int, n_pages: int = 40):
    rng = np.random.default_rng(seed)
    X, y, pages = [], [], []
    for p in range(n_pages):
        n = 30
        label = (np.arange(n) >= 10) & (np.arange(n) < 22)
        feats = rng.normal(size=(n, 5)) + label[:, None] * 1.5
        X.append(feats)
        y.append(label.astype(int))
        pages.append(np.full(n, p))
    X, y, pages = np.vstack(X), np.concatenate(y), np.concatenate(pages)
    groups = (np.zeros(len(y), int), pages.copy())
    return X.astype(np.float32), y, pages, groups


def test_classifier_learns_and_page_step_helps() -> None:
    X, y, pages, groups = _toy(0)
    model = LineClassifier(max_iter=60, chrome_sample=1.0).fit(X, y, pages=pages, groups=groups)
    Xt, yt, pt, gt = _toy(1, n_pages=10)
    step_one = (model.predict_proba(Xt)[:, 1] >= 0.5) == yt
    both = np.concatenate(
        [model.predict_page(Xt[pt == p], (gt[0][pt == p], gt[1][pt == p])) for p in range(10)]
    )
    assert step_one.mean() > 0.75
    assert ((both >= 0.5) == yt).mean() > step_one.mean()  # context from neighbours pays


def test_bags_average_models_fitted_on_different_samples() -> None:
    X, y, pages, groups = _toy(2)
    model = LineClassifier(max_iter=15, n_bags=2).fit(X, y, pages=pages, groups=groups)
    first, second = model.step_one_.models
    assert not np.array_equal(first.decision_function(X), second.decision_function(X))
    mean = (first.decision_function(X) + second.decision_function(X)) / 2
    assert np.allclose(model.scorer_.step_one.raw_score(X), mean, rtol=0, atol=1e-9)
    assert len(model.scorer_.step_two.roots) == 2 * (15 // 2)  # step two bagged too
    single = LineClassifier(max_iter=15).fit(X, y, pages=pages, groups=groups)
    assert len(single.scorer_.step_one.roots) == 15


@pytest.mark.parametrize("first, count, n_runs", [(0, 2, 2), (0, 3, 3), (7, 4, 1), (5, 1, 3)])
def test_validation_seeds_share_no_run(first: int, count: int, n_runs: int) -> None:
    seeds = validation_seeds(first, count, n_runs)
    assert len(seeds) == count and seeds[0] == first  # the shipped model's seed comes first
    runs = [set(range(seed, seed + n_runs)) for seed in seeds]
    assert sum(map(len, runs)) == len(set().union(*runs))  # every run fitted once


def test_runs_average_the_log_odds_of_fits_with_successive_seeds() -> None:
    X, y, pages, groups = _toy(2)
    fit = {"max_iter": 15, "random_state": 5}
    model = LineClassifier(n_runs=2, **fit).fit(X, y, pages=pages, groups=groups)  # type: ignore[arg-type]
    singles = [
        LineClassifier(**{**fit, "random_state": seed}).fit(X, y, pages=pages, groups=groups)  # type: ignore[arg-type]
        for seed in (5, 6)
    ]
    page = pages == 0
    page_groups = (groups[0][page], groups[1][page])
    first, second = (m.predict_page(X[page], page_groups) for m in singles)
    assert not np.allclose(first, second)  # each run drew its own sample of chrome lines
    mean_log_odds = (np.log(first / (1 - first)) + np.log(second / (1 - second))) / 2
    expected = 1 / (1 + np.exp(-mean_log_odds))
    assert np.allclose(model.predict_page(X[page], page_groups), expected, rtol=0, atol=1e-9)
    scorer = model.set_params(threshold=0.3).to_scorer()
    assert isinstance(scorer, AveragedScorer) and scorer.threshold == 0.3
    assert len(scorer.members) == 2


def test_same_data_and_seed_give_same_bytes() -> None:
    X, y, pages, groups = _toy(0, n_pages=20)
    blobs = []
    for _ in range(2):
        buffer = io.BytesIO()
        model = LineClassifier(max_iter=30).fit(X, y, pages=pages, groups=groups)
        joblib.dump(model.to_scorer(), buffer)
        blobs.append(buffer.getvalue())
    assert blobs[0] == blobs[1]


def test_tree_ensemble_equals_scikit_learn() -> None:
    """The shipped NumPy evaluation gives scikit-learn's own scores, missing values included."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    rng = np.random.default_rng(3)
    X = rng.normal(size=(3000, 6))
    X[rng.random(X.shape) < 0.05] = np.nan
    y = (np.nan_to_num(X[:, 0]) + np.nan_to_num(X[:, 1]) * X[:, 2] ** 2 > 0.3).astype(int)
    model = HistGradientBoostingClassifier(max_iter=25, max_depth=6, random_state=0).fit(X, y)
    trees = TreeEnsemble.from_sklearn(model)
    Xt = rng.normal(size=(500, 6))
    Xt[rng.random(Xt.shape) < 0.1] = np.nan
    assert np.allclose(trees.probability(Xt), model.predict_proba(Xt)[:, 1], atol=1e-12)
    assert np.allclose(trees.raw_score(Xt[:, :]), model.decision_function(Xt), atol=1e-12)
    assert trees.raw_score(np.zeros((0, 6))).shape == (0,)
    # float32 rows (what the features are) right at the float32 neighbours of every threshold
    inner = trees.threshold < np.inf
    thresholds = trees.threshold[inner].astype(np.float32)
    features = trees.feature[inner]
    X32 = rng.normal(size=(len(thresholds) * 3, 6)).astype(np.float32)
    for k, (t, f) in enumerate(zip(thresholds, features)):
        for j, value in enumerate((np.nextafter(t, -np.inf), t, np.nextafter(t, np.inf))):
            X32[3 * k + j, f] = value
    expected = model.decision_function(X32.astype(np.float64))
    assert np.allclose(trees.raw_score(X32), expected, rtol=0, atol=1e-12)


@pytest.mark.skipif(_trees is None, reason="compiled tree scorer not built (no C compiler)")
def test_compiled_scorer_walks_as_numpy_does() -> None:
    from sklearn.ensemble import HistGradientBoostingClassifier

    rng = np.random.default_rng(3)
    X = rng.normal(size=(3000, 7))
    X[rng.random(X.shape) < 0.1] = np.nan
    y = (np.nan_to_num(X[:, 0]) - np.nan_to_num(X[:, 3]) * X[:, 5] > 0.2).astype(int)
    model = HistGradientBoostingClassifier(max_iter=30, max_depth=7, random_state=0).fit(X, y)
    trees = TreeEnsemble.from_sklearn(model)
    # 13 rows: not a whole number of the scorer's blocks of rows
    X32 = rng.normal(size=(13, 7)).astype(np.float32)
    X32[rng.random(X32.shape) < 0.2] = np.nan
    compiled = trees.raw_score(X32)
    assert np.allclose(compiled, trees._raw_score_numpy(X32), rtol=0, atol=1e-12)
    assert np.allclose(compiled, model.decision_function(X32.astype(np.float64)), atol=1e-12)
    # rows without NaN take the walk without the missing-value test: same leaves
    for n in (1, 12, 25):
        clean = rng.normal(size=(n, 7)).astype(np.float32)
        expected = model.decision_function(clean.astype(np.float64))
        assert np.allclose(trees.raw_score(clean), expected, rtol=0, atol=1e-12)
    # a model whose arrays point outside themselves is refused when packed, not walked
    arrays = (
        trees.feature.astype(np.int32),
        trees.threshold32,
        trees.missing_left.astype(np.uint8),
        trees.children.astype(np.int32),
        trees.value.astype(np.float64),
        trees.roots.astype(np.int32),
    )
    n_nodes = len(trees.feature)
    for position, bad_index in ((3, n_nodes + 7), (3, -1), (5, n_nodes), (0, -2)):
        broken = list(arrays)
        broken[position] = broken[position].copy()
        broken[position][1] = bad_index
        with pytest.raises(ValueError, match="out of range"):
            _trees.pack(*broken, trees.depth)
    with pytest.raises(ValueError, match="sizes"):
        _trees.pack(*arrays[:3], arrays[3][:-2], *arrays[4:], trees.depth)
    # nodes are laid out anew, tree by tree: a node with two parents is refused
    split = int(np.flatnonzero(arrays[3][0::2] != np.arange(n_nodes))[0])
    for shared in (arrays[3][2 * split], int(trees.roots[0])):
        broken = list(arrays)
        broken[3] = broken[3].copy()
        broken[3][2 * split + 1] = shared
        with pytest.raises(ValueError, match="reached twice"):
            _trees.pack(*broken, trees.depth)
    # infinities go where the NumPy walk sends them (leaves hold +inf thresholds inside)
    extreme = rng.choice(np.array([np.inf, -np.inf, 0.0, 3e38], np.float32), size=(25, 7))
    expected = trees._raw_score_numpy(extreme)
    assert np.allclose(trees.raw_score(extreme), expected, rtol=0, atol=1e-12)
    packed = _trees.pack(*arrays, trees.depth)
    out = np.empty(13)
    _trees.score(X32, 7, packed, out)
    assert np.array_equal(out + trees.baseline, compiled)
    narrow = np.ascontiguousarray(X32[:, :3])  # rows narrower than the splits need
    with pytest.raises(ValueError, match="narrower"):
        _trees.score(narrow, 3, packed, out)
    with pytest.raises(ValueError, match="do not match"):
        _trees.score(X32[:5], 7, packed, out)
    with pytest.raises(ValueError):  # only a packed ensemble is walked
        _trees.score(X32, 7, object(), out)


@pytest.mark.skipif(_trees is None, reason="compiled tree scorer not built (no C compiler)")
def test_compiled_scorer_handles_single_leaf_trees() -> None:
    # tree 0 is a lone leaf (at index 0 when packed), tree 1 splits on feature 1 at 0.5 with
    # NaN sent right; leaves ignore every value, NaN and infinities included
    trees = TreeEnsemble(
        feature=np.array([0, 1, 0, 0]),
        threshold=np.array([0.0, 0.5, 0.0, 0.0]),
        missing_left=np.zeros(4, dtype=bool),
        children=np.array([0, 0, 3, 2, 2, 2, 3, 3]),  # children[2 * node + went_left]
        value=np.array([0.25, 0.0, 1.0, -1.0]),
        roots=np.array([0, 1]),
        baseline=0.5,
        depth=3,
    )
    X = np.array(
        [[0.0, 0.4], [0.0, 0.6], [np.nan, np.nan], [np.inf, -np.inf], [0.0, np.inf]],
        dtype=np.float32,
    )
    expected = np.array([1.75, -0.25, -0.25, 1.75, -0.25])
    assert np.array_equal(trees.raw_score(X), expected)
    assert np.array_equal(trees._raw_score_numpy(X), expected)


@pytest.mark.skipif(_trees is None, reason="compiled tree scorer not built (no C compiler)")
def test_compiled_page_context_equals_the_numpy_path(monkeypatch: pytest.MonkeyPatch) -> None:
    import boilerx.pipeline.classify

    rng = np.random.default_rng(11)
    for n in (1, 2, 7, 50, 301):
        scores = rng.random(n)
        scores[rng.random(n) < 0.3] = 0.5  # ties for the ranking, and the high span's edge
        groups = [rng.integers(0, max(n // 3, 1), n), np.cumsum(rng.random(n) < 0.2)]
        compiled = page_features(scores, groups)
        with monkeypatch.context() as patched:
            patched.setattr(boilerx.pipeline.classify, "_trees", None)
            expected = page_features(scores, groups)
        assert np.array_equal(compiled, expected)
    low = page_features(np.full(4, 0.2), [np.zeros(4, int), np.arange(4)])
    assert (low[:, 10] == 0).all() and (low[:, 11] == 1).all()  # no high-scoring span
    # labels that are negative, far apart or not integers: renumbered, same group means
    scores = rng.random(40)
    small = [rng.integers(0, 5, 40), np.cumsum(rng.random(40) < 0.2)]
    odd = [small[0] * 10**12 - 7, small[1] - 3.5]
    assert np.array_equal(page_features(scores, odd), page_features(scores, small))
    # the compiled module renumbers such labels itself and rejects wrong sizes
    out = np.zeros((1, 3, 14), dtype=np.float32)
    s = np.array([[0.1, 0.9, 0.5]])
    zeros = np.zeros(3, np.int64)
    _trees.page_context(s, np.array([0, 1, 0]), zeros, out)
    for labels in (np.array([0, -1, 0]), np.array([7, 10**15, 7])):
        renumbered = np.zeros_like(out)
        _trees.page_context(s, labels, zeros, renumbered)
        assert np.array_equal(renumbered, out) and out.any()
    with pytest.raises(ValueError, match="sizes"):
        _trees.page_context(s[:, :2].copy(), zeros, zeros, out)


def test_scorer_rejects_features_of_another_version() -> None:
    X, y, pages, groups = _toy(0, n_pages=10)
    scorer = LineClassifier(max_iter=10).fit(X, y, pages=pages, groups=groups).to_scorer()
    assert isinstance(scorer, LineScorer)
    assert scorer.predict_page(X[:30], (groups[0][:30], groups[1][:30])).shape == (30,)
    try:
        scorer.predict_page(X[:30, :4], (groups[0][:30], groups[1][:30]))
    except ValueError as exc:
        assert "features" in str(exc)
    else:
        raise AssertionError("a feature matrix of the wrong width was scored")


def test_shipped_models_have_the_sizes_training_declares() -> None:
    """The model files in models/ were made with the settings ``boilerx.train`` ships (a
    changed setting without a retrained file, or the reverse, fails here)."""
    from boilerx.pipeline.model import get_model
    from boilerx.training.train import MODEL_PARAMS

    for mode in ("html", "text"):
        params = {**LineClassifier().get_params(), **MODEL_PARAMS[mode]}
        scorer = get_model(mode)
        members = scorer.members if params["n_runs"] > 1 else [scorer]
        assert len(members) == params["n_runs"]
        for member in members:
            assert isinstance(member, LineScorer)
            for step, trees in ((member.step_one, params["max_iter"]),
                                (member.step_two, max(params["max_iter"] // 2, 1))):  # fmt: skip
                assert isinstance(step, TreeEnsemble) and len(step.roots) == trees
                children = step.children.reshape(-1, 2)
                leaves = children[:, 0] == np.arange(len(children))
                per_tree = np.add.reduceat(leaves, step.roots)  # a tree runs root to next root
                assert per_tree.max() <= params["max_leaf_nodes"]
                assert step.depth <= params["max_depth"]


def test_threshold_is_tuned_on_article_pages() -> None:
    from dataclasses import replace

    from boilerx.training.train import Sample, tune_threshold

    short = "The mayor opened the new bridge over the river on a cold Monday morning."
    long_body = " ".join(
        f"Engineers spent {n} months on the steel arches and the deck above the water."
        for n in range(8)
    )
    promo = " ".join(
        f"Shop our autumn range of {n} coats, boots and scarves today." for n in range(8)
    )

    def sample(dataset: str, kind: str, texts: list[str], body: str, scores: list[float]) -> tuple:
        record = replace(_record(body), dataset=dataset, type=kind)
        n = len(texts)
        groups = (np.arange(n), np.arange(n))
        return Sample(record, "html", texts, None, np.zeros(n), np.ones(n), groups), np.array(
            scores
        )  # type: ignore[arg-type]

    # an article whose short first paragraph scores low: a low threshold keeps it
    article = sample("news", "article", [short, long_body], f"{short}\n{long_body}", [0.3, 0.9])
    # a shop page whose long promotion scores 0.42: only a high threshold leaves it out
    shop = sample("shop", "product", [promo, long_body], long_body, [0.42, 0.9])
    samples, scores = zip(article, shop)
    assert tune_threshold(list(samples), list(scores)) <= 0.3
    # were the shop page an article, it would pull the threshold above its promotion
    as_article = sample("shop", "article", [promo, long_body], long_body, [0.42, 0.9])
    samples, scores = zip(article, as_article)
    assert tune_threshold(list(samples), list(scores)) > 0.42


def test_edge_lines_are_chrome_whatever_the_reference_keeps() -> None:
    """The labelling convention: a reference that keeps the caption, the byline and the
    dateline (as readability's and dragnet's do) still teaches that they are not body."""
    from boilerx.pipeline.features import line_features
    from boilerx.pipeline.lines import html_lines
    from boilerx.training.train import edge_lines

    caption = "Crowds gather outside the town hall on Monday as the vote is counted"
    paragraph = (
        "The council voted on Monday to close the old bridge for repairs, and a ferry will "
        "carry people across the river while the work goes on."
    )
    html = (
        f"<body><p>By Anna Berg, News Reporter</p><p>Updated 5:27 am, March 4, 2025</p>"
        f"<figure><img src=x><figcaption>{caption}</figcaption></figure>"
        f"<p>{paragraph}</p><p>Photo: Getty Images</p></body>"
    )
    page = html_lines(html)
    reference = "\n".join(page.texts)  # a reference that keeps every line
    edges = edge_lines(page, line_features(page))
    y, w = label_lines(page.texts, _record(reference), edges)
    labels = dict(zip(page.texts, zip(y.tolist(), w.tolist())))
    assert labels[paragraph] == (1, 1.0)
    for line in ("By Anna Berg, News Reporter", "Updated 5:27 am, March 4, 2025", caption):
        assert labels[line] == (0, 1.0), line
    assert labels["Photo: Getty Images"] == (0, 1.0)
    # without the edges, the same reference labels the caption body
    y_plain, w_plain = label_lines(page.texts, _record(reference))
    assert y_plain[page.texts.index(caption)] == 1


def test_inline_story_list_is_added_as_chrome_inside_the_body() -> None:
    from boilerx.pipeline.lines import text_lines
    from boilerx.training.train import _LIST_HEADS, augment

    texts = [f"Paragraph {i} of the article says something long enough to count." for i in range(8)]
    page = text_lines("\n".join(texts))
    y = np.ones(len(texts), dtype=np.int8)
    w = np.ones(len(texts), dtype=np.float32)
    headlines = ["Rail strike ends after three days", "Ten scenic train journeys to take"]
    found_inline = False
    for seed in range(40):
        new, ny, _ = augment(page, y, w, np.random.default_rng(seed), headlines)
        assert [t for t, label in zip(new.texts, ny) if label == 1] == texts  # body unchanged
        heads = [i for i, t in enumerate(new.texts) if t in _LIST_HEADS]
        body_after = [i for i in heads if any(ny[j] == 1 for j in range(i + 1, len(new.texts)))]
        if any(new.texts[i + 1] in headlines and ny[i + 1] == 0 for i in body_after):
            found_inline = True
    assert found_inline


def test_story_leads_are_edge_lines_but_sentences_that_start_alike_are_not() -> None:
    from boilerx.pipeline.lines import text_lines
    from boilerx.training.train import edge_lines, line_features

    leads = ["Related: New hotel swaps its Bibles for e-readers", "READ MORE | Ten train trips"]
    prose = [
        "Related to each other: for example, a caching server and a web server share a disk.",
        "Read more about how the council chose the new bridge design in its minutes.",
    ]
    page = text_lines("\n".join(leads + prose))
    edges = edge_lines(page, line_features(page)).tolist()
    assert edges == [True, True, False, False]


def test_blocks_classed_as_captions_are_edge_lines_but_table_captions_are_not() -> None:
    from boilerx.pipeline.lines import html_lines
    from boilerx.training.train import edge_lines, line_features

    page = html_lines(
        "<body><div class='wp-caption'><img src=x><p class='wp-caption-text'>The mayor opens"
        " the new bridge on Monday.</p></div><p>The bridge took four years to build and cost"
        " more than planned.</p><table><caption>Costs by year</caption><tr><td>2021</td>"
        "</tr></table><div class='image-credit'>Anna Berg</div></body>"
    )
    edges = dict(zip(page.texts, edge_lines(page, line_features(page)).tolist()))
    assert edges["The mayor opens the new bridge on Monday."]
    assert edges["Anna Berg"]
    assert not edges["The bridge took four years to build and cost more than planned."]
    assert not edges["Costs by year"]
