/* SPDX-License-Identifier: MIT */
/* Helpers for the segmenter unit tests: CHECK macros that count failures instead of
 * aborting, input opening, quiet FFmpeg logging. Header-only, test code only. */
#ifndef SLC_TEST_UTIL_H
#define SLC_TEST_UTIL_H

#include "slc_log.h"

#include <libavformat/avformat.h>
#include <libavutil/log.h>

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static int tu_failures;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);               \
            tu_failures++;                                                                         \
        }                                                                                          \
    } while (0)

#define CHECK_INT(a, b)                                                                            \
    do {                                                                                           \
        long long tu_a_ = (long long)(a), tu_b_ = (long long)(b);                                  \
        if (tu_a_ != tu_b_) {                                                                      \
            fprintf(stderr, "%s:%d: CHECK failed: %s == %s (%lld != %lld)\n", __FILE__, __LINE__,  \
                    #a, #b, tu_a_, tu_b_);                                                         \
            tu_failures++;                                                                         \
        }                                                                                          \
    } while (0)

#define CHECK_STR(a, b)                                                                            \
    do {                                                                                           \
        const char *tu_a_ = (a), *tu_b_ = (b);                                                     \
        if (strcmp(tu_a_, tu_b_) != 0) {                                                           \
            fprintf(stderr, "%s:%d: CHECK failed: %s == %s (\"%s\" != \"%s\")\n", __FILE__,        \
                    __LINE__, #a, #b, tu_a_, tu_b_);                                               \
            tu_failures++;                                                                         \
        }                                                                                          \
    } while (0)

/* FFmpeg's (and x264's) chatter, corrupt-input noise included, off; our warnings stay. */
static inline void tu_quiet(void)
{
    av_log_set_level(AV_LOG_FATAL);
    slc_log_set_level(SLC_LOG_WARN);
}

/* Open `dir`/`name` and read its stream info; NULL (and a failure counted) on error. */
static inline AVFormatContext *tu_open(const char *dir, const char *name)
{
    AVFormatContext *fmt = NULL;
    char path[1024];

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    if (avformat_open_input(&fmt, path, NULL, NULL) < 0 ||
        avformat_find_stream_info(fmt, NULL) < 0) {
        fprintf(stderr, "cannot open %s\n", path);
        avformat_close_input(&fmt);
        tu_failures++;
        return NULL;
    }
    return fmt;
}

/* Does Annex B data contain a NAL unit of H.264 `type`? */
static inline int tu_h264_has_nal(const uint8_t *p, int n, int type)
{
    for (int i = 0; i + 3 < n; i++) {
        if (p[i] == 0 && p[i + 1] == 0 && p[i + 2] == 1 && (p[i + 3] & 0x1f) == type) {
            return 1;
        }
    }
    return 0;
}

static inline double tu_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline int tu_result(const char *name)
{
    if (tu_failures) {
        fprintf(stderr, "%s: %d check(s) failed\n", name, tu_failures);
        return 1;
    }
    fprintf(stderr, "%s: ok\n", name);
    return 0;
}

#endif
