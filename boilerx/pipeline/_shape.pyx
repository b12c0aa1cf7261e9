# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
# cython: cdivision=True
"""Compiled parts of ``features``, ``lines`` and ``structured``: splitting scraped text into
lines, one pass over each line's code points for the counts the text-shape features are built
from, surrogates and control characters in a page, substring probes, the lines that may hold
a date, lower-cased heads, repeated lines,
headline-word counts, the arithmetic, position and neighbour columns, and the lines' word
3-gram overlap with the structured data.

Each function gives the same numbers, bit for bit, as the Python/NumPy path it stands for in
``features.py``, ``lines.py``, ``structured.py`` or ``decode.py`` (``_numpy_line_stats``,
``_holding``, ``_probe_groups``, ``_date_candidates``, ``_lowered_heads``, ``_scanned_heads``,
``_repeats``, ``_title_overlap``, ``_arithmetic_columns``, ``_context``, ``_position``,
``_numpy_card_pairs``, ``_numpy_marker_lines``, ``text_lines``, ``_python_overlap``,
``_python_has_surrogates``, ``control_count``), which are used when this module is not built;
the tests compare the two. Float columns keep NumPy's float32 arithmetic: float32 operations,
running sums in float32 differenced in double.

The loops over a ``str``'s code points are compiled once per string width (``chars_t``), so
that each reads its characters with plain loads."""

from cpython.mem cimport PyMem_Calloc, PyMem_Free, PyMem_Malloc
from cpython.unicode cimport (
    Py_UNICODE_ISALNUM,
    Py_UNICODE_ISDECIMAL,
    Py_UNICODE_ISDIGIT,
    Py_UNICODE_ISSPACE,
    Py_UNICODE_ISUPPER,
    Py_UNICODE_TOLOWER,
    PyUnicode_1BYTE_DATA,
    PyUnicode_DATA,
    PyUnicode_FromKindAndData,
    PyUnicode_GET_LENGTH,
    PyUnicode_KIND,
    PyUnicode_New,
)
from libc.stdint cimport int32_t, int64_t, uint8_t, uint16_t, uint32_t, uint64_t
from libc.string cimport memcpy, memset

cdef extern from *:
    """
    #if PY_VERSION_HEX < 0x030C0000
    #define bx_ready(text) PyUnicode_READY(text)
    #else
    #define bx_ready(text) 0
    #endif
    """
    int bx_ready(object text) except -1  # legacy strs are made ready before reading (< 3.12)
    bint PyUnicode_IS_ASCII(object text)

ctypedef fused chars_t:  # a str's code points, in its own width
    uint8_t
    uint16_t
    uint32_t

cdef enum:
    N_STATS = 13  # columns of line_stats (STATS in features.py)
    N_SHAPE = 12  # columns of shape_columns
    N_POSITION = 12  # columns of position (POSITION_NAMES)
    CHUNK = 65535  # code points whose counts fit 16-bit fields

cdef inline int check_str(object obj, str what, Py_ssize_t i) except -1:
    """0 when obj is a str ready to read, else TypeError naming it (with its index i >= 0)."""
    if not isinstance(obj, str):
        return not_str(obj, what, i)
    return bx_ready(obj)

cdef int not_str(object obj, str what, Py_ssize_t i) except -1:
    where = what if i < 0 else f"{what} {i}"
    raise TypeError(f"{where} is {type(obj).__name__}, not str")


# ---------------------------------------------------------------- character statistics
# Character classes the statistics count, one bit each in a class byte.
cdef enum:
    C_UPPER = 1  # upper case: what lower-casing changes
    C_BREAK = 2  # ' ' or '\n': a word after it that starts upper case is title-cased
    C_BLANK = 4  # ' '
    C_DOT = 8  # '.'
    C_SPACE = 16  # a space as str.split finds them
    C_LETTER = 32  # upper case, a lower-case letter, or from U+0590 on
    C_DIGIT = 64  # an ASCII digit
    C_COMMA = 128  # ','

cdef unsigned char_class(uint32_t c) noexcept:
    """The class byte of a code point: a letter is upper case, from U+0590 on (scripts without
    case) or a lower-case letter of a-z or U+00DF..U+058F but U+00F7."""
    cdef bint up, letter, space
    cdef uint32_t low
    if c < 128:
        up = 65 <= c <= 90
        letter = up or 97 <= c <= 122
        space = c == 32 or 9 <= c <= 13 or 0x1C <= c <= 0x1F
    else:
        low = Py_UNICODE_TOLOWER(c)
        up = c != low
        letter = up or low >= 0x0590 or (low >= 0xDF and low != 0xF7)
        space = Py_UNICODE_ISSPACE(c)
    return (
        C_UPPER * up | C_BREAK * (c == 32 or c == 10) | C_BLANK * (c == 32) | C_DOT * (c == 46)
        | C_SPACE * space | C_LETTER * letter | C_DIGIT * (48 <= c <= 57) | C_COMMA * (c == 44)
    )

cdef uint8_t latin1_class[256]  # class bytes of the code points below 256 (most of any text)
cdef uint64_t class_counts[256]  # for each class byte, its counts in 16-bit fields: upper,
# letter, digit, comma

cdef void fill_class_tables() noexcept:
    cdef unsigned c
    for c in range(256):
        latin1_class[c] = char_class(c)
        class_counts[c] = (
            <uint64_t>(c & C_UPPER != 0) | <uint64_t>(c & C_LETTER != 0) << 16
            | <uint64_t>(c & C_DIGIT != 0) << 32 | <uint64_t>(c & C_COMMA != 0) << 48
        )

fill_class_tables()

cdef inline bint is_closer(uint32_t c) noexcept:
    return c in (39, 34, 0x201D, 0x2019, 0xBB, 41, 93)  # ' " ” ’ » ) ]

cdef inline bint is_terminal(uint32_t c) noexcept:
    return c in (46, 33, 63, 0x3002, 0xFF01, 0xFF1F, 0x2026, 59)  # . ! ? 。 ！ ？ … ;

cdef void count_chars(const chars_t *s, Py_ssize_t n, float *row) noexcept:
    """line_stats' row of one line. Counts that depend on the code point before are read from
    the two class bytes; pairs and triples are counted where they end: ". " at its space,
    " | " (and " • ", " · ") at its second space, without overlaps, as str.count counts. Four
    counts add up in 16-bit fields of one word, emptied every CHUNK code points."""
    cdef Py_ssize_t words = 0, letters = 0, upper = 0, digits = 0, titled = 0, commas = 0
    cdef Py_ssize_t stops = 0, separators = 0, i, start, end, k
    cdef Py_ssize_t next_free[3]  # where the next " | ", " • ", " · " may begin
    cdef unsigned f, prev_class = C_BREAK | C_SPACE, before_class = 0  # as after '\n'
    cdef uint32_t c, prev = 10
    cdef uint64_t packed
    next_free[0] = next_free[1] = next_free[2] = 0
    start = 0
    while start < n:
        end = min(n, start + CHUNK)
        packed = 0
        for i in range(start, end):
            c = s[i]
            f = latin1_class[c] if c < 256 else char_class(c)
            packed += class_counts[f]
            titled += f & (prev_class >> 1) & 1  # upper case after ' ' or '\n'
            stops += (f >> 2) & (prev_class >> 3) & 1  # ' ' after '.'
            words += (prev_class >> 4) & ~(f >> 4) & 1  # a non-space after a space
            if f & before_class & C_BLANK:  # ' ', something, ' '
                k = 0 if prev == 0x7C else 1 if prev == 0x2022 else 2 if prev == 0xB7 else -1
                if k >= 0 and i - 2 >= next_free[k]:
                    separators += 1
                    next_free[k] = i + 1
            before_class = prev_class
            prev_class = f
            prev = c
        upper += packed & 0xFFFF
        letters += packed >> 16 & 0xFFFF
        digits += packed >> 32 & 0xFFFF
        commas += packed >> 48
        start = end
    cdef uint32_t first = s[0] if n else 0
    end = n
    while end > 0 and is_closer(s[end - 1]):
        end -= 1
    row[0] = n
    row[1] = words
    row[2] = letters
    row[3] = upper
    row[4] = digits
    row[5] = titled
    row[6] = commas
    row[7] = stops
    row[8] = first
    row[9] = s[n - 1] if n else 0
    row[10] = end > 0 and is_terminal(s[end - 1])
    row[11] = separators
    row[12] = n > 0 and (65 <= first <= 90 if first < 128 else Py_UNICODE_ISUPPER(first))


def line_stats(list texts not None, float[:, ::1] out not None):
    """line_stats(texts, out): character statistics of each str in the list texts, written
    into out (float32, one row of 13 a line; STATS in features.py)."""
    cdef Py_ssize_t i, n = len(texts)
    cdef const void *data
    cdef int kind
    if out.shape[0] != n or out.shape[1] != N_STATS:
        raise ValueError(f"out is {out.shape[0]} x {out.shape[1]}, {n} lines need {n} x 13")
    for i in range(n):
        text = texts[i]
        check_str(text, "line", i)
        data = PyUnicode_DATA(text)
        kind = PyUnicode_KIND(text)
        if kind == 1:
            count_chars(<uint8_t *>data, PyUnicode_GET_LENGTH(text), &out[i, 0])
        elif kind == 2:
            count_chars(<uint16_t *>data, PyUnicode_GET_LENGTH(text), &out[i, 0])
        else:
            count_chars(<uint32_t *>data, PyUnicode_GET_LENGTH(text), &out[i, 0])


def shape_columns(
    const float[:, ::1] stats not None, float[:, :] out not None, tuple columns not None
):
    """shape_columns(stats, out, columns): from line_stats rows, the shape columns that are
    plain arithmetic on them, into out (float32, one row a line; 0 in its other columns), in
    the columns given by the tuple columns (12 distinct indices), in this order: terminal,
    ends with a colon, commas per word, upper-case share of letters, title-cased share of words
    (at most 1), starts upper case, digit share, letter share, characters per word (at most
    30), separators (at most 10), sentences (full stops + terminal, at most 20), prose
    (terminal and 8 words or 60 characters). Single-precision operations, as NumPy does them
    on float32 columns."""
    cdef Py_ssize_t i, j, k, n = stats.shape[0], width = out.shape[1]
    cdef Py_ssize_t at[N_SHAPE]
    cdef float values[N_SHAPE]
    if stats.shape[1] != N_STATS or out.shape[0] != n or len(columns) != N_SHAPE:
        raise ValueError(
            "shape_columns: stats must hold 13 float32 a line, out a row a line, and columns "
            "12 indices"
        )
    for k in range(N_SHAPE):
        at[k] = columns[k]
        if not 0 <= at[k] < width or at[k] in columns[:k]:
            raise ValueError(f"shape_columns: column {at[k]} is outside out or twice given")
    cdef float one = 1, chars, words, letters, some_words, some_chars, ratio, sentences
    for i in range(n):
        chars, words, letters = stats[i, 0], stats[i, 1], stats[i, 2]
        some_words = words if words > one else one
        some_chars = chars if chars > one else one
        values[0] = stats[i, 10]  # terminal
        values[1] = stats[i, 9] == 58  # the last code point is ':'
        values[2] = stats[i, 6] / (words + one)
        values[3] = stats[i, 3] / (letters if letters > one else one)
        ratio = stats[i, 5] / some_words
        values[4] = ratio if ratio < one else one
        values[5] = stats[i, 12]
        values[6] = stats[i, 4] / some_chars
        values[7] = letters / some_chars
        ratio = chars / some_words
        values[8] = ratio if ratio < 30 else 30
        values[9] = stats[i, 11] if stats[i, 11] < 10 else 10
        sentences = stats[i, 7] + stats[i, 10]
        values[10] = sentences if sentences < 20 else 20
        values[11] = stats[i, 10] * <float>(words >= 8 or chars >= 60)
        for j in range(width):
            out[i, j] = 0
        for k in range(N_SHAPE):
            out[i, at[k]] = values[k]


