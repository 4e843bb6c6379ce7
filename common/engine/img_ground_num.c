/*
 * img_ground_num.c - figures for the grounding guard: finding numbers,
 * percentages and amounts in text, normalising them, and the set of those
 * the resume states.
 */
#include <string.h>
#include <strings.h>

#include "img_suggest_int.h"

static bool is_alnum_byte(char c)
{
    return img_sg_alnum((unsigned char)c);
}

/* Currency sign at text[i]: its byte length, else 0. */
size_t img_ground_currency_at(const char *t, size_t len, size_t i)
{
    if (t[i] == '$')
        return 1;
    if (i + 1 < len && (unsigned char)t[i] == 0xC2 && (unsigned char)t[i + 1] == 0xA3)
        return 2; /* £ */
    if (i + 2 < len && (unsigned char)t[i] == 0xE2 && (unsigned char)t[i + 1] == 0x82 &&
        (unsigned char)t[i + 2] == 0xAC)
        return 3; /* € */
    return 0;
}

static bool scan_number(const char *t, size_t len, size_t *pos, bool skip_brackets, size_t *start,
                        size_t *end, char *norm, size_t cap)
{
    size_t i = *pos;
    while (i < len) {
        if (skip_brackets && t[i] == '[') {
            const char *q = memchr(t + i, ']', len - i);
            i = q ? (size_t)(q - t) + 1 : len;
            continue;
        }
        unsigned char c0 = (unsigned char)t[i];
        if (!img_sg_digit(c0) && c0 != '$' && c0 != 0xC2 && c0 != 0xE2) {
            if (img_sg_alnum(c0)) /* a word: digits inside it ("EC2") are not figures */
                while (i < len && is_alnum_byte(t[i]))
                    i++;
            else
                i++;
            continue;
        }
        size_t cl = img_ground_currency_at(t, len, i);
        size_t d = i + cl;
        if (d >= len || !img_sg_digit((unsigned char)t[d]) || (i > 0 && is_alnum_byte(t[i - 1])) ||
            (i > 0 && cl == 0 && t[i - 1] == '.' && i > 1 &&
             img_sg_digit((unsigned char)t[i - 2]))) {
            /* inside a word such as "EC2" or "v1": skip the whole word */
            if (is_alnum_byte(t[i]))
                while (i < len && is_alnum_byte(t[i]))
                    i++;
            else
                i++;
            continue;
        }
        size_t n = 0, e = d;
        while (e < len) {
            if (img_sg_digit((unsigned char)t[e])) {
                if (n + 1 < cap)
                    norm[n++] = t[e];
                e++;
            } else if ((t[e] == ',' || t[e] == '.') && e + 1 < len &&
                       img_sg_digit((unsigned char)t[e + 1])) {
                if (t[e] == '.' && n + 1 < cap)
                    norm[n++] = '.';
                e++;
            } else {
                break;
            }
        }
        norm[n] = '\0';
        /* Canonical form: no leading zeros, no ".0" tail. */
        char *dot = strchr(norm, '.');
        if (dot) {
            size_t k = strlen(norm);
            while (k > 0 && norm[k - 1] == '0')
                norm[--k] = '\0';
            if (k > 0 && norm[k - 1] == '.')
                norm[--k] = '\0';
        }
        size_t lead = 0;
        while (norm[lead] == '0' && norm[lead + 1] && norm[lead + 1] != '.')
            lead++;
        memmove(norm, norm + lead, strlen(norm + lead) + 1);
        /* A step number ("1)", "2.") at the start of a clause is not a figure. */
        if (cl == 0 && e < len &&
            (t[e] == ')' || (t[e] == '.' && (e + 1 >= len || t[e + 1] == ' '))) && e - d <= 2) {
            size_t b = i;
            while (b > 0 && t[b - 1] == ' ')
                b--;
            if (b == 0 || strchr(":;.(\n", t[b - 1])) {
                i = e + 1;
                continue;
            }
        }
        /* Suffix: %, k/K/M/B/x/+ when not starting a word, ordinals. */
        if (e < len && t[e] == '%') {
            e++;
        } else if (e < len && strchr("kKMBxX+", t[e]) &&
                   (e + 1 >= len || !is_alnum_byte(t[e + 1]))) {
            e++;
        } else if (e + 1 < len &&
                   (strncasecmp(t + e, "st", 2) == 0 || strncasecmp(t + e, "nd", 2) == 0 ||
                    strncasecmp(t + e, "rd", 2) == 0 || strncasecmp(t + e, "th", 2) == 0) &&
                   (e + 2 >= len || !is_alnum_byte(t[e + 2]))) {
            e += 2;
        } else if (e < len && img_sg_alpha((unsigned char)t[e])) {
            /* "5G", "3D": part of a name, not a figure */
            while (e < len && is_alnum_byte(t[e]))
                e++;
            i = e;
            continue;
        }
        *start = i;
        *end = e;
        *pos = e;
        return true;
    }
    *pos = len;
    return false;
}

bool img_ground_next_number(const char *text, size_t len, size_t *pos, size_t *start, size_t *end,
                            char *norm, size_t cap)
{
    return scan_number(text, len, pos, true, start, end, norm, cap);
}

void img_ground_ctx_init(img_ground_ctx_t *ctx, const img_analysis_t *a)
{
    IMG_VEC(const char *) nums = {0};
    ctx->a = a;
    ctx->scratch = img_arena_alloc(a->arena, sizeof(*ctx->scratch));
    if (a->resume.text) {
        size_t pos = 0, s, e;
        char norm[32];
        while (
            scan_number(a->resume.text, a->resume.len, &pos, false, &s, &e, norm, sizeof(norm))) {
            bool seen = false;
            for (size_t i = 0; i < nums.n && !seen; i++)
                seen = strcmp(nums.v[i], norm) == 0;
            if (!seen)
                *IMG_VEC_PUSH(a->arena, &nums) = img_arena_strdup(a->arena, norm);
        }
    }
    ctx->nums = nums.v;
    ctx->n_nums = nums.n;
}

bool img_ground_number_supported(const img_ground_ctx_t *ctx, const char *norm)
{
    for (size_t i = 0; i < ctx->n_nums; i++)
        if (strcmp(ctx->nums[i], norm) == 0)
            return true;
    return false;
}
