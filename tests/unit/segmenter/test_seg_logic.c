/* SPDX-License-Identifier: MIT */
/* Unit tests of the segmenter's pure logic: segment name templates, timestamp repair
 * (33-bit unwrap, jump removal, missing timestamps) and cross-track interleaving. */
#include "seg_interleave.h"

#include "seg_timeline.h"
#include "seg_ts_watch.h"
#include "slc_err.h"
#include "slc_seg_sink.h"
#include "slc_test.h"

#include <libavutil/avutil.h>
#include <libavutil/bswap.h>
#include <libavutil/crc.h>

#include <time.h>

static void test_name_format(void)
{
    char out[64];

    SLC_CHECK_INT_EQ(slc_seg_name_format("seg%05d.ts", 42, out, sizeof(out)), 0);
    SLC_CHECK_STR_EQ(out, "seg00042.ts");
    SLC_CHECK_INT_EQ(slc_seg_name_format("p-%d-100%%.ts", 7, out, sizeof(out)), 0);
    SLC_CHECK_STR_EQ(out, "p-7-100%.ts");
    SLC_CHECK_INT_EQ(slc_seg_name_format("big%03d.ts", 123456, out, sizeof(out)), 0);
    SLC_CHECK_STR_EQ(out, "big123456.ts");
    /* exactly one conversion; nothing printf would interpret otherwise */
    SLC_CHECK_INT_EQ(slc_seg_name_format("seg.ts", 1, out, sizeof(out)), SLC_EINVAL);
    SLC_CHECK_INT_EQ(slc_seg_name_format("%d%d.ts", 1, out, sizeof(out)), SLC_EINVAL);
    SLC_CHECK_INT_EQ(slc_seg_name_format("%s.ts", 1, out, sizeof(out)), SLC_EINVAL);
    SLC_CHECK_INT_EQ(slc_seg_name_format("%n.ts", 1, out, sizeof(out)), SLC_EINVAL);
    SLC_CHECK_INT_EQ(slc_seg_name_format("%021d.ts", 1, out, sizeof(out)), SLC_EINVAL);
    SLC_CHECK_INT_EQ(slc_seg_name_format("%5d.ts", 1, out, sizeof(out)), SLC_EINVAL);
    SLC_CHECK_INT_EQ(slc_seg_name_format("seg%05d.ts", 1, out, 8), SLC_ELIMIT);
}

static void test_name_check(void)
{
    SLC_CHECK_INT_EQ(slc_seg_name_check("seg%05d.ts"), 0);
    SLC_CHECK_INT_EQ(slc_seg_name_check("../seg%d.ts"), SLC_EINVAL);
    SLC_CHECK_INT_EQ(slc_seg_name_check("a/seg%d.ts"), SLC_EINVAL);
    SLC_CHECK_INT_EQ(slc_seg_name_check(".seg%d.ts"), SLC_EINVAL);
    SLC_CHECK_INT_EQ(slc_seg_name_check("seg%d.ts?x"), SLC_EINVAL);
    SLC_CHECK_INT_EQ(slc_seg_name_check("seg%d\n.ts"), SLC_EINVAL);
    SLC_CHECK_INT_EQ(slc_seg_name_check(""), SLC_EINVAL);
}

static AVPacket *mk(int64_t pts, int64_t dts, int64_t dur, int key)
{
    AVPacket *p = av_packet_alloc();

    p->pts = pts;
    p->dts = dts;
    p->duration = dur;
    p->flags = key ? AV_PKT_FLAG_KEY : 0;
    return p;
}

/* A 33-bit clock that wraps mid-stream keeps counting upwards. */
static void test_timeline_unwrap(void)
{
    struct slc_seg_timeline tl;
    const int64_t wrap = INT64_C(1) << 33;
    int64_t prev = 0;
    int ok = 1;

    slc_seg_timeline_init(&tl, 1);
    slc_seg_timeline_track(&tl, 0, (AVRational){1, 90000}, 33);
    for (int i = 0; i < 500; i++) {
        int64_t raw = (wrap - 90000 * 5 + (int64_t)i * 3600) % wrap;
        AVPacket *p = mk(raw, raw, 3600, 1);
        SLC_CHECK_INT_EQ(slc_seg_timeline_fix(&tl, 0, p), 0);
        if (i > 0 && p->dts != prev + 3600) {
            ok = 0;
        }
        prev = p->dts;
        av_packet_free(&p);
    }
    SLC_CHECK(ok);
    SLC_CHECK(prev > wrap);
    SLC_CHECK_INT_EQ(tl.jumps, 0);
}

