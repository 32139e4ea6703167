/*
 * ratelimit: fixed-window counters in a fixed table (see ratelimit.h).
 */
#include "util/ratelimit.h"

#include <assert.h>
#include <string.h>

#include <sodium.h>

void ratelimit_init(struct ratelimit *rl, struct ratelimit_bucket *slots, size_t n)
{
    assert(n >= RATELIMIT_PROBE && (n & (n - 1)) == 0);
    pthread_mutex_init(&rl->lock, NULL);
    memset(slots, 0, n * sizeof(*slots));
    rl->slots = slots;
    rl->n = n;
    crypto_shorthash_keygen(rl->secret);
}

void ratelimit_fini(struct ratelimit *rl)
{
    pthread_mutex_destroy(&rl->lock);
}

/* The keyed hash of key: never 0, which marks nothing (slots are told empty by reset_ms). */
static uint64_t key_hash(const struct ratelimit *rl, const void *key, size_t len)
{
    unsigned char h[crypto_shorthash_BYTES];
    crypto_shorthash(h, key, len, rl->secret);
    uint64_t k;
    memcpy(&k, h, sizeof(k));
    return k ? k : 1;
}

int ratelimit_peek(struct ratelimit *rl, const void *key, size_t len, int64_t now_ms,
                   int64_t *reset_ms)
{
    uint64_t k = key_hash(rl, key, len);
    int count = 0;
    *reset_ms = 0;
    pthread_mutex_lock(&rl->lock);
    for (size_t i = 0; i < RATELIMIT_PROBE; i++) {
        const struct ratelimit_bucket *s = &rl->slots[(k + i) & (rl->n - 1)];
        if (s->reset_ms && s->key == k) {
            if (s->reset_ms > now_ms) {
                count = s->count;
                *reset_ms = s->reset_ms;
            }
            break;
        }
    }
    pthread_mutex_unlock(&rl->lock);
    return count;
}

void ratelimit_hit(struct ratelimit *rl, const void *key, size_t len, int limit, int64_t period_ms,
                   int64_t now_ms, struct ratelimit_result *out)
{
    uint64_t k = key_hash(rl, key, len);
    int64_t reset = now_ms - now_ms % period_ms + period_ms;
    pthread_mutex_lock(&rl->lock);
    struct ratelimit_bucket *b = NULL, *free_slot = NULL, *oldest = NULL;
    for (size_t i = 0; i < RATELIMIT_PROBE; i++) {
        struct ratelimit_bucket *s = &rl->slots[(k + i) & (rl->n - 1)];
        if (s->reset_ms && s->key == k) {
            b = s;
            break;
        }
        if (!free_slot && s->reset_ms <= now_ms)
            free_slot = s;
        if (!oldest || s->reset_ms < oldest->reset_ms)
            oldest = s;
    }
    if (!b) {
        b = free_slot ? free_slot : oldest;
        b->key = k;
        b->reset_ms = 0;
    }
    if (b->reset_ms <= now_ms) {
        b->reset_ms = reset;
        b->count = 0;
    }
    if (b->count <= limit)
        b->count++;
    out->limit = limit;
    out->remaining = b->count >= limit ? 0 : limit - b->count;
    out->reset_ms = b->reset_ms;
    out->exceeded = b->count > limit;
    pthread_mutex_unlock(&rl->lock);
}
