/* SPDX-License-Identifier: MIT */
/* Video half of the transcoder: any decoded picture -> yuv420p (libswscale) -> libx264
 * High, with IDR frames forced at segment boundaries. Knows nothing of muxing or segments
 * beyond the keyframe interval. */
#include "transcode_priv.h"

#include "slc_err.h"
#include "slc_log.h"

#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>

#include <inttypes.h>
#include <math.h>
#include <stdio.h>

#define DEFAULT_CRF 21
#define DEFAULT_PRESET "veryfast"
#define DEFAULT_GOP 250   /* x264's own keyint when no interval is asked for */
#define FALLBACK_FPS 25.0 /* only for the GOP size and rate control when the rate is unknown */

static AVRational input_frame_rate(const AVStream *in)
{
    if (in->avg_frame_rate.num > 0 && in->avg_frame_rate.den > 0) {
        return in->avg_frame_rate;
    }
    if (in->r_frame_rate.num > 0 && in->r_frame_rate.den > 0) {
        return in->r_frame_rate;
    }
    return (AVRational){0, 1};
}

/* The GOP ceiling: twice the keyframe interval, so the forced IDRs (not x264) decide where
 * segments can start, even when a VFR input runs faster than its nominal rate. */
static int gop_size(double interval, AVRational fr)
{
    double fps = fr.num > 0 ? av_q2d(fr) : FALLBACK_FPS;
    double gop = 2.0 * interval * fps;

    if (interval <= 0) {
        return DEFAULT_GOP;
    }
    return gop < 1 ? 1 : gop > INT32_MAX / 2 ? INT32_MAX / 2 : (int)lrint(gop);
}

/* Copy colour description when it survives the conversion (YUV in, YUV out); swscale turns
 * RGB into BT.601 limited range, which is the encoder's default anyway. */
static void set_color(AVCodecContext *enc, const AVCodecContext *dec)
{
    const AVPixFmtDescriptor *d = av_pix_fmt_desc_get(dec->pix_fmt);

    enc->color_range = AVCOL_RANGE_MPEG;
    if (d && !(d->flags & AV_PIX_FMT_FLAG_RGB)) {
        enc->color_primaries = dec->color_primaries;
        enc->color_trc = dec->color_trc;
        enc->colorspace = dec->colorspace;
    }
}

static void configure_encoder(struct slc_transcoder *t, const AVStream *in, double interval)
{
    AVCodecContext *enc = t->enc;
    AVRational fr = input_frame_rate(in);
    AVRational tb = t->in_tb;

    enc->width = t->dec->width;
    enc->height = t->dec->height;
    enc->pix_fmt = AV_PIX_FMT_YUV420P;
    enc->sample_aspect_ratio = in->codecpar->sample_aspect_ratio.num > 0
                                   ? in->codecpar->sample_aspect_ratio
                                   : in->sample_aspect_ratio;
    /* Pass timestamps through (VFR stays VFR): encode in the input's time base. */
    enc->time_base = tb.num > 0 && tb.den > 0 ? tb : (AVRational){1, 90000};
    enc->framerate = fr;
    enc->gop_size = gop_size(interval, fr);
    enc->thread_count = 0;
    /* No global header: TS carries SPS/PPS in-band, repeated at every IDR. */
    enc->flags &= ~AV_CODEC_FLAG_GLOBAL_HEADER;
    set_color(enc, t->dec);
    t->video.frame_dur = fr.num > 0 ? av_rescale_q(1, av_inv_q(fr), enc->time_base) : 0;
}

static int encoder_options(AVDictionary **o, const struct slc_transcode_opts *opts)
{
    char crf[16];
    int ret = 0;

    snprintf(crf, sizeof(crf), "%d", opts->crf > 0 ? opts->crf : DEFAULT_CRF);
    ret |= av_dict_set(o, "preset", opts->preset ? opts->preset : DEFAULT_PRESET, 0);
    ret |= av_dict_set(o, "crf", crf, 0);
    ret |= av_dict_set(o, "profile", "high", 0);
    /* A forced I frame becomes an IDR, so every segment starts decodable. */
    ret |= av_dict_set(o, "forced-idr", "1", 0);
    /* No scene-cut keyframes: only the forced ones mark where segments may start. */
    ret |= av_dict_set(o, "sc_threshold", "0", 0);
    ret |= av_dict_set(o, "x264-params", "repeat-headers=1", 0);
    return ret < 0 ? SLC_ENOMEM : 0;
}

