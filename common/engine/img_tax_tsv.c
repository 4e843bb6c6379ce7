/*
 * img_tax_tsv.c - parses taxonomy TSV (the format of data/taxonomy/, see
 * data/taxonomy/README.md). The built-in data goes through it at build time
 * (tools/img_taxgen.c, every *.tsv joined with "\n"), tests and tools at run
 * time.
 */
#include "img_tax_int.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/img_log.h"
#include "../util/img_utf8.h"

#define TSV_COLUMNS 6

/* A field of the TSV copy: s[0..n), trimmed and NUL-terminated in place. */
typedef struct tsv_field {
    char *s;
    size_t n;
} tsv_field_t;

/* Trims s[0..n) and NUL-terminates it in place (over a separator or a space). */
static tsv_field_t terminate(char *s, size_t n)
{
    tsv_field_t f;
    f.n = n;
    f.s = (char *)img_tax_trim(s, &f.n);
    f.s[f.n] = '\0';
    return f;
}

static img_err_t line_err(char *errstr, size_t errstr_size, size_t line_no, const char *fmt, ...)
    IMG_PRINTF(4, 5);

static img_err_t line_err(char *errstr, size_t errstr_size, size_t line_no, const char *fmt, ...)
{
    char reason[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof(reason), fmt, ap);
    va_end(ap);
    return img_err_set(IMG_ERR_FATAL, errstr, errstr_size, "taxonomy line %zu: %s", line_no,
                       reason);
}

/* Clips a piece of a line for an error message. */
#define CLIP(n) ((int)((n) > 80 ? 80 : (n)))

/* Parses the flags column into *flags; false on an unknown flag (*bad set). */
static bool parse_flags(tsv_field_t f, unsigned *flags, tsv_field_t *bad)
{
    *flags = 0;
    char *p = f.s, *end = f.s + f.n;
    while (p < end) {
        char *comma = memchr(p, ',', (size_t)(end - p));
        size_t n = (size_t)((comma ? comma : end) - p);
        char *w = (char *)img_tax_trim(p, &n);
        if (n == 3 && memcmp(w, "ctx", 3) == 0)
            *flags |= IMG_TAX_CTX;
        else if (n == 4 && memcmp(w, "case", 4) == 0)
            *flags |= IMG_TAX_CASE;
        else if (n) {
            bad->s = w;
            bad->n = n;
            return false;
        }
        p = comma ? comma + 1 : end;
    }
    return true;
}

/* Adds the '|'-separated aliases of f to skill (terminating each in place). */
static img_err_t add_aliases(img_tax_t *tax, int skill, tsv_field_t f, size_t line_no, char *errstr,
                             size_t errstr_size)
{
    char *p = f.s, *end = f.s + f.n;
    const char *name = tax->skills[skill].name;
    while (p < end) {
        char *bar = memchr(p, '|', (size_t)(end - p));
        tsv_field_t a = terminate(p, (size_t)((bar ? bar : end) - p));
        p = bar ? bar + 1 : end;
        if (!a.n)
            continue;
        int owner = -1;
        switch (img_tax_add_key(tax, a.s, a.n, skill, false, &owner)) {
        case TAX_ADD_EMPTY:
            return line_err(errstr, errstr_size, line_no,
                            "alias \"%.*s\" of %s has no letters or digits", CLIP(a.n), a.s, name);
        case TAX_ADD_LONG:
            return line_err(errstr, errstr_size, line_no, "alias \"%.*s...\" of %s is too long",
                            CLIP(a.n), a.s, name);
        case TAX_ADD_OTHER:
        case TAX_ADD_NAMED:
            tax->conflicts++;
            img_log_debug(NULL, "taxonomy_conflict",
                          "line %zu: alias \"%s\" of %s already names %s (kept)", line_no, a.s,
                          name, tax->skills[owner].name);
            break;
        default:
            break;
        }
    }
    return IMG_OK;
}

/* Joins a related column onto the skill's pending related names. */
static void add_related(img_tax_t *tax, int skill, tsv_field_t f)
{
    if (!f.n)
        return;
    const char *old = tax->raw_related[skill];
    tax->raw_related[skill] = old ? img_arena_printf(tax->arena, "%s|%s", old, f.s) : f.s;
}

/* Parses one line of the TSV copy (line[len] is its end; fields are
 * terminated in place and stay referenced by the taxonomy). */
