/* SPDX-License-Identifier: MIT */
/* In-process HTTP test of growing objects: a test source mounted at /g/ hands out growing
 * objects that this program writes to while raw-socket clients read them. Checks chunked
 * transfer as bytes arrive (before the writer completes), keep-alive after a stream, many
 * concurrent readers, a writer that fails, a writer that stalls (own deadline), and a stop
 * with suspended connections. */
#include "../unit/origin/origin_test.h"
#include "slc_err.h"
#include "slc_object.h"
#include "slc_origin.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define NOBJ 4
enum { OBJ_STEP, OBJ_RACE, OBJ_FAIL, OBJ_STALL };
static const char *const names[NOBJ] = {"step.ts", "race.ts", "fail.ts", "stall.ts"};
static struct slc_object *objs[NOBJ];
static int port;

static int test_lookup(void *src, const char *relpath, struct slc_object **out)
{
    (void)src;
    for (int i = 0; i < NOBJ; i++) {
        if (objs[i] && strcmp(relpath, names[i]) == 0) {
            *out = slc_object_ref(objs[i]);
            return 0;
        }
    }
    return SLC_ENOENT;
}

static const struct slc_origin_source_ops test_ops = {"test", test_lookup, NULL, NULL, NULL};

/* ---- a minimal HTTP/1.1 client ---- */

struct client {
    int fd;
    char buf[1 << 16];
    size_t len;
};

static int client_open(struct client *c)
{
    struct sockaddr_in sa;

    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    c->len = 0;
    c->fd = socket(AF_INET, SOCK_STREAM, 0);
    return connect(c->fd, (struct sockaddr *)&sa, sizeof(sa));
}

static void client_send_req(struct client *c, const char *method, const char *path,
                            const char *extra)
{
    char req[512];
    int n = snprintf(req, sizeof(req), "%s %s HTTP/1.1\r\nHost: t\r\n%s\r\n", method, path, extra);

    CHECK_INT(send(c->fd, req, (size_t)n, MSG_NOSIGNAL), n);
}

static void client_send(struct client *c, const char *path)
{
    client_send_req(c, "GET", path, "");
}

/* Read more bytes within `ms`; 0 on EOF, -1 on timeout, else bytes read. */
static int client_fill(struct client *c, int ms)
{
    struct pollfd pfd = {c->fd, POLLIN, 0};
    ssize_t n;

    if (poll(&pfd, 1, ms) <= 0) {
        return -1;
    }
    n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, 0);
    if (n <= 0) {
        return 0;
    }
    c->len += (size_t)n;
    return (int)n;
}

static void client_consume(struct client *c, size_t n)
{
    memmove(c->buf, c->buf + n, c->len - n);
    c->len -= n;
}

/* Read the response head; returns its length (consumed) with the head copied into `head`. */
static int client_head(struct client *c, char *head, size_t cap, int ms)
{
    for (;;) {
        char *end = memmem(c->buf, c->len, "\r\n\r\n", 4);
        if (end) {
            size_t n = (size_t)(end - c->buf) + 4;
            snprintf(head, cap, "%.*s", (int)n, c->buf);
            client_consume(c, n);
            return (int)n;
        }
        if (client_fill(c, ms) <= 0) {
            return -1;
        }
    }
}

/* Read one chunk of a chunked body into out; returns its size (0: last chunk), -1 on a
 * timeout, -2 when the connection closed first. */
static long client_chunk(struct client *c, char *out, size_t cap, int ms)
{
    for (;;) {
        char *eol = memmem(c->buf, c->len, "\r\n", 2);
        if (eol) {
            long size = strtol(c->buf, NULL, 16);
            size_t need = (size_t)(eol - c->buf) + 2 + (size_t)size + 2;
            if (c->len >= need) {
                if ((size_t)size <= cap) {
                    memcpy(out, eol + 2, (size_t)size);
                }
                client_consume(c, need);
                return size;
            }
        }
        int r = client_fill(c, ms);
        if (r <= 0) {
            return r == 0 ? -2 : -1;
        }
    }
}

static void client_close(struct client *c)
{
    close(c->fd);
}

static void fill_pattern(char *p, size_t n, size_t off)
{
    for (size_t i = 0; i < n; i++) {
        p[i] = (char)('a' + (off + i) % 26);
    }
}

/* Bytes reach the client as they are appended, before the object completes; then the
 * connection stays alive for a second request that sees the completed object. */
