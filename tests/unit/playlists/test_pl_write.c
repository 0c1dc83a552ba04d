/* SPDX-License-Identifier: MIT */
/* Media playlist writer: golden output for VOD, EVENT and live windows, version selection,
 * base_url joining, EXTINF rounding and the target duration rule. */
#include "../slc_test.h"
#include "pl_test_util.h"

static void test_vod_golden(void)
{
    static const char *want = "#EXTM3U\n"
                              "#EXT-X-VERSION:3\n"
                              "#EXT-X-TARGETDURATION:6\n"
                              "#EXT-X-MEDIA-SEQUENCE:0\n"
                              "#EXT-X-PLAYLIST-TYPE:VOD\n"
                              "#EXT-X-INDEPENDENT-SEGMENTS\n"
                              "#EXTINF:6.006,\n"
                              "seg00000.ts\n"
                              "#EXTINF:6.000,\n"
                              "seg00001.ts\n"
                              "#EXTINF:2.000,\n"
                              "seg00002.ts\n"
                              "#EXT-X-ENDLIST\n";
    struct slc_pl_media pl;
    char *got;
    int ret;

    slc_pl_media_init(&pl);
    pl.target_duration = 6;
    pl.type = SLC_PL_TYPE_VOD;
    pl.endlist = 1;
    pl.independent_segments = 1;
    SLC_CHECK_INT_EQ(pl_test_add(&pl, "seg00000.ts", 6006000, 0), 0);
    SLC_CHECK_INT_EQ(pl_test_add(&pl, "seg00001.ts", 5999500, 0), 0); /* half-up: 6.000 */
    SLC_CHECK_INT_EQ(pl_test_add(&pl, "seg00002.ts", 2000499, 0), 0); /* 2.000 */
    got = pl_test_write(&pl, NULL, &ret);
    SLC_CHECK_INT_EQ(ret, 0);
    SLC_CHECK_STR_EQ(got, want);
    free(got);
    slc_pl_media_deinit(&pl);
}

static void test_event_golden(void)
{
    static const char *want = "#EXTM3U\n"
                              "#EXT-X-VERSION:3\n"
                              "#EXT-X-TARGETDURATION:4\n"
                              "#EXT-X-MEDIA-SEQUENCE:0\n"
                              "#EXT-X-PLAYLIST-TYPE:EVENT\n"
                              "#EXT-X-PROGRAM-DATE-TIME:2026-11-26T10:00:00.000Z\n"
                              "#EXTINF:4.000,cam 1\n"
                              "https://cdn/x/seg00000.ts\n"
                              "#EXT-X-PROGRAM-DATE-TIME:2026-11-26T10:00:04.000Z\n"
                              "#EXTINF:3.967,\n"
                              "https://cdn/x/seg00001.ts\n";
    struct slc_pl_segment s;
    struct slc_pl_media pl;
    char *got;
    int ret;

    slc_pl_media_init(&pl);
    pl.target_duration = 4;
    pl.type = SLC_PL_TYPE_EVENT;
    s = pl_test_seg("seg00000.ts", 4000000);
    s.title = "cam 1";
    s.program_date_time_ms = 1795687200000LL;
    SLC_CHECK_INT_EQ(slc_pl_media_add_segment(&pl, &s), 0);
    s = pl_test_seg("seg00001.ts", 3966667);
    s.program_date_time_ms = 1795687204000LL;
    SLC_CHECK_INT_EQ(slc_pl_media_add_segment(&pl, &s), 0);
    got = pl_test_write(&pl, "https://cdn/x/", &ret);
    SLC_CHECK_INT_EQ(ret, 0);
    SLC_CHECK_STR_EQ(got, want);
    free(got);
    slc_pl_media_deinit(&pl);
}

/* A sliding window: no PLAYLIST-TYPE, sequences moved by drop_head, the discontinuity
 * sequence written before the first segment. */
static void test_live_window_golden(void)
{
    static const char *want = "#EXTM3U\n"
                              "#EXT-X-VERSION:3\n"
                              "#EXT-X-TARGETDURATION:2\n"
                              "#EXT-X-MEDIA-SEQUENCE:3\n"
                              "#EXT-X-DISCONTINUITY-SEQUENCE:1\n"
                              "#EXTINF:2.000,\n"
                              "seg3.ts\n"
                              "#EXT-X-DISCONTINUITY\n"
                              "#EXTINF:1.500,\n"
                              "seg4.ts\n";
    struct slc_pl_media pl;
    char *got;
    int ret;

    slc_pl_media_init(&pl);
    pl.target_duration = 2;
    pl_test_add(&pl, "seg0.ts", 2000000, 0);
    pl_test_add(&pl, "seg1.ts", 2000000, 0);
    pl_test_add(&pl, "seg2.ts", 2000000, 1);
    pl_test_add(&pl, "seg3.ts", 2000000, 0);
    pl_test_add(&pl, "seg4.ts", 1500000, 1);
    slc_pl_media_drop_head(&pl, 3);
    got = pl_test_write(&pl, NULL, &ret);
    SLC_CHECK_INT_EQ(ret, 0);
    SLC_CHECK_STR_EQ(got, want);
    free(got);
    slc_pl_media_deinit(&pl);
}

