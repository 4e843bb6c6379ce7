/* Fuzzes the resume side: arbitrary bytes as the resume, a fixed job ad. */
#include <stdint.h>
#include <string.h>

#include "fuzz_common.h"

static const char job[] = "Backend Engineer\nRequirements:\n- 3+ years of Python or Go\n"
                          "- Docker, Kubernetes\nNice to have:\n- AWS is a plus\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_pipeline((const char *)data, size, job, sizeof(job) - 1);
    return 0;
}
