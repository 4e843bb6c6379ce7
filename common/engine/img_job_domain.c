/*
 * img_job_domain.c - the domain of a job or a candidate, by votes from role
 * words in titles and from the families of the skills named.
 */
#include <pthread.h>
#include <string.h>

#include "img_job_int.h"

enum {
    D_SOFTWARE = 0,
    D_DATA,
    D_CLOUD,
    D_SECURITY,
    D_DESIGN,
    D_PRODUCT,
    D_MARKETING,
    D_SALES,
    D_FINANCE,
    D_HEALTHCARE,
    D_OPERATIONS,
    D_HR,
    D_EDUCATION,
    D_LEGAL,
    D_TRADES,
    D_GENERAL
};

static const char *const domain_names[IMG_JOB_N_DOMAINS] = {
    "software",  "data",  "cloud",   "security",   "design",     "product",
    "marketing", "sales", "finance", "healthcare", "operations", "hr",
    "education", "legal", "trades",  "general"};

/* Flag on a title pattern: a generic role word ("engineer") rather than a
 * specific one ("backend", "devops"). */
#define GENERIC 0x100

typedef struct dom_pat {
    const char *phrase; /* normalised, see img_job_find() */
    int domain;
} dom_pat_t;

/* Role words of titles, most specific first ("data engineer" before "engineer"). */
static const dom_pat_t title_pats[] = {
    {"machine learning", D_DATA},
    {"ml engineer", D_DATA},
    {"ai engineer", D_DATA},
    {"data scien*", D_DATA},
    {"data engineer*", D_DATA},
    {"data analy*", D_DATA},
    {"data architect", D_DATA},
    {"analytics", D_DATA},
    {"business intelligence", D_DATA},
    {"bi developer", D_DATA},
    {"bi analyst", D_DATA},
    {"statistician", D_DATA},
    {"research scientist", D_DATA},
    {"security", D_SECURITY},
    {"cyber*", D_SECURITY},
    {"penetration", D_SECURITY},
    {"infosec", D_SECURITY},
    {"devops", D_CLOUD},
    {"dev ops", D_CLOUD},
    {"site reliability", D_CLOUD},
    {"sre", D_CLOUD},
    {"cloud", D_CLOUD},
    {"infrastructure", D_CLOUD},
    {"platform engineer", D_CLOUD},
    {"systems administrator", D_CLOUD},
    {"system administrator", D_CLOUD},
    {"sysadmin", D_CLOUD},
    {"network engineer", D_CLOUD},
    {"network administrator", D_CLOUD},
    {"systems engineer", D_CLOUD},
    {"it support", D_CLOUD},
    {"help desk", D_CLOUD},
    {"helpdesk", D_CLOUD},
    {"service desk", D_CLOUD},
    {"desktop support", D_CLOUD},
    {"product manager", D_PRODUCT},
    {"product owner", D_PRODUCT},
    {"product lead", D_PRODUCT},
    {"head of product", D_PRODUCT},
    {"product analyst", D_PRODUCT},
    {"ux", D_DESIGN},
    {"ui", D_DESIGN},
    {"designer", D_DESIGN},
    {"graphic", D_DESIGN},
    {"art director", D_DESIGN},
    {"illustrator", D_DESIGN},
    {"marketing", D_MARKETING},
    {"seo", D_MARKETING},
    {"content", D_MARKETING},
    {"brand", D_MARKETING},
    {"growth", D_MARKETING},
    {"social media", D_MARKETING},
    {"copywriter", D_MARKETING},
    {"communications", D_MARKETING},
    {"sales", D_SALES},
    {"account executive", D_SALES},
    {"business development", D_SALES},
    {"account manager", D_SALES},
    {"customer success", D_SALES},
    {"accountant", D_FINANCE},
    {"accounting", D_FINANCE},
    {"finance", D_FINANCE},
    {"financial", D_FINANCE},
    {"controller", D_FINANCE},
    {"bookkeeper", D_FINANCE},
    {"auditor", D_FINANCE},
    {"tax", D_FINANCE},
    {"treasury", D_FINANCE},
    {"actuar*", D_FINANCE},
    {"pharmac*", D_HEALTHCARE},
    {"nurse", D_HEALTHCARE},
    {"nursing", D_HEALTHCARE},
    {"clinical", D_HEALTHCARE},
    {"clinician", D_HEALTHCARE},
    {"medical", D_HEALTHCARE},
    {"physician", D_HEALTHCARE},
    {"doctor", D_HEALTHCARE},
    {"therapist", D_HEALTHCARE},
    {"health*", D_HEALTHCARE},
    {"dental", D_HEALTHCARE},
    {"caregiver", D_HEALTHCARE},
    {"paramedic", D_HEALTHCARE},
    {"recruiter", D_HR},
    {"recruiting", D_HR},
    {"human resources", D_HR},
    {"hr", D_HR},
    {"talent acquisition", D_HR},
    {"people partner", D_HR},
    {"people operations", D_HR},
    {"payroll", D_HR},
    {"teacher", D_EDUCATION},
    {"teaching", D_EDUCATION},
    {"tutor", D_EDUCATION},
    {"instructor", D_EDUCATION},
    {"professor", D_EDUCATION},
    {"lecturer", D_EDUCATION},
    {"educator", D_EDUCATION},
    {"lawyer", D_LEGAL},
    {"attorney", D_LEGAL},
    {"paralegal", D_LEGAL},
    {"legal", D_LEGAL},
    {"counsel", D_LEGAL},
    {"compliance", D_LEGAL},
    {"electrician", D_TRADES},
    {"plumber", D_TRADES},
    {"welder", D_TRADES},
    {"carpenter", D_TRADES},
    {"hvac", D_TRADES},
    {"mechanic", D_TRADES},
    {"machinist", D_TRADES},
    {"technician", D_TRADES},
    {"construction", D_TRADES},
    {"foreman", D_TRADES},
    {"operations", D_OPERATIONS},
    {"logistics", D_OPERATIONS},
    {"supply chain", D_OPERATIONS},
    {"warehouse", D_OPERATIONS},
    {"procurement", D_OPERATIONS},
    {"buyer", D_OPERATIONS},
    {"dispatcher", D_OPERATIONS},
    {"full stack", D_SOFTWARE},
    {"frontend", D_SOFTWARE},
    {"front end", D_SOFTWARE},
    {"backend", D_SOFTWARE},
    {"back end", D_SOFTWARE},
    {"web", D_SOFTWARE},
    {"mobile", D_SOFTWARE},
    {"ios", D_SOFTWARE},
    {"android", D_SOFTWARE},
    {"qa", D_SOFTWARE},
    {"tester", D_SOFTWARE},
    {"game", D_SOFTWARE},
    {"embedded", D_SOFTWARE},
    /* Generic role words: they weigh half (see img_job_dom_title). */
    {"developer", D_SOFTWARE | GENERIC},
    {"engineer*", D_SOFTWARE | GENERIC},
    {"programmer", D_SOFTWARE | GENERIC},
    {"software", D_SOFTWARE | GENERIC},
    {"architect", D_SOFTWARE | GENERIC},
    {"coder", D_SOFTWARE | GENERIC},
};

