/* SPDX-License-Identifier: MIT */
/* Demuxer opening with input-safety rules, and stream selection. */
#include "seg_source.h"

#include "slc_err.h"
#include "slc_log.h"

#include <libavutil/time.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Demuxers we accept for files users hand in. Anything that can reference other files or
 * URLs (hls, dash, concat, image2 with patterns, ...) is excluded on purpose. */
static const char allowed_formats[] =
    "mov,mp4,m4a,3gp,3g2,mj2,matroska,webm,mpegts,flv,avi,mpeg,mpegvideo,h264,hevc,aac,mp3,"
    "wav,ogg,flac,asf,mxf,nut,m4v,ac3,eac3,w64,aiff,ivf,dts,truehd,mpegtsraw,live_flv,obu,"
    "av1,caf";

/* A live URL may use any network protocol libavformat has, but never reach local files. */
static const char live_protocols[] =
    "udp,rtp,srt,rtmp,rtmps,rtmpt,tcp,tls,http,https,httpproxy,crypto,pipe,data";

#define PROBE_SIZE (20 * 1024 * 1024)
/* What a live input may read while its format is probed and its header parsed. libavformat's
 * mpegts demuxer keeps that much seek-back buffer in the input's AVIOContext
 * (ffio_ensure_seekback(pb, probesize)) and fills all of it with new data before it shrinks
 * again: with the 20 MiB above, a 3 Mbit/s channel touched 20 MiB of fresh pages over its first
 * 53 s (page faults in every recvfrom, and most of its RSS). PAT and PMT repeat every 100 ms or
 * so; 1 MiB is ~2.7 s of a 3 Mbit/s stream. Stream info is still probed with PROBE_SIZE. */
#define LIVE_OPEN_PROBE_SIZE (1024 * 1024)
#define ANALYZE_US (15 * 1000000)
#define LIVE_ANALYZE_US (5 * 1000000)
/* MPEG-TS and FLV have no header: find_stream_info reads its whole analysis window, even
 * when every stream's parameters came in the first packets, and the first segment waits for
 * it, at start and after every reconnect (measured with ffprobe on a udp:// encoder: done
 * 5.0 / 1.2 / 0.5 s after the first packet for windows of 5 / 1.2 / 0.5 s). A live network
 * input is analysed for LIVE_QUICK_ANALYZE_US, and again in windows as long while a stream
 * still lacks parameters (joined mid-GOP before the next SPS, say), on the same udp:// reader,
 * up to LIVE_QUICK_TRIES windows in all (6 s, as the 1.2 s + 5 s this replaces); then it is
 * taken as it is. Each retry loses what the closed demuxer's AVIOContext had read ahead (up
 * to 32 KiB): with 0.5 s windows a 500 kbit/s stream with a 1 s GOP never showed an SPS in
 * time under ASan (its keyframes fell in the skipped bytes), so windows stay at 1.2 s. */
#define LIVE_QUICK_ANALYZE_US 1200000
#define LIVE_QUICK_TRIES 5
#define IO_TIMEOUT_US (30 * 1000000)
#define LIVE_IO_TIMEOUT_US (5 * 1000000)
#define MAX_CONSECUTIVE_ERRORS 1000

/* libavformat calls this during blocking operations: abort on stop or a passed deadline. */
static int interrupt_cb(void *opaque)
{
    struct slc_seg_source *src = opaque;

    if (src->stop && *src->stop) {
        return 1;
    }
    return src->io_deadline_us && av_gettime_relative() > src->io_deadline_us;
}

static void arm_deadline(struct slc_seg_source *src)
{
    src->io_deadline_us = av_gettime_relative() + src->io_timeout_us;
}

