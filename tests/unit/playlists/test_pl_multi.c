/* SPDX-License-Identifier: MIT */
/* Multivariant playlists: golden output, quoted-string validation, ceilings, parse and
 * round trip, and the parser's rejections. */
#include "../slc_test.h"
#include "pl_test_util.h"

#include <stdio.h>

static const char *golden = "#EXTM3U\n"
                            "#EXT-X-VERSION:1\n"
                            "#EXT-X-INDEPENDENT-SEGMENTS\n"
                            "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"aac\",LANGUAGE=\"en\","
                            "NAME=\"English\",DEFAULT=YES,AUTOSELECT=YES,"
                            "URI=\"audio/en.m3u8\"\n"
                            "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"aac\",NAME=\"Commentary\","
                            "DEFAULT=NO,AUTOSELECT=NO,URI=\"audio/c.m3u8\"\n"
                            "#EXT-X-STREAM-INF:BANDWIDTH=5640000,AVERAGE-BANDWIDTH=4500000,"
                            "CODECS=\"avc1.640028,mp4a.40.2\",RESOLUTION=1920x1080,"
                            "FRAME-RATE=29.970,AUDIO=\"aac\"\n"
                            "1080p/index.m3u8\n"
                            "#EXT-X-STREAM-INF:BANDWIDTH=800000\n"
                            "low/index.m3u8\n";

static void build(struct slc_pl_multivariant *mv)
{
    struct slc_pl_rendition r = {0};
    struct slc_pl_variant v = {0};

    slc_pl_multi_init(mv);
    mv->independent_segments = 1;
    r.type = "AUDIO";
    r.group_id = "aac";
    r.name = "English";
    r.language = "en";
    r.uri = "audio/en.m3u8";
    r.is_default = r.autoselect = 1;
    SLC_CHECK_INT_EQ(slc_pl_multi_add_rendition(mv, &r), 0);
    r.name = "Commentary";
    r.language = NULL;
    r.uri = "audio/c.m3u8";
    r.is_default = r.autoselect = 0;
    SLC_CHECK_INT_EQ(slc_pl_multi_add_rendition(mv, &r), 0);
    v.uri = "1080p/index.m3u8";
    v.bandwidth = 5640000;
    v.average_bandwidth = 4500000;
    v.codecs = "avc1.640028,mp4a.40.2";
    v.width = 1920;
    v.height = 1080;
    v.frame_rate = 30000.0 / 1001.0;
    v.audio_group = "aac";
    SLC_CHECK_INT_EQ(slc_pl_multi_add_variant(mv, &v), 0);
    memset(&v, 0, sizeof(v));
    v.uri = "low/index.m3u8";
    v.bandwidth = 800000;
    SLC_CHECK_INT_EQ(slc_pl_multi_add_variant(mv, &v), 0);
}

static void test_golden(void)
{
    struct slc_pl_multivariant mv;
    char *got;
    int ret;

    build(&mv);
    got = pl_test_write_multi(&mv, &ret);
    SLC_CHECK_INT_EQ(ret, 0);
    SLC_CHECK_STR_EQ(got, golden);
    free(got);
    slc_pl_multi_deinit(&mv);
    SLC_CHECK(mv.variants == NULL && mv.nvariants == 0 && mv.nrenditions == 0);
}

static void test_round_trip(void)
{
    struct slc_pl_multivariant mv;
    struct slc_pl_media media;
    char why[160] = "";
    char *got;
    int ret;

    slc_pl_multi_init(&mv);
    slc_pl_media_init(&media);
    ret = slc_pl_parse(golden, strlen(golden), &media, &mv, why, sizeof(why));
    if (!SLC_CHECK_INT_EQ(ret, SLC_PL_KIND_MULTIVARIANT)) {
        fprintf(stderr, "    why: %s\n", why);
    }
    SLC_CHECK_INT_EQ(mv.nvariants, 2);
    SLC_CHECK_INT_EQ(mv.nrenditions, 2);
    SLC_CHECK_INT_EQ(media.nsegs, 0);
    got = pl_test_write_multi(&mv, &ret);
    SLC_CHECK_STR_EQ(got, golden);
    free(got);
    slc_pl_multi_deinit(&mv);
    slc_pl_media_deinit(&media);
}

