/* SPDX-License-Identifier: MIT */
/* Media playlist model: add_segment validation, drop_head sequence arithmetic, min_target,
 * the segment ceiling, and check_update's allowed-changes rules. */
#include "../slc_test.h"
#include "pl_test_util.h"

#include <stdio.h>

static void test_add_segment_rejects(void)
{
    struct slc_pl_segment s = pl_test_seg("a.ts", 1000);
    struct slc_pl_media pl;

    slc_pl_media_init(&pl);
    s.uri = NULL;
    SLC_CHECK_INT_EQ(slc_pl_media_add_segment(&pl, &s), SLC_EINVAL);
    s.uri = "";
    SLC_CHECK_INT_EQ(slc_pl_media_add_segment(&pl, &s), SLC_EINVAL);
    s.uri = "a.ts\n#EXT-X-ENDLIST";
    SLC_CHECK_INT_EQ(slc_pl_media_add_segment(&pl, &s), SLC_EINVAL);
    s.uri = "a.ts\r";
    SLC_CHECK_INT_EQ(slc_pl_media_add_segment(&pl, &s), SLC_EINVAL);
    s.uri = "#a.ts"; /* would read back as a comment */
    SLC_CHECK_INT_EQ(slc_pl_media_add_segment(&pl, &s), SLC_EINVAL);
    s.uri = "a.ts";
    s.duration_us = -1;
    SLC_CHECK_INT_EQ(slc_pl_media_add_segment(&pl, &s), SLC_EINVAL);
    s.duration_us = 0;
    s.title = "x\ny";
    SLC_CHECK_INT_EQ(slc_pl_media_add_segment(&pl, &s), SLC_EINVAL);
    SLC_CHECK_INT_EQ(pl.nsegs, 0);
    s.title = "ok";
    SLC_CHECK_INT_EQ(slc_pl_media_add_segment(&pl, &s), 0);
    SLC_CHECK(pl.segs[0].uri != s.uri && pl.segs[0].title != s.title); /* copied */
    SLC_CHECK_STR_EQ(pl.segs[0].title, "ok");
    slc_pl_media_deinit(&pl);
    SLC_CHECK(pl.segs == NULL && pl.nsegs == 0);
}

static void test_drop_head(void)
{
    struct slc_pl_media pl;

    slc_pl_media_init(&pl);
    pl.media_sequence = 100;
    pl.discontinuity_sequence = 5;
    pl_test_add(&pl, "0.ts", 1000000, 1);
    pl_test_add(&pl, "1.ts", 1000000, 0);
    pl_test_add(&pl, "2.ts", 1000000, 1);
    pl_test_add(&pl, "3.ts", 1000000, 1);
    slc_pl_media_drop_head(&pl, 0);
    SLC_CHECK_INT_EQ(pl.media_sequence, 100);
    slc_pl_media_drop_head(&pl, 1);
    SLC_CHECK_INT_EQ(pl.media_sequence, 101);
    SLC_CHECK_INT_EQ(pl.discontinuity_sequence, 6);
    slc_pl_media_drop_head(&pl, 2);
    SLC_CHECK_INT_EQ(pl.media_sequence, 103);
    SLC_CHECK_INT_EQ(pl.discontinuity_sequence, 7);
    SLC_CHECK_INT_EQ(pl.nsegs, 1);
    SLC_CHECK_STR_EQ(pl.segs[0].uri, "3.ts");
    SLC_CHECK(pl.segs[0].discontinuity); /* the new head keeps its own tag */
    slc_pl_media_drop_head(&pl, 5);      /* more than listed: clamped */
    SLC_CHECK_INT_EQ(pl.media_sequence, 104);
    SLC_CHECK_INT_EQ(pl.discontinuity_sequence, 8);
    SLC_CHECK_INT_EQ(pl.nsegs, 0);
    slc_pl_media_deinit(&pl);
}

/* Dropping the head of a byte-range chain makes the new head's offset explicit. */
static void test_drop_head_byterange(void)
{
    struct slc_pl_segment s = pl_test_seg("all.ts", 1000000);
    struct slc_pl_media pl;

    slc_pl_media_init(&pl);
    pl.target_duration = 1;
    s.byterange_length = 100;
    s.byterange_offset = 50;
    slc_pl_media_add_segment(&pl, &s);
    s.byterange_offset = -1;
    s.byterange_length = 200;
    slc_pl_media_add_segment(&pl, &s);
    s.byterange_length = 300;
    slc_pl_media_add_segment(&pl, &s);
    slc_pl_media_drop_head(&pl, 2);
    SLC_CHECK_INT_EQ(pl.segs[0].byterange_offset, 350);
    SLC_CHECK_INT_EQ(pl.segs[0].byterange_length, 300);
    SLC_CHECK_INT_EQ(slc_pl_media_check(&pl, NULL, 0), 0);
    slc_pl_media_deinit(&pl);
}

