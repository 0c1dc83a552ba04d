/* SPDX-License-Identifier: MIT */
/* mpegts muxer over a custom AVIOContext that forwards bytes to the sink. */
#include "seg_tsmux.h"

#include "seg_source.h"
#include "slc_err.h"
#include "slc_log.h"

#include <string.h>

/* Default: 174 TS packets, whole packets per flush, small enough that a live reader sees a
 * growing segment in steps of about 32 KB. A sink may ask for bigger chunks (disk). */
#define IO_BUFFER_DEFAULT (188 * 174)
#define IO_BUFFER_MAX (188 * 8192)

#define TS_PACKET 188

static int ts_pid(const uint8_t *p)
{
    return ((p[1] & 0x1f) << 8) | p[2];
}

/* libavformat's muxer emits SDT, PAT, PMT at a segment start. Players look for the PAT first
 * (HLS-NOTES: PAT and PMT at the start of every segment), so move the SDT packet after the
 * PMT. Packets of different PIDs may be reordered; each PID's continuity counter is intact. */
static void pat_first(uint8_t *buf, int size)
{
    uint8_t sdt[TS_PACKET];

    if (size < 3 * TS_PACKET || buf[0] != 0x47 || ts_pid(buf) != 0x11 ||
        ts_pid(buf + TS_PACKET) != 0 || ts_pid(buf + 2 * TS_PACKET) == 0x11) {
        return;
    }
    memcpy(sdt, buf, TS_PACKET);
    memmove(buf, buf + TS_PACKET, 2 * TS_PACKET);
    memcpy(buf + 2 * TS_PACKET, sdt, TS_PACKET);
}

static int io_write(void *opaque, uint8_t *buf, int size)
{
    struct slc_seg_tsmux *m = opaque;
    int ret;

    if (m->err) {
        return AVERROR(EIO);
    }
    if (!m->seg_open) {
        /* The muxer only writes when packets arrive, and packets arrive inside segments. */
        m->err = SLC_EINTERNAL;
        slc_log_error("segmenter: muxer wrote %d bytes outside a segment", size);
        return AVERROR(EINVAL);
    }
    if (m->seg_bytes == 0) {
        pat_first(buf, size);
    }
    ret = m->sink.ops->write(m->sink.opaque, buf, (size_t)size);
    if (ret < 0) {
        m->err = ret;
        return AVERROR(EIO);
    }
    m->seg_bytes += (uint64_t)size;
    return size;
}

static int add_stream(AVFormatContext *oc, const AVCodecParameters *par, const char *lang)
{
    AVStream *st = avformat_new_stream(oc, NULL);

    if (!st) {
        return SLC_ENOMEM;
    }
    if (lang && lang[0] && av_dict_set(&st->metadata, "language", lang, 0) < 0) {
        return SLC_ENOMEM;
    }
    if (avcodec_parameters_copy(st->codecpar, par) < 0) {
        return SLC_ENOMEM;
    }
    st->codecpar->codec_tag = 0;
    st->time_base = (AVRational){1, 90000};
    return 0;
}

static int copy_par(AVCodecParameters **dst, const AVCodecParameters *src)
{
    if (!src) {
        return 0;
    }
    *dst = avcodec_parameters_alloc();
    if (!*dst || avcodec_parameters_copy(*dst, src) < 0) {
        return SLC_ENOMEM;
    }
    return 0;
}

/* ISO/IEC 13818-1 2.6.18: the descriptor holds a three-letter ISO 639-2 code. */
static void keep_language(struct slc_seg_tsmux *m, const char *lang)
{
    if (!lang || strlen(lang) != 3 || strcmp(lang, "und") == 0) {
        return;
    }
    for (int i = 0; i < 3; i++) {
        if (lang[i] < 'a' || lang[i] > 'z') {
            return;
        }
    }
    memcpy(m->alang, lang, 4);
}

int slc_seg_tsmux_open(struct slc_seg_tsmux *m, struct slc_seg_sink sink,
                       const AVCodecParameters *vpar, const AVCodecParameters *apar,
                       const char *alang)
{
    size_t chunk = sink.chunk_size ? sink.chunk_size : IO_BUFFER_DEFAULT;
    int ret;

    memset(m, 0, sizeof(*m));
    m->sink = sink;
    keep_language(m, alang);
    m->chunk = chunk > IO_BUFFER_MAX ? IO_BUFFER_MAX : chunk - chunk % TS_PACKET;
    ret = copy_par(&m->vpar, vpar);
    if (ret == 0) {
        ret = copy_par(&m->apar, apar);
    }
    if (ret < 0) {
        slc_seg_tsmux_close(m);
    }
    return ret;
}

static void free_context(struct slc_seg_tsmux *m)
{
    if (!m->oc) {
        return;
    }
    if (m->oc->pb) {
        av_freep(&m->oc->pb->buffer);
        avio_context_free(&m->oc->pb);
    }
    avformat_free_context(m->oc);
    m->oc = NULL;
}

/* A fresh muxer for every segment: its bytes then depend only on the segment's own packets
 * (continuity counters, PES packing and table timing start anew), so a segment produced on
 * its own, on request, is byte-identical to the same segment of a whole-file run. */
