/*
 * quality_skills.c - skill-span quality of the extractor on two public datasets.
 *
 *   SkillSpan dev (job postings): each posting is one job ad, one sentence per
 *   line, tokens joined by single spaces; gold = SKILL and KNOWLEDGE spans.
 *   dotin resumes (train_v2): gold = "Tech Tools", "Job Specific Skills" and
 *   "Soft Skills" entities.
 *
 * Predictions are the union of img_extract_mentions() and img_extract_phrases()
 * over whole documents (and, for the resumes, the inventory's evidence spans
 * when the resume module splits sections). Scoring is relaxed overlap: a
 * prediction is right if it overlaps a gold span; a gold span is found if some
 * prediction overlaps it. P = right / predictions, R = found / gold.
 *
 * Usage: quality_skills [--shared DIR] [--skillspan FILE] [--dotin FILE]
 *                       [--only mentions|phrases] [--dump-fp N] [--dump-fn N]
 */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/img_extract.h"
#include "engine/img_resume.h"
#include "engine/img_skills.h"
#include "engine/img_tax.h"

#ifndef IMG_SOURCE_DIR
#define IMG_SOURCE_DIR "."
#endif

typedef struct span {
    size_t start, end;
} span_t;

typedef struct spans {
    span_t *v;
    size_t n, cap;
} spans_t;

typedef struct score {
    size_t pred, right, gold, found;
} score_t;

static struct {
    int only; /* 0 both, 1 mentions, 2 phrases */
    int dump_fp, dump_fn;
    int inventory; /* dotin: use the resume inventory too */
} opt;

static void spans_push(spans_t *s, size_t start, size_t end)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->v = realloc(s->v, s->cap * sizeof(*s->v));
        if (!s->v)
            abort();
    }
    s->v[s->n].start = start;
    s->v[s->n].end = end;
    s->n++;
}

static int span_cmp(const void *a, const void *b)
{
    const span_t *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    if (x->end != y->end)
        return x->end < y->end ? -1 : 1;
    return 0;
}

/* Sorts and removes exact duplicates. */
static void spans_uniq(spans_t *s)
{
    if (!s->n)
        return;
    qsort(s->v, s->n, sizeof(*s->v), span_cmp);
    size_t o = 1;
    for (size_t i = 1; i < s->n; i++)
        if (span_cmp(&s->v[i], &s->v[o - 1]) != 0)
            s->v[o++] = s->v[i];
    s->n = o;
}

static bool overlaps(span_t a, span_t b)
{
    return a.start < b.end && b.start < a.end;
}

static char cur_doc[64]; /* the document being scored, for dumps */

static void show(const char *tag, const char *text, span_t s)
{
    size_t ls = s.start, le = s.end;
    while (ls > 0 && text[ls - 1] != '\n')
        ls--;
    while (text[le] && text[le] != '\n')
        le++;
    if (le - ls > 400) { /* long lines: the neighbourhood only */
        ls = s.start > 150 ? s.start - 150 : 0;
        le = s.end + 150 < strlen(text) ? s.end + 150 : strlen(text);
    }
    printf("%s %s [%.*s]  <<%.*s>>\n", tag, cur_doc, (int)(s.end - s.start), text + s.start,
           (int)(le - ls), text + ls);
}

static void score_doc(score_t *sc, const char *text, spans_t *pred, spans_t *gold)
{
    spans_uniq(pred);
    spans_uniq(gold);
    sc->pred += pred->n;
    sc->gold += gold->n;
    for (size_t i = 0; i < pred->n; i++) {
        bool ok = false;
        for (size_t j = 0; j < gold->n && !ok; j++)
            ok = overlaps(pred->v[i], gold->v[j]);
        if (ok)
            sc->right++;
        else if (opt.dump_fp > 0) {
            show("FP", text, pred->v[i]);
            opt.dump_fp--;
        }
    }
    for (size_t j = 0; j < gold->n; j++) {
        bool ok = false;
        for (size_t i = 0; i < pred->n && !ok; i++)
            ok = overlaps(pred->v[i], gold->v[j]);
        if (ok)
            sc->found++;
        else if (opt.dump_fn > 0) {
            show("FN", text, gold->v[j]);
            opt.dump_fn--;
        }
    }
}

