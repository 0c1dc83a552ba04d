/* SPDX-License-Identifier: MIT */
/* LL-HLS in the media playlist: golden output of parts, server control and preload hint, the
 * parser's round trip, parts moving into their segment and leaving with drop_parts, and the
 * rule checks (part <= PART-TARGET, PART-HOLD-BACK >= 2x PART-TARGET, HOLD-BACK >= 3x). */
#include "../slc_test.h"
#include "pl_test_util.h"

static const char *golden =
    "#EXTM3U\n"
    "#EXT-X-VERSION:4\n"
    "#EXT-X-TARGETDURATION:2\n"
    "#EXT-X-MEDIA-SEQUENCE:41\n"
    "#EXT-X-INDEPENDENT-SEGMENTS\n"
    "#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1.500,"
    "HOLD-BACK=6.000\n"
    "#EXT-X-PART-INF:PART-TARGET=0.500\n"
    "#EXTINF:2.000,\n"
    "seg00041.ts\n"
    "#EXT-X-PART:DURATION=0.500,URI=\"seg00042.ts\",BYTERANGE=\"1000@0\","
    "INDEPENDENT=YES\n"
    "#EXT-X-PART:DURATION=0.500,URI=\"seg00042.ts\",BYTERANGE=\"940@1000\"\n"
    "#EXT-X-PART:DURATION=0.500,URI=\"seg00042.ts\",BYTERANGE=\"752@1940\"\n"
    "#EXT-X-PART:DURATION=0.467,URI=\"seg00042.ts\",BYTERANGE=\"564@2692\"\n"
    "#EXTINF:1.967,\n"
    "seg00042.ts\n"
    "#EXT-X-PART:DURATION=0.500,URI=\"seg00043.ts\",BYTERANGE=\"1128@0\","
    "INDEPENDENT=YES\n"
    "#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"seg00043.ts\",BYTERANGE-START=1128\n";

static void add_part(struct slc_pl_media *pl, const char *uri, int64_t us, int64_t len, int64_t off,
                     int indep)
{
    struct slc_pl_part p = {0};

    p.uri = (char *)uri;
    p.duration_us = us;
    p.byterange_length = len;
    p.byterange_offset = off;
    p.independent = indep;
    SLC_CHECK_INT_EQ(slc_pl_media_add_part(pl, &p), 0);
}

static void build(struct slc_pl_media *pl)
{
    slc_pl_media_init(pl);
    pl->target_duration = 2;
    pl->media_sequence = 41;
    pl->independent_segments = 1;
    pl->part_target_us = 500000;
    pl->can_block_reload = 1;
    pl->part_hold_back_us = 1500000;
    pl->hold_back_us = 6000000;
    add_part(pl, "seg00041.ts", 500000, 1000, 0, 1);
    SLC_CHECK_INT_EQ(pl_test_add(pl, "seg00041.ts", 2000000, 0), 0);
    add_part(pl, "seg00042.ts", 500000, 1000, 0, 1);
    add_part(pl, "seg00042.ts", 500000, 940, 1000, 0);
    add_part(pl, "seg00042.ts", 500000, 752, 1940, 0);
    add_part(pl, "seg00042.ts", 466667, 564, 2692, 0);
    SLC_CHECK_INT_EQ(pl_test_add(pl, "seg00042.ts", 1966667, 0), 0);
    add_part(pl, "seg00043.ts", 500000, 1128, 0, 1);
    SLC_CHECK_INT_EQ(slc_pl_media_set_preload_hint(pl, "seg00043.ts", 1128), 0);
    /* the first segment's parts are out of the part window */
    slc_pl_media_drop_parts(pl, 1);
}

static void test_golden(void)
{
    struct slc_pl_media pl;
    char *got;
    int ret;

    build(&pl);
    SLC_CHECK_INT_EQ((int)pl.segs[0].nparts, 0);
    SLC_CHECK_INT_EQ((int)pl.segs[1].nparts, 4);
    SLC_CHECK_INT_EQ((int)pl.ntail, 1);
    got = pl_test_write(&pl, NULL, &ret);
    SLC_CHECK_INT_EQ(ret, 0);
    SLC_CHECK_STR_EQ(got, golden);
    free(got);
    slc_pl_media_deinit(&pl);
}

/* The standard rendering (a disk mirror's) drops every LL-HLS tag and keeps the rest. */
static void test_write_standard(void)
{
    static const char *want = "#EXTM3U\n"
                              "#EXT-X-VERSION:3\n"
                              "#EXT-X-TARGETDURATION:2\n"
                              "#EXT-X-MEDIA-SEQUENCE:41\n"
                              "#EXT-X-INDEPENDENT-SEGMENTS\n"
                              "#EXTINF:2.000,\n"
                              "seg00041.ts\n"
                              "#EXTINF:1.967,\n"
                              "seg00042.ts\n";
    struct slc_pl_media pl;
    struct slc_buf b;

    build(&pl);
    slc_buf_init(&b, 0);
    SLC_CHECK_INT_EQ(slc_pl_media_write_standard(&pl, NULL, &b), 0);
    SLC_CHECK_STR_EQ(b.data ? b.data : "", want);
    slc_buf_deinit(&b);
    slc_pl_media_deinit(&pl);
}

