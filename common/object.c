/* SPDX-License-Identifier: MIT */
/* Reference-counted served objects. Growing objects keep their bytes in fixed-size chunks that
 * never move, so readers copy (or point at) bytes below `size` without holding the lock. */
#include "slc_object.h"

#include "slc_err.h"
#include "slc_log.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

struct slc_object {
    atomic_uint refs;
    enum slc_object_kind kind;
    int64_t mtime;
    uint64_t validator;
    int validator_fixed; /* GROWING: validator set by the writer, not the content hash */
    int fd;              /* FILE */
    uint64_t fsize;      /* FILE */
    unsigned char *data; /* MEMORY */
    size_t len;          /* MEMORY */
    /* GROWING: everything below is guarded by `lock` */
    pthread_mutex_t lock;
    unsigned char **chunks;
    size_t nchunks, chunks_cap;
    uint64_t size, max_size;
    int complete, error;
    uint64_t hash;
    struct slc_object_waiter *waiters;
};

static uint64_t fnv1a(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;

    for (size_t i = 0; i < n; i++) {
        h = (h ^ b[i]) * FNV_PRIME;
    }
    return h;
}

uint64_t slc_object_mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

static struct slc_object *object_alloc(enum slc_object_kind kind)
{
    struct slc_object *o = calloc(1, sizeof(*o));

    if (!o) {
        return NULL;
    }
    atomic_init(&o->refs, 1);
    o->kind = kind;
    o->fd = -1;
    o->mtime = (int64_t)time(NULL);
    return o;
}

int slc_object_new_file(int fd, struct slc_object **out)
{
    struct slc_object *o;
    struct stat st;

    *out = NULL;
    if (fstat(fd, &st) < 0) {
        int err = slc_err_from_errno(errno);
        close(fd);
        return err;
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return SLC_EINVAL;
    }
    o = object_alloc(SLC_OBJECT_FILE);
    if (!o) {
        close(fd);
        return SLC_ENOMEM;
    }
    o->fd = fd;
    o->fsize = (uint64_t)st.st_size;
    o->mtime = (int64_t)st.st_mtim.tv_sec;
    o->validator = slc_object_mix64((uint64_t)st.st_ino ^ slc_object_mix64((uint64_t)st.st_size) ^
                                    slc_object_mix64((uint64_t)st.st_mtim.tv_sec * 1000000000ULL +
                                                     (uint64_t)st.st_mtim.tv_nsec) ^
                                    ((uint64_t)st.st_dev << 17));
    *out = o;
    return 0;
}

int slc_object_new_memory(void *data, size_t len, struct slc_object **out)
{
    struct slc_object *o = object_alloc(SLC_OBJECT_MEMORY);

    *out = NULL;
    if (!o) {
        free(data);
        return SLC_ENOMEM;
    }
    o->data = data;
    o->len = len;
    o->validator = slc_object_mix64(fnv1a(FNV_OFFSET, data, len) ^ len);
    *out = o;
    return 0;
}

int slc_object_new_memory_copy(const void *data, size_t len, struct slc_object **out)
{
    void *copy = malloc(len ? len : 1);

    *out = NULL;
    if (!copy) {
        return SLC_ENOMEM;
    }
    if (len) {
        memcpy(copy, data, len);
    }
    return slc_object_new_memory(copy, len, out);
}

int slc_object_new_growing(uint64_t max_size, struct slc_object **out)
{
    struct slc_object *o = object_alloc(SLC_OBJECT_GROWING);

    *out = NULL;
    if (!o) {
        return SLC_ENOMEM;
    }
    if (pthread_mutex_init(&o->lock, NULL) != 0) {
        free(o);
        return SLC_ENOMEM;
    }
    o->max_size = max_size ? max_size : SLC_OBJECT_GROWING_DEFAULT_MAX;
    o->hash = FNV_OFFSET;
    *out = o;
    return 0;
}

void slc_object_set_mtime(struct slc_object *o, int64_t mtime)
{
    o->mtime = mtime;
}

void slc_object_set_validator(struct slc_object *o, uint64_t validator)
{
    o->validator = validator;
    o->validator_fixed = 1;
}

struct slc_object *slc_object_ref(struct slc_object *o)
{
    atomic_fetch_add_explicit(&o->refs, 1, memory_order_relaxed);
    return o;
}

