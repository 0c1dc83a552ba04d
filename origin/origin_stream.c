/* SPDX-License-Identifier: MIT */
/* Streaming a growing object with chunked transfer: the content reader copies what is there,
 * and when it catches up with the writer it arms a wake-up on the object and suspends the
 * connection; the writer's append resumes it. A housekeeping thread ends streams whose writer
 * stalls, since a suspended connection neither times out nor notices a disconnect. */
#include "origin_private.h"

#include "origin_policy.h"
#include "slc_err.h"
#include "slc_log.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HOUSEKEEPING_MS 200
#define STREAM_BLOCK (32u * 1024u)

/* Lock order: streams_lock -> stream.lock -> (libmicrohttpd's); object lock -> stream.lock.
 * stream.lock is never held while taking the object's lock. */
struct origin_stream {
    struct slc_origin *origin;
    struct MHD_Connection *conn;
    struct slc_object *obj;
    uint64_t base, end;    /* the byte window sent: [base, end), end UINT64_MAX = to the end */
    struct origin_req *rq; /* valid while the reader runs: it never runs after completion */
    struct slc_object_waiter waiter;
    pthread_mutex_t lock;
    int suspended; /* the connection is suspended and only on_wake/abort may resume it */
    int woken;     /* the armed waiter fired */
    int aborted;   /* give up: the next read ends the response with an error */
    atomic_llong last_progress_ns;
    struct origin_stream *prev, *next; /* on origin->streams */
};

/* Writer's thread, object lock held: resume the connection if it is suspended. */
static void on_wake(void *opaque)
{
    struct origin_stream *s = opaque;

    pthread_mutex_lock(&s->lock);
    s->woken = 1;
    if (s->suspended) {
        s->suspended = 0;
        MHD_resume_connection(s->conn);
    }
    pthread_mutex_unlock(&s->lock);
}

/* Suspend until the object holds more than `pos` bytes. 1: go read again; 0: suspended;
 * -1: aborted. */
static int stream_wait(struct origin_stream *s, uint64_t pos)
{
    int ret;

    pthread_mutex_lock(&s->lock);
    s->woken = 0;
    pthread_mutex_unlock(&s->lock);
    if (slc_object_wait(s->obj, pos, &s->waiter, on_wake, s) == 1) {
        return 1;
    }
    pthread_mutex_lock(&s->lock);
    if (s->aborted) {
        ret = -1;
    } else if (s->woken) {
        ret = 1;
    } else {
        s->suspended = 1;
        atomic_store(&s->last_progress_ns, origin_now_ns());
        MHD_suspend_connection(s->conn);
        ret = 0;
    }
    pthread_mutex_unlock(&s->lock);
    if (ret < 0) {
        slc_object_wait_cancel(s->obj, &s->waiter);
    }
    return ret;
}

static int stream_aborted(struct origin_stream *s)
{
    int aborted;

    pthread_mutex_lock(&s->lock);
    aborted = s->aborted;
    pthread_mutex_unlock(&s->lock);
    return aborted;
}

static ssize_t stream_read(void *cls, uint64_t rel, char *buf, size_t max)
{
    struct origin_stream *s = cls;
    uint64_t pos = s->base + rel;

    if (pos >= s->end) {
        return MHD_CONTENT_READER_END_OF_STREAM;
    }
    if (s->end - pos < max) {
        max = (size_t)(s->end - pos);
    }
    for (;;) {
        size_t got = 0;
        int ret;
        if (stream_aborted(s)) {
            slc_object_wait_cancel(s->obj, &s->waiter);
            return MHD_CONTENT_READER_END_WITH_ERROR;
        }
        ret = slc_object_read(s->obj, pos, buf, max, &got);
        if (ret == 0) {
            atomic_store(&s->last_progress_ns, origin_now_ns());
            s->rq->bytes += got;
            return (ssize_t)got;
        }
        if (ret == SLC_EOF) {
            return MHD_CONTENT_READER_END_OF_STREAM;
        }
        if (ret != SLC_EAGAIN) {
            return MHD_CONTENT_READER_END_WITH_ERROR; /* the writer failed: cut the chunks */
        }
        ret = stream_wait(s, pos);
        if (ret <= 0) {
            return ret == 0 ? 0 : MHD_CONTENT_READER_END_WITH_ERROR;
        }
    }
}

static void stream_free(void *cls)
{
    struct origin_stream *s = cls;
    struct slc_origin *o = s->origin;

    pthread_mutex_lock(&o->streams_lock);
    if (s->prev) {
        s->prev->next = s->next;
    } else {
        o->streams = s->next;
    }
    if (s->next) {
        s->next->prev = s->prev;
    }
    pthread_cond_broadcast(&o->streams_cond);
    pthread_mutex_unlock(&o->streams_lock);
    /* after this the wake-up is neither running nor going to run */
    slc_object_wait_cancel(s->obj, &s->waiter);
    slc_object_unref(&s->obj);
    pthread_mutex_destroy(&s->lock);
    atomic_fetch_sub(&o->metrics.active_streams, 1);
    free(s);
}

/* Put `s` on the origin's list unless the origin is stopping. */
static int stream_register(struct slc_origin *o, struct origin_stream *s)
{
    int ok;

    pthread_mutex_lock(&o->streams_lock);
    ok = !atomic_load(&o->stopping);
    if (ok) {
        s->next = o->streams;
        if (o->streams) {
            o->streams->prev = s;
        }
        o->streams = s;
        atomic_fetch_add(&o->metrics.active_streams, 1);
    }
    pthread_mutex_unlock(&o->streams_lock);
    return ok;
}

