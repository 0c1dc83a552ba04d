/* SPDX-License-Identifier: MIT */
/* What the origin says about a body: its media type, how long caches may keep it, and the one
 * table that turns an slc_err into an HTTP status. Pure functions; no HTTP library. */
#ifndef SLC_ORIGIN_POLICY_H
#define SLC_ORIGIN_POLICY_H

#include <stddef.h>

/* Cache-Control for error responses: caches must not keep them. */
#define SLC_ORIGIN_CC_ERROR "no-store"
/* Segments never change once written (RFC 8216 6.2.1 forbids changing a listed segment). */
#define SLC_ORIGIN_CC_IMMUTABLE "public, max-age=31536000, immutable"
/* A VOD (or ended EVENT) playlist never changes again. */
#define SLC_ORIGIN_CC_VOD_PLAYLIST "public, max-age=86400"
/* A multivariant playlist has no target duration to derive a lifetime from: keep it short. */
#define SLC_ORIGIN_CC_MULTIVARIANT "public, max-age=10"
/* Anything we cannot reason about (pages, JSON, unknown files): revalidate every time. */
#define SLC_ORIGIN_CC_REVALIDATE "no-cache"
#define SLC_ORIGIN_CC_MAX 64

/** Media type for the file name `path` by extension (".m3u8" -> application/vnd.apple.mpegurl,
 * ".ts" -> video/mp2t, ...); "application/octet-stream" when unknown. Static storage. */
const char *slc_origin_content_type(const char *path);

/** Whether `path` names a playlist (.m3u8/.m3u). */
int slc_origin_is_playlist(const char *path);

/** Cache-Control for a 200/206/304 answer for `path`. For playlists `body` (`len` bytes, need
 * not be NUL-terminated; may be NULL) is scanned: VOD or ENDLIST -> long, multivariant ->
 * short, live -> max-age of half EXT-X-TARGETDURATION (HLS-NOTES "Serving"), else no-cache.
 * Media segments (.ts/.m4s/.mp4/.aac/.vtt...) are immutable. Writes into `out` (`cap` >=
 * SLC_ORIGIN_CC_MAX). */
void slc_origin_cache_control(const char *path, const void *body, size_t len, char *out,
                              size_t cap);

/** The HTTP status for a negative slc_err (the one translation table of the origin). */
unsigned slc_origin_http_status(int err);

#endif
