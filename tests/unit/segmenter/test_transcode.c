/* SPDX-License-Identifier: MIT */
/* slc_transcoder on real files made by gen-media.sh: every packet in, every packet out,
 * then the output is checked (codec, forced IDRs, contiguous audio, frame count, duration)
 * and decoded again. Usage: test_transcode MEDIA_DIR CASE, CASE one of can_copy, FILE,
 * corrupt:FILE, drop:FILE. */
#include "slc_codec_string.h"
#include "slc_err.h"
#include "slc_transcode.h"
#include "test_util.h"

#include <libavcodec/avcodec.h>

#include <math.h>
#include <stdlib.h>

#define MAX_FRAMES 1024
#define MAX_KEYS 64
#define INTERVAL 2.0

/* How the input is damaged on its way in */
enum damage {
    INTACT,
    CORRUPT, /* bytes flipped in some packets */
    DROP,    /* some audio packets never reach the transcoder: gaps to fill */
};

struct track {
    AVStream *st;
    struct slc_transcoder *tc;
    AVCodecContext *in_dec;  /* independent decode of the input (audio duration) */
    AVCodecContext *out_dec; /* decodes our output */
    int64_t in_pts[MAX_FRAMES];
    int n_in;
    int64_t in_samples;
    int n_out;
    int64_t key_pts[MAX_KEYS];
    int n_key;
    int idr_mismatch;
    int64_t prev_pts, prev_dur, out_dur;
    int noncontiguous;
    int out_errors, out_frames;
    char codec_str[64];
};

struct expect {
    const char *file;
    int rate;     /* expected output sample rate, 0: no audio */
    int channels; /* expected output channels */
    int video;    /* has a video stream to transcode */
};

static AVCodecContext *open_dec(const AVCodecParameters *par, AVRational tb)
{
    const AVCodec *c = avcodec_find_decoder(par->codec_id);
    AVCodecContext *d = c ? avcodec_alloc_context3(c) : NULL;

    if (!d || avcodec_parameters_to_context(d, par) < 0) {
        avcodec_free_context(&d);
        return NULL;
    }
    d->pkt_timebase = tb;
    if (avcodec_open2(d, c, NULL) < 0) {
        avcodec_free_context(&d);
    }
    return d;
}

/* Decode `pkt` (NULL: flush) with `d`; count errors and frames (and samples). */
static void decode(AVCodecContext *d, const AVPacket *pkt, int *errors, int *frames,
                   int64_t *samples)
{
    AVFrame *f = av_frame_alloc();
    int ret = avcodec_send_packet(d, pkt);

    if (ret < 0 && ret != AVERROR_EOF) {
        (*errors)++;
    }
    while ((ret = avcodec_receive_frame(d, f)) >= 0) {
        (*frames)++;
        *samples += f->nb_samples;
        av_frame_unref(f);
    }
    if (ret != AVERROR(EAGAIN) && ret != AVERROR_EOF) {
        (*errors)++;
    }
    av_frame_free(&f);
}

static void on_output(struct track *t, const AVPacket *pkt)
{
    int is_key = !!(pkt->flags & AV_PKT_FLAG_KEY);
    int64_t unused = 0;

    if (t->st->codecpar->codec_type == AVMEDIA_TYPE_VIDEO) {
        if (is_key && t->n_key < MAX_KEYS) {
            t->key_pts[t->n_key++] = pkt->pts;
        }
        /* key flag <=> IDR slice (NAL type 5) in the packet */
        t->idr_mismatch += is_key != tu_h264_has_nal(pkt->data, pkt->size, 5);
    } else if (t->n_out > 0) {
        t->noncontiguous += pkt->pts != t->prev_pts + t->prev_dur || t->prev_dur != 1024;
    }
    if (t->n_out == 0) {
        slc_seg_codec_string(slc_transcoder_codecpar(t->tc), pkt->data, (size_t)pkt->size,
                             t->codec_str, sizeof(t->codec_str));
    }
    t->prev_pts = pkt->pts;
    t->prev_dur = pkt->duration;
    t->out_dur += pkt->duration;
    t->n_out++;
    decode(t->out_dec, pkt, &t->out_errors, &t->out_frames, &unused);
}

/* Pull everything the transcoder has; SLC_EOF after a flush. */
static int drain(struct track *t)
{
    AVPacket *out = av_packet_alloc();
    int ret;

    while ((ret = slc_transcoder_receive(t->tc, out)) == 0) {
        on_output(t, out);
    }
    av_packet_free(&out);
    return ret;
}

