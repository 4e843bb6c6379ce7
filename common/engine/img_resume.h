/*
 * img_resume.h - resume structure: sections and experiences.
 *
 * Both read analysis->resume and write into the analysis (arena-owned).
 * Pure; thread-safe per analysis.
 */
#ifndef IMG_RESUME_H
#define IMG_RESUME_H

#include "img_model.h"

/* Splits analysis->resume into sections (heading variants: "Experience",
 * "WORK EXPERIENCE", "Professional Experience:", "Employment History",
 * "Skills", "Technical Skills", "Core Competencies", "Education", ...).
 * Without headings, the whole resume is one IMG_SEC_NONE section and later
 * stages infer experiences from date lines. Fills analysis->sections. */
void img_resume_sections(img_analysis_t *analysis);

/* Parses experiences from experience sections (or the whole resume when no
 * experience heading exists): title, company, location, start/end, current,
 * months (against analysis->opts.as_of), bullets. Date forms: "Jan 2020 –
 * Present", "2018-2021", "03/2019 - 06/2021", "January 2018 to Present",
 * "2019 – now", "(2020-2024)", "September 2017 onwards"; layouts: one line
 * "Title at Company (2018-2020)", "Title, Company", "Company — Title", "Title —
 * Company" followed by a date line, title and company on separate lines.
 * Fills analysis->experiences (skills[] is filled later by img_skills_build). */
void img_resume_experiences(img_analysis_t *analysis);

/* Finds a date range in text[start..end). Returns true and fills the span of
 * the dates and the months; `current` for Present/now/current/onwards/today. */
bool img_resume_find_dates(const char *text, size_t start, size_t end, img_ym_t *from, img_ym_t *to,
                           bool *current, size_t *dstart, size_t *dend);

/* The section kind whose body contains byte offset pos. */
img_section_kind_t img_resume_section_at(const img_analysis_t *analysis, size_t pos);

#endif