static void test_min_target(void)
{
    struct slc_pl_media pl;

    slc_pl_media_init(&pl);
    SLC_CHECK_INT_EQ(slc_pl_media_min_target(&pl), 1);
    pl_test_add(&pl, "a.ts", 0, 0);
    SLC_CHECK_INT_EQ(slc_pl_media_min_target(&pl), 1);
    pl_test_add(&pl, "b.ts", 4499999, 0); /* 4.500 as written -> 5 */
    SLC_CHECK_INT_EQ(slc_pl_media_min_target(&pl), 5);
    pl_test_add(&pl, "c.ts", 5400000, 0);
    SLC_CHECK_INT_EQ(slc_pl_media_min_target(&pl), 5);
    pl_test_add(&pl, "d.ts", INT64_MAX, 0);
    SLC_CHECK_INT_EQ(slc_pl_media_min_target(&pl), INT32_MAX);
    slc_pl_media_deinit(&pl);
}

static void test_segment_ceiling(void)
{
    struct slc_pl_media pl;
    int ret = 0;

    slc_pl_media_init(&pl);
    for (size_t i = 0; i < SLC_PL_MAX_SEGMENTS && ret == 0; i++) {
        ret = pl_test_add(&pl, "s.ts", 1000, 0);
    }
    SLC_CHECK_INT_EQ(ret, 0);
    SLC_CHECK_INT_EQ(pl.nsegs, SLC_PL_MAX_SEGMENTS);
    SLC_CHECK_INT_EQ(pl_test_add(&pl, "s.ts", 1000, 0), SLC_ELIMIT);
    slc_pl_media_drop_head(&pl, 1);
    SLC_CHECK_INT_EQ(pl_test_add(&pl, "s.ts", 1000, 0), 0);
    slc_pl_media_deinit(&pl);
}

/* ---- check_update ---- */

static void live(struct slc_pl_media *pl, uint64_t first, size_t n, int disc_at)
{
    char uri[32];

    slc_pl_media_init(pl);
    pl->target_duration = 2;
    pl->media_sequence = first;
    for (size_t i = 0; i < n; i++) {
        snprintf(uri, sizeof(uri), "%llu.ts", (unsigned long long)(first + i));
        pl_test_add(pl, uri, 2000000, (int)(first + i) == disc_at);
    }
}

static void test_update_live_accepts(void)
{
    struct slc_pl_media a, b;

    live(&a, 10, 4, 11);
    live(&b, 10, 4, 11);
    SLC_CHECK_INT_EQ(slc_pl_media_check_update(&a, &b, NULL, 0), 0); /* no change */
    pl_test_add(&b, "14.ts", 2000000, 0);
    SLC_CHECK_INT_EQ(slc_pl_media_check_update(&a, &b, NULL, 0), 0); /* append */
    slc_pl_media_drop_head(&b, 2);
    SLC_CHECK_INT_EQ(slc_pl_media_check_update(&a, &b, NULL, 0), 0); /* drop + append */
    SLC_CHECK_INT_EQ(b.discontinuity_sequence, 1);
    b.endlist = 1;
    SLC_CHECK_INT_EQ(slc_pl_media_check_update(&a, &b, NULL, 0), 0); /* ENDLIST added */
    slc_pl_media_drop_head(&b, 2);
    SLC_CHECK_INT_EQ(slc_pl_media_check_update(&a, &b, NULL, 0), 0); /* all old ones gone */
    SLC_CHECK_INT_EQ(b.media_sequence, 14);
    slc_pl_media_deinit(&a);
    slc_pl_media_deinit(&b);
}

static void expect_reject(const struct slc_pl_media *a, const struct slc_pl_media *b,
                          const char *why_part)
{
    char why[160] = "";

    SLC_CHECK_INT_EQ(slc_pl_media_check_update(a, b, why, sizeof(why)), SLC_EPROTO);
    if (!SLC_CHECK(strstr(why, why_part) != NULL)) {
        fprintf(stderr, "    why: %s (wanted '%s')\n", why, why_part);
    }
}

