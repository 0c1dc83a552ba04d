/* SPDX-License-Identifier: MIT */
/* The uploader's item table: one entry per remote object, found by name through a hash, and
 * playlist snapshots with the relative URIs they list (their dependencies). */
#include "upload_priv.h"

#include "slc_err.h"
#include "slc_file.h"
#include "slc_log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define PATH_CAP 4096

static uint32_t hash_name(const char *s)
{
    uint32_t h = 2166136261u; /* FNV-1a */

    for (; *s; s++) {
        h = (h ^ (unsigned char)*s) * 16777619u;
    }
    return h;
}

int slc_upload_item_find(const struct slc_upload *u, const char *name, size_t *idx)
{
    size_t mask = u->hash_cap - 1;

    if (!u->hash_cap) {
        return 0;
    }
    for (size_t i = hash_name(name) & mask;; i = (i + 1) & mask) {
        uint32_t v = u->hash[i];
        if (v == 0) {
            return 0;
        }
        if (strcmp(u->items[v - 1].name, name) == 0) {
            *idx = v - 1;
            return 1;
        }
    }
}

static void hash_insert(struct slc_upload *u, size_t idx)
{
    size_t mask = u->hash_cap - 1, i = hash_name(u->items[idx].name) & mask;

    while (u->hash[i]) {
        i = (i + 1) & mask;
    }
    u->hash[i] = (uint32_t)(idx + 1);
}

/* Keep the table at most half full so that probes stay short. */
static int grow(struct slc_upload *u)
{
    size_t cap = u->cap ? u->cap * 2 : 256;
    struct item *items;
    uint32_t *hash;

    if (u->nitems >= SLC_UPLOAD_FILES_MAX) {
        slc_log_error("upload: add failed: more than %u files", SLC_UPLOAD_FILES_MAX);
        return SLC_ELIMIT;
    }
    items = realloc(u->items, cap * sizeof(*items));
    if (!items) {
        return SLC_ENOMEM;
    }
    u->items = items;
    hash = calloc(cap * 2, sizeof(*hash));
    if (!hash) {
        return SLC_ENOMEM;
    }
    free(u->hash);
    u->hash = hash;
    u->hash_cap = cap * 2;
    u->cap = cap;
    for (size_t i = 0; i < u->nitems; i++) {
        hash_insert(u, i);
    }
    return 0;
}

int slc_upload_item_get(struct slc_upload *u, const char *name, size_t *idx)
{
    struct item *it;
    int ret;

    if (slc_upload_item_find(u, name, idx)) {
        return 0;
    }
    if (u->nitems == u->cap && (ret = grow(u)) < 0) {
        return ret;
    }
    it = &u->items[u->nitems];
    memset(it, 0, sizeof(*it));
    it->name = strdup(name);
    if (!it->name) {
        return SLC_ENOMEM;
    }
    it->state = ST_DONE; /* the caller queues it */
    hash_insert(u, u->nitems);
    *idx = u->nitems++;
    u->st.files_added++;
    return 0;
}

static int add_dep(struct snapshot *sn, const char *p, size_t n, size_t *cap)
{
    char **deps;

    /* Only relative references name files we upload; absolute ones are someone else's. */
    if (n == 0 || memchr(p, ':', n) || p[0] == '/') {
        return 0;
    }
    if (sn->ndeps >= SLC_UPLOAD_DEPS_MAX) {
        return SLC_ELIMIT;
    }
    if (sn->ndeps == *cap) {
        *cap = *cap ? *cap * 2 : 64;
        deps = realloc(sn->deps, *cap * sizeof(*deps));
        if (!deps) {
            return SLC_ENOMEM;
        }
        sn->deps = deps;
    }
    sn->deps[sn->ndeps] = strndup(p, n);
    return sn->deps[sn->ndeps++] ? 0 : SLC_ENOMEM;
}

/* Every URI line and every URI="..." attribute (EXT-X-MAP, EXT-X-MEDIA, I-FRAME-STREAM-INF)
 * of the playlist is a dependency (RFC 8216 4.1: URI lines are those not starting with '#'). */
