/* SPDX-License-Identifier: MIT */
/* LL-HLS in the media playlist model (RFC 8216bis 4.4.3.7-4.4.5.3): partial segments, the
 * preload hint and the server-control header, with their writer and rule checks. Knows
 * nothing of HTTP: blocking reload is the origin's business. */
#include "pl_internal.h"
#include "slc_playlist.h"

#include "slc_err.h"
#include "slc_log.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

void slc_pl_parts_free(struct slc_pl_part *parts, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(parts[i].uri);
    }
    free(parts);
}

static int part_valid(const struct slc_pl_part *p)
{
    if (!slc_pl_is_quotable(p->uri) || p->uri[0] == '\0' || p->duration_us < 0) {
        return 0;
    }
    if (p->byterange_length < 0) {
        return p->byterange_length == -1 && p->byterange_offset == -1;
    }
    return p->byterange_length > 0 && p->byterange_offset >= -1 &&
           (p->byterange_offset < 0 || p->byterange_length <= INT64_MAX - p->byterange_offset);
}

int slc_pl_media_add_part(struct slc_pl_media *pl, const struct slc_pl_part *part)
{
    struct slc_pl_part *t;
    char *uri;

    if (!part_valid(part)) {
        return SLC_EINVAL;
    }
    if (pl->ntail >= SLC_PL_MAX_PARTS) {
        return SLC_ELIMIT;
    }
    t = realloc(pl->tail, (pl->ntail + 1) * sizeof(*t));
    uri = t ? strdup(part->uri) : NULL;
    if (t) {
        pl->tail = t;
    }
    if (!uri) {
        slc_log_error("playlists: add_part failed '%s': out of memory", part->uri);
        return SLC_ENOMEM;
    }
    t[pl->ntail] = *part;
    t[pl->ntail++].uri = uri;
    return 0;
}

void slc_pl_media_drop_parts(struct slc_pl_media *pl, size_t keep)
{
    size_t end = pl->nsegs > keep ? pl->nsegs - keep : 0;

    for (size_t i = 0; i < end; i++) {
        slc_pl_parts_free(pl->segs[i].parts, pl->segs[i].nparts);
        pl->segs[i].parts = NULL;
        pl->segs[i].nparts = 0;
    }
}

void slc_pl_media_clear_tail(struct slc_pl_media *pl)
{
    slc_pl_parts_free(pl->tail, pl->ntail);
    pl->tail = NULL;
    pl->ntail = 0;
    free(pl->hint_uri);
    pl->hint_uri = NULL;
    pl->hint_start = -1;
}

int slc_pl_media_set_preload_hint(struct slc_pl_media *pl, const char *uri, int64_t start)
{
    char *copy = NULL;

    if (uri && (!slc_pl_is_quotable(uri) || uri[0] == '\0' || start < -1)) {
        return SLC_EINVAL;
    }
    if (uri && !(copy = strdup(uri))) {
        slc_log_error("playlists: set_preload_hint failed '%s': out of memory", uri);
        return SLC_ENOMEM;
    }
    free(pl->hint_uri);
    pl->hint_uri = copy;
    pl->hint_start = uri ? start : -1;
    return 0;
}

/* ---- writer ---- */

/* A duration as a decimal-floating-point with millisecond precision, rounded half-up. */
static int append_seconds(struct slc_buf *out, int64_t us)
{
    int64_t ms = slc_pl_extinf_ms(us);

    return slc_buf_printf(out, "%" PRId64 ".%03d", ms / 1000, (int)(ms % 1000));
}

