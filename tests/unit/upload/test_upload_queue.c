/* SPDX-License-Identifier: MIT */
/* The uploader's queue with a fake transport and a fake clock: playlists after what they list
 * (transfers finish in reverse order, playlists are queued first), concurrency, retries with
 * growing back-off on 5xx/429/transport errors, none on 4xx, --resume's HEAD, DELETE after
 * the playlist that dropped the segment. */
#include "slc_err.h"
#include "slc_test.h"
#include "slc_upload.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAXREQ 16
#define MAXLOG 256

struct fake {
    int64_t now;
    struct slc_upload_result active[MAXREQ];
    char active_name[MAXREQ][64];
    int active_method[MAXREQ];
    int nactive, max_active;
    char log[MAXLOG][96]; /* "METHOD name status @ms" in completion order */
    int nlog;
    int64_t start_ms[MAXLOG];
    char start_name[MAXLOG][64];
    int nstart;
    /* status for the n-th attempt (0-based) of `name`; 0 = connection error */
    int (*policy)(const char *name, int method, int attempt, int64_t *length);
};

static const char *base(const char *url)
{
    const char *s = strrchr(url, '/');
    return s ? s + 1 : url;
}

static int attempts_of(struct fake *f, const char *name)
{
    int n = 0;
    for (int i = 0; i < f->nstart; i++) {
        n += strcmp(f->start_name[i], name) == 0;
    }
    return n;
}

static int fake_start(void *opaque, const struct slc_upload_request *r)
{
    struct fake *f = opaque;

    if (f->nactive >= MAXREQ || f->nstart >= MAXLOG) {
        return SLC_ELIMIT;
    }
    f->active[f->nactive].id = r->id;
    f->active_method[f->nactive] = r->method;
    snprintf(f->active_name[f->nactive], 64, "%s", base(r->url));
    snprintf(f->start_name[f->nstart], 64, "%s", base(r->url));
    f->start_ms[f->nstart++] = f->now;
    f->nactive++;
    f->max_active = f->nactive > f->max_active ? f->nactive : f->max_active;
    return 0;
}

/* Finishes the most recently started request first: the worst order for the ordering rule. */
static int fake_poll(void *opaque, int timeout_ms, struct slc_upload_result *res)
{
    static const char *const m[] = {"PUT", "HEAD", "DELETE"};
    struct fake *f = opaque;
    int i = f->nactive - 1, status;
    int64_t len = -1;

    if (f->nactive == 0) {
        f->now += timeout_ms;
        return 0;
    }
    f->now += 1;
    status = f->policy(f->active_name[i], f->active_method[i],
                       attempts_of(f, f->active_name[i]) - 1, &len);
    *res = f->active[i];
    res->status = status;
    res->error = status == 0 ? SLC_EIO : 0;
    res->length = len;
    if (f->nlog < MAXLOG) {
        char name[64];
        memcpy(name, f->active_name[i], sizeof(name));
        snprintf(f->log[f->nlog++], 96, "%s %s %d", m[f->active_method[i]], name, status);
    }
    f->nactive--;
    return 1;
}

static int64_t fake_clock(void *opaque)
{
    return ((struct fake *)opaque)->now;
}

static char dir[512];

static void write_file(const char *name, const char *text)
{
    char path[1024];
    FILE *fp;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    fp = fopen(path, "wb");
    fputs(text, fp);
    fclose(fp);
}

static void make_package(int nseg)
{
    char pl[4096] = "#EXTM3U\n#EXT-X-TARGETDURATION:2\n", name[32];

    for (int i = 0; i < nseg; i++) {
        snprintf(name, sizeof(name), "seg%d.ts", i);
        write_file(name, "0123456789");
        snprintf(pl + strlen(pl), sizeof(pl) - strlen(pl), "#EXTINF:2,\n%s\n", name);
    }
    write_file("stream.m3u8", pl);
    write_file("index.m3u8", "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nstream.m3u8\n");
}

static struct slc_upload *open_fake(struct fake *f, int concurrency, int resume)
{
    struct slc_upload_config c;
    struct slc_upload *u = NULL;