static void setup_track(struct track *t, AVStream *st)
{
    struct slc_transcode_opts opts = {.keyframe_interval = INTERVAL};

    memset(t, 0, sizeof(*t));
    t->st = st;
    CHECK_INT(slc_transcode_can_copy(st->codecpar), 0);
    CHECK_INT(slc_transcoder_new(&t->tc, st, &opts), 0);
    if (!t->tc) {
        return;
    }
    t->out_dec = open_dec(slc_transcoder_codecpar(t->tc), slc_transcoder_time_base(t->tc));
    t->in_dec = open_dec(st->codecpar, st->time_base);
    CHECK(t->out_dec != NULL);
    CHECK(t->in_dec != NULL);
}

static void free_track(struct track *t)
{
    slc_transcoder_free(&t->tc);
    CHECK(t->tc == NULL);
    avcodec_free_context(&t->in_dec);
    avcodec_free_context(&t->out_dec);
}

/* Flip bytes in the middle of every 5th packet after the first ten. */
static void corrupt(AVPacket *pkt, int n)
{
    if (n < 10 || n % 5 != 0 || av_packet_make_writable(pkt) < 0) {
        return;
    }
    for (int i = pkt->size / 3; i < pkt->size && i < pkt->size / 3 + 24; i++) {
        pkt->data[i] ^= 0x5a;
    }
}

static void feed(struct track *t, AVPacket *pkt, int n, enum damage bad)
{
    int unused_err = 0;
    int unused_frames = 0;

    if (t->st->codecpar->codec_type == AVMEDIA_TYPE_VIDEO && t->n_in < MAX_FRAMES) {
        t->in_pts[t->n_in++] = pkt->pts;
    } else if (bad != CORRUPT) {
        decode(t->in_dec, pkt, &unused_err, &unused_frames, &t->in_samples);
        if (bad == DROP && n % 10 == 5) {
            return;
        }
    }
    if (bad == CORRUPT) {
        corrupt(pkt, n);
    }
    CHECK_INT(slc_transcoder_send(t->tc, pkt), 0);
    CHECK_INT(drain(t), SLC_EAGAIN);
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return (x > y) - (x < y);
}

/* Keyframes must sit exactly on the first frame at or after each 2 s boundary. */
static void check_keyframes(struct track *t)
{
    AVRational tb = t->st->time_base;
    int64_t first;
    int k = 0;

    qsort(t->in_pts, (size_t)t->n_in, sizeof(t->in_pts[0]), cmp_i64);
    first = t->in_pts[0];
    for (int i = 0, b = 1; i < t->n_in; i++) {
        int64_t boundary = first + llrint(b * INTERVAL * tb.den / tb.num);

        if (i > 0 && t->in_pts[i] < boundary) {
            continue;
        }
        while (first + llrint(b * INTERVAL * tb.den / tb.num) <= t->in_pts[i]) {
            b++;
        }
        CHECK(k < t->n_key);
        if (k < t->n_key) {
            CHECK_INT(t->key_pts[k], t->in_pts[i]);
        }
        k++;
    }
    CHECK_INT(t->n_key, k);
    CHECK(k >= 3); /* 5 s input: 0, 2, 4 s */
}

static void check_video(struct track *t, enum damage bad)
{
    AVRational tb = slc_transcoder_time_base(t->tc);
    const AVCodecParameters *par = slc_transcoder_codecpar(t->tc);

    CHECK_INT(par->codec_id, AV_CODEC_ID_H264);
    CHECK_INT(par->width, t->st->codecpar->width);
    CHECK_INT(par->height, t->st->codecpar->height);
    CHECK_INT(t->out_errors, 0);
    CHECK_INT(t->out_frames, t->n_out);
    CHECK_INT(t->out_dec->profile, FF_PROFILE_H264_HIGH);
    CHECK_INT(t->out_dec->pix_fmt, AV_PIX_FMT_YUV420P);
    CHECK_INT(t->out_dec->width, t->st->codecpar->width);
    CHECK_INT(t->out_dec->height, t->st->codecpar->height);
    CHECK_INT(t->idr_mismatch, 0);
    CHECK(strncmp(t->codec_str, "avc1.64", 7) == 0);
    if (bad == CORRUPT) {
        CHECK(t->n_out > t->n_in / 2);
        return;
    }
    CHECK_INT(av_cmp_q(tb, t->st->time_base), 0);
    CHECK_INT(t->n_out, t->n_in);
    check_keyframes(t);
}

