/* SPDX-License-Identifier: MIT */
/* Text for slc_err codes and the errno translation: the one place each lives. */
#include "slc_err.h"

#include <errno.h>

const char *slc_strerror(int err)
{
    switch (err) {
    case SLC_OK:
        return "success";
    case SLC_ENOMEM:
        return "out of memory";
    case SLC_EINVAL:
        return "invalid argument";
    case SLC_EIO:
        return "input/output error";
    case SLC_ENOENT:
        return "no such file or object";
    case SLC_EACCES:
        return "permission denied";
    case SLC_ENOSPC:
        return "no space left on device";
    case SLC_EFORMAT:
        return "invalid or corrupt media";
    case SLC_EUNSUPPORTED:
        return "unsupported";
    case SLC_ETIMEDOUT:
        return "timed out";
    case SLC_EAGAIN:
        return "not available yet";
    case SLC_EOF:
        return "end of stream";
    case SLC_ELIMIT:
        return "limit reached";
    case SLC_ERANGE:
        return "out of range";
    case SLC_EPROTO:
        return "protocol violation";
    case SLC_EINTR:
        return "interrupted";
    case SLC_EEXIST:
        return "already exists";
    case SLC_EINTERNAL:
        return "internal error";
    default:
        return "unknown error";
    }
}

int slc_err_from_errno(int errnum)
{
    switch (errnum) {
    case 0:
        return SLC_OK;
    case ENOMEM:
        return SLC_ENOMEM;
    case ENOENT:
    case ENOTDIR:
        return SLC_ENOENT;
    case EACCES:
    case EPERM:
    case EROFS:
        return SLC_EACCES;
    case ENOSPC:
    case EDQUOT:
    case EFBIG:
        return SLC_ENOSPC;
    case ETIMEDOUT:
        return SLC_ETIMEDOUT;
    case EAGAIN:
        return SLC_EAGAIN;
    case EINTR:
        return SLC_EINTR;
    case EEXIST:
        return SLC_EEXIST;
    case EINVAL:
        return SLC_EINVAL;
    default:
        return SLC_EIO;
    }
}
