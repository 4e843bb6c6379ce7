/*
 * img_tax.c - the taxonomy's tables and lookups: skills, the key table, the
 * prefix set and the matcher. Loading lives in img_tax_tsv.c (built-in data)
 * and img_tax_ext.c (ESCO, O*NET).
 */
#include "img_tax_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "img_text.h"

/* calloc that aborts; large zeroed tables come from fresh pages, unwritten. */
static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p) {
        fputs("imaginator: out of memory\n", stderr);
        abort();
    }
    return p;
}

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fputs("imaginator: out of memory\n", stderr);
        abort();
    }
    return q;
}

img_tax_t *img_tax_alloc(void)
{
    img_tax_t *tax = xcalloc(1, sizeof(*tax));
    tax->arena = img_arena_new(256 * 1024);
    return tax;
}

void img_tax_destroy(img_tax_t *tax)
{
    if (!tax)
        return;
    img_arena_destroy(tax->arena);
    while (tax->chunks) {
        tax_chunk_t *next = tax->chunks->next;
        free(tax->chunks);
        tax->chunks = next;
    }
    free(tax->tsv);
    free(tax->skills);
    free(tax->raw_related);
    free(tax->entries);
    if (!tax->shared_tables) {
        free(tax->slots);
        free(tax->prefixes);
    }
    free(tax->cert_start);
    free(tax->cert_ids);
    free(tax);
}

int img_tax_add_skill(img_tax_t *tax, const char *name, img_category_t cat, const char *group,
                      unsigned flags)
{
    if (tax->n_skills == tax->cap_skills) {
        tax->cap_skills = tax->cap_skills ? tax->cap_skills * 2 : 1024;
        tax->skills = xrealloc(tax->skills, tax->cap_skills * sizeof(*tax->skills));
        tax->raw_related = xrealloc(tax->raw_related, tax->cap_skills * sizeof(char *));
    }
    img_tax_skill_t *sk = &tax->skills[tax->n_skills];
    memset(sk, 0, sizeof(*sk));
    sk->name = name;
    sk->category = cat;
    sk->group = group && *group ? group : NULL;
    sk->flags = flags;
    tax->raw_related[tax->n_skills] = NULL;
    return (int)tax->n_skills++;
}

/* ---- the key table ---- */

int img_tax_lookup(const img_tax_t *tax, const char *key, size_t klen, uint32_t hash)
{
    if (!tax->slots)
        return -1;
    for (size_t i = hash & tax->slot_mask;; i = (i + 1) & tax->slot_mask) {
        uint32_t s = tax->slots[i];
        if (!s)
            return -1;
        const tax_entry_t *e = &tax->entries[s - 1];
        if (e->hash == hash && e->klen == klen && memcmp(e->key, key, klen) == 0)
            return (int)(s - 1);
    }
}

static void slot_put(uint32_t *slots, size_t mask, uint32_t hash, uint32_t val)
{
    size_t i = hash & mask;
    while (slots[i])
        i = (i + 1) & mask;
    slots[i] = val;
}

static void grow_slots(img_tax_t *tax)
{
    size_t n = tax->slot_mask ? (tax->slot_mask + 1) * 2 : 16384;
    while (n < tax->expect_keys * 2)
        n *= 2;
    uint32_t *slots = xcalloc(n, sizeof(*slots));
    /* Only first entries of a key sit in slots; forms hang off next_form. */
    if (tax->slots)
        for (size_t i = 0; i <= tax->slot_mask; i++)
            if (tax->slots[i])
                slot_put(slots, n - 1, tax->entries[tax->slots[i] - 1].hash, tax->slots[i]);
    free(tax->slots);
    tax->slots = slots;
    tax->slot_mask = n - 1;
}

/* Copies a key into the key pool (no zeroing, unlike the arena). */
static const char *pool_dup(img_tax_t *tax, const char *s, size_t n)
{
    if (tax->pool_left < n + 1) {
        size_t size = 64 * 1024;
        tax_chunk_t *c = xrealloc(NULL, sizeof(*c) + size);
        c->next = tax->chunks;
        tax->chunks = c;
        tax->pool = c->data;
        tax->pool_left = size;
    }
    char *p = tax->pool;
    memcpy(p, s, n);
    p[n] = '\0';
    tax->pool += n + 1;
    tax->pool_left -= n + 1;
    return p;
}