static img_err_t parse_line(img_tax_t *tax, char *line, size_t len, size_t line_no, char *errstr,
                            size_t errstr_size)
{
    char *start[TSV_COLUMNS], *stop[TSV_COLUMNS];
    size_t nf = 0;
    char *p = line, *end = line + len;
    for (;;) {
        char *tab = memchr(p, '\t', (size_t)(end - p));
        if (nf < TSV_COLUMNS) {
            start[nf] = p;
            stop[nf] = tab ? tab : end;
        }
        nf++;
        if (!tab)
            break;
        p = tab + 1;
    }
    if (nf != TSV_COLUMNS) {
        size_t n0 = (size_t)(stop[0] - start[0]);
        return line_err(errstr, errstr_size, line_no,
                        "%zu tab-separated columns, expected 6 (%.*s)", nf, CLIP(n0), start[0]);
    }
    tsv_field_t f[TSV_COLUMNS];
    for (size_t i = 0; i < TSV_COLUMNS; i++)
        f[i] = terminate(start[i], (size_t)(stop[i] - start[i]));
    tsv_field_t name = f[0], cat = f[1], aliases = f[2], related = f[3], group = f[4];
    if (!name.n)
        return line_err(errstr, errstr_size, line_no, "empty name");
    int category = img_category_parse(cat.s);
    if (category < 0)
        return line_err(errstr, errstr_size, line_no, "unknown category \"%.*s\" for %s",
                        CLIP(cat.n), cat.s, name.s);
    unsigned flags;
    tsv_field_t bad;
    if (!parse_flags(f[5], &flags, &bad))
        return line_err(errstr, errstr_size, line_no, "unknown flag \"%.*s\" for %s", CLIP(bad.n),
                        bad.s, name.s);

    /* The same canonical name again (by key): merge into the first. */
    int skill = img_tax_add_skill(tax, name.s, (img_category_t)category, group.s, flags);
    int owner = -1;
    switch (img_tax_add_key(tax, name.s, name.n, skill, true, &owner)) {
    case TAX_ADD_EMPTY:
        return line_err(errstr, errstr_size, line_no, "name \"%.*s\" has no letters or digits",
                        CLIP(name.n), name.s);
    case TAX_ADD_LONG:
        return line_err(errstr, errstr_size, line_no, "name \"%.*s...\" is too long", CLIP(name.n),
                        name.s);
    case TAX_ADD_NAMED:
        tax->n_skills--; /* the one just added, last */
        skill = owner;
        tax->conflicts++;
        img_log_debug(NULL, "taxonomy_conflict", "line %zu: %s is already a skill; aliases merged",
                      line_no, name.s);
        if (!tax->skills[skill].group && group.n)
            tax->skills[skill].group = group.s;
        break;
    case TAX_ADD_OTHER:
        tax->conflicts++;
        img_log_debug(NULL, "taxonomy_conflict",
                      "line %zu: name %s is already an alias of %s (kept)", line_no, name.s,
                      tax->skills[owner].name);
        break;
    default:
        break;
    }
    add_related(tax, skill, related);
    return add_aliases(tax, skill, aliases, line_no, errstr, errstr_size);
}

/* Turns every skill's related names into ids: unknown names and the skill
 * itself are dropped (unknown ones counted), duplicates kept once. */
static void resolve_related(img_tax_t *tax)
{
    for (size_t s = 0; s < tax->n_skills; s++) {
        const char *raw = tax->raw_related[s];
        if (!raw)
            continue;
        size_t cap = 1;
        for (const char *c = raw; *c; c++)
            cap += *c == '|';
        int *ids = img_arena_alloc(tax->arena, cap * sizeof(int));
        size_t n = 0;
        for (const char *p = raw; *p;) {
            const char *bar = strchr(p, '|');
            size_t len = bar ? (size_t)(bar - p) : strlen(p);
            const char *r = img_tax_trim(p, &len);
            p = bar ? bar + 1 : p + strlen(p);
            if (!len)
                continue;
            int id = img_tax_find(tax, r, len);
            if (id < 0) {
                tax->unresolved++;
                img_log_debug(NULL, "taxonomy_unresolved", "%s: related \"%.*s\" names no skill",
                              tax->skills[s].name, (int)len, r);
                continue;
            }
            bool dup = id == (int)s;
            for (size_t k = 0; k < n && !dup; k++)
                dup = ids[k] == id;
            if (!dup)
                ids[n++] = id;
        }
        tax->skills[s].related = ids;
        tax->skills[s].n_related = n;
        tax->raw_related[s] = NULL;
    }
}

/* True if s[0..n) has a byte >= 0x80 (eight at a time). */
static bool has_high(const char *s, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        if (w & 0x8080808080808080ull)
            return true;
    }
    for (; i < n; i++)
        if ((unsigned char)s[i] >= 0x80)
            return true;
    return false;
}

img_err_t img_tax_new_from_tsv(img_tax_t **taxp, const char *data, size_t len, char *errstr,
                               size_t errstr_size)
{
    *taxp = NULL;
    img_tax_t *tax = img_tax_alloc();
    /* One copy of the text: names, aliases and groups point into it. */
    char *copy = malloc(len + 1);
    if (!copy)
        abort();
    memcpy(copy, data, len);
    copy[len] = '\0';
    tax->tsv = copy;
    tax->expect_keys = len / 24; /* about one name or alias per 24 bytes */
    char *p = copy, *end = copy + len;
    size_t line_no = 0;
    img_err_t err = IMG_OK;
    while (p < end && err == IMG_OK) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *le = nl ? nl : end;
        char *line = p;
        p = nl ? nl + 1 : end;
        line_no++;
        size_t n = (size_t)(le - line);
        /* Only lines with non-ASCII bytes need the UTF-8 check. */
        if (memchr(line, '\0', n) || (has_high(line, n) && !img_utf8_valid(line, n, NULL))) {
            err = line_err(errstr, errstr_size, line_no, "invalid UTF-8 or a NUL byte");
            break;
        }
        if (n >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0)
            line += 3, n -= 3; /* a file's byte order mark */
        if (n && line[n - 1] == '\r')
            n--;
        size_t tn = n;
        const char *t = img_tax_trim(line, &tn);
        if (!tn || *t == '#')
            continue;
        err = parse_line(tax, line, n, line_no, errstr, errstr_size);
    }
    if (err != IMG_OK) {
        img_tax_destroy(tax);
        return err;
    }
    resolve_related(tax);
    img_tax_index_certs(tax);
    *taxp = tax;
    return IMG_OK;
}
