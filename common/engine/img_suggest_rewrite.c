/*
 * img_suggest_rewrite.c - grounded suggestions: keywords (list a skill the
 * resume already shows in the job's own words) and rewrites of existing
 * bullets. Both use only what the resume states: a rewrite may change the
 * opening verb, swap a skill's surface form for the job's term for the SAME
 * skill, and ask for a number with a visible placeholder; it never adds a
 * skill, employer, tool or figure.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "img_suggest_int.h"

/* ---- keywords ---- */

static bool has_skills_section(const img_analysis_t *a)
{
    for (size_t i = 0; i < a->sections.n; i++)
        if (a->sections.v[i].kind == IMG_SEC_SKILLS)
            return true;
    return false;
}

/* True if the job's term is a different name for the bullet's surface
 * ("k8s" / "Kubernetes", "AWS" / "Amazon Web Services"), not an inflection or
 * a longer phrase around it ("CI/CD pipelines" / "CI/CD pipeline",
 * "RESTful APIs" / "RESTful API design"), which would only break the sentence. */
static bool other_name(const char *t, size_t s, size_t e, const char *jt)
{
    char k1[96], k2[96];
    img_text_key(t, s, e, k1, sizeof(k1));
    img_text_key(jt, 0, strlen(jt), k2, sizeof(k2));
    if (!k1[0] || !k2[0] || strstr(k1, k2) || strstr(k2, k1))
        return false;
    size_t p = 0;
    while (k1[p] && k1[p] == k2[p])
        p++;
    return p < 4;
}

static size_t count_words(const char *s)
{
    size_t n = 0;
    for (const char *p = s; *p; p++)
        n += !isspace((unsigned char)*p) && (p == s || isspace((unsigned char)p[-1]));
    return n;
}

/* The job's term for a Skills section: its own words, unless they are a
 * phrase around the skill ("mentor junior developers" -> "Mentoring"). */
static const char *list_term(const img_analysis_t *a, const char *jt, int id)
{
    static const char *const adjectives[] = {"excellent ", "strong ", "good ",       "solid ",
                                             "proven ",    "great ",  "effective ",  "advanced ",
                                             "basic ",     "deep ",   "outstanding "};
    const char *name = img_suggest_skill_name(a, id);
    if (!name)
        return jt;
    if (count_words(jt) >= count_words(name) + 2)
        return name;
    for (size_t i = 0; i < sizeof(adjectives) / sizeof(adjectives[0]); i++)
        if (strncasecmp(jt, adjectives[i], strlen(adjectives[i])) == 0)
            return name; /* "Excellent communication" -> "Communication" */
    return jt;
}

/* The suggestion in out that already covers skill id (keywords), or NULL. */
static img_suggestion_t *kw_find(img_sugg_vec_t *out, const int *ids, size_t from, int id)
{
    for (size_t i = from; i < out->n; i++)
        if (ids[i - from] == id)
            return &out->v[i];
    return NULL;
}

