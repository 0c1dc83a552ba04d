/* SPDX-License-Identifier: MIT */
/* The uploader's internals, shared by its files: the item table (upload_item.c), request
 * building (upload_request.c), scheduling (upload_queue.c) and the worker (upload_thread.c). */
#ifndef SLC_UPLOAD_PRIV_H
#define SLC_UPLOAD_PRIV_H

#include "slc_log.h"
#include "slc_upload.h"

#include <pthread.h>

#define SLC_UPLOAD_PLAYLISTS_MAX 256 /* distinct playlists (each one variant or multivariant) */
#define SLC_UPLOAD_DEPS_MAX 100000   /* URIs one playlist may list */
#define REQ_HEADERS_MAX (SLC_UPLOAD_HEADERS_MAX + 10)

enum item_state {
    ST_QUEUED = 0, /* waiting for a slot (and, for a playlist, its dependencies) */
    ST_ACTIVE,     /* a request is in flight */
    ST_BACKOFF,    /* failed, retried at next_ms */
    ST_DONE,
    ST_FAILED,
    ST_GONE, /* deleted remotely */
};

/* A playlist version: its bytes and the relative URIs it lists. */
struct snapshot {
    char *data;
    size_t len;
    char **deps;
    size_t ndeps;
    size_t dep_next; /* deps[0..dep_next) are known uploaded */
};

struct item {
    char *name;
    int is_playlist;
    enum item_state state;
    enum slc_upload_method method;
    int ever_done; /* some version is remote: satisfies playlists that list it */
    uint64_t seq;  /* queue order of the current version (DELETE waits for older playlists) */
    struct snapshot snap, next; /* playlist: current version, newer one arriving while active */
    int has_next;
    unsigned attempts;
    int64_t next_ms;
    uint64_t local_size; /* of the body this attempt sends (PUT) or expects (HEAD) */
    /* the request in flight */
    void *body;
    size_t body_len;
    char *url;
    char *hdr[REQ_HEADERS_MAX];
    size_t nhdr;
};

struct s3_target {
    char *bucket, *prefix, *endpoint, *host, *region, *access, *secret, *token;
};

struct slc_upload {
    struct slc_log_limit drop_log; /* live: segments dropped from a full queue */
    struct slc_upload_config cfg;  /* strings below are owned copies */
    char *prefix;                  /* http(s) targets: URL prefix ending in '/' */
    int is_s3;
    struct s3_target s3;
    char **headers;
    size_t nheaders;

    pthread_mutex_t lock;
    pthread_cond_t changed; /* an item finished or was added */
    pthread_t thread;
    int thread_running, quit, finishing;

    struct item *items;
    size_t nitems, cap, lo; /* items[0..lo) are all finished */
    uint32_t *hash;         /* open addressing: index + 1, 0 = empty */
    size_t hash_cap;
    size_t playlists[SLC_UPLOAD_PLAYLISTS_MAX];
    size_t nplaylists;
    uint64_t seq, rng;
    int active;
    struct slc_upload_stats st;
};

/* upload_item.c */
int slc_upload_item_find(const struct slc_upload *u, const char *name, size_t *idx);
int slc_upload_item_get(struct slc_upload *u, const char *name, size_t *idx);
int slc_upload_snapshot_read(const struct slc_upload *u, const char *name, struct snapshot *sn);
void slc_upload_snapshot_clear(struct snapshot *sn);
int slc_upload_deps_ready(const struct slc_upload *u, struct snapshot *sn, const char **missing);
void slc_upload_items_free(struct slc_upload *u);

/* upload_request.c */
int slc_upload_target_parse(struct slc_upload *u);
void slc_upload_target_free(struct slc_upload *u);
int slc_upload_request_build(struct slc_upload *u, struct item *it, struct slc_upload_request *r);
void slc_upload_request_clear(struct item *it);

/* upload_queue.c */
int64_t slc_upload_now(const struct slc_upload *u);
int slc_upload_step_locked(struct slc_upload *u, int timeout_ms);
int slc_upload_resolve_stuck(struct slc_upload *u);
size_t slc_upload_pending(struct slc_upload *u);

#endif
