/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the live input's PAT/PMT watcher (segmenter/ts_watch.c) reads bytes an
 * encoder, or anyone who can send a UDP datagram to the port, chose. The input is cut into
 * datagram-sized chunks (the first byte picks the size); whatever they hold, the watcher must
 * stay in bounds (ASan, UBSan), keep at most SLC_TS_WATCH_MAX_ES streams, and hold streams
 * only once it has a reference PMT. (Whether a change is reported is the unit test's job,
 * test_seg_logic: a chunk may hold several different PMTs, so no simple oracle fits.) */
#include "seg_ts_watch.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct slc_ts_watch w;
    size_t chunk;

    if (size < 1) {
        return 0;
    }
    chunk = 188 * (1 + data[0] % 8);
    data++;
    size--;
    slc_ts_watch_init(&w);
    for (size_t off = 0; off < size; off += chunk) {
        size_t n = size - off < chunk ? size - off : chunk;
        int changed = slc_ts_watch_feed(&w, data + off, n);
        if ((changed && !w.have) || w.nes < 0 || w.nes > SLC_TS_WATCH_MAX_ES ||
            (w.nes > 0 && !w.have)) {
            abort();
        }
    }
    return 0;
}
