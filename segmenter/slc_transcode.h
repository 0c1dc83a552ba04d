/* SPDX-License-Identifier: MIT */
/* Per-stream transcoder for streams that HLS-in-TS can't carry or browsers can't play:
 * video -> H.264 (libx264, yuv420p, same resolution and frame rate, keyframes forced at
 * segment boundaries), audio -> AAC-LC (same channel layout up to stereo/5.1, a sample
 * rate AAC supports). Packets in, packets out; no muxing, no I/O. */
#ifndef SLC_TRANSCODE_H
#define SLC_TRANSCODE_H

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>

struct slc_transcoder;

struct slc_transcode_opts {
    double keyframe_interval; /* seconds; force an IDR every this many seconds of pts
                                 (the segment target duration); 0 = encoder default */
    int crf;                  /* x264 CRF, 0 = default 21 */
    const char *preset;       /* x264 preset, NULL = "veryfast" */
    int audio_bitrate;        /* bits/s, 0 = 128000 per stereo pair */
};

/** Does HLS in MPEG-TS (played by hls.js in browsers and by Apple players) carry this codec
 * as it is? H.264 and AAC/MP3 yes; VP9, AV1, HEVC, Opus, Vorbis, FLAC, MPEG-2, ... no. */
int slc_transcode_can_copy(const AVCodecParameters *par);

/** Open a transcoder for input stream `in` (its codecpar and time_base are read, not kept).
 * Output packets use time base `*out_tb` (filled here). *pp receives the transcoder, freed
 * with slc_transcoder_free. Returns 0 or a negative slc_err (logged once here). */
int slc_transcoder_new(struct slc_transcoder **pp, const AVStream *in,
                       const struct slc_transcode_opts *opts);
void slc_transcoder_free(struct slc_transcoder **pp);

/** Codec parameters of the output (for the muxer's stream); owned by the transcoder. */
const AVCodecParameters *slc_transcoder_codecpar(const struct slc_transcoder *t);
/** Time base of output packets' pts/dts/duration. */
AVRational slc_transcoder_time_base(const struct slc_transcoder *t);

/** Feed one input packet (timestamps in the input stream's time base), or NULL to flush at
 * end of stream. Decoding errors in a packet are logged as warnings and skipped (0 returned):
 * corrupt input mid-stream is not fatal. Returns 0 or a negative slc_err for fatal errors. */
int slc_transcoder_send(struct slc_transcoder *t, const AVPacket *pkt);

/** Take one encoded packet into `out` (caller's packet, unref'd first). Returns 0 with a
 * packet, SLC_EAGAIN when more input is needed, SLC_EOF after a flush has drained, or a
 * negative slc_err. */
int slc_transcoder_receive(struct slc_transcoder *t, AVPacket *out);

#endif
