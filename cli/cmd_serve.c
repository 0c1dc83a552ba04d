/* SPDX-License-Identifier: MIT */
/* `sluice serve`: options, the embedded default (the sample media, segmented on first run),
 * and the wait for SIGINT/SIGTERM. The server itself is origin/. */
#include "cli.h"
#include "cli_live.h"
#include "cli_upload.h"

#include "slc_err.h"
#include "slc_file.h"
#include "slc_log.h"
#include "slc_live_channel.h"
#include "slc_origin.h"
#include "slc_origin_live.h"
#include "slc_segmenter.h"
#include "slc_vod.h"

#include <limits.h>
#include <libgen.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define GRACE_MS 5000

struct serve_cfg {
    const char *listen;
    const char *root;
    long long threads;
    long long max_connections;
    long long per_ip_limit;
    long long timeout;
    const char *access_log;
    const char *player_dir;
    int quiet;
    struct slc_cli_list live;
    struct slc_cli_live_opts lo;
    const char *live_mirror;
    struct slc_cli_upload_opts up;
    const char *vod;
    long long vod_cache_mb;
    long long vod_segment_cache_mb;
    long long vod_workers;
    long long vod_queue;
    const char *vod_cache_dir;
    long long vod_disk_cache_mb;
};

/* The embedded default's live channel: a test pattern and a tone from libavfilter, encoded
 * with libavcodec (the transcoder forces an IDR at every target duration). */
#define TEST_CHANNEL "test"
#define TEST_INPUT "testsrc2=size=1280x720:rate=30[out0];sine=frequency=440:sample_rate=48000[out1]"

#define OPT(f) offsetof(struct serve_cfg, f)
#define UP(f) offsetof(struct serve_cfg, up.f)

static const struct slc_cli_opt serve_opts[] = {
    {"listen", SLC_OPT_STRING, OPT(listen), "127.0.0.1:8080", 0, 0, NULL, "ADDR:PORT",
     "address to listen on ([::1]:8080 for IPv6; port 0 picks a free one)"},
    {"root", SLC_OPT_STRING, OPT(root), NULL, 0, 0, NULL, "DIR",
     "serve the HLS packages under DIR at /<path> (default: the sample media)"},
    {"threads", SLC_OPT_INT, OPT(threads), "0", 0, 256, NULL, "N",
     "worker threads (0: one per CPU)"},
    {"max-connections", SLC_OPT_INT, OPT(max_connections), "20000", 1, 1000000, NULL, "N",
     "connections open at once"},
    {"per-ip-limit", SLC_OPT_INT, OPT(per_ip_limit), "1000", 0, 1000000, NULL, "N",
     "connections per client address (0: no limit beyond --max-connections)"},
    {"timeout", SLC_OPT_INT, OPT(timeout), "30", 1, 86400, NULL, "SEC",
     "close connections idle this long; also ends a stream whose writer stalls"},
    {"access-log", SLC_OPT_STRING, OPT(access_log), NULL, 0, 0, NULL, "FILE|-|off",
     "one line per request to FILE, - (stderr) or off (default: -, or off with --quiet)"},
    {"player-dir", SLC_OPT_STRING, OPT(player_dir), NULL, 0, 0, NULL, "DIR",
     "directory holding hls.min.js for the player page (default: $SLUICE_PLAYER_DIR or "
     "the source tree's node_modules/hls.js/dist)"},
    {"vod", SLC_OPT_STRING, OPT(vod), NULL, 0, 0, NULL, "DIR",
     "serve every media file under DIR as HLS at /vod/<path>/index.m3u8, segmented on request"},
    {"vod-cache-size", SLC_OPT_INT, OPT(vod_cache_mb), "64", 1, 65536, NULL, "MB",
     "memory for cached file plans and playlists (LRU)"},
    {"vod-segment-cache", SLC_OPT_INT, OPT(vod_segment_cache_mb), "256", 0, 65536, NULL, "MB",
     "memory for produced segments kept for later requests (LRU)"},
    {"vod-workers", SLC_OPT_INT, OPT(vod_workers), "0", 0, 64, NULL, "N",
     "segment production threads (0: one per CPU)"},
    {"vod-queue", SLC_OPT_INT, OPT(vod_queue), "64", 1, 100000, NULL, "N",
     "segment productions waiting for a thread; beyond it requests get 503"},
    {"vod-cache-dir", SLC_OPT_STRING, OPT(vod_cache_dir), "/tmp", 0, 0, NULL, "DIR",
     "where files that can't be cut one segment at a time (TS, MKV, transcoded) are packaged "
     "whole on first request (a private subdirectory, removed at exit)"},
    {"vod-disk-cache", SLC_OPT_INT, OPT(vod_disk_cache_mb), "4096", 1, 16777216, NULL, "MB",
     "disk for those packages (LRU)"},
    {"quiet", SLC_OPT_FLAG, OPT(quiet), NULL, 0, 0, NULL, NULL,
     "warnings and errors only; no access log unless --access-log is given"},
    {"live", SLC_OPT_LIST, OPT(live), NULL, 0, 0, NULL, "NAME=INPUT",
     "ingest INPUT (URL, device with --format, file with --realtime) and serve it at "
     "/live/NAME/index.m3u8 (repeatable)"},
    {"live-mirror", SLC_OPT_STRING, OPT(live_mirror), NULL, 0, 0, NULL, "DIR",
     "also write each live window to DIR/NAME/ (continued after a restart); with --upload, "
     "PUT it to URL/NAME/ as it is written"},
    SLC_CLI_LIVE_OPTS(struct serve_cfg, lo),
    SLC_CLI_UPLOAD_OPTS(UP)};

