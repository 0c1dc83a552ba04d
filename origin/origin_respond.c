/* SPDX-License-Identifier: MIT */
/* Turning an object into an HTTP answer: validators (ETag, Last-Modified) and 304, Range and
 * 206/416, CORS, Cache-Control, and zero-copy bodies (sendfile for files, the object's own
 * memory for buffers). Complete small answers are built once and reused. */
#include "origin_private.h"

#include "origin_headers.h"
#include "origin_policy.h"
#include "slc_err.h"
#include "slc_log.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Reused 200 answers: a direct-mapped table keyed by the object (which the entry holds a
 * reference to, so its address cannot be reused while cached) and the path. */
#define CACHE_SLOTS 1024
#define CACHE_MAX_BODY (256u * 1024u)
/* Bytes of a playlist file read to decide its Cache-Control. */
#define PLAYLIST_SCAN_MAX (64u * 1024u)
#define ETAG_LEN 24

static const char expose_headers[] =
    "Content-Length, Content-Range, Accept-Ranges, ETag, Last-Modified, Date, Age";

struct cache_slot {
    struct slc_object *obj;
    uint64_t validator;
    char path[ORIGIN_LOG_PATH_MAX];
    struct MHD_Response *resp;
    uint64_t len;
};

struct origin_cache {
    pthread_mutex_t lock;
    struct cache_slot slots[CACHE_SLOTS];
};

/* Everything the answer to one object needs, computed once per request. */
struct answer {
    struct slc_object_info info;
    char etag[ETAG_LEN];
    char last_modified[SLC_ORIGIN_DATE_LEN];
    char cache_control[SLC_ORIGIN_CC_MAX];
    const char *type;
    const char *path;
};

int origin_cache_new(struct origin_cache **out)
{
    struct origin_cache *c = calloc(1, sizeof(*c));

    *out = c;
    if (!c) {
        return SLC_ENOMEM;
    }
    pthread_mutex_init(&c->lock, NULL);
    return 0;
}

static void slot_clear(struct cache_slot *s)
{
    if (s->resp) {
        MHD_destroy_response(s->resp);
    }
    slc_object_unref(&s->obj);
    memset(s, 0, sizeof(*s));
}

void origin_cache_free(struct origin_cache **pp)
{
    struct origin_cache *c = *pp;

    if (!c) {
        return;
    }
    *pp = NULL;
    for (size_t i = 0; i < CACHE_SLOTS; i++) {
        slot_clear(&c->slots[i]);
    }
    pthread_mutex_destroy(&c->lock);
    free(c);
}

static size_t slot_of(const struct slc_object *obj)
{
    uintptr_t x = (uintptr_t)obj;

    x ^= x >> 17;
    x *= 0x9e3779b97f4a7c15ULL;
    return (size_t)(x >> 40) % CACHE_SLOTS;
}

/* Queue the cached 200 for (obj, path) if there is one. Queued under the lock so the slot
 * cannot drop the response in between; MHD takes its own reference while it sends.
 * Returns MHD_YES/MHD_NO, or -1 when not cached. */
static int cache_queue(struct origin_cache *c, struct MHD_Connection *conn, struct slc_object *obj,
                       const struct answer *a, uint64_t *len)
{
    struct cache_slot *s = &c->slots[slot_of(obj)];
    int ret = -1;

    pthread_mutex_lock(&c->lock);
    if (s->obj == obj && s->validator == a->info.validator && strcmp(s->path, a->path) == 0) {
        ret = MHD_queue_response(conn, MHD_HTTP_OK, s->resp);
        *len = s->len;
    }
    pthread_mutex_unlock(&c->lock);
    return ret;
}

/* Keep `resp` (the creator's reference, which the cache takes over) for reuse. */
static void cache_store(struct origin_cache *c, struct slc_object *obj, const struct answer *a,
                        struct MHD_Response *resp)
{
    struct cache_slot *s = &c->slots[slot_of(obj)];

    if (strlen(a->path) >= sizeof(s->path)) {
        MHD_destroy_response(resp);
        return;
    }
    pthread_mutex_lock(&c->lock);
    slot_clear(s);
    s->obj = slc_object_ref(obj);
    s->validator = a->info.validator;
    snprintf(s->path, sizeof(s->path), "%s", a->path);
    s->resp = resp;
    s->len = a->info.size;
    pthread_mutex_unlock(&c->lock);
}

void origin_add_cors(struct MHD_Response *r)
{
    MHD_add_response_header(r, MHD_HTTP_HEADER_ACCESS_CONTROL_ALLOW_ORIGIN, "*");
    MHD_add_response_header(r, "Access-Control-Expose-Headers", expose_headers);
}

