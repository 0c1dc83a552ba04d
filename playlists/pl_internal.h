/* SPDX-License-Identifier: MIT */
/* Helpers shared by the playlists/ sources (not installed, not part of the public contract):
 * text validation, EXTINF rounding, date-time conversion and RFC 8216 4.2 attribute lists. */
#ifndef SLC_PL_INTERNAL_H
#define SLC_PL_INTERNAL_H

#include "slc_playlist.h"

#include <stddef.h>
#include <stdint.h>

/* Room for "YYYY-MM-DDThh:mm:ss.mmmZ" plus NUL, with slack. */
#define SLC_PL_TIME_LEN 32

/* Earliest and latest EXT-X-PROGRAM-DATE-TIME we can write with a four-digit year:
 * 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z in ms since the epoch. */
#define SLC_PL_TIME_MIN_MS (-62167219200000LL)
#define SLC_PL_TIME_MAX_MS (253402300799999LL)

/** Format a one-line reason into `why` (if not NULL and why_cap > 0). */
void slc_pl_why(char *why, size_t why_cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/** strdup that tolerates NULL (returns NULL) and reports failure through `*ret`. */
char *slc_pl_strdup(const char *s, int *ret);

/** 1 if `s` contains CR or LF (it would break the line structure of a playlist). */
int slc_pl_has_newline(const char *s);
/** 1 if `s` may appear inside an RFC 8216 quoted-string: no '"', CR or LF. */
int slc_pl_is_quotable(const char *s);
/** 1 if `s` can stand alone on a URI line: non-empty, single-line, not starting with '#'. */
int slc_pl_is_uri_line(const char *s);

/** EXTINF value in milliseconds as written: microseconds rounded half-up. */
int64_t slc_pl_extinf_ms(int64_t duration_us);
/** The EXTINF value as written, rounded half-up to whole seconds (RFC 8216 4.3.3.1). */
int64_t slc_pl_extinf_rounded_s(int64_t duration_us);

/** Lowest EXT-X-VERSION the media playlist's tags allow (RFC 8216 7). */
int slc_pl_media_min_version(const struct slc_pl_media *pl);

/* ---- LL-HLS (pl_part.c) ---- */

void slc_pl_parts_free(struct slc_pl_part *parts, size_t n);
/** EXT-X-SERVER-CONTROL and EXT-X-PART-INF (nothing without PART-TARGET). */
int slc_pl_write_ll_header(const struct slc_pl_media *pl, struct slc_buf *out);
/** EXT-X-PART lines. */
int slc_pl_write_parts(const struct slc_pl_part *parts, size_t n, const char *base_url,
                       struct slc_buf *out);
/** The pending parts and the preload hint, after the last segment. */
int slc_pl_write_ll_tail(const struct slc_pl_media *pl, const char *base_url, struct slc_buf *out);
/** LL-HLS rules of slc_pl_media_check. 0 or SLC_EPROTO with `why`. */
int slc_pl_media_check_ll(const struct slc_pl_media *pl, char *why, size_t why_cap);
/** 1 when a part or the hint addresses a byte range (the version then needs 4). */
int slc_pl_media_has_ranged_parts(const struct slc_pl_media *pl);
/** Append `uri`, prefixed with base_url when relative (exactly one '/' between). */
int slc_pl_append_uri(struct slc_buf *out, const char *base_url, const char *uri);

/** Validate a variant / rendition as the writer needs them. 0 or SLC_EPROTO with `why`. */
int slc_pl_variant_check(const struct slc_pl_variant *v, char *why, size_t why_cap);
int slc_pl_rendition_check(const struct slc_pl_rendition *r, char *why, size_t why_cap);
/** Cross-checks of a whole multivariant playlist (AUDIO groups exist, >= 1 variant). */
int slc_pl_multi_check(const struct slc_pl_multivariant *mv, char *why, size_t why_cap);

/* ---- date-time (pl_time.c) ---- */

/** Write `ms` (since the epoch, UTC) as ISO 8601 with milliseconds and 'Z' into `out`.
 * SLC_ERANGE outside [SLC_PL_TIME_MIN_MS, SLC_PL_TIME_MAX_MS]. */
int slc_pl_time_format(int64_t ms, char out[SLC_PL_TIME_LEN]);
/** Parse an RFC 8216 4.3.2.6 date-time (ISO 8601: YYYY-MM-DDThh:mm:ss[.f...][Z|+hh:mm|-hh:mm|
 * +hhmm|+hh]) of exactly `n` bytes into ms since the epoch. 0 or SLC_EPROTO. */
int slc_pl_time_parse(const char *s, size_t n, int64_t *ms);

/* ---- numbers and attribute lists (pl_attr.c) ---- */

/** decimal-integer (RFC 8216 4.2): 1-20 digits, value <= max. 0 or SLC_EPROTO. */
int slc_pl_text_uint(const char *s, size_t n, uint64_t max, uint64_t *out);
/** decimal-floating-point (digits, optionally '.' and digits) scaled by 10^scale and rounded
 * half-up from the next digit; the integer part must be <= max_int. 0 or SLC_EPROTO. */
int slc_pl_text_fixed(const char *s, size_t n, unsigned scale, int64_t max_int, int64_t *out);

/** One AttributeName=AttributeValue pair; pointers into the line, not NUL-terminated. */
struct slc_pl_attr {
    const char *name;
    size_t name_len;
    const char *value; /* for quoted strings: the text between the quotes */
    size_t value_len;
    int quoted;
};

/** Iterate an attribute-list (RFC 8216 4.2) of `n` bytes starting at `*pos`. Returns 1 with
 * `*a` filled and `*pos` advanced, 0 at the end, SLC_EPROTO on malformed text (`why` set). */
int slc_pl_attr_next(const char *s, size_t n, size_t *pos, struct slc_pl_attr *a, char *why,
                     size_t why_cap);
/** 1 if the attribute's name equals `name`. */
int slc_pl_attr_is(const struct slc_pl_attr *a, const char *name);
/** Typed values; each returns 0 or SLC_EPROTO (wrong type or out of range). */
int slc_pl_attr_uint(const struct slc_pl_attr *a, uint64_t max, uint64_t *out);
int slc_pl_attr_fixed(const struct slc_pl_attr *a, unsigned scale, int64_t max_int, int64_t *out);
int slc_pl_attr_resolution(const struct slc_pl_attr *a, int *w, int *h);
/** enumerated-string: unquoted, no whitespace. */
int slc_pl_attr_enum(const struct slc_pl_attr *a, const char *const *allowed, int *index);
/** quoted-string: a malloc'd NUL-terminated copy in `*out` (caller frees). SLC_ENOMEM too. */
int slc_pl_attr_string(const struct slc_pl_attr *a, char **out);
/** hexadecimal-sequence ("0x" or "0X" and hex digits): bytes into out[cap], count in *n. */
int slc_pl_attr_hex(const struct slc_pl_attr *a, uint8_t *out, size_t cap, size_t *n);

#endif
