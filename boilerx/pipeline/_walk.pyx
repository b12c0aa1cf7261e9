# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""The HTML lines stage's DOM walk, compiled: the walk of ``lines._walk`` over Lexbor's own
tree (the one selectolax parsed), with no Python object per node.

``lines._walk`` is the reference and this module must give the same lines, column for column;
``lines`` checks it against the reference on a probe page before using it, and the tests do on
generated pages. Streamed React pages (templates replaced by their parts) are left to the
reference.

Lexbor is reached two ways, both without its headers: the first fields of its node and text
structs are declared below (they have been the same since Lexbor 2), and attributes are read
through the functions selectolax's module exports, found with ctypes (``bind``)."""

from cpython cimport array
from cpython.long cimport PyLong_FromLong
from cpython.ref cimport Py_INCREF
from cpython.tuple cimport PyTuple_New, PyTuple_SET_ITEM
from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromStringAndSize
from cpython.object cimport Py_SIZE
from cpython.unicode cimport (
    PyUnicode_AsUTF8AndSize, PyUnicode_DecodeUTF8, PyUnicode_GET_LENGTH,
)
from libc.stdint cimport int64_t, uint16_t, uint32_t, uint64_t, uint8_t, uintptr_t
from libc.stdlib cimport free, malloc, realloc
from libc.string cimport memchr, memcmp, memcpy, memset, strlen

import array

cdef extern from *:
    """
    /* The leading fields of lxb_dom_node_t and lxb_dom_character_data_t
       (lexbor/dom/interfaces/node.h, character_data.h). */
    typedef struct bx_node {
        void *events;
        uintptr_t local_name;  /* the tag id of an element */
        uintptr_t prefix;
        uintptr_t ns;
        void *owner_document;
        struct bx_node *next;
        struct bx_node *prev;
        struct bx_node *parent;
        struct bx_node *first_child;
        struct bx_node *last_child;
        void *user;
        int type;
    } bx_node;
    typedef struct { bx_node node; unsigned char *data; size_t length; } bx_text;
    """
    ctypedef struct bx_node:
        uintptr_t local_name
        bx_node *next
        bx_node *prev
        bx_node *parent
        bx_node *first_child
        int type
    ctypedef struct bx_text:
        unsigned char *data
        size_t length

ctypedef void *(*first_attr_f)(bx_node *element) noexcept nogil
ctypedef void *(*next_attr_f)(void *attr) noexcept nogil
ctypedef const unsigned char *(*attr_str_f)(void *attr, size_t *length) noexcept nogil

cdef first_attr_f _first_attr = NULL
cdef next_attr_f _next_attr = NULL
cdef attr_str_f _attr_name = NULL
cdef attr_str_f _attr_value = NULL

cdef enum:
    ELEMENT = 1  # node types
    TEXT = 3
    TAGS = 256  # Lexbor's own tag ids are below this; others (custom tags) are plain inline
    KEPT = 8  # lines._CONTAINERS_KEPT
    # what a tag is, by tag id (configure)
    SKIP = 1
    BLOCK = 2
    BREAK = 4  # <br>, <hr>: a line ends, nothing is entered
    LINK = 8
    TEMPLATE = 16
    NOSCRIPT = 32
cdef unsigned char _flags[TAGS]
# the tag ids of <meta>, <h1> and <title> (TAGS: not given)
cdef uintptr_t _meta_tag = TAGS, _h1_tag = TAGS, _title_tag = TAGS
cdef uintptr_t _script_tag = TAGS  # and of <script>
cdef uint64_t _tag_bits[TAGS]
cdef int _kind_of_tag[TAGS]  # -1: the enclosing kind
_tag_names = [""] * TAGS
cdef enum:
    TAG_NAME = 16  # bytes of a tag name the walk tells apart, less than
cdef char _tag_name[TAGS][TAG_NAME]  # the names again, as ASCII
cdef Py_ssize_t _tag_name_length[TAGS]
_vocabulary = {}  # what configure was given: class_bits, role bits, ...
_whole_words = {}  # class/id words that count as whole words only, as bytes: their bits
_inner_words = []  # the words that count anywhere in a value, as bytes, sorted
cdef enum:
    INNER_MAX = 256  # inner words at most
    INNER_LENGTH = 32  # bytes of an inner word at most
    PAIR_BYTES = 64  # bytes that begin or follow the first byte of inner words, at most
cdef char _inner[INNER_MAX][INNER_LENGTH]
cdef int _inner_length[INNER_MAX]
cdef uint64_t _inner_bits[INNER_MAX]
# the inner words by their first two bytes: byte b is the _pair_byte[b]-th of those bytes
# (0: none), and the words that begin with bytes b, c are _pair_from[_pair_byte[b]]
# [_pair_byte[c]] to _pair_to[...][...] - 1 (the words are sorted)
cdef unsigned char _pair_byte[256]
cdef uint16_t _pair_from[PAIR_BYTES][PAIR_BYTES]
cdef uint16_t _pair_to[PAIR_BYTES][PAIR_BYTES]
cdef enum:
    WHOLE_MAX = 64  # whole words held in the table below, at most
    WHOLE_SLOTS = 256  # its size (a power of two, 4 x WHOLE_MAX: short runs of slots)
# the whole words of 1 to 8 bytes, hashed by key (their bytes, little-endian, zero-padded),
# with their lengths (0: a free slot) and bits; _n_whole is -1 when the words do not fit
# (then _whole_words is read)
cdef uint64_t _whole_key[WHOLE_SLOTS]
cdef size_t _whole_length[WHOLE_SLOTS]
cdef uint64_t _whole_bits[WHOLE_SLOTS]
cdef int _n_whole = -1
cdef size_t _whole_longest = 0  # bytes of the longest whole word (when _n_whole >= 0)
cdef enum:
    HIDING_MAX = 8  # hiding words (of style values) at most
    HIDING_LENGTH = 16  # bytes of a hiding word, less than
cdef char _hiding[HIDING_MAX][HIDING_LENGTH]
cdef size_t _hiding_length[HIDING_MAX]
cdef int _n_hiding = 0
cdef enum:
    CLASS_CACHE = 65536  # values remembered (the cache is emptied when full)
    CACHE_SLOTS = 131072  # slots of the table of values (a power of two, 2 x CLASS_CACHE)
    LONGEST_CACHED = 4096  # bytes of a value remembered, at most
cdef struct Cached:
    uint32_t check  # the upper half of the value's hash, odd; 0: a free slot
    uint32_t at  # where the value's record lies in _cache_bytes
# the class/id values read so far: an open-addressed table of CACHE_SLOTS, and a record of
# each value one after another (its bits, 8 bytes; its length, 4 bytes; its bytes), made
# at the first value
cdef Cached *_cache = NULL
cdef unsigned char *_cache_bytes = NULL
cdef size_t _cache_bytes_used = 0, _cache_bytes_size = 0
cdef Py_ssize_t _n_cached = 0


def bind(uintptr_t first_attr, uintptr_t next_attr, uintptr_t attr_name, uintptr_t attr_value):
    """Take the addresses of Lexbor's lxb_dom_element_first_attribute_noi,
    lxb_dom_element_next_attribute_noi, lxb_dom_attr_local_name_noi and
    lxb_dom_attr_value_noi."""
    global _first_attr, _next_attr, _attr_name, _attr_value
    _first_attr = <first_attr_f> first_attr
    _next_attr = <next_attr_f> next_attr
    _attr_name = <attr_str_f> attr_name
    _attr_value = <attr_str_f> attr_value


def configure(
    tags, class_bits, undisplayed_bit, role_bits, hidden_style, content_bit, pre_kind,
    whole_words, inner_words, hiding_words
):
    """Set the markup vocabulary: ``tags`` holds (tag id, name, skip, block, break, link,
    template, noscript, bits, kind or -1) for each tag the walk tells apart; ``class_bits``
    reads a class/id value, which ``whole_words`` and ``inner_words`` (word: bits) let this
    module do itself for ASCII values; ``hidden_style`` is asked only about the style values
    that hold one of ``hiding_words`` (lower-case ASCII, found in any case) or are not ASCII."""
    global _n_hiding, _meta_tag, _h1_tag, _title_tag, _script_tag
    cdef int i
    if len(hiding_words) > HIDING_MAX or not all(
        0 < len(word) < HIDING_LENGTH and word.isascii() and word == word.lower()
        for word in hiding_words
    ):
        raise ValueError("too many or too long hiding words for the compiled walk")
    memset(_hiding, 0, sizeof(_hiding))
    for i, word in enumerate(hiding_words):
        encoded = word.encode()
        memcpy(_hiding[i], <const char *> encoded, len(encoded))
        _hiding_length[i] = len(encoded)
    _n_hiding = len(hiding_words)
    for i in range(TAGS):
        _flags[i] = 0
        _tag_bits[i] = 0
        _kind_of_tag[i] = -1
        _tag_names[i] = ""
        _tag_name_length[i] = 0
    _meta_tag = _h1_tag = _title_tag = _script_tag = TAGS
    for tag_id, name, skip, block, brk, link, template, noscript, bits, kind in tags:
        if not 0 <= tag_id < TAGS:
            raise ValueError(f"tag id {tag_id} of <{name}> is not one of Lexbor's own")
        _flags[tag_id] = (
            SKIP * bool(skip) | BLOCK * bool(block) | BREAK * bool(brk) | LINK * bool(link)
            | TEMPLATE * bool(template) | NOSCRIPT * bool(noscript)
        )
        _tag_bits[tag_id] = bits
        _kind_of_tag[tag_id] = kind
        if name == "meta":
            _meta_tag = tag_id
        elif name == "h1":
            _h1_tag = tag_id
        elif name == "title":
            _title_tag = tag_id
        elif name == "script":
            _script_tag = tag_id
        _tag_names[tag_id] = name
        ascii_name = name.encode("ascii")
        if len(ascii_name) >= TAG_NAME:
            raise ValueError(f"tag name <{name}> is too long for the compiled walk")
        memcpy(_tag_name[tag_id], <const char *> ascii_name, len(ascii_name))
        _tag_name_length[tag_id] = len(ascii_name)
    global _n_whole, _whole_longest
    _whole_words.clear()
    _whole_words.update({word.encode(): bits for word, bits in whole_words.items()})
    _n_whole = -1
    memset(_whole_length, 0, sizeof(_whole_length))
    if len(_whole_words) <= WHOLE_MAX and all(1 <= len(word) <= 8 for word in _whole_words):
        for word, bits in _whole_words.items():
            key = _key_of(word, len(word), False)
            i = _whole_slot(key)
            while _whole_length[i]:
                i = (i + 1) % WHOLE_SLOTS
            _whole_key[i] = key
            _whole_length[i] = len(word)
            _whole_bits[i] = bits
        _n_whole = len(_whole_words)
        _whole_longest = max(map(len, _whole_words), default=0)
    _inner_words[:] = sorted(word.encode() for word in inner_words)
    if len(_inner_words) > INNER_MAX or not all(2 <= len(w) <= INNER_LENGTH for w in _inner_words):
        raise ValueError("too many, too short or too long inner class words for the compiled walk")
    pair_bytes = sorted({b for word in _inner_words for b in word[:2]})
    if len(pair_bytes) >= PAIR_BYTES:
        raise ValueError("inner class words of too many letters for the compiled walk")
    memset(_inner, 0, sizeof(_inner))
    memset(_pair_byte, 0, sizeof(_pair_byte))
    memset(_pair_from, 0, sizeof(_pair_from))
    memset(_pair_to, 0, sizeof(_pair_to))
    for i, b in enumerate(pair_bytes):
        _pair_byte[b] = i + 1
    for i, word in enumerate(_inner_words):
        memcpy(_inner[i], <const char *> word, len(word))
        _inner_length[i] = len(word)
        _inner_bits[i] = inner_words[word.decode()]
        first, second = _pair_byte[word[0]], _pair_byte[word[1]]
        if _pair_to[first][second] == 0:
            _pair_from[first][second] = i
        _pair_to[first][second] = i + 1
    _forget_class_values()
    _vocabulary.update(
        class_bits=class_bits, undisplayed_bit=undisplayed_bit, role_bits=role_bits, hidden_style=hidden_style,
        content_bit=content_bit, pre_kind=pre_kind,
    )


