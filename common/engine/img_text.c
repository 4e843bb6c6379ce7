#include "img_text.h"

#include <ctype.h>
#include <string.h>

#include "../util/img_utf8.h"

size_t img_text_cp(const char *text, size_t len, size_t pos, uint32_t *cp)
{
    size_t n = img_utf8_decode(text, len, pos, cp);
    switch (*cp) {
    case '\t':
    case 0x00A0: /* no-break space */
    case 0x2007:
    case 0x2009:
    case 0x200A:
    case 0x202F:
    case 0x2002:
    case 0x2003:
    case 0x3000:
        *cp = ' ';
        break;
    case '\r':
        *cp = '\n';
        break;
    case 0x2018:
    case 0x2019:
    case 0x201B:
    case 0x2032:
        *cp = '\'';
        break;
    case 0x201C:
    case 0x201D:
    case 0x201F:
        *cp = '"';
        break;
    case 0x2010:
    case 0x2011:
    case 0x2012:
    case 0x2013:
    case 0x2014:
    case 0x2015:
    case 0x2212:
        *cp = '-';
        break;
    case 0x2022: /* • */
    case 0x25AA: /* ▪ */
    case 0x25CF: /* ● */
    case 0x25E6: /* ◦ */
    case 0x2023: /* ‣ */
    case 0x2043: /* ⁃ */
    case 0x00B7: /* · */
    case 0x25A0: /* ■ */
    case 0x25BA: /* ► */
    case 0x27A2: /* ➢ */
    case 0x2713: /* ✓ */
    case 0x2714: /* ✔ */
    case 0xF0B7: /* Word's private-use bullet */
    case 0xF0A7:
        *cp = '*';
        break;
    default:
        break;
    }
    return n;
}

/* img_text_cp() with the common case inline: ASCII other than '\t' and '\r'
 * maps to itself. */
static inline size_t cp_at(const char *text, size_t len, size_t pos, uint32_t *cp)
{
    unsigned char c = (unsigned char)text[pos];
    if (c < 0x80 && c != '\t' && c != '\r') {
        *cp = c;
        return 1;
    }
    return img_text_cp(text, len, pos, cp);
}

static bool is_space_cp(uint32_t cp)
{
    return cp == ' ' || cp == '\f' || cp == '\v' || cp == 0xFEFF || cp == 0x200B;
}

/* Fills the content span and bullet flag of one line. */
static void scan_line(const char *t, size_t len, img_line_t *ln)
{
    size_t p = ln->raw_start, e = ln->raw_end;
    unsigned indent = 0;
    uint32_t cp;
    while (p < e) {
        size_t n = cp_at(t, len, p, &cp);
        if (!is_space_cp(cp))
            break;
        indent += (t[p] == '\t') ? 4 : 1;
        p += n;
    }
    ln->indent = indent;
    if (p < e) {
        size_t n = cp_at(t, len, p, &cp);
        bool marker = false;
        if (cp == '*' || cp == '-' || cp == '>' || cp == 'o') {
            /* A bullet glyph needs a space after it ("- item", "• item"), except
             * the unambiguous glyphs which may touch the text. */
            uint32_t next = 0;
            if (p + n < e)
                cp_at(t, len, p + n, &next);
            bool glyph = (unsigned char)t[p] >= 0x80;
            if (cp == 'o')
                marker = next == ' ';
            else
                marker = next == ' ' || (glyph && next != 0) || (cp == '*' && next != '*');
            if (cp == '-' && next == '-')
                marker = false;
        } else if (isdigit((unsigned char)t[p]) || isalpha((unsigned char)t[p])) {
            /* "1." "2)" "a)" list numbering, not "2019." or "3.5 years" */
            size_t q = p;
            while (q < e && q - p < 2 && isdigit((unsigned char)t[q]))
                q++;
            if (q == p && q < e && islower((unsigned char)t[q]))
                q++;
            if (q > p && q + 1 < e && (t[q] == '.' || t[q] == ')') && t[q + 1] == ' ')
                marker = true, n = q + 1 - p;
        }
        if (marker) {
            ln->bullet = true;
            p += n;
            while (p < e) {
                size_t m = cp_at(t, len, p, &cp);
                if (!is_space_cp(cp))
                    break;
                p += m;
            }
        }
    }
    while (e > p) {
        /* Trim trailing spaces: step back over one code point at a time. */
        size_t q = e - 1;
        while (q > p && ((unsigned char)t[q] & 0xC0) == 0x80)
            q--;
        cp_at(t, len, q, &cp);
        if (!is_space_cp(cp))
            break;
        e = q;
    }
    ln->start = p;
    ln->end = e;
    ln->blank = p >= e;
}

