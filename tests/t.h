/*
 * t.h: the unit test harness. A test binary defines test functions with
 * TEST(name), lists them in main() with RUN(name), and ends with
 * return t_done(); which prints "N passed, N failed" and returns the exit
 * status. A CHECK failure prints where and marks the current test failed;
 * the test goes on, so one run shows every broken expectation.
 */
#ifndef HEARTH_TESTS_T_H
#define HEARTH_TESTS_T_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int t_passed, t_failed, t_cur_failed;
static const char *t_cur_name;

#define TEST(name) static void test_##name(void)

#define RUN(name)                                                                                  \
    do {                                                                                           \
        t_cur_name = #name;                                                                        \
        t_cur_failed = 0;                                                                          \
        test_##name();                                                                             \
        if (t_cur_failed) {                                                                        \
            t_failed++;                                                                            \
            fprintf(stderr, "FAIL %s\n", #name);                                                   \
        } else {                                                                                   \
            t_passed++;                                                                            \
        }                                                                                          \
    } while (0)

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: %s: CHECK(%s) failed\n", __FILE__, __LINE__, t_cur_name,       \
                    #cond);                                                                        \
            t_cur_failed = 1;                                                                      \
        }                                                                                          \
    } while (0)

#define CHECK_INT(a, b)                                                                            \
    do {                                                                                           \
        long long t_a_ = (long long)(a), t_b_ = (long long)(b);                                    \
        if (t_a_ != t_b_) {                                                                        \
            fprintf(stderr, "%s:%d: %s: %s == %lld, expected %lld\n", __FILE__, __LINE__,          \
                    t_cur_name, #a, t_a_, t_b_);                                                   \
            t_cur_failed = 1;                                                                      \
        }                                                                                          \
    } while (0)

#define CHECK_STR(a, b)                                                                            \
    do {                                                                                           \
        const char *t_a_ = (a), *t_b_ = (b);                                                       \
        if (!t_a_ || !t_b_ || strcmp(t_a_, t_b_) != 0) {                                           \
            fprintf(stderr, "%s:%d: %s: %s ==\n  \"%s\"\nexpected\n  \"%s\"\n", __FILE__,          \
                    __LINE__, t_cur_name, #a, t_a_ ? t_a_ : "(null)", t_b_ ? t_b_ : "(null)");     \
            t_cur_failed = 1;                                                                      \
        }                                                                                          \
    } while (0)

static inline int t_done(void)
{
    printf("%d passed, %d failed\n", t_passed, t_failed);
    return t_failed ? 1 : 0;
}

#endif
