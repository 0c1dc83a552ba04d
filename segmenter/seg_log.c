/* SPDX-License-Identifier: MIT */
/* av_log -> slc_log bridge. */
#include "slc_seg_log.h"

#include "slc_log.h"

#include <libavutil/log.h>

static void av_log_bridge(void *avcl, int level, const char *fmt, va_list vl)
{
    static __thread int print_prefix = 1;
    char line[1024];

    if (level > AV_LOG_VERBOSE || slc_log_get_level() < SLC_LOG_DEBUG) {
        return;
    }
    av_log_format_line2(avcl, level, fmt, vl, line, sizeof(line), &print_prefix);
    slc_log(SLC_LOG_DEBUG, "ffmpeg: %s", line);
}

void slc_seg_log_route_ffmpeg(void)
{
    av_log_set_callback(av_log_bridge);
}
