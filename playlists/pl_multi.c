/* SPDX-License-Identifier: MIT */
/* The multivariant playlist (RFC 8216 4.3.4): variants, alternate renditions, their checks
 * and the writer. Knows nothing of the media playlists it points to. */
#include "pl_internal.h"
#include "slc_playlist.h"

#include "slc_err.h"
#include "slc_log.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Highest FRAME-RATE we accept; keeps "%.3f" short and exact. */
#define FRAME_RATE_MAX 1000000.0

void slc_pl_multi_init(struct slc_pl_multivariant *mv)
{
    memset(mv, 0, sizeof(*mv));
}

static void variant_free(struct slc_pl_variant *v)
{
    free(v->uri);
    free(v->codecs);
    free(v->audio_group);
}

static void rendition_free(struct slc_pl_rendition *r)
{
    free(r->type);
    free(r->group_id);
    free(r->name);
    free(r->language);
    free(r->uri);
}

void slc_pl_multi_deinit(struct slc_pl_multivariant *mv)
{
    for (size_t i = 0; i < mv->nvariants; i++) {
        variant_free(&mv->variants[i]);
    }
    for (size_t i = 0; i < mv->nrenditions; i++) {
        rendition_free(&mv->renditions[i]);
    }
    free(mv->variants);
    free(mv->renditions);
    slc_pl_multi_init(mv);
}

int slc_pl_variant_check(const struct slc_pl_variant *v, char *why, size_t why_cap)
{
    if (!slc_pl_is_uri_line(v->uri) || v->bandwidth == 0) {
        slc_pl_why(why, why_cap, "variant without URI or BANDWIDTH");
        return SLC_EPROTO;
    }
    if ((v->codecs && !slc_pl_is_quotable(v->codecs)) ||
        (v->audio_group && !slc_pl_is_quotable(v->audio_group))) {
        slc_pl_why(why, why_cap, "variant '%s': quoted value with '\"' or a line break", v->uri);
        return SLC_EPROTO;
    }
    if (v->width < 0 || v->height < 0 || (v->width == 0) != (v->height == 0)) {
        slc_pl_why(why, why_cap, "variant '%s': bad RESOLUTION %dx%d", v->uri, v->width, v->height);
        return SLC_EPROTO;
    }
    if (!isfinite(v->frame_rate) || v->frame_rate < 0 || v->frame_rate > FRAME_RATE_MAX) {
        slc_pl_why(why, why_cap, "variant '%s': bad FRAME-RATE", v->uri);
        return SLC_EPROTO;
    }
    return 0;
}

/* RFC 8216 4.3.4.1: TYPE is AUDIO, VIDEO, SUBTITLES or CLOSED-CAPTIONS. CLOSED-CAPTIONS needs
 * INSTREAM-ID, which the model does not carry, so it is refused here. */
static int rendition_type_ok(const char *type)
{
    return type && (strcmp(type, "AUDIO") == 0 || strcmp(type, "VIDEO") == 0 ||
                    strcmp(type, "SUBTITLES") == 0);
}

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_alnum(char c)
{
    return is_alpha(c) || (c >= '0' && c <= '9');
}

/* RFC 8216 4.3.4.1: LANGUAGE is an RFC 5646 tag. Its well-formedness in short (2.1): subtags
 * of 1 to 8 letters or digits joined by '-', the first 2 to 8 letters (a language), or "x"/"i"
 * followed by more subtags (private use, grandfathered "i-" tags). */
int slc_pl_language_ok(const char *tag)
{
    size_t len = 0, subtags = 0, first_len = 0;
    int first_alpha = 1;

    for (const char *c = tag;; c++) {
        if (*c == '-' || *c == '\0') {
            if (len < 1 || len > 8) {
                return 0;
            }
            if (subtags++ == 0) {
                first_len = len;
            }
            len = 0;
            if (*c == '\0') {
                break;
            }
            continue;
        }
        if (!is_alnum(*c)) {
            return 0;
        }
        first_alpha &= subtags > 0 || is_alpha(*c);
        len++;
    }
    if (!first_alpha) {
        return 0;
    }
    if (first_len == 1) {
        return (tag[0] == 'x' || tag[0] == 'X' || tag[0] == 'i' || tag[0] == 'I') && subtags > 1;
    }
    return 1;
}

