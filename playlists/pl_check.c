/* SPDX-License-Identifier: MIT */
/* RFC 8216 rule checks on the media playlist model: one playlist on its own
 * (slc_pl_media_check) and one update against the previous one (slc_pl_media_check_update). */
#include "pl_internal.h"
#include "slc_playlist.h"

#include "slc_err.h"

#include <inttypes.h>
#include <string.h>

int slc_pl_media_min_version(const struct slc_pl_media *pl)
{
    /* RFC 8216 7: decimal EXTINF values (we always write them) need 3, BYTERANGE needs 4.
     * RFC 8216bis names no version for LL-HLS tags; a part's BYTERANGE is the same feature as
     * EXT-X-BYTERANGE, so we ask for 4 too. */
    if (slc_pl_media_has_ranged_parts(pl)) {
        return 4;
    }
    for (size_t i = 0; i < pl->nsegs; i++) {
        if (pl->segs[i].byterange_length >= 0) {
            return 4;
        }
    }
    return 3;
}

/* RFC 8216 4.3.2.2: n[@o]; without o the range follows the previous segment's range of the
 * same resource, so that segment must exist and carry a range too. */
static int check_byterange(const struct slc_pl_media *pl, size_t i, char *why, size_t why_cap)
{
    const struct slc_pl_segment *s = &pl->segs[i];
    const struct slc_pl_segment *prev = i > 0 ? &pl->segs[i - 1] : NULL;

    if (s->byterange_length < 0) {
        if (s->byterange_offset >= 0 || s->byterange_offset < -1 || s->byterange_length < -1) {
            slc_pl_why(why, why_cap, "segment %zu: byterange offset without a length", i);
            return SLC_EPROTO;
        }
        return 0;
    }
    if (s->byterange_length == 0 || s->byterange_offset < -1) {
        slc_pl_why(why, why_cap, "segment %zu: empty or negative byterange", i);
        return SLC_EPROTO;
    }
    if (s->byterange_offset >= 0 && s->byterange_length > INT64_MAX - s->byterange_offset) {
        slc_pl_why(why, why_cap, "segment %zu: byterange overflows", i);
        return SLC_EPROTO;
    }
    if (s->byterange_offset < 0 &&
        (!prev || prev->byterange_length < 0 || strcmp(prev->uri, s->uri) != 0)) {
        slc_pl_why(why, why_cap,
                   "segment %zu: byterange without offset must follow a range of the same URI", i);
        return SLC_EPROTO;
    }
    return 0;
}

static int check_segment(const struct slc_pl_media *pl, size_t i, char *why, size_t why_cap)
{
    const struct slc_pl_segment *s = &pl->segs[i];

    if (!slc_pl_is_uri_line(s->uri) || slc_pl_has_newline(s->title)) {
        slc_pl_why(why, why_cap, "segment %zu: URI missing or not a single line", i);
        return SLC_EPROTO;
    }
    if (s->duration_us < 0) {
        slc_pl_why(why, why_cap, "segment %zu: negative duration", i);
        return SLC_EPROTO;
    }
    /* RFC 8216 4.3.3.1: each EXTINF, rounded to the nearest integer, must be <= TARGETDURATION */
    if (slc_pl_extinf_rounded_s(s->duration_us) > pl->target_duration) {
        slc_pl_why(why, why_cap, "segment %zu: EXTINF %" PRId64 " us rounds above target %d s", i,
                   s->duration_us, pl->target_duration);
        return SLC_EPROTO;
    }
    if (s->program_date_time_ms != 0 && (s->program_date_time_ms < SLC_PL_TIME_MIN_MS ||
                                         s->program_date_time_ms > SLC_PL_TIME_MAX_MS)) {
        slc_pl_why(why, why_cap, "segment %zu: program date-time out of range", i);
        return SLC_EPROTO;
    }
    return check_byterange(pl, i, why, why_cap);
}

static uint64_t count_discontinuities(const struct slc_pl_media *pl, size_t n)
{
    uint64_t d = 0;

    for (size_t i = 0; i < n && i < pl->nsegs; i++) {
        d += pl->segs[i].discontinuity != 0;
    }
    return d;
}

int slc_pl_media_check(const struct slc_pl_media *pl, char *why, size_t why_cap)
{
    int ret;

    if (pl->target_duration < 1) {
        slc_pl_why(why, why_cap, "target duration %d < 1", pl->target_duration);
        return SLC_EPROTO;
    }
    if (pl->version != 0 && pl->version < slc_pl_media_min_version(pl)) {
        slc_pl_why(why, why_cap, "version %d too low for the tags used (needs %d)", pl->version,
                   slc_pl_media_min_version(pl));
        return SLC_EPROTO;
    }
    if (pl->type != SLC_PL_TYPE_NONE && pl->type != SLC_PL_TYPE_VOD &&
        pl->type != SLC_PL_TYPE_EVENT) {
        slc_pl_why(why, why_cap, "unknown playlist type %d", (int)pl->type);
        return SLC_EPROTO;
    }
    if (pl->type == SLC_PL_TYPE_VOD && !pl->endlist) {
        slc_pl_why(why, why_cap, "VOD playlist without EXT-X-ENDLIST");
        return SLC_EPROTO;
    }
    if (pl->nsegs > SLC_PL_MAX_SEGMENTS || (pl->nsegs > 0 && !pl->segs)) {
        slc_pl_why(why, why_cap, "segment list inconsistent (%zu segments)", pl->nsegs);
        return SLC_EPROTO;
    }
    /* RFC 8216 4.3.3.2: every segment's sequence number, and the next one's, fit 64 bits. */
    if (pl->nsegs > UINT64_MAX - pl->media_sequence ||
        count_discontinuities(pl, pl->nsegs) > UINT64_MAX - pl->discontinuity_sequence) {
        slc_pl_why(why, why_cap, "media or discontinuity sequence overflows");
        return SLC_EPROTO;
    }
    for (size_t i = 0; i < pl->nsegs; i++) {
        ret = check_segment(pl, i, why, why_cap);
        if (ret < 0) {
            return ret;
        }
    }
    return slc_pl_media_check_ll(pl, why, why_cap);
}

