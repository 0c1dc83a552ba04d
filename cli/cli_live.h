/* SPDX-License-Identifier: MIT */
/* Options shared by `sluice live` and `sluice serve --live`, and their translation into the
 * segmenter's and the live store's configurations. */
#ifndef SLC_CLI_LIVE_H
#define SLC_CLI_LIVE_H

#include "cli_opts.h"
#include "slc_segmenter.h"
#include "slc_store_live.h"

struct slc_cli_live_opts {
    const char *format;
    struct slc_cli_list input_options;
    long long window;
    double target_duration;
    int realtime;
    int loop;
    const char *playlist_type;
    double dvr;
    double io_timeout;
    double reconnect_max;
    int low_latency;
    int no_low_latency;
    double part_target;
};

/* The option table entries, for a command whose config struct T holds the options in field F. */
#define SLC_CLI_LIVE_OPTS(T, F)                                                                    \
    {"format",                                                                                     \
     SLC_OPT_STRING,                                                                               \
     offsetof(T, F.format),                                                                        \
     NULL,                                                                                         \
     0,                                                                                            \
     0,                                                                                            \
     NULL,                                                                                         \
     "FMT",                                                                                        \
     "force the input format or device (as ffmpeg -f: mpegts, lavfi, v4l2, x11grab, ...)"},        \
        {"input-option",                                                                           \
         SLC_OPT_LIST,                                                                             \
         offsetof(T, F.input_options),                                                             \
         NULL,                                                                                     \
         0,                                                                                        \
         0,                                                                                        \
         NULL,                                                                                     \
         "K=V",                                                                                    \
         "demuxer/protocol option (repeatable), e.g. listen=1 for rtmp://"},                       \
        {"window", SLC_OPT_INT, offsetof(T, F.window),                                             \
         "6",      3,           10000,                                                             \
         NULL,     "N",         "segments listed in the sliding window"},                          \
        {"target-duration",                                                                        \
         SLC_OPT_DOUBLE,                                                                           \
         offsetof(T, F.target_duration),                                                           \
         "2",                                                                                      \
         1,                                                                                        \
         60,                                                                                       \
         NULL,                                                                                     \
         "SEC",                                                                                    \
         "segment duration (cut at the first keyframe after it)"},                                 \
        {"realtime",                                                                               \
         SLC_OPT_FLAG,                                                                             \
         offsetof(T, F.realtime),                                                                  \
         NULL,                                                                                     \
         0,                                                                                        \
         0,                                                                                        \
         NULL,                                                                                     \
         NULL,                                                                                     \
         "read a file input at its own pace (as ffmpeg -re)"},                                     \
        {"loop",                                                                                   \
         SLC_OPT_FLAG,                                                                             \
         offsetof(T, F.loop),                                                                      \
         NULL,                                                                                     \
         0,                                                                                        \
         0,                                                                                        \
         NULL,                                                                                     \
         NULL,                                                                                     \
         "with --realtime: start a file input again at its end"},                                  \
        {"playlist-type",                                                                          \
         SLC_OPT_ENUM,                                                                             \
         offsetof(T, F.playlist_type),                                                             \
         "live",                                                                                   \
         0,                                                                                        \
         0,                                                                                        \
         "live|event",                                                                             \
         NULL,                                                                                     \
         "live: sliding window; event: keep every segment, ENDLIST on stop"},                      \
        {"dvr",                                                                                    \
         SLC_OPT_DOUBLE,                                                                           \
         offsetof(T, F.dvr),                                                                       \
         "0",                                                                                      \
         0,                                                                                        \
         604800,                                                                                   \
         NULL,                                                                                     \
         "SEC",                                                                                    \
         "list this much media instead of --window segments (a DVR window)"},                      \
        {"io-timeout",                                                                             \
         SLC_OPT_DOUBLE,                                                                           \
         offsetof(T, F.io_timeout),                                                                \
         "5",                                                                                      \
         0.5,                                                                                      \
         3600,                                                                                     \
         NULL,                                                                                     \
         "SEC",                                                                                    \
         "no input for this long is a stall: reconnect"},                                          \
        {"low-latency",                                                                            \
         SLC_OPT_FLAG,                                                                             \
         offsetof(T, F.low_latency),                                                               \
         NULL,                                                                                     \
         0,                                                                                        \
         0,                                                                                        \
         NULL,                                                                                     \
         NULL,                                                                                     \
         "LL-HLS: parts, preload hints, blocking playlist reload (serve: the default)"},           \
        {"no-low-latency",                                                                         \
         SLC_OPT_FLAG,                                                                             \
         offsetof(T, F.no_low_latency),                                                            \
         NULL,                                                                                     \
         0,                                                                                        \
         0,                                                                                        \
         NULL,                                                                                     \
         NULL,                                                                                     \
         "serve: standard HLS only (no parts, no blocking reload)"},                               \
        {"part-target",                                                                            \
         SLC_OPT_DOUBLE,                                                                           \
         offsetof(T, F.part_target),                                                               \
         "0",                                                                                      \
         0,                                                                                        \
         10,                                                                                       \
         NULL,                                                                                     \
         "SEC",                                                                                    \
         "with --low-latency: longest part (0: a quarter of --target-duration)"},                  \
    {                                                                                              \
        "reconnect-max", SLC_OPT_DOUBLE, offsetof(T, F.reconnect_max), "10", 0.5, 3600, NULL,      \
            "SEC", "longest wait between reconnect attempts"                                       \
    }

