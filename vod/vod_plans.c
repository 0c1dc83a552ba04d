/* SPDX-License-Identifier: MIT */
/* The plan cache: each file version's segment plan and rendered playlists, built once (one
 * build per file even when many requests arrive together), kept LRU under a byte ceiling and
 * replaced when the file's identity (device, inode, size, mtime) changes. Failures are cached
 * too, so a corrupt file is probed once per version, not once per request. */
#include "vod_private.h"

#include "slc_err.h"
#include "slc_log.h"
#include "slc_object.h"

#include <stdlib.h>
#include <string.h>

/* What an open segmenter handle costs the cache besides its sample index (I/O buffer,
 * demuxer and codec contexts); the index is counted by slc_seg_vod_file_index_bytes: a 2-hour
 * file's is about 12 MB, not a fixed share. */
#define VOD_HANDLE_COST (512u * 1024u)

struct vod_plans {
    pthread_mutex_t lock;
    pthread_cond_t built;
    struct vod_plan *head, *tail; /* LRU list of cached entries */
    size_t n, bytes, max_bytes;
    struct slc_seg_config seg;
};

static int same_ident(const struct vod_ident *a, const struct vod_ident *b)
{
    return a->dev == b->dev && a->ino == b->ino && a->size == b->size && a->mtime_ns == b->mtime_ns;
}

static void plan_destroy(struct vod_plan *p)
{
    slc_seg_plan_free(&p->plan);
    slc_seg_vod_file_free(&p->handle);
    slc_object_unref(&p->multi);
    slc_object_unref(&p->media);
    free(p->relpath);
    free(p);
}

/* Lock held. An entry off the list has prev == next == NULL and is not the head. */
static void lru_unlink(struct vod_plans *pc, struct vod_plan *p)
{
    if (p->prev) {
        p->prev->next = p->next;
    } else {
        pc->head = p->next;
    }
    if (p->next) {
        p->next->prev = p->prev;
    } else {
        pc->tail = p->prev;
    }
    p->prev = p->next = NULL;
    pc->n--;
    pc->bytes -= p->bytes;
    p->bytes = 0;
}

static void lru_push_front(struct vod_plans *pc, struct vod_plan *p)
{
    p->prev = NULL;
    p->next = pc->head;
    if (pc->head) {
        pc->head->prev = p;
    }
    pc->head = p;
    if (!pc->tail) {
        pc->tail = p;
    }
    pc->n++;
    pc->bytes += p->bytes;
}

static int is_linked(const struct vod_plans *pc, const struct vod_plan *p)
{
    return p->prev || p->next || pc->head == p;
}

/* Lock held: drop an entry from the cache; freed now or by the last vod_plans_put. */
static void evict(struct vod_plans *pc, struct vod_plan *p)
{
    lru_unlink(pc, p);
    if (p->refs == 0) {
        plan_destroy(p);
    }
}

/* Lock held: evict least recently used entries (never `keep`, never one being built) until
 * the cache fits its ceiling. */
static void shrink(struct vod_plans *pc, const struct vod_plan *keep)
{
    struct vod_plan *p = pc->tail;

    while (p && pc->bytes > pc->max_bytes) {
        struct vod_plan *prev = p->prev;
        if (p != keep && !p->building) {
            evict(pc, p);
        }
        p = prev;
    }
}

static struct vod_plan *find(struct vod_plans *pc, const char *relpath)
{
    for (struct vod_plan *p = pc->head; p; p = p->next) {
        if (strcmp(p->relpath, relpath) == 0) {
            return p;
        }
    }
    return NULL;
}

/* Open the file with the segmenter and copy its plan; keep the handle (its demuxer and index
 * stay open, so a production costs a seek, not a re-open) when the plan is exact. */
