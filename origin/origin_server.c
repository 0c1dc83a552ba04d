/* SPDX-License-Identifier: MIT */
/* The libmicrohttpd daemon: configuration, lifecycle, the per-request callbacks and the
 * routing of a normalised path to a built-in page or a mounted source. */
#include "origin_private.h"

#include "origin_policy.h"
#include "slc_err.h"
#include "slc_log.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_LISTEN "127.0.0.1:8080"
/* Per-connection memory: bounds the request line and headers (MHD answers 414/431 beyond
 * about half of it) and the write buffer of chunked streams. */
#define CONNECTION_MEMORY (32u * 1024u)
#define LISTEN_BACKLOG 4096u

int64_t origin_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void slc_origin_config_init(struct slc_origin_config *c)
{
    memset(c, 0, sizeof(*c));
    c->listen = DEFAULT_LISTEN;
    c->max_connections = 20000;
    c->per_ip_limit = 1000;
    c->timeout_sec = 30;
}

static int open_access_log(const char *spec, int *fd)
{
    *fd = -1;
    if (!spec || strcmp(spec, "off") == 0 || spec[0] == '\0') {
        return 0;
    }
    if (strcmp(spec, "-") == 0) {
        *fd = STDERR_FILENO;
        return 0;
    }
    *fd = open(spec, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (*fd < 0) {
        int err = slc_err_from_errno(errno);
        slc_log_error("origin: open failed '%s': %s", spec, strerror(errno));
        return err;
    }
    return 0;
}

/* hls.js for the player page is served from the player directory at /_player/. */
static int mount_player(struct slc_origin *o)
{
    struct stat st;
    const char *dir = o->cfg.player_dir;

    if (!dir) {
        return 0;
    }
    if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
        slc_log_warn("origin: no player directory '%s': the player page will lack hls.js "
                     "(run 'npm ci' at the repository root, or pass --player-dir)",
                     dir);
        return 0;
    }
    return slc_origin_mount_root(o, "_player", dir);
}

int slc_origin_new(const struct slc_origin_config *c, struct slc_origin **out)
{
    struct slc_origin *o = calloc(1, sizeof(*o));
    int ret;

    *out = NULL;
    if (!o) {
        return SLC_ENOMEM;
    }
    o->cfg = *c;
    if (!o->cfg.listen) {
        o->cfg.listen = DEFAULT_LISTEN;
    }
    origin_metrics_init(&o->metrics);
    pthread_mutex_init(&o->streams_lock, NULL);
    pthread_cond_init(&o->streams_cond, NULL);
    ret = open_access_log(c->access_log, &o->access_fd);
    if (ret == 0) {
        ret = origin_cache_new(&o->cache);
    }
    if (ret == 0) {
        ret = mount_player(o);
    }
    if (ret < 0) {
        slc_origin_free(&o);
        return ret;
    }
    *out = o;
    return 0;
}

/* A prefix must be a normalised path itself: "live", "a/b"; "" for the root. */
static int prefix_valid(const char *prefix)
{
    char in[SLC_ORIGIN_PREFIX_MAX + 2], out[SLC_ORIGIN_PREFIX_MAX + 2];
    size_t n = strlen(prefix);

    if (n == 0) {
        return 1;
    }
    if (n >= SLC_ORIGIN_PREFIX_MAX) {
        return 0;
    }
    in[0] = '/';
    memcpy(in + 1, prefix, n + 1);
    return slc_origin_path_normalize(in, n + 1, out, sizeof(out)) == (int)n &&
           strcmp(out, prefix) == 0;
}

int slc_origin_mount(struct slc_origin *o, const char *prefix,
                     const struct slc_origin_source_ops *ops, void *src)
{
    struct origin_mount *m;
    int ret = 0;

    if (!prefix_valid(prefix) || o->daemon) {
        ret = SLC_EINVAL;
    }
    for (size_t i = 0; ret == 0 && i < o->nmounts; i++) {
        if (strcmp(o->mounts[i].prefix, prefix) == 0) {
            ret = SLC_EINVAL;
        }
    }
    if (ret == 0 && o->nmounts >= SLC_ORIGIN_MAX_MOUNTS) {
        ret = SLC_ELIMIT;
    }
    if (ret < 0) {
        slc_log_error("origin: mount failed '/%s': %s", prefix, slc_strerror(ret));
        if (ops->destroy) {
            ops->destroy(src);
        }
        return ret;
    }
    m = &o->mounts[o->nmounts++];
    snprintf(m->prefix, sizeof(m->prefix), "%s", prefix);
    m->plen = strlen(prefix);
    m->ops = ops;
    m->src = src;
    return 0;
}

