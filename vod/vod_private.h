/* SPDX-License-Identifier: MIT */
/* Internals of the JIT VOD source shared by its files: file identity and safe opening, the
 * plan cache, playlist rendering and the segment production pool. */
#ifndef VOD_PRIVATE_H
#define VOD_PRIVATE_H

#include "slc_seg_vod.h"
#include "slc_segmenter.h"

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

struct slc_object;
struct stat;

/* Longest relative path served. */
#define VOD_PATH_MAX 1024
/* "/proc/self/fd/N": how the segmenter reads the very file we opened beneath the root. */
#define VOD_FDPATH_MAX 40

/** What identifies one version of a file: a change of any field is a new file. */
struct vod_ident {
    uint64_t dev, ino, size;
    int64_t mtime_ns;
};

/* ---- vod_file.c ---- */

/** Open the regular file `relpath` beneath `dirfd` (no "..", no symlink out of it). Returns
 * the descriptor (caller closes) with its identity and mtime, or a negative slc_err:
 * SLC_ENOENT (missing, not a regular file), SLC_EACCES (would leave the root). */
int vod_file_open(int dirfd, const char *relpath, struct vod_ident *id, int64_t *mtime);

/** The identity of the file `st` describes. */
void vod_file_ident(const struct stat *st, struct vod_ident *id);

/** Whether `name` has the extension of a media container we list. */
int vod_file_is_media(const char *name);

/** Walk beneath `dirfd` (bounded, no symlinks) and call emit(ctx, "<path>/index.m3u8") for
 * every media file. */
void vod_file_list(int dirfd, void (*emit)(void *, const char *), void *ctx);

/** "/proc/self/fd/<fd>" into out (VOD_FDPATH_MAX). */
void vod_file_fdpath(int fd, char *out, size_t cap);

/* ---- vod_plans.c ---- */

/** One file version's plan and its rendered playlists, shared by reference. */
struct vod_plan {
    char *relpath;
    struct vod_ident id;
    int64_t mtime;
    int err;      /* < 0: the file is not playable media (cached so it isn't probed again) */
    int packaged; /* no exact plan (no full index, or transcoding): whole-file packaging */
    struct slc_seg_plan plan;
    struct slc_object *multi, *media; /* index.m3u8 and stream.m3u8 bodies */
    struct slc_seg_vod_file *handle;  /* the open demuxer the plan came from, reused by one
                                         production at a time (NULL while taken) */
    size_t bytes;                     /* what it costs the cache */
    int refs, building;
    struct vod_plan *prev, *next; /* LRU: head is the most recent */
};

struct vod_plans;

/** A plan cache holding at most `max_bytes`; `seg` is the segmenter config (kept). */
int vod_plans_new(size_t max_bytes, const struct slc_seg_config *seg, struct vod_plans **out);
void vod_plans_free(struct vod_plans **pp);

/** The plan of `relpath` whose open descriptor `fd` has identity `id`: cached, or built once
 * (concurrent callers for the same file wait for one build). *out holds a reference for
 * vod_plans_put. Returns 0 or the file's error (SLC_EFORMAT, ...), also cached. */
int vod_plans_get(struct vod_plans *pc, const char *relpath, int fd, const struct vod_ident *id,
                  int64_t mtime, struct vod_plan **out);

/** The cached, built, playable (not packaged) plan of `relpath` if its identity is `id`, with
 * a reference for vod_plans_put; else NULL. Never builds or waits. */
struct vod_plan *vod_plans_find(struct vod_plans *pc, const char *relpath,
                                const struct vod_ident *id);

/** One more reference to `p` (held already by the caller); returns `p`. */
struct vod_plan *vod_plans_ref(struct vod_plans *pc, struct vod_plan *p);

/** Take the plan's open segmenter handle for one production, or NULL when another
 * production has it (then use slc_seg_run_one). Give it back with vod_plans_handle_put. */
struct slc_seg_vod_file *vod_plans_handle_take(struct vod_plans *pc, struct vod_plan *p);
void vod_plans_handle_put(struct vod_plans *pc, struct vod_plan *p, struct slc_seg_vod_file *h);

/** Drop a reference from vod_plans_get; *pp = NULL. */
void vod_plans_put(struct vod_plans *pc, struct vod_plan **pp);

