#include "img_model.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

const char *img_section_name(img_section_kind_t kind)
{
    static const char *names[IMG_SEC__COUNT] = {
        "other",        "contact",   "summary",        "experience", "education",
        "skills",       "projects",  "certifications", "languages",  "awards",
        "publications", "volunteer", "interests",      "references", "other"};
    return kind < IMG_SEC__COUNT ? names[kind] : "other";
}

static const char *cat_names[] = {"hard", "soft", "tool", "language", "certification", "domain"};

const char *img_category_name(img_category_t cat)
{
    return (unsigned)cat < 6 ? cat_names[cat] : "hard";
}

int img_category_parse(const char *s)
{
    for (int i = 0; i < 6; i++)
        if (strcmp(s, cat_names[i]) == 0)
            return i;
    return -1;
}

const char *img_confidence_name(img_confidence_t c)
{
    return c == IMG_CONF_HIGH ? "high" : c == IMG_CONF_MEDIUM ? "medium" : "low";
}

const char *img_match_name(img_match_t m)
{
    return m == IMG_MATCH_MET ? "met" : m == IMG_MATCH_PARTIAL ? "partial" : "missing";
}

const char *img_sugg_kind_name(img_sugg_kind_t k)
{
    static const char *names[] = {"project",    "certification",  "course",
                                  "experience", "bullet_rewrite", "keyword"};
    return (unsigned)k < 6 ? names[k] : "project";
}

const char *img_grounding_name(img_grounding_t g)
{
    return g == IMG_GROUND_GROUNDED ? "grounded" : "plan";
}

const char *img_verdict_name(img_verdict_t v)
{
    return v == IMG_VERDICT_KEEP ? "keep" : v == IMG_VERDICT_REVISE ? "revise" : "drop";
}

int img_ym_months(img_ym_t a, img_ym_t b)
{
    if (!a.year || !b.year)
        return 0;
    int am = a.month ? a.month : 1;
    int bm = b.month ? b.month : 12;
    int n = (b.year - a.year) * 12 + (bm - am) + 1;
    return n < 0 ? 0 : n;
}

int img_ym_cmp(img_ym_t a, img_ym_t b)
{
    if (a.year != b.year)
        return a.year < b.year ? -1 : 1;
    return a.month < b.month ? -1 : a.month > b.month ? 1 : 0;
}

void img_ym_format(img_ym_t ym, char *out, size_t cap)
{
    if (!ym.year)
        snprintf(out, cap, "%s", "");
    else if (ym.month)
        snprintf(out, cap, "%04d-%02d", ym.year, ym.month);
    else
        snprintf(out, cap, "%04d", ym.year);
}

bool img_ym_parse(const char *s, img_ym_t *out)
{
    size_t n = strlen(s);
    if (n != 4 && n != 7)
        return false;
    for (int i = 0; i < 4; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    img_ym_t ym = {(s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0'), 0};
    if (n == 7) {
        if (s[4] != '-' || !isdigit((unsigned char)s[5]) || !isdigit((unsigned char)s[6]))
            return false;
        ym.month = (s[5] - '0') * 10 + (s[6] - '0');
        if (ym.month < 1 || ym.month > 12)
            return false;
    }
    if (ym.year < 1900 || ym.year > 2200)
        return false;
    *out = ym;
    return true;
}
