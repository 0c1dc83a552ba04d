/* SPDX-License-Identifier: MIT */
/* Range, entity-tag and HTTP-date handling. Everything here reads attacker-controlled text:
 * every loop is bounded by the string and every number saturates instead of overflowing. */
#include "origin_headers.h"

#include "slc_err.h"

#include <stdio.h>
#include <string.h>

static const char *const wkdays[7] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
static const char *const months[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

static const char *skip_ows(const char *p)
{
    while (*p == ' ' || *p == '\t') {
        p++;
    }
    return p;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Read decimal digits at *pp, saturating at UINT64_MAX. */
static void read_u64(const char **pp, uint64_t *v)
{
    const char *p = *pp;
    uint64_t x = 0;

    while (is_digit(*p)) {
        uint64_t d = (uint64_t)(*p - '0');
        x = x > (UINT64_MAX - d) / 10 ? UINT64_MAX : x * 10 + d;
        p++;
    }
    *v = x;
    *pp = p;
}

/* Resolve one parsed range spec against `size`. */
static int range_resolve(int has_first, uint64_t first, int has_last, uint64_t last, uint64_t size,
                         struct slc_origin_range *r)
{
    if (!has_first) { /* suffix range: the last `last` bytes */
        if (last == 0 || size == 0) {
            return SLC_ERANGE;
        }
        r->first = last >= size ? 0 : size - last;
        r->last = size - 1;
        return 1;
    }
    if (has_last && last < first) {
        return 0; /* invalid: RFC 9110 14.1.1 says ignore */
    }
    if (first >= size) {
        return SLC_ERANGE;
    }
    r->first = first;
    r->last = has_last && last < size - 1 ? last : size - 1;
    return 1;
}

int slc_origin_range_parse(const char *value, uint64_t size, struct slc_origin_range *r)
{
    const char *p;
    uint64_t first = 0, last = 0;
    int has_first, has_last;

    if (!value) {
        return 0;
    }
    p = skip_ows(value);
    if (strncasecmp(p, "bytes", 5) != 0) {
        return 0;
    }
    p = skip_ows(p + 5);
    if (*p != '=' || strchr(p, ',')) {
        return 0;
    }
    p = skip_ows(p + 1);
    has_first = is_digit(*p);
    if (has_first) {
        read_u64(&p, &first);
    }
    if (*p != '-') {
        return 0;
    }
    p++;
    has_last = is_digit(*p);
    if (has_last) {
        read_u64(&p, &last);
    }
    p = skip_ows(p);
    if (*p != '\0' || (!has_first && !has_last)) {
        return 0;
    }
    return range_resolve(has_first, first, has_last, last, size, r);
}

/* Length of the opaque part of `etag` ("\"abc\"" -> abc) or 0 if it is not quoted. */
static size_t etag_opaque(const char *etag, const char **start)
{
    size_t n = strlen(etag);

    if (n < 2 || etag[0] != '"' || etag[n - 1] != '"') {
        return 0;
    }
    *start = etag + 1;
    return n - 2;
}

int slc_origin_etag_match(const char *value, const char *etag)
{
    const char *mine = NULL, *p = value;
    size_t mine_len = etag_opaque(etag, &mine);

    if (!value || mine_len == 0) {
        return 0;
    }
    p = skip_ows(value);
    if (*p == '*' && *skip_ows(p + 1) == '\0') {
        return 1;
    }
    for (;;) {
        const char *q;
        while (*p == ' ' || *p == '\t' || *p == ',') {
            p++;
        }
        if (p[0] == 'W' && p[1] == '/') {
            p += 2;
        }
        if (*p != '"') {
            return 0;
        }
        q = strchr(p + 1, '"');
        if (!q) {
            return 0;
        }
        if ((size_t)(q - p - 1) == mine_len && memcmp(p + 1, mine, mine_len) == 0) {
            return 1;
        }
        p = q + 1;
    }
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    int64_t era;
    unsigned yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned)(y - era * 400);
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static int month_index(const char *s)
{
    for (int i = 0; i < 12; i++) {
        if (strncmp(s, months[i], 3) == 0) {
            return i + 1;
        }
    }
    return 0;
}

/* Read exactly `n` digits (n <= 4). */
static int read_fixed(const char **pp, int n, int *v)
{
    int x = 0;

    for (int i = 0; i < n; i++) {
        if (!is_digit((*pp)[i])) {
            return SLC_EINVAL;
        }
        x = x * 10 + ((*pp)[i] - '0');
    }
    *pp += n;
    *v = x;
    return 0;
}

/* "HH:MM:SS" */
static int read_time(const char **pp, int *h, int *mi, int *s)
{
    if (read_fixed(pp, 2, h) < 0 || *(*pp)++ != ':' || read_fixed(pp, 2, mi) < 0 ||
        *(*pp)++ != ':' || read_fixed(pp, 2, s) < 0) {
        return SLC_EINVAL;
    }
    return *h < 24 && *mi < 60 && *s <= 60 ? 0 : SLC_EINVAL;
}

static int make_time(int y, int mo, int d, int h, int mi, int s, int64_t *t)
{
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || y < 1970) {
        return SLC_EINVAL;
    }
    *t = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + s;
    return 0;
}

/* "Sun, 06 Nov 1994 08:49:37 GMT" */
static int parse_imf(const char *p, int64_t *t)
{
    int d, mo, y, h, mi, s;

    p += 5;
    if (read_fixed(&p, 2, &d) < 0 || *p++ != ' ' || !(mo = month_index(p))) {
        return SLC_EINVAL;
    }
    p += 3;
    if (*p++ != ' ' || read_fixed(&p, 4, &y) < 0 || *p++ != ' ' || read_time(&p, &h, &mi, &s) < 0 ||
        strcmp(p, " GMT") != 0) {
        return SLC_EINVAL;
    }
    return make_time(y, mo, d, h, mi, s, t);
}

/* "Sunday, 06-Nov-94 08:49:37 GMT"; two-digit years below 70 are 20xx (RFC 9110 5.6.7). */
static int parse_rfc850(const char *p, int64_t *t)
{
    int d, mo, y, h, mi, s;

    p = strchr(p, ',');
    if (!p || *++p != ' ') {
        return SLC_EINVAL;
    }
    p++;
    if (read_fixed(&p, 2, &d) < 0 || *p++ != '-' || !(mo = month_index(p))) {
        return SLC_EINVAL;
    }
    p += 3;
    if (*p++ != '-' || read_fixed(&p, 2, &y) < 0 || *p++ != ' ' || read_time(&p, &h, &mi, &s) < 0 ||
        strcmp(p, " GMT") != 0) {
        return SLC_EINVAL;
    }
    return make_time(y < 70 ? 2000 + y : 1900 + y, mo, d, h, mi, s, t);
}

/* "Sun Nov  6 08:49:37 1994" */
static int parse_asctime(const char *p, int64_t *t)
{
    int d, mo, y, h, mi, s;

    p += 4;
    if (!(mo = month_index(p))) {
        return SLC_EINVAL;
    }
    p += 3;
    if (*p++ != ' ') {
        return SLC_EINVAL;
    }
    if (*p == ' ') {
        p++;
        if (read_fixed(&p, 1, &d) < 0) {
            return SLC_EINVAL;
        }
    } else if (read_fixed(&p, 2, &d) < 0) {
        return SLC_EINVAL;
    }
    if (*p++ != ' ' || read_time(&p, &h, &mi, &s) < 0 || *p++ != ' ' || read_fixed(&p, 4, &y) < 0 ||
        *p != '\0') {
        return SLC_EINVAL;
    }
    return make_time(y, mo, d, h, mi, s, t);
}

int slc_origin_http_date_parse(const char *s, int64_t *t)
{
    size_t n;

    if (!s) {
        return SLC_EINVAL;
    }
    s = skip_ows(s);
    n = strnlen(s, 64);
    if (n < 24 || n >= 64) {
        return SLC_EINVAL;
    }
    if (s[3] == ',') {
        return parse_imf(s, t);
    }
    if (s[3] == ' ') {
        return parse_asctime(s, t);
    }
    return parse_rfc850(s, t);
}

void slc_origin_http_date_format(int64_t t, char out[SLC_ORIGIN_DATE_LEN])
{
    char tmp[96];
    int64_t days, secs, z, era, y;
    unsigned doe, yoe, doy, mp, d, m;
    size_t n;

    if (t < 0) {
        t = 0;
    }
    if (t > 253402300799LL) { /* 9999-12-31T23:59:59Z: keeps the year at four digits */
        t = 253402300799LL;
    }
    days = t / 86400;
    secs = t % 86400;
    /* civil_from_days (H. Hinnant) */
    z = days + 719468;
    era = z / 146097;
    doe = (unsigned)(z - era * 146097);
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y = (int64_t)yoe + era * 400 + (m <= 2);
    snprintf(tmp, sizeof(tmp), "%s, %02u %s %04lld %02d:%02d:%02d GMT", wkdays[days % 7], d,
             months[m - 1], (long long)y, (int)(secs / 3600), (int)(secs / 60 % 60),
             (int)(secs % 60));
    n = strnlen(tmp, SLC_ORIGIN_DATE_LEN - 1);
    memcpy(out, tmp, n);
    out[n] = '\0';
}
