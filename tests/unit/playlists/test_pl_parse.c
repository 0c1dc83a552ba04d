/* SPDX-License-Identifier: MIT */
/* Parser: round trips of everything the writer writes, real-world leniency (CRLF, comments,
 * unknown tags), each rejection with its reason, date-times, attribute lists and ceilings. */
#include "../slc_test.h"
#include "pl_internal.h"
#include "pl_test_util.h"

#include <stdio.h>

static int parse_media(const char *text, struct slc_pl_media *pl, char *why, size_t cap)
{
    struct slc_pl_multivariant mv;
    int ret;

    slc_pl_media_init(pl);
    slc_pl_multi_init(&mv);
    ret = slc_pl_parse(text, strlen(text), pl, &mv, why, cap);
    slc_pl_multi_deinit(&mv);
    return ret;
}

/* write -> parse -> write gives identical bytes. */
static void round_trip(const char *text)
{
    struct slc_pl_media pl;
    char why[160] = "";
    char *again;
    int ret;

    ret = parse_media(text, &pl, why, sizeof(why));
    if (!SLC_CHECK_INT_EQ(ret, SLC_PL_KIND_MEDIA)) {
        fprintf(stderr, "    why: %s\n", why);
    }
    again = pl_test_write(&pl, NULL, &ret);
    SLC_CHECK_STR_EQ(again, text);
    free(again);
    slc_pl_media_deinit(&pl);
}

static void test_round_trips(void)
{
    round_trip("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:6\n#EXT-X-MEDIA-SEQUENCE:0\n"
               "#EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-INDEPENDENT-SEGMENTS\n#EXTINF:6.006,\n"
               "seg00000.ts\n#EXTINF:2.000,\nseg00001.ts\n#EXT-X-ENDLIST\n");
    round_trip("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:4\n#EXT-X-MEDIA-SEQUENCE:0\n"
               "#EXT-X-PLAYLIST-TYPE:EVENT\n"
               "#EXT-X-PROGRAM-DATE-TIME:2026-11-26T10:00:00.000Z\n#EXTINF:4.000,cam 1, left\n"
               "https://cdn/x/seg00000.ts\n#EXTINF:3.967,\nhttps://cdn/x/seg00001.ts\n");
    round_trip("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n"
               "#EXT-X-MEDIA-SEQUENCE:18446744073709551613\n"
               "#EXT-X-DISCONTINUITY-SEQUENCE:1\n#EXTINF:2.000,\nseg3.ts\n"
               "#EXT-X-DISCONTINUITY\n#EXTINF:1.500,\nseg4.ts\n");
    round_trip("#EXTM3U\n#EXT-X-VERSION:4\n#EXT-X-TARGETDURATION:5\n#EXT-X-MEDIA-SEQUENCE:7\n"
               "#EXT-X-BYTERANGE:1000@0\n#EXTINF:5.000,\nall.ts\n#EXT-X-BYTERANGE:2000\n"
               "#EXTINF:4.500,\nall.ts\n#EXT-X-ENDLIST\n");
    round_trip("#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:0\n"
               "#EXT-X-ENDLIST\n");
}

/* What real servers send: CRLF, comments, blank lines, unknown and LL-HLS tags, integer
 * EXTINF, a missing comma, tags between EXTINF and the URI. */
static void test_lenient(void)
{
    static const char *text = "#EXTM3U\r\n"
                              "#EXT-X-TARGETDURATION:10\r\n"
                              "\r\n"
                              "# a comment\r\n"
                              "#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1.0\r\n"
                              "#EXT-X-PART-INF:PART-TARGET=0.334\r\n"
                              "#EXTINF:10\r\n"
                              "#EXT-X-PROGRAM-DATE-TIME:2026-11-26T11:00:00+01:00\r\n"
                              "a.ts\r\n"
                              "#EXT-X-PART:DURATION=0.334,URI=\"p.mp4\"\r\n"
                              "#EXTINF:9.87654321,title\r\n"
                              "b.ts\r\n"
                              "#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"q.mp4\"\r\n";
    struct slc_pl_media pl;
    char why[160] = "";

    SLC_CHECK_INT_EQ(parse_media(text, &pl, why, sizeof(why)), SLC_PL_KIND_MEDIA);
    SLC_CHECK_INT_EQ(pl.nsegs, 2);
    SLC_CHECK_INT_EQ(pl.version, 0);
    SLC_CHECK_INT_EQ(pl.target_duration, 10);
    if (pl.nsegs == 2) {
        SLC_CHECK_INT_EQ(pl.segs[0].duration_us, 10000000);
        SLC_CHECK_INT_EQ(pl.segs[0].program_date_time_ms, 1795687200000LL);
        SLC_CHECK(pl.segs[0].title == NULL);
        SLC_CHECK_STR_EQ(pl.segs[1].uri, "b.ts");
        SLC_CHECK_INT_EQ(pl.segs[1].duration_us, 9876543);
        SLC_CHECK_STR_EQ(pl.segs[1].title, "title");
        SLC_CHECK_INT_EQ(pl.segs[1].byterange_length, -1);
    }
    slc_pl_media_deinit(&pl);
}

