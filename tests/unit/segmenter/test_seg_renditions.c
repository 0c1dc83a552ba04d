/* SPDX-License-Identifier: MIT */
/* Alternate audio renditions without FFmpeg: language tags from container metadata, unique
 * names, folder names both ways, and the EXT-X-MEDIA group written from a description. */
#include "slc_test.h"

#include "slc_buf.h"
#include "slc_err.h"
#include "slc_seg_renditions.h"

#include <stdlib.h>
#include <string.h>

static void check_lang(const char *raw, const char *want)
{
    char out[36];

    slc_seg_language_tag(raw, out, sizeof(out));
    if (!SLC_CHECK_STR_EQ(out, want)) {
        fprintf(stderr, "    raw '%s'\n", raw ? raw : "(null)");
    }
}

static void test_language(void)
{
    check_lang("eng", "en");
    check_lang("fra", "fr");
    check_lang("fre", "fr");
    check_lang("ger", "de");
    check_lang("DEU", "de");
    check_lang("en-US", "en-US");
    check_lang("haw", "haw"); /* no two-letter code: kept */
    check_lang("und", "");
    check_lang("UND", "");
    check_lang("", "");
    check_lang(NULL, "");
    check_lang("english language", "");
    check_lang("e\"n", "");
    check_lang("\xff\xfe", "");
    check_lang("toolongsubtagxx", "");
}

static void test_names(void)
{
    struct slc_seg_audio_desc a[4];

    memset(a, 0, sizeof(a));
    snprintf(a[0].language, sizeof(a[0].language), "%s", "en");
    slc_seg_audio_name(&a[0], NULL, 0, a, 0);
    SLC_CHECK_STR_EQ(a[0].name, "English");
    snprintf(a[1].language, sizeof(a[1].language), "%s", "en");
    slc_seg_audio_name(&a[1], NULL, 1, a, 1);
    SLC_CHECK_STR_EQ(a[1].name, "English 2");
    slc_seg_audio_name(&a[2], "Director \"cut\"", 2, a, 2); /* unquotable title */
    SLC_CHECK_STR_EQ(a[2].name, "Audio 3");
    slc_seg_audio_name(&a[3], "Commentary", 3, a, 3);
    SLC_CHECK_STR_EQ(a[3].name, "Commentary");
}

static void test_dirs(void)
{
    char d[16];

    SLC_CHECK_INT_EQ(slc_seg_audio_dir(3, d, sizeof(d)), 0);
    SLC_CHECK_STR_EQ(d, "audio_3");
    SLC_CHECK_INT_EQ(slc_seg_audio_dir(3, d, 4), SLC_ELIMIT);
    SLC_CHECK_INT_EQ(slc_seg_audio_dir_parse("audio_3", 7), 3);
    SLC_CHECK_INT_EQ(slc_seg_audio_dir_parse("audio_03", 8), -1);
    SLC_CHECK_INT_EQ(slc_seg_audio_dir_parse("audio_0", 7), -1);
    SLC_CHECK_INT_EQ(slc_seg_audio_dir_parse("audio_", 6), -1);
    SLC_CHECK_INT_EQ(slc_seg_audio_dir_parse("audio_99", 8), -1);
    SLC_CHECK_INT_EQ(slc_seg_audio_dir_parse("audio_1x", 8), -1);
    SLC_CHECK_INT_EQ(slc_seg_audio_dir_parse("video_1", 7), -1);
}

static void test_group(void)
{
    static const char *want = "#EXTM3U\n"
                              "#EXT-X-VERSION:1\n"
                              "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"audio\",LANGUAGE=\"en\","
                              "NAME=\"English\",DEFAULT=YES,AUTOSELECT=YES,CHANNELS=\"2\"\n"
                              "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"audio\",NAME=\"Audio 2\","
                              "DEFAULT=NO,AUTOSELECT=YES,CHANNELS=\"1\","
                              "URI=\"audio_1/stream.m3u8\"\n"
                              "#EXT-X-STREAM-INF:BANDWIDTH=1,AUDIO=\"audio\"\n"
                              "stream.m3u8\n";
    struct slc_seg_stream_desc d;
    struct slc_pl_multivariant mv;
    struct slc_pl_variant v = {0};
    struct slc_buf b;

    memset(&d, 0, sizeof(d));
    d.naudio = 1;
    slc_pl_multi_init(&mv);
    SLC_CHECK_INT_EQ(slc_seg_audio_group_add(&d, "stream.m3u8", &mv, &v), 0);
    SLC_CHECK(mv.nrenditions == 0 && v.audio_group == NULL); /* one track: no group */
    d.naudio = 2;
    snprintf(d.audio[0].language, sizeof(d.audio[0].language), "%s", "en");
    snprintf(d.audio[0].name, sizeof(d.audio[0].name), "%s", "English");
    d.audio[0].channels = 2;
    d.audio[1].rendition = 1;
    snprintf(d.audio[1].name, sizeof(d.audio[1].name), "%s", "Audio 2");
    d.audio[1].channels = 1;
    SLC_CHECK_INT_EQ(slc_seg_audio_group_add(&d, "stream.m3u8", &mv, &v), 0);
    v.uri = "stream.m3u8";
    v.bandwidth = 1;
    SLC_CHECK_INT_EQ(slc_pl_multi_add_variant(&mv, &v), 0);
    slc_buf_init(&b, 0);
    SLC_CHECK_INT_EQ(slc_pl_multi_write(&mv, &b), 0);
    SLC_CHECK_STR_EQ(b.data, want);
    slc_buf_deinit(&b);
    slc_pl_multi_deinit(&mv);
}

int main(void)
{
    SLC_RUN(test_language);
    SLC_RUN(test_names);
    SLC_RUN(test_dirs);
    SLC_RUN(test_group);
    return slc_test_summary("test_seg_renditions");
}
