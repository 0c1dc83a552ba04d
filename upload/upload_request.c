/* SPDX-License-Identifier: MIT */
/* From an item to an HTTP request: the target URL (prefix + name, or S3 path style), the body
 * (file bytes or playlist snapshot), Content-Type/Cache-Control, user headers and, for S3,
 * the SigV4 headers. No network. */
#include "upload_priv.h"

#include "slc_err.h"
#include "slc_file.h"
#include "slc_log.h"
#include "slc_sigv4.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define URL_CAP 8192
#define HDR_CAP 1024
#define PATH_CAP 4096

void slc_upload_content_headers(const char *name, int live, int playlist_max_age,
                                const char **content_type, const char **cache_control, char *cc_buf,
                                size_t cc_cap)
{
    const char *dot = strrchr(name, '.');
    const char *ext = dot ? dot + 1 : "";

    /* Segments never change once named: a CDN may keep them for good. */
    *cache_control = "public, max-age=31536000, immutable";
    if (strcmp(ext, "m3u8") == 0) {
        *content_type = "application/vnd.apple.mpegurl";
        /* HLS-NOTES "Serving": a live playlist at most half a target duration; VOD: long */
        if (live) {
            snprintf(cc_buf, cc_cap, "public, max-age=%d",
                     playlist_max_age > 0 ? playlist_max_age : 1);
            *cache_control = cc_buf;
        } else {
            *cache_control = "public, max-age=86400";
        }
    } else if (strcmp(ext, "ts") == 0) {
        *content_type = "video/mp2t";
    } else if (strcmp(ext, "m4s") == 0 || strcmp(ext, "mp4") == 0) {
        *content_type = "video/mp4";
    } else if (strcmp(ext, "aac") == 0) {
        *content_type = "audio/aac";
    } else if (strcmp(ext, "vtt") == 0) {
        *content_type = "text/vtt";
    } else {
        *content_type = "application/octet-stream";
    }
}

static int dup_str(char **dst, const char *src, size_t n)
{
    *dst = strndup(src, n);
    return *dst ? 0 : SLC_ENOMEM;
}

/* "s3://bucket/prefix" + endpoint "http://host:port" -> path-style parts. */
static int parse_s3(struct slc_upload *u)
{
    const struct slc_upload_config *c = &u->cfg;
    const char *b = c->target + 5, *slash = strchr(b, '/'), *ep = c->s3_endpoint, *hp;
    size_t blen = slash ? (size_t)(slash - b) : strlen(b);
    const char *pre = slash ? slash + 1 : "";
    int ret;

    if (!ep || !(hp = strstr(ep, "://")) || blen == 0 || !c->s3_access_key || !c->s3_secret_key) {
        slc_log_error("upload: s3 target failed '%s': needs a bucket, --s3-endpoint and "
                      "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY",
                      c->target);
        return SLC_EINVAL;
    }
    hp += 3;
    u->is_s3 = 1;
    ret = dup_str(&u->s3.bucket, b, blen);
    if (ret == 0) {
        size_t plen = strlen(pre);
        while (plen > 0 && pre[plen - 1] == '/') {
            plen--;
        }
        ret = dup_str(&u->s3.prefix, pre, plen);
    }
    if (ret == 0) {
        size_t elen = strlen(ep);
        while (elen > 0 && ep[elen - 1] == '/') {
            elen--;
        }
        ret = dup_str(&u->s3.endpoint, ep, elen);
    }
    if (ret == 0) {
        ret = dup_str(&u->s3.host, hp, strcspn(hp, "/"));
    }
    if (ret == 0) {
        const char *region = c->s3_region && *c->s3_region ? c->s3_region : "us-east-1";
        ret = dup_str(&u->s3.region, region, strlen(region));
    }
    if (ret == 0) {
        ret = dup_str(&u->s3.access, c->s3_access_key, strlen(c->s3_access_key));
    }
    if (ret == 0) {
        ret = dup_str(&u->s3.secret, c->s3_secret_key, strlen(c->s3_secret_key));
    }
    if (ret == 0 && c->s3_session_token && *c->s3_session_token) {
        ret = dup_str(&u->s3.token, c->s3_session_token, strlen(c->s3_session_token));
    }
    return ret;
}

