/* SPDX-License-Identifier: MIT */
/* Parser state shared by pl_parse.c (lines, media playlist tags) and pl_parse_multi.c
 * (multivariant tags). Internal to playlists/. */
#ifndef SLC_PL_PARSE_H
#define SLC_PL_PARSE_H

#include "slc_playlist.h"

#include <stddef.h>

struct slc_pl_parser {
    struct slc_pl_media *media;
    struct slc_pl_multivariant *multi;
    char *why;
    size_t why_cap;
    size_t lineno;
    int kind; /* 0 until a kind-specific tag is seen, then enum slc_pl_kind */
    int version;
    int independent;
    unsigned seen; /* PL_SEEN_* bits: header tags already present once */
    int seen_server_control;

    /* Tags waiting for the URI line of their segment. */
    struct slc_pl_segment seg;
    int have_extinf;
    int seg_tags; /* any segment tag pending */

    /* EXT-X-STREAM-INF waiting for its URI line. */
    struct slc_pl_variant var;
    int have_var;
};

/** Record a failure: `why` gets "line N: <reason>"; returns `err`. */
int slc_pl_parse_fail(struct slc_pl_parser *p, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/** Declare the playlist kind the current line implies; SLC_EPROTO when it contradicts an
 * earlier line or the caller passed no output for it. */
int slc_pl_parse_kind(struct slc_pl_parser *p, int kind);

/** EXT-X-STREAM-INF and EXT-X-MEDIA attribute lists (value: text after ':'). */
int slc_pl_parse_stream_inf(struct slc_pl_parser *p, const char *v, size_t n);
int slc_pl_parse_media_tag(struct slc_pl_parser *p, const char *v, size_t n);
/** LL-HLS tags (pl_parse_ll.c). */
int slc_pl_parse_part_inf(struct slc_pl_parser *p, const char *v, size_t n);
int slc_pl_parse_server_control(struct slc_pl_parser *p, const char *v, size_t n);
int slc_pl_parse_part(struct slc_pl_parser *p, const char *v, size_t n);
int slc_pl_parse_preload_hint(struct slc_pl_parser *p, const char *v, size_t n);
/** The URI line after EXT-X-STREAM-INF. */
int slc_pl_parse_variant_uri(struct slc_pl_parser *p, char *line);
/** End-of-input checks of a multivariant playlist. */
int slc_pl_parse_multi_finish(struct slc_pl_parser *p);
/** Free the pending variant's strings. */
void slc_pl_parse_variant_reset(struct slc_pl_parser *p);

#endif
