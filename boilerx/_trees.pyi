"""Type stub of the optional compiled tree scorer (``boilerx/_trees.c``)."""

import numpy as np

Buffer = np.ndarray

def score(
    X: Buffer,
    width: int,
    feature: Buffer,
    threshold: Buffer,
    missing_left: Buffer,
    children: Buffer,
    value: Buffer,
    roots: Buffer,
    depth: int,
    out: Buffer,
) -> None: ...
def page_context(
    scores: Buffer,
    order: Buffer,
    labels0: Buffer,
    labels1: Buffer,
    top_mean: float,
    median: float,
    best: float,
    out: Buffer,
) -> None: ...
