/*
 * The worker's offset bookkeeping: Kafka is told "consumed up to here" only
 * for the contiguous finished prefix of each partition, whatever order the
 * requests finish in; a revoked partition drains until nothing is pending or
 * its deadline passes; completions from an older assignment are ignored; and
 * back-pressure pauses exactly the partitions over their caps.
 */
#include <string.h>

#include "test_support.h"
#include "img_worker_offsets.h"

static void test_prefix_out_of_order(void **state)
{
    (void)state;
    img_wo_t wo;
    img_wo_init(&wo);
    img_wo_part_t *p = img_wo_assign(&wo, "req", 0);
    int64_t off;
    for (int64_t o = 10; o < 15; o++)
        assert_true(img_wo_add(&wo, p, o));
    assert_int_equal(p->pending, 5);
    assert_int_equal(wo.pending, 5);
    assert_int_equal(img_wo_committable(p), -1);
    assert_false(img_wo_take_store(p, &off));

    /* 12 and 14 finish first: nothing may be committed yet. */
    assert_true(img_wo_done(&wo, "req", 0, p->gen, 12));
    assert_true(img_wo_done(&wo, "req", 0, p->gen, 14));
    assert_int_equal(img_wo_committable(p), -1);
    assert_false(img_wo_take_store(p, &off));
    /* 10 finishes: the prefix is 10 only. */
    assert_true(img_wo_done(&wo, "req", 0, p->gen, 10));
    assert_int_equal(img_wo_committable(p), 11);
    assert_true(img_wo_take_store(p, &off));
    assert_int_equal(off, 11);
    assert_false(img_wo_take_store(p, &off));
    /* 11 finishes: the prefix jumps over the finished 12 to 13. */
    assert_true(img_wo_done(&wo, "req", 0, p->gen, 11));
    assert_int_equal(img_wo_committable(p), 13);
    /* Done twice, unknown offsets: refused, nothing moves. */
    assert_false(img_wo_done(&wo, "req", 0, p->gen, 11));
    assert_false(img_wo_done(&wo, "req", 0, p->gen, 99));
    assert_false(img_wo_done(&wo, "req", 0, p->gen, 9));
    assert_int_equal(p->pending, 1);
    assert_true(img_wo_done(&wo, "req", 0, p->gen, 13));
    assert_int_equal(img_wo_committable(p), 15);
    assert_true(img_wo_take_store(p, &off));
    assert_int_equal(off, 15);
    assert_int_equal(p->pending, 0);
    assert_int_equal(wo.pending, 0);
    img_wo_free(&wo);
}

static void test_gaps_and_duplicates(void **state)
{
    (void)state;
    img_wo_t wo;
    img_wo_init(&wo);
    img_wo_part_t *p = img_wo_assign(&wo, "req", 3);
    /* Offsets need not be dense (compaction, transaction markers). */
    assert_true(img_wo_add(&wo, p, 5));
    assert_true(img_wo_add(&wo, p, 8));
    assert_true(img_wo_add(&wo, p, 20));
    /* A redelivered or older offset is not added twice. */
    assert_false(img_wo_add(&wo, p, 8));
    assert_false(img_wo_add(&wo, p, 6));
    assert_false(img_wo_add(&wo, p, -1));
    assert_int_equal(p->pending, 3);
    assert_true(img_wo_done(&wo, "req", 3, p->gen, 8));
    assert_true(img_wo_done(&wo, "req", 3, p->gen, 5));
    assert_int_equal(img_wo_committable(p), 9);
    assert_true(img_wo_done(&wo, "req", 3, p->gen, 20));
    assert_int_equal(img_wo_committable(p), 21);
    img_wo_free(&wo);
}

