/* SPDX-License-Identifier: MIT */
/* Audio half of the transcoder: decoded samples -> libswresample (FLTP, an AAC sample rate,
 * mono/stereo/5.1) -> fifo -> FFmpeg's native AAC-LC encoder in exact 1024-sample frames
 * with contiguous timestamps. Knows nothing of muxing. */
#include "transcode_priv.h"

#include "slc_err.h"
#include "slc_log.h"

#include <libavutil/channel_layout.h>
#include <libavutil/samplefmt.h>

#include <inttypes.h>

#define FALLBACK_RATE 48000
#define BITRATE_PER_CHANNEL 64000 /* 128 kbit/s per stereo pair */
#define FIFO_MAX_SECONDS 3        /* fifo ceiling: one decoded frame + a filled gap fit easily */
#define GAP_FILL_MAX_SECONDS 1    /* longer input gaps are logged, not filled with silence */
#define GAP_TOLERANCE_DIV 100     /* gaps under 1/100 s are timestamp jitter, not lost audio */

static int rate_supported(const AVCodec *codec, int rate)
{
    for (const int *r = codec->supported_samplerates; r && *r; r++) {
        if (*r == rate) {
            return 1;
        }
    }
    return 0;
}

/* Mono and stereo stay; 5.1 stays 5.1, in the order of AAC's channel configuration 6
 * (ISO 14496-3 1.6.3.5: C, L/R, Ls/Rs, LFE, FFmpeg's "5.1"; swr moves side channels to
 * the back); everything else is downmixed to stereo. */
static void pick_layout(const AVChannelLayout *in, AVChannelLayout *out)
{
    const AVChannelLayout mono = AV_CHANNEL_LAYOUT_MONO;
    const AVChannelLayout stereo = AV_CHANNEL_LAYOUT_STEREO;
    const AVChannelLayout five1 = AV_CHANNEL_LAYOUT_5POINT1_BACK;
    const AVChannelLayout five1_side = AV_CHANNEL_LAYOUT_5POINT1;

    if (in->nb_channels == 1) {
        *out = mono;
    } else if (in->nb_channels == 6 &&
               (in->order == AV_CHANNEL_ORDER_UNSPEC || !av_channel_layout_compare(in, &five1) ||
                !av_channel_layout_compare(in, &five1_side))) {
        *out = five1;
    } else {
        *out = stereo;
    }
}

static int configure_encoder(struct slc_transcoder *t, const AVCodec *codec,
                             const struct slc_transcode_opts *opts)
{
    AVCodecContext *enc = t->enc;
    int rate = t->dec->sample_rate;

    if (rate <= 0 || t->dec->ch_layout.nb_channels <= 0) {
        slc_log_error("segmenter: transcode failed 'audio': unknown sample rate or channels");
        return SLC_EFORMAT;
    }
    enc->sample_rate = rate_supported(codec, rate) ? rate : FALLBACK_RATE;
    enc->sample_fmt = AV_SAMPLE_FMT_FLTP;
    pick_layout(&t->dec->ch_layout, &enc->ch_layout);
    enc->bit_rate = opts->audio_bitrate > 0
                        ? opts->audio_bitrate
                        : (int64_t)BITRATE_PER_CHANNEL * enc->ch_layout.nb_channels;
    enc->time_base = (AVRational){1, enc->sample_rate};
    enc->flags &= ~AV_CODEC_FLAG_GLOBAL_HEADER;
    return 0;
}

int slc_transcode_audio_open(struct slc_transcoder *t, const AVStream *in,
                             const struct slc_transcode_opts *opts)
{
    const AVCodec *codec = avcodec_find_encoder_by_name("aac");
    int ret;

    (void)in;
    if (!codec) {
        slc_log_error("segmenter: avcodec_find_encoder_by_name failed 'aac': not built in");
        return SLC_EUNSUPPORTED;
    }
    t->enc = avcodec_alloc_context3(codec);
    t->audio.conv = av_frame_alloc();
    if (!t->enc || !t->audio.conv) {
        return SLC_ENOMEM;
    }
    ret = configure_encoder(t, codec, opts);
    if (ret < 0) {
        return ret;
    }
    ret = avcodec_open2(t->enc, codec, NULL);
    if (ret < 0) {
        slc_log_error("segmenter: avcodec_open2 failed 'aac %d Hz %d ch': %s", t->enc->sample_rate,
                      t->enc->ch_layout.nb_channels, av_err2str(ret));
        return slc_seg_averror(ret);
    }
    t->audio.fifo_max = t->enc->sample_rate * FIFO_MAX_SECONDS;
    t->audio.fifo = av_audio_fifo_alloc(AV_SAMPLE_FMT_FLTP, t->enc->ch_layout.nb_channels,
                                        t->enc->frame_size * 4);
    return t->audio.fifo ? 0 : SLC_ENOMEM;
}