/* The discontinuity sequence is written as soon as a discontinuity is listed (value 0). */
static void test_dseq_written_with_discontinuity(void)
{
    struct slc_pl_media pl;
    char *got;
    int ret;

    slc_pl_media_init(&pl);
    pl.target_duration = 2;
    pl_test_add(&pl, "a.ts", 2000000, 0);
    got = pl_test_write(&pl, NULL, &ret);
    SLC_CHECK(got && !strstr(got, "DISCONTINUITY"));
    free(got);
    pl_test_add(&pl, "b.ts", 2000000, 1);
    got = pl_test_write(&pl, NULL, &ret);
    SLC_CHECK(got && strstr(got, "#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-DISCONTINUITY-SEQUENCE:0\n"));
    free(got);
    slc_pl_media_deinit(&pl);
}

static void test_byterange_version(void)
{
    static const char *want = "#EXTM3U\n"
                              "#EXT-X-VERSION:4\n"
                              "#EXT-X-TARGETDURATION:5\n"
                              "#EXT-X-MEDIA-SEQUENCE:7\n"
                              "#EXT-X-BYTERANGE:1000@0\n"
                              "#EXTINF:5.000,\n"
                              "all.ts\n"
                              "#EXT-X-BYTERANGE:2000\n"
                              "#EXTINF:4.500,\n"
                              "all.ts\n"
                              "#EXT-X-ENDLIST\n";
    struct slc_pl_segment s;
    struct slc_pl_media pl;
    char *got;
    int ret;

    slc_pl_media_init(&pl);
    pl.target_duration = 5;
    pl.media_sequence = 7;
    pl.endlist = 1;
    s = pl_test_seg("all.ts", 5000000);
    s.byterange_length = 1000;
    s.byterange_offset = 0;
    slc_pl_media_add_segment(&pl, &s);
    s = pl_test_seg("all.ts", 4500000);
    s.byterange_length = 2000;
    slc_pl_media_add_segment(&pl, &s);
    got = pl_test_write(&pl, NULL, &ret);
    SLC_CHECK_INT_EQ(ret, 0);
    SLC_CHECK_STR_EQ(got, want);
    free(got);

    /* An explicit version below what the tags need is refused; above is kept. */
    pl.version = 3;
    got = pl_test_write(&pl, NULL, &ret);
    SLC_CHECK_INT_EQ(ret, SLC_EPROTO);
    SLC_CHECK(got == NULL);
    pl.version = 6;
    got = pl_test_write(&pl, NULL, &ret);
    SLC_CHECK(got && strstr(got, "\n#EXT-X-VERSION:6\n") && !strstr(got, "VERSION:4"));
    free(got);
    slc_pl_media_deinit(&pl);
}

/* Byte ranges: an implicit offset needs a previous range of the same resource. */
static void test_byterange_rules(void)
{
    struct slc_pl_segment s;
    struct slc_pl_media pl;
    char why[128] = "";

    slc_pl_media_init(&pl);
    pl.target_duration = 5;
    s = pl_test_seg("a.ts", 1000000);
    s.byterange_length = 100;
    slc_pl_media_add_segment(&pl, &s);
    SLC_CHECK_INT_EQ(slc_pl_media_check(&pl, why, sizeof(why)), SLC_EPROTO);
    SLC_CHECK(strstr(why, "offset") != NULL);
    pl.segs[0].byterange_offset = 0;
    SLC_CHECK_INT_EQ(slc_pl_media_check(&pl, NULL, 0), 0);
    s.uri = "b.ts";
    slc_pl_media_add_segment(&pl, &s);
    SLC_CHECK_INT_EQ(slc_pl_media_check(&pl, NULL, 0), SLC_EPROTO);
    pl.segs[1].byterange_offset = 0;
    pl.segs[1].byterange_length = 0;
    SLC_CHECK_INT_EQ(slc_pl_media_check(&pl, NULL, 0), SLC_EPROTO);
    pl.segs[1].byterange_length = -1;
    SLC_CHECK_INT_EQ(slc_pl_media_check(&pl, NULL, 0), SLC_EPROTO); /* offset, no length */
    pl.segs[1].byterange_offset = -1;
    SLC_CHECK_INT_EQ(slc_pl_media_check(&pl, NULL, 0), 0);
    pl.segs[0].byterange_offset = INT64_MAX - 10;
    SLC_CHECK_INT_EQ(slc_pl_media_check(&pl, NULL, 0), SLC_EPROTO); /* overflow */
    slc_pl_media_deinit(&pl);
}