static int new_entry(img_tax_t *tax, const char *key, size_t klen, uint32_t hash,
                     const char *surface, int skill, bool is_name)
{
    if (tax->n_entries == tax->cap_entries) {
        tax->cap_entries = tax->cap_entries ? tax->cap_entries * 2 : 8192;
        tax->entries = xrealloc(tax->entries, tax->cap_entries * sizeof(*tax->entries));
    }
    tax_entry_t *e = &tax->entries[tax->n_entries];
    e->key = key ? pool_dup(tax, key, klen) : NULL;
    e->surface = surface;
    e->hash = hash;
    e->skill = skill;
    e->next_form = -1;
    e->klen = (uint16_t)klen;
    e->is_name = is_name;
    e->strict = tax->external;
    return (int)tax->n_entries++;
}

/* Character classes: letters and digits by case, other bytes the key keeps
 * (+ # &, see img_text_key()), and non-ASCII bytes (parts of letters). */
enum {
    CC_LOWER = 1,
    CC_UPPER = 2,
    CC_DIGIT = 4,
    CC_WORD = 8,  /* letter, digit or non-ASCII */
    CC_KEEP = 16, /* an ASCII byte the key keeps (lower-cased) */
    CC_SLOW = 32  /* '.' or non-ASCII: only img_text_key() knows */
};
#define L (CC_LOWER | CC_WORD | CC_KEEP)
#define U (CC_UPPER | CC_WORD | CC_KEEP)
#define D (CC_DIGIT | CC_WORD | CC_KEEP)
#define K CC_KEEP
#define S CC_SLOW
#define W (CC_WORD | CC_SLOW)
static const unsigned char CC[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, K, 0, 0, K, 0, 0, 0, 0, K, 0, 0, S, 0, D, D, D, D, D, D, D, D, D, D, 0, 0, 0, 0, 0, 0,
    0, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, 0, 0, 0, 0, 0,
    0, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L, 0, 0, 0, 0, 0,
    W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W,
    W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W,
    W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W,
    W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W,
};
#undef L
#undef U
#undef D
#undef K
#undef S
#undef W
#define cclass(c) (CC[(unsigned char)(c)])

/* img_text_key() of text[from..to) into out[0..cap). Plain ASCII without
 * '.' keeps exactly its letters (lower-cased), digits and + # & (the
 * function's contract), so it skips the general scanner. */
static size_t key_span(const char *text, size_t from, size_t to, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = from; i < to; i++) {
        unsigned char c = (unsigned char)text[i];
        if (cclass(c) & CC_SLOW)
            return img_text_key(text, from, to, out, cap);
        if ((cclass(c) & CC_KEEP) && o + 1 < cap)
            out[o++] = (char)(c | 0x20); /* see analyse() */
    }
    out[o] = '\0';
    return o;
}

size_t img_tax_key(const char *s, size_t n, char *out)
{
    return key_span(s, 0, n, out, IMG_TAX_KEY_MAX + 2);
}

/* True if the ASCII letters of a[0..an) equal those of b[0..bn), in order. */
static bool same_letters(const char *a, size_t an, const char *b, size_t bn)
{
    size_t i = 0, j = 0;
    for (;;) {
        while (i < an && !(cclass((unsigned char)a[i]) & (CC_LOWER | CC_UPPER)))
            i++;
        while (j < bn && !(cclass((unsigned char)b[j]) & (CC_LOWER | CC_UPPER)))
            j++;
        if (i == an || j == bn)
            return i == an && j == bn;
        if (a[i] != b[j])
            return false;
        i++, j++;
    }
}

/* ---- the prefix set ---- */

static int prefix_find(const img_tax_t *tax, const char *key, size_t klen, uint32_t hash)
{
    if (!tax->prefixes)
        return -1;
    for (size_t i = hash & tax->prefix_mask;; i = (i + 1) & tax->prefix_mask) {
        const tax_prefix_t *p = &tax->prefixes[i];
        if (!p->entry1)
            return -1;
        if (p->hash == hash && p->len == klen &&
            memcmp(tax->entries[p->entry1 - 1].key, key, klen) == 0)
            return (int)i;
    }
}

static void prefix_grow(img_tax_t *tax)
{
    size_t n = tax->prefix_mask ? (tax->prefix_mask + 1) * 2 : 16384;
    while (n < tax->expect_keys)
        n *= 2;
    tax_prefix_t *np = xcalloc(n, sizeof(*np));
    if (tax->prefixes)
        for (size_t i = 0; i <= tax->prefix_mask; i++)
            if (tax->prefixes[i].entry1) {
                size_t j = tax->prefixes[i].hash & (n - 1);
                while (np[j].entry1)
                    j = (j + 1) & (n - 1);
                np[j] = tax->prefixes[i];
            }
    free(tax->prefixes);
    tax->prefixes = np;
    tax->prefix_mask = n - 1;
}