struct reject_case {
    const char *text;
    int ret;
    const char *why;
};

static const struct reject_case rejects[] = {
    {"", SLC_EPROTO, "#EXTM3U"},
    {"\xEF\xBB\xBF#EXTM3U\n#EXT-X-TARGETDURATION:1\n", SLC_EPROTO, "#EXTM3U"},
    {"#EXTM3Ux\n", SLC_EPROTO, "#EXTM3U"},
    {"#EXTM3U\n", SLC_EPROTO, "TARGETDURATION"},
    {"#EXTM3U\n#EXT-X-TARGETDURATION:1\na.ts\n", SLC_EPROTO, "without EXTINF"},
    {"#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\n", SLC_EPROTO, "at end"},
    {"#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:-1,\na.ts\n", SLC_EPROTO, "negative"},
    {"#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1e3,\na.ts\n", SLC_EPROTO, "EXTINF"},
    {"#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:,\na.ts\n", SLC_EPROTO, "EXTINF"},
    {"#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.,\na.ts\n", SLC_EPROTO, "EXTINF"},
    {"#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:99999999999999,\na.ts\n", SLC_EPROTO, "EXTINF"},
    {"#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\n#EXTINF:1,\na.ts\n", SLC_EPROTO,
     "EXTINF without a URI"},
    {"#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF\na.ts\n", SLC_EPROTO, "needs a value"},
    {"#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXT-X-ENDLIST:1\n", SLC_EPROTO, "takes no value"},
    {"#EXTM3U\n#EXT-X-TARGETDURATION:x\n", SLC_EPROTO, "TARGETDURATION"},
    {"#EXTM3U\n#EXT-X-TARGETDURATION:2147483648\n", SLC_EPROTO, "TARGETDURATION"},
    {"#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXT-X-TARGETDURATION:1\n", SLC_EPROTO, "duplicate"},
    {"#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-VERSION:3\n", SLC_EPROTO, "duplicate"},
    {"#EXTM3U\n#EXT-X-VERSION:0\n", SLC_EPROTO, "VERSION"},
    {"#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:18446744073709551616\n", SLC_EPROTO,
     "MEDIA-SEQUENCE"},
    {"#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:+1\n", SLC_EPROTO, "MEDIA-SEQUENCE"},
    {"#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\na.ts\n#EXT-X-MEDIA-SEQUENCE:1\n", SLC_EPROTO,
     "after the first segment"},
    {"#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXT-X-DISCONTINUITY\n"
     "#EXT-X-DISCONTINUITY-SEQUENCE:1\n#EXTINF:1,\na.ts\n",
     SLC_EPROTO, "after the first segment"},
    {"#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXT-X-PLAYLIST-TYPE:LIVE\n", SLC_EPROTO, "PLAYLIST-TYPE"},
    {"#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXT-X-BYTERANGE:1@\n#EXTINF:1,\na.ts\n", SLC_EPROTO,
     "BYTERANGE"},
    {"#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXT-X-BYTERANGE:1\n#EXT-X-BYTERANGE:1\n", SLC_EPROTO,
     "duplicate"},
    {"#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXT-X-PROGRAM-DATE-TIME:2026-02-30T00:00:00Z\n",
     SLC_EPROTO, "PROGRAM-DATE-TIME"},
    {"#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXT-X-PROGRAM-DATE-TIME:2026-01-01T24:00:00Z\n",
     SLC_EPROTO, "PROGRAM-DATE-TIME"},
    {"#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXT-X-PROGRAM-DATE-TIME:2026-01-01 00:00:00Z\n",
     SLC_EPROTO, "PROGRAM-DATE-TIME"},
    {"#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXT-X-DISCONTINUITY\n", SLC_EPROTO, "at end"},
    {"#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\na\r.ts\n", SLC_EPROTO, "carriage"},
    {"#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTM3U\n", SLC_EPROTO, "first line"},
    {"#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv.m3u8\n", SLC_EPROTO,
     "mixes"},
};

