/* SPDX-License-Identifier: MIT */
/* Internal state of one segmenting run, shared by the pipeline's files (segmenter.c drives,
 * seg_tracks.c sets up copy/transcode per track, seg_describe.c fills the stream description). */
#ifndef SLC_SEG_PIPELINE_H
#define SLC_SEG_PIPELINE_H

#include "seg_interleave.h"
#include "seg_source.h"
#include "seg_timeline.h"
#include "seg_tsmux.h"
#include "slc_segmenter.h"
#include "slc_transcode.h"

/* Track 0 is video, track 1 the main audio (either may be absent): together the main
 * rendition. Tracks SLC_TRACK_ALT0 + k - 1 are the extra audio tracks, alternate rendition k
 * (audio-only TS in audio_<k>/), cut where the main rendition is cut. */
#define SLC_TRACK_VIDEO 0
#define SLC_TRACK_AUDIO 1
#define SLC_TRACK_ALT0 2
#define SLC_SEG_TRACKS (SLC_TRACK_ALT0 + SLC_SEG_AUDIO_MAX - 1)

/* Where the first segment starts on the output timeline (90 kHz): above the mux delay, the
 * same for every run of the same input, so output timestamps are deterministic. */
#define SLC_OUT_OFFSET_90K (10 * 90000)

struct slc_seg_track {
    int present;
    int in_index;                 /* input stream index */
    AVStream *in;                 /* owned by the source */
    struct slc_transcoder *tc;    /* NULL: stream copy */
    AVRational tb;                /* time base of packets leaving this track's stage */
    const AVCodecParameters *par; /* what the muxer gets */
    int64_t end_90k;              /* largest pts + duration seen (input timeline) */
    int64_t frame_90k;            /* typical frame duration */
    int64_t last_dts_90k;
    int have_dts;
};

_Static_assert(SLC_SEG_TRACKS <= SLC_IL_TRACKS && SLC_SEG_TRACKS <= SLC_TL_TRACKS,
               "every track needs an interleaver queue and a clock");

/* The muxer of one alternate audio rendition and where its segments go. */
struct slc_seg_alt {
    struct slc_seg_tsmux mux;
    struct slc_seg_sink sink; /* ops NULL: this rendition is not written in this run */
    int muxer_open;
};

struct slc_seg_pipeline {
    const struct slc_seg_config *cfg;
    struct slc_seg_source src;
    struct slc_seg_timeline tl;
    struct slc_seg_interleaver il;
    struct slc_seg_tsmux mux;
    struct slc_seg_sink sink;
    struct slc_seg_track tr[SLC_SEG_TRACKS];
    struct slc_seg_alt alt[SLC_SEG_AUDIO_MAX - 1]; /* alt[k - 1]: rendition k */
    int all_renditions; /* set up every audio track (a whole-file run, planning) */
    int rendition;      /* otherwise the one rendition run: 0 main (video + main audio),
                           k >= 1 alternate k alone (the reference track read, not muxed) */
    int ref;            /* track that decides cuts: video if present */
    int64_t target_90k;
    int have_origin;
    int64_t origin_90k; /* input-timeline pts of the first segment's start */
    int muxer_open;
    int seg_open;
    uint64_t seq;
    int64_t out_base_90k;      /* where this session's origin lands on the output timeline */
    int64_t last_end_90k;      /* end of the last completed segment (output timeline) */
    int pending_discontinuity; /* the next segment follows a break (reconnect, new input) */
    int seg_discontinuity;
    int64_t seg_wallclock_ms; /* wall clock when the open segment started */
    int64_t jumps_seen;       /* timeline jumps already acted on */
    int jump_pending;         /* cut (with a discontinuity) at the first candidate after... */
    int64_t jump_from_90k;    /* ... this decode time (input timeline, 90 kHz) */
    int range_mode;           /* produce one segment only (slc_seg_run_one) */
    int range_skip;           /* ... that is not the first: drop what precedes its key */
    int range_have_key, range_done;
    int64_t range_key_pts; /* input-timeline pts of its opening keyframe */
    int64_t range_key_min; /* skip reference packets before this pts (90 kHz, input) */
    int pace_started;      /* --realtime pacing of the current session */
    int64_t pace_ts0_us, pace_wall0_us;
    int64_t seg_start_90k; /* output timeline */
    int have_seg_key;
    int64_t seg_key_dts; /* dts of the keyframe that opened the segment (cut decisions) */
    int described;
    uint8_t *first_key; /* copy of the first video keyframe, for the CODECS string */
    int first_key_size;
    int64_t duration_us; /* input duration for progress */
    uint64_t packets;
    uint64_t dropped;
};

/** Open a source session on `input` (demuxer, tracks, timeline, interleaver) using p->cfg.
 * Muxer, sink, sequence numbers and the output timeline carry over from earlier sessions.
 * Returns 0 or a negative slc_err (logged). Close with slc_seg_session_close, also on error. */
int slc_seg_session_open(struct slc_seg_pipeline *p, const char *input);
/** The part of session_open after the source is open (re-runnable on an open source after
 * slc_seg_session_teardown, e.g. once per just-in-time segment). */
int slc_seg_session_setup(struct slc_seg_pipeline *p);
/** Free what session_setup made (transcoders, interleaver, muxer); the source stays open. */
void slc_seg_session_teardown(struct slc_seg_pipeline *p);
/** Read and transform until end of input (SLC_EOF), stop (SLC_EINTR), or an error. */
int slc_seg_session_run(struct slc_seg_pipeline *p);
/** Free the session's demuxer, transcoders, interleaver and muxer (the open segment, if any,
 * must have been ended or is abandoned). */
void slc_seg_session_close(struct slc_seg_pipeline *p);
/** Target duration an EVENT playlist must promise, from the container's keyframe index. */
int slc_seg_predict_target(const struct slc_seg_pipeline *p);

/** Transform one demuxed packet (input time base); `pkt` is consumed. */
int slc_seg_flow_ingest(struct slc_seg_pipeline *p, AVPacket *pkt);
/** End of a session's input: drain transcoders and the interleaver, end the open segment. */
int slc_seg_flow_flush(struct slc_seg_pipeline *p);

/** Validate the options shared by every run. 0 or SLC_EINVAL (logged). */
int slc_seg_check_config(const struct slc_seg_config *c);

/** Decide copy or transcode for each present track and open transcoders; fills tr[].tb and
 * tr[].par. With cfg->copy_only, a track that can't be copied is an error naming its codec. */
int slc_seg_tracks_setup(struct slc_seg_pipeline *p);

/** Fill the stream description (CODECS, resolution, frame rate, audio renditions) from the
 * muxer's inputs. */
void slc_seg_describe(const struct slc_seg_pipeline *p, struct slc_seg_stream_desc *d);
/** The description of alternate rendition k (>= 1): its audio codec alone. */
void slc_seg_describe_alt(const struct slc_seg_pipeline *p, int k, struct slc_seg_stream_desc *d);

/** Whether the main rendition (video + main audio) is muxed in this run. */
static inline int slc_seg_writes_main(const struct slc_seg_pipeline *p)
{
    return p->all_renditions || p->rendition == 0;
}

#endif
