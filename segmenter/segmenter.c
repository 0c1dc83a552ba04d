/* SPDX-License-Identifier: MIT */
/* The segmenting pipeline: read -> repair timestamps -> copy or transcode -> interleave ->
 * cut at keyframes -> mux into TS -> sink. One run per call; no global state. */
#include "seg_pipeline.h"

#include "slc_err.h"
#include "slc_log.h"
#include "slc_store_disk.h"

#include <libavutil/mathematics.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const AVRational tb90k = {1, 90000};

/* A keyframe this close before the target still cuts: timestamps rounded to 90 kHz or to
 * the input's time base must not push a cut a whole GOP later. */
#define CUT_TOLERANCE_90K 900

void slc_seg_config_init(struct slc_seg_config *c)
{
    memset(c, 0, sizeof(*c));
    c->target_duration = 6.0;
    c->type = SLC_PL_TYPE_VOD;
    c->segment_template = "seg%05d.ts";
}

static int64_t to_out(const struct slc_seg_pipeline *p, int64_t ts)
{
    return ts - p->origin_90k + SLC_OUT_OFFSET_90K;
}

static int describe_once(struct slc_seg_pipeline *p)
{
    struct slc_seg_stream_desc d;

    if (p->described) {
        return 0;
    }
    p->described = 1;
    slc_seg_describe(p, &d);
    return p->sink.ops->describe(p->sink.opaque, &d);
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
    info.duration_us = av_rescale_q(end_out - p->seg_start_90k, tb90k, AV_TIME_BASE_Q);
    ret = slc_seg_tsmux_end(&p->mux, &info);
    p->seg_open = 0;
    p->seq++;
    return ret;
}

static int begin_segment(struct slc_seg_pipeline *p, int64_t start_out)
{
    int ret;

    if (!p->muxer_open) {
        ret = slc_seg_tsmux_open(&p->mux, p->sink, p->tr[0].present ? p->tr[0].par : NULL,
                                 p->tr[1].present ? p->tr[1].par : NULL);
        if (ret < 0) {
            return ret;
        }
        p->muxer_open = 1;
    }
    ret = slc_seg_tsmux_begin(&p->mux, p->seq);
    p->seg_open = ret == 0;
    p->seg_start_90k = start_out;
    return ret;
}

static void report_progress(struct slc_seg_pipeline *p, int64_t pts_out)
{
    if (p->cfg->progress && (++p->packets & 63) == 0) {
        int64_t pos = av_rescale_q(pts_out - SLC_OUT_OFFSET_90K, tb90k, AV_TIME_BASE_Q);
        p->cfg->progress(p->cfg->progress_opaque, pos > 0 ? pos : 0, p->duration_us);
    }
}

/* Should this packet (already on the output timeline) open a new segment? The decision
 * compares keyframe *decode* times, which a container's index holds (the MP4 sample table),
 * so the just-in-time server can plan the same cuts from the index alone without reading
 * packets; durations are still measured in presentation time. */
