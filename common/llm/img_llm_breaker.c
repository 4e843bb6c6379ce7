#include "img_llm_breaker.h"

void img_llm_breaker_init(img_llm_breaker_t *b, int threshold, int64_t cooldown_ms)
{
    b->state = IMG_BREAKER_CLOSED;
    b->failures = 0;
    b->threshold = threshold < 1 ? 1 : threshold;
    b->cooldown_ms = cooldown_ms < 0 ? 0 : cooldown_ms;
    b->opened_at = 0;
    b->probe_out = false;
}

bool img_llm_breaker_allow(img_llm_breaker_t *b, int64_t now_ms)
{
    switch (b->state) {
    case IMG_BREAKER_CLOSED:
        return true;
    case IMG_BREAKER_OPEN:
        if (now_ms - b->opened_at < b->cooldown_ms)
            return false;
        b->state = IMG_BREAKER_HALF_OPEN;
        b->probe_out = true;
        return true;
    case IMG_BREAKER_HALF_OPEN:
    default:
        if (b->probe_out)
            return false;
        b->probe_out = true;
        return true;
    }
}

void img_llm_breaker_success(img_llm_breaker_t *b)
{
    b->state = IMG_BREAKER_CLOSED;
    b->failures = 0;
    b->probe_out = false;
}

void img_llm_breaker_failure(img_llm_breaker_t *b, int64_t now_ms)
{
    b->failures++;
    if (b->state == IMG_BREAKER_HALF_OPEN || b->failures >= b->threshold) {
        b->state = IMG_BREAKER_OPEN;
        b->opened_at = now_ms;
        b->probe_out = false;
    }
}

const char *img_llm_breaker_state_name(img_llm_breaker_state_t s)
{
    return s == IMG_BREAKER_CLOSED ? "closed" : s == IMG_BREAKER_OPEN ? "open" : "half_open";
}
