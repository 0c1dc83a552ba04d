/* SPDX-License-Identifier: MIT */
/* The stream description for the multivariant playlist: CODECS from the real codec
 * configuration, RESOLUTION and FRAME-RATE from the video stream. */
#include "seg_pipeline.h"

#include "slc_codec_string.h"
#include "slc_log.h"
#include "slc_seg_renditions.h"

#include <stdio.h>
#include <string.h>

static void append_codec(char *list, size_t cap, const char *one)
{
    size_t len = strlen(list);

    snprintf(list + len, cap - len, "%s%s", len ? "," : "", one);
}

/* RFC 6381 name of track i's codec into `one`; 0, or -1 (warned) when it has none. */
static int track_codec(const struct slc_seg_pipeline *p, int i, char *one, size_t cap)
{
    const struct slc_seg_track *t = &p->tr[i];

    if (slc_seg_codec_string(t->par, i == SLC_TRACK_VIDEO ? p->first_key : NULL,
                             i == SLC_TRACK_VIDEO ? (size_t)p->first_key_size : 0, one, cap) == 0) {
        return 0;
    }
    one[0] = '\0';
    slc_log_warn("segmenter: no RFC 6381 name for codec '%s'", avcodec_get_name(t->par->codec_id));
    return -1;
}

/* The EXT-X-MEDIA entry of audio track i (SLC_TRACK_AUDIO: rendition 0, muxed in). */
static void describe_audio(const struct slc_seg_pipeline *p, int i, struct slc_seg_stream_desc *d)
{
    const struct slc_seg_track *t = &p->tr[i];
    const AVDictionaryEntry *lang = av_dict_get(t->in->metadata, "language", NULL, 0);
    const AVDictionaryEntry *title = av_dict_get(t->in->metadata, "title", NULL, 0);
    struct slc_seg_audio_desc *a = &d->audio[d->naudio];

    a->rendition = i == SLC_TRACK_AUDIO ? 0 : i - SLC_TRACK_ALT0 + 1;
    if (slc_seg_codec_string(t->par, NULL, 0, a->codec, sizeof(a->codec)) < 0) {
        a->codec[0] = '\0';
    }
    slc_seg_language_tag(lang ? lang->value : NULL, a->language, sizeof(a->language));
    a->channels = t->par->ch_layout.nb_channels > 0 ? t->par->ch_layout.nb_channels : 0;
    slc_seg_audio_name(a, title ? title->value : NULL, d->naudio, d->audio, d->naudio);
    d->naudio++;
}

/* With alternates, CODECS of the variant names every audio codec a player may be given
 * (RFC 8216 4.3.4.2: the union over the renditions of its AUDIO group). */
static int add_alt_codecs(const struct slc_seg_stream_desc *d, char *list, size_t cap)
{
    for (int i = 1; i < d->naudio; i++) {
        const char *c = d->audio[i].codec;
        int dup = 0;
        if (!c[0]) {
            return -1;
        }
        for (int k = 0; k < i; k++) {
            dup |= strcmp(d->audio[k].codec, c) == 0;
        }
        if (!dup) {
            append_codec(list, cap, c);
        }
    }
    return 0;
}

void slc_seg_describe(const struct slc_seg_pipeline *p, struct slc_seg_stream_desc *d)
{
    int complete = 1;
    char one[64];

    memset(d, 0, sizeof(*d));
    for (int i = 0; i < SLC_SEG_TRACKS; i++) {
        if (!p->tr[i].present) {
            continue;
        }
        if (i != SLC_TRACK_VIDEO && d->naudio < SLC_SEG_AUDIO_MAX) {
            describe_audio(p, i, d);
        }
        if (i >= SLC_TRACK_ALT0) {
            continue;
        }
        if (track_codec(p, i, one, sizeof(one)) == 0) {
            append_codec(d->codecs, sizeof(d->codecs), one);
        } else {
            complete = 0;
        }
    }
    /* a single audio track is simply muxed in: no EXT-X-MEDIA group for it */
    if (d->naudio < 2 || !p->tr[SLC_TRACK_AUDIO].present) {
        d->naudio = 0;
    } else if (add_alt_codecs(d, d->codecs, sizeof(d->codecs)) < 0) {
        complete = 0;
    }
    /* RFC 8216 4.3.4.2: CODECS must list every codec; a partial list misleads players, so
     * an incomplete one is left out entirely (and said so above). */
    if (!complete) {
        d->codecs[0] = '\0';
    }
    if (p->tr[SLC_TRACK_VIDEO].present) {
        const AVStream *st = p->tr[SLC_TRACK_VIDEO].in;
        AVRational fr = st->avg_frame_rate.num ? st->avg_frame_rate : st->r_frame_rate;
        d->has_video = 1;
        d->width = p->tr[SLC_TRACK_VIDEO].par->width;
        d->height = p->tr[SLC_TRACK_VIDEO].par->height;
        d->frame_rate = fr.num > 0 && fr.den > 0 ? av_q2d(fr) : 0;
    }
    d->has_audio = p->tr[SLC_TRACK_AUDIO].present;
}

void slc_seg_describe_alt(const struct slc_seg_pipeline *p, int k, struct slc_seg_stream_desc *d)
{
    memset(d, 0, sizeof(*d));
    if (track_codec(p, SLC_TRACK_ALT0 + k - 1, d->codecs, sizeof(d->codecs)) < 0) {
        d->codecs[0] = '\0';
    }
    d->has_audio = 1;
}