void slc_transcode_audio_deinit(struct slc_transcoder *t)
{
    struct slc_transcode_audio *a = &t->audio;

    swr_free(&a->swr);
    av_channel_layout_uninit(&a->swr_layout);
    if (a->fifo) {
        av_audio_fifo_free(a->fifo);
        a->fifo = NULL;
    }
    av_frame_free(&a->conv);
}

/* Make sure the conversion buffer holds `n` samples in the encoder's format. */
static int conv_reserve(struct slc_transcoder *t, int n)
{
    struct slc_transcode_audio *a = &t->audio;
    AVFrame *c = a->conv;
    int ret;

    if (a->conv_cap >= n) {
        return 0;
    }
    if (n > a->fifo_max) {
        slc_log_error("segmenter: audio buffer failed '%d samples': over %d", n, a->fifo_max);
        return SLC_ELIMIT;
    }
    av_frame_unref(c);
    c->format = AV_SAMPLE_FMT_FLTP;
    c->nb_samples = n;
    ret = av_channel_layout_copy(&c->ch_layout, &t->enc->ch_layout);
    if (ret >= 0) {
        ret = av_frame_get_buffer(c, 0);
    }
    if (ret < 0) {
        a->conv_cap = 0;
        return slc_seg_averror(ret);
    }
    a->conv_cap = n;
    return 0;
}

static int fifo_write(struct slc_transcoder *t, void **data, int n)
{
    struct slc_transcode_audio *a = &t->audio;

    if (av_audio_fifo_size(a->fifo) + n > a->fifo_max) {
        slc_log_error("segmenter: audio fifo failed '%d + %d samples': over %d",
                      av_audio_fifo_size(a->fifo), n, a->fifo_max);
        return SLC_ELIMIT;
    }
    return av_audio_fifo_write(a->fifo, data, n) < n ? SLC_ENOMEM : 0;
}

/* Run `in` (NULL: drain the resampler's delay) through swr into the fifo. */
static int resample(struct slc_transcoder *t, const AVFrame *in)
{
    struct slc_transcode_audio *a = &t->audio;
    int cap = swr_get_out_samples(a->swr, in ? in->nb_samples : 0);
    int n;
    int ret;

    if (cap <= 0) {
        return cap < 0 ? slc_seg_averror(cap) : 0;
    }
    ret = conv_reserve(t, cap);
    if (ret < 0) {
        return ret;
    }
    n = swr_convert(a->swr, a->conv->data, cap, in ? (const uint8_t **)in->extended_data : NULL,
                    in ? in->nb_samples : 0);
    if (n < 0) {
        slc_log_error("segmenter: swr_convert failed '%d samples': %s", cap, av_err2str(n));
        return slc_seg_averror(n);
    }
    return fifo_write(t, (void **)a->conv->data, n);
}

/* (Re)configure swr for the frame's actual format, which may differ from the stream header
 * or change mid-stream; the old resampler's tail is drained into the fifo first. */
static int ensure_swr(struct slc_transcoder *t, const AVFrame *f)
{
    struct slc_transcode_audio *a = &t->audio;
    AVChannelLayout in = {0};
    int ret;

    if (f->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC) {
        av_channel_layout_default(&in, f->ch_layout.nb_channels);
        ret = 0;
    } else {
        ret = av_channel_layout_copy(&in, &f->ch_layout);
    }
    if (ret < 0) {
        ret = slc_seg_averror(ret);
        goto out;
    }
    if (a->swr && a->swr_rate == f->sample_rate && a->swr_format == f->format &&
        !av_channel_layout_compare(&a->swr_layout, &in)) {
        goto out;
    }
    ret = a->swr ? resample(t, NULL) : 0;
    if (ret < 0) {
        goto out;
    }
    swr_free(&a->swr);
    ret = swr_alloc_set_opts2(&a->swr, &t->enc->ch_layout, AV_SAMPLE_FMT_FLTP, t->enc->sample_rate,
                              &in, f->format, f->sample_rate, 0, NULL);
    if (ret >= 0) {
        ret = swr_init(a->swr);
    }
    if (ret < 0) {
        slc_log_error("segmenter: swr_init failed '%d ch %d Hz': %s", in.nb_channels,
                      f->sample_rate, av_err2str(ret));
        ret = slc_seg_averror(ret);
        goto out;
    }
    av_channel_layout_uninit(&a->swr_layout);
    a->swr_layout = in;
    in = (AVChannelLayout){0};
    a->swr_rate = f->sample_rate;
    a->swr_format = f->format;
out:
    av_channel_layout_uninit(&in);
    return ret;
}

static int write_silence(struct slc_transcoder *t, int n)
{
    struct slc_transcode_audio *a = &t->audio;
    int chunk = t->enc->frame_size;
    int ret = conv_reserve(t, chunk);

    for (int left = n; ret == 0 && left > 0; left -= chunk) {
        int k = left < chunk ? left : chunk;

        av_samples_set_silence(a->conv->data, 0, k, t->enc->ch_layout.nb_channels,
                               AV_SAMPLE_FMT_FLTP);
        ret = fifo_write(t, (void **)a->conv->data, k);
    }
    return ret;
}