static void object_free(struct slc_object *o)
{
    switch (o->kind) {
    case SLC_OBJECT_FILE:
        close(o->fd);
        break;
    case SLC_OBJECT_MEMORY:
        free(o->data);
        break;
    case SLC_OBJECT_GROWING:
        if (o->waiters) {
            slc_log_error("object: freed with armed waiters (a reader forgot to cancel)");
        }
        for (size_t i = 0; i < o->nchunks; i++) {
            free(o->chunks[i]);
        }
        free(o->chunks);
        pthread_mutex_destroy(&o->lock);
        break;
    }
    free(o);
}

void slc_object_unref(struct slc_object **pp)
{
    struct slc_object *o = *pp;

    if (!o) {
        return;
    }
    *pp = NULL;
    if (atomic_fetch_sub_explicit(&o->refs, 1, memory_order_acq_rel) == 1) {
        object_free(o);
    }
}

void slc_object_stat(struct slc_object *o, struct slc_object_info *info)
{
    memset(info, 0, sizeof(*info));
    info->kind = o->kind;
    info->mtime = o->mtime;
    info->fd = o->fd;
    switch (o->kind) {
    case SLC_OBJECT_FILE:
        info->size = o->fsize;
        info->complete = 1;
        info->validator = o->validator;
        break;
    case SLC_OBJECT_MEMORY:
        info->size = o->len;
        info->complete = 1;
        info->validator = o->validator;
        break;
    case SLC_OBJECT_GROWING:
        pthread_mutex_lock(&o->lock);
        info->size = o->size;
        info->complete = o->complete;
        info->error = o->error;
        info->validator = o->validator_fixed ? o->validator : slc_object_mix64(o->hash ^ o->size);
        info->validator_fixed = o->validator_fixed;
        pthread_mutex_unlock(&o->lock);
        break;
    }
}

/* Unlink `w` from the waiter list; lock held. */
static void waiter_unlink(struct slc_object *o, struct slc_object_waiter *w)
{
    if (w->prev) {
        w->prev->next = w->next;
    } else {
        o->waiters = w->next;
    }
    if (w->next) {
        w->next->prev = w->prev;
    }
    w->prev = w->next = NULL;
    w->armed = 0;
}

/* Fire every waiter whose condition now holds; lock held. */
static void wake_waiters(struct slc_object *o)
{
    struct slc_object_waiter *w = o->waiters, *next;

    while (w) {
        next = w->next;
        if (o->complete || o->size > w->offset) {
            waiter_unlink(o, w);
            w->fn(w->opaque);
        }
        w = next;
    }
}

/* Make room for one more chunk pointer; lock held. */
static int chunks_grow(struct slc_object *o)
{
    size_t cap = o->chunks_cap ? o->chunks_cap * 2 : 16;
    unsigned char **p;

    if (o->nchunks < o->chunks_cap) {
        return 0;
    }
    p = realloc(o->chunks, cap * sizeof(*p));
    if (!p) {
        return SLC_ENOMEM;
    }
    o->chunks = p;
    o->chunks_cap = cap;
    return 0;
}

/* Copy bytes into the tail chunks, allocating them as needed; lock held. */
static int append_locked(struct slc_object *o, const unsigned char *p, size_t n)
{
    while (n > 0) {
        size_t in_chunk = (size_t)(o->size % SLC_OBJECT_CHUNK_SIZE);
        size_t room = SLC_OBJECT_CHUNK_SIZE - in_chunk, k = n < room ? n : room;
        if (in_chunk == 0 && o->size / SLC_OBJECT_CHUNK_SIZE == o->nchunks) {
            if (chunks_grow(o) < 0 || !(o->chunks[o->nchunks] = malloc(SLC_OBJECT_CHUNK_SIZE))) {
                return SLC_ENOMEM;
            }
            o->nchunks++;
        }
        memcpy(o->chunks[o->size / SLC_OBJECT_CHUNK_SIZE] + in_chunk, p, k);
        if (!o->validator_fixed) {
            o->hash = fnv1a(o->hash, p, k); /* a writer-fixed validator needs no content hash */
        }
        o->size += k;
        p += k;
        n -= k;
    }
    return 0;
}

int slc_object_append(struct slc_object *o, const void *p, size_t n)
{
    int ret = 0;

    if (o->kind != SLC_OBJECT_GROWING) {
        return SLC_EINVAL;
    }
    pthread_mutex_lock(&o->lock);
    if (o->complete) {
        ret = SLC_EINVAL;
    } else if (n > o->max_size - o->size) {
        ret = SLC_ELIMIT;
    } else {
        /* On ENOMEM part of `p` may be in: readers only ever see whole appended bytes, which
         * is what a stream of chunks means anyway; the writer is expected to fail the object. */
        ret = append_locked(o, p, n);
        wake_waiters(o);
    }
    pthread_mutex_unlock(&o->lock);
    return ret;
}