/* Many messages, finished in a scrambled order, through ring growth. */
static void test_ring_growth(void **state)
{
    (void)state;
    img_wo_t wo;
    img_wo_init(&wo);
    img_wo_part_t *p = img_wo_assign(&wo, "req", 1);
    enum { N = 1000 };
    int64_t expect = -1;
    for (int64_t o = 0; o < N; o++)
        assert_true(img_wo_add(&wo, p, o));
    /* Finish evens first, then odds: the prefix moves only with the odds. */
    for (int64_t o = 0; o < N; o += 2) {
        assert_true(img_wo_done(&wo, "req", 1, p->gen, o));
        assert_int_equal(img_wo_committable(p), o == 0 ? 1 : expect);
        if (o == 0)
            expect = 1;
    }
    for (int64_t o = 1; o < N; o += 2) {
        assert_true(img_wo_done(&wo, "req", 1, p->gen, o));
        assert_int_equal(img_wo_committable(p), o + 2 > N ? N : o + 2);
        /* Interleave new arrivals with completions. */
        if (o % 100 == 1)
            assert_true(img_wo_add(&wo, p, N + o));
    }
    assert_int_equal(p->pending, 10);
    for (int64_t o = 1; o < N; o += 100)
        assert_true(img_wo_done(&wo, "req", 1, p->gen, N + o));
    assert_int_equal(img_wo_committable(p), N + N - 99 + 1);
    assert_int_equal(p->pending, 0);
    img_wo_free(&wo);
}

static void test_revoke_and_generations(void **state)
{
    (void)state;
    img_wo_t wo;
    img_wo_init(&wo);
    img_wo_part_t *a = img_wo_assign(&wo, "req", 0);
    img_wo_part_t *b = img_wo_assign(&wo, "req", 1);
    img_wo_part_t *c = img_wo_assign(&wo, "other", 0);
    assert_true(a != b && b != c);
    assert_true(a->gen != b->gen);
    assert_ptr_equal(img_wo_find(&wo, "other", 0), c);
    assert_null(img_wo_find(&wo, "other", 1));
    for (int64_t o = 0; o < 3; o++) {
        assert_true(img_wo_add(&wo, a, o));
        assert_true(img_wo_add(&wo, b, o));
    }
    uint64_t gen_a = a->gen;
    assert_int_equal(wo.pending, 6);

    /* Revoking a: it drains; b is untouched. */
    img_wo_revoke(&wo, "req", 0, 1000);
    img_wo_revoke(&wo, "nope", 7, 1000); /* not tracked: no-op */
    assert_true(a->revoking);
    assert_false(b->revoking);
    assert_false(img_wo_drained(b, 5000));
    assert_false(img_wo_drained(a, 10));
    assert_true(img_wo_done(&wo, "req", 0, gen_a, 0));
    assert_true(img_wo_done(&wo, "req", 0, gen_a, 2));
    assert_false(img_wo_drained(a, 999));
    /* The deadline passes with offset 1 still running: drained anyway, and
     * only the finished prefix (up to 1) may be stored. */
    assert_true(img_wo_drained(a, 1000));
    int64_t off;
    assert_true(img_wo_take_store(a, &off));
    assert_int_equal(off, 1);
    img_wo_remove(&wo, a);
    assert_null(img_wo_find(&wo, "req", 0));
    assert_int_equal(wo.pending, 3);
    /* The late completion of the revoked partition is ignored... */
    assert_false(img_wo_done(&wo, "req", 0, gen_a, 1));
    /* ...also after the partition comes back: a new generation. */
    img_wo_part_t *a2 = img_wo_assign(&wo, "req", 0);
    assert_true(a2->gen != gen_a);
    assert_true(img_wo_add(&wo, a2, 1));
    assert_false(img_wo_done(&wo, "req", 0, gen_a, 1));
    assert_int_equal(a2->pending, 1);
    assert_true(img_wo_done(&wo, "req", 0, a2->gen, 1));
    assert_int_equal(img_wo_committable(a2), 2);

    /* Revoked, then assigned again before it drained: the drain ends, same generation. */
    uint64_t gen_b = b->gen;
    img_wo_revoke(&wo, "req", 1, 50);
    assert_ptr_equal(img_wo_assign(&wo, "req", 1), b);
    assert_false(b->revoking);
    assert_int_equal(b->gen, gen_b);
    assert_false(img_wo_drained(b, 100000));
    /* A drained partition with nothing pending drains before its deadline. */
    img_wo_revoke(&wo, "other", 0, 1000000);
    assert_true(img_wo_drained(c, 0));
    img_wo_free(&wo);
}

/* Messages taken but never started (revoked or shutting down) are forgotten:
 * they do not hold up a drain, and they are never committed past. */