    slc_upload_config_init(&c);
    c.target = "http://fake/x";
    c.localdir = dir;
    c.concurrency = concurrency;
    c.resume = resume;
    c.allow_delete = 1;
    c.transport = (struct slc_upload_transport){fake_start, fake_poll, NULL, NULL, f};
    c.clock_ms = fake_clock;
    c.clock_opaque = f;
    SLC_CHECK_INT_EQ(slc_upload_new(&u, &c), 0);
    return u;
}

static int log_index(const struct fake *f, const char *entry)
{
    for (int i = 0; i < f->nlog; i++) {
        if (strcmp(f->log[i], entry) == 0) {
            return i;
        }
    }
    return -1;
}

static int ok_policy(const char *name, int method, int attempt, int64_t *len)
{
    (void)name, (void)method, (void)attempt, (void)len;
    return 201;
}

static void test_ordering(void)
{
    struct fake f = {.policy = ok_policy};
    struct slc_upload *u;
    struct slc_upload_stats st;
    char e[64];

    make_package(5);
    u = open_fake(&f, 2, 0);
    /* worst case: the playlists are queued before the segments they list */
    SLC_CHECK_INT_EQ(slc_upload_add(u, "index.m3u8"), 0);
    SLC_CHECK_INT_EQ(slc_upload_add(u, "stream.m3u8"), 0);
    for (int i = 0; i < 5; i++) {
        snprintf(e, sizeof(e), "seg%d.ts", i);
        SLC_CHECK_INT_EQ(slc_upload_add(u, e), 0);
    }
    SLC_CHECK_INT_EQ(slc_upload_finish(u, NULL, NULL), 0);
    slc_upload_stats(u, &st);
    SLC_CHECK_INT_EQ(st.files_done, 7);
    SLC_CHECK_INT_EQ(st.bytes, 5 * 10 + (8 + 24 + 5 * (11 + 8)) + (8 + 30 + 12));
    SLC_CHECK(f.max_active <= 2);
    for (int i = 0; i < 5; i++) {
        snprintf(e, sizeof(e), "PUT seg%d.ts 201", i);
        SLC_CHECK(log_index(&f, e) >= 0 && log_index(&f, e) < log_index(&f, "PUT stream.m3u8 201"));
    }
    SLC_CHECK(log_index(&f, "PUT stream.m3u8 201") < log_index(&f, "PUT index.m3u8 201"));
    slc_upload_free(&u);
    SLC_CHECK(u == NULL);
}

/* seg1: 503, 503, then 201; seg2: a connection error, then 201; seg3: 429 then 201. */
static int flaky_policy(const char *name, int method, int attempt, int64_t *len)
{
    (void)method, (void)len;
    if (strcmp(name, "seg1.ts") == 0 && attempt < 2) {
        return 503;
    }
    if (strcmp(name, "seg2.ts") == 0 && attempt < 1) {
        return 0;
    }
    if (strcmp(name, "seg3.ts") == 0 && attempt < 1) {
        return 429;
    }
    return 201;
}

static void test_retry_backoff(void)
{
    struct fake f = {.policy = flaky_policy};
    struct slc_upload *u;
    struct slc_upload_stats st;
    int64_t t[3];
    int n = 0;

    make_package(4);
    u = open_fake(&f, 4, 0);
    for (int i = 0; i < 4; i++) {
        char e[32];
        snprintf(e, sizeof(e), "seg%d.ts", i);
        slc_upload_add(u, e);
    }
    slc_upload_add(u, "stream.m3u8");
    SLC_CHECK_INT_EQ(slc_upload_finish(u, NULL, NULL), 0);
    slc_upload_stats(u, &st);
    SLC_CHECK_INT_EQ(st.retries, 4);
    SLC_CHECK_INT_EQ(st.files_failed, 0);
    for (int i = 0; i < f.nstart && n < 3; i++) {
        if (strcmp(f.start_name[i], "seg1.ts") == 0) {
            t[n++] = f.start_ms[i];
        }
    }
    SLC_CHECK_INT_EQ(n, 3);
    /* back-off 250 ms then 500 ms, each jittered into its upper half */
    SLC_CHECK(t[1] - t[0] >= 125 && t[1] - t[0] <= 260);
    SLC_CHECK(t[2] - t[1] >= 250 && t[2] - t[1] <= 510);
    SLC_CHECK(log_index(&f, "PUT seg1.ts 201") < log_index(&f, "PUT stream.m3u8 201"));
    slc_upload_free(&u);
}