/* RFC 8216bis 4.4.3.8 and 4.4.3.7: header tags of a low-latency playlist. */
int slc_pl_write_ll_header(const struct slc_pl_media *pl, struct slc_buf *out)
{
    int ret = 0;

    if (pl->part_target_us <= 0) {
        return 0;
    }
    if (pl->can_block_reload || pl->part_hold_back_us > 0 || pl->hold_back_us > 0) {
        const char *sep = "";
        ret = slc_buf_append_str(out, "#EXT-X-SERVER-CONTROL:");
        if (ret == 0 && pl->can_block_reload) {
            ret = slc_buf_append_str(out, "CAN-BLOCK-RELOAD=YES");
            sep = ",";
        }
        if (ret == 0 && pl->part_hold_back_us > 0) {
            ret = slc_buf_printf(out, "%sPART-HOLD-BACK=", sep);
            ret = ret < 0 ? ret : append_seconds(out, pl->part_hold_back_us);
            sep = ",";
        }
        if (ret == 0 && pl->hold_back_us > 0) {
            ret = slc_buf_printf(out, "%sHOLD-BACK=", sep);
            ret = ret < 0 ? ret : append_seconds(out, pl->hold_back_us);
        }
        ret = ret < 0 ? ret : slc_buf_append(out, "\n", 1);
    }
    ret = ret < 0 ? ret : slc_buf_append_str(out, "#EXT-X-PART-INF:PART-TARGET=");
    ret = ret < 0 ? ret : append_seconds(out, pl->part_target_us);
    return ret < 0 ? ret : slc_buf_append(out, "\n", 1);
}

static int write_part(const struct slc_pl_part *p, const char *base_url, struct slc_buf *out)
{
    int ret = slc_buf_append_str(out, "#EXT-X-PART:DURATION=");

    ret = ret < 0 ? ret : append_seconds(out, p->duration_us);
    ret = ret < 0 ? ret : slc_buf_append_str(out, ",URI=\"");
    ret = ret < 0 ? ret : slc_pl_append_uri(out, base_url, p->uri);
    ret = ret < 0 ? ret : slc_buf_append(out, "\"", 1);
    if (ret == 0 && p->byterange_length >= 0) {
        ret = slc_buf_printf(out, ",BYTERANGE=\"%" PRId64, p->byterange_length);
        if (ret == 0 && p->byterange_offset >= 0) {
            ret = slc_buf_printf(out, "@%" PRId64, p->byterange_offset);
        }
        ret = ret < 0 ? ret : slc_buf_append(out, "\"", 1);
    }
    if (ret == 0 && p->independent) {
        ret = slc_buf_append_str(out, ",INDEPENDENT=YES");
    }
    return ret < 0 ? ret : slc_buf_append(out, "\n", 1);
}

int slc_pl_write_parts(const struct slc_pl_part *parts, size_t n, const char *base_url,
                       struct slc_buf *out)
{
    int ret = 0;

    for (size_t i = 0; ret == 0 && i < n; i++) {
        ret = write_part(&parts[i], base_url, out);
    }
    return ret;
}

/* The parts of the segment in progress, then the hint for the next one (RFC 8216bis
 * 4.4.5.3; HLS-NOTES: a preload hint always present, hls.js loops without one). */