static void test_rejects(void)
{
    for (size_t i = 0; i < sizeof(rejects) / sizeof(rejects[0]); i++) {
        struct slc_pl_media pl;
        char why[160] = "";
        int ret = parse_media(rejects[i].text, &pl, why, sizeof(why));

        if (!SLC_CHECK_INT_EQ(ret, rejects[i].ret) ||
            !SLC_CHECK(strstr(why, rejects[i].why) != NULL)) {
            fprintf(stderr, "    case %zu: why '%s', wanted '%s'\n", i, why, rejects[i].why);
        }
        slc_pl_media_deinit(&pl);
    }
}

static void test_nul_byte(void)
{
    static const char text[] = "#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\na\0.ts\n";
    struct slc_pl_media pl;
    char why[160] = "";

    slc_pl_media_init(&pl);
    SLC_CHECK_INT_EQ(slc_pl_parse(text, sizeof(text) - 1, &pl, NULL, why, sizeof(why)), SLC_EPROTO);
    SLC_CHECK(strstr(why, "NUL") != NULL);
    slc_pl_media_deinit(&pl);
}

/* The text need not be NUL-terminated: only `len` bytes are read. */
static void test_not_terminated(void)
{
    static const char text[] = "#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\na.tsGARBAGE";
    struct slc_pl_media pl;

    slc_pl_media_init(&pl);
    SLC_CHECK_INT_EQ(slc_pl_parse(text, sizeof(text) - 1 - 7, &pl, NULL, NULL, 0),
                     SLC_PL_KIND_MEDIA);
    SLC_CHECK(pl.nsegs == 1 && strcmp(pl.segs[0].uri, "a.ts") == 0);
    slc_pl_media_deinit(&pl);
}

static void test_kind_without_output(void)
{
    static const char *mv = "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv.m3u8\n";
    struct slc_pl_multivariant m;
    char why[160] = "";

    slc_pl_multi_init(&m);
    SLC_CHECK_INT_EQ(slc_pl_parse(mv, strlen(mv), NULL, &m, why, sizeof(why)),
                     SLC_PL_KIND_MULTIVARIANT);
    slc_pl_multi_deinit(&m);
    SLC_CHECK_INT_EQ(slc_pl_parse(mv, strlen(mv), NULL, NULL, why, sizeof(why)), SLC_EPROTO);
    SLC_CHECK(strstr(why, "unexpected multivariant") != NULL);
}

static void test_line_ceiling(void)
{
    size_t n = SLC_PL_MAX_LINE + 64;
    char *text = malloc(n);
    struct slc_pl_media pl;
    char why[160] = "";
    int head;

    if (!SLC_CHECK(text != NULL)) {
        return;
    }
    head = snprintf(text, n, "#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\n");
    /* A URI line of exactly SLC_PL_MAX_LINE bytes (CRLF not counted) is accepted... */
    memset(text + head, 'a', SLC_PL_MAX_LINE);
    memcpy(text + head + SLC_PL_MAX_LINE, "\r\n", 2);
    slc_pl_media_init(&pl);
    SLC_CHECK_INT_EQ(
        slc_pl_parse(text, (size_t)head + SLC_PL_MAX_LINE + 2, &pl, NULL, why, sizeof(why)),
        SLC_PL_KIND_MEDIA);
    slc_pl_media_deinit(&pl);
    /* ...one more byte is not. */
    text[head + SLC_PL_MAX_LINE] = 'a';
    SLC_CHECK_INT_EQ(
        slc_pl_parse(text, (size_t)head + SLC_PL_MAX_LINE + 1, &pl, NULL, why, sizeof(why)),
        SLC_ELIMIT);
    SLC_CHECK(strstr(why, "line 4") != NULL);
    slc_pl_media_deinit(&pl);
    free(text);
}

static void test_segment_ceiling(void)
{
    struct slc_buf b;
    struct slc_pl_media pl;
    char why[160] = "";
    int ret = 0;

    slc_buf_init(&b, 0);
    ret = slc_buf_append_str(&b, "#EXTM3U\n#EXT-X-TARGETDURATION:1\n");
    for (int i = 0; i <= SLC_PL_MAX_SEGMENTS && ret == 0; i++) {
        ret = slc_buf_append_str(&b, "#EXTINF:1,\ns.ts\n");
    }
    SLC_CHECK_INT_EQ(ret, 0);
    slc_pl_media_init(&pl);
    SLC_CHECK_INT_EQ(slc_pl_parse(b.data, b.len, &pl, NULL, why, sizeof(why)), SLC_ELIMIT);
    SLC_CHECK_INT_EQ(pl.nsegs, SLC_PL_MAX_SEGMENTS);
    slc_pl_media_deinit(&pl);
    slc_buf_deinit(&b);
}

