/* SPDX-License-Identifier: MIT */
/* Shared live options -> segmenter and store configurations. */
#include "cli_live.h"

#include "slc_seg_log.h"

#include <libavdevice/avdevice.h>

#include <string.h>

void slc_cli_live_configure(const struct slc_cli_live_opts *o, struct slc_seg_config *seg,
                            struct slc_store_live_config *store)
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
    store->type = o->playlist_type && strcmp(o->playlist_type, "event") == 0 ? SLC_PL_TYPE_EVENT
                                                                             : SLC_PL_TYPE_NONE;
}

void slc_cli_live_init_ffmpeg(void)
{
    avdevice_register_all();
    slc_seg_log_route_ffmpeg();
}
