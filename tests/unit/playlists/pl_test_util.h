/* SPDX-License-Identifier: MIT */
/* Shared helpers of the playlists/ unit tests: build segments and render playlists. */
#ifndef PL_TEST_UTIL_H
#define PL_TEST_UTIL_H

#include "slc_buf.h"
#include "slc_err.h"
#include "slc_log.h"
#include "slc_playlist.h"

#include <stdlib.h>
#include <string.h>

static inline struct slc_pl_segment pl_test_seg(const char *uri, int64_t us)
{
    struct slc_pl_segment s = {0};

    s.uri = (char *)uri;
    s.duration_us = us;
    s.byterange_length = -1;
    s.byterange_offset = -1;
    return s;
}

/* Append a segment; returns add_segment's result. */
static inline int pl_test_add(struct slc_pl_media *pl, const char *uri, int64_t us, int disc)
{
    struct slc_pl_segment s = pl_test_seg(uri, us);

    s.discontinuity = disc;
    return slc_pl_media_add_segment(pl, &s);
}

/* Render into a fresh malloc'd string (NULL on failure, *ret set). Caller frees. */
static inline char *pl_test_write(const struct slc_pl_media *pl, const char *base, int *ret)
{
    struct slc_buf b;

    slc_buf_init(&b, 0);
    *ret = slc_pl_media_write(pl, base, &b);
    if (*ret < 0) {
        slc_buf_deinit(&b);
        return NULL;
    }
    return slc_buf_detach(&b, NULL);
}

static inline char *pl_test_write_multi(const struct slc_pl_multivariant *mv, int *ret)
{
    struct slc_buf b;

    slc_buf_init(&b, 0);
    *ret = slc_pl_multi_write(mv, &b);
    if (*ret < 0) {
        slc_buf_deinit(&b);
        return NULL;
    }
    return slc_buf_detach(&b, NULL);
}

/* Writers log expected failures at error level; tests that provoke them stay quiet. */
static inline void pl_test_quiet_sink(void *opaque, enum slc_log_level level, const char *line)
{
    (void)opaque;
    (void)level;
    (void)line;
}

static inline void pl_test_quiet(void)
{
    slc_log_set_sink(pl_test_quiet_sink, NULL);
}

#endif
