/* SPDX-License-Identifier: MIT */
/* Just-in-time VOD: plan a file's segments from its sample index with the same cut rule as
 * the flow (keyframe decode times against the target), and produce one segment by seeking to
 * its keyframe and running the ordinary flow until the next cut. */
#include "slc_seg_vod.h"

#include "seg_pipeline.h"
#include "slc_err.h"
#include "slc_log.h"

#include <libavutil/mathematics.h>

#include <stdlib.h>
#include <string.h>

static const AVRational tb90k = {1, 90000};

/* Must match seg_flow.c's tolerance: the plan and the flow take the same cuts. */
#define CUT_TOLERANCE_90K 900
#define PLAN_MAX_SEGMENTS 1000000

static int64_t to90k(int64_t ts, AVRational tb)
{
    return av_rescale_q(ts, tb, tb90k);
}

/* The index covers every frame of the reference track (MP4/MOV sample tables do). */
static int index_complete(const AVStream *st)
{
    int n = avformat_index_get_entries_count(st);

    return n > 0 && st->nb_frames > 0 && (int64_t)n == st->nb_frames;
}

/* An index entry the flow would treat as a possible cut (and not drop on ingest). */
static int is_candidate(const struct slc_seg_pipeline *p, const AVIndexEntry *e)
{
    if (p->ref == SLC_TRACK_VIDEO) {
        return (e->flags & AVINDEX_KEYFRAME) != 0;
    }
    return !(e->flags & AVINDEX_DISCARD_FRAME);
}

/* Keep the first keyframe's bytes: describe() names the H.264 profile from its SPS when the
 * stream has no extradata. */
static void keep_first_key(struct slc_seg_pipeline *p, const AVPacket *pkt)
{
    if (p->ref != SLC_TRACK_VIDEO || p->first_key || pkt->size <= 0) {
        return;
    }
    p->first_key = malloc((size_t)pkt->size);
    if (p->first_key) {
        memcpy(p->first_key, pkt->data, (size_t)pkt->size);
        p->first_key_size = pkt->size;
    }
}

/* Seek to `ts` (ref stream time base) and read the reference track from there: *first_pts
 * gets the first packet's pts (90 kHz) and *end the largest pts + duration seen, computed as
 * the flow does. With `first_only`, stop after one packet. */
static int read_ref_from(struct slc_seg_pipeline *p, int64_t ts, int first_only,
                         int64_t *first_pts_tb, int64_t *end)
{
    const struct slc_seg_track *tr = &p->tr[p->ref];
    AVPacket *pkt = av_packet_alloc();
    int ret, got = 0;

    if (!pkt) {
        return SLC_ENOMEM;
    }
    ret = av_seek_frame(p->src.fmt, tr->in_index, ts, AVSEEK_FLAG_BACKWARD) < 0 ? SLC_EFORMAT : 0;
    while (ret == 0 && (ret = slc_seg_source_read(&p->src, pkt)) == 0) {
        if (pkt->stream_index == tr->in_index && pkt->pts != AV_NOPTS_VALUE) {
            int64_t dur = pkt->duration > 0 ? to90k(pkt->duration, tr->in->time_base)
                                            : (p->ref == SLC_TRACK_VIDEO ? tr->frame_90k : 0);
            int64_t pts = to90k(pkt->pts, tr->in->time_base);
            if (!got++) {
                *first_pts_tb = pkt->pts;
                keep_first_key(p, pkt);
            }
            *end = FFMAX(*end, pts + dur);
        }
        av_packet_unref(pkt);
        if (first_only && got) {
            break;
        }
    }
    av_packet_free(&pkt);
    return ret == SLC_EOF ? 0 : ret;
}

static int plan_push(struct slc_seg_plan *plan, size_t *cap, int64_t start_90k, int64_t key_ts)
{
    if (plan->n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 64;
        struct slc_seg_plan_entry *s;
        if (ncap > PLAN_MAX_SEGMENTS) {
            return SLC_ELIMIT;
        }
        s = realloc(plan->segs, ncap * sizeof(*s));
        if (!s) {
            return SLC_ENOMEM;
        }
        plan->segs = s;
        *cap = ncap;
    }
    plan->segs[plan->n].start_90k = start_90k;
    plan->segs[plan->n].key_ts = key_ts;
    plan->n++;
    return 0;
}

