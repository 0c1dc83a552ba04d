/* SPDX-License-Identifier: MIT */
/* Unit tests of the live window store: sliding, sequences, retention, memory bound, fixed
 * target, EVENT/DVR, growing segments, disk mirror and takeover, concurrent readers. Every
 * published playlist is parsed back and must pass slc_pl_media_check and
 * slc_pl_media_check_update against the one before. */
#include "slc_test.h"

#include "slc_err.h"
#include "slc_log.h"
#include "slc_object.h"
#include "slc_store_live.h"

#include <pthread.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

struct harness {
    struct slc_store_live *s;
    struct slc_seg_sink sink;
    struct slc_pl_media prev;
    int have_prev;
    uint64_t seq;
    int64_t wall_jitter_ms[64]; /* added to segment seq's wall clock */
};

static void h_open(struct harness *h, const struct slc_store_live_config *c)
{
    memset(h, 0, sizeof(*h));
    slc_pl_media_init(&h->prev);
    SLC_CHECK_INT_EQ(slc_store_live_new(c, &h->s), 0);
    h->sink = slc_store_live_sink(h->s);
    h->seq = slc_store_live_next_seq(h->s);
}

static void h_close(struct harness *h)
{
    slc_store_live_free(&h->s);
    slc_pl_media_deinit(&h->prev);
}

/* Parse the published media playlist, check it and its update from the previous one. */
static void h_check_playlist(struct harness *h)
{
    struct slc_object *o = NULL;
    struct slc_pl_media pl;
    const void *p;
    size_t n;
    char why[256] = "";

    if (!SLC_CHECK_INT_EQ(slc_store_live_lookup(h->s, "stream.m3u8", &o), 0)) {
        return;
    }
    SLC_CHECK_INT_EQ(slc_object_peek(o, 0, &p, &n), 0);
    slc_pl_media_init(&pl);
    SLC_CHECK_INT_EQ(slc_pl_parse(p, n, &pl, NULL, why, sizeof(why)), SLC_PL_KIND_MEDIA);
    if (!SLC_CHECK_INT_EQ(slc_pl_media_check(&pl, why, sizeof(why)), 0)) {
        fprintf(stderr, "    %s\n", why);
    }
    if (h->have_prev &&
        !SLC_CHECK_INT_EQ(slc_pl_media_check_update(&h->prev, &pl, why, sizeof(why)), 0)) {
        fprintf(stderr, "    %s\n", why);
    }
    slc_pl_media_deinit(&h->prev);
    h->prev = pl;
    h->have_prev = 1;
    slc_object_unref(&o);
}

/* One segment of `dur_ms` with 1000 bytes (written in two chunks). */
static void h_segment(struct harness *h, int64_t dur_ms, int disc, int check)
{
    static const uint8_t bytes[500];
    struct slc_seg_segment_info info = {0};

    SLC_CHECK_INT_EQ(h->sink.ops->begin(h->sink.opaque, h->seq), 0);
    SLC_CHECK_INT_EQ(h->sink.ops->write(h->sink.opaque, bytes, sizeof(bytes)), 0);
    SLC_CHECK_INT_EQ(h->sink.ops->write(h->sink.opaque, bytes, sizeof(bytes)), 0);
    info.seq = h->seq++;
    info.duration_us = dur_ms * 1000;
    info.bytes = 1000;
    info.discontinuity = disc;
    info.wallclock_ms =
        1700000000000LL + (int64_t)info.seq * 2000 + h->wall_jitter_ms[info.seq % 64];
    SLC_CHECK_INT_EQ(h->sink.ops->end(h->sink.opaque, &info), 0);
    if (check) {
        h_check_playlist(h);
    }
}

static int fetchable(struct harness *h, uint64_t seq)
{
    struct slc_object *o = NULL;
    char name[32];
    int ret;

    snprintf(name, sizeof(name), "seg%05llu.ts", (unsigned long long)seq);
    ret = slc_store_live_lookup(h->s, name, &o);
    slc_object_unref(&o);
    return ret == 0;
}

static void cfg_default(struct slc_store_live_config *c)
{
    slc_store_live_config_init(c);
    c->name = "t";
}