/* RFC 8216 4.3.3.1 with our 3-decimal EXTINF: the check rounds the value as written. */
static void test_target_duration_rule(void)
{
    struct slc_pl_media pl;
    char why[128] = "";
    char *got;
    int ret;

    slc_pl_media_init(&pl);
    pl.target_duration = 6;
    pl_test_add(&pl, "a.ts", 6500000, 0); /* 6.500 rounds to 7 */
    SLC_CHECK_INT_EQ(slc_pl_media_check(&pl, why, sizeof(why)), SLC_EPROTO);
    SLC_CHECK(strstr(why, "target") != NULL);
    got = pl_test_write(&pl, NULL, &ret);
    SLC_CHECK_INT_EQ(ret, SLC_EPROTO);
    SLC_CHECK(got == NULL);
    SLC_CHECK_INT_EQ(slc_pl_media_min_target(&pl), 7);

    pl.segs[0].duration_us = 6499400; /* written 6.499: rounds to 6 */
    SLC_CHECK_INT_EQ(slc_pl_media_check(&pl, NULL, 0), 0);
    SLC_CHECK_INT_EQ(slc_pl_media_min_target(&pl), 6);
    got = pl_test_write(&pl, NULL, &ret);
    SLC_CHECK(got && strstr(got, "#EXTINF:6.499,\n"));
    free(got);
    /* 6.4999 s is written as 6.500, which a client rounds to 7: refused, not hidden. */
    pl.segs[0].duration_us = 6499900;
    SLC_CHECK_INT_EQ(slc_pl_media_check(&pl, NULL, 0), SLC_EPROTO);
    SLC_CHECK_INT_EQ(slc_pl_media_min_target(&pl), 7);
    pl.segs[0].duration_us = 6499499;
    SLC_CHECK_INT_EQ(slc_pl_media_check(&pl, NULL, 0), 0);

    pl.target_duration = 0;
    SLC_CHECK_INT_EQ(slc_pl_media_check(&pl, NULL, 0), SLC_EPROTO);
    slc_pl_media_deinit(&pl);
}

/* Sequence numbers of the listed segments (and of the next one) must fit 64 bits. */
static void test_sequence_overflow(void)
{
    struct slc_pl_media pl;
    char why[128] = "";

    slc_pl_media_init(&pl);
    pl.target_duration = 1;
    pl_test_add(&pl, "a.ts", 1000000, 1);
    pl_test_add(&pl, "b.ts", 1000000, 0);
    pl.media_sequence = UINT64_MAX - 2; /* segments MAX-2, MAX-1; the next one MAX */
    SLC_CHECK_INT_EQ(slc_pl_media_check(&pl, NULL, 0), 0);
    pl.media_sequence = UINT64_MAX - 1;
    SLC_CHECK_INT_EQ(slc_pl_media_check(&pl, why, sizeof(why)), SLC_EPROTO);
    SLC_CHECK(strstr(why, "overflow") != NULL);
    pl.media_sequence = 0;
    pl.discontinuity_sequence = UINT64_MAX - 1;
    SLC_CHECK_INT_EQ(slc_pl_media_check(&pl, NULL, 0), 0);
    pl.discontinuity_sequence = UINT64_MAX;
    SLC_CHECK_INT_EQ(slc_pl_media_check(&pl, NULL, 0), SLC_EPROTO);
    slc_pl_media_deinit(&pl);
}

static void test_vod_needs_endlist(void)
{
    struct slc_pl_media pl;

    slc_pl_media_init(&pl);
    pl.target_duration = 2;
    pl.type = SLC_PL_TYPE_VOD;
    pl_test_add(&pl, "a.ts", 2000000, 0);
    SLC_CHECK_INT_EQ(slc_pl_media_check(&pl, NULL, 0), SLC_EPROTO);
    pl.endlist = 1;
    SLC_CHECK_INT_EQ(slc_pl_media_check(&pl, NULL, 0), 0);
    pl.type = (enum slc_pl_type)9;
    SLC_CHECK_INT_EQ(slc_pl_media_check(&pl, NULL, 0), SLC_EPROTO);
    slc_pl_media_deinit(&pl);
}