def tag_id(uintptr_t node):
    """The tag id of the element at ``node`` (a LexborNode's ``mem_id``), as this module
    reads it."""
    return (<bx_node *> node).local_name


def path_to(uintptr_t node, uintptr_t root):
    """How to reach the node at ``node`` from the node at ``root`` (``mem_id``s): for each
    step down, the child's place among its parent's children (0: the first child), from
    ``root`` on; None when ``root`` is not above it."""
    cdef bx_node *at = <bx_node *> node
    cdef bx_node *sibling
    cdef Py_ssize_t place
    path = []
    while at != NULL and <uintptr_t> at != root:
        place = 0
        sibling = at.prev
        while sibling != NULL:
            place += 1
            sibling = sibling.prev
        path.append(place)
        at = at.parent
    if at == NULL:
        return None
    path.reverse()
    return path


cdef bint _attribute_is(bx_node *node, const char *name, size_t n_name, const char *wanted):
    """Whether the element's attribute ``name`` has the value ``wanted`` (NUL-ended)."""
    cdef size_t n_value
    cdef const unsigned char *value = _attribute(node, name, n_name, &n_value)
    return value != NULL and n_value == strlen(wanted) and memcmp(value, wanted, n_value) == 0


cdef str _content_of(bx_node *node):
    """The element's content attribute ("" without one)."""
    cdef size_t n_value
    cdef const unsigned char *value = _attribute(node, b"content", 7, &n_value)
    return value[:n_value].decode("utf-8", "replace") if value != NULL and n_value else ""


cdef str _text_below(bx_node *top):
    """The data of the text nodes below ``top``, joined (``LexborNode.text()``)."""
    cdef bytearray text = bytearray()
    cdef bx_node *node = top.first_child
    cdef bx_text *data
    while node != NULL:
        if node.type == TEXT:
            data = <bx_text *> node
            text += data.data[:data.length]
        node = _next_below(node, top)
    return text.decode("utf-8", "replace")


cdef inline bx_node *_next_below(bx_node *node, bx_node *top) noexcept nogil:
    """The node after ``node`` in document order below ``top`` (NULL: none)."""
    if node.first_child != NULL:
        return node.first_child
    while node != top and node.next == NULL:
        node = node.parent
    return NULL if node == top else node.next


def title_texts(uintptr_t root_id):
    """What ``lines._title_of`` reads, below the node at ``root_id`` (a LexborNode's
    ``mem_id``), in one pass: the content attributes ("" without one) of the first <meta
    property="og:title"> and of the first <meta name="twitter:title">, and the text of the
    first <h1> and of the first <title>, in document order; None where there is none. The
    pass ends at an og:title whose content holds more than spaces (the rest is None)."""
    cdef bx_node *root = <bx_node *> root_id
    cdef bx_node *node = root.first_child
    og = twitter = h1 = title = None
    while node != NULL:
        if node.type == ELEMENT:
            if node.local_name == _meta_tag:
                if og is None and _attribute_is(node, b"property", 8, b"og:title"):
                    og = _content_of(node)
                    if og.strip():  # the title
                        return og, None, None, None
                if twitter is None and _attribute_is(node, b"name", 4, b"twitter:title"):
                    twitter = _content_of(node)
            elif node.local_name == _h1_tag and h1 is None:
                h1 = _text_below(node)
            elif node.local_name == _title_tag and title is None:
                title = _text_below(node)
        node = _next_below(node, root)
    return og, twitter, h1, title


cdef int _value_is(bx_node *node, const char *name, size_t n_name, const char *wanted):
    """Whether the element's attribute ``name`` has the value ``wanted`` (lower-case ASCII,
    NUL-ended): 1 when it has, 0 when it has not, -1 when a selector may still decide it has
    (the value differs in ASCII case only, or holds other than ASCII)."""
    cdef size_t n_value, i
    cdef const unsigned char *value = _attribute(node, name, n_name, &n_value)
    if value == NULL:
        return 0
    if n_value == strlen(wanted) and memcmp(value, wanted, n_value) == 0:
        return 1
    for i in range(n_value):
        if value[i] >= 0x80:
            return -1
    if n_value != strlen(wanted):
        return 0
    for i in range(n_value):
        if (value[i] | 0x20 if _is_upper(value[i]) else value[i]) != <unsigned char> wanted[i]:
            return 0
    return -1


def structured_sources(uintptr_t root_id):
    """What ``structured._python_sources`` reads below the node at ``root_id`` (a
    LexborNode's ``mem_id``), in one pass: the text of each <script
    type="application/ld+json"> and the content attributes ("" without one) of the <meta>
    elements of og:description, of name=description and of twitter:description, each in
    document order; None where a value may match in another case (the selectors decide)."""
    cdef bx_node *root = <bx_node *> root_id
    cdef bx_node *node = root.first_child
    cdef int json_ld, og, named, twitter
    scripts = []
    og_metas = []
    named_metas = []
    twitter_metas = []
    while node != NULL:
        if node.type == ELEMENT:
            if node.local_name == _script_tag:
                json_ld = _value_is(node, b"type", 4, b"application/ld+json")
                if json_ld < 0:
                    return None
                if json_ld:
                    scripts.append(_text_below(node))
            elif node.local_name == _meta_tag:
                og = _value_is(node, b"property", 8, b"og:description")
                named = _value_is(node, b"name", 4, b"description")
                twitter = _value_is(node, b"name", 4, b"twitter:description")
                if og < 0 or named < 0 or twitter < 0:
                    return None
                if og:
                    og_metas.append(_content_of(node))
                if named:
                    named_metas.append(_content_of(node))
                if twitter:
                    twitter_metas.append(_content_of(node))
        node = _next_below(node, root)
    return scripts, og_metas + named_metas + twitter_metas


def text_of(uintptr_t node):
    """The data of the text node at ``node``, as this module reads it."""
    cdef bx_text *text = <bx_text *> node
    return text.data[:text.length].decode("utf-8", "replace")


cdef const unsigned char *_attribute(
    bx_node *node, const char *wanted, size_t n_wanted, size_t *n_value
) noexcept:
    """The value of the element's attribute ``wanted`` (``n_value`` bytes; NULL: none)."""
    cdef void *attr = _first_attr(node)
    cdef const unsigned char *name
    cdef size_t n_name
    while attr != NULL:
        name = _attr_name(attr, &n_name)
        if n_name == n_wanted and memcmp(name, wanted, n_wanted) == 0:
            return _attr_value(attr, n_value)
        attr = _next_attr(attr)
    return NULL


cdef inline bint _ascii_space(unsigned char c) noexcept nogil:
    return c == 32 or 9 <= c <= 13 or 28 <= c <= 31


cdef bint _may_hide(const unsigned char *value, size_t n) noexcept nogil:
    """Whether the style value of ``n`` bytes at ``value`` may hide its element: it is not
    ASCII, or it holds one of the hiding words, in any case."""
    cdef size_t i, j, k
    for i in range(n):
        if value[i] >= 128:
            return True
    for k in range(_n_hiding):
        for i in range(n - _hiding_length[k] + 1 if n >= _hiding_length[k] else 0):
            j = 0
            while j < _hiding_length[k] and (
                value[i + j] + 32 if _is_upper(value[i + j]) else value[i + j]
            ) == <unsigned char> _hiding[k][j]:
                j += 1
            if j == _hiding_length[k]:
                return True
    return False


def class_bits_of(bytes value):
    """The context bits of a class/id value, as the walk reads them (``lines.class_bits``)."""
    return _class_bits(value, len(value))


cdef inline bint _is_lower(unsigned char c) noexcept nogil:
    return 97 <= c <= 122


cdef inline bint _is_upper(unsigned char c) noexcept nogil:
    return 65 <= c <= 90


cdef inline uint64_t _key_of(const unsigned char *word, size_t n, bint lower) noexcept nogil:
    """The bytes of a word of at most 8 bytes (ASCII lower-cased when ``lower``) as one
    integer, little-endian, zero-padded."""
    cdef uint64_t key = 0
    cdef size_t j
    cdef unsigned char c
    for j in range(n):
        c = word[j]
        if lower and _is_upper(c):
            c += 32
        key |= (<uint64_t> c) << (8 * j)
    return key


cdef inline size_t _whole_slot(uint64_t key) noexcept nogil:
    """Where the table of whole words begins to look for ``key``."""
    return <size_t> ((key * 0x9E3779B97F4A7C15ULL) >> 56) % WHOLE_SLOTS


cdef inline uint64_t _whole_word(const unsigned char *word, size_t n, bint lower) noexcept nogil:
    """The bits of ``word`` (``n`` bytes, lower-cased first when ``lower``) when it is one of
    the whole words, else 0: ``_whole_words.get(word)`` when _n_whole >= 0."""
    if n > _whole_longest:
        return 0
    cdef uint64_t key = _key_of(word, n, lower)
    cdef size_t slot = _whole_slot(key)
    while _whole_length[slot]:
        if _whole_key[slot] == key and _whole_length[slot] == n:
            return _whole_bits[slot]
        slot = (slot + 1) % WHOLE_SLOTS
    return 0


cdef inline bint _has(
    const unsigned char *data, size_t n, const char *word, size_t n_word
) noexcept nogil:
    """Whether ``word`` occurs in ``data`` (``word in data`` for bytes)."""
    cdef size_t i
    if n_word > n:
        return False
    for i in range(n - n_word + 1):
        if data[i] == word[0] and memcmp(data + i, word, n_word) == 0:
            return True
    return False


cdef void _forget_class_values() noexcept nogil:
    """Empty the table of class/id values read."""
    global _n_cached, _cache_bytes_used
    if _cache != NULL:
        memset(_cache, 0, CACHE_SLOTS * sizeof(Cached))
    _n_cached = 0
    _cache_bytes_used = 0


cdef inline uint64_t _hash_of(const unsigned char *data, size_t n) noexcept nogil:
    """A hash of ``data``, 8 bytes at a step."""
    cdef uint64_t h = 0x9E3779B97F4A7C15ULL ^ n, chunk
    cdef size_t i = 0
    while i + 8 <= n:
        memcpy(&chunk, data + i, 8)
        h = (h ^ chunk) * 0xBF58476D1CE4E5B9ULL
        h ^= h >> 31
        i += 8
    chunk = 0
    memcpy(&chunk, data + i, n - i)
    h = (h ^ chunk) * 0x94D049BB133111EBULL
    return h ^ (h >> 29)


cdef uint64_t _class_bits(const unsigned char *value, size_t n) except? 0:
    """``lines.class_bits`` of the attribute value of ``n`` bytes at ``value`` (UTF-8),
    remembered (``_read_class_value`` reads a value not met before)."""
    global _cache, _cache_bytes, _cache_bytes_size, _cache_bytes_used, _n_cached
    cdef uint64_t h = _hash_of(value, n), bits
    cdef uint32_t check = <uint32_t> (h >> 32) | 1, length
    cdef size_t slot = h & (CACHE_SLOTS - 1), size, record = 12 + n
    cdef const unsigned char *at
    cdef unsigned char *grown
    if _cache == NULL:
        _cache = <Cached *> malloc(CACHE_SLOTS * sizeof(Cached))
        if _cache == NULL:
            raise MemoryError()
        _forget_class_values()
    while _cache[slot].check != 0:
        if _cache[slot].check == check:
            at = _cache_bytes + _cache[slot].at
            memcpy(&length, at + 8, 4)
            if length == n and memcmp(at + 12, value, n) == 0:
                memcpy(&bits, at, 8)
                return bits
        slot = (slot + 1) & (CACHE_SLOTS - 1)
    bits = _read_class_value(value, n)
    if n > LONGEST_CACHED:
        return bits
    if _n_cached >= CLASS_CACHE:  # full: start again
        _forget_class_values()
        slot = h & (CACHE_SLOTS - 1)
    if _cache_bytes == NULL or _cache_bytes_used + record > _cache_bytes_size:
        size = max(2 * _cache_bytes_size, _cache_bytes_used + record, 65536)
        grown = <unsigned char *> realloc(_cache_bytes, size)
        if grown == NULL:
            raise MemoryError()
        _cache_bytes, _cache_bytes_size = grown, size
    length = <uint32_t> n
    memcpy(_cache_bytes + _cache_bytes_used, &bits, 8)
    memcpy(_cache_bytes + _cache_bytes_used + 8, &length, 4)
    memcpy(_cache_bytes + _cache_bytes_used + 12, value, n)
    _cache[slot].check = check
    _cache[slot].at = <uint32_t> _cache_bytes_used
    _cache_bytes_used += record
    _n_cached += 1
    return bits


