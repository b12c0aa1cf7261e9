/* Compiled parts of boilerx.features and boilerx.lines: splitting scraped text into lines,
 * one pass over each line's code points for the counts the text-shape features are built
 * from, substring probes, headline-word counts, and the neighbour/window and position columns.
 * Same numbers as the NumPy/Python paths in features.py and lines.py (_numpy_line_stats,
 * _probe, _context, _position …), which are used when this module is not built.
 *
 * line_stats, per line, as float32 columns (see STATS in features.py):
 *   chars, words (runs of non-whitespace, as str.split() finds them), letters, upper,
 *   ASCII digits, titled (upper case after a space or at the line start), commas,
 *   full stops followed by a space, first and last code point, terminal (the last character
 *   before closing quotes and brackets ends a sentence), separators (" | ", " • ", " · ",
 *   each counted as str.count does), starts_upper (the first character is upper case).
 *
 * A letter is a code point that lower-casing changes, one from U+0590 on (scripts without
 * case), a-z, or U+00DF..U+058F but U+00F7; upper case is what lower-casing changes.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#if defined(__GNUC__) || defined(__clang__)
#define ALWAYS_INLINE static inline __attribute__((always_inline))
#elif defined(_MSC_VER)
#define ALWAYS_INLINE static __forceinline
#else
#define ALWAYS_INLINE static inline
#endif

#define N_STATS 13

static int
is_closer(Py_UCS4 c)
{
    return c == '\'' || c == '"' || c == 0x201D || c == 0x2019 || c == 0xBB || c == ')' ||
           c == ']';
}

static int
is_terminal(Py_UCS4 c)
{
    return c == '.' || c == '!' || c == '?' || c == 0x3002 || c == 0xFF01 || c == 0xFF1F ||
           c == 0x2026 || c == ';';
}

/* 0 when obj is a str ready to read; else -1 with a TypeError naming it (what, and its
 * index unless that is negative). */
static int
check_str(PyObject *obj, const char *what, Py_ssize_t i)
{
    if (!PyUnicode_Check(obj)) {
        if (i < 0)
            PyErr_Format(PyExc_TypeError, "%s is %.100s, not str", what, Py_TYPE(obj)->tp_name);
        else
            PyErr_Format(PyExc_TypeError, "%s %zd is %.100s, not str", what, i,
                         Py_TYPE(obj)->tp_name);
        return -1;
    }
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(obj) < 0)
        return -1;
#endif
    return 0;
}

/* Character classes the statistics count, one bit each in a class byte. */
enum {
    C_UPPER = 1,        /* upper case: what lower-casing changes */
    C_BREAK = 2,        /* ' ' or '\n': a word after it that starts upper case is title-cased */
    C_BLANK = 4,        /* ' ' */
    C_DOT = 8,          /* '.' */
    C_SPACE = 16,       /* a space as str.split finds them */
    C_LETTER = 32,      /* upper case, a lower-case letter, or from U+0590 on */
    C_DIGIT = 64,       /* an ASCII digit */
    C_COMMA = 128,      /* ',' */
};

/* The class byte of a code point: upper case is what lower-casing changes; a letter is upper
 * case, from U+0590 on (scripts without case) or a lower-case letter of Latin-1 and the
 * scripts before U+0590; spaces as str.split finds them; ASCII digits. */
static unsigned
char_class(Py_UCS4 c)
{
    int up, letter, space;
    if (c < 128) {
        up = c >= 'A' && c <= 'Z';
        letter = up || (c >= 'a' && c <= 'z');
        space = c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1C && c <= 0x1F);
    } else {
        Py_UCS4 low = Py_UNICODE_TOLOWER(c);
        up = c != low;
        letter = up || low >= 0x0590 || (low >= 0xDF && low != 0xF7);
        space = Py_UNICODE_ISSPACE(c);
    }
    return (up ? C_UPPER : 0) | (c == ' ' || c == '\n' ? C_BREAK : 0) | (c == ' ' ? C_BLANK : 0) |
           (c == '.' ? C_DOT : 0) | (space ? C_SPACE : 0) | (letter ? C_LETTER : 0) |
           (c >= '0' && c <= '9' ? C_DIGIT : 0) | (c == ',' ? C_COMMA : 0);
}

/* class bytes of the code points below 256 (most of any text), filled when the module loads */
static uint8_t latin1_class[256];
/* for each class byte, its counts packed in 16-bit fields: upper, letter, digit, comma */
static uint64_t class_counts[256];

static void
fill_class_tables(void)
{
    for (Py_UCS4 c = 0; c < 256; c++)
        latin1_class[c] = (uint8_t)char_class(c);
    for (unsigned f = 0; f < 256; f++)
        class_counts[f] = (uint64_t)((f & C_UPPER) != 0) | (uint64_t)((f & C_LETTER) != 0) << 16 |
                          (uint64_t)((f & C_DIGIT) != 0) << 32 | (uint64_t)((f & C_COMMA) != 0) << 48;
}

/* stats_of for a line of one kind (a constant at each call: plain loads in the loop). Counts
 * that depend on the code point before are read from the two class bytes; pairs and triples
 * are counted where they end: ". " at its space, " | " (and " • ", " · ") at its second
 * space, without overlaps, as str.count counts. Four counts add up in 16-bit fields of one
 * word, emptied every 65,535 code points. */
