/* SPDX-License-Identifier: MIT */
/* A live channel: one ingest thread running slc_seg_run_live into its own live window
 * store. No FFmpeg or HTTP types. */
#ifndef SLC_LIVE_CHANNEL_H
#define SLC_LIVE_CHANNEL_H

#include "slc_segmenter.h"
#include "slc_store_live.h"

struct slc_live_channel;

struct slc_live_channel_config {
    const char *name;                   /* channel name: [A-Za-z0-9_-]{1,63} */
    const char *input;                  /* URL, device or file for slc_seg_run_live */
    struct slc_seg_config seg;          /* `stop` is set by the channel; strings must outlive it */
    struct slc_store_live_config store; /* `name` is set by the channel */
};

/** Check a channel name: 1..63 characters of [A-Za-z0-9_-]. 0 or SLC_EINVAL. */
int slc_live_channel_name_check(const char *name);

/** Create the channel's store and start its ingest thread. *out gets the channel (free with
 * slc_live_channel_free). 0, SLC_EINVAL (bad name or options: logged), SLC_ENOMEM, an I/O
 * error of the store's directory, or SLC_EINTERNAL (no thread). A bad input is not an error
 * here: the thread logs it and keeps retrying with back-off. */
int slc_live_channel_start(const struct slc_live_channel_config *c, struct slc_live_channel **out);

const char *slc_live_channel_name(const struct slc_live_channel *ch);
/** The channel's store (owned by the channel; valid until slc_live_channel_free). */
struct slc_store_live *slc_live_channel_store(struct slc_live_channel *ch);

/** Ask the ingest thread to stop without waiting. Thread-safe. */
void slc_live_channel_request_stop(struct slc_live_channel *ch);

/** Ask the ingest thread to stop and wait for it: the store gets its ENDLIST. Idempotent.
 * Returns the thread's result (0 or a negative slc_err). */
int slc_live_channel_stop(struct slc_live_channel *ch);

/** Stop if needed and free the channel and its store. NULL-safe; sets *pp = NULL. */
void slc_live_channel_free(struct slc_live_channel **pp);

#endif
