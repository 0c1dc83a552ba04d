/* SPDX-License-Identifier: MIT */
/* The segmenting pipeline's public face: source (libavformat demuxer) -> transform (cut at
 * keyframes, remux or transcode) -> sink (segment store). No FFmpeg types in this header, so
 * the CLI and the origin can drive it without knowing libavformat. */
#ifndef SLC_SEGMENTER_H
#define SLC_SEGMENTER_H

#include "slc_playlist.h"
#include "slc_store_disk.h"

#include <signal.h>
#include <stddef.h>
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
    slc_store_file_fn on_file;   /* optional: told of each completed file (slc_store_disk.h) */
    void *on_file_opaque;

    /* Live inputs (slc_seg_run_live). */
    int live;                         /* network/device input: any libavformat protocol but
                                         local files; reconnect on failure */
    const char *const *input_options; /* "key=value" strings for the demuxer/protocol */
    size_t n_input_options;
    int realtime;         /* read at the input's own pace (ffmpeg -re) */
    int loop;             /* with realtime: start again at the end of a file */
    double io_timeout;    /* seconds without input before a stall is declared; 0 = 5 s live,
                             30 s for files */
    double reconnect_max; /* longest back-off between reconnects, s; 0 = 10 */
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

/** Run a live input into `sink` until *c->stop: open the input, segment it, and when it ends,
 * stalls (no data for io_timeout) or fails, end the open segment, wait with exponential
 * back-off (0.5 s up to reconnect_max) and open it again. The output timeline continues
 * across reconnects and the first segment after one carries a discontinuity; sequence
 * numbers start at `first_seq` (a restart continues the old numbering). On stop the sink
 * is finished (complete = 1). A bad input is retried, not fatal: the cause is logged once
 * per failure streak. Returns 0 after a stop, or a negative slc_err from the sink. */
struct slc_seg_sink;
int slc_seg_run_live(const struct slc_seg_config *c, const char *input,
                     const struct slc_seg_sink *sink, uint64_t first_seq);

#endif
