#include "img_conf.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define FIELD(cfg, e, T) ((T *)((char *)(cfg) + (e)->offset))

static const img_conf_entry_t *find(const img_conf_table_t *t, const char *key)
{
    for (size_t i = 0; i < t->n_entries; i++)
        if (strcmp(t->entries[i].key, key) == 0)
            return &t->entries[i];
    return NULL;
}

static int parse_double(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno || !isfinite(v))
        return 0;
    *out = v;
    return 1;
}

/* Number with an optional unit suffix; returns 0 on a malformed value. */
static int parse_scaled(const char *s, const char *const *units, const double *scales, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || errno || !isfinite(v))
        return 0;
    while (*end == ' ')
        end++;
    if (!*end) {
        *out = v;
        return 1;
    }
    for (int i = 0; units[i]; i++)
        if (strcasecmp(end, units[i]) == 0) {
            *out = v * scales[i];
            return 1;
        }
    return 0;
}

static img_err_t set_entry(const img_conf_entry_t *e, void *cfg, const char *value, char *errstr,
                           size_t errstr_size)
{
    static const char *const size_units[] = {"k", "kib", "kb", "m", "mib", "mb",
                                             "g", "gib", "gb", "b", NULL};
    static const double size_scales[] = {1024.0,       1024.0,    1024.0,       1048576.0,
                                         1048576.0,    1048576.0, 1073741824.0, 1073741824.0,
                                         1073741824.0, 1.0};
    static const char *const ms_units[] = {"ms", "s", "m", "h", NULL};
    static const double ms_scales[] = {1.0, 1000.0, 60000.0, 3600000.0};
    double v = 0;
    int ok = 1;

    switch (e->type) {
    case IMG_CONF_STR: {
        char **p = FIELD(cfg, e, char *);
        free(*p);
        *p = strdup(value);
        return IMG_OK;
    }
    case IMG_CONF_BOOL:
        if (!strcasecmp(value, "true") || !strcasecmp(value, "yes") || !strcasecmp(value, "on") ||
            !strcmp(value, "1"))
            *FIELD(cfg, e, int) = 1;
        else if (!strcasecmp(value, "false") || !strcasecmp(value, "no") ||
                 !strcasecmp(value, "off") || !strcmp(value, "0"))
            *FIELD(cfg, e, int) = 0;
        else
            return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size,
                               "%s: expected true or false, got \"%s\"", e->key, value);
        return IMG_OK;
    case IMG_CONF_INT:
    case IMG_CONF_DOUBLE:
        ok = parse_double(value, &v);
        if (ok && e->type == IMG_CONF_INT && v != floor(v))
            ok = 0;
        break;
    case IMG_CONF_SIZE:
        ok = parse_scaled(value, size_units, size_scales, &v) && v >= 0;
        break;
    case IMG_CONF_MS:
        ok = parse_scaled(value, ms_units, ms_scales, &v) && v >= 0;
        break;
    }
    if (!ok)
        return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size, "%s: \"%s\" is not a valid %s",
                           e->key, value,
                           e->type == IMG_CONF_SIZE  ? "size"
                           : e->type == IMG_CONF_MS  ? "duration"
                           : e->type == IMG_CONF_INT ? "integer"
                                                     : "number");
    if (e->min != e->max && (v < e->min || v > e->max))
        return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size,
                           "%s: %s is out of range [%g, %g]", e->key, value, e->min, e->max);
    switch (e->type) {
    case IMG_CONF_INT:
    case IMG_CONF_MS:
        *FIELD(cfg, e, int) = (int)v;
        break;
    case IMG_CONF_DOUBLE:
        *FIELD(cfg, e, double) = v;
        break;
    case IMG_CONF_SIZE:
        *FIELD(cfg, e, size_t) = (size_t)v;
        break;
    default:
        break;
    }
    return IMG_OK;
}

img_err_t img_conf_defaults(const img_conf_table_t *t, void *cfg, char *errstr, size_t errstr_size)
{
    for (size_t i = 0; i < t->n_entries; i++) {
        const img_conf_entry_t *e = &t->entries[i];
        if (!e->def)
            continue;
        img_err_t err = set_entry(e, cfg, e->def, errstr, errstr_size);
        if (err)
            return err;
    }
    return IMG_OK;
}