int slc_pl_rendition_check(const struct slc_pl_rendition *r, char *why, size_t why_cap)
{
    if (!rendition_type_ok(r->type) || !r->group_id || !r->name) {
        slc_pl_why(why, why_cap, "rendition without TYPE, GROUP-ID or NAME");
        return SLC_EPROTO;
    }
    if (!slc_pl_is_quotable(r->group_id) || !slc_pl_is_quotable(r->name) ||
        (r->language && !slc_pl_is_quotable(r->language)) ||
        (r->uri && (!slc_pl_is_quotable(r->uri) || !r->uri[0]))) {
        slc_pl_why(why, why_cap, "rendition '%s': quoted value with '\"' or a line break", r->name);
        return SLC_EPROTO;
    }
    if (r->language && !slc_pl_language_ok(r->language)) {
        slc_pl_why(why, why_cap, "rendition '%s': LANGUAGE is not an RFC 5646 tag", r->name);
        return SLC_EPROTO;
    }
    /* RFC 8216bis 4.4.6.1: CHANNELS is an AUDIO attribute; its first parameter a count. */
    if (r->channels < 0 || (r->channels > 0 && strcmp(r->type, "AUDIO") != 0)) {
        slc_pl_why(why, why_cap, "rendition '%s': bad CHANNELS", r->name);
        return SLC_EPROTO;
    }
    if (strcmp(r->type, "SUBTITLES") == 0 && !r->uri) {
        slc_pl_why(why, why_cap, "SUBTITLES rendition '%s' without URI", r->name);
        return SLC_EPROTO;
    }
    /* RFC 8216 4.3.4.1: AUTOSELECT, if present, must be YES when DEFAULT is YES. We always
     * write AUTOSELECT. */
    if (r->is_default && !r->autoselect) {
        slc_pl_why(why, why_cap, "rendition '%s': DEFAULT=YES needs AUTOSELECT=YES", r->name);
        return SLC_EPROTO;
    }
    return 0;
}

/* RFC 8216 4.3.4.2: AUDIO must name the GROUP-ID of an EXT-X-MEDIA with TYPE=AUDIO. */
static int audio_group_exists(const struct slc_pl_multivariant *mv, const char *group)
{
    for (size_t i = 0; i < mv->nrenditions; i++) {
        const struct slc_pl_rendition *r = &mv->renditions[i];

        if (r->type && strcmp(r->type, "AUDIO") == 0 && r->group_id &&
            strcmp(r->group_id, group) == 0) {
            return 1;
        }
    }
    return 0;
}

/* RFC 8216 4.3.4.1.1, rendition `i` against the earlier members of its group: one TYPE per
 * group, a different NAME for each member, at most one DEFAULT=YES. */
static int group_check(const struct slc_pl_multivariant *mv, size_t i, char *why, size_t why_cap)
{
    const struct slc_pl_rendition *r = &mv->renditions[i];

    for (size_t k = 0; k < i; k++) {
        const struct slc_pl_rendition *o = &mv->renditions[k];
        if (strcmp(o->group_id, r->group_id) != 0) {
            continue;
        }
        if (strcmp(o->type, r->type) != 0) {
            slc_pl_why(why, why_cap, "group \"%s\" mixes %s and %s", r->group_id, o->type, r->type);
            return SLC_EPROTO;
        }
        if (strcmp(o->name, r->name) == 0) {
            slc_pl_why(why, why_cap, "group \"%s\": two renditions named '%s'", r->group_id,
                       r->name);
            return SLC_EPROTO;
        }
        if (o->is_default && r->is_default) {
            slc_pl_why(why, why_cap, "group \"%s\": more than one DEFAULT=YES", r->group_id);
            return SLC_EPROTO;
        }
    }
    return 0;
}