cdef uint64_t _read_class_value(const unsigned char *data, Py_ssize_t n) except? 0:
    """``lines.class_bits`` of an attribute value: whole words cut at case changes and at
    spaces, inner words anywhere in the lower-cased value. Values that are not ASCII go to
    ``lines.class_bits``."""
    cdef Py_ssize_t i, start
    cdef uint64_t bits = 0
    cdef bytearray lowered
    cdef unsigned char short_value[256]
    cdef unsigned char *low
    cdef unsigned char first, second
    cdef int k
    for i in range(n):
        if data[i] >= 128:
            bits = <uint64_t> _vocabulary["class_bits"](data[:n].decode("utf-8", "replace"))
            break
    else:
        # words as [a-z]+|[A-Z][a-z]*, lower-cased
        i = 0
        while i < n:
            if _is_lower(data[i]) or _is_upper(data[i]):
                start = i
                i += 1
                while i < n and _is_lower(data[i]):
                    i += 1
                if _n_whole >= 0:
                    bits |= _whole_word(data + start, i - start, True)
                    continue
                found = _whole_words.get(data[start:i].lower())
                if found is not None:
                    bits |= <uint64_t> found
            else:
                i += 1
        # the lower-cased value, "_" as "-": its space-separated words, and words inside it
        # value.lower().replace(b"_", b"-"), in one step
        if n <= 256:
            low = short_value
        else:
            lowered = bytearray(n)
            low = lowered
        for i in range(n):
            low[i] = 45 if data[i] == 95 else (data[i] + 32 if _is_upper(data[i]) else data[i])
        i = 0
        while i < n:
            if _ascii_space(low[i]):
                i += 1
                continue
            start = i
            while i < n and not _ascii_space(low[i]):
                i += 1
            if _n_whole >= 0:
                bits |= _whole_word(low + start, i - start, False)
                continue
            found = _whole_words.get(low[start:i])
            if found is not None:
                bits |= <uint64_t> found
        for i in range(n - 1):  # the words that begin with this byte and the next
            first, second = _pair_byte[low[i]], _pair_byte[low[i + 1]]
            if first == 0 or second == 0:
                continue
            for k in range(_pair_from[first][second], _pair_to[first][second]):
                if _inner_length[k] <= n - i and memcmp(
                    low + i + 2, _inner[k] + 2, _inner_length[k] - 2
                ) == 0:
                    bits |= _inner_bits[k]
        if _has(low, n, b"hid", 3) or _has(low, n, b"none", 4) or _has(low, n, b"invisible", 9):
            bits |= <uint64_t> _vocabulary["undisplayed_bit"](low[:n].decode("ascii"))
    return bits


cdef str _first_word(const unsigned char *value, size_t n):
    """The first space-separated word of a class value (``value.split(None, 1)[0]``; "" for
    none)."""
    cdef size_t i, start
    if value == NULL or n == 0:
        return ""
    for i in range(n):
        if value[i] >= 128:  # not ASCII: Python says what is space
            words = value[:n].decode("utf-8", "replace").split(None, 1)
            return words[0] if words else ""
    i = 0
    while i < n and _ascii_space(value[i]):
        i += 1
    start = i
    while i < n and not _ascii_space(value[i]):
        i += 1
    return value[start:i].decode("ascii")


cdef str _signature_in(str around, uintptr_t tag, const unsigned char *cls, size_t n_cls):
    """The signature of a block of tag id ``tag`` and class value ``cls`` inside the block of
    signature ``around``: ``around[around.rfind(">", 0, around.rfind(">")) + 1 :] + ">" +
    name + "." + first class word``, put together in UTF-8 (a ">" is one byte there)."""
    cdef Py_ssize_t n_around, last, start, i, n_word = 0, n_name = _tag_name_length[tag], size
    cdef const char *parts = PyUnicode_AsUTF8AndSize(around, &n_around)
    cdef const unsigned char *word = cls
    cdef bytes encoded
    cdef bytearray long_sig
    cdef char short_sig[256]
    cdef char *out = short_sig
    last = n_around - 1
    while last >= 0 and parts[last] != 62:  # the last ">"
        last -= 1
    start = 0
    if last > 0:
        i = last - 1
        while i >= 0 and parts[i] != 62:  # the one before it
            i -= 1
        start = i + 1
    if cls != NULL:
        for i in range(n_cls):
            if cls[i] >= 128:  # not ASCII: Python says what is space
                encoded = _first_word(cls, n_cls).encode()
                word, n_word = encoded, len(encoded)
                break
        else:
            i = 0
            while i < <Py_ssize_t> n_cls and _ascii_space(cls[i]):
                i += 1
            word = cls + i
            while i < <Py_ssize_t> n_cls and not _ascii_space(cls[i]):
                i += 1
            n_word = i - (word - cls)
    size = n_around - start + 1 + n_name + 1 + n_word
    if size > 256:
        long_sig = bytearray(size)
        out = long_sig
    memcpy(out, parts + start, n_around - start)
    i = n_around - start
    out[i] = 62  # ">"
    memcpy(out + i + 1, _tag_name[tag], n_name)
    i += 1 + n_name
    out[i] = 46  # "."
    if n_word:
        memcpy(out + i + 1, word, n_word)
    return PyUnicode_DecodeUTF8(out, size, NULL)


cdef struct Frame:
    bx_node *node
    uint64_t bits  # context bits of all ancestors
    uint64_t near  # ... of the enclosing block and the block around it
    uint64_t block_bits  # ... since the enclosing block
    uint64_t outer  # ... of block-level ancestors
    int depth
    int conts[KEPT]  # the innermost enclosing block ids
    int n_conts
    int block_frame  # the frame of the enclosing block (this one for a block; -1: none)
    # a block's own: its tag id, its class value (in Lexbor's memory), the frame of the block
    # around it, its signature (index in Walk.signatures; -1 until a line asks for it) and
    # the signature's label (-1 until a line of the block asks for it)
    uintptr_t tag
    const unsigned char *cls
    size_t n_cls
    int parent_block
    int sig
    Py_ssize_t label
    int kind
    bint in_link
    bint block


cdef Py_ssize_t _stripped_length(const unsigned char *data, size_t n) except -1:
    """``len(data[:n].decode("utf-8", "replace").strip())``, counted in the bytes when they
    are ASCII."""
    cdef size_t start = 0, end = n, i
    for i in range(n):
        if data[i] >= 128:
            return len(data[:n].decode("utf-8", "replace").strip())
    while start < end and _ascii_space(data[start]):
        start += 1
    while end > start and _ascii_space(data[end - 1]):
        end -= 1
    return end - start


cdef inline bint _unicode_space_at(const unsigned char *data, size_t n) noexcept nogil:
    """Whether the UTF-8 ``data`` (``n`` bytes, at least 1) begins with a space that is not
    ASCII (U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000:
    the others str.split splits at)."""
    cdef unsigned char c = data[0]
    cdef unsigned char c1 = data[1] if n > 1 else 0
    cdef unsigned char c2 = data[2] if n > 2 else 0
    if c == 0xC2:
        return c1 == 0x85 or c1 == 0xA0
    if c == 0xE1:
        return c1 == 0x9A and c2 == 0x80
    if c == 0xE2:
        return (c1 == 0x80 and (c2 <= 0x8A or c2 == 0xA8 or c2 == 0xA9 or c2 == 0xAF)) or (
            c1 == 0x81 and c2 == 0x9F
        )
    return c == 0xE3 and c1 == 0x80 and c2 == 0x80


cdef enum:  # what a byte of a line's UTF-8 is to _line_text
    WORD_BYTE = 0
    ASCII_SPACE = 1
    MAY_BEGIN_SPACE = 2  # the first byte of the spaces that are not ASCII
cdef unsigned char _byte_kind[256]


cdef void _set_byte_kinds() noexcept nogil:
    cdef int c
    for c in range(256):
        _byte_kind[c] = WORD_BYTE
        if _ascii_space(c):
            _byte_kind[c] = ASCII_SPACE
        elif c == 0xC2 or c == 0xE1 or c == 0xE2 or c == 0xE3:
            _byte_kind[c] = MAY_BEGIN_SPACE


_set_byte_kinds()


cdef inline int _append(array.array column, long long value) except -1:
    """Append ``value`` to an int64 array, growing it as a list grows."""
    cdef Py_ssize_t n = Py_SIZE(column)
    array.resize_smart(column, n + 1)
    column.data.as_longlongs[n] = value
    return 0


cdef str _line_text(unsigned char *data, size_t n):
    """``" ".join(data[:n].decode("utf-8", "replace").split())``; ``data`` is changed. In one
    pass over the bytes, runs of ASCII spaces become one " " (none at the ends), in place,
    and spaces that are not ASCII are looked for. An ASCII byte is never part of a UTF-8
    sequence, valid or not, so the decoded characters between the runs stay the same: the
    squeezed bytes are the line's text where they hold no other space, and str.split reads
    them where they do."""
    cdef size_t i, j = 0
    cdef bint pending = False, unicode_space = False
    cdef unsigned char c, kind
    for i in range(n):
        c = data[i]
        kind = _byte_kind[c]
        if kind == ASCII_SPACE:
            pending = j > 0
            continue
        if kind == MAY_BEGIN_SPACE and not unicode_space:
            unicode_space = _unicode_space_at(data + i, n - i)  # bytes from i on are unchanged
        if pending:
            data[j] = 32
            j += 1
            pending = False
        data[j] = c
        j += 1
    if unicode_space:
        return " ".join(data[:j].decode("utf-8", "replace").split())
    return data[:j].decode("utf-8", "replace")


def line_text(bytes data):
    """The text of a line whose UTF-8 bytes are ``data``, as the walk makes it: the
    words of ``data.decode("utf-8", "replace")``, separated by one " "."""
    cdef bytearray copy = bytearray(data)
    return _line_text(copy, len(copy))


cdef tuple _containers(Frame *frame):
    """The block ids of the blocks around ``frame`` (the innermost last), as a tuple."""
    cdef tuple ids = PyTuple_New(frame.n_conts)
    cdef int i
    for i in range(frame.n_conts):
        item = PyLong_FromLong(frame.conts[i])
        Py_INCREF(item)  # PyTuple_SET_ITEM takes the reference
        PyTuple_SET_ITEM(ids, i, item)
    return ids


