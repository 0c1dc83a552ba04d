/* SPDX-License-Identifier: MIT */
/* Internals shared by the origin's files: the server, per-request state, metrics and the
 * streams of growing objects. Not part of the public API. */
#ifndef SLC_ORIGIN_PRIVATE_H
#define SLC_ORIGIN_PRIVATE_H

#include "origin_headers.h"
#include "origin_path.h"
#include "slc_object.h"
#include "slc_origin.h"

#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

/* Per-stream counters cover this many top-level stream directories; the rest are summed. */
#define ORIGIN_METRIC_STREAMS_MAX 256
#define ORIGIN_STREAM_NAME_MAX 96
/* Paths kept for the access log are cut at this length. */
#define ORIGIN_LOG_PATH_MAX 256
#define ORIGIN_LOG_QUERY_MAX 256

struct origin_mount {
    char prefix[SLC_ORIGIN_PREFIX_MAX];
    size_t plen;
    const struct slc_origin_source_ops *ops;
    void *src;
};

struct origin_stream_stat {
    char name[ORIGIN_STREAM_NAME_MAX];
    atomic_ullong requests, bytes;
};

struct origin_metrics {
    atomic_ullong by_code[600];
    atomic_ullong bytes_sent;
    atomic_llong open_connections;
    atomic_ullong connections_total;
    atomic_llong active_streams;
    pthread_mutex_t lock; /* guards the stream table's inserts */
    struct origin_stream_stat streams[ORIGIN_METRIC_STREAMS_MAX];
    atomic_size_t nstreams;
    atomic_ullong other_requests, other_bytes;
};

struct origin_stream;
struct origin_cache;
struct origin_block;

struct slc_origin {
    struct slc_origin_config cfg;
    struct MHD_Daemon *daemon;
    int port;
    int access_fd; /* -1: no access log */
    struct origin_mount mounts[SLC_ORIGIN_MAX_MOUNTS];
    size_t nmounts;
    struct origin_metrics metrics;
    atomic_int in_flight; /* requests between their URI log and their completion */
    atomic_int stopping;
    int stopped;
    /* growing-object streams: every live one is on this list (origin_stream.c) */
    pthread_mutex_t streams_lock;
    pthread_cond_t streams_cond;
    struct origin_stream *streams;
    struct origin_block *blocks; /* suspended blocking playlist requests (origin_block.c) */
    pthread_t housekeeper;
    int housekeeper_running;
    struct origin_cache *cache; /* responses for small complete objects (origin_respond.c) */
};

/* State of one request, from the URI log callback to the completion notice. */
struct origin_req {
    struct slc_origin *origin;
    int64_t start_ns;
    int seen;        /* the access handler ran once: queue on the second call (keep-alive) */
    int raw_nul;     /* the raw URI held %00, which decoding would hide */
    unsigned status; /* what was queued */
    uint64_t bytes;  /* body bytes queued (streams add as they send) */
    int stream_idx;  /* index into metrics.streams, -1 none, -2 "other" */
    char method[8];
    char path[ORIGIN_LOG_PATH_MAX];
    char query[ORIGIN_LOG_QUERY_MAX]; /* after '?', for the access log (LL-HLS directives) */
    struct origin_block *blk;         /* a blocking playlist reload in progress, or NULL */
};

/* ---- origin_block.c ---- */

/** LL-HLS delivery directives (_HLS_msn, _HLS_part) on a request for `rel` in mount `m`.
 * Returns 0 when the request is to be answered as usual now (no directives, a source without
 * block_check, or the segment/part is there); 1 when it was handled: *r is the handler's
 * result (a queued 400/503, or the connection suspended until the next check). */
int origin_block_route(struct origin_req *rq, struct MHD_Connection *c,
                       const struct origin_mount *m, const char *rel, enum MHD_Result *r);