size_t img_suggest_keywords(img_analysis_t *a, const int *order, size_t n_order, size_t max,
                            img_sugg_vec_t *out)
{
    img_arena_t *ar = a->arena;
    size_t from = out->n, added = 0;
    int ids[16];
    bool skills_section = has_skills_section(a);
    for (size_t oi = 0; oi < n_order; oi++) {
        const img_req_result_t *res = &a->gap.requirements.v[order[oi]];
        const img_requirement_t *r = &a->job.requirements.v[res->req];
        if (res->status == IMG_MATCH_MISSING || r->education)
            continue;
        for (size_t mi = 0; mi < res->matched.n + r->skills.n; mi++) {
            int id = mi < res->matched.n ? res->matched.v[mi] : r->skills.v[mi - res->matched.n];
            int k = img_suggest_inventory_find(a, id);
            if (k < 0 || !a->skills.v[k].evidence.n)
                continue;
            img_suggestion_t *prev = kw_find(out, ids, from, id);
            if (prev) {
                bool have = false;
                for (size_t c = 0; c < prev->closes.n; c++)
                    have |= prev->closes.v[c] == res->req;
                if (!have)
                    *IMG_VEC_PUSH(ar, &prev->closes) = res->req;
                continue;
            }
            if (added >= max || added >= 16)
                continue;
            const char *jt = img_suggest_job_term(a, res->req, id);
            if (!jt)
                continue;
            jt = list_term(a, jt, id);
            const img_skill_t *sk = &a->skills.v[k];
            const img_evidence_t *in_list = NULL, *shown = NULL;
            bool same_surface = false;
            for (size_t e = 0; e < sk->evidence.n; e++) {
                const img_evidence_t *ev = &sk->evidence.v[e];
                if (ev->end > a->resume.len || ev->start >= ev->end)
                    continue;
                if (ev->section && strcmp(ev->section, "skills") == 0) {
                    if (!in_list)
                        in_list = ev;
                } else if (!shown) {
                    shown = ev;
                }
                if (!other_name(a->resume.text, ev->start, ev->end, jt))
                    same_surface = true; /* the same words, give or take an inflection */
            }
            if (in_list && same_surface)
                continue;
            if (!in_list && !shown)
                continue;
            img_suggestion_t *s = IMG_VEC_PUSH(ar, out);
            s->kind = IMG_SUGG_KEYWORD;
            s->grounding = IMG_GROUND_GROUNDED;
            s->effort = "5 minutes";
            *IMG_VEC_PUSH(ar, &s->closes) = res->req;
            if (!in_list) {
                /* Shown in a bullet or the summary, not listed. */
                char *ex = img_suggest_excerpt(a, shown->start, shown->end, 90);
                if (skills_section) {
                    s->title = IMG_SUGG_CAT(ar, "Add \"", jt, "\" to your Skills section");
                    s->detail = IMG_SUGG_CAT(ar, "Your resume already shows it in \"", ex,
                                             "\", but your Skills section does not list it. Add "
                                             "it there in the job's words, \"",
                                             jt, "\", so keyword screens match it.");
                } else {
                    s->title = IMG_SUGG_CAT(ar, "Add a Skills section that lists \"", jt, "\"");
                    s->detail = IMG_SUGG_CAT(ar, "Your resume already shows it in \"", ex,
                                             "\", but has no Skills section. Add one that lists "
                                             "it in the job's words, \"",
                                             jt, "\", so keyword screens match it.");
                }
            } else {
                char *yours = img_arena_strndup(ar, a->resume.text + in_list->start,
                                                in_list->end - in_list->start);
                s->title =
                    img_arena_printf(ar, "Use the job's term \"%s\" in your Skills section", jt);
                s->detail = img_arena_printf(
                    ar,
                    "Your Skills section lists it as \"%s\"; the job says \"%s\". Use the job's "
                    "wording (you may keep yours in brackets) so keyword screens match it.",
                    yours, jt);
            }
            ids[added++] = id;
        }
    }
    return added;
}

/* ---- bullet rewrites ---- */

typedef struct hit {
    size_t start, end; /* the skill's surface in the bullet */
    int id, req;
    double weight;
} hit_t;

typedef struct bullet {
    size_t start, end;
    const char *company;
    hit_t hits[6];
    size_t n_hits;
    double score;
    size_t order;
} bullet_t;

typedef IMG_VEC(bullet_t) bullet_vec_t;

/* Requirement (index into job.requirements) a met/partial result gives skill id, or -1. */
static int req_for_skill(const img_analysis_t *a, int id, double *weight)
{
    int best = -1;
    double bw = -1;
    for (size_t i = 0; i < a->gap.requirements.n; i++) {
        const img_req_result_t *res = &a->gap.requirements.v[i];
        if (res->status == IMG_MATCH_MISSING || res->req < 0 ||
            (size_t)res->req >= a->job.requirements.n)
            continue;
        const img_requirement_t *r = &a->job.requirements.v[res->req];
        bool named = false;
        for (size_t k = 0; k < res->matched.n && !named; k++)
            named = res->matched.v[k] == id;
        for (size_t k = 0; k < r->skills.n && !named; k++)
            named = r->skills.v[k] == id;
        if (!named)
            continue;
        double w = (r->kind == IMG_REQ_MUST ? 3.0 : 1.0) + res->weight * 0.01;
        if (w > bw) {
            bw = w;
            best = res->req;
        }
    }
    *weight = bw;
    return best;
}

