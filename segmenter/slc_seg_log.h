/* SPDX-License-Identifier: MIT */
/* Routes FFmpeg's av_log output into our logger (libraries never print on their own). */
#ifndef SLC_SEG_LOG_H
#define SLC_SEG_LOG_H

/** Install the av_log callback. FFmpeg's messages are logged at SLC_LOG_DEBUG: the segmenter
 * itself reports what matters (one line per failure), so FFmpeg's detail shows only when
 * asked for. Process-wide; call once at startup. */
void slc_seg_log_route_ffmpeg(void);

#endif
