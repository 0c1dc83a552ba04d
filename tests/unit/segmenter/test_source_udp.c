/* SPDX-License-Identifier: MIT */
/* Unit tests of the recvmmsg udp:// reader (seg_source_udp.h) and of live sources opened on
 * it: batching, order, truncation, options (and the fallback to libavformat's protocol),
 * interrupt (timeout) and stop from another thread, multicast join where the host allows it,
 * and the live source's AVIOContext staying small after the format probe.
 *   test_source_udp [TEST_MEDIA_DIR]   (the live-source cases need input.ts) */
#include "seg_source.h"
#include "seg_source_udp.h"
#include "slc_err.h"
#include "slc_log.h"
#include "slc_test.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define DGRAM 1316

static int send_to(const char *ip, int port, const void *p, size_t n)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    ssize_t r;

    inet_pton(AF_INET, ip, &a.sin_addr);
    r = sendto(fd, p, n, 0, (struct sockaddr *)&a, sizeof(a));
    close(fd);
    return r == (ssize_t)n ? 0 : -1;
}

static int port_of(const struct slc_seg_udp *u)
{
    struct slc_seg_udp_stats st;

    slc_seg_udp_get_stats(u, &st);
    return st.local_port;
}

/* Read exactly `n` bytes through the AVIO callback. */
static int read_all(struct slc_seg_udp *u, uint8_t *buf, size_t n)
{
    size_t got = 0;

    while (got < n) {
        int r = slc_seg_udp_read(u, buf + got, (int)(n - got > 4000 ? 4000 : n - got));
        if (r <= 0) {
            return r;
        }
        got += (size_t)r;
    }
    return 0;
}

static void fill(uint8_t *p, size_t n, int seed)
{
    for (size_t i = 0; i < n; i++) {
        p[i] = (uint8_t)(seed * 31 + i * 7);
    }
}

/* Datagrams queued before a read come back in one recvmmsg, in order, without gaps. */
static void test_batching(void)
{
    enum { N = SLC_SEG_UDP_SLOTS + 8 };
    static uint8_t sent[N * DGRAM], back[N * DGRAM];
    struct slc_seg_udp *u = NULL;
    struct slc_seg_udp_stats st;

    if (!SLC_CHECK_INT_EQ(slc_seg_udp_open("udp://127.0.0.1:0", NULL, NULL, &u), 0)) {
        return;
    }
    SLC_CHECK(port_of(u) > 0);
    for (int i = 0; i < N; i++) {
        fill(sent + i * DGRAM, DGRAM, i);
        SLC_CHECK_INT_EQ(send_to("127.0.0.1", port_of(u), sent + i * DGRAM, DGRAM), 0);
    }
    SLC_CHECK_INT_EQ(read_all(u, back, sizeof(back)), 0);
    SLC_CHECK(memcmp(sent, back, sizeof(back)) == 0);
    slc_seg_udp_get_stats(u, &st);
    SLC_CHECK_INT_EQ(st.datagrams, N);
    SLC_CHECK_INT_EQ(st.bytes, sizeof(back));
    /* a full batch of SLOTS, then the 8 left, read at once (a full batch means more) */
    SLC_CHECK_INT_EQ(st.batches, 2);
    SLC_CHECK_INT_EQ(st.truncated, 0);
    slc_seg_udp_free(&u);
    SLC_CHECK(u == NULL);
    slc_seg_udp_free(&u); /* NULL-safe */
}

/* A datagram longer than pkt_size is cut, counted, and the stream goes on. */
static void test_truncation(void)
{
    uint8_t big[DGRAM], small[300], back[500 + 300];
    struct slc_seg_udp *u = NULL;
    struct slc_seg_udp_stats st;

    if (!SLC_CHECK_INT_EQ(slc_seg_udp_open("udp://127.0.0.1:0?pkt_size=500", NULL, NULL, &u), 0)) {
        return;
    }
    fill(big, sizeof(big), 1);
    fill(small, sizeof(small), 2);
    send_to("127.0.0.1", port_of(u), big, sizeof(big));
    send_to("127.0.0.1", port_of(u), small, sizeof(small));
    SLC_CHECK_INT_EQ(read_all(u, back, sizeof(back)), 0);
    SLC_CHECK(memcmp(back, big, 500) == 0);
    SLC_CHECK(memcmp(back + 500, small, sizeof(small)) == 0);
    slc_seg_udp_get_stats(u, &st);
    SLC_CHECK_INT_EQ(st.truncated, 1);
    SLC_CHECK_INT_EQ(st.datagrams, 2);
    slc_seg_udp_free(&u);
}

