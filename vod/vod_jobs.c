/* SPDX-License-Identifier: MIT */
/* Segment production: a fixed pool of worker threads fed by a bounded queue, and a byte-bounded
 * LRU cache of segments keyed by file version and index. A request finds the segment's object
 * there (complete, or growing while a worker produces it) or queues one production that every
 * later request for it shares. Readers stream the growing object as the worker appends. */
#include "vod_private.h"

#include "slc_err.h"
#include "slc_log.h"
#include "slc_object.h"
#include "slc_vod.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#define BUCKETS 4096
/* Bumped when the segmenter's output for the same input and config changes: new ETags. */
#define VOD_FORMAT_VERSION 1u
/* Most cached segments kept as memfds (one descriptor each); the rest stay in plain memory. */
#define VOD_CACHE_FDS_MAX 8192
/* Segments from this size on are kept as memfds and sent with sendfile(); smaller ones as one
 * buffer. libmicrohttpd 0.9.75 spends about ten system calls on a file response (header write,
 * TCP_CORK/NODELAY changes, dup/close, sendfile in 128 KB steps) where a buffer takes one
 * sendmsg: wrk on random segments, same run as nginx, 2.4 MB segments 0.40 -> 0.21 CPU-s/GB
 * with sendfile, but 137 KB segments 0.42-0.58 -> 0.73-0.88 (bench/VOD.md). */
#define VOD_SENDFILE_MIN (512u * 1024u)

struct seg_entry {
    struct vod_ident id;
    uint64_t index;
    struct slc_object *obj;
    size_t bytes; /* counted once complete */
    int done;
    int fd_backed;                 /* obj is a sealed memfd: counts against vod_jobs.fds_max */
    struct seg_entry *prev, *next; /* LRU */
    struct seg_entry *hnext;       /* bucket chain */
};

struct job {
    struct vod_plans *pc;
    struct vod_plan *plan;
    int fd;
    uint64_t index;
    struct slc_object *obj;
    struct job *next;
};

struct vod_jobs {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    struct job *qhead, *qtail;
    int qlen, qmax;
    int stopping;
    volatile sig_atomic_t stop; /* the segmenter's stop flag: aborts running productions */
    pthread_t threads[SLC_VOD_WORKERS_MAX];
    int nthreads;
    struct seg_entry *buckets[BUCKETS];
    struct seg_entry *head, *tail;
    size_t bytes, max_bytes;
    int fds, fds_max; /* cached segments kept in memfds, and their ceiling */
    struct slc_seg_config seg;
};

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static uint64_t config_hash(const struct slc_seg_config *seg)
{
    const char *t = seg->segment_template ? seg->segment_template : "";
    uint64_t h = 0xcbf29ce484222325ULL;
    uint64_t td = (uint64_t)(seg->target_duration * 1000.0);

    for (; *t; t++) {
        h = (h ^ (unsigned char)*t) * 0x100000001b3ULL;
    }
    return mix64(h ^ mix64(td) ^ ((uint64_t)seg->copy_only << 40) ^ VOD_FORMAT_VERSION);
}

uint64_t vod_jobs_validator(const struct vod_ident *id, uint64_t index,
                            const struct slc_seg_config *seg)
{
    uint64_t h = mix64(id->dev ^ mix64(id->ino));

    h = mix64(h ^ id->size);
    h = mix64(h ^ (uint64_t)id->mtime_ns);
    return mix64(h ^ mix64(index + 1) ^ config_hash(seg));
}

static size_t bucket_of(const struct vod_ident *id, uint64_t index)
{
    return (size_t)(mix64(id->ino ^ mix64(index) ^ (uint64_t)id->mtime_ns) % BUCKETS);
}

static int entry_is(const struct seg_entry *e, const struct vod_ident *id, uint64_t index)
{
    return e->index == index && e->id.ino == id->ino && e->id.dev == id->dev &&
           e->id.size == id->size && e->id.mtime_ns == id->mtime_ns;
}

/* Lock held: unlink from the hash chain and the LRU list, and drop the cache's reference. */
static void entry_remove(struct vod_jobs *j, struct seg_entry *e)
{
    struct seg_entry **pp = &j->buckets[bucket_of(&e->id, e->index)];

    while (*pp && *pp != e) {
        pp = &(*pp)->hnext;
    }
    if (*pp) {
        *pp = e->hnext;
    }
    if (e->prev) {
        e->prev->next = e->next;
    } else {
        j->head = e->next;
    }
    if (e->next) {
        e->next->prev = e->prev;
    } else {
        j->tail = e->prev;
    }
    j->bytes -= e->bytes;
    j->fds -= e->fd_backed;
    slc_object_unref(&e->obj);
    free(e);
}