static int is_dir(const char *p)
{
    struct stat st;

    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int is_file(const char *p)
{
    struct stat st;

    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* $SLUICE_SAMPLE_DIR, else the source tree's sample-media/, else one next to the binary. */
static int find_sample_dir(char *out, size_t cap)
{
    const char *env = getenv("SLUICE_SAMPLE_DIR");
    char exe[PATH_MAX];
    ssize_t n;

    if (env && *env) {
        snprintf(out, cap, "%s", env);
        return 0;
    }
    snprintf(out, cap, "%s/sample-media", SLUICE_SOURCE_DIR);
    if (is_dir(out)) {
        return 0;
    }
    n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n > 0) {
        exe[n] = '\0';
        snprintf(out, cap, "%s/sample-media", dirname(exe));
        if (is_dir(out)) {
            return 0;
        }
    }
    return SLC_ENOENT;
}

/* The embedded default: segment <sample dir>/sample.mp4 into <sample dir>/out/sample/ once
 * and serve <sample dir>/out. */
static int prepare_default_root(char *root, size_t cap)
{
    char dir[PATH_MAX], mp4[PATH_MAX], out[PATH_MAX], index[PATH_MAX];
    struct slc_seg_config sc;
    int ret;

    if (find_sample_dir(dir, sizeof(dir)) < 0) {
        fprintf(stderr, "sluice serve: no sample-media directory (set SLUICE_SAMPLE_DIR or "
                        "pass --root DIR)\n");
        return SLC_ENOENT;
    }
    if (slc_file_join(mp4, sizeof(mp4), dir, "sample.mp4") < 0 ||
        slc_file_join(out, sizeof(out), dir, "out/sample") < 0 ||
        slc_file_join(index, sizeof(index), out, "index.m3u8") < 0 ||
        slc_file_join(root, cap, dir, "out") < 0) {
        return SLC_ELIMIT;
    }
    if (!is_file(mp4)) {
        fprintf(stderr, "sluice serve: %s is missing; create it with:\n  %s/make-samples.sh %s\n",
                mp4, dir, dir);
        return SLC_ENOENT;
    }
    if (!is_file(index)) {
        fprintf(stderr, "sluice serve: segmenting %s into %s (first run only)\n", mp4, out);
        slc_seg_config_init(&sc);
        sc.stop = &slc_cli_stop;
        ret = slc_seg_run(&sc, mp4, out, NULL);
        if (ret < 0) {
            return ret;
        }
    }
    return 0;
}

static const char *player_dir(const struct serve_cfg *cfg, char *buf, size_t cap)
{
    const char *env = getenv("SLUICE_PLAYER_DIR");

    if (cfg->player_dir) {
        return cfg->player_dir;
    }
    if (env && *env) {
        return env;
    }
    snprintf(buf, cap, "%s/node_modules/hls.js/dist", SLUICE_SOURCE_DIR);
    return buf;
}

/* "http://HOST:PORT/" for the configured address and the bound port. */
static void base_url(const char *listen, int port, char *out, size_t cap)
{
    const char *end = listen[0] == '[' ? strchr(listen, ']') : strrchr(listen, ':');
    int hl = end ? (int)(end - listen) + (listen[0] == '[' ? 1 : 0) : 0;

    if (hl == 0 || strncmp(listen, "0.0.0.0", 7) == 0) {
        snprintf(out, cap, "http://127.0.0.1:%d/", port);
    } else if (strncmp(listen, "[::]", 4) == 0) {
        snprintf(out, cap, "http://[::1]:%d/", port);
    } else {
        snprintf(out, cap, "http://%.*s:%d/", hl, listen, port);
    }
}

static void wait_for_signal(void)
{
    struct timespec ts = {0, 100 * 1000000L};

    while (!slc_cli_stop) {
        nanosleep(&ts, NULL);
    }
}

static int mount_vod(struct slc_origin *o, const struct serve_cfg *cfg)
{
    struct slc_vod_config vc;

    slc_vod_config_init(&vc);
    vc.dir = cfg->vod;
    vc.plan_cache_bytes = (size_t)cfg->vod_cache_mb * 1024 * 1024;
    vc.segment_cache_bytes = (size_t)cfg->vod_segment_cache_mb * 1024 * 1024;
    vc.workers = (int)cfg->vod_workers;
    vc.queue_max = (int)cfg->vod_queue;
    vc.cache_dir = cfg->vod_cache_dir;
    vc.disk_cache_bytes = (unsigned long long)cfg->vod_disk_cache_mb * 1024 * 1024;
    return slc_vod_mount(o, "vod", &vc);
}

/* Run the origin until a signal. *up_ret: the live uploads' result (0 or SLC_EIO). */
static int serve(const struct serve_cfg *cfg, const char *root, struct slc_cli_channels *cs,
                 int *up_ret)
{
    struct slc_origin_config oc;
    struct slc_origin *o = NULL;
    char pdir[PATH_MAX], url[300];
    int ret;

    slc_origin_config_init(&oc);
    oc.listen = cfg->listen;
    oc.threads = (int)cfg->threads;
    oc.max_connections = (int)cfg->max_connections;
    oc.per_ip_limit = (int)cfg->per_ip_limit;
    oc.timeout_sec = (int)cfg->timeout;
    oc.access_log = cfg->access_log ? cfg->access_log : (cfg->quiet ? "off" : "-");
    oc.player_dir = player_dir(cfg, pdir, sizeof(pdir));
    ret = slc_origin_new(&oc, &o);
    if (ret == 0 && root) {
        ret = slc_origin_mount_root(o, "", root);
    }
    if (ret == 0 && cs->n > 0) {
        ret = slc_cli_channels_mount(cs, o);
    }
    if (ret == 0 && cfg->vod) {
        ret = mount_vod(o, cfg);
    }
    if (ret == 0) {
        ret = slc_origin_start(o);
    }
    if (ret == 0) {
        base_url(cfg->listen, slc_origin_port(o), url, sizeof(url));
        printf("sluice: listening on %s (serving %s%s%s%s, pid %ld)\nsluice: player: %s\n", url,
               root ? root : "", cs->n ? (root ? " and /live/" : "/live/") : "",
               cfg->vod ? " /vod/: " : "", cfg->vod ? cfg->vod : "", (long)getpid(), url);
        fflush(stdout);
        wait_for_signal();
        if (!cfg->quiet) {
            fprintf(stderr, "sluice: stopping (finishing in-flight responses)\n");
        }
        /* ingest first: every live playlist gets its ENDLIST before the server goes (and its
         * uploads drain while in-flight responses finish) */
        *up_ret = slc_cli_channels_stop(cs, cfg->quiet);
        slc_origin_stop(o, GRACE_MS);
    }
    slc_origin_free(&o);
    return ret;
}

static int run_serve(void *vcfg, int argc, char **argv)
{
    const struct serve_cfg *cfg = vcfg;
    struct slc_cli_channels *cs = calloc(1, sizeof(*cs));
    int embedded = !cfg->root && cfg->live.n == 0 && !cfg->vod;
    char root[PATH_MAX];
    int ret = cs ? 0 : SLC_ENOMEM, up_ret = 0;

    (void)argc;
    (void)argv;
    slc_cli_install_signals();
    if (cfg->quiet) {
        slc_log_set_level(SLC_LOG_WARN);
    }
    slc_cli_live_init_ffmpeg();
    if (ret == 0 && cfg->root) {
        snprintf(root, sizeof(root), "%s", cfg->root);
    } else if (ret == 0 && embedded) {
        ret = prepare_default_root(root, sizeof(root));
    }
    if (ret == 0 && cfg->up.url && !cfg->live_mirror) {
        fprintf(stderr, "sluice serve: --upload needs --live-mirror DIR (the files it uploads)\n");
        ret = SLC_EINVAL;
    }
    if (ret == 0) {
        ret = slc_cli_channels_start(cs, &cfg->live, &cfg->lo, cfg->live_mirror, &cfg->up,
                                     embedded ? TEST_INPUT : NULL);
    }
    if (ret == 0) {
        ret = serve(cfg, cfg->root || embedded ? root : NULL, cs, &up_ret);
    }
    if (cs) {
        int r = slc_cli_channels_stop(cs, cfg->quiet); /* if serve() did not get that far */
        up_ret = up_ret < 0 ? up_ret : r;
        slc_cli_channels_free(cs);
    }
    free(cs);
    if (ret == 0 && up_ret == SLC_EIO) {
        return SLC_EXIT_UPLOAD;
    }
    return slc_cli_exit_code(ret);
}

const struct slc_cli_cmd slc_cmd_serve = {
    .name = "serve",
    .synopsis = "[options]",
    .summary = "serve HLS over HTTP (with a player page); no options: the sample media",
    .opts = serve_opts,
    .nopts = sizeof(serve_opts) / sizeof(serve_opts[0]),
    .min_args = 0,
    .max_args = 0,
    .cfg_size = sizeof(struct serve_cfg),
    .run = run_serve,
};
