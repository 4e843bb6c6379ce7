/*
 * quality_experiences - how well img_resume_experiences() finds job titles
 * and employers in real resumes (dotin resume NER, JSON lines with "text"
 * and "entities" [[start, end, label], ...] in code points).
 *
 *   quality_experiences [--misses] [--doc N] [path/to/train_v2.jsonl]
 *
 * --misses prints every missed gold span and every wrong prediction in
 * context; --doc N prints one resume's sections and experiences. With
 * QE_SECTIONS=1 in the environment it adds breakdowns (flattened vs line-broken
 * documents, where the misses lie); QE_PERDOC=1 prints one line per document.
 *
 * Recall: a gold "Designation" (resp. "Companies worked at") span counts as
 * found when some experience's title (resp. company) span overlaps it.
 * Precision: the fraction of predicted title (company) spans that overlap a
 * gold span of the same label. Exits 0 with a note when the data is absent.
 */
#include <json-c/json.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/img_resume.h"

#ifndef IMG_SOURCE_DIR
#define IMG_SOURCE_DIR "."
#endif

typedef struct span {
    size_t s, e;
} span_t;

typedef struct tally {
    long gold, found, pred, pred_ok;
} tally_t;

/* Byte offset of code point index cp in UTF-8 text. */
static size_t cp_to_byte(const char *t, size_t len, size_t cp)
{
    size_t b = 0, n = 0;
    while (b < len && n < cp) {
        unsigned char c = (unsigned char)t[b];
        b += c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        n++;
    }
    return b > len ? len : b;
}

static bool overlaps(size_t a0, size_t a1, size_t b0, size_t b1)
{
    return a0 < b1 && b0 < a1;
}

static void score(tally_t *t, const span_t *gold, size_t ng, const span_t *pred, size_t np)
{
    t->gold += (long)ng;
    t->pred += (long)np;
    for (size_t g = 0; g < ng; g++)
        for (size_t p = 0; p < np; p++)
            if (overlaps(gold[g].s, gold[g].e, pred[p].s, pred[p].e)) {
                t->found++;
                break;
            }
    for (size_t p = 0; p < np; p++)
        for (size_t g = 0; g < ng; g++)
            if (overlaps(gold[g].s, gold[g].e, pred[p].s, pred[p].e)) {
                t->pred_ok++;
                break;
            }
}

static void print_ctx(const char *label, const char *t, size_t len, size_t s, size_t e)
{
    size_t a = s > 40 ? s - 40 : 0, b = e + 40 < len ? e + 40 : len;
    printf("  %s: ", label);
    for (size_t i = a; i < b; i++) {
        if (i == s)
            fputs("[[", stdout);
        putchar(t[i] == '\n' ? '|' : t[i]);
        if (i + 1 == e)
            fputs("]]", stdout);
    }
    putchar('\n');
}

/* 0: inside a bullet, 1: inside an entry's span, 2: outside every entry. */
static int where_in(const img_analysis_t *a, size_t pos)
{
    int where = 2;
    for (size_t k = 0; k < a->experiences.n; k++) {
        const img_experience_t *x = &a->experiences.v[k];
        if (pos >= x->span_start && pos < x->span_end) {
            if (where == 2)
                where = 1;
            for (size_t b = 0; b < x->bullets.n; b++)
                if (pos >= x->bullets.v[b].start && pos < x->bullets.v[b].end)
                    where = 0;
        }
    }
    return where;
}

static void print_miss(const img_analysis_t *a, const char *what, const char *t, size_t len,
                       size_t s, size_t e)
{
    static const char *const wh[] = {"bullet", "entry", "outside"};
    char tag[80];
    snprintf(tag, sizeof(tag), "miss %s (%s, %s)", what,
             img_section_name(img_resume_section_at(a, s)), wh[where_in(a, s)]);
    print_ctx(tag, t, len, s, e);
}

