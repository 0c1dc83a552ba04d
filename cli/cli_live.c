/* SPDX-License-Identifier: MIT */
/* Shared live options -> segmenter and store configurations. */
#include "cli_live.h"

#include "cli.h"
#include "cli_upload.h"
#include "slc_err.h"
#include "slc_live_channel.h"
#include "slc_log.h"
#include "slc_origin_live.h"
#include "slc_seg_log.h"

#include <libavdevice/avdevice.h>

#include <stdio.h>
#include <string.h>

void slc_cli_live_configure(const struct slc_cli_live_opts *o, int serve,
                            struct slc_seg_config *seg, struct slc_store_live_config *store)
{
    slc_seg_config_init(seg);
    seg->live = 1;
    seg->target_duration = o->target_duration;
    seg->input_format = o->format;
    seg->input_options = o->input_options.items;
    seg->n_input_options = o->input_options.n;
    seg->realtime = o->realtime;
    seg->loop = o->loop;
    seg->io_timeout = o->io_timeout;
    seg->reconnect_max = o->reconnect_max;
    slc_store_live_config_init(store);
    store->window = (unsigned)o->window;
    store->target_duration = o->target_duration;
    store->dvr_sec = o->dvr;
    /* LL-HLS by default where sluice serves the channel itself: hls.js (lowLatencyMode is its
     * default) then plays 1.5 s of parts behind the edge instead of HOLD-BACK's 3 target
     * durations; players without LL-HLS ignore the part tags and play the segments. */
    if (serve ? !o->no_low_latency : o->low_latency) {
        store->part_target = o->part_target > 0 ? o->part_target : o->target_duration / 4;
    }
    store->type = o->playlist_type && strcmp(o->playlist_type, "event") == 0 ? SLC_PL_TYPE_EVENT
                                                                             : SLC_PL_TYPE_NONE;
}

void slc_cli_live_init_ffmpeg(void)
{
    avdevice_register_all();
    slc_seg_log_route_ffmpeg();
}

/* The mirror folder's uploader (to url/NAME/), fed by the store's file events. Playlists are
 * cached for at most half a target duration, as `sluice live --upload` does. */
static int open_upload(struct slc_cli_channels *cs, const char *name,
                       const struct slc_cli_upload_opts *up, struct slc_store_live_config *sc)
{
    struct slc_cli_upload_opts o = *up;
    size_t n = strlen(up->url);
    int half = (int)(sc->target_duration / 2);
    int ret;

    if ((size_t)snprintf(cs->up_url[cs->n], sizeof(cs->up_url[0]), "%s%s%s/", up->url,
                         n && up->url[n - 1] == '/' ? "" : "/", name) >= sizeof(cs->up_url[0])) {
        slc_log_error("live: channel '%s': upload URL too long", name);
        return SLC_EINVAL;
    }
    o.url = cs->up_url[cs->n];
    ret = slc_cli_upload_open(&cs->up[cs->n], &o, cs->mirror[cs->n], 1, half > 0 ? half : 1,
                              &slc_cli_stop_again);
    if (ret == 0) {
        sc->on_file = slc_cli_upload_on_file;
        sc->on_file_opaque = cs->up[cs->n];
    }
    return ret;
}

static int start_one(struct slc_cli_channels *cs, const char *name, const char *input,
                     const struct slc_cli_live_opts *o, const char *mirror,
                     const struct slc_cli_upload_opts *up, int realtime)
{
    struct slc_live_channel_config cc;
    int ret;

    memset(&cc, 0, sizeof(cc));
    cc.name = name;
    cc.input = input;
    slc_cli_live_configure(o, 1, &cc.seg, &cc.store);
    cc.seg.realtime |= realtime;
    if (mirror) {
        snprintf(cs->mirror[cs->n], sizeof(cs->mirror[0]), "%s/%s", mirror, name);
        cc.store.dir = cs->mirror[cs->n];
        if (up && up->url && (ret = open_upload(cs, name, up, &cc.store)) < 0) {
            return ret;
        }
    }
    ret = slc_live_channel_start(&cc, &cs->ch[cs->n]);
    if (ret < 0) {
        slc_upload_free(&cs->up[cs->n]);
        return ret;
    }
    cs->names[cs->n] = slc_live_channel_name(cs->ch[cs->n]);
    cs->stores[cs->n] = slc_live_channel_store(cs->ch[cs->n]);
    cs->n++;
    return 0;
}

int slc_cli_channels_start(struct slc_cli_channels *cs, const struct slc_cli_list *specs,
                           const struct slc_cli_live_opts *o, const char *mirror,
                           const struct slc_cli_upload_opts *up, const char *test_input)
{
    char name[64];
    int ret = 0;

    for (size_t i = 0; i < specs->n && ret == 0; i++) {
        const char *eq = strchr(specs->items[i], '=');
        size_t nl = eq ? (size_t)(eq - specs->items[i]) : 0;
        if (!eq || nl == 0 || nl >= sizeof(name) || eq[1] == '\0') {
            fprintf(stderr, "sluice serve: --live: '%s' is not NAME=INPUT\n", specs->items[i]);
            return SLC_EINVAL;
        }
        memcpy(name, specs->items[i], nl);
        name[nl] = '\0';
        for (size_t j = 0; j < cs->n; j++) {
            if (strcmp(cs->names[j], name) == 0) {
                fprintf(stderr, "sluice serve: --live: channel '%s' given twice\n", name);
                return SLC_EINVAL;
            }
        }
        ret = start_one(cs, name, eq + 1, o, mirror, up, 0);
    }
    if (ret == 0 && test_input) {
        struct slc_cli_live_opts t = *o;
        t.format = "lavfi";
        t.input_options.n = 0;
        ret = start_one(cs, "test", test_input, &t, mirror, up, 1);
    }
    return ret;
}

int slc_cli_channels_mount(struct slc_cli_channels *cs, struct slc_origin *origin)
{
    return slc_origin_mount_live(origin, "live", cs->names, cs->stores, cs->n);
}

int slc_cli_channels_stop(struct slc_cli_channels *cs, int quiet)
{
    int ret = 0;

    for (size_t i = 0; i < cs->n; i++) {
        slc_live_channel_request_stop(cs->ch[i]); /* all at once: they wind down together */
    }
    for (size_t i = 0; i < cs->n; i++) {
        slc_live_channel_stop(cs->ch[i]);
    }
    for (size_t i = 0; i < cs->n; i++) {
        if (cs->up[i]) {
            int r = slc_cli_upload_close(&cs->up[i], cs->up_url[i], quiet, 0);
            ret = ret < 0 ? ret : r;
        }
    }
    return ret;
}

void slc_cli_channels_free(struct slc_cli_channels *cs)
{
    for (size_t i = 0; i < cs->n; i++) {
        slc_upload_free(&cs->up[i]);
        slc_live_channel_free(&cs->ch[i]);
    }
    cs->n = 0;
}
