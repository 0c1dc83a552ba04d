/* SPDX-License-Identifier: MIT */
/* EXT-X-PROGRAM-DATE-TIME values (RFC 8216 4.3.2.6, ISO 8601) to and from milliseconds since
 * the epoch. Pure arithmetic: no time zone database, no locale, no gmtime. */
#include "pl_internal.h"

#include "slc_err.h"

#define MS_PER_DAY 86400000LL

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* Inverse of days_from_civil. */
static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    int64_t era, doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

/* `v` (>= 0) as exactly `width` decimal digits at `out`; returns the end. */
static char *put_digits(char *out, int64_t v, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        out[i] = (char)('0' + v % 10);
        v /= 10;
    }
    return out + width;
}

int slc_pl_time_format(int64_t ms, char out[SLC_PL_TIME_LEN])
{
    int64_t days, rem, y;
    int m, d;
    char *p = out;

    if (ms < SLC_PL_TIME_MIN_MS || ms > SLC_PL_TIME_MAX_MS) {
        return SLC_ERANGE;
    }
    days = ms / MS_PER_DAY;
    rem = ms % MS_PER_DAY;
    if (rem < 0) {
        rem += MS_PER_DAY;
        days--;
    }
    civil_from_days(days, &y, &m, &d);
    /* YYYY-MM-DDThh:mm:ss.mmmZ */
    p = put_digits(p, y, 4);
    *p++ = '-';
    p = put_digits(p, m, 2);
    *p++ = '-';
    p = put_digits(p, d, 2);
    *p++ = 'T';
    p = put_digits(p, rem / 3600000, 2);
    *p++ = ':';
    p = put_digits(p, rem / 60000 % 60, 2);
    *p++ = ':';
    p = put_digits(p, rem / 1000 % 60, 2);
    *p++ = '.';
    p = put_digits(p, rem % 1000, 3);
    *p++ = 'Z';
    *p = '\0';
    return 0;
}

/* Exactly `n` decimal digits at s[*pos], advancing *pos. -1 if not digits. */
static int digits(const char *s, size_t len, size_t *pos, int n)
{
    int v = 0;

    if (*pos + (size_t)n > len) {
        return -1;
    }
    for (int i = 0; i < n; i++) {
        char c = s[*pos + (size_t)i];

        if (c < '0' || c > '9') {
            return -1;
        }
        v = v * 10 + (c - '0');
    }
    *pos += (size_t)n;
    return v;
}

/* 1 if s[*pos] is `c` (then skipped). */
static int expect(const char *s, size_t len, size_t *pos, char c)
{
    if (*pos < len && s[*pos] == c) {
        (*pos)++;
        return 1;
    }
    return 0;
}

static int days_in_month(int64_t y, int m)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    return m == 2 ? 28 + leap : mdays[m - 1];
}

/* Optional fraction of a second: milliseconds, extra digits truncated. */
static int parse_fraction(const char *s, size_t len, size_t *pos, int *ms)
{
    int ndig = 0;

    *ms = 0;
    if (!expect(s, len, pos, '.')) {
        return 0;
    }
    while (*pos < len && s[*pos] >= '0' && s[*pos] <= '9') {
        if (ndig < 3) {
            *ms = *ms * 10 + (s[*pos] - '0');
        }
        ndig++;
        (*pos)++;
    }
    for (int i = ndig; i < 3; i++) {
        *ms *= 10;
    }
    return ndig > 0 ? 0 : -1;
}

/* Zone designator: Z, +hh:mm, +hhmm, +hh (or '-'); none means UTC (RFC 8216 only says the
 * value SHOULD carry a zone). Offset in minutes east of UTC. */
static int parse_zone(const char *s, size_t len, size_t *pos, int *minutes)
{
    int sign, hh, mm = 0;

    *minutes = 0;
    if (*pos == len || expect(s, len, pos, 'Z')) {
        return 0;
    }
    if (!expect(s, len, pos, '+') && !expect(s, len, pos, '-')) {
        return -1;
    }
    sign = s[*pos - 1] == '-' ? -1 : 1;
    hh = digits(s, len, pos, 2);
    if (*pos < len) {
        expect(s, len, pos, ':');
        mm = digits(s, len, pos, 2);
    }
    if (hh < 0 || hh > 23 || mm < 0 || mm > 59) {
        return -1;
    }
    *minutes = sign * (hh * 60 + mm);
    return 0;
}

int slc_pl_time_parse(const char *s, size_t n, int64_t *ms)
{
    size_t pos = 0;
    int y, mo, d, h, mi, sec, frac, zone;
    int64_t t;

    y = digits(s, n, &pos, 4);
    mo = expect(s, n, &pos, '-') ? digits(s, n, &pos, 2) : -1;
    d = expect(s, n, &pos, '-') ? digits(s, n, &pos, 2) : -1;
    h = expect(s, n, &pos, 'T') ? digits(s, n, &pos, 2) : -1;
    mi = expect(s, n, &pos, ':') ? digits(s, n, &pos, 2) : -1;
    sec = expect(s, n, &pos, ':') ? digits(s, n, &pos, 2) : -1;
    if (y < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 ||
        sec > 59 || d > days_in_month(y, mo)) {
        return SLC_EPROTO;
    }
    if (parse_fraction(s, n, &pos, &frac) < 0 || parse_zone(s, n, &pos, &zone) < 0 || pos != n) {
        return SLC_EPROTO;
    }
    t = days_from_civil(y, mo, d) * MS_PER_DAY + ((int64_t)h * 3600 + mi * 60 + sec) * 1000 + frac -
        (int64_t)zone * 60000;
    if (t < SLC_PL_TIME_MIN_MS || t > SLC_PL_TIME_MAX_MS) {
        return SLC_EPROTO;
    }
    *ms = t;
    return 0;
}