static void test_window_sliding(void)
{
    struct slc_store_live_config c;
    struct slc_store_live_stats st;
    struct harness h;
    struct slc_object *o = NULL;

    cfg_default(&c);
    h_open(&h, &c);
    SLC_CHECK_INT_EQ(slc_store_live_lookup(h.s, "stream.m3u8", &o), SLC_EAGAIN);
    for (int i = 0; i < 20; i++) {
        h_segment(&h, 2000, 0, 1);
    }
    slc_store_live_stats(h.s, &st);
    SLC_CHECK_INT_EQ(st.listed, 6);
    SLC_CHECK_INT_EQ(st.media_sequence, 14);
    SLC_CHECK_INT_EQ(h.prev.nsegs, 6);
    SLC_CHECK_INT_EQ(h.prev.media_sequence, 14);
    SLC_CHECK_INT_EQ(h.prev.type, SLC_PL_TYPE_NONE);
    SLC_CHECK(h.prev.segs[0].program_date_time_ms == 1700000000000LL + 14 * 2000);
    SLC_CHECK(!h.prev.endlist);
    SLC_CHECK_INT_EQ(slc_store_live_lookup(h.s, "index.m3u8", &o), 0);
    slc_object_unref(&o);
    SLC_CHECK_INT_EQ(h.sink.ops->finish(h.sink.opaque, 1), 0);
    h_check_playlist(&h);
    SLC_CHECK(h.prev.endlist);
    h_close(&h);
}

/* PROGRAM-DATE-TIME continues by EXTINF through the wall clock's jitter at each cut; a
 * discontinuity anchors it to the wall clock again. */
static void test_program_date_time(void)
{
    struct slc_store_live_config c;
    struct harness h;
    const int64_t t0 = 1700000000000LL;

    cfg_default(&c);
    c.window = 20;
    h_open(&h, &c);
    for (int i = 0; i < 64; i++) {
        h.wall_jitter_ms[i] = i % 2 ? 90 : -70;
    }
    h.wall_jitter_ms[6] = 1500; /* segment 6: the clock read 1.5 s late (a delay upstream) */
    for (int i = 0; i < 10; i++) {
        h_segment(&h, 2000, i == 8, 1);
    }
    SLC_CHECK_INT_EQ(h.prev.nsegs, 10);
    SLC_CHECK(h.prev.segs[0].program_date_time_ms == t0 - 70);
    for (int i = 1; i < 6; i++) {
        SLC_CHECK(h.prev.segs[i].program_date_time_ms == t0 - 70 + i * 2000);
    }
    /* slewed 10 ms (5 ms per s of media) towards the clock, not stepped */
    SLC_CHECK(h.prev.segs[6].program_date_time_ms == t0 - 70 + 6 * 2000 + 10);
    SLC_CHECK(h.prev.segs[7].program_date_time_ms == t0 - 70 + 7 * 2000 + 10);
    SLC_CHECK(h.prev.segs[8].program_date_time_ms == t0 + 8 * 2000 - 70); /* discontinuity */
    SLC_CHECK(h.prev.segs[9].program_date_time_ms == t0 + 9 * 2000 - 70);
    SLC_CHECK_INT_EQ(h.sink.ops->finish(h.sink.opaque, 1), 0);
    h_close(&h);
}

/* A lasting difference from the wall clock is slewed away without a step back (two segments
 * never claim the same time); a difference over a minute (the clock was set) anchors again.
 * Durations of 2.0006 s accumulate without rounding drift. */