static void prefix_add(img_tax_t *tax, int entry, size_t len, uint32_t hash)
{
    const char *key = tax->entries[entry].key;
    if (prefix_find(tax, key, len, hash) >= 0)
        return;
    if ((tax->n_prefixes + 1) * 2 > (tax->prefixes ? tax->prefix_mask + 1 : 0))
        prefix_grow(tax);
    size_t i = hash & tax->prefix_mask;
    while (tax->prefixes[i].entry1)
        i = (i + 1) & tax->prefix_mask;
    tax->prefixes[i].hash = hash;
    tax->prefixes[i].entry1 = (uint32_t)entry + 1;
    tax->prefixes[i].len = (uint32_t)len;
    tax->n_prefixes++;
}

/* A place where a writer may split a name into separate words, between
 * bytes of classes a and b (next: the class after b): its own spaces and
 * punctuation, a case change ("JavaScript" -> "Java Script", "PostgreSQL" ->
 * "Postgre SQL"), a letter/digit change ("Web3"), the last capital of an
 * acronym ("XMLHttp"). */
static bool word_boundary(unsigned a, unsigned b, unsigned next)
{
    if ((a ^ b) & CC_WORD)
        return true;
    if ((a & CC_LOWER) && (b & CC_UPPER))
        return true;
    if (((a & (CC_LOWER | CC_UPPER)) && (b & CC_DIGIT)) ||
        ((a & CC_DIGIT) && (b & (CC_LOWER | CC_UPPER))))
        return true;
    return (a & CC_UPPER) && (b & CC_UPPER) && (next & CC_LOWER);
}

#define KEY_MAX_PREFIXES 32

/* A name or alias analysed: its key, and the key prefixes (lengths and
 * hashes) at its word boundaries, where a match may be extended. */
typedef struct key_info {
    char key[IMG_TAX_KEY_MAX + 2];
    size_t klen; /* > IMG_TAX_KEY_MAX: too long */
    uint32_t hash;
    size_t n_pfx;
    uint32_t pfx_len[KEY_MAX_PREFIXES], pfx_hash[KEY_MAX_PREFIXES];
} key_info_t;

static void pfx_note(key_info_t *ki, size_t len, uint32_t hash)
{
    if (len && ki->n_pfx < KEY_MAX_PREFIXES && (!ki->n_pfx || ki->pfx_len[ki->n_pfx - 1] != len)) {
        ki->pfx_len[ki->n_pfx] = (uint32_t)len;
        ki->pfx_hash[ki->n_pfx++] = hash;
    }
}

/* The general case (a '.' or non-ASCII bytes): img_text_key() over the
 * whole surface, then segment by segment between boundaries, exactly as the
 * matcher builds a key token by token (a '.' is kept only at the very start). */
static void analyse_general(const char *s, size_t len, key_info_t *ki)
{
    char buf[IMG_TAX_KEY_MAX + 2];
    ki->klen = img_text_key(s, 0, len, ki->key, sizeof(ki->key));
    ki->hash = tax_fnv(TAX_FNV_SEED, ki->key, ki->klen);
    ki->n_pfx = 0;
    size_t acc = 0, from = 0;
    uint32_t hash = TAX_FNV_SEED;
    for (size_t p = 1; p < len; p++) {
        if (!word_boundary(cclass(s[p - 1]), cclass(s[p]), p + 1 < len ? cclass(s[p + 1]) : 0))
            continue;
        size_t n = img_text_key(s, from, p, buf, sizeof(buf));
        const char *seg = buf;
        if (acc && n && *seg == '.')
            seg++, n--;
        /* Diverging from the key can only come from an odd leading '.'. */
        if (acc + n >= ki->klen || memcmp(seg, ki->key + acc, n) != 0)
            return;
        from = p;
        hash = tax_fnv(hash, seg, n);
        acc += n;
        pfx_note(ki, acc, hash);
    }
}

/* Key, hash and boundary prefixes of s[0..len) in one pass over plain ASCII
 * (which keeps exactly its letters, lower-cased, digits and + # &: the
 * contract of img_text_key()); anything else takes analyse_general(). */
