/* SPDX-License-Identifier: MIT */
/* The m3u8 parser (RFC 8216 4): splits lines, dispatches tags and builds the media playlist
 * model; multivariant tags are in pl_parse_multi.c. Hostile input is expected: every line,
 * number and list is bounded, unknown tags and comments are ignored (RFC 8216 4.1). */
#include "pl_internal.h"
#include "pl_parse.h"

#include "slc_err.h"
#include "slc_log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    PL_SEEN_VERSION = 1u << 0,
    PL_SEEN_TARGET = 1u << 1,
    PL_SEEN_MSEQ = 1u << 2,
    PL_SEEN_DSEQ = 1u << 3,
    PL_SEEN_TYPE = 1u << 4,
};

/* Largest EXTINF integer part whose microseconds still fit an int64_t. */
#define EXTINF_MAX_S (INT64_MAX / 1000000 - 1)

int slc_pl_parse_fail(struct slc_pl_parser *p, int err, const char *fmt, ...)
{
    char reason[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(reason, sizeof(reason), fmt, ap);
    va_end(ap);
    slc_pl_why(p->why, p->why_cap, "line %zu: %s", p->lineno, reason);
    /* Bad input is the caller's to report (it has `why`); only say it at debug level. */
    slc_log_debug("playlists: parse failed 'line %zu': %s", p->lineno, reason);
    return err;
}

int slc_pl_parse_kind(struct slc_pl_parser *p, int kind)
{
    if (p->kind != 0 && p->kind != kind) {
        return slc_pl_parse_fail(p, SLC_EPROTO, "mixes media and multivariant playlist tags");
    }
    if ((kind == SLC_PL_KIND_MEDIA && !p->media) ||
        (kind == SLC_PL_KIND_MULTIVARIANT && !p->multi)) {
        return slc_pl_parse_fail(p, SLC_EPROTO, "unexpected %s playlist",
                                 kind == SLC_PL_KIND_MEDIA ? "media" : "multivariant");
    }
    p->kind = kind;
    return 0;
}

/* A header tag that may appear once (RFC 8216 4.3.3: "MUST NOT contain more than one"). */
static int once(struct slc_pl_parser *p, unsigned bit, const char *tag)
{
    if (p->seen & bit) {
        return slc_pl_parse_fail(p, SLC_EPROTO, "duplicate %s", tag);
    }
    p->seen |= bit;
    return 0;
}

static int segment_started(const struct slc_pl_parser *p)
{
    return (p->media && p->media->nsegs > 0) || p->seg_tags;
}

static int tag_version(struct slc_pl_parser *p, const char *v, size_t n)
{
    uint64_t x = 0;
    int ret = once(p, PL_SEEN_VERSION, "EXT-X-VERSION");

    if (ret == 0 && (slc_pl_text_uint(v, n, INT32_MAX, &x) < 0 || x == 0)) {
        ret = slc_pl_parse_fail(p, SLC_EPROTO, "bad EXT-X-VERSION");
    }
    p->version = ret == 0 ? (int)x : 0;
    return ret;
}

static int tag_target(struct slc_pl_parser *p, const char *v, size_t n)
{
    uint64_t x = 0;
    int ret = once(p, PL_SEEN_TARGET, "EXT-X-TARGETDURATION");

    if (ret == 0 && slc_pl_text_uint(v, n, INT32_MAX, &x) < 0) {
        ret = slc_pl_parse_fail(p, SLC_EPROTO, "bad EXT-X-TARGETDURATION");
    }
    if (ret == 0) {
        p->media->target_duration = (int)x;
    }
    return ret;
}

/* RFC 8216 4.3.3.2/4.3.3.3: the sequence numbers must precede the first segment. */
static int tag_sequence(struct slc_pl_parser *p, const char *v, size_t n, unsigned bit,
                        uint64_t *dst, const char *tag)
{
    int ret = once(p, bit, tag);

    if (ret == 0 && segment_started(p)) {
        ret = slc_pl_parse_fail(p, SLC_EPROTO, "%s after the first segment", tag);
    }
    if (ret == 0 && slc_pl_text_uint(v, n, UINT64_MAX, dst) < 0) {
        ret = slc_pl_parse_fail(p, SLC_EPROTO, "bad %s", tag);
    }
    return ret;
}

static int tag_mseq(struct slc_pl_parser *p, const char *v, size_t n)
{
    return tag_sequence(p, v, n, PL_SEEN_MSEQ, &p->media->media_sequence, "EXT-X-MEDIA-SEQUENCE");
}

static int tag_dseq(struct slc_pl_parser *p, const char *v, size_t n)
{
    return tag_sequence(p, v, n, PL_SEEN_DSEQ, &p->media->discontinuity_sequence,
                        "EXT-X-DISCONTINUITY-SEQUENCE");
}

static int tag_type(struct slc_pl_parser *p, const char *v, size_t n)
{
    int ret = once(p, PL_SEEN_TYPE, "EXT-X-PLAYLIST-TYPE");

    if (ret < 0) {
        return ret;
    }
    if (n == 3 && memcmp(v, "VOD", 3) == 0) {
        p->media->type = SLC_PL_TYPE_VOD;
    } else if (n == 5 && memcmp(v, "EVENT", 5) == 0) {
        p->media->type = SLC_PL_TYPE_EVENT;
    } else {
        return slc_pl_parse_fail(p, SLC_EPROTO, "bad EXT-X-PLAYLIST-TYPE");
    }
    return 0;
}

static int tag_endlist(struct slc_pl_parser *p, const char *v, size_t n)
{
    (void)v;
    (void)n;
    p->media->endlist = 1;
    return 0;
}

static int tag_independent(struct slc_pl_parser *p, const char *v, size_t n)
{
    (void)v;
    (void)n;
    p->independent = 1;
    return 0;
}

static int tag_discontinuity(struct slc_pl_parser *p, const char *v, size_t n)
{
    (void)v;
    (void)n;
    p->seg.discontinuity = 1;
    p->seg_tags = 1;
    return 0;
}

/* RFC 8216 4.3.2.1: #EXTINF:<duration>,[<title>]; the comma is tolerated when missing. */
static int tag_extinf(struct slc_pl_parser *p, const char *v, size_t n)
{
    const char *comma = memchr(v, ',', n);
    size_t dn = comma ? (size_t)(comma - v) : n;

    if (p->have_extinf) {
        return slc_pl_parse_fail(p, SLC_EPROTO, "EXTINF without a URI line");
    }
    if (dn > 0 && v[0] == '-') {
        return slc_pl_parse_fail(p, SLC_EPROTO, "negative EXTINF duration");
    }
    if (slc_pl_text_fixed(v, dn, 6, EXTINF_MAX_S, &p->seg.duration_us) < 0) {
        return slc_pl_parse_fail(p, SLC_EPROTO, "bad EXTINF duration");
    }
    if (comma && comma + 1 < v + n) {
        size_t tn = n - dn - 1;

        p->seg.title = malloc(tn + 1);
        if (!p->seg.title) {
            return slc_pl_parse_fail(p, SLC_ENOMEM, "EXTINF title: out of memory");
        }
        memcpy(p->seg.title, comma + 1, tn);
        p->seg.title[tn] = '\0';
    }
    p->have_extinf = 1;
    p->seg_tags = 1;
    return 0;
}

/* RFC 8216 4.3.2.2: #EXT-X-BYTERANGE:<n>[@<o>] */
static int tag_byterange(struct slc_pl_parser *p, const char *v, size_t n)
{
    const char *at = memchr(v, '@', n);
    size_t ln = at ? (size_t)(at - v) : n;
    uint64_t len, off = 0;

    if (p->seg.byterange_length >= 0) {
        return slc_pl_parse_fail(p, SLC_EPROTO, "duplicate EXT-X-BYTERANGE");
    }
    if (slc_pl_text_uint(v, ln, INT64_MAX, &len) < 0 ||
        (at && slc_pl_text_uint(at + 1, n - ln - 1, INT64_MAX, &off) < 0)) {
        return slc_pl_parse_fail(p, SLC_EPROTO, "bad EXT-X-BYTERANGE");
    }
    p->seg.byterange_length = (int64_t)len;
    p->seg.byterange_offset = at ? (int64_t)off : -1;
    p->seg_tags = 1;
    return 0;
}

static int tag_pdt(struct slc_pl_parser *p, const char *v, size_t n)
{
    if (p->seg.program_date_time_ms != 0) {
        return slc_pl_parse_fail(p, SLC_EPROTO, "duplicate EXT-X-PROGRAM-DATE-TIME");
    }
    if (slc_pl_time_parse(v, n, &p->seg.program_date_time_ms) < 0) {
        return slc_pl_parse_fail(p, SLC_EPROTO, "bad EXT-X-PROGRAM-DATE-TIME");
    }
    p->seg_tags = 1;
    return 0;
}

static int tag_extm3u(struct slc_pl_parser *p, const char *v, size_t n)
{
    (void)v;
    (void)n;
    return slc_pl_parse_fail(p, SLC_EPROTO, "#EXTM3U not on the first line");
}

typedef int (*tag_fn)(struct slc_pl_parser *p, const char *v, size_t n);

struct tag_def {
    const char *name;
    int kind;      /* 0: both kinds, else enum slc_pl_kind */
    int has_value; /* 1: "NAME:value" required, 0: bare "NAME" */
    tag_fn fn;
};

static const struct tag_def tags[] = {
    {"#EXTM3U", 0, 0, tag_extm3u},
    {"#EXT-X-VERSION", 0, 1, tag_version},
    {"#EXT-X-INDEPENDENT-SEGMENTS", 0, 0, tag_independent},
    {"#EXT-X-TARGETDURATION", SLC_PL_KIND_MEDIA, 1, tag_target},
    {"#EXT-X-MEDIA-SEQUENCE", SLC_PL_KIND_MEDIA, 1, tag_mseq},
    {"#EXT-X-DISCONTINUITY-SEQUENCE", SLC_PL_KIND_MEDIA, 1, tag_dseq},
    {"#EXT-X-PLAYLIST-TYPE", SLC_PL_KIND_MEDIA, 1, tag_type},
    {"#EXT-X-ENDLIST", SLC_PL_KIND_MEDIA, 0, tag_endlist},
    {"#EXT-X-DISCONTINUITY", SLC_PL_KIND_MEDIA, 0, tag_discontinuity},
    {"#EXTINF", SLC_PL_KIND_MEDIA, 1, tag_extinf},
    {"#EXT-X-BYTERANGE", SLC_PL_KIND_MEDIA, 1, tag_byterange},
    {"#EXT-X-PROGRAM-DATE-TIME", SLC_PL_KIND_MEDIA, 1, tag_pdt},
    {"#EXT-X-PART-INF", SLC_PL_KIND_MEDIA, 1, slc_pl_parse_part_inf},
    {"#EXT-X-SERVER-CONTROL", SLC_PL_KIND_MEDIA, 1, slc_pl_parse_server_control},
    {"#EXT-X-PART", SLC_PL_KIND_MEDIA, 1, slc_pl_parse_part},
    {"#EXT-X-PRELOAD-HINT", SLC_PL_KIND_MEDIA, 1, slc_pl_parse_preload_hint},
    {"#EXT-X-STREAM-INF", SLC_PL_KIND_MULTIVARIANT, 1, slc_pl_parse_stream_inf},
    {"#EXT-X-MEDIA", SLC_PL_KIND_MULTIVARIANT, 1, slc_pl_parse_media_tag},
};

static int parse_tag(struct slc_pl_parser *p, const char *line, size_t n)
{
    const char *colon = memchr(line, ':', n);
    size_t name_len = colon ? (size_t)(colon - line) : n;
    int ret;

    for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
        const struct tag_def *t = &tags[i];

        if (strlen(t->name) != name_len || memcmp(t->name, line, name_len) != 0) {
            continue;
        }
        if (t->has_value != (colon != NULL)) {
            return slc_pl_parse_fail(p, SLC_EPROTO, "%s %s value", t->name,
                                     t->has_value ? "needs a" : "takes no");
        }
        ret = t->kind ? slc_pl_parse_kind(p, t->kind) : 0;
        if (ret < 0) {
            return ret;
        }
        return colon ? t->fn(p, colon + 1, n - name_len - 1) : t->fn(p, NULL, 0);
    }
    return 0; /* RFC 8216 4.1: unknown tags are ignored */
}

