/*
 * img_resume_pieces.c - an experience's header lines cut into pieces at the
 * separators people use ("Title at Company", "Title, Company", "Company —
 * Title", "Company - City, ST -", "Designation: X", "Title | Company"), each
 * piece classified (title, company, location, department, unknown), then
 * the roles assigned. Conservative: a role stays unknown rather than wrong.
 */
#include <ctype.h>
#include <string.h>

#include "img_resume_int.h"

static bool alnum_at(const char *t, size_t p, size_t e)
{
    return p < e && isalnum((unsigned char)t[p]);
}

/* Iterates the words of text[s..e): letters/digits with inner '-', '\'' and '&'. */
static bool next_word(const char *t, size_t *p, size_t e, size_t *ws, size_t *we)
{
    size_t q = *p;
    while (q < e && !isalnum((unsigned char)t[q]))
        q++;
    if (q >= e)
        return false;
    size_t r = q;
    while (r < e) {
        if (isalnum((unsigned char)t[r])) {
            r++;
            continue;
        }
        if ((t[r] == '-' || t[r] == '\'') && alnum_at(t, r + 1, e)) {
            r++;
            continue;
        }
        break;
    }
    *ws = q;
    *we = r;
    *p = r;
    return true;
}

static bool word_in(const char *t, size_t s, size_t e, const char *const *words)
{
    for (size_t i = 0; words[i]; i++)
        if (img_text_ieq(t, s, e, words[i]))
            return true;
    return false;
}

/* Label before a colon: 1 title, 2 company, 3 other (dates, place), 0 none. */
static int label_kind(const char *t, size_t s, size_t e)
{
    char key[40];
    size_t n = img_text_key(t, s, e, key, sizeof(key));
    while (n && isdigit((unsigned char)key[n - 1])) /* "Company 1:" */
        key[--n] = '\0';
    static const char *const title[] = {"designation",
                                        "position",
                                        "positionheld",
                                        "title",
                                        "jobtitle",
                                        "role",
                                        "currentrole",
                                        "currentposition",
                                        "currentdesignation",
                                        "post",
                                        "jobrole",
                                        "keyrole",
                                        "myrole",
                                        NULL};
    static const char *const company[] = {
        "company",     "organization",     "organisation", "employer",     "nameofemployer",
        "companyname", "organizationname", "firm",         "employername", NULL};
    static const char *const other[] = {"duration",
                                        "period",
                                        "date",
                                        "dates",
                                        "location",
                                        "place",
                                        "tenure",
                                        "from",
                                        "since",
                                        "to",
                                        "till",
                                        "until",
                                        "client",
                                        "city",
                                        "team",
                                        "teamsize",
                                        "phase",
                                        "project",
                                        "projecttitle",
                                        "projectname",
                                        "environment",
                                        "technology",
                                        "technologies",
                                        "tools",
                                        "technologytools",
                                        "skills",
                                        "platform",
                                        "software",
                                        "hardware",
                                        "os",
                                        "database",
                                        "languages",
                                        "description",
                                        "projectdescription",
                                        "summary",
                                        "responsibilities",
                                        "domain",
                                        "module",
                                        "modules",
                                        "achievements",
                                        NULL};
    for (int i = 0; title[i]; i++)
        if (strcmp(key, title[i]) == 0)
            return 1;
    for (int i = 0; company[i]; i++)
        if (strcmp(key, company[i]) == 0)
            return 2;
    for (int i = 0; other[i]; i++)
        if (strcmp(key, other[i]) == 0)
            return 3;
    return 0;
}

/* Trailing '.' kept after "Inc.", "Ltd.", "Corp.", "Co.", "Jr." */
static bool abbrev_before(const char *t, size_t s, size_t dot)
{
    size_t q = dot;
    while (q > s && isalpha((unsigned char)t[q - 1]))
        q--;
    return dot - q >= 2 && dot - q <= 4 && isupper((unsigned char)t[q]);
}

