# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
# cython: cdivision=True
"""Compiled scorer for boosted trees stored as flat arrays (classify.TreeEnsemble): the same
walk as its NumPy path (go left when x <= threshold, or when x is NaN and the node sends missing
values left; a leaf's children are itself), twelve rows at a time through every tree, with the
GIL released; and the page step's context columns (classify.page_features).

Optional: when it is not built, boilerx does the same with NumPy. Every index in the model
arrays is checked against the array it points into when packing, so a malformed model raises
ValueError instead of reading out of bounds, and the walk checks nothing again."""

cimport cython
from cpython.mem cimport PyMem_Calloc, PyMem_Free, PyMem_Malloc
from libc.math cimport INFINITY
from libc.stdint cimport INT32_MAX, int32_t, int64_t, uint8_t, uint32_t
from libc.string cimport memcpy

cdef extern from *:
    """
    #define BX_MISSING_LEFT 0x80000000u
    """
    const uint32_t MISSING_LEFT "BX_MISSING_LEFT"  # top bit of Node.feat: NaN goes left

cdef enum:
    # Rows walked together: their independent paths overlap in the CPU's pipeline, and a count
    # fixed at compile time lets the compiler unroll the step over them (12 measured fastest,
    # against 8 and 16, on text and HTML pages).
    BLOCK = 12


cdef struct Node:
    # A node as the walk reads it (16 bytes). ``feat``: the feature index in its low 31 bits
    # and MISSING_LEFT. A split's two children sit side by side, ``first`` (x > thr) and
    # ``first + 1`` (went left), so the next node is ``first + went_left``: the walk need not
    # wait for a load that depends on the comparison. A leaf has threshold +inf and sends NaN
    # left, so it always goes left, and ``first`` is its own index - 1: it leads to itself.
    float thr
    uint32_t feat
    int32_t first
    int32_t unused


cdef struct Packed:
    Node *nodes
    double *val  # a leaf's value, by node
    int32_t *root  # each tree's first node
    Py_ssize_t n_trees, depth, min_width  # rows need at least min_width features


@cython.final
cdef class Ensemble:
    """A packed, checked ensemble made by :func:`pack`."""

    cdef Packed e

    def __init__(self):
        raise TypeError("an Ensemble is made by pack()")

    def __dealloc__(self):
        PyMem_Free(self.e.nodes)
        PyMem_Free(self.e.val)
        PyMem_Free(self.e.root)


def pack(
    const int32_t[::1] feature not None,
    const float[::1] threshold not None,
    const uint8_t[::1] missing_left not None,
    const int32_t[::1] children not None,
    const double[::1] value not None,
    const int32_t[::1] roots not None,
    Py_ssize_t depth,
):
    """pack(feature, threshold, missing_left, children, value, roots, depth): the trees,
    checked and packed for score(). ``children[2 * node + went_left]``; ``value`` per node.
    Nodes are laid out anew, tree by tree, breadth first. Raises ValueError for an index out of
    range or a node reached twice (trees, not graphs)."""
    cdef Py_ssize_t n_nodes = feature.shape[0], n_trees = roots.shape[0], i, t
    if (depth < 0 or n_nodes > INT32_MAX or threshold.shape[0] != n_nodes
            or missing_left.shape[0] != n_nodes or children.shape[0] != 2 * n_nodes
            or value.shape[0] != n_nodes):
        raise ValueError("tree arrays have inconsistent sizes")
    # every index the walk can read must point inside its array (as unsigned, a negative index
    # is out of range too)
    cdef bint bad = False
    cdef Py_ssize_t min_width = 0
    for i in range(n_nodes):
        bad |= feature[i] < 0
        min_width = max(min_width, feature[i] + 1)
    for i in range(2 * n_nodes):
        bad |= <uint32_t>children[i] >= <uint32_t>n_nodes
    for t in range(n_trees):
        bad |= <uint32_t>roots[t] >= <uint32_t>n_nodes
    if bad:
        raise ValueError("malformed tree arrays: an index is out of range")

    cdef Ensemble packed = Ensemble.__new__(Ensemble)
    cdef Packed *e = &packed.e
    e.nodes = <Node *>PyMem_Malloc(max(n_nodes, 1) * sizeof(Node))
    e.val = <double *>PyMem_Calloc(max(n_nodes, 1), sizeof(double))
    e.root = <int32_t *>PyMem_Malloc(max(n_trees, 1) * sizeof(int32_t))
    cdef int32_t *order = <int32_t *>PyMem_Malloc(max(n_nodes, 1) * sizeof(int32_t))  # new->old
    cdef uint8_t *seen = <uint8_t *>PyMem_Calloc(max(n_nodes, 1), 1)
    cdef Py_ssize_t used = 0, head = 0
    cdef int32_t old, right, left
    cdef Node *p
    cdef bint twice = False
    try:
        if not (e.nodes and e.val and e.root and order and seen):
            raise MemoryError()
        # each tree breadth first, the two children of a split side by side; each node is
        # placed once, so ``used`` never passes n_nodes
        for t in range(n_trees):
            twice = seen[roots[t]]
            if twice:
                break
            seen[roots[t]] = 1
            e.root[t] = <int32_t>used
            order[used] = roots[t]
            used += 1
            while head < used and not twice:
                old = order[head]
                p = &e.nodes[head]
                right, left = children[2 * old], children[2 * old + 1]
                if right == old and left == old:  # a leaf
                    p.thr = INFINITY
                    p.feat = MISSING_LEFT
                    p.first = <int32_t>head - 1
                    e.val[head] = value[old]
                else:
                    twice = seen[right] or seen[left] or right == left
                    seen[right] = seen[left] = 1
                    p.thr = threshold[old]
                    p.feat = <uint32_t>feature[old] | (MISSING_LEFT if missing_left[old] else 0)
                    p.first = <int32_t>used
                    order[used] = right
                    order[used + 1] = left
                    used += 2
                head += 1
            if twice:
                break
    finally:
        PyMem_Free(order)
        PyMem_Free(seen)
    if twice:
        raise ValueError("malformed tree arrays: a node is reached twice")
    e.n_trees, e.depth, e.min_width = n_trees, depth, min_width
    return packed