/* Walk the index the way the flow cuts: a candidate opens a new segment when its decode time
 * is at least target (less the tolerance) after the decode time of the current segment's
 * opening one. Presentation times are the decode times plus the first keyframe's offset. */
static int plan_cuts(struct slc_seg_pipeline *p, struct slc_seg_plan *plan, int64_t cts_tb)
{
    AVStream *st = p->tr[p->ref].in;
    int n = avformat_index_get_entries_count(st);
    int64_t key_dts = 0;
    size_t cap = 0;
    int have = 0, ret = 0;

    for (int i = 0; i < n && ret == 0; i++) {
        const AVIndexEntry *e = avformat_index_get_entry(st, i);
        int64_t dts = to90k(e->timestamp, st->time_base);
        if (!is_candidate(p, e) || (have && dts < key_dts + p->target_90k - CUT_TOLERANCE_90K)) {
            continue;
        }
        have = 1;
        key_dts = dts;
        ret = plan_push(plan, &cap,
                        to90k(e->timestamp + cts_tb, st->time_base) - plan->origin_90k +
                            SLC_OUT_OFFSET_90K,
                        e->timestamp + cts_tb);
    }
    return ret;
}

static const AVIndexEntry *first_candidate(const struct slc_seg_pipeline *p)
{
    AVStream *st = p->tr[p->ref].in;
    int n = avformat_index_get_entries_count(st);

    for (int i = 0; i < n; i++) {
        const AVIndexEntry *e = avformat_index_get_entry(st, i);
        if (is_candidate(p, e)) {
            return e;
        }
    }
    return NULL;
}

/* EXTINF durations exactly as end_segment() computes them, and the target duration the disk
 * store derives from them. */
static int plan_durations(struct slc_seg_plan *plan, int64_t end_out)
{
    struct slc_pl_media pl;
    int ret = 0;

    slc_pl_media_init(&pl);
    for (size_t i = 0; i < plan->n && ret == 0; i++) {
        struct slc_pl_segment seg = {.uri = "s", .byterange_length = -1, .byterange_offset = -1};
        int64_t start = plan->segs[i].start_90k;
        int64_t next = i + 1 < plan->n ? plan->segs[i + 1].start_90k : FFMAX(end_out, start + 1);
        plan->segs[i].duration_us = av_rescale_q(next - start, tb90k, AV_TIME_BASE_Q);
        seg.duration_us = plan->segs[i].duration_us;
        ret = slc_pl_media_add_segment(&pl, &seg);
    }
    plan->target_duration = slc_pl_media_min_target(&pl);
    slc_pl_media_deinit(&pl);
    return ret;
}

static int plan_from_index(struct slc_seg_pipeline *p, struct slc_seg_plan *plan)
{
    const AVIndexEntry *e0 = first_candidate(p);
    int64_t pts0_tb = 0, ignored = 0, end = INT64_MIN;
    int ret;

    if (!e0) {
        slc_log_error("segmenter: no playable %s in '%s'",
                      p->ref == SLC_TRACK_VIDEO ? "video keyframe" : "audio", p->src.name);
        return SLC_EFORMAT;
    }
    ret = read_ref_from(p, e0->timestamp, 1, &pts0_tb, &ignored);
    if (ret < 0) {
        return ret;
    }
    plan->origin_90k = to90k(pts0_tb, p->tr[p->ref].in->time_base);
    ret = plan_cuts(p, plan, pts0_tb - e0->timestamp);
    if (ret == 0 && plan->n > 0) {
        ret = read_ref_from(p, plan->segs[plan->n - 1].key_ts, 0, &ignored, &end);
    }
    if (ret == 0) {
        ret = plan_durations(plan, end - plan->origin_90k + SLC_OUT_OFFSET_90K);
    }
    return ret;
}

struct slc_seg_vod_file {
    struct slc_seg_config cfg; /* a copy: the pipeline points at it */
    struct slc_seg_pipeline *p;
    struct slc_seg_plan plan;
};

/* Plan from the open session (tracks set up). exact = 0 when the index can't be trusted or a
 * track needs transcoding: callers package the whole file instead. */