static void test_round_trip(void)
{
    struct slc_pl_media pl;
    char why[256] = "";
    char *got;
    int ret;

    slc_pl_media_init(&pl);
    ret = slc_pl_parse(golden, strlen(golden), &pl, NULL, why, sizeof(why));
    SLC_CHECK_INT_EQ(ret, SLC_PL_KIND_MEDIA);
    SLC_CHECK_INT_EQ((int)pl.part_target_us, 500000);
    SLC_CHECK_INT_EQ((int)pl.part_hold_back_us, 1500000);
    SLC_CHECK_INT_EQ(pl.can_block_reload, 1);
    SLC_CHECK_INT_EQ((int)pl.nsegs, 2);
    SLC_CHECK_INT_EQ((int)pl.segs[1].nparts, 4);
    SLC_CHECK_INT_EQ(pl.segs[1].parts[0].independent, 1);
    SLC_CHECK_INT_EQ((int)pl.segs[1].parts[3].byterange_offset, 2692);
    SLC_CHECK_INT_EQ((int)pl.ntail, 1);
    SLC_CHECK_STR_EQ(pl.hint_uri, "seg00043.ts");
    SLC_CHECK_INT_EQ((int)pl.hint_start, 1128);
    pl.version = 0;
    got = pl_test_write(&pl, NULL, &ret);
    SLC_CHECK_INT_EQ(ret, 0);
    SLC_CHECK_STR_EQ(got, golden);
    free(got);
    slc_pl_media_deinit(&pl);
}

static void expect_check_fails(struct slc_pl_media *pl, const char *what)
{
    char why[256] = "";

    SLC_CHECK_INT_EQ(slc_pl_media_check(pl, why, sizeof(why)), SLC_EPROTO);
    SLC_CHECK(strstr(why, what) != NULL);
}

static void test_rules(void)
{
    struct slc_pl_media pl;

    build(&pl);
    SLC_CHECK_INT_EQ(slc_pl_media_check(&pl, NULL, 0), 0);
    pl.tail[0].duration_us = 500501; /* written 0.501 > 0.500 */
    expect_check_fails(&pl, "above PART-TARGET");
    pl.tail[0].duration_us = 500400; /* written 0.500 */
    SLC_CHECK_INT_EQ(slc_pl_media_check(&pl, NULL, 0), 0);
    pl.part_hold_back_us = 999000;
    expect_check_fails(&pl, "PART-HOLD-BACK");
    pl.part_hold_back_us = 1000000; /* exactly 2x is the RFC minimum */
    SLC_CHECK_INT_EQ(slc_pl_media_check(&pl, NULL, 0), 0);
    pl.hold_back_us = 5999000;
    expect_check_fails(&pl, "HOLD-BACK below 3x");
    pl.hold_back_us = 6000000;
    /* Found by fuzz_m3u8: PART-TARGET=0.0000466 parsed, was written as 0.000, which reads
     * back as no PART-TARGET at all. */
    pl.part_target_us = 46;
    expect_check_fails(&pl, "below 1 ms");
    pl.part_target_us = 500000;
    pl.hold_back_us = 400; /* would be written HOLD-BACK=0.000 */
    expect_check_fails(&pl, "below 1 ms");
    pl.hold_back_us = 6000000;
    pl.part_target_us = 0;
    expect_check_fails(&pl, "without EXT-X-PART-INF");
    slc_pl_media_deinit(&pl);
}

static void test_add_part_invalid(void)
{
    struct slc_pl_media pl;
    struct slc_pl_part p = {
        .uri = (char *)"a\"b.ts", .duration_us = 1, .byterange_length = -1, .byterange_offset = -1};

    slc_pl_media_init(&pl);
    SLC_CHECK_INT_EQ(slc_pl_media_add_part(&pl, &p), SLC_EINVAL);
    p.uri = (char *)"a.ts";
    p.byterange_length = 0;
    SLC_CHECK_INT_EQ(slc_pl_media_add_part(&pl, &p), SLC_EINVAL);
    SLC_CHECK_INT_EQ(slc_pl_media_set_preload_hint(&pl, "x\ny", 0), SLC_EINVAL);
    slc_pl_media_deinit(&pl);
}

static void test_parse_errors(void)
{
    static const char *bad[] = {
        "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-PART-INF:PART-TARGET=0\n",
        "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-PART:DURATION=0.5\n",
        "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-PART:URI=\"a.ts\",DURATION=x\n",
        "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-PART:URI=\"a.ts\",DURATION=0.5,"
        "BYTERANGE=\"0@1\"\n",
        "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-PRELOAD-HINT:TYPE=PART\n",
        "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES\n"
        "#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES\n",
    };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct slc_pl_media pl;
        slc_pl_media_init(&pl);
        SLC_CHECK_INT_EQ(slc_pl_parse(bad[i], strlen(bad[i]), &pl, NULL, NULL, 0), SLC_EPROTO);
        slc_pl_media_deinit(&pl);
    }
}

int main(void)
{
    pl_test_quiet();
    SLC_RUN(test_golden);
    SLC_RUN(test_write_standard);
    SLC_RUN(test_round_trip);
    SLC_RUN(test_rules);
    SLC_RUN(test_add_part_invalid);
    SLC_RUN(test_parse_errors);
    return slc_test_summary("test_pl_ll");
}