int slc_pl_multi_check(const struct slc_pl_multivariant *mv, char *why, size_t why_cap)
{
    int ret;

    if (mv->nvariants == 0 || mv->nvariants > SLC_PL_MAX_VARIANTS ||
        mv->nrenditions > SLC_PL_MAX_RENDITIONS) {
        slc_pl_why(why, why_cap, "%zu variants, %zu renditions", mv->nvariants, mv->nrenditions);
        return SLC_EPROTO;
    }
    if (mv->version < 0) {
        slc_pl_why(why, why_cap, "negative version");
        return SLC_EPROTO;
    }
    for (size_t i = 0; i < mv->nrenditions; i++) {
        ret = slc_pl_rendition_check(&mv->renditions[i], why, why_cap);
        if (ret == 0) {
            ret = group_check(mv, i, why, why_cap);
        }
        if (ret < 0) {
            return ret;
        }
    }
    for (size_t i = 0; i < mv->nvariants; i++) {
        const struct slc_pl_variant *v = &mv->variants[i];

        ret = slc_pl_variant_check(v, why, why_cap);
        if (ret < 0) {
            return ret;
        }
        if (v->audio_group && !audio_group_exists(mv, v->audio_group)) {
            slc_pl_why(why, why_cap, "variant '%s': no AUDIO group \"%s\"", v->uri, v->audio_group);
            return SLC_EPROTO;
        }
    }
    return 0;
}

/* `arr` (holding `n` elements of `size` bytes) reallocated to room for one more, up to
 * `max`; NULL with `*ret` set on failure (the old array is kept). Arrays stay small: grow by
 * one, no spare capacity to track. */
static void *grow(void *arr, size_t n, size_t size, size_t max, int *ret)
{
    void *p;

    if (n >= max) {
        *ret = SLC_ELIMIT;
        return NULL;
    }
    p = realloc(arr, (n + 1) * size);
    if (!p) {
        *ret = SLC_ENOMEM;
    }
    return p;
}

int slc_pl_multi_add_variant(struct slc_pl_multivariant *mv, const struct slc_pl_variant *v)
{
    struct slc_pl_variant copy = *v;
    void *p;
    int ret = 0;

    if (slc_pl_variant_check(v, NULL, 0) < 0) {
        return SLC_EINVAL;
    }
    p = grow(mv->variants, mv->nvariants, sizeof(*v), SLC_PL_MAX_VARIANTS, &ret);
    if (!p) {
        goto out;
    }
    mv->variants = p;
    copy.uri = slc_pl_strdup(v->uri, &ret);
    copy.codecs = slc_pl_strdup(v->codecs, &ret);
    copy.audio_group = slc_pl_strdup(v->audio_group, &ret);
    if (ret < 0) {
        variant_free(&copy);
        goto out;
    }
    mv->variants[mv->nvariants++] = copy;
out:
    if (ret == SLC_ENOMEM) {
        slc_log_error("playlists: add_variant failed '%s': %s", v->uri, slc_strerror(ret));
    }
    return ret;
}

int slc_pl_multi_add_rendition(struct slc_pl_multivariant *mv, const struct slc_pl_rendition *r)
{
    struct slc_pl_rendition copy = *r;
    void *p;
    int ret = 0;

    if (slc_pl_rendition_check(r, NULL, 0) < 0) {
        return SLC_EINVAL;
    }
    p = grow(mv->renditions, mv->nrenditions, sizeof(*r), SLC_PL_MAX_RENDITIONS, &ret);
    if (!p) {
        goto out;
    }
    mv->renditions = p;
    copy.type = slc_pl_strdup(r->type, &ret);
    copy.group_id = slc_pl_strdup(r->group_id, &ret);
    copy.name = slc_pl_strdup(r->name, &ret);
    copy.language = slc_pl_strdup(r->language, &ret);
    copy.uri = slc_pl_strdup(r->uri, &ret);
    if (ret < 0) {
        rendition_free(&copy);
        goto out;
    }
    mv->renditions[mv->nrenditions++] = copy;
out:
    if (ret == SLC_ENOMEM) {
        slc_log_error("playlists: add_rendition failed '%s': %s", r->name, slc_strerror(ret));
    }
    return ret;
}