ALWAYS_INLINE void
stats_kind(const int kind, const void *data, Py_ssize_t n, float *row)
{
    Py_ssize_t words = 0, letters = 0, upper = 0, digits = 0, titled = 0, commas = 0, stops = 0;
    Py_ssize_t separators = 0, next_free[3] = {0, 0, 0};
    unsigned prev_class = C_BREAK | C_SPACE, before_class = 0; /* the line starts as after '\n' */
    Py_UCS4 prev = '\n';
    for (Py_ssize_t chunk = 0; chunk < n; chunk += 65535) {
        Py_ssize_t end = n - chunk < 65535 ? n : chunk + 65535;
        uint64_t packed = 0;
        for (Py_ssize_t i = chunk; i < end; i++) {
            Py_UCS4 c = PyUnicode_READ(kind, data, i);
            unsigned f = c < 256 ? latin1_class[c] : char_class(c);
            packed += class_counts[f];
            titled += f & (prev_class >> 1) & 1;           /* upper case after ' ' or '\n' */
            stops += (f >> 2) & (prev_class >> 3) & 1;     /* ' ' after '.' */
            words += (prev_class >> 4) & ~(f >> 4) & 1;    /* a non-space after a space */
            if (f & before_class & C_BLANK) {              /* ' ', something, ' ' */
                int k = prev == '|' ? 0 : prev == 0x2022 ? 1 : prev == 0xB7 ? 2 : -1;
                if (k >= 0 && i - 2 >= next_free[k]) {
                    separators++;
                    next_free[k] = i + 1;
                }
            }
            before_class = prev_class;
            prev_class = f;
            prev = c;
        }
        upper += (Py_ssize_t)(packed & 0xFFFF);
        letters += (Py_ssize_t)(packed >> 16 & 0xFFFF);
        digits += (Py_ssize_t)(packed >> 32 & 0xFFFF);
        commas += (Py_ssize_t)(packed >> 48);
    }
    Py_UCS4 first = n ? PyUnicode_READ(kind, data, 0) : 0;
    Py_UCS4 last = n ? PyUnicode_READ(kind, data, n - 1) : 0;
    Py_ssize_t end = n;
    while (end > 0 && is_closer(PyUnicode_READ(kind, data, end - 1)))
        end--;
    int terminal = end > 0 && is_terminal(PyUnicode_READ(kind, data, end - 1));
    int starts_upper = n && (first < 128 ? (first >= 'A' && first <= 'Z') : Py_UNICODE_ISUPPER(first));
    row[0] = (float)n;
    row[1] = (float)words;
    row[2] = (float)letters;
    row[3] = (float)upper;
    row[4] = (float)digits;
    row[5] = (float)titled;
    row[6] = (float)commas;
    row[7] = (float)stops;
    row[8] = (float)first;
    row[9] = (float)last;
    row[10] = (float)terminal;
    row[11] = (float)separators;
    row[12] = (float)starts_upper;
}

static void
stats_of(PyObject *text, float *row)
{
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    switch (PyUnicode_KIND(text)) {
    case PyUnicode_1BYTE_KIND:
        stats_kind(PyUnicode_1BYTE_KIND, data, n, row);
        break;
    case PyUnicode_2BYTE_KIND:
        stats_kind(PyUnicode_2BYTE_KIND, data, n, row);
        break;
    default:
        stats_kind(PyUnicode_4BYTE_KIND, data, n, row);
    }
}

/* line_stats(texts, out): texts a list of str; out a writable float32 buffer of
 * len(texts) * 13 items, filled row by row. */
static PyObject *
line_stats(PyObject *self, PyObject *args)
{
    PyObject *texts;
    Py_buffer out;
    if (!PyArg_ParseTuple(args, "O!w*", &PyList_Type, &texts, &out))
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(texts);
    if (out.len != n * N_STATS * (Py_ssize_t)sizeof(float)) {
        PyErr_Format(PyExc_ValueError, "out holds %zd bytes, %zd lines need %zd", out.len, n,
                     n * N_STATS * (Py_ssize_t)sizeof(float));
        PyBuffer_Release(&out);
        return NULL;
    }
    float *rows = (float *)out.buf;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *text = PyList_GET_ITEM(texts, i);
        if (check_str(text, "line", i) < 0) {
            PyBuffer_Release(&out);
            return NULL;
        }
        stats_of(text, rows + i * N_STATS);
    }
    PyBuffer_Release(&out);
    Py_RETURN_NONE;
}

/* shape_columns(stats, out): from line_stats rows (n x 13 float32), the shape columns that are
 * plain arithmetic on them, into out (n x 12 float32), in this order: terminal, ends with a
 * colon, commas per word, upper-case share of letters, title-cased share of words (at most 1),
 * starts upper case, digit share, letter share, characters per word (at most 30), separators
 * (at most 10), sentences (full stops + terminal, at most 20), prose (terminal and 8 words or
 * 60 characters). Single-precision operations, as NumPy does them on float32 columns. */
