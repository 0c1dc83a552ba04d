/* SPDX-License-Identifier: MIT */
/* AVERROR -> slc_err: the one place segmenter/ translates FFmpeg's error codes. */
#include "seg_averror.h"

#include "slc_err.h"

#include <libavutil/error.h>

#include <errno.h>

int slc_seg_averror(int averr)
{
    switch (averr) {
    case 0:
        return SLC_OK;
    case AVERROR_EOF:
        return SLC_EOF;
    case AVERROR(ENOMEM):
        return SLC_ENOMEM;
    case AVERROR(ENOENT):
        return SLC_ENOENT;
    case AVERROR(EACCES):
    case AVERROR(EPERM):
        return SLC_EACCES;
    case AVERROR(ENOSPC):
        return SLC_ENOSPC;
    case AVERROR(EINVAL):
        return SLC_EINVAL;
    case AVERROR(EAGAIN):
        return SLC_EAGAIN;
    case AVERROR(ETIMEDOUT):
        return SLC_ETIMEDOUT;
    case AVERROR_EXIT:
        return SLC_EINTR;
    case AVERROR_INVALIDDATA:
    case AVERROR_DEMUXER_NOT_FOUND:
    case AVERROR_STREAM_NOT_FOUND:
        return SLC_EFORMAT;
    case AVERROR_DECODER_NOT_FOUND:
    case AVERROR_ENCODER_NOT_FOUND:
    case AVERROR_PATCHWELCOME:
    case AVERROR(ENOSYS):
        return SLC_EUNSUPPORTED;
    case AVERROR(EIO):
        return SLC_EIO;
    default:
        return averr < 0 && averr > -4096 ? slc_err_from_errno(-averr) : SLC_EINTERNAL;
    }
}
