/* Compiled scorer for boilerx.classifier.TreeEnsemble: the same walk as its NumPy path
 * (go left when x <= threshold, or when x is NaN and the node sends missing values left;
 * a leaf's children are itself), twelve rows at a time through every tree, with the GIL released.
 *
 * Optional: when it is not built, boilerx scores with NumPy. Every index in the model arrays
 * is checked against the array it points into before the walk, so a malformed model raises
 * instead of reading out of bounds.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

static int
check_buffer(Py_buffer *view, Py_ssize_t itemsize, const char *name)
{
    if (view->len % itemsize != 0) {
        PyErr_Format(PyExc_ValueError, "%s: %zd bytes is not a whole number of %zd-byte items",
                     name, view->len, itemsize);
        return -1;
    }
    return 0;
}

/* Rows walked together: their independent paths overlap in the CPU's pipeline, and a count
 * fixed at compile time lets the compiler unroll the step over them (12 measured fastest,
 * against 8 and 16, on text and HTML pages). */
#ifndef BLOCK
#define BLOCK 12
#endif

#if defined(__GNUC__) || defined(__clang__)
#define ALWAYS_INLINE static inline __attribute__((always_inline))
#elif defined(_MSC_VER)
#define ALWAYS_INLINE static __forceinline
#else
#define ALWAYS_INLINE static inline
#endif

/* A node as the walk reads it (16 bytes). ``feat`` holds the feature index in its low 31
 * bits and, in its top bit, whether a NaN goes left. A split's two children sit side by side,
 * so the next node is ``first + went_left``: the walk need not wait for a load that depends on
 * the comparison. A leaf has threshold +inf and sends NaN left, so it always "goes left", and
 * ``first`` is its own index - 1: it leads back to itself. */
typedef struct {
    float thr;
    uint32_t feat;
    int32_t first; /* children sit side by side: first (x > thr) and first + 1 (went left) */
    int32_t unused;
} Node;

#define MISSING_LEFT 0x80000000u

/* A packed ensemble, checked once when packed: every child and root index points inside
 * ``nodes``, and rows need at least ``min_width`` features. */
typedef struct {
    Node *nodes;
    double *val;
    int32_t *root;
    Py_ssize_t n_nodes, n_trees, depth, min_width;
} Ensemble;

static const char *const ENSEMBLE = "boilerx._trees.Ensemble";

static void
free_ensemble(PyObject *capsule)
{
    Ensemble *e = PyCapsule_GetPointer(capsule, ENSEMBLE);
    if (e) {
        PyMem_Free(e->nodes);
        PyMem_Free(e->val);
        PyMem_Free(e->root);
        PyMem_Free(e);
    }
}

/* Sum, over all trees, the leaf values that the BLOCK rows reach. Every path is walked
 * ``depth`` steps (a leaf's children are itself). ``nan_aware`` is a constant at each call,
 * so the compiler drops the NaN test where the rows hold none. */
ALWAYS_INLINE void
walk_block(const float *const *rows, const Ensemble *e, double *acc, const int nan_aware)
{
    const Node *nodes = e->nodes;
    for (int k = 0; k < BLOCK; k++)
        acc[k] = 0.0;
    for (Py_ssize_t t = 0; t < e->n_trees; t++) {
        int32_t node[BLOCK];
        for (int k = 0; k < BLOCK; k++)
            node[k] = e->root[t];
        for (Py_ssize_t d = 0; d < e->depth; d++) {
            for (int k = 0; k < BLOCK; k++) {
                const Node *p = nodes + node[k];
                float v = rows[k][p->feat & ~MISSING_LEFT];
                int left = v <= p->thr;
                if (nan_aware)
                    left |= (v != v) & (p->feat >> 31); /* v != v: NaN */
                node[k] = p->first + left;
            }
        }
        for (int k = 0; k < BLOCK; k++)
            acc[k] += e->val[node[k]];
    }
}

/* pack(feature, threshold, missing_left, children, value, roots, depth) -> Ensemble
 * feature, children, roots: int32; threshold: float32; missing_left: uint8; value: float64 per
 * node; children[2 * node + went_left]. Nodes are laid out anew, tree by tree, breadth first.
 * Raises ValueError for an index out of range or a node reached twice (trees, not graphs). */