/* The response for `s`: chunked 200 for the whole object; for a range (LL-HLS parts are byte
 * ranges of the segment being written) a 206 of the exact length with "bytes a-b/ *" (the
 * complete length is unknown, RFC 9110 14.4), or for an open-ended range a chunked 206 that
 * ends with the object (no Content-Range can name its last byte yet). */
static struct MHD_Response *stream_response(struct origin_stream *s,
                                            const struct slc_origin_range *rg, unsigned *status)
{
    struct MHD_Response *r;
    char cr[80];
    int bounded = rg && rg->last != UINT64_MAX;

    *status = rg ? MHD_HTTP_PARTIAL_CONTENT : MHD_HTTP_OK;
    s->base = rg ? rg->first : 0;
    s->end = bounded ? rg->last + 1 : UINT64_MAX;
    r = MHD_create_response_from_callback(bounded ? s->end - s->base : MHD_SIZE_UNKNOWN,
                                          STREAM_BLOCK, stream_read, s, stream_free);
    if (r && bounded) {
        snprintf(cr, sizeof(cr), "bytes %" PRIu64 "-%" PRIu64 "/*", rg->first, rg->last);
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_RANGE, cr);
    }
    return r;
}

enum MHD_Result origin_stream_queue(struct origin_req *rq, struct MHD_Connection *c,
                                    struct slc_object *obj, const char *type, const char *cache,
                                    const char *etag, const char *last_modified,
                                    const struct slc_origin_range *rg)
{
    struct origin_stream *s = calloc(1, sizeof(*s));
    struct MHD_Response *r;
    enum MHD_Result ret;
    unsigned status;

    if (!s) {
        return origin_respond_error(rq, c, slc_origin_http_status(SLC_ENOMEM));
    }
    s->origin = rq->origin;
    s->conn = c;
    s->rq = rq;
    s->obj = slc_object_ref(obj);
    pthread_mutex_init(&s->lock, NULL);
    atomic_init(&s->last_progress_ns, origin_now_ns());
    if (!stream_register(rq->origin, s)) {
        slc_object_unref(&s->obj);
        pthread_mutex_destroy(&s->lock);
        free(s);
        return origin_respond_error(rq, c, slc_origin_http_status(SLC_EINTR));
    }
    r = stream_response(s, rg, &status);
    if (!r) {
        stream_free(s);
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, cache);
    MHD_add_response_header(r, MHD_HTTP_HEADER_ACCEPT_RANGES, "bytes");
    if (etag) {
        MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, etag);
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_LAST_MODIFIED, last_modified);
    origin_add_cors(r);
    if (strcmp(rq->method, MHD_HTTP_METHOD_HEAD) == 0) {
        /* libmicrohttpd 0.9.75 ends a chunked HEAD answer with a last chunk (a body a HEAD
         * must not have, which breaks the next response's framing). The length is unknown:
         * answer in HTTP/1.0 style, headers then close. */
        MHD_set_response_options(r, MHD_RF_HTTP_1_0_SERVER, MHD_RO_END);
    }
    ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    rq->status = status;
    return ret;
}

/* Mark `s` aborted and resume it if suspended; streams_lock held. */
static void stream_abort(struct origin_stream *s)
{
    pthread_mutex_lock(&s->lock);
    s->aborted = 1;
    if (s->suspended) {
        s->suspended = 0;
        MHD_resume_connection(s->conn);
    }
    pthread_mutex_unlock(&s->lock);
}

/* End the streams suspended for longer than `stall_ns` (a writer that stopped writing, or a
 * client that went away unnoticed); streams held up by a slow client are libmicrohttpd's
 * connection timeout's business. streams_lock held. */
static void end_stalled(struct slc_origin *o, int64_t stall_ns)
{
    int64_t now = origin_now_ns();

    for (struct origin_stream *s = o->streams; s; s = s->next) {
        int stalled;
        pthread_mutex_lock(&s->lock);
        stalled = s->suspended && now - atomic_load(&s->last_progress_ns) > stall_ns;
        pthread_mutex_unlock(&s->lock);
        if (stalled) {
            stream_abort(s);
        }
    }
}

static void *housekeeper(void *arg)
{
    struct slc_origin *o = arg;
    int sec = o->cfg.stream_stall_sec > 0 ? o->cfg.stream_stall_sec : o->cfg.timeout_sec;
    int64_t stall_ns = (int64_t)(sec > 0 ? sec : 30) * 1000000000LL;

    pthread_mutex_lock(&o->streams_lock);
    while (o->housekeeper_running) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += HOUSEKEEPING_MS * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&o->streams_cond, &o->streams_lock, &ts);
        end_stalled(o, stall_ns);
        origin_blocks_resume(o, 0);
    }
    pthread_mutex_unlock(&o->streams_lock);
    return NULL;
}

int origin_streams_start(struct slc_origin *o)
{
    int err;

    o->housekeeper_running = 1;
    err = pthread_create(&o->housekeeper, NULL, housekeeper, o);
    if (err) {
        o->housekeeper_running = 0;
        slc_log_error("origin: pthread_create failed 'housekeeper': %s", strerror(err));
        return SLC_ENOMEM;
    }
    return 0;
}

void origin_streams_abort_all(struct slc_origin *o)
{
    int joined = o->housekeeper_running;

    pthread_mutex_lock(&o->streams_lock);
    o->housekeeper_running = 0;
    atomic_store(&o->stopping, 1);
    for (struct origin_stream *s = o->streams; s; s = s->next) {
        stream_abort(s);
    }
    origin_blocks_resume(o, 1);
    pthread_cond_broadcast(&o->streams_cond);
    pthread_mutex_unlock(&o->streams_lock);
    if (joined) {
        pthread_join(o->housekeeper, NULL);
    }
}

long origin_streams_count(struct slc_origin *o)
{
    return (long)atomic_load(&o->metrics.active_streams);
}