/* Words of a skill's family label and name. Software words that would
 * otherwise read as design ("UI framework") come first. */
static const dom_pat_t skill_pats[] = {
    {"frontend", D_SOFTWARE},
    {"front end", D_SOFTWARE},
    {"web framework", D_SOFTWARE},
    {"javascript", D_SOFTWARE},
    {"ui framework", D_SOFTWARE},
    {"ui library", D_SOFTWARE},
    {"component library", D_SOFTWARE},
    {"machine learning", D_DATA},
    {"deep learning", D_DATA},
    {"data scien*", D_DATA},
    {"data engineer*", D_DATA},
    {"data analy*", D_DATA},
    {"analytics", D_DATA},
    {"statistic*", D_DATA},
    {"big data", D_DATA},
    {"etl", D_DATA},
    {"data warehous*", D_DATA},
    {"data visuali*", D_DATA},
    {"business intelligence", D_DATA},
    {"bi", D_DATA},
    {"nlp", D_DATA},
    {"natural language", D_DATA},
    {"computer vision", D_DATA},
    {"ml", D_DATA},
    {"ai", D_DATA},
    {"artificial intelligence", D_DATA},
    {"data pipeline*", D_DATA},
    {"data processing", D_DATA},
    {"security", D_SECURITY},
    {"cyber*", D_SECURITY},
    {"penetration", D_SECURITY},
    {"siem", D_SECURITY},
    {"encryption", D_SECURITY},
    {"vulnerabilit*", D_SECURITY},
    {"firewall*", D_SECURITY},
    {"cloud*", D_CLOUD},
    {"devops", D_CLOUD},
    {"container*", D_CLOUD},
    {"orchestration", D_CLOUD},
    {"infrastructure*", D_CLOUD},
    {"ci cd", D_CLOUD},
    {"continuous integration", D_CLOUD},
    {"continuous delivery", D_CLOUD},
    {"configuration management", D_CLOUD},
    {"monitoring", D_CLOUD},
    {"observability", D_CLOUD},
    {"site reliability", D_CLOUD},
    {"serverless", D_CLOUD},
    {"networking", D_CLOUD},
    {"operating system*", D_CLOUD},
    {"linux", D_CLOUD},
    {"product management", D_PRODUCT},
    {"product owner*", D_PRODUCT},
    {"product strategy", D_PRODUCT},
    {"roadmap*", D_PRODUCT},
    {"ux", D_DESIGN},
    {"ui", D_DESIGN},
    {"user experience", D_DESIGN},
    {"user interface", D_DESIGN},
    {"graphic*", D_DESIGN},
    {"design tool*", D_DESIGN},
    {"prototyp*", D_DESIGN},
    {"wirefram*", D_DESIGN},
    {"typography", D_DESIGN},
    {"marketing", D_MARKETING},
    {"seo", D_MARKETING},
    {"sem", D_MARKETING},
    {"advertising", D_MARKETING},
    {"social media", D_MARKETING},
    {"content strategy", D_MARKETING},
    {"copywriting", D_MARKETING},
    {"brand*", D_MARKETING},
    {"campaign*", D_MARKETING},
    {"sales", D_SALES},
    {"crm", D_SALES},
    {"lead generation", D_SALES},
    {"business development", D_SALES},
    {"account management", D_SALES},
    {"accounting", D_FINANCE},
    {"financ*", D_FINANCE},
    {"bookkeeping", D_FINANCE},
    {"audit*", D_FINANCE},
    {"tax*", D_FINANCE},
    {"gaap", D_FINANCE},
    {"ifrs", D_FINANCE},
    {"budget*", D_FINANCE},
    {"forecast*", D_FINANCE},
    {"banking", D_FINANCE},
    {"investment*", D_FINANCE},
    {"health*", D_HEALTHCARE},
    {"clinical", D_HEALTHCARE},
    {"medical", D_HEALTHCARE},
    {"nursing", D_HEALTHCARE},
    {"patient*", D_HEALTHCARE},
    {"pharma*", D_HEALTHCARE},
    {"hipaa", D_HEALTHCARE},
    {"emr", D_HEALTHCARE},
    {"ehr", D_HEALTHCARE},
    {"recruit*", D_HR},
    {"human resources", D_HR},
    {"talent acquisition", D_HR},
    {"hris", D_HR},
    {"payroll", D_HR},
    {"employee relations", D_HR},
    {"teaching", D_EDUCATION},
    {"curriculum", D_EDUCATION},
    {"instructional", D_EDUCATION},
    {"pedagog*", D_EDUCATION},
    {"classroom*", D_EDUCATION},
    {"tutoring", D_EDUCATION},
    {"lesson plan*", D_EDUCATION},
    {"legal", D_LEGAL},
    {"law", D_LEGAL},
    {"litigation", D_LEGAL},
    {"contract law", D_LEGAL},
    {"regulatory", D_LEGAL},
    {"compliance", D_LEGAL},
    {"electrical", D_TRADES},
    {"plumbing", D_TRADES},
    {"welding", D_TRADES},
    {"hvac", D_TRADES},
    {"carpentry", D_TRADES},
    {"construction", D_TRADES},
    {"machining", D_TRADES},
    {"cnc", D_TRADES},
    {"forklift", D_TRADES},
    {"osha", D_TRADES},
    {"blueprint*", D_TRADES},
    {"supply chain", D_OPERATIONS},
    {"logistics", D_OPERATIONS},
    {"procurement", D_OPERATIONS},
    {"inventory", D_OPERATIONS},
    {"warehous*", D_OPERATIONS},
    {"lean", D_OPERATIONS},
    {"six sigma", D_OPERATIONS},
    {"erp", D_OPERATIONS},
    {"programming*", D_SOFTWARE},
    {"software*", D_SOFTWARE},
    {"web*", D_SOFTWARE},
    {"backend", D_SOFTWARE},
    {"back end", D_SOFTWARE},
    {"full stack", D_SOFTWARE},
    {"mobile*", D_SOFTWARE},
    {"api*", D_SOFTWARE},
    {"framework*", D_SOFTWARE},
    {"version control", D_SOFTWARE},
    {"testing", D_SOFTWARE},
    {"database*", D_SOFTWARE},
    {"sql", D_SOFTWARE},
    {"nosql", D_SOFTWARE},
    {"microservice*", D_SOFTWARE},
    {"software architecture", D_SOFTWARE},
    {"object oriented", D_SOFTWARE},
    {"algorithm*", D_SOFTWARE},
    {"data structure*", D_SOFTWARE},
    {"rest*", D_SOFTWARE},
    {"git", D_SOFTWARE},
};