/* A clear message for inputs that are not regular readable files, before FFmpeg's. */
static int check_input_path(const char *input, const struct slc_seg_config *c)
{
    struct stat st;

    if (strcmp(input, "-") == 0 || (c->live && (c->input_format || strstr(input, "://")))) {
        return 0; /* a URL or a device: libavformat reports */
    }
    if (stat(input, &st) < 0) {
        int err = errno;
        slc_log_error("segmenter: cannot open '%s': %s", input, strerror(err));
        return slc_err_from_errno(err);
    }
    if (S_ISDIR(st.st_mode)) {
        slc_log_error("segmenter: cannot open '%s': is a directory", input);
        return SLC_EFORMAT;
    }
    if (S_ISREG(st.st_mode) && st.st_size == 0) {
        slc_log_error("segmenter: cannot read '%s': file is empty", input);
        return SLC_EFORMAT;
    }
    return 0;
}

/* Listening inputs (RTMP/SRT listen mode) wait for a publisher as long as it takes. */
static int is_listener(const char *input, AVDictionary *opts)
{
    const AVDictionaryEntry *e = av_dict_get(opts, "listen", NULL, 0);

    return (e && strcmp(e->value, "0") != 0) || strstr(input, "listen=1") ||
           strstr(input, "mode=listener");
}

static int set_options(AVDictionary **opts, const struct slc_seg_config *c)
{
    for (size_t i = 0; i < c->n_input_options; i++) {
        const char *kv = c->input_options[i];
        const char *eq = strchr(kv, '=');
        char key[128];

        if (!eq || eq == kv || (size_t)(eq - kv) >= sizeof(key)) {
            slc_log_error("segmenter: input option '%s' is not key=value", kv);
            return SLC_EINVAL;
        }
        memcpy(key, kv, (size_t)(eq - kv));
        key[eq - kv] = '\0';
        av_dict_set(opts, key, eq + 1, 0);
    }
    return 0;
}

/* Regular files are read through our own AVIOContext: a 256 KB buffer (libavformat's file
 * protocol reads 32 KB at a time: eight times the system calls on a long file), and no
 * protocol layer at all, so nothing in the file can make the demuxer open another URL. */
#define FILE_IO_BUFFER (256 * 1024)

static int file_read(void *opaque, uint8_t *buf, int size)
{
    struct slc_seg_source *src = opaque;
    ssize_t n;

    do {
        n = read(src->fd, buf, (size_t)size);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        return AVERROR(errno);
    }
    return n == 0 ? AVERROR_EOF : (int)n;
}

static int64_t file_seek(void *opaque, int64_t offset, int whence)
{
    struct slc_seg_source *src = opaque;
    struct stat st;
    off_t r;

    if (whence & AVSEEK_SIZE) {
        return fstat(src->fd, &st) < 0 ? AVERROR(errno) : (int64_t)st.st_size;
    }
    r = lseek(src->fd, (off_t)offset, whence & ~AVSEEK_FORCE);
    return r < 0 ? AVERROR(errno) : (int64_t)r;
}

/* Our own AVIOContext of `size` bytes over `opaque` as the demuxer's input. */
static int attach_io(struct slc_seg_source *src, int size, void *opaque,
                     int (*read)(void *, uint8_t *, int), int64_t (*seek)(void *, int64_t, int))
{
    unsigned char *buf = av_malloc((size_t)size);

    src->pb = buf ? avio_alloc_context(buf, size, 0, opaque, read, NULL, seek) : NULL;
    if (!src->pb) {
        av_free(buf);
        return SLC_ENOMEM;
    }
    src->fmt->pb = src->pb;
    src->fmt->flags |= AVFMT_FLAG_CUSTOM_IO;
    return 0;
}

/* For a regular file (not a live run, not stdin): our pb. 0 when not applicable. */
static int open_file_io(struct slc_seg_source *src, const char *input,
                        const struct slc_seg_config *c)
{
    struct stat st;

    src->fd = -1;
    if (c->live || strcmp(input, "-") == 0 || stat(input, &st) < 0 || !S_ISREG(st.st_mode)) {
        return 0;
    }
    src->fd = open(input, O_RDONLY | O_CLOEXEC);
    if (src->fd < 0) {
        int err = errno;
        slc_log_error("segmenter: cannot open '%s': %s", input, strerror(err));
        return slc_err_from_errno(err);
    }
    return attach_io(src, FILE_IO_BUFFER, src, file_read, file_seek);
}