cdef inline void walk_block(
    const float **rows, const Packed *e, double *acc, bint nan_aware
) noexcept nogil:
    """Sum, over all trees, the leaf values that the BLOCK ``rows`` reach. Every path is walked
    ``depth`` steps (a leaf's children are itself). ``nan_aware`` is a constant at each call,
    so the compiler drops the NaN test where the rows hold none."""
    cdef const Node *nodes = e.nodes
    cdef const Node *p
    cdef int32_t node[BLOCK]
    cdef float v
    cdef int left
    cdef int k
    cdef Py_ssize_t t, d
    for k in range(BLOCK):
        acc[k] = 0.0
    for t in range(e.n_trees):
        for k in range(BLOCK):
            node[k] = e.root[t]
        for d in range(e.depth):
            for k in range(BLOCK):
                p = nodes + node[k]
                v = rows[k][p.feat & ~MISSING_LEFT]
                left = v <= p.thr
                if nan_aware:
                    left |= (v != v) & (p.feat >> 31)  # v != v: NaN
                node[k] = p.first + left
        for k in range(BLOCK):
            acc[k] += e.val[node[k]]


def score(
    const float[:, ::1] X not None, Py_ssize_t width, ensemble, double[::1] out not None
):
    """score(X, width, ensemble, out): the sum of the leaf values each float32 row of X (of
    ``width`` features) reaches in the packed ensemble, written into out (float64)."""
    if not isinstance(ensemble, Ensemble):
        raise ValueError("score: the ensemble is not one made by pack()")
    cdef const Packed *e = &(<Ensemble>ensemble).e
    cdef Py_ssize_t n_rows = out.shape[0]
    if width < e.min_width or X.shape[0] != n_rows or X.shape[1] != width:
        raise ValueError("rows are narrower than the trees need, or X and out do not match")
    if n_rows == 0:
        return
    cdef const float *x = &X[0, 0]
    cdef const float *rows[BLOCK]
    cdef double acc[BLOCK]
    cdef uint32_t bits, has_nan = 0
    cdef Py_ssize_t i, r0, k, k_end
    with nogil:
        # feature rows rarely hold NaN: then the walk skips the test. A NaN's bits, sign aside,
        # exceed those of infinity; tested on the bits, the scan compiles to vector code.
        for i in range(n_rows * width):
            memcpy(&bits, &x[i], sizeof(bits))
            has_nan |= (bits & 0x7FFFFFFF) > 0x7F800000
        r0 = 0
        while r0 < n_rows:
            k_end = min(n_rows - r0, BLOCK)
            for k in range(BLOCK):  # a short last block repeats its last row
                rows[k] = x + (r0 + min(k, k_end - 1)) * width
            if has_nan:
                walk_block(rows, e, acc, True)
            else:
                walk_block(rows, e, acc, False)
            for k in range(k_end):
                out[r0 + k] = acc[k]
            r0 += BLOCK