/* The mount whose prefix is the longest whole-segment prefix of `path`; *rel gets the rest. */
static const struct origin_mount *find_mount(const struct slc_origin *o, const char *path,
                                             const char **rel)
{
    const struct origin_mount *best = NULL;

    for (size_t i = 0; i < o->nmounts; i++) {
        const struct origin_mount *m = &o->mounts[i];
        if (m->plen == 0 || (strncmp(path, m->prefix, m->plen) == 0 &&
                             (path[m->plen] == '\0' || path[m->plen] == '/'))) {
            if (!best || m->plen > best->plen) {
                best = m;
            }
        }
    }
    if (best) {
        *rel = path + best->plen + (best->plen && path[best->plen] == '/' ? 1 : 0);
    }
    return best;
}

static enum MHD_Result route(struct origin_req *rq, struct MHD_Connection *c, const char *path)
{
    const struct origin_mount *m;
    const char *rel = NULL;
    struct slc_object *obj = NULL;
    enum MHD_Result r;
    int ret;

    if (origin_builtin(rq, c, path, &r)) {
        return r;
    }
    m = find_mount(rq->origin, path, &rel);
    if (!m) {
        return origin_respond_error(rq, c, slc_origin_http_status(SLC_ENOENT));
    }
    rq->stream_idx = origin_metrics_stream(&rq->origin->metrics, m->prefix, rel);
    if (origin_block_route(rq, c, m, rel, &r)) {
        return r;
    }
    ret = m->ops->lookup(m->src, rel, &obj);
    if (ret < 0) {
        return origin_respond_error(rq, c, slc_origin_http_status(ret));
    }
    r = origin_respond_object(rq, c, path, obj);
    slc_object_unref(&obj);
    return r;
}

/* RFC 9112 3.2.2: a server must accept the absolute form "http://host/path". */
static const char *strip_absolute_form(const char *url)
{
    const char *p = NULL;

    if (strncasecmp(url, "http://", 7) == 0) {
        p = url + 7;
    } else if (strncasecmp(url, "https://", 8) == 0) {
        p = url + 8;
    }
    if (!p) {
        return url;
    }
    p = strchr(p, '/');
    return p ? p : "/";
}

static enum MHD_Result dispatch(struct origin_req *rq, struct MHD_Connection *c, const char *url,
                                const char *method)
{
    char path[SLC_ORIGIN_PATH_MAX + 1];
    size_t ulen;
    int n;

    if (strcmp(method, MHD_HTTP_METHOD_OPTIONS) == 0) {
        return origin_respond_options(rq, c);
    }
    if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0) {
        return origin_respond_405(rq, c);
    }
    if (rq->raw_nul) {
        return origin_respond_error(rq, c, slc_origin_http_status(SLC_EINVAL));
    }
    url = strip_absolute_form(url);
    ulen = strlen(url);
    n = slc_origin_path_normalize(url, ulen, path, sizeof(path));
    if (n < 0) {
        return origin_respond_error(rq, c, slc_origin_http_status(n));
    }
    if (n > 0 && url[ulen - 1] == '/') {
        return origin_respond_error(rq, c, slc_origin_http_status(SLC_ENOENT)); /* no listings */
    }
    return route(rq, c, path);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    struct origin_req *rq = *con_cls;

    (void)cls;
    (void)version;
    (void)upload_data;
    if (!rq) {
        return MHD_NO; /* the URI log callback could not allocate: close */
    }
    if (!rq->seen) {
        /* libmicrohttpd 0.9.75 closes the connection after a response queued on the first
         * call: answer on the second one to keep the connection alive. */
        rq->seen = 1;
        snprintf(rq->method, sizeof(rq->method), "%s", method);
        return MHD_YES;
    }
    if (*upload_data_size) {
        *upload_data_size = 0; /* we take no bodies: discard, answer at the end */
        return MHD_YES;
    }
    return dispatch(rq, c, url, method);
}

/* Does the raw (still encoded) path hold "%00"? Decoding turns it into a NUL that would cut
 * the path short ("/a.ts%00.html" -> "/a.ts"): such requests are refused. */
