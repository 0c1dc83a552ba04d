/* SPDX-License-Identifier: MIT */
/* The transform stage: packets from the source are timestamp-repaired, copied or transcoded,
 * interleaved, mapped onto the output timeline, cut at keyframes and muxed into the sink. */
#include "seg_pipeline.h"

#include "slc_err.h"
#include "slc_log.h"

#include <libavutil/mathematics.h>
#include <libavutil/time.h>

#include <stdlib.h>
#include <string.h>

static const AVRational tb90k = {1, 90000};

/* A keyframe this close before the target still cuts: timestamps rounded to 90 kHz or to
 * the input's time base must not push a cut a whole GOP later. */
#define CUT_TOLERANCE_90K 900

static int64_t to_out(const struct slc_seg_pipeline *p, int64_t ts)
{
    return ts - p->origin_90k + p->out_base_90k;
}

/* Alternate rendition k's state when this run writes it, else NULL. */
static struct slc_seg_alt *alt_of(struct slc_seg_pipeline *p, int k)
{
    struct slc_seg_alt *a = &p->alt[k - 1];

    return p->tr[SLC_TRACK_ALT0 + k - 1].present && a->sink.ops ? a : NULL;
}

static int describe_once(struct slc_seg_pipeline *p)
{
    struct slc_seg_stream_desc d;
    int ret = 0;

    if (p->described) {
        return 0;
    }
    p->described = 1;
    for (int k = 1; k < SLC_SEG_AUDIO_MAX && ret == 0; k++) {
        struct slc_seg_alt *a = alt_of(p, k);
        if (a) {
            slc_seg_describe_alt(p, k, &d);
            ret = a->sink.ops->describe(a->sink.opaque, &d);
        }
    }
    if (ret == 0 && slc_seg_writes_main(p)) {
        slc_seg_describe(p, &d);
        ret = p->sink.ops->describe(p->sink.opaque, &d);
    }
    return ret;
}

/* Close the open segment in every rendition written: the same sequence number, start and
 * duration everywhere (the alternates first, so that a playlist naming them is written
 * after theirs). */
static int end_renditions(struct slc_seg_pipeline *p, const struct slc_seg_segment_info *info)
{
    struct slc_seg_segment_info one;
    int ret = 0;

    for (int k = 1; k < SLC_SEG_AUDIO_MAX && ret == 0; k++) {
        struct slc_seg_alt *a = alt_of(p, k);
        if (a) {
            one = *info;
            ret = slc_seg_tsmux_end(&a->mux, &one);
        }
    }
    if (ret == 0 && slc_seg_writes_main(p)) {
        one = *info;
        ret = slc_seg_tsmux_end(&p->mux, &one);
    }
    return ret;
}

/* Close the open segment, which ends at `end_out` on the output timeline. */
static int end_segment(struct slc_seg_pipeline *p, int64_t end_out)
{
    struct slc_seg_segment_info info = {0};
    int ret = describe_once(p);

    if (ret < 0) {
        return ret;
    }
    info.seq = p->seq;
    info.start_90k = p->seg_start_90k;
    info.discontinuity = p->seg_discontinuity;
    info.wallclock_ms = p->seg_wallclock_ms;
    info.duration_us = av_rescale_q(end_out - p->seg_start_90k, tb90k, AV_TIME_BASE_Q);
    ret = end_renditions(p, &info);
    p->seg_open = 0;
    p->seq++;
    p->last_end_90k = end_out;
    return ret;
}

/* The container's language tag of track t, NULL if none (the muxer vets it). */
static const char *track_language(const struct slc_seg_pipeline *p, int t)
{
    const AVDictionaryEntry *e =
        p->tr[t].present ? av_dict_get(p->tr[t].in->metadata, "language", NULL, 0) : NULL;

    return e ? e->value : NULL;
}

static int begin_main(struct slc_seg_pipeline *p)
{
    int ret;

    if (!p->muxer_open) {
        ret = slc_seg_tsmux_open(&p->mux, p->sink, p->tr[0].present ? p->tr[0].par : NULL,
                                 p->tr[1].present ? p->tr[1].par : NULL,
                                 track_language(p, SLC_TRACK_AUDIO));
        if (ret < 0) {
            return ret;
        }
        p->muxer_open = 1;
    }
    return slc_seg_tsmux_begin(&p->mux, p->seq);
}