static PyObject *
pack(PyObject *self, PyObject *args)
{
    Py_buffer feature, threshold, missing, children, value, roots;
    Py_ssize_t depth;
    if (!PyArg_ParseTuple(args, "y*y*y*y*y*y*n", &feature, &threshold, &missing, &children,
                          &value, &roots, &depth))
        return NULL;
    PyObject *result = NULL;
    Ensemble *e = NULL;
    if (check_buffer(&feature, 4, "feature") || check_buffer(&threshold, 4, "threshold") ||
        check_buffer(&children, 4, "children") || check_buffer(&value, 8, "value") ||
        check_buffer(&roots, 4, "roots"))
        goto done;
    Py_ssize_t n_nodes = feature.len / 4, n_trees = roots.len / 4;
    if (depth < 0 || n_nodes > INT32_MAX || threshold.len / 4 != n_nodes ||
        missing.len != n_nodes || children.len / 4 != 2 * n_nodes || value.len / 8 != n_nodes) {
        PyErr_SetString(PyExc_ValueError, "tree arrays have inconsistent sizes");
        goto done;
    }
    const int32_t *feat = (const int32_t *)feature.buf;
    const int32_t *child = (const int32_t *)children.buf;
    const int32_t *root = (const int32_t *)roots.buf;
    /* every index the walk can read must point inside its array (as unsigned, a negative
     * index is out of range too) */
    int bad = 0;
    Py_ssize_t min_width = 0;
    for (Py_ssize_t i = 0; i < n_nodes; i++) {
        bad |= feat[i] < 0;
        min_width = feat[i] + 1 > min_width ? feat[i] + 1 : min_width;
    }
    for (Py_ssize_t i = 0; i < 2 * n_nodes; i++)
        bad |= (uint32_t)child[i] >= (uint32_t)n_nodes;
    for (Py_ssize_t t = 0; t < n_trees; t++)
        bad |= (uint32_t)root[t] >= (uint32_t)n_nodes;
    if (bad) {
        PyErr_SetString(PyExc_ValueError, "malformed tree arrays: an index is out of range");
        goto done;
    }
    e = PyMem_Calloc(1, sizeof(Ensemble));
    if (!e)
        goto nomem;
    e->nodes = PyMem_Malloc((n_nodes ? n_nodes : 1) * sizeof(Node));
    e->val = PyMem_Calloc((n_nodes ? n_nodes : 1), sizeof(double));
    e->root = PyMem_Malloc((n_trees ? n_trees : 1) * sizeof(int32_t));
    int32_t *order = PyMem_Malloc((n_nodes ? n_nodes : 1) * sizeof(int32_t)); /* new -> old */
    uint8_t *seen = PyMem_Calloc((n_nodes ? n_nodes : 1), 1);
    if (!e->nodes || !e->val || !e->root || !order || !seen) {
        PyMem_Free(order);
        PyMem_Free(seen);
        goto nomem;
    }
    const float *thr = (const float *)threshold.buf;
    const uint8_t *miss = (const uint8_t *)missing.buf;
    const double *val = (const double *)value.buf;
    /* lay each tree out breadth first, the two children of a split side by side; a leaf
     * (both children itself) goes "left" from first = itself - 1 to itself: its threshold is
     * +inf and it sends NaN left */
    Py_ssize_t used = 0, head = 0;
    int twice = 0;
    for (Py_ssize_t t = 0; t < n_trees && !twice; t++) {
        if ((twice = seen[root[t]]))
            break;
        seen[root[t]] = 1;
        e->root[t] = (int32_t)used;
        order[used++] = root[t];
        for (; head < used; head++) {
            int32_t old = order[head];
            Node *p = e->nodes + head;
            int32_t right = child[2 * old], left = child[2 * old + 1];
            if (right == old && left == old) {
                p->thr = INFINITY;
                p->feat = MISSING_LEFT;
                p->first = (int32_t)head - 1;
                e->val[head] = val[old];
                continue;
            }
            if ((twice = seen[right] | seen[left] | (right == left)))
                break; /* each node is placed once: used never passes n_nodes */
            seen[right] = seen[left] = 1;
            p->thr = thr[old];
            p->feat = (uint32_t)feat[old] | (miss[old] ? MISSING_LEFT : 0u);
            p->first = (int32_t)used;
            order[used++] = right;
            order[used++] = left;
        }
    }
    PyMem_Free(order);
    PyMem_Free(seen);
    if (twice) {
        PyErr_SetString(PyExc_ValueError, "malformed tree arrays: a node is reached twice");
        goto done;
    }
    e->n_nodes = used;
    e->n_trees = n_trees;
    e->depth = depth;
    e->min_width = min_width;
    result = PyCapsule_New(e, ENSEMBLE, free_ensemble);
    if (result)
        e = NULL; /* owned by the capsule now */
    goto done;
nomem:
    PyErr_NoMemory();
done:
    if (e) {
        PyMem_Free(e->nodes);
        PyMem_Free(e->val);
        PyMem_Free(e->root);
        PyMem_Free(e);
    }
    PyBuffer_Release(&feature);
    PyBuffer_Release(&threshold);
    PyBuffer_Release(&missing);
    PyBuffer_Release(&children);
    PyBuffer_Release(&value);
    PyBuffer_Release(&roots);
    return result;
}