static void lru_front(struct vod_jobs *j, struct seg_entry *e)
{
    if (j->head == e) {
        return;
    }
    if (e->prev) { /* linked: take it out first */
        e->prev->next = e->next;
        if (e->next) {
            e->next->prev = e->prev;
        } else {
            j->tail = e->prev;
        }
    }
    e->prev = NULL;
    e->next = j->head;
    if (j->head) {
        j->head->prev = e;
    }
    j->head = e;
    if (!j->tail) {
        j->tail = e;
    }
}

/* Lock held: evict complete segments, least recently used first, down to the ceiling. */
static void shrink(struct vod_jobs *j)
{
    struct seg_entry *e = j->tail;

    while (e && j->bytes > j->max_bytes) {
        struct seg_entry *prev = e->prev;
        if (e->done) {
            entry_remove(j, e);
        }
        e = prev;
    }
}

static struct seg_entry *lookup(struct vod_jobs *j, const struct vod_ident *id, uint64_t index)
{
    struct seg_entry *e = j->buckets[bucket_of(id, index)];

    while (e && !entry_is(e, id, index)) {
        e = e->hnext;
    }
    return e;
}

static int sink_begin(void *opaque, uint64_t seq)
{
    (void)opaque;
    (void)seq;
    return 0;
}

static int sink_write(void *opaque, const uint8_t *p, size_t n)
{
    return slc_object_append(opaque, p, n);
}

static int sink_end(void *opaque, const struct slc_seg_segment_info *info)
{
    (void)opaque;
    (void)info;
    return 0;
}

static int sink_describe(void *opaque, const struct slc_seg_stream_desc *desc)
{
    (void)opaque;
    (void)desc;
    return 0;
}

static int sink_finish(void *opaque, int complete)
{
    (void)opaque;
    (void)complete;
    return 0; /* the worker completes or fails the object from run_one's result */
}

static const struct slc_seg_sink_ops object_sink_ops = {
    .begin = sink_begin,
    .write = sink_write,
    .end = sink_end,
    .describe = sink_describe,
    .finish = sink_finish,
};

/* Copy the complete growing object `grown` (`info->size` bytes) into `fd`. 0 or SLC_EIO. */
static int write_all(int fd, struct slc_object *grown, const struct slc_object_info *info)
{
    uint64_t off = 0;

    while (off < info->size) {
        const void *p = NULL;
        size_t n = 0;
        ssize_t w;
        if (slc_object_peek(grown, off, &p, &n) < 0) {
            return SLC_EIO;
        }
        w = write(fd, p, n);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            return SLC_EIO;
        }
        off += (uint64_t)w;
    }
    return 0;
}

/* A complete growing object copied into a sealed memfd wrapped as a file object, or NULL.
 * The origin sends file objects with sendfile(), so the kernel hands TCP references to these
 * pages instead of copying the segment into the socket on every request (perf, 2-hour file,
 * 137 KB segments from the cache: 17 % of the server's CPU was that copy). The seals make
 * the bytes immutable for as long as any response holds the descriptor. */
static struct slc_object *flatten_memfd(struct slc_object *grown,
                                        const struct slc_object_info *info)
{
    struct slc_object *f = NULL;
    int fd = memfd_create("sluice-segment", MFD_CLOEXEC | MFD_ALLOW_SEALING);

    if (fd < 0) {
        return NULL;
    }
    if (write_all(fd, grown, info) < 0 ||
        fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0) {
        close(fd);
        return NULL;
    }
    if (slc_object_new_file(fd, &f) < 0) { /* closes fd on failure */
        return NULL;
    }
    return f;
}

/* A complete growing object copied into one contiguous memory object, or NULL: the origin
 * then sends it from a single buffer without a copy per block. */
static struct slc_object *flatten_memory(struct slc_object *grown,
                                         const struct slc_object_info *info)
{
    struct slc_object *m = NULL;
    size_t got = 0, n;
    char *buf = malloc(info->size ? (size_t)info->size : 1);

    if (!buf) {
        return NULL;
    }
    while (got < info->size && slc_object_read(grown, got, buf + got, info->size - got, &n) == 0) {
        got += n;
    }
    if (got != info->size || slc_object_new_memory(buf, got, &m) < 0) {
        free(buf);
        return NULL;
    }
    return m;
}

/* The object the cache keeps for a complete production: a memfd when `use_fd` (and that
 * works), else one buffer; same ETag and mtime as `grown`. NULL: keep `grown` itself. */
static struct slc_object *flatten(struct slc_object *grown, int use_fd)
{
    struct slc_object_info info;
    struct slc_object *o;

    slc_object_stat(grown, &info);
    o = use_fd && info.size >= VOD_SENDFILE_MIN ? flatten_memfd(grown, &info) : NULL;
    if (!o) {
        o = flatten_memory(grown, &info);
    }
    if (o) {
        slc_object_set_validator(o, info.validator);
        slc_object_set_mtime(o, info.mtime);
    }
    return o;
}