static int open_and_plan(struct vod_plans *pc, struct vod_plan *p, const char *fdpath)
{
    const struct slc_seg_plan *hp;
    int ret = slc_seg_vod_file_open(&pc->seg, fdpath, &p->handle);

    if (ret < 0) {
        return ret;
    }
    hp = slc_seg_vod_file_plan(p->handle);
    p->plan = *hp;
    p->plan.segs = malloc((hp->n ? hp->n : 1) * sizeof(hp->segs[0]));
    if (!p->plan.segs) {
        memset(&p->plan, 0, sizeof(p->plan));
        slc_seg_vod_file_free(&p->handle);
        return SLC_ENOMEM;
    }
    if (hp->n) {
        memcpy(p->plan.segs, hp->segs, hp->n * sizeof(hp->segs[0]));
    }
    if (!p->plan.exact) {
        slc_seg_vod_file_free(&p->handle); /* packaged whole: no use for it */
    }
    return 0;
}

/* Outside the lock: plan the file read through `fd` and render its playlists. Returns what
 * the entry costs the cache (p->bytes is the list's, set under the lock). */
static size_t build(struct vod_plans *pc, struct vod_plan *p, int fd)
{
    size_t cost = sizeof(*p) + strlen(p->relpath) + 1;
    char fdpath[VOD_FDPATH_MAX];
    struct slc_object_info mi, vi;

    vod_file_fdpath(fd, fdpath, sizeof(fdpath));
    p->err = open_and_plan(pc, p, fdpath);
    if (p->err == 0 && !p->plan.exact) {
        p->packaged = 1; /* vod_package.c: playlists and segments from the whole-file run */
        return cost;
    }
    if (p->err == 0 && p->plan.n == 0) {
        slc_log_error("vod: no segments in '%s'", p->relpath);
        p->err = SLC_EFORMAT;
    }
    if (p->err == 0) {
        p->err = vod_render_playlists(&p->plan, &pc->seg, p->id.size, &p->media, &p->multi);
    }
    if (p->err < 0) {
        slc_seg_plan_free(&p->plan);
        slc_object_unref(&p->media);
        slc_object_unref(&p->multi);
        return cost;
    }
    slc_object_set_mtime(p->media, p->mtime);
    slc_object_set_mtime(p->multi, p->mtime);
    slc_object_stat(p->media, &mi);
    slc_object_stat(p->multi, &vi);
    return cost + p->plan.n * sizeof(p->plan.segs[0]) + (size_t)(mi.size + vi.size) +
           (p->handle ? VOD_HANDLE_COST + slc_seg_vod_file_index_bytes(p->handle) : 0);
}

/* Lock held: move `p` to the front of the LRU list. */
static void touch(struct vod_plans *pc, struct vod_plan *p)
{
    size_t bytes = p->bytes;

    lru_unlink(pc, p);
    p->bytes = bytes;
    lru_push_front(pc, p);
}

static struct vod_plan *plan_new(const char *relpath, const struct vod_ident *id, int64_t mtime)
{
    struct vod_plan *p = calloc(1, sizeof(*p));

    if (p && !(p->relpath = strdup(relpath))) {
        free(p);
        return NULL;
    }
    if (p) {
        p->id = *id;
        p->mtime = mtime;
        p->building = 1;
        p->refs = 1;
    }
    return p;
}

/* Lock held: wait for `p` to be built, holding a reference meanwhile. */
static struct vod_plan *wait_built(struct vod_plans *pc, struct vod_plan *p)
{
    p->refs++;
    while (p->building) {
        pthread_cond_wait(&pc->built, &pc->lock);
    }
    return p;
}