static void test_program_date_time_slew(void)
{
    struct slc_store_live_config c;
    struct harness h;
    const int64_t t0 = 1700000000000LL;
    int64_t prev = 0;

    cfg_default(&c);
    c.window = 64;
    h_open(&h, &c);
    for (int i = 1; i < 64; i++) {
        h.wall_jitter_ms[i] = i < 40 ? -600 : 180000;
    }
    for (int i = 0; i < 45; i++) {
        h_segment(&h, 2000, 0, 1);
    }
    for (int i = 1; i < 40; i++) {
        int64_t pdt = h.prev.segs[i].program_date_time_ms;
        int64_t step = pdt - h.prev.segs[i - 1].program_date_time_ms;

        /* back by 10 ms a segment until within 250 ms of the clock (35 segments) */
        SLC_CHECK_INT_EQ((int)step, i <= 35 ? 1990 : 2000);
        prev = pdt;
    }
    SLC_CHECK(prev == t0 + 39 * 2000 - 350);
    SLC_CHECK(h.prev.segs[40].program_date_time_ms == t0 + 40 * 2000 + 180000);
    h_close(&h);

    /* no rounding drift: 1000 segments of 2.0006 s are 2000.6 s */
    cfg_default(&c);
    h_open(&h, &c);
    memset(h.wall_jitter_ms, 0, sizeof(h.wall_jitter_ms));
    for (int i = 0; i < 1000; i++) {
        struct slc_seg_segment_info info = {0};

        static const uint8_t bytes[100];

        SLC_CHECK_INT_EQ(h.sink.ops->begin(h.sink.opaque, h.seq), 0);
        SLC_CHECK_INT_EQ(h.sink.ops->write(h.sink.opaque, bytes, sizeof(bytes)), 0);
        info.seq = h.seq++;
        info.duration_us = 2000600;
        info.bytes = sizeof(bytes);
        info.wallclock_ms = t0 + (int64_t)info.seq * 20006 / 10;
        SLC_CHECK_INT_EQ(h.sink.ops->end(h.sink.opaque, &info), 0);
    }
    h_check_playlist(&h);
    /* 999 * 2000.6 ms = 1998599.4 ms; whole-ms sums would be 599 ms behind */
    SLC_CHECK(h.prev.segs[h.prev.nsegs - 1].program_date_time_ms == t0 + 1998599);
    h_close(&h);
}

static void test_discontinuity_sequence(void)
{
    struct slc_store_live_config c;
    struct harness h;

    cfg_default(&c);
    h_open(&h, &c);
    for (int i = 0; i < 12; i++) {
        h_segment(&h, 2000, i == 3 || i == 5, 1);
        /* RFC 8216 6.2.2: one per removed discontinuity */
        SLC_CHECK_INT_EQ(h.prev.discontinuity_sequence, (i >= 9) + (i >= 11));
    }
    h_close(&h);
}

static void test_retention(void)
{
    struct slc_store_live_config c;
    struct harness h;

    cfg_default(&c);
    h_open(&h, &c);
    for (int i = 0; i < 7; i++) {
        h_segment(&h, 2000, 0, 1);
    }
    SLC_CHECK_INT_EQ(h.prev.media_sequence, 1);
    SLC_CHECK(fetchable(&h, 0)); /* out of the playlist, still fetchable */
    /* grace: the playlist's duration (12 s) plus its own (2 s) after removal */
    for (int i = 0; i < 6; i++) {
        h_segment(&h, 2000, 0, 1);
        SLC_CHECK(fetchable(&h, 0));
    }
    h_segment(&h, 2000, 0, 1);
    SLC_CHECK(!fetchable(&h, 0));
    SLC_CHECK(fetchable(&h, 1));
    h_close(&h);
}

static void test_memory_bound(void)
{
    struct slc_store_live_config c;
    struct slc_store_live_stats st;
    struct harness h;

    cfg_default(&c);
    h_open(&h, &c);
    for (int i = 0; i < 5000; i++) {
        h_segment(&h, 2000, i % 100 == 7, 1);
    }
    slc_store_live_stats(h.s, &st);
    SLC_CHECK_INT_EQ(st.segments, 5000);
    SLC_CHECK_INT_EQ(st.listed, 6);
    SLC_CHECK(st.retained <= 8);
    SLC_CHECK(st.bytes_held <= 14 * 1000);
    SLC_CHECK_INT_EQ(st.media_sequence, 4994);
    SLC_CHECK_INT_EQ(st.discontinuity_sequence, 50);
    h_close(&h);
}

static void test_target_fixed(void)
{
    struct slc_store_live_config c;
    struct harness h;

    cfg_default(&c);
    h_open(&h, &c);
    h_segment(&h, 3200, 0, 1); /* a first GOP longer than configured decides it */
    SLC_CHECK_INT_EQ(h.prev.target_duration, 3);
    for (int i = 0; i < 10; i++) {
        h_segment(&h, i % 2 ? 1000 : 2000, 0, 1);
        SLC_CHECK_INT_EQ(h.prev.target_duration, 3);
    }
    /* window >= 3 target durations: 1-2 s segments keep more than 6 listed if needed */
    SLC_CHECK(h.prev.nsegs >= 6);
    h_close(&h);

    cfg_default(&c);
    c.window = 3;
    h_open(&h, &c);
    for (int i = 0; i < 10; i++) {
        h_segment(&h, 1000, 0, 1);
    }
    SLC_CHECK_INT_EQ(h.prev.target_duration, 2);
    SLC_CHECK(h.prev.nsegs >= 6); /* 3 x 2 s of 1 s segments */
    h_close(&h);
}

