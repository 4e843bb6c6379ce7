/*
 * img_resume_dates.c - date ranges in resumes: "Jan 2020 – Present",
 * "2018-2021", "03/2019 - 06/2021", "January 2018 to Present", "2019 – now",
 * "(2020-2024)", "September 2017 onwards", "Feb 2016 - till date",
 * "Sept. 2015 – Mar. 2017", "2015 to 2017", "Since 2019", "Summer 2002",
 * "1/99 - 1/01", "September 1st 2000 Until: September 30 2012", and the
 * degraded forms of flattened exports where the dash was lost
 * ("2006  Present", "20072008").
 */
#include <ctype.h>
#include <string.h>

#include "img_resume_int.h"

enum { PT_DATE = 1, PT_MONTH_ONLY, PT_CURRENT, PT_PLACEHOLDER, PT_DOUBLE };

typedef struct point {
    int kind;
    img_ym_t ym;
    img_ym_t ym2;   /* PT_DOUBLE: the second year */
    bool two_digit; /* the year was written with two digits */
    size_t end;
} point_t;

#define MIN_YEAR 1940
#define MAX_YEAR 2099

static bool is_alpha_at(const char *t, size_t p, size_t e)
{
    return p < e && isalpha((unsigned char)t[p]);
}

static bool is_digit_at(const char *t, size_t p, size_t e)
{
    return p < e && isdigit((unsigned char)t[p]);
}

/* Skips spaces (ASCII, tab and the Unicode spaces img_text_cp folds to ' '). */
static size_t skip_sp(const char *t, size_t p, size_t e)
{
    while (p < e) {
        uint32_t cp;
        size_t n = img_text_cp(t, e, p, &cp);
        if (cp != ' ')
            break;
        p += n;
    }
    return p;
}

/* Code point at p after normalisation (dashes to '-'), or 0 at the end. */
static uint32_t cp_at(const char *t, size_t p, size_t e, size_t *n)
{
    uint32_t cp = 0;
    *n = 0;
    if (p < e)
        *n = img_text_cp(t, e, p, &cp);
    return cp;
}

static size_t word_end(const char *t, size_t p, size_t e)
{
    while (p < e && isalpha((unsigned char)t[p]))
        p++;
    return p;
}

static bool word_is(const char *t, size_t s, size_t e, const char *w)
{
    return img_text_ieq(t, s, e, w);
}

/* 1-12 for a month name or abbreviation ("Sept", "Jan"), else 0. */
static int month_of(const char *t, size_t s, size_t e)
{
    static const char *const names[] = {"january",   "february", "march",    "april",
                                        "may",       "june",     "july",     "august",
                                        "september", "october",  "november", "december"};
    size_t n = e - s;
    if (n < 3 || n > 9 || !strchr("jfmasondJFMASOND", t[s]))
        return 0;
    char w[10];
    for (size_t i = 0; i < n; i++)
        w[i] = (char)tolower((unsigned char)t[s + i]);
    w[n] = '\0';
    if (strcmp(w, "sept") == 0)
        return 9;
    for (int m = 0; m < 12; m++)
        if (w[0] == names[m][0] &&
            ((n == 3 && strncmp(w, names[m], 3) == 0) || strcmp(w, names[m]) == 0))
            return m + 1;
    return 0;
}

static bool season_of(const char *t, size_t s, size_t e)
{
    return word_is(t, s, e, "spring") || word_is(t, s, e, "summer") || word_is(t, s, e, "fall") ||
           word_is(t, s, e, "autumn") || word_is(t, s, e, "winter");
}

static bool current_word(const char *t, size_t s, size_t e)
{
    static const char *const words[] = {"present", "current", "currently", "now",
                                        "today",   "ongoing", "tilldate",  "date"};
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        if (word_is(t, s, e, words[i]))
            return true;
    return false;
}

/* Words that join the two ends of a range. */
static bool range_word(const char *t, size_t s, size_t e)
{
    return word_is(t, s, e, "to") || word_is(t, s, e, "till") || word_is(t, s, e, "til") ||
           word_is(t, s, e, "until") || word_is(t, s, e, "through") || word_is(t, s, e, "thru") ||
           word_is(t, s, e, "upto");
}

/* Reads up to 8 digits at p; returns the count and the value. */
static int digits(const char *t, size_t p, size_t e, int *val)
{
    int n = 0, v = 0;
    while (p + (size_t)n < e && isdigit((unsigned char)t[p + n])) {
        if (n < 9)
            v = v * 10 + (t[p + n] - '0');
        n++;
    }
    *val = v;
    return n;
}