static enum MHD_Result queue(struct origin_req *rq, struct MHD_Connection *c, unsigned status,
                             struct MHD_Response *r, uint64_t body_len)
{
    enum MHD_Result ret;

    if (!r) {
        slc_log_error("origin: MHD_create_response failed '%s': out of memory", rq->path);
        return MHD_NO;
    }
    ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    rq->status = status;
    rq->bytes = strcmp(rq->method, MHD_HTTP_METHOD_HEAD) == 0 ? 0 : body_len;
    return ret;
}

enum MHD_Result origin_respond_text(struct origin_req *rq, struct MHD_Connection *c,
                                    unsigned status, const char *type, const char *cache,
                                    const void *body, size_t len)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);

    if (r) {
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
        MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, cache);
        origin_add_cors(r);
    }
    return queue(rq, c, status, r, len);
}

enum MHD_Result origin_respond_error(struct origin_req *rq, struct MHD_Connection *c,
                                     unsigned status)
{
    char body[64];
    const char *reason = MHD_get_reason_phrase_for(status);
    int n = snprintf(body, sizeof(body), "%u %s\n", status, reason ? reason : "");

    return origin_respond_text(rq, c, status, "text/plain; charset=utf-8", SLC_ORIGIN_CC_ERROR,
                               body, (size_t)n);
}

enum MHD_Result origin_respond_options(struct origin_req *rq, struct MHD_Connection *c)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);

    if (r) {
        origin_add_cors(r);
        MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD, OPTIONS");
        MHD_add_response_header(r, "Access-Control-Allow-Methods", "GET, HEAD, OPTIONS");
        MHD_add_response_header(r, "Access-Control-Allow-Headers",
                                "Range, If-None-Match, If-Modified-Since, If-Range, "
                                "Origin, Accept, Content-Type");
        MHD_add_response_header(r, "Access-Control-Max-Age", "86400");
        MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "public, max-age=86400");
    }
    return queue(rq, c, MHD_HTTP_NO_CONTENT, r, 0);
}

enum MHD_Result origin_respond_405(struct origin_req *rq, struct MHD_Connection *c)
{
    static const char body[] = "405 Method Not Allowed\n";
    struct MHD_Response *r =
        MHD_create_response_from_buffer(sizeof(body) - 1, (void *)body, MHD_RESPMEM_PERSISTENT);

    if (r) {
        MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD, OPTIONS");
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
        MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, SLC_ORIGIN_CC_ERROR);
        origin_add_cors(r);
    }
    return queue(rq, c, MHD_HTTP_METHOD_NOT_ALLOWED, r, sizeof(body) - 1);
}

/* Validators and policy headers shared by 200, 206 and 304. */
static void add_entity_headers(struct MHD_Response *r, const struct answer *a)
{
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, a->type);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, a->cache_control);
    MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, a->etag);
    MHD_add_response_header(r, MHD_HTTP_HEADER_LAST_MODIFIED, a->last_modified);
    MHD_add_response_header(r, MHD_HTTP_HEADER_ACCEPT_RANGES, "bytes");
    origin_add_cors(r);
}

/* Read the head of a playlist so the cache policy can look at its tags. */
static void playlist_policy(struct slc_object *obj, struct answer *a)
{
    const void *p = NULL;
    size_t n = 0;
    char *buf;

    if (slc_object_peek(obj, 0, &p, &n) == 0) {
        slc_origin_cache_control(a->path, p, n, a->cache_control, sizeof(a->cache_control));
        return;
    }
    buf = malloc(PLAYLIST_SCAN_MAX);
    if (buf && slc_object_read(obj, 0, buf, PLAYLIST_SCAN_MAX, &n) == 0) {
        slc_origin_cache_control(a->path, buf, n, a->cache_control, sizeof(a->cache_control));
    } else {
        slc_origin_cache_control(a->path, NULL, 0, a->cache_control, sizeof(a->cache_control));
    }
    free(buf);
}

static void answer_init(struct answer *a, struct slc_object *obj, const char *path)
{
    slc_object_stat(obj, &a->info);
    a->path = path;
    a->type = slc_origin_content_type(path);
    snprintf(a->etag, sizeof(a->etag), "\"%016" PRIx64 "\"", a->info.validator);
    slc_origin_http_date_format(a->info.mtime, a->last_modified);
    if (slc_origin_is_playlist(path)) {
        playlist_policy(obj, a);
    } else {
        slc_origin_cache_control(path, NULL, 0, a->cache_control, sizeof(a->cache_control));
    }
}