/* score(X, width, ensemble, out): X holds float32 rows of ``width`` features; out (float64,
 * one a row) receives the sum of the leaf values each row reaches. */
static PyObject *
score(PyObject *self, PyObject *args)
{
    Py_buffer X, out;
    Py_ssize_t width;
    PyObject *capsule;
    if (!PyArg_ParseTuple(args, "y*nOw*", &X, &width, &capsule, &out))
        return NULL;
    PyObject *result = NULL;
    const Ensemble *e = PyCapsule_GetPointer(capsule, ENSEMBLE);
    if (!e)
        goto done;
    if (check_buffer(&X, 4, "X") || check_buffer(&out, 8, "out"))
        goto done;
    Py_ssize_t n_rows = out.len / 8;
    if (width < e->min_width || X.len / 4 != n_rows * width) {
        PyErr_SetString(PyExc_ValueError, "rows are narrower than the trees need, or X and out "
                                          "do not match");
        goto done;
    }
    const float *x = (const float *)X.buf;
    double *sums = (double *)out.buf;
    Py_BEGIN_ALLOW_THREADS
    /* feature rows rarely hold NaN: then the walk skips the test. A NaN's bits, sign aside,
     * exceed those of infinity; tested on the bits, the scan compiles to vector code. */
    uint32_t has_nan = 0;
    for (Py_ssize_t i = 0; i < n_rows * width; i++) {
        uint32_t bits;
        memcpy(&bits, x + i, sizeof bits);
        has_nan |= (bits & 0x7FFFFFFFu) > 0x7F800000u;
    }
    for (Py_ssize_t r0 = 0; r0 < n_rows; r0 += BLOCK) {
        Py_ssize_t k_end = n_rows - r0 < BLOCK ? n_rows - r0 : BLOCK;
        const float *rows[BLOCK];
        double acc[BLOCK];
        for (Py_ssize_t k = 0; k < BLOCK; k++) /* a short last block repeats its last row */
            rows[k] = x + (r0 + (k < k_end ? k : k_end - 1)) * width;
        if (has_nan)
            walk_block(rows, e, acc, 1);
        else
            walk_block(rows, e, acc, 0);
        for (Py_ssize_t k = 0; k < k_end; k++)
            sums[r0 + k] = acc[k];
    }
    Py_END_ALLOW_THREADS
    Py_INCREF(Py_None);
    result = Py_None;
done:
    PyBuffer_Release(&X);
    PyBuffer_Release(&out);
    return result;
}

/* page_context(scores, order, labels0, labels1, top_mean, median, best, out): the page
 * step's context columns as classifier.page_features computes them with NumPy, written into
 * out (n x 14 float32) for the n float64 scores. Computed there and passed in: order (int64,
 * the stable argsort of -scores), the mean of the top tenth, the median and the best score
 * (at least 1e-6). labels0/1: int64 labels whose mean score each line gets. Returns True, or
 * False (out untouched) when a label is negative or above 2n: the caller renumbers them. */
