/* SPDX-License-Identifier: MIT */
/* The pipeline's sink: where finished TS bytes go, one segment at a time. Implemented by the
 * disk store (files + playlists) and, later, the in-memory live store. No FFmpeg types. */
#ifndef SLC_SEG_SINK_H
#define SLC_SEG_SINK_H

#include <stddef.h>
#include <stdint.h>

/** What the pipeline knows about a segment once it is complete. */
struct slc_seg_segment_info {
    uint64_t seq;         /* media sequence number, from 0 */
    int64_t start_90k;    /* presentation time of its first frame, 90 kHz, output timeline */
    int64_t duration_us;  /* exact, from timestamps */
    uint64_t bytes;       /* TS bytes written */
    int discontinuity;    /* timeline or format break before this segment */
    int64_t wallclock_ms; /* wall clock when the segment's first packet was muxed */
};

/* Audio renditions of one input: the main one (muxed with the video) and up to
 * SLC_SEG_AUDIO_MAX - 1 alternates, each an audio-only rendition in its own folder. */
#define SLC_SEG_AUDIO_MAX 8

/** One audio track as an EXT-X-MEDIA entry (slc_seg_renditions.h writes them). */
struct slc_seg_audio_desc {
    int rendition;     /* 0: muxed into the main stream (no URI); k >= 1: audio_<k>/ */
    char codec[32];    /* RFC 6381 name, "" if unknown */
    char language[36]; /* RFC 5646 tag, "" if unknown */
    char name[64];     /* NAME, unique among the file's audio tracks */
    int channels;      /* 0 if unknown */
};

/** What the multivariant playlist says about the stream. */
struct slc_seg_stream_desc {
    char codecs[128]; /* RFC 6381 list, "" if unknown (with alternates: every audio codec) */
    int width, height;
    double frame_rate;
    int has_video, has_audio;
    /* With naudio >= 2 the multivariant lists every audio track in one EXT-X-MEDIA group;
     * with one or none it has no EXT-X-MEDIA (the audio is simply muxed in). */
    struct slc_seg_audio_desc audio[SLC_SEG_AUDIO_MAX];
    int naudio;
};

struct slc_seg_sink_ops {
    /* A new segment starts; bytes for it follow. */
    int (*begin)(void *opaque, uint64_t seq);
    /* Append TS bytes to the open segment. */
    int (*write)(void *opaque, const uint8_t *p, size_t n);
    /* The open segment is complete. */
    int (*end)(void *opaque, const struct slc_seg_segment_info *info);
    /* The stream description is known: before the first end(), and in a live run again
     * after each reconnect (the encoder may have come back with other streams). */
    int (*describe)(void *opaque, const struct slc_seg_stream_desc *desc);
    /* The input ended (complete = 1: write ENDLIST) or the run failed (complete = 0). */
    int (*finish)(void *opaque, int complete);
    /* Optional (NULL: never called). A video frame with presentation time `pts_90k` (output
     * timeline) is about to be muxed into the open segment; its TS packets start at
     * `byte_offset` (a multiple of 188) and everything before that offset belongs to earlier
     * frames. Return 1 to cut before this frame (LL-HLS parts end there): the muxer then
     * writes out the audio it holds back (mpegts gathers audio frames into PES packets of up
     * to ~0.7 s), so the bytes of the part carry every audio frame that precedes the cut,
     * delivers everything to the sink and calls `cut` with the new offset of the frame.
     * Return 0 to leave the buffering alone, or a negative slc_err to stop. */
    int (*mark)(void *opaque, int64_t pts_90k, int is_keyframe, uint64_t byte_offset);
    /* Optional: after `mark` returned 1, every byte before the frame is in the sink and the
     * frame starts at `byte_offset`. */
    int (*cut)(void *opaque, uint64_t byte_offset);
};

struct slc_seg_sink {
    const struct slc_seg_sink_ops *ops;
    void *opaque;
    size_t chunk_size; /* preferred bytes per write() call; 0 = about 32 KB */
};

/** Expand a segment name template: one `%d` or `%0Nd` (N <= 20) conversion and `%%`.
 * Written by hand because passing a user string to printf as a format is unsafe.
 * Returns 0, SLC_EINVAL (bad template), SLC_ELIMIT (out too small). */
int slc_seg_name_format(const char *tmpl, uint64_t n, char *out, size_t cap);

/** Validate a template: exactly one number conversion, no '/', no leading '.', printable
 * characters only. Returns 0 or SLC_EINVAL with the reason logged. */
int slc_seg_name_check(const char *tmpl);

#endif