static PyObject *
shape_columns(PyObject *self, PyObject *args)
{
    Py_buffer stats, out;
    if (!PyArg_ParseTuple(args, "y*w*", &stats, &out))
        return NULL;
    Py_ssize_t n = stats.len / (N_STATS * (Py_ssize_t)sizeof(float));
    if (stats.len != n * N_STATS * (Py_ssize_t)sizeof(float) ||
        out.len != n * 12 * (Py_ssize_t)sizeof(float)) {
        PyErr_SetString(PyExc_ValueError, "shape_columns: stats must hold 13 float32 a line and "
                                          "out 12");
        PyBuffer_Release(&stats);
        PyBuffer_Release(&out);
        return NULL;
    }
    const float *st = (const float *)stats.buf;
    float *o = (float *)out.buf;
    for (Py_ssize_t i = 0; i < n; i++, st += N_STATS, o += 12) {
        float chars = st[0], words = st[1], letters = st[2], upper = st[3], digits = st[4];
        float titled = st[5], commas = st[6], stops = st[7], last = st[9], terminal = st[10];
        float separators = st[11];
        float some_words = words > 1.0f ? words : 1.0f, some_chars = chars > 1.0f ? chars : 1.0f;
        float title_share = titled / some_words, per_word = chars / some_words;
        float sentences = stops + terminal;
        o[0] = terminal;
        o[1] = last == 58.0f; /* ':' */
        o[2] = commas / (words + 1.0f);
        o[3] = upper / (letters > 1.0f ? letters : 1.0f);
        o[4] = title_share < 1.0f ? title_share : 1.0f;
        o[5] = st[12];
        o[6] = digits / some_chars;
        o[7] = letters / some_chars;
        o[8] = per_word < 30.0f ? per_word : 30.0f;
        o[9] = separators < 10.0f ? separators : 10.0f;
        o[10] = sentences < 20.0f ? sentences : 20.0f;
        o[11] = terminal * (float)(words >= 8.0f || chars >= 60.0f);
    }
    PyBuffer_Release(&stats);
    PyBuffer_Release(&out);
    Py_RETURN_NONE;
}

/* str.splitlines' line boundaries */
static int
is_line_break(Py_UCS4 c)
{
    return c == '\n' || c == '\r' || c == 0x0B || c == 0x0C || c == 0x1C || c == 0x1D ||
           c == 0x1E || c == 0x85 || c == 0x2028 || c == 0x2029;
}

/* split_lines(text) -> (lines, gaps): the non-blank lines of text without its NUL characters
 * (line boundaries as str.splitlines), each with its whitespace runs collapsed to one space
 * and stripped, as " ".join(line.split()) does; gaps[i] counts the blank lines before
 * lines[i]. */
/* split_lines for text of one kind (a constant at each call, so that the reads and writes
 * compile to plain loads and stores). Printable ASCII, most of any text, takes one test. */
ALWAYS_INLINE int
split_kind(const int kind, const void *data, Py_ssize_t n, void *buf, PyObject *lines,
           PyObject *gaps)
{
    Py_ssize_t i = 0, blank = 0;
    while (i < n) {
        Py_ssize_t len = 0;
        int pending_space = 0;
        Py_UCS4 c = 0;
        for (; i < n; i++) {
            c = PyUnicode_READ(kind, data, i);
            if (c - 0x21u >= 0x5Eu) { /* not '!' to '~': maybe a space or a line break */
                if (c == 0)
                    continue; /* NUL characters are dropped */
                if (is_line_break(c))
                    break;
                if (Py_UNICODE_ISSPACE(c)) {
                    pending_space = len > 0;
                    continue;
                }
            }
            if (pending_space) {
                PyUnicode_WRITE(kind, buf, len, ' ');
                len++;
                pending_space = 0;
            }
            PyUnicode_WRITE(kind, buf, len, c);
            len++;
        }
        if (i < n) {  /* step over the boundary; \r\n is one */
            i++;
            if (c == '\r' && i < n && PyUnicode_READ(kind, data, i) == '\n')
                i++;
        }
        if (len == 0) {
            blank++;
            continue;
        }
        PyObject *line = PyUnicode_FromKindAndData(kind, buf, len);
        PyObject *gap = line ? PyLong_FromSsize_t(blank) : NULL;
        int failed = !gap || PyList_Append(lines, line) < 0 || PyList_Append(gaps, gap) < 0;
        Py_XDECREF(line);
        Py_XDECREF(gap);
        if (failed)
            return -1;
        blank = 0;
    }
    return 0;
}

static PyObject *
split_lines(PyObject *self, PyObject *arg)
{
    if (check_str(arg, "text", -1) < 0)
        return NULL;
    int kind = PyUnicode_KIND(arg);
    const void *data = PyUnicode_DATA(arg);
    Py_ssize_t n = PyUnicode_GET_LENGTH(arg);
    PyObject *lines = PyList_New(0), *gaps = PyList_New(0), *result = NULL;
    /* a line's characters, in the text's own width (collapsing spaces adds none wider) */
    void *buf = PyMem_Malloc((n ? n : 1) * kind);
    if (!lines || !gaps || !buf) {
        PyErr_NoMemory();
        goto done;
    }
    int failed;
    switch (kind) {
    case PyUnicode_1BYTE_KIND:
        failed = split_kind(PyUnicode_1BYTE_KIND, data, n, buf, lines, gaps);
        break;
    case PyUnicode_2BYTE_KIND:
        failed = split_kind(PyUnicode_2BYTE_KIND, data, n, buf, lines, gaps);
        break;
    default:
        failed = split_kind(PyUnicode_4BYTE_KIND, data, n, buf, lines, gaps);
    }
    if (!failed)
        result = PyTuple_Pack(2, lines, gaps);
done:
    PyMem_Free(buf);
    Py_XDECREF(lines);
    Py_XDECREF(gaps);
    return result;
}

/* Does text hold probe (probe_len UCS4 code points) at position at? */
static int
holds_at(int kind, const void *data, Py_ssize_t at, const Py_UCS4 *probe, Py_ssize_t probe_len)
{
    for (Py_ssize_t k = 1; k < probe_len; k++)
        if (PyUnicode_READ(kind, data, at + k) != probe[k])
            return 0;
    return 1;
}

/* Bucket of a probe by its first two code points. */
#define PAIR_BUCKETS 1024
#define PAIR_KEY(a, b) ((((a) * 131u) ^ (b)) & (PAIR_BUCKETS - 1))

/* Probes as UCS4 copies; those of two or more code points bucketed by their first two, so
 * that at most positions of a line an empty bucket is all there is to see. ``bit`` is each
 * probe's group bit (1 for all when there are no groups). */
