/* SPDX-License-Identifier: MIT */
/* Per-track stage setup: stream copy where HLS-in-TS carries the codec, transcode otherwise. */
#include "seg_pipeline.h"

#include "slc_err.h"
#include "slc_log.h"

static int setup_track(struct slc_seg_pipeline *p, struct slc_seg_track *t)
{
    const AVCodecParameters *par = t->in->codecpar;
    const char *kind = par->codec_type == AVMEDIA_TYPE_VIDEO ? "video" : "audio";
    struct slc_transcode_opts o = {0};
    int ret;

    if (slc_transcode_can_copy(par)) {
        t->tb = t->in->time_base;
        t->par = par;
        return 0;
    }
    if (p->cfg->copy_only) {
        slc_log_error("segmenter: %s codec '%s' can't be copied into HLS (MPEG-TS) for browsers; "
                      "drop --copy-only to transcode it",
                      kind, avcodec_get_name(par->codec_id));
        return SLC_EUNSUPPORTED;
    }
    slc_log_info("segmenter: transcoding %s (%s -> %s)", kind, avcodec_get_name(par->codec_id),
                 par->codec_type == AVMEDIA_TYPE_VIDEO ? "h264" : "aac");
    o.keyframe_interval = p->cfg->target_duration;
    ret = slc_transcoder_new(&t->tc, t->in, &o);
    if (ret < 0) {
        return ret;
    }
    t->tb = slc_transcoder_time_base(t->tc);
    t->par = slc_transcoder_codecpar(t->tc);
    return 0;
}

int slc_seg_tracks_setup(struct slc_seg_pipeline *p)
{
    const int idx[2] = {p->src.video, p->src.audio};

    for (int i = 0; i < 2; i++) {
        struct slc_seg_track *t = &p->tr[i];
        AVRational fr;
        int ret;

        if (idx[i] < 0) {
            continue;
        }
        t->present = 1;
        t->in_index = idx[i];
        t->in = p->src.fmt->streams[idx[i]];
        ret = setup_track(p, t);
        if (ret < 0) {
            return ret;
        }
        fr = t->in->avg_frame_rate.num ? t->in->avg_frame_rate : t->in->r_frame_rate;
        if (i == SLC_TRACK_VIDEO && fr.num > 0 && fr.den > 0) {
            t->frame_90k = av_rescale(90000, fr.den, fr.num);
        }
    }
    return 0;
}
