/*
 * ratelimit: request counters in fixed time windows, in bounded memory.
 *
 * A table of buckets that the caller provides (a fixed array: memory
 * never grows), guarded by a mutex. A key (any bytes: "account 12",
 * "ip 192.0.2.1") is hashed with a keyed SipHash, so clients cannot aim
 * collisions at one slot; a bucket counts hits in windows of period_ms
 * aligned to the epoch, and resets when its window is over. A key is
 * looked for in RATELIMIT_PROBE neighbouring slots; a new key takes an
 * empty or expired slot there, or else evicts the bucket whose window ends
 * first (under a flood of new keys an old client may get a fresh count:
 * the price of bounded memory).
 */
#ifndef HEARTH_UTIL_RATELIMIT_H
#define HEARTH_UTIL_RATELIMIT_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#define RATELIMIT_PROBE 8

struct ratelimit_bucket {
    uint64_t key;
    int64_t reset_ms; /* end of the window; 0: empty */
    int32_t count;
};

struct ratelimit {
    pthread_mutex_t lock;
    struct ratelimit_bucket *slots; /* borrowed */
    size_t n;                       /* a power of two */
    unsigned char secret[16];       /* the SipHash key, random */
};

/* What one hit found out. */
struct ratelimit_result {
    int limit;
    int remaining;    /* never below 0 */
    int64_t reset_ms; /* when the window ends (epoch milliseconds) */
    int exceeded;     /* this hit was over the limit */
};

/* Sets up rl over slots[n] (n a power of two; zeroed here). */
void ratelimit_init(struct ratelimit *rl, struct ratelimit_bucket *slots, size_t n);
void ratelimit_fini(struct ratelimit *rl);
/*
 * Counts one hit of key (len bytes) against limit per period_ms at time
 * now_ms, and reports the bucket's state after it.
 */
void ratelimit_hit(struct ratelimit *rl, const void *key, size_t len, int limit, int64_t period_ms,
                   int64_t now_ms, struct ratelimit_result *out);

/*
 * The hits key has in its current window (0 when none or the window is
 * over), without counting one; *reset_ms is when that window ends.
 */
int ratelimit_peek(struct ratelimit *rl, const void *key, size_t len, int64_t now_ms,
                   int64_t *reset_ms);

#endif
