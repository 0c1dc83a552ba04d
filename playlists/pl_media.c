/* SPDX-License-Identifier: MIT */
/* The media playlist model: segment list with its sequence numbers, head removal and the
 * minimal target duration. Knows nothing of text; pl_write.c and pl_parse.c do. */
#include "pl_internal.h"
#include "slc_playlist.h"

#include "slc_err.h"
#include "slc_log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void slc_pl_why(char *why, size_t why_cap, const char *fmt, ...)
{
    va_list ap;

    if (!why || why_cap == 0) {
        return;
    }
    va_start(ap, fmt);
    vsnprintf(why, why_cap, fmt, ap);
    va_end(ap);
}

char *slc_pl_strdup(const char *s, int *ret)
{
    char *p;

    if (!s) {
        return NULL;
    }
    p = strdup(s);
    if (!p) {
        *ret = SLC_ENOMEM;
    }
    return p;
}

int slc_pl_has_newline(const char *s)
{
    return s && strpbrk(s, "\r\n") != NULL;
}

int slc_pl_is_quotable(const char *s)
{
    return s && strpbrk(s, "\"\r\n") == NULL;
}

int slc_pl_is_uri_line(const char *s)
{
    return s && s[0] != '\0' && s[0] != '#' && !slc_pl_has_newline(s);
}

int64_t slc_pl_extinf_ms(int64_t duration_us)
{
    /* Half-up without overflow for any non-negative value. */
    return duration_us / 1000 + (duration_us % 1000 >= 500);
}

int64_t slc_pl_extinf_rounded_s(int64_t duration_us)
{
    int64_t ms = slc_pl_extinf_ms(duration_us);

    /* RFC 8216 4.3.3.1 rounds the EXTINF value as a client reads it, i.e. the written one. */
    return ms / 1000 + (ms % 1000 >= 500);
}

void slc_pl_media_init(struct slc_pl_media *pl)
{
    memset(pl, 0, sizeof(*pl));
    pl->hint_start = -1;
}

static void segment_free(struct slc_pl_segment *s)
{
    free(s->uri);
    free(s->title);
    slc_pl_parts_free(s->parts, s->nparts);
    s->uri = NULL;
    s->title = NULL;
    s->parts = NULL;
    s->nparts = 0;
}

void slc_pl_media_deinit(struct slc_pl_media *pl)
{
    for (size_t i = 0; i < pl->nsegs; i++) {
        segment_free(&pl->segs[i]);
    }
    free(pl->segs);
    slc_pl_media_clear_tail(pl);
    slc_pl_media_init(pl);
}

/* Make room for one more segment; the array grows geometrically up to the ceiling. */
static int grow(struct slc_pl_media *pl)
{
    struct slc_pl_segment *p;
    size_t cap;

    if (pl->nsegs >= SLC_PL_MAX_SEGMENTS) {
        return SLC_ELIMIT;
    }
    if (pl->nsegs < pl->cap) {
        return 0;
    }
    cap = pl->cap ? pl->cap * 2 : 16;
    if (cap > SLC_PL_MAX_SEGMENTS) {
        cap = SLC_PL_MAX_SEGMENTS;
    }
    p = realloc(pl->segs, cap * sizeof(*p));
    if (!p) {
        return SLC_ENOMEM;
    }
    pl->segs = p;
    pl->cap = cap;
    return 0;
}

int slc_pl_media_add_segment(struct slc_pl_media *pl, const struct slc_pl_segment *seg)
{
    struct slc_pl_segment copy;
    int ret = 0;

    if (!slc_pl_is_uri_line(seg->uri) || seg->duration_us < 0 || slc_pl_has_newline(seg->title)) {
        return SLC_EINVAL;
    }
    ret = grow(pl);
    if (ret < 0) {
        goto out;
    }
    copy = *seg;
    copy.parts = NULL;
    copy.nparts = 0;
    copy.uri = slc_pl_strdup(seg->uri, &ret);
    copy.title = slc_pl_strdup(seg->title, &ret);
    if (ret < 0) {
        segment_free(&copy);
        goto out;
    }
    /* RFC 8216bis 4.4.4.9: the parts listed before a segment's URI are that segment's. */
    copy.parts = pl->tail;
    copy.nparts = pl->ntail;
    pl->tail = NULL;
    pl->ntail = 0;
    pl->segs[pl->nsegs++] = copy;
out:
    if (ret == SLC_ENOMEM) {
        slc_log_error("playlists: add_segment failed '%s': %s", seg->uri, slc_strerror(ret));
    }
    return ret;
}

/* Absolute byte offset where segment `i`'s sub-range starts, following implicit offsets
 * back through the previous segments of the same resource (RFC 8216 4.3.2.2); -1 if
 * unknown. */
static int64_t range_start(const struct slc_pl_media *pl, size_t i)
{
    size_t first = i;
    int64_t off;

    while (pl->segs[first].byterange_offset < 0) {
        const struct slc_pl_segment *prev;

        if (first == 0) {
            return -1;
        }
        prev = &pl->segs[first - 1];
        if (prev->byterange_length < 0 || strcmp(prev->uri, pl->segs[first].uri) != 0) {
            return -1;
        }
        first--;
    }
    off = pl->segs[first].byterange_offset;
    for (size_t k = first; k < i; k++) {
        if (pl->segs[k].byterange_length > INT64_MAX - off) {
            return -1;
        }
        off += pl->segs[k].byterange_length;
    }
    return off;
}

void slc_pl_media_drop_head(struct slc_pl_media *pl, size_t n)
{
    uint64_t discs = 0;

    if (n > pl->nsegs) {
        n = pl->nsegs;
    }
    if (n == 0) {
        return;
    }
    /* The new head's implicit byte range would refer to a segment that is gone: make the
     * offset explicit while its predecessors are still known. */
    if (n < pl->nsegs && pl->segs[n].byterange_length >= 0 && pl->segs[n].byterange_offset < 0) {
        pl->segs[n].byterange_offset = range_start(pl, n);
    }
    for (size_t i = 0; i < n; i++) {
        discs += pl->segs[i].discontinuity != 0;
        segment_free(&pl->segs[i]);
    }
    memmove(pl->segs, pl->segs + n, (pl->nsegs - n) * sizeof(*pl->segs));
    pl->nsegs -= n;
    /* RFC 8216 6.2.2: one per removed segment and one per removed discontinuity. */
    pl->media_sequence += n;
    pl->discontinuity_sequence += discs;
}

int slc_pl_media_min_target(const struct slc_pl_media *pl)
{
    int64_t t = 1;

    for (size_t i = 0; i < pl->nsegs; i++) {
        int64_t r = slc_pl_extinf_rounded_s(pl->segs[i].duration_us);

        if (r > t) {
            t = r;
        }
    }
    return t > INT32_MAX ? INT32_MAX : (int)t;
}