int slc_pl_write_ll_tail(const struct slc_pl_media *pl, const char *base_url, struct slc_buf *out)
{
    int ret = slc_pl_write_parts(pl->tail, pl->ntail, base_url, out);

    if (ret == 0 && pl->hint_uri) {
        ret = slc_buf_append_str(out, "#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"");
        ret = ret < 0 ? ret : slc_pl_append_uri(out, base_url, pl->hint_uri);
        ret = ret < 0 ? ret : slc_buf_append(out, "\"", 1);
        if (ret == 0 && pl->hint_start >= 0) {
            ret = slc_buf_printf(out, ",BYTERANGE-START=%" PRId64, pl->hint_start);
        }
        ret = ret < 0 ? ret : slc_buf_append(out, "\n", 1);
    }
    return ret;
}

/* ---- checks ---- */

static int check_parts(const struct slc_pl_media *pl, const struct slc_pl_part *parts, size_t n,
                       char *why, size_t why_cap)
{
    int64_t target_ms = slc_pl_extinf_ms(pl->part_target_us);

    if (n > 0 && pl->part_target_us <= 0) {
        slc_pl_why(why, why_cap, "EXT-X-PART without EXT-X-PART-INF");
        return SLC_EPROTO;
    }
    for (size_t i = 0; i < n; i++) {
        if (!part_valid(&parts[i])) {
            slc_pl_why(why, why_cap, "part %zu: bad URI, duration or byte range", i);
            return SLC_EPROTO;
        }
        /* RFC 8216bis 4.4.4.9: a part's duration must be <= PART-TARGET (as written) */
        if (slc_pl_extinf_ms(parts[i].duration_us) > target_ms) {
            slc_pl_why(why, why_cap, "part %zu: duration %" PRId64 " us above PART-TARGET", i,
                       parts[i].duration_us);
            return SLC_EPROTO;
        }
        if (parts[i].byterange_length >= 0 && parts[i].byterange_offset < 0 &&
            (i == 0 || parts[i - 1].byterange_length < 0 ||
             strcmp(parts[i - 1].uri, parts[i].uri) != 0)) {
            slc_pl_why(why, why_cap, "part %zu: BYTERANGE without offset follows no range", i);
            return SLC_EPROTO;
        }
    }
    return 0;
}

static int rounds_to_zero(int64_t us)
{
    return us > 0 && slc_pl_extinf_ms(us) == 0;
}

/* RFC 8216bis 4.4.3.8: PART-HOLD-BACK at least twice PART-TARGET (HLS-NOTES: better 3x);
 * HOLD-BACK at least three target durations. */
static int check_server_control(const struct slc_pl_media *pl, char *why, size_t why_cap)
{
    if (pl->part_target_us < 0 || pl->part_hold_back_us < 0 || pl->hold_back_us < 0) {
        slc_pl_why(why, why_cap, "negative LL-HLS duration");
        return SLC_EPROTO;
    }
    /* Written with millisecond precision: a positive duration below 0.5 ms would be written
     * as 0.000, which reads back as "absent" (PART-TARGET: invalid). */
    if (rounds_to_zero(pl->part_target_us) || rounds_to_zero(pl->part_hold_back_us) ||
        rounds_to_zero(pl->hold_back_us)) {
        slc_pl_why(why, why_cap, "LL-HLS duration below 1 ms");
        return SLC_EPROTO;
    }
    if (pl->part_target_us == 0 &&
        (pl->part_hold_back_us || pl->can_block_reload || pl->hint_uri)) {
        slc_pl_why(why, why_cap, "LL-HLS server control or hint without EXT-X-PART-INF");
        return SLC_EPROTO;
    }
    if (pl->part_hold_back_us > 0 &&
        slc_pl_extinf_ms(pl->part_hold_back_us) < 2 * slc_pl_extinf_ms(pl->part_target_us)) {
        slc_pl_why(why, why_cap, "PART-HOLD-BACK below 2x PART-TARGET");
        return SLC_EPROTO;
    }
    if (pl->hold_back_us > 0 &&
        slc_pl_extinf_ms(pl->hold_back_us) < (int64_t)pl->target_duration * 3000) {
        slc_pl_why(why, why_cap, "HOLD-BACK below 3x the target duration");
        return SLC_EPROTO;
    }
    if (pl->hint_uri && (!slc_pl_is_quotable(pl->hint_uri) || pl->hint_start < -1)) {
        slc_pl_why(why, why_cap, "bad EXT-X-PRELOAD-HINT");
        return SLC_EPROTO;
    }
    return 0;
}

int slc_pl_media_check_ll(const struct slc_pl_media *pl, char *why, size_t why_cap)
{
    int ret = check_server_control(pl, why, why_cap);

    for (size_t i = 0; ret == 0 && i < pl->nsegs; i++) {
        ret = check_parts(pl, pl->segs[i].parts, pl->segs[i].nparts, why, why_cap);
    }
    return ret < 0 ? ret : check_parts(pl, pl->tail, pl->ntail, why, why_cap);
}

int slc_pl_media_has_ranged_parts(const struct slc_pl_media *pl)
{
    for (size_t i = 0; i < pl->nsegs; i++) {
        for (size_t k = 0; k < pl->segs[i].nparts; k++) {
            if (pl->segs[i].parts[k].byterange_length >= 0) {
                return 1;
            }
        }
    }
    for (size_t k = 0; k < pl->ntail; k++) {
        if (pl->tail[k].byterange_length >= 0) {
            return 1;
        }
    }
    return pl->hint_uri && pl->hint_start >= 0;
}
