/* SPDX-License-Identifier: MIT */
/* The origin's live source: serves named live window stores at a prefix
 * (/live/NAME/index.m3u8, /live/NAME/stream.m3u8, /live/NAME/<segment>). */
#ifndef SLC_ORIGIN_LIVE_H
#define SLC_ORIGIN_LIVE_H

#include <stddef.h>

struct slc_origin;
struct slc_store_live;

/** Mount `n` stores named `names[i]` at `prefix`. The names are copied; the stores are the
 * caller's and must outlive the origin (free the origin first). Growing segments are
 * streamed as they grow; playlists are served from the store's atomically swapped objects.
 * 0, SLC_ENOMEM, or as slc_origin_mount. */
int slc_origin_mount_live(struct slc_origin *o, const char *prefix, const char *const *names,
                          struct slc_store_live *const *stores, size_t n);

#endif
