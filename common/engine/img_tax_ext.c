/*
 * img_tax_ext.c - optional external taxonomies: ESCO skills_en.csv and O*NET
 * "Technology Skills.txt". Both files are parsed and checked completely
 * before the taxonomy changes, so a malformed file leaves it untouched.
 *
 * Policy for external labels (they are not curated for resume matching):
 * - a label whose key has fewer than 3 bytes is ignored ("re", "IT");
 * - a label already known (any skill's key) adds nothing;
 * - aliases must have several words: ESCO's single-word alternative labels
 *   are often loose ("data" for statistics, "design" for "think creatively");
 *   the one single word kept is the base of a new skill's "Name (qualifier)"
 *   ("Scratch (computer programming)" -> Scratch);
 * - a new skill gets IMG_TAX_EXTERNAL, and IMG_TAX_CTX when its name or that
 *   base is a single word (ESCO "paint", "swim"; O*NET "Analyze");
 * - a single all-capitals word of up to 5 letters ("DID", "POS") is kept only
 *   as a new skill's own name, which then also gets IMG_TAX_CASE;
 * - an external label matches text only word for word (img_tax_match_at()
 *   does not join or split its words: ESCO's "use RS" is not "users").
 */
#include "img_tax_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/img_buf.h"
#include "../util/img_utf8.h"

#define EXT_MAX_FILE (512u * 1024 * 1024)

/* ---- reading ---- */

/* Reads path whole, checks UTF-8 and drops a byte order mark; *data points
 * into buf (NUL-terminated, writable). */
static img_err_t read_text(const char *path, img_buf_t *buf, char **data, size_t *len, char *errstr,
                           size_t errstr_size)
{
    img_err_t err = img_buf_read_file(buf, path, EXT_MAX_FILE, errstr, errstr_size);
    if (err != IMG_OK)
        return err;
    if (buf->len > EXT_MAX_FILE)
        return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size, "%s: larger than %u bytes", path,
                           EXT_MAX_FILE);
    if (!buf->data)
        img_buf_reserve(buf, 1);
    *data = buf->data;
    *len = buf->len;
    if (*len >= 3 && memcmp(*data, "\xEF\xBB\xBF", 3) == 0) {
        *data += 3;
        *len -= 3;
    }
    size_t bad;
    if (!img_utf8_valid(*data, *len, &bad) || memchr(*data, '\0', *len)) {
        if (img_utf8_valid(*data, *len, &bad))
            bad = (size_t)((char *)memchr(*data, '\0', *len) - *data);
        size_t line = 1;
        for (size_t i = 0; i < bad; i++)
            line += (*data)[i] == '\n';
        return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size,
                           "%s:%zu: invalid UTF-8 or a NUL byte", path, line);
    }
    return IMG_OK;
}

/* A growable array of field pointers. */
typedef struct ext_fields {
    char **v;
    size_t n, cap;
} ext_fields_t;

static void fields_push(ext_fields_t *f, char *s)
{
    if (f->n == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 16;
        char **v = realloc(f->v, f->cap * sizeof(*v));
        if (!v)
            abort();
        f->v = v;
    }
    f->v[f->n++] = s;
}

/* Header column named name, or -1. */
static int column(const ext_fields_t *hdr, const char *name)
{
    for (size_t i = 0; i < hdr->n; i++)
        if (strcmp(hdr->v[i], name) == 0)
            return (int)i;
    return -1;
}

/* ---- RFC 4180 CSV, parsed in place ---- */

typedef struct csv {
    char *p, *end; /* end[0] is a NUL */
    size_t line;   /* physical line of p, from 1 */
    const char *path;
} csv_t;

/* Reads one record into f (fields NUL-terminated in place). Returns 1, 0 at
 * the end, or -1 with errstr set. *line receives the record's first line. */