static void test_add_rejects(void)
{
    struct slc_pl_multivariant mv;
    struct slc_pl_rendition r = {0};
    struct slc_pl_variant v = {0};

    slc_pl_multi_init(&mv);
    v.uri = "a.m3u8";
    SLC_CHECK_INT_EQ(slc_pl_multi_add_variant(&mv, &v), SLC_EINVAL); /* no BANDWIDTH */
    v.bandwidth = 1;
    v.codecs = "avc1\",x";
    SLC_CHECK_INT_EQ(slc_pl_multi_add_variant(&mv, &v), SLC_EINVAL);
    v.codecs = "avc1\r";
    SLC_CHECK_INT_EQ(slc_pl_multi_add_variant(&mv, &v), SLC_EINVAL);
    v.codecs = NULL;
    v.audio_group = "a\nb";
    SLC_CHECK_INT_EQ(slc_pl_multi_add_variant(&mv, &v), SLC_EINVAL);
    v.audio_group = NULL;
    v.width = 640;
    SLC_CHECK_INT_EQ(slc_pl_multi_add_variant(&mv, &v), SLC_EINVAL); /* no height */
    v.width = 0;
    v.frame_rate = -1;
    SLC_CHECK_INT_EQ(slc_pl_multi_add_variant(&mv, &v), SLC_EINVAL);
    v.frame_rate = 0;
    v.uri = "a\n.m3u8";
    SLC_CHECK_INT_EQ(slc_pl_multi_add_variant(&mv, &v), SLC_EINVAL);
    SLC_CHECK_INT_EQ(mv.nvariants, 0);

    r.type = "AUDIO";
    r.group_id = "g";
    SLC_CHECK_INT_EQ(slc_pl_multi_add_rendition(&mv, &r), SLC_EINVAL); /* no NAME */
    r.name = "n\"";
    SLC_CHECK_INT_EQ(slc_pl_multi_add_rendition(&mv, &r), SLC_EINVAL);
    r.name = "n";
    r.type = "CLOSED-CAPTIONS";
    SLC_CHECK_INT_EQ(slc_pl_multi_add_rendition(&mv, &r), SLC_EINVAL);
    r.type = "SUBTITLES";
    SLC_CHECK_INT_EQ(slc_pl_multi_add_rendition(&mv, &r), SLC_EINVAL); /* needs URI */
    r.type = "AUDIO";
    r.is_default = 1;
    SLC_CHECK_INT_EQ(slc_pl_multi_add_rendition(&mv, &r), SLC_EINVAL); /* AUTOSELECT=NO */
    SLC_CHECK_INT_EQ(mv.nrenditions, 0);

    /* A variant naming an AUDIO group nobody defines is refused by the writer. */
    v.uri = "a.m3u8";
    v.audio_group = "missing";
    SLC_CHECK_INT_EQ(slc_pl_multi_add_variant(&mv, &v), 0);
    SLC_CHECK_INT_EQ(slc_pl_multi_write(&mv, &(struct slc_buf){0}), SLC_EPROTO);
    slc_pl_multi_deinit(&mv);
    /* No variant at all. */
    SLC_CHECK_INT_EQ(slc_pl_multi_write(&mv, &(struct slc_buf){0}), SLC_EPROTO);
}

static void test_ceilings(void)
{
    struct slc_pl_multivariant mv;
    struct slc_pl_rendition r = {0};
    struct slc_pl_variant v = {0};
    int ret = 0;

    slc_pl_multi_init(&mv);
    v.uri = "v.m3u8";
    v.bandwidth = 1;
    for (int i = 0; i < SLC_PL_MAX_VARIANTS && ret == 0; i++) {
        ret = slc_pl_multi_add_variant(&mv, &v);
    }
    SLC_CHECK_INT_EQ(ret, 0);
    SLC_CHECK_INT_EQ(slc_pl_multi_add_variant(&mv, &v), SLC_ELIMIT);
    r.type = "AUDIO";
    r.group_id = "g";
    r.name = "n";
    for (int i = 0; i < SLC_PL_MAX_RENDITIONS && ret == 0; i++) {
        ret = slc_pl_multi_add_rendition(&mv, &r);
    }
    SLC_CHECK_INT_EQ(ret, 0);
    SLC_CHECK_INT_EQ(slc_pl_multi_add_rendition(&mv, &r), SLC_ELIMIT);
    slc_pl_multi_deinit(&mv);
}

static void test_parse_variant_ceiling(void)
{
    struct slc_pl_multivariant mv;
    struct slc_buf b;
    char why[160] = "";
    int ret;

    slc_buf_init(&b, 0);
    ret = slc_buf_append_str(&b, "#EXTM3U\n");
    for (int i = 0; i <= SLC_PL_MAX_VARIANTS && ret == 0; i++) {
        ret = slc_buf_append_str(&b, "#EXT-X-STREAM-INF:BANDWIDTH=1\nv.m3u8\n");
    }
    slc_pl_multi_init(&mv);
    SLC_CHECK_INT_EQ(slc_pl_parse(b.data, b.len, NULL, &mv, why, sizeof(why)), SLC_ELIMIT);
    slc_pl_multi_deinit(&mv);
    slc_buf_deinit(&b);
}

/* Real-world multivariant text: unknown tags and attributes ignored, CLOSED-CAPTIONS skipped,
 * AUTOSELECT implied by DEFAULT=YES, I-frame playlists ignored. */
