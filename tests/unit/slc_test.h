/* SPDX-License-Identifier: MIT */
/* A tiny assertion helper for the plain C unit tests: each failed check prints file:line
 * and is counted; SLC_TEST_MAIN's summary prints "N passed, N failed" and the exit status
 * is non-zero if anything failed. Header only: include it in exactly one file per test
 * executable (it defines the counters). */
#ifndef SLC_TEST_H
#define SLC_TEST_H

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static unsigned slc_test_passed;
static unsigned slc_test_failed;

static inline int slc_test_report(int ok, const char *file, int line, const char *expr)
{
    if (ok) {
        slc_test_passed++;
    } else {
        slc_test_failed++;
        fprintf(stderr, "%s:%d: check failed: %s\n", file, line, expr);
    }
    return ok;
}

static inline int slc_test_int_eq(intmax_t a, intmax_t b, const char *file, int line,
                                  const char *ea, const char *eb)
{
    if (!slc_test_report(a == b, file, line, "integers equal")) {
        fprintf(stderr, "    %s == %jd\n    %s == %jd\n", ea, a, eb, b);
        return 0;
    }
    return 1;
}

static inline int slc_test_str_eq(const char *a, const char *b, const char *file, int line,
                                  const char *ea, const char *eb)
{
    int ok = (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);

    if (!slc_test_report(ok, file, line, "strings equal")) {
        fprintf(stderr, "    %s ==\n\"%s\"\n    %s ==\n\"%s\"\n", ea, a ? a : "(null)", eb,
                b ? b : "(null)");
        return 0;
    }
    return 1;
}

/** Each check evaluates its arguments once and yields 1 (passed) or 0 (failed). */
#define SLC_CHECK(cond) slc_test_report(!!(cond), __FILE__, __LINE__, #cond)
#define SLC_CHECK_INT_EQ(a, b)                                                                     \
    slc_test_int_eq((intmax_t)(a), (intmax_t)(b), __FILE__, __LINE__, #a, #b)
#define SLC_CHECK_STR_EQ(a, b) slc_test_str_eq((a), (b), __FILE__, __LINE__, #a, #b)

/** Run one test function, naming it on failure. */
#define SLC_RUN(fn)                                                                                \
    do {                                                                                           \
        unsigned slc_failed_before_ = slc_test_failed;                                             \
        fn();                                                                                      \
        if (slc_test_failed != slc_failed_before_) {                                               \
            fprintf(stderr, "FAILED: %s\n", #fn);                                                  \
        }                                                                                          \
    } while (0)

/** Print the summary and give main's return value. */
static inline int slc_test_summary(const char *name)
{
    printf("%s: %u passed, %u failed\n", name, slc_test_passed, slc_test_failed);
    return slc_test_failed ? 1 : 0;
}

#endif