static int raw_has_nul(const char *uri)
{
    for (const char *p = uri; *p && *p != '?'; p++) {
        if (p[0] == '%' && p[1] == '0' && p[2] == '0') {
            return 1;
        }
    }
    return 0;
}

/* Copy `src` up to `stop` (or its end) for the access log, truncated to `cap`: the log must
 * not carry terminal escapes or fake line breaks, so control bytes and spaces become '?'. */
static void log_copy(char *dst, size_t cap, const char *src, char stop)
{
    size_t i = 0;

    for (; src[i] && src[i] != stop && i < cap - 1; i++) {
        unsigned char ch = (unsigned char)src[i];
        dst[i] = ch < 0x21 || ch == 0x7f ? '?' : (char)ch;
    }
    dst[i] = '\0';
}

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
    struct slc_origin *o = cls;
    struct origin_req *rq = malloc(sizeof(*rq));
    const char *q;

    (void)c;
    if (!rq) {
        return NULL;
    }
    rq->origin = o;
    rq->start_ns = origin_now_ns();
    rq->seen = 0;
    rq->raw_nul = raw_has_nul(uri);
    rq->status = 0;
    rq->bytes = 0;
    rq->stream_idx = -1;
    rq->method[0] = '\0';
    rq->blk = NULL;
    log_copy(rq->path, sizeof(rq->path), uri, '?');
    q = strchr(uri, '?');
    log_copy(rq->query, sizeof(rq->query), q ? q + 1 : "", '\0');
    atomic_fetch_add(&o->in_flight, 1);
    return rq;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct slc_origin *o = cls;
    struct origin_req *rq = *con_cls;

    (void)toe;
    if (!rq) {
        return;
    }
    origin_block_free(&rq->blk);
    origin_metrics_request(&o->metrics, rq);
    origin_access_log(o, c, rq);
    atomic_fetch_sub(&o->in_flight, 1);
    free(rq);
    *con_cls = NULL;
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
    struct slc_origin *o = cls;

    (void)c;
    (void)socket_context;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        atomic_fetch_add(&o->metrics.open_connections, 1);
        atomic_fetch_add(&o->metrics.connections_total, 1);
    } else {
        atomic_fetch_sub(&o->metrics.open_connections, 1);
    }
}

__attribute__((format(printf, 2, 0))) static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    char line[512];
    size_t n;

    (void)cls;
    vsnprintf(line, sizeof(line), fmt, ap);
    n = strlen(line);
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) {
        line[--n] = '\0';
    }
    slc_log_warn("origin: libmicrohttpd: %s", line);
}

/* Split "ADDR:PORT" / "[V6]:PORT" and resolve it into `ss`. */
static int parse_listen(const char *spec, struct sockaddr_storage *ss, socklen_t *sslen)
{
    char host[256];
    const char *port, *end;
    struct addrinfo hints, *ai = NULL;
    size_t hl;

    if (spec[0] == '[') {
        end = strchr(spec, ']');
        port = end && end[1] == ':' ? end + 2 : NULL;
        spec++;
    } else {
        end = strrchr(spec, ':');
        port = end ? end + 1 : NULL;
    }
    if (!port || !*port || (size_t)(end - spec) >= sizeof(host)) {
        return SLC_EINVAL;
    }
    hl = (size_t)(end - spec);
    memcpy(host, spec, hl);
    host[hl] = '\0';
    memset(&hints, 0, sizeof(hints));
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV | AI_PASSIVE;
    if (getaddrinfo(hl ? host : NULL, port, &hints, &ai) != 0 || !ai) {
        return SLC_EINVAL;
    }
    memcpy(ss, ai->ai_addr, ai->ai_addrlen);
    *sslen = ai->ai_addrlen;
    freeaddrinfo(ai);
    return 0;
}

static unsigned pool_size(const struct slc_origin *o)
{
    long n = o->cfg.threads > 0 ? o->cfg.threads : sysconf(_SC_NPROCESSORS_ONLN);

    return n > 1 ? (unsigned)n : 1;
}

/* libmicrohttpd 0.9.75 uses sendfile() only when told that SIGPIPE cannot kill the process
 * (sendfile has no MSG_NOSIGNAL); otherwise it copies files through its buffers. */
static unsigned sigpipe_ignored(void)
{
    struct sigaction sa;

    if (sigaction(SIGPIPE, NULL, &sa) == 0 && sa.sa_handler != SIG_DFL) {
        return 1;
    }
    slc_log_warn("origin: SIGPIPE is not ignored: files are copied instead of sent with "
                 "sendfile (ignore SIGPIPE before slc_origin_start)");
    return 0;
}

