/* SPDX-License-Identifier: MIT */
/* Timestamp repair: fill, unwrap, de-jump. */
#include "seg_timeline.h"

#include "slc_err.h"
#include "slc_log.h"

#include <libavutil/avutil.h>
#include <libavutil/mathematics.h>

#include <string.h>

static const AVRational tb90k = {1, 90000};

/* A jump forward larger than this, or any step backwards beyond JUMP_BACK, is a break in
 * the timeline, not a gap in the media. */
#define JUMP_FWD_90K (10 * 90000)
#define JUMP_BACK_90K (1 * 90000)

void slc_seg_timeline_init(struct slc_seg_timeline *tl, int fix_jumps)
{
    memset(tl, 0, sizeof(*tl));
    tl->fix_jumps = fix_jumps;
}

void slc_seg_timeline_track(struct slc_seg_timeline *tl, int t, AVRational tb, int wrap_bits)
{
    struct slc_seg_track_clock *c = &tl->tr[t];

    memset(c, 0, sizeof(*c));
    c->tb = tb;
    c->wrap_bits = (wrap_bits > 0 && wrap_bits < 63) ? wrap_bits : 0;
}

/* Add whole wrap cycles to `raw` so it lands nearest to `ref` (both in the stream base). */
static int64_t unwrap_near(const struct slc_seg_track_clock *c, int64_t raw, int64_t ref)
{
    int64_t wrap, v;

    if (!c->wrap_bits) {
        return raw;
    }
    wrap = INT64_C(1) << c->wrap_bits;
    v = raw + c->wrap_add;
    while (v < ref - wrap / 2) {
        v += wrap;
    }
    while (v > ref + wrap / 2) {
        v -= wrap;
    }
    return v;
}

static int fill_missing(struct slc_seg_track_clock *c, AVPacket *pkt)
{
    if (pkt->dts == AV_NOPTS_VALUE) {
        if (pkt->pts != AV_NOPTS_VALUE && !c->started) {
            pkt->dts = pkt->pts;
        } else if (c->started) {
            pkt->dts = c->last_raw + c->last_dur;
        } else {
            return SLC_EFORMAT;
        }
    }
    if (pkt->pts == AV_NOPTS_VALUE) {
        pkt->pts = pkt->dts;
    }
    return 0;
}

/* Remove a jump: shift the whole output timeline so this packet continues the track. */
static void remove_jump(struct slc_seg_timeline *tl, struct slc_seg_track_clock *c, int64_t dts_90k)
{
    int64_t shifted = dts_90k + tl->offset_90k;

    if (!tl->fix_jumps || !c->started) {
        return;
    }
    if (shifted > c->next_90k + JUMP_FWD_90K || shifted < c->next_90k - JUMP_BACK_90K) {
        tl->offset_90k += c->next_90k - shifted;
        tl->jumps++;
        if (slc_log_limit_pass(&tl->jump_log, "segmenter: input timestamp jumps")) {
            slc_log_warn("segmenter: input timestamps jump by %.3f s; timeline made continuous",
                         (double)(shifted - c->next_90k) / 90000.0);
        }
    }
}

int slc_seg_timeline_fix(struct slc_seg_timeline *tl, int t, AVPacket *pkt)
{
    struct slc_seg_track_clock *c = &tl->tr[t];
    int64_t raw_dts, dts, pts, dts_90k, off, prev;

    if (fill_missing(c, pkt) < 0) {
        return SLC_EFORMAT;
    }
    raw_dts = pkt->dts;
    prev = c->last_raw + c->wrap_add; /* previous dts, unwrapped */
    dts = c->started ? unwrap_near(c, raw_dts, c->last_raw + c->wrap_add) : raw_dts;
    c->wrap_add = dts - raw_dts;
    pts = unwrap_near(c, pkt->pts, dts);
    dts_90k = av_rescale_q(dts, c->tb, tb90k);
    remove_jump(tl, c, dts_90k);
    off = av_rescale_q(tl->offset_90k, tb90k, c->tb);
    pkt->dts = dts + off;
    pkt->pts = pts + off;
    if (pkt->duration > 0) {
        c->last_dur = pkt->duration;
    } else if (c->started && dts > prev) {
        c->last_dur = dts - prev;
    }
    c->last_raw = raw_dts;
    c->started = 1;
    c->next_90k = av_rescale_q(pkt->dts + (c->last_dur > 0 ? c->last_dur : 0), c->tb, tb90k);
    return 0;
}
