/* SPDX-License-Identifier: MIT */
/* Private to segmenter/transcode*.c: the transcoder's state, shared by the packet loop
 * (transcode.c) and the per-media halves (transcode_video.c, transcode_audio.c). */
#ifndef SLC_TRANSCODE_PRIV_H
#define SLC_TRANSCODE_PRIV_H

#include "seg_averror.h"
#include "slc_transcode.h"

#include <libavutil/audio_fifo.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>

struct slc_transcode_video {
    struct SwsContext *sws;
    AVFrame *scaled;    /* yuv420p frame handed to x264 when the input needs conversion */
    double interval;    /* keyframe interval in seconds, 0 = encoder's own GOP */
    int64_t first_pts;  /* encoder tb; first frame's pts, origin of the boundaries */
    int64_t last_pts;   /* encoder tb; last pts sent, keeps pts strictly increasing */
    int64_t next_index; /* next boundary is first_pts + next_index * interval */
    int64_t frame_dur;  /* encoder tb; nominal frame duration, 0 if unknown */
};

struct slc_transcode_audio {
    SwrContext *swr;
    AVChannelLayout swr_layout; /* input layout, rate and format swr was set up for */
    int swr_rate;
    int swr_format;
    AVAudioFifo *fifo; /* resampled samples waiting to fill a 1024-sample AAC frame */
    int fifo_max;      /* ceiling on fifo samples */
    AVFrame *conv;     /* swr output buffer */
    int conv_cap;      /* samples conv can hold */
    int started;       /* first decoded frame seen: the fields below are valid */
    int64_t next_pts;  /* 1/rate; pts of the next sample sent to the encoder */
    int64_t in_anchor; /* 1/rate; input pts at the last anchor (gap detection) */
    int64_t in_count;  /* input samples decoded since the anchor, at in_rate */
    int in_rate;       /* input sample rate since the anchor */
};

struct slc_transcoder {
    enum AVMediaType type;
    AVCodecContext *dec;
    AVCodecContext *enc;
    AVCodecParameters *out_par;
    AVRational in_tb;
    AVFrame *frame;   /* decoded frame, reused */
    int flushing;     /* NULL packet sent to the decoder */
    int dec_eof;      /* decoder fully drained */
    int enc_flushing; /* NULL frame sent to the encoder */
    struct slc_transcode_video video;
    struct slc_transcode_audio audio;
};

/** Open libx264 into t->enc for input stream `in` (t->dec is open). Logs its failures. */
int slc_transcode_video_open(struct slc_transcoder *t, const AVStream *in,
                             const struct slc_transcode_opts *opts);
/** Convert (if needed), retime and send one decoded frame to the encoder. Takes the frame's
 * data by reference; the caller unrefs `frame` afterwards. */
int slc_transcode_video_frame(struct slc_transcoder *t, AVFrame *frame);
void slc_transcode_video_deinit(struct slc_transcoder *t);

/** Open the AAC encoder into t->enc for input stream `in` (t->dec is open). */
int slc_transcode_audio_open(struct slc_transcoder *t, const AVStream *in,
                             const struct slc_transcode_opts *opts);
/** Resample one decoded frame into the fifo; NULL drains the resampler (decoder at EOF). */
int slc_transcode_audio_frame(struct slc_transcoder *t, const AVFrame *frame);
/** Send one frame from the fifo to the encoder (after decoder EOF: the short rest, then
 * the encoder flush). 0 when something was sent, SLC_EAGAIN when the fifo needs more. */
int slc_transcode_audio_feed(struct slc_transcoder *t);
void slc_transcode_audio_deinit(struct slc_transcoder *t);

#endif
