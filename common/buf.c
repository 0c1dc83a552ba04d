/* SPDX-License-Identifier: MIT */
/* Bounded growable buffer. */
#include "slc_buf.h"

#include "slc_err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void slc_buf_init(struct slc_buf *b, size_t max)
{
    memset(b, 0, sizeof(*b));
    b->max = max ? max : SLC_BUF_DEFAULT_MAX;
}

void slc_buf_deinit(struct slc_buf *b)
{
    size_t max = b->max;

    free(b->data);
    slc_buf_init(b, max);
}

void slc_buf_reset(struct slc_buf *b)
{
    b->len = 0;
    if (b->data) {
        b->data[0] = '\0';
    }
}

int slc_buf_reserve(struct slc_buf *b, size_t n)
{
    size_t need, cap;
    char *p;

    if (n > b->max || b->len > b->max - n) {
        return SLC_ELIMIT;
    }
    need = b->len + n + 1; /* room for the terminating NUL */
    if (need <= b->cap) {
        return 0;
    }
    cap = b->cap ? b->cap : 256;
    while (cap < need) {
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    }
    p = realloc(b->data, cap);
    if (!p) {
        return SLC_ENOMEM;
    }
    b->data = p;
    b->cap = cap;
    return 0;
}

int slc_buf_append(struct slc_buf *b, const void *p, size_t n)
{
    int ret = slc_buf_reserve(b, n);

    if (ret < 0) {
        return ret;
    }
    if (n) {
        memcpy(b->data + b->len, p, n);
    }
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int slc_buf_append_str(struct slc_buf *b, const char *s)
{
    return slc_buf_append(b, s, strlen(s));
}

int slc_buf_vprintf(struct slc_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    int n, ret;

    va_copy(ap2, ap);
    n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0) {
        return SLC_EINVAL;
    }
    ret = slc_buf_reserve(b, (size_t)n);
    if (ret < 0) {
        return ret;
    }
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return 0;
}

int slc_buf_printf(struct slc_buf *b, const char *fmt, ...)
{
    va_list ap;
    int ret;

    va_start(ap, fmt);
    ret = slc_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return ret;
}

char *slc_buf_detach(struct slc_buf *b, size_t *len)
{
    char *p = b->data;

    if (len) {
        *len = b->len;
    }
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    return p;
}