static int csv_record(csv_t *c, ext_fields_t *f, size_t *line, char *errstr, size_t errstr_size)
{
    f->n = 0;
    if (c->p >= c->end)
        return 0;
    *line = c->line;
    for (;;) {
        char *start = c->p, *out;
        if (*c->p == '"') {
            size_t qline = c->line;
            out = start;
            c->p++;
            for (;;) {
                if (c->p >= c->end) {
                    img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size,
                                "%s:%zu: unterminated quoted field", c->path, qline);
                    return -1;
                }
                char ch = *c->p++;
                if (ch == '"') {
                    if (c->p < c->end && *c->p == '"') {
                        *out++ = '"';
                        c->p++;
                        continue;
                    }
                    break;
                }
                if (ch == '\n')
                    c->line++;
                *out++ = ch;
            }
            if (c->p < c->end && *c->p != ',' && *c->p != '\n' && *c->p != '\r') {
                img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size,
                            "%s:%zu: a character after a closing quote", c->path, c->line);
                return -1;
            }
        } else {
            while (c->p < c->end && *c->p != ',' && *c->p != '\n' && *c->p != '\r')
                c->p++;
            out = c->p;
        }
        char term = c->p < c->end ? *c->p : '\n';
        *out = '\0'; /* after reading term: out may be where term was */
        fields_push(f, start);
        if (term == ',') {
            c->p++;
            continue;
        }
        /* The terminator may be overwritten by now: go by term. */
        if (c->p < c->end) {
            c->p++;
            if (term == '\r' && c->p < c->end && *c->p == '\n')
                c->p++;
        }
        c->line++;
        return 1;
    }
}

/* ---- applying labels ---- */

/* Skill whose key is s[0..n), or -1; *is_name tells if s is its canonical name. */
static int known(const img_tax_t *tax, const char *s, size_t n, bool *is_name)
{
    char key[IMG_TAX_KEY_MAX + 2];
    size_t klen = img_tax_key(s, n, key);
    *is_name = false;
    if (!klen || klen > IMG_TAX_KEY_MAX)
        return -1;
    int e = img_tax_lookup(tax, key, klen, tax_fnv(TAX_FNV_SEED, key, klen));
    if (e < 0)
        return -1;
    for (int f = e; f >= 0; f = tax->entries[f].next_form)
        *is_name |= tax->entries[f].is_name;
    return tax->entries[e].skill;
}

enum { LABEL_SKIP = 0, LABEL_WORD = 1, LABEL_PHRASE = 2, LABEL_ACRONYM = 3 };

/* Classifies an external label (see the policy at the top). */
static int label_kind(const char *s, size_t n)
{
    char key[IMG_TAX_KEY_MAX + 2];
    size_t klen = img_tax_key(s, n, key);
    if (klen < 3 || klen > IMG_TAX_KEY_MAX)
        return LABEL_SKIP;
    if (memchr(s, ' ', n))
        return LABEL_PHRASE;
    size_t letters = 0, upper = 0;
    for (size_t i = 0; i < n; i++)
        if (isalpha((unsigned char)s[i])) {
            letters++;
            upper += isupper((unsigned char)s[i]) != 0;
        }
    return letters && letters <= 5 && upper == letters ? LABEL_ACRONYM : LABEL_WORD;
}

/* Adds a new external skill named name[0..n) if the policy allows; its id or -1. */
static int new_external(img_tax_t *tax, const char *name, size_t n, img_category_t cat,
                        const char *group, size_t group_len)
{
    int kind = label_kind(name, n);
    if (kind == LABEL_SKIP)
        return -1;
    unsigned flags = IMG_TAX_EXTERNAL;
    if (kind == LABEL_WORD)
        flags |= IMG_TAX_CTX;
    else if (kind == LABEL_ACRONYM)
        flags |= IMG_TAX_CTX | IMG_TAX_CASE;
    const char *copy = img_arena_strndup(tax->arena, name, n);
    const char *gcopy = group_len ? img_arena_strndup(tax->arena, group, group_len) : NULL;
    int skill = img_tax_add_skill(tax, copy, cat, gcopy, flags);
    if (img_tax_add_key(tax, copy, n, skill, true, NULL) != TAX_ADD_NEW) {
        /* Unreachable: callers checked the name is unknown. Undo. */
        tax->n_skills--;
        return -1;
    }
    return skill;
}

/* Adds an alias to skill under the policy; word says whether a single word
 * is allowed (it then gives the skill IMG_TAX_CTX). */
static void add_external_alias(img_tax_t *tax, int skill, bool word, const char *s, size_t n)
{
    int kind = label_kind(s, n);
    if (kind == LABEL_SKIP || kind == LABEL_ACRONYM || (kind == LABEL_WORD && !word))
        return;
    bool is_name;
    if (known(tax, s, n, &is_name) >= 0)
        return;
    const char *copy = img_arena_strndup(tax->arena, s, n);
    if (img_tax_add_key(tax, copy, n, skill, false, NULL) == TAX_ADD_NEW && kind == LABEL_WORD)
        tax->skills[skill].flags |= IMG_TAX_CTX;
}

/* ---- ESCO ---- */

typedef struct esco_row {
    const char *label, *alts, *type, *reuse;
} esco_row_t;

