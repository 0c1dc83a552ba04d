/* SPDX-License-Identifier: MIT */
/* `sluice upload OUTDIR URL`: put an existing package on an HTTP/WebDAV or S3 target (with
 * --resume, only what is missing), and the --upload glue `sluice segment` shares. */
#include "cli.h"
#include "cli_upload.h"

#include "slc_err.h"
#include "slc_log.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define DIR_FILES_MAX 100000 /* files `sluice upload` takes from one directory */

int slc_cli_upload_open(struct slc_upload **pp, const struct slc_cli_upload_opts *o,
                        const char *outdir, int live, int playlist_max_age,
                        volatile sig_atomic_t *stop)
{
    struct slc_upload_config c;
    int ret;

    slc_upload_config_init(&c);
    c.target = o->url;
    c.localdir = outdir;
    c.headers = o->headers.items;
    c.nheaders = o->headers.n;
    c.concurrency = (int)o->concurrency;
    c.live = live;
    c.playlist_max_age = playlist_max_age;
    c.resume = o->resume;
    c.allow_delete = 1;
    c.s3_endpoint = o->s3_endpoint;
    c.s3_region = getenv("AWS_REGION");
    c.s3_access_key = getenv("AWS_ACCESS_KEY_ID");
    c.s3_secret_key = getenv("AWS_SECRET_ACCESS_KEY");
    c.s3_session_token = getenv("AWS_SESSION_TOKEN");
    c.stop = stop;
    ret = slc_upload_new(pp, &c);
    if (ret == 0) {
        ret = slc_upload_start(*pp);
    }
    if (ret < 0) {
        slc_upload_free(pp);
    }
    return ret;
}

int slc_cli_upload_on_file(void *opaque, const char *name, enum slc_store_file_event ev)
{
    struct slc_upload *u = opaque;

    return ev == SLC_STORE_FILE_REMOVED ? slc_upload_remove(u, name) : slc_upload_add(u, name);
}

struct up_progress {
    int tty;
    double t0, last;
    int shown;
};

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void on_progress(void *opaque, const struct slc_upload_stats *st)
{
    struct up_progress *pr = opaque;
    double t = now_s();

    if (t - pr->last < (pr->tty ? 0.1 : 2.0)) {
        return;
    }
    pr->last = t;
    fprintf(stderr, "%supload: %llu/%llu files, %.1f MB, %llu retries, %llu failed  ",
            pr->tty ? "\r" : "", (unsigned long long)(st->files_added - st->pending),
            (unsigned long long)st->files_added, (double)st->bytes / 1e6,
            (unsigned long long)st->retries, (unsigned long long)st->files_failed);
    if (!pr->tty) {
        fputc('\n', stderr);
    }
    pr->shown = 1;
}

int slc_cli_upload_close(struct slc_upload **pp, const char *url, int quiet, int progress)
{
    struct up_progress pr = {0};
    struct slc_upload_stats st;
    int ret;

    pr.tty = isatty(STDERR_FILENO);
    pr.t0 = now_s();
    ret = slc_upload_finish(*pp, !quiet && (pr.tty || progress) ? on_progress : NULL, &pr);
    slc_upload_stats(*pp, &st);
    if (pr.shown && pr.tty) {
        fputc('\n', stderr);
    }
    if (ret == 0 && !quiet) {
        fprintf(stderr,
                "sluice: uploaded %llu files (%llu already there), %.1f MB, %llu retries, "
                "0 failed -> %s\n",
                (unsigned long long)st.files_done, (unsigned long long)st.files_skipped,
                (double)st.bytes / 1e6, (unsigned long long)st.retries, url);
    } else if (ret == SLC_EIO) {
        fprintf(stderr,
                "sluice: error: upload incomplete: %llu of %llu files failed (%llu retries); "
                "the local copy is complete, run again with --resume\n",
                (unsigned long long)st.files_failed, (unsigned long long)st.files_added,
                (unsigned long long)st.retries);
    }
    slc_upload_free(pp);
    return ret;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The package's files in upload order: media before playlists (the uploader enforces the
 * ordering rule anyway; this keeps playlists from waiting in the queue). Dot-files skipped. */
