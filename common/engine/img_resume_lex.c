/*
 * img_resume_lex.c - the resume module's word lists: title head nouns,
 * company suffixes, regions (states, provinces, countries), department words,
 * and the section-heading vocabulary. Generic vocabulary only: no employer
 * names. Every list is sorted (strcmp order) for bisection.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "img_resume_int.h"

static const char *const title_nouns[] = {
    "accountant",
    "actor",
    "actress",
    "adjunct",
    "admin",
    "administrator",
    "advertiser",
    "adviser",
    "advisor",
    "advocate",
    "agent",
    "aide",
    "ambassador",
    "analyst",
    "apprentice",
    "architect",
    "artist",
    "assistant",
    "associate",
    "attendant",
    "attorney",
    "auditor",
    "author",
    "baker",
    "banker",
    "barista",
    "barrister",
    "bartender",
    "bookkeeper",
    "buyer",
    "captain",
    "caretaker",
    "carpenter",
    "caseworker",
    "cashier",
    "ceo",
    "cfo",
    "chair",
    "chairman",
    "chairperson",
    "chairwoman",
    "chef",
    "chemist",
    "cio",
    "clerk",
    "clinician",
    "co-ordinator",
    "coach",
    "cofounder",
    "commissioner",
    "composer",
    "consultant",
    "contractor",
    "controller",
    "coo",
    "cook",
    "coordinator",
    "copywriter",
    "counsel",
    "counsellor",
    "counselor",
    "courier",
    "cto",
    "curator",
    "dba",
    "dean",
    "dentist",
    "deputy",
    "designer",
    "detective",
    "developer",
    "dietitian",
    "director",
    "dispatcher",
    "doctor",
    "economist",
    "editor",
    "educator",
    "electrician",
    "engineer",
    "entrepreneur",
    "evangelist",
    "examiner",
    "executive",
    "expert",
    "facilitator",
    "fellow",
    "firefighter",
    "founder",
    "freelancer",
    "generalist",
    "guard",
    "guide",
    "handler",
    "head",
    "hostess",
    "hygienist",
    "illustrator",
    "inspector",
    "instructor",
    "intern",
    "internship",
    "interpreter",
    "investigator",
    "janitor",
    "journalist",
    "judge",
    "laborer",
    "lead",
    "leader",
    "lecturer",
    "librarian",
    "lifeguard",
    "linguist",
    "machinist",
    "manager",
    "marketer",
    "mechanic",
    "member",
    "mentor",
    "merchandiser",
    "musician",
    "nanny",
    "negotiator",
    "nurse",
    "nutritionist",
    "officer",
    "operator",
    "organizer",
    "owner",
    "painter",
    "paralegal",
    "paramedic",
    "partner",
    "pharmacist",
    "photographer",
    "physician",
    "physicist",
    "pilot",
    "planner",
    "plumber",
    "practitioner",
    "president",
    "principal",
    "producer",
    "professor",
    "programmer",
    "promoter",
    "psychologist",
    "publisher",
    "receptionist",
    "recruiter",
    "registrar",
    "reporter",
    "representative",
    "researcher",
    "resident",
    "reviewer",
    "salesman",
    "salesperson",
    "scientist",
    "sde",
    "sdet",
    "secretary",
    "solicitor",
    "specialist",
    "statistician",
    "steward",
    "strategist",
    "student",
    "superintendent",
    "supervisor",
    "supporter",
    "surgeon",
    "surveyor",
    "swe",
    "teacher",
    "technician",
    "technologist",
    "teller",
    "tester",
    "therapist",
    "trainee",
    "trainer",
    "translator",
    "treasurer",
    "trustee",
    "tutor",
    "underwriter",
    "volunteer",
    "vp",
    "waiter",
    "waitress",
    "webmaster",
    "welder",
    "worker",
    "writer",
};

static const char *const company_words[] = {
    "ab",
    "academy",
    "ag",
    "agency",
    "airlines",
    "airways",
    "associates",
    "association",
    "bancorp",
    "bank",
    "bureau",
    "bv",
    "center",
    "centre",
    "church",
    "clinic",
    "club",
    "college",
    "communications",
    "company",
    "consultancy",
    "consulting",
    "corp",
    "corporation",
    "council",
    "department",
    "district",
    "enterprises",
    "firm",
    "foundation",
    "gmbh",
    "group",
    "holdings",
    "hospital",
    "hotel",
    "hotels",
    "inc",
    "incorporated",
    "industries",
    "infosystems",
    "infotech",
    "institute",
    "institution",
    "international",
    "laboratories",
    "laboratory",
    "labs",
    "limited",
    "llc",
    "llp",
    "ltd",
    "magazine",
    "media",
    "ministry",
    "motors",
    "network",
    "networks",
    "ngo",
    "nv",
    "organisation",
    "organization",
    "partners",
    "pharmaceuticals",
    "plc",
    "press",
    "pty",
    "publications",
    "publishing",
    "pvt",
    "resort",
    "restaurant",
    "school",
    "schools",
    "services",
    "society",
    "software",
    "solutions",
    "srl",
    "store",
    "studio",
    "studios",
    "systems",
    "technologies",
    "technology",
    "trust",
    "university",
    "ventures",
};

static const char *const region_words[] = {
    "africa",      "ak",           "al",
    "alabama",     "alaska",       "alberta",
    "ar",          "arabia",       "argentina",
    "arizona",     "arkansas",     "assam",
    "australia",   "austria",      "az",
    "bangladesh",  "belgium",      "bengal",
    "bihar",       "brazil",       "brunswick",
    "ca",          "california",   "canada",
    "carolina",    "chhattisgarh", "chile",
    "china",       "colombia",     "colorado",
    "connecticut", "ct",           "dakota",
    "dc",          "de",           "delaware",
    "delhi",       "denmark",      "egypt",
    "emirates",    "england",      "finland",
    "fl",          "florida",      "france",
    "ga",          "georgia",      "germany",
    "goa",         "greece",       "gujarat",
    "hampshire",   "haryana",      "hawaii",
    "hi",          "ia",           "id",
    "idaho",       "il",           "illinois",
    "in",          "india",        "indiana",
    "indonesia",   "iowa",         "iraq",
    "ireland",     "israel",       "italy",
    "japan",       "jersey",       "jharkhand",
    "kansas",      "karnataka",    "kashmir",
    "kentucky",    "kenya",        "kerala",
    "korea",       "ks",           "kuwait",
    "ky",          "la",           "lanka",
    "louisiana",   "ma",           "maharashtra",
    "maine",       "malaysia",     "manipur",
    "manitoba",    "maryland",     "massachusetts",
    "md",          "me",           "meghalaya",
    "mexico",      "mi",           "michigan",
    "minnesota",   "mississippi",  "missouri",
    "mizoram",     "mn",           "mo",
    "montana",     "ms",           "mt",
    "nadu",        "nagaland",     "nc",
    "ncr",         "nd",           "ne",
    "nebraska",    "nepal",        "netherlands",
    "nevada",      "nh",           "nigeria",
    "nj",          "nm",           "norway",
    "nv",          "ny",           "odisha",
    "oh",          "ohio",         "ok",
    "oklahoma",    "oman",         "ontario",
    "or",          "oregon",       "orissa",
    "pa",          "pakistan",     "pennsylvania",
    "philippines", "poland",       "pondicherry",
    "portugal",    "pradesh",      "puducherry",
    "punjab",      "qatar",        "quebec",
    "rajasthan",   "remote",       "rhode",
    "ri",          "russia",       "saskatchewan",
    "sc",          "scotia",       "scotland",
    "sd",          "sikkim",       "singapore",
    "spain",       "sweden",       "switzerland",
    "telangana",   "tennessee",    "texas",
    "thailand",    "tn",           "tripura",
    "turkey",      "tx",           "uae",
    "uk",          "ukraine",      "us",
    "usa",         "ut",           "utah",
    "uttarakhand", "va",           "vermont",
    "vietnam",     "virginia",     "vt",
    "wa",          "wales",        "washington",
    "wi",          "wisconsin",    "wv",
    "wy",          "wyoming",      "york",
    "zealand",
};

static const char *const dept_words[] = {
    "accounts",    "administration", "analytics", "design",   "development", "education",
    "engineering", "finance",        "hr",        "it",       "legal",       "management",
    "marketing",   "operations",     "product",   "qa",       "research",    "sales",
    "support",     "technology",     "testing",   "training", "validation",
};

static const char *const small_words[] = {
    "&",    "a",  "an", "and", "as", "at",  "by", "for",
    "from", "in", "of", "on",  "or", "the", "to", "with",
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Lower-cases text[s..e) into buf; false when it does not fit. */
static bool lower_word(const char *text, size_t s, size_t e, char *buf, size_t cap)
{
    if (e <= s || e - s >= cap)
        return false;
    for (size_t i = s; i < e; i++)
        buf[i - s] = (char)tolower((unsigned char)text[i]);
    buf[e - s] = '\0';
    return true;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool in_list(const char *const *list, size_t n, const char *text, size_t s, size_t e)
{
    char buf[32];
    if (!lower_word(text, s, e, buf, sizeof(buf)))
        return false;
    const char *key = buf;
    return bsearch(&key, list, n, sizeof(*list), cmp_str) != NULL;
}

/* Short words ("LLC", "AG", "CA", "IN") count only when written in capitals. */
static bool caps(const char *text, size_t s, size_t e)
{
    for (size_t i = s; i < e; i++)
        if (islower((unsigned char)text[i]))
            return false;
    return true;
}

bool rs_is_title_noun(const char *text, size_t s, size_t e)
{
    if (e - s <= 3 && !caps(text, s, e) && !img_text_ieq(text, s, e, "Dean") &&
        !img_text_ieq(text, s, e, "Aide") && !img_text_ieq(text, s, e, "Cook") &&
        !img_text_ieq(text, s, e, "Head") && !img_text_ieq(text, s, e, "Lead") &&
        !img_text_ieq(text, s, e, "Chef") && !img_text_ieq(text, s, e, "Chair"))
        return false;
    return in_list(title_nouns, NELEM(title_nouns), text, s, e);
}

bool rs_is_company_word(const char *text, size_t s, size_t e)
{
    if (e - s <= 2 && !caps(text, s, e))
        return false;
    return in_list(company_words, NELEM(company_words), text, s, e);
}

bool rs_is_region(const char *text, size_t s, size_t e)
{
    if (e - s <= 3 && !caps(text, s, e))
        return false;
    return in_list(region_words, NELEM(region_words), text, s, e);
}

bool rs_is_dept_word(const char *text, size_t s, size_t e)
{
    return in_list(dept_words, NELEM(dept_words), text, s, e);
}

static const char *const degree_words[] = {
    "bachelor", "bachelors",     "bba",        "bca",        "be",     "bs",       "bsc",
    "btech",    "cbse",          "cgpa",       "coursework", "degree", "diploma",  "dissertation",
    "gpa",      "graduated",     "graduation", "hsc",        "major",  "majoring", "master",
    "masters",  "matriculation", "mba",        "mca",        "minor",  "ms",       "msc",
    "mtech",    "phd",           "ssc",        "sslc",       "thesis",
};

bool rs_is_degree_word(const char *text, size_t s, size_t e)
{
    if (e - s <= 3 && !caps(text, s, e))
        return false;
    return in_list(degree_words, NELEM(degree_words), text, s, e);
}

bool rs_is_small_word(const char *text, size_t s, size_t e)
{
    return in_list(small_words, NELEM(small_words), text, s, e);
}

/* Section-heading vocabulary: word, kind, strength (0 = modifier only). */
typedef struct hword {
    const char *w;
    img_section_kind_t kind;
    int prio;
    bool weak; /* ignored as a heading inside an experience section */
} hword_t;

static const hword_t heading_words[] = {
    {"about", IMG_SEC_SUMMARY, 2, false},
    {"academic", IMG_SEC_EDUCATION, 1, false},
    {"academics", IMG_SEC_EDUCATION, 3, false},
    {"accomplishments", IMG_SEC_AWARDS, 3, true},
    {"achievements", IMG_SEC_AWARDS, 3, true},
    {"activities", IMG_SEC_OTHER, 2, true},
    {"additional", IMG_SEC_NONE, 0, false},
    {"affiliations", IMG_SEC_OTHER, 3, false},
    {"and", IMG_SEC_NONE, 0, false},
    {"area", IMG_SEC_NONE, 0, false},
    {"areas", IMG_SEC_NONE, 0, false},
    {"awards", IMG_SEC_AWARDS, 3, false},
    {"background", IMG_SEC_NONE, 0, false},
    {"career", IMG_SEC_EXPERIENCE, 1, false},
    {"certificates", IMG_SEC_CERTIFICATIONS, 3, false},
    {"certification", IMG_SEC_CERTIFICATIONS, 3, false},
    {"certifications", IMG_SEC_CERTIFICATIONS, 3, false},
    {"competences", IMG_SEC_SKILLS, 3, false},
    {"competencies", IMG_SEC_SKILLS, 3, false},
    {"computer", IMG_SEC_NONE, 0, false},
    {"contact", IMG_SEC_CONTACT, 3, false},
    {"core", IMG_SEC_NONE, 0, false},
    {"courses", IMG_SEC_EDUCATION, 2, false},
    {"coursework", IMG_SEC_EDUCATION, 2, false},
    {"credentials", IMG_SEC_CERTIFICATIONS, 2, false},
    {"details", IMG_SEC_NONE, 0, false},
    {"education", IMG_SEC_EDUCATION, 3, false},
    {"educational", IMG_SEC_EDUCATION, 3, false},
    {"employment", IMG_SEC_EXPERIENCE, 3, false},
    {"experience", IMG_SEC_EXPERIENCE, 3, false},
    {"experiences", IMG_SEC_EXPERIENCE, 3, false},
    {"expertise", IMG_SEC_SKILLS, 3, false},
    {"extracurricular", IMG_SEC_OTHER, 2, false},
    {"highlights", IMG_SEC_SUMMARY, 2, true},
    {"history", IMG_SEC_EXPERIENCE, 2, false},
    {"hobbies", IMG_SEC_INTERESTS, 3, false},
    {"honors", IMG_SEC_AWARDS, 3, false},
    {"honours", IMG_SEC_AWARDS, 3, false},
    {"information", IMG_SEC_OTHER, 1, false},
    {"interests", IMG_SEC_INTERESTS, 3, false},
    {"internships", IMG_SEC_EXPERIENCE, 3, false},
    {"it", IMG_SEC_NONE, 0, false},
    {"job", IMG_SEC_EXPERIENCE, 1, false},
    {"key", IMG_SEC_NONE, 0, false},
    {"languages", IMG_SEC_LANGUAGES, 3, false},
    {"leadership", IMG_SEC_NONE, 0, false},
    {"licences", IMG_SEC_CERTIFICATIONS, 3, false},
    {"licenses", IMG_SEC_CERTIFICATIONS, 3, false},
    {"licensure", IMG_SEC_CERTIFICATIONS, 3, false},
    {"links", IMG_SEC_OTHER, 3, false},
    {"me", IMG_SEC_NONE, 0, false},
    {"memberships", IMG_SEC_OTHER, 3, false},
    {"my", IMG_SEC_NONE, 0, false},
    {"objective", IMG_SEC_SUMMARY, 3, false},
    {"objectives", IMG_SEC_SUMMARY, 3, false},
    {"of", IMG_SEC_NONE, 0, false},
    {"other", IMG_SEC_NONE, 0, false},
    {"overview", IMG_SEC_SUMMARY, 2, false},
    {"personal", IMG_SEC_CONTACT, 1, false},
    {"positions", IMG_SEC_EXPERIENCE, 3, false},
    {"presentations", IMG_SEC_PUBLICATIONS, 2, false},
    {"professional", IMG_SEC_NONE, 0, false},
    {"proficiencies", IMG_SEC_SKILLS, 3, false},
    {"profile", IMG_SEC_SUMMARY, 2, false},
    {"projects", IMG_SEC_PROJECTS, 3, false},
    {"publications", IMG_SEC_PUBLICATIONS, 3, false},
    {"qualification", IMG_SEC_EDUCATION, 2, false},
    {"qualifications", IMG_SEC_EDUCATION, 2, false},
    {"recent", IMG_SEC_NONE, 0, false},
    {"referees", IMG_SEC_REFERENCES, 3, false},
    {"references", IMG_SEC_REFERENCES, 3, false},
    {"related", IMG_SEC_NONE, 0, false},
    {"relevant", IMG_SEC_NONE, 0, false},
    {"research", IMG_SEC_NONE, 0, false},
    {"selected", IMG_SEC_NONE, 0, false},
    {"set", IMG_SEC_NONE, 0, false},
    {"skill", IMG_SEC_SKILLS, 3, false},
    {"skills", IMG_SEC_SKILLS, 3, false},
    {"soft", IMG_SEC_NONE, 0, false},
    {"strengths", IMG_SEC_SKILLS, 2, true},
    {"summary", IMG_SEC_SUMMARY, 2, false},
    {"synopsis", IMG_SEC_SUMMARY, 2, false},
    {"teaching", IMG_SEC_NONE, 0, false},
    {"technical", IMG_SEC_NONE, 0, false},
    {"technologies", IMG_SEC_SKILLS, 2, true},
    {"the", IMG_SEC_NONE, 0, false},
    {"tools", IMG_SEC_SKILLS, 2, true},
    {"training", IMG_SEC_EDUCATION, 2, false},
    {"trainings", IMG_SEC_EDUCATION, 2, false},
    {"volunteer", IMG_SEC_VOLUNTEER, 3, false},
    {"volunteering", IMG_SEC_VOLUNTEER, 3, false},
    {"work", IMG_SEC_EXPERIENCE, 1, false},
};

static int cmp_hword(const void *a, const void *b)
{
    return strcmp((const char *)a, ((const hword_t *)b)->w);
}

static const hword_t *heading_word(const char *text, size_t s, size_t e)
{
    char buf[32];
    if (!lower_word(text, s, e, buf, sizeof(buf)))
        return NULL;
    return bsearch(buf, heading_words, NELEM(heading_words), sizeof(heading_words[0]), cmp_hword);
}

bool rs_lex_selfcheck(void)
{
    const char *const *lists[] = {title_nouns, company_words, region_words,
                                  dept_words,  small_words,   degree_words};
    size_t ns[] = {NELEM(title_nouns), NELEM(company_words), NELEM(region_words),
                   NELEM(dept_words),  NELEM(small_words),   NELEM(degree_words)};
    for (size_t l = 0; l < NELEM(lists); l++)
        for (size_t i = 1; i < ns[l]; i++)
            if (strcmp(lists[l][i - 1], lists[l][i]) >= 0)
                return false;
    for (size_t i = 1; i < NELEM(heading_words); i++)
        if (strcmp(heading_words[i - 1].w, heading_words[i].w) >= 0)
            return false;
    return true;
}

/*
 * Judges the words of text[s..e) as a heading. Strict: every word is in the
 * vocabulary. Loose (ALL CAPS, Title Case or a colon, at most four words):
 * unknown words may precede a strong last word ("Clinical Experiences").
 */
static bool heading_words_ok(const char *text, size_t s, size_t e, bool styled,
                             img_section_kind_t *kind, bool *weak)
{
    int best = 0, nwords = 0, unknown = 0;
    const hword_t *last = NULL, *top = NULL;
    size_t p = s;
    while (p < e) {
        unsigned char c = (unsigned char)text[p];
        if (isdigit(c))
            return false;
        if (!isalpha(c)) {
            if (c >= 0x80 || strchr("&/,-|'_.() ", c) == NULL)
                return false;
            p++;
            continue;
        }
        size_t q = p;
        while (q < e && isalpha((unsigned char)text[q]))
            q++;
        nwords++;
        const hword_t *w = heading_word(text, p, q);
        if (!w && !(q - p == 1 && (text[p] == 's' || text[p] == 'S')) /* "Honor(s)" */)
            unknown++;
        if (w && w->prio > best) {
            best = w->prio;
            top = w;
        }
        last = w;
        p = q;
    }
    if (!top || nwords > 6)
        return false;
    if (unknown) {
        if (!styled || nwords > 4 || !last || last->prio < 3 || unknown > 2)
            return false;
        top = last;
    }
    if (best < 2 && nwords == 1 && top->kind != IMG_SEC_EXPERIENCE)
        return false;
    *kind = top->kind;
    *weak = top->weak;
    return true;
}

/* ALL CAPS, or every long word capitalised. */
static bool styled_text(const char *text, size_t s, size_t e, bool *allcaps)
{
    bool any_lower = false, title = true;
    size_t p = s;
    while (p < e) {
        if (!isalpha((unsigned char)text[p])) {
            p++;
            continue;
        }
        size_t q = p;
        while (q < e && isalpha((unsigned char)text[q])) {
            if (islower((unsigned char)text[q]))
                any_lower = true;
            q++;
        }
        if (q - p > 3 && !isupper((unsigned char)text[p]))
            title = false;
        p = q;
    }
    *allcaps = !any_lower;
    return !any_lower || title;
}

/* "Experience Acme Corp January 2008  Present": in flattened text a heading
 * word can run into the first entry. Only the three big headings, followed
 * by a capitalised word and dates. */
static bool run_in_heading(const char *text, size_t s, size_t e, rs_heading_t *h)
{
    size_t q = s;
    while (q < e && isalpha((unsigned char)text[q]))
        q++;
    img_section_kind_t kind;
    if (img_text_ieq(text, s, q, "experience") || img_text_ieq(text, s, q, "employment"))
        kind = IMG_SEC_EXPERIENCE;
    else if (img_text_ieq(text, s, q, "education"))
        kind = IMG_SEC_EDUCATION;
    else
        return false;
    if (q + 1 >= e || text[q] != ' ' || !isupper((unsigned char)text[q + 1]) ||
        !isupper((unsigned char)text[s]))
        return false;
    size_t lim = e - q > 120 ? q + 120 : e;
    img_ym_t ym, to;
    bool cur;
    size_t ds, de;
    if (!img_resume_find_dates(text, q, lim, &ym, &to, &cur, &ds, &de) &&
        !rs_find_single_date(text, q, lim, &ym, &ds, &de))
        return false;
    h->kind = kind;
    h->end = q;
    h->body = q + 1;
    return true;
}

bool rs_heading(const char *text, size_t len, size_t s, size_t e, bool loose, rs_heading_t *h)
{
    memset(h, 0, sizeof(*h));
    if (e <= s || !isalpha((unsigned char)text[s]))
        return false;
    if (loose && run_in_heading(text, s, e, h))
        return true;
    /* Inline "Skills: Python, Java": a short known label before a colon. */
    size_t colon = s;
    while (colon < e && text[colon] != ':' && colon - s < 40)
        colon++;
    size_t te = e;
    bool has_colon = false;
    if (colon < e && text[colon] == ':') {
        has_colon = true;
        te = colon;
    }
    /* Trim decoration: "SUMMARY____", "Experience -". */
    while (te > s && strchr(" _-=*:.", text[te - 1]))
        te--;
    if (te - s > 60 || te <= s)
        return false;
    bool allcaps;
    bool styled = styled_text(text, s, te, &allcaps);
    if (!isupper((unsigned char)text[s]) && !has_colon)
        return false;
    img_section_kind_t kind;
    bool weak;
    if (!heading_words_ok(text, s, te, styled || has_colon, &kind, &weak))
        return false;
    h->kind = kind;
    h->weak = weak && !allcaps;
    h->end = has_colon ? colon + 1 : te;
    size_t b = has_colon ? colon + 1 : e;
    while (b < e && (text[b] == ' ' || text[b] == '\t' || text[b] == '_' || text[b] == '-'))
        b++;
    h->body = b < e ? b : e;
    if (h->body < e) {
        /* An inline body only after a strong label ("Skills:", not "Work:"). */
        const hword_t *w = NULL;
        size_t p = s;
        while (p < te) {
            size_t q = p;
            while (q < te && isalpha((unsigned char)text[q]))
                q++;
            if (q > p) {
                const hword_t *x = heading_word(text, p, q);
                if (!x) /* "Programming Languages: C, Java" is a skills line */
                    return false;
                if (!w || x->prio > w->prio)
                    w = x;
                p = q;
            } else {
                p++;
            }
        }
        if (!w || w->prio < 2 || w->weak)
            return false;
    }
    (void)len;
    return true;
}