cdef class Walk:
    """One walk's state: the frames of the open elements, the text of the line being read."""

    cdef Frame *frames
    cdef int n_frames, cap_frames
    cdef char *buf  # UTF-8 of the line being read
    cdef size_t n_buf, cap_buf
    cdef Frame line  # the context of the line being read (when has_line)
    cdef bint has_line
    cdef long piece_link, piece_nlinks
    cdef int block_ids
    cdef bint skip_noscript, note_skipped
    cdef list signatures
    cdef dict labels  # signature: its label, in the order lines first have it
    cdef object page, texts, containers_out, sigs_out, block_tags, pre_texts
    cdef array.array kinds, link_chars, n_links, bits_out, outer_out, near_out, depths
    cdef array.array sig_labels, parents
    cdef public list noscripts  # mem_ids of the <noscript> elements passed over
    cdef public bint streaming  # a template of React's streaming was passed over
    # React's streamed parts (lines._streamed_parts): the part of each template id (bytes: a
    # mem_id), taken once each, and the mem_ids of the fallbacks they remove; None: none
    cdef dict parts
    cdef set fallback
    cdef uintptr_t part  # the part element() found for a template
    cdef int max_lines
    cdef object class_bits, role_bits, hidden_style, get_bits
    cdef uint64_t content_bit
    cdef int pre_kind

    def __cinit__(self):
        self.frames = NULL
        self.buf = NULL

    def __dealloc__(self):
        free(self.frames)
        free(self.buf)

    def __init__(self, page, bint skip_noscript, bint note_skipped, int max_lines):
        self.cap_frames = 64
        self.frames = <Frame *> malloc(self.cap_frames * sizeof(Frame))
        self.cap_buf = 4096
        self.buf = <char *> malloc(self.cap_buf)
        if self.frames == NULL or self.buf == NULL:
            raise MemoryError()
        self.n_frames = 0
        self.n_buf = 0
        self.has_line = False
        self.piece_link = 0
        self.piece_nlinks = 0
        self.block_ids = 0
        self.skip_noscript = skip_noscript
        self.note_skipped = note_skipped
        self.max_lines = max_lines
        self.signatures = [""]
        self.labels = {}
        self.noscripts = []
        self.streaming = False
        self.page = page
        # the numeric columns are arrays of int64 ("q"), made here
        page.kinds = self.kinds = array.array("q")
        page.link_chars = self.link_chars = array.array("q")
        page.n_links = self.n_links = array.array("q")
        page.bits = self.bits_out = array.array("q")
        page.outer_bits = self.outer_out = array.array("q")
        page.near_bits = self.near_out = array.array("q")
        page.depths = self.depths = array.array("q")
        page.signature_labels = self.sig_labels = array.array("q")
        page.parent_blocks = self.parents = array.array("q")
        self.texts, self.containers_out = page.texts, page.containers
        self.sigs_out, self.block_tags, self.pre_texts = (
            page.signatures, page.block_tags, page.pre_texts
        )
        self.class_bits = _vocabulary["class_bits"]
        self.role_bits = _vocabulary["role_bits"]
        self.get_bits = self.role_bits.get
        self.hidden_style = _vocabulary["hidden_style"]
        self.content_bit = _vocabulary["content_bit"]
        self.pre_kind = _vocabulary["pre_kind"]

    cdef Frame *push(self) except NULL:
        cdef Frame *grown
        if self.n_frames == self.cap_frames:
            grown = <Frame *> realloc(self.frames, 2 * self.cap_frames * sizeof(Frame))
            if grown == NULL:
                raise MemoryError()
            self.frames = grown
            self.cap_frames *= 2
        self.n_frames += 1
        return &self.frames[self.n_frames - 1]

    cdef int add_text(self, const unsigned char *data, size_t length) except -1:
        cdef size_t want = self.n_buf + length
        cdef char *grown
        if want > self.cap_buf:
            while self.cap_buf < want:
                self.cap_buf *= 2
            grown = <char *> realloc(self.buf, self.cap_buf)
            if grown == NULL:
                raise MemoryError()
            self.buf = grown
        memcpy(self.buf + self.n_buf, data, length)
        self.n_buf = want
        return 0

    cdef int flush(self) except -1:
        """End the line being read: append it to the page when it has text."""
        cdef Frame *ctx = &self.line
        cdef long n_links = self.piece_nlinks
        self.piece_nlinks = 0
        if self.n_buf == 0:
            return 0
        if not self.has_line:  # text only of spaces: no line
            self.n_buf = 0
            self.piece_link = 0
            return 0
        cdef str raw = None
        if ctx.kind == self.pre_kind:
            raw = self.buf[:self.n_buf].decode("utf-8", "replace")
            text = " ".join(raw.split())
        else:
            text = _line_text(<unsigned char *> self.buf, self.n_buf)
        if text:
            if ctx.kind == self.pre_kind:  # its line breaks and indentation are the code's
                self.pre_texts[len(self.texts)] = raw.strip("\n").rstrip()
            self.texts.append(text)
            _append(self.kinds, ctx.kind)
            _append(self.link_chars, min(self.piece_link, len(text)))
            _append(self.n_links, n_links)
            _append(self.bits_out, ctx.bits)
            _append(self.outer_out, ctx.outer)
            _append(self.near_out, ctx.near)
            _append(self.depths, ctx.depth)
            self.containers_out.append(_containers(ctx))
            self.sigs_out.append(self.signature(ctx.block_frame))
            _append(self.sig_labels, self.label(ctx.block_frame))
            _append(
                self.parents,
                ctx.conts[ctx.n_conts - 2] if ctx.n_conts > 1
                else (ctx.conts[0] if ctx.n_conts else 0),
            )
        self.n_buf = 0
        self.piece_link = 0
        self.has_line = False
        return 0

    cdef int text(self, bx_node *node, Frame *ctx) except -1:
        cdef bx_text *text = <bx_text *> node
        cdef size_t i
        cdef bint blank
        if text.length == 0:
            return 0
        if not self.has_line:
            blank = True
            for i in range(text.length):
                if text.data[i] >= 128:  # not ASCII: Python says what is space
                    blank = text.data[:text.length].decode("utf-8", "replace").isspace()
                    break
                if not _ascii_space(text.data[i]):
                    blank = False
                    break
            if blank:
                return 0
            self.line = ctx[0]
            self.has_line = True
        self.add_text(text.data, text.length)
        if ctx.in_link:
            self.piece_link += _stripped_length(text.data, text.length)
        return 0

    cdef int element(self, bx_node *node, Frame *ctx) except -1:
        """Read an element: returns 1 when it is entered (a frame pushed), 2 when the line
        budget is spent, 0 when it is passed over."""
        cdef uintptr_t tag = node.local_name
        cdef unsigned char flags = _flags[tag] if tag < TAGS else 0
        cdef uint64_t own = _tag_bits[tag] if tag < TAGS else 0
        cdef void *attr
        cdef const unsigned char *name
        cdef const unsigned char *value
        cdef size_t n_name, n_value
        cdef const unsigned char *cls = NULL
        cdef size_t n_cls = 0
        cdef Frame *frame
        cdef int kind, i
        if flags & SKIP and not (flags & NOSCRIPT and not self.skip_noscript):
            if flags & TEMPLATE and self.parts:
                value = _attribute(node, b"id", 2, &n_value)
                part = self.parts.pop(value[:n_value] if value != NULL else b"", None)
                if part is not None:  # a streamed part goes here (each once)
                    self.part = part
                    return 3
            if self.note_skipped:
                if flags & TEMPLATE:
                    value = _attribute(node, b"id", 2, &n_value)
                    if value != NULL and n_value >= 2 and value[1] == 58 and (
                        value[0] == 66 or value[0] == 80
                    ):  # "B:" or "P:"
                        self.streaming = True
                elif flags & NOSCRIPT:
                    self.noscripts.append(<uintptr_t> node)
            return 0
        attr = _first_attr(node)
        while attr != NULL:
            name = _attr_name(attr, &n_name)
            if n_name == 5 and memcmp(name, b"class", 5) == 0:
                value = _attr_value(attr, &n_value)
                if n_value:
                    cls, n_cls = value, n_value
                    own |= _class_bits(value, n_value)
            elif n_name == 2 and memcmp(name, b"id", 2) == 0:
                value = _attr_value(attr, &n_value)
                if n_value:
                    own |= _class_bits(value, n_value)
            elif n_name == 6 and memcmp(name, b"hidden", 6) == 0:
                return 0
            elif n_name == 11 and memcmp(name, b"aria-hidden", 11) == 0:
                value = _attr_value(attr, &n_value)
                if n_value == 4 and memcmp(value, b"true", 4) == 0:
                    return 0
            elif n_name == 5 and memcmp(name, b"style", 5) == 0:
                value = _attr_value(attr, &n_value)
                if n_value and _may_hide(value, n_value) and self.hidden_style(
                    value[:n_value].decode("utf-8", "replace")
                ):
                    return 0
            elif n_name == 4 and memcmp(name, b"role", 4) == 0:
                value = _attr_value(attr, &n_value)
                if n_value:
                    own |= <uint64_t> self.get_bits(value[:n_value].decode("utf-8", "replace"), 0)
            elif n_name == 8 and memcmp(name, b"itemprop", 8) == 0:
                value = _attr_value(attr, &n_value)
                if n_value == 11 and memcmp(value, b"articleBody", 11) == 0:
                    own |= self.content_bit
            attr = _next_attr(attr)
        if flags & LINK:
            self.piece_nlinks += 1
        if flags & BLOCK:
            self.flush()
            if flags & BREAK:
                return 2 if len(self.texts) >= self.max_lines else 0
            self.block_ids += 1
            self.block_tags.append(_tag_names[tag])
            kind = _kind_of_tag[tag]
            frame = self.push()
            ctx = &self.frames[self.n_frames - 2]  # push may have moved the frames
            frame.node = node
            frame.bits = ctx.bits | own
            frame.near = own | ctx.block_bits
            frame.block_bits = own
            frame.outer = ctx.outer | own
            frame.depth = ctx.depth + 1
            if ctx.n_conts < KEPT:
                memcpy(frame.conts, ctx.conts, ctx.n_conts * sizeof(int))
                frame.n_conts = ctx.n_conts + 1
            else:
                memcpy(frame.conts, ctx.conts + 1, (KEPT - 1) * sizeof(int))
                frame.n_conts = KEPT
            frame.conts[frame.n_conts - 1] = self.block_ids
            frame.block_frame = self.n_frames - 1
            frame.tag = tag
            frame.cls = cls
            frame.n_cls = n_cls
            frame.parent_block = ctx.block_frame
            frame.sig = -1
            frame.label = -1
            frame.kind = kind if kind >= 0 else ctx.kind
            frame.in_link = ctx.in_link or bool(flags & LINK)
            frame.block = True
        else:
            frame = self.push()
            ctx = &self.frames[self.n_frames - 2]
            frame[0] = ctx[0]
            frame.node = node
            frame.bits |= own
            frame.near |= own
            frame.block_bits |= own
            frame.depth += 1
            frame.in_link = ctx.in_link or bool(flags & LINK)
            frame.block = False
        return 1

    cdef str signature(self, int index):
        """The signature of the block at frame ``index`` (its tag and first class, after
        those of the two blocks around it: "div.main>p.lead"), made when a line first asks.
        A line's block and the blocks around it are still on the frame stack when the line
        ends (a block's end ends its line), so their frames still describe them."""
        if index < 0:
            return ""
        cdef Frame *frame = &self.frames[index]
        if frame.sig >= 0:
            return self.signatures[frame.sig]
        around = self.signature(frame.parent_block)
        frame = &self.frames[index]
        sig = _signature_in(around, frame.tag, frame.cls, frame.n_cls)
        self.signatures.append(sig)
        frame.sig = len(self.signatures) - 1
        return sig

    cdef Py_ssize_t label(self, int index) except -1:
        """The label of the signature of the block at frame ``index`` (``signature``): 0, 1,
        2 ... in the order lines first have each signature; a block's is looked up once."""
        cdef Frame *frame
        if index < 0:  # outside any block
            return self.labels.setdefault("", len(self.labels))
        frame = &self.frames[index]
        if frame.label < 0:
            sig = self.signatures[frame.sig]  # the line's signature is made before its label
            frame.label = self.labels.setdefault(sig, len(self.labels))
        return frame.label


    cdef bint leave(self) except -1:
        """Close the innermost open element; True when the line budget is spent."""
        self.n_frames -= 1
        if self.frames[self.n_frames].block:
            self.flush()
            return len(self.texts) >= self.max_lines
        return False

    def run(self, uintptr_t root_id, dict parts=None, set fallback=None):
        """Walk the tree under the node at ``root_id`` (a LexborNode's ``mem_id``). ``parts``
        and ``fallback``: React's streamed parts, as ``lines._walk`` takes them (the parts by
        template id, as UTF-8, each a mem_id; a set of mem_ids): each part's children are
        walked in place of its template, as a block, and the fallbacks are passed over."""
        cdef bx_node *root = <bx_node *> root_id
        cdef bx_node *node = root
        cdef bx_node *part
        cdef Frame *base = self.push()
        cdef int entered
        cdef bint spent = False
        cdef list detours = []  # (template, part) of each part being walked, the innermost last
        cdef uintptr_t reading = 0  # the part being walked (its children), 0: none
        cdef uintptr_t template  # the template a part is walked in place of
        self.parts = dict(parts) if parts else None
        self.fallback = fallback if fallback else None
        base.node = NULL
        base.bits = base.near = base.block_bits = base.outer = 0
        base.depth = 0
        base.n_conts = 0
        base.block_frame = -1
        base.kind = 0
        base.in_link = False
        base.block = False
        while not spent:
            entered = 0
            if self.fallback is not None and (<uintptr_t> node) in self.fallback:
                pass  # a fallback a streamed part removes
            elif node.type == ELEMENT:
                entered = self.element(node, &self.frames[self.n_frames - 1])
                if entered == 2:
                    break
                if entered == 3:  # its part's children, in the template's place
                    entered = 0
                    self.flush()
                    part = <bx_node *> self.part
                    if part.first_child != NULL:
                        detours.append((<uintptr_t> node, self.part))
                        reading = self.part
                        node = part.first_child
                        continue
                    if len(self.texts) >= self.max_lines:  # the part's end ends a block
                        break
            elif node.type == TEXT:
                self.text(node, &self.frames[self.n_frames - 1])
            if entered and node.first_child != NULL:
                node = node.first_child
                continue
            if entered and self.leave():
                break
            while node != root and node.next == NULL:
                if reading and <uintptr_t> node.parent == reading:  # the part is read
                    template, reading = detours.pop()[0], 0
                    node = <bx_node *> template
                    if detours:  # (no negative index: the module does not wrap around)
                        reading = detours[len(detours) - 1][1]
                    self.flush()
                    if len(self.texts) >= self.max_lines:
                        spent = True
                        break
                    continue
                node = node.parent
                if self.leave():
                    spent = True
                    break
            if spent or node == root:
                break
            node = node.next
        self.flush()
        n = self.max_lines
        page = self.page
        if len(self.texts) > n:
            for column in (
                self.texts, self.kinds, self.link_chars, self.n_links, self.bits_out,
                self.outer_out, self.near_out, self.depths, self.containers_out, self.sigs_out,
                self.sig_labels, self.parents,
            ):
                del column[n:]
            for line in [line for line in self.pre_texts if line >= n]:
                del self.pre_texts[line]
        return page