static void trim(const char *t, size_t *s, size_t *e)
{
    while (*s < *e) {
        uint32_t cp;
        size_t n = img_text_cp(t, *e, *s, &cp);
        if (cp == ' ' || cp == ',' || cp == '-' || cp == '.' || cp == ':' || cp == '"' ||
            cp == '\'' || cp == '*' || cp == '_' || cp == '/' || cp == '&') {
            *s += n;
            continue;
        }
        if (cp >= 0x80 && !(cp >= 0xC0 && cp < 0x2000))
            *s += n; /* stray glyphs */
        else
            break;
    }
    while (*e > *s) {
        size_t q = *e - 1;
        while (q > *s && ((unsigned char)t[q] & 0xC0) == 0x80)
            q--;
        uint32_t cp;
        img_text_cp(t, *e, q, &cp);
        if (cp == '.' && abbrev_before(t, *s, q))
            break;
        if (cp == ' ' || cp == ',' || cp == '-' || cp == '.' || cp == ':' || cp == '"' ||
            cp == '\'' || cp == '*' || cp == '_' || cp == '/' || cp == '&' ||
            (cp >= 0x80 && !(cp >= 0xC0 && cp < 0x2000))) {
            *e = q;
            continue;
        }
        break;
    }
}

/* "Working as a", "Joined as", "Currently": stripped, and the rest is a title. */
static bool strip_as(const char *t, size_t *s, size_t e)
{
    static const char *const verbs[] = {"working",   "worked",    "joined",   "work",
                                        "serving",   "served",    "employed", "hired",
                                        "currently", "presently", NULL};
    size_t p = *s, ws, we;
    if (!next_word(t, &p, e, &ws, &we) || !word_in(t, ws, we, verbs))
        return false;
    size_t save = p;
    if (!next_word(t, &p, e, &ws, &we))
        return false;
    if (!img_text_ieq(t, ws, we, "as")) {
        if (img_text_ieq(t, *s, save, "currently") || img_text_ieq(t, *s, save, "presently"))
            return false;
        return false;
    }
    size_t after = p;
    if (next_word(t, &p, e, &ws, &we) &&
        (img_text_ieq(t, ws, we, "a") || img_text_ieq(t, ws, we, "an")))
        after = p;
    *s = after;
    return true;
}

static void classify(const char *t, img_resume_piece_t *pc)
{
    size_t p = pc->s, ws, we, last_s = 0, last_e = 0;
    int words = 0, caps = 0, content = 0, dept = 0, regions = 0, suffix_only = 1;
    bool any_title = false, company = false, digits_only = true, page = false;
    bool last_title = false, last_region = false, slash_title = false;
    while (next_word(t, &p, pc->e, &ws, &we)) {
        words++;
        unsigned wc = img_resume_word_class(t, ws, we);
        bool small = wc & RS_W_SMALL;
        if (!small) {
            content++;
            if (isupper((unsigned char)t[ws]) || isdigit((unsigned char)t[ws]))
                caps++;
        }
        for (size_t i = ws; i < we; i++)
            if (isalpha((unsigned char)t[i]))
                digits_only = false;
        if (img_text_ieq(t, ws, we, "page") && words == 1)
            page = true;
        if (wc & RS_W_TITLE)
            any_title = true;
        last_title = (wc & RS_W_TITLE) != 0;
        if (last_title && we < pc->e && t[we] == '/')
            slash_title = true; /* "Division Manager/VP Field Services" */
        last_region = (wc & RS_W_REGION) != 0;
        bool cw = wc & RS_W_COMPANY;
        if (cw)
            company = true;
        else
            suffix_only = 0;
        if ((wc & RS_W_DEPT) || small)
            dept++;
        if (wc & RS_W_REGION)
            regions++;
        if (wc & RS_W_DEGREE)
            pc->degree = true;
        last_s = ws;
        last_e = we;
    }
    pc->words = words;
    if (!words || digits_only || page) { /* "2010-2011", "Page 3 of 3" */
        pc->cls = PC_NONE;
        return;
    }
    pc->strong_title = last_title || slash_title;
    pc->any_title = any_title;
    pc->company = company;
    pc->suffix_only = suffix_only && words <= 3;
    pc->dept = dept == words && words <= 3;
    pc->region = last_region && words <= 3;
    pc->all_region = regions == words;
    pc->name_like = (isupper((unsigned char)t[pc->s]) || isdigit((unsigned char)t[pc->s])) &&
                    words <= 7 && caps * 2 >= content;
    size_t n = last_e - last_s;
    pc->agentive =
        n >= 5 && isupper((unsigned char)t[last_s]) &&
        (img_text_ieq(t, last_e - 2, last_e, "er") || img_text_ieq(t, last_e - 2, last_e, "or") ||
         img_text_ieq(t, last_e - 3, last_e, "ist") || img_text_ieq(t, last_e - 3, last_e, "ian") ||
         img_text_ieq(t, last_e - 3, last_e, "ant"));
    if (pc->label == 1 || pc->as_title)
        pc->cls = PC_TITLE;
    else if (pc->label == 2)
        pc->cls = PC_COMPANY;
    else if (pc->strong_title && !(company && !any_title))
        pc->cls = PC_TITLE;
    else if (company)
        pc->cls = PC_COMPANY;
    else if (any_title)
        pc->cls = PC_TITLE;
    else if (pc->all_region && (words > 1 || last_e - last_s >= 4))
        pc->cls = PC_LOCATION;
    else
        pc->cls = PC_UNKNOWN;
}

