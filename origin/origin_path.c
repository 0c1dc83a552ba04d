/* SPDX-License-Identifier: MIT */
/* Request path normalisation: the first line of defence against path traversal. The second
 * is the root source's open beneath the root directory. */
#include "origin_path.h"

#include "slc_err.h"

#include <string.h>

/* Check one segment [s, s+n) and return 0 (keep), 1 (drop: "." or empty) or an slc_err. */
static int check_segment(const char *s, size_t n)
{
    if (n == 0 || (n == 1 && s[0] == '.')) {
        return 1;
    }
    if (n == 2 && s[0] == '.' && s[1] == '.') {
        return SLC_EINVAL;
    }
    if (s[0] == '.') {
        return SLC_EACCES;
    }
    return 0;
}

/* Reject bytes that have no business in a path we serve. */
static int check_bytes(const char *in, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)in[i];
        if (c < 0x20 || c == 0x7f || c == '\\') {
            return SLC_EINVAL;
        }
    }
    return 0;
}

int slc_origin_path_normalize(const char *in, size_t len, char *out, size_t cap)
{
    size_t o = 0, i = 1;
    int ret;

    if (cap == 0 || len == 0 || in[0] != '/') {
        return cap == 0 ? SLC_ELIMIT : SLC_EINVAL;
    }
    ret = check_bytes(in, len);
    if (ret < 0) {
        return ret;
    }
    while (i <= len) {
        const char *seg = in + i;
        const char *slash = memchr(seg, '/', len - i);
        size_t n = slash ? (size_t)(slash - seg) : len - i;
        ret = check_segment(seg, n);
        if (ret < 0) {
            return ret;
        }
        if (ret == 0) {
            if (o + (o ? 1 : 0) + n + 1 > cap) {
                return SLC_ELIMIT;
            }
            if (o) {
                out[o++] = '/';
            }
            memcpy(out + o, seg, n);
            o += n;
        }
        i += n + 1;
    }
    out[o] = '\0';
    return (int)o;
}

const char *slc_origin_path_ext(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    const char *dot = strrchr(base, '.');

    return dot && dot != base ? dot + 1 : "";
}
