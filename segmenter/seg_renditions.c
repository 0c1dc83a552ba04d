/* SPDX-License-Identifier: MIT */
/* Alternate audio renditions: language tags, names, folders and EXT-X-MEDIA entries.
 * Plain C on the playlists library: no FFmpeg type reaches this file. */
#include "slc_seg_renditions.h"

#include "slc_err.h"

#include <stdio.h>
#include <string.h>

/* ISO 639-2 (bibliographic and terminology codes) -> ISO 639-1 and an English name, for the
 * languages media files carry most. RFC 5646 2.2.1: use the shortest ISO 639 code. */
static const struct lang {
    const char *b, *t, *two, *name;
} langs[] = {
    {"ara", "ara", "ar", "Arabic"},    {"chi", "zho", "zh", "Chinese"},
    {"cze", "ces", "cs", "Czech"},     {"dan", "dan", "da", "Danish"},
    {"dut", "nld", "nl", "Dutch"},     {"eng", "eng", "en", "English"},
    {"fin", "fin", "fi", "Finnish"},   {"fre", "fra", "fr", "French"},
    {"ger", "deu", "de", "German"},    {"gre", "ell", "el", "Greek"},
    {"heb", "heb", "he", "Hebrew"},    {"hin", "hin", "hi", "Hindi"},
    {"hun", "hun", "hu", "Hungarian"}, {"ind", "ind", "id", "Indonesian"},
    {"ita", "ita", "it", "Italian"},   {"jpn", "jpn", "ja", "Japanese"},
    {"kor", "kor", "ko", "Korean"},    {"nor", "nor", "no", "Norwegian"},
    {"pol", "pol", "pl", "Polish"},    {"por", "por", "pt", "Portuguese"},
    {"rum", "ron", "ro", "Romanian"},  {"rus", "rus", "ru", "Russian"},
    {"spa", "spa", "es", "Spanish"},   {"swe", "swe", "sv", "Swedish"},
    {"tha", "tha", "th", "Thai"},      {"tur", "tur", "tr", "Turkish"},
    {"ukr", "ukr", "uk", "Ukrainian"}, {"vie", "vie", "vi", "Vietnamese"},
};

#define NLANGS (sizeof(langs) / sizeof(langs[0]))
#define TITLE_MAX 48

int slc_seg_audio_dir(int k, char *out, size_t cap)
{
    int n = snprintf(out, cap, SLC_SEG_AUDIO_DIR_PREFIX "%d", k);

    return n > 0 && (size_t)n < cap ? 0 : SLC_ELIMIT;
}

int slc_seg_audio_base_url(const char *base, int k, char *out, size_t cap)
{
    size_t n = base ? strlen(base) : 0;
    char dir[32];
    int len;

    if (slc_seg_audio_dir(k, dir, sizeof(dir)) < 0) {
        return SLC_ELIMIT;
    }
    if (n == 0) {
        out[0] = '\0';
        return cap ? 0 : SLC_ELIMIT;
    }
    len = snprintf(out, cap, "%s%s%s", base, base[n - 1] == '/' ? "" : "/", dir);
    return len > 0 && (size_t)len < cap ? 0 : SLC_ELIMIT;
}

int slc_seg_audio_dir_parse(const char *name, size_t n)
{
    size_t plen = strlen(SLC_SEG_AUDIO_DIR_PREFIX);
    int k = 0;

    if (n <= plen || n > plen + 2 || memcmp(name, SLC_SEG_AUDIO_DIR_PREFIX, plen) != 0 ||
        name[plen] == '0') {
        return -1;
    }
    for (size_t i = plen; i < n; i++) {
        if (name[i] < '0' || name[i] > '9') {
            return -1;
        }
        k = k * 10 + (name[i] - '0');
    }
    return k >= 1 && k < SLC_SEG_AUDIO_MAX ? k : -1;
}

