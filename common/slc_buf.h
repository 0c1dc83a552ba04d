/* SPDX-License-Identifier: MIT */
/* A growable byte buffer with a named ceiling: appends past `max` fail with SLC_ELIMIT
 * instead of growing without bound. No I/O. */
#ifndef SLC_BUF_H
#define SLC_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

struct slc_buf {
    char *data; /* owned; always NUL-terminated when len > 0 or after any append */
    size_t len;
    size_t cap;
    size_t max; /* ceiling on len; 0 means SLC_BUF_DEFAULT_MAX */
};

#define SLC_BUF_DEFAULT_MAX (64u * 1024u * 1024u)

/** Initialise an empty buffer in caller's storage with ceiling `max` (0: default). */
void slc_buf_init(struct slc_buf *b, size_t max);
/** Free the storage; the buffer is empty and reusable afterwards. */
void slc_buf_deinit(struct slc_buf *b);
/** Forget the contents, keep the storage. */
void slc_buf_reset(struct slc_buf *b);
/** Append bytes. 0, SLC_ENOMEM or SLC_ELIMIT (buffer unchanged on failure). */
int slc_buf_append(struct slc_buf *b, const void *p, size_t n);
int slc_buf_append_str(struct slc_buf *b, const char *s);
/** printf-style append. 0, SLC_ENOMEM, SLC_ELIMIT or SLC_EINVAL (bad format). */
int slc_buf_printf(struct slc_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int slc_buf_vprintf(struct slc_buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/** Make sure `n` more bytes fit without reallocating. */
int slc_buf_reserve(struct slc_buf *b, size_t n);
/** Take ownership of the data (caller frees with free()); the buffer becomes empty. */
char *slc_buf_detach(struct slc_buf *b, size_t *len);

#endif
