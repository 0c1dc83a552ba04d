/* SPDX-License-Identifier: MIT */
/* The m3u8 model: media and multivariant playlists, their writer, parser and the RFC 8216
 * (and 8216bis LL-HLS) rule checks. Plain C: no FFmpeg, no HTTP, no I/O of its own. */
#ifndef SLC_PLAYLIST_H
#define SLC_PLAYLIST_H

#include "slc_buf.h"

#include <stddef.h>
#include <stdint.h>

/* Named ceilings for parsing untrusted text. */
#define SLC_PL_MAX_SEGMENTS 100000
#define SLC_PL_MAX_VARIANTS 256
#define SLC_PL_MAX_RENDITIONS 256 /* EXT-X-MEDIA lines */
#define SLC_PL_MAX_LINE 8192
#define SLC_PL_MAX_PARTS 1000 /* EXT-X-PART lines of one segment */

enum slc_pl_type {
    SLC_PL_TYPE_NONE = 0, /* sliding-window live: no EXT-X-PLAYLIST-TYPE */
    SLC_PL_TYPE_VOD,
    SLC_PL_TYPE_EVENT,
};

/** One LL-HLS partial segment (RFC 8216bis 4.4.4.9 EXT-X-PART). Strings owned by the
 * playlist. */
struct slc_pl_part {
    char *uri;
    int64_t duration_us;
    int64_t byterange_length; /* BYTERANGE; -1 = absent */
    int64_t byterange_offset; /* -1 = absent (follows the previous part of the same URI) */
    int independent;          /* INDEPENDENT=YES */
};

/** One media segment. Strings are owned by the playlist. */
struct slc_pl_segment {
    char *uri;
    int64_t duration_us;          /* exact duration from timestamps, microseconds */
    char *title;                  /* EXTINF title, may be NULL */
    int discontinuity;            /* EXT-X-DISCONTINUITY precedes this segment */
    int64_t program_date_time_ms; /* EXT-X-PROGRAM-DATE-TIME, ms since epoch; 0 = absent */
    int64_t byterange_length;     /* EXT-X-BYTERANGE; -1 = absent */
    int64_t byterange_offset;     /* -1 = absent (implicit: follows the previous range) */
    uint64_t bytes;               /* size of the segment; not written, used for bandwidth */
    struct slc_pl_part *parts;    /* its EXT-X-PART lines, owned; add_segment ignores the
                                     caller's and moves the playlist's pending parts here */
    size_t nparts;
};

struct slc_pl_media {
    int version;         /* EXT-X-VERSION; 0 on write = the lowest the tags allow */
    int target_duration; /* EXT-X-TARGETDURATION, seconds, >= 1 */
    uint64_t media_sequence;
    uint64_t discontinuity_sequence;
    enum slc_pl_type type;
    int endlist;              /* EXT-X-ENDLIST */
    int independent_segments; /* EXT-X-INDEPENDENT-SEGMENTS */
    struct slc_pl_segment *segs;
    size_t nsegs;
    size_t cap;
    /* LL-HLS (RFC 8216bis 4.4.3.7/4.4.3.8): all 0 = a standard playlist. */
    int64_t part_target_us;    /* EXT-X-PART-INF PART-TARGET */
    int can_block_reload;      /* EXT-X-SERVER-CONTROL CAN-BLOCK-RELOAD=YES */
    int64_t part_hold_back_us; /* PART-HOLD-BACK; 0 = absent */
    int64_t hold_back_us;      /* HOLD-BACK; 0 = absent */
    struct slc_pl_part *tail;  /* parts of the segment in progress, after the last segment */
    size_t ntail;
    char *hint_uri;     /* EXT-X-PRELOAD-HINT TYPE=PART URI; NULL = absent */
    int64_t hint_start; /* its BYTERANGE-START; -1 = absent */
};

/** A variant stream (EXT-X-STREAM-INF + URI). Strings owned by the playlist. */
struct slc_pl_variant {
    char *uri;
    uint64_t bandwidth;         /* peak segment bit rate, bits/s, required */
    uint64_t average_bandwidth; /* 0 = absent */
    char *codecs;               /* RFC 6381 list, e.g. "avc1.64001f,mp4a.40.2"; NULL = absent */
    int width, height;          /* RESOLUTION; 0 = absent */
    double frame_rate;          /* FRAME-RATE; 0 = absent */
    char *audio_group;          /* AUDIO="..."; NULL = absent */
};

/** An alternate rendition (EXT-X-MEDIA). */
struct slc_pl_rendition {
    char *type; /* "AUDIO", "SUBTITLES", ... */
    char *group_id;
    char *name;
    char *language; /* may be NULL */
    char *uri;      /* may be NULL */
    int is_default;
    int autoselect;
    int channels; /* CHANNELS="N" (RFC 8216bis 4.4.6.1, AUDIO only): channel count; 0 = absent */
};