static void test_options(void)
{
    struct slc_seg_udp *u = NULL;
    struct slc_seg_udp_stats st;
    AVDictionary *d = NULL;

    SLC_CHECK_INT_EQ(slc_seg_udp_open("udp://127.0.0.1:0?fifo_size=0&buffer_size=65536&"
                                      "overrun_nonfatal=1&reuse=1",
                                      NULL, NULL, &u),
                     0);
    if (u) {
        slc_seg_udp_get_stats(u, &st);
        SLC_CHECK(st.rcvbuf >= 65536); /* Linux reports twice what was asked */
        slc_seg_udp_free(&u);
    }
    /* what only libavformat's protocol does: the caller falls back to it */
    SLC_CHECK_INT_EQ(slc_seg_udp_open("udp://127.0.0.1:0?timeout=1000000", NULL, NULL, &u),
                     SLC_EUNSUPPORTED);
    SLC_CHECK_INT_EQ(slc_seg_udp_open("udp://127.0.0.1:0?fifo_size=1000", NULL, NULL, &u),
                     SLC_EUNSUPPORTED);
    SLC_CHECK_INT_EQ(slc_seg_udp_open("udp://239.1.1.1:0?sources=10.0.0.1", NULL, NULL, &u),
                     SLC_EUNSUPPORTED);
    SLC_CHECK(u == NULL);
    SLC_CHECK_INT_EQ(slc_seg_udp_open("udp://127.0.0.1:0?pkt_size=abc", NULL, NULL, &u),
                     SLC_EINVAL);
    /* --input-option values: udp protocol keys count, demuxer keys are not ours */
    av_dict_set(&d, "scan_all_pmts", "1", 0);
    av_dict_set(&d, "buffer_size", "131072", 0);
    SLC_CHECK_INT_EQ(slc_seg_udp_open("udp://127.0.0.1:0", d, NULL, &u), 0);
    slc_seg_udp_free(&u);
    av_dict_set(&d, "ttl", "4", 0);
    SLC_CHECK_INT_EQ(slc_seg_udp_open("udp://127.0.0.1:0", d, NULL, &u), SLC_EUNSUPPORTED);
    av_dict_free(&d);
    /* a port someone else holds */
    SLC_CHECK_INT_EQ(slc_seg_udp_open("udp://127.0.0.1:0", NULL, NULL, &u), 0);
    if (u) {
        char url[64];
        struct slc_seg_udp *u2 = NULL;
        snprintf(url, sizeof(url), "udp://127.0.0.1:%d", port_of(u));
        SLC_CHECK(slc_seg_udp_open(url, NULL, NULL, &u2) < 0);
        SLC_CHECK(u2 == NULL);
        slc_seg_udp_free(&u);
    }
}

struct stopper {
    atomic_int stop;
    atomic_int calls;
    int after_calls; /* > 0: interrupt after this many checks (a deadline, without a clock) */
};

static int interrupt(void *opaque)
{
    struct stopper *s = opaque;
    int n = atomic_fetch_add(&s->calls, 1) + 1;

    return atomic_load(&s->stop) || (s->after_calls > 0 && n >= s->after_calls);
}

/* A silent socket: the read checks it at a few batch instants, then waits in poll slices,
 * asking the callback, until it fires. */
static void test_timeout(void)
{
    struct stopper s = {.after_calls = 20};
    AVIOInterruptCB cb = {interrupt, &s};
    struct slc_seg_udp *u = NULL;
    struct slc_seg_udp_stats st;
    uint8_t buf[64];

    if (!SLC_CHECK_INT_EQ(slc_seg_udp_open("udp://127.0.0.1:0", NULL, &cb, &u), 0)) {
        return;
    }
    SLC_CHECK_INT_EQ(slc_seg_udp_read(u, buf, sizeof(buf)), AVERROR_EXIT);
    slc_seg_udp_get_stats(u, &st);
    SLC_CHECK(st.polls >= 2);
    SLC_CHECK_INT_EQ(st.datagrams, 0);
    slc_seg_udp_free(&u);
}

static void *stop_later(void *arg)
{
    struct stopper *s = arg;
    struct timespec ts = {0, 200 * 1000 * 1000};

    nanosleep(&ts, NULL);
    atomic_store(&s->stop, 1);
    return NULL;
}

/* Shutdown: a read blocked on a silent socket returns once another thread asks it to stop. */
static void test_stop(void)
{
    struct stopper s = {0};
    AVIOInterruptCB cb = {interrupt, &s};
    struct slc_seg_udp *u = NULL;
    pthread_t th;
    uint8_t buf[64];

    if (!SLC_CHECK_INT_EQ(slc_seg_udp_open("udp://127.0.0.1:0", NULL, &cb, &u), 0)) {
        return;
    }
    pthread_create(&th, NULL, stop_later, &s);
    SLC_CHECK_INT_EQ(slc_seg_udp_read(u, buf, sizeof(buf)), AVERROR_EXIT);
    pthread_join(th, NULL);
    SLC_CHECK(atomic_load(&s.stop) == 1);
    slc_seg_udp_free(&u);
}