# ---------------------------------------------------------------- checks of a whole text
cdef bint range_in(const chars_t *s, Py_ssize_t n, uint32_t first, uint32_t span) noexcept:
    """whether a code point of s[:n] is in [first, first + span)"""
    cdef Py_ssize_t i
    cdef bint found = False
    for i in range(n):  # no early exit: the loop compiles to vector code
        found |= <uint32_t>(s[i] - first) < span
    return found


def has_surrogates(text):
    """has_surrogates(text) -> bool: whether the str text holds a surrogate code point
    (U+D800..U+DFFF: one UTF-8 cannot encode), as text.encode("utf-8") fails on one. A 1-byte
    str holds none."""
    check_str(text, "text", -1)
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text)
    cdef int kind = PyUnicode_KIND(text)
    if kind == 1:
        return False
    if kind == 2:
        return range_in(<uint16_t *>PyUnicode_DATA(text), n, 0xD800, 0x800)
    return range_in(<uint32_t *>PyUnicode_DATA(text), n, 0xD800, 0x800)


def has_code_between(text, uint32_t first, uint32_t last):
    """has_code_between(text, first, last) -> bool: whether the str text holds a code point
    from first to last (both included)."""
    check_str(text, "text", -1)
    if last < first:
        return False
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text)
    cdef int kind = PyUnicode_KIND(text)
    cdef uint32_t span = last - first + 1
    if kind == 1:
        return range_in(<uint8_t *>PyUnicode_DATA(text), n, first, span)
    if kind == 2:
        return range_in(<uint16_t *>PyUnicode_DATA(text), n, first, span)
    return range_in(<uint32_t *>PyUnicode_DATA(text), n, first, span)


cdef Py_ssize_t codes_in(const chars_t *s, Py_ssize_t n, const uint8_t *wanted) noexcept:
    cdef Py_ssize_t i, count = 0
    cdef uint32_t c
    for i in range(n):
        c = s[i]
        if c < 256:
            count += wanted[c]
    return count


def count_codes(text, Py_ssize_t limit, bytes codes not None):
    """count_codes(text, limit, codes) -> int: how many of the first limit code points of the
    str text are among the bytes of codes (read as code points below 256)."""
    check_str(text, "text", -1)
    if limit < 0:
        raise ValueError("count_codes: limit must not be negative")
    cdef uint8_t wanted[256]
    cdef Py_ssize_t k
    memset(wanted, 0, sizeof(wanted))
    for k in range(len(codes)):
        wanted[<uint8_t>codes[k]] = 1
    cdef Py_ssize_t n = min(PyUnicode_GET_LENGTH(text), limit)
    cdef int kind = PyUnicode_KIND(text)
    if kind == 1:
        return codes_in(<uint8_t *>PyUnicode_DATA(text), n, wanted)
    if kind == 2:
        return codes_in(<uint16_t *>PyUnicode_DATA(text), n, wanted)
    return codes_in(<uint32_t *>PyUnicode_DATA(text), n, wanted)


# ---------------------------------------------------------------- UTF-8 without decoding it
def utf8_length(bytes data not None):
    """utf8_length(data) -> int: how many characters ``data.decode("utf-8")`` would give, or
    -1 where it would raise (a byte that no UTF-8 has, a sequence cut short, an overlong form,
    a surrogate, a code point past U+10FFFF), without making the str. ASCII is read eight
    bytes at a time."""
    cdef const unsigned char *s = data
    cdef Py_ssize_t n = len(data), chars
    with nogil:
        chars = _utf8_length(s, n)
    return chars


# Unicode's table of well-formed UTF-8, by lead byte: the length of the sequence it starts (0:
# no lead) and the range of the byte after it (no overlong form, surrogate or code point past
# U+10FFFF); the other bytes of a sequence are 0x80-0xBF.
cdef unsigned char _lead_size[256]
cdef unsigned char _second_low[256]
cdef unsigned char _second_high[256]


cdef void _set_utf8_table() noexcept nogil:
    cdef int c
    for c in range(256):
        _lead_size[c] = (
            2 if 0xC2 <= c <= 0xDF else 3 if 0xE0 <= c <= 0xEF else 4 if 0xF0 <= c <= 0xF4 else 0
        )
        _second_low[c] = 0x80
        _second_high[c] = 0xBF
    _second_low[0xE0] = 0xA0
    _second_high[0xED] = 0x9F
    _second_low[0xF0] = 0x90
    _second_high[0xF4] = 0x8F


_set_utf8_table()


cdef Py_ssize_t _utf8_length(const unsigned char *s, Py_ssize_t n) noexcept nogil:
    """utf8_length's count, -1 for bytes that are not UTF-8."""
    cdef Py_ssize_t i = 0, chars = 0, k, size
    cdef unsigned char c
    cdef uint64_t word
    while i < n:
        while i + 8 <= n:  # ASCII, eight bytes at a time
            memcpy(&word, s + i, 8)
            if word & 0x8080808080808080ULL:
                break
            i += 8
            chars += 8
        if i >= n:
            break
        c = s[i]
        chars += 1
        if c < 0x80:
            i += 1
            continue
        size = _lead_size[c]
        if size == 0 or i + size > n or not _second_low[c] <= s[i + 1] <= _second_high[c]:
            return -1
        for k in range(2, size):
            if (s[i + k] & 0xC0) != 0x80:
                return -1
        i += size
    return chars


# ---------------------------------------------------------------- splitting text into lines
cdef inline bint is_line_break(uint32_t c) noexcept:
    """str.splitlines' line boundaries"""
    return c in (10, 13, 0x0B, 0x0C, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029)

cdef int split_chars(
    const chars_t *s, Py_ssize_t n, chars_t *line, list lines, list gaps
) except -1:
    """split_lines over one str's code points; ``line`` holds n of them."""
    cdef Py_ssize_t i = 0, blank = 0, length
    cdef bint pending_space
    cdef uint32_t c
    while i < n:
        length = 0
        pending_space = False
        while i < n:
            c = s[i]
            i += 1
            if <uint32_t>(c - 0x21) >= 0x5E:  # not '!' to '~': maybe a space or a line break
                if c == 32 or Py_UNICODE_ISSPACE(c) and not is_line_break(c):
                    pending_space = length > 0
                    continue
                if c == 0:
                    continue  # NUL characters are dropped
                if is_line_break(c):  # \r\n is one, NULs between them dropped
                    while c == 13 and i < n and s[i] == 0:
                        i += 1
                    if c == 13 and i < n and s[i] == 10:
                        i += 1
                    break
            if pending_space:
                line[length] = 32
                length += 1
                pending_space = False
            line[length] = <chars_t>c
            length += 1
        if length == 0:
            blank += 1
        else:
            lines.append(PyUnicode_FromKindAndData(sizeof(chars_t), line, length))
            gaps.append(blank)
            blank = 0
    return 0


def split_lines(text):
    """split_lines(text) -> (lines, gaps): the non-blank lines of text without its NUL
    characters (line boundaries as str.splitlines), each with its whitespace runs collapsed to
    one space and stripped, as " ".join(line.split()) does; gaps[i] counts the blank lines
    before lines[i]."""
    check_str(text, "text", -1)
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text)
    cdef int kind = PyUnicode_KIND(text)
    cdef void *data = PyUnicode_DATA(text)
    cdef list lines = [], gaps = []
    cdef void *line = PyMem_Malloc(max(n, 1) * kind)  # a line, in the text's own width
    if line == NULL:
        raise MemoryError()
    try:
        if kind == 1:
            split_chars(<uint8_t *>data, n, <uint8_t *>line, lines, gaps)
        elif kind == 2:
            split_chars(<uint16_t *>data, n, <uint16_t *>line, lines, gaps)
        else:
            split_chars(<uint32_t *>data, n, <uint32_t *>line, lines, gaps)
    finally:
        PyMem_Free(line)
    return lines, gaps


cdef uint8_t latin1_space[256]  # str.split's whitespace among the code points below 256

cdef void fill_latin1_space() noexcept:
    cdef unsigned c
    for c in range(256):
        latin1_space[c] = Py_UNICODE_ISSPACE(c)

fill_latin1_space()

cdef inline bint is_space(uint32_t c) noexcept:
    return latin1_space[c] if c < 256 else Py_UNICODE_ISSPACE(c)


# ---------------------------------------------------------------- substring probes
cdef enum:
    PAIR_BUCKETS = 1024  # probes of two or more code points, by their first two
    LATIN1_PAIR_WORDS = 1024  # 64-bit words of a bit for each pair of code points below 256

cdef inline Py_ssize_t pair_key(uint32_t a, uint32_t b) noexcept:
    return ((a * <uint32_t>131) ^ b) & (PAIR_BUCKETS - 1)


