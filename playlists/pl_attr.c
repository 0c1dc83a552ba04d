/* SPDX-License-Identifier: MIT */
/* RFC 8216 4.2 attribute lists and the number formats of tag values, parsed without atoi or
 * strtol: every conversion is bounded and overflow-checked. Input is never NUL-terminated. */
#include "pl_internal.h"

#include "slc_err.h"

#include <stdlib.h>
#include <string.h>

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

int slc_pl_text_uint(const char *s, size_t n, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;

    /* RFC 8216 4.2: decimal-integer, 0 to 2^64-1, at most 20 digits. */
    if (n == 0 || n > 20) {
        return SLC_EPROTO;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned d;

        if (!is_digit(s[i])) {
            return SLC_EPROTO;
        }
        d = (unsigned)(s[i] - '0');
        if (d > max || v > (max - d) / 10) {
            return SLC_EPROTO;
        }
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

/* Fractional digits scaled to 10^scale, rounded half-up from the first dropped digit. */
static int64_t fraction(const char *s, size_t n, unsigned scale, int *carry)
{
    int64_t f = 0;

    for (unsigned i = 0; i < scale; i++) {
        f = f * 10 + (i < n ? s[i] - '0' : 0);
    }
    *carry = n > scale && s[scale] >= '5';
    return f;
}

int slc_pl_text_fixed(const char *s, size_t n, unsigned scale, int64_t max_int, int64_t *out)
{
    size_t dot = 0;
    uint64_t ip;
    int64_t pow = 1, fp;
    int carry;

    while (dot < n && s[dot] != '.') {
        dot++;
    }
    for (size_t i = dot + 1; i < n; i++) {
        if (!is_digit(s[i])) {
            return SLC_EPROTO;
        }
    }
    if ((dot < n && dot + 1 == n) || scale > 9 ||
        slc_pl_text_uint(s, dot, (uint64_t)max_int, &ip) < 0) {
        return SLC_EPROTO;
    }
    for (unsigned i = 0; i < scale; i++) {
        pow *= 10;
    }
    fp = dot < n ? fraction(s + dot + 1, n - dot - 1, scale, &carry) : 0;
    if (dot >= n) {
        carry = 0;
    }
    if ((int64_t)ip > (INT64_MAX - fp - carry) / pow) {
        return SLC_EPROTO;
    }
    *out = (int64_t)ip * pow + fp + carry;
    return 0;
}

static int is_name_char(char c)
{
    return (c >= 'A' && c <= 'Z') || is_digit(c) || c == '-';
}

/* The value after '=': a quoted-string up to the closing quote, or an unquoted run up to
 * the next comma. */
static int scan_value(const char *s, size_t n, size_t *pos, struct slc_pl_attr *a)
{
    size_t p = *pos;

    a->quoted = p < n && s[p] == '"';
    if (a->quoted) {
        const char *end = memchr(s + p + 1, '"', n - p - 1);

        if (!end) {
            return -1;
        }
        a->value = s + p + 1;
        a->value_len = (size_t)(end - a->value);
        p = (size_t)(end - s) + 1;
    } else {
        a->value = s + p;
        while (p < n && s[p] != ',' && s[p] != '"' && s[p] != ' ' && s[p] != '\t') {
            p++;
        }
        a->value_len = (size_t)(s + p - a->value);
        if (a->value_len == 0) {
            return -1;
        }
    }
    *pos = p;
    return 0;
}

int slc_pl_attr_next(const char *s, size_t n, size_t *pos, struct slc_pl_attr *a, char *why,
                     size_t why_cap)
{
    size_t p = *pos;

    if (p >= n) {
        return 0;
    }
    a->name = s + p;
    while (p < n && is_name_char(s[p])) {
        p++;
    }
    a->name_len = (size_t)(s + p - a->name);
    if (a->name_len == 0 || p >= n || s[p] != '=') {
        slc_pl_why(why, why_cap, "malformed attribute name at column %zu", p + 1);
        return SLC_EPROTO;
    }
    p++;
    if (scan_value(s, n, &p, a) < 0 || (p < n && s[p] != ',') || (p + 1 == n)) {
        slc_pl_why(why, why_cap, "malformed attribute value at column %zu", p + 1);
        return SLC_EPROTO;
    }
    *pos = p < n ? p + 1 : p;
    return 1;
}

int slc_pl_attr_is(const struct slc_pl_attr *a, const char *name)
{
    return strlen(name) == a->name_len && memcmp(a->name, name, a->name_len) == 0;
}

int slc_pl_attr_uint(const struct slc_pl_attr *a, uint64_t max, uint64_t *out)
{
    if (a->quoted) {
        return SLC_EPROTO;
    }
    return slc_pl_text_uint(a->value, a->value_len, max, out);
}

int slc_pl_attr_fixed(const struct slc_pl_attr *a, unsigned scale, int64_t max_int, int64_t *out)
{
    if (a->quoted) {
        return SLC_EPROTO;
    }
    return slc_pl_text_fixed(a->value, a->value_len, scale, max_int, out);
}

int slc_pl_attr_resolution(const struct slc_pl_attr *a, int *w, int *h)
{
    const char *x;
    uint64_t vw, vh;
    size_t wl;

    if (a->quoted) {
        return SLC_EPROTO;
    }
    x = memchr(a->value, 'x', a->value_len);
    if (!x) {
        return SLC_EPROTO;
    }
    wl = (size_t)(x - a->value);
    if (slc_pl_text_uint(a->value, wl, INT32_MAX, &vw) < 0 ||
        slc_pl_text_uint(x + 1, a->value_len - wl - 1, INT32_MAX, &vh) < 0) {
        return SLC_EPROTO;
    }
    *w = (int)vw;
    *h = (int)vh;
    return 0;
}

int slc_pl_attr_enum(const struct slc_pl_attr *a, const char *const *allowed, int *index)
{
    if (a->quoted) {
        return SLC_EPROTO;
    }
    for (int i = 0; allowed[i]; i++) {
        if (strlen(allowed[i]) == a->value_len && memcmp(allowed[i], a->value, a->value_len) == 0) {
            *index = i;
            return 0;
        }
    }
    return SLC_EPROTO;
}

int slc_pl_attr_string(const struct slc_pl_attr *a, char **out)
{
    char *p;

    if (!a->quoted) {
        return SLC_EPROTO;
    }
    p = malloc(a->value_len + 1);
    if (!p) {
        return SLC_ENOMEM;
    }
    memcpy(p, a->value, a->value_len);
    p[a->value_len] = '\0';
    *out = p;
    return 0;
}

static int hex_nibble(char c)
{
    if (is_digit(c)) {
        return c - '0';
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1;
}

int slc_pl_attr_hex(const struct slc_pl_attr *a, uint8_t *out, size_t cap, size_t *n)
{
    const char *h = a->value + 2;
    size_t hl = a->value_len - 2, odd;

    if (a->quoted || a->value_len < 3 || a->value[0] != '0' ||
        (a->value[1] != 'x' && a->value[1] != 'X')) {
        return SLC_EPROTO;
    }
    odd = hl % 2;
    if ((hl + 1) / 2 > cap) {
        return SLC_EPROTO;
    }
    /* An odd count means an implicit leading zero nibble. */
    for (size_t i = 0; i < (hl + 1) / 2; i++) {
        int hi = (i == 0 && odd) ? 0 : hex_nibble(h[2 * i - odd]);
        int lo = hex_nibble(h[2 * i + 1 - odd]);

        if (hi < 0 || lo < 0) {
            return SLC_EPROTO;
        }
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    *n = (hl + 1) / 2;
    return 0;
}
