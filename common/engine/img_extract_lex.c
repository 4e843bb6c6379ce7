/*
 * img_extract_lex.c - the word lexicon of the extractor and the zones of a
 * document (requirement blocks, skills lists, benefits blocks).
 *
 * The lexicon is general English: cue words that introduce skills ("ability
 * to", "experience with"), action verbs that start skill phrases, soft-skill
 * adjectives, phrase boundaries and heading words. It names no technical
 * skill (those live in the taxonomy).
 */
#include "img_extract_int.h"

#include <ctype.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Words by class; a word may appear under several classes. */
static const struct {
    unsigned cls;
    const char *words;
} CLASSES[] = {
    {XW_VERB,
     "accelerate achieve adapt address administer advise advocate align analyse analyze apply "
     "architect assemble assess assist audit automate balance benchmark brainstorm build "
     "calculate calibrate champion clean coach code collaborate collect communicate compile "
     "complete conceptualise conceptualize conduct configure consolidate construct consult "
     "contribute control convert coordinate craft create cultivate curate debug decide define "
     "deliver demonstrate deploy design detect determine develop devise diagnose direct "
     "document draft drive educate elaborate embrace empower enable engage engineer enhance "
     "ensure establish estimate evaluate evolve examine execute expand experiment explain "
     "explore extract facilitate forecast formulate foster gather generate grow guide handle "
     "help identify implement improve influence initiate innovate inspect install instil "
     "instill integrate interact interpret interview investigate iterate launch lead learn "
     "leverage liaise maintain manage map market measure mentor migrate mitigate model "
     "modernise modernize monitor motivate negotiate nurture onboard operate optimise optimize "
     "orchestrate organise organize own oversee participate partner perform plan prepare "
     "present prioritise prioritize process produce program promote propose prototype provide "
     "publish recommend reconcile recruit redesign refactor refine reflect report represent "
     "research resolve review revise run scale schedule scope script secure sell serve set "
     "shape share ship simplify solve source specify spot steer streamline structure supervise "
     "support sustain synthesise synthesize tackle take teach test track train transform "
     "translate troubleshoot tune understand update upgrade use utilise utilize validate "
     "verify visualise visualize work write make bring keep think challenge built led wrote "
     "made taught took kept brought thought understood sold drove grew oversaw ran spearheaded "},
    {XW_ED,
     "built led wrote made taught took kept brought thought understood sold drove grew oversaw "
     "ran spearheaded "},
    {XW_CUE_TO,
     "ability abilities able capable how willing willingness eager keen ready expected "
     "required want wants like love loves opportunity passion desire drive aim chance prepared "
     "happy comfortable confidence capacity aptitude need needs know motivation motivated "
     "enjoy enjoys ambition curiosity responsibility commitment determination skill skills "
     "talent "},
    {XW_CUE_OBJ,
     "experience experiences experienced knowledge knowledgeable understanding familiarity "
     "familiar proficiency proficient expertise expert experts background degree skills "
     "skilled fluent fluency passion passionate interest interested focus grasp command versed "
     "exposure competence competency competencies competent qualification qualifications "
     "education certification certified specialist specialization specialisation specialised "
     "specialized insight comfortable confident mastery awareness literacy major diploma phd "
     "msc bsc ba ma master masters bachelor bachelors studies record excellence expertize "
     "know-how practice trained training "
     "responsible "},
    {XW_PREP, "in with of on for about using within around across at into via "},
    {XW_STOP,
     "that which who whom whose where when whenever while whilst because since so if unless "
     "though although whether than then thus hence therefore etc e.g i.e eg ie such including "
     "especially particularly preferably ideally plus is are was were be been being has have "
     "had will would can could should must may might shall we you they he she it i us them our "
     "their his her its my your you're you'll we're we'll they're it's there here this these "
     "those as by from per not no nor very also well just only even still yet already always "
     "often never preferred required desirable desired advantage advantageous beneficial bonus "
     "nice mandatory essential optional welcome appreciated asset benefit what why how all "
     "other others other's another every each any some both either neither "},
    {XW_AUX, "will would can could should must shall may you'll we'll "},
    {XW_DET,
     "a an the our your their its this these that those some any all each every his her my one "
     "two three several many multiple various different relevant related "},
    {XW_INTENS,
     "strong excellent good solid proven deep great high outstanding exceptional sound "
     "thorough advanced basic extensive significant practical professional previous prior "
     "commercial demonstrated demonstrable substantial considerable broad comprehensive "
     "in-depth superior fluent hands-on minimum least very highly extremely really "
     "truly genuine real keen first-class first-rate adequate experienced seasoned "},
    {XW_SOFT,
     "motivated self-motivated proactive curious passionate driven self-driven ambitious "
     "analytical structured organised organized detail-oriented independent independently "
     "reliable flexible adaptable creative innovative pragmatic dedicated committed "
     "enthusiastic positive open-minded outgoing extrovert extroverted communicative "
     "articulate diligent hardworking hard-working result-oriented results-oriented "
     "results-driven result-driven self-starter resourceful energetic thorough meticulous "
     "accurate confident self-confident empathetic humble eager autonomous entrepreneurial "
     "strategic decisive disciplined systematic methodical versatile helpful friendly sociable "
     "punctual goal-oriented solution-oriented customer-focused customer-oriented "
     "service-minded service-oriented team-oriented collaborative cooperative persistent "
     "patient honest mature visionary conscientious trustworthy dependable "
     "tenacious quality-conscious quality-minded detail-minded self-reliant self-directed "
     "self-managed well-organized well-organised careful inquisitive open resilient calm "
     "assertive persuasive diplomatic tactful motivation initiative enthusiasm flexibility "
     "confidence creativity curiosity integrity drive passion teamwork leadership ownership "
     "accountability adaptability reliability dedication commitment perseverance "},
    {XW_HEAD,
     "skills skill abilities ability capabilities capability competencies competences mindset "
     "attitude thinking awareness sense aptitude acumen approach manner orientation focus "
     "know-how spirit ethic "},
    {XW_NOSTART,
     "be have has had get gets join send contact receive enjoy become find see offer offers "
     "apply visit click submit please look looking note read feel believe hope wish seem "
     "appear is are was were been being do does did go goes come comes let lets want wants "
     "need needs welcome welcomes expect expects require requires include includes hold holds "
     "the a an and or but to of in on at for with by from as "},
    {XW_TECH,
     "programming programmer programmers language languages developer developers development "
     "scripts script scripting code coding coded framework frameworks library libraries using "
     "sdk api apis compiler backend frontend stack ecosystem toolchain syntax written engineer "
     "engineers runtime modules module packages apps applications app projects "},
    {XW_SUBJ, "you you'll you're your candidate candidates applicant applicants he she person "
              "individual incumbent successful ideal "},
    {XW_CONJ, "and or & and/or "},
    {XW_NOISEHEAD,
     "benefits benefit perks offer offering compensation salary package packages apply "
     "application applications contact culture employer equal disclaimer privacy life company "
     "conditions deadline facts diversity rewards remuneration pay "},
    {XW_SKILLHEAD,
     "requirements requirement qualifications qualification responsibilities responsibility "
     "duties tasks profile candidate expect expectations looking must-haves must have "
     "nice-to-haves skills competencies expertise experience job role "},
    {XW_LISTHEAD,
     "technologies technology stack tools skills competencies languages software industry "
     "industries keywords tags expertise platforms environment "},
    {XW_NOUNEND,
     "environment environments team teams role roles position positions company companies "
     "setting settings context field fields area areas level levels industry basis "},
    {XW_WE, "we our we're we've us "},
    {XW_DEGREE,
     "degree degrees diploma phd msc bsc ba ma bs ms mba master masters master's bachelor "
     "bachelors bachelor's major majored minor studies education doctorate "},
    {XW_GENERIC, "technical key computer special core additional other soft hard relevant required "
                 "essential basic new current personal professional general transferable specific "
                 "various necessary having own many some "},
    {XW_LEAD, "at in as with by here "},
    {XW_ASK, "looking seeking expect require need want search searching hire hiring "},
    {XW_EEO, "discriminate discrimination regardless regard equal affirmative veteran "},
    {XW_PLAINHEAD,
     "description overview summary information details introduction education objective "
     "objectives projects certifications certificates awards achievements accomplishments "
     "publications interests hobbies references personal activities employment history career "
     "courses coursework affiliations memberships volunteer volunteering links contact "
     "highlights strengths declaration extracurricular academic academics honors honours "},
};