img_err_t img_conf_set(const img_conf_table_t *t, void *cfg, const char *key, const char *value,
                       char *errstr, size_t errstr_size)
{
    const img_conf_entry_t *e = find(t, key);
    if (!e) {
        size_t pl = t->passthrough_prefix ? strlen(t->passthrough_prefix) : 0;
        if (pl && strncmp(key, t->passthrough_prefix, pl) == 0 && key[pl] && t->passthrough)
            return t->passthrough(t->passthrough_opaque, key, value, errstr, errstr_size);
        return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size, "unknown key \"%s\"", key);
    }
    return set_entry(e, cfg, value, errstr, errstr_size);
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

img_err_t img_conf_load_file(const img_conf_table_t *t, void *cfg, const char *path, char *errstr,
                             size_t errstr_size)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size, "%s: %s", path, strerror(errno));
    char line[4096], why[512];
    int lineno = 0;
    img_err_t err = IMG_OK;
    while (fgets(line, sizeof(line), f)) {
        lineno++;
        char *s = trim(line);
        if (!*s || *s == '#')
            continue;
        char *eq = strchr(s, '=');
        if (!eq) {
            err = img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size,
                              "%s:%d: expected \"key = value\"", path, lineno);
            break;
        }
        *eq = '\0';
        char *key = trim(s), *val = trim(eq + 1);
        size_t vl = strlen(val);
        if (vl >= 2 && val[0] == '"' && val[vl - 1] == '"') {
            val[vl - 1] = '\0';
            val++;
        }
        if (img_conf_set(t, cfg, key, val, why, sizeof(why)) != IMG_OK) {
            err =
                img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size, "%s:%d: %s", path, lineno, why);
            break;
        }
    }
    fclose(f);
    return err;
}

img_err_t img_conf_load_env(const img_conf_table_t *t, void *cfg, char *errstr, size_t errstr_size)
{
    char why[512];
    for (size_t i = 0; i < t->n_entries; i++) {
        const img_conf_entry_t *e = &t->entries[i];
        const char *v = e->env ? getenv(e->env) : NULL;
        if (!v || !*v)
            continue;
        if (set_entry(e, cfg, v, why, sizeof(why)) != IMG_OK)
            return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size, "%s: %s", e->env, why);
    }
    return IMG_OK;
}

void img_conf_dump(const img_conf_table_t *t, const void *cfg, FILE *out)
{
    (void)cfg;
    for (size_t i = 0; i < t->n_entries; i++) {
        const img_conf_entry_t *e = &t->entries[i];
        fprintf(out, "# %s%s%s\n", e->doc, e->env ? " Env: " : "", e->env ? e->env : "");
        fprintf(out, "%s = %s\n\n", e->key, e->secret ? "" : (e->def ? e->def : ""));
    }
}

void img_conf_markdown(const img_conf_table_t *t, FILE *out)
{
    static const char *types[] = {"string", "integer", "number", "boolean", "size", "duration"};
    fputs("# Configuration reference\n\n"
          "Generated from the config table by `imaginator config --markdown`; do not edit.\n"
          "Files hold `key = value` lines; `#` starts a comment. Environment variables,\n"
          "where listed, override the file.\n\n"
          "| key | type | default | env | description |\n|---|---|---|---|---|\n",
          out);
    for (size_t i = 0; i < t->n_entries; i++) {
        const img_conf_entry_t *e = &t->entries[i];
        fprintf(out, "| `%s` | %s | %s%s%s | %s%s%s | %s |\n", e->key, types[e->type],
                e->def && *e->def ? "`" : "", e->def ? (*e->def ? e->def : "(empty)") : "(unset)",
                e->def && *e->def ? "`" : "", e->env ? "`" : "", e->env ? e->env : "",
                e->env ? "`" : "", e->doc);
    }
    if (t->passthrough_prefix)
        fprintf(out, "\nKeys under `%s` pass through unchanged to the underlying library.\n",
                t->passthrough_prefix);
}

void img_conf_free(const img_conf_table_t *t, void *cfg)
{
    for (size_t i = 0; i < t->n_entries; i++)
        if (t->entries[i].type == IMG_CONF_STR) {
            char **p = FIELD(cfg, &t->entries[i], char *);
            free(*p);
            *p = NULL;
        }
}
