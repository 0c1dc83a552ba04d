/* SPDX-License-Identifier: MIT */
/* Our own udp:// input for live sources: datagrams read in batches with recvmmsg(2) behind
 * a custom AVIOContext read callback. Internal to segmenter/. */
#ifndef SLC_SEG_SOURCE_UDP_H
#define SLC_SEG_SOURCE_UDP_H

#include <libavformat/avio.h>
#include <libavutil/dict.h>

#include <stdint.h>

/* How long the reader lets datagrams queue in the socket before it collects them: one
 * wake-up and one recvmmsg per interval instead of a poll + recvfrom per datagram. Bounds the
 * wake-ups of a channel whatever the sender's pacing; adds at most this much latency (small
 * next to a 2 s segment or a 0.5 s LL-HLS part). Batches are collected at whole multiples of
 * the interval on the monotonic clock, the same instants for every channel of the process,
 * so their threads wake on one timer expiry and run back to back. bench/LIVE.md: wake-ups
 * are most of a channel's cost on this box (20 ms: 0.326 % of a core, 100 ms: 0.217 %);
 * 20 ms it is, since issue 4 wants a segment listed within 50 ms of its closing keyframe
 * and the batch delay adds to the interleaver's wait for the audio frame (~21 ms). The
 * socket buffer must hold one interval: 20 ms of 60 Mbit/s is 150 KiB. */
#define SLC_SEG_UDP_BATCH_US 20000
/* Datagrams per recvmmsg call (a fuller batch is read again without waiting). */
#define SLC_SEG_UDP_SLOTS 32
/* Longest datagram kept whole without a pkt_size option: libavformat's udp default. */
#define SLC_SEG_UDP_DEFAULT_PKT 1472

struct slc_seg_udp;

/** Counters, for tests and benchmarks. */
struct slc_seg_udp_stats {
    uint64_t datagrams; /* datagrams received */
    uint64_t bytes;     /* bytes handed to the demuxer */
    uint64_t batches;   /* recvmmsg calls that returned datagrams */
    uint64_t polls;     /* poll(2) waits for a silent socket (after 5 empty batch instants) */
    uint64_t truncated; /* datagrams longer than a slot (their tails are lost) */
    int rcvbuf;         /* SO_RCVBUF the kernel granted */
    int local_port;     /* the bound port */
};

/** Open `url` (udp://[host][:port][?options]) for reading. Options come from the URL's query
 * and from `opts` (the protocol options among the user's --input-option values; other keys
 * are left for the demuxer). Supported: buffer_size, pkt_size, localaddr, reuse,
 * reuse_socket, overrun_nonfatal (no effect: there is no FIFO) and fifo_size=0; a multicast
 * host is joined (on localaddr's interface when given), otherwise the socket binds
 * localaddr or the wildcard address to the port, as libavformat's udp protocol does.
 * `cb` (may be NULL; copied) is checked at least every 100 ms while a read waits: when it
 * returns non-zero the read returns AVERROR_EXIT.
 * Returns 0 and *out (free with slc_seg_udp_free), SLC_EUNSUPPORTED when an option needs
 * libavformat's own udp protocol (logged at info level: the caller falls back to it),
 * SLC_EINVAL (bad URL), SLC_ENOMEM, or the socket error (logged at debug level: a live
 * caller retries). */
int slc_seg_udp_open(const char *url, const AVDictionary *opts, const AVIOInterruptCB *cb,
                     struct slc_seg_udp **out);

/** AVIOContext read_packet callback (`opaque` is the reader): copies up to `size` bytes of
 * received datagrams into `buf`. Returns the byte count (> 0), AVERROR_EXIT when the
 * interrupt callback fired, AVERROR(errno) for a socket error, or AVERROR_EOF once when the
 * input's stream layout changed (slc_seg_udp_changed); UDP itself has no end. */
int slc_seg_udp_read(void *opaque, uint8_t *buf, int size);

/** 1 if the reader ended its demuxer's stream (AVERROR_EOF) at a PMT whose elementary
 * streams differ from the previous one (an encoder restarted with another codec or another
 * set of tracks on the same port; seg_ts_watch.h). The datagrams from there on are still
 * held: keep the reader, open a new demuxer on it, and call slc_seg_udp_resume. */
int slc_seg_udp_changed(const struct slc_seg_udp *u);

/** Clear the changed state before a new demuxer reads on. */
void slc_seg_udp_resume(struct slc_seg_udp *u);

/** Copy the reader's counters. */
void slc_seg_udp_get_stats(const struct slc_seg_udp *u, struct slc_seg_udp_stats *st);

/** Close the socket (leaving any multicast group) and free; NULL-safe, sets *pp = NULL. */
void slc_seg_udp_free(struct slc_seg_udp **pp);

#endif
