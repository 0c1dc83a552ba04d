/* SPDX-License-Identifier: MIT */
/* Live window store, the sink's end/describe/finish: the target duration decided once, the
 * sliding window (RFC 8216 6.2.2), the retention grace of segments that left it, and the
 * reader side (lookup, stats). */
#include "store_live_priv.h"

#include "slc_err.h"
#include "slc_log.h"
#include "slc_object.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* RFC 8216 4.3.3.1: the EXTINF as written (ms, half-up), rounded to the nearest integer, must
 * be <= the target duration. */
static int needed_target(int64_t duration_us)
{
    int64_t ms = (duration_us + 500) / 1000;
    int64_t t = (ms + 500) / 1000;

    return t < 1 ? 1 : (int)(t > 3600 ? 3600 : t);
}

/* HLS-NOTES: the target duration never changes for the life of the stream. It is decided at
 * the first segment (max of the configured duration and the first GOP) unless a taken-over
 * playlist fixed it already; a later segment that still exceeds it can only be listed with a
 * larger target, which is logged because players may react badly. */
static void fix_target(struct slc_store_live *s, int64_t duration_us)
{
    int need = needed_target(duration_us);

    if (!s->target_fixed) {
        int cfg = (int)ceil(s->cfg.target_duration - 1e-6);
        s->pl.target_duration = need > cfg ? need : cfg;
        s->target_fixed = 1;
        return;
    }
    if (need > s->pl.target_duration) {
        slc_log_warn("store: channel '%s': segment of %.3f s exceeds the target duration %d; "
                     "raising it (the input's GOP is longer than the first one)",
                     s->name, (double)duration_us / 1e6, s->pl.target_duration);
        s->pl.target_duration = need;
    }
}

static int64_t listed_us(const struct slc_pl_media *pl)
{
    int64_t t = 0;

    for (size_t i = 0; i < pl->nsegs; i++) {
        t += pl->segs[i].duration_us;
    }
    return t;
}

/* Does the head segment leave the playlist? Never below 3 target durations (HLS-NOTES "Live
 * window"), never for EVENT; else by DVR duration or segment count. */
static int should_drop(const struct slc_store_live *s)
{
    const struct slc_pl_media *pl = &s->pl;
    int64_t rest;

    if (s->cfg.type == SLC_PL_TYPE_EVENT || pl->nsegs < 2) {
        return 0;
    }
    rest = listed_us(pl) - pl->segs[0].duration_us;
    if (rest < (int64_t)pl->target_duration * 3 * 1000000) {
        return 0;
    }
    if (s->cfg.dvr_sec > 0) {
        return rest >= (int64_t)(s->cfg.dvr_sec * 1e6);
    }
    return pl->nsegs > s->cfg.window;
}

/* Slide the window: drop heads from the playlist (slc_pl_media_drop_head bumps the media and
 * discontinuity sequences) and keep them fetchable for their duration plus the playlist's
 * (HLS-NOTES "Live window"), measured on the stream's own clock. */
static void slide(struct slc_store_live *s)
{
    while (should_drop(s)) {
        int64_t grace = listed_us(&s->pl);
        pthread_mutex_lock(&s->lock);
        s->e[s->nretained].drop_at_us = s->clock_us + grace;
        s->nretained++;
        pthread_mutex_unlock(&s->lock);
        slc_pl_media_drop_head(&s->pl, 1);
    }
}

/* Delete retained segments whose grace has passed: memory and disk stay bounded. 0, or the
 * on_file callback's error. */
static int purge(struct slc_store_live *s)
{
    int ret = 0;

    while (ret == 0) {
        struct live_entry gone;
        pthread_mutex_lock(&s->lock);
        if (s->nretained == 0 || s->e[0].drop_at_us > s->clock_us) {
            pthread_mutex_unlock(&s->lock);
            return 0;
        }
        gone = s->e[0];
        memmove(s->e, s->e + 1, (s->n - 1) * sizeof(*s->e));
        s->n--;
        s->nretained--;
        pthread_mutex_unlock(&s->lock);
        slc_object_unref(&gone.obj);
        ret = slc_store_live_disk_remove(s, gone.name);
    }
    return ret;
}

/* Move the open segment into the entry table (under the lock: readers search it). */
static int add_entry(struct slc_store_live *s, uint64_t bps)
{
    int ret = 0;

    pthread_mutex_lock(&s->lock);
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        struct live_entry *e = realloc(s->e, cap * sizeof(*e));
        if (!e) {
            ret = SLC_ENOMEM;
            goto out;
        }
        s->e = e;
        s->cap = cap;
    }
    s->e[s->n++] = s->cur;
    memset(&s->cur, 0, sizeof(s->cur));
    s->segments++;
    s->peak_bps = bps > s->peak_bps ? bps : s->peak_bps;
