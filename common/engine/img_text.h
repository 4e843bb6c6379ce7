/*
 * img_text.h - documents, lines and tokens over the ORIGINAL bytes.
 *
 * Nothing is rewritten: CRLF, tabs, non-breaking spaces, smart quotes, the
 * dash family and bullet glyphs are normalised on the fly by the scanners
 * below, so every offset anywhere in the engine points into the input as
 * received (end exclusive) and `text` fields equal that slice.
 *
 * Ownership: an img_doc_t borrows `text` (the caller keeps it alive for the
 * analysis) and allocates its lines in the arena it is given.
 */
#ifndef IMG_TEXT_H
#define IMG_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/img_arena.h"
#include "../util/img_err.h"

typedef struct img_line {
    size_t raw_start, raw_end; /* the whole line without its terminator */
    size_t start, end; /* content: leading space and bullet glyph removed, trailing space trimmed */
    unsigned indent;   /* leading columns (tab = 4) */
    bool bullet;       /* started with •, ▪, ◦, ‣, ·, -, *, –, —, >, or "1." / "a)" */
    bool blank;        /* content is empty */
} img_line_t;

typedef struct img_doc {
    const char *text; /* borrowed, valid UTF-8 */
    size_t len;
    img_line_t *lines; /* in the arena */
    size_t n_lines;
} img_doc_t;

/* Validates (non-empty, not only whitespace, valid UTF-8, len <= max_len) and
 * splits into lines. `what` names the document in errors ("resume", "job ad").
 * IMG_ERR_PERMANENT with one line such as "resume: invalid UTF-8 at byte 17". */
img_err_t img_doc_init(img_doc_t *doc, const char *what, const char *text, size_t len,
                       size_t max_len, img_arena_t *arena, char *errstr,
                       size_t errstr_size) IMG_WUR;

/* Normalised code point at text[pos]: NBSP/thin/figure spaces and tab -> ' ',
 * CR -> '\n', curly quotes -> '\'' or '"', ‐‑‒–—― and minus -> '-', bullet
 * glyphs -> '*'. Returns the byte length consumed (>= 1). */
size_t img_text_cp(const char *text, size_t len, size_t pos, uint32_t *cp);

/* Token flags. */
enum {
    IMG_TOK_ALPHA = 1 << 0,   /* contains a letter */
    IMG_TOK_DIGIT = 1 << 1,   /* contains a digit */
    IMG_TOK_UPPER = 1 << 2,   /* first letter upper case */
    IMG_TOK_ALLCAPS = 1 << 3, /* >= 2 letters, all upper case */
    IMG_TOK_PUNCT = 1 << 4,   /* a lone punctuation character */
    IMG_TOK_NONASCII = 1 << 5
};

/*
 * A token is a word ("Node.js", "C++", "C#", ".NET", "CI/CD", "scikit-learn",
 * "A/B", "don't", "5+", "40%", "2019") or one punctuation character. Inner
 * '.', '/', '-', '\'', '&' and '_' stay inside a word when a letter or digit
 * follows; trailing '+', '#' stay ("C++", "C#"); a leading '.' before a
 * letter stays (".NET").
 */
typedef struct img_token {
    uint32_t start, end; /* byte offsets */
    uint16_t line;       /* index into doc->lines (saturates at 65535) */
    uint16_t flags;
} img_token_t;

/* Tokenises text[start..end) of doc; the array lives in the arena. */
size_t img_text_tokenize(const img_doc_t *doc, size_t start, size_t end, img_arena_t *arena,
                         img_token_t **out);

/* Matching key of text[start..end): ASCII lower case, keeping letters, digits,
 * non-ASCII letters, '+', '#', '&' and a leading '.'; everything else is
 * dropped, so "Node.js", "NodeJS" and "node js" all give "nodejs". Writes at
 * most cap-1 bytes plus NUL into out and returns the key length. */
size_t img_text_key(const char *text, size_t start, size_t end, char *out, size_t cap);

/* Index of the line containing byte offset pos (binary search). */
size_t img_doc_line_at(const img_doc_t *doc, size_t pos);

/* ASCII case-insensitive comparison of text[start..end) with a NUL-terminated word. */
bool img_text_ieq(const char *text, size_t start, size_t end, const char *word);

#endif
