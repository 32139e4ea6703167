/*
 * Unit tests for src/util/ratelimit.c: counting, windows, independence of
 * keys, and a full table that stays bounded.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "t.h"
#include "util/ratelimit.h"

static struct ratelimit_bucket slots[64];

TEST(counts_down_then_refuses)
{
    struct ratelimit rl;
    struct ratelimit_result r;
    ratelimit_init(&rl, slots, 64);
    int64_t now = 1000000;
    for (int i = 1; i <= 3; i++) {
        ratelimit_hit(&rl, "ip 1", 4, 3, 300000, now, &r);
        CHECK_INT(r.exceeded, 0);
        CHECK_INT(r.remaining, 3 - i);
        CHECK_INT(r.limit, 3);
    }
    CHECK_INT(r.reset_ms, 1200000); /* windows are aligned to the epoch */
    ratelimit_hit(&rl, "ip 1", 4, 3, 300000, now + 5, &r);
    CHECK_INT(r.exceeded, 1);
    CHECK_INT(r.remaining, 0);
    /* Another key has its own count. */
    ratelimit_hit(&rl, "ip 2", 4, 3, 300000, now, &r);
    CHECK_INT(r.exceeded, 0);
    CHECK_INT(r.remaining, 2);
    ratelimit_fini(&rl);
}

TEST(new_window_starts_over)
{
    struct ratelimit rl;
    struct ratelimit_result r;
    ratelimit_init(&rl, slots, 64);
    for (int i = 0; i < 5; i++)
        ratelimit_hit(&rl, "account 7", 9, 2, 1000, 10500, &r);
    CHECK_INT(r.exceeded, 1);
    ratelimit_hit(&rl, "account 7", 9, 2, 1000, 11000, &r);
    CHECK_INT(r.exceeded, 0);
    CHECK_INT(r.remaining, 1);
    CHECK_INT(r.reset_ms, 12000);
    ratelimit_fini(&rl);
}

TEST(many_keys_fit_in_the_table)
{
    struct ratelimit rl;
    struct ratelimit_result r;
    ratelimit_init(&rl, slots, 64);
    char key[32];
    /* Far more keys than slots: old buckets are evicted, nothing grows or breaks. */
    for (int i = 0; i < 10000; i++) {
        int n = snprintf(key, sizeof(key), "ip 10.0.%d.%d", i / 256, i % 256);
        ratelimit_hit(&rl, key, (size_t)n, 5, 60000, 1000 + i, &r);
        CHECK_INT(r.exceeded, 0);
    }
    /* A key just used is still counted. */
    int n = snprintf(key, sizeof(key), "ip 10.0.%d.%d", 9999 / 256, 9999 % 256);
    ratelimit_hit(&rl, key, (size_t)n, 5, 60000, 20000, &r);
    CHECK_INT(r.remaining, 3);
    ratelimit_fini(&rl);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    RUN(counts_down_then_refuses);
    RUN(new_window_starts_over);
    RUN(many_keys_fit_in_the_table);
    return t_done();
}
