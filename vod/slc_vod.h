/* SPDX-License-Identifier: MIT */
/* Just-in-time VOD: an origin source that serves every media file under a directory as HLS,
 * planning its segments from the container index and producing each segment on request.
 * Talks to the origin through slc_origin.h and to the segmenter through slc_seg_vod.h only:
 * knows neither libmicrohttpd nor FFmpeg. */
#ifndef SLC_VOD_H
#define SLC_VOD_H

#include <stddef.h>

struct slc_origin;
struct slc_seg_config;

/* Named ceilings. */
#define SLC_VOD_QUEUE_DEFAULT 64 /* segment productions waiting for a worker */
#define SLC_VOD_WORKERS_MAX 64   /* production threads */
#define SLC_VOD_LIST_DEPTH 8     /* directory levels the stream listing descends */
#define SLC_VOD_LIST_MAX 20000   /* directory entries the stream listing looks at */
#define SLC_VOD_PACKAGINGS_MAX 2 /* whole-file packagings running at once */

struct slc_vod_config {
    const char *dir;            /* the media directory; must outlive the origin */
    size_t plan_cache_bytes;    /* ceiling on cached plans + playlists; default 64 MB */
    size_t segment_cache_bytes; /* ceiling on produced segments kept in memory; default 256 MB */
    int workers;                /* production threads; 0: number of CPUs */
    int queue_max;              /* productions waiting; beyond it 503; default 64 */
    const char *cache_dir;      /* whole-file packages go in a private directory made here
                                   (removed at exit); NULL: /tmp */
    unsigned long long disk_cache_bytes; /* ceiling on those packages; default 4 GB */
    const struct slc_seg_config *seg;    /* segmenter config (target duration, template); NULL:
                                            defaults. Copied. */
};

/** Fill `c` with the defaults above (dir NULL). */
void slc_vod_config_init(struct slc_vod_config *c);

/** Mount the VOD source for `c->dir` at `prefix` of `o` (before slc_origin_start):
 *   <prefix>/<path>/index.m3u8   multivariant playlist of the file <dir>/<path>
 *   <prefix>/<path>/stream.m3u8  media playlist (VOD, ENDLIST) as `sluice segment` writes it
 *   <prefix>/<path>/<segment>    one TS segment, produced on request and streamed while it
 *                                grows; the same bytes and ETag on every request.
 * Files without a complete index (MPEG-TS, Matroska) or needing transcoding are packaged
 * whole with slc_seg_run on their first request into `cache_dir` and served from there (same
 * URLs and bytes as `sluice segment`; the first request waits for the packaging).
 * Files are opened beneath `dir` only. A file that is not playable media answers 422
 * (SLC_EFORMAT) for that file alone. The origin owns the source once mounted.
 * 0, SLC_ENOENT (no such directory), SLC_ENOMEM, SLC_EIO (threads), or as slc_origin_mount. */
int slc_vod_mount(struct slc_origin *o, const char *prefix, const struct slc_vod_config *c);

#endif