/* Alternate k: an audio-only muxer of its own (one stream), begun at the main cut. */
static int begin_alt(struct slc_seg_pipeline *p, struct slc_seg_alt *a, int k)
{
    int ret;

    if (!a->muxer_open) {
        ret = slc_seg_tsmux_open(&a->mux, a->sink, NULL, p->tr[SLC_TRACK_ALT0 + k - 1].par,
                                 track_language(p, SLC_TRACK_ALT0 + k - 1));
        if (ret < 0) {
            return ret;
        }
        a->muxer_open = 1;
    }
    return slc_seg_tsmux_begin(&a->mux, p->seq);
}

static int begin_segment(struct slc_seg_pipeline *p, int64_t start_out)
{
    int ret = slc_seg_writes_main(p) ? begin_main(p) : 0;

    for (int k = 1; k < SLC_SEG_AUDIO_MAX && ret == 0; k++) {
        struct slc_seg_alt *a = alt_of(p, k);
        ret = a ? begin_alt(p, a, k) : 0;
    }
    p->seg_open = ret == 0;
    p->seg_start_90k = start_out;
    p->seg_discontinuity = p->pending_discontinuity;
    p->pending_discontinuity = 0;
    p->seg_wallclock_ms = av_gettime() / 1000;
    /* a fresh muxer per segment: decode times need only rise within it */
    for (int t = 0; t < SLC_SEG_TRACKS; t++) {
        p->tr[t].have_dts = 0;
    }
    return ret;
}

static void report_progress(struct slc_seg_pipeline *p, int64_t pts_out)
{
    if (p->cfg->progress && (++p->packets & 63) == 0) {
        int64_t pos = av_rescale_q(pts_out - SLC_OUT_OFFSET_90K, tb90k, AV_TIME_BASE_Q);
        /* (for one input run from the start; live runs don't report progress) */
        p->cfg->progress(p->cfg->progress_opaque, pos > 0 ? pos : 0, p->duration_us);
    }
}

/* Should this packet (already on the output timeline) open a new segment? The decision
 * compares keyframe *decode* times, which a container's index holds (the MP4 sample table),
 * so the just-in-time server can plan the same cuts from the index alone without reading
 * packets; durations are still measured in presentation time. */
/* The input's timeline broke (a jump removed by the timeline repair: an encoder restart,
 * a timestamp reset): the first cut candidate at or after the break opens a new segment,
 * marked as a discontinuity (RFC 8216 4.3.2.3), whatever the target says. */
static int jump_cut(const struct slc_seg_pipeline *p, const AVPacket *pkt)
{
    return p->jump_pending && pkt->dts >= to_out(p, p->jump_from_90k);
}

static int is_cut(const struct slc_seg_pipeline *p, int t, const AVPacket *pkt)
{
    if (t != p->ref || !p->seg_open || !p->have_seg_key) {
        return 0;
    }
    if (t == SLC_TRACK_VIDEO && !(pkt->flags & AV_PKT_FLAG_KEY)) {
        return 0;
    }
    if (jump_cut(p, pkt)) {
        return 1;
    }
    return pkt->dts >= p->seg_key_dts + p->target_90k - CUT_TOLERANCE_90K;
}

/* Mux a packet into its rendition: tracks 0 and 1 into the main one, an alternate audio
 * track alone into its own; a rendition this run doesn't write gets nothing. */
static int write_packet(struct slc_seg_pipeline *p, int t, AVPacket *pkt)
{
    struct slc_seg_alt *a = t >= SLC_TRACK_ALT0 ? alt_of(p, t - SLC_TRACK_ALT0 + 1) : NULL;

    if (a) {
        pkt->stream_index = 0;
        return slc_seg_tsmux_write(&a->mux, pkt);
    }
    if (t < SLC_TRACK_ALT0 && slc_seg_writes_main(p)) {
        pkt->stream_index = t;
        return slc_seg_tsmux_write(&p->mux, pkt);
    }
    av_packet_unref(pkt);
    return 0;
}

