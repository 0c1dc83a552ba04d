/* SPDX-License-Identifier: MIT */
/* The uploader's lifecycle and thread-safe entry points: new/free, add/remove (with
 * backpressure), the worker thread that moves the queue, finish and stats. */
#include "upload_priv.h"

#include "slc_err.h"
#include "slc_log.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

void slc_upload_config_init(struct slc_upload_config *c)
{
    memset(c, 0, sizeof(*c));
}

static void apply_defaults(struct slc_upload_config *c)
{
    c->concurrency = c->concurrency > 0 ? c->concurrency : 4;
    c->queue_max = c->queue_max > 0 ? c->queue_max : SLC_UPLOAD_QUEUE_DEFAULT;
    c->max_attempts = c->max_attempts > 0 ? c->max_attempts : 8;
    c->backoff_ms = c->backoff_ms > 0 ? c->backoff_ms : 250;
    c->backoff_max_ms = c->backoff_max_ms > 0 ? c->backoff_max_ms : 10000;
    c->timeout_ms = c->timeout_ms > 0 ? c->timeout_ms : 60000;
}

static int copy_headers(struct slc_upload *u, const struct slc_upload_config *c)
{
    if (c->nheaders > SLC_UPLOAD_HEADERS_MAX) {
        slc_log_error("upload: headers failed: more than %d", SLC_UPLOAD_HEADERS_MAX);
        return SLC_ELIMIT;
    }
    u->headers = calloc(c->nheaders + 1, sizeof(*u->headers));
    if (!u->headers) {
        return SLC_ENOMEM;
    }
    for (size_t i = 0; i < c->nheaders; i++) {
        if (!strchr(c->headers[i], ':') || strpbrk(c->headers[i], "\r\n")) {
            slc_log_error("upload: header failed '%s': not 'Name: value'", c->headers[i]);
            return SLC_EINVAL;
        }
        u->headers[u->nheaders] = strdup(c->headers[i]);
        if (!u->headers[u->nheaders++]) {
            return SLC_ENOMEM;
        }
    }
    return 0;
}

static int init_fields(struct slc_upload *u, const struct slc_upload_config *c)
{
    int ret;

    u->cfg = *c;
    apply_defaults(&u->cfg);
    u->cfg.headers = NULL;
    u->cfg.target = NULL;
    u->cfg.localdir = strdup(c->localdir ? c->localdir : ".");
    u->cfg.target = c->target; /* read by target_parse only */
    u->rng = (uint64_t)time(NULL) * 2654435761u + 1;
    if (!u->cfg.localdir) {
        return SLC_ENOMEM;
    }
    ret = copy_headers(u, c);
    if (ret == 0) {
        ret = slc_upload_target_parse(u);
    }
    u->cfg.target = NULL;
    u->cfg.s3_access_key = u->cfg.s3_secret_key = u->cfg.s3_session_token = NULL;
    u->cfg.s3_endpoint = u->cfg.s3_region = NULL;
    return ret;
}

int slc_upload_new(struct slc_upload **pp, const struct slc_upload_config *c)
{
    struct slc_upload *u = calloc(1, sizeof(*u));
    int ret;

    *pp = NULL;
    if (!u) {
        return SLC_ENOMEM;
    }
    pthread_mutex_init(&u->lock, NULL);
    pthread_cond_init(&u->changed, NULL);
    ret = init_fields(u, c);
    if (ret == 0 && !c->transport.start) {
        ret = slc_upload_curl_transport(&u->cfg.transport, u->cfg.concurrency, u->cfg.timeout_ms);
    }
    if (ret < 0) {
        if (c->transport.start) {
            u->cfg.transport.free = NULL; /* not ours until success */
        }
        slc_upload_free(&u);
        return ret;
    }
    *pp = u;
    return 0;
}

static void stop_thread(struct slc_upload *u)
{
    pthread_mutex_lock(&u->lock);
    u->quit = 1;
    pthread_cond_broadcast(&u->changed);
    pthread_mutex_unlock(&u->lock);
    if (u->cfg.transport.wakeup) {
        u->cfg.transport.wakeup(u->cfg.transport.opaque);
    }
    if (u->thread_running) {
        pthread_join(u->thread, NULL);
        u->thread_running = 0;
    }
}

