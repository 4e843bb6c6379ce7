/* Fuzzes the JSON inputs: --skills-json and --insights-json (and the same
 * fields inside Kafka requests), through the strict parser and both readers. */
#include <stdint.h>
#include <string.h>

#include "pipeline/img_inputs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[256];
    json_object *obj = NULL;
    if (img_inputs_parse_json("fuzz", (const char *)data, size, &obj, err, sizeof(err)) != IMG_OK)
        return 0;
    img_arena_t *arena = img_arena_new(4096);
    img_input_skill_t *skills;
    size_t n;
    img_insights_t ins;
    (void)img_inputs_skills("fuzz", obj, arena, &skills, &n, err, sizeof(err));
    (void)img_inputs_insights("fuzz", obj, arena, &ins, err, sizeof(err));
    json_object_put(obj);
    img_arena_destroy(arena);
    return 0;
}