static void test_event_and_dvr(void)
{
    struct slc_store_live_config c;
    struct harness h;
    int64_t total = 0;

    cfg_default(&c);
    c.type = SLC_PL_TYPE_EVENT;
    h_open(&h, &c);
    for (int i = 0; i < 30; i++) {
        h_segment(&h, 2000, 0, 1);
    }
    SLC_CHECK_INT_EQ(h.prev.nsegs, 30);
    SLC_CHECK_INT_EQ(h.prev.type, SLC_PL_TYPE_EVENT);
    SLC_CHECK_INT_EQ(h.sink.ops->finish(h.sink.opaque, 1), 0);
    h_check_playlist(&h);
    SLC_CHECK(h.prev.endlist);
    h_close(&h);

    cfg_default(&c);
    c.dvr_sec = 30;
    h_open(&h, &c);
    for (int i = 0; i < 40; i++) {
        h_segment(&h, 2000, 0, 1);
    }
    for (size_t i = 0; i < h.prev.nsegs; i++) {
        total += h.prev.segs[i].duration_us;
    }
    SLC_CHECK(total >= 30000000 && total <= 32000000);
    h_close(&h);
}

static void test_growing_segment(void)
{
    static const uint8_t bytes[100];
    struct slc_store_live_config c;
    struct slc_object_info info;
    struct slc_object *o = NULL;
    struct harness h;

    cfg_default(&c);
    h_open(&h, &c);
    SLC_CHECK_INT_EQ(h.sink.ops->begin(h.sink.opaque, 0), 0);
    SLC_CHECK_INT_EQ(h.sink.ops->write(h.sink.opaque, bytes, sizeof(bytes)), 0);
    SLC_CHECK_INT_EQ(slc_store_live_lookup(h.s, "seg00000.ts", &o), 0);
    slc_object_stat(o, &info);
    SLC_CHECK_INT_EQ(info.kind, SLC_OBJECT_GROWING);
    SLC_CHECK(!info.complete && info.size == 100);
    SLC_CHECK_INT_EQ(slc_store_live_lookup(h.s, "seg00001.ts", &(struct slc_object *){NULL}),
                     SLC_ENOENT);
    /* a stop abandons the open segment: readers see it fail, it is never listed */
    SLC_CHECK_INT_EQ(h.sink.ops->finish(h.sink.opaque, 1), 0);
    slc_object_stat(o, &info);
    SLC_CHECK(info.complete && info.error < 0);
    slc_object_unref(&o);
    h_close(&h);
}

/* Segment validators are fixed when a segment begins (no hash over its bytes): stable while
 * it grows and once complete, different for the next segment and for another store instance
 * (a restarted server) with the same sequence numbers. */
static uint64_t open_segment_validator(struct harness *h, uint64_t seq, int *fixed)
{
    static const uint8_t bytes[100];
    struct slc_object_info a, b;
    struct slc_object *o = NULL;
    char name[32];

    SLC_CHECK_INT_EQ(h->sink.ops->begin(h->sink.opaque, seq), 0);
    SLC_CHECK_INT_EQ(h->sink.ops->write(h->sink.opaque, bytes, sizeof(bytes)), 0);
    snprintf(name, sizeof(name), "seg%05llu.ts", (unsigned long long)seq);
    if (!SLC_CHECK_INT_EQ(slc_store_live_lookup(h->s, name, &o), 0)) {
        return 0;
    }
    slc_object_stat(o, &a);
    SLC_CHECK_INT_EQ(h->sink.ops->write(h->sink.opaque, bytes, sizeof(bytes)), 0);
    slc_object_stat(o, &b);
    SLC_CHECK(a.validator == b.validator && b.size == 200);
    *fixed = a.validator_fixed;
    slc_object_unref(&o);
    return a.validator;
}

static void test_segment_validators(void)
{
    struct slc_store_live_config c;
    struct harness h1, h2;
    uint64_t v0, v1, w0;
    int fixed = 0;

    cfg_default(&c);
    h_open(&h1, &c);
    h_open(&h2, &c);
    v0 = open_segment_validator(&h1, 0, &fixed);
    SLC_CHECK_INT_EQ(fixed, 1);
    v1 = open_segment_validator(&h1, 1, &fixed);
    w0 = open_segment_validator(&h2, 0, &fixed);
    SLC_CHECK(v0 != v1);
    SLC_CHECK(v0 != w0);
    h_close(&h1);
    h_close(&h2);
}

