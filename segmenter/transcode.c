/* SPDX-License-Identifier: MIT */
/* The transcoder's packet loop: decoder -> (video|audio) half -> encoder, pulled by
 * slc_transcoder_receive so no stage buffers more than one frame. No muxing, no I/O. */
#include "transcode_priv.h"

#include "slc_err.h"
#include "slc_log.h"

#include <inttypes.h>

/* H.264 as browsers decode it: 8-bit 4:2:0 in Baseline, Main or High. High 10, 4:2:2 and
 * 4:4:4 profiles and Extended (data partitioning) play nowhere in MSE. */
static int h264_playable(const AVCodecParameters *par)
{
    int profile = par->profile & ~(FF_PROFILE_H264_CONSTRAINED | FF_PROFILE_H264_INTRA);

    if (par->format != AV_PIX_FMT_NONE && par->format != AV_PIX_FMT_YUV420P &&
        par->format != AV_PIX_FMT_YUVJ420P) {
        return 0;
    }
    if (par->bits_per_raw_sample > 8 || (par->profile & FF_PROFILE_H264_INTRA)) {
        return 0;
    }
    return par->profile == FF_PROFILE_UNKNOWN || profile == FF_PROFILE_H264_BASELINE ||
           profile == FF_PROFILE_H264_MAIN || profile == FF_PROFILE_H264_HIGH;
}

int slc_transcode_can_copy(const AVCodecParameters *par)
{
    if (!par) {
        return 0;
    }
    switch (par->codec_id) {
    case AV_CODEC_ID_H264:
        return h264_playable(par);
    case AV_CODEC_ID_AAC:
        /* LC, HE and HE v2 (mp4a.40.2/5/29); Main, LTP, LD, ELD play in no browser */
        return par->profile == FF_PROFILE_UNKNOWN || par->profile == FF_PROFILE_AAC_LOW ||
               par->profile == FF_PROFILE_AAC_HE || par->profile == FF_PROFILE_AAC_HE_V2;
    case AV_CODEC_ID_MP3:
        return 1;
    default:
        /* HEVC, VP8/9, AV1, MPEG-2/4 video, Opus, Vorbis, FLAC, PCM, AC-3 (Chrome and
         * Firefox don't play it), MP2, ...: transcode */
        return 0;
    }
}

/* Open the decoder for `in`, with automatic threading and the stream's time base so
 * best_effort_timestamp comes out in it. */
static int open_decoder(struct slc_transcoder *t, const AVStream *in)
{
    const AVCodec *codec = avcodec_find_decoder(in->codecpar->codec_id);
    int ret;

    if (!codec) {
        slc_log_error("segmenter: avcodec_find_decoder failed '%s': no decoder",
                      avcodec_get_name(in->codecpar->codec_id));
        return SLC_EUNSUPPORTED;
    }
    t->dec = avcodec_alloc_context3(codec);
    if (!t->dec) {
        return SLC_ENOMEM;
    }
    ret = avcodec_parameters_to_context(t->dec, in->codecpar);
    if (ret >= 0) {
        t->dec->pkt_timebase = t->in_tb;
        t->dec->thread_count = 0;
        ret = avcodec_open2(t->dec, codec, NULL);
    }
    if (ret < 0) {
        slc_log_error("segmenter: avcodec_open2 failed 'decoder %s': %s", codec->name,
                      av_err2str(ret));
        return slc_seg_averror(ret);
    }
    return 0;
}

static int open_codecs(struct slc_transcoder *t, const AVStream *in,
                       const struct slc_transcode_opts *opts)
{
    int ret = open_decoder(t, in);

    if (ret < 0) {
        return ret;
    }
    if (t->type == AVMEDIA_TYPE_VIDEO) {
        ret = slc_transcode_video_open(t, in, opts);
    } else {
        ret = slc_transcode_audio_open(t, in, opts);
    }
    if (ret < 0) {
        return ret;
    }
    ret = avcodec_parameters_from_context(t->out_par, t->enc);
    return ret < 0 ? slc_seg_averror(ret) : 0;
}

int slc_transcoder_new(struct slc_transcoder **pp, const AVStream *in,
                       const struct slc_transcode_opts *opts)
{
    static const struct slc_transcode_opts defaults = {0};
    struct slc_transcoder *t = NULL;
    enum AVMediaType type = in ? in->codecpar->codec_type : AVMEDIA_TYPE_UNKNOWN;
    int ret = SLC_ENOMEM;

    *pp = NULL;
    if (type != AVMEDIA_TYPE_VIDEO && type != AVMEDIA_TYPE_AUDIO) {
        slc_log_error("segmenter: slc_transcoder_new failed 'stream': not audio or video");
        return SLC_EINVAL;
    }
    t = av_mallocz(sizeof(*t));
    if (!t) {
        goto out;
    }
    t->type = type;
    t->in_tb = in->time_base;
    t->frame = av_frame_alloc();
    t->out_par = avcodec_parameters_alloc();
    if (!t->frame || !t->out_par) {
        goto out;
    }
    ret = open_codecs(t, in, opts ? opts : &defaults);
out:
    if (ret < 0) {
        slc_transcoder_free(&t);
    }
    *pp = t;
    return ret;
}

