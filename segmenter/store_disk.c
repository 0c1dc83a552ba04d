/* SPDX-License-Identifier: MIT */
/* Disk store: segment files and atomically replaced playlists in one output directory. */
#include "slc_store_disk.h"

#include "slc_err.h"
#include "slc_file.h"
#include "slc_log.h"
#include "slc_seg_renditions.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PATH_CAP 4096
#define NAME_CAP 256
#define OLD_PLAYLIST_MAX (16 * 1024 * 1024)

struct slc_store_disk {
    char *outdir;
    char *tmpl;
    char *base_url;
    char *notify_prefix;
    int media_only;
    uint64_t alt_peak_bps, alt_avg_bps; /* the largest alternate rendition's */
    enum slc_pl_type type;
    slc_store_file_fn on_file;
    void *on_file_opaque;
    struct slc_pl_media pl;
    struct slc_pl_media old; /* what a previous run listed, for removing stale segments */
    struct slc_seg_stream_desc desc;
    int fd;
    char name[NAME_CAP];
    char tmp_path[PATH_CAP];
    char final_path[PATH_CAP];
    uint64_t bytes, peak_bps;
    int64_t duration_us;
};

static int dup_opt(char **dst, const char *src)
{
    if (!src) {
        return 0;
    }
    *dst = strdup(src);
    return *dst ? 0 : SLC_ENOMEM;
}

/* Remember the segments a previous run listed, so that the ones this run doesn't write again
 * can be removed once the new playlist is in place. Any error just means nothing to clean. */
static void load_old_playlist(struct slc_store_disk *s)
{
    char path[PATH_CAP], why[128];
    struct slc_pl_multivariant mv;
    FILE *f;
    char *text;
    size_t n;

    if (slc_file_join(path, sizeof(path), s->outdir, SLC_STORE_MEDIA_PLAYLIST) < 0 ||
        !(f = fopen(path, "rb"))) {
        return;
    }
    text = malloc(OLD_PLAYLIST_MAX);
    n = text ? fread(text, 1, OLD_PLAYLIST_MAX, f) : 0;
    fclose(f);
    slc_pl_multi_init(&mv);
    if (text && slc_pl_parse(text, n, &s->old, &mv, why, sizeof(why)) != SLC_PL_KIND_MEDIA) {
        slc_pl_media_deinit(&s->old);
    }
    slc_pl_multi_deinit(&mv);
    free(text);
}

int slc_store_disk_new(struct slc_store_disk **pp, const struct slc_store_disk_config *cfg)
{
    struct slc_store_disk *s = calloc(1, sizeof(*s));
    int ret;

    *pp = NULL;
    if (!s) {
        return SLC_ENOMEM;
    }
    s->fd = -1;
    s->type = cfg->type;
    s->on_file = cfg->on_file;
    s->on_file_opaque = cfg->on_file_opaque;
    slc_pl_media_init(&s->pl);
    slc_pl_media_init(&s->old);
    s->pl.type = cfg->type;
    s->pl.target_duration = cfg->target_duration > 0 ? cfg->target_duration : 1;
    ret = dup_opt(&s->outdir, cfg->outdir);
    if (ret == 0) {
        ret = dup_opt(&s->tmpl, cfg->segment_template);
    }
    if (ret == 0) {
        ret = dup_opt(&s->base_url, cfg->base_url);
    }
    if (ret == 0) {
        ret = dup_opt(&s->notify_prefix, cfg->notify_prefix);
    }
    s->media_only = cfg->media_only;
    if (ret == 0) {
        ret = slc_file_mkdirs(cfg->outdir);
        /* a missing parent is an output problem here, not a missing input */
        ret = ret == SLC_ENOENT ? SLC_EIO : ret;
    }
    if (ret < 0) {
        slc_store_disk_free(&s);
        return ret;
    }
    load_old_playlist(s);
    *pp = s;
    return 0;
}

static void abort_segment(struct slc_store_disk *s)
{
    if (s->fd >= 0) {
        close(s->fd);
        s->fd = -1;
        unlink(s->tmp_path);
    }
}

void slc_store_disk_free(struct slc_store_disk **pp)
{
    struct slc_store_disk *s = *pp;

    if (!s) {
        return;
    }
    abort_segment(s);
    slc_pl_media_deinit(&s->pl);
    slc_pl_media_deinit(&s->old);
    free(s->outdir);
    free(s->tmpl);
    free(s->base_url);
    free(s->notify_prefix);
    free(s);
    *pp = NULL;
}