static void check_join(const char *base, const char *uri, const char *want_line)
{
    struct slc_pl_media pl;
    char *got;
    int ret;

    slc_pl_media_init(&pl);
    pl.target_duration = 1;
    pl_test_add(&pl, uri, 1000000, 0);
    got = pl_test_write(&pl, base, &ret);
    SLC_CHECK_INT_EQ(ret, 0);
    if (SLC_CHECK(got != NULL)) {
        SLC_CHECK_STR_EQ(strstr(got, "#EXTINF:1.000,\n") + 15, want_line);
    }
    free(got);
    slc_pl_media_deinit(&pl);
}

static void test_base_url(void)
{
    check_join("https://cdn/x/", "seg00001.ts", "https://cdn/x/seg00001.ts\n");
    check_join("https://cdn/x", "seg00001.ts", "https://cdn/x/seg00001.ts\n");
    check_join("https://cdn/x/", "/seg00001.ts", "https://cdn/x/seg00001.ts\n");
    check_join("https://cdn/x//", "//a/b.ts", "//a/b.ts\n");         /* network-path: kept */
    check_join("https://cdn/x", "http://o/b.ts", "http://o/b.ts\n"); /* absolute: kept */
    check_join("https://cdn/x", "v1/b.ts", "https://cdn/x/v1/b.ts\n");
    check_join("", "b.ts", "b.ts\n");
    check_join(NULL, "b.ts", "b.ts\n");
}

static void test_base_url_newline(void)
{
    struct slc_pl_media pl;
    char *got;
    int ret;

    slc_pl_media_init(&pl);
    pl.target_duration = 1;
    pl_test_add(&pl, "a.ts", 1000000, 0);
    got = pl_test_write(&pl, "https://x/\n#EXT-X-ENDLIST", &ret);
    SLC_CHECK_INT_EQ(ret, SLC_EINVAL);
    SLC_CHECK(got == NULL);
    slc_pl_media_deinit(&pl);
}

/* The output buffer's ceiling: SLC_ELIMIT, and the buffer is left exactly as it was. */
static void test_buffer_ceiling(void)
{
    struct slc_pl_media pl;
    struct slc_buf b;

    slc_pl_media_init(&pl);
    pl.target_duration = 1;
    pl_test_add(&pl, "a.ts", 1000000, 0);
    slc_buf_init(&b, 64);
    slc_buf_append_str(&b, "keep");
    SLC_CHECK_INT_EQ(slc_pl_media_write(&pl, NULL, &b), SLC_ELIMIT);
    SLC_CHECK_INT_EQ(b.len, 4);
    SLC_CHECK_STR_EQ(b.data, "keep");
    slc_buf_deinit(&b);
    slc_pl_media_deinit(&pl);
}

static void test_program_date_time_format(void)
{
    struct slc_pl_segment s;
    struct slc_pl_media pl;
    char *got;
    int ret;

    slc_pl_media_init(&pl);
    pl.target_duration = 1;
    s = pl_test_seg("a.ts", 1000000);
    s.program_date_time_ms = 951827696789LL;
    slc_pl_media_add_segment(&pl, &s);
    s.program_date_time_ms = -1000; /* before the epoch */
    slc_pl_media_add_segment(&pl, &s);
    got = pl_test_write(&pl, NULL, &ret);
    SLC_CHECK(got && strstr(got, "#EXT-X-PROGRAM-DATE-TIME:2000-02-29T12:34:56.789Z\n"));
    SLC_CHECK(got && strstr(got, "#EXT-X-PROGRAM-DATE-TIME:1969-12-31T23:59:59.000Z\n"));
    free(got);
    pl.segs[1].program_date_time_ms = 253402300800000LL; /* year 10000 */
    got = pl_test_write(&pl, NULL, &ret);
    SLC_CHECK_INT_EQ(ret, SLC_EPROTO);
    free(got);
    slc_pl_media_deinit(&pl);
}

int main(void)
{
    pl_test_quiet();
    SLC_RUN(test_vod_golden);
    SLC_RUN(test_event_golden);
    SLC_RUN(test_live_window_golden);
    SLC_RUN(test_dseq_written_with_discontinuity);
    SLC_RUN(test_byterange_version);
    SLC_RUN(test_byterange_rules);
    SLC_RUN(test_target_duration_rule);
    SLC_RUN(test_sequence_overflow);
    SLC_RUN(test_vod_needs_endlist);
    SLC_RUN(test_base_url);
    SLC_RUN(test_base_url_newline);
    SLC_RUN(test_buffer_ceiling);
    SLC_RUN(test_program_date_time_format);
    return slc_test_summary("test_pl_write");
}
