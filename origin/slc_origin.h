/* SPDX-License-Identifier: MIT */
/* The HTTP origin: a libmicrohttpd server that routes request paths to pluggable sources
 * mounted at prefixes and serves the objects they return (files with sendfile, memory
 * buffers, and growing objects streamed in chunks as they grow). Knows HTTP, not FFmpeg. */
#ifndef SLC_ORIGIN_H
#define SLC_ORIGIN_H

#include <stddef.h>
#include <stdint.h>

struct slc_object;
struct slc_origin;

/* Named ceilings. */
#define SLC_ORIGIN_MAX_MOUNTS 16
#define SLC_ORIGIN_PREFIX_MAX 64

/** Receives one entry-point playlist path, relative to the source's mount point. */
typedef void (*slc_origin_emit_fn)(void *ctx, const char *relpath);

/** A kind of source (root directory, live channels, just-in-time VOD) plugs in with these. */
struct slc_origin_source_ops {
    const char *name; /* "root", "live", "vod": for logs */
    /** Find `relpath` (normalised by the origin: relative, no "..", no empty or dot-leading
     * segments; "" for the mount point itself). On success *out holds a new reference that
     * the origin releases. Returns 0 or a negative slc_err (SLC_ENOENT -> 404, SLC_EACCES ->
     * 403, ...: see slc_origin_http_status()). Called concurrently from the server's threads:
     * must be thread-safe. */
    int (*lookup)(void *src, const char *relpath, struct slc_object **out);
    /** Report the entry-point playlists this source serves (for the player page's list) by
     * calling emit(ctx, relpath) for each. May be NULL. Returns 0 or a negative slc_err. */
    int (*list_streams)(void *src, slc_origin_emit_fn emit, void *ctx);
    /** Free `src` when the origin is freed. May be NULL (the caller keeps ownership). */
    void (*destroy)(void *src);
    /** LL-HLS blocking playlist reload (RFC 8216bis 6.2.5.2). May be NULL: the directives are
     * then ignored. Is segment `msn` (part `part`, -1 = the whole segment) in the playlist at
     * `relpath`? 1: yes, or directives no longer apply (ended, not a blocking playlist);
     * 0 or SLC_EAGAIN: not yet -- *pulse gets a reference (the origin releases it) to an
     * object that grows past *pulse_off when the playlist changes; SLC_EINVAL: too far ahead
     * (400); other errors map as lookup's. *target_s: the playlist's target duration. */
    int (*block_check)(void *src, const char *relpath, uint64_t msn, int64_t part,
                       struct slc_object **pulse, uint64_t *pulse_off, int *target_s);
};

struct slc_origin_config {
    const char *listen;     /* "ADDR:PORT" or "[V6ADDR]:PORT"; port 0 picks one. Default
                               "127.0.0.1:8080" */
    int threads;            /* worker threads (thread pool with epoll); 0: number of CPUs */
    int max_connections;    /* default 20000 */
    int per_ip_limit;       /* connections per client address; default 0 = max_connections */
    int timeout_sec;        /* idle connection timeout; default 30 */
    int stream_stall_sec;   /* a growing object that gains no bytes this long ends the response;
                               default 0 = timeout_sec */
    const char *access_log; /* NULL or "off": none; "-": stderr; else a file appended to */
    const char *player_dir; /* directory holding hls.min.js for the player page; NULL: none */
};

/** Fill `c` with the defaults above. */
void slc_origin_config_init(struct slc_origin_config *c);

/** Create a stopped origin. The strings in `c` must outlive it. 0, SLC_EINVAL (bad listen
 * address), SLC_ENOMEM, or an I/O error opening the access log. Free with slc_origin_free. */
int slc_origin_new(const struct slc_origin_config *c, struct slc_origin **out);

/** Serve `src` through `ops` at `prefix` ("" for "/", "live" for "/live/..."). The longest
 * matching prefix wins; prefixes match whole path segments. Call before slc_origin_start.
 * The origin calls ops->destroy(src) when freed (also when this fails).
 * 0, SLC_EINVAL (bad or duplicate prefix), SLC_ELIMIT (more than SLC_ORIGIN_MAX_MOUNTS). */
int slc_origin_mount(struct slc_origin *o, const char *prefix,
                     const struct slc_origin_source_ops *ops, void *src);

/** Serve the files under `dir` at `prefix`: files are opened beneath `dir` only (symlinks
 * that lead out of it are refused); small files are cached in memory and revalidated with
 * stat on every request. 0, SLC_ENOENT (no such directory), SLC_ENOMEM, or as mount. */
int slc_origin_mount_root(struct slc_origin *o, const char *prefix, const char *dir);

/** Bind and start serving on the configured threads. 0, SLC_EIO (bind or start failed: the
 * cause is logged), SLC_EINVAL (called twice). */
int slc_origin_start(struct slc_origin *o);

/** The bound TCP port once started (the real one when the configured port was 0), else 0. */
int slc_origin_port(const struct slc_origin *o);

/** Stop gracefully: stop accepting, let in-flight responses finish for up to `grace_ms`,
 * end the streams still waiting for bytes, then stop the threads. Idempotent. */
void slc_origin_stop(struct slc_origin *o, int grace_ms);

/** Stop (grace 0) if running and free everything, including mounted sources. NULL-safe;
 * sets *pp = NULL. */
void slc_origin_free(struct slc_origin **pp);

#endif