static img_resume_piece_t *add_piece(img_resume_pieces_t *ps, const char *t, size_t s, size_t e,
                                     int unit, const img_resume_piece_t *flags)
{
    trim(t, &s, &e);
    if (e <= s || ps->n >= RS_MAX_PIECES)
        return NULL;
    img_resume_piece_t *pc = &ps->v[ps->n++];
    *pc = *flags;
    pc->s = s;
    pc->e = e;
    pc->unit = unit;
    if (strip_as(t, &pc->s, pc->e))
        pc->as_title = true;
    classify(t, pc);
    if (pc->cls == PC_NONE) {
        ps->n--;
        return NULL;
    }
    return pc;
}

void img_resume_pieces_split(const char *t, size_t s, size_t e, size_t ds, size_t de, int unit,
                             img_resume_pieces_t *ps)
{
    img_resume_piece_t next = {0};
    size_t start = s, first = ps->n;
    for (size_t p = s; p < e;) {
        if (p == ds && de > ds) {
            add_piece(ps, t, start, p, unit, &next);
            memset(&next, 0, sizeof(next));
            p = start = de;
            continue;
        }
        uint32_t cp;
        size_t n = img_text_cp(t, e, p, &cp);
        bool cut = false, skip_word = false;
        img_resume_piece_t flags = {0};
        if (cp == '(' || cp == '[') {
            cut = true;
            flags.paren = true;
        } else if (cp == '|' || cp == ';' || cp == ')' || cp == ']' || cp == '{' || cp == '}' ||
                   cp == '*' || cp == '"') {
            cut = true;
        } else if (cp == '.' && p + n < e && t[p + n] == ' ' && p > start &&
                   !abbrev_before(t, start, p) && isalpha((unsigned char)t[p - 1])) {
            cut = true; /* "Assistant Program Manager. Developed playlists" */
        } else if (cp == ',') {
            cut = true;
            flags.comma_before = true;
        } else if (cp == ':' && (p + n >= e || t[p + n] == ' ')) {
            int k = label_kind(t, start, p);
            if (k) {
                next.label = k;
                start = p + n;
                p += n;
                continue;
            }
            cut = true;
        } else if (cp == '-' && (p == start || t[p - 1] == ' ' || p + n >= e || t[p + n] == ' ') &&
                   !(p > s && isalnum((unsigned char)t[p - 1]) && alnum_at(t, p + n, e))) {
            cut = true;
            flags.dash_before = true;
        } else if (cp == '@') {
            cut = true;
            flags.at = true;
        } else if (cp == ' ') {
            size_t q = p + n;
            uint32_t c2 = 0;
            if (q < e)
                img_text_cp(t, e, q, &c2);
            if (c2 == ' ') {
                cut = true;
            } else if (isalpha((unsigned char)c2)) {
                size_t we = q;
                while (we < e && isalpha((unsigned char)t[we]))
                    we++;
                if (we < e && t[we] == ' ') {
                    if (img_text_ieq(t, q, we, "at") && islower((unsigned char)t[q])) {
                        cut = skip_word = true;
                        flags.at = true;
                    } else if ((img_text_ieq(t, q, we, "for") || img_text_ieq(t, q, we, "with") ||
                                img_text_ieq(t, q, we, "in")) &&
                               islower((unsigned char)t[q])) {
                        /* "Engineer for Acme", "Consultant with Acme": only after a title */
                        img_resume_piece_t probe = {0};
                        probe.s = start;
                        probe.e = p;
                        trim(t, &probe.s, &probe.e);
                        if (probe.e > probe.s) {
                            classify(t, &probe);
                            if (probe.strong_title) {
                                cut = skip_word = true;
                                flags.via = true;
                            }
                        }
                    }
                    if (skip_word)
                        n = we - p;
                }
            }
        }
        if (cut) {
            add_piece(ps, t, start, p, unit, &next);
            next = flags;
            p += n;
            start = p;
            continue;
        }
        p += n;
    }
    add_piece(ps, t, start, e, unit, &next);
    if (ps->n > first && ps->v[ps->n - 1].unit == unit) {
        if (ps->n - first == 1)
            ps->v[first].whole_unit = true;
        size_t q = e;
        while (q > s && t[q - 1] == ' ')
            q--;
        uint32_t cp = 0;
        if (q > s) {
            size_t b = q - 1;
            while (b > s && ((unsigned char)t[b] & 0xC0) == 0x80)
                b--;
            img_text_cp(t, e, b, &cp);
        }
        if (cp == '-')
            ps->v[ps->n - 1].trailing_dash = true;
    }
}

