/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the origin's request path normaliser. Whatever the input, an accepted
 * path must be relative, free of "..", empty and dot-leading segments, NULs, backslashes and
 * control bytes, and normalising it again must give it back unchanged. */
#include "origin_path.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_output(const char *out, int n)
{
    const char *seg = out;

    if ((size_t)n != strlen(out) || out[0] == '/' || (n > 0 && out[n - 1] == '/')) {
        abort();
    }
    for (int i = 0; i < n; i++) {
        unsigned char c = (unsigned char)out[i];
        if (c < 0x20 || c == 0x7f || c == '\\') {
            abort();
        }
    }
    while (n > 0 && seg) {
        const char *slash = strchr(seg, '/');
        size_t len = slash ? (size_t)(slash - seg) : strlen(seg);
        if (len == 0 || seg[0] == '.') {
            abort();
        }
        seg = slash ? slash + 1 : NULL;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char out[SLC_ORIGIN_PATH_MAX + 1], again[SLC_ORIGIN_PATH_MAX + 2],
        out2[SLC_ORIGIN_PATH_MAX + 1];
    int n = slc_origin_path_normalize((const char *)data, size, out, sizeof(out));

    if (n < 0) {
        return 0;
    }
    check_output(out, n);
    again[0] = '/';
    memcpy(again + 1, out, (size_t)n + 1);
    if (slc_origin_path_normalize(again, (size_t)n + 1, out2, sizeof(out2)) != n ||
        strcmp(out, out2) != 0) {
        abort();
    }
    (void)slc_origin_path_ext(out);
    return 0;
}
