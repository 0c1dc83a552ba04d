/* SPDX-License-Identifier: MIT */
/* A source session: one opening of the input (demuxer, per-track copy/transcode stages,
 * timestamp repair, interleaver) and the read loop that feeds the transform. A live run
 * opens one session after another across disconnects; a file run opens one. */
#include "seg_pipeline.h"

#include "slc_err.h"
#include "slc_log.h"

#include <libavutil/time.h>

#include <math.h>
#include <string.h>

/* RFC 8216 6.2.1: an EVENT playlist's target duration can't change, so decide it before the
 * first segment: walk the demuxer's keyframe index (when the container has one) the way the
 * cutter will, and take the longest segment that makes. */
int slc_seg_predict_target(const struct slc_seg_pipeline *p)
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

int slc_seg_session_open(struct slc_seg_pipeline *p, const char *input)
{
    int ret = slc_seg_source_open(&p->src, input, p->cfg);

    return ret < 0 ? ret : slc_seg_session_setup(p);
}

int slc_seg_session_setup(struct slc_seg_pipeline *p)
{
    const struct slc_seg_config *c = p->cfg;
    int active[SLC_IL_TRACKS] = {0}, ret;

    memset(p->tr, 0, sizeof(p->tr));
    p->have_origin = 0;
    p->have_seg_key = 0;
    ret = slc_seg_tracks_setup(p);
    if (ret < 0) {
        return ret;
    }
    p->ref = p->tr[SLC_TRACK_VIDEO].present ? SLC_TRACK_VIDEO : SLC_TRACK_AUDIO;
    p->target_90k = (int64_t)llround(c->target_duration * 90000.0);
    p->duration_us = slc_seg_source_duration_us(&p->src);
    slc_seg_timeline_init(&p->tl, !!(p->src.fmt->iformat->flags & AVFMT_TS_DISCONT));
    for (int t = 0; t < SLC_SEG_TRACKS; t++) {
        p->tr[t].end_90k = INT64_MIN;
        if (p->tr[t].present) {
            slc_seg_timeline_track(&p->tl, t, p->tr[t].in->time_base, p->tr[t].in->pts_wrap_bits);
        }
        active[t] = p->tr[t].present;
    }
    slc_seg_il_init(&p->il, active);
    return 0;
}

/* With --realtime, hold each packet until its time has come on the wall clock (as ffmpeg
 * -re): a file then feeds a live stream at the pace a camera would. */
static void pace(struct slc_seg_pipeline *p, const AVPacket *pkt)
{
    AVRational tb = p->src.fmt->streams[pkt->stream_index]->time_base;
    int64_t ts_us, wait;

    if (!p->cfg->realtime || pkt->dts == AV_NOPTS_VALUE) {
        return;
    }
    ts_us = av_rescale_q(pkt->dts, tb, AV_TIME_BASE_Q);
    if (!p->pace_started) {
        p->pace_started = 1;
        p->pace_ts0_us = ts_us;
        p->pace_wall0_us = av_gettime_relative();
        return;
    }
    wait = p->pace_wall0_us + (ts_us - p->pace_ts0_us) - av_gettime_relative();
    while (wait > 0 && !(p->cfg->stop && *p->cfg->stop)) {
        int64_t step = wait > 100000 ? 100000 : wait;
        av_usleep((unsigned)step);
        wait -= step;
    }
}

int slc_seg_session_run(struct slc_seg_pipeline *p)
{
    AVPacket *pkt = av_packet_alloc();
    int ret = pkt ? 0 : SLC_ENOMEM;

    p->pace_started = 0;
    while (ret == 0) {
        if (p->cfg->stop && *p->cfg->stop) {
            ret = SLC_EINTR;
            break;
        }
        ret = slc_seg_source_read(&p->src, pkt);
        if (ret == 0) {
            pace(p, pkt);
            ret = slc_seg_flow_ingest(p, pkt);
        }
    }
    av_packet_free(&pkt);
    return ret;
}

void slc_seg_session_teardown(struct slc_seg_pipeline *p)
{
    for (int t = 0; t < SLC_SEG_TRACKS; t++) {
        slc_transcoder_free(&p->tr[t].tc);
    }
    slc_seg_il_deinit(&p->il);
    if (p->muxer_open) {
        slc_seg_tsmux_close(&p->mux);
        p->muxer_open = 0;
    }
    for (int k = 0; k < SLC_SEG_AUDIO_MAX - 1; k++) {
        if (p->alt[k].muxer_open) {
            slc_seg_tsmux_close(&p->alt[k].mux);
            p->alt[k].muxer_open = 0;
        }
    }
}

void slc_seg_session_close(struct slc_seg_pipeline *p)
{
    slc_seg_session_teardown(p);
    slc_seg_source_close(&p->src);
}
