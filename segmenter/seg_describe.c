/* SPDX-License-Identifier: MIT */
/* The stream description for the multivariant playlist: CODECS from the real codec
 * configuration, RESOLUTION and FRAME-RATE from the video stream. */
#include "seg_pipeline.h"

#include "slc_codec_string.h"
#include "slc_log.h"

#include <stdio.h>
#include <string.h>

static void append_codec(char *list, size_t cap, const char *one)
{
    size_t len = strlen(list);

    snprintf(list + len, cap - len, "%s%s", len ? "," : "", one);
}

void slc_seg_describe(const struct slc_seg_pipeline *p, struct slc_seg_stream_desc *d)
{
    int complete = 1;

    memset(d, 0, sizeof(*d));
    for (int i = 0; i < 2; i++) {
        const struct slc_seg_track *t = &p->tr[i];
        char one[64];

        if (!t->present) {
            continue;
        }
        if (slc_seg_codec_string(t->par, i == SLC_TRACK_VIDEO ? p->first_key : NULL,
                                 i == SLC_TRACK_VIDEO ? (size_t)p->first_key_size : 0, one,
                                 sizeof(one)) == 0) {
            append_codec(d->codecs, sizeof(d->codecs), one);
        } else {
            complete = 0;
            slc_log_warn("segmenter: no RFC 6381 name for codec '%s'",
                         avcodec_get_name(t->par->codec_id));
        }
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
