/* SPDX-License-Identifier: MIT */
/* Per-track stage setup: stream copy where HLS-in-TS carries the codec, transcode otherwise. */
#include "seg_pipeline.h"

#include "slc_err.h"
#include "slc_log.h"

#include <string.h>

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

/* The input stream behind track `i` in this run, or -1: the main audio is set up unless
 * only an alternate is produced (it is then still read when it decides the cuts, i.e. with
 * no video), alternate k only when it is produced. */
static int track_input(const struct slc_seg_pipeline *p, int i)
{
    const struct slc_seg_source *src = &p->src;
    int k = i - SLC_TRACK_ALT0 + 1;

    if (i == SLC_TRACK_VIDEO) {
        return src->video;
    }
    if (i == SLC_TRACK_AUDIO) {
        return slc_seg_writes_main(p) || src->video < 0 ? src->audio : -1;
    }
    if (k > src->nalt || (!p->all_renditions && p->rendition != k)) {
        return -1;
    }
    return src->alt[k - 1];
}

/* An alternate audio track that can't be set up is left out with a warning (the main
 * rendition still plays); --copy-only's refusal stays an error, as for any other track. */
static int setup_alt(struct slc_seg_pipeline *p, struct slc_seg_track *t, int i)
{
    int ret = setup_track(p, t);

    if (ret < 0 && !p->cfg->copy_only && ret != SLC_ENOMEM && ret != SLC_EINTR) {
        slc_log_warn("segmenter: audio track %d (stream %d, %s) left out: %s",
                     i - SLC_TRACK_ALT0 + 2, t->in_index,
                     avcodec_get_name(t->in->codecpar->codec_id), slc_strerror(ret));
        slc_transcoder_free(&t->tc);
        memset(t, 0, sizeof(*t));
        return 0;
    }
    return ret;
}

int slc_seg_tracks_setup(struct slc_seg_pipeline *p)
{
    for (int i = 0; i < SLC_SEG_TRACKS; i++) {
        struct slc_seg_track *t = &p->tr[i];
        int idx = track_input(p, i);
        AVRational fr;
        int ret;

        if (idx < 0) {
            continue;
        }
        t->present = 1;
        t->in_index = idx;
        t->in = p->src.fmt->streams[idx];
        ret = i >= SLC_TRACK_ALT0 ? setup_alt(p, t, i) : setup_track(p, t);
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