# ---------------------------------------------------------------- depth of the markup
cdef unsigned char _in_name[256]  # what a tag name goes on with, as the tokenizer reads it
cdef unsigned char _letter[256]
cdef enum:
    NAME_KEYS = 128  # void, foreign and breakout tag names at most, each
cdef uint64_t _void_keys[NAME_KEYS]
cdef uint64_t _foreign_keys[NAME_KEYS]
cdef uint64_t _breakout_keys[NAME_KEYS]
cdef int _n_void = 0, _n_foreign = 0, _n_breakout = 0
cdef uint64_t _option_key = 0


def configure_depth(in_name, letter, void_keys, foreign_keys, breakout_keys, option_key):
    """Set the tables ``depth_bound`` reads tags with (see ``lines._depth_bound``), and the key
    of the <option> tags it counts."""
    global _n_void, _n_foreign, _n_breakout, _option_key
    cdef int i
    if max(len(void_keys), len(foreign_keys), len(breakout_keys)) > NAME_KEYS:
        raise ValueError("too many tag names for depth_bound")
    for i in range(256):
        _in_name[i] = bool(in_name[i])
        _letter[i] = bool(letter[i])
    for i, key in enumerate(void_keys):
        _void_keys[i] = key
    for i, key in enumerate(foreign_keys):
        _foreign_keys[i] = key
    for i, key in enumerate(breakout_keys):
        _breakout_keys[i] = key
    _n_void, _n_foreign, _n_breakout = len(void_keys), len(foreign_keys), len(breakout_keys)
    _option_key = option_key


cdef inline bint _among(uint64_t key, uint64_t *keys, int n) noexcept nogil:
    cdef int i
    for i in range(n):
        if keys[i] == key:
            return True
    return False


cdef inline uint64_t _tag_key(const unsigned char *data, Py_ssize_t begin, Py_ssize_t n,
                              bint *long_name) noexcept nogil:
    """The first 8 bytes of the tag name at ``begin``, lower-cased (little-endian, 0 after the
    name), and whether the name goes on past them."""
    cdef uint64_t key = 0
    cdef int j
    cdef unsigned char c
    for j in range(9):
        c = data[min(begin + j, n - 1)]
        if not _in_name[c]:
            long_name[0] = False
            return key
        if j == 8:
            break
        if 65 <= c <= 90:
            c += 32
        key |= (<uint64_t> c) << (8 * j)
    long_name[0] = True
    return key


cdef struct NameCount:
    uint64_t key  # 0: a free slot (no tag name has key 0: its first byte is a letter)
    long count


cdef inline NameCount *_slot(NameCount *table, size_t mask, uint64_t key) noexcept nogil:
    cdef size_t at = <size_t> ((key * 0x9E3779B97F4A7C15ULL) >> 32) & mask
    while table[at].key != 0 and table[at].key != key:
        at = (at + 1) & mask
    return &table[at]


def depth_bound(bytes html, Py_ssize_t tags=-1):
    """``lines._depth_bound`` in one pass: an upper bound of how deep the markup ``html``
    (UTF-8) nests, and the number of its <option> start tags. Each name's open elements are
    counted exactly (an end tag closes one of its own name, if one is open), so the bound is
    never above the vectorised one. ``tags``, when given, is the number of "<" in ``html``
    (counted here otherwise)."""
    cdef const unsigned char *data = html
    cdef Py_ssize_t n = len(html), i, begin, gt = -1, options = 0
    cdef bint closing, long_name, self_closed, is_foreign
    cdef uint64_t key
    cdef long depth = 0, deepest = 0, foreign_open = 0
    cdef size_t size = 64
    if tags < 0:
        tags = html.count(b"<")
    cdef NameCount *table
    cdef NameCount *slot
    while size < 2 * tags + 2:
        size *= 2
    table = <NameCount *> malloc(size * sizeof(NameCount))
    if table == NULL:
        raise MemoryError()
    memset(table, 0, size * sizeof(NameCount))
    cdef const unsigned char *at
    i = -1
    with nogil:
        while True:
            at = <const unsigned char *> memchr(data + i + 1, 60, n - 2 - i) if i + 1 < n - 1 else NULL
            if at == NULL:  # no "<" before the last byte
                break
            i = at - data
            closing = data[i + 1] == 47  # "/"
            begin = i + 1 + closing
            if not _letter[data[min(begin, n - 1)]]:
                continue
            key = _tag_key(data, begin, n, &long_name)
            options += key == _option_key and not closing
            if gt < i:  # the first ">" after this "<"
                at = <const unsigned char *> memchr(data + i + 1, 62, n - i - 1)
                gt = n if at == NULL else at - data
            self_closed = gt < n and data[gt - 1] == 47
            is_foreign = _among(key, _foreign_keys, _n_foreign)
            if is_foreign:
                foreign_open += -1 if closing else 1
            if _among(key, _void_keys, _n_void) or (closing and long_name) or (
                self_closed and foreign_open > 0 and not is_foreign
                and not _among(key, _breakout_keys, _n_breakout)
            ):
                continue
            slot = _slot(table, size - 1, key)
            slot.key = key
            if closing:
                if slot.count > 0:
                    slot.count -= 1
                    depth -= 1
            else:
                slot.count += 1
                depth += 1
                if depth > deepest:
                    deepest = depth
    free(table)
    return deepest, options


# ---------------------------------------------------------------- floods of attributes and formatting
# Tables of tag_floods (lines._tag_floods is its reference). A bytes object ends in a NUL byte
# past its length, so the loops inside a tag stop at NUL and only then check where they are (a
# NUL inside the markup is part of a name or value, as the tokenizer reads it).
cdef unsigned char _space[256]  # whitespace as the tokenizer reads it: \t \n \f \r and space
cdef unsigned char _tag_name_stop[256]  # what ends a tag's name: whitespace / > (and NUL)
cdef unsigned char _name_stop[256]  # what ends an attribute's name: whitespace / > = (and NUL)
cdef unsigned char _value_stop[256]  # what ends an unquoted value: whitespace > (and NUL)
cdef unsigned char _lower[256]
cdef unsigned char _first_kind[256]  # the kinds of the names looked for that start with a byte
cdef enum:
    FLOOD_NAMES = 16
    FORMATTING = 1  # kinds of tag names
    RAW_TEXT = 2
    FOREIGN = 4
    BREAKOUT = 8
    CONTEXT = 16  # svg, math and their integration points (tag_floods' contexts)


cdef void _set_tag_tables() noexcept nogil:
    cdef int i
    for i in range(256):
        _space[i] = i == 32 or i == 9 or i == 10 or i == 12 or i == 13
        _value_stop[i] = _space[i] or i == 62 or i == 0
        _tag_name_stop[i] = _value_stop[i] or i == 47
        _name_stop[i] = _tag_name_stop[i] or i == 61
        _lower[i] = i + 32 if 65 <= i <= 90 else i


_set_tag_tables()  # the loops inside a tag rely on these from import on
cdef enum:
    BLOCK_SLOTS = 128  # an open-addressing table of the block names' keys (0: an empty slot)
cdef uint64_t _block_keys[BLOCK_SLOTS]


cdef inline uint64_t _block_slot(uint64_t key) noexcept nogil:
    return (key * 0x9E3779B97F4A7C15ULL) >> 57  # the top 7 bits: 0 to BLOCK_SLOTS - 1


cdef inline bint _is_block(uint64_t key) noexcept nogil:
    """Whether ``key`` (a name's, 0 for a name of more than 8 bytes) is a block's that
    ``configure_floods`` set."""
    cdef uint64_t slot = _block_slot(key)
    if key == 0:
        return False
    while _block_keys[slot]:
        if _block_keys[slot] == key:
            return True
        slot = (slot + 1) & (BLOCK_SLOTS - 1)
    return False


cdef inline bint _all_space(const unsigned char *data, Py_ssize_t i, Py_ssize_t end) noexcept nogil:
    while i < end:
        if not _space[data[i]]:
            return False
        i += 1
    return True


cdef uint64_t _raw_text_keys[FLOOD_NAMES]
cdef uint64_t _formatting_keys[FLOOD_NAMES]
cdef int _n_raw_text = 0, _n_formatting = 0


def configure_floods(raw_text_keys, formatting_keys, block_keys):
    """Set the names ``tag_floods`` reads as raw text (<script>, <style> …: no markup until
    their end tag, outside <svg>/<math>), as formatting elements and as blocks that whitespace
    between goes (``lines._BLOCKS_APART``), as keys (``lines._name_keys``); the foreign and
    breakout names are ``configure_depth``'s (called first)."""
    global _n_raw_text, _n_formatting
    cdef int i
    cdef uint64_t slot
    if max(len(raw_text_keys), len(formatting_keys)) > FLOOD_NAMES or (
        2 * len(block_keys) > BLOCK_SLOTS or 0 in block_keys
    ):
        raise ValueError("too many tag names for tag_floods")
    memset(_block_keys, 0, sizeof(_block_keys))
    for key in block_keys:
        slot = _block_slot(key)
        while _block_keys[slot] and _block_keys[slot] != key:
            slot = (slot + 1) & (BLOCK_SLOTS - 1)
        _block_keys[slot] = key
    for i, key in enumerate(raw_text_keys):
        _raw_text_keys[i] = key
    for i, key in enumerate(formatting_keys):
        _formatting_keys[i] = key
    _n_raw_text, _n_formatting = len(raw_text_keys), len(formatting_keys)
    memset(_first_kind, 0, sizeof(_first_kind))
    for keys, count, kind in (
        (_formatting_keys, _n_formatting, FORMATTING), (_raw_text_keys, _n_raw_text, RAW_TEXT),
        (_foreign_keys, _n_foreign, FOREIGN), (_breakout_keys, _n_breakout, BREAKOUT),
    ):
        for i in range(count):
            first = keys[i] & 255
            _first_kind[first] |= kind
            _first_kind[first - 32 if 97 <= first <= 122 else first] |= kind
    for first in list(b"smfdtSMFDT"):  # ints
        _first_kind[first] |= CONTEXT


cdef inline Py_ssize_t _past(const unsigned char *data, Py_ssize_t i, Py_ssize_t n,
                             const unsigned char *stop) noexcept nogil:
    """The first index from ``i`` whose byte is in ``stop`` (a NUL inside the markup is not),
    or ``n``."""
    while True:
        while not stop[data[i]]:
            i += 1
        if data[i] != 0 or i >= n:
            return i
        i += 1


cdef inline bint _is_font_style(const unsigned char *name, Py_ssize_t length) noexcept nogil:
    """Whether the attribute name is color, face or size, in any case."""
    cdef Py_ssize_t k
    cdef const char *wanted
    if length == 5:
        wanted = b"color"
    elif length == 4:
        wanted = b"face" if _lower[name[0]] == 102 else b"size"
    else:
        return False
    for k in range(length):
        if _lower[name[k]] != <unsigned char> wanted[k]:
            return False
    return True