/* An open-addressing hash table of the words (no pointers: offsets into
 * lex_chars), built once per process; a lookup costs one hash and usually
 * one comparison. */
typedef struct lex_slot {
    uint16_t off, len; /* len 0: empty */
    unsigned cls;
} lex_slot_t;

enum { LEX_SLOTS = 4096, LEX_CHARS = 16384 };
static lex_slot_t lex[LEX_SLOTS];
static size_t n_lex;
static char lex_chars[LEX_CHARS];
static pthread_once_t lex_once = PTHREAD_ONCE_INIT;
static atomic_bool lex_ready; /* set once the table is built: skips pthread_once */

static uint32_t lex_hash(const char *w, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)w[i]) * 16777619u;
    return h;
}

/* The slot of w: its own, or the empty one where it would go. */
static lex_slot_t *lex_slot(const char *w, size_t n)
{
    size_t i = lex_hash(w, n) & (LEX_SLOTS - 1);
    while (lex[i].len && !(lex[i].len == n && !memcmp(lex_chars + lex[i].off, w, n)))
        i = (i + 1) & (LEX_SLOTS - 1);
    return &lex[i];
}

/* Splits the class strings into the table, merging the classes of a word
 * listed more than once. Runs once per process. */
static void lex_build(void)
{
    size_t used = 0;
    for (size_t c = 0; c < sizeof(CLASSES) / sizeof(CLASSES[0]); c++) {
        const char *p = CLASSES[c].words;
        while (*p) {
            while (*p == ' ')
                p++;
            const char *q = p;
            while (*q && *q != ' ')
                q++;
            size_t n = (size_t)(q - p);
            if (n && n_lex < LEX_SLOTS / 2 && used + n <= LEX_CHARS) {
                lex_slot_t *s = lex_slot(p, n);
                if (!s->len) {
                    memcpy(lex_chars + used, p, n);
                    s->off = (uint16_t)used;
                    s->len = (uint16_t)n;
                    used += n;
                    n_lex++;
                }
                s->cls |= CLASSES[c].cls;
            }
            p = q;
        }
    }
    atomic_store_explicit(&lex_ready, true, memory_order_release);
}