static int forbidden_policy(const char *name, int method, int attempt, int64_t *len)
{
    (void)method, (void)attempt, (void)len;
    return strcmp(name, "seg1.ts") == 0 ? 403 : 201;
}

static void test_4xx_no_retry(void)
{
    struct fake f = {.policy = forbidden_policy};
    struct slc_upload *u;
    struct slc_upload_stats st;

    make_package(3);
    u = open_fake(&f, 2, 0);
    slc_upload_add(u, "seg0.ts");
    slc_upload_add(u, "seg1.ts");
    slc_upload_add(u, "seg2.ts");
    slc_upload_add(u, "stream.m3u8");
    slc_upload_add(u, "index.m3u8");
    SLC_CHECK_INT_EQ(slc_upload_finish(u, NULL, NULL), SLC_EIO);
    slc_upload_stats(u, &st);
    SLC_CHECK_INT_EQ(st.retries, 0);
    SLC_CHECK_INT_EQ(attempts_of(&f, "seg1.ts"), 1);
    SLC_CHECK_INT_EQ(st.files_failed, 3); /* seg1 and the two playlists behind it */
    SLC_CHECK_INT_EQ(attempts_of(&f, "stream.m3u8"), 0);
    SLC_CHECK_INT_EQ(attempts_of(&f, "index.m3u8"), 0);
    slc_upload_free(&u);
}

/* --resume: seg0 is there with the right length, seg1 with a wrong one, seg2 missing. */
static int resume_policy(const char *name, int method, int attempt, int64_t *len)
{
    (void)attempt;
    if (method != SLC_UPLOAD_HEAD) {
        return 201;
    }
    *len = strcmp(name, "seg1.ts") == 0 ? 3 : 10;
    return strcmp(name, "seg2.ts") == 0 ? 404 : 200;
}

static void test_resume(void)
{
    struct fake f = {.policy = resume_policy};
    struct slc_upload *u;
    struct slc_upload_stats st;

    make_package(3);
    u = open_fake(&f, 2, 1);
    slc_upload_add(u, "seg0.ts");
    slc_upload_add(u, "seg1.ts");
    slc_upload_add(u, "seg2.ts");
    slc_upload_add(u, "stream.m3u8");
    SLC_CHECK_INT_EQ(slc_upload_finish(u, NULL, NULL), 0);
    slc_upload_stats(u, &st);
    SLC_CHECK_INT_EQ(st.files_skipped, 1);
    SLC_CHECK_INT_EQ(st.files_done, 3); /* seg1, seg2, stream.m3u8 */
    SLC_CHECK(log_index(&f, "PUT seg0.ts 201") < 0);
    SLC_CHECK(log_index(&f, "PUT seg1.ts 201") >= 0);
    SLC_CHECK(log_index(&f, "PUT seg2.ts 201") < log_index(&f, "PUT stream.m3u8 201"));
    slc_upload_free(&u);
}

/* A live window moves: seg0 leaves, the new playlist goes up, only then seg0 is deleted. */
static void test_delete_after_playlist(void)
{
    struct fake f = {.policy = ok_policy};
    struct slc_upload *u;
    struct slc_upload_stats st;

    make_package(2);
    u = open_fake(&f, 4, 0);
    slc_upload_add(u, "seg0.ts");
    slc_upload_add(u, "seg1.ts");
    slc_upload_add(u, "stream.m3u8");
    while (slc_upload_step(u, 10) > 0) {
    }
    write_file("seg2.ts", "0123456789");
    write_file("stream.m3u8", "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:1\n"
                              "#EXTINF:2,\nseg1.ts\n#EXTINF:2,\nseg2.ts\n");
    slc_upload_add(u, "seg2.ts");
    slc_upload_add(u, "stream.m3u8");
    slc_upload_remove(u, "seg0.ts");
    SLC_CHECK_INT_EQ(slc_upload_finish(u, NULL, NULL), 0);
    slc_upload_stats(u, &st);
    SLC_CHECK_INT_EQ(st.deleted, 1);
    SLC_CHECK(log_index(&f, "DELETE seg0.ts 201") > log_index(&f, "PUT seg2.ts 201"));
    /* the second stream.m3u8 PUT is the last PUT before the DELETE */
    SLC_CHECK(strcmp(f.log[log_index(&f, "DELETE seg0.ts 201") - 1], "PUT stream.m3u8 201") == 0);
    slc_upload_free(&u);
}

