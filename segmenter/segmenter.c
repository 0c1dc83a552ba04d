/* SPDX-License-Identifier: MIT */
/* Entry points of the pipeline: a whole file into a directory (slc_seg_run) and a live input
 * into any sink (slc_seg_run_live, in seg_live.c). */
#include "seg_pipeline.h"

#include "slc_err.h"
#include "slc_log.h"
#include "slc_seg_renditions.h"
#include "slc_store_disk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void slc_seg_config_init(struct slc_seg_config *c)
{
    memset(c, 0, sizeof(*c));
    c->target_duration = 6.0;
    c->type = SLC_PL_TYPE_VOD;
    c->segment_template = "seg%05d.ts";
    c->io_timeout = 0;
}

int slc_seg_check_config(const struct slc_seg_config *c)
{
    if (!(c->target_duration >= 0.1 && c->target_duration <= 3600)) {
        slc_log_error("segmenter: target duration %g s is out of range [0.1, 3600]",
                      c->target_duration);
        return SLC_EINVAL;
    }
    if (c->type != SLC_PL_TYPE_VOD && c->type != SLC_PL_TYPE_EVENT) {
        slc_log_error("segmenter: playlist type must be vod or event");
        return SLC_EINVAL;
    }
    return slc_seg_name_check(c->segment_template);
}

static void fill_stats(const struct slc_seg_pipeline *p, struct slc_store_disk *store,
                       struct slc_seg_stats *st)
{
    if (!st) {
        return;
    }
    memset(st, 0, sizeof(*st));
    slc_store_disk_stats(store, &st->segments, &st->bytes, &st->duration_us, &st->peak_bitrate,
                         &st->avg_bitrate);
    st->transcoded_video = p->tr[SLC_TRACK_VIDEO].tc != NULL;
    st->transcoded_audio = p->tr[SLC_TRACK_AUDIO].tc != NULL;
}

#define ALT_PATH_CAP 4096

/* The disk store of alternate rendition k: `outdir`/audio_<k>/ with its own media playlist
 * (no multivariant), segment names as the main one's, URIs under base_url/audio_<k>, and
 * names told to on_file relative to `outdir`. */
static int open_alt_store(const struct slc_store_disk_config *main_sc, int k,
                          struct slc_store_disk **out)
{
    struct slc_store_disk_config sc = *main_sc;
    char dir[32], path[ALT_PATH_CAP], base[ALT_PATH_CAP], prefix[40];
    int ret = slc_seg_audio_dir(k, dir, sizeof(dir));

    if (ret == 0) {
        ret = slc_seg_audio_base_url(main_sc->base_url, k, base, sizeof(base));
    }
    if (ret == 0 &&
        snprintf(path, sizeof(path), "%s/%s", main_sc->outdir, dir) >= (int)sizeof(path)) {
        ret = SLC_ELIMIT;
    }
    if (ret < 0) {
        return ret;
    }
    snprintf(prefix, sizeof(prefix), "%s/", dir);
    sc.outdir = path;
    sc.base_url = base[0] ? base : NULL;
    sc.notify_prefix = prefix;
    sc.media_only = 1;
    return slc_store_disk_new(out, &sc);
}

/* A store and a sink for every alternate audio track the session set up. */
static int open_alt_stores(struct slc_seg_pipeline *p, const struct slc_store_disk_config *sc,
                           struct slc_store_disk **alts)
{
    int ret = 0;

    for (int k = 1; k < SLC_SEG_AUDIO_MAX && ret == 0; k++) {
        if (p->tr[SLC_TRACK_ALT0 + k - 1].present) {
            ret = open_alt_store(sc, k, &alts[k - 1]);
            if (ret == 0) {
                p->alt[k - 1].sink = slc_store_disk_sink(alts[k - 1]);
            }
        }
    }
    return ret;
}

/* Finish the alternates first (their playlists exist before the multivariant names them),
 * handing their bandwidth to the main store; then the main one. */
static int finish_all(struct slc_seg_pipeline *p, struct slc_store_disk *store,
                      struct slc_store_disk **alts, int complete)
{
    int ret = 0;

    for (int k = 0; k < SLC_SEG_AUDIO_MAX - 1; k++) {
        uint64_t peak = 0, avg = 0;
        int fret;
        if (!alts[k]) {
            continue;
        }
        fret = p->alt[k].sink.ops->finish(p->alt[k].sink.opaque, complete && ret == 0);
        ret = ret < 0 ? ret : fret;
        slc_store_disk_stats(alts[k], NULL, NULL, NULL, &peak, &avg);
        slc_store_disk_add_alternate(store, peak, avg);
    }
    {
        int fret = p->sink.ops->finish(p->sink.opaque, complete && ret == 0);
        ret = ret < 0 ? ret : fret;
    }
    return ret;
}

int slc_seg_run(const struct slc_seg_config *c, const char *input, const char *outdir,
                struct slc_seg_stats *stats)
{
    struct slc_seg_pipeline *p = NULL;
    struct slc_store_disk *store = NULL;
    struct slc_store_disk *alts[SLC_SEG_AUDIO_MAX - 1] = {0};
    struct slc_store_disk_config sc = {0};
    int ret = slc_seg_check_config(c);

    if (ret == 0 && !(p = calloc(1, sizeof(*p)))) {
        ret = SLC_ENOMEM;
    }
    if (ret < 0) {
        return ret;
    }
    p->cfg = c;
    p->out_base_90k = SLC_OUT_OFFSET_90K;
    p->all_renditions = 1; /* every audio track: alternates go to audio_<k>/ */
    ret = slc_seg_session_open(p, input);
    if (ret < 0) {
        goto out;
    }
    sc.outdir = outdir;
    sc.segment_template = c->segment_template;
    sc.base_url = c->base_url;
    sc.type = c->type;
    sc.on_file = c->on_file;
    sc.on_file_opaque = c->on_file_opaque;
    sc.target_duration = c->type == SLC_PL_TYPE_EVENT ? slc_seg_predict_target(p) : 0;
    ret = slc_store_disk_new(&store, &sc);
    if (ret < 0) {
        goto out;
    }
    p->sink = slc_store_disk_sink(store);
    ret = open_alt_stores(p, &sc, alts);
    if (ret < 0) {
        goto out;
    }
    ret = slc_seg_session_run(p);
    if (ret == SLC_EOF) {
        ret = slc_seg_flow_flush(p);
    }
    if (ret == 0 && p->seq == 0) {
        slc_log_error("segmenter: no playable %s in '%s'",
                      p->ref == SLC_TRACK_VIDEO ? "video keyframe" : "audio", input);
        ret = SLC_EFORMAT;
    }
    if (p->dropped) {
        slc_log_debug("segmenter: %llu packets dropped (before the first keyframe, outside the "
                      "edit list, or with broken timestamps)",
                      (unsigned long long)p->dropped);
    }
    {
        int fret = finish_all(p, store, alts, ret == 0);
        ret = ret < 0 ? ret : fret;
    }
    fill_stats(p, store, stats);
out:
    slc_seg_session_close(p);
    free(p->first_key);
    for (int k = 0; k < SLC_SEG_AUDIO_MAX - 1; k++) {
        slc_store_disk_free(&alts[k]);
    }
    slc_store_disk_free(&store);
    free(p);
    return ret;
}