int slc_upload_target_parse(struct slc_upload *u)
{
    const char *t = u->cfg.target;
    size_t n;

    if (t && strncmp(t, "s3://", 5) == 0) {
        return parse_s3(u);
    }
    if (!t || (strncmp(t, "http://", 7) != 0 && strncmp(t, "https://", 8) != 0)) {
        slc_log_error("upload: target failed '%s': not http://, https:// or s3://",
                      t ? t : "(null)");
        return SLC_EINVAL;
    }
    n = strlen(t);
    u->prefix = malloc(n + 2);
    if (!u->prefix) {
        return SLC_ENOMEM;
    }
    memcpy(u->prefix, t, n + 1);
    if (n > 0 && t[n - 1] != '/') {
        u->prefix[n] = '/';
        u->prefix[n + 1] = '\0';
    }
    return 0;
}

void slc_upload_target_free(struct slc_upload *u)
{
    free(u->prefix);
    free(u->s3.bucket);
    free(u->s3.prefix);
    free(u->s3.endpoint);
    free(u->s3.host);
    free(u->s3.region);
    free(u->s3.access);
    free(u->s3.secret);
    free(u->s3.token);
    memset(&u->s3, 0, sizeof(u->s3));
    u->prefix = NULL;
}

/* Append the header line "<a><b>" (a is "Name: " or a whole line, b the value or ""). */
static int add_hdr(struct item *it, const char *a, const char *b)
{
    char line[HDR_CAP];
    int n = snprintf(line, sizeof(line), "%s%s", a, b);

    if (n < 0 || (size_t)n >= sizeof(line) || it->nhdr >= REQ_HEADERS_MAX) {
        return SLC_ELIMIT;
    }
    it->hdr[it->nhdr] = strdup(line);
    return it->hdr[it->nhdr++] ? 0 : SLC_ENOMEM;
}

static int add_hdr_named(struct item *it, const char *name, const char *value)
{
    char line[HDR_CAP];
    int n = snprintf(line, sizeof(line), "%s: %s", name, value);

    return n < 0 || (size_t)n >= sizeof(line) ? SLC_ELIMIT : add_hdr(it, line, "");
}

/* x-amz-* and host are signed (lowercase, sorted); other headers travel unsigned. */
static int sign_s3(struct slc_upload *u, struct item *it, const char *method, const char *path)
{
    char sha[SLC_SIGV4_HEX_LEN + 1], date[32], auth[HDR_CAP];
    const char *names[5], *values[5];
    size_t n = 0;
    time_t now = time(NULL);
    struct tm tm;
    struct slc_sigv4_request r = {0};
    struct slc_sigv4_key k = {u->s3.access, u->s3.secret, u->s3.region, "s3"};
    int ret = slc_sigv4_sha256_hex(it->body ? it->body : "", it->body_len, sha);

    gmtime_r(&now, &tm);
    strftime(date, sizeof(date), "%Y%m%dT%H%M%SZ", &tm);
    names[n] = "host", values[n++] = u->s3.host;
    names[n] = "x-amz-content-sha256", values[n++] = sha;
    names[n] = "x-amz-date", values[n++] = date;
    if (u->s3.token) {
        names[n] = "x-amz-security-token", values[n++] = u->s3.token;
    }
    r = (struct slc_sigv4_request){method, path, "", names, values, n, sha, date};
    if (ret == 0) {
        ret = slc_sigv4_authorization(&r, &k, auth, sizeof(auth));
    }
    for (size_t i = 0; ret == 0 && i < n; i++) {
        ret = add_hdr_named(it, names[i], values[i]);
    }
    return ret == 0 ? add_hdr(it, "Authorization: ", auth) : ret;
}

/* it->url and, for S3, the canonical path ("/bucket/prefix/name", URI-encoded). */
static int build_url(struct slc_upload *u, struct item *it, char *path, size_t pcap)
{
    char enc[URL_CAP], url[URL_CAP];
    int n, ret = slc_sigv4_uri_encode(it->name, 1, enc, sizeof(enc));

    if (ret < 0) {
        return ret;
    }
    path[0] = '\0';
    if (u->is_s3) {
        n = snprintf(path, pcap, "/%s/%s%s%s", u->s3.bucket, u->s3.prefix, *u->s3.prefix ? "/" : "",
                     enc);
        if (n < 0 || (size_t)n >= pcap) {
            return SLC_ELIMIT;
        }
        n = snprintf(url, sizeof(url), "%s%s", u->s3.endpoint, path);
    } else {
        n = snprintf(url, sizeof(url), "%s%s", u->prefix, enc);
    }
    if (n < 0 || (size_t)n >= sizeof(url)) {
        return SLC_ELIMIT;
    }
    return dup_str(&it->url, url, (size_t)n);
}

