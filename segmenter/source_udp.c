/* SPDX-License-Identifier: MIT */
/* udp:// live input read with recvmmsg(2): one wake-up and one system call per batch of
 * datagrams (libavformat's udp protocol makes a poll and a recvfrom per 1316-byte datagram).
 * Socket setup mirrors libavformat's for the options it supports; anything else is left to
 * libavformat (SLC_EUNSUPPORTED). Knows nothing of the demuxer behind the AVIOContext. */
/* recvmmsg: _GNU_SOURCE comes from CMake */
#include "seg_source_udp.h"

#include "seg_ts_watch.h"

#include "slc_err.h"
#include "slc_log.h"

#include <libavformat/avformat.h>
#include <libavutil/opt.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* A silent socket is polled in slices this long, so that stop and the I/O deadline are seen. */
#define POLL_SLICE_MS 100
/* Batch instants in a row that found the socket empty before it is waited on with poll(2). */
#define SILENT_BATCHES 5
#define PKT_MIN 188
#define PKT_MAX 65507
#define QUERY_CAP 1024

struct udp_opts {
    int buffer_size; /* SO_RCVBUF; 0: the kernel's default */
    int pkt_size;    /* slot size: longest datagram kept whole */
    char localaddr[256];
    int reuse; /* SO_REUSEADDR: 1, 0, or -1 (unset: on for multicast) */
};

struct slc_seg_udp {
    int fd;
    AVIOInterruptCB cb;
    int slot;              /* bytes per datagram slot */
    uint8_t *buf;          /* SLC_SEG_UDP_SLOTS slots of `slot` bytes */
    int nmsg, cur;         /* datagrams in the current batch; the one being read */
    size_t off, left;      /* read offset in datagram `cur`; unread bytes of the batch */
    int64_t next_batch_us; /* monotonic clock (us) before which no batch is collected */
    int empty;             /* batch instants in a row that found the socket empty */
    int warned_trunc;
    struct slc_ts_watch watch; /* the input's PMT, to see a new stream layout */
    int eof_at;                /* datagram of the batch where this session ends, or -1 */
    int changed;               /* the session ended at a new stream layout */
    struct mmsghdr msgs[SLC_SEG_UDP_SLOTS];
    struct iovec iov[SLC_SEG_UDP_SLOTS];
    struct slc_seg_udp_stats st;
};

/* ---- options ---- */

static int parse_int(const char *key, const char *v, int lo, int hi, int *out)
{
    char *end = NULL;
    long x;

    errno = 0;
    x = strtol(v, &end, 10);
    if (errno || end == v || *end || x < lo || x > hi) {
        slc_log_error("segmenter: udp option %s='%s' is not a number in %d..%d", key, v, lo, hi);
        return SLC_EINVAL;
    }
    *out = (int)x;
    return 0;
}

/* libavformat reads "reuse" with no digits as "on". */
static int parse_flag(const char *v)
{
    char *end = NULL;
    long x = strtol(v, &end, 10);

    return end == v ? 1 : x != 0;
}

/* One option: 0 (applied), SLC_EUNSUPPORTED (needs libavformat's protocol), SLC_EINVAL. */
static int apply_option(struct udp_opts *o, const char *key, const char *v)
{
    int x;

    if (strcmp(key, "buffer_size") == 0) {
        return parse_int(key, v, 0, INT32_MAX, &o->buffer_size);
    }
    if (strcmp(key, "pkt_size") == 0) {
        return parse_int(key, v, PKT_MIN, PKT_MAX, &o->pkt_size);
    }
    if (strcmp(key, "localaddr") == 0) {
        if (strlen(v) >= sizeof(o->localaddr)) {
            return SLC_EINVAL;
        }
        snprintf(o->localaddr, sizeof(o->localaddr), "%s", v);
        return 0;
    }
    if (strcmp(key, "reuse") == 0 || strcmp(key, "reuse_socket") == 0) {
        o->reuse = parse_flag(v);
        return 0;
    }
    if (strcmp(key, "overrun_nonfatal") == 0) {
        return 0; /* about libavformat's FIFO, which we don't have */
    }
    if (strcmp(key, "fifo_size") == 0 && parse_int(key, v, 0, INT32_MAX, &x) == 0 && x == 0) {
        return 0;
    }
    return SLC_EUNSUPPORTED;
}

static int unsupported(const char *url, const char *key)
{
    slc_log_info("segmenter: udp option '%s' of '%s' needs libavformat's udp protocol: using it "
                 "(one system call per datagram)",
                 key, url);
    return SLC_EUNSUPPORTED;
}

