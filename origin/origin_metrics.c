/* SPDX-License-Identifier: MIT */
/* Counters for GET /metrics (Prometheus text format 0.0.4) and the access log. Counters are
 * atomics; only adding a new stream name to the table takes a lock. */
#include "origin_private.h"

#include "slc_buf.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define METRICS_MAX (1024u * 1024u)

void origin_metrics_init(struct origin_metrics *m)
{
    memset(m, 0, sizeof(*m));
    pthread_mutex_init(&m->lock, NULL);
}

void origin_metrics_deinit(struct origin_metrics *m)
{
    pthread_mutex_destroy(&m->lock);
}

/* The stream a path belongs to: "<prefix>/<first segment>" when the path goes below it. */
static int stream_name(const char *prefix, const char *relpath, char *out, size_t cap)
{
    const char *slash = strchr(relpath, '/');
    int n;

    if (!slash) {
        return -1;
    }
    n = snprintf(out, cap, "%s%s%.*s", prefix, *prefix ? "/" : "", (int)(slash - relpath), relpath);
    return n > 0 && (size_t)n < cap ? 0 : -1;
}

int origin_metrics_stream(struct origin_metrics *m, const char *prefix, const char *relpath)
{
    char name[ORIGIN_STREAM_NAME_MAX];
    size_t n;
    int idx = -2;

    if (stream_name(prefix, relpath, name, sizeof(name)) < 0) {
        return -1;
    }
    n = atomic_load_explicit(&m->nstreams, memory_order_acquire);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(m->streams[i].name, name) == 0) {
            return (int)i;
        }
    }
    pthread_mutex_lock(&m->lock);
    n = atomic_load(&m->nstreams);
    for (size_t i = 0; i < n && idx == -2; i++) {
        if (strcmp(m->streams[i].name, name) == 0) {
            idx = (int)i;
        }
    }
    if (idx == -2 && n < ORIGIN_METRIC_STREAMS_MAX) {
        snprintf(m->streams[n].name, sizeof(m->streams[n].name), "%s", name);
        atomic_store_explicit(&m->nstreams, n + 1, memory_order_release);
        idx = (int)n;
    }
    pthread_mutex_unlock(&m->lock);
    return idx;
}

void origin_metrics_request(struct origin_metrics *m, const struct origin_req *rq)
{
    unsigned code = rq->status < 600 ? rq->status : 0;

    atomic_fetch_add_explicit(&m->by_code[code], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&m->bytes_sent, rq->bytes, memory_order_relaxed);
    if (rq->stream_idx >= 0) {
        atomic_fetch_add_explicit(&m->streams[rq->stream_idx].requests, 1, memory_order_relaxed);
        atomic_fetch_add_explicit(&m->streams[rq->stream_idx].bytes, rq->bytes,
                                  memory_order_relaxed);
    } else if (rq->stream_idx == -2) {
        atomic_fetch_add_explicit(&m->other_requests, 1, memory_order_relaxed);
        atomic_fetch_add_explicit(&m->other_bytes, rq->bytes, memory_order_relaxed);
    }
}

static void render_requests(struct origin_metrics *m, struct slc_buf *b)
{
    unsigned long long by_class[6] = {0};

    slc_buf_append_str(b, "# HELP sluice_http_requests_total HTTP requests answered, by "
                          "status code.\n# TYPE sluice_http_requests_total counter\n");
    for (unsigned code = 100; code < 600; code++) {
        unsigned long long v = atomic_load(&m->by_code[code]);
        if (v) {
            by_class[code / 100] += v;
            slc_buf_printf(b, "sluice_http_requests_total{code=\"%u\"} %llu\n", code, v);
        }
    }
    slc_buf_append_str(b, "# HELP sluice_http_requests_by_class_total HTTP requests by status "
                          "class.\n# TYPE sluice_http_requests_by_class_total counter\n");
    for (unsigned k = 1; k < 6; k++) {
        slc_buf_printf(b, "sluice_http_requests_by_class_total{class=\"%uxx\"} %llu\n", k,
                       by_class[k]);
    }
    /* status 0: libmicrohttpd answered itself (414, 431) or the client left first */
    slc_buf_printf(b,
                   "# HELP sluice_http_requests_unanswered_total Requests that got no answer "
                   "from sluice (refused by libmicrohttpd, or the client left).\n"
                   "# TYPE sluice_http_requests_unanswered_total counter\n"
                   "sluice_http_requests_unanswered_total %llu\n",
                   (unsigned long long)atomic_load(&m->by_code[0]));
}

