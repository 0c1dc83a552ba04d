/* SPDX-License-Identifier: MIT */
/* `sluice segment INPUT OUTDIR`: offline VOD/EVENT packaging. Argument handling, progress
 * bar and exit codes only; the work is slc_seg_run(). */
#include "cli.h"
#include "cli_upload.h"

#include "slc_err.h"
#include "slc_log.h"
#include "slc_seg_log.h"
#include "slc_segmenter.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct segment_cfg {
    double target_duration;
    const char *playlist_type;
    const char *segment_template;
    const char *base_url;
    const char *format;
    int copy_only;
    int progress;
    int quiet;
    int verbose;
    struct slc_cli_upload_opts up;
};

#define OPT(f) offsetof(struct segment_cfg, f)
#define UP(f) offsetof(struct segment_cfg, up.f)

static const struct slc_cli_opt segment_opts[] = {
    {"target-duration", SLC_OPT_DOUBLE, OPT(target_duration), "6", 0.1, 3600, NULL, "SEC",
     "cut at the first keyframe after this many seconds"},
    {"playlist-type", SLC_OPT_ENUM, OPT(playlist_type), "vod", 0, 0, "vod|event", NULL,
     "vod: playlist written once at the end; event: grows as segments are written"},
    {"segment-template", SLC_OPT_STRING, OPT(segment_template), "seg%05d.ts", 0, 0, NULL, "NAME",
     "segment file names: one %d or %0Nd for the sequence number"},
    {"base-url", SLC_OPT_STRING, OPT(base_url), NULL, 0, 0, NULL, "URL",
     "prefix segment URIs in the playlist (e.g. a CDN path)"},
    {"format", SLC_OPT_STRING, OPT(format), NULL, 0, 0, NULL, "FMT",
     "force the input container format (as ffmpeg -f)"},
    {"copy-only", SLC_OPT_FLAG, OPT(copy_only), NULL, 0, 0, NULL, NULL,
     "never transcode: fail on codecs HLS in MPEG-TS can't carry"},
    {"progress", SLC_OPT_FLAG, OPT(progress), NULL, 0, 0, NULL, NULL,
     "show progress even when stderr is not a terminal"},
    {"quiet", SLC_OPT_FLAG, OPT(quiet), NULL, 0, 0, NULL, NULL,
     "no progress and no summary; errors only"},
    {"verbose", SLC_OPT_FLAG, OPT(verbose), NULL, 0, 0, NULL, NULL,
     "log details, including FFmpeg's own messages"},
    SLC_CLI_UPLOAD_OPTS(UP)};

struct progress {
    int enabled, tty;
    double t0, last;
    int shown;
};

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void draw(struct progress *pr, int64_t pos_us, int64_t dur_us, int final)
{
    double el = now_s() - pr->t0, pos = (double)pos_us / 1e6, dur = (double)dur_us / 1e6;
    double speed = el > 0 ? pos / el : 0, frac = dur > 0 ? pos / dur : 0;
    char bar[31];
    int fill;

    frac = frac > 1 ? 1 : (frac < 0 ? 0 : frac);
    fill = (int)(frac * 30);
    for (int i = 0; i < 30; i++) {
        bar[i] = i < fill ? '#' : '-';
    }
    bar[30] = '\0';
    if (dur > 0 && speed > 0 && !final) {
        int eta = (int)((dur - pos) / speed);
        fprintf(stderr, "%s[%s] %3.0f%%  %6.1fx  ETA %d:%02d  ", pr->tty ? "\r" : "", bar,
                frac * 100, speed, eta / 60, eta % 60);
    } else {
        fprintf(stderr, "%s[%s] %3.0f%%  %6.1fx  %.1f s  ", pr->tty ? "\r" : "", bar,
                final ? 100.0 : frac * 100, speed, el);
    }
    if (!pr->tty || final) {
        fputc('\n', stderr);
    }
    pr->shown = 1;
}