static int expand_yy(int yy)
{
    return yy <= 40 ? 2000 + yy : 1900 + yy;
}

static bool plausible_year(int y)
{
    return y >= MIN_YEAR && y <= MAX_YEAR;
}

/* Year (4 digits, or 2 after a month or an apostrophe) at p following a month. */
static size_t month_year(const char *t, size_t p, size_t e, int month, point_t *pt)
{
    size_t q = skip_sp(t, p, e);
    if (q < e && t[q] == ',')
        q = skip_sp(t, q + 1, e);
    size_t n;
    if (cp_at(t, q, e, &n) == '\'' && is_digit_at(t, q + n, e)) {
        int v, d = digits(t, q + n, e, &v);
        if (d == 2 && !is_alpha_at(t, q + n + 2, e)) {
            pt->kind = PT_DATE;
            pt->ym = (img_ym_t){expand_yy(v), month};
            pt->two_digit = true;
            return pt->end = q + n + 2;
        }
    }
    int v, d = digits(t, q, e, &v);
    if (d == 4 && plausible_year(v) && !is_alpha_at(t, q + 4, e)) {
        pt->kind = PT_DATE;
        pt->ym = (img_ym_t){v, month};
        return pt->end = q + 4;
    }
    if (d == 1 || d == 2) {
        /* A day ("September 1st 2000", "September 30, 2012") or a two-digit year ("Aug 06"). */
        size_t r = q + (size_t)d;
        size_t w = word_end(t, r, e);
        if (w - r == 2 && (word_is(t, r, w, "st") || word_is(t, r, w, "nd") ||
                           word_is(t, r, w, "rd") || word_is(t, r, w, "th")))
            r = w;
        size_t r2 = skip_sp(t, r, e);
        if (r2 < e && t[r2] == ',')
            r2 = skip_sp(t, r2 + 1, e);
        int y, dy = digits(t, r2, e, &y);
        if (v >= 1 && v <= 31 && dy == 4 && plausible_year(y)) {
            pt->kind = PT_DATE;
            pt->ym = (img_ym_t){y, month};
            return pt->end = r2 + 4;
        }
        if (d == 2 && r == q + 2 && !is_alpha_at(t, r, e) && !is_digit_at(t, r, e) &&
            !(r < e && (t[r] == '/' || t[r] == '.' || t[r] == ':'))) {
            pt->kind = PT_DATE;
            pt->ym = (img_ym_t){expand_yy(v), month};
            pt->two_digit = true;
            return pt->end = r;
        }
    }
    return 0;
}

