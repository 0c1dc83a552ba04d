/* SPDX-License-Identifier: MIT */
/* LL-HLS media playlist tags (RFC 8216bis 4.4.3.7, 4.4.3.8, 4.4.4.9, 4.4.5.3) into the model.
 * Unknown attributes are ignored (RFC 8216 4.2); missing required ones are errors. */
#include "pl_internal.h"
#include "pl_parse.h"

#include "slc_err.h"

#include <stdlib.h>
#include <string.h>

/* Largest duration (seconds) accepted in an LL-HLS attribute. */
#define LL_MAX_S 86400

/* Iterate the attribute list `v`/`n`, calling fn for each; 0 or the first error. */
typedef int (*attr_fn)(struct slc_pl_parser *p, const struct slc_pl_attr *a, void *ctx);

static int each_attr(struct slc_pl_parser *p, const char *v, size_t n, attr_fn fn, void *ctx)
{
    struct slc_pl_attr a;
    char why[160] = "";
    size_t pos = 0;
    int ret;

    while ((ret = slc_pl_attr_next(v, n, &pos, &a, why, sizeof(why))) == 1) {
        ret = fn(p, &a, ctx);
        if (ret < 0) {
            return ret;
        }
    }
    return ret < 0 ? slc_pl_parse_fail(p, ret, "%s", why) : 0;
}

static int duration_attr(struct slc_pl_parser *p, const struct slc_pl_attr *a, int64_t *us)
{
    if (slc_pl_attr_fixed(a, 6, LL_MAX_S, us) < 0) {
        return slc_pl_parse_fail(p, SLC_EPROTO, "bad %.*s", (int)a->name_len, a->name);
    }
    return 0;
}

static int part_inf_attr(struct slc_pl_parser *p, const struct slc_pl_attr *a, void *ctx)
{
    (void)ctx;
    return slc_pl_attr_is(a, "PART-TARGET") ? duration_attr(p, a, &p->media->part_target_us) : 0;
}

int slc_pl_parse_part_inf(struct slc_pl_parser *p, const char *v, size_t n)
{
    int ret;

    if (p->media->part_target_us > 0) {
        return slc_pl_parse_fail(p, SLC_EPROTO, "duplicate EXT-X-PART-INF");
    }
    ret = each_attr(p, v, n, part_inf_attr, NULL);
    if (ret == 0 && p->media->part_target_us <= 0) {
        ret = slc_pl_parse_fail(p, SLC_EPROTO, "EXT-X-PART-INF without a PART-TARGET > 0");
    }
    return ret;
}

static int server_control_attr(struct slc_pl_parser *p, const struct slc_pl_attr *a, void *ctx)
{
    static const char *const yes_no[] = {"NO", "YES", NULL};
    struct slc_pl_media *m = p->media;
    int idx = 0;

    (void)ctx;
    if (slc_pl_attr_is(a, "CAN-BLOCK-RELOAD")) {
        if (slc_pl_attr_enum(a, yes_no, &idx) < 0) {
            return slc_pl_parse_fail(p, SLC_EPROTO, "bad CAN-BLOCK-RELOAD");
        }
        m->can_block_reload = idx;
        return 0;
    }
    if (slc_pl_attr_is(a, "PART-HOLD-BACK")) {
        return duration_attr(p, a, &m->part_hold_back_us);
    }
    if (slc_pl_attr_is(a, "HOLD-BACK")) {
        return duration_attr(p, a, &m->hold_back_us);
    }
    return 0;
}

int slc_pl_parse_server_control(struct slc_pl_parser *p, const char *v, size_t n)
{
    if (p->seen_server_control) {
        return slc_pl_parse_fail(p, SLC_EPROTO, "duplicate EXT-X-SERVER-CONTROL");
    }
    p->seen_server_control = 1;
    return each_attr(p, v, n, server_control_attr, NULL);
}

/* BYTERANGE="<n>[@<o>]" (RFC 8216bis 4.4.4.9). */
static int part_byterange(struct slc_pl_parser *p, const struct slc_pl_attr *a,
                          struct slc_pl_part *part)
{
    const char *at = a->quoted ? memchr(a->value, '@', a->value_len) : NULL;
    size_t ln = at ? (size_t)(at - a->value) : a->value_len;
    uint64_t len, off = 0;

