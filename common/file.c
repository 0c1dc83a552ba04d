/* SPDX-License-Identifier: MIT */
/* Atomic file replacement (temp + fsync + rename in the same directory) and mkdir -p. */
#include "slc_file.h"

#include "slc_err.h"
#include "slc_log.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int write_all(int fd, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -errno;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int slc_file_write_atomic(const char *path, const void *data, size_t len)
{
    char tmp[4096];
    int fd, ret;

    if (snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof(tmp)) {
        return SLC_ELIMIT;
    }
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        ret = slc_err_from_errno(errno);
        slc_log_error("file: open failed '%s': %s", tmp, strerror(errno));
        return ret;
    }
    ret = write_all(fd, data, len);
    if (ret == 0 && fsync(fd) < 0) {
        ret = -errno;
    }
    if (close(fd) < 0 && ret == 0) {
        ret = -errno;
    }
    if (ret == 0 && rename(tmp, path) < 0) {
        ret = -errno;
    }
    if (ret < 0) {
        slc_log_error("file: write failed '%s': %s", path, strerror(-ret));
        unlink(tmp);
        return slc_err_from_errno(-ret);
    }
    return 0;
}

int slc_file_mkdirs(const char *path)
{
    char buf[4096];
    size_t len = strlen(path);

    if (len == 0 || len >= sizeof(buf)) {
        return SLC_EINVAL;
    }
    memcpy(buf, path, len + 1);
    for (size_t i = 1; i <= len; i++) {
        if (buf[i] != '/' && buf[i] != '\0') {
            continue;
        }
        char saved = buf[i];
        buf[i] = '\0';
        if (mkdir(buf, 0755) < 0 && errno != EEXIST) {
            int err = errno;
            slc_log_error("file: mkdir failed '%s': %s", buf, strerror(err));
            return slc_err_from_errno(err);
        }
        buf[i] = saved;
    }
    return 0;
}

int slc_file_join(char *out, size_t cap, const char *dir, const char *name)
{
    size_t dl = strlen(dir);
    const char *sep = (dl > 0 && dir[dl - 1] == '/') ? "" : "/";
    int n = snprintf(out, cap, "%s%s%s", dir, sep, name);

    if (n < 0 || (size_t)n >= cap) {
        return SLC_ELIMIT;
    }
    return 0;
}

#define BENEATH_NAME_MAX 4096

static int map_open_errno(int e)
{
    switch (e) {
    case ENOENT:
    case ENOTDIR:
    case ENAMETOOLONG:
        return SLC_ENOENT;
    case EXDEV: /* RESOLVE_BENEATH: the path would leave the directory */
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
    char part[BENEATH_NAME_MAX + 1];
    const char *p = relpath;
    int fd = dirfd;

    for (;;) {
        const char *slash = strchr(p, '/');
        size_t n = slash ? (size_t)(slash - p) : strlen(p);
        int flags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY;
        int next;
        if (n > BENEATH_NAME_MAX) {
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

int slc_file_open_beneath(int dirfd, const char *relpath)
{
    struct open_how how;
    long fd;

    memset(&how, 0, sizeof(how));
    how.flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    fd = syscall(SYS_openat2, dirfd, relpath, &how, sizeof(how));
    if (fd < 0 && (errno == ENOSYS || errno == EPERM)) {
        fd = open_walk(dirfd, relpath);
    }
    return fd < 0 ? map_open_errno(errno) : (int)fd;
}