/* Lock held: the production of `jb` ended with `ret`; account or forget its entry, and keep
 * `flat` (the flattened copy, may be NULL; consumed) in place of the growing object. */
static void job_settle(struct vod_jobs *j, struct job *jb, int ret, struct slc_object *flat)
{
    struct seg_entry *e = lookup(j, &jb->plan->id, jb->index);
    struct slc_object_info info;

    if (!e || e->obj != jb->obj) {
        slc_object_unref(&flat);
        return; /* evicted meanwhile: nothing to account */
    }
    if (flat) {
        struct slc_object_info fi;
        slc_object_stat(flat, &fi);
        slc_object_unref(&e->obj); /* readers streaming it keep their own references */
        e->obj = flat;
        e->fd_backed = fi.kind == SLC_OBJECT_FILE;
        j->fds += e->fd_backed;
    }
    if (ret < 0) {
        entry_remove(j, e); /* the next request tries again */
        return;
    }
    slc_object_stat(jb->obj, &info);
    e->done = 1;
    e->bytes = (size_t)info.size;
    j->bytes += e->bytes;
    shrink(j);
}

static void job_run(struct vod_jobs *j, struct job *jb)
{
    struct slc_seg_sink sink = {&object_sink_ops, jb->obj, SLC_OBJECT_CHUNK_SIZE};
    char fdpath[VOD_FDPATH_MAX];
    struct slc_object *flat = NULL;
    int ret = SLC_EINTR, use_fd = 0;

    vod_file_fdpath(jb->fd, fdpath, sizeof(fdpath));
    if (!j->stop) {
        struct slc_seg_vod_file *h = vod_plans_handle_take(jb->pc, jb->plan);
        /* the plan's open handle when free (a seek), else a fresh open of the same file */
        int r = VOD_SEG_KEY_RENDITION(jb->index);
        uint64_t i = VOD_SEG_KEY_INDEX(jb->index);
        ret = h ? slc_seg_vod_file_run_rendition(h, r, i, &sink)
                : slc_seg_run_one_rendition(&j->seg, fdpath, &jb->plan->plan, r, i, &sink);
        if (h) {
            vod_plans_handle_put(jb->pc, jb->plan, h);
        }
    }
    if (ret == 0) {
        slc_object_complete(jb->obj);
        pthread_mutex_lock(&j->lock);
        use_fd = j->fds < j->fds_max; /* settled entries only: a few in flight may pass it */
        pthread_mutex_unlock(&j->lock);
        flat = flatten(jb->obj, use_fd);
    } else {
        /* the cause is logged by the segmenter; readers see the response end early */
        slc_log_warn("vod: segment %llu of '%s' failed: %s", (unsigned long long)jb->index,
                     jb->plan->relpath, slc_strerror(ret));
        slc_object_fail(jb->obj, ret);
    }
    pthread_mutex_lock(&j->lock);
    job_settle(j, jb, ret, flat);
    pthread_mutex_unlock(&j->lock);
}

static void job_free(struct job *jb)
{
    close(jb->fd);
    slc_object_unref(&jb->obj);
    vod_plans_put(jb->pc, &jb->plan);
    free(jb);
}

static void *worker(void *arg)
{
    struct vod_jobs *j = arg;

    pthread_mutex_lock(&j->lock);
    for (;;) {
        struct job *jb = j->qhead;
        if (!jb && j->stopping) {
            break;
        }
        if (!jb) {
            pthread_cond_wait(&j->wake, &j->lock);
            continue;
        }
        j->qhead = jb->next;
        j->qtail = j->qhead ? j->qtail : NULL;
        j->qlen--;
        pthread_mutex_unlock(&j->lock);
        job_run(j, jb);
        job_free(jb);
        pthread_mutex_lock(&j->lock);
    }
    pthread_mutex_unlock(&j->lock);
    return NULL;
}

/* A growing object for segment `index` of `p`, with its ETag and Last-Modified fixed now. */
static int new_segment_object(struct vod_jobs *j, struct vod_plan *p, uint64_t index,
                              struct slc_object **out)
{
    int ret = slc_object_new_growing(0, out);

    if (ret == 0) {
        slc_object_set_validator(*out, vod_jobs_validator(&p->id, index, &j->seg));
        slc_object_set_mtime(*out, p->mtime);
    }
    return ret;
}

/* Lock held: queue a production of `e` (a new entry) or fail with SLC_EAGAIN/SLC_ENOMEM. */
static int enqueue(struct vod_jobs *j, struct vod_plan *p, struct vod_plans *pc, int fd,
                   struct seg_entry *e)
{
    struct job *jb;