/* A date point starting at p (a word or number boundary); 0 when none. */
static size_t parse_point(const char *t, size_t s, size_t p, size_t e, point_t *pt)
{
    memset(pt, 0, sizeof(*pt));
    if (p > s && isalnum((unsigned char)t[p - 1]))
        return 0;
    if (is_alpha_at(t, p, e)) {
        size_t w = word_end(t, p, e);
        if (is_digit_at(t, w, e))
            return 0;
        int m = month_of(t, p, w);
        if (m) {
            size_t q = w;
            if (q < e && t[q] == '.')
                q++;
            if (month_year(t, q, e, m, pt))
                return pt->end;
            pt->kind = PT_MONTH_ONLY;
            pt->ym = (img_ym_t){0, m};
            return pt->end = q;
        }
        if (season_of(t, p, w)) {
            size_t q = skip_sp(t, w, e);
            if (q < e && t[q] == ',')
                q = skip_sp(t, q + 1, e);
            int v;
            if (digits(t, q, e, &v) == 4 && plausible_year(v) && !is_alpha_at(t, q + 4, e)) {
                pt->kind = PT_DATE;
                pt->ym = (img_ym_t){v, 0};
                return pt->end = q + 4;
            }
            return 0;
        }
        if (current_word(t, p, w) && !word_is(t, p, w, "date")) {
            pt->kind = PT_CURRENT;
            return pt->end = w;
        }
        return 0;
    }
    if (!is_digit_at(t, p, e))
        return 0;
    int v, d = digits(t, p, e, &v);
    size_t q = p + (size_t)d;
    if (d == 2 && (v == 19 || v == 20) && q + 1 < e && (t[q] == 'x' || t[q] == 'X') &&
        (t[q + 1] == 'x' || t[q + 1] == 'X') && !is_alpha_at(t, q + 2, e)) {
        pt->kind = PT_PLACEHOLDER; /* "20xx": a template's year */
        return pt->end = q + 2;
    }
    if (d == 4 && is_alpha_at(t, q, e)) {
        /* "2016present": a range whose separator was lost */
        size_t w = word_end(t, q, e);
        if (!plausible_year(v) || !current_word(t, q, w) || word_is(t, q, w, "date"))
            return 0;
        pt->kind = PT_DATE;
        pt->ym = (img_ym_t){v, 0};
        return pt->end = q;
    }
    if (is_alpha_at(t, q, e) && !(d <= 2)) /* "2019s", "2000ft" */
        return 0;
    if (d == 8) {
        int a = v / 10000, b = v % 10000;
        if (plausible_year(a) && plausible_year(b) && b >= a && b - a <= 15 &&
            !is_alpha_at(t, q, e)) {
            pt->kind = PT_DOUBLE; /* "20072008": a range whose dash was lost */
            pt->ym = (img_ym_t){a, 0};
            pt->ym2 = (img_ym_t){b, 0};
            return pt->end = q;
        }
        return 0;
    }
    if (d == 4) {
        if (!plausible_year(v))
            return 0;
        pt->kind = PT_DATE;
        pt->ym = (img_ym_t){v, 0};
        pt->end = q;
        /* "2019-03" / "2019/03", but not "2018-2021" nor "2010-11" (a school year). */
        if (q + 3 <= e && (t[q] == '-' || t[q] == '/')) {
            int mv, md = digits(t, q + 1, e, &mv);
            if (md == 2 && mv >= 1 && mv <= 12 && mv != (v + 1) % 100 && !is_alpha_at(t, q + 3, e))
                pt->ym.month = mv, pt->end = q + 3;
        }
        return pt->end;
    }
    if (d > 2 || v == 0)
        return 0;
    if (is_alpha_at(t, q, e)) {
        /* "1st September 2000", "01 Jan 2020" */
        size_t w = word_end(t, q, e);
        if (word_is(t, q, w, "st") || word_is(t, q, w, "nd") || word_is(t, q, w, "rd") ||
            word_is(t, q, w, "th"))
            q = w;
        else
            return 0;
    }
    size_t r = skip_sp(t, q, e);
    if (is_alpha_at(t, r, e) && v <= 31) {
        size_t w = word_end(t, r, e);
        int m = month_of(t, r, w);
        if (m) {
            size_t z = w;
            if (z < e && t[z] == '.')
                z++;
            if (month_year(t, z, e, m, pt) && !pt->two_digit)
                return pt->end;
        }
        return 0;
    }
    /* Numeric: M/YYYY, MM-YYYY, M/D/YYYY, D-M-YYYY, M/YY. */
    if (!(r < e && (t[r] == '/' || t[r] == '-' || t[r] == '.')))
        return 0;
    char sep = t[r];
    if (sep != '/' && r != q) /* "3 - 2019" is not a date */
        return 0;
    r = skip_sp(t, r + 1, e);
    int v2, d2 = digits(t, r, e, &v2);
    size_t r2 = r + (size_t)d2;
    if (is_alpha_at(t, r2, e))
        return 0;
    if (d2 == 4 && v >= 1 && v <= 12 && plausible_year(v2) && !is_digit_at(t, r2, e)) {
        pt->kind = PT_DATE;
        pt->ym = (img_ym_t){v2, v};
        return pt->end = r2;
    }
    if (d2 == 1 || d2 == 2) {
        if (r2 < e && t[r2] == sep) {
            int v3, d3 = digits(t, r2 + 1, e, &v3);
            if (d3 == 4 && plausible_year(v3) && !is_alpha_at(t, r2 + 5, e) &&
                !is_digit_at(t, r2 + 5, e)) {
                int month = 0;
                if (v > 12 && v2 >= 1 && v2 <= 12)
                    month = v2;
                else if (v2 > 12 && v >= 1 && v <= 12)
                    month = v;
                else if (v >= 1 && v <= 12 && v2 >= 1 && v2 <= 12 && sep == '/')
                    month = v; /* M/D/YYYY as written in the US */
                pt->kind = PT_DATE;
                pt->ym = (img_ym_t){v3, month};
                return pt->end = r2 + 5;
            }
            return 0;
        }
        if (sep == '/' && d2 == 2 && v >= 1 && v <= 12 && !is_digit_at(t, r2, e)) {
            pt->kind = PT_DATE;
            pt->ym = (img_ym_t){expand_yy(v2), v};
            pt->two_digit = true;
            return pt->end = r2;
        }
    }
    return 0;
}