/* Read a whole segment file into it->body (segments are small; retries resend the same bytes
 * and the body can be hashed for SigV4). */
static int read_body(struct slc_upload *u, struct item *it)
{
    char path[PATH_CAP];
    struct stat sb;
    FILE *f;
    int ret = 0;

    if (slc_file_join(path, sizeof(path), u->cfg.localdir, it->name) < 0) {
        return SLC_ELIMIT;
    }
    f = fopen(path, "rb");
    if (!f || fstat(fileno(f), &sb) < 0 || (uint64_t)sb.st_size > SLC_UPLOAD_OBJECT_MAX) {
        ret = f && errno == 0 ? SLC_ELIMIT : slc_err_from_errno(errno);
        slc_log_error("upload: read failed '%s': %s", path, slc_strerror(ret));
        goto out;
    }
    it->body = malloc((size_t)sb.st_size + 1);
    if (!it->body) {
        ret = SLC_ENOMEM;
        goto out;
    }
    it->body_len = fread(it->body, 1, (size_t)sb.st_size, f);
    if (ferror(f) || it->body_len != (size_t)sb.st_size) {
        ret = SLC_EIO;
        slc_log_error("upload: read failed '%s': short read", path);
    }
out:
    if (f) {
        fclose(f);
    }
    return ret;
}

/* HEAD (--resume) compares the remote length with the local file's. */
static int stat_size(struct slc_upload *u, struct item *it)
{
    char path[PATH_CAP];
    struct stat sb;

    if (slc_file_join(path, sizeof(path), u->cfg.localdir, it->name) < 0) {
        return SLC_ELIMIT;
    }
    if (stat(path, &sb) < 0) {
        int err = slc_err_from_errno(errno);
        slc_log_error("upload: stat failed '%s': %s", path, strerror(errno));
        return err;
    }
    it->local_size = (uint64_t)sb.st_size;
    return 0;
}

static int content_headers(struct slc_upload *u, struct item *it)
{
    const char *ct, *cc;
    char ccbuf[64];
    int ret;

    slc_upload_content_headers(it->name, u->cfg.live, u->cfg.playlist_max_age, &ct, &cc, ccbuf,
                               sizeof(ccbuf));
    ret = add_hdr(it, "Content-Type: ", ct);
    if (ret == 0) {
        ret = add_hdr(it, "Cache-Control: ", cc);
    }
    for (size_t i = 0; ret == 0 && i < u->nheaders; i++) {
        ret = add_hdr(it, u->headers[i], "");
    }
    /* No "Expect: 100-continue" round trip: the body is small and the target is ours. */
    return ret == 0 ? add_hdr(it, "Expect:", "") : ret;
}

int slc_upload_request_build(struct slc_upload *u, struct item *it, struct slc_upload_request *r)
{
    static const char *const methods[] = {"PUT", "HEAD", "DELETE"};
    char path[URL_CAP];
    int ret;

    slc_upload_request_clear(it);
    ret = build_url(u, it, path, sizeof(path));
    if (ret == 0 && it->method == SLC_UPLOAD_PUT && it->is_playlist) {
        it->body = malloc(it->snap.len + 1);
        ret = it->body ? 0 : SLC_ENOMEM;
        if (ret == 0) {
            memcpy(it->body, it->snap.data, it->snap.len);
            it->body_len = it->snap.len;
        }
    } else if (ret == 0 && it->method == SLC_UPLOAD_PUT) {
        errno = 0;
        ret = read_body(u, it);
    } else if (ret == 0 && it->method == SLC_UPLOAD_HEAD) {
        ret = stat_size(u, it);
    }
    if (it->method == SLC_UPLOAD_PUT) {
        it->local_size = it->body_len;
    }
    if (ret == 0 && it->method == SLC_UPLOAD_PUT) {
        ret = content_headers(u, it);
    }
    if (ret == 0 && u->is_s3) {
        ret = sign_s3(u, it, methods[it->method], path);
    }
    if (ret < 0) {
        slc_upload_request_clear(it);
        return ret;
    }
    *r = (struct slc_upload_request){
        0, it->method, it->url, it->body, it->body_len, (const char *const *)it->hdr, it->nhdr};
    return 0;
}

void slc_upload_request_clear(struct item *it)
{
    for (size_t i = 0; i < it->nhdr; i++) {
        free(it->hdr[i]);
    }
    it->nhdr = 0;
    free(it->body);
    free(it->url);
    it->body = NULL;
    it->url = NULL;
    it->body_len = 0;
}