static void test_update_live_rejects(void)
{
    struct slc_pl_media a, b;

    live(&a, 10, 4, 11);
    live(&b, 10, 4, 11);
    b.target_duration = 3;
    expect_reject(&a, &b, "target duration");
    b.target_duration = 2;
    b.media_sequence = 9;
    expect_reject(&a, &b, "decreased");
    b.media_sequence = 10;
    free(b.segs[3].uri);
    b.segs[3].uri = strdup("other.ts");
    expect_reject(&a, &b, "changed");
    slc_pl_media_deinit(&b);

    live(&b, 10, 4, 11);
    b.segs[2].duration_us = 1999000;
    expect_reject(&a, &b, "changed");
    b.segs[2].duration_us = 2000400; /* same EXTINF as written: not a change */
    SLC_CHECK_INT_EQ(slc_pl_media_check_update(&a, &b, NULL, 0), 0);
    b.segs[2].discontinuity = 1;
    expect_reject(&a, &b, "changed");
    slc_pl_media_deinit(&b);

    live(&b, 12, 2, -1); /* dropped 10 and 11 (a discontinuity) but dseq not bumped */
    expect_reject(&a, &b, "discontinuity sequence");
    b.discontinuity_sequence = 2;
    expect_reject(&a, &b, "discontinuity sequence");
    b.discontinuity_sequence = 1;
    SLC_CHECK_INT_EQ(slc_pl_media_check_update(&a, &b, NULL, 0), 0);
    slc_pl_media_deinit(&b);
    live(&b, 12, 1, -1); /* 13 is missing: removed from the tail */
    b.discontinuity_sequence = 1;
    expect_reject(&a, &b, "tail");
    slc_pl_media_deinit(&b);

    live(&b, 15, 1, -1);
    b.discontinuity_sequence = 1;
    expect_reject(&a, &b, "jumped");
    slc_pl_media_deinit(&b);

    live(&b, 10, 4, 11);
    b.type = SLC_PL_TYPE_EVENT;
    expect_reject(&a, &b, "type");
    slc_pl_media_deinit(&b);
    slc_pl_media_deinit(&a);
}

static void test_update_event_and_vod(void)
{
    struct slc_pl_media a, b;

    live(&a, 0, 3, -1);
    live(&b, 0, 3, -1);
    a.type = b.type = SLC_PL_TYPE_EVENT;
    pl_test_add(&b, "3.ts", 2000000, 0);
    SLC_CHECK_INT_EQ(slc_pl_media_check_update(&a, &b, NULL, 0), 0);
    slc_pl_media_drop_head(&b, 1);
    expect_reject(&a, &b, "EVENT");
    slc_pl_media_deinit(&b);

    /* Once ended (or VOD), nothing changes any more. */
    live(&b, 0, 3, -1);
    b.type = SLC_PL_TYPE_EVENT;
    a.endlist = b.endlist = 1;
    SLC_CHECK_INT_EQ(slc_pl_media_check_update(&a, &b, NULL, 0), 0);
    pl_test_add(&b, "3.ts", 2000000, 0);
    expect_reject(&a, &b, "ended");
    b.endlist = 0;
    expect_reject(&a, &b, "ENDLIST removed");
    slc_pl_media_deinit(&b);

    live(&b, 0, 3, -1);
    a.type = b.type = SLC_PL_TYPE_VOD;
    b.endlist = 1;
    SLC_CHECK_INT_EQ(slc_pl_media_check_update(&a, &b, NULL, 0), 0);
    free(b.segs[0].uri);
    b.segs[0].uri = strdup("x.ts");
    expect_reject(&a, &b, "changed");
    slc_pl_media_deinit(&b);
    live(&b, 0, 2, -1);
    b.type = SLC_PL_TYPE_VOD;
    b.endlist = 1;
    expect_reject(&a, &b, "VOD");
    slc_pl_media_deinit(&b);
    slc_pl_media_deinit(&a);
}

/* Found by fuzz_m3u8: a VOD playlist without ENDLIST (invalid, but parseable) was not an
 * allowed update of itself. Identical playlists are always allowed. */
static void test_update_identical_vod_without_endlist(void)
{
    struct slc_pl_media a;

    live(&a, 0, 2, -1);
    a.type = SLC_PL_TYPE_VOD;
    SLC_CHECK_INT_EQ(slc_pl_media_check_update(&a, &a, NULL, 0), 0);
    slc_pl_media_deinit(&a);
}

int main(void)
{
    pl_test_quiet();
    SLC_RUN(test_add_segment_rejects);
    SLC_RUN(test_drop_head);
    SLC_RUN(test_drop_head_byterange);
    SLC_RUN(test_min_target);
    SLC_RUN(test_segment_ceiling);
    SLC_RUN(test_update_live_accepts);
    SLC_RUN(test_update_live_rejects);
    SLC_RUN(test_update_event_and_vod);
    SLC_RUN(test_update_identical_vod_without_endlist);
    return slc_test_summary("test_pl_media");
}
