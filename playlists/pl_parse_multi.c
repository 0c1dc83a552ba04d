/* SPDX-License-Identifier: MIT */
/* Multivariant playlist tags (RFC 8216 4.3.4): EXT-X-STREAM-INF and EXT-X-MEDIA attribute
 * lists into the model. Unknown attributes are ignored (RFC 8216 4.2), duplicates rejected. */
#include "pl_internal.h"
#include "pl_parse.h"

#include "slc_err.h"

#include <stdlib.h>
#include <string.h>

enum { ATTR_WHY = 160 };

void slc_pl_parse_variant_reset(struct slc_pl_parser *p)
{
    free(p->var.codecs);
    free(p->var.audio_group);
    memset(&p->var, 0, sizeof(p->var));
    p->have_var = 0;
}

/* Index of `a` in `names`, -1 if unknown; SLC_EPROTO (reported) if already seen. */
static int attr_index(struct slc_pl_parser *p, const struct slc_pl_attr *a,
                      const char *const *names, unsigned *seen)
{
    for (int i = 0; names[i]; i++) {
        if (slc_pl_attr_is(a, names[i])) {
            if (*seen & (1u << i)) {
                return slc_pl_parse_fail(p, SLC_EPROTO, "duplicate attribute %s", names[i]);
            }
            *seen |= 1u << i;
            return i;
        }
    }
    return -1;
}

/* A quoted-string attribute into `*dst` (replacing nothing: duplicates are refused before). */
static int attr_string(struct slc_pl_parser *p, const struct slc_pl_attr *a, char **dst)
{
    int ret = slc_pl_attr_string(a, dst);

    if (ret < 0) {
        return slc_pl_parse_fail(p, ret, "%.*s must be a quoted string", (int)a->name_len, a->name);
    }
    return 0;
}

static int variant_attr(struct slc_pl_parser *p, const struct slc_pl_attr *a, int idx)
{
    struct slc_pl_variant *v = &p->var;
    int64_t fr;
    int ret = 0;

    switch (idx) {
    case 0:
        ret = slc_pl_attr_uint(a, UINT64_MAX, &v->bandwidth);
        break;
    case 1:
        ret = slc_pl_attr_uint(a, UINT64_MAX, &v->average_bandwidth);
        break;
    case 2:
        return attr_string(p, a, &v->codecs);
    case 3:
        ret = slc_pl_attr_resolution(a, &v->width, &v->height);
        break;
    case 4:
        ret = slc_pl_attr_fixed(a, 3, 1000000, &fr);
        v->frame_rate = ret == 0 ? (double)fr / 1000.0 : 0;
        break;
    case 5:
        return attr_string(p, a, &v->audio_group);
    default:
        return 0;
    }
    if (ret < 0) {
        return slc_pl_parse_fail(p, ret, "bad value for %.*s", (int)a->name_len, a->name);
    }
    return 0;
}

int slc_pl_parse_stream_inf(struct slc_pl_parser *p, const char *v, size_t n)
{
    static const char *const names[] = {
        "BANDWIDTH", "AVERAGE-BANDWIDTH", "CODECS", "RESOLUTION", "FRAME-RATE", "AUDIO", NULL};
    char why[ATTR_WHY];
    struct slc_pl_attr a;
    unsigned seen = 0;
    size_t pos = 0;
    int ret;

    if (p->have_var) {
        return slc_pl_parse_fail(p, SLC_EPROTO, "EXT-X-STREAM-INF without a URI line");
    }
    p->have_var = 1;
    while ((ret = slc_pl_attr_next(v, n, &pos, &a, why, sizeof(why))) > 0) {
        int idx = attr_index(p, &a, names, &seen);

        if (idx == SLC_EPROTO) {
            return idx;
        }
        ret = variant_attr(p, &a, idx);
        if (ret < 0) {
            return ret;
        }
    }
    if (ret < 0) {
        return slc_pl_parse_fail(p, ret, "EXT-X-STREAM-INF: %s", why);
    }
    if (p->var.bandwidth == 0) {
        return slc_pl_parse_fail(p, SLC_EPROTO, "EXT-X-STREAM-INF without BANDWIDTH");
    }
    return 0;
}

int slc_pl_parse_variant_uri(struct slc_pl_parser *p, char *line)
{
    char why[ATTR_WHY];
    int ret;

    p->var.uri = line;
    ret = slc_pl_variant_check(&p->var, why, sizeof(why));
    if (ret == 0) {
        ret = slc_pl_multi_add_variant(p->multi, &p->var);
    }
    p->var.uri = NULL;
    slc_pl_parse_variant_reset(p);
    if (ret < 0) {
        return slc_pl_parse_fail(p, ret, "%s", ret == SLC_EPROTO ? why : slc_strerror(ret));
    }
    return 0;
}

