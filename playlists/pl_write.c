/* SPDX-License-Identifier: MIT */
/* The media playlist writer (RFC 8216 4.3): checks the model, then renders it into a bounded
 * buffer. On any failure the buffer is left exactly as it was. */
#include "pl_internal.h"
#include "slc_playlist.h"

#include "slc_err.h"
#include "slc_log.h"

#include <inttypes.h>
#include <string.h>

/* A URI with a scheme ("https:") or a network-path ("//host/") is absolute; anything else
 * is relative to base_url (RFC 3986 4.2). */
static int is_absolute_uri(const char *uri)
{
    size_t i = 0;

    if (uri[0] == '/' && uri[1] == '/') {
        return 1;
    }
    if (!((uri[0] >= 'a' && uri[0] <= 'z') || (uri[0] >= 'A' && uri[0] <= 'Z'))) {
        return 0;
    }
    while (uri[i] &&
           strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.", uri[i])) {
        i++;
    }
    return uri[i] == ':';
}

/* base_url + '/' + uri with exactly one slash between them. */
int slc_pl_append_uri(struct slc_buf *out, const char *base_url, const char *uri)
{
    size_t blen;
    int ret;

    if (!base_url || !base_url[0] || is_absolute_uri(uri)) {
        ret = slc_buf_append_str(out, uri);
    } else {
        blen = strlen(base_url);
        while (blen > 0 && base_url[blen - 1] == '/') {
            blen--;
        }
        while (*uri == '/') {
            uri++;
        }
        ret = slc_buf_append(out, base_url, blen);
        if (ret == 0) {
            ret = slc_buf_printf(out, "/%s", uri);
        }
    }
    return ret;
}

static int write_uri(struct slc_buf *out, const char *base_url, const char *uri)
{
    int ret = slc_pl_append_uri(out, base_url, uri);

    return ret < 0 ? ret : slc_buf_append(out, "\n", 1);
}

static int has_discontinuity(const struct slc_pl_media *pl)
{
    for (size_t i = 0; i < pl->nsegs; i++) {
        if (pl->segs[i].discontinuity) {
            return 1;
        }
    }
    return 0;
}

/* Everything before the first segment (RFC 8216 4.3.3 tags must precede it). */
/* Without its LL tags a playlist needs 4 only for its own EXT-X-BYTERANGE segments. */
static int standard_min_version(const struct slc_pl_media *pl)
{
    for (size_t i = 0; i < pl->nsegs; i++) {
        if (pl->segs[i].byterange_length >= 0) {
            return 4;
        }
    }
    return 3;
}

static int write_header(const struct slc_pl_media *pl, int ll, struct slc_buf *out)
{
    int version = pl->version ? pl->version
                  : ll        ? slc_pl_media_min_version(pl)
                              : standard_min_version(pl);
    int ret;

    ret = slc_buf_printf(out,
                         "#EXTM3U\n#EXT-X-VERSION:%d\n#EXT-X-TARGETDURATION:%d\n"
                         "#EXT-X-MEDIA-SEQUENCE:%" PRIu64 "\n",
                         version, pl->target_duration, pl->media_sequence);
    /* RFC 8216 6.2.2: needed once a discontinuity can leave the window; written whenever
     * one is listed so that a client never sees it appear late. */
    if (ret == 0 && (pl->discontinuity_sequence != 0 || has_discontinuity(pl))) {
        ret = slc_buf_printf(out, "#EXT-X-DISCONTINUITY-SEQUENCE:%" PRIu64 "\n",
                             pl->discontinuity_sequence);
    }
    if (ret == 0 && pl->type != SLC_PL_TYPE_NONE) {
        ret = slc_buf_printf(out, "#EXT-X-PLAYLIST-TYPE:%s\n",
                             pl->type == SLC_PL_TYPE_VOD ? "VOD" : "EVENT");
    }
    if (ret == 0 && pl->independent_segments) {
        ret = slc_buf_append_str(out, "#EXT-X-INDEPENDENT-SEGMENTS\n");
    }
    return ret < 0 || !ll ? ret : slc_pl_write_ll_header(pl, out);
}

/* The tags that apply to one segment, then its URI line. */
static int write_segment(const struct slc_pl_segment *s, const char *base_url, int ll,
                         struct slc_buf *out)
{
    char when[SLC_PL_TIME_LEN];
    int64_t ms = slc_pl_extinf_ms(s->duration_us);
    int ret = 0;

    if (s->discontinuity) {
        ret = slc_buf_append_str(out, "#EXT-X-DISCONTINUITY\n");
    }
    if (ret == 0 && s->program_date_time_ms != 0) {
        ret = slc_pl_time_format(s->program_date_time_ms, when);
        if (ret == 0) {
            ret = slc_buf_printf(out, "#EXT-X-PROGRAM-DATE-TIME:%s\n", when);
        }
    }
    if (ret == 0 && ll) {
        ret = slc_pl_write_parts(s->parts, s->nparts, base_url, out);
    }
    if (ret == 0 && s->byterange_length >= 0) {
        ret = slc_buf_printf(out, "#EXT-X-BYTERANGE:%" PRId64, s->byterange_length);
        if (ret == 0 && s->byterange_offset >= 0) {
            ret = slc_buf_printf(out, "@%" PRId64, s->byterange_offset);
        }
        if (ret == 0) {
            ret = slc_buf_append(out, "\n", 1);
        }
    }
    if (ret == 0) {
        ret = slc_buf_printf(out, "#EXTINF:%" PRId64 ".%03d,%s\n", ms / 1000, (int)(ms % 1000),
                             s->title ? s->title : "");
    }
    return ret < 0 ? ret : write_uri(out, base_url, s->uri);
}

static int media_write(const struct slc_pl_media *pl, const char *base_url, int ll,
                       struct slc_buf *out)
{
    size_t start = out->len;
    char why[256];
    int ret;

    ret = slc_pl_media_check(pl, why, sizeof(why));
    if (ret < 0) {
        slc_log_error("playlists: media_write failed 'check': %s", why);
        return ret;
    }
    if (slc_pl_has_newline(base_url)) {
        slc_log_error("playlists: media_write failed 'base_url': not a single line");
        return SLC_EINVAL;
    }
    ret = write_header(pl, ll, out);
    for (size_t i = 0; ret == 0 && i < pl->nsegs; i++) {
        ret = write_segment(&pl->segs[i], base_url, ll, out);
    }
    if (ret == 0 && ll) {
        ret = slc_pl_write_ll_tail(pl, base_url, out);
    }
    if (ret == 0 && pl->endlist) {
        ret = slc_buf_append_str(out, "#EXT-X-ENDLIST\n");
    }
    if (ret < 0) {
        slc_log_error("playlists: media_write failed 'buffer': %s", slc_strerror(ret));
        out->len = start;
        if (out->data) {
            out->data[start] = '\0';
        }
    }
    return ret;
}

int slc_pl_media_write(const struct slc_pl_media *pl, const char *base_url, struct slc_buf *out)
{
    return media_write(pl, base_url, 1, out);
}

int slc_pl_media_write_standard(const struct slc_pl_media *pl, const char *base_url,
                                struct slc_buf *out)
{
    return media_write(pl, base_url, 0, out);
}