static int finish(struct slc_object *o, int err)
{
    int ret = 0;

    if (o->kind != SLC_OBJECT_GROWING) {
        return SLC_EINVAL;
    }
    pthread_mutex_lock(&o->lock);
    if (o->complete) {
        ret = SLC_EINVAL;
    } else {
        o->complete = 1;
        o->error = err;
        wake_waiters(o);
    }
    pthread_mutex_unlock(&o->lock);
    return ret;
}

int slc_object_complete(struct slc_object *o)
{
    return finish(o, 0);
}

int slc_object_fail(struct slc_object *o, int err)
{
    return finish(o, err < 0 ? err : SLC_EIO);
}

/* Locate the bytes at `offset` of a growing object. */
static int growing_peek(struct slc_object *o, uint64_t offset, const void **p, size_t *n)
{
    uint64_t size;
    unsigned char *chunk = NULL;
    int complete, error;

    pthread_mutex_lock(&o->lock);
    size = o->size;
    complete = o->complete;
    error = o->error;
    if (offset < size) {
        chunk = o->chunks[offset / SLC_OBJECT_CHUNK_SIZE];
    }
    pthread_mutex_unlock(&o->lock);
    if (!chunk) {
        if (!complete) {
            return SLC_EAGAIN;
        }
        return error ? error : SLC_EOF;
    }
    {
        size_t in_chunk = (size_t)(offset % SLC_OBJECT_CHUNK_SIZE);
        uint64_t left = size - offset;
        size_t room = SLC_OBJECT_CHUNK_SIZE - in_chunk;
        *p = chunk + in_chunk;
        *n = left < room ? (size_t)left : room;
    }
    return 0;
}

int slc_object_peek(struct slc_object *o, uint64_t offset, const void **p, size_t *n)
{
    switch (o->kind) {
    case SLC_OBJECT_MEMORY:
        if (offset >= o->len) {
            return SLC_EOF;
        }
        *p = o->data + offset;
        *n = o->len - (size_t)offset;
        return 0;
    case SLC_OBJECT_GROWING:
        return growing_peek(o, offset, p, n);
    case SLC_OBJECT_FILE:
        break;
    }
    return SLC_EINVAL;
}

static int file_read(struct slc_object *o, uint64_t offset, void *buf, size_t cap, size_t *got)
{
    ssize_t r;

    if (offset >= o->fsize) {
        return SLC_EOF;
    }
    if (cap > o->fsize - offset) {
        cap = (size_t)(o->fsize - offset);
    }
    do {
        r = pread(o->fd, buf, cap, (off_t)offset);
    } while (r < 0 && errno == EINTR);
    if (r <= 0) {
        slc_log_error("object: pread failed: %s", r < 0 ? strerror(errno) : "file shrank");
        return SLC_EIO;
    }
    *got = (size_t)r;
    return 0;
}

int slc_object_read(struct slc_object *o, uint64_t offset, void *buf, size_t cap, size_t *got)
{
    const unsigned char *p = NULL;
    size_t n = 0;
    int ret;

    *got = 0;
    if (cap == 0) {
        return SLC_EINVAL;
    }
    if (o->kind == SLC_OBJECT_FILE) {
        return file_read(o, offset, buf, cap, got);
    }
    ret = slc_object_peek(o, offset, (const void **)&p, &n);
    if (ret < 0) {
        return ret;
    }
    *got = n < cap ? n : cap;
    memcpy(buf, p, *got);
    return 0;
}

int slc_object_wait(struct slc_object *o, uint64_t offset, struct slc_object_waiter *w,
                    slc_object_wake_fn fn, void *opaque)
{
    int ready;

    if (o->kind != SLC_OBJECT_GROWING) {
        return 1;
    }
    pthread_mutex_lock(&o->lock);
    ready = o->complete || o->size > offset;
    if (!ready && !w->armed) {
        w->fn = fn;
        w->opaque = opaque;
        w->offset = offset;
        w->prev = NULL;
        w->next = o->waiters;
        if (o->waiters) {
            o->waiters->prev = w;
        }
        o->waiters = w;
        w->armed = 1;
    }
    pthread_mutex_unlock(&o->lock);
    return ready;
}

void slc_object_wait_cancel(struct slc_object *o, struct slc_object_waiter *w)
{
    if (o->kind != SLC_OBJECT_GROWING) {
        return;
    }
    pthread_mutex_lock(&o->lock);
    if (w->armed) {
        waiter_unlink(o, w);
    }
    pthread_mutex_unlock(&o->lock);
}