static const struct lang *find_lang(const char *tag)
{
    for (size_t i = 0; i < NLANGS; i++) {
        if (strcmp(tag, langs[i].b) == 0 || strcmp(tag, langs[i].t) == 0 ||
            strcmp(tag, langs[i].two) == 0) {
            return &langs[i];
        }
    }
    return NULL;
}

void slc_seg_language_tag(const char *raw, char *out, size_t cap)
{
    char low[64];
    size_t n = raw ? strlen(raw) : 0;
    const struct lang *l;

    out[0] = '\0';
    if (n == 0 || n >= sizeof(low) || n >= cap) {
        return;
    }
    for (size_t i = 0; i <= n; i++) {
        char c = raw[i];
        low[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    /* "und" (undetermined) says nothing: RFC 8216 4.3.4.1 makes LANGUAGE optional */
    if (strcmp(low, "und") == 0 || !slc_pl_language_ok(raw)) {
        return;
    }
    l = find_lang(low);
    snprintf(out, cap, "%s", l ? l->two : raw);
}

static int printable_title(const char *t)
{
    size_t n = t ? strlen(t) : 0;

    if (n == 0 || n > TITLE_MAX) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)t[i];
        if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') {
            return 0;
        }
    }
    return 1;
}

static int name_taken(const char *name, const struct slc_seg_audio_desc *prev, int nprev)
{
    for (int i = 0; i < nprev; i++) {
        if (strcmp(prev[i].name, name) == 0) {
            return 1;
        }
    }
    return 0;
}

void slc_seg_audio_name(struct slc_seg_audio_desc *a, const char *title, int index,
                        const struct slc_seg_audio_desc *prev, int nprev)
{
    const struct lang *l = a->language[0] ? find_lang(a->language) : NULL;
    char base[sizeof(a->name)];

    if (printable_title(title)) {
        snprintf(base, sizeof(base), "%s", title);
    } else if (l || a->language[0]) {
        snprintf(base, sizeof(base), "%s", l ? l->name : a->language);
    } else {
        snprintf(base, sizeof(base), "Audio %d", index + 1);
    }
    /* RFC 8216 4.3.4.1.1: every member of a group has a different NAME */
    snprintf(a->name, sizeof(a->name), "%s", base);
    for (int n = 2; name_taken(a->name, prev, nprev) && n < 100; n++) {
        snprintf(a->name, sizeof(a->name), "%.50s %d", base, n);
    }
}

int slc_seg_audio_group_add(const struct slc_seg_stream_desc *d, const char *media_playlist,
                            struct slc_pl_multivariant *mv, struct slc_pl_variant *v)
{
    char dir[32], uri[128];
    int ret = 0;

    if (d->naudio < 2) {
        return 0;
    }
    for (int i = 0; i < d->naudio && ret == 0; i++) {
        const struct slc_seg_audio_desc *a = &d->audio[i];
        struct slc_pl_rendition r = {0};

        r.type = (char *)"AUDIO";
        r.group_id = (char *)SLC_SEG_AUDIO_GROUP;
        r.name = (char *)a->name;
        r.language = a->language[0] ? (char *)a->language : NULL;
        /* exactly one DEFAULT=YES: the track the variant carries, which a player that
         * ignores EXT-X-MEDIA plays too; AUTOSELECT=YES lets a player pick by language */
        r.is_default = a->rendition == 0;
        r.autoselect = 1;
        r.channels = a->channels;
        if (a->rendition > 0) {
            ret = slc_seg_audio_dir(a->rendition, dir, sizeof(dir));
            if (ret == 0 &&
                snprintf(uri, sizeof(uri), "%s/%s", dir, media_playlist) >= (int)sizeof(uri)) {
                ret = SLC_ELIMIT;
            }
            r.uri = uri;
        }
        if (ret == 0) {
            ret = slc_pl_multi_add_rendition(mv, &r);
        }
    }
    v->audio_group = (char *)SLC_SEG_AUDIO_GROUP;
    return ret;
}