cdef struct Names:
    # Distinct attribute names, an open-addressing table of their [at, at + length) in the
    # markup and their hashes; at most ``limit`` (a quarter of the slots) are kept.
    Py_ssize_t *at  # -1: an empty slot
    Py_ssize_t *length
    uint64_t *hashes
    Py_ssize_t mask, count, limit


cdef Py_ssize_t _slot_of(const Names *t, const unsigned char *names, const unsigned char *data,
                         Py_ssize_t at, Py_ssize_t length, uint64_t *hash) noexcept nogil:
    """The slot of ``t`` that holds the name of ``length`` bytes at ``data + at`` (the table's
    names lie in ``names``; ASCII letters compared lowered, as the tokenizer lowers them), or
    the empty slot where it would go; ``hash``: its hash."""
    cdef uint64_t h = 14695981039346656037ULL  # FNV-1a
    cdef Py_ssize_t k, slot, other
    cdef bint same
    for k in range(length):
        h = (h ^ _lower[data[at + k]]) * 1099511628211ULL
    hash[0] = h
    slot = <Py_ssize_t> (h & <uint64_t> t.mask)
    while t.at[slot] >= 0:
        if t.hashes[slot] == h and t.length[slot] == length:
            other = t.at[slot]
            same = True
            for k in range(length):
                if _lower[names[other + k]] != _lower[data[at + k]]:
                    same = False
                    break
            if same:
                return slot
        slot = (slot + 1) & t.mask
    return slot


cdef bint _past_names(Names *t, const unsigned char *data, Py_ssize_t at,
                      Py_ssize_t length) noexcept nogil:
    """Whether the name of ``length`` bytes at ``at`` (ASCII letters lowered) is new when
    ``t.limit`` distinct names of ``data`` are known already; a new name is kept while there
    is room."""
    cdef uint64_t h
    cdef Py_ssize_t slot = _slot_of(t, data, data, at, length, &h)
    if t.at[slot] >= 0:
        return False
    if t.count >= t.limit:
        return True
    t.at[slot], t.length[slot], t.hashes[slot] = at, length, h
    t.count += 1
    return False


cdef int _names_table(Names *t, Py_ssize_t slots, Py_ssize_t limit) except -1:
    """Room in ``t`` for ``limit`` names in ``slots`` slots (a power of two), all empty."""
    t.at = <Py_ssize_t *> malloc(slots * sizeof(Py_ssize_t))
    t.length = <Py_ssize_t *> malloc(slots * sizeof(Py_ssize_t))
    t.hashes = <uint64_t *> malloc(slots * sizeof(uint64_t))
    if t.at == NULL or t.length == NULL or t.hashes == NULL:
        _free_names(t)
        raise MemoryError()
    memset(t.at, 0xFF, slots * sizeof(Py_ssize_t))  # every slot -1: empty
    t.mask, t.limit, t.count = slots - 1, limit, 0
    return 0


cdef void _free_names(Names *t) noexcept:
    free(t.at)
    free(t.length)
    free(t.hashes)
    t.at = t.length = NULL
    t.hashes = NULL


cdef bytes _standard_bytes = b""  # the tag names the parser knows, one after another
cdef Names _standard  # a table of them (offsets into _standard_bytes)


def configure_names(standard_names):
    """Set the tag names ``tag_floods`` never counts as new (the parser's own: HTML, SVG and
    MathML elements), as lower-cased bytes."""
    global _standard_bytes
    cdef Py_ssize_t slots = 4, at = 0
    names = sorted(set(standard_names))
    while slots < 4 * len(names):
        slots *= 2
    _free_names(&_standard)
    _standard_bytes = b"".join(names)
    _names_table(&_standard, slots, len(names))
    for name in names:
        _past_names(&_standard, _standard_bytes, at, len(name))
        at += len(name)


cdef bint _is_standard(const unsigned char *data, Py_ssize_t at, Py_ssize_t length) noexcept:
    """Whether the tag name of ``length`` bytes at ``at``, ASCII letters lowered, is one that
    ``configure_names`` set."""
    cdef uint64_t h
    if _standard.at == NULL:
        return False
    return _standard.at[_slot_of(&_standard, _standard_bytes, data, at, length, &h)] >= 0


cdef enum:
    TAG_CUTS = 16  # unread attribute spans kept of one tag, at most


cdef struct TagCuts:
    # The spans [start, end) of a tag's unread attributes, from a name to the end of its value
    Py_ssize_t start[TAG_CUTS]
    Py_ssize_t end[TAG_CUTS]
    Py_ssize_t size


cdef inline bint _same_lowered(const unsigned char *name, const char *word, Py_ssize_t length) noexcept nogil:
    """Whether ``name`` (``length`` bytes) is ``word`` (lower-case) with ASCII letters lowered."""
    cdef Py_ssize_t k
    for k in range(length):
        if _lower[name[k]] != <unsigned char> word[k]:
            return False
    return True


cdef bint _unread_attribute(const unsigned char *name, Py_ssize_t length) noexcept nogil:
    """Whether nothing reads the attribute ``name`` (``length`` bytes, ASCII letters in any
    case): ``lines._is_unread_attribute``."""
    if length > 5 and name[4] == 45:  # "data-…" but data-src, "aria-…" but aria-hidden
        if _same_lowered(name, b"data", 4):
            return not (length == 8 and _same_lowered(name + 5, b"src", 3))
        if _same_lowered(name, b"aria", 4):
            return not (length == 11 and _same_lowered(name + 5, b"hidden", 6))
        return False
    if length == 5:
        return _same_lowered(name, b"title", 5) or _same_lowered(name, b"sizes", 5)
    if length == 6:
        return _same_lowered(name, b"srcset", 6) or _same_lowered(name, b"target", 6)
    if length == 7:
        return _same_lowered(name, b"loading", 7)
    if length == 8:
        return _same_lowered(name, b"decoding", 8) or _same_lowered(name, b"tabindex", 8)
    return False


cdef Py_ssize_t _tag_end(const unsigned char *data, Py_ssize_t i, Py_ssize_t n,
                         Py_ssize_t *attributes, bint *font_styled=NULL, Names *names=NULL,
                         bint *new_name=NULL, TagCuts *cuts=NULL) noexcept nogil:
    """From ``i``, just after a tag's name, to the index after the ``>`` that ends the tag, as
    the tokenizer's attribute states read it (a quoted value may hold ``>``), or ``n`` where the
    markup ends first; ``attributes``: how many attributes the tag opens; ``font_styled``,
    when given: whether one is named color, face or size (a <font> that ends SVG); ``names``,
    when given: the distinct attribute names met so far, ``new_name`` set where one of the
    tag's is past their limit (see ``_past_names``); ``cuts``, when given: the spans of its
    unread attributes (see ``_unread_attribute``; those next to each other as one, none where
    the markup ends inside the tag), each from a name preceded by whitespace to the end of its
    value (and the whitespace after it, without a value)."""
    cdef const unsigned char *at
    cdef unsigned char c
    cdef Py_ssize_t name
    cdef bint unread = False, last_unread = False
    attributes[0] = 0
    if cuts != NULL:
        cuts.size = 0
    while True:
        if unread:  # the attribute just read ends here: its span, or the last one's longer
            if last_unread:
                cuts.end[cuts.size - 1] = i
            elif cuts.size < TAG_CUTS:
                cuts.start[cuts.size], cuts.end[cuts.size] = name, i
                cuts.size += 1
            else:
                unread = False
        last_unread, unread = unread, False
        while _space[data[i]] or data[i] == 47:  # "/": self-closing before ">", else a space
            i += 1
        if i >= n:
            break
        if data[i] == 62:
            return i + 1
        attributes[0] += 1  # a name starts (an "=" here is its first character)
        name = i
        i = _past(data, i + 1, n, _name_stop)
        if font_styled != NULL:
            font_styled[0] |= _is_font_style(data + name, i - name)
        if names != NULL and _past_names(names, data, name, i - name):
            new_name[0] = True
        if cuts != NULL:
            unread = _space[data[name - 1]] and _unread_attribute(data + name, i - name)
        while _space[data[i]]:
            i += 1
        if data[i] != 61 or i >= n:  # no "=": the next attribute, "/" or ">"
            continue
        i += 1
        while _space[data[i]]:
            i += 1
        c = data[i]
        if (c == 34 or c == 39) and i < n:  # a quoted value: to its closing quote
            at = <const unsigned char *> memchr(data + i + 1, c, n - i - 1)
            if at == NULL:
                break
            i = at - data + 1
        elif c != 62:  # unquoted: to whitespace or ">"
            i = _past(data, i, n, _value_stop)
    if cuts != NULL:  # the markup ends inside the tag, which the tokenizer then drops
        cuts.size = 0
    return n


cdef bint _font_styled(const unsigned char *data, Py_ssize_t i, Py_ssize_t n) noexcept nogil:
    """Whether the tag whose attributes start at ``i`` has one named color, face or size."""
    cdef Py_ssize_t attributes
    cdef bint styled = False
    _tag_end(data, i, n, &attributes, &styled)
    return styled


cdef Py_ssize_t _raw_text_end(const unsigned char *data, Py_ssize_t i, Py_ssize_t n,
                              uint64_t key) noexcept nogil:
    """The index of the ``<`` of the first end tag of ``key``'s name at or after ``i`` (the
    name followed by whitespace, ``/`` or ``>``), or ``n``."""
    cdef const unsigned char *at
    cdef Py_ssize_t length = 0, j
    cdef bint same
    while length < 8 and (key >> (8 * length)) & 255:
        length += 1
    while i < n - 2:
        at = <const unsigned char *> memchr(data + i, 60, n - 2 - i)
        if at == NULL:
            return n
        i = at - data
        if data[i + 1] == 47 and i + 2 + length < n:
            same = True
            for j in range(length):
                same &= _lower[data[i + 2 + j]] == (key >> (8 * j)) & 255
            if same and _tag_name_stop[data[i + 2 + length]] and data[i + 2 + length]:
                return i
        i += 1
    return n


cdef Py_ssize_t _comment_end(const unsigned char *data, Py_ssize_t i, Py_ssize_t n) noexcept nogil:
    """The index after the comment whose ``<!--`` is at ``i``: after its first ``>`` that
    follows ``--`` or ``--!`` (``<!-->`` ends at once), or ``n``."""
    cdef const unsigned char *at
    cdef Py_ssize_t end = i + 4
    while end < n:
        at = <const unsigned char *> memchr(data + end, 62, n - end)
        if at == NULL:
            return n
        end = at - data
        if (data[end - 1] == 45 and data[end - 2] == 45) or (
            end - 3 >= i + 2 and data[end - 1] == 33 and data[end - 2] == 45 and data[end - 3] == 45
        ):
            return end + 1
        end += 1
    return n


cdef Py_ssize_t _cdata_end(const unsigned char *data, Py_ssize_t i, Py_ssize_t n) noexcept nogil:
    """The index after the first ``]]>`` from ``i`` (a CDATA section's end), or ``n``."""
    cdef const unsigned char *at
    while i < n:
        at = <const unsigned char *> memchr(data + i, 62, n - i)
        if at == NULL:
            return n
        i = at - data + 1
        if i >= 3 and data[i - 2] == 93 and data[i - 3] == 93:
            return i
    return n


cdef Py_ssize_t _count_lt(const unsigned char *data, Py_ssize_t i, Py_ssize_t end) noexcept nogil:
    """How many "<" ``data[i:end]`` holds."""
    cdef const unsigned char *at
    cdef Py_ssize_t count = 0
    while i < end:
        at = <const unsigned char *> memchr(data + i, 60, end - i)
        if at == NULL:
            break
        count += 1
        i = at - data + 1
    return count


cdef inline Py_ssize_t _after_gt(const unsigned char *data, Py_ssize_t i, Py_ssize_t n) noexcept nogil:
    """The index after the first ``>`` from ``i``, or ``n``."""
    cdef const unsigned char *at = <const unsigned char *> memchr(data + i, 62, n - i) if i < n else NULL
    return n if at == NULL else at - data + 1


# The elements that change how the tags after them are read (lines._CONTEXTS): <svg> and
# <math> (foreign content: no raw text, CDATA sections) and, inside them, the integration
# points where HTML is read again. Codes, 0 for any other name:
cdef enum:
    SVG = 1
    MATH = 2
    FIRST_SVG_POINT = 3  # foreignObject, desc, title
    FIRST_MATH_POINT = 6  # mi, mo, mn, ms, mtext
    N_CONTEXTS = 11