/* Map a packet leaving the interleaver onto the output timeline, cut if due, and mux it. */
static int mux_one(struct slc_seg_pipeline *p, int t, AVPacket *pkt)
{
    struct slc_seg_track *tr = &p->tr[t];
    int64_t dur = pkt->duration > 0 ? pkt->duration : 0;
    int ret;

    /* HLS-NOTES: keep audio and video starts within a frame: audio that ends before the
     * first video keyframe has nothing to play with and is dropped. */
    if (!p->have_origin || (t != p->ref && pkt->pts + dur <= p->origin_90k)) {
        p->dropped++;
        return 0;
    }
    /* One segment on its own (slc_seg_run_one): audio that ends by its keyframe belongs to
     * the previous segment, exactly as the interleaver would have placed it. */
    if (p->range_skip && t != p->ref &&
        (!p->range_have_key || pkt->pts + dur <= p->range_key_pts)) {
        return 0;
    }
    pkt->pts = to_out(p, pkt->pts);
    pkt->dts = to_out(p, pkt->dts);
    if (tr->have_dts && pkt->dts <= tr->last_dts_90k) {
        p->dropped++; /* the muxer needs rising dts per stream; broken input packet */
        return 0;
    }
    if (is_cut(p, t, pkt)) {
        if (jump_cut(p, pkt)) {
            p->jump_pending = 0;
            p->pending_discontinuity = 1;
        }
        ret = end_segment(p, pkt->pts);
        if (ret == 0 && p->range_mode) {
            p->range_done = 1;
            return SLC_EOF; /* the one segment asked for is complete */
        }
        if (ret == 0) {
            ret = begin_segment(p, pkt->pts);
        }
    } else if (!p->seg_open) {
        /* a session's first segment: at origin, or at the keyframe a single segment opens on */
        ret = begin_segment(p, p->range_skip ? to_out(p, p->range_key_pts) : p->out_base_90k);
    } else {
        ret = 0;
    }
    if (ret < 0) {
        return ret;
    }
    tr->have_dts = 1;
    tr->last_dts_90k = pkt->dts;
    if (t == p->ref && (!p->have_seg_key || p->seg_start_90k == pkt->pts)) {
        p->have_seg_key = 1;
        p->seg_key_dts = pkt->dts;
    }
    report_progress(p, pkt->pts);
    return write_packet(p, t, pkt);
}

static int drain_interleaver(struct slc_seg_pipeline *p, int drain)
{
    AVPacket *pkt;
    int t, ret = 0;

    while (ret == 0 && slc_seg_il_pop(&p->il, drain, &pkt, &t)) {
        ret = mux_one(p, t, pkt);
        av_packet_free(&pkt);
    }
    return ret;
}

/* A packet leaves its track's copy/transcode stage (time base tr->tb): bring it to 90 kHz,
 * find the origin, and queue it for interleaving. `pkt` is consumed. */
static int stage_out(struct slc_seg_pipeline *p, int t, AVPacket *pkt)
{
    struct slc_seg_track *tr = &p->tr[t];
    AVPacket *q;
    int ret;

    av_packet_rescale_ts(pkt, tr->tb, tb90k);
    if (pkt->duration <= 0 && t == SLC_TRACK_VIDEO) {
        pkt->duration = tr->frame_90k;
    }
    if (p->range_skip && !p->range_have_key && t == p->ref) {
        if ((t == SLC_TRACK_VIDEO && !(pkt->flags & AV_PKT_FLAG_KEY)) ||
            pkt->pts < p->range_key_min) {
            av_packet_unref(pkt); /* after a seek: up to the keyframe the segment opens on */
            return 0;
        }
        p->range_have_key = 1;
        p->range_key_pts = pkt->pts;
    }
    if (!p->have_origin && t == p->ref) {
        if (t == SLC_TRACK_VIDEO && !(pkt->flags & AV_PKT_FLAG_KEY)) {
            p->dropped++; /* a segment must start on a keyframe: skip to the first one */
            av_packet_unref(pkt);
            return 0;
        }
        p->origin_90k = pkt->pts;
        p->have_origin = 1;
    }
    tr->end_90k = FFMAX(tr->end_90k, pkt->pts + pkt->duration);
    q = av_packet_alloc();
    if (!q) {
        av_packet_unref(pkt);
        return SLC_ENOMEM;
    }
    av_packet_move_ref(q, pkt);
    while ((ret = slc_seg_il_push(&p->il, t, &q)) == SLC_ELIMIT) {
        AVPacket *out;
        int ot;
        if (!slc_seg_il_pop(&p->il, 1, &out, &ot)) {
            break;
        }
        ret = mux_one(p, ot, out);
        av_packet_free(&out);
        if (ret < 0) {
            break;
        }
    }
    av_packet_free(&q);
    return ret < 0 ? ret : drain_interleaver(p, 0);
}