/* RFC 9110 13.1.2/13.1.3: If-None-Match wins over If-Modified-Since. */
static int not_modified(struct MHD_Connection *c, const struct answer *a)
{
    const char *inm = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-None-Match");
    const char *ims;
    int64_t t;

    if (inm) {
        return slc_origin_etag_match(inm, a->etag);
    }
    ims = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-Modified-Since");
    return ims && slc_origin_http_date_parse(ims, &t) == 0 && a->info.mtime <= t;
}

/* RFC 9110 13.1.5: a Range applies only while If-Range (when present) still matches; an
 * entity-tag must match strongly, a date exactly. */
static int if_range_holds(struct MHD_Connection *c, const struct answer *a)
{
    const char *ir = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-Range");
    int64_t t;

    if (!ir) {
        return 1;
    }
    if (ir[0] == '"') {
        return strcmp(ir, a->etag) == 0;
    }
    return slc_origin_http_date_parse(ir, &t) == 0 && t == a->info.mtime;
}

/* A byte window of an object read through slc_object_read (completed growing objects). */
struct window {
    struct slc_object *obj;
    uint64_t base;
};

static ssize_t read_window(void *cls, uint64_t pos, char *buf, size_t max)
{
    struct window *w = cls;
    size_t got = 0;
    int ret = slc_object_read(w->obj, w->base + pos, buf, max, &got);

    if (ret == SLC_EOF) {
        return MHD_CONTENT_READER_END_OF_STREAM;
    }
    return ret < 0 ? MHD_CONTENT_READER_END_WITH_ERROR : (ssize_t)got;
}

static void release_window(void *cls)
{
    struct window *w = cls;

    slc_object_unref(&w->obj);
    free(w);
}

static void release_object(void *cls)
{
    struct slc_object *obj = cls;

    slc_object_unref(&obj);
}

static struct MHD_Response *window_response(struct slc_object *obj, uint64_t off, uint64_t len)
{
    struct window *w = malloc(sizeof(*w));
    struct MHD_Response *r;

    if (!w) {
        return NULL;
    }
    w->obj = slc_object_ref(obj);
    w->base = off;
    r = MHD_create_response_from_callback(len, 32 * 1024, read_window, w, release_window);
    if (!r) {
        release_window(w);
    }
    return r;
}

/* A response carrying bytes [off, off+len) of a complete object, without copying them. */
static struct MHD_Response *body_response(struct slc_object *obj, const struct answer *a,
                                          uint64_t off, uint64_t len)
{
    const void *p = NULL;
    size_t n = 0;
    struct MHD_Response *r;

    if (a->info.kind == SLC_OBJECT_FILE) {
        int fd = dup(a->info.fd); /* MHD closes the descriptor it is given */
        if (fd < 0) {
            return NULL;
        }
        r = MHD_create_response_from_fd_at_offset64(len, fd, off);
        if (!r) {
            close(fd);
        }
        return r;
    }
    if (len == 0) {
        return MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
    }
    if (a->info.kind != SLC_OBJECT_MEMORY || slc_object_peek(obj, off, &p, &n) < 0 || n < len) {
        return window_response(obj, off, len); /* a completed growing object's chunks */
    }
    r = MHD_create_response_from_buffer_with_free_callback_cls((size_t)len, (void *)p,
                                                               release_object, obj);
    if (r) {
        slc_object_ref(obj); /* the response's reference, dropped by release_object */
    }
    return r;
}

static enum MHD_Result respond_304(struct origin_req *rq, struct MHD_Connection *c,
                                   const struct answer *a)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);

    if (r) {
        add_entity_headers(r, a);
    }
    return queue(rq, c, MHD_HTTP_NOT_MODIFIED, r, 0);
}

static enum MHD_Result respond_416(struct origin_req *rq, struct MHD_Connection *c,
                                   const struct answer *a)
{
    static const char body[] = "416 Range Not Satisfiable\n";
    char cr[48];
    struct MHD_Response *r =
        MHD_create_response_from_buffer(sizeof(body) - 1, (void *)body, MHD_RESPMEM_PERSISTENT);

    snprintf(cr, sizeof(cr), "bytes */%" PRIu64, a->info.size);
    if (r) {
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_RANGE, cr);
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
        MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, SLC_ORIGIN_CC_ERROR);
        MHD_add_response_header(r, MHD_HTTP_HEADER_ACCEPT_RANGES, "bytes");
        origin_add_cors(r);
    }
    return queue(rq, c, MHD_HTTP_RANGE_NOT_SATISFIABLE, r, sizeof(body) - 1);
}