static void check_time(const char *s, int ok, int64_t want)
{
    int64_t ms = 0;
    int ret = slc_pl_time_parse(s, strlen(s), &ms);

    if (!SLC_CHECK_INT_EQ(ret, ok ? 0 : SLC_EPROTO)) {
        fprintf(stderr, "    date-time '%s'\n", s);
    }
    if (ok && !SLC_CHECK_INT_EQ(ms, want)) {
        fprintf(stderr, "    date-time '%s'\n", s);
    }
}

static void test_date_time(void)
{
    const int64_t t = 1795687200000LL; /* 2026-11-26T10:00:00Z */
    char buf[SLC_PL_TIME_LEN];

    check_time("2026-11-26T10:00:00.000Z", 1, t);
    check_time("2026-11-26T10:00:00Z", 1, t);
    check_time("2026-11-26T10:00:00", 1, t); /* no zone: UTC */
    check_time("2026-11-26T11:00:00+01:00", 1, t);
    check_time("2026-11-26T11:30:00.000+0130", 1, t);
    check_time("2026-11-26T05:00:00-05", 1, t);
    check_time("2026-11-26T10:00:00.1234567Z", 1, t + 123);
    check_time("2026-11-26T10:00:00.5Z", 1, t + 500);
    check_time("2000-02-29T12:34:56.789Z", 1, 951827696789LL);
    check_time("1969-12-31T23:59:59Z", 1, -1000);
    check_time("0000-01-01T00:00:00Z", 1, SLC_PL_TIME_MIN_MS);
    check_time("9999-12-31T23:59:59.999Z", 1, SLC_PL_TIME_MAX_MS);
    check_time("9999-12-31T23:59:59.999-01:00", 0, 0); /* past year 9999 */
    check_time("1900-02-29T00:00:00Z", 0, 0);
    check_time("2026-13-01T00:00:00Z", 0, 0);
    check_time("2026-11-26T10:60:00Z", 0, 0);
    check_time("2026-11-26T10:00:00.Z", 0, 0);
    check_time("2026-11-26T10:00:00+24:00", 0, 0);
    check_time("2026-11-26T10:00:00+01:", 0, 0);
    check_time("2026-11-26T10:00:00Zx", 0, 0);
    check_time("26-11-26T10:00:00Z", 0, 0);
    check_time("", 0, 0);
    SLC_CHECK_INT_EQ(slc_pl_time_format(SLC_PL_TIME_MIN_MS, buf), 0);
    SLC_CHECK_STR_EQ(buf, "0000-01-01T00:00:00.000Z");
    SLC_CHECK_INT_EQ(slc_pl_time_format(SLC_PL_TIME_MAX_MS, buf), 0);
    SLC_CHECK_STR_EQ(buf, "9999-12-31T23:59:59.999Z");
    SLC_CHECK_INT_EQ(slc_pl_time_format(SLC_PL_TIME_MAX_MS + 1, buf), SLC_ERANGE);
}

static void test_numbers(void)
{
    uint64_t u = 0;
    int64_t f = 0;

    SLC_CHECK_INT_EQ(slc_pl_text_uint("18446744073709551615", 20, UINT64_MAX, &u), 0);
    SLC_CHECK(u == UINT64_MAX);
    SLC_CHECK_INT_EQ(slc_pl_text_uint("18446744073709551616", 20, UINT64_MAX, &u), SLC_EPROTO);
    SLC_CHECK_INT_EQ(slc_pl_text_uint("000000000000000000001", 21, UINT64_MAX, &u), SLC_EPROTO);
    SLC_CHECK_INT_EQ(slc_pl_text_uint("11", 2, 10, &u), SLC_EPROTO);
    SLC_CHECK_INT_EQ(slc_pl_text_uint("-1", 2, 10, &u), SLC_EPROTO);
    SLC_CHECK_INT_EQ(slc_pl_text_uint("", 0, 10, &u), SLC_EPROTO);
    SLC_CHECK_INT_EQ(slc_pl_text_fixed("29.97", 5, 3, 1000, &f), 0);
    SLC_CHECK_INT_EQ(f, 29970);
    SLC_CHECK_INT_EQ(slc_pl_text_fixed("0.0005", 6, 3, 1000, &f), 0);
    SLC_CHECK_INT_EQ(f, 1);
    SLC_CHECK_INT_EQ(slc_pl_text_fixed("0.0004999", 9, 3, 1000, &f), 0);
    SLC_CHECK_INT_EQ(f, 0);
    SLC_CHECK_INT_EQ(slc_pl_text_fixed("1001", 4, 3, 1000, &f), SLC_EPROTO);
    SLC_CHECK_INT_EQ(slc_pl_text_fixed("1.2.3", 5, 3, 1000, &f), SLC_EPROTO);
    SLC_CHECK_INT_EQ(slc_pl_text_fixed("9223372036854.775807", 20, 6, INT64_MAX, &f), 0);
    SLC_CHECK(f == INT64_MAX);
    SLC_CHECK_INT_EQ(slc_pl_text_fixed("9223372036854.775808", 20, 6, INT64_MAX, &f), SLC_EPROTO);
}

