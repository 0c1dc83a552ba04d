/* SPDX-License-Identifier: MIT */
/* The uploader: a bounded queue of files of an output directory to PUT (HTTP/WebDAV or S3) at
 * a URL prefix, with N concurrent transfers, retries with back-off, and the ordering rule that
 * a playlist goes up only after everything it lists. Knows HTTP clients; not FFmpeg, not MHD. */
#ifndef SLC_UPLOAD_H
#define SLC_UPLOAD_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#define SLC_UPLOAD_FILES_MAX (1u << 20)     /* ceiling on files one uploader tracks */
#define SLC_UPLOAD_QUEUE_DEFAULT 64         /* files not yet uploaded before add() blocks */
#define SLC_UPLOAD_OBJECT_MAX (1024u << 20) /* largest file uploaded (read into memory) */
#define SLC_UPLOAD_PLAYLIST_MAX (16u << 20) /* largest playlist snapshot */
#define SLC_UPLOAD_HEADERS_MAX 32           /* extra request headers */

enum slc_upload_method {
    SLC_UPLOAD_PUT = 0,
    SLC_UPLOAD_HEAD = 1, /* --resume: is the object there with the right length? */
    SLC_UPLOAD_DELETE = 2,
};

/** One HTTP request the engine hands to a transport. Everything it points to stays valid until
 * the transport reports the result of `id`. */
struct slc_upload_request {
    uint64_t id;
    enum slc_upload_method method;
    const char *url;
    const void *body; /* PUT only */
    size_t body_len;
    const char *const *headers; /* "Name: value" */
    size_t nheaders;
};

/** What came back: `status` is the HTTP status (0 if none), `error` 0 or a negative slc_err
 * for a transfer that failed below HTTP (SLC_ETIMEDOUT, SLC_EIO), `length` the
 * Content-Length of a HEAD reply (-1 if unknown). */
struct slc_upload_result {
    uint64_t id;
    int status;
    int error;
    int64_t length;
};

/** A transport runs requests concurrently (libcurl multi in production, a fake in tests).
 * start: begin one request; 0 or negative slc_err. poll: wait at most `timeout_ms` and return
 * 1 with one finished request in *res, 0 if none finished, or a negative slc_err. wakeup:
 * make a sleeping poll return early (any thread; may be NULL). free: release it (may be NULL). */
struct slc_upload_transport {
    int (*start)(void *opaque, const struct slc_upload_request *req);
    int (*poll)(void *opaque, int timeout_ms, struct slc_upload_result *res);
    void (*wakeup)(void *opaque);
    void (*free)(void *opaque);
    void *opaque;
};

/** Figures so far (a consistent snapshot). */
struct slc_upload_stats {
    uint64_t files_added;   /* distinct files (a re-queued playlist counts once) */
    uint64_t files_done;    /* uploaded (PUT acknowledged), including re-uploads */
    uint64_t files_skipped; /* --resume: already there with the same length */
    uint64_t files_failed;  /* given up on (or blocked by a failed dependency) */
    uint64_t bytes;         /* body bytes acknowledged */
    uint64_t retries;       /* attempts beyond each request's first */
    uint64_t deleted;       /* remote objects deleted */
    uint64_t pending;       /* not yet done or failed */
    uint64_t dropped;       /* live: left out of a full queue (also counted as failed) */
};

