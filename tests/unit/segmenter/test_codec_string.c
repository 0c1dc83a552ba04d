/* SPDX-License-Identifier: MIT */
/* slc_seg_codec_string: hand-made configuration bytes, then real files whose expected
 * strings gen-media.sh derived with FFmpeg's own parsers (argv[1]: media directory). */
#include "slc_codec_string.h"
#include "slc_err.h"
#include "test_util.h"

#include <libavcodec/avcodec.h>

#include <stdlib.h>

/* Codec string of `codec` with extradata `x` (may be NULL), packet `pkt`, or the
 * profile/level fields; the result in a static buffer, or "ERR<code>". */
static const char *str_of(enum AVCodecID codec, const uint8_t *x, int xs, const uint8_t *pkt,
                          size_t ps, int profile, int level)
{
    static char buf[64];
    AVCodecParameters *par = avcodec_parameters_alloc();
    int ret;

    par->codec_id = codec;
    par->profile = profile;
    par->level = level;
    if (x) {
        par->extradata = av_mallocz((size_t)xs + AV_INPUT_BUFFER_PADDING_SIZE);
        memcpy(par->extradata, x, (size_t)xs);
        par->extradata_size = xs;
    }
    ret = slc_seg_codec_string(par, pkt, ps, buf, sizeof(buf));
    if (ret < 0) {
        snprintf(buf, sizeof(buf), "ERR%d", ret);
    }
    avcodec_parameters_free(&par);
    return buf;
}

#define UNK FF_PROFILE_UNKNOWN
/* From extradata array `x` alone */
#define STR(codec, x) str_of(codec, x, (int)sizeof(x), NULL, 0, UNK, UNK)

static void test_h264_bytes(void)
{
    /* SPS NAL starts: header 0x67, profile_idc, constraint flags, level_idc, ... */
    static const uint8_t base30_4[] = {0, 0, 0, 1, 0x67, 0x42, 0x00, 0x1e, 0xab, 0x40, 0x50};
    static const uint8_t high31_3[] = {0, 0, 1, 0x67, 0x64, 0x00, 0x1f, 0xac, 0xd9, 0x40};
    static const uint8_t cbase_sps_after_aud[] = {0, 0, 0,    1,    0x09, 0xf0, 0,
                                                  0, 1, 0x67, 0x42, 0xc0, 0x15, 0xd9};
    static const uint8_t avcc_main40[] = {0x01, 0x4d, 0x40, 0x28, 0xff, 0xe1,
                                          0x00, 0x04, 0x67, 0x4d, 0x40, 0x28};
    static const uint8_t not_sps[] = {0, 0, 0, 1, 0x68, 0xee, 0x3c, 0x80};

    CHECK_STR(STR(AV_CODEC_ID_H264, base30_4), "avc1.42001e");
    CHECK_STR(STR(AV_CODEC_ID_H264, high31_3), "avc1.64001f");
    CHECK_STR(STR(AV_CODEC_ID_H264, cbase_sps_after_aud), "avc1.42c015");
    CHECK_STR(STR(AV_CODEC_ID_H264, avcc_main40), "avc1.4d4028");
    /* no SPS in extradata: found in the first packet */
    CHECK_STR(str_of(AV_CODEC_ID_H264, not_sps, (int)sizeof(not_sps), high31_3, sizeof(high31_3),
                     UNK, UNK),
              "avc1.64001f");
    CHECK_STR(str_of(AV_CODEC_ID_H264, NULL, 0, base30_4, sizeof(base30_4), UNK, UNK),
              "avc1.42001e");
    /* neither: the profile/level fields */
    CHECK_STR(str_of(AV_CODEC_ID_H264, NULL, 0, NULL, 0, FF_PROFILE_H264_HIGH, 31), "avc1.64001f");
    CHECK_STR(str_of(AV_CODEC_ID_H264, NULL, 0, NULL, 0, FF_PROFILE_H264_CONSTRAINED_BASELINE, 30),
              "avc1.42401e");
    CHECK_STR(str_of(AV_CODEC_ID_H264, NULL, 0, not_sps, sizeof(not_sps), UNK, UNK), "ERR-7");
    /* a truncated SPS is not read past its end */
    CHECK_STR(str_of(AV_CODEC_ID_H264, NULL, 0, base30_4, 6, UNK, UNK), "ERR-7");
}