/* Where the input says the next sample is (output tb): anchor + samples counted at the
 * input rate since, rescaled once, so rounding never accumulates over a long stream. */
static int64_t expected_pts(const struct slc_transcoder *t)
{
    const struct slc_transcode_audio *a = &t->audio;

    return a->in_anchor + av_rescale(a->in_count, t->enc->sample_rate, a->in_rate);
}

/* Keep output timestamps a running sample count while staying in sync with the input:
 * audio lost to a corrupt packet (a gap in input pts) becomes silence, up to a ceiling. */
static int track_input_pts(struct slc_transcoder *t, const AVFrame *f)
{
    struct slc_transcode_audio *a = &t->audio;
    int64_t pts = f->best_effort_timestamp;
    int64_t gap = 0;
    int ret = 0;

    pts = pts == AV_NOPTS_VALUE ? pts : av_rescale_q(pts, t->in_tb, t->enc->time_base);
    if (!a->started) {
        a->started = 1;
        a->next_pts = pts == AV_NOPTS_VALUE ? 0 : pts;
        a->in_anchor = a->next_pts;
        a->in_rate = f->sample_rate;
    }
    if (pts != AV_NOPTS_VALUE) {
        gap = pts - expected_pts(t);
    }
    if (gap > t->enc->sample_rate / GAP_TOLERANCE_DIV) {
        if (gap <= (int64_t)t->enc->sample_rate * GAP_FILL_MAX_SECONDS) {
            slc_log_debug("segmenter: audio gap of %" PRId64 " samples filled", gap);
            ret = write_silence(t, (int)gap);
        } else {
            slc_log_warn("segmenter: audio gap of %" PRId64 " samples not filled", gap);
        }
    }
    if (gap > t->enc->sample_rate / GAP_TOLERANCE_DIV || f->sample_rate != a->in_rate) {
        a->in_anchor = expected_pts(t) + (gap > 0 ? gap : 0);
        a->in_count = 0;
        a->in_rate = f->sample_rate;
    }
    a->in_count += f->nb_samples;
    return ret;
}

int slc_transcode_audio_frame(struct slc_transcoder *t, const AVFrame *frame)
{
    int ret;

    if (!frame) {
        return t->audio.swr ? resample(t, NULL) : 0;
    }
    if (frame->nb_samples <= 0 || frame->sample_rate <= 0) {
        return 0;
    }
    ret = ensure_swr(t, frame);
    if (ret == 0) {
        ret = track_input_pts(t, frame);
    }
    return ret < 0 ? ret : resample(t, frame);
}

/* A frame of the next `n` fifo samples, stamped with the running sample count. */
static int fifo_frame(struct slc_transcoder *t, int n, AVFrame **out)
{
    struct slc_transcode_audio *a = &t->audio;
    AVFrame *f = av_frame_alloc();
    int ret;

    if (!f) {
        return AVERROR(ENOMEM);
    }
    f->format = AV_SAMPLE_FMT_FLTP;
    f->nb_samples = n;
    f->sample_rate = t->enc->sample_rate;
    ret = av_channel_layout_copy(&f->ch_layout, &t->enc->ch_layout);
    if (ret >= 0) {
        ret = av_frame_get_buffer(f, 0);
    }
    if (ret >= 0 && av_audio_fifo_read(a->fifo, (void **)f->data, n) < n) {
        ret = AVERROR_BUG;
    }
    if (ret < 0) {
        av_frame_free(&f);
        return ret;
    }
    f->pts = a->next_pts;
    a->next_pts += n;
    *out = f;
    return 0;
}

int slc_transcode_audio_feed(struct slc_transcoder *t)
{
    int have = av_audio_fifo_size(t->audio.fifo);
    int n = have < t->enc->frame_size ? have : t->enc->frame_size;
    AVFrame *f = NULL;
    int ret;

    if (have < t->enc->frame_size && !t->dec_eof) {
        return SLC_EAGAIN;
    }
    if (n == 0 && t->enc_flushing) {
        return SLC_EAGAIN;
    }
    if (n == 0) {
        t->enc_flushing = 1;
        ret = avcodec_send_frame(t->enc, NULL);
    } else {
        /* Exactly frame_size samples, except the short last one after the decoder ended. */
        ret = fifo_frame(t, n, &f);
        ret = ret < 0 ? ret : avcodec_send_frame(t->enc, f);
    }
    av_frame_free(&f);
    if (ret < 0) {
        slc_log_error("segmenter: avcodec_send_frame failed 'aac': %s", av_err2str(ret));
        return slc_seg_averror(ret);
    }
    return 0;
}