struct slc_pl_multivariant {
    int version; /* 0 on write = lowest allowed */
    int independent_segments;
    struct slc_pl_variant *variants;
    size_t nvariants;
    struct slc_pl_rendition *renditions;
    size_t nrenditions;
};

/* ---- media playlist ---- */

/** Initialise an empty media playlist in caller's storage. */
void slc_pl_media_init(struct slc_pl_media *pl);
/** Free everything the playlist owns; it is empty (re-initialised) afterwards. */
void slc_pl_media_deinit(struct slc_pl_media *pl);

/** Append a segment; `seg->uri` and `seg->title` are copied (the caller keeps its strings).
 * 0, SLC_ENOMEM, SLC_ELIMIT (more than SLC_PL_MAX_SEGMENTS), SLC_EINVAL (NULL or empty uri,
 * uri starting with '#', duration < 0, uri or title with CR/LF). */
int slc_pl_media_add_segment(struct slc_pl_media *pl, const struct slc_pl_segment *seg);

/** Drop `n` segments from the head: media_sequence += n, and discontinuity_sequence += the
 * number of dropped segments that carried a discontinuity (RFC 8216 6.2.2). `n` larger than
 * nsegs drops everything. A new head whose EXT-X-BYTERANGE offset was implicit gets it made
 * explicit (its predecessor is gone). */
void slc_pl_media_drop_head(struct slc_pl_media *pl, size_t n);

/** Append an LL-HLS part to the segment in progress (it moves into the next segment that
 * slc_pl_media_add_segment appends). `part->uri` is copied. 0, SLC_ENOMEM, SLC_ELIMIT (more
 * than SLC_PL_MAX_PARTS pending), SLC_EINVAL (uri not a single-line quotable string,
 * duration < 0, bad byte range). */
int slc_pl_media_add_part(struct slc_pl_media *pl, const struct slc_pl_part *part);

/** Drop the EXT-X-PART lines of every listed segment except the last `keep` (RFC 8216bis
 * 6.2.2: parts older than about three target durations leave the playlist). */
void slc_pl_media_drop_parts(struct slc_pl_media *pl, size_t keep);

/** Drop the pending parts of the segment in progress and the preload hint (the segment was
 * abandoned, or the stream ended). */
void slc_pl_media_clear_tail(struct slc_pl_media *pl);

/** Set (uri copied) or clear (uri NULL) the EXT-X-PRELOAD-HINT TYPE=PART; `start` is its
 * BYTERANGE-START or -1. 0, SLC_ENOMEM, SLC_EINVAL (uri not quotable, start < -1). */
int slc_pl_media_set_preload_hint(struct slc_pl_media *pl, const char *uri, int64_t start);

/** Smallest integer target duration that covers every segment (each EXTINF rounded to
 * the nearest integer must be <= it; RFC 8216 4.3.3.1); at least 1. */
int slc_pl_media_min_target(const struct slc_pl_media *pl);

/** Check the playlist against RFC 8216 rules (target duration >= 1 and covering every
 * segment, URIs present and single-line, ENDLIST/type consistency, byterange sanity,
 * an explicit version high enough for the tags, sequence numbers within 64 bits,
 * program date-times within years 0000-9999; LL-HLS: every part <= PART-TARGET as written,
 * parts and hint only with PART-TARGET, PART-HOLD-BACK >= 2x PART-TARGET, HOLD-BACK >= 3x the
 * target duration, CAN-BLOCK-RELOAD with PART-TARGET). The target duration rule rounds the EXTINF
 * value as written (3 decimals): 6.4994 s passes a target of 6, 6.4995 s (written 6.500) does
 * not. Returns 0 or SLC_EPROTO; on failure `why` (if not NULL) gets a one-line reason. */
int slc_pl_media_check(const struct slc_pl_media *pl, char *why, size_t why_cap);

/** Render the playlist into `out` (appended). Checks it first (SLC_EPROTO on violation).
 * `base_url` (may be NULL or "") prefixes every relative segment URI (one without a scheme
 * and not starting with "//"), joined with exactly one '/'; SLC_EINVAL if it holds CR/LF.
 * EXTINF is written with millisecond precision, rounded half-up. Returns 0 or a negative
 * slc_err (SLC_ELIMIT at out's ceiling); on failure `out` is left as it was. */
int slc_pl_media_write(const struct slc_pl_media *pl, const char *base_url, struct slc_buf *out);