    if (j->qlen >= j->qmax || j->stopping) {
        slc_log_warn("vod: production queue full (%d): answering 503", j->qmax);
        return SLC_EAGAIN;
    }
    jb = calloc(1, sizeof(*jb));
    if (!jb || (jb->fd = dup(fd)) < 0) {
        free(jb);
        return SLC_ENOMEM;
    }
    jb->pc = pc;
    jb->plan = vod_plans_ref(pc, p);
    jb->index = e->index;
    jb->obj = slc_object_ref(e->obj);
    if (j->qtail) {
        j->qtail->next = jb;
    } else {
        j->qhead = jb;
    }
    j->qtail = jb;
    j->qlen++;
    pthread_cond_signal(&j->wake);
    return 0;
}

int vod_jobs_get_cached(struct vod_jobs *j, struct vod_plan *p, uint64_t index,
                        struct slc_object **out)
{
    struct seg_entry *e;

    *out = NULL;
    pthread_mutex_lock(&j->lock);
    e = lookup(j, &p->id, index);
    if (e) {
        lru_front(j, e);
        *out = slc_object_ref(e->obj);
    }
    pthread_mutex_unlock(&j->lock);
    return e ? 0 : SLC_EAGAIN;
}

int vod_jobs_get(struct vod_jobs *j, struct vod_plan *p, struct vod_plans *pc, int fd,
                 uint64_t index, struct slc_object **out)
{
    struct seg_entry *e;
    int ret = 0;

    *out = NULL;
    pthread_mutex_lock(&j->lock);
    e = lookup(j, &p->id, index);
    if (!e) {
        e = calloc(1, sizeof(*e));
        ret = e ? new_segment_object(j, p, index, &e->obj) : SLC_ENOMEM;
        if (ret == 0) {
            size_t b = bucket_of(&p->id, index);
            e->id = p->id;
            e->index = index;
            e->hnext = j->buckets[b];
            j->buckets[b] = e;
            lru_front(j, e);
            ret = enqueue(j, p, pc, fd, e);
            if (ret < 0) {
                entry_remove(j, e);
                e = NULL;
            }
        } else if (e) {
            free(e);
            e = NULL;
        }
    }
    if (e) {
        lru_front(j, e);
        *out = slc_object_ref(e->obj);
    }
    pthread_mutex_unlock(&j->lock);
    return ret;
}

/* Descriptors the segment cache may hold: a quarter of the soft limit (connections, files
 * being served and packagings need the rest), at most VOD_CACHE_FDS_MAX. */
static int fd_budget(void)
{
    struct rlimit rl;
    rlim_t n;

    if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY) {
        return VOD_CACHE_FDS_MAX;
    }
    n = rl.rlim_cur / 4;
    return n > VOD_CACHE_FDS_MAX ? VOD_CACHE_FDS_MAX : (int)n;
}

int vod_jobs_new(int workers, int queue_max, size_t cache_bytes, const struct slc_seg_config *seg,
                 struct vod_jobs **out)
{
    struct vod_jobs *j = calloc(1, sizeof(*j));

    *out = NULL;
    if (!j) {
        return SLC_ENOMEM;
    }
    pthread_mutex_init(&j->lock, NULL);
    pthread_cond_init(&j->wake, NULL);
    j->qmax = queue_max > 0 ? queue_max : SLC_VOD_QUEUE_DEFAULT;
    j->max_bytes = cache_bytes;
    j->fds_max = fd_budget();
    j->seg = *seg;
    j->seg.stop = &j->stop;
    j->seg.progress = NULL;
    workers = workers < 1 ? 1 : workers > SLC_VOD_WORKERS_MAX ? SLC_VOD_WORKERS_MAX : workers;
    for (; j->nthreads < workers; j->nthreads++) {
        if (pthread_create(&j->threads[j->nthreads], NULL, worker, j) != 0) {
            slc_log_error("vod: pthread_create failed");
            vod_jobs_free(&j);
            return SLC_EIO;
        }
    }
    *out = j;
    return 0;
}

void vod_jobs_free(struct vod_jobs **pp)
{
    struct vod_jobs *j = *pp;

    *pp = NULL;
    if (!j) {
        return;
    }
    pthread_mutex_lock(&j->lock);
    j->stopping = 1;
    j->stop = 1;
    pthread_cond_broadcast(&j->wake);
    pthread_mutex_unlock(&j->lock);
    for (int i = 0; i < j->nthreads; i++) {
        pthread_join(j->threads[i], NULL); /* they drain the queue, failing each job */
    }
    while (j->head) {
        entry_remove(j, j->head);
    }
    pthread_cond_destroy(&j->wake);
    pthread_mutex_destroy(&j->lock);
    free(j);
}
