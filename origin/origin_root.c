/* SPDX-License-Identifier: MIT */
/* The root-directory source: serves the files under one directory. Files are opened beneath
 * the directory only (openat2 RESOLVE_BENEATH, or an O_NOFOLLOW walk on old kernels), so
 * neither ".." nor a symlink can lead out of it. Small files are kept in memory and
 * revalidated against a stat of the path on every request. */
#include "origin_private.h"

#include "slc_err.h"
#include "slc_file.h"
#include "slc_log.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Files up to this size are served from memory; the cache holds at most this many bytes in
 * this many slots (direct-mapped by path). */
#define ROOT_SMALL_MAX (256u * 1024u)
#define ROOT_CACHE_MAX_BYTES (64u * 1024u * 1024u)
#define ROOT_CACHE_SLOTS 4096
/* Bounds of the stream listing walk. */
#define ROOT_LIST_DEPTH 6
#define ROOT_LIST_MAX_ENTRIES 20000

struct root_entry {
    char *path;
    struct stat st;
    struct slc_object *obj;
};

struct root_src {
    int dirfd;
    pthread_mutex_t lock;
    size_t cached_bytes;
    struct root_entry slots[ROOT_CACHE_SLOTS];
};

static size_t path_slot(const char *p)
{
    uint64_t h = 0xcbf29ce484222325ULL;

    for (; *p; p++) {
        h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
    }
    return (size_t)(h % ROOT_CACHE_SLOTS);
}

static int same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
           a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
           a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* The cached object for `relpath` if the file there is still the one we read. */
static struct slc_object *cache_get(struct root_src *r, const char *relpath)
{
    struct root_entry *e = &r->slots[path_slot(relpath)];
    struct slc_object *obj = NULL;
    struct stat st;

    /* fstatat may follow a symlinked directory, but we only reuse bytes read earlier from
     * the very same inode, which were opened safely beneath the root. */
    if (fstatat(r->dirfd, relpath, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode)) {
        return NULL;
    }
    pthread_mutex_lock(&r->lock);
    if (e->obj && strcmp(e->path, relpath) == 0 && same_file(&e->st, &st)) {
        obj = slc_object_ref(e->obj);
    }
    pthread_mutex_unlock(&r->lock);
    return obj;
}

static void entry_clear(struct root_src *r, struct root_entry *e)
{
    if (e->obj) {
        r->cached_bytes -= (size_t)e->st.st_size;
    }
    slc_object_unref(&e->obj);
    free(e->path);
    e->path = NULL;
}

static void cache_put(struct root_src *r, const char *relpath, const struct stat *st,
                      struct slc_object *obj)
{
    struct root_entry *e = &r->slots[path_slot(relpath)];
    char *p = strdup(relpath);

    if (!p) {
        return;
    }
    pthread_mutex_lock(&r->lock);
    entry_clear(r, e);
    if (r->cached_bytes + (size_t)st->st_size <= ROOT_CACHE_MAX_BYTES) {
        e->path = p;
        e->st = *st;
        e->obj = slc_object_ref(obj);
        r->cached_bytes += (size_t)st->st_size;
        p = NULL;
    }
    pthread_mutex_unlock(&r->lock);
    free(p);
}

/* Read a small file whole into a memory object. */
static int read_small(int fd, const struct stat *st, struct slc_object **out)
{
    size_t len = (size_t)st->st_size, got = 0;
    char *buf = malloc(len ? len : 1);
    int ret;

    if (!buf) {
        return SLC_ENOMEM;
    }
    while (got < len) {
        ssize_t n = pread(fd, buf + got, len - got, (off_t)got);
        if (n <= 0) {
            if (n < 0 && errno == EINTR) {
                continue;
            }
            free(buf);
            slc_log_error("origin: read failed: %s", n < 0 ? strerror(errno) : "file shrank");
            return SLC_EIO;
        }
        got += (size_t)n;
    }
    ret = slc_object_new_memory(buf, len, out);
    if (ret == 0) {
        slc_object_set_mtime(*out, (int64_t)st->st_mtim.tv_sec);
    }
    return ret;
}

static int root_lookup(void *src, const char *relpath, struct slc_object **out)
{
    struct root_src *r = src;
    struct stat st;
    int fd, ret;

    *out = NULL;
    if (relpath[0] == '\0') {
        return SLC_ENOENT;
    }
    *out = cache_get(r, relpath);
    if (*out) {
        return 0;
    }
    fd = slc_file_open_beneath(r->dirfd, relpath);
    if (fd < 0) {
        return fd;
    }
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return SLC_ENOENT; /* directories, devices, FIFOs: nothing to serve */
    }
    if ((uint64_t)st.st_size > ROOT_SMALL_MAX) {
        return slc_object_new_file(fd, out);
    }
    ret = read_small(fd, &st, out);
    close(fd);
    if (ret == 0) {
        cache_put(r, relpath, &st, *out);
    }
    return ret;
}

/* Depth-first walk below `dfd` (owned, closed here) emitting every index.m3u8. */
static void list_dir(int dfd, char *path, size_t plen, size_t cap, int depth, int *budget,
                     slc_origin_emit_fn emit, void *ctx)
{
    DIR *d = fdopendir(dfd);
    struct dirent *de;

    if (!d) {
        close(dfd);
        return;
    }
    while ((de = readdir(d)) && --*budget > 0) {
        struct stat st;
        size_t n = strlen(de->d_name);
        if (de->d_name[0] == '.' || plen + n + 2 > cap ||
            fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
            continue;
        }
        memcpy(path + plen, de->d_name, n + 1);
        if (S_ISREG(st.st_mode) && strcmp(de->d_name, "index.m3u8") == 0) {
            emit(ctx, path);
        } else if (S_ISDIR(st.st_mode) && depth < ROOT_LIST_DEPTH) {
            int sub = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub >= 0) {
                path[plen + n] = '/';
                path[plen + n + 1] = '\0';
                list_dir(sub, path, plen + n + 1, cap, depth + 1, budget, emit, ctx);
            }
        }
        path[plen] = '\0';
    }
    closedir(d);
}

static int root_list(void *src, slc_origin_emit_fn emit, void *ctx)
{
    struct root_src *r = src;
    char path[SLC_ORIGIN_PATH_MAX + 1] = "";
    int budget = ROOT_LIST_MAX_ENTRIES;
    int dfd = openat(r->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    if (dfd < 0) {
        return slc_err_from_errno(errno);
    }
    list_dir(dfd, path, 0, sizeof(path), 0, &budget, emit, ctx);
    return 0;
}

static void root_destroy(void *src)
{
    struct root_src *r = src;

    for (size_t i = 0; i < ROOT_CACHE_SLOTS; i++) {
        entry_clear(r, &r->slots[i]);
    }
    close(r->dirfd);
    pthread_mutex_destroy(&r->lock);
    free(r);
}

static const struct slc_origin_source_ops root_ops = {
    .name = "root",
    .lookup = root_lookup,
    .list_streams = root_list,
    .destroy = root_destroy,
};

int slc_origin_mount_root(struct slc_origin *o, const char *prefix, const char *dir)
{
    struct root_src *r = calloc(1, sizeof(*r));

    if (!r) {
        return SLC_ENOMEM;
    }
    r->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (r->dirfd < 0) {
        int err = slc_err_from_errno(errno);
        slc_log_error("origin: open failed '%s': %s", dir, strerror(errno));
        free(r);
        return err;
    }
    pthread_mutex_init(&r->lock, NULL);
    return slc_origin_mount(o, prefix, &root_ops, r);
}