static void render_streams(struct origin_metrics *m, struct slc_buf *b)
{
    size_t n = atomic_load(&m->nstreams);

    slc_buf_append_str(b, "# HELP sluice_stream_requests_total Requests per stream directory.\n"
                          "# TYPE sluice_stream_requests_total counter\n");
    for (size_t i = 0; i < n; i++) {
        slc_buf_printf(b, "sluice_stream_requests_total{stream=\"%s\"} %llu\n", m->streams[i].name,
                       (unsigned long long)atomic_load(&m->streams[i].requests));
    }
    slc_buf_printf(b, "sluice_stream_requests_total{stream=\"_other\"} %llu\n",
                   (unsigned long long)atomic_load(&m->other_requests));
    slc_buf_append_str(b, "# HELP sluice_stream_bytes_total Body bytes sent per stream "
                          "directory.\n# TYPE sluice_stream_bytes_total counter\n");
    for (size_t i = 0; i < n; i++) {
        slc_buf_printf(b, "sluice_stream_bytes_total{stream=\"%s\"} %llu\n", m->streams[i].name,
                       (unsigned long long)atomic_load(&m->streams[i].bytes));
    }
    slc_buf_printf(b, "sluice_stream_bytes_total{stream=\"_other\"} %llu\n",
                   (unsigned long long)atomic_load(&m->other_bytes));
}

char *origin_metrics_render(struct slc_origin *o, size_t *len)
{
    struct origin_metrics *m = &o->metrics;
    struct slc_buf b;

    slc_buf_init(&b, METRICS_MAX);
    render_requests(m, &b);
    slc_buf_printf(&b,
                   "# HELP sluice_http_sent_bytes_total Body bytes sent.\n"
                   "# TYPE sluice_http_sent_bytes_total counter\n"
                   "sluice_http_sent_bytes_total %llu\n"
                   "# HELP sluice_http_open_connections Connections open now.\n"
                   "# TYPE sluice_http_open_connections gauge\n"
                   "sluice_http_open_connections %lld\n"
                   "# HELP sluice_http_connections_total Connections accepted.\n"
                   "# TYPE sluice_http_connections_total counter\n"
                   "sluice_http_connections_total %llu\n"
                   "# HELP sluice_http_streaming_responses Responses following a growing "
                   "object now.\n"
                   "# TYPE sluice_http_streaming_responses gauge\n"
                   "sluice_http_streaming_responses %lld\n",
                   (unsigned long long)atomic_load(&m->bytes_sent),
                   (long long)atomic_load(&m->open_connections),
                   (unsigned long long)atomic_load(&m->connections_total),
                   (long long)atomic_load(&m->active_streams));
    render_streams(m, &b);
    return slc_buf_detach(&b, len);
}

static void client_addr(struct MHD_Connection *c, char *out, size_t cap)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = ci ? ci->client_addr : NULL;

    snprintf(out, cap, "-");
    if (sa && sa->sa_family == AF_INET) {
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
                  (socklen_t)cap);
    } else if (sa && sa->sa_family == AF_INET6) {
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out,
                  (socklen_t)cap);
    }
}

void origin_access_log(struct slc_origin *o, struct MHD_Connection *c, const struct origin_req *rq)
{
    char line[ORIGIN_LOG_PATH_MAX + ORIGIN_LOG_QUERY_MAX + 256], when[32], who[INET6_ADDRSTRLEN];
    struct timespec ts;
    struct tm tm;
    int n;
    double ms = (double)(origin_now_ns() - rq->start_ns) / 1e6;

    if (o->access_fd < 0) {
        return;
    }
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
    client_addr(c, who, sizeof(who));
    /* one write(2) per line: lines from several threads never interleave */
    n = snprintf(line, sizeof(line), "%s.%03ldZ %s %s %s%s%s %u %llu %.3fms\n", when,
                 ts.tv_nsec / 1000000L, who, rq->method[0] ? rq->method : "-", rq->path,
                 rq->query[0] ? "?" : "", rq->query, rq->status, (unsigned long long)rq->bytes, ms);
    if (n > 0) {
        ssize_t w = write(o->access_fd, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line));
        (void)w;
    }
}