int vod_plans_get(struct vod_plans *pc, const char *relpath, int fd, const struct vod_ident *id,
                  int64_t mtime, struct vod_plan **out)
{
    struct vod_plan *p;
    size_t cost;

    *out = NULL;
    pthread_mutex_lock(&pc->lock);
    p = find(pc, relpath);
    if (p && !same_ident(&p->id, id)) {
        evict(pc, p); /* the file changed: its old plan goes (readers keep their reference) */
        p = NULL;
    }
    if (p) {
        touch(pc, p);
        *out = wait_built(pc, p);
        pthread_mutex_unlock(&pc->lock);
        return (*out)->err;
    }
    p = plan_new(relpath, id, mtime);
    if (!p) {
        pthread_mutex_unlock(&pc->lock);
        return SLC_ENOMEM;
    }
    lru_push_front(pc, p);
    pthread_mutex_unlock(&pc->lock);
    cost = build(pc, p, fd);
    pthread_mutex_lock(&pc->lock);
    p->building = 0;
    if (is_linked(pc, p)) {
        p->bytes = cost;
        pc->bytes += cost;
        shrink(pc, p);
    }
    pthread_cond_broadcast(&pc->built);
    pthread_mutex_unlock(&pc->lock);
    *out = p;
    return p->err;
}

struct vod_plan *vod_plans_find(struct vod_plans *pc, const char *relpath,
                                const struct vod_ident *id)
{
    struct vod_plan *p;

    pthread_mutex_lock(&pc->lock);
    p = find(pc, relpath);
    if (p && (p->building || p->err < 0 || p->packaged || !same_ident(&p->id, id))) {
        p = NULL;
    }
    if (p) {
        touch(pc, p);
        p->refs++;
    }
    pthread_mutex_unlock(&pc->lock);
    return p;
}

struct vod_plan *vod_plans_ref(struct vod_plans *pc, struct vod_plan *p)
{
    pthread_mutex_lock(&pc->lock);
    p->refs++;
    pthread_mutex_unlock(&pc->lock);
    return p;
}

struct slc_seg_vod_file *vod_plans_handle_take(struct vod_plans *pc, struct vod_plan *p)
{
    struct slc_seg_vod_file *h;

    pthread_mutex_lock(&pc->lock);
    h = p->handle;
    p->handle = NULL;
    pthread_mutex_unlock(&pc->lock);
    return h;
}

void vod_plans_handle_put(struct vod_plans *pc, struct vod_plan *p, struct slc_seg_vod_file *h)
{
    pthread_mutex_lock(&pc->lock);
    if (!p->handle) {
        p->handle = h;
        h = NULL;
    }
    pthread_mutex_unlock(&pc->lock);
    slc_seg_vod_file_free(&h);
}

void vod_plans_put(struct vod_plans *pc, struct vod_plan **pp)
{
    struct vod_plan *p = *pp;

    *pp = NULL;
    if (!p) {
        return;
    }
    pthread_mutex_lock(&pc->lock);
    if (--p->refs == 0 && !is_linked(pc, p)) {
        plan_destroy(p);
    }
    pthread_mutex_unlock(&pc->lock);
}

void vod_plans_stats(struct vod_plans *pc, size_t *n, size_t *bytes)
{
    pthread_mutex_lock(&pc->lock);
    *n = pc->n;
    *bytes = pc->bytes;
    pthread_mutex_unlock(&pc->lock);
}

int vod_plans_new(size_t max_bytes, const struct slc_seg_config *seg, struct vod_plans **out)
{
    struct vod_plans *pc = calloc(1, sizeof(*pc));

    *out = NULL;
    if (!pc) {
        return SLC_ENOMEM;
    }
    pthread_mutex_init(&pc->lock, NULL);
    pthread_cond_init(&pc->built, NULL);
    pc->max_bytes = max_bytes;
    pc->seg = *seg;
    *out = pc;
    return 0;
}

void vod_plans_free(struct vod_plans **pp)
{
    struct vod_plans *pc = *pp;

    *pp = NULL;
    if (!pc) {
        return;
    }
    while (pc->head) {
        struct vod_plan *p = pc->head;
        lru_unlink(pc, p);
        plan_destroy(p); /* no readers remain: the origin and the pool are stopped */
    }
    pthread_cond_destroy(&pc->built);
    pthread_mutex_destroy(&pc->lock);
    free(pc);
}
