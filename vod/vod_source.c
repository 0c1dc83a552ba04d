/* SPDX-License-Identifier: MIT */
/* The JIT VOD origin source: routes <path>/index.m3u8, <path>/stream.m3u8 and <path>/<segment>
 * to the plan cache and the production pool, and lists the media files for the player page. */
#include "slc_vod.h"
#include "vod_private.h"

#include "slc_err.h"
#include "slc_log.h"
#include "slc_object.h"
#include "slc_origin.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MB (1024u * 1024u)

struct vod_src {
    int dirfd;
    struct slc_seg_config seg;
    struct vod_plans *plans;
    struct vod_jobs *jobs;
    struct vod_packages *pkgs;
};

void slc_vod_config_init(struct slc_vod_config *c)
{
    memset(c, 0, sizeof(*c));
    c->plan_cache_bytes = 64 * MB;
    c->segment_cache_bytes = 256 * MB;
    c->queue_max = SLC_VOD_QUEUE_DEFAULT;
    c->disk_cache_bytes = 4096ull * MB;
}

/* The answer for `leaf` of the file version `p` (opened as `fd`). */
static int answer(struct vod_src *v, struct vod_plan *p, int fd, const char *leaf,
                  struct slc_object **out)
{
    int64_t index;

    if (p->packaged) {
        return vod_packages_get(v->pkgs, v->plans, p, fd, leaf, out);
    }
    if (strcmp(leaf, "index.m3u8") == 0) {
        *out = slc_object_ref(p->multi);
        return 0;
    }
    if (strcmp(leaf, "stream.m3u8") == 0) {
        *out = slc_object_ref(p->media);
        return 0;
    }
    index = vod_render_segment_index(&v->seg, leaf, p->plan.n);
    if (index < 0) {
        return SLC_ENOENT;
    }
    return vod_jobs_get(v->jobs, p, v->plans, fd, (uint64_t)index, out);
}

/* The answer from memory alone, when `file` still has the identity of its cached plan and
 * the answer needs no read of it (a playlist, a segment cached or being produced): one
 * fstatat() instead of open, fstat and close per request. The identity (device, inode, size,
 * mtime) is that of a file once opened safely beneath the root under this very name, so the
 * bytes served are those that safe open gave; anything else takes the full path below.
 * SLC_EAGAIN: take it. */
static int lookup_cached(struct vod_src *v, const char *file, const char *leaf,
                         struct slc_object **out)
{
    struct vod_plan *p = NULL;
    struct vod_ident id;
    struct stat st;
    int64_t index;
    int ret = SLC_EAGAIN;

    if (fstatat(v->dirfd, file, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode)) {
        return SLC_EAGAIN;
    }
    vod_file_ident(&st, &id);
    p = vod_plans_find(v->plans, file, &id);
    if (!p) {
        return SLC_EAGAIN;
    }
    if (strcmp(leaf, "index.m3u8") == 0 || strcmp(leaf, "stream.m3u8") == 0) {
        ret = answer(v, p, -1, leaf, out);
    } else if ((index = vod_render_segment_index(&v->seg, leaf, p->plan.n)) >= 0) {
        ret = vod_jobs_get_cached(v->jobs, p, (uint64_t)index, out);
    }
    vod_plans_put(v->plans, &p);
    return ret;
}

/* relpath is "<file path>/<leaf>", normalised by the origin (no "..", no empty segments). */
static int vod_lookup(void *src, const char *relpath, struct slc_object **out)
{
    struct vod_src *v = src;
    const char *slash = strrchr(relpath, '/');
    char file[VOD_PATH_MAX + 1];
    struct vod_plan *p = NULL;
    struct vod_ident id;
    int64_t mtime;
    size_t n;
    int fd, ret;

    *out = NULL;
    if (!slash || (n = (size_t)(slash - relpath)) > VOD_PATH_MAX) {
        return SLC_ENOENT;
    }
    memcpy(file, relpath, n);
    file[n] = '\0';
    ret = lookup_cached(v, file, slash + 1, out);
    if (ret != SLC_EAGAIN) {
        return ret;
    }
    fd = vod_file_open(v->dirfd, file, &id, &mtime);
    if (fd < 0) {
        return fd;
    }
    /* the plan is revalidated by the identity of the file opened now: a replaced or
     * rewritten file gets a new plan, and productions read the descriptor they were given */
    ret = vod_plans_get(v->plans, file, fd, &id, mtime, &p);
    if (ret == 0) {
        ret = answer(v, p, fd, slash + 1, out);
    }
    vod_plans_put(v->plans, &p);
    close(fd);
    return ret;
}

struct list_ctx {
    slc_origin_emit_fn emit;
    void *ctx;
};

static void list_emit(void *opaque, const char *relpath)
{
    struct list_ctx *lc = opaque;

    lc->emit(lc->ctx, relpath);
}

static int vod_list(void *src, slc_origin_emit_fn emit, void *ctx)
{
    struct vod_src *v = src;
    struct list_ctx lc = {emit, ctx};

    vod_file_list(v->dirfd, list_emit, &lc);
    return 0;
}

static void vod_destroy(void *src)
{
    struct vod_src *v = src;

    if (!v) {
        return;
    }
    vod_jobs_free(&v->jobs); /* first: running productions hold plan references */
    vod_packages_free(&v->pkgs);
    vod_plans_free(&v->plans);
    if (v->dirfd >= 0) {
        close(v->dirfd);
    }
    free(v);
}

static const struct slc_origin_source_ops vod_ops = {
    .name = "vod",
    .lookup = vod_lookup,
    .list_streams = vod_list,
    .destroy = vod_destroy,
};

static int workers_default(const struct slc_vod_config *c)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);

    return c->workers > 0 ? c->workers : (n > 0 ? (int)n : 1);
}

int slc_vod_mount(struct slc_origin *o, const char *prefix, const struct slc_vod_config *c)
{
    struct vod_src *v = calloc(1, sizeof(*v));
    int ret;

    if (!v) {
        return SLC_ENOMEM;
    }
    if (c->seg) {
        v->seg = *c->seg;
    } else {
        slc_seg_config_init(&v->seg);
    }
    v->seg.progress = NULL;
    v->dirfd = open(c->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (v->dirfd < 0) {
        ret = slc_err_from_errno(errno);
        slc_log_error("vod: open failed '%s': %s", c->dir, strerror(errno));
        vod_destroy(v);
        return ret;
    }
    ret = vod_plans_new(c->plan_cache_bytes, &v->seg, &v->plans);
    if (ret == 0) {
        ret = vod_jobs_new(workers_default(c), c->queue_max, c->segment_cache_bytes, &v->seg,
                           &v->jobs);
    }
    if (ret == 0) {
        ret = vod_packages_new(c->cache_dir ? c->cache_dir : "/tmp", c->disk_cache_bytes,
                               SLC_VOD_PACKAGINGS_MAX, &v->seg, &v->pkgs);
    }
    if (ret < 0) {
        vod_destroy(v);
        return ret;
    }
    return slc_origin_mount(o, prefix, &vod_ops, v);
}