img_err_t img_doc_init(img_doc_t *doc, const char *what, const char *text, size_t len,
                       size_t max_len, img_arena_t *arena, char *errstr, size_t errstr_size)
{
    memset(doc, 0, sizeof(*doc));
    size_t bad;
    if (len > max_len)
        return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size,
                           "%s: larger than the limit of %zu bytes", what, max_len);
    if (!img_utf8_valid(text, len, &bad))
        return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size, "%s: invalid UTF-8 at byte %zu",
                           what, bad);
    if (memchr(text, '\0', len))
        return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size,
                           "%s: contains a NUL byte at byte %zu", what,
                           (size_t)((const char *)memchr(text, '\0', len) - text));
    doc->text = text;
    doc->len = len;

    IMG_VEC(img_line_t) lines = {0};
    size_t p = 0;
    bool any = false;
    while (p <= len) {
        size_t s = p;
        while (p < len && text[p] != '\n' && text[p] != '\r')
            p++;
        img_line_t *ln = IMG_VEC_PUSH(arena, &lines);
        ln->raw_start = s;
        ln->raw_end = p;
        scan_line(text, len, ln);
        if (!ln->blank)
            any = true;
        if (p >= len)
            break;
        if (text[p] == '\r' && p + 1 < len && text[p + 1] == '\n')
            p++;
        p++;
    }
    if (!any)
        return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size,
                           "%s: the document is empty or only whitespace", what);
    doc->lines = lines.v;
    doc->n_lines = lines.n;
    return IMG_OK;
}