static int build_plan(struct slc_seg_pipeline *p, struct slc_seg_plan *plan)
{
    int ret;

    plan->transcode = 0;
    for (int t = 0; t < SLC_SEG_TRACKS; t++) {
        plan->transcode |= p->tr[t].tc != NULL;
    }
    if (plan->transcode || !index_complete(p->tr[p->ref].in)) {
        return 0;
    }
    ret = plan_from_index(p, plan);
    if (ret == 0) {
        slc_seg_describe(p, &plan->desc);
        plan->exact = 1;
    }
    return ret;
}

int slc_seg_vod_file_open(const struct slc_seg_config *c, const char *input,
                          struct slc_seg_vod_file **out)
{
    struct slc_seg_vod_file *h = calloc(1, sizeof(*h));
    int ret = h ? slc_seg_check_config(c) : SLC_ENOMEM;

    *out = NULL;
    if (ret == 0 && !(h->p = calloc(1, sizeof(*h->p)))) {
        ret = SLC_ENOMEM;
    }
    if (ret < 0) {
        slc_seg_vod_file_free(&h);
        return ret;
    }
    h->cfg = *c;
    h->p->cfg = &h->cfg;
    h->p->out_base_90k = SLC_OUT_OFFSET_90K;
    h->p->all_renditions = 1; /* the plan describes every audio track, as the whole run */
    ret = slc_seg_session_open(h->p, input);
    if (ret == 0) {
        ret = build_plan(h->p, &h->plan);
    }
    slc_seg_session_teardown(h->p);
    free(h->p->first_key);
    h->p->first_key = NULL;
    if (ret < 0) {
        slc_seg_vod_file_free(&h);
        return ret;
    }
    *out = h;
    return 0;
}

const struct slc_seg_plan *slc_seg_vod_file_plan(const struct slc_seg_vod_file *h)
{
    return &h->plan;
}

size_t slc_seg_vod_file_index_bytes(const struct slc_seg_vod_file *h)
{
    const AVFormatContext *fmt = h->p ? h->p->src.fmt : NULL;
    size_t n = 0;

    for (unsigned i = 0; fmt && i < fmt->nb_streams; i++) {
        n += (size_t)avformat_index_get_entries_count(fmt->streams[i]);
    }
    return n * SLC_SEG_VOD_SAMPLE_BYTES;
}

void slc_seg_vod_file_free(struct slc_seg_vod_file **pp)
{
    struct slc_seg_vod_file *h = *pp;

    if (!h) {
        return;
    }
    if (h->p) {
        slc_seg_session_close(h->p);
        free(h->p->first_key);
        free(h->p);
    }
    slc_seg_plan_free(&h->plan);
    free(h);
    *pp = NULL;
}

/* Reset the per-run state of the handle's pipeline, keeping its open demuxer: rendition 0
 * writes the main rendition into `sink`, k >= 1 alternate audio rendition k alone. */
static void reset_run(struct slc_seg_vod_file *h, const struct slc_seg_sink *sink, int rendition,
                      uint64_t index)
{
    struct slc_seg_pipeline *p = h->p;
    struct slc_seg_source src = p->src;

    memset(p, 0, sizeof(*p));
    p->src = src;
    p->cfg = &h->cfg;
    p->rendition = rendition;
    if (rendition == 0) {
        p->sink = *sink;
    } else {
        p->alt[rendition - 1].sink = *sink;
    }
    p->seq = index;
    p->out_base_90k = SLC_OUT_OFFSET_90K;
}

static int seek_to(struct slc_seg_pipeline *p, int64_t ts)
{
    int ret = av_seek_frame(p->src.fmt, p->tr[p->ref].in_index, ts, AVSEEK_FLAG_BACKWARD);

    if (ret < 0) {
        slc_log_error("segmenter: seek failed '%s': %s", p->src.name, av_err2str(ret));
        return SLC_EFORMAT;
    }
    return 0;
}

/* Run the flow from the segment's keyframe to the next cut (or the end of the input). */
static int produce(struct slc_seg_pipeline *p, const struct slc_seg_plan *plan, uint64_t index)
{
    int ret;

    p->range_mode = 1;
    /* The origin is the file's, so timestamps match the whole-file run. */
    p->have_origin = 1;
    p->origin_90k = plan->origin_90k;
    if (index > 0) {
        p->range_skip = 1;
        /* libavformat may land on an earlier keyframe: the flow skips up to this one */
        p->range_key_min = plan->segs[index].start_90k - SLC_OUT_OFFSET_90K + plan->origin_90k;
    }
    ret = seek_to(p, plan->segs[index].key_ts);
    if (ret == 0) {
        ret = slc_seg_session_run(p);
    }
    if (ret == SLC_EOF && !p->range_done) {
        ret = slc_seg_flow_flush(p); /* the input ended: the last segment, or the next cut was
                                        still in the interleaver */
    }
    if (ret == SLC_EOF && p->range_done) {
        ret = 0;
    }
    if (ret == 0 && index > 0 &&
        p->range_key_pts - plan->origin_90k + SLC_OUT_OFFSET_90K != plan->segs[index].start_90k) {
        slc_log_warn("segmenter: segment %llu of '%s' starts off its planned time",
                     (unsigned long long)index, p->src.name);
    }
    return ret;
}