    if (!a->quoted || slc_pl_text_uint(a->value, ln, INT64_MAX, &len) < 0 || len == 0 ||
        (at && slc_pl_text_uint(at + 1, a->value_len - ln - 1, INT64_MAX, &off) < 0) ||
        (at && len > (uint64_t)INT64_MAX - off)) {
        return slc_pl_parse_fail(p, SLC_EPROTO, "bad BYTERANGE");
    }
    part->byterange_length = (int64_t)len;
    part->byterange_offset = at ? (int64_t)off : -1;
    return 0;
}

static int string_once(struct slc_pl_parser *p, const struct slc_pl_attr *a, char **dst)
{
    if (*dst) {
        return slc_pl_parse_fail(p, SLC_EPROTO, "duplicate %.*s", (int)a->name_len, a->name);
    }
    if (slc_pl_attr_string(a, dst) < 0) {
        return slc_pl_parse_fail(p, SLC_EPROTO, "bad %.*s", (int)a->name_len, a->name);
    }
    return 0;
}

static int part_attr(struct slc_pl_parser *p, const struct slc_pl_attr *a, void *ctx)
{
    static const char *const yes_no[] = {"NO", "YES", NULL};
    struct slc_pl_part *part = ctx;

    if (slc_pl_attr_is(a, "URI")) {
        return string_once(p, a, &part->uri);
    }
    if (slc_pl_attr_is(a, "DURATION")) {
        return duration_attr(p, a, &part->duration_us);
    }
    if (slc_pl_attr_is(a, "BYTERANGE")) {
        return part_byterange(p, a, part);
    }
    if (slc_pl_attr_is(a, "INDEPENDENT") && slc_pl_attr_enum(a, yes_no, &part->independent) < 0) {
        return slc_pl_parse_fail(p, SLC_EPROTO, "bad INDEPENDENT");
    }
    return 0;
}

int slc_pl_parse_part(struct slc_pl_parser *p, const char *v, size_t n)
{
    struct slc_pl_part part = {.duration_us = -1, .byterange_length = -1, .byterange_offset = -1};
    int ret = each_attr(p, v, n, part_attr, &part);

    if (ret == 0 && (!part.uri || part.duration_us < 0)) {
        ret = slc_pl_parse_fail(p, SLC_EPROTO, "EXT-X-PART without URI or DURATION");
    }
    if (ret == 0) {
        ret = slc_pl_media_add_part(p->media, &part);
        if (ret < 0) {
            ret = slc_pl_parse_fail(p, ret, "EXT-X-PART: %s", slc_strerror(ret));
        }
    }
    free(part.uri);
    return ret;
}

struct hint {
    int is_part;
    char *uri;
    int64_t start;
};

static int hint_attr(struct slc_pl_parser *p, const struct slc_pl_attr *a, void *ctx)
{
    static const char *const types[] = {"PART", "MAP", NULL};
    struct hint *h = ctx;
    uint64_t x;
    int idx;

    if (slc_pl_attr_is(a, "TYPE")) {
        if (slc_pl_attr_enum(a, types, &idx) < 0) {
            return slc_pl_parse_fail(p, SLC_EPROTO, "bad EXT-X-PRELOAD-HINT TYPE");
        }
        h->is_part = idx == 0;
        return 0;
    }
    if (slc_pl_attr_is(a, "URI")) {
        return string_once(p, a, &h->uri);
    }
    if (slc_pl_attr_is(a, "BYTERANGE-START")) {
        if (slc_pl_attr_uint(a, INT64_MAX, &x) < 0) {
            return slc_pl_parse_fail(p, SLC_EPROTO, "bad BYTERANGE-START");
        }
        h->start = (int64_t)x;
    }
    return 0;
}

/* Only TYPE=PART hints are kept (EXT-X-MAP hints belong to fMP4, which we do not carry). */
int slc_pl_parse_preload_hint(struct slc_pl_parser *p, const char *v, size_t n)
{
    struct hint h = {.start = -1};
    int ret = each_attr(p, v, n, hint_attr, &h);

    if (ret == 0 && !h.uri) {
        ret = slc_pl_parse_fail(p, SLC_EPROTO, "EXT-X-PRELOAD-HINT without URI");
    }
    if (ret == 0 && h.is_part && p->media->hint_uri) {
        ret = slc_pl_parse_fail(p, SLC_EPROTO, "more than one EXT-X-PRELOAD-HINT TYPE=PART");
    }
    if (ret == 0 && h.is_part) {
        ret = slc_pl_media_set_preload_hint(p->media, h.uri, h.start);
        if (ret < 0) {
            ret = slc_pl_parse_fail(p, ret, "EXT-X-PRELOAD-HINT: %s", slc_strerror(ret));
        }
    }
    free(h.uri);
    return ret;
}