cdef class _Probes:
    """The probes as UCS4 copies; those of one code point apart, the others bucketed by their
    first two, so that at most positions of a line an empty bucket is all there is to see.
    Each probe has a group bit (1 for all when there are no groups)."""

    cdef Py_ssize_t n_singles
    cdef Py_ssize_t bucket[PAIR_BUCKETS + 1]  # bucket b: order[bucket[b]:bucket[b + 1]]
    cdef Py_ssize_t *order  # the longer probes, bucket by bucket
    cdef Py_ssize_t *offset  # where each probe's code points begin in chars
    cdef Py_ssize_t *length
    cdef uint32_t *bit
    cdef uint32_t *single_bit
    cdef uint32_t *chars
    cdef uint32_t *singles  # the probes of one code point
    cdef uint32_t all_bits
    # bit (a << 8 | b): a probe may begin with code points a, b (both below 256), or one of
    # one code point is a; positions of two such code points without it are skipped at once
    cdef uint64_t latin1_pairs[LATIN1_PAIR_WORDS]

    def __cinit__(self, tuple probes not None, tuple groups):
        cdef Py_ssize_t p, k, at = 0, total = 0, n = len(probes)
        cdef long group = 0
        cdef Py_UCS4 c
        cdef str probe
        if groups is not None and len(groups) != n:
            raise ValueError("one group a probe")
        for p in range(n):
            check_str(probes[p], "probe", p)
            if len(probes[p]) == 0:
                raise ValueError("probes must not be empty")
            total += len(probes[p])
        self.order = <Py_ssize_t *>PyMem_Malloc(max(n, 1) * 3 * sizeof(Py_ssize_t))
        self.chars = <uint32_t *>PyMem_Malloc((total + n + 1) * sizeof(uint32_t))
        self.bit = <uint32_t *>PyMem_Malloc(max(n, 1) * 2 * sizeof(uint32_t))
        if self.order == NULL or self.chars == NULL or self.bit == NULL:
            raise MemoryError()
        self.offset = self.order + n
        self.length = self.order + 2 * n
        self.singles = self.chars + total
        self.single_bit = self.bit + n
        for p in range(n):
            probe = <str>probes[p]
            if groups is not None:
                group = groups[p]
                if not 0 <= group <= 31:
                    raise ValueError("groups are numbered 0 to 31")
            self.bit[p] = <uint32_t>1 << group
            self.all_bits |= self.bit[p]
            self.offset[p] = at
            self.length[p] = len(probe)
            for c in probe:
                self.chars[at] = c
                at += 1
            if self.length[p] == 1:
                self.single_bit[self.n_singles] = self.bit[p]
                self.singles[self.n_singles] = self.chars[self.offset[p]]
                self.n_singles += 1
                if self.chars[self.offset[p]] < 256:
                    for k in range(4):
                        self.latin1_pairs[self.chars[self.offset[p]] * 4 + k] = ~<uint64_t>0
            else:
                k = pair_key(self.chars[self.offset[p]], self.chars[self.offset[p] + 1])
                self.bucket[k + 1] += 1
                if self.chars[self.offset[p]] < 256 and self.chars[self.offset[p] + 1] < 256:
                    k = self.chars[self.offset[p]] << 8 | self.chars[self.offset[p] + 1]
                    self.latin1_pairs[k >> 6] |= <uint64_t>1 << (k & 63)
        for k in range(PAIR_BUCKETS):
            self.bucket[k + 1] += self.bucket[k]
        cdef Py_ssize_t fill[PAIR_BUCKETS]
        memcpy(fill, self.bucket, sizeof(fill))
        for p in range(n):
            if self.length[p] > 1:
                k = pair_key(self.chars[self.offset[p]], self.chars[self.offset[p] + 1])
                self.order[fill[k]] = p
                fill[k] += 1

    def __dealloc__(self):
        PyMem_Free(self.order)
        PyMem_Free(self.chars)
        PyMem_Free(self.bit)

    cdef uint32_t scan(self, object text, bint at_start, uint32_t enough) noexcept:
        """The group bits of the probes found in the str text, ready to read (at position 0
        only with at_start); the scan stops once the bits in ``enough`` are all found."""
        cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text)
        cdef int kind = PyUnicode_KIND(text)
        if kind == 1:
            return self.scan_chars(<uint8_t *>PyUnicode_DATA(text), n, at_start, enough)
        if kind == 2:
            return self.scan_chars(<uint16_t *>PyUnicode_DATA(text), n, at_start, enough)
        return self.scan_chars(<uint32_t *>PyUnicode_DATA(text), n, at_start, enough)

    cdef uint32_t scan_chars(
        self, const chars_t *s, Py_ssize_t n, bint at_start, uint32_t enough
    ) noexcept:
        cdef uint32_t found = 0
        cdef Py_ssize_t at = 0, q, k, p, key, length, pair
        cdef uint32_t c, next_c
        cdef const uint32_t *probe
        while at < n:
            if not at_start:  # skip to where a probe may begin (or the last position): a
                # pair of code points below 256 that no probe begins with is passed at once
                while at + 1 < n:
                    if chars_t is not uint8_t and (s[at] | s[at + 1]) >= 256:
                        break
                    pair = <Py_ssize_t>s[at] << 8 | s[at + 1]
                    if self.latin1_pairs[pair >> 6] >> (pair & 63) & 1:
                        break
                    at += 1
            if found & enough == enough:
                break
            c = s[at]
            for q in range(self.n_singles):
                if self.singles[q] == c:
                    found |= self.single_bit[q]
            if at + 1 >= n:
                break
            next_c = s[at + 1]
            key = pair_key(c, next_c)
            for q in range(self.bucket[key], self.bucket[key + 1]):
                p = self.order[q]
                probe = self.chars + self.offset[p]
                length = self.length[p]
                if found & self.bit[p] or probe[0] != c or probe[1] != next_c or length > n - at:
                    continue
                for k in range(2, length):
                    if s[at + k] != probe[k]:
                        break
                else:
                    found |= self.bit[p]
            if at_start:
                break
            at += 1
        return found


cdef dict probe_tables = {}  # id(probes) -> (probes, groups, _Probes): tables built once
cdef enum:
    PROBE_TABLES = 32  # at most this many kept (callers pass a few constant tuples)

cdef _Probes probe_table(tuple probes, tuple groups):
    """The _Probes of probes and groups: the one built for these very tuples (kept alive in
    probe_tables, so their ids are not reused) when there is one, else a new one."""
    cdef tuple entry = probe_tables.get(id(probes))
    if entry is not None and entry[0] is probes and entry[1] is groups:
        return <_Probes>entry[2]
    table = _Probes(probes, groups)
    if len(probe_tables) < PROBE_TABLES:
        probe_tables[id(probes)] = (probes, groups, table)
    return table


def lines_holding(list texts not None, tuple probes not None, bint at_start=False):
    """lines_holding(texts, probes, at_start=False) -> list of the indices of the strs in the
    list texts that contain any of the non-empty strs in the tuple probes (with at_start: that
    begin with one)."""
    cdef _Probes table = probe_table(probes, None)
    cdef Py_ssize_t i
    cdef list found = []
    for i in range(len(texts)):
        text = texts[i]
        check_str(text, "line", i)
        if table.scan(text, at_start, 1):
            found.append(i)
    return found


def probe_groups(list texts not None, tuple probes not None, tuple groups not None):
    """probe_groups(texts, probes, groups) -> list of (index, bits) for the strs in the list
    texts that contain any of the probes: bit g of bits is set when a probe of group g (the
    tuple groups gives each probe's, 0 to 31) is in the line."""
    cdef _Probes table = probe_table(probes, groups)
    cdef Py_ssize_t i
    cdef uint32_t bits
    cdef list found = []
    for i in range(len(texts)):
        text = texts[i]
        check_str(text, "line", i)
        bits = table.scan(text, False, table.all_bits)
        if bits:
            found.append((i, bits))
    return found


cdef inline bint is_decimal(uint32_t c) noexcept:
    """What re's \\d matches in a str."""
    return 48 <= c <= 57 if c < 128 else Py_UNICODE_ISDECIMAL(c)

cdef inline bint is_date_separator(const chars_t *s, Py_ssize_t n, Py_ssize_t i) noexcept:
    """Whether s[i] is one of "./-" (i < n)."""
    return i < n and (s[i] == 46 or s[i] == 47 or s[i] == 45)

cdef inline bint is_decimal_at(const chars_t *s, Py_ssize_t n, Py_ssize_t i) noexcept:
    return i < n and is_decimal(s[i])

cdef int date_shape(const chars_t *s, Py_ssize_t n) noexcept:
    """1 when s holds a decimal digit followed by one of "./-", one or two decimal digits, one
    of "./-" and a decimal digit, or by ":" and two decimal digits; else 2 when a run of one or
    two decimal digits stands after a whitespace, or before one (with an optional "."
    between); else 0. Read run by run of decimal digits: i to j - 1."""
    cdef Py_ssize_t i = 0, j
    cdef int found = 0
    while i < n:
        if not is_decimal(s[i]):
            i += 1
            continue
        j = i + 1
        while j < n and is_decimal(s[j]):
            j += 1
        if is_date_separator(s, n, j) and is_decimal_at(s, n, j + 1) and (
            is_date_separator(s, n, j + 2) and is_decimal_at(s, n, j + 3)
            or is_decimal_at(s, n, j + 2) and is_date_separator(s, n, j + 3)
            and is_decimal_at(s, n, j + 4)
        ) or j < n and s[j] == 58 and is_decimal_at(s, n, j + 1) and is_decimal_at(s, n, j + 2):
            return 1
        if j - i <= 2 and (
            i > 0 and is_space(s[i - 1]) or j < n and is_space(s[j])
            or j + 1 < n and s[j] == 46 and is_space(s[j + 1])
        ):
            found = 2
        i = j
    return found


def date_hints(
    list texts not None, list candidates not None, tuple words not None, tuple groups not None
):
    """date_hints(texts, candidates, words, groups) -> list of the indices in the list
    candidates (in their order) whose str in the list texts holds a decimal digit, one of
    "./-", one or two decimal digits, one of "./-" and a decimal digit in a row, or a decimal
    digit, ":" and two decimal digits; or holds a str of the tuple words of group 0 (the tuple
    groups gives each word's, 0 or 1); or holds one of group 1 and a run of one or two decimal
    digits after a whitespace or before one (with an optional "." between), as re's \\d and
    \\s see them."""
    cdef _Probes table = probe_table(words, groups)
    cdef Py_ssize_t k
    cdef int shape, kind
    cdef uint32_t bits
    cdef list found = []
    for k in range(len(candidates)):
        i = candidates[k]
        text = texts[i]
        check_str(text, "line", i)
        kind = PyUnicode_KIND(text)
        if kind == 1:
            shape = date_shape(<uint8_t *>PyUnicode_DATA(text), PyUnicode_GET_LENGTH(text))
        elif kind == 2:
            shape = date_shape(<uint16_t *>PyUnicode_DATA(text), PyUnicode_GET_LENGTH(text))
        else:
            shape = date_shape(<uint32_t *>PyUnicode_DATA(text), PyUnicode_GET_LENGTH(text))
        if shape != 1:
            bits = table.scan(text, False, 1)
            if not (bits & 1 or bits & 2 and shape == 2):
                continue
        found.append(i)
    return found


# ---------------------------------------------------------------- heads, repeats, words
cdef object lowered_narrow(const chars_t *s, Py_ssize_t m):
    """The m code points of s (a 1- or 2-byte str) lowered as str.lower lowers them, or None
    where that takes more than each code point's simple lower case: at U+0130 (two code
    points in lower case) and U+03A3 (final sigma, by context). Two passes: the lower cases'
    bits or'ed give the result's width (128, 256 and 65536 are powers of two), then they are
    written."""
    cdef Py_ssize_t i
    cdef uint32_t c, bits = 0
    for i in range(m):
        c = s[i]
        if c < 128:
            bits |= c
        elif c == 0x130 or c == 0x3A3:
            return None
        else:
            c = Py_UNICODE_TOLOWER(c)
            if c > 0xFFFF:
                return None
            bits |= c
    cdef str lowered = PyUnicode_New(m, bits)
    cdef uint8_t *narrow
    cdef uint16_t *wide
    if PyUnicode_KIND(lowered) == 1:
        narrow = <uint8_t *>PyUnicode_DATA(lowered)
        for i in range(m):
            c = s[i]
            narrow[i] = <uint8_t>(c + 32 if 65 <= c <= 90 else (
                c if c < 128 else Py_UNICODE_TOLOWER(c)
            ))
    else:
        wide = <uint16_t *>PyUnicode_DATA(lowered)
        for i in range(m):
            c = s[i]
            wide[i] = <uint16_t>(c + 32 if 65 <= c <= 90 else (
                c if c < 128 else Py_UNICODE_TOLOWER(c)
            ))
    return lowered