/** The same playlist without its LL-HLS tags (PART-INF, SERVER-CONTROL, PART, PRELOAD-HINT):
 * what a server that cannot block reloads or serve parts (files on disk) may publish. */
int slc_pl_media_write_standard(const struct slc_pl_media *pl, const char *base_url,
                                struct slc_buf *out);

/** Check that `next` is an allowed update of `prev` (RFC 8216 6.2.1/6.2.2: only appends, head
 * removal with matching sequence bumps, ENDLIST added; same target duration and type; a VOD
 * or ended playlist never changes; an EVENT playlist only appends). Segments in both must
 * have the same URI, EXTINF as written (ms) and discontinuity flag. Meant for consecutive
 * updates: removing more segments than `prev` lists is refused. 0 or SLC_EPROTO with `why`. */
int slc_pl_media_check_update(const struct slc_pl_media *prev, const struct slc_pl_media *next,
                              char *why, size_t why_cap);

/* ---- multivariant playlist ---- */

void slc_pl_multi_init(struct slc_pl_multivariant *mv);
void slc_pl_multi_deinit(struct slc_pl_multivariant *mv);
/** Append a variant (strings copied). 0, SLC_ENOMEM, SLC_ELIMIT, SLC_EINVAL (no URI or
 * BANDWIDTH, '"' or CR/LF in a quoted value, half a RESOLUTION, FRAME-RATE < 0 or > 1e6). */
int slc_pl_multi_add_variant(struct slc_pl_multivariant *mv, const struct slc_pl_variant *v);
/** Append a rendition (strings copied). 0, SLC_ENOMEM, SLC_ELIMIT (SLC_PL_MAX_RENDITIONS),
 * SLC_EINVAL (TYPE not AUDIO/VIDEO/SUBTITLES -- CLOSED-CAPTIONS needs INSTREAM-ID, which the
 * model lacks --, no GROUP-ID or NAME, '"' or CR/LF in a value, SUBTITLES without URI,
 * DEFAULT without AUTOSELECT, LANGUAGE not a well-formed RFC 5646 tag, CHANNELS < 0 or on a
 * non-AUDIO rendition). Rules across a group are checked when the playlist is written. */
int slc_pl_multi_add_rendition(struct slc_pl_multivariant *mv, const struct slc_pl_rendition *r);
/** Render into `out` (appended); SLC_EPROTO if a variant lacks BANDWIDTH or URI, there is no
 * variant, an AUDIO group names no TYPE=AUDIO rendition, or a group breaks RFC 8216 4.3.4.1.1
 * (members of different TYPEs, two with the same NAME, more than one DEFAULT=YES). EXT-X-VERSION is
 * mv->version, or 1 when 0 (nothing we write needs more). On failure `out` is left as it was. */
int slc_pl_multi_write(const struct slc_pl_multivariant *mv, struct slc_buf *out);

/** 1 if `tag` is a well-formed RFC 5646 language tag (2.1, syntax only: subtags of 1-8
 * letters/digits joined by '-', the first 2-8 letters, or "x-"/"i-" and more subtags). */
int slc_pl_language_ok(const char *tag);

/* ---- parser ---- */

enum slc_pl_kind {
    SLC_PL_KIND_MEDIA = 1,
    SLC_PL_KIND_MULTIVARIANT = 2,
};

/** Parse m3u8 text (need not be NUL-terminated). Accepts LF and CRLF; unknown tags are
 * ignored as RFC 8216 4.1 requires; malformed known tags are errors. On success returns
 * SLC_PL_KIND_MEDIA (filling *media, which must be initialised) or SLC_PL_KIND_MULTIVARIANT
 * (filling *multi). Either output may be NULL when that kind is not wanted (SLC_EPROTO if the
 * text is of that kind). On failure returns SLC_EPROTO (or SLC_ENOMEM/SLC_ELIMIT: a line over
 * SLC_PL_MAX_LINE, too many segments/variants/renditions) with a one-line reason naming the
 * line number in `why`; outputs may hold partial data and must be deinit'd. It checks syntax
 * and structure, not every rule: run slc_pl_media_check on the result. Tags the model does not
 * carry (EXT-X-KEY, EXT-X-MAP, EXT-X-SKIP, rendition reports, CLOSED-CAPTIONS renditions) are
 * skipped; EXT-X-PART-INF, EXT-X-SERVER-CONTROL, EXT-X-PART and EXT-X-PRELOAD-HINT TYPE=PART
 * are parsed. Safe on
 * hostile input (it is fuzzed). */
int slc_pl_parse(const char *text, size_t len, struct slc_pl_media *media,
                 struct slc_pl_multivariant *multi, char *why, size_t why_cap);

#endif
