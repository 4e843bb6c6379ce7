/* Fuzzes the job-ad side: arbitrary bytes as the job ad, a fixed resume. */
#include <stdint.h>
#include <string.h>

#include "fuzz_common.h"

static const char resume[] =
    "Jane Roe\nEXPERIENCE\nSoftware Engineer at Acme Corp (2019 - Present)\n"
    "- Built REST APIs in Python and Go, cutting latency by 30%\n- Mentored two interns\n"
    "SKILLS\nPython, Go, Docker, PostgreSQL, C, R\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_pipeline(resume, sizeof(resume) - 1, (const char *)data, size);
    return 0;
}