typedef struct {
    Py_ssize_t bucket[PAIR_BUCKETS + 1];
    Py_ssize_t *order, *offset, *length;
    uint32_t *bit;
    Py_UCS4 *chars, *singles;
    uint32_t *single_bit;
    Py_ssize_t n_singles;
} ProbeTable;

static void
free_probes(ProbeTable *t)
{
    PyMem_Free(t->order);
    PyMem_Free(t->chars);
    PyMem_Free(t->bit);
}

/* Fill t from the tuple probes (non-empty strs) and, when groups is not NULL, the tuple of
 * their group numbers (0 to 31). -1 with an exception set on failure. */
static int
build_probes(ProbeTable *t, PyObject *probes, PyObject *groups)
{
    memset(t, 0, sizeof(*t));
    Py_ssize_t n_probes = PyTuple_GET_SIZE(probes), total = 0;
    if (groups && PyTuple_GET_SIZE(groups) != n_probes) {
        PyErr_SetString(PyExc_ValueError, "one group a probe");
        return -1;
    }
    for (Py_ssize_t p = 0; p < n_probes; p++) {
        PyObject *probe = PyTuple_GET_ITEM(probes, p);
        if (check_str(probe, "probe", p) < 0)
            return -1;
        if (PyUnicode_GET_LENGTH(probe) == 0) {
            PyErr_SetString(PyExc_ValueError, "probes must not be empty");
            return -1;
        }
        total += PyUnicode_GET_LENGTH(probe);
    }
    t->order = PyMem_Malloc((n_probes ? n_probes : 1) * 3 * sizeof(Py_ssize_t));
    t->chars = PyMem_Malloc((total + n_probes + 1) * sizeof(Py_UCS4));
    t->bit = PyMem_Malloc((n_probes ? n_probes : 1) * 2 * sizeof(uint32_t));
    if (!t->order || !t->chars || !t->bit) {
        free_probes(t);
        PyErr_NoMemory();
        return -1;
    }
    t->offset = t->order + n_probes;
    t->length = t->order + 2 * n_probes;
    t->singles = t->chars + total; /* the probes of one code point */
    t->single_bit = t->bit + n_probes;
    for (Py_ssize_t p = 0, at = 0; p < n_probes; p++) {
        PyObject *probe = PyTuple_GET_ITEM(probes, p);
        long group = 0;
        if (groups) {
            group = PyLong_AsLong(PyTuple_GET_ITEM(groups, p));
            if ((group < 0 || group > 31) && !PyErr_Occurred())
                PyErr_SetString(PyExc_ValueError, "groups are numbered 0 to 31");
            if (PyErr_Occurred()) {
                free_probes(t);
                return -1;
            }
        }
        t->bit[p] = 1u << group;
        t->offset[p] = at;
        t->length[p] = PyUnicode_GET_LENGTH(probe);
        for (Py_ssize_t k = 0; k < t->length[p]; k++)
            t->chars[at++] = PyUnicode_READ_CHAR(probe, k);
        if (t->length[p] == 1) {
            t->single_bit[t->n_singles] = t->bit[p];
            t->singles[t->n_singles++] = t->chars[t->offset[p]];
        } else {
            t->bucket[PAIR_KEY(t->chars[t->offset[p]], t->chars[t->offset[p] + 1]) + 1]++;
        }
    }
    for (int b = 0; b < PAIR_BUCKETS; b++)
        t->bucket[b + 1] += t->bucket[b];
    Py_ssize_t fill[PAIR_BUCKETS];
    memcpy(fill, t->bucket, sizeof(fill));
    for (Py_ssize_t p = 0; p < n_probes; p++)
        if (t->length[p] > 1)
            t->order[fill[PAIR_KEY(t->chars[t->offset[p]], t->chars[t->offset[p] + 1])]++] = p;
    return 0;
}

/* The group bits of the probes found in text (at position 0 only with at_start); the scan
 * stops once the bits in ``enough`` are all found. */
static uint32_t
scan_line(const ProbeTable *t, PyObject *text, int at_start, uint32_t enough)
{
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    uint32_t found = 0;
    Py_UCS4 next = n ? PyUnicode_READ(kind, data, 0) : 0;
    for (Py_ssize_t at = 0; at < n && (found & enough) != enough; at++) {
        Py_UCS4 c = next;
        for (Py_ssize_t q = 0; q < t->n_singles; q++)
            if (t->singles[q] == c)
                found |= t->single_bit[q];
        if (at + 1 >= n)
            break;
        next = PyUnicode_READ(kind, data, at + 1);
        Py_ssize_t key = PAIR_KEY(c, next);
        for (Py_ssize_t q = t->bucket[key]; q < t->bucket[key + 1]; q++) {
            Py_ssize_t p = t->order[q];
            const Py_UCS4 *probe = t->chars + t->offset[p];
            Py_ssize_t len = t->length[p];
            if (!(found & t->bit[p]) && probe[0] == c && probe[1] == next && len <= n - at &&
                holds_at(kind, data, at, probe, len))
                found |= t->bit[p];
        }
        if (at_start)
            break;
    }
    return found;
}

/* lines_holding(texts, probes, at_start=False) -> list of the indices of the strs in the list
 * texts that contain any of the non-empty strs in the tuple probes (with at_start: that begin
 * with one). */