/* The URL's query: "k=v&k2=v2" ("k" alone is "k="). */
static int parse_query(struct udp_opts *o, const char *url, const char *q)
{
    char copy[QUERY_CAP], *save = NULL;

    if (strlen(q) >= sizeof(copy)) {
        slc_log_error("segmenter: udp URL query too long '%s'", url);
        return SLC_EINVAL;
    }
    snprintf(copy, sizeof(copy), "%s", q);
    for (char *kv = strtok_r(copy, "&", &save); kv; kv = strtok_r(NULL, "&", &save)) {
        char *eq = strchr(kv, '=');
        int ret;
        if (eq) {
            *eq = '\0';
        }
        ret = apply_option(o, kv, eq ? eq + 1 : "");
        if (ret == SLC_EUNSUPPORTED) {
            return unsupported(url, kv);
        }
        if (ret < 0) {
            return ret;
        }
    }
    return 0;
}

/* The protocol options among the user's --input-option values (the udp protocol's AVClass
 * says which keys are its own; the rest belong to the demuxer). */
static int parse_dict(struct udp_opts *o, const char *url, const AVDictionary *opts)
{
    const AVClass *cls = avio_protocol_get_class("udp");
    const AVDictionaryEntry *e = NULL;

    while ((e = av_dict_get(opts, "", e, AV_DICT_IGNORE_SUFFIX))) {
        int ret;
        if (!cls || !av_opt_find((void *)&cls, e->key, NULL, 0, AV_OPT_SEARCH_FAKE_OBJ)) {
            continue;
        }
        ret = apply_option(o, e->key, e->value);
        if (ret == SLC_EUNSUPPORTED) {
            return unsupported(url, e->key);
        }
        if (ret < 0) {
            return ret;
        }
    }
    return 0;
}

/* ---- socket ---- */

static int resolve(const char *host, int port, int family, int passive, struct sockaddr_storage *ss,
                   socklen_t *len)
{
    struct addrinfo hints = {0}, *res = NULL;
    char serv[16];
    int ret;

    hints.ai_family = family;
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : 0);
    snprintf(serv, sizeof(serv), "%d", port);
    ret = getaddrinfo(host && host[0] ? host : NULL, serv, &hints, &res);
    if (ret != 0 || !res) {
        slc_log_debug("segmenter: udp: cannot resolve '%s': %s", host ? host : "",
                      gai_strerror(ret));
        return SLC_ENOENT;
    }
    memcpy(ss, res->ai_addr, res->ai_addrlen);
    *len = res->ai_addrlen;
    freeaddrinfo(res);
    return 0;
}

static int is_multicast(const struct sockaddr_storage *ss)
{
    if (ss->ss_family == AF_INET) {
        return IN_MULTICAST(ntohl(((const struct sockaddr_in *)ss)->sin_addr.s_addr));
    }
    if (ss->ss_family == AF_INET6) {
        return IN6_IS_ADDR_MULTICAST(&((const struct sockaddr_in6 *)ss)->sin6_addr);
    }
    return 0;
}

/* Join the group `g` on the interface of `local` (IPv4 localaddr) or the default one. */
static int join_group(int fd, const struct sockaddr_storage *g,
                      const struct sockaddr_storage *local)
{
    if (g->ss_family == AF_INET) {
        struct ip_mreq m;
        m.imr_multiaddr = ((const struct sockaddr_in *)g)->sin_addr;
        m.imr_interface.s_addr = local->ss_family == AF_INET
                                     ? ((const struct sockaddr_in *)local)->sin_addr.s_addr
                                     : htonl(INADDR_ANY);
        return setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &m, sizeof(m));
    }
    {
        struct ipv6_mreq m;
        m.ipv6mr_multiaddr = ((const struct sockaddr_in6 *)g)->sin6_addr;
        m.ipv6mr_interface = 0;
        return setsockopt(fd, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, &m, sizeof(m));
    }
}

static int sock_fail(const char *url, const char *call)
{
    int err = errno;

    slc_log_debug("segmenter: udp %s failed '%s': %s", call, url, strerror(err));
    return slc_err_from_errno(err);
}

/* Like libavformat's udp input: a multicast host is bound (falling back to the wildcard
 * address) and joined; a unicast host only picks the address family, and the socket binds
 * localaddr or the wildcard address to the port. */