static void test_hevc_bytes(void)
{
    /* hvcC: version, space/tier/profile, compat[4], constraint[6], level, ... */
    static const uint8_t hvcc_main[] = {0x01, 0x01, 0x60, 0x00, 0x00, 0x00, 0xb0, 0x00,
                                        0x00, 0x00, 0x00, 0x00, 0x5d, 0xf0, 0x00, 0xfc,
                                        0xfd, 0xf8, 0xf8, 0x00, 0x00, 0x0f, 0x03};
    static const uint8_t hvcc_main10_high[] = {0x01, 0x22, 0x20, 0x00, 0x00, 0x00, 0x90, 0x00,
                                               0x00, 0x00, 0x00, 0x00, 0x78, 0xf0, 0x00, 0xfc,
                                               0xfd, 0xfa, 0xfa, 0x00, 0x00, 0x0f, 0x03};
    static const uint8_t hvcc_space_rext[] = {0x01, 0x44, 0x08, 0x00, 0x00, 0x00, 0x98, 0x00,
                                              0x12, 0x00, 0x00, 0x00, 0x5a, 0xf0, 0x00, 0xfc,
                                              0xfd, 0xf8, 0xf8, 0x00, 0x00, 0x0f, 0x03};
    /* Annex B SPS with emulation prevention inside the constraint bytes */
    static const uint8_t sps_epb[] = {0,    0,    0,    1,    0x42, 0x01, 0x01, 0x01,
                                      0x60, 0x00, 0x00, 0x03, 0x00, 0xb0, 0x00, 0x00,
                                      0x03, 0x00, 0x00, 0x03, 0x00, 0x5d, 0xa0, 0x02};
    /* Annex B VPS only: profile_tier_level after four bytes */
    static const uint8_t vps[] = {0,    0,    1,    0x40, 0x01, 0x0c, 0x01, 0xff, 0xff,
                                  0x01, 0x60, 0x00, 0x00, 0x03, 0x00, 0x90, 0x00, 0x00,
                                  0x03, 0x00, 0x00, 0x03, 0x00, 0x3c, 0x95, 0x98};

    CHECK_STR(STR(AV_CODEC_ID_HEVC, hvcc_main), "hvc1.1.6.L93.B0");
    CHECK_STR(STR(AV_CODEC_ID_HEVC, hvcc_main10_high), "hvc1.2.4.H120.90");
    /* profile space 1 -> "A", RExt (4) compat bit 4 -> 0x10, two constraint bytes kept */
    CHECK_STR(STR(AV_CODEC_ID_HEVC, hvcc_space_rext), "hvc1.A4.10.L90.98.0.12");
    CHECK_STR(STR(AV_CODEC_ID_HEVC, sps_epb), "hvc1.1.6.L93.B0");
    CHECK_STR(str_of(AV_CODEC_ID_HEVC, NULL, 0, vps, sizeof(vps), UNK, UNK), "hvc1.1.6.L60.90");
    CHECK_STR(str_of(AV_CODEC_ID_HEVC, NULL, 0, NULL, 0, 1, 93), "hvc1.1.2.L93");
}

static void test_audio_bytes(void)
{
    static const uint8_t asc_lc[] = {0x12, 0x10};
    static const uint8_t asc_he[] = {0x2b, 0x92, 0x08, 0x00};
    static const uint8_t asc_hev2[] = {0xeb, 0x09, 0x88, 0x00};
    static const uint8_t asc_usac[] = {0xf9, 0x40, 0x00}; /* 31 escape: 32 + 10 */

    CHECK_STR(STR(AV_CODEC_ID_AAC, asc_lc), "mp4a.40.2");
    CHECK_STR(STR(AV_CODEC_ID_AAC, asc_he), "mp4a.40.5");
    CHECK_STR(STR(AV_CODEC_ID_AAC, asc_hev2), "mp4a.40.29");
    CHECK_STR(STR(AV_CODEC_ID_AAC, asc_usac), "mp4a.40.42");
    CHECK_STR(str_of(AV_CODEC_ID_AAC, NULL, 0, NULL, 0, FF_PROFILE_AAC_LOW, UNK), "mp4a.40.2");
    CHECK_STR(str_of(AV_CODEC_ID_AAC, NULL, 0, NULL, 0, FF_PROFILE_AAC_HE, UNK), "mp4a.40.5");
    CHECK_STR(str_of(AV_CODEC_ID_AAC, NULL, 0, NULL, 0, FF_PROFILE_AAC_HE_V2, UNK), "mp4a.40.29");
    CHECK_STR(str_of(AV_CODEC_ID_AAC, NULL, 0, NULL, 0, UNK, UNK), "mp4a.40.2");
    CHECK_STR(str_of(AV_CODEC_ID_MP3, NULL, 0, NULL, 0, UNK, UNK), "mp4a.40.34");
    CHECK_STR(str_of(AV_CODEC_ID_AC3, NULL, 0, NULL, 0, UNK, UNK), "ac-3");
    CHECK_STR(str_of(AV_CODEC_ID_EAC3, NULL, 0, NULL, 0, UNK, UNK), "ec-3");
    CHECK_STR(str_of(AV_CODEC_ID_OPUS, NULL, 0, NULL, 0, UNK, UNK), "ERR-8");
    CHECK_STR(str_of(AV_CODEC_ID_VP9, NULL, 0, NULL, 0, UNK, UNK), "ERR-8");
}