static void collect_hits(const img_analysis_t *a, bullet_t *b)
{
    for (size_t i = 0; i < a->skills.n; i++) {
        const img_skill_t *sk = &a->skills.v[i];
        if (sk->tax_id < 0)
            continue;
        for (size_t e = 0; e < sk->evidence.n; e++) {
            const img_evidence_t *ev = &sk->evidence.v[e];
            if (ev->start < b->start || ev->end > b->end || ev->start >= ev->end)
                continue;
            double w;
            int req = req_for_skill(a, sk->tax_id, &w);
            if (req < 0 || b->n_hits >= sizeof(b->hits) / sizeof(b->hits[0]))
                continue;
            bool overlap = false;
            for (size_t h = 0; h < b->n_hits; h++)
                overlap |= ev->start < b->hits[h].end && b->hits[h].start < ev->end;
            if (overlap)
                continue;
            hit_t *h = &b->hits[b->n_hits++];
            h->start = ev->start;
            h->end = ev->end;
            h->id = sk->tax_id;
            h->req = req;
            h->weight = w;
            b->score += w;
        }
    }
    /* by position */
    for (size_t i = 1; i < b->n_hits; i++)
        for (size_t j = i; j > 0 && b->hits[j - 1].start > b->hits[j].start; j--) {
            hit_t t = b->hits[j];
            b->hits[j] = b->hits[j - 1];
            b->hits[j - 1] = t;
        }
}

/* Opening phrases that bury the action, and what replaces them. */
enum { OPEN_RESP, OPEN_CONTRIB, OPEN_USED };
static const struct {
    const char *phrase;
    int kind;
} weak_openers[] = {
    {"was responsible for ", OPEN_RESP},
    {"responsible for ", OPEN_RESP},
    {"tasked with ", OPEN_RESP},
    {"in charge of ", OPEN_RESP},
    {"duties included ", OPEN_RESP},
    {"worked on ", OPEN_CONTRIB},
    {"participated in ", OPEN_CONTRIB},
    {"was involved in ", OPEN_CONTRIB},
    {"involved in ", OPEN_CONTRIB},
    {"assisted with ", OPEN_CONTRIB},
    {"assisted in ", OPEN_CONTRIB},
    {"helped with ", OPEN_CONTRIB},
    {"was part of ", OPEN_CONTRIB},
    {"part of ", OPEN_CONTRIB},
    {"worked with ", OPEN_USED},
    {"utilized ", OPEN_USED},
    {"utilised ", OPEN_USED},
};

static const struct {
    const char *ing, *past;
} irregular[] = {
    {"leading", "led"},        {"building", "built"},   {"running", "ran"},
    {"writing", "wrote"},      {"driving", "drove"},    {"making", "made"},
    {"setting", "set"},        {"growing", "grew"},     {"teaching", "taught"},
    {"selling", "sold"},       {"bringing", "brought"}, {"holding", "held"},
    {"keeping", "kept"},       {"taking", "took"},      {"giving", "gave"},
    {"overseeing", "oversaw"}, {"winning", "won"},      {"spending", "spent"},
};

/* Gerunds that are nouns at the start of a bullet. */
static const char *ing_nouns[] = {
    "marketing",  "accounting",    "consulting", "banking", "engineering", "networking",
    "pricing",    "manufacturing", "string",     "spring",  "programming", "something",
    "everything", "nothing",       "morning",    "evening", "onboarding",  "offering",
    "funding",    "housing",       "clothing",   "training"};

/* Past tense of a gerund word w[0..n) ("managing" -> "managed"), or NULL. */
static char *past_of(img_arena_t *ar, const char *w, size_t n)
{
    char low[32];
    if (n < 6 || n >= sizeof(low))
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (!isalpha((unsigned char)w[i]))
            return NULL;
        low[i] = (char)tolower((unsigned char)w[i]);
    }
    low[n] = '\0';
    if (strcmp(low + n - 3, "ing") != 0)
        return NULL;
    for (size_t i = 0; i < sizeof(irregular) / sizeof(irregular[0]); i++)
        if (strcmp(low, irregular[i].ing) == 0)
            return img_arena_strdup(ar, irregular[i].past);
    for (size_t i = 0; i < sizeof(ing_nouns) / sizeof(ing_nouns[0]); i++)
        if (strcmp(low, ing_nouns[i]) == 0)
            return NULL;
    size_t stem = n - 3;
    low[stem] = '\0';
    if (stem >= 2 && low[stem - 1] == 'y' && !strchr("aeiou", low[stem - 2]))
        return img_arena_printf(ar, "%.*sied", (int)(stem - 1), low);
    return img_arena_printf(ar, "%sed", low);
}