int main(int argc, char **argv)
{
    bool misses = false;
    long only = -1;
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--misses") == 0)
            misses = true;
        else if (strcmp(argv[i], "--doc") == 0 && i + 1 < argc)
            only = atol(argv[++i]);
        else
            path = argv[i];
    }
    char def[4096];
    if (!path) {
        const char *shared = getenv("IMG_SHARED_DIR");
        if (shared)
            snprintf(def, sizeof(def), "%s/data/dotin_resume_ner/train_v2.jsonl", shared);
        else
            snprintf(def, sizeof(def), "%s/../shared/data/dotin_resume_ner/train_v2.jsonl",
                     IMG_SOURCE_DIR);
        path = def;
    }
    FILE *f = fopen(path, "r");
    if (!f) {
        printf("quality_experiences: %s not found; nothing measured\n", path);
        return 0;
    }
    tally_t title = {0}, comp = {0}, ftitle = {0}, fcomp = {0};
    long miss_sec[2][IMG_SEC__COUNT] = {{0}}, miss_where[2][3] = {{0}}, miss_repeat[2] = {0};
    long docs = 0, exps = 0;
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    while ((got = getline(&line, &cap, f)) > 0) {
        json_object *o = json_tokener_parse(line);
        if (!o)
            continue;
        long idx = docs++;
        json_object *jt, *je;
        if (!json_object_object_get_ex(o, "text", &jt) ||
            !json_object_object_get_ex(o, "entities", &je) || (only >= 0 && idx != only)) {
            json_object_put(o);
            continue;
        }
        const char *text = json_object_get_string(jt);
        size_t len = (size_t)json_object_get_string_len(jt);
        size_t ne = json_object_array_length(je);
        span_t *gt = calloc(ne + 1, sizeof(span_t)), *gc = calloc(ne + 1, sizeof(span_t));
        size_t ngt = 0, ngc = 0;
        for (size_t k = 0; k < ne; k++) {
            json_object *ent = json_object_array_get_idx(je, k);
            const char *lab = json_object_get_string(json_object_array_get_idx(ent, 2));
            size_t s = (size_t)json_object_get_int(json_object_array_get_idx(ent, 0));
            size_t e = (size_t)json_object_get_int(json_object_array_get_idx(ent, 1));
            span_t sp = {cp_to_byte(text, len, s), cp_to_byte(text, len, e)};
            if (strcmp(lab, "Designation") == 0)
                gt[ngt++] = sp;
            else if (strcmp(lab, "Companies worked at") == 0)
                gc[ngc++] = sp;
        }
        img_arena_t *arena = img_arena_new(64 * 1024);
        img_analysis_t *a = img_arena_alloc(arena, sizeof(*a));
        a->arena = arena;
        a->opts.as_of = (img_ym_t){2026, 11};
        char err[256];
        if (img_doc_init(&a->resume, "resume", text, len, SIZE_MAX, arena, err, sizeof(err)) !=
            IMG_OK) {
            fprintf(stderr, "doc %ld: %s\n", idx, err);
            img_arena_destroy(arena);
            free(gt);
            free(gc);
            json_object_put(o);
            continue;
        }
        img_resume_sections(a);
        img_resume_experiences(a);
        size_t nx = a->experiences.n;
        exps += (long)nx;
        span_t *pt = calloc(nx + 1, sizeof(span_t)), *pc = calloc(nx + 1, sizeof(span_t));
        size_t npt = 0, npc = 0;
        for (size_t k = 0; k < nx; k++) {
            const img_experience_t *x = &a->experiences.v[k];
            if (x->title_end > x->title_start)
                pt[npt++] = (span_t){x->title_start, x->title_end};
            if (x->company_end > x->company_start)
                pc[npc++] = (span_t){x->company_start, x->company_end};
        }
        for (int lab = 0; lab < 2; lab++) {
            const span_t *gold = lab ? gc : gt, *pred = lab ? pc : pt;
            size_t ng = lab ? ngc : ngt, np = lab ? npc : npt;
            for (size_t g = 0; g < ng; g++) {
                bool hit = false;
                for (size_t p = 0; p < np; p++)
                    hit = hit || overlaps(gold[g].s, gold[g].e, pred[p].s, pred[p].e);
                if (!hit) {
                    /* A repeated mention of a title or employer already found. */
                    char kg[128], kp[128];
                    img_text_key(text, gold[g].s, gold[g].e, kg, sizeof(kg));
                    for (size_t p = 0; p < np; p++) {
                        img_text_key(text, pred[p].s, pred[p].e, kp, sizeof(kp));
                        if (kg[0] && strcmp(kg, kp) == 0) {
                            miss_repeat[lab]++;
                            break;
                        }
                    }
                    miss_sec[lab][img_resume_section_at(a, gold[g].s)]++;
                    int where = 2; /* outside every entry */
                    for (size_t k = 0; k < nx; k++) {
                        const img_experience_t *x = &a->experiences.v[k];
                        if (gold[g].s >= x->span_start && gold[g].s < x->span_end) {
                            where = 1; /* in a body */
                            for (size_t b = 0; b < x->bullets.n; b++)
                                if (gold[g].s >= x->bullets.v[b].start &&
                                    gold[g].s < x->bullets.v[b].end)
                                    where = 0;
                        }
                    }
                    miss_where[lab][where]++;
                }
            }
        }
        size_t nl = 0;
        for (size_t k = 0; k < len; k++)
            nl += text[k] == '\n';
        if (nl < 3) {
            score(&ftitle, gt, ngt, pt, npt);
            score(&fcomp, gc, ngc, pc, npc);
        }
        if (getenv("QE_PERDOC")) {
            tally_t dt = {0}, dc = {0};
            score(&dt, gt, ngt, pt, npt);
            score(&dc, gc, ngc, pc, npc);
            printf("perdoc %ld %s titles %ld/%ld companies %ld/%ld predicted %ld/%ld\n", idx,
                   nl < 3 ? "flat" : "lines", dt.found, dt.gold, dc.found, dc.gold, dt.pred_ok,
                   dt.pred);
        }
        score(&title, gt, ngt, pt, npt);
        score(&comp, gc, ngc, pc, npc);
        if (misses || only >= 0) {
            printf("doc %ld: %zu experiences\n", idx, nx);
            if (only >= 0) {
                for (size_t k = 0; k < a->sections.n; k++)
                    printf("  section %s %zu-%zu\n", img_section_name(a->sections.v[k].kind),
                           a->sections.v[k].start, a->sections.v[k].end);
                for (size_t k = 0; k < nx; k++) {
                    const img_experience_t *x = &a->experiences.v[k];
                    char s1[16], s2[16];
                    img_ym_format(x->start, s1, sizeof(s1));
                    img_ym_format(x->end, s2, sizeof(s2));
                    printf("  exp title=%s | company=%s | loc=%s | %s..%s%s (%d mo) bullets=%zu\n",
                           x->title ? x->title : "-", x->company ? x->company : "-",
                           x->location ? x->location : "-", s1, x->current ? "present" : s2, "",
                           x->months, x->bullets.n);
                }
            }
            for (size_t g = 0; g < ngt; g++) {
                bool hit = false;
                for (size_t p = 0; p < npt; p++)
                    hit = hit || overlaps(gt[g].s, gt[g].e, pt[p].s, pt[p].e);
                if (!hit)
                    print_miss(a, "title", text, len, gt[g].s, gt[g].e);
            }
            for (size_t g = 0; g < ngc; g++) {
                bool hit = false;
                for (size_t p = 0; p < npc; p++)
                    hit = hit || overlaps(gc[g].s, gc[g].e, pc[p].s, pc[p].e);
                if (!hit)
                    print_miss(a, "company", text, len, gc[g].s, gc[g].e);
            }
            for (size_t p = 0; p < npt; p++) {
                bool hit = false;
                for (size_t g = 0; g < ngt; g++)
                    hit = hit || overlaps(gt[g].s, gt[g].e, pt[p].s, pt[p].e);
                if (!hit)
                    print_ctx("wrong title", text, len, pt[p].s, pt[p].e);
            }
            for (size_t p = 0; p < npc; p++) {
                bool hit = false;
                for (size_t g = 0; g < ngc; g++)
                    hit = hit || overlaps(gc[g].s, gc[g].e, pc[p].s, pc[p].e);
                if (!hit)
                    print_ctx("wrong company", text, len, pc[p].s, pc[p].e);
            }
        }
        free(pt);
        free(pc);
        free(gt);
        free(gc);
        img_arena_destroy(arena);
        json_object_put(o);
    }
    free(line);
    fclose(f);
    printf("command: ");
    for (int i = 0; i < argc; i++)
        printf("%s%s", i ? " " : "", argv[i]);
    printf("\ndata: %s\n", path);
    printf("documents: %ld, experiences: %ld\n", docs, exps);
    printf("title recall:     %.3f (%ld/%ld)\n", title.gold ? (double)title.found / title.gold : 0,
           title.found, title.gold);
    printf("employer recall:  %.3f (%ld/%ld)\n", comp.gold ? (double)comp.found / comp.gold : 0,
           comp.found, comp.gold);
    printf("title precision:  %.3f (%ld/%ld)\n",
           title.pred ? (double)title.pred_ok / title.pred : 0, title.pred_ok, title.pred);
    printf("company precision: %.3f (%ld/%ld)\n", comp.pred ? (double)comp.pred_ok / comp.pred : 0,
           comp.pred_ok, comp.pred);
    if (getenv("QE_SECTIONS")) {
        printf("flattened documents: title recall %.3f employer recall %.3f title precision %.3f "
               "company precision %.3f\n",
               (double)ftitle.found / ftitle.gold, (double)fcomp.found / fcomp.gold,
               (double)ftitle.pred_ok / ftitle.pred, (double)fcomp.pred_ok / fcomp.pred);
        printf("line-broken documents: title recall %.3f employer recall %.3f title precision "
               "%.3f company precision %.3f\n",
               (double)(title.found - ftitle.found) / (title.gold - ftitle.gold),
               (double)(comp.found - fcomp.found) / (comp.gold - fcomp.gold),
               (double)(title.pred_ok - ftitle.pred_ok) / (title.pred - ftitle.pred),
               (double)(comp.pred_ok - fcomp.pred_ok) / (comp.pred - fcomp.pred));
        for (int lab = 0; lab < 2; lab++)
            printf("%s misses that repeat a found name: %ld\n", lab ? "company" : "title",
                   miss_repeat[lab]);
        for (int lab = 0; lab < 2; lab++)
            printf("%s misses: in bullets %ld, in entry headers %ld, outside entries %ld\n",
                   lab ? "company" : "title", miss_where[lab][0], miss_where[lab][1],
                   miss_where[lab][2]);
        for (int lab = 0; lab < 2; lab++) {
            printf("%s misses by section:", lab ? "company" : "title");
            for (int k = 0; k < IMG_SEC__COUNT; k++)
                if (miss_sec[lab][k])
                    printf(" %s=%ld", img_section_name((img_section_kind_t)k), miss_sec[lab][k]);
            printf("\n");
        }
    }
    return 0;
}