static PyObject *
lines_holding(PyObject *self, PyObject *args)
{
    PyObject *texts, *probes;
    int at_start = 0;
    if (!PyArg_ParseTuple(args, "O!O!|p", &PyList_Type, &texts, &PyTuple_Type, &probes,
                          &at_start))
        return NULL;
    ProbeTable table;
    if (build_probes(&table, probes, NULL) < 0)
        return NULL;
    PyObject *found = PyList_New(0);
    for (Py_ssize_t i = 0; found && i < PyList_GET_SIZE(texts); i++) {
        PyObject *text = PyList_GET_ITEM(texts, i);
        if (check_str(text, "line", i) < 0) {
            Py_CLEAR(found);
            break;
        }
        if (scan_line(&table, text, at_start, 1u)) {
            PyObject *index = PyLong_FromSsize_t(i);
            int failed = !index || PyList_Append(found, index) < 0;
            Py_XDECREF(index);
            if (failed)
                Py_CLEAR(found);
        }
    }
    free_probes(&table);
    return found;
}

/* probe_groups(texts, probes, groups) -> list of (index, bits) for the strs in the list texts
 * that contain any of the probes: bit g of bits is set when a probe of group g (the tuple
 * groups gives each probe's, 0 to 31) is in the line. */
static PyObject *
probe_groups(PyObject *self, PyObject *args)
{
    PyObject *texts, *probes, *groups;
    if (!PyArg_ParseTuple(args, "O!O!O!", &PyList_Type, &texts, &PyTuple_Type, &probes,
                          &PyTuple_Type, &groups))
        return NULL;
    ProbeTable table;
    if (build_probes(&table, probes, groups) < 0)
        return NULL;
    uint32_t all = 0;
    for (Py_ssize_t p = 0; p < PyTuple_GET_SIZE(probes); p++)
        all |= table.bit[p];
    PyObject *found = PyList_New(0);
    for (Py_ssize_t i = 0; found && i < PyList_GET_SIZE(texts); i++) {
        PyObject *text = PyList_GET_ITEM(texts, i);
        if (check_str(text, "line", i) < 0) {
            Py_CLEAR(found);
            break;
        }
        uint32_t bits = scan_line(&table, text, 0, all);
        if (bits) {
            PyObject *hit = Py_BuildValue("(nk)", i, (unsigned long)bits);
            int failed = !hit || PyList_Append(found, hit) < 0;
            Py_XDECREF(hit);
            if (failed)
                Py_CLEAR(found);
        }
    }
    free_probes(&table);
    return found;
}

/* text[:limit].lower(), as a new reference: ASCII lines are lowered here (the line itself
 * when it has nothing to lower), others by str.lower. */
static PyObject *
lowered_head(PyObject *text, Py_ssize_t limit)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), m = n < limit ? n : limit;
    if (!PyUnicode_IS_ASCII(text)) {
        PyObject *head = PyUnicode_Substring(text, 0, m);
        if (!head)
            return NULL;
        PyObject *lowered = PyObject_CallMethod(head, "lower", NULL);
        Py_DECREF(head);
        return lowered;
    }
    const Py_UCS1 *src = PyUnicode_1BYTE_DATA(text);
    Py_ssize_t first_upper = 0;
    while (first_upper < m && !(src[first_upper] >= 'A' && src[first_upper] <= 'Z'))
        first_upper++;
    if (first_upper == m && m == n) {
        Py_INCREF(text);
        return text;
    }
    PyObject *lowered = PyUnicode_New(m, 127);
    if (!lowered)
        return NULL;
    Py_UCS1 *dst = PyUnicode_1BYTE_DATA(lowered);
    memcpy(dst, src, first_upper);
    for (Py_ssize_t i = first_upper; i < m; i++)
        dst[i] = src[i] >= 'A' && src[i] <= 'Z' ? src[i] + 32 : src[i];
    return lowered;
}

/* lowered_heads(texts, limit, short, lengths) -> (heads, short_heads): text[:limit].lower()
 * of each line; short_heads the same with "" for the heads longer than short; lengths (float32,
 * one a line) receives each head's length. */
static PyObject *
lowered_heads(PyObject *self, PyObject *args)
{
    PyObject *texts;
    Py_ssize_t limit, short_limit;
    Py_buffer lengths;
    if (!PyArg_ParseTuple(args, "O!nnw*", &PyList_Type, &texts, &limit, &short_limit, &lengths))
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(texts);
    PyObject *heads = NULL, *shorts = NULL, *empty = NULL, *result = NULL;
    if (limit < 0 || lengths.len != n * (Py_ssize_t)sizeof(float)) {
        PyErr_SetString(PyExc_ValueError, "lowered_heads: a negative limit, or lengths does not "
                                          "hold one float32 a line");
        goto done;
    }
    float *length = (float *)lengths.buf;
    heads = PyList_New(n);
    shorts = PyList_New(n);
    empty = PyUnicode_New(0, 0);
    if (!heads || !shorts || !empty)
        goto done;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *text = PyList_GET_ITEM(texts, i);
        if (check_str(text, "line", i) < 0)
            goto done;
        PyObject *head = lowered_head(text, limit);
        if (!head)
            goto done;
        Py_ssize_t m = PyUnicode_GET_LENGTH(head);
        length[i] = (float)m;
        PyList_SET_ITEM(heads, i, head);
        PyObject *kept = m <= short_limit ? head : empty;
        Py_INCREF(kept);
        PyList_SET_ITEM(shorts, i, kept);
    }
    result = PyTuple_Pack(2, heads, shorts);
done:
    Py_XDECREF(heads);
    Py_XDECREF(shorts);
    Py_XDECREF(empty);
    PyBuffer_Release(&lengths);
    return result;
}

/* repeats(texts, cap, out) -> bool or None: out (float32, one a line) receives, for each str
 * of the list texts, min(the number of lines equal to it, cap) - 1, as collections.Counter
 * counts them (str hash and equality); returns whether any line comes more than once, or None
 * when texts holds anything but exact strs (their hash and == may run Python code: the caller
 * counts those). Lines are grouped in an open-addressing table of at least 2n slots. */