/** Cached plans and their bytes (for logs and tests). */
void vod_plans_stats(struct vod_plans *pc, size_t *n, size_t *bytes);

/* ---- vod_render.c ---- */

/** Render the media and multivariant playlists of `p->plan` into new memory objects (the
 * caller owns *media and *multi). `file_size` feeds the bandwidth estimate. */
int vod_render_playlists(const struct slc_seg_plan *plan, const struct slc_seg_config *seg,
                         uint64_t file_size, struct slc_object **media, struct slc_object **multi);

/** The media playlist of alternate audio rendition `rendition` (>= 1) of `plan`, as
 * `sluice segment` writes audio_<k>/stream.m3u8, into a new memory object (caller owns). */
int vod_render_alt_media(const struct slc_seg_plan *plan, const struct slc_seg_config *seg,
                         int rendition, struct slc_object **out);

/** The segment index named by `leaf` under the template, or -1: only the canonical name (as
 * the playlist writes it) matches, so every segment has exactly one URL. */
int64_t vod_render_segment_index(const struct slc_seg_config *seg, const char *leaf, size_t n);

/* ---- vod_jobs.c ---- */

/* A segment's key in the production pool, its cache and its ETag: the rendition (0 the main
 * one, k >= 1 audio_<k>/) above the segment index, so the main rendition's keys (and ETags)
 * are the plain indexes. */
#define VOD_SEG_KEY_SHIFT 48
#define VOD_SEG_KEY(r, i) (((uint64_t)(r) << VOD_SEG_KEY_SHIFT) | (uint64_t)(i))
#define VOD_SEG_KEY_RENDITION(k) ((int)((k) >> VOD_SEG_KEY_SHIFT))
#define VOD_SEG_KEY_INDEX(k) ((k) & ((UINT64_C(1) << VOD_SEG_KEY_SHIFT) - 1))

struct vod_jobs;

/** A production pool: `workers` threads, at most `queue_max` jobs waiting, produced segments
 * kept up to `cache_bytes`. */
int vod_jobs_new(int workers, int queue_max, size_t cache_bytes, const struct slc_seg_config *seg,
                 struct vod_jobs **out);
/** Stop the threads (waiting jobs fail with SLC_EINTR) and free everything. */
void vod_jobs_free(struct vod_jobs **pp);

/** The growing (or complete) object of segment `index` (a VOD_SEG_KEY) of `p`, read from `fd`
 * (dup'ed when a production is queued; the caller keeps `fd`). A production already running or
 * cached is shared. *out is a new reference. 0, SLC_EAGAIN (queue full), SLC_ENOMEM. */
int vod_jobs_get(struct vod_jobs *j, struct vod_plan *p, struct vod_plans *pc, int fd,
                 uint64_t index, struct slc_object **out);

/** The object of segment `index` of `p` when the cache has it (complete, or being produced),
 * as a new reference in *out: 0. SLC_EAGAIN when it would have to be queued (vod_jobs_get). */
int vod_jobs_get_cached(struct vod_jobs *j, struct vod_plan *p, uint64_t index,
                        struct slc_object **out);

/** Validator (ETag) of segment `index` of the file version `id` under config `seg`. */
uint64_t vod_jobs_validator(const struct vod_ident *id, uint64_t index,
                            const struct slc_seg_config *seg);

/* ---- vod_package.c ---- */

struct vod_packages;

/** Whole-file packages under a private directory made in `cache_dir` (removed by free),
 * at most `max_bytes` of them (LRU), at most `max_running` packagings at once. */
int vod_packages_new(const char *cache_dir, uint64_t max_bytes, int max_running,
                     const struct slc_seg_config *seg, struct vod_packages **out);
/** Wait for running packagings (they are told to stop) and remove the directory. */
void vod_packages_free(struct vod_packages **pp);

/** The file `leaf` (index.m3u8, stream.m3u8, a segment) of the package of `p` (read through
 * `fd`, which the caller keeps): a memory object when packaged, a growing object completed
 * when the packaging ends, or the packaging's error. 0, SLC_ENOENT, SLC_EFORMAT, SLC_EAGAIN
 * (too many packagings running), SLC_ENOMEM. */
int vod_packages_get(struct vod_packages *v, struct vod_plans *pc, struct vod_plan *p, int fd,
                     const char *leaf, struct slc_object **out);

#endif