/* A jump of an hour in a TS input is removed; both tracks stay together. */
static void test_timeline_jump(void)
{
    struct slc_seg_timeline tl;
    AVPacket *v, *a;

    slc_seg_timeline_init(&tl, 1);
    slc_seg_timeline_track(&tl, 0, (AVRational){1, 90000}, 33);
    slc_seg_timeline_track(&tl, 1, (AVRational){1, 90000}, 33);
    for (int i = 0; i < 10; i++) {
        v = mk(i * 3000, i * 3000, 3000, 1);
        a = mk(i * 3000, i * 3000, 3000, 1);
        slc_seg_timeline_fix(&tl, 0, v);
        slc_seg_timeline_fix(&tl, 1, a);
        av_packet_free(&v);
        av_packet_free(&a);
    }
    v = mk(3600LL * 90000, 3600LL * 90000, 3000, 1);
    a = mk(3600LL * 90000 + 10, 3600LL * 90000 + 10, 3000, 1);
    slc_seg_timeline_fix(&tl, 0, v);
    slc_seg_timeline_fix(&tl, 1, a);
    SLC_CHECK_INT_EQ(v->dts, 30000);
    SLC_CHECK_INT_EQ(a->dts, 30010);
    SLC_CHECK_INT_EQ(tl.jumps, 1);
    av_packet_free(&v);
    av_packet_free(&a);
}

static int warn_lines;
static void count_warn(void *opaque, enum slc_log_level level, const char *line)
{
    (void)opaque;
    (void)line;
    warn_lines += level == SLC_LOG_WARN;
}

/* Two encoders on one port: the clocks alternate, so every packet is a jump. Each is
 * removed, but the log gets 5 lines, not one per packet. */
static void test_timeline_jump_flood(void)
{
    struct slc_seg_timeline tl;
    AVPacket *v;

    slc_seg_timeline_init(&tl, 1);
    slc_seg_timeline_track(&tl, 0, (AVRational){1, 90000}, 33);
    slc_log_set_sink(count_warn, NULL);
    warn_lines = 0;
    for (int i = 0; i < 200; i++) {
        int64_t t = (i % 2 ? 900000 * 20 : 0) + (int64_t)i * 3000;
        v = mk(t, t, 3000, 1);
        slc_seg_timeline_fix(&tl, 0, v);
        av_packet_free(&v);
    }
    slc_log_set_sink(NULL, NULL);
    SLC_CHECK_INT_EQ(tl.jumps, 199);
    SLC_CHECK_INT_EQ(warn_lines, 5);
}

/* The budget refills after its window, first saying how many lines it left out. */
static void test_log_limit_window(void)
{
    struct slc_log_limit l = {.burst = 2, .window_s = 1};
    struct timespec ts = {1, 50000000};

    slc_log_set_sink(count_warn, NULL);
    warn_lines = 0;
    SLC_CHECK_INT_EQ(slc_log_limit_pass(&l, "x"), 1);
    SLC_CHECK_INT_EQ(slc_log_limit_pass(&l, "x"), 1);
    SLC_CHECK_INT_EQ(slc_log_limit_pass(&l, "x"), 0);
    SLC_CHECK_INT_EQ(slc_log_limit_pass(&l, "x"), 0);
    SLC_CHECK_INT_EQ(warn_lines, 0);
    nanosleep(&ts, NULL);
    SLC_CHECK_INT_EQ(slc_log_limit_pass(&l, "x"), 1);
    SLC_CHECK_INT_EQ(warn_lines, 1); /* "x: 2 more like it in the last 1 s" */
    slc_log_set_sink(NULL, NULL);
}