struct slc_upload_config {
    const char *target;         /* "http(s)://host/prefix/" or "s3://bucket/prefix" */
    const char *localdir;       /* the files' names are relative to it */
    const char *const *headers; /* extra "K: V" headers for every PUT; may be NULL */
    size_t nheaders;
    int concurrency;    /* transfers at once; <= 0: 4 */
    int queue_max;      /* files waiting before add() blocks (live: drops the oldest segment); <= 0:
                           SLC_UPLOAD_QUEUE_DEFAULT */
    int max_attempts;   /* per request, including the first; <= 0: 8 */
    int backoff_ms;     /* first back-off (doubles each time, with jitter); <= 0: 250 */
    int backoff_max_ms; /* <= 0: 10000 */
    int timeout_ms;     /* whole-transfer timeout for one attempt; <= 0: 60000 */
    int live;           /* playlists change: short Cache-Control */
    int playlist_max_age;    /* seconds for changing playlists (half a target duration); <=0: 1 */
    int resume;              /* HEAD first; skip objects already there with the same length */
    int allow_delete;        /* DELETE removed segments (turned off by a 405/501 reply) */
    const char *s3_endpoint; /* s3:// targets: "http://127.0.0.1:9000" (path style) */
    const char *s3_region;   /* default "us-east-1" */
    const char *s3_access_key, *s3_secret_key, *s3_session_token; /* token may be NULL */
    struct slc_upload_transport transport;                        /* .start == NULL: libcurl */
    int64_t (*clock_ms)(void *opaque); /* monotonic ms; NULL: CLOCK_MONOTONIC (tests fake) */
    void *clock_opaque;
    volatile sig_atomic_t *stop; /* when set, finish() stops waiting; may be NULL */
};

struct slc_upload;

/** Fill `c` with defaults (all zero/NULL, meaning the documented defaults). */
void slc_upload_config_init(struct slc_upload_config *c);

/** Create an uploader; nothing is sent until files are added and it runs (slc_upload_start or
 * slc_upload_step). *pp gets it (free with slc_upload_free). Returns 0, SLC_EINVAL (bad target,
 * missing S3 credentials; logged), SLC_ENOMEM. Copies what it needs from `c`; on success it
 * owns c->transport (and frees it). */
int slc_upload_new(struct slc_upload **pp, const struct slc_upload_config *c);

/** Stop the worker thread if running (without waiting for the queue) and free everything.
 * NULL-safe; sets *pp = NULL. */
void slc_upload_free(struct slc_upload **pp);

/** Queue the file `name` (relative to localdir) for upload. Playlists (".m3u8") are read now
 * (a snapshot) and go up only after every relative URI they list has been uploaded; a newer
 * version of a playlist replaces a waiting one. Thread-safe; blocks while queue_max files wait
 * (backpressure) unless *stop; a live uploader never blocks: it drops the oldest waiting
 * segment (logged, counted in `dropped`). Returns 0, SLC_ELIMIT (ceilings), SLC_ENOMEM,
 * SLC_EIO/SLC_ENOENT (playlist unreadable; logged), SLC_EINTR (stopped while blocked). */
int slc_upload_add(struct slc_upload *u, const char *name);

/** Queue a DELETE of `name` (a segment that left a live window) if the target allows it:
 * only after the playlists queued before it went up. Thread-safe. 0 or a negative slc_err. */
int slc_upload_remove(struct slc_upload *u, const char *name);

/** Run the worker thread that moves the queue. 0 or SLC_EINTERNAL. */
int slc_upload_start(struct slc_upload *u);

/** One round without a thread (tests): start what may start, wait at most `timeout_ms` for one
 * result and handle it. Returns 1 if work remains, 0 if everything is done or failed, or a
 * negative slc_err from the transport. */
int slc_upload_step(struct slc_upload *u, int timeout_ms);

/** Wait until every queued file is uploaded or given up on (or *stop), calling `progress` about
 * every 100 ms (may be NULL), then stop the worker. Returns 0 if everything went up, SLC_EIO if
 * any file failed (each failure was logged once with its cause), SLC_EINTR if stopped. */
int slc_upload_finish(struct slc_upload *u,
                      void (*progress)(void *opaque, const struct slc_upload_stats *st),
                      void *opaque);

/** Thread-safe snapshot of the figures. */
void slc_upload_stats(struct slc_upload *u, struct slc_upload_stats *st);

/** The headers a file gets by its name: Content-Type and Cache-Control (static strings, or
 * `cc_buf` for a live playlist's max-age). */
void slc_upload_content_headers(const char *name, int live, int playlist_max_age,
                                const char **content_type, const char **cache_control, char *cc_buf,
                                size_t cc_cap);

/** The libcurl transport (`timeout_ms` per transfer). Returns 0 or SLC_ENOMEM/SLC_EINTERNAL. */
int slc_upload_curl_transport(struct slc_upload_transport *t, int concurrency, int timeout_ms);

#endif
