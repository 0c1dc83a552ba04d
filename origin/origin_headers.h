/* SPDX-License-Identifier: MIT */
/* Parsers and formatters for the request headers the origin honours: Range (RFC 9110 14),
 * If-None-Match and If-Modified-Since / HTTP-date (RFC 9110 13, 5.6.7). Pure functions on
 * untrusted text (fuzzed); no I/O, no HTTP library. */
#ifndef SLC_ORIGIN_HEADERS_H
#define SLC_ORIGIN_HEADERS_H

#include <stddef.h>
#include <stdint.h>

/* Room for an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") and its NUL. */
#define SLC_ORIGIN_DATE_LEN 30

/** One byte range, both ends inclusive. */
struct slc_origin_range {
    uint64_t first, last;
};

/** Parse a Range header `value` (NULL: absent) for a representation of `size` bytes.
 * Returns 1 with *r set for one satisfiable range (clamped to the size), 0 when the header must
 * be ignored (absent, not "bytes", malformed, or several ranges: the whole representation is
 * served with 200, which RFC 9110 14.2 allows), or SLC_ERANGE when it cannot be satisfied
 * (416 with "Content-Range: bytes *\/size"). */
int slc_origin_range_parse(const char *value, uint64_t size, struct slc_origin_range *r);

/** If-None-Match: 1 when `value` is "*" or lists `etag` (a quoted entity-tag like "\"ab\"")
 * under the weak comparison of RFC 9110 8.8.3.2 (a W/ prefix is ignored), else 0. A malformed
 * list matches nothing after the first defect. */
int slc_origin_etag_match(const char *value, const char *etag);

/** Parse an HTTP-date in any of the three RFC 9110 5.6.7 forms (IMF-fixdate, RFC 850,
 * asctime) into seconds since the epoch. 0 or SLC_EINVAL. */
int slc_origin_http_date_parse(const char *s, int64_t *t);

/** Format `t` (seconds since the epoch, >= 0) as IMF-fixdate into `out` (at least
 * SLC_ORIGIN_DATE_LEN bytes). */
void slc_origin_http_date_format(int64_t t, char out[SLC_ORIGIN_DATE_LEN]);

#endif