void slc_upload_free(struct slc_upload **pp)
{
    struct slc_upload *u = *pp;

    if (!u) {
        return;
    }
    stop_thread(u);
    if (u->cfg.transport.free) {
        u->cfg.transport.free(u->cfg.transport.opaque); /* aborts transfers in flight */
    }
    slc_upload_items_free(u);
    slc_upload_target_free(u);
    for (size_t i = 0; i < u->nheaders; i++) {
        free(u->headers[i]);
    }
    free(u->headers);
    free((char *)u->cfg.localdir);
    pthread_mutex_destroy(&u->lock);
    pthread_cond_destroy(&u->changed);
    free(u);
    *pp = NULL;
}

static int stopped(const struct slc_upload *u)
{
    return u->quit || (u->cfg.stop && *u->cfg.stop);
}

static void timed_wait(struct slc_upload *u, int ms)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += (long)ms * 1000000L;
    ts.tv_sec += ts.tv_nsec / 1000000000L;
    ts.tv_nsec %= 1000000000L;
    pthread_cond_timedwait(&u->changed, &u->lock, &ts);
}

/* Live: the oldest waiting segment (or DELETE) leaves the queue. Its playlists then wait
 * (the ordering rule holds: no remote playlist names a missing object) until the window
 * slides past it and a newer version no longer lists it. 1 if one was dropped. */
static int drop_oldest(struct slc_upload *u)
{
    for (size_t i = u->lo; i < u->nitems; i++) {
        struct item *it = &u->items[i];
        if (!it->is_playlist && (it->state == ST_QUEUED || it->state == ST_BACKOFF)) {
            if (slc_log_limit_pass(&u->drop_log, "upload: queue full")) {
                slc_log_warn("upload: queue full (%d files; target slow or down): '%s' is "
                             "not uploaded, the live output goes on locally",
                             u->cfg.queue_max, it->name);
            }
            it->state = ST_FAILED;
            u->st.files_failed++;
            u->st.dropped++;
            return 1;
        }
    }
    return 0;
}

/* Backpressure: with queue_max files outstanding, wait (or, without a worker, work). A live
 * upload never holds up the ingest: it drops the oldest waiting segment instead. */
static int wait_for_room(struct slc_upload *u)
{
    while (slc_upload_pending(u) >= (size_t)u->cfg.queue_max) {
        if (u->cfg.live) {
            if (!drop_oldest(u)) {
                break; /* only playlists and transfers in flight: let it grow past the mark */
            }
            continue;
        }
        if (stopped(u)) {
            return SLC_EINTR;
        }
        if (u->thread_running) {
            timed_wait(u, 100);
        } else if (slc_upload_step_locked(u, 100) == 0) {
            break; /* nothing can move: let the queue grow past the mark rather than hang */
        }
    }
    return 0;
}

static int register_playlist(struct slc_upload *u, size_t idx)
{
    for (size_t i = 0; i < u->nplaylists; i++) {
        if (u->playlists[i] == idx) {
            return 0;
        }
    }
    if (u->nplaylists >= SLC_UPLOAD_PLAYLISTS_MAX) {
        slc_log_error("upload: add failed '%s': more than %d playlists", u->items[idx].name,
                      SLC_UPLOAD_PLAYLISTS_MAX);
        return SLC_ELIMIT;
    }
    u->playlists[u->nplaylists++] = idx;
    return 0;
}

/* (Re)queue item idx as `method`; a playlist takes ownership of *sn. */
static void enqueue(struct slc_upload *u, size_t idx, enum slc_upload_method method,
                    struct snapshot *sn)
{
    struct item *it = &u->items[idx];

    if (it->state == ST_ACTIVE) {
        if (it->is_playlist) { /* goes up after the version in flight */
            slc_upload_snapshot_clear(&it->next);
            it->next = *sn;
            it->has_next = 1;
            memset(sn, 0, sizeof(*sn));
        }
        return;
    }
    if (it->state == ST_FAILED) {
        u->st.files_failed--;
    }
    if (it->is_playlist) {
        slc_upload_snapshot_clear(&it->snap);
        it->snap = *sn;
        memset(sn, 0, sizeof(*sn));
    }
    it->state = ST_QUEUED;
    it->method = method;
    it->attempts = 0;
    it->seq = ++u->seq;
    u->lo = idx < u->lo ? idx : u->lo;
}

static int add_locked(struct slc_upload *u, const char *name, int is_pl, struct snapshot *sn,
                      enum slc_upload_method method)
{
    size_t idx;
    int ret = wait_for_room(u);