static void analyse(const char *s, size_t len, key_info_t *ki)
{
    if (len > IMG_TAX_KEY_MAX) {
        analyse_general(s, len, ki); /* may be too long: img_text_key() caps it */
        return;
    }
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    char *out = ki->key;
    uint32_t h = TAX_FNV_SEED;
    unsigned a = 0;
    ki->n_pfx = 0;
    for (; p < end; p++) {
        unsigned c = *p, b = cclass(c);
        /* Boundaries need a class change or two capitals; a '.' or a
         * non-ASCII byte always changes the class (a is never one). */
        if (b != a || (b & CC_UPPER)) {
            if (b & CC_SLOW) {
                analyse_general(s, len, ki);
                return;
            }
            if (p > (const unsigned char *)s && word_boundary(a, b, p + 1 < end ? cclass(p[1]) : 0))
                pfx_note(ki, (size_t)(out - ki->key), h);
        }
        if (b & CC_KEEP) {
            /* Lower case: letters, digits and + # & all have bit 0x20 but
             * the capitals. */
            c |= 0x20;
            *out++ = (char)c;
            h = (h ^ c) * 16777619u;
        }
        a = b;
    }
    size_t o = (size_t)(out - ki->key);
    ki->key[o] = '\0';
    ki->klen = o;
    ki->hash = h;
}

/* Private copies of the hash tables before the first change to them. */
static void own_tables(img_tax_t *tax)
{
    size_t ns = tax->slots ? tax->slot_mask + 1 : 0, np = tax->prefixes ? tax->prefix_mask + 1 : 0;
    uint32_t *slots = ns ? xrealloc(NULL, ns * sizeof(*slots)) : NULL;
    tax_prefix_t *prefixes = np ? xrealloc(NULL, np * sizeof(*prefixes)) : NULL;
    if (ns)
        memcpy(slots, tax->slots, ns * sizeof(*slots));
    if (np)
        memcpy(prefixes, tax->prefixes, np * sizeof(*prefixes));
    tax->slots = slots;
    tax->prefixes = prefixes;
    tax->shared_tables = false;
}

tax_add_t img_tax_add_key(img_tax_t *tax, const char *surface, size_t len, int skill, bool is_name,
                          int *owner)
{
    key_info_t ki;
    if (tax->shared_tables)
        own_tables(tax);
    analyse(surface, len, &ki);
    if (ki.klen == 0)
        return TAX_ADD_EMPTY;
    if (ki.klen > IMG_TAX_KEY_MAX)
        return TAX_ADD_LONG;
    int e = img_tax_lookup(tax, ki.key, ki.klen, ki.hash);
    if (e >= 0) {
        int sk = tax->entries[e].skill;
        if (owner)
            *owner = sk;
        if (sk != skill) {
            for (int f = e; f >= 0; f = tax->entries[f].next_form)
                if (tax->entries[f].is_name)
                    return TAX_ADD_NAMED;
            return TAX_ADD_OTHER;
        }
        /* Another surface form of the same key: keep it when its letters
         * differ in case, for IMG_TAX_CASE and exact_case. */
        int last = e;
        for (int f = e; f >= 0; f = tax->entries[f].next_form) {
            const tax_entry_t *fe = &tax->entries[f];
            if (same_letters(fe->surface, strlen(fe->surface), surface, len))
                return TAX_ADD_SAME;
            last = f;
        }
        int nf = new_entry(tax, NULL, ki.klen, ki.hash, surface, skill, is_name);
        tax->entries[nf].key = tax->entries[e].key;
        tax->entries[last].next_form = nf;
        return TAX_ADD_SAME;
    }
    if ((tax->n_entries + 1) * 2 > (tax->slots ? tax->slot_mask + 1 : 0))
        grow_slots(tax);
    e = new_entry(tax, ki.key, ki.klen, ki.hash, surface, skill, is_name);
    slot_put(tax->slots, tax->slot_mask, ki.hash, (uint32_t)e + 1);
    for (size_t k = 0; k < ki.n_pfx; k++)
        if (ki.pfx_len[k] < ki.klen)
            prefix_add(tax, e, ki.pfx_len[k], ki.pfx_hash[k]);
    if (owner)
        *owner = skill;
    return TAX_ADD_NEW;
}

/* ---- the certification index ---- */

