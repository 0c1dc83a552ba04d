/* SPDX-License-Identifier: MIT */
/* One error vocabulary for every layer: 0 or a negative enum slc_err.
 * Knows nothing of FFmpeg or HTTP; each layer translates into it once. */
#ifndef SLC_ERR_H
#define SLC_ERR_H

enum slc_err {
    SLC_OK = 0,
    SLC_ENOMEM = -1,       /* allocation failed */
    SLC_EINVAL = -2,       /* caller passed something invalid (bad option, bad argument) */
    SLC_EIO = -3,          /* read/write failure on a file or socket */
    SLC_ENOENT = -4,       /* no such file, stream or object */
    SLC_EACCES = -5,       /* permission denied */
    SLC_ENOSPC = -6,       /* disk full */
    SLC_EFORMAT = -7,      /* input is not media we can read, or is corrupt */
    SLC_EUNSUPPORTED = -8, /* valid input that we refuse (codec not allowed, feature missing) */
    SLC_ETIMEDOUT = -9,    /* an I/O deadline passed */
    SLC_EAGAIN = -10,      /* nothing yet: try again later (growing objects) */
    SLC_EOF = -11,         /* end of stream */
    SLC_ELIMIT = -12,      /* a named ceiling was reached */
    SLC_ERANGE = -13,      /* value out of range (e.g. HTTP Range not satisfiable) */
    SLC_EPROTO = -14,      /* input violates a protocol or spec rule (e.g. RFC 8216) */
    SLC_EINTR = -15,       /* interrupted by a stop request */
    SLC_EEXIST = -16,      /* object already exists */
    SLC_EINTERNAL = -17,   /* a library failed in a way we don't classify */
};

/** Text for an slc_err code (static storage, never NULL). */
const char *slc_strerror(int err);

/** Translate an errno value (positive) into an slc_err. */
int slc_err_from_errno(int errnum);

#endif