out:
    pthread_mutex_unlock(&s->lock);
    return ret;
}

/* PROGRAM-DATE-TIME maps the media timeline to dates (RFC 8216 4.3.2.6), so without a
 * discontinuity each segment continues the previous one by its duration: the PDT ranges of
 * neighbours neither overlap nor leave gaps, whatever the delays between the encoder and us.
 * The wall clock at ingest anchors it at the first segment and at each discontinuity. In
 * between, the clock read at each cut jitters by the pipeline's delays (tens of ms), which is
 * ignored up to PDT_DEADBAND_MS. A larger difference (an encoder clock running fast or slow,
 * input that arrived late and then in a burst) is slewed away, at most PDT_SLEW_PER_S ms per
 * second of media: a step that small stays within a frame, where a jump back would make two
 * segments claim the same time (seen: 30 % of datagrams lost, then the backlog in a burst,
 * stepped the PDT back 1.7 s). Beyond PDT_STEP_MS the clock itself was set, or the input is
 * not real time: anchor again. */
#define PDT_DEADBAND_MS 250
#define PDT_SLEW_PER_S 5
#define PDT_STEP_MS (60 * 1000)

static int64_t program_date_time(struct slc_store_live *s, const struct slc_seg_segment_info *info)
{
    int64_t wall_us = info->wallclock_ms * 1000;
    int64_t pdt_us = wall_us;

    if (s->pdt_next_us > 0 && !info->discontinuity && wall_us > 0 &&
        llabs(wall_us - s->pdt_next_us) <= PDT_STEP_MS * 1000) {
        int64_t err = wall_us - s->pdt_next_us;
        int64_t slew = s->pdt_prev_dur_us / 1000 * PDT_SLEW_PER_S;

        pdt_us = s->pdt_next_us;
        if (llabs(err) > PDT_DEADBAND_MS * 1000) {
            pdt_us += err > 0 ? slew : -slew;
        }
    }
    s->pdt_prev_dur_us = info->duration_us;
    s->pdt_next_us = pdt_us > 0 ? pdt_us + info->duration_us : 0;
    return (pdt_us + 500) / 1000;
}

static int list_segment(struct slc_store_live *s, const struct slc_seg_segment_info *info)
{
    struct slc_pl_segment seg;

    memset(&seg, 0, sizeof(seg));
    seg.uri = s->cur.name;
    seg.duration_us = info->duration_us;
    seg.discontinuity = info->discontinuity && s->pl.nsegs + s->pl.media_sequence > 0;
    seg.program_date_time_ms = program_date_time(s, info);
    seg.byterange_length = seg.byterange_offset = -1;
    seg.bytes = s->cur.bytes;
    return slc_pl_media_add_segment(&s->pl, &seg);
}

static int live_end(void *opaque, const struct slc_seg_segment_info *info)
{
    struct slc_store_live *s = opaque;
    uint64_t bps = 0, old_peak = s->peak_bps;
    int ret = slc_store_live_disk_end(s); /* the file is complete before it is listed */

    if (ret == 0 && s->cur.obj) {
        ret = slc_object_complete(s->cur.obj);
    }
    if (ret < 0) {
        return ret;
    }
    s->cur.duration_us = info->duration_us;
    fix_target(s, info->duration_us);
    ret = slc_store_live_parts_end(s, info->duration_us);
    if (ret == 0) {
        ret = list_segment(s, info);
    }
    if (info->duration_us > 0) {
        bps = (uint64_t)((double)s->cur.bytes * 8e6 / (double)info->duration_us);
    }
    s->total_bytes += s->cur.bytes;
    s->total_us += info->duration_us;
    s->clock_us += info->duration_us;
    s->next_seq = info->seq + 1;
    if (ret == 0) {
        ret = add_entry(s, bps);
    }
    if (ret < 0) {
        return ret;
    }
    slide(s);
    ret = purge(s);
    if (ret < 0) {
        return ret;
    }
    slc_store_live_parts_trim(s);
    if (s->part_target_us > 0) {
        /* RFC 8216bis 4.4.3.8: HOLD-BACK >= 3 target durations, once the target is known */
        s->pl.hold_back_us = (int64_t)s->pl.target_duration * 3000000;
    }
    ret = slc_store_live_publish_media(s);
    if (ret == 0 && (s->peak_bps > old_peak || !s->multi_obj)) {
        ret = slc_store_live_publish_multi(s);
    }
    return ret;
}