/* Segments present in both playlists must be the same segments as a client sees them: same
 * URI, same EXTINF as written (ms) and same discontinuity flag. */
static int same_segment(const struct slc_pl_segment *a, const struct slc_pl_segment *b)
{
    return a->uri && b->uri && strcmp(a->uri, b->uri) == 0 &&
           slc_pl_extinf_ms(a->duration_us) == slc_pl_extinf_ms(b->duration_us) &&
           !a->discontinuity == !b->discontinuity;
}

/* Once a playlist is VOD or ended it is final: the next one must say the same thing. */
static int check_frozen(const struct slc_pl_media *prev, const struct slc_pl_media *next, char *why,
                        size_t why_cap)
{
    if (next->media_sequence != prev->media_sequence || next->nsegs != prev->nsegs ||
        next->discontinuity_sequence != prev->discontinuity_sequence ||
        !next->endlist != !prev->endlist) {
        slc_pl_why(why, why_cap, "%s playlist changed",
                   prev->type == SLC_PL_TYPE_VOD ? "VOD" : "ended");
        return SLC_EPROTO;
    }
    return 0;
}

/* RFC 8216 6.2.2: the sequence numbers move by exactly what left the head. */
static int check_sequences(const struct slc_pl_media *prev, const struct slc_pl_media *next,
                           char *why, size_t why_cap)
{
    uint64_t dropped, discs;

    if (next->media_sequence < prev->media_sequence) {
        slc_pl_why(why, why_cap, "media sequence decreased (%" PRIu64 " -> %" PRIu64 ")",
                   prev->media_sequence, next->media_sequence);
        return SLC_EPROTO;
    }
    dropped = next->media_sequence - prev->media_sequence;
    if (dropped > prev->nsegs) {
        slc_pl_why(why, why_cap, "media sequence jumped by %" PRIu64 " but only %zu segments",
                   dropped, prev->nsegs);
        return SLC_EPROTO;
    }
    if (dropped > 0 && prev->type == SLC_PL_TYPE_EVENT) {
        slc_pl_why(why, why_cap, "EVENT playlist removed %" PRIu64 " segments", dropped);
        return SLC_EPROTO;
    }
    discs = count_discontinuities(prev, (size_t)dropped);
    if (next->discontinuity_sequence - prev->discontinuity_sequence != discs ||
        next->discontinuity_sequence < prev->discontinuity_sequence) {
        slc_pl_why(why, why_cap,
                   "discontinuity sequence %" PRIu64 " -> %" PRIu64 " but %" PRIu64
                   " discontinuities removed",
                   prev->discontinuity_sequence, next->discontinuity_sequence, discs);
        return SLC_EPROTO;
    }
    return 0;
}

int slc_pl_media_check_update(const struct slc_pl_media *prev, const struct slc_pl_media *next,
                              char *why, size_t why_cap)
{
    size_t dropped;
    int ret;

    if (next->target_duration != prev->target_duration) {
        slc_pl_why(why, why_cap, "target duration changed (%d -> %d)", prev->target_duration,
                   next->target_duration);
        return SLC_EPROTO;
    }
    if (next->type != prev->type) {
        slc_pl_why(why, why_cap, "playlist type changed");
        return SLC_EPROTO;
    }
    if (prev->endlist && !next->endlist) {
        slc_pl_why(why, why_cap, "EXT-X-ENDLIST removed");
        return SLC_EPROTO;
    }
    if (prev->type == SLC_PL_TYPE_VOD || prev->endlist) {
        ret = check_frozen(prev, next, why, why_cap);
        if (ret < 0) {
            return ret;
        }
    }
    ret = check_sequences(prev, next, why, why_cap);
    if (ret < 0) {
        return ret;
    }
    dropped = (size_t)(next->media_sequence - prev->media_sequence);
    if (next->nsegs < prev->nsegs - dropped) {
        slc_pl_why(why, why_cap, "segments removed from the tail");
        return SLC_EPROTO;
    }
    for (size_t i = dropped; i < prev->nsegs; i++) {
        if (!same_segment(&prev->segs[i], &next->segs[i - dropped])) {
            slc_pl_why(why, why_cap, "segment %" PRIu64 " changed (URI, duration or discontinuity)",
                       prev->media_sequence + i);
            return SLC_EPROTO;
        }
    }
    return 0;
}
