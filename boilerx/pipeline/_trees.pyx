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
from libc.stdint cimport INT32_MAX, int32_t, int64_t, uint8_t, uint32_t, uint64_t
from libc.string cimport memcpy

cdef extern from *:
    """
    #if defined(__GNUC__) || defined(__clang__)
    #define BX_PREFETCH(p) __builtin_prefetch((p), 0, 3)
    #else
    #define BX_PREFETCH(p) ((void)(p))
    #endif
    """
    void BX_PREFETCH(const void *p) noexcept nogil


cdef enum:
    # Rows walked together: their independent paths overlap in the CPU's pipeline, and a count
    # fixed at compile time lets the compiler unroll the step over them (12 measured fastest,
    # against 8 and 16, on text and HTML pages).
    BLOCK = 12
    # A node's link holds its split's feature in the low FEATURE_BITS bits and its first child
    # above them: room for 1,024 features (the shipped models' trees split on at most 208) and
    # 4,194,304 nodes (theirs hold under 8,000 a step)
    FEATURE_BITS = 10
    FEATURE_MASK = (1 << FEATURE_BITS) - 1
    MAX_FEATURES = 1 << FEATURE_BITS
    MAX_NODES = 1 << (32 - FEATURE_BITS)


cdef struct Packed:
    # The nodes as the walk reads them, a field an array (an index needs no scaling to a
    # record's size: 15% faster than 16-byte records, measured on text and HTML pages).
    # ``thr``: the split's threshold; ``link``: its feature (``link & FEATURE_MASK``) and its
    # first child (``link >> FEATURE_BITS``), in one load (12% faster than two arrays, HTML);
    # ``missing_left``: NaN goes left. A split's two children sit side by side, ``first``
    # (went left) and ``first + 1`` (x > thr), so the next node is ``first + 1 - went_left``:
    # the walk need not wait for a load that depends on the comparison. A leaf has threshold
    # +inf and sends NaN left, so it always goes left, and ``first`` is its own index: it leads
    # to itself.
    float *thr
    uint32_t *link
    uint8_t *missing_left
    double *val  # a leaf's value, by node
    int32_t *root  # each tree's first node
    Py_ssize_t n_trees, depth, min_width  # rows need at least min_width features
    Py_ssize_t n_nodes  # what stream_in() asks for


