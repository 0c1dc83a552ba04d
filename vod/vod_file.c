/* SPDX-License-Identifier: MIT */
/* Files of the VOD directory: open beneath the root only (openat2 RESOLVE_BENEATH, or a
 * per-component O_NOFOLLOW walk where openat2 is missing), identity for cache validation,
 * and the bounded listing of media files for the player page. */
#include "vod_private.h"

#include "slc_err.h"
#include "slc_file.h"
#include "slc_vod.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const media_exts[] = {"mp4", "m4v", "mov", "mkv", "webm", "ts",  "m2ts",
                                         "mts", "m4a", "mp3", "aac", "flv",  "avi", "3gp"};

int vod_file_is_media(const char *name)
{
    const char *dot = strrchr(name, '.');

    if (!dot || dot == name) {
        return 0;
    }
    for (size_t i = 0; i < sizeof(media_exts) / sizeof(media_exts[0]); i++) {
        if (strcasecmp(dot + 1, media_exts[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

int vod_file_open(int dirfd, const char *relpath, struct vod_ident *id, int64_t *mtime)
{
    struct stat st;
    int fd = slc_file_open_beneath(dirfd, relpath);

    if (fd < 0) {
        return fd;
    }
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return SLC_ENOENT; /* directories, devices, FIFOs: nothing to serve */
    }
    vod_file_ident(&st, id);
    *mtime = (int64_t)st.st_mtim.tv_sec;
    return fd;
}

void vod_file_ident(const struct stat *st, struct vod_ident *id)
{
    id->dev = (uint64_t)st->st_dev;
    id->ino = (uint64_t)st->st_ino;
    id->size = (uint64_t)st->st_size;
    id->mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
}

void vod_file_fdpath(int fd, char *out, size_t cap)
{
    snprintf(out, cap, "/proc/self/fd/%d", fd);
}

struct walk {
    char path[VOD_PATH_MAX + 32];
    int budget;
    void (*emit)(void *, const char *);
    void *ctx;
};

static int has_suffix(const char *name, const char *suffix)
{
    size_t n = strlen(name), k = strlen(suffix);

    return n > k && strcasecmp(name + n - k, suffix) == 0;
}

/* A directory holding a playlist is an HLS package (sluice segment's output, say): its .ts
 * files are that playlist's segments, not titles to list. */
static int is_package_dir(DIR *d)
{
    struct dirent *de;
    int found = 0;

    while (!found && (de = readdir(d))) {
        found = de->d_name[0] != '.' && has_suffix(de->d_name, ".m3u8");
    }
    rewinddir(d);
    return found;
}

/* Depth-first below `dfd` (owned, closed here); w->path holds `plen` bytes of prefix. */
static void list_dir(struct walk *w, int dfd, size_t plen, int depth)
{
    DIR *d = fdopendir(dfd);
    struct dirent *de;
    int package;

    if (!d) {
        close(dfd);
        return;
    }
    package = is_package_dir(d);
    while ((de = readdir(d)) && --w->budget > 0) {
        struct stat st;
        size_t n = strlen(de->d_name);
        if (de->d_name[0] == '.' || plen + n + sizeof("/index.m3u8") > VOD_PATH_MAX ||
            fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
            continue; /* dotfiles, too long, vanished; lstat: symlinks are neither */
        }
        memcpy(w->path + plen, de->d_name, n + 1);
        if (S_ISREG(st.st_mode) && st.st_size > 0 && vod_file_is_media(de->d_name) &&
            !(package && has_suffix(de->d_name, ".ts"))) {
            memcpy(w->path + plen + n, "/index.m3u8", sizeof("/index.m3u8"));
            w->emit(w->ctx, w->path);
        } else if (S_ISDIR(st.st_mode) && depth < SLC_VOD_LIST_DEPTH) {
            int sub = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub >= 0) {
                w->path[plen + n] = '/';
                w->path[plen + n + 1] = '\0';
                list_dir(w, sub, plen + n + 1, depth + 1);
            }
        }
        w->path[plen] = '\0';
    }
    closedir(d);
}

void vod_file_list(int dirfd, void (*emit)(void *, const char *), void *ctx)
{
    struct walk w;
    int dfd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    if (dfd < 0) {
        return;
    }
    w.path[0] = '\0';
    w.budget = SLC_VOD_LIST_MAX;
    w.emit = emit;
    w.ctx = ctx;
    list_dir(&w, dfd, 0, 0);
}