cdef object lowered_head(object text, Py_ssize_t limit):
    """text[:limit].lower(): ASCII lines are lowered here (the line itself when it has
    nothing to lower), 1- and 2-byte ones by each code point's simple lower case where that
    is what str.lower gives (lowered_narrow), others by str.lower."""
    cdef Py_ssize_t i, n = PyUnicode_GET_LENGTH(text), m = min(n, limit)
    cdef int kind
    if not PyUnicode_IS_ASCII(text):
        kind = PyUnicode_KIND(text)
        lowered_text = None
        if kind == 1:
            lowered_text = lowered_narrow(<uint8_t *>PyUnicode_DATA(text), m)
        elif kind == 2:
            lowered_text = lowered_narrow(<uint16_t *>PyUnicode_DATA(text), m)
        if lowered_text is None:
            return (<str>text)[:m].lower()
        return lowered_text
    cdef const uint8_t *src = PyUnicode_1BYTE_DATA(text)
    cdef Py_ssize_t first_upper = 0
    while first_upper < m and not 65 <= src[first_upper] <= 90:
        first_upper += 1
    if first_upper == m == n:
        return text
    cdef str lowered = PyUnicode_New(m, 127)
    cdef uint8_t *dst = PyUnicode_1BYTE_DATA(lowered)
    memcpy(dst, src, first_upper)
    for i in range(first_upper, m):
        dst[i] = src[i] + 32 if 65 <= src[i] <= 90 else src[i]
    return lowered


cdef object lowered_tail(object text, Py_ssize_t limit):
    """text[-limit:].lower() (limit > 0): ASCII lines are lowered here, others by str.lower."""
    cdef Py_ssize_t i, n = PyUnicode_GET_LENGTH(text), start = max(n - limit, 0)
    if not PyUnicode_IS_ASCII(text):
        return (<str>text)[start:].lower()
    cdef const uint8_t *src = PyUnicode_1BYTE_DATA(text)
    cdef str lowered = PyUnicode_New(n - start, 127)
    cdef uint8_t *dst = PyUnicode_1BYTE_DATA(lowered)
    for i in range(start, n):
        dst[i - start] = src[i] + 32 if 65 <= src[i] <= 90 else src[i]
    return lowered


cdef bint lowered_into(const chars_t *s, Py_ssize_t start, Py_ssize_t n, uint32_t *out) noexcept:
    """s[start:n] lowered a code point at a time into out, as str.lower lowers it; False (out
    unfinished) at U+0130 and U+03A3, which str.lower lowers otherwise (to two code points;
    by context)."""
    cdef Py_ssize_t i
    cdef uint32_t c
    for i in range(start, n):
        c = s[i]
        if c < 128:
            out[i - start] = c + 32 if 65 <= c <= 90 else c
        elif c == 0x130 or c == 0x3A3:
            return False
        else:
            out[i - start] = Py_UNICODE_TOLOWER(c)
    return True


cdef bint lowered_tail_into(object text, Py_ssize_t limit, uint32_t *out) noexcept:
    """lowered_into for the last limit code points of the str text, ready to read."""
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text), start = max(n - limit, 0)
    cdef int kind = PyUnicode_KIND(text)
    if kind == 1:
        return lowered_into(<uint8_t *>PyUnicode_DATA(text), start, n, out)
    if kind == 2:
        return lowered_into(<uint16_t *>PyUnicode_DATA(text), start, n, out)
    return lowered_into(<uint32_t *>PyUnicode_DATA(text), start, n, out)


def tails_holding(list texts not None, tuple probes not None, Py_ssize_t limit):
    """tails_holding(texts, probes, limit) -> list of the indices of the strs in the list texts
    whose last limit characters, lower-cased (str.lower), contain any of the non-empty strs
    in the tuple probes. Tails are lowered into a buffer a code point at a time (ASCII ones
    into bytes), those holding U+0130 or U+03A3 by str.lower."""
    if limit <= 0:
        raise ValueError("tails_holding: limit must be positive")
    cdef _Probes table = probe_table(probes, None)
    cdef Py_ssize_t i, k, n, start
    cdef list found = []
    cdef const uint8_t *src
    cdef uint8_t c
    cdef uint8_t *tail = <uint8_t *>PyMem_Malloc(limit)
    cdef uint32_t *wide_tail = <uint32_t *>PyMem_Malloc(limit * sizeof(uint32_t))
    if tail == NULL or wide_tail == NULL:
        PyMem_Free(tail)
        PyMem_Free(wide_tail)
        raise MemoryError()
    try:
        for i in range(len(texts)):
            text = texts[i]
            check_str(text, "line", i)
            if PyUnicode_IS_ASCII(text):
                n = PyUnicode_GET_LENGTH(text)
                start = max(n - limit, 0)
                src = PyUnicode_1BYTE_DATA(text)
                for k in range(start, n):
                    c = src[k]
                    tail[k - start] = c + 32 if 65 <= c <= 90 else c
                if table.scan_chars(<const uint8_t *>tail, n - start, False, 1):
                    found.append(i)
            elif lowered_tail_into(text, limit, wide_tail):
                n = min(PyUnicode_GET_LENGTH(text), limit)
                if table.scan_chars(<const uint32_t *>wide_tail, n, False, 1):
                    found.append(i)
            elif table.scan(lowered_tail(text, limit), False, 1):
                found.append(i)
    finally:
        PyMem_Free(tail)
        PyMem_Free(wide_tail)
    return found


def lowered_heads(
    list texts not None, Py_ssize_t limit, Py_ssize_t short_limit, float[::1] lengths not None
):
    """lowered_heads(texts, limit, short_limit, lengths) -> (heads, short_heads):
    text[:limit].lower() of each line; short_heads the same with "" for the heads longer than
    short_limit; lengths (float32, one a line) receives each head's length."""
    cdef Py_ssize_t i, n = len(texts)
    if limit < 0 or lengths.shape[0] != n:
        raise ValueError(
            "lowered_heads: a negative limit, or lengths does not hold one float32 a line"
        )
    cdef list heads = [], shorts = []
    for i in range(n):
        text = texts[i]
        check_str(text, "line", i)
        head = lowered_head(text, limit)
        lengths[i] = len(head)
        heads.append(head)
        shorts.append(head if len(head) <= short_limit else "")
    return heads, shorts


cdef Py_ssize_t lowered_length(object text, Py_ssize_t limit) noexcept:
    """len(text[:limit].lower()) of a str ready to read: U+0130 lowers to two code points,
    every other code point to one."""
    cdef Py_ssize_t i, m = min(PyUnicode_GET_LENGTH(text), limit), size = m
    cdef int kind = PyUnicode_KIND(text)
    cdef const uint16_t *wide
    cdef const uint32_t *widest
    if kind == 2:
        wide = <uint16_t *>PyUnicode_DATA(text)
        for i in range(m):
            size += wide[i] == 0x130
    elif kind == 4:
        widest = <uint32_t *>PyUnicode_DATA(text)
        for i in range(m):
            size += widest[i] == 0x130
    return size


cdef Py_ssize_t count_end(const chars_t *s, Py_ssize_t n) noexcept:
    """Where s[:n] continues after a count, re's \\d+\\s+ at its start; -1 without one."""
    cdef Py_ssize_t i = 0, digits
    while i < n and is_decimal(s[i]):
        i += 1
    digits = i
    while i < n and is_space(s[i]):
        i += 1
    return i if digits and i > digits else -1


cdef bint begins_after_count(_Probes table, object text) noexcept:
    """Whether the str text (ready to read) begins with a count (count_end) followed by one
    of the table's probes."""
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text), at
    cdef int kind = PyUnicode_KIND(text)
    cdef const void *data = PyUnicode_DATA(text)
    if kind == 1:
        at = count_end(<uint8_t *>data, n)
        return at >= 0 and table.scan_chars(<uint8_t *>data + at, n - at, True, 1)
    if kind == 2:
        at = count_end(<uint16_t *>data, n)
        return at >= 0 and table.scan_chars(<uint16_t *>data + at, n - at, True, 1)
    at = count_end(<uint32_t *>data, n)
    return at >= 0 and table.scan_chars(<uint32_t *>data + at, n - at, True, 1)


def scan_heads(
    list texts not None,
    Py_ssize_t limit,
    Py_ssize_t short_limit,
    float[::1] lengths not None,
    tuple starts not None,
    tuple probes not None,
    tuple groups not None,
    bint counted=False,
):
    """scan_heads(texts, limit, short_limit, lengths, starts, probes, groups, counted=False)
    -> (short_heads, starting, probed): what lowered_heads(texts, limit, short_limit, lengths)
    gives as short heads and lengths, lines_holding(short_heads, starts, True) and
    probe_groups(short_heads, probes, groups), in one pass over the lines (each short head is
    scanned as it is made; the heads of lines longer than short_limit, longer still, are not
    made: only their lengths are counted). With counted, a short head beginning with a
    decimal digit (re's \\d) is in starting when, and only when, a str of starts follows its
    count (re's \\d+\\s+)."""
    cdef Py_ssize_t i, size, n = len(texts)
    if limit < short_limit or short_limit < 0 or lengths.shape[0] != n:
        raise ValueError(
            "scan_heads: limit below short_limit or negative, or lengths does not hold one "
            "float32 a line"
        )
    cdef _Probes at_start = probe_table(starts, None)
    cdef _Probes table = probe_table(probes, groups)
    cdef list shorts = [], starting = [], probed = []
    cdef uint32_t bits
    cdef bint begins
    for i in range(n):
        text = texts[i]
        check_str(text, "line", i)
        if PyUnicode_GET_LENGTH(text) > short_limit:
            lengths[i] = lowered_length(text, limit)
            shorts.append("")
            continue
        head = lowered_head(text, limit)
        size = PyUnicode_GET_LENGTH(head)
        lengths[i] = size
        if size > short_limit:
            shorts.append("")
            continue
        shorts.append(head)
        if size == 0:
            continue
        if counted and is_decimal((<str>head)[0]):
            begins = begins_after_count(at_start, head)
        else:
            begins = at_start.scan(head, True, 1)
        if begins:
            starting.append(i)
        bits = table.scan(head, False, table.all_bits)
        if bits:
            probed.append((i, bits))
    return shorts, starting, probed