static void test_step(void)
{
    struct client c;
    char head[2048], chunk[8192], data[1000];
    size_t total = 0;

    CHECK_INT(slc_object_new_growing(0, &objs[OBJ_STEP]), 0);
    CHECK_INT(client_open(&c), 0);
    client_send(&c, "/g/step.ts");
    CHECK(client_head(&c, head, sizeof(head), 2000) > 0);
    CHECK(strstr(head, "HTTP/1.1 200") == head);
    CHECK(strstr(head, "Transfer-Encoding: chunked") != NULL);
    CHECK(strstr(head, "Content-Type: video/mp2t") != NULL);
    CHECK(strstr(head, "Access-Control-Allow-Origin: *") != NULL);
    for (int i = 0; i < 5; i++) {
        size_t got = 0;
        fill_pattern(data, sizeof(data), total);
        CHECK_INT(slc_object_append(objs[OBJ_STEP], data, sizeof(data)), 0);
        /* the object is not complete, yet the bytes arrive */
        while (got < sizeof(data)) {
            long n = client_chunk(&c, chunk + got, sizeof(chunk) - got, 2000);
            CHECK(n > 0);
            if (n <= 0) {
                break;
            }
            got += (size_t)n;
        }
        CHECK_INT(got, sizeof(data));
        CHECK(memcmp(chunk, data, sizeof(data)) == 0);
        total += got;
    }
    CHECK_INT(client_chunk(&c, chunk, sizeof(chunk), 200), -1); /* nothing more yet */
    CHECK_INT(slc_object_complete(objs[OBJ_STEP]), 0);
    CHECK_INT(client_chunk(&c, chunk, sizeof(chunk), 2000), 0); /* the last chunk */
    /* keep-alive: the same connection serves the completed object with a length */
    client_send(&c, "/g/step.ts");
    CHECK(client_head(&c, head, sizeof(head), 2000) > 0);
    CHECK(strstr(head, "HTTP/1.1 200") == head);
    CHECK(strstr(head, "Content-Length: 5000") != NULL);
    CHECK(strstr(head, "ETag: \"") != NULL);
    CHECK(c.len <= 5000);
    while (c.len < 5000 && client_fill(&c, 2000) > 0) {
    }
    client_consume(&c, 5000);
    /* and ranges of it */
    client_send_req(&c, "GET", "/g/step.ts", "Range: bytes=10-19\r\n");
    CHECK(client_head(&c, head, sizeof(head), 2000) > 0);
    CHECK(strstr(head, "HTTP/1.1 206") == head);
    CHECK(strstr(head, "Content-Range: bytes 10-19/5000") != NULL);
    while (c.len < 10 && client_fill(&c, 2000) > 0) {
    }
    CHECK(c.len == 10 && memcmp(c.buf, "klmnopqrst", 10) == 0);
    client_close(&c);
}

/* HEAD of an object still growing: headers only, then the server closes (no length). */
static void test_head(void)
{
    struct client c;
    char head[2048];
    struct slc_object *saved = objs[OBJ_STEP], *fresh = NULL;

    CHECK_INT(slc_object_new_growing(0, &fresh), 0);
    CHECK_INT(slc_object_append(fresh, "abc", 3), 0);
    objs[OBJ_STEP] = fresh;
    CHECK_INT(client_open(&c), 0);
    client_send_req(&c, "HEAD", "/g/step.ts", "");
    CHECK(client_head(&c, head, sizeof(head), 2000) > 0);
    CHECK(strstr(head, " 200 OK") == head + 8);
    CHECK(strstr(head, "Transfer-Encoding") == NULL);
    CHECK(strstr(head, "Connection: close") != NULL); /* length unknown: no keep-alive */
    CHECK_INT(client_fill(&c, 2000), 0);              /* and no body */
    CHECK_INT(c.len, 0);
    client_close(&c);
    CHECK_INT(client_open(&c), 0);
    client_send(&c, "/g/nothere.ts");
    CHECK(client_head(&c, head, sizeof(head), 2000) > 0);
    CHECK(strstr(head, "HTTP/1.1 404") == head);
    client_close(&c);
    CHECK_INT(slc_object_complete(fresh), 0);
    objs[OBJ_STEP] = saved;
    slc_object_unref(&fresh);
}

/* ---- one writer thread, many reader connections ---- */

#define RACE_CLIENTS 16
#define RACE_BYTES (2u * 1024u * 1024u + 77u)

struct race_client {
    pthread_t th;
    int ok;
};

static void *race_client_main(void *arg)
{
    struct race_client *rc = arg;
    struct client *c = malloc(sizeof(*c));
    char head[2048];
    char *body = malloc(RACE_BYTES + 65536);
    size_t total = 0;
    long n;

    rc->ok = 0;
    if (!c || !body || client_open(c) != 0) {
        free(c);
        free(body);
        return NULL;
    }
    client_send(c, "/g/race.ts");
    if (client_head(c, head, sizeof(head), 5000) <= 0) {
        fprintf(stderr, "race client: no response head\n");
    } else {
        while ((n = client_chunk(c, body + total, RACE_BYTES + 65536 - total, 5000)) > 0) {
            total += (size_t)n;
        }
        rc->ok = n == 0 && total == RACE_BYTES;
        if (!rc->ok) {
            fprintf(stderr, "race client: got %zu bytes, then %ld\n", total, n);
        }
        for (size_t i = 0; rc->ok && i < total; i++) {
            rc->ok = body[i] == (char)('a' + i % 26);
        }
    }
    client_close(c);
    free(c);
    free(body);
    return NULL;
}

