/* SPDX-License-Identifier: MIT */
/* Logging to a replaceable sink; lines are formatted into a bounded stack buffer. */
#include "slc_log.h"

#include <pthread.h>
#include <stdio.h>
#include <time.h>

#define LOG_LINE_MAX 1024

static enum slc_log_level g_level = SLC_LOG_INFO;
static slc_log_sink_fn g_sink;
static void *g_sink_opaque;
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;

void slc_log_set_level(enum slc_log_level level)
{
    g_level = level;
}

enum slc_log_level slc_log_get_level(void)
{
    return g_level;
}

void slc_log_set_sink(slc_log_sink_fn fn, void *opaque)
{
    g_sink = fn;
    g_sink_opaque = opaque;
}

static const char *level_prefix(enum slc_log_level level)
{
    switch (level) {
    case SLC_LOG_ERROR:
        return "error: ";
    case SLC_LOG_WARN:
        return "warning: ";
    default:
        return "";
    }
}

void slc_logv(enum slc_log_level level, const char *fmt, va_list ap)
{
    char line[LOG_LINE_MAX];
    int n;

    if (level > g_level) {
        return;
    }
    n = vsnprintf(line, sizeof(line), fmt, ap);
    if (n < 0) {
        return;
    }
    /* Strip trailing newlines: FFmpeg's messages carry them, our lines don't. */
    for (size_t len = (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1;
         len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'); len--) {
        line[len - 1] = '\0';
    }
    pthread_mutex_lock(&g_lock);
    if (g_sink) {
        g_sink(g_sink_opaque, level, line);
    } else {
        fprintf(stderr, "sluice: %s%s\n", level_prefix(level), line);
    }
    pthread_mutex_unlock(&g_lock);
}

void slc_log(enum slc_log_level level, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    slc_logv(level, fmt, ap);
    va_end(ap);
}

int slc_log_limit_pass(struct slc_log_limit *l, const char *what)
{
    struct timespec ts;
    int64_t now;
    unsigned burst = l->burst ? l->burst : 5;
    int64_t window = (int64_t)(l->window_s ? l->window_s : 10) * 1000000;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    now = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
    if (l->n == 0 || now - l->start_us >= window) {
        if (l->dropped) {
            slc_log_warn("%s: %llu more like it in the last %u s", what, l->dropped,
                         (unsigned)(window / 1000000));
        }
        l->start_us = now;
        l->n = 0;
        l->dropped = 0;
    }
    if (l->n < burst) {
        l->n++;
        return 1;
    }
    l->dropped++;
    return 0;
}
