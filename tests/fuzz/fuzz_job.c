/* libFuzzer target: the bytes as the job ad against the sample resume (fuzz_entry.h). */
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_entry.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *dir = getenv("IMG_SOURCE_DIR");
    if (fuzz_entry_init(dir ? dir : FUZZ_SOURCE_DIR) != 0)
        abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_entry_job(data, size);
    return 0;
}
