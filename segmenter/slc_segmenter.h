/* SPDX-License-Identifier: MIT */
/* The segmenting pipeline's public face: source (libavformat demuxer) -> transform (cut at
 * keyframes, remux or transcode) -> sink (segment store). No FFmpeg types in this header, so
 * the CLI and the origin can drive it without knowing libavformat. */
#ifndef SLC_SEGMENTER_H
#define SLC_SEGMENTER_H

#include "slc_playlist.h"

#include <signal.h>
#include <stdint.h>

/** Progress report: `pos_us` of media processed out of `duration_us` (0 if unknown). */
typedef void (*slc_seg_progress_fn)(void *opaque, int64_t pos_us, int64_t duration_us);

struct slc_seg_config {
    double target_duration;       /* seconds, default 6 */
    enum slc_pl_type type;        /* VOD (default) or EVENT */
    const char *segment_template; /* default "seg%05d.ts": one %d/%0Nd conversion, '%%' */
    const char *base_url;         /* prefix for segment URIs in playlists; NULL = relative */
    const char *input_format;     /* force a demuxer (e.g. "mpegts"); NULL = probe */
    int copy_only;                /* refuse (SLC_EUNSUPPORTED) instead of transcoding */
    slc_seg_progress_fn progress; /* may be NULL */
    void *progress_opaque;
    volatile sig_atomic_t *stop; /* checked between packets and in blocking I/O; may be NULL */
};

/** Result figures of a finished run. */
struct slc_seg_stats {
    uint64_t segments;
    uint64_t bytes;
    int64_t duration_us;
    uint64_t peak_bitrate; /* bits/s, the largest segment's */
    uint64_t avg_bitrate;
    int transcoded_video, transcoded_audio;
};

/** Fill `c` with the defaults. */
void slc_seg_config_init(struct slc_seg_config *c);

/** Segment the file at `input` into `outdir` (created if missing): `outdir/index.m3u8`
 * (multivariant, the entry point), `outdir/stream.m3u8` (media playlist) and the segments.
 * Playlists are replaced atomically; on failure the segments already written stay and no
 * half-written playlist is left. The cause of a failure is logged once (one line).
 * `stats` may be NULL. Returns 0 or a negative slc_err. */
int slc_seg_run(const struct slc_seg_config *c, const char *input, const char *outdir,
                struct slc_seg_stats *stats);

#endif
