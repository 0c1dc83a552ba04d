/* SPDX-License-Identifier: MIT */
/* Whole-file packaging for files whose segments can't be produced one at a time: no complete
 * container index (MPEG-TS, Matroska) or a track that needs transcoding (encoder state makes a
 * lone segment differ from the whole-file run). The first request packages the file with
 * slc_seg_run into a private directory under the cache directory; requests that arrive
 * meanwhile get growing objects completed when it is done. Bytes and playlists are exactly
 * those of `sluice segment`. The directory is bounded by bytes (LRU) and removed at exit. */
#include "vod_private.h"

#include "slc_err.h"
#include "slc_file.h"
#include "slc_log.h"
#include "slc_object.h"
#include "slc_seg_renditions.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PKG_DIR_MAX 512
#define PKG_LEAF_MAX 256
/* A file's package is read whole into memory per request: one segment, bounded. */
#define PKG_READ_MAX (256u * 1024u * 1024u)

enum pkg_state { PKG_RUNNING, PKG_READY, PKG_FAILED };

struct pending {
    struct slc_object *obj;
    char leaf[PKG_LEAF_MAX];
    struct pending *next;
};

struct pkg {
    struct vod_ident id;
    char dir[PKG_DIR_MAX];
    enum pkg_state state;
    int settling; /* handing bytes to waiting requests: not evictable */
    int err;
    uint64_t bytes;
    struct pending *waiting;
    struct vod_packages *owner;
    struct vod_plans *pc;
    struct vod_plan *plan; /* RUNNING: held for the relpath in logs */
    int fd;                /* RUNNING: the file being packaged */
    struct pkg *prev, *next;
};

struct vod_packages {
    pthread_mutex_t lock;
    pthread_cond_t idle;
    char root[PKG_DIR_MAX - 32]; /* our private directory (mkdtemp); room for "/<serial>" */
    struct pkg *head, *tail;
    uint64_t bytes, max_bytes;
    int running, max_running;
    uint64_t serial;
    volatile sig_atomic_t stop;
    struct slc_seg_config seg;
};

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(p);
    return 0;
}

static void rm_tree(const char *dir)
{
    nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* A name inside the package: "name" or "audio_<k>/name" (an alternate audio rendition's
 * folder), never a dot-name or any other folder. */
static int leaf_ok(const char *leaf)
{
    const char *slash = strchr(leaf, '/');

    if (slash && slc_seg_audio_dir_parse(leaf, (size_t)(slash - leaf)) < 0) {
        return 0;
    }
    leaf = slash ? slash + 1 : leaf;
    return leaf[0] && leaf[0] != '.' && !strchr(leaf, '/');
}

/* Read the file `leaf` of a ready package into a new memory object (content-hash ETag:
 * stable as long as the packaging is deterministic). */
static int read_leaf(const char *dir, const char *leaf, struct slc_object **out)
{
    char path[PKG_DIR_MAX + PKG_LEAF_MAX];
    struct stat st;
    char *buf;
    size_t got = 0;
    int fd, ret = 0;

    if (!leaf_ok(leaf) || slc_file_join(path, sizeof(path), dir, leaf) < 0) {
        return SLC_ENOENT;
    }
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        return SLC_ENOENT;
    }
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > PKG_READ_MAX ||
        !(buf = malloc((size_t)st.st_size + 1))) {
        close(fd);
        return SLC_EIO;
    }
    while (got < (size_t)st.st_size && ret == 0) {
        ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
        ret = n > 0 ? 0 : (n < 0 && errno == EINTR ? 0 : SLC_EIO);
        got += n > 0 ? (size_t)n : 0;
    }
    close(fd);
    if (ret < 0) {
        free(buf);
        return ret;
    }
    return slc_object_new_memory(buf, got, out);
}

static void unlink_pkg(struct vod_packages *v, struct pkg *k)
{
    if (k->prev) {
        k->prev->next = k->next;
    } else {
        v->head = k->next;
    }
    if (k->next) {
        k->next->prev = k->prev;
    } else {
        v->tail = k->prev;
    }
    k->prev = k->next = NULL;
}

