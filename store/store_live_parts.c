/* SPDX-License-Identifier: MIT */
/* LL-HLS in the live store: the open segment is cut into parts (byte ranges of the growing
 * segment object) of at most PART-TARGET at video frame starts the segmenter marks, each part
 * published as soon as its bytes are in the object; and the "pulse" object that blocking
 * playlist requests wait on. No HTTP here: the origin does the waiting. */
#include "store_live_priv.h"

#include "slc_err.h"
#include "slc_log.h"
#include "slc_object.h"

#include <string.h>

/* RFC 8216bis 6.2.2: parts older than about three target durations leave the playlist; with
 * segments of one target duration that is the last three segments. */
#define PART_WINDOW_SEGMENTS 3
/* The pulse object is replaced (and the old one completed, which wakes its waiters) at
 * this size, so it never meets its ceiling. */
#define PULSE_MAX (64u * 1024u)

static int64_t us_of_90k(int64_t t)
{
    return t * 100 / 9;
}

int slc_store_live_parts_begin(struct slc_store_live *s)
{
    if (s->part_target_us <= 0) {
        return 0;
    }
    s->part_open = 0;
    s->part_off = 0;
    s->prev_off = 0;
    s->parts_us = 0;
    s->cut_off = -1;
    s->cut_wait = 0;
    if (s->pl.ntail > 0) {
        slc_pl_media_clear_tail(&s->pl); /* parts of an abandoned segment */
    }
    return slc_pl_media_set_preload_hint(&s->pl, s->cur.name, 0);
}

/* RFC 8216bis 4.4.4.9: each part is at most PART-TARGET long, so cut before the frame that
 * would take the open part past it; when a gap in the frames took it past already, cut before
 * the previous frame (its bytes are still ahead of us). The cut waits for its bytes (returning
 * 1 asks the segmenter to flush them now); slc_store_live_parts_written publishes it. */
int slc_store_live_mark(void *opaque, int64_t pts_90k, int is_keyframe, uint64_t byte_offset)
{
    struct slc_store_live *s = opaque;
    int64_t frame, elapsed;
    int cut = 0;

    if (s->part_target_us <= 0 || !s->cur.obj) {
        return 0;
    }
    if (!s->part_open) {
        s->part_open = 1;
        s->part_pts = pts_90k;
        s->part_independent = is_keyframe;
    } else {
        frame = pts_90k - s->prev_pts;
        frame = frame < 0 || frame > 90000 ? 0 : frame; /* reordered or a jump: unknown */
        elapsed = pts_90k - s->part_pts;
        if (elapsed > 0 && us_of_90k(elapsed) > s->part_target_us && s->prev_off > s->part_off) {
            cut = 2;
        } else if (elapsed > 0 && byte_offset > s->part_off &&
                   us_of_90k(elapsed + frame) > s->part_target_us) {
            cut = 1;
        }
    }
    if (cut) {
        /* cut == 1: slc_store_live_cut() moves the offset past the audio the muxer flushes */
        s->cut_off = (int64_t)(cut == 1 ? byte_offset : s->prev_off);
        s->cut_pts = cut == 1 ? pts_90k : s->prev_pts;
        s->cut_key = cut == 1 ? is_keyframe : s->prev_key;
        s->cut_wait = cut == 1;
    }
    s->prev_pts = pts_90k;
    s->prev_off = byte_offset;
    s->prev_key = is_keyframe;
    return cut != 0;
}

int slc_store_live_cut(void *opaque, uint64_t byte_offset)
{
    struct slc_store_live *s = opaque;

    /* a cut before this frame: the bytes the muxer flushed belong to the part that ends here
     * (a cut before the previous frame keeps its offset: those bytes are the frame's) */
    if (s->cut_wait && s->cut_off >= 0 && byte_offset > (uint64_t)s->cut_off) {
        s->cut_off = (int64_t)byte_offset;
        s->prev_off = byte_offset;
    }
    s->cut_wait = 0;
    return slc_store_live_parts_written(s);
}

static int add_part(struct slc_store_live *s, int64_t duration_us, uint64_t end)
{
    struct slc_pl_part p;

    memset(&p, 0, sizeof(p));
    p.uri = s->cur.name;
    /* A single frame gap longer than PART-TARGET is the only way here: keep the rule. */
    p.duration_us = duration_us > s->part_target_us ? s->part_target_us : duration_us;
    p.byterange_length = (int64_t)(end - s->part_off);
    p.byterange_offset = (int64_t)s->part_off;
    p.independent = s->part_independent;
    s->parts_us += duration_us;
    return slc_pl_media_add_part(&s->pl, &p);
}