/* udp:// live inputs: no libavformat FIFO thread (fifo_size=0), a 4 MiB socket buffer
 * instead (the kernel caps it at net.core.rmem_max). The FIFO thread woke for every 1316-byte
 * datagram and signalled the demuxer thread for each; reading the socket directly halves the
 * wake-ups. bench/LIVE.md: 20 channels, 1.69 -> 1.57 % of a core and 29 -> 24 MiB each.
 * The user's --input-option values win. */
static void set_udp_defaults(AVDictionary **opts, const char *input)
{
    if (strncmp(input, "udp://", 6) != 0) {
        return;
    }
    av_dict_set(opts, "fifo_size", "0", AV_DICT_DONT_OVERWRITE);
    av_dict_set(opts, "buffer_size", "4194304", AV_DICT_DONT_OVERWRITE);
}

/* The demuxer's reads from our udp reader: a batch holds at most 32 datagrams. */
#define UDP_IO_BUFFER (32 * 1024)

/* A live udp:// input is read by our recvmmsg reader (seg_source_udp.h: one wake-up per
 * batch of datagrams) unless one of its options needs libavformat's udp protocol; then
 * nothing is set here (0) and libavformat opens the URL as before. */
static int open_udp_io(struct slc_seg_source *src, const char *input, const AVDictionary *opts)
{
    AVIOInterruptCB cb = {interrupt_cb, src};
    int ret;

    if (strncmp(input, "udp://", 6) != 0) {
        return 0;
    }
    if (src->kept) {
        /* the same input after a new stream layout: read on where the last demuxer ended */
        src->udp = src->kept;
        src->kept = NULL;
        slc_seg_udp_resume(src->udp);
        return attach_io(src, UDP_IO_BUFFER, src->udp, slc_seg_udp_read, NULL);
    }
    ret = slc_seg_udp_open(input, opts, &cb, &src->udp);
    if (ret < 0) {
        return ret == SLC_EUNSUPPORTED ? 0 : ret;
    }
    return attach_io(src, UDP_IO_BUFFER, src->udp, slc_seg_udp_read, NULL);
}

static int open_demuxer(struct slc_seg_source *src, const char *input,
                        const struct slc_seg_config *c, int64_t analyze_us)
{
    const char *format = c->input_format;
    const AVInputFormat *ifmt = NULL;
    AVDictionary *opts = NULL;
    const char *url = strcmp(input, "-") == 0 ? "pipe:0" : input;
    int ret;

    if (format && !(ifmt = av_find_input_format(format))) {
        slc_log_error("segmenter: unknown input format '%s'", format);
        return SLC_EINVAL;
    }
    src->fmt = avformat_alloc_context();
    if (!src->fmt) {
        return SLC_ENOMEM;
    }
    src->fmt->interrupt_callback.callback = interrupt_cb;
    src->fmt->interrupt_callback.opaque = src;
    if ((ret = open_file_io(src, input, c)) < 0) {
        return ret;
    }
    src->fmt->probesize = c->live ? LIVE_OPEN_PROBE_SIZE : PROBE_SIZE;
    src->fmt->max_analyze_duration = analyze_us;
    if ((ret = set_options(&opts, c)) < 0) {
        av_dict_free(&opts);
        return ret;
    }
    if (!c->live) {
        av_dict_set(&opts, "protocol_whitelist", "file,pipe", 0);
        if (!format) {
            av_dict_set(&opts, "format_whitelist", allowed_formats, 0);
        }
    } else if (strstr(input, "://")) {
        av_dict_set(&opts, "protocol_whitelist", live_protocols, 0);
        set_udp_defaults(&opts, input);
        if ((ret = open_udp_io(src, input, opts)) < 0) {
            av_dict_free(&opts);
            return ret;
        }
    }
    src->io_deadline_us = 0;
    src->listener = is_listener(input, opts);
    if (!src->listener) {
        arm_deadline(src);
    }
    ret = avformat_open_input(&src->fmt, url, ifmt, &opts);
    av_dict_free(&opts);
    if (ret < 0) {
        /* live: the run loop reports the streak of failures once, not every retry */
        slc_log(c->live ? SLC_LOG_DEBUG : SLC_LOG_ERROR, "segmenter: cannot open '%s': %s", input,
                ret == AVERROR_INVALIDDATA ? "not a media file we can read (unknown or "
                                             "corrupt container)"
                                           : av_err2str(ret));
        if (ret == AVERROR_EXIT && !(src->stop && *src->stop)) {
            return SLC_ETIMEDOUT; /* nothing arrived before the deadline */
        }
        return slc_seg_averror(ret) == SLC_EINTERNAL ? SLC_EFORMAT : slc_seg_averror(ret);
    }
    return 0;
}

