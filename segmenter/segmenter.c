/* SPDX-License-Identifier: MIT */
/* Entry points of the pipeline: a whole file into a directory (slc_seg_run) and a live input
 * into any sink (slc_seg_run_live, in seg_live.c). */
#include "seg_pipeline.h"

#include "slc_err.h"
#include "slc_log.h"
#include "slc_store_disk.h"

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

int slc_seg_run(const struct slc_seg_config *c, const char *input, const char *outdir,
                struct slc_seg_stats *stats)
{
    struct slc_seg_pipeline *p = NULL;
    struct slc_store_disk *store = NULL;
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
        int fret = p->sink.ops->finish(p->sink.opaque, ret == 0);
        ret = ret < 0 ? ret : fret;
    }
    fill_stats(p, store, stats);
out:
    slc_seg_session_close(p);
    free(p->first_key);
    slc_store_disk_free(&store);
    free(p);
    return ret;
}