def repeats(list texts not None, Py_ssize_t cap, float[::1] out not None):
    """repeats(texts, cap, out) -> bool or None: out (float32, one a line) receives, for each
    str of the list texts, min(the number of lines equal to it, cap) - 1, as
    collections.Counter counts them (str hash and equality); returns whether any line comes
    more than once, or None when texts holds anything but exact strs (their hash and == may run
    Python code: the caller counts those). Lines are grouped in an open-addressing table of at
    least 2n slots."""
    cdef Py_ssize_t i, j, slot, n = len(texts), size = 8
    if cap < 1 or out.shape[0] != n:
        raise ValueError("repeats: cap must be >= 1 and out hold one float32 a line")
    while size < 2 * n:
        size *= 2
    # first[slot]: the slot's first line (-1: empty); count[slot]; group[line]: its slot
    cdef Py_ssize_t *first = <Py_ssize_t *>PyMem_Malloc((2 * size + 2 * n) * sizeof(Py_ssize_t))
    if first == NULL:
        raise MemoryError()
    cdef Py_ssize_t *count = first + size
    cdef Py_ssize_t *group = count + size
    cdef Py_hash_t *hashes = <Py_hash_t *>(group + n)
    cdef Py_hash_t h
    cdef bint again = False
    try:
        for slot in range(size):
            first[slot] = -1
            count[slot] = 0
        for i in range(n):
            text = texts[i]
            if type(text) is not str:
                return None
            bx_ready(text)
            h = hash(text)
            hashes[i] = h
            slot = <size_t>h & <size_t>(size - 1)
            while first[slot] >= 0:
                j = first[slot]
                if hashes[j] == h and <str>text == <str>texts[j]:
                    break
                slot = (slot + 1) & (size - 1)
            if first[slot] < 0:
                first[slot] = i
            else:
                again = True
            count[slot] += 1
            group[i] = slot
        for i in range(n):
            out[i] = min(count[group[i]], cap) - 1
    finally:
        PyMem_Free(first)
    return again


cdef enum:
    WORD_BUCKETS = 256  # words_found's words, by their first code point and length

cdef inline Py_ssize_t word_key(uint32_t first, Py_ssize_t length) noexcept:
    return (first * <uint32_t>31 + <uint32_t>length) & (WORD_BUCKETS - 1)

cdef extern from *:
    """
    #if defined(__GNUC__) || defined(__clang__)
    #define bx_ctz64(x) __builtin_ctzll(x)
    #else
    static int bx_ctz64(unsigned long long x) {  /* x != 0 */
        int k = 0;
        while (!(x & 1)) { x >>= 1; k++; }
        return k;
    }
    #endif
    """
    int count_trailing_zeros "bx_ctz64"(uint64_t x) nogil

cdef inline uint32_t simple_lower(uint32_t c) noexcept:
    """The simple lower case of c: what str.lower gives but at U+0130 and U+03A3."""
    return c + 32 if 65 <= c <= 90 else (c if c < 128 else Py_UNICODE_TOLOWER(c))

cdef int words_in(
    const chars_t *s,
    Py_ssize_t n,
    const uint32_t *chars,
    const Py_ssize_t *offset,
    const Py_ssize_t *length,
    const uint64_t *buckets,
    bint fold,
) noexcept:
    """How many of the distinct words (word w: code points chars[offset[w]:][:length[w]]) are
    among the whitespace-separated tokens of s (with fold: of s lowered a code point at a time,
    -1 where s holds U+0130 or U+03A3, which str.lower lowers otherwise; lowering keeps what is
    whitespace). buckets[word_key(first code point, length)]: the bits of the words that may
    begin so and have that length."""
    cdef Py_ssize_t at = 0, start, w, k, size
    cdef uint64_t seen = 0, maybe
    cdef uint32_t c
    cdef const uint32_t *word
    while at < n:
        while at < n and is_space(s[at]):
            at += 1
        start = at
        while at < n and not is_space(s[at]):
            if fold and (s[at] == 0x130 or s[at] == 0x3A3):
                return -1
            at += 1
        size = at - start
        if size == 0:
            break
        c = simple_lower(s[start]) if fold else s[start]
        maybe = buckets[word_key(c, size)] & ~seen
        while maybe:
            w = count_trailing_zeros(maybe)
            maybe &= maybe - 1
            word = chars + offset[w]
            if length[w] != size:
                continue
            for k in range(size):
                c = simple_lower(s[start + k]) if fold else s[start + k]
                if c != word[k]:
                    break
            else:
                seen |= <uint64_t>1 << w
    cdef int found = 0
    while seen:
        seen &= seen - 1
        found += 1
    return found


cdef int words_in_str(
    object text,
    Py_ssize_t n,
    const uint32_t *chars,
    const Py_ssize_t *offset,
    const Py_ssize_t *length,
    const uint64_t *buckets,
    bint fold,
) noexcept:
    """words_in over the first n code points of the str text, ready to read."""
    cdef const void *data = PyUnicode_DATA(text)
    cdef int kind = PyUnicode_KIND(text)
    if kind == 1:
        return words_in(<uint8_t *>data, n, chars, offset, length, buckets, fold)
    if kind == 2:
        return words_in(<uint16_t *>data, n, chars, offset, length, buckets, fold)
    return words_in(<uint32_t *>data, n, chars, offset, length, buckets, fold)


def words_found(
    list texts not None,
    tuple words not None,
    Py_ssize_t limit,
    const float[::1] counts not None,
    double at_most,
    double[::1] out not None,
):
    """words_found(texts, words, limit, counts, at_most, out): for each str of the list texts,
    how many of the distinct strs of the tuple words (at most 64) are among the
    whitespace-separated tokens of its first limit code points lower-cased, as
    len(set(words).intersection(text[:limit].lower().split())) counts, written into out
    (float64, one a line); 0 for the lines whose count (float32, one a line) is above at_most.
    Lines are lowered as they are read, those holding U+0130 or U+03A3 by str.lower. The
    distinct words are copied as UCS4 once (an empty one is no token: it is dropped)."""
    cdef Py_ssize_t i, w, v, n = len(texts), total = 0, n_words = 0
    cdef int found
    if len(words) > 64:
        raise ValueError("at most 64 words")
    if limit < 0 or counts.shape[0] != n or out.shape[0] != n:
        raise ValueError(
            "words_found: a negative limit, or counts does not hold one float32 a line and out "
            "one float64"
        )
    cdef uint64_t buckets[WORD_BUCKETS]
    cdef Py_ssize_t offset[64]
    cdef Py_ssize_t length[64]
    cdef Py_UCS4 c
    for w in range(len(words)):
        check_str(words[w], "word", w)
        total += len(words[w])
    cdef uint32_t *chars = <uint32_t *>PyMem_Malloc(max(total, 1) * sizeof(uint32_t))
    if chars == NULL:
        raise MemoryError()
    total = 0
    memset(buckets, 0, sizeof(buckets))
    try:
        for w in range(len(words)):
            word = <str>words[w]
            if len(word) == 0:
                continue
            for v in range(w):  # a word equal to an earlier one adds nothing
                if <str>words[v] == word:
                    break
            else:
                offset[n_words] = total
                length[n_words] = len(word)
                for c in word:
                    chars[total] = c
                    total += 1
                buckets[word_key(chars[offset[n_words]], length[n_words])] |= (
                    <uint64_t>1 << n_words
                )
                n_words += 1
        for i in range(n):
            text = texts[i]
            check_str(text, "line", i)
            if counts[i] > at_most:
                out[i] = 0
                continue
            found = words_in_str(
                text, min(PyUnicode_GET_LENGTH(text), limit), chars, offset, length, buckets,
                True
            )
            if found < 0:
                text = (<str>text)[:limit].lower()
                found = words_in_str(
                    text, PyUnicode_GET_LENGTH(text), chars, offset, length, buckets, False
                )
            out[i] = found
    finally:
        PyMem_Free(chars)


# ---------------------------------------------------------------- marker lines
def marker_lines(
    const float[:, :] features not None,
    tuple standalone not None,
    Py_ssize_t more_column,
    float words_below,
    float chars_below,
    uint8_t[::1] out not None,
):
    """marker_lines(features, standalone, more_column, words_below, chars_below, out): for
    each of the n rows of features (float32; column 0: log chars, 1: log words), whether it
    is small (column 1 below words_below and column 0 below chars_below, in float32) and the
    largest of its standalone columns (a tuple of column indices; NaN when any is NaN, as
    NumPy's max gives it) is above 0, into out[:n]; whether it is small and its more_column is
    above 0, into out[n:] (0 or 1, one byte a row each: out holds 2n)."""
    cdef Py_ssize_t i, j, n = features.shape[0], width = features.shape[1]
    cdef Py_ssize_t n_columns = len(standalone)
    if out.shape[0] != 2 * n or not 0 <= more_column < width or (
        width < 2 or n_columns > 64
    ):
        raise ValueError("marker_lines: buffer sizes or columns do not match")
    cdef Py_ssize_t columns[64]
    for j in range(n_columns):
        columns[j] = standalone[j]
        if not 0 <= columns[j] < width:
            raise ValueError("marker_lines: a standalone column is out of range")
    cdef bint small, nan, above
    cdef float v
    for i in range(n):
        small = features[i, 1] < words_below and features[i, 0] < chars_below
        nan = above = False
        for j in range(n_columns):
            v = features[i, columns[j]]
            nan |= v != v
            above |= v > 0
        out[i] = small and above and not nan and n_columns > 0
        out[n + i] = small and features[i, more_column] > 0


# ---------------------------------------------------------------- text pages' gaps and groups
def gap_columns(list gaps not None, float[:, :] out not None):
    """gap_columns(gaps, out): for each line of a text page, the blank lines before it (the
    list gaps holds their counts) and before the next line, each at most 2 (1 after the last
    line), into the two float32 columns of out (n x 2, a strided view, say)."""
    cdef Py_ssize_t i, n = len(gaps)
    cdef long gap
    if out.shape[0] != n or out.shape[1] != 2:
        raise ValueError(f"gap_columns: out is {out.shape[0]} x {out.shape[1]}, not {n} x 2")
    for i in range(n):
        gap = gaps[i]
        out[i, 0] = gap if gap < 2 else 2
        if i:
            out[i - 1, 1] = out[i, 0]
    if n:
        out[n - 1, 1] = 1


def text_groups(
    const float[:, :] features not None,
    Py_ssize_t gap_column,
    float long_log_chars,
    int64_t[::1] blocks not None,
    int64_t[::1] runs not None,
):
    """text_groups(features, gap_column, long_log_chars, blocks, runs): a text page's
    line_groups from its feature matrix (float32, one row a line): blocks, the lines with a
    gap (column gap_column above 0) so far; runs, the changes so far between lines long
    (column 0 above long_log_chars, compared in float32) and short (int64, one a line each)."""
    cdef Py_ssize_t i, n = features.shape[0]
    if blocks.shape[0] != n or runs.shape[0] != n or not 0 <= gap_column < features.shape[1]:
        raise ValueError("text_groups: buffer sizes or the gap column do not match")
    cdef int64_t block = 0, run = 0
    cdef bint long_line, was_long = False
    for i in range(n):
        block += features[i, gap_column] > 0
        blocks[i] = block
        long_line = features[i, 0] > long_log_chars
        if i:
            run += long_line != was_long
        runs[i] = run
        was_long = long_line


# ---------------------------------------------------------------- neighbour and position columns
cdef inline float window_mean(
    const float *cum, Py_ssize_t k, Py_ssize_t lo, Py_ssize_t hi
) noexcept:
    """Mean of rows lo to hi - 1 of a column from its float32 running sums (k columns a row),
    differenced in double, as NumPy's cumsum and division give it."""
    return <float>((<double>cum[hi * k] - <double>cum[lo * k]) / <double>(hi - lo))