static PyObject *
page_context(PyObject *self, PyObject *args)
{
    Py_buffer S, O, L0, L1, out;
    double top_mean, median, best;
    if (!PyArg_ParseTuple(args, "y*y*y*y*dddw*", &S, &O, &L0, &L1, &top_mean, &median, &best,
                          &out))
        return NULL;
    PyObject *result = NULL;
    double *cum = NULL, *sums = NULL;
    int64_t *counts = NULL;
    Py_ssize_t n = S.len / 8;
    if (S.len % 8 || O.len != n * 8 || L0.len != n * 8 || L1.len != n * 8 ||
        out.len != n * 14 * (Py_ssize_t)sizeof(float)) {
        PyErr_SetString(PyExc_ValueError, "page_context: buffer sizes do not match");
        goto done;
    }
    const double *s = (const double *)S.buf;
    const int64_t *order = (const int64_t *)O.buf;
    const int64_t *labels[2] = {(const int64_t *)L0.buf, (const int64_t *)L1.buf};
    float *o = (float *)out.buf;
    int64_t most = 0;
    uint64_t bad = 0, negative = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        bad |= (uint64_t)order[i] >= (uint64_t)n;
        for (int j = 0; j < 2; j++) {
            negative |= labels[j][i] < 0;
            most = labels[j][i] > most ? labels[j][i] : most;
        }
    }
    if (bad) {
        PyErr_SetString(PyExc_ValueError, "page_context: an order index is out of range");
        goto done;
    }
    if (negative || most > 2 * (int64_t)n) { /* the sums per label would not be small */
        Py_INCREF(Py_False);
        result = Py_False;
        goto done;
    }
    cum = PyMem_Malloc((n + 1) * sizeof(double));
    sums = PyMem_Calloc(most + 1, sizeof(double));
    counts = PyMem_Calloc(most + 1, sizeof(int64_t));
    if (!cum || !sums || !counts) {
        PyErr_NoMemory();
        goto done;
    }
    cum[0] = 0.0;
    Py_ssize_t first_high = -1, last_high = -1;
    for (Py_ssize_t i = 0; i < n; i++) {
        cum[i + 1] = cum[i] + s[i];
        if (s[i] >= 0.5) {
            first_high = first_high < 0 ? i : first_high;
            last_high = i;
        }
    }
    static const Py_ssize_t halves[3] = {2, 6, 20};
    for (Py_ssize_t i = 0; i < n; i++) {
        float *row = o + i * 14;
        row[0] = (float)s[i];
        row[1] = i > 0 ? (float)s[i - 1] : 0.0f;     /* previous line */
        row[2] = i + 1 < n ? (float)s[i + 1] : 0.0f; /* next line */
        for (int j = 0; j < 3; j++) {
            Py_ssize_t lo = i - halves[j] < 0 ? 0 : i - halves[j];
            Py_ssize_t hi = i + halves[j] + 1 > n ? n : i + halves[j] + 1;
            row[3 + j] = (float)((cum[hi] - cum[lo]) / (double)(hi - lo));
        }
        row[6] = (float)top_mean;
        row[7] = (float)median;
        row[8] = (float)(s[i] / best);
        if (first_high >= 0) {
            row[10] = i >= first_high && i <= last_high;
            Py_ssize_t dist = i < first_high ? first_high - i : (i > last_high ? i - last_high : 0);
            double away = (double)dist / 20.0;
            row[11] = (float)(away < 1.0 ? away : 1.0);
        } else {
            row[10] = 0.0f;
            row[11] = 1.0f;
        }
    }
    for (Py_ssize_t r = 0; r < n; r++) /* rank: the share of lines scoring higher */
        o[order[r] * 14 + 9] = (float)((double)r / (double)n);
    for (int j = 0; j < 2; j++) { /* mean score of the line's group, summed in line order */
        memset(sums, 0, (most + 1) * sizeof(double));
        memset(counts, 0, (most + 1) * sizeof(int64_t));
        for (Py_ssize_t i = 0; i < n; i++) {
            sums[labels[j][i]] += s[i];
            counts[labels[j][i]]++;
        }
        for (Py_ssize_t i = 0; i < n; i++)
            o[i * 14 + 12 + j] = (float)(sums[labels[j][i]] / (double)counts[labels[j][i]]);
    }
    Py_INCREF(Py_True);
    result = Py_True;
done:
    PyMem_Free(cum);
    PyMem_Free(sums);
    PyMem_Free(counts);
    PyBuffer_Release(&S);
    PyBuffer_Release(&O);
    PyBuffer_Release(&L0);
    PyBuffer_Release(&L1);
    PyBuffer_Release(&out);
    return result;
}

static PyMethodDef methods[] = {
    {"pack", pack, METH_VARARGS,
     "pack(feature, threshold, missing_left, children, value, roots, depth): the trees, "
     "checked and packed for score()."},
    {"score", score, METH_VARARGS,
     "score(X, width, ensemble, out): sum of the leaf values each float32 row of X reaches in "
     "the packed ensemble, written into out (float64)."},
    {"page_context", page_context, METH_VARARGS,
     "page_context(scores, order, labels0, labels1, top_mean, median, best, out) -> bool: the "
     "page step's context columns of one page, written into out (n x 14 float32); False when "
     "a label is negative or above 2n."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "boilerx._trees",
    "Compiled scorer for boosted trees stored as flat arrays.", -1, methods,
};

PyMODINIT_FUNC
PyInit__trees(void)
{
    return PyModule_Create(&module);
}
