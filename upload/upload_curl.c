/* SPDX-License-Identifier: MIT */
/* The production transport: libcurl's multi interface runs up to `concurrency` requests at
 * once on the uploader's worker thread. Bodies are sent from memory the engine owns. */
#include "slc_upload.h"

#include "slc_err.h"
#include "slc_log.h"

#include <curl/curl.h>

#include <stdlib.h>
#include <string.h>

struct xfer {
    CURL *easy;
    struct curl_slist *hdrs;
    uint64_t id;
    const char *body;
    size_t len, off;
    int busy;
};

struct curl_tp {
    CURLM *multi;
    struct xfer *x;
    int n, timeout_ms;
};

static size_t read_cb(char *buf, size_t size, size_t nmemb, void *opaque)
{
    struct xfer *x = opaque;
    size_t n = size * nmemb, left = x->len - x->off;

    n = n < left ? n : left;
    memcpy(buf, x->body + x->off, n);
    x->off += n;
    return n;
}

/* A rewind when curl resends the body (redirect, auth, connection reuse failure). */
static int seek_cb(void *opaque, curl_off_t off, int origin)
{
    struct xfer *x = opaque;

    if (origin != SEEK_SET || off < 0 || (size_t)off > x->len) {
        return CURL_SEEKFUNC_CANTSEEK;
    }
    x->off = (size_t)off;
    return CURL_SEEKFUNC_OK;
}

static size_t discard_cb(char *p, size_t size, size_t nmemb, void *opaque)
{
    (void)p;
    (void)opaque;
    return size * nmemb;
}

static void set_method(struct xfer *x, const struct slc_upload_request *r)
{
    if (r->method == SLC_UPLOAD_PUT) {
        curl_easy_setopt(x->easy, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(x->easy, CURLOPT_READFUNCTION, read_cb);
        curl_easy_setopt(x->easy, CURLOPT_READDATA, x);
        curl_easy_setopt(x->easy, CURLOPT_SEEKFUNCTION, seek_cb);
        curl_easy_setopt(x->easy, CURLOPT_SEEKDATA, x);
        curl_easy_setopt(x->easy, CURLOPT_INFILESIZE_LARGE, (curl_off_t)r->body_len);
    } else if (r->method == SLC_UPLOAD_HEAD) {
        curl_easy_setopt(x->easy, CURLOPT_NOBODY, 1L);
    } else {
        curl_easy_setopt(x->easy, CURLOPT_CUSTOMREQUEST, "DELETE");
    }
}

static int setup(struct curl_tp *t, struct xfer *x, const struct slc_upload_request *r)
{
    x->easy = curl_easy_init();
    if (!x->easy) {
        return SLC_ENOMEM;
    }
    for (size_t i = 0; i < r->nheaders; i++) {
        struct curl_slist *l = curl_slist_append(x->hdrs, r->headers[i]);
        if (!l) {
            return SLC_ENOMEM;
        }
        x->hdrs = l;
    }
    x->id = r->id;
    x->body = r->body;
    x->len = r->body_len;
    x->off = 0;
    curl_easy_setopt(x->easy, CURLOPT_URL, r->url);
    curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, x->hdrs);
    curl_easy_setopt(x->easy, CURLOPT_PRIVATE, x);
    curl_easy_setopt(x->easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(x->easy, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
    curl_easy_setopt(x->easy, CURLOPT_TIMEOUT_MS, (long)t->timeout_ms);
    curl_easy_setopt(x->easy, CURLOPT_WRITEFUNCTION, discard_cb);
    curl_easy_setopt(x->easy, CURLOPT_PROTOCOLS_STR, "http,https");
    set_method(x, r);
    return curl_multi_add_handle(t->multi, x->easy) == CURLM_OK ? 0 : SLC_EINTERNAL;
}

static void release(struct curl_tp *t, struct xfer *x)
{
    if (x->easy) {
        curl_multi_remove_handle(t->multi, x->easy);
        curl_easy_cleanup(x->easy);
    }
    curl_slist_free_all(x->hdrs);
    memset(x, 0, sizeof(*x));
}

static int tp_start(void *opaque, const struct slc_upload_request *r)
{
    struct curl_tp *t = opaque;
    int ret;

    for (int i = 0; i < t->n; i++) {
        struct xfer *x = &t->x[i];
        if (!x->busy) {
            x->busy = 1;
            ret = setup(t, x, r);
            if (ret < 0) {
                release(t, x);
            }
            return ret;
        }
    }
    return SLC_ELIMIT; /* the engine never starts more than `concurrency` */
}

/* One finished transfer into *res, if curl has one. */
static int take_done(struct curl_tp *t, struct slc_upload_result *res)
{
    int left;
    CURLMsg *m;

    while ((m = curl_multi_info_read(t->multi, &left))) {
        struct xfer *x = NULL;
        long status = 0;
        curl_off_t len = -1;
        if (m->msg != CURLMSG_DONE) {
            continue;
        }
        curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&x);
        curl_easy_getinfo(m->easy_handle, CURLINFO_RESPONSE_CODE, &status);
        curl_easy_getinfo(m->easy_handle, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &len);
        res->id = x->id;
        res->status = (int)status;
        res->length = len;
        res->error = m->data.result == CURLE_OK                   ? 0
                     : m->data.result == CURLE_OPERATION_TIMEDOUT ? SLC_ETIMEDOUT
                                                                  : SLC_EIO;
        if (res->error) {
            slc_log_debug("upload: curl: %s", curl_easy_strerror(m->data.result));
        }
        release(t, x);
        return 1;
    }
    return 0;
}

static int tp_poll(void *opaque, int timeout_ms, struct slc_upload_result *res)
{
    struct curl_tp *t = opaque;
    int running;

    if (curl_multi_perform(t->multi, &running) != CURLM_OK) {
        return SLC_EINTERNAL;
    }
    if (take_done(t, res)) {
        return 1;
    }
    if (curl_multi_poll(t->multi, NULL, 0, timeout_ms, NULL) != CURLM_OK ||
        curl_multi_perform(t->multi, &running) != CURLM_OK) {
        return SLC_EINTERNAL;
    }
    return take_done(t, res);
}

static void tp_wakeup(void *opaque)
{
    struct curl_tp *t = opaque;

    curl_multi_wakeup(t->multi);
}

static void tp_free(void *opaque)
{
    struct curl_tp *t = opaque;

    for (int i = 0; i < t->n; i++) {
        release(t, &t->x[i]);
    }
    curl_multi_cleanup(t->multi);
    free(t->x);
    free(t);
}

int slc_upload_curl_transport(struct slc_upload_transport *tr, int concurrency, int timeout_ms)
{
    struct curl_tp *t = calloc(1, sizeof(*t));

    if (!t || curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        free(t);
        return t ? SLC_EINTERNAL : SLC_ENOMEM;
    }
    t->n = concurrency;
    t->timeout_ms = timeout_ms;
    t->x = calloc((size_t)concurrency, sizeof(*t->x));
    t->multi = curl_multi_init();
    if (!t->x || !t->multi) {
        curl_multi_cleanup(t->multi);
        free(t->x);
        free(t);
        return SLC_ENOMEM;
    }
    /* Keep-alive to one host: as many connections as transfers, no more. */
    curl_multi_setopt(t->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)concurrency);
    *tr = (struct slc_upload_transport){tp_start, tp_poll, tp_wakeup, tp_free, t};
    return 0;
}