static void check_audio(struct track *t, const struct expect *e, enum damage bad)
{
    const AVCodecParameters *par = slc_transcoder_codecpar(t->tc);
    AVRational tb = slc_transcoder_time_base(t->tc);
    double in_s = (double)t->in_samples / t->in_dec->sample_rate;
    double out_s = (double)(t->out_dur - par->initial_padding) / par->sample_rate;

    CHECK_INT(par->codec_id, AV_CODEC_ID_AAC);
    CHECK_INT(par->profile, FF_PROFILE_AAC_LOW);
    CHECK_INT(par->sample_rate, e->rate);
    CHECK_INT(par->ch_layout.nb_channels, e->channels);
    CHECK_INT(tb.num, 1);
    CHECK_INT(tb.den, e->rate);
    CHECK_INT(t->noncontiguous, 0);
    CHECK_INT(t->out_errors, 0);
    CHECK_INT(t->out_frames, t->n_out);
    CHECK_STR(t->codec_str, "mp4a.40.2");
    fprintf(stderr, "  audio: in %.4f s, out %.4f s, %d packets\n", in_s, out_s, t->n_out);
    if (bad != CORRUPT) {
        /* with DROP too: the lost packets came back as silence */
        CHECK(fabs(out_s - in_s) <= 1024.0 / e->rate);
    }
}

/* A track for every audio/video stream of `fmt` (at most 2); by_index maps streams. */
static int open_tracks(AVFormatContext *fmt, struct track *tracks, struct track **by_index)
{
    int nt = 0;

    for (unsigned i = 0; i < fmt->nb_streams && nt < 2 && i < 8; i++) {
        enum AVMediaType type = fmt->streams[i]->codecpar->codec_type;

        if (type == AVMEDIA_TYPE_VIDEO || type == AVMEDIA_TYPE_AUDIO) {
            setup_track(&tracks[nt], fmt->streams[i]);
            by_index[i] = tracks[nt].tc ? &tracks[nt] : NULL;
            nt++;
        }
    }
    return nt;
}

/* End of input: flush the transcoder, then both check decoders. */
static void flush_track(struct track *t)
{
    AVPacket *pkt = av_packet_alloc();
    int unused_err = 0, unused_frames = 0;
    int64_t out_samples = 0;

    CHECK_INT(slc_transcoder_send(t->tc, NULL), 0);
    CHECK_INT(drain(t), SLC_EOF);
    CHECK_INT(slc_transcoder_receive(t->tc, pkt), SLC_EOF);
    CHECK_INT(slc_transcoder_send(t->tc, NULL), 0);
    CHECK_INT(slc_transcoder_send(t->tc, pkt), SLC_EINVAL);
    decode(t->out_dec, NULL, &t->out_errors, &t->out_frames, &out_samples);
    decode(t->in_dec, NULL, &unused_err, &unused_frames, &t->in_samples);
    av_packet_free(&pkt);
}

static void check_track(struct track *t, const struct expect *e, enum damage bad, double secs)
{
    if (t->st->codecpar->codec_type == AVMEDIA_TYPE_VIDEO) {
        fprintf(stderr, "  video: %d frames in, %d out, %d keyframes, %s, %.2f s (%.0f fps)\n",
                t->n_in, t->n_out, t->n_key, t->codec_str, secs, t->n_out / secs);
        check_video(t, bad);
    } else {
        check_audio(t, e, bad);
    }
}

static void run(const char *dir, const struct expect *e, enum damage bad)
{
    AVFormatContext *fmt = tu_open(dir, e->file);
    struct track tracks[2];
    struct track *by_index[8] = {0};
    AVPacket *pkt = av_packet_alloc();
    int nt = fmt ? open_tracks(fmt, tracks, by_index) : 0;
    int n = 0;
    double t0 = tu_now();

    while (fmt && av_read_frame(fmt, pkt) >= 0) {
        if (pkt->stream_index < 8 && by_index[pkt->stream_index]) {
            feed(by_index[pkt->stream_index], pkt, n++, bad);
        }
        av_packet_unref(pkt);
    }
    for (int i = 0; i < nt; i++) {
        if (tracks[i].tc) {
            flush_track(&tracks[i]);
        }
    }
    for (int i = 0; i < nt; i++) {
        if (tracks[i].tc) {
            check_track(&tracks[i], e, bad, tu_now() - t0);
        }
        free_track(&tracks[i]);
    }
    CHECK_INT(nt, (e->video ? 1 : 0) + (e->rate ? 1 : 0));
    av_packet_free(&pkt);
    avformat_close_input(&fmt);
}

