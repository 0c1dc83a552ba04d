/* SPDX-License-Identifier: MIT */
/* EXT-X-MEDIA alternate audio renditions: CHANNELS written and parsed, LANGUAGE syntax
 * (RFC 5646), and the group rules of RFC 8216 4.3.4.1.1 in the writer and the parser. */
#include "../slc_test.h"
#include "pl_test_util.h"

#include <stdio.h>

/* The layout sluice writes for a file with three audio tracks: the default one muxed into
 * the variant (no URI), the others audio-only media playlists. */
static const char *golden = "#EXTM3U\n"
                            "#EXT-X-VERSION:1\n"
                            "#EXT-X-INDEPENDENT-SEGMENTS\n"
                            "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"audio\",LANGUAGE=\"en\","
                            "NAME=\"English\",DEFAULT=YES,AUTOSELECT=YES,CHANNELS=\"2\"\n"
                            "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"audio\",LANGUAGE=\"fr\","
                            "NAME=\"French\",DEFAULT=NO,AUTOSELECT=YES,CHANNELS=\"6\","
                            "URI=\"audio_1/stream.m3u8\"\n"
                            "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"audio\",NAME=\"Audio 3\","
                            "DEFAULT=NO,AUTOSELECT=YES,URI=\"audio_2/stream.m3u8\"\n"
                            "#EXT-X-STREAM-INF:BANDWIDTH=900000,CODECS=\"avc1.64001e,mp4a.40.2\","
                            "RESOLUTION=640x360,AUDIO=\"audio\"\n"
                            "stream.m3u8\n";

static void add(struct slc_pl_multivariant *mv, const char *name, const char *lang, const char *uri,
                int dflt, int channels, int want)
{
    struct slc_pl_rendition r = {0};

    r.type = "AUDIO";
    r.group_id = "audio";
    r.name = (char *)name;
    r.language = (char *)lang;
    r.uri = (char *)uri;
    r.is_default = dflt;
    r.autoselect = 1;
    r.channels = channels;
    SLC_CHECK_INT_EQ(slc_pl_multi_add_rendition(mv, &r), want);
}

static void build(struct slc_pl_multivariant *mv)
{
    struct slc_pl_variant v = {0};

    slc_pl_multi_init(mv);
    mv->independent_segments = 1;
    add(mv, "English", "en", NULL, 1, 2, 0);
    add(mv, "French", "fr", "audio_1/stream.m3u8", 0, 6, 0);
    add(mv, "Audio 3", NULL, "audio_2/stream.m3u8", 0, 0, 0);
    v.uri = "stream.m3u8";
    v.bandwidth = 900000;
    v.codecs = "avc1.64001e,mp4a.40.2";
    v.width = 640;
    v.height = 360;
    v.audio_group = "audio";
    SLC_CHECK_INT_EQ(slc_pl_multi_add_variant(mv, &v), 0);
}

static void test_golden_and_round_trip(void)
{
    struct slc_pl_multivariant mv, back;
    char why[160] = "";
    char *got;
    int ret;

    build(&mv);
    got = pl_test_write_multi(&mv, &ret);
    SLC_CHECK_INT_EQ(ret, 0);
    SLC_CHECK_STR_EQ(got, golden);
    free(got);
    slc_pl_multi_deinit(&mv);

    slc_pl_multi_init(&back);
    ret = slc_pl_parse(golden, strlen(golden), NULL, &back, why, sizeof(why));
    if (!SLC_CHECK_INT_EQ(ret, SLC_PL_KIND_MULTIVARIANT)) {
        fprintf(stderr, "    why: %s\n", why);
    }
    SLC_CHECK_INT_EQ(back.nrenditions, 3);
    if (back.nrenditions == 3) {
        SLC_CHECK_INT_EQ(back.renditions[0].channels, 2);
        SLC_CHECK(back.renditions[0].uri == NULL);
        SLC_CHECK_INT_EQ(back.renditions[1].channels, 6);
        SLC_CHECK_STR_EQ(back.renditions[1].language, "fr");
        SLC_CHECK_INT_EQ(back.renditions[2].channels, 0);
        SLC_CHECK(back.renditions[2].language == NULL);
    }
    got = pl_test_write_multi(&back, &ret);
    SLC_CHECK_STR_EQ(got, golden);
    free(got);
    slc_pl_multi_deinit(&back);
}

static void test_language(void)
{
    static const char *good[] = {"en",        "fra",      "de-CH",     "zh-Hant-TW",
                                 "x-klingon", "i-navajo", "sgn-BE-FR", "es-419"};
    static const char *bad[] = {"",      "e", "en_US", "123",   "en-", "-en", "toolongsubtag",
                                "en--x", "x", "ü",     "en US", "1en"};
    struct slc_pl_multivariant mv;

    slc_pl_multi_init(&mv);
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        char name[16];
        snprintf(name, sizeof(name), "g%zu", i);
        add(&mv, name, good[i], "a.m3u8", 0, 0, 0);
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        add(&mv, "b", bad[i], "a.m3u8", 0, 0, SLC_EINVAL);
    }
    slc_pl_multi_deinit(&mv);
}

static void test_channels_rejects(void)
{
    struct slc_pl_multivariant mv;
    struct slc_pl_rendition r = {0};

    slc_pl_multi_init(&mv);
    add(&mv, "neg", NULL, NULL, 0, -2, SLC_EINVAL);
    r.type = "SUBTITLES";
    r.group_id = "s";
    r.name = "n";
    r.uri = "s.m3u8";
    r.channels = 2; /* CHANNELS belongs to AUDIO only */
    SLC_CHECK_INT_EQ(slc_pl_multi_add_rendition(&mv, &r), SLC_EINVAL);
    slc_pl_multi_deinit(&mv);
}

