/* SPDX-License-Identifier: MIT */
/* Orders packets of the video and audio tracks for the muxer (track 0 is video, the others
 * audio: the main audio and alternate audio renditions, all cut by the same rule). Each track's
 * packets stay in decode order; across tracks, the packet with the smallest key goes first. A video
 * packet's key is its dts, a video keyframe's its pts, an audio frame's its end (pts + duration):
 * so an audio frame that ends by a cut point is written before the keyframe that opens the next
 * segment, and the frame that straddles it opens the new segment with the keyframe (audio is
 * cut at the video cut, never re-timed, and every segment's audio starts at or just before
 * its video, so a player joining there finds no hole). Bounded: past SLC_IL_MAX_PACKETS queued, or
 * SLC_IL_MAX_SPAN_90K of media waiting for a silent track, packets go out anyway. Internal. */
#ifndef SLC_SEG_INTERLEAVE_H
#define SLC_SEG_INTERLEAVE_H

#include <libavcodec/packet.h>

#include <stddef.h>
#include <stdint.h>

#define SLC_IL_TRACKS 9 /* video, main audio, alternate audio tracks */
#define SLC_IL_MAX_PACKETS 4096
#define SLC_IL_MAX_SPAN_90K (10 * 90000)

struct slc_il_queue {
    AVPacket *pkts[SLC_IL_MAX_PACKETS];
    size_t head, count;
    int active;   /* the track exists */
    int finished; /* no more packets will come */
};

struct slc_seg_interleaver {
    struct slc_il_queue q[SLC_IL_TRACKS];
    size_t total;
};

/** Initialise; `active[t]` says which tracks exist. */
void slc_seg_il_init(struct slc_seg_interleaver *il, const int active[SLC_IL_TRACKS]);
/** Free queued packets. */
void slc_seg_il_deinit(struct slc_seg_interleaver *il);

/** Queue `*pkt` (moved in: *pkt is set to NULL) on track `t`; timestamps in 90 kHz.
 * Returns 0, or SLC_ELIMIT if the track's queue is full (caller must pop first). */
int slc_seg_il_push(struct slc_seg_interleaver *il, int t, AVPacket **pkt);

/** Mark track `t` as finished (end of input for it). */
void slc_seg_il_finish(struct slc_seg_interleaver *il, int t);

/** Take the next packet in mux order into *out (ownership passes to the caller), with its
 * track in *t. With `drain` set, releases even when a track is empty (end of input).
 * Returns 1 if a packet was taken, 0 if the interleaver must wait for more input. */
int slc_seg_il_pop(struct slc_seg_interleaver *il, int drain, AVPacket **out, int *t);

/** The interleaving key of a packet (see above). */
int64_t slc_seg_il_key(const AVPacket *pkt, int is_video);

#endif
