/* SPDX-License-Identifier: MIT */
/* Input timestamp repair: fills missing timestamps, unwraps the 33-bit (or any N-bit) clock
 * of MPEG-TS input, and removes timestamp jumps of formats that have them (AVFMT_TS_DISCONT)
 * by shifting the rest of the timeline, so output time runs continuously. Internal. */
#ifndef SLC_SEG_TIMELINE_H
#define SLC_SEG_TIMELINE_H

#include "slc_log.h"

#include <libavcodec/packet.h>
#include <libavutil/rational.h>

#include <stdint.h>

#define SLC_TL_TRACKS 9 /* as the interleaver: video, main and alternate audio */

struct slc_seg_track_clock {
    AVRational tb;
    int wrap_bits; /* 0 = no wrapping */
    int started;
    int64_t last_raw; /* last raw dts seen (stream time base, after libavformat) */
    int64_t wrap_add; /* added to raw timestamps: whole wrap cycles */
    int64_t last_dur; /* last packet duration, stream time base */
    int64_t next_90k; /* expected next dts on the output timeline */
};

struct slc_seg_timeline {
    struct slc_seg_track_clock tr[SLC_TL_TRACKS];
    int fix_jumps;                 /* input format may jump (AVFMT_TS_DISCONT) */
    int64_t offset_90k;            /* added to every track after a jump was removed */
    int64_t jumps;                 /* how many jumps were removed */
    struct slc_log_limit jump_log; /* two clocks interleaved jump at packet rate */
};

/** Initialise; `fix_jumps` for formats with discontinuous timestamps. */
void slc_seg_timeline_init(struct slc_seg_timeline *tl, int fix_jumps);

/** Set up track `t` (0..SLC_TL_TRACKS-1) with its stream time base and pts_wrap_bits. */
void slc_seg_timeline_track(struct slc_seg_timeline *tl, int t, AVRational tb, int wrap_bits);

/** Repair `pkt`'s pts/dts in place (still in the stream time base). Returns 0, or
 * SLC_EFORMAT when the packet has no usable timestamp at all (caller drops it). */
int slc_seg_timeline_fix(struct slc_seg_timeline *tl, int t, AVPacket *pkt);

#endif