size_t img_extract_lex_size(void)
{
    pthread_once(&lex_once, lex_build);
    return n_lex;
}

/* Verb bits of stem[0..n) followed by `tail` (a restored ending or ""). */
static unsigned verb_of(char *stem, size_t n, const char *tail)
{
    size_t k = strlen(tail);
    memcpy(stem + n, tail, k);
    return lex_slot(stem, n + k)->cls & XW_VERB;
}

/* Derives -ing, -ed and -s forms of lexicon verbs: "developing" and
 * "developed" from "develop", "planning" from "plan", "creates" from "create". */
static unsigned verb_form(const char *w, size_t n)
{
    char stem[48];
    if (n < 4 || n + 2 >= sizeof(stem))
        return 0;
    memcpy(stem, w, n);
    size_t m;
    unsigned form;
    if (n > 5 && !memcmp(w + n - 3, "ing", 3))
        m = n - 3, form = XW_ING;
    else if (n > 4 && !memcmp(w + n - 2, "ed", 2))
        m = n - 2, form = XW_ED;
    else if (w[n - 1] == 's' && w[n - 2] != 's')
        m = n - 1, form = XW_3S;
    else
        return 0;
    if (verb_of(stem, m, "") || verb_of(stem, m, "e") ||
        (form != XW_3S && stem[m - 1] == stem[m - 2] && verb_of(stem, m - 1, "")))
        return XW_VERB | form;
    /* "applies", "applied": y -> ie, y -> i */
    if (form == XW_3S && m >= 3 && stem[m - 1] == 'e' && stem[m - 2] == 'i' &&
        verb_of(stem, m - 2, "y"))
        return XW_VERB | form;
    if (form == XW_ED && m >= 2 && stem[m - 1] == 'i' && verb_of(stem, m - 1, "y"))
        return XW_VERB | form;
    if (form == XW_3S && m >= 1 && stem[m - 1] == 'e' && verb_of(stem, m - 1, ""))
        return XW_VERB | form;
    return 0;
}

unsigned img_extract_word(const char *text, size_t start, size_t end)
{
    char w[48];
    size_t n = 0;
    if (end - start >= sizeof(w))
        return 0;
    for (size_t i = start; i < end; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == 0xE2 && i + 2 < end && (unsigned char)text[i + 1] == 0x80 &&
            ((unsigned char)text[i + 2] == 0x99 || (unsigned char)text[i + 2] == 0x98)) {
            c = '\''; /* a curly apostrophe */
            i += 2;
        }
        w[n++] = (char)(c >= 'A' && c <= 'Z' ? c | 0x20 : c);
    }
    if (!n)
        return 0;
    if (!atomic_load_explicit(&lex_ready, memory_order_acquire))
        pthread_once(&lex_once, lex_build);
    unsigned cls = lex_slot(w, n)->cls;
    if (!(cls & XW_VERB))
        cls |= verb_form(w, n);
    if (!cls && n > 4 && w[n - 2] == 'l' && w[n - 1] == 'y')
        cls |= XW_LY;
    return cls;
}

