/* SPDX-License-Identifier: MIT */
/* The uploader's scheduling: which item may start (concurrency, back-off, the ordering rule
 * that a playlist follows what it lists, DELETE after the playlists before it), and what a
 * result means (done, retry with exponential back-off and jitter, or give up). */
#include "upload_priv.h"

#include "slc_err.h"
#include "slc_log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const method_names[] = {"PUT", "HEAD", "DELETE"};

int64_t slc_upload_now(const struct slc_upload *u)
{
    struct timespec ts;

    if (u->cfg.clock_ms) {
        return u->cfg.clock_ms(u->cfg.clock_opaque);
    }
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int pending(const struct item *it)
{
    return it->state == ST_QUEUED || it->state == ST_ACTIVE || it->state == ST_BACKOFF;
}

/* A DELETE waits until every playlist version queued before it is remote, so no playlist a
 * viewer can still fetch names the object. */
static int delete_ready(const struct slc_upload *u, const struct item *it)
{
    for (size_t i = 0; i < u->nplaylists; i++) {
        const struct item *pl = &u->items[u->playlists[i]];
        if (pending(pl) && pl->seq < it->seq) {
            return 0;
        }
    }
    return 1;
}

static int ready(struct slc_upload *u, struct item *it, int64_t now)
{
    const char *missing;

    if (it->state == ST_BACKOFF && now >= it->next_ms) {
        it->state = ST_QUEUED;
    }
    if (it->state != ST_QUEUED) {
        return 0;
    }
    if (it->method == SLC_UPLOAD_DELETE) {
        return delete_ready(u, it);
    }
    return !it->is_playlist || it->method != SLC_UPLOAD_PUT ||
           slc_upload_deps_ready(u, &it->snap, &missing);
}

static void fail(struct slc_upload *u, struct item *it, const char *why)
{
    slc_log_error("upload: %s failed '%s': %s", method_names[it->method], it->name, why);
    slc_upload_request_clear(it);
    it->state = ST_FAILED;
    u->st.files_failed++;
}

static int start_one(struct slc_upload *u, size_t idx)
{
    struct item *it = &u->items[idx];
    struct slc_upload_request r;
    int ret = slc_upload_request_build(u, it, &r);

    if (ret == 0) {
        r.id = idx;
        ret = u->cfg.transport.start(u->cfg.transport.opaque, &r);
    }
    if (ret < 0) {
        fail(u, it, slc_strerror(ret)); /* a local problem: retrying won't help */
        return ret == SLC_ENOMEM ? ret : 0;
    }
    it->state = ST_ACTIVE;
    u->active++;
    return 0;
}

/* Start what may start, oldest first; returns the earliest back-off deadline (or INT64_MAX). */
static int64_t schedule(struct slc_upload *u, int *err)
{
    int64_t now = slc_upload_now(u), wake = INT64_MAX;
    int limit = u->cfg.concurrency;

    while (u->lo < u->nitems && !pending(&u->items[u->lo])) {
        u->lo++;
    }
    for (size_t i = u->lo; i < u->nitems && u->active < limit; i++) {
        struct item *it = &u->items[i];
        if (ready(u, it, now)) {
            *err = start_one(u, i);
            if (*err < 0) {
                break;
            }
        } else if (it->state == ST_BACKOFF && it->next_ms < wake) {
            wake = it->next_ms;
        }
    }
    return wake;
}

static int retryable(const struct slc_upload_result *r)
{
    return r->error != 0 || r->status >= 500 || r->status == 408 || r->status == 429;
}

/* Exponential back-off with jitter: base * 2^(attempt-1), capped, then a uniformly random
 * point in its upper half, so that many failed transfers don't retry in lockstep. */
static int64_t backoff_ms(struct slc_upload *u, unsigned attempts)
{
    int64_t d = u->cfg.backoff_ms;

    for (unsigned i = 1; i < attempts && d < u->cfg.backoff_max_ms; i++) {
        d *= 2;
    }
    d = d > u->cfg.backoff_max_ms ? u->cfg.backoff_max_ms : d;
    u->rng ^= u->rng << 13; /* xorshift64 */
    u->rng ^= u->rng >> 7;
    u->rng ^= u->rng << 17;
    return d / 2 + (int64_t)(u->rng % (uint64_t)(d / 2 + 1));
}

static void succeeded(struct slc_upload *u, struct item *it, const struct slc_upload_result *r)
{
    if (it->method == SLC_UPLOAD_HEAD) {
        if (r->status == 200 && r->length == (int64_t)it->local_size) {
            u->st.files_skipped++;
        } else {
            it->method = SLC_UPLOAD_PUT; /* missing or different: upload it */
            it->state = ST_QUEUED;
            it->attempts = 0;
            return;
        }
    } else if (it->method == SLC_UPLOAD_DELETE) {
        u->st.deleted += r->status != 404;
        it->state = ST_GONE;
        it->ever_done = 0;
        return;
    } else {
        u->st.files_done++;
        u->st.bytes += it->local_size;
    }
    it->ever_done = 1;
    it->state = ST_DONE;
    if (it->has_next) { /* a newer version arrived while this one was in flight */
        slc_upload_snapshot_clear(&it->snap);
        it->snap = it->next;
        memset(&it->next, 0, sizeof(it->next));
        it->has_next = 0;
        it->state = ST_QUEUED;
        it->method = SLC_UPLOAD_PUT;
        it->attempts = 0;
    }
}

static void handle(struct slc_upload *u, const struct slc_upload_result *r)
{
    struct item *it = &u->items[r->id];
    char why[96];

    u->active--;
    it->attempts++;
    slc_upload_request_clear(it); /* every attempt builds its request afresh */
    if (r->error == 0 && r->status >= 200 && r->status < 300) {
        succeeded(u, it, r);
    } else if (it->method == SLC_UPLOAD_HEAD && r->error == 0 && r->status == 404) {
        succeeded(u, it, r);
    } else if (it->method == SLC_UPLOAD_DELETE && r->error == 0 && r->status == 404) {
        succeeded(u, it, r);
    } else if (it->method == SLC_UPLOAD_DELETE && (r->status == 405 || r->status == 501)) {
        slc_log_warn("upload: DELETE failed '%s': HTTP %d; not deleting on this target", it->name,
                     r->status);
        u->cfg.allow_delete = 0;
        it->state = ST_DONE;
    } else if (retryable(r) && it->attempts < (unsigned)u->cfg.max_attempts) {
        u->st.retries++;
        it->state = ST_BACKOFF;
        it->next_ms = slc_upload_now(u) + backoff_ms(u, it->attempts);
        slc_log_debug("upload: %s '%s': %s %d, retry %u", method_names[it->method], it->name,
                      r->error ? slc_strerror(r->error) : "HTTP", r->status, it->attempts);
    } else {
        if (r->error) {
            snprintf(why, sizeof(why), "%s after %u attempts", slc_strerror(r->error),
                     it->attempts);
        } else {
            snprintf(why, sizeof(why), "HTTP %d after %u attempts", r->status, it->attempts);
        }
        fail(u, it, why);
    }
}

/* Called with u->lock held; drops it while waiting on the transport. */
int slc_upload_step_locked(struct slc_upload *u, int timeout_ms)
{
    struct slc_upload_result r;
    int err = 0, got;
    int64_t wake = schedule(u, &err), now = slc_upload_now(u);

    if (err < 0) {
        return err;
    }
    if (u->active == 0 && wake == INT64_MAX) {
        return 0; /* idle: nothing in flight or due; only blocked playlists may remain */
    }
    if (wake != INT64_MAX && wake - now < timeout_ms) {
        timeout_ms = wake > now ? (int)(wake - now) : 0;
    }
    if (u->active == 0) {
        /* Nothing in flight: just let the back-off pass (a fake clock may jump). */
        pthread_mutex_unlock(&u->lock);
        got = u->cfg.transport.poll(u->cfg.transport.opaque, timeout_ms, &r);
        pthread_mutex_lock(&u->lock);
        return got < 0 ? got : 1;
    }
    pthread_mutex_unlock(&u->lock);
    got = u->cfg.transport.poll(u->cfg.transport.opaque, timeout_ms, &r);
    pthread_mutex_lock(&u->lock);
    if (got > 0) {
        handle(u, &r);
        pthread_cond_broadcast(&u->changed);
    }
    return got < 0 ? got : 1;
}

/* At the end, playlists that still wait list something that never went up: give up on them
 * (the ordering rule forbids uploading them). Returns how many. */
int slc_upload_resolve_stuck(struct slc_upload *u)
{
    const char *missing = "?";
    char why[320];
    int n = 0;

    int64_t now = slc_upload_now(u);

    if (u->active > 0) {
        return 0;
    }
    for (size_t i = u->lo; i < u->nitems; i++) {
        struct item *it = &u->items[i];
        if (it->state == ST_BACKOFF || ready(u, it, now)) {
            return 0; /* something can still move */
        }
    }
    for (size_t i = u->lo; i < u->nitems; i++) {
        struct item *it = &u->items[i];
        if (it->state == ST_QUEUED && it->is_playlist &&
            !slc_upload_deps_ready(u, &it->snap, &missing)) {
            snprintf(why, sizeof(why), "lists '%.255s', which was not uploaded", missing);
            fail(u, it, why);
            n++;
        }
    }
    return n;
}

size_t slc_upload_pending(struct slc_upload *u)
{
    size_t n = 0;

    while (u->lo < u->nitems && !pending(&u->items[u->lo])) {
        u->lo++;
    }
    for (size_t i = u->lo; i < u->nitems; i++) {
        n += pending(&u->items[i]);
    }
    return n;
}