/* Missing dts is filled from the previous packet; missing pts from dts. */
static void test_timeline_missing(void)
{
    struct slc_seg_timeline tl;
    AVPacket *p;

    slc_seg_timeline_init(&tl, 0);
    slc_seg_timeline_track(&tl, 0, (AVRational){1, 1000}, 64);
    p = mk(AV_NOPTS_VALUE, AV_NOPTS_VALUE, 40, 1);
    SLC_CHECK_INT_EQ(slc_seg_timeline_fix(&tl, 0, p), SLC_EFORMAT);
    av_packet_free(&p);
    p = mk(AV_NOPTS_VALUE, 100, 40, 1);
    SLC_CHECK_INT_EQ(slc_seg_timeline_fix(&tl, 0, p), 0);
    SLC_CHECK_INT_EQ(p->pts, 100);
    av_packet_free(&p);
    p = mk(AV_NOPTS_VALUE, AV_NOPTS_VALUE, 40, 0);
    SLC_CHECK_INT_EQ(slc_seg_timeline_fix(&tl, 0, p), 0);
    SLC_CHECK_INT_EQ(p->dts, 140);
    av_packet_free(&p);
}

/* Around a cut: audio that ends by the keyframe's pts leaves before it, even when its dts is
 * larger than the keyframe's dts (B-frame delay); the frame that straddles the keyframe's pts
 * and the ones after it follow the keyframe (into the new segment). */
static void test_interleave_cut_order(void)
{
    static struct slc_seg_interleaver il;
    const int active[SLC_IL_TRACKS] = {1, 1};
    AVPacket *p;
    int t, order[8], n = 0;

    slc_seg_il_init(&il, active);
    p = mk(6000, 5000, 3000, 1); /* video keyframe: dts 5000, pts 6000 */
    slc_seg_il_push(&il, 0, &p);
    p = mk(5000, 5000, 1000, 1); /* audio ending exactly at the keyframe: before it */
    slc_seg_il_push(&il, 1, &p);
    p = mk(5500, 5500, 1000, 1); /* audio straddling the keyframe: after it */
    slc_seg_il_push(&il, 1, &p);
    p = mk(6500, 6500, 1000, 1);
    slc_seg_il_push(&il, 1, &p);
    while (slc_seg_il_pop(&il, 0, &p, &t) && n < 8) {
        order[n++] = t * 100000 + (int)p->pts;
        av_packet_free(&p);
    }
    SLC_CHECK_INT_EQ(n, 2);
    SLC_CHECK_INT_EQ(order[0], 105000);
    SLC_CHECK_INT_EQ(order[1], 6000);
    /* with the video track finished, the rest drains in order */
    slc_seg_il_finish(&il, 0);
    SLC_CHECK_INT_EQ(slc_seg_il_pop(&il, 0, &p, &t), 1);
    SLC_CHECK_INT_EQ(t, 1);
    SLC_CHECK_INT_EQ(p->pts, 5500);
    av_packet_free(&p);
    slc_seg_il_deinit(&il);
}

/* An alternate audio track (track 2) is cut by the same rule as the main audio: its frame
 * ending at the keyframe's pts goes before the keyframe, the one straddling it after. */
static void test_interleave_alt_audio(void)
{
    static struct slc_seg_interleaver il;
    const int active[SLC_IL_TRACKS] = {1, 1, 1};
    AVPacket *p;
    int t, order[8], n = 0;

    slc_seg_il_init(&il, active);
    p = mk(6000, 5000, 3000, 1);
    slc_seg_il_push(&il, 0, &p);
    p = mk(5500, 5500, 1000, 1); /* main audio straddling the keyframe */
    slc_seg_il_push(&il, 1, &p);
    p = mk(5000, 5000, 1000, 1); /* alternate ending at the keyframe: before it */
    slc_seg_il_push(&il, 2, &p);
    p = mk(6000, 6000, 1000, 1); /* alternate starting at the keyframe: after it */
    slc_seg_il_push(&il, 2, &p);
    slc_seg_il_finish(&il, 0);
    slc_seg_il_finish(&il, 1);
    slc_seg_il_finish(&il, 2);
    while (slc_seg_il_pop(&il, 0, &p, &t) && n < 8) {
        order[n++] = t * 100000 + (int)p->pts;
        av_packet_free(&p);
    }
    SLC_CHECK_INT_EQ(n, 4);
    SLC_CHECK_INT_EQ(order[0], 205000);
    SLC_CHECK_INT_EQ(order[1], 6000);
    SLC_CHECK_INT_EQ(order[2], 105500);
    SLC_CHECK_INT_EQ(order[3], 206000);
    slc_seg_il_deinit(&il);
}

