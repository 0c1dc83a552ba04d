/* SPDX-License-Identifier: MIT */
/* libavformat's mpegts muxer writing through a custom AVIOContext into the sink: a fresh
 * muxer per segment, so every segment opens standalone with PAT/PMT and its bytes depend
 * only on its own packets. Internal. */
#ifndef SLC_SEG_TSMUX_H
#define SLC_SEG_TSMUX_H

#include "slc_seg_sink.h"

#include <libavformat/avformat.h>

struct slc_seg_tsmux {
    AVFormatContext *oc; /* the open segment's muxer */
    AVCodecParameters *vpar, *apar;
    char alang[4]; /* ISO 639-2 code of the audio stream, "" = none */
    struct slc_seg_sink sink;
    size_t chunk;       /* AVIO buffer: bytes per sink write */
    uint64_t seg_bytes; /* bytes written into the open segment */
    int seg_open;
    int err;           /* first sink error, as slc_err */
    int rejected_run;  /* packets in a row the muxer refused as invalid data */
    uint64_t rejected; /* all of them (the first is warned about) */
};

/* Refused packets in a row after which the input is taken to be other than the demuxer
 * said (a codec changed under a PID): the session fails, a live run opens it again. */
#define SLC_TSMUX_REJECTED_RUN 50

/* 0.7 s, as FFmpeg's CLI (-muxdelay): the decoder buffer delay PCR runs ahead of DTS. */
#define SLC_TSMUX_DELAY_US 700000

/** Create the muxer with stream 0 = video (`vpar`, may be NULL) and stream 1 = audio
 * (`apar`, may be NULL; at least one present). Stream time bases are 1/90000. `alang` (may
 * be NULL) is the audio's language as the container tagged it: a three-letter ISO 639-2
 * code other than "und" goes into the PMT (ISO_639_language_descriptor), anything else is
 * left out. Returns 0 or a negative slc_err. */
int slc_seg_tsmux_open(struct slc_seg_tsmux *m, struct slc_seg_sink sink,
                       const AVCodecParameters *vpar, const AVCodecParameters *apar,
                       const char *alang);

/** Start segment `seq` in the sink (PAT/PMT are written before its first packet). */
int slc_seg_tsmux_begin(struct slc_seg_tsmux *m, uint64_t seq);

/** Mux one packet (90 kHz timestamps; stream_index 0 video, 1 audio). The packet is
 * unreferenced. A packet the muxer refuses as invalid data is dropped (counted, warned once);
 * SLC_TSMUX_REJECTED_RUN of them in a row fail with SLC_EFORMAT. Returns 0 or a negative
 * slc_err. */
int slc_seg_tsmux_write(struct slc_seg_tsmux *m, AVPacket *pkt);

/** Flush everything buffered for the open segment into the sink and close it there with
 * `info` (its bytes filled in here). */
int slc_seg_tsmux_end(struct slc_seg_tsmux *m, struct slc_seg_segment_info *info);

/** Free the muxer; an open segment is abandoned (not ended in the sink). */
void slc_seg_tsmux_close(struct slc_seg_tsmux *m);

#endif