static int list_files(const char *dir, char ***names, size_t *n)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t cap = 0;

    *names = NULL;
    *n = 0;
    if (!d) {
        slc_log_error("upload: opendir failed '%s': %s", dir, strerror(errno));
        return slc_err_from_errno(errno);
    }
    while ((e = readdir(d)) && *n < DIR_FILES_MAX) {
        char **grown;
        if (e->d_name[0] == '.' || (e->d_type != DT_REG && e->d_type != DT_UNKNOWN)) {
            continue;
        }
        if (*n == cap) {
            cap = cap ? cap * 2 : 256;
            grown = realloc(*names, cap * sizeof(**names));
            if (!grown) {
                closedir(d);
                return SLC_ENOMEM;
            }
            *names = grown;
        }
        (*names)[(*n)++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(*names, *n, sizeof(**names), by_name);
    return 0;
}

static int is_playlist(const char *name)
{
    size_t n = strlen(name);

    return n > 5 && strcmp(name + n - 5, ".m3u8") == 0;
}

static int queue_dir(struct slc_upload *u, const char *dir)
{
    char **names;
    size_t n;
    int ret = list_files(dir, &names, &n);

    for (int pass = 0; ret == 0 && pass < 2; pass++) {
        for (size_t i = 0; ret == 0 && i < n; i++) {
            if (!names[i]) {
                ret = SLC_ENOMEM;
            } else if (is_playlist(names[i]) == pass) {
                ret = slc_upload_add(u, names[i]);
            }
        }
    }
    for (size_t i = 0; i < n; i++) {
        free(names[i]);
    }
    free(names);
    return ret;
}

struct upload_cfg {
    struct slc_cli_upload_opts up;
    int live;
    int quiet;
    int progress;
    int verbose;
};

#define OPT(f) offsetof(struct upload_cfg, f)
#define UP(f) offsetof(struct upload_cfg, up.f)

static const struct slc_cli_opt upload_opts[] = {
    {"live", SLC_OPT_FLAG, OPT(live), NULL, 0, 0, NULL, NULL,
     "playlists change (short Cache-Control)"},
    {"progress", SLC_OPT_FLAG, OPT(progress), NULL, 0, 0, NULL, NULL,
     "show progress even when stderr is not a terminal"},
    {"quiet", SLC_OPT_FLAG, OPT(quiet), NULL, 0, 0, NULL, NULL, "no progress, no summary"},
    {"verbose", SLC_OPT_FLAG, OPT(verbose), NULL, 0, 0, NULL, NULL, "log every retry"},
    SLC_CLI_UPLOAD_OPTS(UP)};

static int run_upload(void *cfgp, int argc, char **argv)
{
    struct upload_cfg *cfg = cfgp;
    struct slc_upload *u = NULL;
    int ret;

    (void)argc;
    slc_log_set_level(cfg->verbose ? SLC_LOG_DEBUG : (cfg->quiet ? SLC_LOG_ERROR : SLC_LOG_WARN));
    slc_cli_install_signals();
    cfg->up.url = argv[1];
    ret = slc_cli_upload_open(&u, &cfg->up, argv[0], cfg->live, 1, &slc_cli_stop);
    if (ret == 0) {
        ret = queue_dir(u, argv[0]);
    }
    if (u) {
        int r2 = slc_cli_upload_close(&u, argv[1], cfg->quiet, cfg->progress);
        ret = ret < 0 ? ret : r2;
    }
    if (ret == SLC_EINTR) {
        fprintf(stderr, "sluice: error: interrupted\n");
    }
    return ret == SLC_EIO ? SLC_EXIT_UPLOAD : slc_cli_exit_code(ret);
}

const struct slc_cli_cmd slc_cmd_upload = {
    .name = "upload",
    .synopsis = "OUTDIR URL [options]",
    .summary = "PUT a packaged OUTDIR to an HTTP/WebDAV or s3:// target (playlists last)",
    .opts = upload_opts,
    .nopts = sizeof(upload_opts) / sizeof(upload_opts[0]),
    .min_args = 2,
    .max_args = 2,
    .cfg_size = sizeof(struct upload_cfg),
    .run = run_upload,
};