void img_resume_pieces_merge(const char *t, img_resume_pieces_t *ps)
{
    size_t w = 0;
    for (size_t i = 0; i < ps->n; i++) {
        img_resume_piece_t *pc = &ps->v[i];
        if (w > 0 && pc->comma_before && pc->unit == ps->v[w - 1].unit) {
            img_resume_piece_t *prev = &ps->v[w - 1];
            if (pc->suffix_only && prev->cls != PC_LOCATION && !prev->label) {
                prev->e = pc->e;
                prev->company = true;
                if (prev->cls != PC_TITLE || !prev->strong_title)
                    prev->cls = PC_COMPANY;
                continue;
            }
            if (pc->dept && prev->cls == PC_TITLE && pc->words <= 2) {
                prev->e = pc->e;
                continue;
            }
            if (pc->region && prev->cls == PC_UNKNOWN && prev->words <= 3 && prev->name_like) {
                prev->e = pc->e;
                prev->cls = PC_LOCATION;
                continue;
            }
            if (pc->region && prev->cls == PC_TITLE && !prev->strong_title && w < RS_MAX_PIECES) {
                /* "Sr. Web Developer North Hollywood, CA": the title ends at its
                 * last title word; the rest is the city. */
                size_t p = prev->s, ws, we, cut = 0, city = 0;
                while (next_word(t, &p, prev->e, &ws, &we)) {
                    if (cut && !city)
                        city = ws;
                    if (img_resume_is_title_noun(t, ws, we))
                        cut = we, city = 0;
                }
                if (cut && city && isupper((unsigned char)t[city])) {
                    img_resume_piece_t loc = *pc;
                    loc.s = city;
                    loc.cls = PC_LOCATION;
                    prev->e = cut;
                    prev->strong_title = true;
                    ps->v[w++] = loc;
                    continue;
                }
            }
            if (pc->region && prev->cls == PC_LOCATION && pc->words <= 2 && pc->all_region) {
                prev->e = pc->e;
                continue;
            }
        }
        if (pc->cls == PC_UNKNOWN && pc->region && pc->all_region)
            pc->cls = PC_LOCATION;
        if (w > 0 && pc->comma_before && pc->unit == ps->v[w - 1].unit && pc->trailing_dash &&
            ps->v[w - 1].dash_before && ps->v[w - 1].cls == PC_UNKNOWN && pc->cls == PC_UNKNOWN &&
            ps->v[w - 1].words <= 3 && pc->words <= 3) {
            /* "Acme -  Chandigarh, Chandigarh -": the place after the employer */
            ps->v[w - 1].e = pc->e;
            ps->v[w - 1].cls = PC_LOCATION;
            continue;
        }
        if (w > 0 && pc->dash_before && pc->trailing_dash && pc->unit == ps->v[w - 1].unit &&
            pc->cls == PC_UNKNOWN && pc->words <= 3 && pc->name_like &&
            ps->v[w - 1].cls != PC_LOCATION)
            pc->cls = PC_LOCATION; /* "Microsoft -  Redmond -" */
        ps->v[w++] = *pc;
    }
    ps->n = w;
    (void)t;
}

static bool usable(const img_resume_piece_t *pc)
{
    return pc->words <= 10;
}