static int write_rendition(const struct slc_pl_rendition *r, struct slc_buf *out)
{
    int ret;

    /* Attribute order of RFC 8216 8.6's example. */
    ret = slc_buf_printf(out, "#EXT-X-MEDIA:TYPE=%s,GROUP-ID=\"%s\"", r->type, r->group_id);
    if (ret == 0 && r->language) {
        ret = slc_buf_printf(out, ",LANGUAGE=\"%s\"", r->language);
    }
    if (ret == 0) {
        ret = slc_buf_printf(out, ",NAME=\"%s\",DEFAULT=%s,AUTOSELECT=%s", r->name,
                             r->is_default ? "YES" : "NO", r->autoselect ? "YES" : "NO");
    }
    if (ret == 0 && r->channels > 0) {
        ret = slc_buf_printf(out, ",CHANNELS=\"%d\"", r->channels);
    }
    if (ret == 0 && r->uri) {
        ret = slc_buf_printf(out, ",URI=\"%s\"", r->uri);
    }
    return ret < 0 ? ret : slc_buf_append(out, "\n", 1);
}

static int write_variant(const struct slc_pl_variant *v, struct slc_buf *out)
{
    int ret;

    ret = slc_buf_printf(out, "#EXT-X-STREAM-INF:BANDWIDTH=%" PRIu64, v->bandwidth);
    if (ret == 0 && v->average_bandwidth) {
        ret = slc_buf_printf(out, ",AVERAGE-BANDWIDTH=%" PRIu64, v->average_bandwidth);
    }
    if (ret == 0 && v->codecs) {
        ret = slc_buf_printf(out, ",CODECS=\"%s\"", v->codecs);
    }
    if (ret == 0 && v->width > 0) {
        ret = slc_buf_printf(out, ",RESOLUTION=%dx%d", v->width, v->height);
    }
    if (ret == 0 && v->frame_rate > 0) {
        ret = slc_buf_printf(out, ",FRAME-RATE=%.3f", v->frame_rate);
    }
    if (ret == 0 && v->audio_group) {
        ret = slc_buf_printf(out, ",AUDIO=\"%s\"", v->audio_group);
    }
    return ret < 0 ? ret : slc_buf_printf(out, "\n%s\n", v->uri);
}

int slc_pl_multi_write(const struct slc_pl_multivariant *mv, struct slc_buf *out)
{
    size_t start = out->len;
    char why[256];
    int ret;

    ret = slc_pl_multi_check(mv, why, sizeof(why));
    if (ret < 0) {
        slc_log_error("playlists: multi_write failed 'check': %s", why);
        return ret;
    }
    /* No tag we write in a multivariant playlist needs more than version 1 (RFC 8216 7). */
    ret = slc_buf_printf(out, "#EXTM3U\n#EXT-X-VERSION:%d\n", mv->version ? mv->version : 1);
    if (ret == 0 && mv->independent_segments) {
        ret = slc_buf_append_str(out, "#EXT-X-INDEPENDENT-SEGMENTS\n");
    }
    for (size_t i = 0; ret == 0 && i < mv->nrenditions; i++) {
        ret = write_rendition(&mv->renditions[i], out);
    }
    for (size_t i = 0; ret == 0 && i < mv->nvariants; i++) {
        ret = write_variant(&mv->variants[i], out);
    }
    if (ret < 0) {
        slc_log_error("playlists: multi_write failed 'buffer': %s", slc_strerror(ret));
        out->len = start;
        if (out->data) {
            out->data[start] = '\0';
        }
    }
    return ret;
}
