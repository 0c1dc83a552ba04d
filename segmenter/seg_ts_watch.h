/* SPDX-License-Identifier: MIT */
/* Watches the program map of an MPEG-TS stream as its bytes arrive, to see an encoder that
 * restarted with another stream layout (a codec, a track added or removed) on the same
 * input. Written by hand because libavformat can't tell us: FFmpeg 5.1's mpegts demuxer keeps
 * a PID's codec once its parser is open and reports no PMT update, so HEVC that follows H.264
 * on PID 0x100 comes out as "h264" packets, and a track that appears later is a stream nobody
 * selected. Only PSI sections that fit in one TS packet are read (a PMT of a few streams
 * does); anything else is ignored, never an error. Internal to segmenter/. */
#ifndef SLC_SEG_TS_WATCH_H
#define SLC_SEG_TS_WATCH_H

#include <stddef.h>
#include <stdint.h>

/* Elementary streams of a PMT compared; more are not looked at. */
#define SLC_TS_WATCH_MAX_ES 16

struct slc_ts_watch {
    int pmt_pid; /* the first program's PMT PID, from the last valid PAT; -1 until one */
    int have;    /* a valid PMT was seen: es[] is the reference */
    int nes;
    uint32_t es[SLC_TS_WATCH_MAX_ES]; /* (PID << 8) | stream_type, in PMT order */
};

void slc_ts_watch_init(struct slc_ts_watch *w);

/** Look at one chunk of the stream that starts on a TS packet (a UDP datagram: whole
 * 188-byte packets). Returns 1 if it carries a valid PMT (CRC checked) whose elementary
 * streams (PID, stream_type; data streams such as SCTE-35 and ID3 not counted) differ from
 * the previous valid PMT's, which it then replaces; 0 otherwise (the first PMT only sets
 * the reference). */
int slc_ts_watch_feed(struct slc_ts_watch *w, const uint8_t *d, size_t len);

#endif