/* A track that goes silent holds the other back only up to the span ceiling. */
static void test_interleave_bounded(void)
{
    static struct slc_seg_interleaver il;
    const int active[SLC_IL_TRACKS] = {1, 1};
    AVPacket *p;
    int t, popped = 0;

    slc_seg_il_init(&il, active);
    for (int i = 0; i < 400; i++) {
        p = mk(i * 3000, i * 3000, 3000, 1);
        SLC_CHECK_INT_EQ(slc_seg_il_push(&il, 0, &p), 0);
        while (slc_seg_il_pop(&il, 0, &p, &t)) {
            popped++;
            av_packet_free(&p);
        }
    }
    SLC_CHECK(popped > 0);
    SLC_CHECK(400 - popped <= SLC_IL_MAX_SPAN_90K / 3000 + 1);
    slc_seg_il_deinit(&il);
}

/* ---- the PMT watcher (seg_ts_watch.h) ---- */

/* One TS packet on `pid` starting the PSI section `body` (table_id .. last_section_number
 * and the payload, without CRC), CRC appended as an MPEG-TS muxer writes it. */
static void ts_section(uint8_t *pkt, int pid, const uint8_t *body, size_t n)
{
    uint8_t *s = pkt + 5;
    uint32_t crc;

    memset(pkt, 0xFF, 188);
    pkt[0] = 0x47;
    pkt[1] = (uint8_t)(0x40 | (pid >> 8));
    pkt[2] = (uint8_t)pid;
    pkt[3] = 0x10;
    pkt[4] = 0; /* pointer_field */
    memcpy(s, body, n);
    s[1] = (uint8_t)(0xB0 | ((n + 4 - 3) >> 8));
    s[2] = (uint8_t)(n + 4 - 3);
    crc = av_bswap32(av_crc(av_crc_get_table(AV_CRC_32_IEEE), UINT32_MAX, s, n));
    s[n] = (uint8_t)(crc >> 24);
    s[n + 1] = (uint8_t)(crc >> 16);
    s[n + 2] = (uint8_t)(crc >> 8);
    s[n + 3] = (uint8_t)crc;
}

static void ts_pat(uint8_t *pkt, int pmt_pid)
{
    const uint8_t pat[] = {0x00,
                           0,
                           0,
                           0x00,
                           0x01,
                           0xC1,
                           0,
                           0,
                           0x00,
                           0x01,
                           (uint8_t)(0xE0 | (pmt_pid >> 8)),
                           (uint8_t)pmt_pid};

    ts_section(pkt, 0, pat, sizeof(pat));
}

/* A PMT of `n` streams: types[i] on PID 0x100 + i. */
static void ts_pmt(uint8_t *pkt, int pmt_pid, const uint8_t *types, int n)
{
    uint8_t pmt[64] = {0x02, 0, 0, 0x00, 0x01, 0xC1, 0, 0, 0xE1, 0x00, 0xF0, 0x00};
    size_t len = 12;

    for (int i = 0; i < n; i++) {
        const uint8_t es[] = {types[i], 0xE1, (uint8_t)i, 0xF0, 0x00};
        memcpy(pmt + len, es, sizeof(es));
        len += sizeof(es);
    }
    ts_section(pkt, pmt_pid, pmt, len);
}

