/* SPDX-License-Identifier: MIT */
/* AVERROR -> slc_err translation (internal to segmenter/). */
#ifndef SLC_SEG_AVERROR_H
#define SLC_SEG_AVERROR_H

/** Translate an AVERROR into an slc_err: the one table for the whole segmenter. */
int slc_seg_averror(int averr);

#endif