static int parse_deps(struct snapshot *sn)
{
    size_t cap = 0;
    const char *p = sn->data, *end = sn->data + sn->len;
    int ret = 0;

    while (ret == 0 && p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p)), *le = nl ? nl : end, *a;
        size_t n = (size_t)(le - p);
        while (n > 0 && (p[n - 1] == '\r' || p[n - 1] == ' ')) {
            n--;
        }
        if (n > 0 && p[0] != '#') {
            ret = add_dep(sn, p, n, &cap);
        } else if (n > 0 && (a = memmem(p, n, "URI=\"", 5))) {
            const char *q = a + 5, *close = memchr(q, '"', (size_t)(p + n - q));
            ret = close ? add_dep(sn, q, (size_t)(close - q), &cap) : 0;
        }
        p = le + 1;
    }
    return ret;
}

void slc_upload_snapshot_clear(struct snapshot *sn)
{
    for (size_t i = 0; i < sn->ndeps; i++) {
        free(sn->deps[i]);
    }
    free(sn->deps);
    free(sn->data);
    memset(sn, 0, sizeof(*sn));
}

int slc_upload_snapshot_read(const struct slc_upload *u, const char *name, struct snapshot *sn)
{
    char path[PATH_CAP];
    FILE *f = NULL;
    struct stat sb;
    size_t want;
    int ret = 0;

    memset(sn, 0, sizeof(*sn));
    if (slc_file_join(path, sizeof(path), u->cfg.localdir, name) < 0) {
        return SLC_ELIMIT;
    }
    f = fopen(path, "rb");
    if (!f || fstat(fileno(f), &sb) < 0) {
        ret = slc_err_from_errno(errno);
        slc_log_error("upload: read failed '%s': %s", path, strerror(errno));
        goto out;
    }
    /* The file is replaced atomically, never rewritten in place: its size is its size. */
    want = sb.st_size < SLC_UPLOAD_PLAYLIST_MAX ? (size_t)sb.st_size : SLC_UPLOAD_PLAYLIST_MAX;
    sn->data = malloc(want + 1);
    if (!sn->data) {
        ret = SLC_ENOMEM;
        goto out;
    }
    sn->len = fread(sn->data, 1, want + 1, f);
    if (ferror(f) || sn->len > want || sb.st_size >= SLC_UPLOAD_PLAYLIST_MAX) {
        ret = ferror(f) ? SLC_EIO : SLC_ELIMIT;
        slc_log_error("upload: read failed '%s': %s", path, slc_strerror(ret));
        goto out;
    }
    sn->data[sn->len] = '\0'; /* parse_deps and strndup() may look one byte past a URI */
    ret = parse_deps(sn);
out:
    if (f) {
        fclose(f);
    }
    if (ret < 0) {
        slc_upload_snapshot_clear(sn);
    }
    return ret;
}

/* 1 if every URI the snapshot lists has been uploaded (some version of it), else 0 with
 * *missing naming the first that hasn't. Remembers progress in dep_next: done stays done. */
int slc_upload_deps_ready(const struct slc_upload *u, struct snapshot *sn, const char **missing)
{
    size_t idx;

    for (; sn->dep_next < sn->ndeps; sn->dep_next++) {
        const char *d = sn->deps[sn->dep_next];
        if (!slc_upload_item_find(u, d, &idx) || !u->items[idx].ever_done) {
            *missing = d;
            return 0;
        }
    }
    return 1;
}

void slc_upload_items_free(struct slc_upload *u)
{
    for (size_t i = 0; i < u->nitems; i++) {
        struct item *it = &u->items[i];
        slc_upload_request_clear(it);
        slc_upload_snapshot_clear(&it->snap);
        slc_upload_snapshot_clear(&it->next);
        free(it->name);
    }
    free(u->items);
    free(u->hash);
    u->items = NULL;
    u->hash = NULL;
    u->nitems = u->cap = u->hash_cap = 0;
}
