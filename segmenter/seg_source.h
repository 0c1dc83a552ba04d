/* SPDX-License-Identifier: MIT */
/* The pipeline's source: a libavformat demuxer opened with the input-safety rules
 * (allowed formats and protocols, interrupt callback, I/O deadline, capped probing),
 * with one video, one main audio and any extra audio streams selected. Internal. */
#ifndef SLC_SEG_SOURCE_H
#define SLC_SEG_SOURCE_H

#include "seg_averror.h"
#include "seg_source_udp.h"
#include "slc_segmenter.h"

#include <libavformat/avformat.h>

#include <signal.h>
#include <stdint.h>

struct slc_seg_source {
    AVFormatContext *fmt;
    AVIOContext *pb;                /* our own I/O for regular files and live udp:// (NULL:
                                     * libavformat's protocols) */
    struct slc_seg_udp *udp;        /* the udp:// reader behind pb, or NULL */
    struct slc_seg_udp *kept;       /* a udp:// reader that ended a session at a new stream
                                     * layout: the next open reads on from it (survives
                                     * close and open; slc_seg_source_release frees it) */
    int keep_reader;                /* close keeps the udp:// reader for the next open (the
                                     * same input analysed again) */
    int fd;                         /* the regular file behind pb, or -1 */
    int video;                      /* selected stream index or -1 */
    int audio;                      /* selected stream index or -1 */
    int alt[SLC_SEG_AUDIO_MAX - 1]; /* the other audio streams, in file order */
    int nalt;
    volatile sig_atomic_t *stop; /* external stop request, may be NULL */
    int64_t io_deadline_us;      /* av_gettime_relative() deadline for one blocking read */
    int64_t io_timeout_us;       /* how long one blocking read may take */
    char name[512];              /* input as given, for messages */
    uint64_t corrupt;            /* packets the demuxer flagged corrupt */
    int listener;                /* waits for a client to connect (rtmp listen, srt listener) */
    int live;                    /* a live run: a lost connection is reconnected, not fatal */
};

/** Open `input` with c->input_format forced if not NULL. A file run (c->live == 0) allows
 * only the file and pipe protocols and a list of known media containers (never playlists or
 * concat, which can make a demuxer open other files: CVE-2016-1897/1898). A live run allows
 * network protocols and devices but never local files through a URL, and passes
 * c->input_options to the demuxer. Fills `src` (caller's storage, zeroed before its first
 * open: it carries `kept` from one open to the next). Returns 0 or a negative slc_err, the
 * cause logged. */
int slc_seg_source_open(struct slc_seg_source *src, const char *input,
                        const struct slc_seg_config *c);

/** Read the next packet of a selected stream into `pkt` (caller's). Returns 0, SLC_EOF, or
 * a negative slc_err for a fatal read error. Corrupt data the demuxer can resync past is
 * logged as a warning and skipped. */
int slc_seg_source_read(struct slc_seg_source *src, AVPacket *pkt);

/** 1 if stream `index` is one the source reads (video, main or alternate audio). */
int slc_seg_source_selected(const struct slc_seg_source *src, int index);

/** Duration of the input in microseconds, 0 if unknown. */
int64_t slc_seg_source_duration_us(const struct slc_seg_source *src);

/** Close the demuxer; safe on a source that failed to open. A udp:// reader whose input
 * changed its stream layout is kept for the next open (see `kept`). */
void slc_seg_source_close(struct slc_seg_source *src);

/** 1 if the last read's SLC_EOF was a live udp:// input changing its stream layout (a new
 * PMT: another codec, a track added or removed), not an end: open the input again at once. */
int slc_seg_source_relayout(const struct slc_seg_source *src);

/** Close, and free what close keeps across sessions. */
void slc_seg_source_release(struct slc_seg_source *src);

#endif
