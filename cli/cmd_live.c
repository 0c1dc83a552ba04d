/* SPDX-License-Identifier: MIT */
/* `sluice live INPUT OUTDIR`: a live input segmented into a sliding window on disk, for any
 * web server or CDN. Options and exit codes only; the work is slc_seg_run_live() into a live
 * store with a directory. */
#include "cli.h"
#include "cli_live.h"
#include "cli_upload.h"

#include "slc_err.h"
#include "slc_log.h"

#include <stddef.h>
#include <stdio.h>

struct live_cfg {
    struct slc_cli_live_opts live;
    struct slc_cli_upload_opts up;
    int quiet;
    int verbose;
};

#define UP(f) offsetof(struct live_cfg, up.f)

static const struct slc_cli_opt live_opts[] = {
    SLC_CLI_LIVE_OPTS(struct live_cfg, live),
    {"quiet", SLC_OPT_FLAG, offsetof(struct live_cfg, quiet), NULL, 0, 0, NULL, NULL,
     "errors only"},
    {"verbose", SLC_OPT_FLAG, offsetof(struct live_cfg, verbose), NULL, 0, 0, NULL, NULL,
     "log details, including FFmpeg's own messages"},
    SLC_CLI_UPLOAD_OPTS(UP)};

/* With --upload: an uploader fed by the store's file events. Live playlists are cached for
 * at most half a target duration (HLS-NOTES "Serving"); the first signal ends the input, the
 * queue (with the ENDLIST playlist) still drains, a second signal abandons it. */
static int open_upload(const struct live_cfg *cfg, const char *outdir,
                       struct slc_store_live_config *sc, struct slc_upload **up)
{
    int half = (int)(cfg->live.target_duration / 2);
    int ret;

    if (!cfg->up.url) {
        return 0;
    }
    ret = slc_cli_upload_open(up, &cfg->up, outdir, 1, half > 0 ? half : 1, &slc_cli_stop_again);
    if (ret == 0) {
        sc->on_file = slc_cli_upload_on_file;
        sc->on_file_opaque = *up;
    }
    return ret;
}

static int run_live(void *vcfg, int argc, char **argv)
{
    const struct live_cfg *cfg = vcfg;
    struct slc_seg_config seg;
    struct slc_store_live_config sc;
    struct slc_store_live *store = NULL;
    struct slc_upload *up = NULL;
    struct slc_seg_sink sink;
    int ret, up_ret = 0;

    (void)argc;
    slc_cli_install_signals();
    slc_log_set_level(cfg->verbose ? SLC_LOG_DEBUG : (cfg->quiet ? SLC_LOG_ERROR : SLC_LOG_INFO));
    slc_cli_live_init_ffmpeg();
    slc_cli_live_configure(&cfg->live, 0, &seg, &sc);
    seg.stop = &slc_cli_stop;
    sc.memory = 0;
    sc.dir = argv[1];
    sc.name = argv[1];
    ret = open_upload(cfg, argv[1], &sc, &up);
    if (ret == 0) {
        ret = slc_store_live_new(&sc, &store);
    }
    if (ret == 0) {
        sink = slc_store_live_sink(store);
        ret = slc_seg_run_live(&seg, argv[0], &sink, slc_store_live_next_seq(store));
    }
    slc_store_live_free(&store);
    if (ret < 0) {
        fprintf(stderr, "sluice: error: live '%s' into '%s': %s\n", argv[0], argv[1],
                slc_strerror(ret));
    }
    if (up) {
        up_ret = slc_cli_upload_close(&up, cfg->up.url, cfg->quiet, 0);
    }
    if (ret == 0 && up_ret == SLC_EIO) {
        return SLC_EXIT_UPLOAD;
    }
    /* a stop by SIGINT/SIGTERM is how a live run ends: the playlist has its ENDLIST */
    return slc_cli_exit_code(ret < 0 ? ret : up_ret);
}

const struct slc_cli_cmd slc_cmd_live = {
    .name = "live",
    .synopsis = "INPUT OUTDIR [options]",
    .summary = "segment a live input into a sliding-window HLS stream on disk",
    .opts = live_opts,
    .nopts = sizeof(live_opts) / sizeof(live_opts[0]),
    .min_args = 2,
    .max_args = 2,
    .cfg_size = sizeof(struct live_cfg),
    .run = run_live,
};
