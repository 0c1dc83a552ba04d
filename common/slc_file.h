/* SPDX-License-Identifier: MIT */
/* Small file helpers shared by the writers: atomic replace and directory creation.
 * POSIX only; no knowledge of media or HTTP. */
#ifndef SLC_FILE_H
#define SLC_FILE_H

#include <stddef.h>

/** Write `len` bytes to `path` atomically: a temporary file in the same directory is written,
 * fsync'd and renamed over `path`, so readers see the old or the new content, never a mix.
 * On failure the temporary is removed, `path` is untouched, and the cause is logged.
 * Returns 0 or a negative slc_err (SLC_ENOSPC, SLC_EACCES, SLC_EIO, ...). */
int slc_file_write_atomic(const char *path, const void *data, size_t len);

/** Create directory `path` and its parents (mode 0755). 0 if it exists already. */
int slc_file_mkdirs(const char *path);

/** Open the regular-file path `relpath` (relative, already normalised) beneath the directory
 * `dirfd` only: openat2 with RESOLVE_BENEATH, or, where the kernel lacks openat2, a walk that
 * opens each component with O_NOFOLLOW (symlinks refused). Opened O_RDONLY | O_NONBLOCK (a
 * FIFO must not block a server thread). Written by hand because no library offers a safe
 * "open beneath" for both kernels. Returns the descriptor (the caller closes it) or a negative
 * slc_err: SLC_ENOENT (missing, not a directory, name too long), SLC_EACCES (would leave the
 * directory, a symlink on the walk, permission). */
int slc_file_open_beneath(int dirfd, const char *relpath);

/** Join `dir` and `name` into `out` (size `cap`). SLC_ELIMIT if it doesn't fit. */
int slc_file_join(char *out, size_t cap, const char *dir, const char *name);

#endif
