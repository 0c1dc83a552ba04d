/* SPDX-License-Identifier: MIT */
/* The live window store: a segmenter sink that keeps a sliding (or EVENT/DVR) window of
 * segments as reference-counted objects for the origin and/or as files in a directory, and
 * publishes the media and multivariant playlists atomically at every segment end.
 * Plain C: no FFmpeg, no HTTP. */
#ifndef SLC_STORE_LIVE_H
#define SLC_STORE_LIVE_H

#include "slc_playlist.h"
#include "slc_seg_sink.h"
#include "slc_store_disk.h"

#include <stdint.h>

#define SLC_STORE_LIVE_MEDIA "stream.m3u8"
#define SLC_STORE_LIVE_MULTI "index.m3u8"
#define SLC_STORE_LIVE_WINDOW_MIN 3
#define SLC_STORE_LIVE_WINDOW_MAX 10000
/* Ceiling on one segment held in memory (a 10 s segment at 50 Mbit/s). */
#define SLC_STORE_LIVE_SEGMENT_MAX (64u * 1024u * 1024u)

struct slc_object;
struct slc_store_live;

struct slc_store_live_config {
    const char *name;       /* channel name, for log lines */
    unsigned window;        /* segments a sliding window lists; 0 = 6; >= 3 */
    double target_duration; /* configured cut duration, s (default 2) */
    enum slc_pl_type type;  /* SLC_PL_TYPE_NONE (sliding window) or SLC_PL_TYPE_EVENT */
    double dvr_sec;         /* > 0: a sliding window lists this much media, not `window` */
    int memory;             /* keep segments and playlists as objects for slc_store_live_lookup */
    double part_target;     /* > 0: LL-HLS, parts of at most this many seconds as byte ranges
                               of the segment being written (memory only); 0 = standard HLS */
    const char *dir;        /* NULL, or a directory that gets the same window as files
                               (segments under temporary names then renamed, playlists
                               replaced atomically); an existing stream.m3u8 there is
                               continued (see slc_store_live_next_seq) */
    slc_store_file_fn on_file; /* optional, with `dir`: called on the ingest thread after a
                                  segment file was renamed into place (SEGMENT), a playlist
                                  replaced (PLAYLIST: stream.m3u8 after the segments it
                                  lists, then index.m3u8) and a segment deleted after its
                                  grace (REMOVED: its last playlist was announced before).
                                  It may block (that stalls ingest); a negative return
                                  fails the segment end like an I/O error. */
    void *on_file_opaque;
};

/** Fill `c` with the defaults (window 6, target 2 s, sliding, memory on, no directory). */
void slc_store_live_config_init(struct slc_store_live_config *c);

/** Create a store. With `dir`, the directory is created if missing, and a media playlist a
 * previous run left there is taken over: its segments stay listed, its media and
 * discontinuity sequences and target duration continue. The strings in `c` are copied.
 * *out gets the store (free with slc_store_live_free). 0, SLC_EINVAL (bad window, type or
 * target), SLC_ENOMEM, or an I/O error on `dir` (logged). */
int slc_store_live_new(const struct slc_store_live_config *c, struct slc_store_live **out);

/** Free the store and drop its references (readers holding objects keep them). NULL-safe;
 * sets *pp = NULL. The sink must not be running. */
void slc_store_live_free(struct slc_store_live **pp);

/** The sink that feeds this store, for slc_seg_run_live (one ingest thread at a time). */
struct slc_seg_sink slc_store_live_sink(struct slc_store_live *s);

/** The sequence number the next segment must get: 0 for a new stream, the continuation of a
 * taken-over playlist otherwise (pass it as slc_seg_run_live's `first_seq`). */
uint64_t slc_store_live_next_seq(const struct slc_store_live *s);

/** Look up `name` ("index.m3u8", "stream.m3u8" or a segment file name: listed, retained
 * after leaving the window, or still being written -- then a GROWING object). *out gets a
 * new reference the caller releases with slc_object_unref. 0, SLC_ENOENT (unknown or
 * dropped), SLC_EAGAIN (no segment complete yet: no playlist). Thread-safe against the
 * ingest thread and other readers. Needs `memory`. */
int slc_store_live_lookup(struct slc_store_live *s, const char *name, struct slc_object **out);

/** LL-HLS blocking reload (RFC 8216bis 6.2.5.2): is segment `msn` (part `part`, or the whole
 * segment when part < 0) in the published media playlist? Returns 1 (yes, or the playlist
 * has ended or is standard HLS: directives do not apply), 0 (not yet: *pulse gets a reference,
 * released by the caller, to a growing object that grows or completes whenever a new media playlist
 * is published, *pulse_off its size now, to wait on with slc_object_wait), SLC_EINVAL (more than 2
 * segments ahead of the last listed one), SLC_EAGAIN (nothing published yet: wait like 0).
 * *target_s gets the target duration (blocking limit). Thread-safe. */
int slc_store_live_block_check(struct slc_store_live *s, uint64_t msn, int64_t part,
                               struct slc_object **pulse, uint64_t *pulse_off, int *target_s);

struct slc_store_live_stats {
    uint64_t segments;   /* segments completed by this run */
    size_t listed;       /* in the playlist now */
    size_t retained;     /* out of the playlist, still fetchable */
    uint64_t bytes_held; /* bytes of listed + retained + open segments */
    uint64_t media_sequence, discontinuity_sequence;
    int target_duration; /* 0 until the first segment */
    uint64_t peak_bps;
    int ended; /* ENDLIST written */
};

/** A consistent snapshot of the store's figures. Thread-safe. */
void slc_store_live_stats(struct slc_store_live *s, struct slc_store_live_stats *st);

#endif