static int open_socket(struct slc_seg_udp *u, const char *url, const char *host, int port,
                       const struct udp_opts *o)
{
    struct sockaddr_storage dest = {0}, local = {0};
    socklen_t dlen = 0, llen = 0;
    int mc = 0, on = 1, ret;

    if (host[0] && (ret = resolve(host, port, AF_UNSPEC, 0, &dest, &dlen)) < 0) {
        return ret;
    }
    mc = host[0] && is_multicast(&dest);
    ret = resolve(o->localaddr, port, host[0] ? dest.ss_family : AF_UNSPEC, 1, &local, &llen);
    if (ret < 0) {
        return ret;
    }
    u->fd =
        socket(mc ? dest.ss_family : local.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (u->fd < 0) {
        return sock_fail(url, "socket");
    }
    if ((o->reuse > 0 || (mc && o->reuse < 0)) &&
        setsockopt(u->fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) < 0) {
        return sock_fail(url, "setsockopt(SO_REUSEADDR)");
    }
    if (!(mc && bind(u->fd, (struct sockaddr *)&dest, dlen) == 0) &&
        bind(u->fd, (struct sockaddr *)&local, llen) < 0) {
        return sock_fail(url, "bind");
    }
    if (mc && join_group(u->fd, &dest, &local) < 0) {
        return sock_fail(url, "multicast join");
    }
    return 0;
}

/* Socket buffer and the counters that report what the kernel granted. */
static void size_socket(struct slc_seg_udp *u, const char *url, const struct udp_opts *o)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss), ilen = sizeof(u->st.rcvbuf);

    if (o->buffer_size > 0 &&
        setsockopt(u->fd, SOL_SOCKET, SO_RCVBUF, &o->buffer_size, sizeof(o->buffer_size)) < 0) {
        slc_log_debug("segmenter: udp setsockopt(SO_RCVBUF) failed '%s': %s", url, strerror(errno));
    }
    if (getsockopt(u->fd, SOL_SOCKET, SO_RCVBUF, &u->st.rcvbuf, &ilen) < 0) {
        u->st.rcvbuf = 0;
    }
    if (getsockname(u->fd, (struct sockaddr *)&ss, &len) == 0) {
        u->st.local_port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                                          : ((struct sockaddr_in *)&ss)->sin_port);
    }
}

static int alloc_slots(struct slc_seg_udp *u, int slot)
{
    u->slot = slot;
    u->buf = av_malloc((size_t)slot * SLC_SEG_UDP_SLOTS);
    if (!u->buf) {
        return SLC_ENOMEM;
    }
    for (int i = 0; i < SLC_SEG_UDP_SLOTS; i++) {
        u->iov[i].iov_base = u->buf + (size_t)i * (size_t)slot;
        u->iov[i].iov_len = (size_t)slot;
        memset(&u->msgs[i], 0, sizeof(u->msgs[i]));
        u->msgs[i].msg_hdr.msg_iov = &u->iov[i];
        u->msgs[i].msg_hdr.msg_iovlen = 1;
    }
    return 0;
}

int slc_seg_udp_open(const char *url, const AVDictionary *opts, const AVIOInterruptCB *cb,
                     struct slc_seg_udp **out)
{
    struct udp_opts o = {.pkt_size = SLC_SEG_UDP_DEFAULT_PKT, .reuse = -1};
    char host[256] = "", path[QUERY_CAP] = "";
    const char *q;
    struct slc_seg_udp *u;
    int port = -1, ret;

    *out = NULL;
    av_url_split(NULL, 0, NULL, 0, host, sizeof(host), &port, path, sizeof(path), url);
    q = strchr(path, '?');
    if ((q && (ret = parse_query(&o, url, q + 1)) < 0) || (ret = parse_dict(&o, url, opts)) < 0) {
        return ret;
    }
    if (port < 0 || port > 65535) {
        port = 0; /* no port: an ephemeral one (tests read it from the stats) */
    }
    u = av_mallocz(sizeof(*u));
    if (!u) {
        return SLC_ENOMEM;
    }
    u->fd = -1;
    u->eof_at = -1;
    slc_ts_watch_init(&u->watch);
    if (cb) {
        u->cb = *cb;
    }
    ret = alloc_slots(u, o.pkt_size);
    if (ret == 0) {
        ret = open_socket(u, url, host, port, &o);
    }
    if (ret < 0) {
        slc_seg_udp_free(&u);
        return ret;
    }
    size_socket(u, url, &o);
    slc_log_debug("segmenter: udp '%s': own reader on port %d, SO_RCVBUF %d", url, u->st.local_port,
                  u->st.rcvbuf);
    *out = u;
    return 0;
}

/* ---- reading ---- */

/* Take a batch of `n` datagrams: they are read from their slots where they lie (no copy to
 * close the gaps between them). */
static void take(struct slc_seg_udp *u, int n)
{
    size_t total = 0;

    for (int i = 0; i < n; i++) {
        if (u->msgs[i].msg_hdr.msg_flags & MSG_TRUNC) {
            u->st.truncated++;
            if (!u->warned_trunc) {
                u->warned_trunc = 1;
                slc_log_warn("segmenter: udp datagrams longer than %d bytes are cut; add "
                             "?pkt_size=N to the input URL",
                             u->slot);
            }
        }
        u->msgs[i].msg_hdr.msg_flags = 0;
        total += u->msgs[i].msg_len;
        if (u->eof_at < 0 && slc_ts_watch_feed(&u->watch, u->buf + (size_t)i * (size_t)u->slot,
                                               u->msgs[i].msg_len)) {
            u->eof_at = i; /* the demuxer reads up to here, then the session ends */
        }
    }
    u->st.datagrams += (uint64_t)n;
    u->st.batches++;
    u->nmsg = n;
    u->cur = 0;
    u->off = 0;
    u->left = total;
}