static void test_can_copy(void)
{
    static const struct {
        enum AVCodecID id;
        int profile;
        int format;
        int copy;
    } cases[] = {
        {AV_CODEC_ID_H264, FF_PROFILE_H264_HIGH, AV_PIX_FMT_YUV420P, 1},
        {AV_CODEC_ID_H264, FF_PROFILE_H264_CONSTRAINED_BASELINE, AV_PIX_FMT_YUV420P, 1},
        {AV_CODEC_ID_H264, FF_PROFILE_H264_MAIN, AV_PIX_FMT_NONE, 1},
        {AV_CODEC_ID_H264, FF_PROFILE_H264_HIGH_10, AV_PIX_FMT_YUV420P10LE, 0},
        {AV_CODEC_ID_H264, FF_PROFILE_H264_HIGH_422, AV_PIX_FMT_YUV422P, 0},
        {AV_CODEC_ID_H264, FF_PROFILE_H264_HIGH, AV_PIX_FMT_YUV422P, 0},
        {AV_CODEC_ID_H264, FF_PROFILE_H264_HIGH_444_PREDICTIVE, AV_PIX_FMT_YUV444P, 0},
        {AV_CODEC_ID_AAC, FF_PROFILE_AAC_LOW, -1, 1},
        {AV_CODEC_ID_AAC, FF_PROFILE_AAC_HE, -1, 1},
        {AV_CODEC_ID_AAC, FF_PROFILE_AAC_HE_V2, -1, 1},
        {AV_CODEC_ID_AAC, FF_PROFILE_AAC_MAIN, -1, 0},
        {AV_CODEC_ID_MP3, FF_PROFILE_UNKNOWN, -1, 1},
        {AV_CODEC_ID_HEVC, 1, AV_PIX_FMT_YUV420P, 0},
        {AV_CODEC_ID_VP9, 0, AV_PIX_FMT_YUV420P, 0},
        {AV_CODEC_ID_AV1, 0, AV_PIX_FMT_YUV420P, 0},
        {AV_CODEC_ID_MPEG2VIDEO, 0, AV_PIX_FMT_YUV420P, 0},
        {AV_CODEC_ID_OPUS, FF_PROFILE_UNKNOWN, -1, 0},
        {AV_CODEC_ID_FLAC, FF_PROFILE_UNKNOWN, -1, 0},
        {AV_CODEC_ID_AC3, FF_PROFILE_UNKNOWN, -1, 0},
        {AV_CODEC_ID_MP2, FF_PROFILE_UNKNOWN, -1, 0},
        {AV_CODEC_ID_PCM_S16LE, FF_PROFILE_UNKNOWN, -1, 0},
    };
    AVCodecParameters *par = avcodec_parameters_alloc();

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        par->codec_id = cases[i].id;
        par->profile = cases[i].profile;
        par->format = cases[i].format;
        CHECK_INT(slc_transcode_can_copy(par), cases[i].copy);
    }
    CHECK_INT(slc_transcode_can_copy(NULL), 0);
    avcodec_parameters_free(&par);
}

int main(int argc, char **argv)
{
    static const struct expect files[] = {
        {"vp9_opus.mkv", 48000, 2, 1},    {"mpeg2_mp2.ts", 44100, 2, 1},
        {"hevc_ac3.mp4", 48000, 6, 1},    {"flac_quad.mka", 48000, 2, 0},
        {"h264_422_pcm.mkv", 8000, 1, 1}, {"vfr_mpeg4.mkv", 0, 0, 1},
    };
    const char *which = argc > 2 ? argv[2] : "";
    int matched = 0;

    tu_quiet();
    if (!strcmp(which, "can_copy")) {
        test_can_copy();
        matched = 1;
    }
    for (size_t i = 0; argc > 2 && i < sizeof(files) / sizeof(files[0]); i++) {
        enum damage bad = !strncmp(which, "corrupt:", 8) ? CORRUPT
                          : !strncmp(which, "drop:", 5)  ? DROP
                                                         : INTACT;
        const char *file = bad == INTACT ? which : strchr(which, ':') + 1;

        if (!strcmp(file, files[i].file)) {
            fprintf(stderr, "%s\n", which);
            run(argv[1], &files[i], bad);
            matched = 1;
        }
    }
    CHECK(matched);
    return tu_result(which);
}