static int is_cut(const struct slc_seg_pipeline *p, int t, const AVPacket *pkt)
{
    if (t != p->ref || !p->seg_open || !p->have_seg_key) {
        return 0;
    }
    if (t == SLC_TRACK_VIDEO && !(pkt->flags & AV_PKT_FLAG_KEY)) {
        return 0;
    }
    return pkt->dts >= p->seg_key_dts + p->target_90k - CUT_TOLERANCE_90K;
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
    pkt->pts = to_out(p, pkt->pts);
    pkt->dts = to_out(p, pkt->dts);
    if (tr->have_dts && pkt->dts <= tr->last_dts_90k) {
        p->dropped++; /* the muxer needs rising dts per stream; broken input packet */
        return 0;
    }
    tr->have_dts = 1;
    tr->last_dts_90k = pkt->dts;
    if (is_cut(p, t, pkt)) {
        ret = end_segment(p, pkt->pts);
        if (ret == 0) {
            ret = begin_segment(p, pkt->pts);
        }
    } else if (!p->seg_open) {
        ret = begin_segment(p, SLC_OUT_OFFSET_90K); /* the first segment starts at origin */
    } else {
        ret = 0;
    }
    if (ret < 0) {
        return ret;
    }
    if (t == p->ref && (!p->have_seg_key || p->seg_start_90k == pkt->pts)) {
        p->have_seg_key = 1;
        p->seg_key_dts = pkt->dts;
    }
    report_progress(p, pkt->pts);
    pkt->stream_index = t;
    return slc_seg_tsmux_write(&p->mux, pkt);
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

/* One packet from the demuxer (input time base). `pkt` is consumed. */
static int ingest(struct slc_seg_pipeline *p, AVPacket *pkt)
{
    int t = pkt->stream_index == p->tr[SLC_TRACK_VIDEO].in_index && p->tr[0].present
                ? SLC_TRACK_VIDEO
                : SLC_TRACK_AUDIO;
    struct slc_seg_track *tr = &p->tr[t];
    int ret;

    if (slc_seg_timeline_fix(&p->tl, t, pkt) < 0 ||
        (t == SLC_TRACK_AUDIO && (pkt->flags & AV_PKT_FLAG_DISCARD))) {
        /* no usable timestamp, or outside the edit list (encoder priming): not played */
        p->dropped++;
        av_packet_unref(pkt);
        return 0;
    }
    if (!tr->tc) {
        keep_first_key(p, t, pkt);
        return stage_out(p, t, pkt);
    }
    ret = slc_transcoder_send(tr->tc, pkt);
    av_packet_unref(pkt);
    return ret < 0 ? ret : drain_transcoder(p, t, pkt);
}

/* End of input: drain transcoders and the interleaver, close the last segment. */
static int flush_all(struct slc_seg_pipeline *p)
{
    AVPacket *pkt = av_packet_alloc();
    int ret = pkt ? 0 : SLC_ENOMEM;

    for (int t = 0; t < 2 && ret == 0; t++) {
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
    if (ret == 0 && !p->seg_open) {
        slc_log_error("segmenter: no playable %s in '%s'",
                      p->ref == SLC_TRACK_VIDEO ? "video keyframe" : "audio", p->src.name);
        return SLC_EFORMAT;
    }
    if (ret == 0) {
        int64_t end = to_out(p, p->tr[p->ref].end_90k);
        ret = end_segment(p, FFMAX(end, p->seg_start_90k + 1));
    }
    return ret;
}

/* RFC 8216 6.2.1: an EVENT playlist's target duration can't change, so decide it before the
 * first segment: walk the demuxer's keyframe index (when the container has one) the way the
 * cutter will, and take the longest segment that makes. */
static int predict_target(const struct slc_seg_pipeline *p)
{
    const struct slc_seg_track *t = &p->tr[p->ref];
    double target = p->cfg->target_duration, longest = target, start = NAN, last = 0;
    int n = (p->ref == SLC_TRACK_VIDEO && !t->tc) ? avformat_index_get_entries_count(t->in) : 0;

    for (int i = 0; i < n; i++) {
        const AVIndexEntry *e = avformat_index_get_entry(t->in, i);
        double ts = e->timestamp * av_q2d(t->in->time_base);
        if (!(e->flags & AVINDEX_KEYFRAME)) {
            last = ts;
            continue;
        }
        if (isnan(start)) {
            start = ts;
        } else if (ts >= start + target - 0.01) {
            longest = FFMAX(longest, ts - start);
            start = ts;
        }
        last = ts;
    }
    if (!isnan(start)) {
        longest = FFMAX(longest, last - start);
    }
    /* a small margin: the index holds dts, segments are measured in pts */
    return FFMAX(1, (int)lround(longest + 0.05));
}

static int open_pipeline(struct slc_seg_pipeline *p, const struct slc_seg_config *c,
                         const char *input)
{
    int active[2], ret;

    ret = slc_seg_source_open(&p->src, input, c->input_format, c->stop);
    if (ret < 0) {
        return ret;
    }
    ret = slc_seg_tracks_setup(p);
    if (ret < 0) {
        return ret;
    }
    p->ref = p->tr[SLC_TRACK_VIDEO].present ? SLC_TRACK_VIDEO : SLC_TRACK_AUDIO;
    p->target_90k = (int64_t)llround(c->target_duration * 90000.0);
    p->duration_us = slc_seg_source_duration_us(&p->src);
    slc_seg_timeline_init(&p->tl, !!(p->src.fmt->iformat->flags & AVFMT_TS_DISCONT));
    for (int t = 0; t < 2; t++) {
        p->tr[t].end_90k = INT64_MIN;
        if (p->tr[t].present) {
            slc_seg_timeline_track(&p->tl, t, p->tr[t].in->time_base, p->tr[t].in->pts_wrap_bits);
        }
    }
    active[0] = p->tr[0].present;
    active[1] = p->tr[1].present;
    slc_seg_il_init(&p->il, active);
    return 0;
}

static int run_loop(struct slc_seg_pipeline *p)
{
    AVPacket *pkt = av_packet_alloc();
    int ret = pkt ? 0 : SLC_ENOMEM;

    while (ret == 0) {
        if (p->cfg->stop && *p->cfg->stop) {
            ret = SLC_EINTR;
            break;
        }
        ret = slc_seg_source_read(&p->src, pkt);
        if (ret == SLC_EOF) {
            ret = flush_all(p);
            break;
        }
        if (ret == 0) {
            ret = ingest(p, pkt);
        }
    }
    av_packet_free(&pkt);
    return ret;
}

static void close_pipeline(struct slc_seg_pipeline *p)
{
    for (int t = 0; t < 2; t++) {
        slc_transcoder_free(&p->tr[t].tc);
    }
    slc_seg_il_deinit(&p->il);
    if (p->muxer_open) {
        slc_seg_tsmux_close(&p->mux);
    }
    slc_seg_source_close(&p->src);
    free(p->first_key);
}

static int check_config(const struct slc_seg_config *c)
{
    if (!(c->target_duration >= 0.1 && c->target_duration <= 3600)) {
        slc_log_error("segmenter: target duration %g s is out of range [0.1, 3600]",
                      c->target_duration);
        return SLC_EINVAL;
    }
    if (c->type != SLC_PL_TYPE_VOD && c->type != SLC_PL_TYPE_EVENT) {
        slc_log_error("segmenter: playlist type must be vod or event");
        return SLC_EINVAL;
    }
    return slc_seg_name_check(c->segment_template);
}

static void fill_stats(const struct slc_seg_pipeline *p, struct slc_store_disk *store,
                       struct slc_seg_stats *st)
{
    if (!st) {
        return;
    }
    memset(st, 0, sizeof(*st));
    slc_store_disk_stats(store, &st->segments, &st->bytes, &st->duration_us, &st->peak_bitrate,
                         &st->avg_bitrate);
    st->transcoded_video = p->tr[SLC_TRACK_VIDEO].tc != NULL;
    st->transcoded_audio = p->tr[SLC_TRACK_AUDIO].tc != NULL;
}

int slc_seg_run(const struct slc_seg_config *c, const char *input, const char *outdir,
                struct slc_seg_stats *stats)
{
    struct slc_seg_pipeline *p = NULL;
    struct slc_store_disk *store = NULL;
    struct slc_store_disk_config sc = {0};
    int ret = check_config(c);

    if (ret == 0 && !(p = calloc(1, sizeof(*p)))) {
        ret = SLC_ENOMEM;
    }
    if (ret < 0) {
        return ret;
    }
    p->cfg = c;
    ret = open_pipeline(p, c, input);
    if (ret < 0) {
        goto out;
    }
    sc.outdir = outdir;
    sc.segment_template = c->segment_template;
    sc.base_url = c->base_url;
    sc.type = c->type;
    sc.target_duration = c->type == SLC_PL_TYPE_EVENT ? predict_target(p) : 0;
    ret = slc_store_disk_new(&store, &sc);
    if (ret < 0) {
        goto out;
    }
    p->sink = slc_store_disk_sink(store);
    ret = run_loop(p);
    if (p->dropped) {
        slc_log_debug("segmenter: %llu packets dropped (before the first keyframe, outside the "
                      "edit list, or with broken timestamps)",
                      (unsigned long long)p->dropped);
    }
    {
        int fret = p->sink.ops->finish(p->sink.opaque, ret == 0);
        ret = ret < 0 ? ret : fret;
    }
    fill_stats(p, store, stats);
out:
    close_pipeline(p);
    slc_store_disk_free(&store);
    free(p);
    return ret;
}