/** Fill the segmenter and store configurations from the parsed options (the strings stay
 * owned by argv). */
/** Fill the segmenter and store configs from the options. `serve`: the channel lives in the
 * origin's memory, where LL-HLS is on unless --no-low-latency (on disk it needs --low-latency,
 * which the disk store refuses: blocking reload needs the origin). */
void slc_cli_live_configure(const struct slc_cli_live_opts *o, int serve,
                            struct slc_seg_config *seg, struct slc_store_live_config *store);

/** Register libavdevice's capture devices and lavfi, and route FFmpeg's log. Once. */
void slc_cli_live_init_ffmpeg(void);

#endif

#include <limits.h>

struct slc_origin;
struct slc_live_channel;
struct slc_upload;
struct slc_cli_upload_opts;

#define SLC_CLI_URL_MAX 2048

/* The live channels of `sluice serve`. */
struct slc_cli_channels {
    struct slc_live_channel *ch[SLC_CLI_LIST_MAX + 1];
    const char *names[SLC_CLI_LIST_MAX + 1];
    struct slc_store_live *stores[SLC_CLI_LIST_MAX + 1];
    char mirror[SLC_CLI_LIST_MAX + 1][PATH_MAX];
    struct slc_upload *up[SLC_CLI_LIST_MAX + 1]; /* the mirror's uploader, or NULL */
    char up_url[SLC_CLI_LIST_MAX + 1][SLC_CLI_URL_MAX];
    size_t n;
};

/** Start one channel per "NAME=INPUT" in `specs` (plus the test-pattern channel `test` when
 * `test_input` is not NULL), each with its own ingest thread. With `mirror`, each window is
 * also written to mirror/NAME/, and with `up` (its url set) that folder is uploaded to
 * url/NAME/ as it is written (as `sluice live --upload`). 0, or SLC_EINVAL for a bad spec or
 * name (printed), or the channel's error; started channels stay in `cs` either way. */
int slc_cli_channels_start(struct slc_cli_channels *cs, const struct slc_cli_list *specs,
                           const struct slc_cli_live_opts *o, const char *mirror,
                           const struct slc_cli_upload_opts *up, const char *test_input);

/** Serve the channels at /live/. */
int slc_cli_channels_mount(struct slc_cli_channels *cs, struct slc_origin *origin);

/** Stop every ingest thread (each playlist gets its ENDLIST), then wait for the uploads
 * (with their last playlists; a second signal abandons them) and print their summaries
 * unless `quiet`. 0, or SLC_EIO if an upload is incomplete. (free) releases the channels. */
int slc_cli_channels_stop(struct slc_cli_channels *cs, int quiet);
void slc_cli_channels_free(struct slc_cli_channels *cs);