int slc_seg_plan_has_rendition(const struct slc_seg_plan *plan, int rendition)
{
    if (rendition == 0) {
        return 1;
    }
    for (int i = 0; i < plan->desc.naudio; i++) {
        if (plan->desc.audio[i].rendition == rendition) {
            return 1;
        }
    }
    return 0;
}

int slc_seg_vod_file_run_one(struct slc_seg_vod_file *h, uint64_t index,
                             const struct slc_seg_sink *sink)
{
    return slc_seg_vod_file_run_rendition(h, 0, index, sink);
}

int slc_seg_vod_file_run_rendition(struct slc_seg_vod_file *h, int rendition, uint64_t index,
                                   const struct slc_seg_sink *sink)
{
    struct slc_seg_pipeline *p = h->p;
    int ret;

    if (!h->plan.exact || index >= h->plan.n || !slc_seg_plan_has_rendition(&h->plan, rendition)) {
        return h->plan.exact ? SLC_ENOENT : SLC_EUNSUPPORTED;
    }
    reset_run(h, sink, rendition, index);
    ret = slc_seg_session_setup(p);
    if (ret == 0 && rendition > 0 && !p->tr[SLC_TRACK_ALT0 + rendition - 1].present) {
        ret = SLC_ENOENT; /* the file changed under the plan */
    }
    if (ret == 0) {
        ret = produce(p, &h->plan, index);
    }
    {
        int fret = sink->ops->finish(sink->opaque, ret == 0);
        ret = ret < 0 ? ret : fret;
    }
    slc_seg_session_teardown(p);
    free(p->first_key);
    p->first_key = NULL;
    return ret;
}

int slc_seg_plan_build(const struct slc_seg_config *c, const char *input, struct slc_seg_plan *plan)
{
    struct slc_seg_vod_file *h = NULL;
    int ret = slc_seg_vod_file_open(c, input, &h);

    memset(plan, 0, sizeof(*plan));
    if (ret == 0) {
        *plan = h->plan;
        memset(&h->plan, 0, sizeof(h->plan)); /* ownership moves to the caller */
    }
    slc_seg_vod_file_free(&h);
    return ret;
}

void slc_seg_plan_free(struct slc_seg_plan *plan)
{
    free(plan->segs);
    memset(plan, 0, sizeof(*plan));
}

int slc_seg_run_one(const struct slc_seg_config *c, const char *input,
                    const struct slc_seg_plan *plan, uint64_t index,
                    const struct slc_seg_sink *sink)
{
    return slc_seg_run_one_rendition(c, input, plan, 0, index, sink);
}

int slc_seg_run_one_rendition(const struct slc_seg_config *c, const char *input,
                              const struct slc_seg_plan *plan, int rendition, uint64_t index,
                              const struct slc_seg_sink *sink)
{
    struct slc_seg_vod_file *h = NULL;
    int ret;

    if (!plan->exact || index >= plan->n || !slc_seg_plan_has_rendition(plan, rendition)) {
        return plan->exact ? SLC_ENOENT : SLC_EUNSUPPORTED;
    }
    h = calloc(1, sizeof(*h));
    if (!h || !(h->p = calloc(1, sizeof(*h->p)))) {
        free(h);
        return SLC_ENOMEM;
    }
    h->cfg = *c;
    h->p->cfg = &h->cfg;
    ret = slc_seg_source_open(&h->p->src, input, c);
    if (ret == 0) {
        h->plan = *plan; /* borrowed: not freed below */
        ret = slc_seg_vod_file_run_rendition(h, rendition, index, sink);
        memset(&h->plan, 0, sizeof(h->plan));
    }
    slc_seg_vod_file_free(&h);
    return ret;
}