static void test_attribute_list(void)
{
    static const char *list = "A=1,CODECS=\"avc1.64001f,mp4a.40.2\",RES=1920x1080,IV=0x0aFf,"
                              "E=YES,F=-1.5";
    static const char *const yesno[] = {"NO", "YES", NULL};
    struct slc_pl_attr a[6];
    size_t pos = 0, n = strlen(list), nhex = 0;
    uint8_t hex[4];
    char *str = NULL;
    int count, ret, w = 0, h = 0, idx = -1;

    for (count = 0; count < 5; count++) {
        ret = slc_pl_attr_next(list, n, &pos, &a[count], NULL, 0);
        SLC_CHECK_INT_EQ(ret, 1);
    }
    SLC_CHECK(slc_pl_attr_is(&a[1], "CODECS") && a[1].quoted);
    SLC_CHECK_INT_EQ(slc_pl_attr_string(&a[1], &str), 0);
    SLC_CHECK_STR_EQ(str, "avc1.64001f,mp4a.40.2");
    free(str);
    SLC_CHECK_INT_EQ(slc_pl_attr_string(&a[0], &str), SLC_EPROTO);
    SLC_CHECK_INT_EQ(slc_pl_attr_resolution(&a[2], &w, &h), 0);
    SLC_CHECK(w == 1920 && h == 1080);
    SLC_CHECK_INT_EQ(slc_pl_attr_resolution(&a[0], &w, &h), SLC_EPROTO);
    SLC_CHECK_INT_EQ(slc_pl_attr_hex(&a[3], hex, sizeof(hex), &nhex), 0);
    SLC_CHECK(nhex == 2 && hex[0] == 0x0a && hex[1] == 0xff);
    SLC_CHECK_INT_EQ(slc_pl_attr_hex(&a[3], hex, 1, &nhex), SLC_EPROTO);
    SLC_CHECK_INT_EQ(slc_pl_attr_hex(&a[0], hex, sizeof(hex), &nhex), SLC_EPROTO);
    SLC_CHECK_INT_EQ(slc_pl_attr_enum(&a[4], yesno, &idx), 0);
    SLC_CHECK_INT_EQ(idx, 1);
    SLC_CHECK_INT_EQ(slc_pl_attr_enum(&a[0], yesno, &idx), SLC_EPROTO);
    SLC_CHECK_INT_EQ(slc_pl_attr_next(list, n, &pos, &a[5], NULL, 0), 1); /* F=-1.5 */
    SLC_CHECK_INT_EQ(slc_pl_attr_next(list, n, &pos, &a[5], NULL, 0), 0);
}

static void test_attribute_list_malformed(void)
{
    static const char *const bad[] = {"A",    "=1",  "A=",       "A=\"x",    "A=\"x\"y",
                                      "A=1,", "a=1", "A=1 ,B=2", "A=1,,B=2", "A B=1"};
    struct slc_pl_attr a;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        size_t pos = 0, n = strlen(bad[i]);
        int ret;

        while ((ret = slc_pl_attr_next(bad[i], n, &pos, &a, NULL, 0)) > 0) {
        }
        if (!SLC_CHECK_INT_EQ(ret, SLC_EPROTO)) {
            fprintf(stderr, "    attribute list '%s'\n", bad[i]);
        }
    }
}

int main(void)
{
    pl_test_quiet();
    SLC_RUN(test_round_trips);
    SLC_RUN(test_lenient);
    SLC_RUN(test_rejects);
    SLC_RUN(test_nul_byte);
    SLC_RUN(test_not_terminated);
    SLC_RUN(test_kind_without_output);
    SLC_RUN(test_line_ceiling);
    SLC_RUN(test_segment_ceiling);
    SLC_RUN(test_date_time);
    SLC_RUN(test_numbers);
    SLC_RUN(test_attribute_list);
    SLC_RUN(test_attribute_list_malformed);
    return slc_test_summary("test_pl_parse");
}