/* Lock held: evict ready/failed packages, least recently used first, over the ceiling. */
static void shrink(struct vod_packages *v)
{
    struct pkg *k = v->tail;

    while (k && v->bytes > v->max_bytes) {
        struct pkg *prev = k->prev;
        if (k->state != PKG_RUNNING && !k->settling) {
            unlink_pkg(v, k);
            v->bytes -= k->bytes;
            rm_tree(k->dir);
            free(k);
        }
        k = prev;
    }
}

/* Hand each waiting request its bytes (or the failure); the package is settled. */
static void settle_waiting(struct pkg *k, struct pending *w)
{
    while (w) {
        struct pending *next = w->next;
        struct slc_object *o = NULL;
        size_t n = 0;
        const void *p = NULL;
        int ret = k->state == PKG_READY ? read_leaf(k->dir, w->leaf, &o) : k->err;
        if (ret == 0 && slc_object_peek(o, 0, &p, &n) == 0) {
            ret = slc_object_append(w->obj, p, n);
        }
        if (ret == 0) {
            slc_object_complete(w->obj);
        } else {
            slc_object_fail(w->obj, ret);
        }
        slc_object_unref(&o);
        slc_object_unref(&w->obj);
        free(w);
        w = next;
    }
}

static void *package_thread(void *arg)
{
    struct pkg *k = arg;
    struct vod_packages *v = k->owner;
    struct slc_seg_stats stats;
    char fdpath[VOD_FDPATH_MAX];
    struct pending *w;
    int ret;

    memset(&stats, 0, sizeof(stats));
    vod_file_fdpath(k->fd, fdpath, sizeof(fdpath));
    ret = v->stop ? SLC_EINTR : slc_seg_run(&v->seg, fdpath, k->dir, &stats);
    if (ret < 0) {
        slc_log_warn("vod: packaging '%s' failed: %s", k->plan->relpath, slc_strerror(ret));
    }
    close(k->fd);
    vod_plans_put(k->pc, &k->plan);
    pthread_mutex_lock(&v->lock);
    k->state = ret == 0 ? PKG_READY : PKG_FAILED;
    k->err = ret;
    k->settling = 1;
    k->bytes = stats.bytes + 4096;
    v->bytes += k->bytes;
    w = k->waiting;
    k->waiting = NULL;
    pthread_mutex_unlock(&v->lock);
    settle_waiting(k, w);
    pthread_mutex_lock(&v->lock);
    k->settling = 0;
    shrink(v);
    v->running--;
    pthread_cond_broadcast(&v->idle);
    pthread_mutex_unlock(&v->lock);
    return NULL;
}

static struct pkg *find(struct vod_packages *v, const struct vod_ident *id)
{
    for (struct pkg *k = v->head; k; k = k->next) {
        if (k->id.dev == id->dev && k->id.ino == id->ino && k->id.size == id->size &&
            k->id.mtime_ns == id->mtime_ns) {
            return k;
        }
    }
    return NULL;
}

static void push_front(struct vod_packages *v, struct pkg *k)
{
    k->prev = NULL;
    k->next = v->head;
    if (v->head) {
        v->head->prev = k;
    }
    v->head = k;
    if (!v->tail) {
        v->tail = k;
    }
}

/* Lock held: start packaging `p` (read through a dup of `fd`). */
static int start(struct vod_packages *v, struct vod_plans *pc, struct vod_plan *p, int fd,
                 struct pkg **out)
{
    struct pkg *k;
    pthread_t t;

