/* SPDX-License-Identifier: MIT */
/* Files of the VOD directory: open beneath the root only (openat2 RESOLVE_BENEATH, or a
 * per-component O_NOFOLLOW walk where openat2 is missing), identity for cache validation,
 * and the bounded listing of media files for the player page. */
#include "vod_private.h"

#include "slc_err.h"
#include "slc_vod.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/syscall.h>
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

static int map_errno(int e)
{
    switch (e) {
    case ENOENT:
    case ENOTDIR:
    case ENAMETOOLONG:
        return SLC_ENOENT;
    case EXDEV: /* RESOLVE_BENEATH: the path would leave the root */
    case ELOOP: /* a symlink where O_NOFOLLOW refuses one */
    case EACCES:
    case EPERM:
        return SLC_EACCES;
    default:
        return slc_err_from_errno(e);
    }
}

/* Kernels without openat2: open each component with O_NOFOLLOW (symlinks refused). */
static int open_walk(int dirfd, const char *relpath)
{
    char part[VOD_PATH_MAX + 1];
    const char *p = relpath;
    int fd = dirfd;

    for (;;) {
        const char *slash = strchr(p, '/');
        size_t n = slash ? (size_t)(slash - p) : strlen(p);
        int flags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY;
        int next;
        if (n > VOD_PATH_MAX) {
            errno = ENAMETOOLONG;
            next = -1;
        } else {
            memcpy(part, p, n);
            part[n] = '\0';
            next = openat(fd, part, slash ? flags | O_DIRECTORY : flags);
        }
        if (fd != dirfd) {
            int saved = errno;
            close(fd);
            errno = saved;
        }
        if (next < 0 || !slash) {
            return next;
        }
        fd = next;
        p = slash + 1;
    }
}

int vod_file_open(int dirfd, const char *relpath, struct vod_ident *id, int64_t *mtime)
{
    struct open_how how;
    struct stat st;
    long fd;

    memset(&how, 0, sizeof(how));
    /* O_NONBLOCK: a FIFO under the root must not block a server thread */
    how.flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    fd = syscall(SYS_openat2, dirfd, relpath, &how, sizeof(how));
    if (fd < 0 && (errno == ENOSYS || errno == EPERM)) {
        fd = open_walk(dirfd, relpath);
    }
    if (fd < 0) {
        return map_errno(errno);
    }
    if (fstat((int)fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close((int)fd);
        return SLC_ENOENT; /* directories, devices, FIFOs: nothing to serve */
    }
    id->dev = (uint64_t)st.st_dev;
    id->ino = (uint64_t)st.st_ino;
    id->size = (uint64_t)st.st_size;
    id->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
    *mtime = (int64_t)st.st_mtim.tv_sec;
    return (int)fd;
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

/* Depth-first below `dfd` (owned, closed here); w->path holds `plen` bytes of prefix. */
static void list_dir(struct walk *w, int dfd, size_t plen, int depth)
{
    DIR *d = fdopendir(dfd);
    struct dirent *de;

    if (!d) {
        close(dfd);
        return;
    }
    while ((de = readdir(d)) && --w->budget > 0) {
        struct stat st;
        size_t n = strlen(de->d_name);
        if (de->d_name[0] == '.' || plen + n + sizeof("/index.m3u8") > VOD_PATH_MAX ||
            fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
            continue; /* dotfiles, too long, vanished; lstat: symlinks are neither */
        }
        memcpy(w->path + plen, de->d_name, n + 1);
        if (S_ISREG(st.st_mode) && st.st_size > 0 && vod_file_is_media(de->d_name)) {
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