/* Rewrites the opening of s; returns the new string (or s) and sets *changed. */
static char *fix_opening(img_arena_t *ar, char *s, bool *changed)
{
    *changed = false;
    size_t len = strlen(s);
    for (size_t i = 0; i < sizeof(weak_openers) / sizeof(weak_openers[0]); i++) {
        size_t n = strlen(weak_openers[i].phrase);
        if (len <= n || strncasecmp(s, weak_openers[i].phrase, n) != 0)
            continue;
        const char *rest = s + n;
        *changed = true;
        if (weak_openers[i].kind == OPEN_RESP) {
            size_t w = 0;
            while (rest[w] && isalpha((unsigned char)rest[w]))
                w++;
            char *past = past_of(ar, rest, w);
            if (past)
                return img_arena_printf(ar, "%s%s", past, rest + w);
            return img_arena_printf(ar, "Owned %s", rest);
        }
        if (weak_openers[i].kind == OPEN_CONTRIB)
            return img_arena_printf(ar, "Contributed to %s", rest);
        return img_arena_printf(ar, "Used %s", rest);
    }
    size_t w = 0;
    while (s[w] && isalpha((unsigned char)s[w]))
        w++;
    char *past = past_of(ar, s, w);
    if (past && (s[w] == ' ' || s[w] == '\0')) {
        *changed = true;
        return img_arena_printf(ar, "%s%s", past, s + w);
    }
    return s;
}

static const char *quantify_hint(const char *s)
{
    static const struct {
        const char *cues, *hint;
    } hints[] = {
        {"mentor|coach|train|onboard|taught|teach", "how many people, how often"},
        {"reduc|faster|speed|latency|optimi|shorten", "% or hours saved"},
        {"led |lead|manag|supervis|team of", "team size or scope"},
        {"migrat", "systems or records migrated"},
        {"test|quality|bug|defect", "% fewer defects"},
        {"automat|pipeline|ci/cd|deploy|release", "deploys per week or hours saved"},
        {"revenue|sales|cost|budget|profit", "amount or %"},
        {"collaborat|stakeholder|requirement|product team|partner", "features shipped or teams "
                                                                    "involved"},
        {"api|service|built|develop|implement|design|creat|launch", "users served or requests "
                                                                    "per day"},
    };
    char low[512];
    size_t n = strlen(s);
    if (n >= sizeof(low))
        n = sizeof(low) - 1;
    for (size_t i = 0; i < n; i++)
        low[i] = (char)tolower((unsigned char)s[i]);
    low[n] = '\0';
    for (size_t i = 0; i < sizeof(hints) / sizeof(hints[0]); i++) {
        const char *p = hints[i].cues;
        while (*p) {
            const char *e = strchr(p, '|');
            size_t k = e ? (size_t)(e - p) : strlen(p);
            char cue[32];
            if (k < sizeof(cue)) {
                memcpy(cue, p, k);
                cue[k] = '\0';
                if (strstr(low, cue))
                    return hints[i].hint;
            }
            p += k + (e ? 1 : 0);
        }
    }
    return "users, %, time or money";
}

/* True if s[0..n) states a figure in words ("three engineers", "a dozen"). */
static bool has_number_word(const char *s, size_t n)
{
    static const char words[] = "|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                                "fifteen|twenty|thirty|forty|fifty|hundred|hundreds|thousand|"
                                "thousands|million|millions|billion|dozen|dozens|half|double|"
                                "doubled|tripled|";
    for (size_t i = 0; i < n;) {
        while (i < n && !isalpha((unsigned char)s[i]))
            i++;
        size_t b = i;
        while (i < n && isalpha((unsigned char)s[i]))
            i++;
        char w[16];
        if (i - b < 3 || i - b + 3 > sizeof(w))
            continue;
        w[0] = '|';
        for (size_t k = b; k < i; k++)
            w[k - b + 1] = (char)tolower((unsigned char)s[k]);
        w[i - b + 1] = '|';
        w[i - b + 2] = '\0';
        if (strstr(words, w))
            return true;
    }
    return false;
}

/* The first words of a bullet (about 30 bytes, cut at a space, "..." added)
 * so that two rewrites from one employer have distinct titles. */
static const char *bullet_opening(img_arena_t *ar, const char *t, size_t n)
{
    if (n <= 32)
        return img_arena_strndup(ar, t, n);
    size_t cut = 30;
    while (cut > 10 && t[cut] != ' ')
        cut--;
    char *o = img_arena_strndup(ar, t, cut);
    for (char *p = o; *p; p++)
        if (*p == '\n' || *p == '\r' || *p == '\t')
            *p = ' ';
    return IMG_SUGG_CAT(ar, o, "...");
}