static void test_ts_watch(void)
{
    static const uint8_t avc_aac[] = {0x1B, 0x0F}, hevc_aac[] = {0x24, 0x0F}, avc[] = {0x1B};
    static const uint8_t avc_aac_scte[] = {0x1B, 0x0F, 0x86}, avc_aac_id3[] = {0x1B, 0x0F, 0x15};
    uint8_t d[7 * 188];
    struct slc_ts_watch w;

    slc_ts_watch_init(&w);
    memset(d, 0xFF, sizeof(d));
    for (int i = 0; i < 7; i++) {
        d[i * 188] = 0x47;
        d[i * 188 + 1] = 0x1F; /* null packets */
        d[i * 188 + 2] = 0xFF;
        d[i * 188 + 3] = 0x10;
    }
    ts_pat(d, 0x1000);
    ts_pmt(d + 188, 0x1000, avc_aac, 2);
    SLC_CHECK_INT_EQ(slc_ts_watch_feed(&w, d, sizeof(d)), 0); /* the first sets the reference */
    SLC_CHECK_INT_EQ(w.have, 1);
    SLC_CHECK_INT_EQ(w.nes, 2);
    SLC_CHECK_INT_EQ(slc_ts_watch_feed(&w, d, sizeof(d)), 0); /* the same again */
    ts_pmt(d + 188, 0x1000, hevc_aac, 2);                     /* another codec on PID 0x100 */
    SLC_CHECK_INT_EQ(slc_ts_watch_feed(&w, d, sizeof(d)), 1);
    SLC_CHECK_INT_EQ(slc_ts_watch_feed(&w, d, sizeof(d)), 0); /* now the reference */
    ts_pmt(d + 188, 0x1000, avc, 1);                          /* a track fewer */
    d[188 + 20] ^= 0x01;                                      /* ... but corrupt: ignored */
    SLC_CHECK_INT_EQ(slc_ts_watch_feed(&w, d, sizeof(d)), 0);
    ts_pmt(d + 188, 0x1000, avc, 1);
    d[188 + 1] |= 0x80; /* transport_error_indicator: ignored */
    SLC_CHECK_INT_EQ(slc_ts_watch_feed(&w, d, sizeof(d)), 0);
    d[188 + 1] &= 0x7F;
    SLC_CHECK_INT_EQ(slc_ts_watch_feed(&w, d + 1, sizeof(d) - 1), 0); /* not aligned */
    SLC_CHECK_INT_EQ(slc_ts_watch_feed(&w, d, sizeof(d)), 1);
    /* a new PAT moves the PMT: followed; the same streams there are no change */
    ts_pat(d, 0x0100 + 0x20);
    ts_pmt(d + 188, 0x0120, avc, 1);
    SLC_CHECK_INT_EQ(slc_ts_watch_feed(&w, d, sizeof(d)), 0);
    ts_pmt(d + 188, 0x0120, avc_aac, 2);
    SLC_CHECK_INT_EQ(slc_ts_watch_feed(&w, d, sizeof(d)), 1);
    /* SCTE-35 or timed ID3 coming and going is no new layout */
    ts_pmt(d + 188, 0x0120, avc_aac_scte, 3);
    SLC_CHECK_INT_EQ(slc_ts_watch_feed(&w, d, sizeof(d)), 0);
    ts_pmt(d + 188, 0x0120, avc_aac_id3, 3);
    SLC_CHECK_INT_EQ(slc_ts_watch_feed(&w, d, sizeof(d)), 0);
    ts_pmt(d + 188, 0x0120, avc_aac, 2);
    SLC_CHECK_INT_EQ(slc_ts_watch_feed(&w, d, sizeof(d)), 0);
    /* a PMT on a PID no PAT named is not read */
    ts_pmt(d + 188, 0x0777, avc, 1);
    SLC_CHECK_INT_EQ(slc_ts_watch_feed(&w, d, sizeof(d)), 0);
    /* a short chunk and garbage are safe */
    SLC_CHECK_INT_EQ(slc_ts_watch_feed(&w, d, 100), 0);
    for (size_t i = 0; i < sizeof(d); i++) {
        d[i] = (uint8_t)(i * 131 + 7);
    }
    for (int i = 0; i < 7; i++) {
        d[i * 188] = 0x47;
        d[i * 188 + 1] = 0x40;
        d[i * 188 + 2] = 0x00;
    }
    SLC_CHECK_INT_EQ(slc_ts_watch_feed(&w, d, sizeof(d)), 0);
}

int main(void)
{
    SLC_RUN(test_name_format);
    SLC_RUN(test_name_check);
    SLC_RUN(test_timeline_unwrap);
    SLC_RUN(test_timeline_jump);
    SLC_RUN(test_timeline_jump_flood);
    SLC_RUN(test_log_limit_window);
    SLC_RUN(test_timeline_missing);
    SLC_RUN(test_interleave_cut_order);
    SLC_RUN(test_interleave_alt_audio);
    SLC_RUN(test_interleave_bounded);
    SLC_RUN(test_ts_watch);
    return slc_test_summary("test_seg_logic");
}