/* "onwards", "onward", "on wards" at r (after an optional dash); returns its end or 0. */
static size_t onwards_at(const char *t, size_t r, size_t e)
{
    size_t n;
    if (cp_at(t, r, e, &n) == '-')
        r = skip_sp(t, r + n, e);
    size_t w = word_end(t, r, e);
    if (word_is(t, r, w, "onwards") || word_is(t, r, w, "onward"))
        return w;
    if (word_is(t, r, w, "on")) {
        size_t r2 = skip_sp(t, w, e), w2 = word_end(t, r2, e);
        if (word_is(t, r2, w2, "wards"))
            return w2;
    }
    return 0;
}

/* End of a run of written-out byte escapes ("\\xe2\\x80\\x94") at p, or p. */
static size_t escapes_at(const char *t, size_t p, size_t e)
{
    size_t q = p;
    while (q + 3 < e && t[q] == '\\' && t[q + 1] == 'x' && isxdigit((unsigned char)t[q + 2]) &&
           isxdigit((unsigned char)t[q + 3]))
        q += 4;
    return q;
}

/* The second end of a range after point a: separator then a date or "present". */
static bool range_tail(const char *t, size_t s, const point_t *a, size_t e, point_t *b)
{
    size_t r = skip_sp(t, a->end, e), n;
    bool spaced = r > a->end, sep = false;
    if (r == a->end && is_alpha_at(t, r, e))
        spaced = true; /* "2016present" */
    size_t x = escapes_at(t, r, e);
    if (x > r) {
        /* "2012 \xe2\x80\x94 2014": a dash whose bytes were written out as escapes */
        r = skip_sp(t, x, e);
        sep = true;
    } else if (cp_at(t, r, e, &n) == '-' || (r < e && t[r] == '~')) {
        while (r < e && (cp_at(t, r, e, &n) == '-' || t[r] == '~'))
            r += n;
        r = skip_sp(t, r, e);
        sep = true;
    }
    for (int k = 0; k < 2; k++) {
        /* "to", "till", "until:", "to till date" */
        size_t w = word_end(t, r, e);
        if (w > r && range_word(t, r, w)) {
            r = w;
            if (r < e && t[r] == ':')
                r++;
            r = skip_sp(t, r, e);
            sep = true;
        }
    }
    if (!sep && !spaced)
        return false;
    size_t w = word_end(t, r, e);
    if (sep && w > r && word_is(t, r, w, "date") && !is_digit_at(t, w, e)) {
        memset(b, 0, sizeof(*b));
        b->kind = PT_CURRENT;
        b->end = w;
    } else if (r == a->end && w > r && current_word(t, r, w)) {
        memset(b, 0, sizeof(*b));
        b->kind = PT_CURRENT;
        b->end = w;
        return a->kind == PT_DATE;
    } else if (sep && a->kind == PT_DATE && !a->ym.month && !a->two_digit &&
               digits(t, r, e, &b->ym.year) == 2 && !is_alpha_at(t, r + 2, e) &&
               !is_digit_at(t, r + 2, e) && !(r + 2 < e && t[r + 2] == '/')) {
        /* "2018-19" */
        b->ym.year += a->ym.year / 100 * 100;
        b->ym.month = 0;
        b->kind = PT_DATE;
        b->two_digit = false;
        b->end = r + 2;
        if (b->ym.year < a->ym.year)
            return false;
    } else if (!parse_point(t, s, r, e, b)) {
        return false;
    }
    if (!sep) {
        /* Only spaces between: both ends must be unmistakable. */
        if (a->kind != PT_DATE || a->two_digit)
            return false;
        if (!(b->kind == PT_CURRENT || (b->kind == PT_DATE && !b->two_digit)))
            return false;
    }
    return b->kind == PT_DATE || b->kind == PT_CURRENT || b->kind == PT_PLACEHOLDER;
}