static void test_forget(void **state)
{
    (void)state;
    img_wo_t wo;
    img_wo_init(&wo);
    img_wo_part_t *p = img_wo_assign(&wo, "req", 0);
    for (int64_t o = 0; o < 4; o++)
        assert_true(img_wo_add(&wo, p, o));
    /* 0 and 1 run; 2 and 3 were still queued when the partition was revoked. */
    img_wo_revoke(&wo, "req", 0, 1000);
    assert_true(img_wo_forget(&wo, "req", 0, p->gen, 2));
    assert_true(img_wo_forget(&wo, "req", 0, p->gen, 3));
    assert_false(img_wo_forget(&wo, "req", 0, p->gen, 3));     /* twice */
    assert_false(img_wo_forget(&wo, "req", 0, p->gen + 1, 1)); /* stale */
    assert_int_equal(p->pending, 2);
    assert_int_equal(wo.pending, 2);
    assert_false(img_wo_drained(p, 10));
    /* A forgotten message cannot be completed. */
    assert_false(img_wo_done(&wo, "req", 0, p->gen, 2));
    assert_true(img_wo_done(&wo, "req", 0, p->gen, 1));
    assert_false(img_wo_drained(p, 10));
    assert_true(img_wo_done(&wo, "req", 0, p->gen, 0));
    /* Drained before the deadline: nothing runs any more. */
    assert_true(img_wo_drained(p, 10));
    /* The prefix stops before the forgotten 2: it is delivered again. */
    assert_int_equal(img_wo_committable(p), 2);
    int64_t off;
    assert_true(img_wo_take_store(p, &off));
    assert_int_equal(off, 2);
    assert_int_equal(wo.pending, 0);
    /* A forgotten running message is not possible after done, nor before add. */
    assert_false(img_wo_forget(&wo, "req", 0, p->gen, 0));
    assert_false(img_wo_forget(&wo, "req", 0, p->gen, 9));
    /* Flow counts only pending messages. */
    assert_int_equal(img_wo_flow(&wo, 1, 1, false), 0);
    assert_false(p->want_paused);
    img_wo_free(&wo);
}

static void test_flow(void **state)
{
    (void)state;
    img_wo_t wo;
    img_wo_init(&wo);
    img_wo_part_t *a = img_wo_assign(&wo, "req", 0);
    img_wo_part_t *b = img_wo_assign(&wo, "req", 1);
    assert_int_equal(img_wo_flow(&wo, 4, 2, false), 0);
    assert_true(img_wo_add(&wo, a, 0));
    assert_true(img_wo_add(&wo, a, 1));
    /* a reached its per-partition cap; b did not. */
    assert_int_equal(img_wo_flow(&wo, 4, 2, false), 1);
    assert_true(a->want_paused);
    assert_false(b->want_paused);
    a->paused = a->want_paused;
    assert_int_equal(img_wo_flow(&wo, 4, 2, false), 0);
    /* The total cap pauses everyone. */
    assert_true(img_wo_add(&wo, b, 0));
    assert_true(img_wo_add(&wo, b, 1));
    assert_int_equal(img_wo_flow(&wo, 3, 5, false), 1);
    assert_true(a->want_paused && b->want_paused);
    b->paused = true;
    /* Completions resume. */
    assert_true(img_wo_done(&wo, "req", 0, a->gen, 1));
    assert_int_equal(img_wo_flow(&wo, 4, 2, false), 1);
    assert_false(a->want_paused);
    assert_true(b->want_paused); /* b holds 2, its cap */
    a->paused = false;
    /* stop_all (shutdown, database down) pauses all, whatever the counts. */
    assert_true(img_wo_done(&wo, "req", 1, b->gen, 0));
    assert_int_equal(img_wo_flow(&wo, 100, 100, true), 1);
    assert_true(a->want_paused && b->want_paused);
    /* Caps of 0 mean unlimited. */
    b->paused = false;
    a->paused = true;
    assert_int_equal(img_wo_flow(&wo, 0, 0, false), 1);
    assert_false(a->want_paused || b->want_paused);
    img_wo_free(&wo);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_prefix_out_of_order),
                                       cmocka_unit_test(test_gaps_and_duplicates),
                                       cmocka_unit_test(test_ring_growth),
                                       cmocka_unit_test(test_revoke_and_generations),
                                       cmocka_unit_test(test_forget),
                                       cmocka_unit_test(test_flow)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
