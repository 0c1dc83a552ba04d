/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the Range, If-None-Match and HTTP-date parsers of the origin. The input
 * is one header value (the first 8 bytes, when present, give the representation size). A
 * satisfiable range must lie inside the representation; a parsed date must format and parse
 * back to itself. */
#include "origin_headers.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_range(const char *value, uint64_t rsize)
{
    struct slc_origin_range r;
    int ret = slc_origin_range_parse(value, rsize, &r);

    if (ret == 1 && (r.first > r.last || r.last >= rsize)) {
        abort();
    }
    if (ret != 0 && ret != 1 && ret != -13 /* SLC_ERANGE */) {
        abort();
    }
}

static void fuzz_date(const char *value)
{
    int64_t t = 0, t2 = 0;
    char buf[SLC_ORIGIN_DATE_LEN];

    if (slc_origin_http_date_parse(value, &t) != 0) {
        return;
    }
    if (t < 0 || t > 253402300799LL) {
        abort(); /* years 1970..9999 only */
    }
    slc_origin_http_date_format(t, buf);
    if (strlen(buf) != SLC_ORIGIN_DATE_LEN - 1 || slc_origin_http_date_parse(buf, &t2) != 0 ||
        t2 != t) {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint64_t rsize = 1000;
    char *value;

    if (size >= 8) {
        memcpy(&rsize, data, 8);
        data += 8;
        size -= 8;
    }
    value = malloc(size + 1);
    if (!value) {
        return 0;
    }
    memcpy(value, data, size);
    value[size] = '\0';
    fuzz_range(value, rsize);
    fuzz_range(value, rsize % 4096);
    (void)slc_origin_etag_match(value, "\"0123456789abcdef\"");
    (void)slc_origin_etag_match("\"0123456789abcdef\"", value);
    fuzz_date(value);
    free(value);
    return 0;
}
