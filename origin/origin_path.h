/* SPDX-License-Identifier: MIT */
/* URL path normalisation for the origin: turns the percent-decoded request path into a
 * relative path that cannot leave the served tree. Pure functions; no I/O, no HTTP library. */
#ifndef SLC_ORIGIN_PATH_H
#define SLC_ORIGIN_PATH_H

#include <stddef.h>

/* Longest normalised path we serve (bytes, without the NUL); longer requests get 414. */
#define SLC_ORIGIN_PATH_MAX 1024

/** Normalise the decoded request path `in` (`len` bytes, may hold NULs, need not be
 * NUL-terminated) into `out` (`cap` bytes): segments joined by '/', no leading or trailing
 * slash, empty and "." segments dropped ("/" gives ""). '%' stays literal: the input is
 * decoded once by the HTTP layer and never again here.
 * Returns the output length, or SLC_EINVAL (no leading '/', a NUL or control byte, a
 * backslash, a ".." segment), SLC_EACCES (a segment starting with '.': dotfiles and dot
 * directories are never served) or SLC_ELIMIT (output does not fit `cap`). */
int slc_origin_path_normalize(const char *in, size_t len, char *out, size_t cap);

/** Extension of the last segment of `path` without the dot ("ts"), or "" if none. */
const char *slc_origin_path_ext(const char *path);

#endif