cdef enum:
    MAX_CONTEXT = 64  # columns context reads at most

def context(const float[:, :] matrix not None, tuple columns not None, float[:, :] out not None):
    """context(matrix, columns, out): for each of the k columns of the float32 matrix (n rows)
    whose indices the tuple columns gives, six float32 values a row into the n x 6k array out,
    as _context in features.py computes them: the values 2 and 1 rows before and 1 and 2 rows
    after (0 beyond the page), then the means over the rows within 3 and within 10 of the row
    (matrix and out may be strided views, such as columns of one larger matrix)."""
    cdef Py_ssize_t n = matrix.shape[0], k = len(columns)
    cdef Py_ssize_t column[MAX_CONTEXT]
    if k > MAX_CONTEXT or out.shape[0] != n or out.shape[1] != 6 * k:
        raise ValueError("context: buffer sizes do not match the columns")
    cdef Py_ssize_t i, c, at
    for c in range(k):
        column[c] = columns[c]
        if not 0 <= column[c] < matrix.shape[1]:
            raise ValueError("context: a column is out of range")
    cdef float *cum = <float *>PyMem_Malloc(((n + 1) * k + 1) * sizeof(float))
    if cum == NULL:
        raise MemoryError()
    for c in range(k):
        cum[c] = 0
    for i in range(n):  # NumPy's cumsum begins with the first value itself (-0.0 stays so)
        for c in range(k):
            cum[(i + 1) * k + c] = (
                cum[i * k + c] + matrix[i, column[c]] if i else matrix[0, column[c]]
            )
    for i in range(n):
        for c in range(k):
            at = 6 * c
            out[i, at + 0] = matrix[i - 2, column[c]] if i >= 2 else 0
            out[i, at + 1] = matrix[i - 1, column[c]] if i >= 1 else 0
            out[i, at + 2] = matrix[i + 1, column[c]] if i + 1 < n else 0
            out[i, at + 3] = matrix[i + 2, column[c]] if i + 2 < n else 0
            out[i, at + 4] = window_mean(cum + c, k, max(i - 3, 0), min(i + 4, n))
            out[i, at + 5] = window_mean(cum + c, k, max(i - 10, 0), min(i + 11, n))
    PyMem_Free(cum)


def position(
    const float[:, :] shape not None,
    const float[:] chars not None,
    tuple columns not None,
    float total,
    double log_n,
    float[:, :] out not None,
):
    """position(shape, chars, columns, total, log_n, out): the 12 position columns of
    features.line_features (POSITION_NAMES) for n lines, from the float32 shape matrix (n rows;
    the tuple columns gives the indices of its prose, "more stories", comment, short marker,
    reply and byline columns), each line's characters (float32), the page's characters as
    float32 (at least 1) and log1p(n), written into out (n x 12 float32), with the same
    arithmetic as the NumPy path (float32 products and sums of the marker columns, float32
    running sums, float64 divisions, one rounding to float32). The arrays and out may be
    strided views."""
    cdef Py_ssize_t n = shape.shape[0], k
    cdef Py_ssize_t column[6]
    if chars.shape[0] != n or out.shape[0] != n or out.shape[1] != N_POSITION or (
        len(columns) != 6
    ):
        raise ValueError("position: buffer sizes or columns do not match")
    for k in range(6):
        column[k] = columns[k]
        if not 0 <= column[k] < shape.shape[1]:
            raise ValueError("position: a column is out of range")
    cdef float *cum = <float *>PyMem_Malloc((5 * n + 1) * sizeof(float))
    cdef Py_ssize_t *next_prose = <Py_ssize_t *>PyMem_Malloc((n + 1) * sizeof(Py_ssize_t))
    if cum == NULL or next_prose == NULL:
        PyMem_Free(cum)
        PyMem_Free(next_prose)
        raise MemoryError()
    # prose flags, "more stories" and comment headers (short marker lines), reply/byline lines
    cdef float *prose = cum + n + 1
    cdef float *more = prose + n
    cdef float *header = more + n
    cdef float *reply = header + n
    for k in range(n):
        prose[k] = shape[k, column[0]]
        more[k] = shape[k, column[1]] * shape[k, column[3]]
        header[k] = shape[k, column[2]] * shape[k, column[3]]
        reply[k] = shape[k, column[4]] + shape[k, column[5]]
    cdef Py_ssize_t i, run_start = -1, last = -1, best_lo = -1, best_hi = -1, dist
    cdef Py_ssize_t replies_after = 0, last_more = -1, last_prose = -1, last_header = -1
    cdef double best = 0, weight, away
    cdef bint is_prose
    cdef float running = 0
    # the longest run of prose: prose lines with at most 3 other lines between them, weighed
    # by their characters; the first of equal weights
    cum[0] = 0
    for i in range(n):
        cum[i + 1] = cum[i] + chars[i] * prose[i]
    for i in range(n + 1):
        is_prose = i < n and prose[i] != 0
        if i < n and not is_prose:
            continue
        if last >= 0 and (i == n or i - last > 4):  # the run from run_start to last ends
            weight = <double>cum[last + 1] - <double>cum[run_start]
            if best_lo < 0 or weight > best:
                best, best_lo, best_hi = weight, run_start, last
            run_start = -1
        if is_prose:
            run_start = i if run_start < 0 else run_start
            last = i
    next_prose[n] = n + 50
    for i in range(n - 1, -1, -1):
        next_prose[i] = i if prose[i] != 0 else next_prose[i + 1]
    for i in range(n - 1, -1, -1):  # reply/byline lines from each line to the end
        replies_after += reply[i] > 0
        out[i, 11] = <float>(<double>replies_after / <double>(n - i))
    for i in range(n):
        running += chars[i]
        out[i, 0] = <float>(<double>i / <double>max(n - 1, 1))
        out[i, 1] = (running - chars[i]) / total
        out[i, 2] = <float>log_n
        if best_lo >= 0:
            out[i, 3] = best_lo <= i <= best_hi
            dist = best_lo - i if i < best_lo else (i - best_hi if i > best_hi else 0)
            away = dist / 20.0
            out[i, 4] = <float>min(away, 1.0)
            out[i, 5] = <float>(best / (<double>cum[n] if cum[n] != 0 else 1.0))
        else:
            out[i, 3] = 0
            out[i, 4] = 1
            out[i, 5] = 0
        last_more = i if more[i] > 0 else last_more
        last_prose = i if prose[i] > 0 else last_prose
        last_header = i if header[i] > 0 else last_header
        out[i, 6] = <float>min((i - last_more) / 20.0, 1.0) if last_more >= 0 else 1
        out[i, 7] = last_more >= 0 and last_prose < last_more
        out[i, 8] = <float>min((next_prose[i] - i) / 20.0, 1.0)
        out[i, 9] = <float>min((i - last_header) / 50.0, 1.0) if last_header >= 0 else 1
        out[i, 10] = last_header >= 0
    PyMem_Free(cum)
    PyMem_Free(next_prose)


def card_pairs(
    const float[:] terminal not None,
    const float[:] words not None,
    const float[:] sentences not None,
    Py_ssize_t window,
    Py_ssize_t cap,
    float[:] out not None,
):
    """card_pairs(terminal, words, sentences, window, cap, out): for each of the n lines, the
    headline + summary pairs starting within ``window`` lines of it, divided by ``cap`` and
    at most 1, written into out (float32), as features.card_pairs computes them: a pair starts
    at a line with no sentence end and 3 to 16 words followed by one that ends a sentence and
    has 8 to 40 words and at most one sentence. The three columns and out may be strided."""
    cdef Py_ssize_t n = out.shape[0], i, lo, hi
    if terminal.shape[0] != n or words.shape[0] != n or sentences.shape[0] != n or cap <= 0:
        raise ValueError("card_pairs: buffer sizes do not match, or cap is not positive")
    if window < 0:
        raise ValueError("card_pairs: window is negative")
    cdef Py_ssize_t *cum = <Py_ssize_t *>PyMem_Malloc((n + 1) * sizeof(Py_ssize_t))
    if cum == NULL:
        raise MemoryError()
    cdef bint head, summary
    cum[0] = 0
    for i in range(n):  # cum[i + 1]: pairs starting at lines 0 to i
        head = terminal[i] == 0 and 3 <= words[i] <= 16
        summary = i + 1 < n and (
            terminal[i + 1] > 0 and 8 <= words[i + 1] <= 40 and sentences[i + 1] <= 1
        )
        cum[i + 1] = cum[i] + (head and summary)
    for i in range(n):
        lo = max(i - window, 0)
        hi = min(i + window + 1, n)
        out[i] = <float>min(<double>(cum[hi] - cum[lo]) / <double>cap, 1.0)
    PyMem_Free(cum)


# ---------------------------------------------------------------- structured-data overlap
cdef uint8_t ascii_word[128]  # what re's \w matches among ASCII: 0-9, A-Z, a-z and '_'

cdef void fill_ascii_word() noexcept:
    cdef unsigned c
    for c in range(128):
        ascii_word[c] = 48 <= c <= 57 or 65 <= c <= 90 or 97 <= c <= 122 or c == 95

fill_ascii_word()

cdef inline bint is_word_char(uint32_t c) noexcept:
    """What re's \\w matches in a str: '_' and the code points str.isalnum() holds for."""
    return ascii_word[c] if c < 128 else Py_UNICODE_ISALNUM(c)

cdef inline uint64_t hash_step(uint64_t h, uint32_t c) noexcept:  # FNV-1a, a code point a step
    return (h ^ c) * <uint64_t>0x100000001B3

cdef inline uint64_t hash_end(uint64_t h) noexcept:  # murmur3's finaliser
    h ^= h >> 33
    h *= <uint64_t>0xFF51AFD7ED558CCD
    h ^= h >> 33
    h *= <uint64_t>0xC4CEB9FE1A85EC53
    return h ^ (h >> 33)

cdef inline uint64_t gram_hash(int32_t a, int32_t b, int32_t c) noexcept:
    cdef uint64_t k = <uint64_t>0x9E3779B97F4A7C15
    return hash_end(((<uint64_t><uint32_t>a * k) ^ <uint32_t>b) * k ^ <uint32_t>c)

cdef enum:
    MAX_REFERENCES = 64  # one bit of a mask each

cdef uint64_t FNV_BASIS = <uint64_t>0xCBF29CE484222325

ctypedef struct WordSlot:
    uint64_t hash
    Py_ssize_t start  # where its code points begin in _References.chars
    int32_t length
    int32_t id  # -1: an empty slot

ctypedef struct GramSlot:
    int32_t a, b, c  # the ids of its three words; a == -1: an empty slot
    uint64_t mask  # bit j: a 3-gram of reference j


# ---------------------------------------------------------------- the lexicon's words
# (lexicon.py): words found by a 64-bit FNV-1a hash of their lowered code points (is_word_char
# and hash_step: the word 3-grams' below)
cdef uint64_t FNV_OFFSET = 0xcbf29ce484222325ULL
cdef enum:
    N_LEXICON = 6  # columns of lexicon.NAMES
