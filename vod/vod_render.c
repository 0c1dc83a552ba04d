/* SPDX-License-Identifier: MIT */
/* Playlists of a JIT file from its plan, written by the playlists library exactly as the
 * disk store of `sluice segment` writes them (same tags, target duration, EXTINF values and
 * segment names), and the inverse of the segment name template. */
#include "vod_private.h"

#include "slc_err.h"
#include "slc_object.h"
#include "slc_playlist.h"
#include "slc_seg_renditions.h"

#include <string.h>

/* Segment names are short: the template is checked by the segmenter (one %0Nd, N <= 20). */
#define NAME_MAX_LEN 256
/* TS packetisation adds about 2-10 % to the container's payload; BANDWIDTH is an estimate
 * here (the whole-file run measures it) and must not be below the real peak: be generous. */
#define TS_OVERHEAD 1.10
#define PEAK_FACTOR 1.5

static const char *tmpl_of(const struct slc_seg_config *seg)
{
    return seg->segment_template ? seg->segment_template : "seg%05d.ts";
}

/* The media playlist of rendition `r` (0 main, k >= 1 audio_<k>/): the same segments and
 * durations in every rendition; an audio-only one carries no EXT-X-INDEPENDENT-SEGMENTS and
 * its URIs sit under base_url/audio_<k>, exactly as the disk store writes them. */
static int render_media(const struct slc_seg_plan *plan, const struct slc_seg_config *seg, int r,
                        struct slc_buf *out)
{
    char base[2048];
    struct slc_pl_media pl;
    struct slc_pl_segment s;
    char name[NAME_MAX_LEN];
    int ret = 0;

    slc_pl_media_init(&pl);
    pl.type = SLC_PL_TYPE_VOD;
    pl.endlist = 1;
    pl.independent_segments = r == 0 && plan->desc.has_video;
    if (r > 0) {
        ret = slc_seg_audio_base_url(seg->base_url, r, base, sizeof(base));
    }
    for (size_t i = 0; i < plan->n && ret == 0; i++) {
        memset(&s, 0, sizeof(s));
        ret = slc_seg_name_format(tmpl_of(seg), i, name, sizeof(name));
        s.uri = name;
        s.duration_us = plan->segs[i].duration_us;
        s.byterange_length = s.byterange_offset = -1;
        if (ret == 0) {
            ret = slc_pl_media_add_segment(&pl, &s);
        }
    }
    /* RFC 8216 4.3.3.1: the plan's target covers every EXTINF, as the whole-file run's */
    pl.target_duration = plan->target_duration;
    if (ret == 0) {
        ret = slc_pl_media_write(&pl, r > 0 ? base : seg->base_url, out);
    }
    slc_pl_media_deinit(&pl);
    return ret;
}

static int render_multi(const struct slc_seg_plan *plan, uint64_t file_size, struct slc_buf *out)
{
    struct slc_pl_multivariant mv;
    struct slc_pl_variant v;
    int64_t total_us = 0;
    double avg;
    int ret;

    for (size_t i = 0; i < plan->n; i++) {
        total_us += plan->segs[i].duration_us;
    }
    avg = total_us > 0 ? (double)file_size * 8e6 / (double)total_us * TS_OVERHEAD : 1.0;
    memset(&v, 0, sizeof(v));
    v.uri = (char *)"stream.m3u8";
    v.average_bandwidth = (uint64_t)avg;
    v.bandwidth = (uint64_t)(avg * PEAK_FACTOR) + 1;
    v.codecs = plan->desc.codecs[0] ? (char *)plan->desc.codecs : NULL;
    v.width = plan->desc.width;
    v.height = plan->desc.height;
    v.frame_rate = plan->desc.frame_rate;
    slc_pl_multi_init(&mv);
    mv.independent_segments = plan->desc.has_video;
    /* the file's size covers every audio track: the estimate already includes them */
    ret = slc_seg_audio_group_add(&plan->desc, "stream.m3u8", &mv, &v);
    if (ret == 0) {
        ret = slc_pl_multi_add_variant(&mv, &v);
    }
    if (ret == 0) {
        ret = slc_pl_multi_write(&mv, out);
    }
    slc_pl_multi_deinit(&mv);
    return ret;
}

static int buf_to_object(struct slc_buf *b, struct slc_object **out)
{
    size_t len = 0;
    char *data = slc_buf_detach(b, &len);

    return data ? slc_object_new_memory(data, len, out) : SLC_ENOMEM;
}

int vod_render_playlists(const struct slc_seg_plan *plan, const struct slc_seg_config *seg,
                         uint64_t file_size, struct slc_object **media, struct slc_object **multi)
{
    struct slc_buf b;
    int ret;

    *media = *multi = NULL;
    slc_buf_init(&b, 0);
    ret = render_media(plan, seg, 0, &b);
    if (ret == 0) {
        ret = buf_to_object(&b, media);
    }
    slc_buf_reset(&b);
    if (ret == 0) {
        ret = render_multi(plan, file_size, &b);
    }
    if (ret == 0) {
        ret = buf_to_object(&b, multi);
    }
    slc_buf_deinit(&b);
    if (ret < 0) {
        slc_object_unref(media);
        slc_object_unref(multi);
    }
    return ret;
}

int vod_render_alt_media(const struct slc_seg_plan *plan, const struct slc_seg_config *seg,
                         int rendition, struct slc_object **out)
{
    struct slc_buf b;
    int ret;

    *out = NULL;
    slc_buf_init(&b, 0);
    ret = render_media(plan, seg, rendition, &b);
    if (ret == 0) {
        ret = buf_to_object(&b, out);
    }
    slc_buf_deinit(&b);
    return ret;
}

int64_t vod_render_segment_index(const struct slc_seg_config *seg, const char *leaf, size_t n)
{
    char name[NAME_MAX_LEN];
    const char *d = leaf;
    uint64_t v = 0;

    /* the number is the first run of digits (the template's text before %d has none that
     * matter: the canonical re-formatting below rejects every other spelling) */
    while (*d && (*d < '0' || *d > '9')) {
        d++;
    }
    for (int k = 0; *d >= '0' && *d <= '9' && k < 19; d++, k++) {
        v = v * 10 + (uint64_t)(*d - '0');
    }
    if (d == leaf || v >= n || slc_seg_name_format(tmpl_of(seg), v, name, sizeof(name)) < 0 ||
        strcmp(name, leaf) != 0) {
        return -1;
    }
    return (int64_t)v;
}