static PyObject *
repeats(PyObject *self, PyObject *args)
{
    PyObject *texts;
    Py_ssize_t cap;
    Py_buffer out;
    if (!PyArg_ParseTuple(args, "O!nw*", &PyList_Type, &texts, &cap, &out))
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(texts);
    PyObject *result = NULL;
    Py_ssize_t *first = NULL, *count = NULL, *group = NULL;
    Py_hash_t *hashes = NULL;
    if (cap < 1 || out.len != n * (Py_ssize_t)sizeof(float)) {
        PyErr_SetString(PyExc_ValueError, "repeats: cap must be >= 1 and out hold one float32 "
                                          "a line");
        goto done;
    }
    Py_ssize_t size = 8;
    while (size < 2 * n)
        size *= 2;
    first = PyMem_Malloc(size * sizeof(Py_ssize_t)); /* slot -> its first line, -1: empty */
    count = PyMem_Calloc(size, sizeof(Py_ssize_t));
    group = PyMem_Malloc((n ? n : 1) * sizeof(Py_ssize_t)); /* line -> its slot */
    hashes = PyMem_Malloc((n ? n : 1) * sizeof(Py_hash_t));
    if (!first || !count || !group || !hashes) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t k = 0; k < size; k++)
        first[k] = -1;
    int any = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *text = PyList_GET_ITEM(texts, i);
        if (!PyUnicode_CheckExact(text)) {
            Py_INCREF(Py_None);
            result = Py_None;
            goto done;
        }
        if (check_str(text, "line", i) < 0)
            goto done;
        Py_hash_t h = PyObject_Hash(text);
        if (h == -1)
            goto done;
        hashes[i] = h;
        size_t slot = (size_t)h & (size_t)(size - 1);
        while (first[slot] >= 0) {
            Py_ssize_t j = first[slot];
            if (hashes[j] == h) {
                int equal = PyObject_RichCompareBool(text, PyList_GET_ITEM(texts, j), Py_EQ);
                if (equal < 0)
                    goto done;
                if (equal)
                    break;
            }
            slot = (slot + 1) & (size_t)(size - 1);
        }
        if (first[slot] < 0)
            first[slot] = i;
        else
            any = 1;
        count[slot]++;
        group[i] = (Py_ssize_t)slot;
    }
    float *o = (float *)out.buf;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_ssize_t c = count[group[i]];
        o[i] = (float)((c < cap ? c : cap) - 1);
    }
    result = PyBool_FromLong(any);
done:
    PyMem_Free(first);
    PyMem_Free(count);
    PyMem_Free(group);
    PyMem_Free(hashes);
    PyBuffer_Release(&out);
    return result;
}

/* Is the token text[start:end] equal to word? */
static int
token_is(int kind, const void *data, Py_ssize_t start, Py_ssize_t end, PyObject *word)
{
    Py_ssize_t len = PyUnicode_GET_LENGTH(word);
    if (len != end - start)
        return 0;
    int wkind = PyUnicode_KIND(word);
    const void *wdata = PyUnicode_DATA(word);
    for (Py_ssize_t k = 0; k < len; k++)
        if (PyUnicode_READ(kind, data, start + k) != PyUnicode_READ(wkind, wdata, k))
            return 0;
    return 1;
}

/* How many of the n_words distinct strs of the tuple words are among the whitespace-separated
 * tokens of text. word_lengths: bit k set when a word has k code points (bit 63: 63 or more). */
static int
found_in(PyObject *text, PyObject *words, Py_ssize_t n_words, uint64_t word_lengths)
{
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t len = PyUnicode_GET_LENGTH(text), at = 0;
    uint64_t seen = 0;
    while (at < len) {
        while (at < len && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, at)))
            at++;
        Py_ssize_t start = at;
        while (at < len && !Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, at)))
            at++;
        if (at == start)
            break;
        Py_ssize_t token_len = at - start;
        if (!(word_lengths >> (token_len < 63 ? token_len : 63) & 1))
            continue; /* no word this long */
        for (Py_ssize_t w = 0; w < n_words; w++)
            if (token_is(kind, data, start, at, PyTuple_GET_ITEM(words, w)))
                seen |= (uint64_t)1 << w;
    }
    /* duplicates in words count once: a word equal to an earlier one adds nothing */
    int found = 0;
    for (Py_ssize_t w = 0; w < n_words; w++) {
        if (!(seen >> w & 1))
            continue;
        int repeated = 0;
        for (Py_ssize_t v = 0; v < w && !repeated; v++)
            repeated = (seen >> v & 1) &&
                       PyUnicode_Compare(PyTuple_GET_ITEM(words, v), PyTuple_GET_ITEM(words, w)) == 0;
        found += !repeated;
    }
    return found;
}

/* words_found(texts, words, counts, at_most, out): for each str of the list texts, how many
 * of the distinct strs of the tuple words (at most 64) are among its whitespace-separated
 * tokens, as len(set(words).intersection(text.split())) counts, written into out (float64, one
 * a line); 0 for the lines whose count (float32, one a line) is above at_most. */
