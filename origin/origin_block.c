/* SPDX-License-Identifier: MIT */
/* LL-HLS blocking playlist reload (RFC 8216bis 6.2.5.2): a playlist request with _HLS_msn
 * (and _HLS_part) is held, its connection suspended inside the access handler, until the
 * source says that segment or part is published; every publication grows the source's pulse
 * object, whose wake-up resumes the connection, and libmicrohttpd then calls the handler
 * again, which checks again. The housekeeper resumes requests past their deadline (3 target
 * durations), which are answered 503. Knows HTTP, not the store. */
#include "origin_policy.h"
#include "origin_private.h"

#include "slc_err.h"
#include "slc_log.h"

#include <stdlib.h>
#include <string.h>

/* RFC 8216bis 6.2.5.2: give up after three target durations. */
#define BLOCK_TARGETS 3

struct origin_block {
    struct slc_origin *origin;
    struct MHD_Connection *conn;
    struct slc_object *pulse;
    struct slc_object_waiter waiter;
    pthread_mutex_t lock;
    int suspended; /* only on_wake, the housekeeper or abort may resume it */
    int woken;
    int64_t deadline_ns;
    struct origin_block *prev, *next; /* on origin->blocks (streams_lock) */
};

/* Writer's thread, object lock held. */
static void on_wake(void *opaque)
{
    struct origin_block *b = opaque;

    pthread_mutex_lock(&b->lock);
    b->woken = 1;
    if (b->suspended) {
        b->suspended = 0;
        MHD_resume_connection(b->conn);
    }
    pthread_mutex_unlock(&b->lock);
}

static struct origin_block *block_new(struct origin_req *rq, struct MHD_Connection *c, int target_s)
{
    struct slc_origin *o = rq->origin;
    struct origin_block *b = calloc(1, sizeof(*b));

    if (!b) {
        return NULL;
    }
    b->origin = o;
    b->conn = c;
    b->deadline_ns = origin_now_ns() + (int64_t)BLOCK_TARGETS * target_s * 1000000000LL;
    pthread_mutex_init(&b->lock, NULL);
    pthread_mutex_lock(&o->streams_lock);
    b->next = o->blocks;
    if (o->blocks) {
        o->blocks->prev = b;
    }
    o->blocks = b;
    pthread_mutex_unlock(&o->streams_lock);
    return b;
}

void origin_block_free(struct origin_block **pp)
{
    struct origin_block *b = *pp;
    struct slc_origin *o;

    if (!b) {
        return;
    }
    o = b->origin;
    pthread_mutex_lock(&o->streams_lock);
    if (b->prev) {
        b->prev->next = b->next;
    } else {
        o->blocks = b->next;
    }
    if (b->next) {
        b->next->prev = b->prev;
    }
    pthread_mutex_unlock(&o->streams_lock);
    if (b->pulse) {
        slc_object_wait_cancel(b->pulse, &b->waiter);
    }
    slc_object_unref(&b->pulse);
    pthread_mutex_destroy(&b->lock);
    free(b);
    *pp = NULL;
}

/* Suspend until `pulse` grows past `off` (the reference moves into `b`). 1: suspended;
 * 0: it already changed, check again. */
static int block_arm(struct origin_block *b, struct slc_object *pulse, uint64_t off)
{
    int suspended = 0;

    if (b->pulse) {
        slc_object_wait_cancel(b->pulse, &b->waiter);
    }
    slc_object_unref(&b->pulse);
    b->pulse = pulse;
    pthread_mutex_lock(&b->lock);
    b->woken = 0;
    pthread_mutex_unlock(&b->lock);
    if (slc_object_wait(pulse, off, &b->waiter, on_wake, b) == 1) {
        return 0;
    }
    pthread_mutex_lock(&b->lock);
    if (!b->woken && !atomic_load(&b->origin->stopping)) {
        b->suspended = 1;
        MHD_suspend_connection(b->conn);
        suspended = 1;
    }
    pthread_mutex_unlock(&b->lock);
    return suspended;
}

/* A delivery directive: decimal-integer (RFC 8216 4.2) of at most 19 digits. */
static int parse_directive(const char *v, uint64_t *out)
{
    uint64_t x = 0;
    size_t n = 0;

    for (; v[n]; n++) {
        if (v[n] < '0' || v[n] > '9' || n >= 19) {
            return SLC_EINVAL;
        }
        x = x * 10 + (uint64_t)(v[n] - '0');
    }
    *out = x;
    return n > 0 ? 0 : SLC_EINVAL;
}

static int read_directives(struct MHD_Connection *c, uint64_t *msn, int64_t *part)
{
    const char *ms = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "_HLS_msn");
    const char *ps = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "_HLS_part");
    uint64_t p = 0;

    *part = -1;
    if (!ms) {
        /* RFC 8216bis 6.2.5.2: _HLS_part without _HLS_msn is a Bad Request */
        return ps ? SLC_EINVAL : 0;
    }
    if (parse_directive(ms, msn) < 0 || (ps && (parse_directive(ps, &p) < 0))) {
        return SLC_EINVAL;
    }
    *part = ps ? (int64_t)p : -1;
    return 1;
}

int origin_block_route(struct origin_req *rq, struct MHD_Connection *c,
                       const struct origin_mount *m, const char *rel, enum MHD_Result *r)
{
    struct slc_object *pulse = NULL;
    uint64_t msn = 0, off = 0;
    int64_t part;
    int target = 1, ret = read_directives(c, &msn, &part);

    while (ret == 1 && m->ops->block_check) {
        ret = m->ops->block_check(m->src, rel, msn, part, &pulse, &off, &target);
        if (ret == 1 || (ret < 0 && ret != SLC_EAGAIN)) {
            break;
        }
        if (!rq->blk && !(rq->blk = block_new(rq, c, target > 0 ? target : 1))) {
            ret = SLC_ENOMEM;
        } else if (atomic_load(&rq->origin->stopping) || origin_now_ns() >= rq->blk->deadline_ns) {
            ret = SLC_EAGAIN; /* RFC 8216bis 6.2.5.2: 503 after 3 target durations */
        } else if (block_arm(rq->blk, pulse, off)) {
            *r = MHD_YES;
            return 1;
        } else {
            pulse = NULL;
            continue;
        }
        slc_object_unref(&pulse);
        break;
    }
    if (ret < 0) {
        *r = origin_respond_error(rq, c, slc_origin_http_status(ret));
        return 1;
    }
    return 0;
}

/* Resume the suspended requests past their deadline (all of them when `all`); streams_lock
 * held. */
void origin_blocks_resume(struct slc_origin *o, int all)
{
    int64_t now = origin_now_ns();

    for (struct origin_block *b = o->blocks; b; b = b->next) {
        pthread_mutex_lock(&b->lock);
        if (b->suspended && (all || now >= b->deadline_ns)) {
            b->suspended = 0;
            MHD_resume_connection(b->conn);
        }
        pthread_mutex_unlock(&b->lock);
    }
}
