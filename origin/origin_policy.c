/* SPDX-License-Identifier: MIT */
/* Media types, cache lifetimes and the slc_err -> HTTP status table. */
#include "origin_policy.h"

#include "origin_path.h"
#include "slc_err.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

enum body_class {
    CLASS_PLAYLIST,
    CLASS_SEGMENT,
    CLASS_KEY,
    CLASS_OTHER,
};

struct type_entry {
    const char *ext;
    const char *type;
    enum body_class cls;
};

static const struct type_entry types[] = {
    {"m3u8", "application/vnd.apple.mpegurl", CLASS_PLAYLIST},
    {"m3u", "application/vnd.apple.mpegurl", CLASS_PLAYLIST},
    {"ts", "video/mp2t", CLASS_SEGMENT},
    {"m4s", "video/iso.segment", CLASS_SEGMENT},
    {"mp4", "video/mp4", CLASS_SEGMENT},
    {"m4a", "audio/mp4", CLASS_SEGMENT},
    {"m4v", "video/mp4", CLASS_SEGMENT},
    {"aac", "audio/aac", CLASS_SEGMENT},
    {"mp3", "audio/mpeg", CLASS_SEGMENT},
    {"vtt", "text/vtt; charset=utf-8", CLASS_SEGMENT},
    {"webvtt", "text/vtt; charset=utf-8", CLASS_SEGMENT},
    /* Keys are secrets: never in a shared cache. */
    {"key", "application/octet-stream", CLASS_KEY},
    {"html", "text/html; charset=utf-8", CLASS_OTHER},
    {"htm", "text/html; charset=utf-8", CLASS_OTHER},
    {"js", "text/javascript; charset=utf-8", CLASS_OTHER},
    {"mjs", "text/javascript; charset=utf-8", CLASS_OTHER},
    {"css", "text/css; charset=utf-8", CLASS_OTHER},
    {"json", "application/json", CLASS_OTHER},
    {"map", "application/json", CLASS_OTHER},
    {"txt", "text/plain; charset=utf-8", CLASS_OTHER},
    {"png", "image/png", CLASS_OTHER},
    {"jpg", "image/jpeg", CLASS_OTHER},
    {"svg", "image/svg+xml", CLASS_OTHER},
};

static const struct type_entry *find_type(const char *path)
{
    const char *ext = slc_origin_path_ext(path);

    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        if (strcasecmp(ext, types[i].ext) == 0) {
            return &types[i];
        }
    }
    return NULL;
}

const char *slc_origin_content_type(const char *path)
{
    const struct type_entry *t = find_type(path);

    return t ? t->type : "application/octet-stream";
}

int slc_origin_is_playlist(const char *path)
{
    const struct type_entry *t = find_type(path);

    return t && t->cls == CLASS_PLAYLIST;
}

static int has(const void *body, size_t len, const char *needle)
{
    return body && memmem(body, len, needle, strlen(needle)) != NULL;
}

/* EXT-X-TARGETDURATION's value, or -1 when absent or malformed (RFC 8216 4.3.3.1). */
static long target_duration(const char *body, size_t len)
{
    static const char tag[] = "#EXT-X-TARGETDURATION:";
    const char *p = body ? memmem(body, len, tag, sizeof(tag) - 1) : NULL;
    const char *end = body + len;
    long v = 0;

    if (!p) {
        return -1;
    }
    p += sizeof(tag) - 1;
    if (p >= end || *p < '0' || *p > '9') {
        return -1;
    }
    while (p < end && *p >= '0' && *p <= '9' && v < 1000000) {
        v = v * 10 + (*p++ - '0');
    }
    return v < 1000000 ? v : 1000000; /* nonsense beyond: cap, don't overflow */
}

static void playlist_policy(const void *body, size_t len, char *out, size_t cap)
{
    long td;

    if (has(body, len, "#EXT-X-ENDLIST") || has(body, len, "#EXT-X-PLAYLIST-TYPE:VOD")) {
        snprintf(out, cap, "%s", SLC_ORIGIN_CC_VOD_PLAYLIST);
        return;
    }
    if (has(body, len, "#EXT-X-STREAM-INF")) {
        snprintf(out, cap, "%s", SLC_ORIGIN_CC_MULTIVARIANT);
        return;
    }
    td = target_duration(body, len);
    if (td / 2 >= 1) {
        /* HLS-NOTES "Serving": a live playlist lives at most half a target duration */
        snprintf(out, cap, "public, max-age=%ld", td / 2);
    } else {
        snprintf(out, cap, "%s", SLC_ORIGIN_CC_REVALIDATE);
    }
}

void slc_origin_cache_control(const char *path, const void *body, size_t len, char *out, size_t cap)
{
    const struct type_entry *t = find_type(path);

    switch (t ? t->cls : CLASS_OTHER) {
    case CLASS_PLAYLIST:
        playlist_policy(body, len, out, cap);
        return;
    case CLASS_SEGMENT:
        snprintf(out, cap, "%s", SLC_ORIGIN_CC_IMMUTABLE);
        return;
    case CLASS_KEY:
        snprintf(out, cap, "private, no-store");
        return;
    case CLASS_OTHER:
        break;
    }
    snprintf(out, cap, "%s", SLC_ORIGIN_CC_REVALIDATE);
}

struct status_entry {
    int err;
    unsigned status;
};

/* The one place an slc_err becomes an HTTP status. */
static const struct status_entry statuses[] = {
    {SLC_EINVAL, 400},       /* malformed request (bad path, bad header) */
    {SLC_EPROTO, 400},       /* request violates the protocol */
    {SLC_EACCES, 403},       /* dotfiles, symlinks out of the root, permissions */
    {SLC_ENOENT, 404},       /* no such file, stream or object */
    {SLC_EOF, 404},          /* a stream that has ended and is gone */
    {SLC_ELIMIT, 414},       /* a path longer than we serve */
    {SLC_EUNSUPPORTED, 415}, /* a file we refuse to turn into HLS */
    {SLC_ERANGE, 416},       /* Range not satisfiable */
    {SLC_EFORMAT, 422},      /* not media we can read, or corrupt */
    {SLC_ENOMEM, 503},       /* out of memory: try again */
    {SLC_EAGAIN, 503},       /* not ready yet */
    {SLC_EINTR, 503},        /* shutting down */
    {SLC_ETIMEDOUT, 504},    /* an upstream deadline passed */
};

unsigned slc_origin_http_status(int err)
{
    for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
        if (statuses[i].err == err) {
            return statuses[i].status;
        }
    }
    return 500;
}