cdef uint32_t NOT_WORD = 0xFFFFFFFFu  # lowered_word_char of what is no word character
cdef uint32_t word_lower[256]  # code points below 256: lowered if a word character, else NOT_WORD
cdef uint8_t digit_char[256]  # … 1 where str.isdigit holds

cdef void fill_word_lower() noexcept:
    cdef uint32_t c
    for c in range(256):
        word_lower[c] = simple_lower(c) if is_word_char(c) else NOT_WORD
        digit_char[c] = Py_UNICODE_ISDIGIT(c)

cdef inline uint32_t lowered_word_char(uint32_t c) noexcept:
    """c lowered (simple_lower) when re's \\w matches it, else NOT_WORD."""
    if c < 256:
        return word_lower[c]
    return simple_lower(c) if Py_UNICODE_ISALNUM(c) else NOT_WORD

cdef inline bint is_digit_char(uint32_t c) noexcept:
    return digit_char[c] if c < 256 else Py_UNICODE_ISDIGIT(c)

ctypedef struct word_slot_t:  # a slot of the lexicon's table: two uint64 of the NumPy array
    uint64_t key  # the word's hash; 0: empty
    float weight
    uint32_t unused

cdef inline Py_ssize_t word_slot(
    const word_slot_t *table, Py_ssize_t mask, uint64_t h
) noexcept:
    """The slot of the hash h in the open-addressing table (its own, or the empty one where
    it would go)."""
    cdef Py_ssize_t at = <Py_ssize_t>(h & <uint64_t>mask)
    while table[at].key != 0 and table[at].key != h:
        at = (at + 1) & mask
    return at


cdef Py_ssize_t table_mask(const uint64_t[::1] table) except -1:
    """The slot mask of a lexicon table: two uint64 a slot, a power of two slots."""
    cdef Py_ssize_t size = table.shape[0] // 2
    if size == 0 or size & (size - 1) or table.shape[0] != 2 * size:
        raise ValueError("a lexicon table needs two uint64 a slot and a power of two slots")
    return size - 1


def lexicon_table(list words not None, const float[::1] weights not None, uint64_t[::1] table not None):
    """lexicon_table(words, weights, table): put each str of words (lowered already) with its
    weight into the zero-filled open-addressing table (uint64, two a slot: the hash
    lexicon_columns finds the word by, and the weight's float32 bits; a power of two slots,
    more than there are words)."""
    cdef Py_ssize_t w, at, mask = table_mask(table)
    cdef word_slot_t *slots = <word_slot_t *>&table[0]
    cdef uint64_t h
    cdef Py_UCS4 c
    if mask + 1 <= len(words):
        raise ValueError("lexicon_table: more words than slots")
    if weights.shape[0] != len(words):
        raise ValueError("lexicon_table: one weight a word")
    for w in range(len(words)):
        check_str(words[w], "word", w)
        h = FNV_OFFSET
        for c in <str>words[w]:
            h = hash_step(h, c)
        if h == 0:
            h = 1  # 0 marks an empty slot
        at = word_slot(slots, mask, h)
        slots[at].key = h
        slots[at].weight = weights[w]


cdef void lexicon_row(
    const chars_t *s,
    Py_ssize_t n,
    const word_slot_t *table,
    Py_ssize_t mask,
    Py_ssize_t max_word,
    float *row,
) noexcept:
    """The first four lexicon columns of the n code points s into row."""
    cdef Py_ssize_t at = 0, start, found = 0, known = 0, slot
    cdef double total = 0.0
    cdef float weight, high = 0.0, low = 0.0
    cdef uint64_t h
    cdef uint32_t c
    cdef bint digits
    while at < n:
        c = lowered_word_char(s[at])
        if c == NOT_WORD:
            at += 1
            continue
        start = at
        h = FNV_OFFSET
        digits = True
        while True:  # the word: hashed as it is lowered
            if digits:
                digits = is_digit_char(s[at])
            h = hash_step(h, c)
            at += 1
            if at == n:
                break
            c = lowered_word_char(s[at])
            if c == NOT_WORD:
                break
        if digits or at - start >= max_word:
            continue
        found += 1
        if h == 0:
            h = 1
        slot = word_slot(table, mask, h)
        if table[slot].key == 0:
            continue
        weight = table[slot].weight
        if known == 0 or weight > high:
            high = weight
        if known == 0 or weight < low:
            low = weight
        total += weight
        known += 1
    if known:
        row[0] = <float>(total / known)
        row[1] = high
        row[2] = low
        row[3] = <float>(<double>known / <double>found)
    else:
        row[0] = row[1] = row[2] = row[3] = 0.0


def lexicon_columns(
    list texts not None,
    const uint64_t[::1] table not None,
    Py_ssize_t limit,
    Py_ssize_t max_word,
    float[:, :] out not None,
):
    """lexicon_columns(texts, table, limit, max_word, out): the lexicon.NAMES columns
    of each str of texts (its first limit code points) into out (float32, a row a line, six
    columns), with the words' weights from the table lexicon_table filled: the numbers
    Lexicon._python_columns writes."""
    cdef Py_ssize_t i, j, m, n = len(texts), mask = table_mask(table)
    cdef const word_slot_t *slots = <const word_slot_t *>&table[0]
    cdef float row[N_LEXICON]
    cdef const void *data
    cdef int kind
    if out.shape[0] != n or out.shape[1] != N_LEXICON or limit < 0:
        raise ValueError("lexicon_columns: out needs a row a line and six columns")
    for i in range(n):
        text = texts[i]
        check_str(text, "line", i)
        m = min(PyUnicode_GET_LENGTH(text), limit)
        data = PyUnicode_DATA(text)
        kind = PyUnicode_KIND(text)
        if kind == 1:
            lexicon_row(<uint8_t *>data, m, slots, mask, max_word, row)
        elif kind == 2:
            lexicon_row(<uint16_t *>data, m, slots, mask, max_word, row)
        else:
            lexicon_row(<uint32_t *>data, m, slots, mask, max_word, row)
        for j in range(4):
            out[i, j] = row[j]
    for i in range(n):
        out[i, 4] = out[i - 1, 0] if i > 0 else 0.0
        out[i, 5] = out[i + 1, 0] if i + 1 < n else 0.0


fill_word_lower()


cdef class _References:
    """The references' distinct words (by their code points, each with an id and a mask of the
    references that hold it) and their word 3-grams (as ids, each with such a mask), in two
    open-addressing tables; a word is found by its hash, then by comparing its code points."""

    cdef WordSlot *words
    cdef GramSlot *grams
    cdef uint64_t *word_mask  # by id
    cdef uint32_t *chars  # the words' code points
    cdef Py_ssize_t word_slots, gram_slots, n_words, n_chars, n_grams

    def __cinit__(self, Py_ssize_t all_chars, Py_ssize_t all_words, Py_ssize_t all_grams):
        cdef Py_ssize_t i
        if all_words >= 0x7FFFFFFF:
            raise ValueError("overlap: the references hold too many words")
        self.word_slots = 64
        self.gram_slots = 64
        while self.gram_slots < 2 * all_grams:
            self.gram_slots *= 2
        self.chars = <uint32_t *>PyMem_Malloc(max(all_chars, 1) * sizeof(uint32_t))
        self.word_mask = <uint64_t *>PyMem_Malloc(max(all_words, 1) * sizeof(uint64_t))
        self.words = <WordSlot *>PyMem_Malloc(self.word_slots * sizeof(WordSlot))
        self.grams = <GramSlot *>PyMem_Malloc(self.gram_slots * sizeof(GramSlot))
        if self.chars == NULL or self.word_mask == NULL or self.words == NULL or (
            self.grams == NULL
        ):
            raise MemoryError()
        for i in range(self.word_slots):
            self.words[i].id = -1
        for i in range(self.gram_slots):
            self.grams[i].a = -1

    def __dealloc__(self):
        PyMem_Free(self.chars)
        PyMem_Free(self.word_mask)
        PyMem_Free(self.words)
        PyMem_Free(self.grams)

    cdef int grow_words(self) except -1:
        """Twice the word slots, the words in them again by their hashes."""
        cdef Py_ssize_t i, slot, size = 2 * self.word_slots
        cdef WordSlot *words = <WordSlot *>PyMem_Malloc(size * sizeof(WordSlot))
        if words == NULL:
            raise MemoryError()
        for i in range(size):
            words[i].id = -1
        for i in range(self.word_slots):
            if self.words[i].id >= 0:
                slot = self.words[i].hash & (size - 1)
                while words[slot].id >= 0:
                    slot = (slot + 1) & (size - 1)
                words[slot] = self.words[i]
        PyMem_Free(self.words)
        self.words = words
        self.word_slots = size
        return 0

    cdef int32_t add_word(self, const uint32_t *s, Py_ssize_t length, uint64_t h) except -1:
        """The id of the word s[:length] (hash h), a new one when it is not yet known."""
        cdef Py_ssize_t k, slot
        cdef WordSlot *w
        if 2 * (self.n_words + 1) > self.word_slots:
            self.grow_words()
        slot = h & (self.word_slots - 1)
        while True:
            w = &self.words[slot]
            if w.id < 0:
                break
            if w.hash == h and w.length == length:
                for k in range(length):
                    if s[k] != self.chars[w.start + k]:
                        break
                else:
                    return w.id
            slot = (slot + 1) & (self.word_slots - 1)
        memcpy(self.chars + self.n_chars, s, length * sizeof(uint32_t))
        w.hash = h
        w.start = self.n_chars
        w.length = <int32_t>length
        w.id = <int32_t>self.n_words
        self.word_mask[self.n_words] = 0
        self.n_chars += length
        self.n_words += 1
        return w.id

    cdef void add_gram(self, int32_t a, int32_t b, int32_t c, uint64_t bit) noexcept:
        """Marks the 3-gram of ids a, b, c with bit (there is always a free slot: the table has
        twice as many as the grams it is given)."""
        cdef Py_ssize_t slot = gram_hash(a, b, c) & (self.gram_slots - 1)
        cdef GramSlot *g
        while True:
            g = &self.grams[slot]
            if g.a < 0:
                g.a, g.b, g.c, g.mask = a, b, c, bit
                return
            if g.a == a and g.b == b and g.c == c:
                g.mask |= bit
                return
            slot = (slot + 1) & (self.gram_slots - 1)

    cdef inline uint64_t gram_mask(self, int32_t a, int32_t b, int32_t c) noexcept:
        """The mask of the 3-gram of ids a, b, c (0 when no reference holds it)."""
        cdef Py_ssize_t slot = gram_hash(a, b, c) & (self.gram_slots - 1)
        cdef GramSlot *g
        while True:
            g = &self.grams[slot]
            if g.a < 0:
                return 0
            if g.a == a and g.b == b and g.c == c:
                return g.mask
            slot = (slot + 1) & (self.gram_slots - 1)


cdef Py_ssize_t count_words(const chars_t *s, Py_ssize_t n) noexcept:
    """How many runs of word characters (re's \\w+) s holds."""
    cdef Py_ssize_t i, count = 0
    cdef bint inside = False, word
    for i in range(n):
        word = is_word_char(s[i])
        count += word and not inside
        inside = word
    return count