/* ASCII letters and digits (isalnum() in the C locale). */
static const unsigned char ALNUM[128] = {
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1,
    ['8'] = 1, ['9'] = 1, ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1,
    ['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1,
    ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1,
    ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1, ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1,
    ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1,
    ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1,
    ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
};

static inline bool word_cp(uint32_t cp)
{
    if (cp < 0x80)
        return ALNUM[cp];
    /* Letters of Latin-1 supplement and beyond, excluding our punctuation set. */
    return cp >= 0xC0 && cp != 0xD7 && cp != 0xF7 && cp != 0xFFFD;
}

size_t img_text_tokenize(const img_doc_t *doc, size_t start, size_t end, img_arena_t *arena,
                         img_token_t **out)
{
    const char *t = doc->text;
    size_t len = doc->len;
    IMG_VEC(img_token_t) toks = {0};
    size_t p = start;
    size_t line = img_doc_line_at(doc, start);
    uint32_t cp, next;
    while (p < end) {
        size_t n = cp_at(t, len, p, &cp);
        if (cp == '\n' || is_space_cp(cp) || cp == ' ') {
            p += n;
            continue;
        }
        while (line + 1 < doc->n_lines && doc->lines[line + 1].raw_start <= p)
            line++;
        size_t s = p;
        uint16_t flags = 0;
        bool lead_dot = false;
        if (cp == '.' && p + n < end) {
            cp_at(t, len, p + n, &next);
            if (next < 0x80 && isalpha((int)next) && (s == start || !word_cp(t[s - 1])))
                lead_dot = true;
        }
        if (word_cp(cp) || lead_dot) {
            size_t q = p;
            unsigned letters = 0, uppers = 0;
            if (lead_dot)
                q += n;
            while (q < end) {
                unsigned char c = (unsigned char)t[q];
                if (c < 0x80 && ALNUM[c]) {
                    /* ASCII letters and digits, counted on the way (no other
                     * byte of a token is an ASCII letter or digit). */
                    if (c >= 'A') {
                        bool up = c <= 'Z';
                        if (!letters && up)
                            flags |= IMG_TOK_UPPER;
                        letters++;
                        uppers += up;
                    } else {
                        flags |= IMG_TOK_DIGIT;
                    }
                    q++;
                    continue;
                }
                size_t m = cp_at(t, len, q, &cp);
                if (word_cp(cp)) {
                    if (cp >= 0x80)
                        flags |= IMG_TOK_NONASCII;
                    q += m;
                    continue;
                }
                if (cp == '.' || cp == '/' || cp == '-' || cp == '\'' || cp == '&' || cp == '_') {
                    if (q + m < end) {
                        cp_at(t, len, q + m, &next);
                        if (word_cp(next)) {
                            q += m;
                            continue;
                        }
                    }
                    break;
                }
                if (cp == '+' || cp == '#') {
                    /* C++, C#, F#, 5+ : trailing only */
                    while (q < end && (t[q] == '+' || t[q] == '#'))
                        q++;
                    break;
                }
                if (cp == '%') {
                    q += m;
                    break;
                }
                break;
            }
            if (letters || (flags & IMG_TOK_NONASCII))
                flags |= IMG_TOK_ALPHA;
            if (letters >= 2 && uppers == letters)
                flags |= IMG_TOK_ALLCAPS;
            p = q;
        } else {
            flags = IMG_TOK_PUNCT;
            p += n;
        }
        img_token_t *tok = IMG_VEC_PUSH(arena, &toks);
        tok->start = (uint32_t)s;
        tok->end = (uint32_t)p;
        tok->line = line > 65535 ? 65535 : (uint16_t)line;
        tok->flags = flags;
    }
    *out = toks.v;
    return toks.n;
}

size_t img_text_key(const char *text, size_t start, size_t end, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = start; i < end && o + 1 < cap; i++) {
        unsigned char c = (unsigned char)text[i];
        if (isalnum(c))
            out[o++] = (char)tolower(c);
        else if (c == '+' || c == '#' || c == '&')
            out[o++] = (char)c;
        else if (c == '.' && o == 0 && i + 1 < end && isalpha((unsigned char)text[i + 1]) &&
                 (i == start || text[i - 1] == ' '))
            out[o++] = '.';
        else if (c >= 0x80) {
            /* Keep letters beyond ASCII byte for byte, but not our punctuation
             * (NBSP, smart quotes, dashes, bullets). */
            uint32_t cp;
            size_t n = img_text_cp(text, end, i, &cp);
            if (cp >= 0xC0 && cp != 0xFFFD && cp != 0xD7 && cp != 0xF7) {
                for (size_t k = 0; k < n && o + 1 < cap; k++)
                    out[o++] = text[i + k];
            }
            i += n - 1;
        }
    }
    out[o] = '\0';
    return o;
}

size_t img_doc_line_at(const img_doc_t *doc, size_t pos)
{
    size_t lo = 0, hi = doc->n_lines;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (doc->lines[mid].raw_start <= pos)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* tolower() of the C locale, inline. */
static inline unsigned char lower(unsigned char c)
{
    return (unsigned char)(c - 'A') < 26 ? (unsigned char)(c + ('a' - 'A')) : c;
}

/* The rest of img_text_ieq(), out of line so that its fast path needs no frame. */
#if defined(__GNUC__)
#define TEXT_NOINLINE __attribute__((noinline))
#else
#define TEXT_NOINLINE
#endif
static TEXT_NOINLINE bool ieq_all(const char *text, size_t start, size_t end, const char *word)
{
    size_t n = strlen(word);
    if (end - start != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (lower((unsigned char)text[start + i]) != lower((unsigned char)word[i]))
            return false;
    return true;
}

bool img_text_ieq(const char *text, size_t start, size_t end, const char *word)
{
    /* Most calls compare against words that differ at once: the first byte
     * decides them without measuring the word (and without a stack frame). */
    if (start < end && lower((unsigned char)text[start]) != lower((unsigned char)word[0]))
        return false;
    return ieq_all(text, start, end, word);
}