static int new_context(struct slc_seg_tsmux *m)
{
    AVDictionary *opts = NULL;
    unsigned char *iobuf;
    int ret = avformat_alloc_output_context2(&m->oc, NULL, "mpegts", NULL);

    if (ret < 0) {
        return slc_seg_averror(ret);
    }
    if ((m->vpar && (ret = add_stream(m->oc, m->vpar, NULL)) < 0) ||
        (m->apar && (ret = add_stream(m->oc, m->apar, m->alang)) < 0)) {
        return ret;
    }
    iobuf = av_malloc(m->chunk);
    m->oc->pb = iobuf ? avio_alloc_context(iobuf, (int)m->chunk, 1, m, NULL, io_write, NULL) : NULL;
    if (!m->oc->pb) {
        av_free(iobuf);
        return SLC_ENOMEM;
    }
    m->oc->max_delay = SLC_TSMUX_DELAY_US;
    /* Write whole buffers: "auto" would flush after every packet on our unseekable pb. */
    m->oc->flush_packets = 0;
    /* Our timestamps already start above the mux delay: don't shift them again, so the same
     * input always maps to the same output times (stable across runs and requests). */
    av_dict_set(&opts, "mpegts_copyts", "1", 0);
    av_dict_set(&opts, "avoid_negative_ts", "disabled", 0);
    ret = avformat_write_header(m->oc, &opts);
    av_dict_free(&opts);
    if (ret < 0) {
        slc_log_error("segmenter: mpegts muxer setup failed: %s", av_err2str(ret));
        return m->err ? m->err : slc_seg_averror(ret);
    }
    return 0;
}

int slc_seg_tsmux_begin(struct slc_seg_tsmux *m, uint64_t seq)
{
    int ret = m->sink.ops->begin(m->sink.opaque, seq);

    if (ret < 0) {
        return ret;
    }
    m->seg_open = 1;
    m->seg_bytes = 0;
    free_context(m);
    return new_context(m);
}

/* Tell the sink where a video frame starts (LL-HLS parts are cut there). When it cuts, the
 * mpegts muxer's pending audio PES data is written first (av_write_frame(NULL) flushes it:
 * AVFMT_ALLOW_FLUSH), otherwise a part would end with its last ~0.2-0.7 s of audio still in
 * the muxer and hls.js would see a buffer shorter than the part; then the AVIO buffer goes to
 * the sink. The muxer writes whole TS packets, so offsets stay packet-aligned. */
static int mark_frame(struct slc_seg_tsmux *m, const AVPacket *pkt)
{
    uint64_t off;
    int ret;

    if (!m->sink.ops->mark || !m->vpar || pkt->stream_index != 0 || pkt->pts == AV_NOPTS_VALUE) {
        return 0;
    }
    off = m->seg_bytes + (uint64_t)(m->oc->pb->buf_ptr - m->oc->pb->buffer);
    ret = m->sink.ops->mark(m->sink.opaque, pkt->pts, !!(pkt->flags & AV_PKT_FLAG_KEY), off);
    if (ret != 1) {
        return ret;
    }
    ret = av_write_frame(m->oc, NULL);
    if (ret < 0) {
        return m->err ? m->err : slc_seg_averror(ret);
    }
    avio_flush(m->oc->pb);
    if (m->err) {
        return m->err;
    }
    return m->sink.ops->cut ? m->sink.ops->cut(m->sink.opaque, m->seg_bytes) : 0;
}

int slc_seg_tsmux_write(struct slc_seg_tsmux *m, AVPacket *pkt)
{
    int ret;

    if (m->oc->nb_streams == 1) {
        pkt->stream_index = 0;
    }
    ret = mark_frame(m, pkt);
    if (ret < 0) {
        av_packet_unref(pkt);
        return ret;
    }
    ret = av_write_frame(m->oc, pkt);
    av_packet_unref(pkt);
    if (ret == AVERROR_INVALIDDATA && !m->err && ++m->rejected_run < SLC_TSMUX_REJECTED_RUN) {
        /* The mpegts muxer checks a packet before it writes any of it (an AAC frame without
         * an ADTS header, H.264 without a start code): corrupt input does that now and then.
         * Drop it rather than end the session over one frame. */
        if (m->rejected++ == 0) {
            slc_log_warn("segmenter: a packet the mpegts muxer can't carry was dropped "
                         "(corrupt input); further ones are dropped without a message");
        }
        return 0;
    }
    if (ret < 0) {
        if (m->err) {
            return m->err;
        }
        slc_log_error("segmenter: mpegts muxing failed: %s%s", av_err2str(ret),
                      ret == AVERROR_INVALIDDATA ? " (every packet for a while: the input is "
                                                   "not what its program map said)"
                                                 : "");
        return slc_seg_averror(ret);
    }
    m->rejected_run = 0;
    return 0;
}

int slc_seg_tsmux_end(struct slc_seg_tsmux *m, struct slc_seg_segment_info *info)
{
    int ret;

    /* Flush the muxer's pending PES data, then the AVIO buffer, into this segment. */
    ret = av_write_trailer(m->oc);
    if (ret >= 0) {
        avio_flush(m->oc->pb);
        ret = m->oc->pb->error;
    }
    if (m->err) {
        return m->err;
    }
    if (ret < 0) {
        slc_log_error("segmenter: mpegts flush failed: %s", av_err2str(ret));
        return slc_seg_averror(ret);
    }
    m->seg_open = 0;
    info->bytes = m->seg_bytes;
    return m->sink.ops->end(m->sink.opaque, info);
}

void slc_seg_tsmux_close(struct slc_seg_tsmux *m)
{
    free_context(m);
    avcodec_parameters_free(&m->vpar);
    avcodec_parameters_free(&m->apar);
}