static void test_parse_lenient(void)
{
    static const char *text =
        "#EXTM3U\r\n"
        "#EXT-X-VERSION:6\r\n"
        "#EXT-X-MEDIA:TYPE=CLOSED-CAPTIONS,GROUP-ID=\"cc\",NAME=\"CC1\",INSTREAM-ID=\"CC1\"\r\n"
        "#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID=\"subs\",NAME=\"English\",DEFAULT=YES,"
        "FORCED=NO,URI=\"subs/en.m3u8\",LANGUAGE=\"en\"\r\n"
        "#EXT-X-STREAM-INF:BANDWIDTH=2000000,CODECS=\"avc1.4d401f\",CLOSED-CAPTIONS=\"cc\","
        "SUBTITLES=\"subs\",HDCP-LEVEL=NONE,FRAME-RATE=25\r\n"
        "# comment between tag and URI\r\n"
        "mid.m3u8\r\n"
        "#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=100000,URI=\"iframe.m3u8\"\r\n";
    struct slc_pl_multivariant mv;
    char why[160] = "";
    int ret;

    slc_pl_multi_init(&mv);
    ret = slc_pl_parse(text, strlen(text), NULL, &mv, why, sizeof(why));
    if (!SLC_CHECK_INT_EQ(ret, SLC_PL_KIND_MULTIVARIANT)) {
        fprintf(stderr, "    why: %s\n", why);
    }
    SLC_CHECK_INT_EQ(mv.version, 6);
    SLC_CHECK_INT_EQ(mv.nrenditions, 1);
    SLC_CHECK_INT_EQ(mv.nvariants, 1);
    if (mv.nrenditions == 1 && mv.nvariants == 1) {
        SLC_CHECK_STR_EQ(mv.renditions[0].type, "SUBTITLES");
        SLC_CHECK(mv.renditions[0].is_default && mv.renditions[0].autoselect);
        SLC_CHECK_STR_EQ(mv.renditions[0].language, "en");
        SLC_CHECK_STR_EQ(mv.variants[0].uri, "mid.m3u8");
        SLC_CHECK_STR_EQ(mv.variants[0].codecs, "avc1.4d401f");
        SLC_CHECK(mv.variants[0].frame_rate == 25.0);
    }
    slc_pl_multi_deinit(&mv);
}

struct reject_case {
    const char *text;
    const char *why;
};

static const struct reject_case rejects[] = {
    {"#EXTM3U\n#EXT-X-STREAM-INF:AVERAGE-BANDWIDTH=1\nv.m3u8\n", "without BANDWIDTH"},
    {"#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=0\nv.m3u8\n", "without BANDWIDTH"},
    {"#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1,BANDWIDTH=2\nv.m3u8\n", "duplicate"},
    {"#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=\"1\"\nv.m3u8\n", "BANDWIDTH"},
    {"#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1,CODECS=avc1\nv.m3u8\n", "quoted"},
    {"#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1,RESOLUTION=1920\nv.m3u8\n", "RESOLUTION"},
    {"#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1,RESOLUTION=0x720\nv.m3u8\n", "RESOLUTION"},
    {"#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1,FRAME-RATE=-1\nv.m3u8\n", "FRAME-RATE"},
    {"#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1,CODECS=\"a\nv.m3u8\n", "malformed"},
    {"#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n", "at end"},
    {"#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv.m3u8\n",
     "without a URI"},
    {"#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1,AUDIO=\"aac\"\nv.m3u8\n", "AUDIO group"},
    {"#EXTM3U\n#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"a\",NAME=\"n\"\n", "variants"},
    {"#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv.m3u8\nw.m3u8\n", "without EXT-X-STREAM-INF"},
    {"#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv.m3u8\n#EXTINF:1,\n", "mixes"},
    {"#EXTM3U\n#EXT-X-MEDIA:TYPE=TEXT,GROUP-ID=\"a\",NAME=\"n\"\n", "TYPE"},
    {"#EXTM3U\n#EXT-X-MEDIA:TYPE=AUDIO,NAME=\"n\"\n", "GROUP-ID"},
    {"#EXTM3U\n#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"a\",NAME=\"n\",DEFAULT=TRUE\n", "DEFAULT"},
    {"#EXTM3U\n#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"a\",NAME=\"n\",DEFAULT=YES,AUTOSELECT=NO\n",
     "AUTOSELECT"},
    {"#EXTM3U\n#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID=\"a\",NAME=\"n\"\n", "without URI"},
};

static void test_parse_rejects(void)
{
    for (size_t i = 0; i < sizeof(rejects) / sizeof(rejects[0]); i++) {
        struct slc_pl_multivariant mv;
        struct slc_pl_media media;
        char why[160] = "";
        int ret;

        slc_pl_multi_init(&mv);
        slc_pl_media_init(&media);
        ret = slc_pl_parse(rejects[i].text, strlen(rejects[i].text), &media, &mv, why, sizeof(why));
        if (!SLC_CHECK_INT_EQ(ret, SLC_EPROTO) || !SLC_CHECK(strstr(why, rejects[i].why) != NULL)) {
            fprintf(stderr, "    case %zu: why '%s', wanted '%s'\n", i, why, rejects[i].why);
        }
        slc_pl_multi_deinit(&mv);
        slc_pl_media_deinit(&media);
    }
}

int main(void)
{
    pl_test_quiet();
    SLC_RUN(test_golden);
    SLC_RUN(test_round_trip);
    SLC_RUN(test_add_rejects);
    SLC_RUN(test_ceilings);
    SLC_RUN(test_parse_variant_ceiling);
    SLC_RUN(test_parse_lenient);
    SLC_RUN(test_parse_rejects);
    return slc_test_summary("test_pl_multi");
}