static void segment_reset(struct slc_pl_parser *p)
{
    free(p->seg.title);
    memset(&p->seg, 0, sizeof(p->seg));
    p->seg.byterange_length = -1;
    p->seg.byterange_offset = -1;
    p->have_extinf = 0;
    p->seg_tags = 0;
}

static int segment_uri(struct slc_pl_parser *p, char *line)
{
    int ret;

    if (!p->have_extinf) {
        return slc_pl_parse_fail(p, SLC_EPROTO, "URI line without EXTINF");
    }
    p->seg.uri = line;
    ret = slc_pl_media_add_segment(p->media, &p->seg);
    p->seg.uri = NULL;
    segment_reset(p);
    if (ret < 0) {
        return slc_pl_parse_fail(p, ret, "segment: %s", slc_strerror(ret));
    }
    return 0;
}

static int parse_line(struct slc_pl_parser *p, char *line, size_t n)
{
    int ret;

    if (n == 0) {
        return 0; /* RFC 8216 4.1: blank lines are ignored */
    }
    if (memchr(line, '\r', n)) {
        return slc_pl_parse_fail(p, SLC_EPROTO, "stray carriage return");
    }
    if (line[0] == '#') {
        /* Tags start with "#EXT"; every other '#' line is a comment. */
        return n >= 4 && memcmp(line, "#EXT", 4) == 0 ? parse_tag(p, line, n) : 0;
    }
    if (p->have_var) {
        return slc_pl_parse_variant_uri(p, line);
    }
    if (p->kind == SLC_PL_KIND_MULTIVARIANT) {
        return slc_pl_parse_fail(p, SLC_EPROTO, "URI line without EXT-X-STREAM-INF");
    }
    ret = slc_pl_parse_kind(p, SLC_PL_KIND_MEDIA);
    return ret < 0 ? ret : segment_uri(p, line);
}