/* Each rule of a group, broken once: the writer refuses to write it. */
static void test_group_rules_write(void)
{
    struct slc_pl_multivariant mv;
    struct slc_pl_rendition r = {0};
    int ret;

    build(&mv);
    add(&mv, "Spanish", "es", "audio_3/stream.m3u8", 1, 2, 0); /* a second DEFAULT=YES */
    SLC_CHECK_INT_EQ(slc_pl_multi_write(&mv, &(struct slc_buf){0}), SLC_EPROTO);
    slc_pl_multi_deinit(&mv);

    build(&mv);
    add(&mv, "French", "fr", "audio_3/stream.m3u8", 0, 2, 0); /* same NAME twice */
    SLC_CHECK_INT_EQ(slc_pl_multi_write(&mv, &(struct slc_buf){0}), SLC_EPROTO);
    slc_pl_multi_deinit(&mv);

    build(&mv);
    r.type = "SUBTITLES"; /* another TYPE in the AUDIO group */
    r.group_id = "audio";
    r.name = "Subs";
    r.uri = "subs.m3u8";
    SLC_CHECK_INT_EQ(slc_pl_multi_add_rendition(&mv, &r), 0);
    SLC_CHECK_INT_EQ(slc_pl_multi_write(&mv, &(struct slc_buf){0}), SLC_EPROTO);
    slc_pl_multi_deinit(&mv);

    /* The same NAME and DEFAULT=YES in different groups are fine. */
    build(&mv);
    r.type = "AUDIO";
    r.group_id = "other";
    r.name = "English";
    r.uri = "o.m3u8";
    r.is_default = r.autoselect = 1;
    SLC_CHECK_INT_EQ(slc_pl_multi_add_rendition(&mv, &r), 0);
    free(pl_test_write_multi(&mv, &ret));
    SLC_CHECK_INT_EQ(ret, 0);
    slc_pl_multi_deinit(&mv);
}

struct reject_case {
    const char *text;
    const char *why;
};

#define VARIANT "#EXT-X-STREAM-INF:BANDWIDTH=1,AUDIO=\"a\"\nv.m3u8\n"
#define MEDIA "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"a\","

static const struct reject_case rejects[] = {
    {"#EXTM3U\n" MEDIA "NAME=\"x\",DEFAULT=YES\n" MEDIA
     "NAME=\"y\",DEFAULT=YES,URI=\"y\"\n" VARIANT,
     "more than one DEFAULT"},
    {"#EXTM3U\n" MEDIA "NAME=\"x\"\n" MEDIA "NAME=\"x\",URI=\"y\"\n" VARIANT, "two renditions"},
    {"#EXTM3U\n" MEDIA "NAME=\"x\"\n#EXT-X-MEDIA:TYPE=VIDEO,GROUP-ID=\"a\",NAME=\"v\"\n" VARIANT,
     "mixes"},
    {"#EXTM3U\n" MEDIA "NAME=\"x\",LANGUAGE=\"en_US\"\n" VARIANT, "RFC 5646"},
    {"#EXTM3U\n" MEDIA "NAME=\"x\",CHANNELS=2\n" VARIANT, "CHANNELS"},
    {"#EXTM3U\n" MEDIA "NAME=\"x\",CHANNELS=\"0\"\n" VARIANT, "CHANNELS"},
    {"#EXTM3U\n" MEDIA "NAME=\"x\",CHANNELS=\"two\"\n" VARIANT, "CHANNELS"},
};

static void test_parse_rejects(void)
{
    for (size_t i = 0; i < sizeof(rejects) / sizeof(rejects[0]); i++) {
        struct slc_pl_multivariant mv;
        char why[160] = "";
        int ret;

        slc_pl_multi_init(&mv);
        ret = slc_pl_parse(rejects[i].text, strlen(rejects[i].text), NULL, &mv, why, sizeof(why));
        if (!SLC_CHECK_INT_EQ(ret, SLC_EPROTO) || !SLC_CHECK(strstr(why, rejects[i].why) != NULL)) {
            fprintf(stderr, "    case %zu: why '%s', wanted '%s'\n", i, why, rejects[i].why);
        }
        slc_pl_multi_deinit(&mv);
    }
}

/* CHANNELS with more parameters (RFC 8216bis: "16/JOC") keeps the count. */
static void test_parse_channels_params(void)
{
    static const char *text = "#EXTM3U\n" MEDIA "NAME=\"x\",CHANNELS=\"16/JOC\",URI=\"a.m3u8\"\n"
                              "#EXT-X-STREAM-INF:BANDWIDTH=1,AUDIO=\"a\"\nv.m3u8\n";
    struct slc_pl_multivariant mv;
    char why[160] = "";

    slc_pl_multi_init(&mv);
    SLC_CHECK_INT_EQ(slc_pl_parse(text, strlen(text), NULL, &mv, why, sizeof(why)),
                     SLC_PL_KIND_MULTIVARIANT);
    SLC_CHECK(mv.nrenditions == 1 && mv.renditions[0].channels == 16);
    slc_pl_multi_deinit(&mv);
}

int main(void)
{
    pl_test_quiet();
    SLC_RUN(test_golden_and_round_trip);
    SLC_RUN(test_language);
    SLC_RUN(test_channels_rejects);
    SLC_RUN(test_group_rules_write);
    SLC_RUN(test_parse_rejects);
    SLC_RUN(test_parse_channels_params);
    return slc_test_summary("test_pl_renditions");
}