int slc_transcode_video_open(struct slc_transcoder *t, const AVStream *in,
                             const struct slc_transcode_opts *opts)
{
    const AVCodec *codec = avcodec_find_encoder_by_name("libx264");
    AVDictionary *o = NULL;
    int ret;

    t->video.first_pts = AV_NOPTS_VALUE;
    t->video.last_pts = AV_NOPTS_VALUE;
    t->video.interval = opts->keyframe_interval > 0 ? opts->keyframe_interval : 0;
    if (!codec) {
        slc_log_error("segmenter: avcodec_find_encoder_by_name failed 'libx264': not built in");
        return SLC_EUNSUPPORTED;
    }
    if (t->dec->width <= 0 || t->dec->height <= 0) {
        slc_log_error("segmenter: transcode failed 'video': unknown frame size");
        return SLC_EFORMAT;
    }
    t->enc = avcodec_alloc_context3(codec);
    t->video.scaled = av_frame_alloc();
    if (!t->enc || !t->video.scaled) {
        return SLC_ENOMEM;
    }
    configure_encoder(t, in, t->video.interval);
    ret = encoder_options(&o, opts);
    if (ret < 0) {
        goto out;
    }
    ret = avcodec_open2(t->enc, codec, &o);
    if (ret < 0) {
        slc_log_error("segmenter: avcodec_open2 failed 'libx264 %dx%d': %s", t->enc->width,
                      t->enc->height, av_err2str(ret));
        ret = slc_seg_averror(ret);
    }
out:
    av_dict_free(&o);
    return ret;
}

void slc_transcode_video_deinit(struct slc_transcoder *t)
{
    sws_freeContext(t->video.sws);
    t->video.sws = NULL;
    av_frame_free(&t->video.scaled);
}

/* Scale/convert `src` into the encoder's size and yuv420p. The output frame is made
 * writable first because the encoder may still hold a reference to the previous one. */
static int convert(struct slc_transcoder *t, const AVFrame *src, AVFrame **dst)
{
    struct slc_transcode_video *v = &t->video;
    AVFrame *s = v->scaled;
    int ret;

    v->sws =
        sws_getCachedContext(v->sws, src->width, src->height, src->format, t->enc->width,
                             t->enc->height, AV_PIX_FMT_YUV420P, SWS_BICUBIC, NULL, NULL, NULL);
    if (!v->sws) {
        slc_log_error("segmenter: sws_getCachedContext failed '%s %dx%d': unsupported",
                      av_get_pix_fmt_name(src->format), src->width, src->height);
        return SLC_EUNSUPPORTED;
    }
    if (!s->buf[0]) {
        s->format = AV_PIX_FMT_YUV420P;
        s->width = t->enc->width;
        s->height = t->enc->height;
        ret = av_frame_get_buffer(s, 0);
    } else {
        ret = av_frame_make_writable(s);
    }
    if (ret < 0) {
        return slc_seg_averror(ret);
    }
    ret = sws_scale(v->sws, (const uint8_t *const *)src->data, src->linesize, 0, src->height,
                    s->data, s->linesize);
    if (ret < 0) {
        return slc_seg_averror(ret);
    }
    *dst = s;
    return 0;
}

static int64_t boundary_pts(const struct slc_transcode_video *v, AVRational tb, int64_t index)
{
    return v->first_pts + llrint((double)index * v->interval * tb.den / tb.num);
}

/* Is `pts` the first frame at or past the next boundary (multiples of the interval from the
 * first frame)? Boundaries skipped by a gap in the input are consumed together. */
static int keyframe_due(struct slc_transcode_video *v, AVRational tb, int64_t pts)
{
    if (v->first_pts == AV_NOPTS_VALUE) {
        v->first_pts = pts;
        v->next_index = 1;
        return 1;
    }
    if (v->interval <= 0 || pts < boundary_pts(v, tb, v->next_index)) {
        return 0;
    }
    while (boundary_pts(v, tb, v->next_index) <= pts) {
        v->next_index++;
    }
    return 1;
}

/* The frame's pts in the encoder's time base, strictly after the previous one (x264 needs
 * increasing pts; a broken input may repeat or omit them). */
static int64_t frame_pts(struct slc_transcoder *t, const AVFrame *frame)
{
    struct slc_transcode_video *v = &t->video;
    int64_t pts = frame->best_effort_timestamp;
    int64_t step = v->frame_dur > 0 ? v->frame_dur : 1;

    if (pts != AV_NOPTS_VALUE) {
        pts = av_rescale_q(pts, t->in_tb, t->enc->time_base);
    }
    if (pts == AV_NOPTS_VALUE) {
        pts = v->last_pts == AV_NOPTS_VALUE ? 0 : v->last_pts + step;
    } else if (v->last_pts != AV_NOPTS_VALUE && pts <= v->last_pts) {
        slc_log_debug("segmenter: video pts %" PRId64 " not after %" PRId64 ", moved", pts,
                      v->last_pts);
        pts = v->last_pts + 1;
    }
    v->last_pts = pts;
    return pts;
}

int slc_transcode_video_frame(struct slc_transcoder *t, AVFrame *frame)
{
    AVFrame *f = frame;
    int64_t pts = frame_pts(t, frame);
    int ret;

    if (frame->format != AV_PIX_FMT_YUV420P || frame->width != t->enc->width ||
        frame->height != t->enc->height) {
        ret = convert(t, frame, &f);
        if (ret < 0) {
            return ret;
        }
    }
    f->pts = pts;
    /* The decoder's picture type must not leak: only boundaries force a keyframe. */
    f->pict_type =
        keyframe_due(&t->video, t->enc->time_base, pts) ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE;
    ret = avcodec_send_frame(t->enc, f);
    if (ret < 0) {
        slc_log_error("segmenter: avcodec_send_frame failed 'libx264 pts %" PRId64 "': %s", pts,
                      av_err2str(ret));
        return slc_seg_averror(ret);
    }
    return 0;
}
