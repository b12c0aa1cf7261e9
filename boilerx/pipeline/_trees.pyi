"""Type stub of the optional compiled tree scorer (``boilerx/pipeline/_trees.pyx``)."""

import numpy as np

Buffer = np.ndarray

class Ensemble:
    """A packed, checked ensemble made by :func:`pack` (not constructible directly)."""

def pack(
    feature: Buffer,
    threshold: Buffer,
    missing_left: Buffer,
    children: Buffer,
    value: Buffer,
    roots: Buffer,
    depth: int,
) -> Ensemble | None: ...
def score(X: Buffer, width: int, ensemble: Ensemble, out: Buffer) -> None: ...
def score_joined(X: Buffer, Z: Buffer, ensemble: Ensemble, out: Buffer) -> None: ...
def score_each(
    X: Buffer, Z: Buffer | None, ensembles: tuple[Ensemble, ...], out: Buffer
) -> None: ...
def top_sum(values: Buffer) -> float: ...
def page_context(scores: Buffer, labels0: Buffer, labels1: Buffer, out: Buffer) -> None: ...