/* Multicast: the group is joined (skipped where the host has no multicast route). */
static void test_multicast(void)
{
    struct slc_seg_udp *u = NULL;
    uint8_t sent[DGRAM], back[DGRAM];
    int ret = slc_seg_udp_open("udp://239.255.42.42:0", NULL, NULL, &u);

    if (ret < 0) {
        printf("# skip multicast: cannot join here (%s)\n", slc_strerror(ret));
        return;
    }
    fill(sent, sizeof(sent), 9);
    if (send_to("239.255.42.42", port_of(u), sent, sizeof(sent)) < 0) {
        printf("# skip multicast: cannot send to the group here\n");
        slc_seg_udp_free(&u);
        return;
    }
    SLC_CHECK_INT_EQ(read_all(u, back, sizeof(back)), 0);
    SLC_CHECK(memcmp(sent, back, sizeof(back)) == 0);
    slc_seg_udp_free(&u);
}

/* ---- live sources over udp:// (need input.ts) ---- */

struct sender {
    const char *path;
    int port;
    atomic_int stop;
};

/* Loop the file as 1316-byte datagrams, about 10 MB/s (paced so no socket buffer overflows). */
static void *send_file(void *arg)
{
    struct sender *s = arg;
    uint8_t buf[DGRAM];
    struct timespec ms = {0, 1000 * 1000};

    while (!atomic_load(&s->stop)) {
        FILE *f = fopen(s->path, "rb");
        size_t n;
        int i = 0;
        if (!f) {
            return NULL;
        }
        while (!atomic_load(&s->stop) && (n = fread(buf, 1, sizeof(buf), f)) > 0) {
            send_to("127.0.0.1", s->port, buf, n);
            if (++i % 8 == 0) {
                nanosleep(&ms, NULL);
            }
        }
        fclose(f);
    }
    return NULL;
}

static int free_udp_port(void)
{
    struct sockaddr_in a = {.sin_family = AF_INET};
    socklen_t len = sizeof(a);
    int fd = socket(AF_INET, SOCK_DGRAM, 0), port;

    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, (struct sockaddr *)&a, sizeof(a));
    getsockname(fd, (struct sockaddr *)&a, &len);
    port = ntohs(a.sin_port);
    close(fd);
    return port;
}

/* Open a live source on udp://127.0.0.1:PORT`query` fed with input.ts; `own` says whether our
 * reader (1) or libavformat's protocol (0) must be the one reading. */
static void live_source_case(const char *media, const char *query, int own)
{
    struct slc_seg_config c;
    struct slc_seg_source src = {0};
    struct sender s = {0};
    char path[1024], url[256];
    pthread_t th;
    AVPacket *pkt = av_packet_alloc();
    int ret, n = 0;

    snprintf(path, sizeof(path), "%s/input.ts", media);
    s.path = path;
    s.port = free_udp_port();
    snprintf(url, sizeof(url), "udp://127.0.0.1:%d%s", s.port, query);
    slc_seg_config_init(&c);
    c.live = 1;
    c.io_timeout = 10;
    pthread_create(&th, NULL, send_file, &s);
    ret = slc_seg_source_open(&src, url, &c);
    SLC_CHECK_INT_EQ(ret, 0);
    if (ret == 0) {
        SLC_CHECK_INT_EQ(src.udp != NULL, own);
        SLC_CHECK(src.video >= 0 && src.audio >= 0);
        /* The format probe may not leave a 20 MiB seek-back buffer behind (mpegts keeps
         * probesize bytes of it, filled with fresh pages at the stream's rate). */
        SLC_CHECK(src.fmt->pb->buffer_size <= 2 * 1024 * 1024);
        while (n < 200 && slc_seg_source_read(&src, pkt) == 0) {
            av_packet_unref(pkt);
            n++;
        }
        SLC_CHECK_INT_EQ(n, 200);
        if (own) {
            struct slc_seg_udp_stats st;
            slc_seg_udp_get_stats(src.udp, &st);
            SLC_CHECK(st.datagrams > 0 && st.batches > 0 && st.batches <= st.datagrams);
        }
    }
    atomic_store(&s.stop, 1);
    pthread_join(th, NULL);
    slc_seg_source_close(&src);
    av_packet_free(&pkt);
}

int main(int argc, char **argv)
{
    slc_log_set_level(SLC_LOG_WARN);
    av_log_set_level(AV_LOG_QUIET); /* joining mid-stream: the decoder complains until a key */
    SLC_RUN(test_batching);
    SLC_RUN(test_truncation);
    SLC_RUN(test_options);
    SLC_RUN(test_timeout);
    SLC_RUN(test_stop);
    SLC_RUN(test_multicast);
    if (argc > 1) {
        live_source_case(argv[1], "", 1);
        live_source_case(argv[1], "?pkt_size=1316&fifo_size=0", 1);
        live_source_case(argv[1], "?ttl=4", 0); /* libavformat's udp protocol */
    }
    return slc_test_summary("test_source_udp");
}
