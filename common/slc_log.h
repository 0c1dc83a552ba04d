/* SPDX-License-Identifier: MIT */
/* Logging: one line per event, routed to a replaceable sink (stderr by default).
 * The libraries log only through this; FFmpeg's and libmicrohttpd's loggers are routed here. */
#ifndef SLC_LOG_H
#define SLC_LOG_H

#include <stdarg.h>
#include <stdint.h>

enum slc_log_level {
    SLC_LOG_ERROR = 0,
    SLC_LOG_WARN = 1,
    SLC_LOG_INFO = 2,
    SLC_LOG_DEBUG = 3,
};

/** Sink for log lines: receives a formatted line without trailing newline. */
typedef void (*slc_log_sink_fn)(void *opaque, enum slc_log_level level, const char *line);

/** Set the most verbose level that is emitted (default SLC_LOG_INFO). Not thread-safe. */
void slc_log_set_level(enum slc_log_level level);
enum slc_log_level slc_log_get_level(void);

/** Replace the sink (NULL restores stderr). Not thread-safe; set it before starting threads. */
void slc_log_set_sink(slc_log_sink_fn fn, void *opaque);

/** Format and emit one line. Thread-safe: each line is written whole. */
void slc_log(enum slc_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void slc_logv(enum slc_log_level level, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/* A budget for a warning that input can repeat at packet rate (a second encoder on the same
 * UDP port makes every packet a timestamp jump): at most `burst` lines per `window_s`
 * seconds; the first line of the next window says how many were left out. One per object
 * (not shared between threads); zero-initialised = 5 lines per 10 s. */
struct slc_log_limit {
    unsigned burst;    /* 0: 5 */
    unsigned window_s; /* 0: 10 */
    int64_t start_us;
    unsigned n;
    unsigned long long dropped;
};

/** 1: log this line (after a line about the ones dropped since, if any); 0: drop it. */
int slc_log_limit_pass(struct slc_log_limit *l, const char *what);

#define slc_log_error(...) slc_log(SLC_LOG_ERROR, __VA_ARGS__)
#define slc_log_warn(...) slc_log(SLC_LOG_WARN, __VA_ARGS__)
#define slc_log_info(...) slc_log(SLC_LOG_INFO, __VA_ARGS__)
#define slc_log_debug(...) slc_log(SLC_LOG_DEBUG, __VA_ARGS__)

#endif