cdef int add_reference(
    _References t, const chars_t *s, Py_ssize_t n, uint32_t *word, int j
) except -1:
    """Adds the words and word 3-grams of the lower-cased reference s (column j) to t; word
    holds n code points."""
    cdef Py_ssize_t at = 0, length, count = 0
    cdef uint64_t h, bit = <uint64_t>1 << j
    cdef int32_t a = -1, b = -1, c
    cdef uint32_t ch
    while at < n:
        if not is_word_char(s[at]):
            at += 1
            continue
        h = FNV_BASIS
        length = 0
        while at < n:
            ch = s[at]
            if not is_word_char(ch):
                break
            h = hash_step(h, ch)
            word[length] = ch
            length += 1
            at += 1
        c = t.add_word(word, length, hash_end(h))
        t.word_mask[c] |= bit
        if count >= 2:
            t.add_gram(a, b, c, bit)
        a, b = b, c
        count += 1
    return 0

cdef inline int32_t find_word(
    _References t, const chars_t *s, Py_ssize_t length, uint64_t h, bint fold
) noexcept:
    """The id of the word s[:length] (hash h; ASCII upper case lowered when fold), -1 when no
    reference holds it."""
    cdef Py_ssize_t k, slot = h & (t.word_slots - 1)
    cdef WordSlot *w
    cdef uint32_t c
    while True:
        w = &t.words[slot]
        if w.id < 0:
            return -1
        if w.hash == h and w.length == length:
            for k in range(length):
                c = s[k]
                if fold and 65 <= c <= 90:
                    c += 32
                if c != t.chars[w.start + k]:
                    break
            else:
                return w.id
        slot = (slot + 1) & (t.word_slots - 1)

cdef void line_overlap(
    _References t,
    const chars_t *s,
    Py_ssize_t n,
    bint fold,
    const int *columns,
    Py_ssize_t n_columns,
    float *row,
) noexcept:
    """One line's row of overlap: s is the line lower-cased, or (fold) an ASCII line whose
    upper case is lowered here."""
    cdef Py_ssize_t at = 0, start, count = 0, k
    cdef Py_ssize_t hits[MAX_REFERENCES]
    cdef int32_t a = -1, b = -1, c, first = -1, second = -1
    cdef uint64_t h, mask
    cdef uint32_t ch
    for k in range(n_columns):
        hits[k] = 0
    while at < n:
        if not is_word_char(s[at]):
            at += 1
            continue
        start = at
        h = FNV_BASIS
        while at < n:
            ch = s[at]
            if not is_word_char(ch):
                break
            if fold and 65 <= ch <= 90:
                ch += 32
            h = hash_step(h, ch)
            at += 1
        c = find_word(t, s + start, at - start, hash_end(h), fold)
        if count == 0:
            first = c
        elif count == 1:
            second = c
        elif a >= 0 and b >= 0 and c >= 0:
            mask = t.gram_mask(a, b, c)
            if mask:
                for k in range(n_columns):
                    hits[k] += mask >> columns[k] & 1
        a, b = b, c
        count += 1
    if count >= 3:
        for k in range(n_columns):
            row[columns[k]] = <float>(<double>hits[k] / <double>(count - 2))
    elif count > 0:
        for k in range(n_columns):
            hits[k] = 0
            if first >= 0:
                hits[k] = t.word_mask[first] >> columns[k] & 1
            if count == 2 and second >= 0:
                hits[k] += t.word_mask[second] >> columns[k] & 1
            row[columns[k]] = <float>(<double>hits[k] / <double>count)
    else:
        for k in range(n_columns):
            row[columns[k]] = 0


def overlap(list texts not None, tuple references not None, float[:, ::1] out not None):
    """overlap(texts, references, out): for each line of the list texts and each str of the
    tuple references (at most 64), the share of the line's word 3-grams found among the
    reference's (of its words, for a line of fewer than three words), written into out (float32,
    one row a line, one column a reference, filled with -1 beforehand: a column of a reference of
    fewer than three words is left so), bit for bit as ``structured._python_overlap`` computes
    it. Words are re's \\w+ of str.lower() of each text; words of a line are compared with the
    references' by their code points."""
    cdef Py_ssize_t i, j, n = len(texts), n_refs = len(references), n_columns = 0
    cdef Py_ssize_t longest = 0, all_chars = 0, all_words = 0, all_grams = 0, words
    cdef int columns[MAX_REFERENCES]
    cdef int kind
    cdef const void *data
    cdef uint32_t *word
    if n_refs > MAX_REFERENCES:
        raise ValueError("overlap: at most 64 references")
    if out.shape[0] != n or out.shape[1] != n_refs:
        raise ValueError(
            f"overlap: out is {out.shape[0]} x {out.shape[1]}, not {n} x {n_refs}"
        )
    lowered = [reference.lower() for reference in references]
    for j in range(n_refs):
        check_str(lowered[j], "reference", j)
        data = PyUnicode_DATA(lowered[j])
        kind = PyUnicode_KIND(lowered[j])
        if kind == 1:
            words = count_words(<uint8_t *>data, PyUnicode_GET_LENGTH(lowered[j]))
        elif kind == 2:
            words = count_words(<uint16_t *>data, PyUnicode_GET_LENGTH(lowered[j]))
        else:
            words = count_words(<uint32_t *>data, PyUnicode_GET_LENGTH(lowered[j]))
        if words >= 3:
            columns[n_columns] = j
            n_columns += 1
            longest = max(longest, PyUnicode_GET_LENGTH(lowered[j]))
            all_chars += PyUnicode_GET_LENGTH(lowered[j])
            all_words += words
            all_grams += words - 2
    if n_columns == 0:
        return
    cdef _References t = _References(all_chars, all_words, all_grams)
    word = <uint32_t *>PyMem_Malloc(max(longest, 1) * sizeof(uint32_t))
    if word == NULL:
        raise MemoryError()
    try:
        for i in range(n_columns):
            j = columns[i]
            data = PyUnicode_DATA(lowered[j])
            kind = PyUnicode_KIND(lowered[j])
            if kind == 1:
                add_reference(t, <uint8_t *>data, PyUnicode_GET_LENGTH(lowered[j]), word, j)
            elif kind == 2:
                add_reference(t, <uint16_t *>data, PyUnicode_GET_LENGTH(lowered[j]), word, j)
            else:
                add_reference(t, <uint32_t *>data, PyUnicode_GET_LENGTH(lowered[j]), word, j)
    finally:
        PyMem_Free(word)
    for i in range(n):
        text = texts[i]
        if type(text) is str:
            bx_ready(text)
            if PyUnicode_IS_ASCII(text):
                line_overlap(
                    t, <uint8_t *>PyUnicode_1BYTE_DATA(text), PyUnicode_GET_LENGTH(text), True,
                    columns, n_columns, &out[i, 0]
                )
                continue
        text = text.lower()
        check_str(text, "line", i)
        data = PyUnicode_DATA(text)
        kind = PyUnicode_KIND(text)
        if kind == 1:
            line_overlap(
                t, <uint8_t *>data, PyUnicode_GET_LENGTH(text), False, columns, n_columns,
                &out[i, 0]
            )
        elif kind == 2:
            line_overlap(
                t, <uint16_t *>data, PyUnicode_GET_LENGTH(text), False, columns, n_columns,
                &out[i, 0]
            )
        else:
            line_overlap(
                t, <uint32_t *>data, PyUnicode_GET_LENGTH(text), False, columns, n_columns,
                &out[i, 0]
            )


# ---------------------------------------------------------------- containers' shares of prose
def container_shares(list containers, const float[::1] prose, double total, float[:, ::1] out):
    """container_shares(containers, prose, total, out) -> bool: columns 0-5, 10 and 11 of
    ``features._container_features`` (the page's prose held by each line's four innermost
    containers, the main region and the line's parent/grandparent against the first long line
    of prose), written into out (n x 12 float32, those columns only), as the NumPy path
    computes them: each container's prose summed in line order, in float64. ``containers``:
    each line's tuple of block ids, outermost first; ``prose``: each line's prose characters;
    ``total``: their sum (at least 1). Returns False (out untouched) when an id is negative or
    too large to count by: the caller computes with NumPy."""
    cdef Py_ssize_t n = len(containers), i, k, m, first = 0, best_at = 0
    cdef Py_ssize_t depth = 0
    cdef long long v, most = -1, main = -1
    cdef tuple c
    if prose.shape[0] != n or out.shape[0] != n or out.shape[1] != 12:
        raise ValueError("container_shares: buffer sizes do not match")
    for i in range(n):
        c = <tuple?> containers[i]
        depth = max(depth, len(c))
        for k in range(len(c)):
            v = c[k]
            if v < 0 or v > (1 << 24):
                return False
            most = max(most, v)
    if depth == 0:
        return True  # no containers: these columns stay 0
    cdef double *held = <double *>PyMem_Calloc(most + 1, sizeof(double))
    cdef long long *ids = <long long *>PyMem_Malloc(max(n * depth, 1) * sizeof(long long))
    if held == NULL or ids == NULL:
        PyMem_Free(held)
        PyMem_Free(ids)
        raise MemoryError()
    cdef long long *row
    cdef double half = 0.5 * total
    try:
        # the ids right-aligned (-1 before a short tuple), and the prose each id holds
        for i in range(n):
            c = <tuple>containers[i]
            m = len(c)
            row = ids + i * depth
            for k in range(depth - m):
                row[k] = -1
            for k in range(m):
                v = c[k]
                row[depth - m + k] = v
                held[v] += <double>prose[i]
        for i in range(n):
            row = ids + i * depth
            for k in range(min(4, depth)):
                v = row[depth - 1 - k]
                out[i, k] = <float>((held[v] if v >= 0 else 0.0) / total)
        # the main region: the container holding at least half the prose that holds the least
        # (ties: the later, inner one)
        for v in range(most + 1):
            if held[v] >= half and held[v] > 0 and (
                main < 0 or held[v] < held[main] or (held[v] == held[main] and v > main)
            ):
                main = v
        for i in range(n):
            out[i, 4] = 0.0
            out[i, 5] = 0.0
        if main >= 0:
            for i in range(n):
                row = ids + i * depth
                for k in range(depth):
                    if row[k] == main:
                        out[i, 4] = 1.0
                        break
                out[i, 5] = <float>(held[main] / total)
        # the first long line of prose, else the one with the most
        first = -1
        for i in range(n):
            if prose[i] >= 150:
                first = i
                break
            if prose[i] > prose[best_at]:
                best_at = i
        if first < 0:
            first = best_at
        for i in range(n):
            for m in range(2):  # column 10: the parent (k = 2), 11: the grandparent (k = 3)
                k = 2 + m
                if depth >= k:
                    v = ids[i * depth + depth - k]
                    out[i, 10 + m] = (
                        1.0 if v >= 0 and v == ids[first * depth + depth - k] else 0.0
                    )
                else:
                    out[i, 10 + m] = 0.0
    finally:
        PyMem_Free(held)
        PyMem_Free(ids)
    return True