static int dead_policy(const char *name, int method, int attempt, int64_t *len)
{
    (void)name, (void)method, (void)attempt, (void)len;
    return 503;
}

/* A live upload to a dead target with a queue of 4: add() never blocks (the ingest goes on);
 * the oldest waiting segments are dropped and counted, and no playlist goes up while it
 * lists a segment that is not remote. */
static void test_live_full_queue_drops(void)
{
    struct fake f = {.policy = dead_policy};
    struct slc_upload_config c;
    struct slc_upload *u = NULL;
    struct slc_upload_stats st;
    char name[32];

    make_package(12);
    slc_upload_config_init(&c);
    c.target = "http://fake/x";
    c.localdir = dir;
    c.concurrency = 1;
    c.queue_max = 4;
    c.live = 1;
    c.max_attempts = 1000; /* never given up on: only dropping makes room */
    c.transport = (struct slc_upload_transport){fake_start, fake_poll, NULL, NULL, &f};
    c.clock_ms = fake_clock;
    c.clock_opaque = &f;
    SLC_CHECK_INT_EQ(slc_upload_new(&u, &c), 0);
    for (int i = 0; i < 12; i++) {
        snprintf(name, sizeof(name), "seg%d.ts", i);
        SLC_CHECK_INT_EQ(slc_upload_add(u, name), 0); /* returns: no worker, no waiting */
        slc_upload_step(u, 10);
    }
    SLC_CHECK_INT_EQ(slc_upload_add(u, "stream.m3u8"), 0);
    for (int i = 0; i < 50; i++) {
        slc_upload_step(u, 100);
    }
    slc_upload_stats(u, &st);
    SLC_CHECK(st.dropped >= 8);
    SLC_CHECK(st.pending <= 5);
    SLC_CHECK_INT_EQ(log_index(&f, "PUT stream.m3u8 503"), -1);
    SLC_CHECK_INT_EQ(log_index(&f, "PUT stream.m3u8 201"), -1);
    slc_upload_free(&u);
}

static void test_headers(void)
{
    const char *ct, *cc;
    char buf[64];

    slc_upload_content_headers("a/seg1.ts", 1, 3, &ct, &cc, buf, sizeof(buf));
    SLC_CHECK_STR_EQ(ct, "video/mp2t");
    SLC_CHECK(strstr(cc, "immutable") != NULL);
    slc_upload_content_headers("stream.m3u8", 1, 3, &ct, &cc, buf, sizeof(buf));
    SLC_CHECK_STR_EQ(ct, "application/vnd.apple.mpegurl");
    SLC_CHECK_STR_EQ(cc, "public, max-age=3");
    slc_upload_content_headers("stream.m3u8", 0, 3, &ct, &cc, buf, sizeof(buf));
    SLC_CHECK_STR_EQ(cc, "public, max-age=86400");
}

int main(int argc, char **argv)
{
    snprintf(dir, sizeof(dir), "%s", argc > 1 ? argv[1] : "work_upload_queue");
    mkdir(dir, 0755);
    SLC_RUN(test_ordering);
    SLC_RUN(test_retry_backoff);
    SLC_RUN(test_4xx_no_retry);
    SLC_RUN(test_resume);
    SLC_RUN(test_delete_after_playlist);
    SLC_RUN(test_live_full_queue_drops);
    SLC_RUN(test_headers);
    return slc_test_summary("test_upload_queue");
}