static img_job_ptab_t title_tab, skill_tab;
static pthread_once_t tabs_once = PTHREAD_ONCE_INIT;

static void tabs_build(void)
{
    img_job_ptab_build(&title_tab, title_pats, sizeof(title_pats[0]),
                       sizeof(title_pats) / sizeof(title_pats[0]));
    img_job_ptab_build(&skill_tab, skill_pats, sizeof(skill_pats[0]),
                       sizeof(skill_pats) / sizeof(skill_pats[0]));
}

static int match_table(const img_job_ptab_t *t, const dom_pat_t *pats, const char *norm)
{
    pthread_once(&tabs_once, tabs_build);
    int i = img_job_ptab_find(t, norm);
    return i < 0 ? -1 : pats[i].domain;
}

bool img_job_dom_title(img_job_dom_t *d, const char *norm, double w)
{
    int dom = match_table(&title_tab, title_pats, norm);
    if (dom < 0)
        return false;
    d->v[dom & 0xff] += (dom & GENERIC) ? w : 2 * w;
    return true;
}

void img_job_dom_skill(img_job_dom_t *d, const img_tax_t *tax, int id, double w)
{
    const img_tax_skill_t *s = id >= 0 ? img_tax_get(tax, id) : NULL;
    if (!s || s->category == IMG_CAT_LANGUAGE || s->category == IMG_CAT_SOFT)
        return;
    /* The family label speaks for the skill first, then its own name. */
    char buf[160];
    size_t n = 0;
    const char *parts[2] = {s->group, s->name};
    for (int k = 0; k < 2; k++) {
        const char *p = parts[k];
        if (!p)
            continue;
        for (; *p && n + 2 < sizeof(buf); p++) {
            unsigned char c = (unsigned char)*p;
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
                buf[n++] = (char)c;
            else if (c >= 'A' && c <= 'Z')
                buf[n++] = (char)(c - 'A' + 'a');
            else if (n && buf[n - 1] != ' ')
                buf[n++] = ' ';
        }
        if (n && buf[n - 1] != ' ')
            buf[n++] = ' ';
        buf[n] = '\0';
        int dom = match_table(&skill_tab, skill_pats, buf);
        if (dom >= 0) {
            d->v[dom] += w;
            return;
        }
        n = 0;
    }
}

const char *img_job_dom_best(const img_job_dom_t *d)
{
    int best = D_GENERAL;
    double bv = 0;
    for (int i = 0; i < IMG_JOB_N_DOMAINS; i++)
        if (d->v[i] > bv + 1e-9)
            best = i, bv = d->v[i];
    return domain_names[best];
}

const char *img_job_skill_name(const img_analysis_t *analysis, int id)
{
    const img_tax_skill_t *s = id >= 0 ? img_tax_get(analysis->tax, id) : NULL;
    if (s && s->name)
        return s->name;
    for (size_t i = 0; i < analysis->skills.n; i++)
        if (analysis->skills.v[i].tax_id == id && analysis->skills.v[i].name)
            return analysis->skills.v[i].name;
    for (size_t i = 0; i < analysis->job.skills.n; i++)
        if (analysis->job.skills.v[i].tax_id == id && analysis->job.skills.v[i].name)
            return analysis->job.skills.v[i].name;
    return img_arena_printf(analysis->arena, "skill %d", id);
}
