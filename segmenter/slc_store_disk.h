/* SPDX-License-Identifier: MIT */
/* The disk store: a sink that writes segments as files (temporary name, renamed when
 * complete) and keeps the media and multivariant playlists of OUTDIR up to date, always
 * replaced atomically. No FFmpeg types. */
#ifndef SLC_STORE_DISK_H
#define SLC_STORE_DISK_H

#include "slc_playlist.h"
#include "slc_seg_sink.h"

#include <stdint.h>

#define SLC_STORE_MEDIA_PLAYLIST "stream.m3u8"
#define SLC_STORE_MULTI_PLAYLIST "index.m3u8"

struct slc_store_disk;

/* What a completed-file notification is about. */
enum slc_store_file_event {
    SLC_STORE_FILE_SEGMENT = 0,  /* a segment was renamed into place, complete */
    SLC_STORE_FILE_PLAYLIST = 1, /* a playlist was atomically replaced */
    SLC_STORE_FILE_REMOVED = 2,  /* a segment file was removed (left the window, stale) */
};

/** Called on the segmenting thread after a file in outdir reached its final state. `name` is
 * relative to outdir and valid only during the call. A negative slc_err return fails the run
 * (the store logs nothing more). The callee may block (backpressure), never re-enter the store. */
typedef int (*slc_store_file_fn)(void *opaque, const char *name, enum slc_store_file_event ev);

struct slc_store_disk_config {
    const char *outdir;
    const char *segment_template; /* validated by slc_seg_name_check */
    const char *base_url;         /* may be NULL */
    enum slc_pl_type type;        /* VOD: playlists written at finish; EVENT: per segment */
    int target_duration;          /* EVENT: fixed up front (RFC 8216 6.2.1); VOD: ignored */
    slc_store_file_fn on_file;    /* optional: segments, playlists and removals as they land */
    void *on_file_opaque;
    const char *notify_prefix; /* prepended to the names on_file receives (an alternate
                                  rendition's folder, "audio_1/"); NULL = none */
    int media_only;            /* write no multivariant playlist (an alternate rendition) */
};

/** Create the store, making `outdir` if needed. *pp gets the store (slc_store_disk_free).
 * Returns 0 or a negative slc_err (logged). */
int slc_store_disk_new(struct slc_store_disk **pp, const struct slc_store_disk_config *cfg);
void slc_store_disk_free(struct slc_store_disk **pp);

/** The sink that writes into this store (valid while the store lives). */
struct slc_seg_sink slc_store_disk_sink(struct slc_store_disk *s);

/** Alternate renditions' figures for the multivariant playlist (called before finish):
 * RFC 8216 4.3.4.2, BANDWIDTH is the largest sum over the renditions a player may combine,
 * here the main variant (which carries the default audio) plus the largest alternate. */
void slc_store_disk_add_alternate(struct slc_store_disk *s, uint64_t peak_bps, uint64_t avg_bps);

/** Figures of what was written: segments, bytes, peak and average bitrate (bits/s). */
void slc_store_disk_stats(const struct slc_store_disk *s, uint64_t *segments, uint64_t *bytes,
                          int64_t *duration_us, uint64_t *peak_bps, uint64_t *avg_bps);

#endif