int slc_seg_source_selected(const struct slc_seg_source *src, int index)
{
    if (index < 0) {
        return 0;
    }
    if (index == src->video || index == src->audio) {
        return 1;
    }
    for (int k = 0; k < src->nalt; k++) {
        if (src->alt[k] == index) {
            return 1;
        }
    }
    return 0;
}

/* Start and end of a stream in seconds from its header, 0 if unknown. */
static int stream_span(const AVStream *st, double *start, double *end)
{
    if (st->start_time == AV_NOPTS_VALUE || st->duration == AV_NOPTS_VALUE || st->duration <= 0) {
        return 0;
    }
    *start = (double)st->start_time * av_q2d(st->time_base);
    *end = *start + (double)st->duration * av_q2d(st->time_base);
    return 1;
}

/* An alternate audio rendition has a segment for every main segment, cut at the same times:
 * a track that starts later or ends earlier than the main one (by more than
 * ALT_SPAN_SLACK_S, so by more than a short last segment could absorb) would leave segments
 * without a single frame, which players can't take. Such a track is left out (said once);
 * with a span the header doesn't give, the track is kept. */
#define ALT_SPAN_SLACK_S 0.25

static int alt_covers_main(const AVFormatContext *fmt, int ref, const AVStream *st)
{
    double rs, re, as, ae;

    if (!stream_span(fmt->streams[ref], &rs, &re) || !stream_span(st, &as, &ae)) {
        return 1;
    }
    return as <= rs + ALT_SPAN_SLACK_S && ae >= re - ALT_SPAN_SLACK_S;
}

/* Every other audio stream becomes an alternate rendition, in file order (the order a
 * player lists them in), up to SLC_SEG_AUDIO_MAX tracks in all. Streams without a known
 * codec are left out: nothing could copy or decode them. */
static void select_alt_audio(struct slc_seg_source *src, const char *input)
{
    AVFormatContext *fmt = src->fmt;
    int ref = src->video >= 0 ? src->video : src->audio;
    int skipped = 0;

    src->nalt = 0;
    for (unsigned i = 0; src->audio >= 0 && i < fmt->nb_streams; i++) {
        const AVStream *st = fmt->streams[i];
        if ((int)i == src->audio || st->codecpar->codec_type != AVMEDIA_TYPE_AUDIO ||
            st->codecpar->codec_id == AV_CODEC_ID_NONE) {
            continue;
        }
        if (!alt_covers_main(fmt, ref, st)) {
            slc_log_warn("segmenter: audio stream %u of '%s' left out: it does not cover the "
                         "main track's time span (alternate renditions need a frame in every "
                         "segment)",
                         i, input);
            continue;
        }
        if (src->nalt == SLC_SEG_AUDIO_MAX - 1) {
            skipped++;
            continue;
        }
        src->alt[src->nalt++] = (int)i;
    }
    if (skipped) {
        slc_log_warn("segmenter: '%s' has more than %d audio tracks; %d left out", input,
                     SLC_SEG_AUDIO_MAX, skipped);
    }
}

