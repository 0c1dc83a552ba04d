/* SPDX-License-Identifier: MIT */
/* The --upload options shared by `sluice segment` and `sluice upload`, and the glue from the
 * disk store's file-completed callback to the uploader queue. */
#ifndef SLC_CLI_UPLOAD_H
#define SLC_CLI_UPLOAD_H

#include "cli_opts.h"
#include "slc_store_disk.h"
#include "slc_upload.h"

struct slc_cli_upload_opts {
    const char *url;
    struct slc_cli_list headers;
    long long concurrency;
    int resume;
    const char *s3_endpoint;
};

/* Option table rows; F(field) gives the offset of a member of struct slc_cli_upload_opts. */
#define SLC_CLI_UPLOAD_OPTS(F)                                                                     \
    {"upload",                                                                                     \
     SLC_OPT_STRING,                                                                               \
     F(url),                                                                                       \
     NULL,                                                                                         \
     0,                                                                                            \
     0,                                                                                            \
     NULL,                                                                                         \
     "URL",                                                                                        \
     "also PUT every file to URL + its name (http(s)://... or s3://bucket/prefix)"},               \
        {"upload-header",                                                                          \
         SLC_OPT_LIST,                                                                             \
         F(headers),                                                                               \
         NULL,                                                                                     \
         0,                                                                                        \
         0,                                                                                        \
         NULL,                                                                                     \
         "'K: V'",                                                                                 \
         "extra header on every upload (repeatable)"},                                             \
        {"upload-concurrency",       SLC_OPT_INT, F(concurrency), "4", 1, 64, NULL, "N",           \
         "uploads in flight at once"},                                                             \
        {"resume",                                                                                 \
         SLC_OPT_FLAG,                                                                             \
         F(resume),                                                                                \
         NULL,                                                                                     \
         0,                                                                                        \
         0,                                                                                        \
         NULL,                                                                                     \
         NULL,                                                                                     \
         "upload only what the target lacks (HEAD + Content-Length)"},                             \
        {"s3-endpoint",                                                                            \
         SLC_OPT_STRING,                                                                           \
         F(s3_endpoint),                                                                           \
         NULL,                                                                                     \
         0,                                                                                        \
         0,                                                                                        \
         NULL,                                                                                     \
         "URL",                                                                                    \
         "S3-compatible endpoint for s3:// (path style); credentials from AWS_* variables"},

/** Create and start an uploader for `outdir` from the options (S3 credentials from the
 * environment). `stop` ends waiting for the queue (&slc_cli_stop, or &slc_cli_stop_again for
 * a live run, whose first signal ends the input and whose last playlist must still go up).
 * *pp gets it (slc_upload_free). 0 or a negative slc_err (logged). */
int slc_cli_upload_open(struct slc_upload **pp, const struct slc_cli_upload_opts *o,
                        const char *outdir, int live, int playlist_max_age,
                        volatile sig_atomic_t *stop);

/** The disk store callback that feeds `opaque` (a struct slc_upload *). */
int slc_cli_upload_on_file(void *opaque, const char *name, enum slc_store_file_event ev);

/** Wait for the queue with a progress line on a terminal, print the summary (unless quiet)
 * and free the uploader. Returns 0 or the slc_err of slc_upload_finish. */
int slc_cli_upload_close(struct slc_upload **pp, const char *url, int quiet, int progress);

#endif