void img_resume_pieces_roles(const char *t, img_resume_pieces_t *ps, img_resume_roles_t *r)
{
    memset(r, 0, sizeof(*r));
    img_resume_pieces_merge(t, ps);
    int ti = -1, ci = -1, li = -1;
    for (size_t i = 0; i < ps->n && ti < 0; i++)
        if (ps->v[i].label == 1 || ps->v[i].as_title)
            ti = (int)i;
    for (size_t i = 0; i < ps->n && ti < 0; i++)
        if (ps->v[i].cls == PC_TITLE && ps->v[i].strong_title && usable(&ps->v[i]))
            ti = (int)i;
    for (size_t i = 0; i < ps->n && ti < 0; i++)
        if (ps->v[i].cls == PC_TITLE && usable(&ps->v[i]))
            ti = (int)i;
    for (size_t i = 0; i < ps->n && ci < 0; i++)
        if (ps->v[i].label == 2 && (int)i != ti)
            ci = (int)i;
    /* The first piece named as an employer: a company word, "at X", "for X". */
    for (size_t i = 0; i < ps->n && ci < 0; i++) {
        const img_resume_piece_t *pc = &ps->v[i];
        if ((int)i == ti || pc->cls == PC_LOCATION || pc->words > 8)
            continue;
        if ((pc->at && (pc->name_like || pc->company)) || pc->cls == PC_COMPANY ||
            (pc->via && pc->name_like && pc->cls == PC_UNKNOWN && pc->words <= 6))
            ci = (int)i;
    }
    for (size_t i = 0; i < ps->n && li < 0; i++)
        if (ps->v[i].cls == PC_LOCATION && (int)i != ti && (int)i != ci)
            li = (int)i;
    /* Unknown name-like pieces fill the roles still empty. */
    int u[RS_MAX_PIECES], nu = 0;
    for (size_t i = 0; i < ps->n; i++) {
        const img_resume_piece_t *pc = &ps->v[i];
        if ((int)i == ti || (int)i == ci || (int)i == li || pc->cls != PC_UNKNOWN || pc->dept ||
            pc->label == 3 || pc->words > 6)
            continue;
        if (!pc->name_like && !(pc->whole_unit && pc->words <= 3))
            continue;
        if (pc->paren) /* "(OCSM)", "(Freelance)": asides, not employers */
            continue;
        u[nu++] = (int)i;
    }
    if (ti >= 0 && ci < 0 && nu > 0) {
        ci = u[0];
    } else if (ti < 0 && ci >= 0 && nu > 0) {
        for (int k = 0; k < nu && ti < 0; k++)
            if (ps->v[u[k]].agentive)
                ti = u[k];
        if (ti < 0 && u[0] < ci)
            ti = u[0];
    } else if (ti < 0 && ci < 0 && nu > 0) {
        for (int k = 0; k < nu && ti < 0; k++)
            if (ps->v[u[k]].agentive)
                ti = u[k];
        if (ti < 0 && nu >= 2) {
            ti = u[0];
            ci = u[1];
        } else if (ti < 0) {
            /* One name: an employer when its line also names a place ("Acme -  Pune, MH -"). */
            bool placed = false;
            for (size_t i = 0; i < ps->n; i++)
                if (ps->v[i].cls == PC_LOCATION && ps->v[i].unit == ps->v[u[0]].unit)
                    placed = true;
            if (placed || ps->v[u[0]].trailing_dash)
                ci = u[0];
            else
                ti = u[0];
        } else {
            for (int k = 0; k < nu && ci < 0; k++)
                if (u[k] != ti)
                    ci = u[k];
        }
    }
    if (ti >= 0) {
        r->ts = ps->v[ti].s;
        r->te = ps->v[ti].e;
        r->t_weak = ps->v[ti].cls != PC_TITLE && ps->v[ti].label != 1 && !ps->v[ti].as_title;
    }
    if (ci >= 0) {
        r->cs = ps->v[ci].s;
        r->ce = ps->v[ci].e;
    }
    if (li >= 0) {
        r->ls = ps->v[li].s;
        r->le = ps->v[li].e;
    }
}

bool img_resume_pieces_has(const img_resume_pieces_t *ps, int cls)
{
    for (size_t i = 0; i < ps->n; i++)
        if (ps->v[i].cls == cls || (cls == PC_TITLE && ps->v[i].label == 1) ||
            (cls == PC_COMPANY && (ps->v[i].label == 2 || ps->v[i].at)))
            return true;
    return false;
}