/* RFC 8216bis 4.4.6.1: CHANNELS is a quoted list of '/'-separated parameters, the first a
 * decimal channel count ("2", "16/JOC"); the model keeps the count. */
static int attr_channels(struct slc_pl_parser *p, const struct slc_pl_attr *a, int *out)
{
    size_t n = 0;
    uint64_t v = 0;

    while (n < a->value_len && a->value[n] != '/') {
        n++;
    }
    if (!a->quoted || slc_pl_text_uint(a->value, n, 1024, &v) < 0 || v == 0) {
        return slc_pl_parse_fail(p, SLC_EPROTO, "bad value for CHANNELS");
    }
    *out = (int)v;
    return 0;
}

static int rendition_attr(struct slc_pl_parser *p, struct slc_pl_rendition *r,
                          const struct slc_pl_attr *a, int idx, int *type)
{
    static const char *const types[] = {"AUDIO", "VIDEO", "SUBTITLES", "CLOSED-CAPTIONS", NULL};
    static const char *const yesno[] = {"NO", "YES", NULL};
    int ret = 0;

    switch (idx) {
    case 0:
        ret = slc_pl_attr_enum(a, types, type);
        if (ret == 0) {
            r->type = strdup(types[*type]);
            ret = r->type ? 0 : SLC_ENOMEM;
        }
        break;
    case 1:
        return attr_string(p, a, &r->group_id);
    case 2:
        return attr_string(p, a, &r->name);
    case 3:
        return attr_string(p, a, &r->language);
    case 4:
        return attr_string(p, a, &r->uri);
    case 5:
        ret = slc_pl_attr_enum(a, yesno, &r->is_default);
        break;
    case 6:
        ret = slc_pl_attr_enum(a, yesno, &r->autoselect);
        break;
    case 7:
        return attr_channels(p, a, &r->channels);
    default:
        return 0;
    }
    if (ret < 0) {
        return slc_pl_parse_fail(p, ret, "bad value for %.*s", (int)a->name_len, a->name);
    }
    return 0;
}

/* Attributes into `r`, then the RFC rules the writer also enforces. */
static int parse_rendition(struct slc_pl_parser *p, const char *v, size_t n,
                           struct slc_pl_rendition *r, int *type)
{
    static const char *const names[] = {"TYPE",    "GROUP-ID",   "NAME",     "LANGUAGE", "URI",
                                        "DEFAULT", "AUTOSELECT", "CHANNELS", NULL};
    char why[ATTR_WHY];
    struct slc_pl_attr a;
    unsigned seen = 0;
    size_t pos = 0;
    int ret;

    while ((ret = slc_pl_attr_next(v, n, &pos, &a, why, sizeof(why))) > 0) {
        int idx = attr_index(p, &a, names, &seen);

        if (idx == SLC_EPROTO) {
            return idx;
        }
        ret = rendition_attr(p, r, &a, idx, type);
        if (ret < 0) {
            return ret;
        }
    }
    if (ret < 0) {
        return slc_pl_parse_fail(p, ret, "EXT-X-MEDIA: %s", why);
    }
    /* AUTOSELECT absent with DEFAULT=YES is allowed; we always write it, so say YES. */
    if (r->is_default && !(seen & (1u << 6))) {
        r->autoselect = 1;
    }
    return 0;
}

int slc_pl_parse_media_tag(struct slc_pl_parser *p, const char *v, size_t n)
{
    struct slc_pl_rendition r = {0};
    char why[ATTR_WHY];
    int type = -1, ret;

    ret = parse_rendition(p, v, n, &r, &type);
    if (ret < 0) {
        goto out;
    }
    /* CLOSED-CAPTIONS need INSTREAM-ID, which the model does not carry: skipped. */
    if (type == 3) {
        goto out;
    }
    ret = slc_pl_rendition_check(&r, why, sizeof(why));
    if (ret == 0) {
        ret = slc_pl_multi_add_rendition(p->multi, &r);
    }
    if (ret < 0) {
        ret = slc_pl_parse_fail(p, ret, "EXT-X-MEDIA: %s",
                                ret == SLC_EPROTO ? why : slc_strerror(ret));
    }
out:
    free(r.type);
    free(r.group_id);
    free(r.name);
    free(r.language);
    free(r.uri);
    return ret;
}

int slc_pl_parse_multi_finish(struct slc_pl_parser *p)
{
    char why[ATTR_WHY];
    int ret;

    if (p->have_var) {
        return slc_pl_parse_fail(p, SLC_EPROTO, "EXT-X-STREAM-INF without a URI line at end");
    }
    p->multi->version = p->version;
    p->multi->independent_segments = p->independent;
    ret = slc_pl_multi_check(p->multi, why, sizeof(why));
    if (ret < 0) {
        return slc_pl_parse_fail(p, ret, "%s", why);
    }
    return SLC_PL_KIND_MULTIVARIANT;
}