static int file_exists(const char *dir, const char *name)
{
    char path[512];
    struct stat st;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    return stat(path, &st) == 0;
}

static void test_disk_and_takeover(void)
{
    char dir[] = "/tmp/slc-store-live-XXXXXX";
    struct slc_store_live_config c;
    struct harness h;
    struct slc_pl_media before;

    SLC_CHECK(mkdtemp(dir) != NULL);
    cfg_default(&c);
    c.dir = dir;
    h_open(&h, &c);
    for (int i = 0; i < 15; i++) {
        h_segment(&h, 2000, 0, 1);
    }
    SLC_CHECK(file_exists(dir, "stream.m3u8") && file_exists(dir, "index.m3u8"));
    SLC_CHECK(file_exists(dir, "seg00014.ts") && file_exists(dir, "seg00005.ts"));
    SLC_CHECK(!file_exists(dir, "seg00000.ts")); /* past its grace: deleted */
    /* a kill in the middle of a segment: its temporary file stays, unlisted */
    SLC_CHECK_INT_EQ(h.sink.ops->begin(h.sink.opaque, h.seq), 0);
    SLC_CHECK(file_exists(dir, ".seg00015.ts.tmp"));
    before = h.prev;
    slc_pl_media_init(&h.prev);
    h.have_prev = 0;
    h_close(&h);

    h_open(&h, &c); /* a restart takes the playlist over */
    SLC_CHECK(!file_exists(dir, ".seg00015.ts.tmp"));
    SLC_CHECK_INT_EQ(h.seq, 15);
    h.prev = before;
    h.have_prev = 1;
    h_segment(&h, 2000, 1, 1);
    SLC_CHECK_INT_EQ(h.prev.media_sequence, 10);
    SLC_CHECK(h.prev.segs[h.prev.nsegs - 1].discontinuity);
    SLC_CHECK_INT_EQ(h.prev.target_duration, 2);
    for (int i = 0; i < 10; i++) {
        h_segment(&h, 2000, 0, 1);
    }
    SLC_CHECK_INT_EQ(h.prev.discontinuity_sequence, 1);
    h_close(&h);
    SLC_CHECK(system("rm -rf /tmp/slc-store-live-*") == 0);
}

/* The on_file callback's view: segments announced, what the last stream.m3u8 listed. */
struct events {
    const char *dir;
    char done[64][32]; /* SEGMENT events, in order */
    size_t ndone, nplaylists, nremoved, nbad;
    struct slc_pl_media last; /* the last stream.m3u8 announced */
    int fail_at;              /* return SLC_EIO on this event number (1-based); 0: never */
    int count;
};

static int announced(const struct events *ev, const char *name)
{
    for (size_t i = 0; i < ev->ndone; i++) {
        if (strcmp(ev->done[i], name) == 0) {
            return 1;
        }
    }
    return 0;
}

/* Read the announced playlist back: every segment it lists was announced before it. */
static void on_playlist(struct events *ev, const char *name)
{
    char path[512], text[65536], why[256] = "";
    FILE *f;
    size_t n;

    ev->nplaylists++;
    if (strcmp(name, "stream.m3u8") != 0) {
        return;
    }
    snprintf(path, sizeof(path), "%s/%s", ev->dir, name);
    f = fopen(path, "rb");
    n = f ? fread(text, 1, sizeof(text), f) : 0;
    if (f) {
        fclose(f);
    }
    slc_pl_media_deinit(&ev->last);
    slc_pl_media_init(&ev->last);
    SLC_CHECK_INT_EQ(slc_pl_parse(text, n, &ev->last, NULL, why, sizeof(why)), SLC_PL_KIND_MEDIA);
    for (size_t i = 0; i < ev->last.nsegs; i++) {
        ev->nbad += !announced(ev, ev->last.segs[i].uri);
    }
}