/** Free a request's blocking state (NULL-safe; sets *pp = NULL). */
void origin_block_free(struct origin_block **pp);
/** Resume suspended blocking requests past their deadline, or all; streams_lock held. */
void origin_blocks_resume(struct slc_origin *o, int all);

/* ---- origin_respond.c ---- */

/** Queue the answer for `obj` (a reference the caller keeps) at `path` (used for its media
 * type and cache policy) on `c`. Handles HEAD, conditionals and Range; growing objects go to
 * origin_stream_queue. Returns MHD_YES/MHD_NO as the access handler must. */
enum MHD_Result origin_respond_object(struct origin_req *rq, struct MHD_Connection *c,
                                      const char *path, struct slc_object *obj);
/** Queue a short text error for HTTP `status` (no-store). */
enum MHD_Result origin_respond_error(struct origin_req *rq, struct MHD_Connection *c,
                                     unsigned status);
/** Queue a generated body (copied) with its media type and Cache-Control. */
enum MHD_Result origin_respond_text(struct origin_req *rq, struct MHD_Connection *c,
                                    unsigned status, const char *type, const char *cache,
                                    const void *body, size_t len);
/** Queue the answer to an OPTIONS (CORS preflight) request: 204. */
enum MHD_Result origin_respond_options(struct origin_req *rq, struct MHD_Connection *c);
/** Queue 405 with Allow. */
enum MHD_Result origin_respond_405(struct origin_req *rq, struct MHD_Connection *c);
/** Add the CORS headers every response carries. */
void origin_add_cors(struct MHD_Response *r);
int origin_cache_new(struct origin_cache **out);
void origin_cache_free(struct origin_cache **pp);

/* ---- origin_stream.c ---- */

/** Queue a chunked 200 that sends `obj` (still growing) as bytes arrive, with media type
 * `type`, Cache-Control `cache`, Last-Modified `last_modified` and ETag `etag` (NULL: none,
 * for content not known until complete); the stream takes its own reference to `obj`. With
 * `rg` (not NULL): a 206 of bytes rg->first..rg->last (UINT64_MAX: to the end) sent as they
 * arrive, waiting for bytes not yet written rather than refusing them. */
enum MHD_Result origin_stream_queue(struct origin_req *rq, struct MHD_Connection *c,
                                    struct slc_object *obj, const char *type, const char *cache,
                                    const char *etag, const char *last_modified,
                                    const struct slc_origin_range *rg);
/** Start/stop the thread that ends streams whose writer stalled. */
int origin_streams_start(struct slc_origin *o);
/** End every stream (resuming the suspended ones) and stop the housekeeper. */
void origin_streams_abort_all(struct slc_origin *o);
/** Number of streams alive. */
long origin_streams_count(struct slc_origin *o);

/* ---- origin_metrics.c ---- */

void origin_metrics_init(struct origin_metrics *m);
void origin_metrics_deinit(struct origin_metrics *m);
/** Find (or add) the counter slot of the stream at normalised path `path` under mount
 * `prefix`; -1 when the path is not inside a stream directory, -2 when the table is full. */
int origin_metrics_stream(struct origin_metrics *m, const char *prefix, const char *relpath);
/** Count a finished request. */
void origin_metrics_request(struct origin_metrics *m, const struct origin_req *rq);
/** Render the Prometheus text exposition into a malloc'd buffer (*len bytes). */
char *origin_metrics_render(struct slc_origin *o, size_t *len);
/** Write the access-log line of a finished request (no-op without a log). */
void origin_access_log(struct slc_origin *o, struct MHD_Connection *c, const struct origin_req *rq);

/* ---- origin_player.c ---- */

/** Serve a built-in path ("" player page, "_streams.json", "_player/...", "metrics");
 * returns 1 and queues when `path` is built in, else 0 (*ret untouched). */
int origin_builtin(struct origin_req *rq, struct MHD_Connection *c, const char *path,
                   enum MHD_Result *ret);

/* ---- origin_server.c ---- */

int64_t origin_now_ns(void);

#endif