static int read_stream_info(struct slc_seg_source *src, const char *input)
{
    int ret;

    arm_deadline(src);
    src->fmt->probesize = PROBE_SIZE; /* the open used a smaller one for live inputs */
    ret = avformat_find_stream_info(src->fmt, NULL);
    if (ret < 0) {
        slc_log_error("segmenter: cannot read stream info of '%s': %s", input, av_err2str(ret));
        return SLC_EFORMAT;
    }
    return 0;
}

/* Every audio and video stream has what the playlists need (dimensions, sample rate,
 * channels: RESOLUTION and CODECS). */
static int streams_complete(const struct slc_seg_source *src)
{
    for (unsigned i = 0; i < src->fmt->nb_streams; i++) {
        const AVCodecParameters *par = src->fmt->streams[i]->codecpar;
        if ((par->codec_type == AVMEDIA_TYPE_VIDEO && (par->width <= 0 || par->height <= 0)) ||
            (par->codec_type == AVMEDIA_TYPE_AUDIO &&
             (par->sample_rate <= 0 || par->ch_layout.nb_channels <= 0))) {
            return 0;
        }
    }
    return 1;
}

static int select_streams(struct slc_seg_source *src, const char *input, int live)
{
    AVFormatContext *fmt = src->fmt;

    src->video = av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
    if (src->video >= 0 && (fmt->streams[src->video]->disposition & AV_DISPOSITION_ATTACHED_PIC)) {
        src->video = -1; /* cover art is not a video track */
    }
    src->audio = av_find_best_stream(fmt, AVMEDIA_TYPE_AUDIO, -1, src->video, NULL, 0);
    if (src->video < 0 && src->audio < 0) {
        slc_log_error("segmenter: no audio or video stream in '%s'", input);
        return SLC_EFORMAT;
    }
    if (!live) {
        select_alt_audio(src, input); /* live runs carry one audio track (not yet more) */
    }
    for (unsigned i = 0; i < fmt->nb_streams; i++) {
        if (!slc_seg_source_selected(src, (int)i)) {
            fmt->streams[i]->discard = AVDISCARD_ALL;
        }
    }
    return 0;
}

int slc_seg_source_open(struct slc_seg_source *src, const char *input,
                        const struct slc_seg_config *c)
{
    /* a listener can't be reopened (the pushing encoder would be dropped), nor a pipe */
    int quick = c->live && strstr(input, "://") != NULL;
    struct slc_seg_udp *kept = src->kept;
    int ret;

    memset(src, 0, sizeof(*src));
    src->kept = kept;
    src->fd = -1;
    src->video = src->audio = -1;
    src->stop = c->stop;
    src->live = c->live;
    src->io_timeout_us = c->io_timeout > 0 ? (int64_t)(c->io_timeout * 1e6)
                         : c->live         ? LIVE_IO_TIMEOUT_US
                                           : IO_TIMEOUT_US;
    snprintf(src->name, sizeof(src->name), "%s", input);
    ret = check_input_path(input, c);
    if (ret == 0) {
        ret = open_demuxer(src, input, c,
                           !c->live ? ANALYZE_US
                           : quick  ? LIVE_QUICK_ANALYZE_US
                                    : LIVE_ANALYZE_US);
    }
    if (ret == 0) {
        ret = read_stream_info(src, input);
    }
    for (int tries = 1;
         ret == 0 && quick && !src->listener && !streams_complete(src) && tries < LIVE_QUICK_TRIES;
         tries++) {
        slc_log_debug("segmenter: '%s': stream parameters incomplete after %.1f s; "
                      "analysing it again",
                      input, tries * LIVE_QUICK_ANALYZE_US / 1e6);
        src->keep_reader = 1;
        slc_seg_source_close(src);
        ret = open_demuxer(src, input, c, LIVE_QUICK_ANALYZE_US);
        if (ret == 0) {
            ret = read_stream_info(src, input);
        }
    }
    if (ret == 0) {
        ret = select_streams(src, input, c->live);
    }
    if (ret < 0) {
        slc_seg_source_close(src);
    }
    return ret;
}