cdef uint64_t _context_keys[N_CONTEXTS]


def _context_key(bytes name):
    cdef uint64_t key = 0
    cdef Py_ssize_t k
    for k in range(min(len(name), 8)):
        key |= (<uint64_t> (<unsigned char> name[k])) << (8 * k)
    return key


for _code, _name in enumerate(
    [b"svg", b"math", b"foreignobject", b"desc", b"title", b"mi", b"mo", b"mn", b"ms", b"mtext"]
):
    _context_keys[_code + 1] = _context_key(_name)


cdef inline int _context_of(const unsigned char *data, Py_ssize_t begin, Py_ssize_t length,
                            uint64_t key) noexcept nogil:
    """The context code of the tag name at ``begin`` (``key``: its first 8 bytes, lower-cased)."""
    cdef int code
    if length == 13:  # foreignObject, the one longer than 8 bytes
        if (key == _context_keys[FIRST_SVG_POINT] and _lower[data[begin + 8]] == 98
                and _lower[data[begin + 9]] == 106 and _lower[data[begin + 10]] == 101
                and _lower[data[begin + 11]] == 99 and _lower[data[begin + 12]] == 116):
            return FIRST_SVG_POINT
        return 0
    if length > 8:
        return 0
    for code in range(1, N_CONTEXTS):
        if code != FIRST_SVG_POINT and _context_keys[code] == key:
            return code
    return 0


cdef struct Contexts:
    unsigned char *codes  # innermost last
    Py_ssize_t size, capacity
    Py_ssize_t count[N_CONTEXTS]


cdef inline bint _foreign(const Contexts *c) noexcept nogil:
    return c.size > 0 and c.codes[c.size - 1] <= MATH


cdef int _push(Contexts *c, unsigned char code) except -1:
    cdef unsigned char *grown
    if c.size == c.capacity:
        grown = <unsigned char *> realloc(c.codes, max(2 * c.capacity, 64))
        if grown == NULL:
            raise MemoryError()
        c.codes, c.capacity = grown, max(2 * c.capacity, 64)
    c.codes[c.size] = code
    c.size += 1
    c.count[code] += 1
    return 0


cdef inline void _pop(Contexts *c) noexcept nogil:
    c.size -= 1
    c.count[c.codes[c.size]] -= 1


cdef struct Marks:
    # spans [start, end) one after the other, start and end in turn
    int64_t *at
    Py_ssize_t size, capacity  # spans


cdef int _mark(Marks *marks, Py_ssize_t start, Py_ssize_t end) except -1:
    cdef int64_t *grown
    if marks.size == marks.capacity:
        grown = <int64_t *> realloc(marks.at, 2 * max(2 * marks.capacity, 64) * sizeof(int64_t))
        if grown == NULL:
            raise MemoryError()
        marks.at, marks.capacity = grown, max(2 * marks.capacity, 64)
    marks.at[2 * marks.size], marks.at[2 * marks.size + 1] = start, end
    marks.size += 1
    return 0


def tag_floods(bytes html, Py_ssize_t max_attributes, long max_piled, Py_ssize_t max_names=-1):
    """The markup ``html`` (UTF-8) read tag by tag as the tokenizer reads it (comments, raw
    text, quoted values, CDATA in SVG and MathML): ``(tags, spans, piled, attributes,
    dropped)``, how many start and end tags it holds (and "<" in raw text and CDATA, which a
    parser that reads the tree otherwise may take for tags), the ``[start, end)`` byte spans
    of the tags with more than ``max_attributes`` attributes (an end tag's too: the tokenizer
    reads them alike) or, where ``max_names`` is 0 or more, an attribute name past the first
    ``max_names`` distinct ones, the formatting element names (a bit each, in
    ``configure_floods``' order) opened more than ``max_piled`` times beyond their own end
    tags, how many attributes the tags hold, and (where ``max_names`` is 0 or more) the spans
    of the tags whose name, not one ``configure_names`` set, is past the first ``max_names``
    distinct such names (not in ``spans``), and the ``[start, end)`` spans of the text of the
    <script> and <style> elements that nothing reads (:func:`_unread_script`; at least
    MIN_UNREAD_TEXT bytes, their end tag found) and of outermost <svg> elements whose tags
    are all SVG, each end tag closing the element opened last: the first MAX_UNREAD, none
    after a <plaintext> start tag (after which the page is text); last, an array('q') of the
    starts and ends in turn of the markup nothing reads, attributes and whitespace between
    block tags, as ``lines._tag_floods`` says. One linear pass."""
    cdef const unsigned char *data = html
    cdef Py_ssize_t n = len(html), i = 0, begin, j, end, attributes, k, tags = 0
    cdef Py_ssize_t all_attributes = 0, slots = 4
    cdef const unsigned char *at
    cdef unsigned char c, kind
    cdef int code
    cdef bint closing, foreign, self_closed, new_name = False
    cdef uint64_t key, name_hash
    cdef Py_ssize_t lt  # where the tag starts
    cdef Py_ssize_t plain_at = -1  # where a <plaintext> start tag stands
    cdef Py_ssize_t svg_start = -1, svg_depth = 0  # the outermost <svg>'s text, followed
    cdef uint64_t svg_open[SVG_CUT_DEPTH]  # the names open inside it, as hashes
    cdef long open_count[FLOOD_NAMES]
    cdef long piled = 0  # a bit a formatting name
    cdef Contexts contexts
    cdef Names names, tag_names
    cdef Names *tracked = NULL
    cdef TagCuts cuts
    # whitespace between blocks: where the last tag ends, whether it is a block's; how many
    # formatting elements (and <a>) and <pre> or <listing> are open, by their tags
    cdef Py_ssize_t last_tag_end = 0, formatting_open = 0, a_open = 0, pre_open = 0
    cdef bint block, after_block = False, whole
    cdef Marks marks  # unread markup's spans: attributes, whitespace between blocks
    memset(&marks, 0, sizeof(marks))
    spans = []
    dropped = []
    unread = []
    memset(open_count, 0, sizeof(open_count))
    memset(&contexts, 0, sizeof(contexts))
    memset(&names, 0, sizeof(names))
    memset(&tag_names, 0, sizeof(tag_names))
    if max_names >= 0:
        while slots < 4 * max_names:
            slots *= 2
        _names_table(&names, slots, max_names)
        try:
            _names_table(&tag_names, slots, max_names)
        except MemoryError:
            _free_names(&names)
            raise
        tracked = &names
    try:
        while i < n - 1:
            at = <const unsigned char *> memchr(data + i, 60, n - 1 - i)
            if at == NULL:
                break
            i = at - data
            c = data[i + 1]
            foreign = _foreign(&contexts)
            if c == 33:  # "<!": a comment, CDATA in SVG or MathML, else (<!DOCTYPE …>) to ">"
                if data[i + 2] == 45 and data[i + 3] == 45 and i + 3 < n:
                    i = _comment_end(data, i, n)
                elif foreign and n - i >= 9 and memcmp(data + i + 2, b"[CDATA[", 7) == 0:
                    end = _cdata_end(data, i + 9, n)
                    tags += _count_lt(data, i + 9, end)  # what may be markup after all
                    i = end
                else:
                    i = _after_gt(data, i + 1, n)
                continue
            if c == 63:  # "<?": a bogus comment, to ">"
                i = _after_gt(data, i + 1, n)
                continue
            closing = c == 47
            begin = i + 1 + closing
            if not _letter[data[begin]] or begin >= n:
                if closing and begin < n:  # "</>" is dropped; "</" and another byte, a comment
                    i = begin + 1 if data[begin] == 62 else _after_gt(data, begin, n)
                else:
                    i = begin  # text
                continue
            tags += 1
            lt = i
            j = _past(data, begin, n, _tag_name_stop)
            name_hash = _name_hash(data, begin, j) if svg_start >= 0 else 0
            key = 0  # the name's first 8 bytes, lower-cased
            for k in range(min(j - begin, 8)):
                key |= (<uint64_t> _lower[data[begin + k]]) << (8 * k)
            kind = _first_kind[data[begin]]
            code = _context_of(data, begin, j - begin, key) if kind & CONTEXT else 0
            if j - begin > 8:
                key = 0  # longer than the names looked for below
            end = _tag_end(data, j, n, &attributes, NULL, tracked, &new_name,
                           NULL if foreign else &cuts)
            all_attributes += attributes
            whole = True  # the tag is cut whole, or written bare
            if (
                tracked != NULL
                and not _is_standard(data, begin, j - begin)
                and _past_names(&tag_names, data, begin, j - begin)
            ):
                dropped.append((i, end))
            elif attributes > max_attributes or new_name:
                spans.append((i, end))
            else:
                whole = False
            if whole:
                svg_start = -1  # a cut inside the <svg>: its text is not cut whole
            block = _is_block(key)
            if (  # whitespace between two blocks (lines._is_space_between_blocks)
                block and after_block and lt > last_tag_end and not foreign and svg_start < 0
                and not formatting_open and not pre_open and _all_space(data, last_tag_end, lt)
                and marks.size < MAX_UNREAD
            ):
                _mark(&marks, last_tag_end, lt)
            if cuts.size and not whole and not foreign and marks.size < MAX_UNREAD:
                for k in range(cuts.size):
                    _mark(&marks, cuts.start[k], cuts.end[k])
            last_tag_end, after_block = end, block
            new_name = False
            i = end
            if kind & FORMATTING:
                for k in range(_n_formatting):
                    if _formatting_keys[k] == key:
                        formatting_open -= open_count[k]
                        if closing:
                            open_count[k] = max(open_count[k] - 1, 0)
                        else:
                            open_count[k] += 1
                            if open_count[k] > max_piled:
                                piled |= 1 << k
                        formatting_open += open_count[k]
                        break
            elif key == 0x61:  # <a>, also reopened after the blocks it spans
                formatting_open -= a_open
                a_open = max(a_open - 1, 0) if closing else a_open + 1
                formatting_open += a_open
            elif key == PRE_KEY or key == LISTING_KEY:  # whitespace inside is text
                pre_open = max(pre_open - 1, 0) if closing else pre_open + 1
            if closing:
                if foreign and (key == 0x70 or key == 0x7262):  # </p>, </br>: out of it
                    while _foreign(&contexts):
                        _pop(&contexts)
                elif code and contexts.count[code]:  # closes the innermost of its name
                    while contexts.codes[contexts.size - 1] != code:
                        _pop(&contexts)
                    _pop(&contexts)
                if svg_start >= 0:  # the element open last inside the <svg> closes, or it
                    if svg_depth and svg_open[svg_depth - 1] == name_hash and _foreign(&contexts):
                        svg_depth -= 1
                    elif not svg_depth and code == SVG and contexts.size == 0:
                        if lt - svg_start >= MIN_UNREAD_TEXT and len(unread) < MAX_UNREAD:
                            unread.append((svg_start, lt))
                        svg_start = -1
                    else:
                        svg_start = -1  # not as it opened: not followed further
                continue
            self_closed = data[end - 2] == 47
            if code == SVG or code == MATH:
                if not self_closed:
                    _push(&contexts, code)
            elif foreign:
                if (kind & BREAKOUT and _among(key, _breakout_keys, _n_breakout)) or (
                    key == 0x746E6F66 and _font_styled(data, j, n)  # <font color=…>
                ):
                    while _foreign(&contexts):
                        _pop(&contexts)
                elif code and not self_closed and (
                    (FIRST_SVG_POINT <= code < FIRST_MATH_POINT)
                    == (contexts.codes[contexts.size - 1] == SVG)
                ):
                    _push(&contexts, code)  # an integration point of its own kind
            elif kind & RAW_TEXT and _among(key, _raw_text_keys, _n_raw_text):
                k = end  # where the element's text starts
                i = _raw_text_end(data, end, n, key)
                after_block = False  # its text is not whitespace between tags
                tags += _count_lt(data, end, i)  # what may be markup after all
                if (
                    i - k >= MIN_UNREAD_TEXT
                    and i < n
                    and (key == STYLE_KEY or key == SCRIPT_KEY and _unread_script(data, begin, k, i))
                    and len(unread) < MAX_UNREAD
                ):
                    unread.append((k, i))
            if svg_start >= 0:  # inside an outermost <svg>: still in SVG, or not followed
                if not _foreign(&contexts):
                    svg_start = -1  # HTML again (a breakout, an integration point)
                elif not self_closed:
                    if svg_depth == SVG_CUT_DEPTH:
                        svg_start = -1
                    else:
                        svg_open[svg_depth] = name_hash
                        svg_depth += 1
            elif code == SVG and not self_closed and contexts.size == 1:
                svg_start, svg_depth = end, 0  # an outermost <svg> opens
            if plain_at < 0 and not foreign and _is_plaintext(data, begin, j):
                plain_at = lt  # the rest of the page is text: nothing after it is cut
        if plain_at >= 0:
            unread = [span for span in unread if span[1] <= plain_at]
            while marks.size and marks.at[2 * marks.size - 1] > plain_at:
                marks.size -= 1
        unread_markup = array.array("q")
        array.extend_buffer(unread_markup, <char *> marks.at, 2 * marks.size)
    finally:
        free(contexts.codes)
        _free_names(&names)
        _free_names(&tag_names)
        free(marks.at)
    return tags, spans, piled, all_attributes, dropped, unread, unread_markup


