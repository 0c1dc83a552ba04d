/* SPDX-License-Identifier: MIT */
/* Live source: maps NAME/FILE onto the channel's live window store. */
#include "slc_origin_live.h"

#include "slc_err.h"
#include "slc_origin.h"
#include "slc_store_live.h"

#include <stdlib.h>
#include <string.h>

struct live_channel_ref {
    char *name;
    struct slc_store_live *store;
};

struct live_src {
    struct live_channel_ref *ch;
    size_t n;
};

static int live_lookup(void *vsrc, const char *relpath, struct slc_object **out)
{
    struct live_src *src = vsrc;
    const char *slash = strchr(relpath, '/');
    size_t nl = slash ? (size_t)(slash - relpath) : 0;

    *out = NULL;
    if (!slash || strchr(slash + 1, '/') || slash[1] == '\0') {
        return SLC_ENOENT;
    }
    for (size_t i = 0; i < src->n; i++) {
        if (strlen(src->ch[i].name) == nl && memcmp(src->ch[i].name, relpath, nl) == 0) {
            return slc_store_live_lookup(src->ch[i].store, slash + 1, out);
        }
    }
    return SLC_ENOENT;
}

/* Only the media playlist blocks; any other file answers at once. */
static int live_block(void *vsrc, const char *relpath, uint64_t msn, int64_t part,
                      struct slc_object **pulse, uint64_t *pulse_off, int *target_s)
{
    struct live_src *src = vsrc;
    const char *slash = strchr(relpath, '/');
    size_t nl = slash ? (size_t)(slash - relpath) : 0;

    *pulse = NULL;
    if (!slash || strcmp(slash + 1, SLC_STORE_LIVE_MEDIA) != 0) {
        return 1;
    }
    for (size_t i = 0; i < src->n; i++) {
        if (strlen(src->ch[i].name) == nl && memcmp(src->ch[i].name, relpath, nl) == 0) {
            return slc_store_live_block_check(src->ch[i].store, msn, part, pulse, pulse_off,
                                              target_s);
        }
    }
    return 1;
}

static int live_list(void *vsrc, slc_origin_emit_fn emit, void *ctx)
{
    struct live_src *src = vsrc;
    char path[128];

    for (size_t i = 0; i < src->n; i++) {
        size_t nl = strlen(src->ch[i].name);
        if (nl + sizeof("/" SLC_STORE_LIVE_MULTI) <= sizeof(path)) {
            memcpy(path, src->ch[i].name, nl);
            memcpy(path + nl, "/" SLC_STORE_LIVE_MULTI, sizeof("/" SLC_STORE_LIVE_MULTI));
            emit(ctx, path);
        }
    }
    return 0;
}

static void live_destroy(void *vsrc)
{
    struct live_src *src = vsrc;

    for (size_t i = 0; i < src->n; i++) {
        free(src->ch[i].name);
    }
    free(src->ch);
    free(src);
}

static const struct slc_origin_source_ops live_ops = {
    .name = "live",
    .lookup = live_lookup,
    .list_streams = live_list,
    .destroy = live_destroy,
    .block_check = live_block,
};

int slc_origin_mount_live(struct slc_origin *o, const char *prefix, const char *const *names,
                          struct slc_store_live *const *stores, size_t n)
{
    struct live_src *src = calloc(1, sizeof(*src));

    if (!src || !(src->ch = calloc(n ? n : 1, sizeof(*src->ch)))) {
        free(src);
        return SLC_ENOMEM;
    }
    for (; src->n < n; src->n++) {
        src->ch[src->n].store = stores[src->n];
        src->ch[src->n].name = strdup(names[src->n]);
        if (!src->ch[src->n].name) {
            live_destroy(src);
            return SLC_ENOMEM;
        }
    }
    return slc_origin_mount(o, prefix, &live_ops, src);
}