static void print_score(const char *what, const score_t *sc)
{
    double p = sc->pred ? (double)sc->right / (double)sc->pred : 0;
    double r = sc->gold ? (double)sc->found / (double)sc->gold : 0;
    double f = p + r > 0 ? 2 * p * r / (p + r) : 0;
    printf("%-28s predictions %6zu right %6zu | gold %6zu found %6zu | P %.3f R %.3f F1 %.3f\n",
           what, sc->pred, sc->right, sc->gold, sc->found, p, r, f);
}

/* Runs the extractor over the whole document into pred; `flags` adds
 * IMG_EXTRACT_RESUME for the resumes. */
static void predict(const img_tax_t *tax, const img_doc_t *doc, unsigned flags, img_arena_t *arena,
                    spans_t *pred)
{
#ifdef IMG_EXTRACT_STATS
    fprintf(stderr, "DOC %s\n", cur_doc);
#endif
    if (opt.only != 2) {
        img_mention_t *m;
        size_t n = img_extract_mentions(tax, doc, 0, doc->len, IMG_EXTRACT_DOC | flags, arena, &m);
        for (size_t i = 0; i < n; i++)
            spans_push(pred, m[i].start, m[i].end);
    }
    if (opt.only != 1) {
        img_span_t *p;
        size_t n = img_extract_phrases(tax, doc, 0, doc->len, IMG_EXTRACT_DOC | flags, arena, &p);
        for (size_t i = 0; i < n; i++)
            spans_push(pred, p[i].start, p[i].end);
    }
}

/* ---- SkillSpan ---------------------------------------------------------- */

typedef struct post {
    char *text;
    size_t len, cap;
    spans_t gold;
} post_t;

static void post_append(post_t *p, const char *s, size_t n)
{
    if (p->len + n + 1 > p->cap) {
        p->cap = (p->len + n + 1) * 2;
        p->text = realloc(p->text, p->cap);
        if (!p->text)
            abort();
    }
    memcpy(p->text + p->len, s, n);
    p->len += n;
    p->text[p->len] = '\0';
}

/* Adds the BIO spans of one tag column; tok_start/tok_end are byte offsets. */
static void bio_spans(json_object *tags, const size_t *ts, const size_t *te, size_t n, spans_t *g)
{
    size_t i = 0;
    while (i < n) {
        const char *t = json_object_get_string(json_object_array_get_idx(tags, i));
        if (t && (t[0] == 'B' || t[0] == 'I')) {
            size_t j = i + 1;
            while (j < n) {
                const char *u = json_object_get_string(json_object_array_get_idx(tags, j));
                if (!u || u[0] != 'I')
                    break;
                j++;
            }
            spans_push(g, ts[i], te[j - 1]);
            i = j;
        } else {
            i++;
        }
    }
}

static void run_post(const img_tax_t *tax, post_t *p, score_t *sc)
{
    if (!p->len)
        return;
    img_arena_t *arena = img_arena_new(64 * 1024);
    img_doc_t doc;
    char err[256];
    if (img_doc_init(&doc, "job ad", p->text, p->len, (size_t)1 << 30, arena, err, sizeof(err)) ==
        IMG_OK) {
        spans_t pred = {0};
        predict(tax, &doc, 0, arena, &pred);
        score_doc(sc, p->text, &pred, &p->gold);
        free(pred.v);
    }
    img_arena_destroy(arena);
    p->len = 0;
    p->gold.n = 0;
}

static int bench_skillspan(const img_tax_t *tax, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "skillspan: cannot open %s (skipped)\n", path);
        return -1;
    }
    score_t sc = {0};
    post_t post = {0};
    long cur = -1;
    size_t posts = 0, sentences = 0;
    char *line = NULL;
    size_t lcap = 0;
    while (getline(&line, &lcap, f) > 0) {
        json_object *o = json_tokener_parse(line);
        if (!o)
            continue;
        json_object *idx, *toks, *sk, *kn;
        if (!json_object_object_get_ex(o, "idx", &idx) ||
            !json_object_object_get_ex(o, "tokens", &toks) ||
            !json_object_object_get_ex(o, "tags_skill", &sk) ||
            !json_object_object_get_ex(o, "tags_knowledge", &kn)) {
            json_object_put(o);
            continue;
        }
        long id = (long)json_object_get_int64(idx);
        if (id != cur) {
            run_post(tax, &post, &sc);
            cur = id;
            snprintf(cur_doc, sizeof(cur_doc), "%ld", id);
            posts++;
        }
        size_t n = json_object_array_length(toks);
        size_t *ts = calloc(n + 1, sizeof(size_t)), *te = calloc(n + 1, sizeof(size_t));
        if (post.len)
            post_append(&post, "\n", 1);
        for (size_t i = 0; i < n; i++) {
            const char *w = json_object_get_string(json_object_array_get_idx(toks, i));
            if (i)
                post_append(&post, " ", 1);
            ts[i] = post.len;
            post_append(&post, w, strlen(w));
            te[i] = post.len;
        }
        bio_spans(sk, ts, te, n, &post.gold);
        bio_spans(kn, ts, te, n, &post.gold);
        free(ts);
        free(te);
        sentences++;
        json_object_put(o);
    }
    run_post(tax, &post, &sc);
    free(post.text);
    free(post.gold.v);
    free(line);
    fclose(f);
    printf("SkillSpan %s: %zu postings, %zu sentences\n", path, posts, sentences);
    print_score("skillspan", &sc);
    return 0;
}