static void on_progress(void *opaque, int64_t pos_us, int64_t dur_us)
{
    struct progress *pr = opaque;
    double t = now_s();

    if (t - pr->last < (pr->tty ? 0.1 : 2.0)) {
        return;
    }
    pr->last = t;
    draw(pr, pos_us, dur_us, 0);
}

static enum slc_pl_type parse_type(const char *s)
{
    return strcmp(s, "event") == 0 ? SLC_PL_TYPE_EVENT : SLC_PL_TYPE_VOD;
}

static int run_segment(void *cfgp, int argc, char **argv)
{
    struct segment_cfg *cfg = cfgp;
    struct slc_seg_config c;
    struct slc_seg_stats st;
    struct progress pr = {0};
    struct slc_upload *up = NULL;
    int ret, up_ret = 0;

    (void)argc;
    slc_log_set_level(cfg->verbose ? SLC_LOG_DEBUG : (cfg->quiet ? SLC_LOG_ERROR : SLC_LOG_WARN));
    slc_seg_log_route_ffmpeg();
    slc_cli_install_signals();
    slc_seg_config_init(&c);
    c.target_duration = cfg->target_duration;
    c.type = parse_type(cfg->playlist_type);
    c.segment_template = cfg->segment_template;
    c.base_url = cfg->base_url;
    c.input_format = cfg->format;
    c.copy_only = cfg->copy_only;
    c.stop = &slc_cli_stop;
    pr.tty = isatty(STDERR_FILENO);
    pr.enabled = !cfg->quiet && (pr.tty || cfg->progress);
    pr.t0 = now_s();
    if (pr.enabled) {
        c.progress = on_progress;
        c.progress_opaque = &pr;
    }
    if (cfg->up.url) {
        /* EVENT playlists change: cache them for at most half a target duration */
        int half = (int)(cfg->target_duration / 2);
        ret = slc_cli_upload_open(&up, &cfg->up, argv[1], c.type == SLC_PL_TYPE_EVENT,
                                  half > 0 ? half : 1, &slc_cli_stop);
        if (ret < 0) {
            return slc_cli_exit_code(ret);
        }
        c.on_file = slc_cli_upload_on_file;
        c.on_file_opaque = up;
    }
    ret = slc_seg_run(&c, argv[0], argv[1], &st);
    if (pr.shown) {
        draw(&pr, st.duration_us, st.duration_us, 1);
    }
    if (ret == SLC_EINTR) {
        fprintf(stderr, "sluice: error: interrupted\n");
    } else if (ret == 0 && !cfg->quiet) {
        fprintf(stderr,
                "sluice: %llu segments, %.1f s, %.1f MB, peak %.0f kbit/s%s -> %s/index.m3u8\n",
                (unsigned long long)st.segments, (double)st.duration_us / 1e6,
                (double)st.bytes / 1e6, (double)st.peak_bitrate / 1e3,
                st.transcoded_video || st.transcoded_audio ? " (transcoded)" : "", argv[1]);
    }
    if (up) {
        /* after a failed run, still wait for what was queued: those files are complete */
        up_ret = slc_cli_upload_close(&up, cfg->up.url, cfg->quiet, cfg->progress);
    }
    if (ret == 0 && up_ret == SLC_EIO) {
        return SLC_EXIT_UPLOAD;
    }
    return slc_cli_exit_code(ret < 0 ? ret : up_ret);
}

const struct slc_cli_cmd slc_cmd_segment = {
    .name = "segment",
    .synopsis = "INPUT OUTDIR [options]",
    .summary = "package a media file as HLS: OUTDIR/index.m3u8 + MPEG-TS segments",
    .opts = segment_opts,
    .nopts = sizeof(segment_opts) / sizeof(segment_opts[0]),
    .min_args = 2,
    .max_args = 2,
    .cfg_size = sizeof(struct segment_cfg),
    .run = run_segment,
};
