/* SPDX-License-Identifier: MIT */
/* Just-in-time VOD against the whole-file run: for each input, the plan from the index must
 * give the whole-file playlist's segments, durations and target duration, and every segment
 * produced on its own (in shuffled order) must be byte-identical to the whole-file segment.
 * Usage: test_seg_vod MEDIA_DIR WORK_DIR FILE... */
#include "slc_err.h"
#include "slc_log.h"
#include "slc_playlist.h"
#include "slc_seg_vod.h"
#include "slc_seg_log.h"
#include "slc_test.h"

#include <libavformat/avformat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mem_sink {
    struct slc_buf buf;
    int begins, ends;
    struct slc_seg_segment_info info;
};

static int m_begin(void *o, uint64_t seq)
{
    struct mem_sink *m = o;
    (void)seq;
    m->begins++;
    slc_buf_reset(&m->buf);
    return 0;
}

static int m_write(void *o, const uint8_t *p, size_t n)
{
    return slc_buf_append(&((struct mem_sink *)o)->buf, p, n);
}

static int m_end(void *o, const struct slc_seg_segment_info *info)
{
    struct mem_sink *m = o;
    m->ends++;
    m->info = *info;
    return 0;
}

static int m_describe(void *o, const struct slc_seg_stream_desc *d)
{
    (void)o;
    (void)d;
    return 0;
}

static int m_finish(void *o, int complete)
{
    (void)o;
    (void)complete;
    return 0;
}

static const struct slc_seg_sink_ops mem_ops = {m_begin,  m_write, m_end, m_describe,
                                                m_finish, NULL,    NULL};

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *data;

    if (!f) {
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    data = malloc(*len + 1);
    if (data && fread(data, 1, *len, f) != *len) {
        free(data);
        data = NULL;
    }
    fclose(f);
    return data;
}

/* Produce segment i on its own (through `h` when given, else the one-shot call) and compare
 * it with the whole-file run's. */
static void check_segment(const struct slc_seg_config *c, const char *in, const char *out,
                          const struct slc_seg_plan *plan, const struct slc_pl_media *pl, size_t i,
                          struct slc_seg_vod_file *h, int r)
{
    struct mem_sink m = {0};
    struct slc_seg_sink sink = {&mem_ops, &m, 0};
    char path[8192];
    size_t len = 0;
    char *want;

    slc_buf_init(&m.buf, 0);
    if (r == 0) {
        snprintf(path, sizeof(path), "%s/%s", out, pl->segs[i].uri);
    } else {
        snprintf(path, sizeof(path), "%s/audio_%d/%s", out, r, pl->segs[i].uri);
    }
    want = slurp(path, &len);
    SLC_CHECK_INT_EQ(h ? slc_seg_vod_file_run_rendition(h, r, i, &sink)
                       : slc_seg_run_one_rendition(c, in, plan, r, i, &sink),
                     0);
    SLC_CHECK_INT_EQ(m.ends, 1);
    SLC_CHECK_INT_EQ((m.info.duration_us + 500) / 1000, pl->segs[i].duration_us / 1000);
    if (!SLC_CHECK(want && m.buf.len == len && memcmp(m.buf.data, want, len) == 0)) {
        fprintf(stderr,
                "  %s rendition %d segment %zu: %zu bytes on its own, %zu in the whole run\n", in,
                r, i, m.buf.len, len);
    }
    free(want);
    slc_buf_deinit(&m.buf);
}

/* The handle's index cost counts every stream's index entries, as libavformat opens them. */
static void check_index_bytes(const char *in, const struct slc_seg_vod_file *h)
{
    AVFormatContext *fmt = NULL;
    size_t n = 0;

    if (!h || !SLC_CHECK(avformat_open_input(&fmt, in, NULL, NULL) == 0)) {
        return;
    }
    for (unsigned i = 0; i < fmt->nb_streams; i++) {
        n += (size_t)avformat_index_get_entries_count(fmt->streams[i]);
    }
    SLC_CHECK(n > 0);
    SLC_CHECK_INT_EQ(slc_seg_vod_file_index_bytes(h), n * SLC_SEG_VOD_SAMPLE_BYTES);
    avformat_close_input(&fmt);
}

static void check_file(const char *media, const char *work, const char *name)
{
    struct slc_seg_config c;
    struct slc_seg_plan plan;
    struct slc_pl_media pl;
    char in[1024], out[1024], path[4096], why[256];
    size_t len = 0;
    char *text;

    slc_seg_config_init(&c);
    snprintf(in, sizeof(in), "%s/%s", media, name);
    snprintf(out, sizeof(out), "%s/%s", work, name);
    SLC_CHECK_INT_EQ(slc_seg_run(&c, in, out, NULL), 0);
    SLC_CHECK_INT_EQ(slc_seg_plan_build(&c, in, &plan), 0);
    SLC_CHECK_INT_EQ(plan.exact, 1);
    snprintf(path, sizeof(path), "%s/stream.m3u8", out);
    text = slurp(path, &len);
    slc_pl_media_init(&pl);
    SLC_CHECK(text && slc_pl_parse(text, len, &pl, NULL, why, sizeof(why)) == SLC_PL_KIND_MEDIA);
    SLC_CHECK_INT_EQ(plan.n, pl.nsegs);
    SLC_CHECK_INT_EQ(plan.target_duration, pl.target_duration);
    for (size_t i = 0; i < plan.n && i < pl.nsegs; i++) {
        SLC_CHECK_INT_EQ((plan.segs[i].duration_us + 500) / 1000, pl.segs[i].duration_us / 1000);
    }
    /* one-shot, then on one reused handle, last first: production must not depend on what
     * ran before on the same demuxer */
    if (plan.n == pl.nsegs) {
        struct slc_seg_vod_file *h = NULL;
        check_segment(&c, in, out, &plan, &pl, plan.n / 2, NULL, 0);
        SLC_CHECK_INT_EQ(slc_seg_vod_file_open(&c, in, &h), 0);
        check_index_bytes(in, h);
        for (size_t k = 0; h && k < plan.n; k++) {
            check_segment(&c, in, out, &plan, &pl, (k + plan.n - 1) % plan.n, h, 0);
        }
        /* alternate audio renditions: the same cuts, segment for segment, interleaved with
         * main ones on the same handle */
        for (int a = 0; h && a < plan.desc.naudio; a++) {
            int r = plan.desc.audio[a].rendition;
            if (r == 0) {
                continue;
            }
            check_segment(&c, in, out, &plan, &pl, plan.n / 2, NULL, r);
            for (size_t k = 0; k < plan.n; k++) {
                check_segment(&c, in, out, &plan, &pl, (k + 1) % plan.n, h, r);
                check_segment(&c, in, out, &plan, &pl, k, h, 0);
            }
        }
        SLC_CHECK_INT_EQ(slc_seg_run_one_rendition(&c, in, &plan, SLC_SEG_AUDIO_MAX, 0,
                                                   &(struct slc_seg_sink){0}),
                         SLC_ENOENT);
        slc_seg_vod_file_free(&h);
    }
    slc_pl_media_deinit(&pl);
    slc_seg_plan_free(&plan);
    free(text);
}

int main(int argc, char **argv)
{
    slc_log_set_level(SLC_LOG_WARN);
    slc_seg_log_route_ffmpeg();
    for (int i = 3; i < argc; i++) {
        check_file(argv[1], argv[2], argv[i]);
    }
    return slc_test_summary("test_seg_vod");
}
