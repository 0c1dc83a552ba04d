/* SPDX-License-Identifier: MIT */
/* Internal state of the live window store, shared by store_live.c (window, objects,
 * playlists) and store_live_disk.c (files, taking over a previous run's playlist). */
#ifndef SLC_STORE_LIVE_PRIV_H
#define SLC_STORE_LIVE_PRIV_H

#include "slc_store_live.h"

#include <pthread.h>

#define LIVE_NAME_CAP 64
#define LIVE_PATH_CAP 4096

/* One segment: listed, retained (out of the playlist, still fetchable) or open. */
struct live_entry {
    uint64_t seq;
    char name[LIVE_NAME_CAP];
    int64_t duration_us;
    uint64_t bytes;
    struct slc_object *obj; /* memory mode: the bytes; NULL otherwise (and for taken-over) */
    int64_t drop_at_us;     /* retained: delete once the stream clock passes this */
};

struct slc_store_live {
    struct slc_store_live_config cfg; /* strings owned below */
    char *name, *dir;
    pthread_mutex_t lock; /* guards entries, cur, the playlist objects and stats */

    /* Ingest thread only (no lock needed to read them there). */
    struct slc_pl_media pl;          /* the listed segments */
    struct slc_seg_stream_desc desc; /* from describe(): the latest session's */
    int described;                   /* describe() was called */
    int64_t clock_us;                /* media time completed by this store (sum of EXTINFs) */
    uint64_t disk_pub_count;         /* LL mirror: media sequence + segments last on disk */
    int disk_pub_endlist;
    int64_t pdt_next_us;     /* PROGRAM-DATE-TIME the next segment continues (0: none) */
    int64_t pdt_prev_dur_us; /* the duration pdt_next_us added */
    int target_fixed;        /* target decided (first segment, or taken over) */
    uint64_t next_seq;
    int fd; /* disk: the open segment's temporary file */
    uint64_t total_bytes;
    int64_t total_us;
    uint64_t validator_seed; /* this store instance's: segment ETags never repeat across runs */
    uint64_t begun;          /* segments begun: part of each segment's validator */

    /* Shared with readers (under lock). */
    struct live_entry *e; /* retained first, then listed (same order as pl.segs) */
    size_t n, cap, nretained;
    struct live_entry cur; /* the open segment; cur.name[0] == '\0' when none */
    struct slc_object *media_obj, *multi_obj;
    uint64_t segments, peak_bps;
    int ended;
    uint64_t pub_msn, pub_dsn; /* sequences of the published media playlist */
    int pub_target;
    size_t pub_nsegs, pub_ntail; /* listed segments and pending parts published */
    struct slc_object *pulse;    /* grows by a byte at every media playlist publication */

    /* LL-HLS parts of the open segment (ingest thread only; store_live_parts.c). */
    int64_t part_target_us; /* 0: standard HLS */
    int part_open;          /* a part has started (a frame was marked) */
    int64_t part_pts;       /* its first frame's pts, 90 kHz */
    uint64_t part_off;      /* its first byte */
    int part_independent;   /* it starts with a keyframe */
    int64_t prev_pts;       /* last marked frame, for the frame duration */
    uint64_t prev_off;      /* and where it starts */
    int prev_key;
    int64_t parts_us;         /* duration of the open segment's finished parts */
    int64_t cut_off, cut_pts; /* a cut waiting for its bytes (cut_off < 0: none) */
    int cut_key;
    int cut_wait; /* the cut's offset moves once the muxer has flushed (slc_store_live_cut) */
};

/** Format the file name of segment `seq` ("seg00042.ts"). */
void slc_store_live_seg_name(uint64_t seq, char *out, size_t cap);

/* The sink's halves (store_live.c begin/write and playlist publishing). */
int slc_store_live_begin(void *opaque, uint64_t seq);
int slc_store_live_write(void *opaque, const uint8_t *p, size_t n);
int slc_store_live_publish_media(struct slc_store_live *s);
int slc_store_live_publish_multi(struct slc_store_live *s);

/* LL-HLS parts (store_live_parts.c); no-ops unless part_target_us > 0. */
int slc_store_live_parts_begin(struct slc_store_live *s);
int slc_store_live_mark(void *opaque, int64_t pts_90k, int is_keyframe, uint64_t byte_offset);
int slc_store_live_cut(void *opaque, uint64_t byte_offset);
int slc_store_live_parts_written(struct slc_store_live *s);
int slc_store_live_parts_end(struct slc_store_live *s, int64_t duration_us);
int slc_store_live_pulse(struct slc_store_live *s);
void slc_store_live_parts_trim(struct slc_store_live *s);

/* Disk side (store_live_disk.c); every function is a no-op without s->dir. */
int slc_store_live_disk_takeover(struct slc_store_live *s);
int slc_store_live_disk_begin(struct slc_store_live *s);
int slc_store_live_disk_write(struct slc_store_live *s, const uint8_t *p, size_t n);
int slc_store_live_disk_end(struct slc_store_live *s);
void slc_store_live_disk_abort(struct slc_store_live *s);
int slc_store_live_disk_remove(struct slc_store_live *s, const char *name);
int slc_store_live_disk_publish(struct slc_store_live *s, const char *file,
                                const struct slc_buf *b);

#endif