def page_context(
    const double[::1] scores not None,
    const int64_t[::1] order not None,
    const int64_t[::1] labels0 not None,
    const int64_t[::1] labels1 not None,
    double top_mean,
    double median,
    double best,
    float[:, ::1] out not None,
):
    """page_context(scores, order, labels0, labels1, top_mean, median, best, out) -> bool: the
    page step's context columns as classify.page_features computes them with NumPy, written
    into out (n x 14 float32) for the n scores. Computed there and passed in: order (the stable
    argsort of -scores), the mean of the top tenth, the median and the best score (at least
    1e-6). labels0/1: labels whose mean score each line gets. Returns True, or False (out
    untouched) when a label is negative or above 2n: the caller renumbers them."""
    cdef Py_ssize_t n = scores.shape[0], i, j, lo, hi, dist
    if (order.shape[0] != n or labels0.shape[0] != n or labels1.shape[0] != n
            or out.shape[0] != n or out.shape[1] != 14):
        raise ValueError("page_context: buffer sizes do not match")
    cdef const int64_t[::1] labels
    cdef int64_t most = 0
    cdef bint bad = False, negative = False
    for i in range(n):
        bad |= order[i] < 0 or order[i] >= n
        negative |= labels0[i] < 0 or labels1[i] < 0
        most = max(most, labels0[i], labels1[i])
    if bad:
        raise ValueError("page_context: an order index is out of range")
    if negative or most > 2 * n:  # the sums per label would not be small
        return False

    cdef double *cum = <double *>PyMem_Malloc((n + 1) * sizeof(double))
    cdef double *sums = <double *>PyMem_Malloc((most + 1) * sizeof(double))
    cdef int64_t *counts = <int64_t *>PyMem_Malloc((most + 1) * sizeof(int64_t))
    cdef Py_ssize_t first_high = -1, last_high = -1
    cdef Py_ssize_t halves[3]
    halves[:] = [2, 6, 20]
    try:
        if not (cum and sums and counts):
            raise MemoryError()
        cum[0] = 0.0
        for i in range(n):
            cum[i + 1] = cum[i] + scores[i]
            if scores[i] >= 0.5:
                first_high = i if first_high < 0 else first_high
                last_high = i
        for i in range(n):
            out[i, 0] = <float>scores[i]
            out[i, 1] = <float>scores[i - 1] if i > 0 else 0.0  # previous line
            out[i, 2] = <float>scores[i + 1] if i + 1 < n else 0.0  # next line
            for j in range(3):
                lo = max(i - halves[j], 0)
                hi = min(i + halves[j] + 1, n)
                out[i, 3 + j] = <float>((cum[hi] - cum[lo]) / <double>(hi - lo))
            out[i, 6] = <float>top_mean
            out[i, 7] = <float>median
            out[i, 8] = <float>(scores[i] / best)
            if first_high >= 0:  # the span of high-scoring lines, and the distance to it
                out[i, 10] = 1.0 if first_high <= i <= last_high else 0.0
                dist = first_high - i if i < first_high else (i - last_high if i > last_high else 0)
                out[i, 11] = <float>min(<double>dist / 20.0, 1.0)
            else:
                out[i, 10] = 0.0
                out[i, 11] = 1.0
        for i in range(n):  # rank: the share of lines scoring higher
            out[order[i], 9] = <float>(<double>i / <double>n)
        for j in range(2):  # mean score of the line's group, summed in line order
            labels = labels0 if j == 0 else labels1
            for i in range(most + 1):
                sums[i] = 0.0
                counts[i] = 0
            for i in range(n):
                sums[labels[i]] += scores[i]
                counts[labels[i]] += 1
            for i in range(n):
                out[i, 12 + j] = <float>(sums[labels[i]] / <double>counts[labels[i]])
    finally:
        PyMem_Free(cum)
        PyMem_Free(sums)
        PyMem_Free(counts)
    return True