static void test_race(void)
{
    struct race_client rcs[RACE_CLIENTS];
    char *data = malloc(RACE_BYTES);
    size_t off = 0, step = 1000;
    struct timespec ts = {0, 200000};

    CHECK_INT(slc_object_new_growing(0, &objs[OBJ_RACE]), 0);
    fill_pattern(data, RACE_BYTES, 0);
    /* some bytes first: on a loaded machine the writer may not run for a while, and a client
     * waiting longer than the stall deadline is (rightly) cut off */
    CHECK_INT(slc_object_append(objs[OBJ_RACE], data, step), 0);
    off = step;
    for (int i = 0; i < RACE_CLIENTS; i++) {
        pthread_create(&rcs[i].th, NULL, race_client_main, &rcs[i]);
    }
    while (off < RACE_BYTES) {
        size_t n = step < RACE_BYTES - off ? step : RACE_BYTES - off;
        CHECK_INT(slc_object_append(objs[OBJ_RACE], data + off, n), 0);
        off += n;
        step = step * 7 % 30011 + 1;
        nanosleep(&ts, NULL);
    }
    CHECK_INT(slc_object_complete(objs[OBJ_RACE]), 0);
    for (int i = 0; i < RACE_CLIENTS; i++) {
        pthread_join(rcs[i].th, NULL);
        CHECK(rcs[i].ok);
    }
    free(data);
}

/* A writer that fails mid-way: the chunked body is cut (no last chunk). */
static void test_fail(void)
{
    struct client c;
    char head[2048], chunk[4096];

    CHECK_INT(slc_object_new_growing(0, &objs[OBJ_FAIL]), 0);
    CHECK_INT(client_open(&c), 0);
    client_send(&c, "/g/fail.ts");
    CHECK(client_head(&c, head, sizeof(head), 2000) > 0);
    CHECK_INT(slc_object_append(objs[OBJ_FAIL], "0123456789", 10), 0);
    CHECK_INT(client_chunk(&c, chunk, sizeof(chunk), 2000), 10);
    CHECK_INT(slc_object_fail(objs[OBJ_FAIL], SLC_EIO), 0);
    CHECK_INT(client_chunk(&c, chunk, sizeof(chunk), 5000), -2);
    client_close(&c);
}

/* A writer that stalls: our own deadline (stream_stall_sec = 2) ends the response. */
static void test_stall(void)
{
    struct client c;
    char head[2048], chunk[4096];
    time_t t0 = time(NULL);

    CHECK_INT(slc_object_new_growing(0, &objs[OBJ_STALL]), 0);
    CHECK_INT(client_open(&c), 0);
    client_send(&c, "/g/stall.ts");
    CHECK(client_head(&c, head, sizeof(head), 2000) > 0);
    CHECK_INT(client_chunk(&c, chunk, sizeof(chunk), 8000), -2);
    CHECK(time(NULL) - t0 <= 6);
    client_close(&c);
}

/* Stopping with a suspended connection resumes it first (libmicrohttpd would abort). */
static void test_stop(struct slc_origin **o)
{
    struct client c;
    char head[2048], chunk[4096];
    struct slc_object *fresh = NULL;

    CHECK_INT(slc_object_new_growing(0, &fresh), 0);
    slc_object_unref(&objs[OBJ_STALL]);
    objs[OBJ_STALL] = fresh;
    CHECK_INT(client_open(&c), 0);
    client_send(&c, "/g/stall.ts");
    CHECK(client_head(&c, head, sizeof(head), 2000) > 0);
    slc_origin_stop(*o, 300);
    {
        long r = client_chunk(&c, chunk, sizeof(chunk), 5000);
        CHECK_INT(r, -2);
    }
    client_close(&c);
    slc_origin_free(o);
}

int main(void)
{
    struct slc_origin_config cfg;
    struct slc_origin *o = NULL;

    signal(SIGPIPE, SIG_IGN);
    slc_origin_config_init(&cfg);
    cfg.listen = "127.0.0.1:0";
    cfg.threads = 2;
    cfg.stream_stall_sec = 2;
    CHECK_INT(slc_origin_new(&cfg, &o), 0);
    CHECK_INT(slc_origin_mount(o, "g", &test_ops, NULL), 0);
    CHECK_INT(slc_origin_start(o), 0);
    port = slc_origin_port(o);
    CHECK(port > 0);
    test_step();
    test_head();
    test_race();
    test_fail();
    test_stall();
    test_stop(&o);
    for (int i = 0; i < NOBJ; i++) {
        slc_object_unref(&objs[i]);
    }
    return test_done();
}