cdef inline Py_ssize_t _start_of(list spans, Py_ssize_t k, Py_ssize_t n):
    """The start of ``spans[k]``, or ``n`` past the last span."""
    return (<tuple> spans[k])[0] if k < len(spans) else n


def without_spans(
    bytes html, list bare, list dropped, list unread, const long long[::1] unread_markup
):
    """``lines._without_attributes``, compiled: ``html`` with each tag of ``bare``
    (``[start, end)`` spans) written as its bare name (``<div>``, ``</div>``) and each span of
    ``dropped``, ``unread`` and ``unread_markup`` (its starts and ends in turn) left out. Each
    is in order, and no two spans of the four overlap."""
    cdef const unsigned char *data = html
    cdef Py_ssize_t n = len(html), size = n, last = 0, start, end, k, m = 0
    cdef Py_ssize_t a = 0, b = 0, c = 0, d = 0, sa, sb, sc, sd
    cdef Py_ssize_t n_marks = unread_markup.shape[0] // 2
    cdef Py_ssize_t count = len(bare) + len(dropped) + len(unread) + n_marks
    cdef bytes out
    cdef unsigned char *to
    # the cuts in document order: start, end, and where a bare tag's name ends (-1: left out)
    cdef Py_ssize_t *cuts = <Py_ssize_t *> malloc(max(3 * count, 1) * sizeof(Py_ssize_t))
    if cuts == NULL:
        raise MemoryError()
    try:
        while m < count:
            sa, sb = _start_of(bare, a, n), _start_of(dropped, b, n)
            sc = _start_of(unread, c, n)
            sd = unread_markup[2 * d] if d < n_marks else n
            if sa < sb and sa < sc and sa < sd:
                start, end = bare[a]
                a += 1
                k = _past(data, start + 1 + (data[start + 1] == 47), n, _tag_name_stop)
                size -= end - k - 1
            else:
                if sb < sc and sb < sd:
                    start, end = dropped[b]
                    b += 1
                elif sc < sd:
                    start, end = unread[c]
                    c += 1
                else:
                    start, end = unread_markup[2 * d], unread_markup[2 * d + 1]
                    d += 1
                k = -1
                size -= end - start
            cuts[3 * m], cuts[3 * m + 1], cuts[3 * m + 2] = start, end, k
            m += 1
        out = PyBytes_FromStringAndSize(NULL, size)
        to = <unsigned char *> PyBytes_AS_STRING(out)
        for m in range(count):
            start, end, k = cuts[3 * m], cuts[3 * m + 1], cuts[3 * m + 2]
            if k >= 0:  # the tag up to its name's end, then ">"
                memcpy(to, data + last, k - last)
                to += k - last
                to[0] = 62
                to += 1
            else:
                memcpy(to, data + last, start - last)
                to += start - last
            last = end
        memcpy(to, data + last, n - last)
    finally:
        free(cuts)
    return out


cdef bint _is_plaintext(const unsigned char *data, Py_ssize_t begin, Py_ssize_t end) noexcept nogil:
    """Whether the tag name ``data[begin:end]`` is "plaintext" in any case."""
    cdef const char *name = b"plaintext"
    cdef Py_ssize_t k
    if end - begin != 9:
        return False
    for k in range(9):
        if _lower[data[begin + k]] != <unsigned char> name[k]:
            return False
    return True


cdef enum:
    SVG_CUT_DEPTH = 64  # elements open inside an <svg> that is cut, at most


cdef uint64_t _name_hash(const unsigned char *data, Py_ssize_t begin, Py_ssize_t end) noexcept nogil:
    """FNV-1a of the tag name ``data[begin:end]``, ASCII letters lowered."""
    cdef uint64_t h = 14695981039346656037ULL
    cdef Py_ssize_t j
    for j in range(begin, end):
        h = (h ^ _lower[data[j]]) * 1099511628211ULL
    return h


cdef uint64_t SCRIPT_KEY = 0x747069726373  # "script" as a key: its bytes, lowest first
cdef uint64_t STYLE_KEY = 0x656C797473  # "style"
cdef uint64_t PRE_KEY = 0x657270  # "pre"
cdef uint64_t LISTING_KEY = 0x676E697473696C  # "listing"
cdef Py_ssize_t MIN_UNREAD_TEXT = 32  # bytes: a shorter text is not worth a cut
cdef Py_ssize_t MAX_UNREAD = 4096  # spans a page, at most (a dataset page's most: 1,649)


cdef bint _unread_script(const unsigned char *data, Py_ssize_t begin, Py_ssize_t start,
                         Py_ssize_t end) noexcept nogil:
    """Whether the text ``[start, end)`` of the <script> whose tag runs from ``begin`` to
    ``start`` is unread: its tag holds neither "ld+json" (in any case: JSON-LD is read) nor "&"
    (a character reference may spell it), and the text holds no "<!--" (after which the
    tokenizer's escaped states may end it elsewhere)."""
    cdef Py_ssize_t j
    cdef const unsigned char *at
    for j in range(begin, start):
        if data[j] == 38:
            return False
        if (
            j + 6 < start and _lower[data[j]] == 108 and _lower[data[j + 1]] == 100
            and data[j + 2] == 43 and _lower[data[j + 3]] == 106 and _lower[data[j + 4]] == 115
            and _lower[data[j + 5]] == 111 and _lower[data[j + 6]] == 110
        ):  # "ld+json"
            return False
    j = start
    while j < end - 3:
        at = <const unsigned char *> memchr(data + j, 60, end - 3 - j)
        if at == NULL:
            return True
        j = at - data
        if data[j + 1] == 33 and data[j + 2] == 45 and data[j + 3] == 45:
            return False
        j += 1
    return True


# ---------------------------------------------------------------- markup columns
cdef float _byte_cells[256][8]  # the bits of a byte, lowest first, as 0.0 and 1.0


cdef void _set_byte_cells() noexcept nogil:
    cdef int byte, bit
    for byte in range(256):
        for bit in range(8):
            _byte_cells[byte][bit] = (byte >> bit) & 1


_set_byte_cells()


def markup_columns(
    const long long[::1] kinds, const long long[::1] depths, const long long[::1] bits,
    const long long[::1] near_bits, int n_kinds, int n_bits, float[:, :] out
):
    """``features._numpy_markup_columns`` from a page's columns (int64): into ``out`` (one
    row a line), each line's depth over the page's deepest (at least 1), its kind one-hot
    (``n_kinds`` columns; kinds past the last count as the last), then ``n_bits`` columns of
    its bits and ``n_bits`` of its near bits (1.0 where set)."""
    cdef Py_ssize_t n = kinds.shape[0], i, j, width = out.shape[1]
    cdef float deepest = 0.0, d
    cdef long long kind
    cdef uint64_t own, near
    cdef float *cells  # a row's cells, then copied into out
    cdef char *row
    cdef Py_ssize_t step
    if not (depths.shape[0] == bits.shape[0] == near_bits.shape[0] == n == out.shape[0]):
        raise ValueError("columns of different lengths")
    if out.shape[1] != 1 + n_kinds + 2 * n_bits or not 0 <= n_bits <= 64 or n_kinds < 1:
        raise ValueError("out does not have the columns asked for")
    if n == 0:
        return
    step = out.strides[1]
    for i in range(n):
        d = <float> depths[i]
        if i == 0 or d > deepest:
            deepest = d
    if not deepest >= 1.0:  # max(depths.max(), 1.0)
        deepest = 1.0
    cells = <float *> malloc((width + 8) * sizeof(float))  # bytes of bits spill 8 cells over
    if cells == NULL:
        raise MemoryError()
    try:
        for i in range(n):
            cells[0] = (<float> depths[i]) / deepest
            kind = min(kinds[i], n_kinds - 1)
            if kind < 0:  # counted from the end, as NumPy indexes
                kind += n_kinds
                if kind < 0:
                    raise IndexError(f"kind {kinds[i]} out of range")
            memset(cells + 1, 0, n_kinds * sizeof(float))
            cells[1 + kind] = 1.0
            own, near = <uint64_t> bits[i], <uint64_t> near_bits[i]
            # a byte's 8 cells at a time: the near bits' are written over the own bits' spill
            for j in range(0, n_bits, 8):
                memcpy(cells + 1 + n_kinds + j, _byte_cells[(own >> j) & 255], 8 * sizeof(float))
            for j in range(0, n_bits, 8):
                memcpy(cells + 1 + n_kinds + n_bits + j, _byte_cells[(near >> j) & 255], 8 * sizeof(float))
            if n_bits == 64:  # bit 63 is the sign bit: never above 0, as NumPy reads it
                cells[n_kinds + 64] = cells[n_kinds + 128] = 0.0
            row = <char *> &out[i, 0]
            if step == sizeof(float):  # a row's cells lie side by side
                memcpy(row, cells, width * sizeof(float))
            else:
                for j in range(width):
                    (<float *> (row + j * step))[0] = cells[j]
    finally:
        free(cells)


def signature_columns(
    const long long[::1] labels, const long long[::1] link_chars, list texts,
    const float[:] prose_chars, double total, float[:, :] out, double[::1] alike,
    double[::1] mean_chars
):
    """The statistics of the lines built alike (their signature ``labels``, 0, 1, 2 …) that
    ``features._container_features`` reads, summed in line order in float64 as its NumPy path
    sums them: into ``out`` (one row a line), in column 1 the mean link density of the line's
    signature and in column 3 its share of the page's prose (``total``: at least 1); into
    ``alike`` how many lines have it and into ``mean_chars`` their mean characters (which
    the caller takes the log1p of, as NumPy does)."""
    cdef Py_ssize_t n = labels.shape[0], i, n_labels = 0
    cdef long long label
    cdef double chars
    cdef double *sums
    cdef double *count
    cdef double *links
    cdef double *all_chars
    cdef double *prose
    if not (
        link_chars.shape[0] == len(texts) == prose_chars.shape[0] == out.shape[0]
        == alike.shape[0] == mean_chars.shape[0] == n
    ):
        raise ValueError("columns of different lengths")
    if out.shape[1] != 4:
        raise ValueError("out does not have the columns asked for")
    for i in range(n):
        if labels[i] < 0:
            raise ValueError(f"signature label {labels[i]} is negative")
        n_labels = max(n_labels, labels[i] + 1)
    sums = <double *> malloc(4 * max(n_labels, 1) * sizeof(double))
    if sums == NULL:
        raise MemoryError()
    memset(sums, 0, 4 * n_labels * sizeof(double))
    count, links, all_chars, prose = sums, sums + n_labels, sums + 2 * n_labels, sums + 3 * n_labels
    for i in range(n):
        label = labels[i]
        chars = <double> PyUnicode_GET_LENGTH(<str?> texts[i])
        count[label] += 1.0
        links[label] += (<double> link_chars[i]) / (chars if chars > 1.0 else 1.0)
        all_chars[label] += chars
        prose[label] += <double> prose_chars[i]
    for i in range(n):
        label = labels[i]
        alike[i] = count[label]
        out[i, 1] = <float> (links[label] / count[label])
        mean_chars[i] = all_chars[label] / count[label]
        out[i, 3] = <float> (prose[label] / total)
    free(sums)