/* ---- masks ---------------------------------------------------------------- */

/* Marks URLs, e-mail addresses and placeholders or markup ("<ORGANIZATION>"). */
static void mask_tokens(const char *text, const img_token_t *toks, size_t n, unsigned *cls)
{
    size_t i = 0;
    while (i < n) {
        /* a chunk: tokens with nothing between them ("http", ":", "/", "/", ...) */
        size_t j = i + 1;
        while (j < n && toks[j].start == toks[j - 1].end)
            j++;
        size_t s = toks[i].start, e = toks[j - 1].end;
        bool bad = false;
        /* '@' and ':' are tokens of their own: a one-token chunk has neither */
        for (size_t k = s; j - i > 1 && k < e && !bad; k++)
            bad = text[k] == '@' ||
                  (text[k] == ':' && k + 2 < e && text[k + 1] == '/' && text[k + 2] == '/');
        bad = bad || (e - s > 4 && img_text_ieq(text, s, s + 4, "www."));
        bad = bad || (j - i == 3 && img_extract_punct(text, &toks[i], '<') &&
                      img_extract_punct(text, &toks[j - 1], '>'));
        if (bad)
            for (size_t k = i; k < j; k++)
                cls[k] = XW_MASKED | XW_STOP | XW_NOSTART;
        i = j;
    }
}

/* ---- zones ---------------------------------------------------------------- */

typedef struct line_info {
    size_t words, seps, colon_at; /* colon_at: word count before the first ':' (0 none) */
    bool sentence_end;            /* '.', '!' or '?' after a word */
    bool ends_colon;
    unsigned head_cls; /* union of classes of the words before a colon (or all) */
    bool first_about, first_why;
    bool upper_first;
    bool we_first; /* opens with "We", "Our", "At <Company>" */
    bool asks;     /* names the candidate or asks for someone ("you", "looking for") */
    bool eeo;      /* an equal-opportunity statement */
} line_info_t;

static void scan_line(const char *text, const img_token_t *t, const unsigned *cls, size_t a,
                      size_t b, line_info_t *li)
{
    memset(li, 0, sizeof(*li));
    bool before_colon = true;
    size_t lead = 0; /* words seen while deciding we_first */
    for (size_t i = a; i < b; i++) {
        if (t[i].flags & IMG_TOK_PUNCT) {
            char c = text[t[i].start];
            if (c == ',' || c == ';' || c == '|' || c == '*' || c == '/')
                li->seps++;
            else if ((c == '.' || c == '!' || c == '?') && i > a &&
                     !(t[i - 1].flags & IMG_TOK_PUNCT))
                li->sentence_end = true;
            else if (c == ':' && !li->colon_at && li->words) {
                li->colon_at = li->words;
                before_colon = false;
            }
            continue;
        }
        if (!li->words) {
            li->first_about = img_extract_is(text, &t[i], "about");
            li->first_why = img_extract_is(text, &t[i], "why");
            li->upper_first = (t[i].flags & IMG_TOK_UPPER) != 0;
        }
        li->words++;
        unsigned c = cls[i];
        if (c & XW_MASKED) {
            /* "<ORGANIZATION> is a leader in ..." speaks for the employer */
            if (lead < 2 && li->words <= 2 && i > a && img_extract_punct(text, &t[i - 1], '<'))
                li->we_first = true;
            lead = 2;
            continue;
        }
        if (before_colon)
            li->head_cls |= c;
        if (lead < 2) {
            if (c & XW_WE)
                li->we_first = true, lead = 2;
            else if (lead == 0 && (c & XW_LEAD))
                lead = 1;
            else
                lead = 2;
        }
        if (c & (XW_SUBJ | XW_ASK))
            li->asks = true;
        if (c & XW_EEO)
            li->eeo = true;
    }
    li->ends_colon = b > a && img_extract_punct(text, &t[b - 1], ':');
    if (li->ends_colon && li->colon_at == li->words)
        li->colon_at = 0; /* "Skills:" alone: a heading, not an inline label */
}