void img_tax_index_certs(img_tax_t *tax)
{
    size_t n = tax->n_skills;
    free(tax->cert_start);
    free(tax->cert_ids);
    tax->cert_start = xcalloc(n + 1, sizeof(uint32_t));
    size_t total = 0;
    for (size_t c = 0; c < n; c++)
        if (tax->skills[c].category == IMG_CAT_CERTIFICATION)
            for (size_t k = 0; k < tax->skills[c].n_related; k++) {
                tax->cert_start[tax->skills[c].related[k] + 1]++;
                total++;
            }
    for (size_t s = 0; s < n; s++)
        tax->cert_start[s + 1] += tax->cert_start[s];
    tax->cert_ids = xrealloc(NULL, total * sizeof(int));
    uint32_t *fill = xrealloc(NULL, (n + 1) * sizeof(uint32_t));
    memcpy(fill, tax->cert_start, (n + 1) * sizeof(uint32_t));
    for (size_t c = 0; c < n; c++)
        if (tax->skills[c].category == IMG_CAT_CERTIFICATION)
            for (size_t k = 0; k < tax->skills[c].n_related; k++)
                tax->cert_ids[fill[tax->skills[c].related[k]]++] = (int)c;
    free(fill);
    tax->n_cert_skills = n;
}

/* ---- lookups ---- */

size_t img_tax_count(const img_tax_t *tax)
{
    return tax ? tax->n_skills : 0;
}

const img_tax_skill_t *img_tax_get(const img_tax_t *tax, int id)
{
    if (!tax || id < 0 || (size_t)id >= tax->n_skills)
        return NULL;
    return &tax->skills[id];
}

int img_tax_find(const img_tax_t *tax, const char *s, size_t len)
{
    char key[IMG_TAX_KEY_MAX + 2];
    if (!tax || !s)
        return -1;
    size_t klen = img_tax_key(s, len, key);
    if (klen == 0 || klen > IMG_TAX_KEY_MAX)
        return -1;
    int e = img_tax_lookup(tax, key, klen, tax_fnv(TAX_FNV_SEED, key, klen));
    return e < 0 ? -1 : tax->entries[e].skill;
}

/* A lone punctuation token that may sit inside a match ("CI / CD", "R & D",
 * "T - SQL"); every other one ends the match. */
static bool joins(const char *text, const img_token_t *t)
{
    uint32_t cp;
    img_text_cp(text, t->end, t->start, &cp);
    return cp == '/' || cp == '-' || cp == '&' || cp == '+' || cp == '#' || cp == '_';
}

/* Checks entry e's skill against the surface text[start..end): sets *exact
 * and returns false when the skill demands the exact case and lacks it. */
static bool case_ok(const img_tax_t *tax, int e, const char *text, size_t start, size_t end,
                    bool *exact)
{
    *exact = false;
    for (int f = e; f >= 0; f = tax->entries[f].next_form) {
        const char *sf = tax->entries[f].surface;
        if (same_letters(text + start, end - start, sf, strlen(sf))) {
            *exact = true;
            break;
        }
    }
    return *exact || !(tax->skills[tax->entries[e].skill].flags & IMG_TAX_CASE);
}

/* True if every place where the text's tokens meet inside a match (key
 * lengths bl[0..nb)) is a word boundary of a surface form of entry e:
 * "node js" is Node.js and "Mongo DB" MongoDB, but "a SR" is not ASR. */
static bool aligned(const img_tax_t *tax, int e, const uint32_t *bl, size_t nb, size_t klen)
{
    if (!nb)
        return true;
    for (int f = e; f >= 0; f = tax->entries[f].next_form) {
        key_info_t ki;
        const char *sf = tax->entries[f].surface;
        analyse(sf, strlen(sf), &ki);
        size_t k = 0, m = 0;
        for (; k < nb; k++) {
            if (bl[k] == 0 || bl[k] >= klen)
                continue;
            while (m < ki.n_pfx && ki.pfx_len[m] < bl[k])
                m++;
            if (m == ki.n_pfx || ki.pfx_len[m] != bl[k])
                break;
        }
        if (k == nb)
            return true;
    }
    return false;
}

/* Words of a surface form (runs between spaces). */
static size_t words(const char *s)
{
    size_t n = 0;
    for (bool in = false; *s; s++) {
        if (*s != ' ' && !in)
            n++;
        in = *s != ' ';
    }
    return n;
}

/* A match candidate: entry e for the tokens up to t (n_words of them words),
 * checked for case (the surface text is text[start..end)) and token
 * alignment. An external label must also have as many words as the text:
 * ESCO's "use RS" is not the word "users". */