/* ---- dotin resumes -------------------------------------------------------- */

/* Byte offset of code point index cp in UTF-8 text s (Python str offsets). */
static size_t cp_to_byte(const char *s, size_t len, size_t cp)
{
    size_t b = 0, c = 0;
    while (b < len && c < cp) {
        b++;
        while (b < len && ((unsigned char)s[b] & 0xC0) == 0x80)
            b++;
        c++;
    }
    return b;
}

static int bench_dotin(const img_tax_t *tax, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "dotin: cannot open %s (skipped)\n", path);
        return -1;
    }
    score_t sc = {0}, inv = {0}, annotated = {0};
    size_t docs = 0, with_sections = 0, n_annotated = 0;
    char *line = NULL;
    size_t lcap = 0;
    while (getline(&line, &lcap, f) > 0) {
        json_object *o = json_tokener_parse(line);
        json_object *jt, *je;
        if (!o || !json_object_object_get_ex(o, "text", &jt) ||
            !json_object_object_get_ex(o, "entities", &je)) {
            json_object_put(o);
            continue;
        }
        const char *text = json_object_get_string(jt);
        size_t len = (size_t)json_object_get_string_len(jt);
        json_object *jid;
        snprintf(cur_doc, sizeof(cur_doc), "%s",
                 json_object_object_get_ex(o, "id", &jid) ? json_object_get_string(jid) : "?");
        spans_t gold = {0};
        for (size_t i = 0; i < json_object_array_length(je); i++) {
            json_object *e = json_object_array_get_idx(je, i);
            const char *lab = json_object_get_string(json_object_array_get_idx(e, 2));
            if (!lab || (strcmp(lab, "Tech Tools") && strcmp(lab, "Job Specific Skills") &&
                         strcmp(lab, "Soft Skills")))
                continue;
            size_t s = (size_t)json_object_get_int64(json_object_array_get_idx(e, 0));
            size_t en = (size_t)json_object_get_int64(json_object_array_get_idx(e, 1));
            s = cp_to_byte(text, len, s);
            en = cp_to_byte(text, len, en);
            if (en > s)
                spans_push(&gold, s, en);
        }
        img_arena_t *arena = img_arena_new(64 * 1024);
        img_analysis_t a;
        memset(&a, 0, sizeof(a));
        a.arena = arena;
        a.tax = tax;
        a.opts.as_of.year = 2019;
        a.opts.as_of.month = 6;
        a.opts.confidence_threshold = 0.7;
        char err[256];
        if (img_doc_init(&a.resume, "resume", text, len, (size_t)1 << 30, arena, err,
                         sizeof(err)) == IMG_OK) {
            docs++;
            spans_t pred = {0};
            predict(tax, &a.resume, IMG_EXTRACT_RESUME, arena, &pred);
            spans_t gold2 = {0};
            for (size_t i = 0; i < gold.n; i++)
                spans_push(&gold2, gold.v[i].start, gold.v[i].end);
            if (gold.n) {
                /* the same figures over the resumes that have skill annotations */
                spans_t p3 = {0}, g3 = {0};
                for (size_t i = 0; i < pred.n; i++)
                    spans_push(&p3, pred.v[i].start, pred.v[i].end);
                for (size_t i = 0; i < gold.n; i++)
                    spans_push(&g3, gold.v[i].start, gold.v[i].end);
                int save_fp = opt.dump_fp, save_fn = opt.dump_fn;
                opt.dump_fp = opt.dump_fn = 0;
                score_doc(&annotated, text, &p3, &g3);
                opt.dump_fp = save_fp;
                opt.dump_fn = save_fn;
                free(p3.v);
                free(g3.v);
                n_annotated++;
            }
            score_doc(&sc, text, &pred, &gold);
            if (opt.inventory) {
                /* The product path: sections, experiences, the inventory. */
                img_resume_sections(&a);
                img_resume_experiences(&a);
                img_skills_build(&a);
                if (a.sections.n > 1)
                    with_sections++;
                spans_t p2 = {0};
                for (size_t i = 0; i < a.skills.n; i++)
                    for (size_t k = 0; k < a.skills.v[i].evidence.n; k++)
                        spans_push(&p2, a.skills.v[i].evidence.v[k].start,
                                   a.skills.v[i].evidence.v[k].end);
                if (opt.only != 1) {
                    img_span_t *ph;
                    size_t n =
                        img_extract_phrases(tax, &a.resume, 0, a.resume.len,
                                            IMG_EXTRACT_DOC | IMG_EXTRACT_RESUME, arena, &ph);
                    for (size_t i = 0; i < n; i++)
                        spans_push(&p2, ph[i].start, ph[i].end);
                }
                int save_fp = opt.dump_fp, save_fn = opt.dump_fn;
                opt.dump_fp = opt.dump_fn = 0;
                score_doc(&inv, text, &p2, &gold2);
                opt.dump_fp = save_fp;
                opt.dump_fn = save_fn;
                free(p2.v);
            }
            free(pred.v);
            free(gold2.v);
        }
        img_arena_destroy(arena);
        free(gold.v);
        json_object_put(o);
    }
    free(line);
    fclose(f);
    printf("dotin %s: %zu resumes\n", path, docs);
    print_score("dotin (whole document)", &sc);
    printf("resumes with skill annotations: %zu\n", n_annotated);
    print_score("dotin (annotated resumes)", &annotated);
    if (opt.inventory) {
        printf("resumes with sections: %zu\n", with_sections);
        print_score("dotin (inventory+phrases)", &inv);
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *shared = getenv("IMG_SHARED_DIR");
    const char *skillspan = NULL, *dotin = NULL;
    char p1[4096], p2[4096];
    bool run_ss = true, run_dotin = true;
    opt.inventory = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--shared") && v)
            shared = v, i++;
        else if (!strcmp(a, "--skillspan") && v)
            skillspan = v, run_dotin = false, i++;
        else if (!strcmp(a, "--dotin") && v)
            dotin = v, run_ss = false, i++;
        else if (!strcmp(a, "--only") && v)
            opt.only = !strcmp(v, "mentions") ? 1 : !strcmp(v, "phrases") ? 2 : 0, i++;
        else if (!strcmp(a, "--dump-fp") && v)
            opt.dump_fp = atoi(v), i++;
        else if (!strcmp(a, "--dump-fn") && v)
            opt.dump_fn = atoi(v), i++;
        else if (!strcmp(a, "--no-inventory"))
            opt.inventory = 0;
        else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            printf("usage: %s [--shared DIR] [--skillspan FILE] [--dotin FILE] "
                   "[--only mentions|phrases] [--dump-fp N] [--dump-fn N] [--no-inventory]\n",
                   argv[0]);
            return 0;
        } else {
            fprintf(stderr, "%s: unknown argument %s (try --help)\n", argv[0], a);
            return 64;
        }
    }
    if (!shared)
        shared = IMG_SOURCE_DIR "/../shared";
    if (!skillspan) {
        snprintf(p1, sizeof(p1), "%s/data/skillspan/dev.json", shared);
        skillspan = p1;
    }
    if (!dotin) {
        snprintf(p2, sizeof(p2), "%s/data/dotin_resume_ner/train_v2.jsonl", shared);
        dotin = p2;
    }
    img_tax_t *tax;
    char err[256];
    if (img_tax_new_builtin(&tax, err, sizeof(err)) != IMG_OK) {
        fprintf(stderr, "taxonomy: %s\n", err);
        return 70;
    }
    printf("taxonomy: %zu skills\n", img_tax_count(tax));
    /* A dataset named on the command line must be there (EX_NOINPUT); the
     * default ones are skipped with a note when ../shared is absent. */
    int rc = 0;
    if (run_ss && bench_skillspan(tax, skillspan) < 0 && skillspan != p1)
        rc = 66;
    if (run_dotin && bench_dotin(tax, dotin) < 0 && dotin != p2)
        rc = 66;
    img_tax_destroy(tax);
    return rc;
}