/* Keep a copy of the first video keyframe: its in-band SPS names the H.264 profile when the
 * stream has no extradata (transcoded or Annex B input). */
static void keep_first_key(struct slc_seg_pipeline *p, int t, const AVPacket *pkt)
{
    if (t != SLC_TRACK_VIDEO || p->first_key || !(pkt->flags & AV_PKT_FLAG_KEY)) {
        return;
    }
    p->first_key = malloc((size_t)pkt->size);
    if (p->first_key) {
        memcpy(p->first_key, pkt->data, (size_t)pkt->size);
        p->first_key_size = pkt->size;
    }
}

static int drain_transcoder(struct slc_seg_pipeline *p, int t, AVPacket *pkt)
{
    int ret;

    while ((ret = slc_transcoder_receive(p->tr[t].tc, pkt)) == 0) {
        keep_first_key(p, t, pkt);
        ret = stage_out(p, t, pkt);
        if (ret < 0) {
            return ret;
        }
    }
    return ret == SLC_EAGAIN || ret == SLC_EOF ? 0 : ret;
}

/* The track reading input stream `index`, or -1 when this run doesn't use it. */
static int track_of(const struct slc_seg_pipeline *p, int index)
{
    for (int t = 0; t < SLC_SEG_TRACKS; t++) {
        if (p->tr[t].present && p->tr[t].in_index == index) {
            return t;
        }
    }
    return -1;
}

int slc_seg_flow_ingest(struct slc_seg_pipeline *p, AVPacket *pkt)
{
    int t = track_of(p, pkt->stream_index);
    struct slc_seg_track *tr;
    int ret;

    if (t < 0) {
        av_packet_unref(pkt); /* an alternate audio track this run doesn't produce */
        return 0;
    }
    tr = &p->tr[t];
    if (slc_seg_timeline_fix(&p->tl, t, pkt) < 0 ||
        (t != SLC_TRACK_VIDEO && (pkt->flags & AV_PKT_FLAG_DISCARD))) {
        /* no usable timestamp, or outside the edit list (encoder priming): not played */
        p->dropped++;
        av_packet_unref(pkt);
        return 0;
    }
    if (p->tl.jumps != p->jumps_seen) {
        p->jumps_seen = p->tl.jumps;
        p->jump_pending = p->have_origin;
        p->jump_from_90k = av_rescale_q(pkt->dts, tr->in->time_base, tb90k);
    }
    if (!tr->tc) {
        keep_first_key(p, t, pkt);
        return stage_out(p, t, pkt);
    }
    ret = slc_transcoder_send(tr->tc, pkt);
    av_packet_unref(pkt);
    return ret < 0 ? ret : drain_transcoder(p, t, pkt);
}

int slc_seg_flow_flush(struct slc_seg_pipeline *p)
{
    AVPacket *pkt = av_packet_alloc();
    int ret = pkt ? 0 : SLC_ENOMEM;

    for (int t = 0; t < SLC_SEG_TRACKS && ret == 0; t++) {
        if (p->tr[t].tc) {
            ret = slc_transcoder_send(p->tr[t].tc, NULL);
            if (ret == 0) {
                ret = drain_transcoder(p, t, pkt);
            }
        }
        slc_seg_il_finish(&p->il, t);
    }
    av_packet_free(&pkt);
    if (ret == 0) {
        ret = drain_interleaver(p, 1);
    }
    if (ret == 0 && p->seg_open) {
        int64_t end = to_out(p, p->tr[p->ref].end_90k);
        ret = end_segment(p, FFMAX(end, p->seg_start_90k + 1));
    }
    return ret;
}