    if (v->running >= v->max_running || v->stop) {
        slc_log_warn("vod: %d packagings running: answering 503", v->running);
        return SLC_EAGAIN;
    }
    k = calloc(1, sizeof(*k));
    if (!k) {
        return SLC_ENOMEM;
    }
    k->id = p->id;
    k->owner = v;
    k->pc = pc;
    k->fd = -1;
    if (snprintf(k->dir, sizeof(k->dir), "%s/%" PRIu64, v->root, ++v->serial) >=
            (int)sizeof(k->dir) ||
        (k->fd = dup(fd)) < 0) {
        free(k);
        return SLC_ENOMEM;
    }
    k->plan = vod_plans_ref(pc, p);
    if (pthread_create(&t, NULL, package_thread, k) != 0) {
        close(k->fd);
        vod_plans_put(pc, &k->plan);
        free(k);
        return SLC_EAGAIN;
    }
    pthread_detach(t); /* vod_packages_free waits for `running` to reach 0 */
    v->running++;
    push_front(v, k);
    *out = k;
    return 0;
}

int vod_packages_get(struct vod_packages *v, struct vod_plans *pc, struct vod_plan *p, int fd,
                     const char *leaf, struct slc_object **out)
{
    struct pending *w = NULL;
    char dir[PKG_DIR_MAX];
    struct pkg *k;
    int ret = 0;

    *out = NULL;
    if (strlen(leaf) >= PKG_LEAF_MAX) {
        return SLC_ENOENT;
    }
    pthread_mutex_lock(&v->lock);
    k = find(v, &p->id);
    if (!k) {
        ret = start(v, pc, p, fd, &k);
    } else {
        unlink_pkg(v, k);
        push_front(v, k);
    }
    if (ret == 0 && k->state == PKG_RUNNING) {
        w = calloc(1, sizeof(*w));
        ret = w ? slc_object_new_growing(0, &w->obj) : SLC_ENOMEM;
        if (ret == 0) {
            snprintf(w->leaf, sizeof(w->leaf), "%s", leaf);
            slc_object_set_mtime(w->obj, p->mtime);
            *out = slc_object_ref(w->obj);
            w->next = k->waiting;
            k->waiting = w;
        } else {
            free(w);
        }
        pthread_mutex_unlock(&v->lock);
        return ret;
    }
    if (ret == 0 && k->state == PKG_FAILED) {
        ret = k->err;
    }
    snprintf(dir, sizeof(dir), "%s", ret == 0 ? k->dir : "");
    pthread_mutex_unlock(&v->lock);
    /* READY: a concurrent eviction removing the directory makes this read fail cleanly */
    return ret == 0 ? read_leaf(dir, leaf, out) : ret;
}

int vod_packages_new(const char *cache_dir, uint64_t max_bytes, int max_running,
                     const struct slc_seg_config *seg, struct vod_packages **out)
{
    struct vod_packages *v = calloc(1, sizeof(*v));

    *out = NULL;
    if (!v) {
        return SLC_ENOMEM;
    }
    if (slc_file_mkdirs(cache_dir) < 0 ||
        snprintf(v->root, sizeof(v->root), "%s/sluice-vod-XXXXXX", cache_dir) >=
            (int)sizeof(v->root) ||
        !mkdtemp(v->root)) {
        slc_log_error("vod: cannot create a cache directory under '%s'", cache_dir);
        free(v);
        return SLC_EIO;
    }
    pthread_mutex_init(&v->lock, NULL);
    pthread_cond_init(&v->idle, NULL);
    v->max_bytes = max_bytes;
    v->max_running = max_running > 0 ? max_running : 1;
    v->seg = *seg;
    v->seg.stop = &v->stop;
    v->seg.progress = NULL;
    *out = v;
    return 0;
}

void vod_packages_free(struct vod_packages **pp)
{
    struct vod_packages *v = *pp;

    *pp = NULL;
    if (!v) {
        return;
    }
    pthread_mutex_lock(&v->lock);
    v->stop = 1;
    while (v->running > 0) {
        pthread_cond_wait(&v->idle, &v->lock);
    }
    pthread_mutex_unlock(&v->lock);
    while (v->head) {
        struct pkg *k = v->head;
        v->head = k->next;
        free(k);
    }
    rm_tree(v->root);
    pthread_cond_destroy(&v->idle);
    pthread_mutex_destroy(&v->lock);
    free(v);
}
