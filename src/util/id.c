/*
 * id: time-ordered ids. The sequence is atomic so that concurrent threads
 * never hand out the same id; a clock that goes backwards is clamped to the
 * last time used, so ids stay increasing within the process.
 */
#include "util/id.h"

#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

#include <sodium.h>

#include "util/err.h"

static _Atomic uint64_t last_id;

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t id_for_time(int64_t ms)
{
    if (ms < 0)
        ms = 0;
    uint16_t seq = (uint16_t)randombytes_uniform(0x8000);
    return (int64_t)(((uint64_t)ms << 16) | seq);
}

int64_t id_next(void)
{
    uint64_t want = ((uint64_t)now_ms()) << 16 | (uint16_t)randombytes_uniform(0x4000);
    uint64_t prev = atomic_load(&last_id);
    for (;;) {
        uint64_t next = want > prev ? want : prev + 1;
        if (atomic_compare_exchange_weak(&last_id, &prev, next))
            return (int64_t)next;
    }
}

int64_t id_floor(int64_t ms)
{
    if (ms < 0)
        ms = 0;
    return (int64_t)((uint64_t)ms << 16);
}

int64_t id_time_ms(int64_t id)
{
    return (int64_t)((uint64_t)id >> 16);
}

char *id_to_str(int64_t id, char out[ID_STR_MAX])
{
    snprintf(out, ID_STR_MAX, "%lld", (long long)id);
    return out;
}

int id_from_str(const char *s, int64_t *out)
{
    if (!s || !*s)
        return E_INVAL;
    uint64_t v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return E_INVAL;
        if (p - s >= 19 && v > (uint64_t)INT64_MAX / 10)
            return E_INVAL;
        v = v * 10 + (uint64_t)(*p - '0');
        if (v > (uint64_t)INT64_MAX)
            return E_INVAL;
    }
    *out = (int64_t)v;
    return 0;
}
