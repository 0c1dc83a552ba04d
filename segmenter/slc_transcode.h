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

/** Open a transcoder for input stream `in` (its codecpar and time_base are read, not kept;
 * `opts` may be NULL for defaults). *pp receives the transcoder, freed with
 * slc_transcoder_free; NULL on failure. Returns 0 or a negative slc_err (logged once here):
 * SLC_EUNSUPPORTED (no decoder, or libx264/aac missing), SLC_EFORMAT (no frame size, sample
 * rate or channels), SLC_EINVAL (not audio or video), SLC_ENOMEM.
 * One transcoder is used by one thread at a time; different transcoders are independent. */
int slc_transcoder_new(struct slc_transcoder **pp, const AVStream *in,
                       const struct slc_transcode_opts *opts);
/** Free the transcoder and everything it holds; NULL-safe, sets *pp to NULL. */
void slc_transcoder_free(struct slc_transcoder **pp);

/** Codec parameters of the output (for the muxer's stream); owned by the transcoder, valid
 * until it is freed. H.264 has no extradata (SPS/PPS are in-band before every IDR: give the
 * first keyframe to slc_seg_codec_string); AAC carries its AudioSpecificConfig and
 * `initial_padding` (1024 priming samples). */
const AVCodecParameters *slc_transcoder_codecpar(const struct slc_transcoder *t);
/** Time base of output packets' pts/dts/duration (also set in AVPacket.time_base): video
 * keeps the input stream's time base (1/90000 if it had none), audio is 1/sample_rate. */
AVRational slc_transcoder_time_base(const struct slc_transcoder *t);

/** Feed one input packet (timestamps in the input stream's time base; the packet is not
 * kept), or NULL to flush at end of stream. Call slc_transcoder_receive until it returns
 * SLC_EAGAIN before the next send: the transcoder buffers at most a frame per stage.
 * Decoding errors in a packet are logged as warnings and skipped (0 returned): corrupt
 * input mid-stream is not fatal. Returns 0, SLC_EAGAIN if receive was not drained (packet
 * not taken), SLC_EINVAL for a packet after the flush, or a negative slc_err if fatal. */
int slc_transcoder_send(struct slc_transcoder *t, const AVPacket *pkt);

/** Take one encoded packet into `out` (caller's packet, unref'd first). Returns 0 with a
 * packet, SLC_EAGAIN when more input is needed, SLC_EOF after a flush has drained, or a
 * negative slc_err. Packets come in decode order (x264 uses B-frames: dts < pts).
 * Video: a forced IDR (AV_PKT_FLAG_KEY) on the first frame whose pts is at or after each
 * multiple of keyframe_interval from the first frame's pts, and no other keyframes (x264's
 * scene-cut keyframes are off; interval 0: a keyframe every 250 frames); one packet per
 * decoded frame, pts as in the input (pts that do not increase are nudged forward).
 * Audio: 1024-sample frames (the last may be shorter) with pts = previous pts + 1024, the
 * first at the first decoded pts minus the 1024 priming samples, so the real audio keeps
 * the input's timing. Input gaps over 10 ms (lost packets) are filled with silence up to
 * 1 s; longer gaps are logged and not filled (treat them as a discontinuity). */
int slc_transcoder_receive(struct slc_transcoder *t, AVPacket *out);

#endif