/* A range starting at p; fills the outputs. */
static bool range_at(const char *t, size_t s, size_t p, size_t e, img_ym_t *from, img_ym_t *to,
                     bool *current, size_t *dend)
{
    size_t q = p;
    bool since = false;
    if (is_alpha_at(t, q, e)) {
        size_t w = word_end(t, q, e);
        if (word_is(t, q, w, "since") || word_is(t, q, w, "from")) {
            since = word_is(t, q, w, "since");
            q = w;
            if (q < e && t[q] == ':')
                q++;
            q = skip_sp(t, q, e);
        }
    }
    point_t a, b;
    if (!parse_point(t, s, q, e, &a) || a.kind == PT_CURRENT)
        return false;
    if (a.kind == PT_DOUBLE) {
        *from = a.ym;
        *to = a.ym2;
        *current = false;
        *dend = a.end;
        return true;
    }
    size_t on = a.kind == PT_MONTH_ONLY ? 0 : onwards_at(t, skip_sp(t, a.end, e), e);
    if (on) {
        *from = a.kind == PT_PLACEHOLDER ? (img_ym_t){0, 0} : a.ym;
        *to = (img_ym_t){0, 0};
        *current = true;
        *dend = on;
        return true;
    }
    if (range_tail(t, s, &a, e, &b)) {
        if (b.kind == PT_CURRENT && a.kind != PT_MONTH_ONLY) {
            *from = a.kind == PT_PLACEHOLDER ? (img_ym_t){0, 0} : a.ym;
            *to = (img_ym_t){0, 0};
            *current = true;
            *dend = b.end;
            return true;
        }
        if (b.kind == PT_PLACEHOLDER || a.kind == PT_PLACEHOLDER) {
            if (a.kind != PT_MONTH_ONLY) {
                *from = a.kind == PT_PLACEHOLDER ? (img_ym_t){0, 0} : a.ym;
                *to = b.kind == PT_PLACEHOLDER ? (img_ym_t){0, 0} : b.ym;
                *current = false;
                *dend = b.end;
                return true;
            }
        } else if (b.kind == PT_DATE) {
            img_ym_t f = a.ym;
            if (a.kind == PT_MONTH_ONLY) /* "January to May 2006" */
                f.year = !b.ym.month || f.month <= b.ym.month ? b.ym.year : b.ym.year - 1;
            bool ordered =
                img_ym_cmp(f, b.ym) <= 0 || (f.year == b.ym.year && (!f.month || !b.ym.month));
            if (ordered && b.ym.year - f.year <= 60) {
                *from = f;
                *to = b.ym;
                *current = false;
                *dend = b.end;
                return true;
            }
        }
    }
    if (since && a.kind == PT_DATE) {
        /* "Since 2019" */
        *from = a.ym;
        *to = (img_ym_t){0, 0};
        *current = true;
        *dend = a.end;
        return true;
    }
    return false;
}

/* Every date point names a year (or "20xx"): text without digits has none. */
static bool has_digit(const char *t, size_t s, size_t e)
{
    for (size_t p = s; p < e; p++)
        if (t[p] >= '0' && t[p] <= '9')
            return true;
    return false;
}

bool img_resume_find_dates(const char *text, size_t start, size_t end, img_ym_t *from, img_ym_t *to,
                           bool *current, size_t *dstart, size_t *dend)
{
    if (!has_digit(text, start, end))
        return false;
    for (size_t p = start; p < end; p++) {
        unsigned char c = (unsigned char)text[p];
        if (!isalnum(c))
            continue;
        if (p > start && isalnum((unsigned char)text[p - 1]))
            continue;
        img_ym_t f, t;
        bool cur = false;
        size_t de;
        if (range_at(text, start, p, end, &f, &t, &cur, &de)) {
            *from = f;
            *to = t;
            *current = cur;
            *dstart = p;
            *dend = de;
            return true;
        }
    }
    return false;
}

bool img_resume_find_single_date(const char *text, size_t s, size_t e, img_ym_t *ym, size_t *ds,
                                 size_t *de)
{
    if (!has_digit(text, s, e))
        return false;
    for (size_t p = s; p < e; p++) {
        unsigned char c = (unsigned char)text[p];
        if (!isalnum(c) || (p > s && isalnum((unsigned char)text[p - 1])))
            continue;
        point_t pt;
        if (parse_point(text, s, p, e, &pt) && pt.kind == PT_DATE && !pt.two_digit) {
            *ym = pt.ym;
            *ds = p;
            *de = pt.end;
            return true;
        }
    }
    return false;
}

bool img_resume_date_word_at(const char *text, size_t s, size_t e)
{
    point_t pt;
    if (parse_point(text, s, s, e, &pt))
        return pt.kind == PT_DATE || pt.kind == PT_CURRENT || pt.kind == PT_MONTH_ONLY;
    size_t w = word_end(text, s, e);
    return w > s && (range_word(text, s, w) || current_word(text, s, w));
}

bool img_resume_date_word_before(const char *text, size_t s, size_t e)
{
    size_t p = e;
    while (p > s && (text[p - 1] == ':' || text[p - 1] == ',' || text[p - 1] == '.'))
        p--;
    size_t q = p;
    while (q > s && isalnum((unsigned char)text[q - 1]))
        q--;
    if (q == p)
        return false;
    if (p - q == 4) {
        int v;
        if (digits(text, q, p, &v) == 4 && plausible_year(v))
            return true;
        if ((text[q] == '1' || text[q] == '2') && (text[q + 2] == 'x' || text[q + 2] == 'X'))
            return true;
    }
    return month_of(text, q, p) != 0;
}