/* True if s[0..n) contains w[0..wn), ASCII case-insensitively. */
static bool contains_ci(const char *s, size_t n, const char *w, size_t wn)
{
    for (size_t i = 0; i + wn <= n; i++)
        if (strncasecmp(s + i, w, wn) == 0)
            return true;
    return false;
}

/* True if every taxonomy skill named in text is one the resume holds or
 * words the bullet src[0..n) already has. */
static bool names_only_held(img_analysis_t *a, const char *text, const char *src, size_t n_src)
{
    img_doc_t doc;
    char err[64];
    size_t len = strlen(text);
    if (!a->tax ||
        img_doc_init(&doc, "rewrite", text, len, len + 1, a->arena, err, sizeof(err)) != IMG_OK)
        return true;
    img_mention_t *m;
    size_t n = img_extract_mentions(a->tax, &doc, 0, len, 0, a->arena, &m);
    for (size_t i = 0; i < n; i++)
        if (img_suggest_inventory_find(a, m[i].skill) < 0 &&
            !contains_ci(src, n_src, text + m[i].start, m[i].end - m[i].start))
            return false;
    return true;
}

/* Builds the rewrite of one bullet; NULL when there is nothing to improve. */
static bool make_rewrite(img_analysis_t *a, const bullet_t *b, img_suggestion_t *s)
{
    img_arena_t *ar = a->arena;
    const char *t = a->resume.text;
    size_t bs = b->start, be = b->end;
    while (be > bs && (isspace((unsigned char)t[be - 1]) || strchr(".;,", t[be - 1])))
        be--;
    if (be <= bs)
        return false;
    bool bullet_digits = img_suggest_has_digit(t + bs, be - bs);
    bool has_figure = bullet_digits || has_number_word(t + bs, be - bs);

    /* Surface the job's term for skills the bullet already names. */
    const char *out = "", *terms[2], *surfaced = NULL;
    size_t n_terms = 0, p = bs;
    for (size_t i = 0; i < b->n_hits; i++) {
        const hit_t *h = &b->hits[i];
        if (h->end > be)
            continue;
        const char *jt = img_suggest_job_term(a, h->req, h->id);
        const char *use = NULL;
        if (jt && other_name(t, h->start, h->end, jt) && strlen(jt) <= 40 &&
            (!img_suggest_has_digit(jt, strlen(jt)) || bullet_digits) && !strchr(jt, '\n')) {
            use = jt;
            surfaced = jt;
        }
        /* the title names it in the job's words, else in the bullet's own */
        const char *name = jt && (!img_suggest_has_digit(jt, strlen(jt)) || bullet_digits)
                               ? jt
                               : img_arena_strndup(ar, t + h->start, h->end - h->start);
        bool dup = false;
        for (size_t k = 0; k < n_terms; k++)
            dup |= name && strcasecmp(terms[k], name) == 0;
        if (name && !dup && n_terms < 2)
            terms[n_terms++] = name;
        if (use) {
            out = IMG_SUGG_CAT(ar, out, img_arena_strndup(ar, t + p, h->start - p), use);
            p = h->end;
        }
    }
    out = IMG_SUGG_CAT(ar, out, img_arena_strndup(ar, t + p, be - p));
    if (surfaced && !names_only_held(a, out, t + bs, be - bs)) {
        /* The new words made another skill appear ("server side programming"):
         * keep the bullet's own words. */
        out = img_arena_strndup(ar, t + bs, be - bs);
        surfaced = NULL;
    }
    /* Single-line: collapse any line breaks inside the bullet. */
    char *flat = img_arena_strdup(ar, out);
    for (char *q = flat; *q; q++)
        if (*q == '\n' || *q == '\r' || *q == '\t')
            *q = ' ';

    bool verb;
    char *text = fix_opening(ar, flat, &verb);
    text[0] = (char)toupper((unsigned char)text[0]);
    bool placeholder = !has_figure;
    if (!verb && !surfaced && !placeholder)
        return false;
    const char *rewrite =
        placeholder ? IMG_SUGG_CAT(ar, text, " [quantify: e.g. ", quantify_hint(text), "]") : text;
    const char *term_list = n_terms == 2   ? IMG_SUGG_CAT(ar, terms[0], " and ", terms[1])
                            : n_terms == 1 ? terms[0]
                                           : "the job's skills";
    s->kind = IMG_SUGG_BULLET_REWRITE;
    s->grounding = IMG_GROUND_GROUNDED;
    s->effort = "15 minutes";
    s->has_source = true;
    s->source_start = b->start;
    s->source_end = b->end;
    const char *opening = bullet_opening(ar, t + bs, be - bs);
    s->title = b->company
                   ? IMG_SUGG_CAT(ar, "Rewrite the ", b->company, " bullet on ", term_list, ": \"",
                                  opening, "\"")
                   : IMG_SUGG_CAT(ar, "Rewrite your bullet on ", term_list, ": \"", opening, "\"");
    const char *changes = verb && surfaced ? "It leads with a stronger verb, uses the job's term \""
                          : verb           ? "It leads with a stronger verb"
                          : surfaced       ? "It uses the job's term \""
                                           : "It";
    s->detail = IMG_SUGG_CAT(
        ar, "Suggested: \"", rewrite, "\". Currently: \"", img_arena_strndup(ar, t + bs, be - bs),
        "\". ", changes, surfaced ? surfaced : "",
        surfaced ? "\","
        : verb   ? ","
                 : "",
        placeholder ? " asks for a figure" : "", placeholder ? " and" : "",
        " keeps only what the bullet states.",
        placeholder ? " Replace the bracketed placeholder with a real figure from your records, "
                      "or leave it out."
                    : "");
    for (size_t i = 0; i < b->n_hits; i++) {
        bool have = false;
        for (size_t c = 0; c < s->closes.n; c++)
            have |= s->closes.v[c] == b->hits[i].req;
        if (!have)
            *IMG_VEC_PUSH(ar, &s->closes) = b->hits[i].req;
    }
    return true;
}