static void test_limits(void)
{
    AVCodecParameters *par = avcodec_parameters_alloc();
    char small[8];

    par->codec_id = AV_CODEC_ID_AAC;
    CHECK_INT(slc_seg_codec_string(par, NULL, 0, small, sizeof(small)), SLC_ELIMIT);
    CHECK_INT(strlen(small) < sizeof(small), 1);
    CHECK_INT(slc_seg_codec_string(par, NULL, 0, small, 0), SLC_EINVAL);
    CHECK_INT(slc_seg_codec_string(NULL, NULL, 0, small, sizeof(small)), SLC_EINVAL);
    par->codec_id = AV_CODEC_ID_AC3;
    CHECK_INT(slc_seg_codec_string(par, NULL, 0, small, 5), 0);
    CHECK_STR(small, "ac-3");
    avcodec_parameters_free(&par);
}

/* First packet of stream `idx` (Annex B in TS); caller frees. */
static AVPacket *first_packet(AVFormatContext *fmt, int idx)
{
    AVPacket *pkt = av_packet_alloc();

    while (av_read_frame(fmt, pkt) >= 0) {
        if (pkt->stream_index == idx) {
            return pkt;
        }
        av_packet_unref(pkt);
    }
    av_packet_free(&pkt);
    return NULL;
}

/* One real file: the string from the stream's extradata, and for Annex B (TS) video also
 * from the first packet alone, must equal the independently derived one. */
static void check_file(const char *dir, const char *name, char kind, const char *want)
{
    AVFormatContext *fmt = tu_open(dir, name);
    enum AVMediaType type = kind == 'v' ? AVMEDIA_TYPE_VIDEO : AVMEDIA_TYPE_AUDIO;
    char got[64];
    int idx;

    if (!fmt) {
        return;
    }
    idx = av_find_best_stream(fmt, type, -1, -1, NULL, 0);
    CHECK(idx >= 0);
    if (idx >= 0) {
        AVCodecParameters *par = fmt->streams[idx]->codecpar;
        AVPacket *pkt = first_packet(fmt, idx);

        CHECK_INT(slc_seg_codec_string(par, NULL, 0, got, sizeof(got)), 0);
        fprintf(stderr, "%-16s %s (want %s)\n", name, got, want);
        CHECK_STR(got, want);
        if (kind == 'v' && pkt && strstr(name, ".ts")) {
            av_freep(&par->extradata);
            par->extradata_size = 0;
            par->profile = FF_PROFILE_UNKNOWN;
            CHECK_INT(slc_seg_codec_string(par, pkt->data, (size_t)pkt->size, got, sizeof(got)), 0);
            CHECK_STR(got, want);
        }
        av_packet_free(&pkt);
    }
    avformat_close_input(&fmt);
}

static void test_files(const char *dir)
{
    char path[1024];
    char line[256];
    FILE *f;
    int n = 0;

    snprintf(path, sizeof(path), "%s/codec-strings.txt", dir);
    f = fopen(path, "r");
    CHECK(f != NULL);
    while (f && fgets(line, sizeof(line), f)) {
        char name[128];
        char kind;
        char want[64];

        if (sscanf(line, "%127s %c %63s", name, &kind, want) == 3) {
            check_file(dir, name, kind, want);
            n++;
        }
    }
    CHECK(n >= 10);
    if (f) {
        fclose(f);
    }
}

int main(int argc, char **argv)
{
    tu_quiet();
    test_h264_bytes();
    test_hevc_bytes();
    test_audio_bytes();
    test_limits();
    if (argc > 1) {
        test_files(argv[1]);
    }
    return tu_result("test_codec_string");
}
