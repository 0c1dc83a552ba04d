/* SPDX-License-Identifier: MIT */
/* Alternate audio renditions, FFmpeg-free: the language tag and NAME of a track from its
 * container metadata, its folder name, and its EXT-X-MEDIA entries in a multivariant
 * playlist. One place, used by the disk store and the JIT VOD renderer alike. */
#ifndef SLC_SEG_RENDITIONS_H
#define SLC_SEG_RENDITIONS_H

#include "slc_playlist.h"
#include "slc_seg_sink.h"

#include <stddef.h>

/* GROUP-ID of the audio group and the folder of alternate k (1-based): "audio_<k>". */
#define SLC_SEG_AUDIO_GROUP "audio"
#define SLC_SEG_AUDIO_DIR_PREFIX "audio_"

/** Folder name of alternate audio rendition `k` (>= 1) into `out`. 0 or SLC_ELIMIT. */
int slc_seg_audio_dir(int k, char *out, size_t cap);

/** Base URL of alternate rendition k's segment URIs: `base` (may be NULL or "") joined with
 * "audio_<k>" by one '/', or "" when `base` is empty. 0 or SLC_ELIMIT. */
int slc_seg_audio_base_url(const char *base, int k, char *out, size_t cap);

/** Rendition number k >= 1 named by the folder `name` of `n` bytes ("audio_<k>", canonical
 * spelling only), or -1. */
int slc_seg_audio_dir_parse(const char *name, size_t n);

/** Normalise a container's language tag `raw` (may be NULL) to RFC 5646: ISO 639-2 codes
 * with a two-letter ISO 639-1 equivalent become it ("eng" -> "en", "fre"/"fra" -> "fr"),
 * other well-formed tags are kept; "und", empty and malformed ones give "" (LANGUAGE left
 * out). `out` gets at most cap - 1 characters (a longer tag gives ""). */
void slc_seg_language_tag(const char *raw, char *out, size_t cap);

/** Fill a->name for audio track `index` (0-based among the file's audio tracks): its title
 * when it is printable and short, else the English name of its language, else its tag,
 * else "Audio <index + 1>"; then made unique against the names in prev[0..nprev). */
void slc_seg_audio_name(struct slc_seg_audio_desc *a, const char *title, int index,
                        const struct slc_seg_audio_desc *prev, int nprev);

/** With d->naudio >= 2: add one EXT-X-MEDIA TYPE=AUDIO entry per audio track to `mv` (the
 * main one DEFAULT=YES without URI, its media being in the variant; alternates DEFAULT=NO
 * with URI "audio_<k>/<media_playlist>"; all AUTOSELECT=YES) and set v->audio_group. With
 * fewer, nothing. 0 or a negative slc_err from the playlists library. */
int slc_seg_audio_group_add(const struct slc_seg_stream_desc *d, const char *media_playlist,
                            struct slc_pl_multivariant *mv, struct slc_pl_variant *v);

#endif