static void add_bullet(img_analysis_t *a, bullet_vec_t *bs, size_t start, size_t end,
                       const char *company)
{
    if (end <= start || end > a->resume.len)
        return;
    bullet_t b = {.start = start, .end = end, .company = company, .order = bs->n};
    collect_hits(a, &b);
    if (b.n_hits == 0)
        return;
    if (!img_suggest_has_digit(a->resume.text + start, end - start))
        b.score += 0.5; /* asking for a number helps most where there is none */
    *IMG_VEC_PUSH(a->arena, bs) = b;
}

size_t img_suggest_rewrites(img_analysis_t *a, size_t max, img_sugg_vec_t *out)
{
    if (!a->resume.text)
        return 0;
    bullet_vec_t bs = {0};
    for (size_t i = 0; i < a->experiences.n; i++) {
        const img_experience_t *e = &a->experiences.v[i];
        for (size_t k = 0; k < e->bullets.n; k++)
            add_bullet(a, &bs, e->bullets.v[k].start, e->bullets.v[k].end, e->company);
    }
    if (a->experiences.n == 0) {
        /* No parsed experiences: bullet lines of experience sections (or of the whole resume). */
        bool any_exp = false;
        for (size_t i = 0; i < a->sections.n; i++)
            any_exp |= a->sections.v[i].kind == IMG_SEC_EXPERIENCE;
        for (size_t l = 0; l < a->resume.n_lines; l++) {
            const img_line_t *ln = &a->resume.lines[l];
            if (!ln->bullet || ln->blank)
                continue;
            bool in = !any_exp;
            for (size_t i = 0; i < a->sections.n && !in; i++)
                in = a->sections.v[i].kind == IMG_SEC_EXPERIENCE &&
                     l >= a->sections.v[i].first_line && l < a->sections.v[i].end_line;
            if (in)
                add_bullet(a, &bs, ln->start, ln->end, NULL);
        }
    }
    /* Best first; resume order on ties. */
    for (size_t i = 1; i < bs.n; i++)
        for (size_t j = i;
             j > 0 && (bs.v[j - 1].score < bs.v[j].score ||
                       (bs.v[j - 1].score == bs.v[j].score && bs.v[j - 1].order > bs.v[j].order));
             j--) {
            bullet_t t = bs.v[j];
            bs.v[j] = bs.v[j - 1];
            bs.v[j - 1] = t;
        }
    size_t added = 0;
    for (size_t i = 0; i < bs.n && added < max; i++) {
        img_suggestion_t s = {0};
        if (make_rewrite(a, &bs.v[i], &s)) {
            *IMG_VEC_PUSH(a->arena, out) = s;
            added++;
        }
    }
    return added;
}