/* Each session of a live input describes its streams: an encoder that came back with
 * another resolution, codec or set of tracks is named in the multivariant playlist from then
 * on. The media playlist's EXT-X-INDEPENDENT-SEGMENTS is decided by the first (RFC 8216 6.2.1:
 * a published playlist only grows); audio segments are independent anyway. */
static int live_describe(void *opaque, const struct slc_seg_stream_desc *desc)
{
    struct slc_store_live *s = opaque;

    s->desc = *desc;
    if (!s->described) {
        s->described = 1;
        s->pl.independent_segments = desc->has_video;
        return 0;
    }
    return s->multi_obj ? slc_store_live_publish_multi(s) : 0;
}

/* Stop: the open segment is abandoned (never listed); a complete stop ends the playlist. */
static int live_finish(void *opaque, int complete)
{
    struct slc_store_live *s = opaque;
    int ret = 0;

    slc_store_live_disk_abort(s);
    pthread_mutex_lock(&s->lock);
    if (s->cur.obj) {
        slc_object_fail(s->cur.obj, SLC_EINTR);
    }
    slc_object_unref(&s->cur.obj);
    s->cur.name[0] = '\0';
    pthread_mutex_unlock(&s->lock);
    slc_pl_media_clear_tail(&s->pl); /* no part or hint of a segment that never comes */
    if (complete && s->pl.nsegs > 0 && !s->pl.endlist) {
        s->pl.endlist = 1;
        ret = slc_store_live_publish_media(s);
        pthread_mutex_lock(&s->lock);
        s->ended = ret == 0;
        pthread_mutex_unlock(&s->lock);
    }
    return ret;
}

static const struct slc_seg_sink_ops live_ops = {
    .begin = slc_store_live_begin,
    .write = slc_store_live_write,
    .end = live_end,
    .describe = live_describe,
    .finish = live_finish,
    .mark = slc_store_live_mark,
    .cut = slc_store_live_cut,
};

struct slc_seg_sink slc_store_live_sink(struct slc_store_live *s)
{
    /* ~32 KB writes: an HTTP reader of the growing segment gets bytes as they come. */
    return (struct slc_seg_sink){.ops = &live_ops, .opaque = s, .chunk_size = 32 * 1024};
}

/* ---- readers ---- */

static struct slc_object *find_locked(struct slc_store_live *s, const char *name, int *err)
{
    *err = SLC_ENOENT;
    if (strcmp(name, SLC_STORE_LIVE_MEDIA) == 0 || strcmp(name, SLC_STORE_LIVE_MULTI) == 0) {
        struct slc_object *o = name[0] == 's' ? s->media_obj : s->multi_obj;
        *err = o ? 0 : SLC_EAGAIN;
        return o;
    }
    if (s->cur.obj && strcmp(s->cur.name, name) == 0) {
        *err = 0;
        return s->cur.obj;
    }
    for (size_t i = s->n; i-- > 0;) {
        if (strcmp(s->e[i].name, name) == 0) {
            *err = s->e[i].obj ? 0 : SLC_ENOENT;
            return s->e[i].obj;
        }
    }
    return NULL;
}

int slc_store_live_lookup(struct slc_store_live *s, const char *name, struct slc_object **out)
{
    struct slc_object *o;
    int err;

    *out = NULL;
    pthread_mutex_lock(&s->lock);
    o = find_locked(s, name, &err);
    if (err == 0) {
        *out = slc_object_ref(o);
    }
    pthread_mutex_unlock(&s->lock);
    return err;
}

void slc_store_live_stats(struct slc_store_live *s, struct slc_store_live_stats *st)
{
    memset(st, 0, sizeof(*st));
    pthread_mutex_lock(&s->lock);
    st->segments = s->segments;
    st->retained = s->nretained;
    st->listed = s->n - s->nretained;
    for (size_t i = 0; i < s->n; i++) {
        st->bytes_held += s->e[i].bytes;
    }
    st->bytes_held += s->cur.bytes;
    st->peak_bps = s->peak_bps;
    st->ended = s->ended;
    st->media_sequence = s->pub_msn;
    st->discontinuity_sequence = s->pub_dsn;
    st->target_duration = s->pub_target;
    pthread_mutex_unlock(&s->lock);
}
