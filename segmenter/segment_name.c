/* SPDX-License-Identifier: MIT */
/* Segment file name templates ("seg%05d.ts"). */
#include "slc_seg_sink.h"

#include "slc_err.h"
#include "slc_log.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define NAME_WIDTH_MAX 20

/* Parse the conversion starting at tmpl[i] == '%'. Sets *width (-1 for "%%") and returns the
 * number of characters consumed, or 0 when the conversion is not one we accept. */
static size_t parse_conversion(const char *p, int *width)
{
    size_t i = 1;
    int w = 0;

    if (p[1] == '%') {
        *width = -1;
        return 2;
    }
    if (p[i] == '0') {
        i++;
        while (p[i] >= '0' && p[i] <= '9' && w <= NAME_WIDTH_MAX) {
            w = w * 10 + (p[i] - '0');
            i++;
        }
        if (w == 0 || w > NAME_WIDTH_MAX) {
            return 0;
        }
    }
    if (p[i] != 'd') {
        return 0;
    }
    *width = w;
    return i + 1;
}

int slc_seg_name_format(const char *tmpl, uint64_t n, char *out, size_t cap)
{
    size_t o = 0;
    int conversions = 0;

    for (size_t i = 0; tmpl[i];) {
        int width = 0, len;
        size_t used;
        if (tmpl[i] != '%') {
            if (o + 1 >= cap) {
                return SLC_ELIMIT;
            }
            out[o++] = tmpl[i++];
            continue;
        }
        used = parse_conversion(tmpl + i, &width);
        if (used == 0 || (width >= 0 && conversions++ > 0)) {
            return SLC_EINVAL;
        }
        i += used;
        if (width < 0) {
            len = snprintf(out + o, cap - o, "%%");
        } else {
            len = snprintf(out + o, cap - o, "%0*" PRIu64, width, n);
        }
        if (len < 0 || (size_t)len >= cap - o) {
            return SLC_ELIMIT;
        }
        o += (size_t)len;
    }
    if (conversions != 1 || cap == 0) {
        return SLC_EINVAL;
    }
    out[o] = '\0';
    return 0;
}

int slc_seg_name_check(const char *tmpl)
{
    char probe[256];

    if (!tmpl || !*tmpl || tmpl[0] == '.' || strchr(tmpl, '/')) {
        slc_log_error("segmenter: bad segment template '%s': must be a plain file name",
                      tmpl ? tmpl : "");
        return SLC_EINVAL;
    }
    for (const char *p = tmpl; *p; p++) {
        if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '"' || *p == '\\' || *p == '?' ||
            *p == '#') {
            slc_log_error("segmenter: bad segment template '%s': character not allowed in a URI",
                          tmpl);
            return SLC_EINVAL;
        }
    }
    if (slc_seg_name_format(tmpl, 0, probe, sizeof(probe)) < 0) {
        slc_log_error("segmenter: bad segment template '%s': needs exactly one %%d or %%0Nd", tmpl);
        return SLC_EINVAL;
    }
    return 0;
}