/* "knowledge" -> domain (a body of knowledge: "accounting", "JavaScript" in
 * ESCO's words), "skill/competence" -> hard, and reuse level "transversal"
 * (communication, teamwork, ...) -> soft. */
static img_category_t esco_category(const esco_row_t *r)
{
    if (r->reuse && strcmp(r->reuse, "transversal") == 0)
        return IMG_CAT_SOFT;
    if (r->type && strcmp(r->type, "knowledge") == 0)
        return IMG_CAT_DOMAIN;
    return IMG_CAT_HARD;
}

/* The base of "Name (qualifier)" into *base_len, or NULL. */
static const char *esco_base(const char *label, size_t n, size_t *base_len)
{
    const char *paren = memchr(label, '(', n);
    if (!paren || paren == label || label[n - 1] != ')')
        return NULL;
    *base_len = (size_t)(paren - label);
    const char *b = img_tax_trim(label, base_len);
    return *base_len ? b : NULL;
}

/* The existing skill an ESCO concept is: its preferred label, that label
 * without a "(qualifier)" ("Python (computer programming)"), or an
 * alternative label that is a skill's canonical name. -1 if none. */
static int esco_target(const img_tax_t *tax, const esco_row_t *r)
{
    bool is_name;
    size_t n = strlen(r->label), base_len;
    int id = known(tax, r->label, n, &is_name);
    if (id >= 0)
        return id;
    const char *b = esco_base(r->label, n, &base_len);
    if (b && (id = known(tax, b, base_len, &is_name)) >= 0 && is_name)
        return id;
    for (const char *p = r->alts; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        const char *a = img_tax_trim(p, &len);
        p = nl ? nl + 1 : p + strlen(p);
        if (len && (id = known(tax, a, len, &is_name)) >= 0 && is_name)
            return id;
    }
    return -1;
}

static void esco_apply(img_tax_t *tax, const esco_row_t *r)
{
    size_t n = strlen(r->label);
    const char *label = img_tax_trim(r->label, &n);
    if (!n)
        return;
    int skill = esco_target(tax, r);
    if (skill < 0) {
        size_t base_len;
        const char *base = esco_base(label, n, &base_len);
        skill = new_external(tax, label, n, esco_category(r), NULL, 0);
        if (skill < 0)
            return;
        if (base)
            add_external_alias(tax, skill, true, base, base_len);
    } else {
        add_external_alias(tax, skill, false, label, n);
    }
    for (const char *p = r->alts; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        const char *a = img_tax_trim(p, &len);
        p = nl ? nl + 1 : p + strlen(p);
        if (len)
            add_external_alias(tax, skill, false, a, len);
    }
}

img_err_t img_tax_load_esco(img_tax_t *tax, const char *path, char *errstr, size_t errstr_size)
{
    img_buf_t buf = IMG_BUF_INIT;
    ext_fields_t f = {0};
    esco_row_t *rows = NULL;
    size_t n_rows = 0, cap_rows = 0, line;
    char *data;
    size_t len;
    img_err_t err = read_text(path, &buf, &data, &len, errstr, errstr_size);
    if (err != IMG_OK)
        goto out;
    csv_t c = {data, data + len, 1, path};
    int r = csv_record(&c, &f, &line, errstr, errstr_size);
    if (r <= 0) {
        err = r < 0 ? IMG_ERR_PERMANENT
                    : img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size,
                                  "%s:1: empty file, expected an ESCO skills CSV header", path);
        goto out;
    }
    int c_label = column(&f, "preferredLabel"), c_alts = column(&f, "altLabels");
    int c_type = column(&f, "skillType"), c_reuse = column(&f, "reuseLevel");
    size_t n_cols = f.n;
    if (c_label < 0) {
        err = img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size,
                          "%s:%zu: no preferredLabel column in the header (not an ESCO skills "
                          "CSV?)",
                          path, line);
        goto out;
    }
    while ((r = csv_record(&c, &f, &line, errstr, errstr_size)) > 0) {
        if (f.n == 1 && !f.v[0][0])
            continue; /* a blank line */
        if (f.n != n_cols) {
            err = img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size,
                              "%s:%zu: %zu fields, the header has %zu", path, line, f.n, n_cols);
            goto out;
        }
        if (n_rows == cap_rows) {
            cap_rows = cap_rows ? cap_rows * 2 : 1024;
            esco_row_t *nr = realloc(rows, cap_rows * sizeof(*rows));
            if (!nr)
                abort();
            rows = nr;
        }
        esco_row_t *row = &rows[n_rows++];
        row->label = f.v[c_label];
        row->alts = c_alts >= 0 ? f.v[c_alts] : NULL;
        row->type = c_type >= 0 ? f.v[c_type] : NULL;
        row->reuse = c_reuse >= 0 ? f.v[c_reuse] : NULL;
    }
    if (r < 0) {
        err = IMG_ERR_PERMANENT;
        goto out;
    }
    tax->external = true;
    for (size_t i = 0; i < n_rows; i++)
        esco_apply(tax, &rows[i]);
    tax->external = false;