static PyObject *
words_found(PyObject *self, PyObject *args)
{
    PyObject *texts, *words;
    Py_buffer counts, out;
    double at_most;
    if (!PyArg_ParseTuple(args, "O!O!y*dw*", &PyList_Type, &texts, &PyTuple_Type, &words,
                          &counts, &at_most, &out))
        return NULL;
    PyObject *result = NULL;
    Py_ssize_t n = PyList_GET_SIZE(texts), n_words = PyTuple_GET_SIZE(words);
    if (n_words > 64) {
        PyErr_SetString(PyExc_ValueError, "at most 64 words");
        goto done;
    }
    if (counts.len != n * (Py_ssize_t)sizeof(float) || out.len != n * (Py_ssize_t)sizeof(double)) {
        PyErr_SetString(PyExc_ValueError, "words_found: counts must hold one float32 a line "
                                          "and out one float64");
        goto done;
    }
    uint64_t word_lengths = 0;
    for (Py_ssize_t w = 0; w < n_words; w++) {
        PyObject *word = PyTuple_GET_ITEM(words, w);
        if (check_str(word, "word", w) < 0)
            goto done;
        Py_ssize_t len = PyUnicode_GET_LENGTH(word);
        word_lengths |= (uint64_t)1 << (len < 63 ? len : 63);
    }
    const float *count = (const float *)counts.buf;
    double *found = (double *)out.buf;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *text = PyList_GET_ITEM(texts, i);
        if (check_str(text, "line", i) < 0)
            goto done;
        found[i] = count[i] <= at_most ? found_in(text, words, n_words, word_lengths) : 0;
    }
    Py_INCREF(Py_None);
    result = Py_None;
done:
    PyBuffer_Release(&counts);
    PyBuffer_Release(&out);
    return result;
}

/* context(columns, n, k, out): for each of the k float32 columns of the n x k C-ordered
 * buffer columns, six float32 values a row into the n x 6k buffer out, as _context in
 * features.py computes them: the values 2 and 1 rows before and 1 and 2 rows after (0
 * beyond the page), then the means over the rows within 3 and within 10 of the row, from
 * float32 running sums differenced in double, as NumPy's cumsum and division give them. */
static PyObject *
context(PyObject *self, PyObject *args)
{
    Py_buffer columns, out;
    Py_ssize_t n, k;
    if (!PyArg_ParseTuple(args, "y*nnw*", &columns, &n, &k, &out))
        return NULL;
    PyObject *result = NULL;
    float *cum = NULL;
    if (n < 0 || k < 0 || columns.len != n * k * (Py_ssize_t)sizeof(float) ||
        out.len != n * 6 * k * (Py_ssize_t)sizeof(float)) {
        PyErr_SetString(PyExc_ValueError, "context: buffer sizes do not match n and k");
        goto done;
    }
    cum = PyMem_Malloc(((n + 1) * k + 1) * sizeof(float));
    if (!cum) {
        PyErr_NoMemory();
        goto done;
    }
    const float *x = (const float *)columns.buf;
    float *o = (float *)out.buf;
    for (Py_ssize_t c = 0; c < k; c++)
        cum[c] = 0.0f;
    for (Py_ssize_t i = 0; i < n; i++)
        for (Py_ssize_t c = 0; c < k; c++)
            cum[(i + 1) * k + c] = cum[i * k + c] + x[i * k + c];
    static const int shifts[4] = {-2, -1, 1, 2};
    static const int halves[2] = {3, 10};
    for (Py_ssize_t i = 0; i < n; i++) {
        float *row = o + i * 6 * k;
        for (Py_ssize_t c = 0; c < k; c++) {
            for (int j = 0; j < 4; j++) {
                Py_ssize_t at = i + shifts[j];
                row[c * 6 + j] = at >= 0 && at < n ? x[at * k + c] : 0.0f;
            }
            for (int j = 0; j < 2; j++) {
                Py_ssize_t lo = i - halves[j] < 0 ? 0 : i - halves[j];
                Py_ssize_t hi = i + halves[j] + 1 > n ? n : i + halves[j] + 1;
                double sum = (double)cum[hi * k + c] - (double)cum[lo * k + c];
                row[c * 6 + 4 + j] = (float)(sum / (double)(hi - lo));
            }
        }
    }
    Py_INCREF(Py_None);
    result = Py_None;
done:
    PyMem_Free(cum);
    PyBuffer_Release(&columns);
    PyBuffer_Release(&out);
    return result;
}

/* position(prose, chars, more, header, reply, total, log_n, out): the 12 position columns of
 * features.line_features (POSITION_NAMES) for n lines, from five float32 arrays of n values
 * (prose characters' flag, characters, "more stories" markers, comment headers, reply/byline
 * lines), the page's characters as float32 (at least 1) and log1p(n), written into out (n x 12
 * float32), with the same arithmetic as the NumPy path (float32 running sums, float64
 * divisions, one rounding to float32). */