void slc_transcoder_free(struct slc_transcoder **pp)
{
    struct slc_transcoder *t = pp ? *pp : NULL;

    if (!t) {
        return;
    }
    slc_transcode_video_deinit(t);
    slc_transcode_audio_deinit(t);
    avcodec_free_context(&t->dec);
    avcodec_free_context(&t->enc);
    avcodec_parameters_free(&t->out_par);
    av_frame_free(&t->frame);
    av_freep(pp);
}

const AVCodecParameters *slc_transcoder_codecpar(const struct slc_transcoder *t)
{
    return t->out_par;
}

AVRational slc_transcoder_time_base(const struct slc_transcoder *t)
{
    return t->enc->time_base;
}

int slc_transcoder_send(struct slc_transcoder *t, const AVPacket *pkt)
{
    int ret;

    if (t->flushing) {
        return pkt ? SLC_EINVAL : 0;
    }
    t->flushing = !pkt;
    ret = avcodec_send_packet(t->dec, pkt);
    if (ret >= 0) {
        return 0;
    }
    if (ret == AVERROR(EAGAIN)) {
        slc_log_error("segmenter: avcodec_send_packet failed '%s': receive not drained",
                      t->dec->codec->name);
        return SLC_EAGAIN;
    }
    if (ret == AVERROR(ENOMEM)) {
        return SLC_ENOMEM;
    }
    /* Corrupt input mid-stream: the decoder dropped the packet; carry on with the next. */
    slc_log_warn("segmenter: decode failed '%s packet pts %" PRId64 "': %s, skipped",
                 t->dec->codec->name, pkt ? pkt->pts : AV_NOPTS_VALUE, av_err2str(ret));
    return 0;
}

/* The decoder has nothing more: flush what is left downstream. */
static int decoder_ended(struct slc_transcoder *t)
{
    int ret;

    t->dec_eof = 1;
    if (t->type == AVMEDIA_TYPE_AUDIO) {
        return slc_transcode_audio_frame(t, NULL);
    }
    t->enc_flushing = 1;
    ret = avcodec_send_frame(t->enc, NULL);
    return ret < 0 ? slc_seg_averror(ret) : 1;
}

/* Give the encoder one more input: a fifo frame (audio), a decoded frame (video) or the
 * flush. Returns 0 when the encoder got something, SLC_EAGAIN when the decoder needs a
 * packet, or a negative slc_err. */
static int feed_encoder(struct slc_transcoder *t)
{
    int ret;

    for (;;) {
        ret = t->type == AVMEDIA_TYPE_AUDIO ? slc_transcode_audio_feed(t) : SLC_EAGAIN;
        if (ret != SLC_EAGAIN) {
            return ret;
        }
        if (t->dec_eof) {
            /* the encoder was flushed yet neither gave a packet nor ended */
            return SLC_EINTERNAL;
        }
        ret = avcodec_receive_frame(t->dec, t->frame);
        if (ret == AVERROR(EAGAIN)) {
            return SLC_EAGAIN;
        }
        if (ret == AVERROR_EOF) {
            ret = decoder_ended(t);
        } else if (ret == AVERROR(ENOMEM)) {
            return SLC_ENOMEM;
        } else if (ret < 0) {
            /* frame-threaded decoders report a corrupt packet here rather than in send */
            slc_log_warn("segmenter: decode failed '%s': %s, skipped", t->dec->codec->name,
                         av_err2str(ret));
            continue;
        } else if (t->type == AVMEDIA_TYPE_VIDEO) {
            ret = slc_transcode_video_frame(t, t->frame);
            ret = ret < 0 ? ret : 1;
        } else {
            ret = slc_transcode_audio_frame(t, t->frame);
        }
        av_frame_unref(t->frame);
        if (ret != 0) {
            return ret < 0 ? ret : 0;
        }
    }
}

int slc_transcoder_receive(struct slc_transcoder *t, AVPacket *out)
{
    int ret;

    av_packet_unref(out);
    for (;;) {
        ret = avcodec_receive_packet(t->enc, out);
        if (ret >= 0) {
            out->time_base = t->enc->time_base;
            if (out->duration == 0 && t->type == AVMEDIA_TYPE_VIDEO) {
                out->duration = t->video.frame_dur;
            }
            return 0;
        }
        if (ret == AVERROR_EOF) {
            return SLC_EOF;
        }
        if (ret != AVERROR(EAGAIN)) {
            slc_log_error("segmenter: avcodec_receive_packet failed '%s': %s", t->enc->codec->name,
                          av_err2str(ret));
            return slc_seg_averror(ret);
        }
        ret = feed_encoder(t);
        if (ret < 0) {
            return ret;
        }
    }
}