@cython.final
cdef class Ensemble:
    """A packed, checked ensemble made by :func:`pack`."""

    cdef Packed e

    def __init__(self):
        raise TypeError("an Ensemble is made by pack()")

    def __dealloc__(self):
        PyMem_Free(self.e.thr)
        PyMem_Free(self.e.link)
        PyMem_Free(self.e.missing_left)
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
    range or a node reached twice (trees, not graphs). Returns None for trees that split on a
    feature past the first MAX_FEATURES or hold more than MAX_NODES nodes: a link has no room
    for them (the NumPy walk scores those)."""
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
    if min_width > MAX_FEATURES or n_nodes > MAX_NODES:
        return None  # too large for a link (the NumPy walk scores them)

    cdef Ensemble packed = Ensemble.__new__(Ensemble)
    cdef Packed *e = &packed.e
    e.thr = <float *>PyMem_Malloc(max(n_nodes, 1) * sizeof(float))
    e.link = <uint32_t *>PyMem_Malloc(max(n_nodes, 1) * sizeof(uint32_t))
    e.missing_left = <uint8_t *>PyMem_Malloc(max(n_nodes, 1))
    e.val = <double *>PyMem_Calloc(max(n_nodes, 1), sizeof(double))
    e.root = <int32_t *>PyMem_Malloc(max(n_trees, 1) * sizeof(int32_t))
    cdef int32_t *order = <int32_t *>PyMem_Malloc(max(n_nodes, 1) * sizeof(int32_t))  # new->old
    cdef uint8_t *seen = <uint8_t *>PyMem_Calloc(max(n_nodes, 1), 1)
    cdef Py_ssize_t used = 0, head = 0
    cdef int32_t old, right, left
    cdef bint twice = False
    try:
        if not (e.thr and e.link and e.missing_left and e.val and e.root and order
                and seen):
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
                right, left = children[2 * old], children[2 * old + 1]
                if right == old and left == old:  # a leaf
                    e.thr[head] = INFINITY
                    e.missing_left[head] = 1
                    e.link[head] = (<uint32_t>head) << FEATURE_BITS
                    e.val[head] = value[old]
                else:
                    twice = seen[right] or seen[left] or right == left
                    seen[right] = seen[left] = 1
                    e.thr[head] = threshold[old]
                    e.missing_left[head] = 1 if missing_left[old] else 0
                    e.link[head] = ((<uint32_t>used) << FEATURE_BITS) | <uint32_t>feature[old]
                    order[used] = left
                    order[used + 1] = right
                    used += 2
                head += 1
            if twice:
                break
    finally:
        PyMem_Free(order)
        PyMem_Free(seen)
    if twice:
        raise ValueError("malformed tree arrays: a node is reached twice")
    e.n_trees, e.depth, e.min_width, e.n_nodes = n_trees, depth, min_width, n_nodes
    return packed


cdef inline void walk_block(
    const float **rows, const Packed *e, double *acc, bint nan_aware
) noexcept nogil:
    """Sum, over all trees, the leaf values that the BLOCK ``rows`` reach. Every path is walked
    ``depth`` steps (a leaf's children are itself). ``nan_aware`` is a constant at each call,
    so the compiler drops the NaN test where the rows hold none."""
    cdef const float *thr = e.thr
    cdef const uint32_t *link = e.link
    cdef uint32_t l
    cdef Py_ssize_t node[BLOCK]
    cdef Py_ssize_t j
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
                j = node[k]
                l = link[j]
                v = rows[k][l & FEATURE_MASK]
                left = v <= thr[j]
                if nan_aware:
                    left |= (v != v) & e.missing_left[j]  # v != v: NaN
                node[k] = (l >> FEATURE_BITS) + 1 - left
        for k in range(BLOCK):
            acc[k] += e.val[node[k]]


cdef void stream_in(const Packed *e) noexcept nogil:
    """Ask for the ensemble's node arrays in address order, a cache line at a time, before the
    walk reads them. On a page that starts on caches other work filled, the walk would
    otherwise wait on each node's first visit in the order the trees happen to reach them."""
    cdef Py_ssize_t i
    for i in range(0, e.n_nodes, 16):  # 64 bytes of 4-byte fields
        BX_PREFETCH(e.thr + i)
        BX_PREFETCH(e.link + i)
    for i in range(0, e.n_nodes, 8):
        BX_PREFETCH(e.val + i)
    for i in range(0, e.n_nodes, 64):
        BX_PREFETCH(e.missing_left + i)


cdef bint any_nan(const float *x, Py_ssize_t n) noexcept nogil:
    """Whether the ``n`` floats at ``x`` hold a NaN. Feature rows rarely do: then the walk
    skips the test. The scan compiles to vector compares (v != v: NaN), four floats a step
    (faster than a test of the bits, measured)."""
    cdef uint32_t found = 0
    cdef Py_ssize_t i
    for i in range(n):
        found |= x[i] != x[i]
    return found != 0


cdef void score_rows(
    const float *x, Py_ssize_t wx, const float *z, Py_ssize_t wz, Py_ssize_t n_rows,
    const Packed *e, float *joined, bint has_nan, double *out
) noexcept nogil:
    """The sum of the leaf values each row reaches: row i is the ``wx`` floats of ``x`` at
    i * wx, followed, when ``wz`` > 0, by the ``wz`` floats of ``z`` at i * wz (a block's rows
    are then joined in ``joined``, room for BLOCK rows of wx + wz floats). ``has_nan``: whether
    the rows may hold NaN (see any_nan)."""
    cdef const float *rows[BLOCK]
    cdef double acc[BLOCK]
    cdef Py_ssize_t i, r0, k, k_end, width = wx + wz
    stream_in(e)
    r0 = 0
    while r0 < n_rows:
        k_end = min(n_rows - r0, BLOCK)
        for k in range(BLOCK):  # a short last block repeats its last row
            i = r0 + min(k, k_end - 1)
            if wz == 0:
                rows[k] = x + i * wx
            else:
                memcpy(joined + k * width, x + i * wx, wx * sizeof(float))
                memcpy(joined + k * width + wx, z + i * wz, wz * sizeof(float))
                rows[k] = joined + k * width
        if has_nan:
            walk_block(rows, e, acc, True)
        else:
            walk_block(rows, e, acc, False)
        for k in range(k_end):
            out[r0 + k] = acc[k]
        r0 += BLOCK


cdef const Packed *packed_of(ensemble) except NULL:
    if not isinstance(ensemble, Ensemble):
        raise ValueError("score: the ensemble is not one made by pack()")
    return &(<Ensemble>ensemble).e


def score(
    const float[:, ::1] X not None, Py_ssize_t width, ensemble, double[::1] out not None
):
    """score(X, width, ensemble, out): the sum of the leaf values each float32 row of X (of
    ``width`` features) reaches in the packed ensemble, written into out (float64)."""
    cdef const Packed *e = packed_of(ensemble)
    cdef Py_ssize_t n_rows = out.shape[0]
    if width < e.min_width or X.shape[0] != n_rows or X.shape[1] != width:
        raise ValueError("rows are narrower than the trees need, or X and out do not match")
    if n_rows == 0:
        return
    with nogil:
        score_rows(
            &X[0, 0], width, NULL, 0, n_rows, e, NULL, any_nan(&X[0, 0], n_rows * width),
            &out[0]
        )


def score_joined(
    const float[:, ::1] X not None,
    const float[:, ::1] Z not None,
    ensemble,
    double[::1] out not None,
):
    """score_joined(X, Z, ensemble, out): score() of the rows of X each followed by the same
    row of Z (float32 both), as if they were joined into one matrix, without joining them."""
    cdef const Packed *e = packed_of(ensemble)
    cdef Py_ssize_t n_rows = out.shape[0], wx = X.shape[1], wz = Z.shape[1]
    if wx + wz < e.min_width or X.shape[0] != n_rows or Z.shape[0] != n_rows:
        raise ValueError("rows are narrower than the trees need, or X, Z and out do not match")
    if n_rows == 0:
        return
    cdef const float *x = &X[0, 0] if wx else NULL
    cdef bint has_nan = any_nan(x, n_rows * wx)
    if wz == 0:
        with nogil:
            score_rows(x, wx, NULL, 0, n_rows, e, NULL, has_nan, &out[0])
        return
    has_nan |= any_nan(&Z[0, 0], n_rows * wz)
    cdef float *joined = <float *>PyMem_Malloc(BLOCK * (wx + wz) * sizeof(float))
    if not joined:
        raise MemoryError()
    try:
        with nogil:
            score_rows(x, wx, &Z[0, 0], wz, n_rows, e, joined, has_nan, &out[0])
    finally:
        PyMem_Free(joined)


def score_each(
    const float[:, ::1] X not None,
    const float[:, :, ::1] Z,
    tuple ensembles not None,
    double[:, ::1] out not None,
):
    """score_each(X, Z, ensembles, out): for each k, ``score_joined(X, Z[k], ensembles[k],
    out[k])``, or ``score(X, X.shape[1], ensembles[k], out[k])`` when Z is None, with X
    scanned for NaN once for them all (the members of an averaged model score the same rows)."""
    cdef Py_ssize_t n_rows = out.shape[1], wx = X.shape[1], wz = 0, k
    cdef Py_ssize_t n_sets = len(ensembles)
    cdef const Packed *e
    if Z is not None:
        wz = Z.shape[2]
        if Z.shape[0] != n_sets or Z.shape[1] != n_rows:
            raise ValueError("X, Z, ensembles and out do not match")
    if X.shape[0] != n_rows or out.shape[0] != n_sets:
        raise ValueError("X, Z, ensembles and out do not match")
    for k in range(n_sets):
        if wx + wz < packed_of(ensembles[k]).min_width:
            raise ValueError("rows are narrower than the trees need")
    if n_rows == 0 or n_sets == 0:
        return
    cdef const float *x = &X[0, 0] if wx else NULL
    cdef bint x_nan = any_nan(x, n_rows * wx), z_nan
    if Z is None or wz == 0:
        for k in range(n_sets):
            e = packed_of(ensembles[k])
            with nogil:
                score_rows(x, wx, NULL, 0, n_rows, e, NULL, x_nan, &out[k, 0])
        return
    cdef float *joined = <float *>PyMem_Malloc(BLOCK * (wx + wz) * sizeof(float))
    if not joined:
        raise MemoryError()
    try:
        for k in range(n_sets):
            e = packed_of(ensembles[k])
            with nogil:
                z_nan = any_nan(&Z[k, 0, 0], n_rows * wz)
                score_rows(x, wx, &Z[k, 0, 0], wz, n_rows, e, joined, x_nan or z_nan, &out[k, 0])
    finally:
        PyMem_Free(joined)


cdef inline bint before(double a, double b) noexcept nogil:
    """Whether score ``a`` ranks before ``b``: in NumPy's ascending order of the negated scores
    (NaN last)."""
    return -a < -b or (b != b and a == a)


cdef void stable_order(const double *s, Py_ssize_t n, int64_t *order, int64_t *spare) noexcept nogil:
    """The line numbers in ``order``, from the highest score down, ties in line order: what
    ``np.argsort(-s, kind="stable")`` gives (any stable sort gives the same). A merge sort,
    bottom up from insertion-sorted runs, between ``order`` and ``spare`` (n each)."""
    cdef Py_ssize_t i, j, lo, mid, hi, a, b, out_at, run = 16, width, right
    cdef int64_t item
    cdef int64_t *src
    cdef int64_t *dst
    cdef int64_t *swap
    for i in range(n):
        order[i] = i
    lo = 0
    while lo < n:
        hi = min(lo + run, n)
        for i in range(lo + 1, hi):
            item = order[i]
            j = i
            while j > lo and before(s[item], s[order[j - 1]]):
                order[j] = order[j - 1]
                j -= 1
            order[j] = item
        lo = hi
    src, dst = order, spare
    width = run
    while width < n:
        lo = 0
        while lo < n:
            mid = min(lo + width, n)
            hi = min(lo + 2 * width, n)
            a, b, out_at = lo, mid, lo
            while a < mid and b < hi:  # without branches on the scores
                right = before(s[src[b]], s[src[a]])
                dst[out_at] = src[b] if right else src[a]
                b += right
                a += 1 - right
                out_at += 1
            while a < mid:
                dst[out_at] = src[a]
                a += 1
                out_at += 1
            while b < hi:
                dst[out_at] = src[b]
                b += 1
                out_at += 1
            lo = hi
        swap = src
        src = dst
        dst = swap
        width *= 2
    if src != order:
        memcpy(order, src, n * sizeof(int64_t))


cdef double pairwise_sum(const double *a, Py_ssize_t n) noexcept nogil:
    """The sum of ``a[:n]`` added in the order of NumPy's ``sum`` of a contiguous float64
    array (pairwise: eight running sums in blocks of at most 128, halves above), bit for bit."""
    cdef double res
    cdef double r[8]
    cdef Py_ssize_t i, j, half
    if n < 8:
        res = 0.0
        for i in range(n):
            res += a[i]
        return res
    if n <= 128:
        for j in range(8):
            r[j] = a[j]
        i = 8
        while i < n - (n % 8):
            for j in range(8):
                r[j] += a[i + j]
            i += 8
        res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
        while i < n:
            res += a[i]
            i += 1
        return res
    half = n // 2
    half -= half % 8
    return pairwise_sum(a, half) + pairwise_sum(a + half, n - half)


def top_sum(const double[::1] values not None):
    """top_sum(values) -> float: ``pairwise_sum`` of ``values``, for the tests to hold it
    against NumPy's ``sum``."""
    if values.shape[0] == 0:
        return 0.0
    return pairwise_sum(&values[0], values.shape[0])


cdef void run_context(
    const double *s,
    Py_ssize_t n,
    const int64_t *labels0,
    const int64_t *labels1,
    int64_t most,
    float *out,
    double *cum,
    double *top,
    int64_t *order,
    double *sums,
    int64_t *counts,
) noexcept nogil:
    """The context columns of one run of ``n`` scores ``s`` (n >= 1) into ``out`` (n rows of
    14), for :func:`page_context`, which checked the labels (none above ``most``) and lends
    the work buffers: ``cum`` n + 1, ``top`` n, ``order`` 2n, ``sums``/``counts`` most + 1."""
    cdef Py_ssize_t i, j, lo, hi, dist, best_count
    cdef float *row
    cdef const int64_t *labels
    cdef Py_ssize_t first_high = -1, last_high = -1
    cdef Py_ssize_t halves[3]
    cdef double top_mean, median, best
    cdef float f_top_mean, f_median
    halves[:] = [2, 6, 20]
    # the page's statistics, from the scores ranked highest first: as page_features'
    # NumPy path computes them (the mean of the top tenth summed as NumPy sums)
    stable_order(s, n, order, order + n)
    for i in range(n):
        top[i] = s[order[i]]
    best_count = max(1, n // 10)
    top_mean = pairwise_sum(top, best_count) / <double>best_count
    median = (top[n - 1 - (n - 1) // 2] + top[n - 1 - n // 2]) / 2
    best = 1e-6 if 1e-6 > top[0] else top[0]  # max(top[0], 1e-6) as Python picks
    f_top_mean, f_median = <float>top_mean, <float>median
    cum[0] = 0.0
    for i in range(n):
        cum[i + 1] = cum[i] + s[i]
        if s[i] >= 0.5:
            first_high = i if first_high < 0 else first_high
            last_high = i
    for i in range(n):
        row = &out[14 * i]
        row[0] = <float>s[i]
        row[1] = <float>s[i - 1] if i > 0 else 0.0  # previous line
        row[2] = <float>s[i + 1] if i + 1 < n else 0.0  # next line
        for j in range(3):
            lo = max(i - halves[j], 0)
            hi = min(i + halves[j] + 1, n)
            row[3 + j] = <float>((cum[hi] - cum[lo]) / <double>(hi - lo))
        row[6] = f_top_mean
        row[7] = f_median
        row[8] = <float>(s[i] / best)
        if first_high >= 0:  # the span of high-scoring lines, and the distance to it
            row[10] = 1.0 if first_high <= i <= last_high else 0.0
            dist = first_high - i if i < first_high else (i - last_high if i > last_high else 0)
            row[11] = <float>min(<double>dist / 20.0, 1.0)
        else:
            row[10] = 0.0
            row[11] = 1.0
    for i in range(n):  # rank: the share of lines scoring higher
        out[14 * order[i] + 9] = <float>(<double>i / <double>n)
    for j in range(2):  # mean score of the line's group, summed in line order
        labels = labels0 if j == 0 else labels1
        for i in range(most + 1):
            sums[i] = 0.0
            counts[i] = 0
        for i in range(n):
            sums[labels[i]] += s[i]
            counts[labels[i]] += 1
        for i in range(n):
            out[14 * i + 12 + j] = <float>(sums[labels[i]] / <double>counts[labels[i]])


def page_context(
    const double[:, ::1] scores not None,
    const int64_t[::1] labels0 not None,
    const int64_t[::1] labels1 not None,
    float[:, :, ::1] out not None,
):
    """page_context(scores, labels0, labels1, out) -> bool: the page step's context columns
    as classify.page_features computes them with NumPy, for each of the k runs of n scores in
    scores (k x n) written into its n x 14 float32 block of out (k x n x 14), the ranking (a
    stable sort) and the page's statistics included. labels0/1: labels whose mean score each
    line gets, the same for every run; any int64 (renumbered 0, 1, 2 … here when one is
    negative or above 2n: a label's mean is the same under any numbering)."""
    cdef Py_ssize_t k = scores.shape[0], n = scores.shape[1], run
    if (
        labels0.shape[0] != n or labels1.shape[0] != n
        or out.shape[0] != k or out.shape[1] != n or out.shape[2] != 14
    ):
        raise ValueError("page_context: buffer sizes do not match")
    cdef int64_t most = 0
    cdef bint negative = False
    cdef Py_ssize_t i
    for i in range(n):
        negative |= labels0[i] < 0 or labels1[i] < 0
        most = max(most, labels0[i], labels1[i])
    if n == 0 or k == 0:
        return
    cdef const int64_t *first = &labels0[0]
    cdef const int64_t *second = &labels1[0]
    cdef double *cum = <double *>PyMem_Malloc((n + 1) * sizeof(double))
    cdef double *top = <double *>PyMem_Malloc(n * sizeof(double))
    cdef int64_t *order = <int64_t *>PyMem_Malloc(2 * n * sizeof(int64_t))
    cdef int64_t *dense = NULL  # the labels renumbered, both arrays
    cdef double *sums = NULL
    cdef int64_t *counts = NULL
    try:
        if not (cum and top and order):
            raise MemoryError()
        if negative or most > 2 * n:  # the sums per label would not be small
            dense = <int64_t *>PyMem_Malloc(2 * n * sizeof(int64_t))
            if not dense:
                raise MemoryError()
            most = max(renumber(first, n, dense), renumber(second, n, dense + n))
            first, second = dense, dense + n
        sums = <double *>PyMem_Malloc((most + 1) * sizeof(double))
        counts = <int64_t *>PyMem_Malloc((most + 1) * sizeof(int64_t))
        if not (sums and counts):
            raise MemoryError()
        with nogil:
            for run in range(k):
                run_context(
                    &scores[run, 0], n, first, second, most, &out[run, 0, 0],
                    cum, top, order, sums, counts,
                )
    finally:
        PyMem_Free(cum)
        PyMem_Free(top)
        PyMem_Free(order)
        PyMem_Free(dense)
        PyMem_Free(sums)
        PyMem_Free(counts)


cdef int64_t renumber(const int64_t *labels, Py_ssize_t n, int64_t *out) except -1:
    """``labels`` (n >= 1) renumbered 0, 1, 2 … in the order they first appear, into ``out``;
    returns the largest. An open-addressing table of at least 2n slots: linear time."""
    cdef Py_ssize_t size = 16, i, at
    cdef int bits = 4
    while size < 2 * n:
        size *= 2
        bits += 1
    cdef int64_t *keys = <int64_t *>PyMem_Malloc(size * sizeof(int64_t))
    cdef int64_t *ids = <int64_t *>PyMem_Malloc(size * sizeof(int64_t))
    cdef int64_t next_id = 0
    if not (keys and ids):
        PyMem_Free(keys)
        PyMem_Free(ids)
        raise MemoryError()
    for i in range(size):
        ids[i] = -1  # a free slot
    for i in range(n):
        at = <Py_ssize_t>((<uint64_t>labels[i] * 0x9E3779B97F4A7C15ULL) >> (64 - bits))
        while ids[at] >= 0 and keys[at] != labels[i]:
            at = (at + 1) & (size - 1)
        if ids[at] < 0:
            keys[at], ids[at] = labels[i], next_id
            next_id += 1
        out[i] = ids[at]
    PyMem_Free(keys)
    PyMem_Free(ids)
    return next_id - 1
