/* SPDX-License-Identifier: MIT */
/* Live window store, disk side: segments written under a dot-name and renamed once complete,
 * playlists replaced atomically, dropped segments deleted, and a previous run's playlist
 * taken over so a restart continues its numbering (HLS-NOTES: SRS and MediaMTX restart at
 * 0 and players stall). A SIGKILL at any moment leaves a playlist listing complete files. */
#include "store_live_priv.h"

#include "slc_err.h"
#include "slc_file.h"
#include "slc_log.h"
#include "slc_object.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define OLD_PLAYLIST_MAX (16 * 1024 * 1024)

static int io_error(const char *call, const char *path, int errnum)
{
    int err = slc_err_from_errno(errnum);

    slc_log_error("store: %s failed '%s': %s", call, path, strerror(errnum));
    return err == SLC_ENOENT ? SLC_EIO : err;
}

static int path_of(const struct slc_store_live *s, const char *name, int tmp, char *out, size_t cap)
{
    char tname[LIVE_NAME_CAP + 8];

    if (tmp) {
        /* a dot-name while incomplete: static servers and uploaders skip it */
        snprintf(tname, sizeof(tname), ".%s.tmp", name);
        name = tname;
    }
    return slc_file_join(out, cap, s->dir, name);
}

/* A disk operation failed with `err`. A store that also serves from memory (`serve --live
 * --live-mirror`) has a copy on disk, and a failure there (a full disk, a folder gone) stops
 * the copy, not the channel: the open file is dropped, the mirror is off for the rest of the
 * run (its playlist stays as last written: complete files only), and 0 comes back. A
 * disk-only store (`sluice live`) fails with `err`. */
static int disk_failed(struct slc_store_live *s, int err)
{
    char tmp[LIVE_PATH_CAP];

    if (err >= 0 || !s->cfg.memory || !s->dir) {
        return err;
    }
    slc_log_error("store: channel '%s': disk mirror '%s' stopped (%s); the channel is still "
                  "served from memory",
                  s->name, s->dir, slc_strerror(err));
    if (s->fd >= 0) {
        close(s->fd);
        s->fd = -1;
        if (s->cur.name[0] && path_of(s, s->cur.name, 1, tmp, sizeof(tmp)) == 0) {
            unlink(tmp);
        }
    }
    free(s->dir);
    s->dir = NULL;
    s->cfg.dir = NULL;
    return 0;
}

/* Tell the on_file callback (if any) that `name` reached its final state. */
static int notify(const struct slc_store_live *s, const char *name, enum slc_store_file_event ev)
{
    return s->cfg.on_file ? s->cfg.on_file(s->cfg.on_file_opaque, name, ev) : 0;
}

/* Read the whole file at `path` (at most OLD_PLAYLIST_MAX). NULL when absent or unreadable. */
static char *read_text(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *text;

    if (!f) {
        return NULL;
    }
    text = malloc(OLD_PLAYLIST_MAX);
    *len = text ? fread(text, 1, OLD_PLAYLIST_MAX, f) : 0;
    fclose(f);
    return text;
}

/* Remove the temporary files of segments a killed run was writing. */
static void remove_temporaries(const struct slc_store_live *s)
{
    DIR *d = opendir(s->dir);
    struct dirent *de;
    char path[LIVE_PATH_CAP];

    while (d && (de = readdir(d))) {
        size_t n = strlen(de->d_name);
        if (strncmp(de->d_name, ".seg", 4) == 0 && n > 8 &&
            strcmp(de->d_name + n - 4, ".tmp") == 0 &&
            slc_file_join(path, sizeof(path), s->dir, de->d_name) == 0) {
            unlink(path);
        }
    }
    if (d) {
        closedir(d);
    }
}

/* One entry per segment the old playlist lists; in memory mode its file backs the object. */
static int adopt_segments(struct slc_store_live *s)
{
    char path[LIVE_PATH_CAP];

    s->e = calloc(s->pl.nsegs ? s->pl.nsegs : 1, sizeof(*s->e));
    if (!s->e) {
        return SLC_ENOMEM;
    }
    s->cap = s->pl.nsegs ? s->pl.nsegs : 1;
    for (size_t i = 0; i < s->pl.nsegs; i++) {
        struct live_entry *e = &s->e[s->n++];
        e->seq = s->pl.media_sequence + i;
        e->duration_us = s->pl.segs[i].duration_us;
        snprintf(e->name, sizeof(e->name), "%s", s->pl.segs[i].uri);
        if (s->cfg.memory && !strchr(e->name, '/') &&
            path_of(s, e->name, 0, path, sizeof(path)) == 0) {
            int fd = open(path, O_RDONLY | O_CLOEXEC);
            if (fd >= 0 && slc_object_new_file(fd, &e->obj) < 0) {
                e->obj = NULL;
            }
        }
    }
    return 0;
}

/* The taken-over segments are complete files too: announce them, so an uploader has what the
 * next playlist lists (the previous run may have died before uploading them). */