static bool accept(const img_tax_t *tax, int e, const char *text, size_t start, size_t end,
                   const uint32_t *bl, size_t nb, size_t klen, size_t n_words, img_tax_match_t *out)
{
    bool exact;
    if (tax->entries[e].strict && words(tax->entries[e].surface) != n_words)
        return false;
    if (!case_ok(tax, e, text, start, end, &exact) || !aligned(tax, e, bl, nb, klen))
        return false;
    out->id = tax->entries[e].skill;
    out->exact_case = exact;
    return true;
}

bool img_tax_match_at(const img_tax_t *tax, const char *text, const img_token_t *toks,
                      size_t n_toks, size_t i, img_tax_match_t *out)
{
    char key[IMG_TAX_KEY_MAX + 2];
    uint32_t bl[8]; /* key length where each token ends */
    size_t klen = 0, nb = 0, n_words = 0;
    uint32_t hash = TAX_FNV_SEED;
    bool found = false;
    if (!tax || i >= n_toks || (toks[i].flags & IMG_TOK_PUNCT))
        return false;
    size_t last = n_toks - i > 8 ? i + 8 : n_toks;
    for (size_t j = i; j < last; j++) {
        const img_token_t *t = &toks[j];
        bool punct = t->flags & IMG_TOK_PUNCT;
        if (t->line != toks[i].line || (punct && !joins(text, t)))
            break;
        /* Append the key of what lies between the previous token and the end
         * of this one; equal to the key of the whole span, since the key
         * keeps a '.' only at its very start. */
        size_t from = j == i ? t->start : toks[j - 1].end;
        size_t n = key_span(text, from, t->end, key + klen, sizeof(key) - klen);
        if (klen && n && key[klen] == '.') {
            memmove(key + klen, key + klen + 1, n - 1);
            n--;
        }
        if (klen + n > IMG_TAX_KEY_MAX)
            break;
        uint32_t before_last = n ? tax_fnv(hash, key + klen, n - 1) : hash;
        hash = n ? tax_fnv(before_last, key + klen + n - 1, 1) : hash;
        klen += n;
        n_words += !punct;
        if (!punct && klen) {
            int e = img_tax_lookup(tax, key, klen, hash);
            if (e >= 0) {
                if (accept(tax, e, text, toks[i].start, t->end, bl, nb, klen, n_words, out)) {
                    out->n_tokens = j - i + 1;
                    found = true;
                }
            } else if (klen >= 3 && n && key[klen - 1] == 's' && text[t->end - 1] == 's') {
                /* A plural: "APIs", "microservices"; not of a `case` or `ctx`
                 * word ("Principles" is not the Principle app). */
                e = img_tax_lookup(tax, key, klen - 1, before_last);
                if (e >= 0 &&
                    !(tax->skills[tax->entries[e].skill].flags & (IMG_TAX_CASE | IMG_TAX_CTX)) &&
                    accept(tax, e, text, toks[i].start, t->end - 1, bl, nb, klen - 1, n_words,
                           out)) {
                    out->n_tokens = j - i + 1;
                    found = true;
                }
            }
        }
        if (prefix_find(tax, key, klen, hash) < 0)
            break;
        bl[nb++] = (uint32_t)klen;
    }
    return found;
}

bool img_tax_related(const img_tax_t *tax, int a, int b)
{
    const img_tax_skill_t *sa = img_tax_get(tax, a), *sb = img_tax_get(tax, b);
    if (!sa || !sb || a == b)
        return false;
    for (size_t k = 0; k < sa->n_related; k++)
        if (sa->related[k] == b)
            return true;
    for (size_t k = 0; k < sb->n_related; k++)
        if (sb->related[k] == a)
            return true;
    return sa->group && sb->group && (sa->group == sb->group || strcmp(sa->group, sb->group) == 0);
}

size_t img_tax_certs_for(const img_tax_t *tax, int skill, int *out, size_t max)
{
    if (!tax || skill < 0 || (size_t)skill >= tax->n_cert_skills)
        return 0;
    size_t n = 0;
    for (uint32_t k = tax->cert_start[skill]; k < tax->cert_start[skill + 1] && n < max; k++)
        out[n++] = tax->cert_ids[k];
    return n;
}

size_t img_tax_conflicts(const img_tax_t *tax)
{
    return tax ? tax->conflicts : 0;
}

size_t img_tax_unresolved(const img_tax_t *tax)
{
    return tax ? tax->unresolved : 0;
}
