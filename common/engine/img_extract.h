/*
 * img_extract.h - skill mentions in a document, with evidence spans and
 * ambiguity guards. The same extractor serves the resume and the job ad.
 *
 * Ownership: mentions are allocated in the arena given. Pure otherwise;
 * thread-safe given a read-only taxonomy.
 */
#ifndef IMG_EXTRACT_H
#define IMG_EXTRACT_H

#include "img_model.h"
#include "img_tax.h"

typedef struct img_mention {
    int skill;         /* taxonomy id */
    size_t start, end; /* the surface text in the document */
    size_t line;       /* line index */
} img_mention_t;

/* Region hints for the ambiguity guards. */
enum {
    IMG_EXTRACT_LIST = 1 << 0,  /* the region is a skills list: ambiguous words count */
    IMG_EXTRACT_DOC = 1 << 1,   /* the region is a whole job ad or resume: headings and
                                   blocks that name no skills (benefits, about the
                                   company, how to apply) are skipped */
    IMG_EXTRACT_RESUME = 1 << 2 /* the region is (part of) a resume: phrases are only
                                   list items and named abilities ("experience in X",
                                   "<x> skills"); verb-led lines are achievements */
};

/* Finds skill mentions in doc->text[start..end), left to right, longest match
 * first, non-overlapping. `ctx` (IMG_TAX_CTX) skills count only in a list
 * region, in a comma/slash-separated run of other skills, or next to a cue
 * ("programming in Go", "R scripts", "Swift developer"). Single letters (C, R)
 * need their case and a list, a run or a cue right beside them; "Java" the
 * island and "excel at/in" never count. "C/C++" names C and C++; "PHP5" names
 * PHP. URLs, e-mail addresses and "<PLACEHOLDERS>" name nothing. Returns the
 * count; *out (in the arena) is NULL when there are none. */
size_t img_extract_mentions(const img_tax_t *tax, const img_doc_t *doc, size_t start, size_t end,
                            unsigned flags, img_arena_t *arena, img_mention_t **out);

/* Skill phrases the taxonomy does not know ("develop scalable backend
 * services", "stakeholder reporting"): spans after cues such as "experience
 * with", "knowledge of", "ability to", "proficiency in", "you will", verbs
 * opening a requirement or bullet, "<x> skills", and items of skills lists.
 * A phrase lies on one line, has at most eight tokens and is never exactly
 * one taxonomy name (a mention covers those); spans are in document order.
 * Used for job.skills of uncatalogued requirements and for the benchmarks. */
size_t img_extract_phrases(const img_tax_t *tax, const img_doc_t *doc, size_t start, size_t end,
                           unsigned flags, img_arena_t *arena, img_span_t **out);

#endif