static int parse_finish(struct slc_pl_parser *p)
{
    if (p->kind == SLC_PL_KIND_MULTIVARIANT) {
        return slc_pl_parse_multi_finish(p);
    }
    if (slc_pl_parse_kind(p, SLC_PL_KIND_MEDIA) < 0) {
        return SLC_EPROTO;
    }
    if (p->have_extinf) {
        return slc_pl_parse_fail(p, SLC_EPROTO, "EXTINF without a URI line at end");
    }
    if (p->seg_tags) {
        return slc_pl_parse_fail(p, SLC_EPROTO, "segment tags without a segment at end");
    }
    if (!(p->seen & PL_SEEN_TARGET)) {
        return slc_pl_parse_fail(p, SLC_EPROTO, "no EXT-X-TARGETDURATION");
    }
    p->media->version = p->version;
    p->media->independent_segments = p->independent;
    return SLC_PL_KIND_MEDIA;
}

/* Each line (without its LF or CRLF) NUL-terminated into `line`, then parsed. */
static int parse_lines(struct slc_pl_parser *p, const char *text, size_t len, char *line)
{
    size_t pos = 0;
    int ret = 0;

    while (ret == 0 && pos < len) {
        const char *lf = memchr(text + pos, '\n', len - pos);
        size_t n = lf ? (size_t)(lf - text) - pos : len - pos;
        size_t next = pos + n + (lf != NULL);

        p->lineno++;
        if (n > 0 && text[pos + n - 1] == '\r') {
            n--;
        }
        if (n > SLC_PL_MAX_LINE) {
            return slc_pl_parse_fail(p, SLC_ELIMIT, "line longer than %d bytes", SLC_PL_MAX_LINE);
        }
        memcpy(line, text + pos, n);
        line[n] = '\0';
        ret = p->lineno == 1 ? 0 : parse_line(p, line, n);
        pos = next;
    }
    return ret;
}