/* The zone a heading (or an inline "Label:") opens; -1 when it names none. */
static int heading_zone(const line_info_t *li, unsigned flags)
{
    unsigned c = li->head_cls;
    bool skill = (c & XW_SKILLHEAD) != 0;
    bool noise =
        (c & XW_NOISEHEAD) || li->first_why || (li->first_about && !(c & (XW_SUBJ | XW_SKILLHEAD)));
    if (noise)
        return (flags & IMG_EXTRACT_DOC) ? XZ_NOISE : XZ_NEUTRAL;
    if (c & XW_LISTHEAD)
        return XZ_LIST;
    if (skill || (c & XW_SUBJ))
        return XZ_SKILL;
    if (c & XW_PLAINHEAD)
        return XZ_NEUTRAL;
    return -1;
}

static unsigned char *zones(const img_doc_t *doc, const img_token_t *toks, const unsigned *cls,
                            size_t n, unsigned flags, img_arena_t *arena, size_t *line0)
{
    *line0 = n ? toks[0].line : 0;
    size_t nl = n ? toks[n - 1].line - toks[0].line + 1 : 1;
    unsigned char *z = img_arena_alloc(arena, nl);
    if (flags & IMG_EXTRACT_LIST) {
        memset(z, XZ_LIST, nl);
        return z;
    }
    const char *text = doc->text;
    int state = XZ_NEUTRAL;
    bool list_block = false;
    size_t i = 0;
    while (i < n) {
        size_t a = i, line = toks[i].line;
        while (i < n && toks[i].line == line)
            i++;
        line_info_t li;
        scan_line(text, toks, cls, a, i, &li);
        bool bullet = doc->lines[line].bullet;
        bool heading_shape = li.words >= 1 && li.words <= 6 && !li.sentence_end && !bullet &&
                             li.seps == 0 && (li.ends_colon || li.upper_first);
        int hz = heading_shape ? heading_zone(&li, flags) : -1;
        if (heading_shape && (hz >= 0 || li.ends_colon)) {
            state = hz >= 0 ? hz : XZ_NEUTRAL;
            list_block = state == XZ_LIST;
            if (list_block)
                state = XZ_SKILL;
            z[line - *line0] = XZ_HEADING;
            continue;
        }
        if (li.colon_at && li.colon_at <= 4 && !bullet) {
            /* "Qualifications: ...", "To apply: ..." open a block too. */
            int lz = heading_zone(&li, flags);
            if (lz == XZ_NOISE || lz == XZ_SKILL || lz == XZ_NEUTRAL) {
                state = lz;
                list_block = false;
            }
        }
        int zl = state;
        if (li.eeo && (flags & IMG_EXTRACT_DOC))
            zl = XZ_NOISE;
        else if (li.we_first && !li.asks && state != XZ_NOISE)
            zl = XZ_COMPANY;
        else if (state != XZ_NOISE) {
            bool list_shape = li.seps >= 2 && li.words <= (li.seps + 1) * 4 && !li.sentence_end;
            bool label_list = li.colon_at && li.colon_at <= 4 && li.seps >= 1 &&
                              li.words - li.colon_at <= (li.seps + 1) * 4;
            if (list_shape || label_list || (list_block && li.words <= 12 && !li.sentence_end))
                zl = XZ_LIST;
        }
        z[line - *line0] = (unsigned char)zl;
    }
    return z;
}

void img_extract_prepare(const img_doc_t *doc, size_t start, size_t end, unsigned flags,
                         img_arena_t *arena, img_xprep_t *p)
{
    memset(p, 0, sizeof(*p));
    p->n = img_text_tokenize(doc, start, end, arena, &p->t);
    p->cls = img_arena_alloc(arena, (p->n ? p->n : 1) * sizeof(*p->cls));
    mask_tokens(doc->text, p->t, p->n, p->cls);
    if (flags & IMG_EXTRACT_LAZY)
        return;
    img_extract_prepare_classes(doc, flags, arena, p);
}

void img_extract_prepare_classes(const img_doc_t *doc, unsigned flags, img_arena_t *arena,
                                 img_xprep_t *p)
{
    if (p->zone)
        return;
    for (size_t i = 0; i < p->n; i++)
        if (!p->cls[i] && !(p->t[i].flags & IMG_TOK_PUNCT))
            p->cls[i] = img_extract_word(doc->text, p->t[i].start, p->t[i].end);
    p->zone = zones(doc, p->t, p->cls, p->n, flags, arena, &p->line0);
}