/* Tell the optional listener (an uploader) that `name` reached its final state. */
static int notify(struct slc_store_disk *s, const char *name, enum slc_store_file_event ev)
{
    char full[PATH_CAP];

    if (!s->on_file) {
        return 0;
    }
    if (!s->notify_prefix) {
        return s->on_file(s->on_file_opaque, name, ev);
    }
    if (snprintf(full, sizeof(full), "%s%s", s->notify_prefix, name) >= (int)sizeof(full)) {
        return SLC_ELIMIT;
    }
    return s->on_file(s->on_file_opaque, full, ev);
}

static int io_error(const char *call, const char *path, int errnum)
{
    int err = slc_err_from_errno(errnum);

    slc_log_error("store: %s failed '%s': %s", call, path, strerror(errnum));
    return err == SLC_ENOENT ? SLC_EIO : err;
}

static int disk_begin(void *opaque, uint64_t seq)
{
    struct slc_store_disk *s = opaque;
    char tmpname[NAME_CAP + 16];
    int ret;

    abort_segment(s);
    ret = slc_seg_name_format(s->tmpl, seq, s->name, sizeof(s->name));
    if (ret < 0) {
        return ret;
    }
    /* A dot-name while incomplete: static servers and uploaders skip it. */
    if (snprintf(tmpname, sizeof(tmpname), ".%s.tmp", s->name) >= (int)sizeof(tmpname) ||
        slc_file_join(s->tmp_path, PATH_CAP, s->outdir, tmpname) < 0 ||
        slc_file_join(s->final_path, PATH_CAP, s->outdir, s->name) < 0) {
        return SLC_ELIMIT;
    }
    s->fd = open(s->tmp_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (s->fd < 0) {
        return io_error("open", s->tmp_path, errno);
    }
    return 0;
}

static int disk_write(void *opaque, const uint8_t *p, size_t n)
{
    struct slc_store_disk *s = opaque;

    while (n > 0) {
        ssize_t w = write(s->fd, p, n);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            return io_error("write", s->final_path, errno);
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Render and atomically replace one playlist file in the output directory. */
static int write_playlist_file(struct slc_store_disk *s, const char *name, struct slc_buf *b)
{
    char path[PATH_CAP];

    int ret;

    if (slc_file_join(path, sizeof(path), s->outdir, name) < 0) {
        return SLC_ELIMIT;
    }
    ret = slc_file_write_atomic(path, b->data, b->len);
    return ret < 0 ? ret : notify(s, name, SLC_STORE_FILE_PLAYLIST);
}

static int write_media_playlist(struct slc_store_disk *s)
{
    struct slc_buf b;
    char why[256] = "";
    int ret;

    slc_buf_init(&b, 0);
    ret = slc_pl_media_write(&s->pl, s->base_url, &b);
    if (ret == SLC_EPROTO) {
        slc_pl_media_check(&s->pl, why, sizeof(why));
        slc_log_error("store: playlist rule violated: %s", why);
    }
    if (ret == 0) {
        ret = write_playlist_file(s, SLC_STORE_MEDIA_PLAYLIST, &b);
    }
    slc_buf_deinit(&b);
    return ret;
}

static int write_multivariant(struct slc_store_disk *s)
{
    struct slc_pl_multivariant mv;
    struct slc_pl_variant v;
    struct slc_buf b;
    int ret;

    if (s->media_only) {
        return 0;
    }
    memset(&v, 0, sizeof(v));
    v.uri = (char *)SLC_STORE_MEDIA_PLAYLIST;
    v.bandwidth = s->peak_bps + s->alt_peak_bps ? s->peak_bps + s->alt_peak_bps : 1;
    slc_store_disk_stats(s, NULL, NULL, NULL, NULL, &v.average_bandwidth);
    v.average_bandwidth += s->alt_avg_bps;
    v.codecs = s->desc.codecs[0] ? s->desc.codecs : NULL;
    v.width = s->desc.width;
    v.height = s->desc.height;
    v.frame_rate = s->desc.frame_rate;
    slc_pl_multi_init(&mv);
    mv.independent_segments = s->desc.has_video;
    slc_buf_init(&b, 0);
    ret = slc_seg_audio_group_add(&s->desc, SLC_STORE_MEDIA_PLAYLIST, &mv, &v);
    if (ret == 0) {
        ret = slc_pl_multi_add_variant(&mv, &v);
    }
    if (ret == 0) {
        ret = slc_pl_multi_write(&mv, &b);
    }
    if (ret == 0) {
        ret = write_playlist_file(s, SLC_STORE_MULTI_PLAYLIST, &b);
    }
    slc_buf_deinit(&b);
    slc_pl_multi_deinit(&mv);
    return ret;
}

static int disk_end(void *opaque, const struct slc_seg_segment_info *info)
{
    struct slc_store_disk *s = opaque;
    struct slc_pl_segment seg;
    int ret;

    if (close(s->fd) < 0) {
        s->fd = -1;
        return io_error("close", s->tmp_path, errno);
    }
    s->fd = -1;
    if (rename(s->tmp_path, s->final_path) < 0) {
        return io_error("rename", s->final_path, errno);
    }
    ret = notify(s, s->name, SLC_STORE_FILE_SEGMENT);
    if (ret < 0) {
        return ret;
    }
    memset(&seg, 0, sizeof(seg));
    seg.uri = s->name;
    seg.duration_us = info->duration_us;
    seg.discontinuity = info->discontinuity;
    seg.byterange_length = seg.byterange_offset = -1;
    seg.bytes = info->bytes;
    ret = slc_pl_media_add_segment(&s->pl, &seg);
    if (ret < 0) {
        return ret;
    }
    s->bytes += info->bytes;
    s->duration_us += info->duration_us;
    if (info->duration_us > 0) {
        uint64_t bps = (uint64_t)((double)info->bytes * 8e6 / (double)info->duration_us);
        s->peak_bps = bps > s->peak_bps ? bps : s->peak_bps;
    }
    if (s->type != SLC_PL_TYPE_EVENT) {
        return 0;
    }
    ret = write_media_playlist(s);
    if (ret == 0 && s->pl.nsegs == 1) {
        ret = write_multivariant(s); /* a player can start now; rewritten at the end */
    }
    return ret;
}

static int disk_describe(void *opaque, const struct slc_seg_stream_desc *desc)
{
    struct slc_store_disk *s = opaque;

    s->desc = *desc;
    s->pl.independent_segments = desc->has_video;
    return 0;
}

static int listed(const struct slc_pl_media *pl, const char *uri)
{
    for (size_t i = 0; i < pl->nsegs; i++) {
        if (strcmp(pl->segs[i].uri, uri) == 0) {
            return 1;
        }
    }
    return 0;
}

/* Remove segments of a previous run in this directory that the new playlist doesn't list. */
static void remove_stale(struct slc_store_disk *s)
{
    char path[PATH_CAP];

    for (size_t i = 0; i < s->old.nsegs; i++) {
        const char *uri = s->old.segs[i].uri;
        if (strchr(uri, '/') || uri[0] == '.' || listed(&s->pl, uri) ||
            slc_file_join(path, sizeof(path), s->outdir, uri) < 0) {
            continue;
        }
        if (unlink(path) == 0) {
            notify(s, uri, SLC_STORE_FILE_REMOVED); /* best effort, like the unlink */
        }
    }
}

static int disk_finish(void *opaque, int complete)
{
    struct slc_store_disk *s = opaque;
    int ret;

    abort_segment(s);
    if (!complete) {
        return 0; /* an EVENT playlist already lists every complete segment */
    }
    s->pl.endlist = 1;
    if (s->type == SLC_PL_TYPE_VOD) {
        s->pl.target_duration = slc_pl_media_min_target(&s->pl);
    }
    ret = write_media_playlist(s);
    if (ret == 0) {
        ret = write_multivariant(s);
    }
    if (ret == 0) {
        remove_stale(s);
    }
    return ret;
}

static const struct slc_seg_sink_ops disk_ops = {
    .begin = disk_begin,
    .write = disk_write,
    .end = disk_end,
    .describe = disk_describe,
    .finish = disk_finish,
};

struct slc_seg_sink slc_store_disk_sink(struct slc_store_disk *s)
{
    /* Large writes: a file store has no reader waiting for the first bytes. */
    return (struct slc_seg_sink){.ops = &disk_ops, .opaque = s, .chunk_size = 1024 * 1024};
}

void slc_store_disk_add_alternate(struct slc_store_disk *s, uint64_t peak_bps, uint64_t avg_bps)
{
    s->alt_peak_bps = peak_bps > s->alt_peak_bps ? peak_bps : s->alt_peak_bps;
    s->alt_avg_bps = avg_bps > s->alt_avg_bps ? avg_bps : s->alt_avg_bps;
}

void slc_store_disk_stats(const struct slc_store_disk *s, uint64_t *segments, uint64_t *bytes,
                          int64_t *duration_us, uint64_t *peak_bps, uint64_t *avg_bps)
{
    if (segments) {
        *segments = s->pl.nsegs;
    }
    if (bytes) {
        *bytes = s->bytes;
    }
    if (duration_us) {
        *duration_us = s->duration_us;
    }
    if (peak_bps) {
        *peak_bps = s->peak_bps;
    }
    if (avg_bps) {
        *avg_bps =
            s->duration_us > 0 ? (uint64_t)((double)s->bytes * 8e6 / (double)s->duration_us) : 0;
    }
}