/* RFC 8216 4.1: the first line is #EXTM3U; a byte order mark or NUL byte is an error. */
static int check_start(struct slc_pl_parser *p, const char *text, size_t len)
{
    size_t n = 0;

    p->lineno = 1;
    while (n < len && text[n] != '\n') {
        n++;
    }
    if (n > 0 && text[n - 1] == '\r') {
        n--;
    }
    if (n != 7 || memcmp(text, "#EXTM3U", 7) != 0) {
        return slc_pl_parse_fail(p, SLC_EPROTO, "does not start with #EXTM3U");
    }
    if (memchr(text, '\0', len)) {
        return slc_pl_parse_fail(p, SLC_EPROTO, "NUL byte in playlist");
    }
    p->lineno = 0;
    return 0;
}

int slc_pl_parse(const char *text, size_t len, struct slc_pl_media *media,
                 struct slc_pl_multivariant *multi, char *why, size_t why_cap)
{
    struct slc_pl_parser p = {.media = media, .multi = multi, .why = why, .why_cap = why_cap};
    char *line = NULL;
    int ret;

    segment_reset(&p);
    ret = check_start(&p, text, len);
    if (ret < 0) {
        goto out;
    }
    line = malloc(SLC_PL_MAX_LINE + 1);
    if (!line) {
        ret = slc_pl_parse_fail(&p, SLC_ENOMEM, "out of memory");
        goto out;
    }
    ret = parse_lines(&p, text, len, line);
    if (ret == 0) {
        ret = parse_finish(&p);
    }
out:
    segment_reset(&p);
    slc_pl_parse_variant_reset(&p);
    free(line);
    return ret;
}