static int interrupted(const struct slc_seg_udp *u)
{
    return u->cb.callback && u->cb.callback(u->cb.opaque);
}

static int64_t mono_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* The first batch instant after `now`: instants are whole multiples of the interval on the
 * monotonic clock, shared by every channel of the process, so the channel threads wake
 * together on one timer expiry and run back to back instead of each waking an idle CPU at its
 * own moment (bench/LIVE.md: a wake-up from idle is most of the cost of a channel). */
static int64_t next_instant(int64_t now)
{
    return (now / SLC_SEG_UDP_BATCH_US + 1) * SLC_SEG_UDP_BATCH_US;
}

static void sleep_until(int64_t at_us)
{
    struct timespec ts = {.tv_sec = at_us / 1000000, .tv_nsec = (long)(at_us % 1000000) * 1000};

    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {
    }
}

/* Collect what the socket holds at each batch instant. A socket found empty SILENT_BATCHES
 * times in a row is waited on with poll(2) in slices instead (a stalled input costs no
 * wake-ups), and the next datagram is collected as soon as it comes.
 * 0 (u->left > 0), AVERROR_EXIT or AVERROR(errno). */
static int refill(struct slc_seg_udp *u)
{
    for (;;) {
        int64_t now = mono_us();
        int n;
        if (interrupted(u)) {
            return AVERROR_EXIT;
        }
        if (now < u->next_batch_us) {
            int64_t slice = now + POLL_SLICE_MS * 1000;
            sleep_until(u->next_batch_us < slice ? u->next_batch_us : slice);
            continue;
        }
        n = recvmmsg(u->fd, u->msgs, SLC_SEG_UDP_SLOTS, MSG_DONTWAIT, NULL);
        if (n > 0) {
            take(u, n);
            u->empty = 0;
            /* a full batch means more is queued: collect it at once */
            u->next_batch_us = n == SLC_SEG_UDP_SLOTS ? 0 : next_instant(now);
            if (u->left > 0) {
                return 0;
            }
            continue; /* only empty datagrams */
        }
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            int err = errno;
            slc_log_debug("segmenter: udp recvmmsg failed: %s", strerror(err));
            return AVERROR(err);
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (u->empty < SILENT_BATCHES) {
            u->empty++;
            u->next_batch_us = next_instant(now);
            continue;
        }
        {
            struct pollfd p = {.fd = u->fd, .events = POLLIN};
            u->st.polls++;
            (void)poll(&p, 1, POLL_SLICE_MS);
            u->next_batch_us = 0;
        }
    }
}

int slc_seg_udp_read(void *opaque, uint8_t *buf, int size)
{
    struct slc_seg_udp *u = opaque;
    size_t done = 0;

    if (size <= 0) {
        return AVERROR(EINVAL);
    }
    if (u->left == 0) {
        int ret = refill(u);
        if (ret < 0) {
            return ret;
        }
    }
    if (u->cur == u->eof_at) {
        /* A PMT with other streams: the encoder restarted with another layout. This demuxer
         * ends here; the datagrams from this one on are the next session's. */
        u->eof_at = -1;
        u->changed = 1;
        return AVERROR_EOF;
    }
    while (done < (size_t)size && u->left > 0 && u->cur != u->eof_at) {
        size_t have = u->msgs[u->cur].msg_len - u->off;
        size_t k = have < (size_t)size - done ? have : (size_t)size - done;
        memcpy(buf + done, u->buf + (size_t)u->cur * (size_t)u->slot + u->off, k);
        done += k;
        u->off += k;
        u->left -= k;
        if (u->off == u->msgs[u->cur].msg_len) {
            u->cur++;
            u->off = 0;
        }
    }
    u->st.bytes += done;
    return (int)done;
}

int slc_seg_udp_changed(const struct slc_seg_udp *u)
{
    return u->changed;
}

void slc_seg_udp_resume(struct slc_seg_udp *u)
{
    u->changed = 0;
}

void slc_seg_udp_get_stats(const struct slc_seg_udp *u, struct slc_seg_udp_stats *st)
{
    *st = u->st;
}

void slc_seg_udp_free(struct slc_seg_udp **pp)
{
    struct slc_seg_udp *u = *pp;

    if (!u) {
        return;
    }
    if (u->fd >= 0) {
        close(u->fd); /* also leaves the multicast group */
    }
    av_free(u->buf);
    av_free(u);
    *pp = NULL;
}
