/*
 * test_tax.c - the skill taxonomy: the built-in data loads cleanly, aliases
 * and keys, the matcher (longest match, barriers, case, plurals), related
 * skills and certifications, and the ESCO / O*NET loaders (inline fixtures,
 * plus the real files when ../shared is present).
 */
#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/img_tax.h"
#include "util/img_log.h"

/* ---- helpers ---- */

static img_tax_t *tsv(const char *data)
{
    img_tax_t *tax = NULL;
    char err[256];
    if (img_tax_new_from_tsv(&tax, data, strlen(data), err, sizeof(err)) != IMG_OK)
        fail_msg("fixture taxonomy: %s", err);
    return tax;
}

static const char *name_of(const img_tax_t *tax, int id)
{
    const img_tax_skill_t *sk = img_tax_get(tax, id);
    return sk ? sk->name : "(none)";
}

static int find(const img_tax_t *tax, const char *s)
{
    return img_tax_find(tax, s, strlen(s));
}

/* Greedy left-to-right matching over text, as an extractor would: the names
 * matched, joined by ",", into out. */
static const char *scan(const img_tax_t *tax, const char *text, char *out, size_t cap)
{
    img_arena_t *arena = img_arena_new(4096);
    img_doc_t doc;
    char err[128];
    if (img_doc_init(&doc, "text", text, strlen(text), 1 << 20, arena, err, sizeof(err)) != IMG_OK)
        fail_msg("doc: %s", err);
    img_token_t *toks;
    size_t n = img_text_tokenize(&doc, 0, doc.len, arena, &toks);
    out[0] = '\0';
    for (size_t i = 0; i < n;) {
        img_tax_match_t m;
        if (img_tax_match_at(tax, text, toks, n, i, &m)) {
            assert_true(m.n_tokens >= 1 && m.n_tokens <= 8);
            size_t l = strlen(out);
            snprintf(out + l, cap - l, "%s%s", l ? "," : "", name_of(tax, m.id));
            i += m.n_tokens;
        } else {
            i++;
        }
    }
    img_arena_destroy(arena);
    return out;
}

/* Match at the first token of text. */
static bool match0(const img_tax_t *tax, const char *text, img_tax_match_t *m)
{
    img_arena_t *arena = img_arena_new(4096);
    img_doc_t doc;
    char err[128];
    if (img_doc_init(&doc, "text", text, strlen(text), 1 << 20, arena, err, sizeof(err)) != IMG_OK)
        fail_msg("doc: %s", err);
    img_token_t *toks;
    size_t n = img_text_tokenize(&doc, 0, doc.len, arena, &toks);
    bool ok = img_tax_match_at(tax, text, toks, n, 0, m);
    img_arena_destroy(arena);
    return ok;
}

