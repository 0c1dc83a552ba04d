/* SPDX-License-Identifier: MIT */
/* Just-in-time VOD support: plan a file's segments from its index without reading its media,
 * and produce any one segment on request, byte-identical to the same segment of a whole-file
 * `sluice segment` run (one code path: the same flow, cut rules and muxer). No FFmpeg types. */
#ifndef SLC_SEG_VOD_H
#define SLC_SEG_VOD_H

#include "slc_seg_sink.h"
#include "slc_segmenter.h"

#include <stddef.h>
#include <stdint.h>

struct slc_seg_plan_entry {
    int64_t start_90k;   /* output-timeline pts of the segment's first frame */
    int64_t duration_us; /* as the whole-file run writes it in EXTINF */
    int64_t key_ts;      /* seek target: the opening keyframe's pts in the stream time base */
};

/** A file's segment plan. Build with slc_seg_plan_build, free with slc_seg_plan_free. */
struct slc_seg_plan {
    struct slc_seg_plan_entry *segs;
    size_t n;
    int target_duration;             /* EXT-X-TARGETDURATION the whole-file run writes */
    struct slc_seg_stream_desc desc; /* CODECS (from the codec configuration), resolution */
    int64_t origin_90k;              /* input-timeline pts of the first keyframe */
    int exact;                       /* 1: planned from the container index (MP4/MOV) and
                                        checked; 0: planned by reading every packet */
    int transcode;                   /* a track needs transcoding: see slc_seg_run_one */
};

/** Plan the segments of `input` with c->target_duration. Uses the container's sample index
 * when it has one covering every video frame (MP4/MOV): milliseconds for hours of media;
 * otherwise reads the file once (packets only, no decoding). Returns 0 or a negative slc_err
 * (logged: SLC_ENOENT, SLC_EFORMAT, ...). `plan` is the caller's storage. */
int slc_seg_plan_build(const struct slc_seg_config *c, const char *input,
                       struct slc_seg_plan *plan);

/** Free what the plan owns; it is zeroed afterwards. */
void slc_seg_plan_free(struct slc_seg_plan *plan);

/** Produce segment `index` of `plan` into `sink` (begin/write/end once, then finish(1)):
 * seek to its keyframe, run the usual flow until the next cut. The bytes equal those of the
 * same segment written by slc_seg_run with the same config. Returns 0 or a negative slc_err. */
int slc_seg_run_one(const struct slc_seg_config *c, const char *input,
                    const struct slc_seg_plan *plan, uint64_t index,
                    const struct slc_seg_sink *sink);

/** As slc_seg_run_one for rendition `rendition` of the plan: 0 the main one (video and main
 * audio), k >= 1 alternate audio rendition k (plan->desc.audio lists them), whose segment
 * `index` equals audio_<k>/ segment `index` of the whole-file run: the same cut, the audio
 * frames between it and the next, the same timestamps. SLC_ENOENT for a rendition the plan
 * doesn't have. */
int slc_seg_run_one_rendition(const struct slc_seg_config *c, const char *input,
                              const struct slc_seg_plan *plan, int rendition, uint64_t index,
                              const struct slc_seg_sink *sink);

/** 1 if the plan has rendition `rendition` (0 always; k >= 1 when alternate k exists). */
int slc_seg_plan_has_rendition(const struct slc_seg_plan *plan, int rendition);

/** A file opened for just-in-time segmenting: its demuxer stays open and its plan built, so a
 * segment request costs a seek plus the segment's own reading and muxing. One run at a time
 * per handle (not thread-safe): keep a small pool of handles per file for concurrency. */
struct slc_seg_vod_file;

/** Open `input` and plan it (as slc_seg_plan_build). `c` is copied, but strings it points to
 * must outlive the handle. *out gets the handle (slc_seg_vod_file_free). 0 or a negative
 * slc_err (logged). */
int slc_seg_vod_file_open(const struct slc_seg_config *c, const char *input,
                          struct slc_seg_vod_file **out);
/** The handle's plan (owned by the handle). */
const struct slc_seg_plan *slc_seg_vod_file_plan(const struct slc_seg_vod_file *h);
/** As slc_seg_run_one, on the handle's open demuxer. SLC_EUNSUPPORTED when the plan is not
 * exact, SLC_ENOENT for an index past the end. */
int slc_seg_vod_file_run_one(struct slc_seg_vod_file *h, uint64_t index,
                             const struct slc_seg_sink *sink);
/** As slc_seg_run_one_rendition, on the handle's open demuxer. */
int slc_seg_vod_file_run_rendition(struct slc_seg_vod_file *h, int rendition, uint64_t index,
                                   const struct slc_seg_sink *sink);
void slc_seg_vod_file_free(struct slc_seg_vod_file **pp);

/* What one sample of the open demuxer's index costs in memory: libavformat's index entry
 * (24 bytes) plus its share of the MP4 sample tables kept beside it (measured: a 2-hour file
 * with 382,200 samples holds about 12.7 MB once open). */
#define SLC_SEG_VOD_SAMPLE_BYTES 32u

/** Memory the handle's open demuxer holds for its sample index: SLC_SEG_VOD_SAMPLE_BYTES per
 * index entry of every stream (megabytes for a file of hours), for callers that bound a cache
 * of handles. */
size_t slc_seg_vod_file_index_bytes(const struct slc_seg_vod_file *h);

#endif