int slc_seg_source_read(struct slc_seg_source *src, AVPacket *pkt)
{
    int errors = 0;

    for (;;) {
        int ret;

        arm_deadline(src);
        ret = av_read_frame(src->fmt, pkt);
        if (ret == AVERROR_EOF) {
            return SLC_EOF;
        }
        if (src->stop && *src->stop) {
            av_packet_unref(pkt);
            return SLC_EINTR;
        }
        if (ret == AVERROR_EXIT) {
            slc_log_warn("segmenter: no data from '%s' for %.1f s", src->name,
                         (double)src->io_timeout_us / 1e6);
            return SLC_ETIMEDOUT;
        }
        if (ret < 0) {
            /* Corrupt data mid-stream: skip if the demuxer can go on, give up if it can't. */
            if (ret == AVERROR(EIO) || (src->fmt->pb && src->fmt->pb->error) ||
                ++errors > MAX_CONSECUTIVE_ERRORS) {
                /* live: an encoder that disconnects (srt, rtmp, http) is an outage, reconnected */
                slc_log(src->live ? SLC_LOG_WARN : SLC_LOG_ERROR, "segmenter: %s '%s': %s%s",
                        src->live ? "live input lost" : "read failed", src->name, av_err2str(ret),
                        src->live ? "; reconnecting" : "");
                return slc_seg_averror(ret) == SLC_EINTERNAL ? SLC_EIO : slc_seg_averror(ret);
            }
            if (errors == 1) {
                slc_log_warn("segmenter: skipping corrupt data in '%s': %s", src->name,
                             av_err2str(ret));
            }
            continue;
        }
        if (slc_seg_source_selected(src, pkt->stream_index)) {
            if ((pkt->flags & AV_PKT_FLAG_CORRUPT) && src->corrupt++ == 0) {
                slc_log_warn("segmenter: corrupt data in '%s' at %.3f s; passed on as it is",
                             src->name,
                             pkt->pts == AV_NOPTS_VALUE
                                 ? 0.0
                                 : (double)pkt->pts *
                                       av_q2d(src->fmt->streams[pkt->stream_index]->time_base));
            }
            return 0;
        }
        av_packet_unref(pkt);
    }
}

int64_t slc_seg_source_duration_us(const struct slc_seg_source *src)
{
    if (!src->fmt || src->fmt->duration == AV_NOPTS_VALUE || src->fmt->duration < 0) {
        return 0;
    }
    return src->fmt->duration;
}

void slc_seg_source_close(struct slc_seg_source *src)
{
    if (src->fmt) {
        avformat_close_input(&src->fmt);
    }
    if (src->pb) {
        av_freep(&src->pb->buffer);
        avio_context_free(&src->pb);
    }
    if (src->udp && (slc_seg_udp_changed(src->udp) || src->keep_reader)) {
        slc_seg_udp_free(&src->kept);
        src->kept = src->udp;
        src->udp = NULL;
    }
    src->keep_reader = 0;
    slc_seg_udp_free(&src->udp);
    if (src->fd >= 0) {
        close(src->fd);
        src->fd = -1;
    }
}

int slc_seg_source_relayout(const struct slc_seg_source *src)
{
    return src->udp && slc_seg_udp_changed(src->udp);
}

void slc_seg_source_release(struct slc_seg_source *src)
{
    slc_seg_source_close(src);
    slc_seg_udp_free(&src->kept);
}