static char *write_temp(const char *content)
{
    const char *dir = getenv("TMPDIR");
    char *path = malloc(4096);
    snprintf(path, 4096, "%s/test_tax_XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    size_t n = strlen(content);
    assert_int_equal(write(fd, content, n), (ssize_t)n);
    close(fd);
    return path;
}

/* A path under ../shared (IMG_SHARED_DIR), or NULL when it is absent. */
static char *shared_path(const char *rel)
{
    const char *dir = getenv("IMG_SHARED_DIR");
    char *path = malloc(4096);
    snprintf(path, 4096, "%s/%s", dir ? dir : "../shared", rel);
    if (access(path, R_OK) != 0) {
        free(path);
        return NULL;
    }
    return path;
}

/* ---- the built-in data ---- */

#define FULL_SIZE 3000

static bool builtin_complete(void)
{
    return img_tax_count(ts_tax()) >= FULL_SIZE;
}

/* Id of a built-in skill; while the data is still being written (fewer than
 * FULL_SIZE skills) a missing one skips the test, afterwards it fails. */
static int need(const char *name)
{
    int id = find(ts_tax(), name);
    if (id < 0 && !builtin_complete()) {
        print_message("built-in taxonomy incomplete (%zu skills): no \"%s\" yet, skipping\n",
                      img_tax_count(ts_tax()), name);
        skip();
    }
    if (id < 0)
        fail_msg("the built-in taxonomy has no skill \"%s\"", name);
    return id;
}

static void test_builtin_wellformed(void **state)
{
    img_tax_t *tax = NULL;
    char err[256] = "";
    img_err_t rc = img_tax_new_builtin(&tax, err, sizeof(err));
    if (rc != IMG_OK)
        fail_msg("built-in taxonomy: %s", err);
    assert_non_null(tax);
    size_t n = img_tax_count(tax), conflicts = img_tax_conflicts(tax);
    size_t unresolved = img_tax_unresolved(tax);
    bool names_ok = true;
    for (size_t i = 0; i < n; i++) {
        const img_tax_skill_t *sk = img_tax_get(tax, (int)i);
        if (!sk || !sk->name[0] || (sk->flags & IMG_TAX_EXTERNAL) ||
            find(tax, sk->name) != (int)i) {
            print_message("skill %zu (%s) is not found by its name\n", i, sk ? sk->name : "?");
            names_ok = false;
        }
    }
    bool bounds_ok = !img_tax_get(tax, (int)n) && !img_tax_get(tax, -1);
    img_tax_destroy(tax);
    print_message("built-in taxonomy: %zu skills, %zu conflicts, %zu unresolved related\n", n,
                  conflicts, unresolved);
    if (conflicts || (builtin_complete() && unresolved)) {
        /* Build again with debug logs: each conflict names its line. */
        img_log_setup(IMG_LOG_DEBUG, IMG_LOG_LOGFMT);
        rc = img_tax_new_builtin(&tax, err, sizeof(err));
        img_log_setup(IMG_LOG_WARN, IMG_LOG_LOGFMT);
        assert_int_equal(rc, IMG_OK);
        img_tax_destroy(tax);
    }
    assert_true(names_ok);
    assert_true(bounds_ok);
    assert_int_equal(conflicts, 0);
    if (builtin_complete())
        assert_int_equal(unresolved, 0);
}

static void test_builtin_size(void **state)
{
    size_t n = img_tax_count(ts_tax());
    if (n < FULL_SIZE) {
        print_message("built-in taxonomy has %zu skills, fewer than %d: data still being "
                      "written, skipping\n",
                      n, FULL_SIZE);
        skip();
    }
    assert_true(n >= FULL_SIZE);
}

static void same(const char *a, const char *b)
{
    int ia = need(a), ib = find(ts_tax(), b);
    if (ia != ib)
        fail_msg("\"%s\" -> %s but \"%s\" -> %s", a, name_of(ts_tax(), ia), b,
                 name_of(ts_tax(), ib));
}

static void test_builtin_aliases(void **state)
{
    same("Kubernetes", "k8s");
    same("JavaScript", "JS");
    same("PostgreSQL", "Postgres");
    same("Node.js", "NodeJS");
    same("Node.js", "node js");
    int cpp = need("C++"), c = need("C"), cs = need("C#"), net = need(".NET");
    assert_true(cpp != c && cpp != cs && c != cs && net != c && net != cs);
    assert_string_equal(name_of(ts_tax(), cpp), "C++");
    assert_string_equal(name_of(ts_tax(), cs), "C#");
    assert_string_equal(name_of(ts_tax(), net), ".NET");
    int cicd = need("CI/CD");
    assert_int_equal(find(ts_tax(), "CI / CD"), cicd);
    assert_int_equal(find(ts_tax(), "not a skill at all qwzx"), -1);
    assert_int_equal(find(ts_tax(), ""), -1);
}

static void test_builtin_match(void **state)
{
    char out[512];
    need("Kubernetes"), need("Node.js"), need("C++"), need("C#"), need(".NET"), need("CI/CD");
    need("PostgreSQL");
    assert_string_equal(scan(ts_tax(), "K8s, node js; C++ and C# on .NET", out, sizeof(out)),
                        "Kubernetes,Node.js,C++,C#,.NET");
    scan(ts_tax(), "Built CI/CD pipelines on Postgres", out, sizeof(out));
    assert_non_null(strstr(out, "CI/CD"));
    assert_non_null(strstr(out, "PostgreSQL"));
    assert_string_equal(scan(ts_tax(), "NodeJS", out, sizeof(out)), "Node.js");
    assert_string_equal(scan(ts_tax(), "Node.js", out, sizeof(out)), "Node.js");
}

static void test_builtin_case(void **state)
{
    int go = need("Go");
    const img_tax_skill_t *sk = img_tax_get(ts_tax(), go);
    if (!(sk->flags & IMG_TAX_CASE))
        fail_msg("Go should carry the case flag");
    img_tax_match_t m;
    assert_true(match0(ts_tax(), "Go microservices", &m));
    assert_int_equal(m.id, go);
    assert_true(m.exact_case);
    assert_int_equal(m.n_tokens, 1);
    /* "go" the verb is not Go; if anything matches, it is a longer phrase. */
    if (match0(ts_tax(), "go to the office", &m))
        assert_int_not_equal(m.id, go);
    if (match0(ts_tax(), "GO", &m))
        assert_int_not_equal(m.id, go);
    /* img_tax_find is a key lookup: it ignores case. */
    assert_int_equal(find(ts_tax(), "go"), go);
}

static void test_builtin_related(void **state)
{
    const img_tax_t *tax = ts_tax();
    int docker = need("Docker"), k8s = need("Kubernetes"), aws = need("AWS");
    int gcp = need("Google Cloud Platform"), torch = need("PyTorch"), tf = need("TensorFlow");
    int excel = need("Excel");
    assert_true(img_tax_related(tax, docker, k8s));
    assert_true(img_tax_related(tax, k8s, docker));
    assert_true(img_tax_related(tax, aws, gcp));
    assert_true(img_tax_related(tax, torch, tf));
    assert_false(img_tax_related(tax, docker, excel));
    assert_false(img_tax_related(tax, docker, docker));
    assert_false(img_tax_related(tax, docker, -1));
}

static void test_builtin_certs(void **state)
{
    const img_tax_t *tax = ts_tax();
    int aws = need("AWS");
    int certs[64];
    size_t n = img_tax_certs_for(tax, aws, certs, 64);
    assert_true(n > 0);
    for (size_t i = 0; i < n; i++) {
        const img_tax_skill_t *c = img_tax_get(tax, certs[i]);
        assert_int_equal(c->category, IMG_CAT_CERTIFICATION);
        bool names_aws = false;
        for (size_t k = 0; k < c->n_related; k++)
            names_aws |= c->related[k] == aws;
        assert_true(names_aws);
    }
    assert_int_equal(img_tax_certs_for(tax, aws, certs, 0), 0);
    assert_int_equal(img_tax_certs_for(tax, -1, certs, 64), 0);
}

/* ---- a fixture taxonomy: the parser and the matcher, independent of the data ---- */

static const char FIXTURE[] =
    "# a comment\n"
    "\n"
    "Kubernetes\ttool\tk8s|kube\tDocker\tcontainer orchestration\t\n"
    "Docker\ttool\t\t\tcontainers\t\n"
    "Go\thard\tGolang\t\tprogramming language\tcase,ctx\n"
    "C\thard\t\t\tprogramming language\tcase, ctx\n"
    "C++\thard\tcpp\t\tprogramming language\t\n"
    "C#\thard\tcsharp\t\tprogramming language\t\n"
    ".NET\ttool\tdotnet\t\t\t\n"
    "ASP.NET\ttool\t\t.NET\t\t\n"
    "Node.js\ttool\tNodeJS\tJavaScript\t\t\n"
    "JavaScript\thard\tJS\t\tprogramming language\t\n"
    "MongoDB\ttool\tMongo\t\tdatabase\t\n"
    "CI/CD\thard\t\t\t\t\n"
    "REST API\thard\tRESTful API\t\t\t\n"
    "Data Pipeline\thard\t\t\t\t\n"
    "Machine Learning\thard\tML\t\t\t\n"
    "Google Cloud Platform\ttool\tGCP|Google Cloud\t\tcloud platform\t\n"
    "AWS\ttool\tAmazon Web Services\t\tcloud platform\t\r\n"
    "Excel\ttool\tMS Excel\t\tspreadsheet\tctx\n"
    "AWS Certified Solutions Architect\tcertification\tAWS SAA\tAWS|Amazon Web Services\t\t\n"
    "R&D\tdomain\tresearch and development\t\t\t\n"
    "SAS\ttool\t\t\t\tcase\n"
    "Power BI\ttool\tPowerBI\t\tbi tool\t\n"
    "Speech Recognition\thard\tASR\t\t\t\n"
    "A/B Testing\thard\tsplit testing\t\t\t\n"
    "one two three four five six seven eight nine\thard\tone two three four five six seven "
    "eight\t\t\t\n";

static void test_fixture_parse(void **state)
{
    img_tax_t *tax = tsv(FIXTURE);
    assert_int_equal(img_tax_count(tax), 25);
    assert_int_equal(img_tax_conflicts(tax), 0);
    assert_int_equal(img_tax_unresolved(tax), 0);
    int k8s = find(tax, "Kubernetes");
    const img_tax_skill_t *sk = img_tax_get(tax, k8s);
    assert_string_equal(sk->name, "Kubernetes");
    assert_int_equal(sk->category, IMG_CAT_TOOL);
    assert_string_equal(sk->group, "container orchestration");
    assert_int_equal(sk->n_related, 1);
    assert_int_equal(sk->related[0], find(tax, "Docker"));
    assert_int_equal(sk->flags, 0);
    assert_int_equal(find(tax, "K8S"), k8s);
    assert_int_equal(find(tax, " kube "), k8s);
    sk = img_tax_get(tax, find(tax, "Go"));
    assert_int_equal(sk->flags, IMG_TAX_CASE | IMG_TAX_CTX);
    assert_null(sk->related);
    assert_int_equal(img_tax_get(tax, find(tax, "C"))->flags, IMG_TAX_CASE | IMG_TAX_CTX);
    assert_string_equal(img_tax_get(tax, find(tax, "C++"))->group, "programming language");
    assert_null(img_tax_get(tax, find(tax, "CI/CD"))->group);
    assert_int_equal(img_tax_get(tax, find(tax, "AWS"))->category, IMG_CAT_TOOL); /* CRLF line */
    /* Keys: spacing and punctuation do not matter; + # & and a leading '.' do. */
    assert_int_equal(find(tax, "node js"), find(tax, "Node.js"));
    assert_int_equal(find(tax, "NODEJS"), find(tax, "Node.js"));
    assert_int_not_equal(find(tax, "C++"), find(tax, "C"));
    assert_int_not_equal(find(tax, "C#"), find(tax, "C"));
    assert_int_not_equal(find(tax, ".NET"), find(tax, "NET"));
    assert_int_equal(find(tax, "CI CD"), find(tax, "CI/CD"));
    assert_int_equal(find(tax, "R & D"), find(tax, "R&D"));
    assert_int_equal(find(tax, "RD"), -1);
    img_tax_destroy(tax);
}

static void test_fixture_related_certs(void **state)
{
    img_tax_t *tax = tsv(FIXTURE);
    int aws = find(tax, "AWS"), gcp = find(tax, "GCP"), cert = find(tax, "AWS SAA");
    int docker = find(tax, "Docker"), k8s = find(tax, "k8s"), excel = find(tax, "Excel");
    assert_true(img_tax_related(tax, aws, gcp));    /* same group */
    assert_true(img_tax_related(tax, docker, k8s)); /* related, one direction */
    assert_true(img_tax_related(tax, k8s, docker));
    assert_false(img_tax_related(tax, excel, k8s));
    assert_true(img_tax_related(tax, find(tax, "Go"), find(tax, "C++"))); /* group */
    /* "AWS|Amazon Web Services" name the same skill: listed once. */
    assert_int_equal(img_tax_get(tax, cert)->n_related, 1);
    int out[4];
    assert_int_equal(img_tax_certs_for(tax, aws, out, 4), 1);
    assert_int_equal(out[0], cert);
    assert_int_equal(img_tax_certs_for(tax, gcp, out, 4), 0);
    assert_int_equal(img_tax_certs_for(tax, 9999, out, 4), 0);
    img_tax_destroy(tax);
}

static void test_fixture_match(void **state)
{
    img_tax_t *tax = tsv(FIXTURE);
    char out[512];
    /* Longest match; spacing variants join. */
    assert_string_equal(scan(tax, "Google Cloud Platform and Google Cloud", out, sizeof(out)),
                        "Google Cloud Platform,Google Cloud Platform");
    assert_string_equal(scan(tax, "node js, Node.JS, NodeJS, Mongo DB", out, sizeof(out)),
                        "Node.js,Node.js,Node.js,MongoDB");
    assert_string_equal(scan(tax, "Power BI, power-bi, Powerbi", out, sizeof(out)),
                        "Power BI,Power BI,Power BI");
    assert_string_equal(scan(tax, "Java Script", out, sizeof(out)), "JavaScript");
    assert_string_equal(scan(tax, "CI / CD and CI/CD", out, sizeof(out)), "CI/CD,CI/CD");
    assert_string_equal(scan(tax, "R & D", out, sizeof(out)), "R&D");
    /* Tokens join only where the alias has a word boundary. */
    assert_string_equal(scan(tax, "a SR, ASR, A/B testing, A / B testing", out, sizeof(out)),
                        "Speech Recognition,A/B Testing,A/B Testing");
    assert_string_equal(scan(tax, "Node J S", out, sizeof(out)), "");
    assert_string_equal(scan(tax, "C++, C#, ASP.NET, ASP .NET, .NET", out, sizeof(out)),
                        "C++,C#,ASP.NET,ASP.NET,.NET");
    /* Barriers: a line, ',', ';', ':', '(', ')', '.', quotes; never start on punctuation. */
    assert_string_equal(scan(tax, "Google, Cloud Platform", out, sizeof(out)), "");
    assert_string_equal(scan(tax, "Google\nCloud Platform", out, sizeof(out)), "");
    assert_string_equal(scan(tax, "Machine (Learning)", out, sizeof(out)), "");
    assert_string_equal(scan(tax, "Machine. Learning", out, sizeof(out)), "");
    assert_string_equal(scan(tax, "Machine: Learning; Machine Learning", out, sizeof(out)),
                        "Machine Learning");
    img_tax_match_t m;
    assert_false(match0(tax, "/ k8s", &m));
    /* At most 8 tokens: the 8-word alias matches, the 9-word name cannot. */
    assert_true(match0(tax, "one two three four five six seven eight nine", &m));
    assert_int_equal(m.n_tokens, 8);
    assert_false(match0(tax, "one two three", &m));
    /* Never ends on punctuation. */
    assert_true(match0(tax, "k8s /", &m));
    assert_int_equal(m.n_tokens, 1);
    img_tax_destroy(tax);
}

static void test_fixture_case_plural(void **state)
{
    img_tax_t *tax = tsv(FIXTURE);
    img_tax_match_t m;
    int go = find(tax, "Go"), c = find(tax, "C"), sas = find(tax, "SAS");
    assert_true(match0(tax, "Go", &m));
    assert_int_equal(m.id, go);
    assert_true(m.exact_case);
    assert_false(match0(tax, "go", &m));
    assert_false(match0(tax, "GO", &m));
    assert_true(match0(tax, "Golang", &m));
    assert_false(match0(tax, "golang", &m)); /* `case` covers the aliases too */
    assert_true(match0(tax, "C", &m));
    assert_int_equal(m.id, c);
    assert_false(match0(tax, "c", &m));
    assert_true(match0(tax, "SAS", &m));
    assert_int_equal(m.id, sas);
    assert_false(match0(tax, "Sas", &m));
    /* exact_case without the case flag. */
    assert_true(match0(tax, "kubernetes", &m));
    assert_false(m.exact_case);
    assert_true(match0(tax, "Kubernetes", &m));
    assert_true(m.exact_case);
    assert_true(match0(tax, "NodeJS", &m));
    assert_true(m.exact_case); /* the alias's spelling */
    assert_true(match0(tax, "Node JS", &m));
    assert_true(m.exact_case); /* letters "NodeJS": spacing counts only through the key */
    assert_true(match0(tax, "node js", &m));
    assert_false(m.exact_case);
    /* Plurals. */
    assert_true(match0(tax, "REST APIs", &m));
    assert_int_equal(m.id, find(tax, "REST API"));
    assert_int_equal(m.n_tokens, 2);
    assert_true(m.exact_case);
    assert_true(match0(tax, "data pipelines", &m));
    assert_int_equal(m.id, find(tax, "Data Pipeline"));
    assert_false(match0(tax, "Gos", &m)); /* never for `case` skills */
    assert_false(match0(tax, "Cs", &m));
    assert_false(match0(tax, "Excels", &m)); /* nor for `ctx` ones */
    assert_true(match0(tax, "Excel", &m));
    assert_false(match0(tax, "REST APIS", &m));   /* only a lower-case 's' */
    assert_int_equal(find(tax, "REST APIs"), -1); /* img_tax_find is exact */
    img_tax_destroy(tax);
}

static void test_fixture_conflicts(void **state)
{
    img_tax_t *tax = tsv("Kubernetes\ttool\tk8s\t\t\t\n"
                         "Kube Thing\ttool\tk8s|kt\tNowhere\t\t\n" /* alias conflict */
                         "Kubernetes\ttool\tkube\tDocker|Helm\tcontainers\tctx\n" /* dup name */
                         "Helm\ttool\tKubernetes\t\t\t\n"); /* alias = another's name */
    assert_int_equal(img_tax_count(tax), 3);
    assert_int_equal(img_tax_conflicts(tax), 3);
    assert_int_equal(img_tax_unresolved(tax), 2); /* Nowhere, Docker */
    int k8s = find(tax, "Kubernetes");
    assert_int_equal(find(tax, "k8s"), k8s);
    assert_int_equal(find(tax, "kube"), k8s); /* merged */
    assert_int_equal(find(tax, "kt"), find(tax, "Kube Thing"));
    const img_tax_skill_t *sk = img_tax_get(tax, k8s);
    assert_int_equal(sk->flags, 0); /* the first line's flags */
    assert_string_equal(sk->group, "containers");
    assert_int_equal(sk->n_related, 1);
    assert_int_equal(sk->related[0], find(tax, "Helm"));
    img_tax_destroy(tax);
}

static void expect_tsv_error(const char *data, const char *prefix, const char *needle)
{
    img_tax_t *tax = NULL;
    char err[256] = "";
    assert_int_equal(img_tax_new_from_tsv(&tax, data, strlen(data), err, sizeof(err)),
                     IMG_ERR_FATAL);
    assert_null(tax);
    if (strncmp(err, prefix, strlen(prefix)) != 0 || !strstr(err, needle))
        fail_msg("error \"%s\": expected \"%s...%s\"", err, prefix, needle);
}

static void test_fixture_malformed(void **state)
{
    const char *ok = "# header\nDocker\ttool\t\t\t\t\n";
    expect_tsv_error("Docker\ttool\t\t\t\n", "taxonomy line 1: ", "5 tab-separated columns");
    expect_tsv_error("# c\n\nDocker\ttool\t\t\t\t\t\n", "taxonomy line 3: ", "7 tab");
    expect_tsv_error("Docker tool\n", "taxonomy line 1: ", "1 tab");
    expect_tsv_error("Docker\ttools\t\t\t\t\n", "taxonomy line 1: ", "unknown category \"tools\"");
    expect_tsv_error("Docker\t\t\t\t\t\n", "taxonomy line 1: ", "unknown category \"\"");
    expect_tsv_error("Docker\ttool\t\t\t\tctx,cased\n",
                     "taxonomy line 1: ", "unknown flag \"cased\"");
    expect_tsv_error("\ttool\t\t\t\t\n", "taxonomy line 1: ", "empty name");
    expect_tsv_error("---\ttool\t\t\t\t\n", "taxonomy line 1: ", "no letters or digits");
    expect_tsv_error("Docker\ttool\t--\t\t\t\n", "taxonomy line 1: ", "alias \"--\"");
    expect_tsv_error("a\ttool\t\t\t\t\nb\xff\ttool\t\t\t\t\n", "taxonomy line 2: ", "UTF-8");
    /* Two files joined: line numbers run on. */
    char joined[256];
    snprintf(joined, sizeof(joined), "%s\n%s", ok, "Bad\thard\t\t\t\n");
    expect_tsv_error(joined, "taxonomy line 4: ", "5 tab");
    img_tax_t *tax = tsv(ok);
    assert_int_equal(img_tax_count(tax), 1);
    img_tax_destroy(tax);
    tax = tsv("");
    assert_int_equal(img_tax_count(tax), 0);
    assert_int_equal(find(tax, "Docker"), -1);
    img_tax_match_t m;
    assert_false(match0(tax, "Docker", &m));
    img_tax_destroy(tax);
}

/* ---- ESCO ---- */

static const char ESCO_HEADER[] =
    "conceptType,conceptUri,skillType,reuseLevel,preferredLabel,altLabels,description\r\n";

static void test_esco_fixture(void **state)
{
    char csv[4096];
    snprintf(
        csv, sizeof(csv),
        "\xEF\xBB\xBF%s"
        "KnowledgeSkillCompetence,u1,skill/competence,sector-specific,manage musical "
        "staff,\"manage staff of music\r\ndirect musical staff\r\nmanage musical staff\",\"Assign, "
        "and \"\"manage\"\"\"\r\n"
        "KnowledgeSkillCompetence,u2,knowledge,sector-specific,Kubernetes,\"kube cluster "
        "orchestration\nkube\",\r\n"
        "KnowledgeSkillCompetence,u3,knowledge,sector-specific,Docker (computer "
        "programming),\"docker engine platform\",x\r\n"
        "KnowledgeSkillCompetence,u4,skill/competence,transversal,work in teams,\"collaborate\n"
        "teamwork\nIT\nDID\nwork in a team\",\r\n"
        "KnowledgeSkillCompetence,u6,knowledge,sector-specific,Scratch (computer "
        "programming),\"Scratch\nScratch lang\nuse RS\",\r\n"
        "KnowledgeSkillCompetence,u5,knowledge,cross-sector,DMX,,\r\n"
        "\r\n",
        ESCO_HEADER);
    char *path = write_temp(csv);
    img_tax_t *tax = tsv(FIXTURE);
    size_t before = img_tax_count(tax);
    int k8s = find(tax, "Kubernetes"), docker = find(tax, "Docker");
    char err[256];
    if (img_tax_load_esco(tax, path, err, sizeof(err)) != IMG_OK)
        fail_msg("esco: %s", err);
    assert_int_equal(img_tax_count(tax), before + 4);
    int mms = find(tax, "manage musical staff");
    const img_tax_skill_t *sk = img_tax_get(tax, mms);
    assert_non_null(sk);
    assert_string_equal(sk->name, "manage musical staff");
    assert_int_equal(sk->category, IMG_CAT_HARD);
    assert_int_equal(sk->flags, IMG_TAX_EXTERNAL);
    assert_int_equal(find(tax, "direct musical staff"), mms); /* multi-line field */
    assert_int_equal(find(tax, "manage staff of music"), mms);
    /* A known preferred label adds no skill; multi-word labels become aliases. */
    assert_int_equal(find(tax, "kube cluster orchestration"), k8s);
    assert_false(img_tax_get(tax, k8s)->flags & IMG_TAX_EXTERNAL);
    /* "Docker (computer programming)" is Docker. */
    assert_int_equal(find(tax, "Docker (computer programming)"), docker);
    assert_int_equal(find(tax, "docker engine platform"), docker);
    /* Transversal -> soft; single-word alternative labels ("teamwork"), short
     * ones ("IT") and acronyms ("DID") are ignored. */
    int teams = find(tax, "work in teams");
    sk = img_tax_get(tax, teams);
    assert_int_equal(sk->category, IMG_CAT_SOFT);
    assert_int_equal(sk->flags, IMG_TAX_EXTERNAL);
    assert_int_equal(find(tax, "work in a team"), teams);
    assert_int_equal(find(tax, "teamwork"), -1);
    assert_int_equal(find(tax, "collaborate"), -1);
    assert_int_equal(find(tax, "IT"), -1);
    assert_int_equal(find(tax, "DID"), -1);
    /* "Name (qualifier)": the base is an alias, a single word, so ctx. */
    int scratch = find(tax, "Scratch");
    assert_true(scratch >= 0);
    assert_int_equal(find(tax, "Scratch (computer programming)"), scratch);
    assert_int_equal(find(tax, "scratch lang"), scratch);
    sk = img_tax_get(tax, scratch);
    assert_string_equal(sk->name, "Scratch (computer programming)");
    assert_int_equal(sk->flags, IMG_TAX_EXTERNAL | IMG_TAX_CTX);
    /* External labels match word for word only. */
    img_tax_match_t m;
    assert_true(match0(tax, "use RS daily", &m));
    assert_int_equal(m.id, scratch);
    assert_int_equal(m.n_tokens, 2);
    assert_false(match0(tax, "users", &m));
    assert_false(match0(tax, "Scratchlang", &m));
    assert_int_equal(find(tax, "Scratchlang"), scratch); /* a key lookup */
    /* An acronym as the name: its own skill, case-sensitive. */
    sk = img_tax_get(tax, find(tax, "DMX"));
    assert_int_equal(sk->category, IMG_CAT_DOMAIN);
    assert_int_equal(sk->flags, IMG_TAX_EXTERNAL | IMG_TAX_CTX | IMG_TAX_CASE);
    assert_true(match0(tax, "DMX lighting", &m));
    assert_false(match0(tax, "dmx lighting", &m));
    assert_true(match0(tax, "managed musical staff", &m) == false);
    assert_true(match0(tax, "Manage musical staff daily", &m));
    assert_int_equal(m.id, mms);
    assert_int_equal(m.n_tokens, 3);
    unlink(path);
    free(path);
    img_tax_destroy(tax);
}

static void expect_esco_error(const char *csv, const char *needle)
{
    char *path = write_temp(csv);
    img_tax_t *tax = tsv(FIXTURE);
    size_t before = img_tax_count(tax);
    char err[512] = "", want[4200];
    assert_int_equal(img_tax_load_esco(tax, path, err, sizeof(err)), IMG_ERR_PERMANENT);
    snprintf(want, sizeof(want), "%s:%s", path, needle);
    if (strncmp(err, want, strlen(want)) != 0)
        fail_msg("error \"%s\": expected \"%s...\"", err, want);
    assert_int_equal(img_tax_count(tax), before); /* untouched */
    assert_int_equal(find(tax, "first row label"), -1);
    unlink(path);
    free(path);
    img_tax_destroy(tax);
}

static void test_esco_errors(void **state)
{
    char csv[1024];
    expect_esco_error("conceptType,label,altLabels\nx,a,b\n", "1: no preferredLabel column");
    expect_esco_error("", "1: empty file");
    snprintf(csv, sizeof(csv),
             "%sK,u,knowledge,x,first row label,\"a\nb\nc\",d\nK,u,knowledge,x,too few\n",
             ESCO_HEADER);
    expect_esco_error(csv, "5: 5 fields, the header has 7");
    snprintf(csv, sizeof(csv), "%sK,u,knowledge,x,first row label,,\nK,u,k,x,y,\"open,\n",
             ESCO_HEADER);
    expect_esco_error(csv, "3: unterminated quoted field");
    snprintf(csv, sizeof(csv), "%sK,u,knowledge,x,first row label,\"a\"b,c\n", ESCO_HEADER);
    expect_esco_error(csv, "2: a character after a closing quote");
    snprintf(csv, sizeof(csv), "%sK,u,knowledge,x,first row label,\xc3,c\n", ESCO_HEADER);
    expect_esco_error(csv, "2: invalid UTF-8");

    img_tax_t *tax = tsv(FIXTURE);
    char err[256];
    assert_int_equal(img_tax_load_esco(tax, "/nonexistent/skills_en.csv", err, sizeof(err)),
                     IMG_ERR_PERMANENT);
    assert_non_null(strstr(err, "/nonexistent/skills_en.csv"));
    img_tax_destroy(tax);
}

/* ---- O*NET ---- */

static const char ONET_HEADER[] =
    "O*NET-SOC Code\tExample\tCommodity Code\tCommodity Title\tHot Technology\tIn Demand\r\n";

static void test_onet_fixture(void **state)
{
    char txt[2048];
    snprintf(txt, sizeof(txt),
             "%s"
             "11-1011.00\tAtlassian Confluence\t43232201\tContent workflow software\tY\tN\r\n"
             "11-1011.00\tMicrosoft Excel\t43232110\tSpreadsheet software\tY\tY\r\n"
             "15-1252.00\tAtlassian Confluence\t43232201\tContent workflow software\tY\tN\r\n"
             "15-1252.00\tAtlassian JIRA\t43232201\tContent workflow software\tY\tN\r\n"
             "15-1252.00\tDocker\t43232701\tApplication server software\tY\tY\r\n"
             "15-1252.00\tAnalyze\t43232612\tAnalytical software\tN\tN\r\n"
             "15-1252.00\tJ\t43232612\tCompiler software\tN\tN\r\n"
             "15-1252.00\tKANT\t43232612\tAnalytical software\tN\tN\r\n"
             "\r\n",
             ONET_HEADER);
    char *path = write_temp(txt);
    img_tax_t *tax = tsv(FIXTURE);
    size_t before = img_tax_count(tax);
    int docker = find(tax, "Docker"), excel = find(tax, "Excel");
    char err[256];
    if (img_tax_load_onet(tax, path, err, sizeof(err)) != IMG_OK)
        fail_msg("onet: %s", err);
    /* Confluence, JIRA, Analyze, KANT: new; Docker known; Excel via vendor; J too short. */
    assert_int_equal(img_tax_count(tax), before + 4);
    int conf = find(tax, "Atlassian Confluence"), jira = find(tax, "atlassian jira");
    const img_tax_skill_t *sk = img_tax_get(tax, conf);
    assert_non_null(sk);
    assert_int_equal(sk->category, IMG_CAT_TOOL);
    assert_int_equal(sk->flags, IMG_TAX_EXTERNAL);
    assert_string_equal(sk->group, "Content workflow software");
    assert_true(img_tax_related(tax, conf, jira)); /* same commodity */
    assert_false(img_tax_related(tax, conf, docker));
    assert_int_equal(find(tax, "Docker"), docker);
    assert_int_equal(find(tax, "Microsoft Excel"), excel);
    assert_int_equal(img_tax_get(tax, find(tax, "Analyze"))->flags, IMG_TAX_EXTERNAL | IMG_TAX_CTX);
    assert_int_equal(img_tax_get(tax, find(tax, "KANT"))->flags,
                     IMG_TAX_EXTERNAL | IMG_TAX_CTX | IMG_TAX_CASE);
    assert_int_equal(find(tax, "J"), -1);
    img_tax_match_t m;
    assert_true(match0(tax, "Atlassian Confluence pages", &m));
    assert_int_equal(m.id, conf);
    assert_int_equal(m.n_tokens, 2);
    unlink(path);
    free(path);
    img_tax_destroy(tax);
}

static void expect_onet_error(const char *txt, const char *needle)
{
    char *path = write_temp(txt);
    img_tax_t *tax = tsv(FIXTURE);
    size_t before = img_tax_count(tax);
    char err[512] = "", want[4200];
    assert_int_equal(img_tax_load_onet(tax, path, err, sizeof(err)), IMG_ERR_PERMANENT);
    snprintf(want, sizeof(want), "%s:%s", path, needle);
    if (strncmp(err, want, strlen(want)) != 0)
        fail_msg("error \"%s\": expected \"%s...\"", err, want);
    assert_int_equal(img_tax_count(tax), before);
    unlink(path);
    free(path);
    img_tax_destroy(tax);
}

static void test_onet_errors(void **state)
{
    char txt[1024];
    expect_onet_error("Code\tTool\tTitle\n1\tFoo Bar\tx\n", "1: no Example column");
    expect_onet_error("O*NET-SOC Code\tExample\n1\tFoo Bar\n", "1: no Commodity Title column");
    expect_onet_error("", "1: empty file");
    snprintf(txt, sizeof(txt), "%s1\tFoo Bar\t2\tThings\tN\tN\n\n1\tBaz Qux\t2\n", ONET_HEADER);
    expect_onet_error(txt, "4: 3 fields, the header has 6");
}

/* ---- the real files, when ../shared is present ---- */

static void test_esco_real(void **state)
{
    char *path = shared_path("data/taxonomies/esco_v1.1.1/skills_en.csv");
    if (!path) {
        print_message("../shared absent: skipping the real ESCO file\n");
        skip();
    }
    img_tax_t *tax = NULL;
    char err[512];
    assert_int_equal(img_tax_new_builtin(&tax, err, sizeof(err)), IMG_OK);
    size_t before = img_tax_count(tax);
    int k8s = find(tax, "Kubernetes");
    if (img_tax_load_esco(tax, path, err, sizeof(err)) != IMG_OK)
        fail_msg("esco: %s", err);
    size_t after = img_tax_count(tax);
    print_message("ESCO: %zu skills -> %zu\n", before, after);
    assert_true(after > before + 8000 && after <= before + 13896);
    int mms = find(tax, "manage musical staff");
    assert_true(mms >= (int)before);
    assert_true(img_tax_get(tax, mms)->flags & IMG_TAX_EXTERNAL);
    assert_int_equal(find(tax, "coordinate duties of musical staff"), mms);
    assert_int_equal(find(tax, "Kubernetes"), k8s);
    assert_int_equal(img_tax_conflicts(tax), img_tax_conflicts(ts_tax()));
    img_tax_destroy(tax);
    free(path);
}

static void test_onet_real(void **state)
{
    char *path = shared_path("data/taxonomies/onet_29.2/Technology Skills.txt");
    if (!path) {
        print_message("../shared absent: skipping the real O*NET file\n");
        skip();
    }
    img_tax_t *tax = NULL;
    char err[512];
    assert_int_equal(img_tax_new_builtin(&tax, err, sizeof(err)), IMG_OK);
    size_t before = img_tax_count(tax);
    if (img_tax_load_onet(tax, path, err, sizeof(err)) != IMG_OK)
        fail_msg("onet: %s", err);
    size_t after = img_tax_count(tax);
    print_message("O*NET: %zu skills -> %zu\n", before, after);
    assert_true(after > before + 5000 && after <= before + 8768);
    int id = find(tax, "AdSense Tracker");
    assert_true(id >= (int)before);
    const img_tax_skill_t *sk = img_tax_get(tax, id);
    assert_int_equal(sk->category, IMG_CAT_TOOL);
    assert_string_equal(sk->group, "Data base user interface and query software");
    img_tax_destroy(tax);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_builtin_wellformed),
        cmocka_unit_test(test_builtin_size),
        cmocka_unit_test(test_builtin_aliases),
        cmocka_unit_test(test_builtin_match),
        cmocka_unit_test(test_builtin_case),
        cmocka_unit_test(test_builtin_related),
        cmocka_unit_test(test_builtin_certs),
        cmocka_unit_test(test_fixture_parse),
        cmocka_unit_test(test_fixture_related_certs),
        cmocka_unit_test(test_fixture_match),
        cmocka_unit_test(test_fixture_case_plural),
        cmocka_unit_test(test_fixture_conflicts),
        cmocka_unit_test(test_fixture_malformed),
        cmocka_unit_test(test_esco_fixture),
        cmocka_unit_test(test_esco_errors),
        cmocka_unit_test(test_onet_fixture),
        cmocka_unit_test(test_onet_errors),
        cmocka_unit_test(test_esco_real),
        cmocka_unit_test(test_onet_real),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