static int announce_adopted(struct slc_store_live *s)
{
    char path[LIVE_PATH_CAP];
    int ret = 0;

    for (size_t i = 0; i < s->n && ret == 0; i++) {
        if (!strchr(s->e[i].name, '/') && path_of(s, s->e[i].name, 0, path, sizeof(path)) == 0 &&
            access(path, R_OK) == 0) {
            ret = notify(s, s->e[i].name, SLC_STORE_FILE_SEGMENT);
        }
    }
    return ret;
}

int slc_store_live_disk_takeover(struct slc_store_live *s)
{
    char path[LIVE_PATH_CAP], why[256] = "";
    struct slc_pl_multivariant mv;
    size_t len = 0;
    char *text;
    int ret;

    if (!s->dir) {
        return 0;
    }
    ret = slc_file_mkdirs(s->dir);
    if (ret < 0) {
        return ret == SLC_ENOENT ? SLC_EIO : ret;
    }
    remove_temporaries(s);
    if (path_of(s, SLC_STORE_LIVE_MEDIA, 0, path, sizeof(path)) < 0 ||
        !(text = read_text(path, &len))) {
        return 0;
    }
    slc_pl_multi_init(&mv);
    ret = slc_pl_parse(text, len, &s->pl, &mv, why, sizeof(why));
    slc_pl_multi_deinit(&mv);
    free(text);
    if (ret != SLC_PL_KIND_MEDIA) {
        slc_log_warn("store: channel '%s': ignoring unreadable '%s' (%s); starting at 0", s->name,
                     path, why);
        slc_pl_media_deinit(&s->pl);
        s->pl.type = s->cfg.type;
        return 0;
    }
    s->pl.endlist = 0;
    s->pl.version = 0;
    s->pl.type = s->cfg.type;
    s->target_fixed = 1;
    s->next_seq = s->pl.media_sequence + s->pl.nsegs;
    slc_log_info("store: channel '%s': continuing '%s' at media sequence %llu", s->name, path,
                 (unsigned long long)s->next_seq);
    ret = adopt_segments(s);
    return ret < 0 ? ret : announce_adopted(s);
}

int slc_store_live_disk_begin(struct slc_store_live *s)
{
    char path[LIVE_PATH_CAP];

    if (!s->dir) {
        return 0;
    }
    slc_store_live_disk_abort(s);
    if (path_of(s, s->cur.name, 1, path, sizeof(path)) < 0) {
        return SLC_ELIMIT;
    }
    s->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    return s->fd < 0 ? disk_failed(s, io_error("open", path, errno)) : 0;
}

int slc_store_live_disk_write(struct slc_store_live *s, const uint8_t *p, size_t n)
{
    while (s->fd >= 0 && n > 0) {
        ssize_t w = write(s->fd, p, n);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            return disk_failed(s, io_error("write", s->cur.name, errno));
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int slc_store_live_disk_end(struct slc_store_live *s)
{
    char tmp[LIVE_PATH_CAP], path[LIVE_PATH_CAP];
    int fd = s->fd;

    if (fd < 0) {
        return 0;
    }
    s->fd = -1;
    if (path_of(s, s->cur.name, 1, tmp, sizeof(tmp)) < 0 ||
        path_of(s, s->cur.name, 0, path, sizeof(path)) < 0) {
        close(fd);
        return SLC_ELIMIT;
    }
    if (close(fd) < 0) {
        int err = io_error("close", tmp, errno);
        unlink(tmp);
        return disk_failed(s, err);
    }
    if (rename(tmp, path) < 0) {
        int err = io_error("rename", path, errno);
        unlink(tmp);
        return disk_failed(s, err);
    }
    return notify(s, s->cur.name, SLC_STORE_FILE_SEGMENT);
}

void slc_store_live_disk_abort(struct slc_store_live *s)
{
    char tmp[LIVE_PATH_CAP];

    if (s->fd < 0) {
        return;
    }
    close(s->fd);
    s->fd = -1;
    if (path_of(s, s->cur.name, 1, tmp, sizeof(tmp)) == 0) {
        unlink(tmp);
    }
}

int slc_store_live_disk_remove(struct slc_store_live *s, const char *name)
{
    char path[LIVE_PATH_CAP];

    if (!s->dir || strchr(name, '/') || path_of(s, name, 0, path, sizeof(path)) < 0) {
        return 0;
    }
    /* gone locally or not, it left the window: a remote copy may go too */
    unlink(path);
    return notify(s, name, SLC_STORE_FILE_REMOVED);
}

int slc_store_live_disk_publish(struct slc_store_live *s, const char *file, const struct slc_buf *b)
{
    char path[LIVE_PATH_CAP];
    int ret;

    if (!s->dir) {
        return 0;
    }
    if (path_of(s, file, 0, path, sizeof(path)) < 0) {
        return SLC_ELIMIT;
    }
    ret = slc_file_write_atomic(path, b->data, b->len);
    return ret < 0 ? disk_failed(s, ret) : notify(s, file, SLC_STORE_FILE_PLAYLIST);
}