/* After a write: a cut whose bytes are all in the segment object is published (HLS-NOTES:
 * never announce a part before all of it can go at full speed). */
int slc_store_live_parts_written(struct slc_store_live *s)
{
    int ret;

    if (s->cut_off < 0 || s->cut_wait || s->cur.bytes < (uint64_t)s->cut_off) {
        return 0;
    }
    ret = add_part(s, us_of_90k(s->cut_pts - s->part_pts), (uint64_t)s->cut_off);
    s->part_off = (uint64_t)s->cut_off;
    s->part_pts = s->cut_pts;
    s->part_independent = s->cut_key;
    s->cut_off = -1;
    if (ret == 0) {
        ret = slc_pl_media_set_preload_hint(&s->pl, s->cur.name, (int64_t)s->part_off);
    }
    /* Before the first segment the target duration is not decided: nothing to publish. */
    return ret < 0 || s->pl.nsegs == 0 ? ret : slc_store_live_publish_media(s);
}

/* The segment is complete: its last part is what follows the last cut (the segment's own
 * duration decides its length), and the hint moves to the next segment. */
int slc_store_live_parts_end(struct slc_store_live *s, int64_t duration_us)
{
    char next[LIVE_NAME_CAP];
    int64_t rest = duration_us - s->parts_us;
    int ret = 0;

    if (s->part_target_us <= 0) {
        return 0;
    }
    s->cut_off = -1;
    s->cut_wait = 0;
    if (s->cur.bytes > s->part_off) {
        rest = rest < 0 ? 0 : rest > s->part_target_us ? s->part_target_us : rest;
        ret = add_part(s, rest, s->cur.bytes);
    }
    s->part_open = 0;
    slc_store_live_seg_name(s->cur.seq + 1, next, sizeof(next));
    return ret < 0 ? ret : slc_pl_media_set_preload_hint(&s->pl, next, 0);
}

void slc_store_live_parts_trim(struct slc_store_live *s)
{
    slc_pl_media_drop_parts(&s->pl, PART_WINDOW_SEGMENTS);
}

/* Wake the blocking playlist requests: one byte more in the pulse, or a fresh pulse when it
 * is full (completing the old one wakes its waiters, which then find the new one). */
int slc_store_live_pulse(struct slc_store_live *s)
{
    struct slc_object *p = NULL, *fresh = NULL;
    struct slc_object_info info;
    int ret;

    pthread_mutex_lock(&s->lock);
    p = s->pulse ? slc_object_ref(s->pulse) : NULL;
    pthread_mutex_unlock(&s->lock);
    if (!p) {
        return 0;
    }
    slc_object_stat(p, &info);
    if (info.size < PULSE_MAX) {
        ret = slc_object_append(p, "", 1);
    } else if ((ret = slc_object_new_growing(0, &fresh)) == 0) {
        pthread_mutex_lock(&s->lock);
        slc_object_unref(&s->pulse);
        s->pulse = fresh;
        pthread_mutex_unlock(&s->lock);
        ret = slc_object_complete(p);
    }
    slc_object_unref(&p);
    return ret;
}

int slc_store_live_block_check(struct slc_store_live *s, uint64_t msn, int64_t part,
                               struct slc_object **pulse, uint64_t *pulse_off, int *target_s)
{
    struct slc_object_info info;
    uint64_t next;
    int ret;

    *pulse = NULL;
    pthread_mutex_lock(&s->lock);
    next = s->pub_msn + s->pub_nsegs; /* the segment in progress */
    *target_s = s->pub_target > 0 ? s->pub_target : (int)(s->cfg.target_duration + 0.999);
    if (s->ended || s->part_target_us <= 0) {
        ret = 1; /* ended, or standard HLS (no CAN-BLOCK-RELOAD): directives do not apply */
    } else if (msn > next + 1) {
        ret = SLC_EINVAL; /* RFC 8216bis 6.2.5.2: more than two segments ahead: 400 */
    } else if (s->pub_nsegs > 0 &&
               (msn < next || (part >= 0 && msn == next && (uint64_t)part < s->pub_ntail))) {
        ret = 1;
    } else {
        ret = s->media_obj ? 0 : SLC_EAGAIN;
    }
    if (ret == 0 || ret == SLC_EAGAIN) {
        *pulse = s->pulse ? slc_object_ref(s->pulse) : NULL;
    }
    pthread_mutex_unlock(&s->lock);
    if ((ret == 0 || ret == SLC_EAGAIN) && !*pulse) {
        return SLC_ENOMEM;
    }
    if (*pulse) {
        slc_object_stat(*pulse, &info);
        *pulse_off = info.size;
    }
    return ret;
}
