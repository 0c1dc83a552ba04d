/* SPDX-License-Identifier: MIT */
/* The JIT VOD origin source: routes <path>/index.m3u8, <path>/stream.m3u8 and <path>/<segment>
 * to the plan cache and the production pool, and lists the media files for the player page. */
#include "slc_vod.h"
#include "vod_private.h"

#include "slc_err.h"
#include "slc_log.h"
#include "slc_object.h"
#include "slc_origin.h"
#include "slc_seg_renditions.h"

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

/* Where a request points inside a file's package. */
struct vod_target {
    size_t file_len;  /* bytes of the media file's path */
    int rendition;    /* 0: the main rendition; k >= 1: audio_<k>/ */
    const char *leaf; /* the playlist or segment name */
    const char *tail; /* what follows the file's path: "leaf" or "audio_<k>/leaf" */
};

/* relpath is "<file>/<leaf>" or "<file>/audio_<k>/<leaf>". -1 if neither. */
static int split_target(const char *relpath, struct vod_target *t)
{
    const char *slash = strrchr(relpath, '/');
    const char *dir;

    if (!slash) {
        return -1;
    }
    t->leaf = slash + 1;
    t->rendition = 0;
    t->file_len = (size_t)(slash - relpath);
    for (dir = slash; dir > relpath && dir[-1] != '/'; dir--) {
    }
    if (dir > relpath) {
        int k = slc_seg_audio_dir_parse(dir, (size_t)(slash - dir));
        if (k > 0) {
            t->rendition = k;
            t->file_len = (size_t)(dir - 1 - relpath);
        }
    }
    t->tail = relpath + t->file_len + 1;
    return t->file_len > 0 && t->file_len <= VOD_PATH_MAX ? 0 : -1;
}

/* An alternate audio rendition's stream.m3u8 or segment (exact plans). */
static int answer_alt(struct vod_src *v, struct vod_plan *p, int fd, const struct vod_target *t,
                      struct slc_object **out)
{
    int64_t index;

    if (!slc_seg_plan_has_rendition(&p->plan, t->rendition)) {
        return SLC_ENOENT;
    }
    if (strcmp(t->leaf, "stream.m3u8") == 0) {
        return vod_render_alt_media(&p->plan, &v->seg, t->rendition, out);
    }
    index = vod_render_segment_index(&v->seg, t->leaf, p->plan.n);
    if (index < 0) {
        return SLC_ENOENT;
    }
    return vod_jobs_get(v->jobs, p, v->plans, fd, VOD_SEG_KEY(t->rendition, index), out);
}

/* The answer for target `t` of the file version `p` (opened as `fd`). */
static int answer(struct vod_src *v, struct vod_plan *p, int fd, const struct vod_target *t,
                  struct slc_object **out)
{
    const char *leaf = t->leaf;
    int64_t index;

    if (p->packaged) {
        return vod_packages_get(v->pkgs, v->plans, p, fd, t->tail, out);
    }
    if (t->rendition > 0) {
        return answer_alt(v, p, fd, t, out);
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
 * bytes served are those that safe open gave; anything else (a packaged file, a segment not
 * cached) takes the full path below. SLC_EAGAIN: take it. */
static int lookup_cached(struct vod_src *v, const char *file, const struct vod_target *t,
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
    if (p->packaged) {
        ret = SLC_EAGAIN;
    } else if (strcmp(t->leaf, "stream.m3u8") == 0 ||
               (t->rendition == 0 && strcmp(t->leaf, "index.m3u8") == 0)) {
        ret = answer(v, p, -1, t, out); /* playlists: from the plan, no read */
    } else if ((index = vod_render_segment_index(&v->seg, t->leaf, p->plan.n)) >= 0 &&
               (t->rendition == 0 || slc_seg_plan_has_rendition(&p->plan, t->rendition))) {
        ret = vod_jobs_get_cached(v->jobs, p, VOD_SEG_KEY(t->rendition, index), out);
    }
    vod_plans_put(v->plans, &p);
    return ret;
}

/* relpath is "<file path>/[audio_<k>/]<leaf>", normalised by the origin (no "..", no empty
 * segments). */
static int vod_lookup(void *src, const char *relpath, struct slc_object **out)
{
    struct vod_src *v = src;
    char file[VOD_PATH_MAX + 1];
    struct vod_plan *p = NULL;
    struct vod_target t;
    struct vod_ident id;
    int64_t mtime;
    int fd, ret;

    *out = NULL;
    if (split_target(relpath, &t) < 0) {
        return SLC_ENOENT;
    }
    memcpy(file, relpath, t.file_len);
    file[t.file_len] = '\0';
    ret = lookup_cached(v, file, &t, out);
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
        ret = answer(v, p, fd, &t, out);
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