static PyObject *
position(PyObject *self, PyObject *args)
{
    Py_buffer P, C, M, H, R, out;
    float total;
    double log_n;
    if (!PyArg_ParseTuple(args, "y*y*y*y*y*fdw*", &P, &C, &M, &H, &R, &total, &log_n, &out))
        return NULL;
    PyObject *result = NULL;
    float *cum = NULL;
    Py_ssize_t *next_prose = NULL;
    Py_ssize_t n = P.len / 4;
    if (P.len % 4 || C.len != P.len || M.len != P.len || H.len != P.len || R.len != P.len ||
        out.len != n * 12 * (Py_ssize_t)sizeof(float)) {
        PyErr_SetString(PyExc_ValueError, "position: buffer sizes do not match");
        goto done;
    }
    const float *prose = P.buf, *chars = C.buf, *more = M.buf, *header = H.buf, *reply = R.buf;
    float *o = out.buf;
    cum = PyMem_Malloc((n + 1) * sizeof(float));
    next_prose = PyMem_Malloc((n + 1) * sizeof(Py_ssize_t));
    if (!cum || !next_prose) {
        PyErr_NoMemory();
        goto done;
    }
    /* the longest run of prose: prose lines with at most 3 other lines between them, weighed
     * by their characters; the first of equal weights */
    cum[0] = 0.0f;
    for (Py_ssize_t i = 0; i < n; i++)
        cum[i + 1] = cum[i] + chars[i] * prose[i];
    Py_ssize_t run_start = -1, last = -1, best_lo = -1, best_hi = -1;
    double best = 0.0;
    for (Py_ssize_t i = 0; i <= n; i++) {
        int is_prose = i < n && prose[i] != 0.0f;
        if (i < n && !is_prose)
            continue;
        if (last >= 0 && (i == n || i - last > 4)) { /* the run from run_start to last ends */
            double weight = (double)cum[last + 1] - (double)cum[run_start];
            if (best_lo < 0 || weight > best) {
                best = weight;
                best_lo = run_start;
                best_hi = last;
            }
            run_start = -1;
        }
        if (is_prose) {
            run_start = run_start < 0 ? i : run_start;
            last = i;
        }
    }
    next_prose[n] = n + 50;
    for (Py_ssize_t i = n - 1; i >= 0; i--)
        next_prose[i] = prose[i] != 0.0f ? i : next_prose[i + 1];
    /* reply/byline lines from each line to the end */
    Py_ssize_t replies_after = 0;
    for (Py_ssize_t i = n - 1; i >= 0; i--) {
        replies_after += reply[i] > 0.0f;
        o[i * 12 + 11] = (float)((double)replies_after / (double)(n - i));
    }
    float running = 0.0f;
    Py_ssize_t last_more = -1, last_prose = -1, last_header = -1;
    for (Py_ssize_t i = 0; i < n; i++) {
        float *row = o + i * 12;
        running += chars[i];
        row[0] = (float)((double)i / (double)(n - 1 > 1 ? n - 1 : 1));
        row[1] = (running - chars[i]) / total;
        row[2] = (float)log_n;
        if (best_lo >= 0) {
            row[3] = i >= best_lo && i <= best_hi;
            Py_ssize_t dist = i < best_lo ? best_lo - i : (i > best_hi ? i - best_hi : 0);
            double away = (double)dist / 20.0;
            row[4] = (float)(away < 1.0 ? away : 1.0);
            row[5] = (float)(best / ((double)cum[n] != 0.0 ? (double)cum[n] : 1.0));
        } else {
            row[3] = 0.0f;
            row[4] = 1.0f;
            row[5] = 0.0f;
        }
        last_more = more[i] > 0.0f ? i : last_more;
        last_prose = prose[i] > 0.0f ? i : last_prose;
        last_header = header[i] > 0.0f ? i : last_header;
        double since = (double)(i - last_more) / 20.0;
        row[6] = last_more >= 0 ? (float)(since < 1.0 ? since : 1.0) : 1.0f;
        row[7] = last_more >= 0 && last_prose < last_more;
        double until = (double)(next_prose[i] - i) / 20.0;
        row[8] = (float)(until < 1.0 ? until : 1.0);
        double since_header = (double)(i - last_header) / 50.0;
        row[9] = last_header >= 0 ? (float)(since_header < 1.0 ? since_header : 1.0) : 1.0f;
        row[10] = last_header >= 0;
    }
    Py_INCREF(Py_None);
    result = Py_None;
done:
    PyMem_Free(cum);
    PyMem_Free(next_prose);
    PyBuffer_Release(&P);
    PyBuffer_Release(&C);
    PyBuffer_Release(&M);
    PyBuffer_Release(&H);
    PyBuffer_Release(&R);
    PyBuffer_Release(&out);
    return result;
}

static PyMethodDef methods[] = {
    {"line_stats", line_stats, METH_VARARGS,
     "line_stats(texts, out): character statistics of each str in the list texts, written "
     "into out (float32, 13 a line)."},
    {"lines_holding", lines_holding, METH_VARARGS,
     "lines_holding(texts, probes, at_start=False) -> indices of the strs in texts containing "
     "(with at_start: beginning with) any of probes."},
    {"probe_groups", probe_groups, METH_VARARGS,
     "probe_groups(texts, probes, groups) -> (index, bits) of the texts holding any of probes, "
     "bit g set when a probe of group g is found."},
    {"shape_columns", shape_columns, METH_VARARGS,
     "shape_columns(stats, out): the shape columns that are arithmetic on line_stats rows."},
    {"lowered_heads", lowered_heads, METH_VARARGS,
     "lowered_heads(texts, limit, short, lengths) -> (heads, short_heads): each text[:limit] "
     "lower-cased, and the same with \"\" for those longer than short; lengths gets their "
     "lengths."},
    {"repeats", repeats, METH_VARARGS,
     "repeats(texts, cap, out) -> bool: min(copies of each line on the page, cap) - 1 into out "
     "(float32); whether any line comes again."},
    {"words_found", words_found, METH_VARARGS,
     "words_found(texts, words, counts, at_most, out): for each text, how many distinct words "
     "are its tokens, into out (0 where counts is above at_most)."},
    {"split_lines", split_lines, METH_O,
     "split_lines(text) -> (lines, gaps): the non-blank lines of text, whitespace collapsed, "
     "and the number of blank lines before each."},
    {"context", context, METH_VARARGS,
     "context(columns, n, k, out): neighbours' values and window means of the columns."},
    {"position", position, METH_VARARGS,
     "position(prose, chars, more, header, reply, total, log_n, out): the position columns."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "boilerx._shape",
    "Compiled splitting, character statistics and position columns of lines.", -1, methods,
};

PyMODINIT_FUNC
PyInit__shape(void)
{
    fill_class_tables();
    return PyModule_Create(&module);
}