/* No MHD_USE_TURBO: with it, libmicrohttpd 0.9.75 (epoll, thread pool) now and then loses a
 * MHD_resume_connection made while the connection is being processed, and a streaming
 * response hangs (tests/http/test_growing.c caught 2 in 15 runs; 0 in 45 without it). */
static struct MHD_Daemon *start_daemon(struct slc_origin *o, struct sockaddr_storage *ss)
{
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
                     MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
    unsigned threads = pool_size(o);
    unsigned per_ip = o->cfg.per_ip_limit > 0 ? (unsigned)o->cfg.per_ip_limit : 0;
    struct MHD_OptionItem pool[] = {
        {threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END, threads, NULL},
        {MHD_OPTION_END, 0, NULL},
    };

    if (ss->ss_family == AF_INET6) {
        flags |= MHD_USE_IPv6;
    }
    /* the logger goes first so that every message of the start goes through it */
    return MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, o, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, o,
        MHD_OPTION_SOCK_ADDR, ss, MHD_OPTION_CONNECTION_LIMIT, (unsigned)o->cfg.max_connections,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_ip, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)o->cfg.timeout_sec, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONNECTION_MEMORY,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, LISTEN_BACKLOG, MHD_OPTION_URI_LOG_CALLBACK, on_uri, o,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, o, MHD_OPTION_NOTIFY_CONNECTION, on_connection,
        o, MHD_OPTION_SIGPIPE_HANDLED_BY_APP, sigpipe_ignored(), MHD_OPTION_ARRAY, pool,
        MHD_OPTION_END);
}

int slc_origin_start(struct slc_origin *o)
{
    struct sockaddr_storage ss;
    socklen_t sslen = 0;
    const union MHD_DaemonInfo *info;

    if (o->daemon || o->stopped) {
        return SLC_EINVAL;
    }
    memset(&ss, 0, sizeof(ss));
    if (parse_listen(o->cfg.listen, &ss, &sslen) < 0) {
        slc_log_error("origin: bad listen address '%s' (want ADDR:PORT or [V6ADDR]:PORT)",
                      o->cfg.listen);
        return SLC_EINVAL;
    }
    if (origin_streams_start(o) < 0) {
        return SLC_ENOMEM;
    }
    o->daemon = start_daemon(o, &ss);
    if (!o->daemon) {
        slc_log_error("origin: MHD_start_daemon failed '%s': cannot listen there", o->cfg.listen);
        origin_streams_abort_all(o);
        return SLC_EIO;
    }
    info = MHD_get_daemon_info(o->daemon, MHD_DAEMON_INFO_BIND_PORT);
    o->port = info ? (int)info->port : 0;
    return 0;
}

int slc_origin_port(const struct slc_origin *o)
{
    return o->port;
}

void slc_origin_stop(struct slc_origin *o, int grace_ms)
{
    MHD_socket ls;
    int64_t deadline = origin_now_ns() + (int64_t)grace_ms * 1000000LL;

    if (!o->daemon) {
        return;
    }
    atomic_store(&o->stopping, 1);
    ls = MHD_quiesce_daemon(o->daemon);
    /* in-flight responses finish (bounded); idle keep-alive connections just close */
    while (atomic_load(&o->in_flight) > 0 && origin_now_ns() < deadline) {
        struct timespec ts = {0, 10 * 1000000L};
        nanosleep(&ts, NULL);
    }
    origin_streams_abort_all(o);
    MHD_stop_daemon(o->daemon);
    o->daemon = NULL;
    o->stopped = 1;
    if (ls != MHD_INVALID_SOCKET) {
        close(ls);
    }
}

void slc_origin_free(struct slc_origin **pp)
{
    struct slc_origin *o = *pp;

    if (!o) {
        return;
    }
    *pp = NULL;
    slc_origin_stop(o, 0);
    for (size_t i = 0; i < o->nmounts; i++) {
        if (o->mounts[i].ops->destroy) {
            o->mounts[i].ops->destroy(o->mounts[i].src);
        }
    }
    origin_cache_free(&o->cache);
    if (o->access_fd > STDERR_FILENO) {
        close(o->access_fd);
    }
    origin_metrics_deinit(&o->metrics);
    pthread_cond_destroy(&o->streams_cond);
    pthread_mutex_destroy(&o->streams_lock);
    free(o);
}