    if (ret == 0) {
        ret = slc_upload_item_get(u, name, &idx);
    }
    if (ret == 0 && is_pl) {
        u->items[idx].is_playlist = 1;
        ret = register_playlist(u, idx);
    }
    if (ret == 0) {
        enqueue(u, idx, method, sn);
        pthread_cond_broadcast(&u->changed);
    }
    return ret;
}

int slc_upload_add(struct slc_upload *u, const char *name)
{
    size_t n = strlen(name);
    int is_pl = n > 5 && strcmp(name + n - 5, ".m3u8") == 0;
    struct snapshot sn = {0};
    enum slc_upload_method m;
    int ret = is_pl ? slc_upload_snapshot_read(u, name, &sn) : 0;

    if (ret < 0) {
        return ret;
    }
    /* --resume: a playlist is small and may have changed; a segment is checked first */
    m = u->cfg.resume && !is_pl ? SLC_UPLOAD_HEAD : SLC_UPLOAD_PUT;
    pthread_mutex_lock(&u->lock);
    ret = add_locked(u, name, is_pl, &sn, m);
    pthread_mutex_unlock(&u->lock);
    slc_upload_snapshot_clear(&sn);
    if (ret == 0 && u->cfg.transport.wakeup) {
        u->cfg.transport.wakeup(u->cfg.transport.opaque);
    }
    return ret;
}

int slc_upload_remove(struct slc_upload *u, const char *name)
{
    struct snapshot sn = {0};
    int ret = 0;

    pthread_mutex_lock(&u->lock);
    if (u->cfg.allow_delete) {
        ret = add_locked(u, name, 0, &sn, SLC_UPLOAD_DELETE);
    }
    pthread_mutex_unlock(&u->lock);
    if (ret == 0 && u->cfg.transport.wakeup) {
        u->cfg.transport.wakeup(u->cfg.transport.opaque);
    }
    return ret;
}

static void *worker(void *arg)
{
    struct slc_upload *u = arg;

    pthread_mutex_lock(&u->lock);
    while (!u->quit) {
        int ret = slc_upload_step_locked(u, 200);
        if (ret < 0) {
            slc_log_error("upload: transport failed: %s", slc_strerror(ret));
            timed_wait(u, 200);
        } else if (ret == 0) {
            timed_wait(u, 200); /* idle until add() or quit */
        }
    }
    pthread_mutex_unlock(&u->lock);
    return NULL;
}

int slc_upload_start(struct slc_upload *u)
{
    if (pthread_create(&u->thread, NULL, worker, u) != 0) {
        slc_log_error("upload: pthread_create failed");
        return SLC_EINTERNAL;
    }
    u->thread_running = 1;
    return 0;
}

int slc_upload_step(struct slc_upload *u, int timeout_ms)
{
    int ret;

    pthread_mutex_lock(&u->lock);
    ret = slc_upload_step_locked(u, timeout_ms);
    if (ret == 0 && slc_upload_pending(u) > 0 && slc_upload_resolve_stuck(u) == 0) {
        ret = 1;
    }
    pthread_mutex_unlock(&u->lock);
    return ret;
}

static void stats_locked(struct slc_upload *u, struct slc_upload_stats *st)
{
    *st = u->st;
    st->pending = slc_upload_pending(u);
}

void slc_upload_stats(struct slc_upload *u, struct slc_upload_stats *st)
{
    pthread_mutex_lock(&u->lock);
    stats_locked(u, st);
    pthread_mutex_unlock(&u->lock);
}

int slc_upload_finish(struct slc_upload *u,
                      void (*progress)(void *opaque, const struct slc_upload_stats *st),
                      void *opaque)
{
    struct slc_upload_stats st;
    int ret = 0;

    pthread_mutex_lock(&u->lock);
    u->finishing = 1;
    while (slc_upload_pending(u) > 0) {
        if (stopped(u)) {
            ret = SLC_EINTR;
            break;
        }
        if (!u->thread_running) {
            slc_upload_step_locked(u, 100);
        } else {
            timed_wait(u, 100);
        }
        slc_upload_resolve_stuck(u);
        stats_locked(u, &st);
        if (progress) {
            pthread_mutex_unlock(&u->lock);
            progress(opaque, &st);
            pthread_mutex_lock(&u->lock);
        }
    }
    ret = ret == 0 && u->st.files_failed > 0 ? SLC_EIO : ret;
    pthread_mutex_unlock(&u->lock);
    stop_thread(u);
    return ret;
}