static enum MHD_Result respond_206(struct origin_req *rq, struct MHD_Connection *c,
                                   struct slc_object *obj, const struct answer *a,
                                   const struct slc_origin_range *rg)
{
    uint64_t len = rg->last - rg->first + 1;
    struct MHD_Response *r = body_response(obj, a, rg->first, len);
    char cr[80];

    if (r) {
        snprintf(cr, sizeof(cr), "bytes %" PRIu64 "-%" PRIu64 "/%" PRIu64, rg->first, rg->last,
                 a->info.size);
        add_entity_headers(r, a);
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_RANGE, cr);
    }
    return queue(rq, c, MHD_HTTP_PARTIAL_CONTENT, r, len);
}

static enum MHD_Result respond_200(struct origin_req *rq, struct MHD_Connection *c,
                                   struct slc_object *obj, const struct answer *a)
{
    struct origin_cache *cache = rq->origin->cache;
    uint64_t len = 0;
    struct MHD_Response *r;
    int ret;

    if (a->info.kind == SLC_OBJECT_MEMORY && a->info.size <= CACHE_MAX_BODY) {
        ret = cache_queue(cache, c, obj, a, &len);
        if (ret >= 0) {
            rq->status = MHD_HTTP_OK;
            rq->bytes = strcmp(rq->method, MHD_HTTP_METHOD_HEAD) == 0 ? 0 : len;
            return (enum MHD_Result)ret;
        }
    }
    r = body_response(obj, a, 0, a->info.size);
    if (r) {
        add_entity_headers(r, a);
    }
    if (r && a->info.kind == SLC_OBJECT_MEMORY && a->info.size <= CACHE_MAX_BODY) {
        enum MHD_Result qr = MHD_queue_response(c, MHD_HTTP_OK, r);
        rq->status = MHD_HTTP_OK;
        rq->bytes = strcmp(rq->method, MHD_HTTP_METHOD_HEAD) == 0 ? 0 : a->info.size;
        cache_store(cache, obj, a, r);
        return qr;
    }
    return queue(rq, c, MHD_HTTP_OK, r, a->info.size);
}

/* A growing object: a single byte range is served as its bytes arrive (an LL-HLS part or
 * preload hint may name bytes not written yet: wait, never 416); the range is resolved against
 * an unbounded size, so "a-" runs to the end; a suffix range needs the final size and is
 * ignored (the whole object is sent). */
static enum MHD_Result growing_queue(struct origin_req *rq, struct MHD_Connection *c,
                                     struct slc_object *obj, const struct answer *a)
{
    const uint64_t unbounded = UINT64_MAX - 1;
    const char *etag = a->info.validator_fixed ? a->etag : NULL;
    struct slc_origin_range rg;
    int rr = slc_origin_range_parse(
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_RANGE), unbounded, &rg);

    if (rr != 1 || rg.first >= unbounded / 2) {
        return origin_stream_queue(rq, c, obj, a->type, a->cache_control, etag, a->last_modified,
                                   NULL);
    }
    if (rg.last == unbounded - 1) {
        rg.last = UINT64_MAX;
    }
    return origin_stream_queue(rq, c, obj, a->type, a->cache_control, etag, a->last_modified, &rg);
}

enum MHD_Result origin_respond_object(struct origin_req *rq, struct MHD_Connection *c,
                                      const char *path, struct slc_object *obj)
{
    struct answer a;
    struct slc_origin_range rg;
    int rr;

    answer_init(&a, obj, path);
    if (a.info.kind == SLC_OBJECT_GROWING && !a.info.complete) {
        /* a writer-fixed validator is known before the bytes: revalidation needs none */
        if (a.info.validator_fixed && not_modified(c, &a)) {
            return respond_304(rq, c, &a);
        }
        return growing_queue(rq, c, obj, &a);
    }
    if (a.info.error) {
        return origin_respond_error(rq, c, slc_origin_http_status(a.info.error));
    }
    if (not_modified(c, &a)) {
        return respond_304(rq, c, &a);
    }
    rr = if_range_holds(c, &a)
             ? slc_origin_range_parse(
                   MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_RANGE),
                   a.info.size, &rg)
             : 0;
    if (rr == SLC_ERANGE) {
        return respond_416(rq, c, &a);
    }
    if (rr == 1) {
        return respond_206(rq, c, obj, &a, &rg);
    }
    return respond_200(rq, c, obj, &a);
}