static int on_file(void *opaque, const char *name, enum slc_store_file_event e)
{
    struct events *ev = opaque;

    if (++ev->count == ev->fail_at) {
        return SLC_EIO;
    }
    if (e == SLC_STORE_FILE_SEGMENT) {
        SLC_CHECK(name[0] != '.' && ev->ndone < 64);
        snprintf(ev->done[ev->ndone++ % 64], sizeof(ev->done[0]), "%s", name);
    } else if (e == SLC_STORE_FILE_PLAYLIST) {
        on_playlist(ev, name);
    } else {
        /* removed: announced, and no longer listed by the last announced playlist */
        ev->nremoved++;
        ev->nbad += !announced(ev, name) || file_exists(ev->dir, name);
        for (size_t i = 0; i < ev->last.nsegs; i++) {
            ev->nbad += strcmp(ev->last.segs[i].uri, name) == 0;
        }
    }
    return 0;
}

static void test_disk_events(void)
{
    char dir[] = "/tmp/slc-store-live-XXXXXX";
    struct slc_store_live_config c;
    struct events ev;
    struct harness h;

    SLC_CHECK(mkdtemp(dir) != NULL);
    memset(&ev, 0, sizeof(ev));
    slc_pl_media_init(&ev.last);
    ev.dir = dir;
    cfg_default(&c);
    c.dir = dir;
    c.window = 3;
    c.on_file = on_file;
    c.on_file_opaque = &ev;
    h_open(&h, &c);
    for (int i = 0; i < 20; i++) {
        h_segment(&h, 2000, 0, 1);
    }
    SLC_CHECK_INT_EQ(ev.ndone, 20);
    SLC_CHECK_INT_EQ(ev.nbad, 0);
    SLC_CHECK(ev.nplaylists >= 21); /* stream.m3u8 per segment, index.m3u8 at least once */
    /* window 3 + a grace of one window: all but the last 6 or 7 are gone, each announced */
    SLC_CHECK(ev.nremoved >= 12 && ev.nremoved <= 15);
    SLC_CHECK_INT_EQ(ev.last.nsegs, 3);
    /* a failing callback fails the segment end */
    ev.fail_at = ev.count + 1;
    SLC_CHECK(h.sink.ops->begin(h.sink.opaque, h.seq) == 0);
    {
        struct slc_seg_segment_info info = {0};
        info.seq = h.seq;
        info.duration_us = 2000000;
        SLC_CHECK_INT_EQ(h.sink.ops->end(h.sink.opaque, &info), SLC_EIO);
    }
    h_close(&h);
    slc_pl_media_deinit(&ev.last);
    SLC_CHECK(system("rm -rf /tmp/slc-store-live-*") == 0);
}

struct reader {
    struct slc_store_live *s;
    volatile int stop;
    unsigned long hits;
};

static void *reader_main(void *arg)
{
    struct reader *r = arg;
    static const char *const names[] = {"stream.m3u8", "index.m3u8", "seg00010.ts", "seg00500.ts",
                                        "seg00999.ts"};

    while (!r->stop) {
        for (size_t i = 0; i < 5; i++) {
            struct slc_object *o = NULL;
            const void *p;
            size_t n;
            if (slc_store_live_lookup(r->s, names[i], &o) == 0) {
                r->hits += slc_object_peek(o, 0, &p, &n) == 0;
                slc_object_unref(&o);
            }
        }
    }
    return NULL;
}

static void test_concurrent_readers(void)
{
    struct slc_store_live_config c;
    struct harness h;
    struct reader r = {0};
    pthread_t t[2];

    cfg_default(&c);
    h_open(&h, &c);
    r.s = h.s;
    pthread_create(&t[0], NULL, reader_main, &r);
    pthread_create(&t[1], NULL, reader_main, &r);
    for (int i = 0; i < 2000; i++) {
        h_segment(&h, 2000, 0, 0);
    }
    r.stop = 1;
    pthread_join(t[0], NULL);
    pthread_join(t[1], NULL);
    SLC_CHECK(r.hits > 0);
    h_close(&h);
}

int main(void)
{
    slc_log_set_level(SLC_LOG_ERROR);
    SLC_RUN(test_window_sliding);
    SLC_RUN(test_program_date_time);
    SLC_RUN(test_program_date_time_slew);
    SLC_RUN(test_discontinuity_sequence);
    SLC_RUN(test_retention);
    SLC_RUN(test_memory_bound);
    SLC_RUN(test_target_fixed);
    SLC_RUN(test_event_and_dvr);
    SLC_RUN(test_growing_segment);
    SLC_RUN(test_segment_validators);
    SLC_RUN(test_disk_and_takeover);
    SLC_RUN(test_disk_events);
    SLC_RUN(test_concurrent_readers);
    return slc_test_summary("store_live");
}