out:
    free(rows);
    free(f.v);
    img_buf_free(&buf);
    return err;
}

/* ---- O*NET ---- */

typedef struct onet_row {
    const char *example, *title;
} onet_row_t;

/* "Microsoft Excel" is Excel, "Atlassian JIRA" Jira: an example whose words
 * after the first (the vendor) name a built-in tool. -1 if not. */
static int onet_vendor_tool(const img_tax_t *tax, const char *s, size_t n)
{
    const char *sp = memchr(s, ' ', n);
    if (!sp)
        return -1;
    size_t rest = n - (size_t)(sp + 1 - s);
    bool is_name;
    int id = known(tax, sp + 1, rest, &is_name);
    if (id < 0 || tax->skills[id].category != IMG_CAT_TOOL ||
        (tax->skills[id].flags & IMG_TAX_EXTERNAL))
        return -1;
    return id;
}

static void onet_apply(img_tax_t *tax, const onet_row_t *r)
{
    size_t n = strlen(r->example), tn = strlen(r->title);
    const char *ex = img_tax_trim(r->example, &n), *title = img_tax_trim(r->title, &tn);
    bool is_name;
    if (!n || known(tax, ex, n, &is_name) >= 0)
        return;
    int tool = onet_vendor_tool(tax, ex, n);
    if (tool >= 0)
        add_external_alias(tax, tool, false, ex, n);
    else
        new_external(tax, ex, n, IMG_CAT_TOOL, title, tn);
}

/* Splits a line (NUL-terminated in place) at tabs into f. */
static void split_tabs(char *s, ext_fields_t *f)
{
    f->n = 0;
    for (;;) {
        fields_push(f, s);
        char *tab = strchr(s, '\t');
        if (!tab)
            return;
        *tab = '\0';
        s = tab + 1;
    }
}

img_err_t img_tax_load_onet(img_tax_t *tax, const char *path, char *errstr, size_t errstr_size)
{
    img_buf_t buf = IMG_BUF_INIT;
    ext_fields_t f = {0};
    onet_row_t *rows = NULL;
    size_t n_rows = 0, cap_rows = 0, n_cols = 0, line = 0;
    int c_ex = -1, c_title = -1;
    char *data;
    size_t len;
    img_err_t err = read_text(path, &buf, &data, &len, errstr, errstr_size);
    if (err != IMG_OK)
        goto out;
    for (char *p = data, *end = data + len; p < end;) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *s = p;
        char *le = nl ? nl : end;
        p = nl ? nl + 1 : end;
        line++;
        if (le > s && le[-1] == '\r')
            le--;
        *le = '\0';
        if (line > 1 && !*s)
            continue;
        split_tabs(s, &f);
        if (line == 1) {
            c_ex = column(&f, "Example");
            c_title = column(&f, "Commodity Title");
            n_cols = f.n;
            if (c_ex < 0 || c_title < 0) {
                err = img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size,
                                  "%s:1: no %s column in the header (not an O*NET Technology "
                                  "Skills file?)",
                                  path, c_ex < 0 ? "Example" : "Commodity Title");
                goto out;
            }
            continue;
        }
        if (f.n != n_cols) {
            err = img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size,
                              "%s:%zu: %zu fields, the header has %zu", path, line, f.n, n_cols);
            goto out;
        }
        if (n_rows == cap_rows) {
            cap_rows = cap_rows ? cap_rows * 2 : 1024;
            onet_row_t *nr = realloc(rows, cap_rows * sizeof(*rows));
            if (!nr)
                abort();
            rows = nr;
        }
        rows[n_rows].example = f.v[c_ex];
        rows[n_rows].title = f.v[c_title];
        n_rows++;
    }
    if (line == 0) {
        err = img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size,
                          "%s:1: empty file, expected an O*NET header", path);
        goto out;
    }
    tax->external = true;
    for (size_t i = 0; i < n_rows; i++)
        onet_apply(tax, &rows[i]);
    tax->external = false;
out:
    free(rows);
    free(f.v);
    img_buf_free(&buf);
    return err;
}
