/* SPDX-License-Identifier: MIT */
/* Cross-track packet ordering with a bounded queue per track. */
#include "seg_interleave.h"

#include "slc_err.h"

#include <string.h>

void slc_seg_il_init(struct slc_seg_interleaver *il, const int active[SLC_IL_TRACKS])
{
    memset(il, 0, sizeof(*il));
    for (int t = 0; t < SLC_IL_TRACKS; t++) {
        il->q[t].active = active[t];
        il->q[t].finished = !active[t];
    }
}

void slc_seg_il_deinit(struct slc_seg_interleaver *il)
{
    AVPacket *p;
    int t;

    while (slc_seg_il_pop(il, 1, &p, &t)) {
        av_packet_free(&p);
    }
}

int64_t slc_seg_il_key(const AVPacket *pkt, int is_video)
{
    if (!is_video) {
        return pkt->dts + (pkt->duration > 0 ? pkt->duration : 0);
    }
    if ((pkt->flags & AV_PKT_FLAG_KEY) && pkt->pts > pkt->dts) {
        return pkt->pts;
    }
    return pkt->dts;
}

int slc_seg_il_push(struct slc_seg_interleaver *il, int t, AVPacket **pkt)
{
    struct slc_il_queue *q = &il->q[t];

    if (q->count >= SLC_IL_MAX_PACKETS) {
        return SLC_ELIMIT;
    }
    q->pkts[(q->head + q->count) % SLC_IL_MAX_PACKETS] = *pkt;
    q->count++;
    il->total++;
    *pkt = NULL;
    return 0;
}

void slc_seg_il_finish(struct slc_seg_interleaver *il, int t)
{
    il->q[t].finished = 1;
}

static AVPacket *peek(const struct slc_il_queue *q)
{
    return q->count ? q->pkts[q->head] : NULL;
}

static AVPacket *take(struct slc_seg_interleaver *il, int t)
{
    struct slc_il_queue *q = &il->q[t];
    AVPacket *p = q->pkts[q->head];

    q->head = (q->head + 1) % SLC_IL_MAX_PACKETS;
    q->count--;
    il->total--;
    return p;
}

/* Oldest and newest key queued on a track (the span that is waiting). */
static int64_t span(const struct slc_il_queue *q, int is_video)
{
    AVPacket *first = peek(q);
    AVPacket *last = q->count ? q->pkts[(q->head + q->count - 1) % SLC_IL_MAX_PACKETS] : NULL;

    if (!first) {
        return 0;
    }
    return slc_seg_il_key(last, is_video) - slc_seg_il_key(first, is_video);
}

int slc_seg_il_pop(struct slc_seg_interleaver *il, int drain, AVPacket **out, int *t)
{
    int best = -1, waiting = 0;
    int64_t best_key = 0;

    for (int i = 0; i < SLC_IL_TRACKS; i++) {
        const struct slc_il_queue *q = &il->q[i];
        AVPacket *p = peek(q);
        if (!p) {
            /* An empty track that may still deliver holds everything back, unless the
             * other track has waited too long (a sparse or dead track). */
            waiting |= !q->finished;
            continue;
        }
        int64_t key = slc_seg_il_key(p, i == 0);
        /* on a tie the audio frame goes first: it ends where the keyframe starts */
        if (best < 0 || key < best_key || (key == best_key && i != 0)) {
            best = i;
            best_key = key;
        }
    }
    if (best < 0) {
        return 0;
    }
    if (waiting && !drain) {
        const struct slc_il_queue *q = &il->q[best];
        if (q->count < SLC_IL_MAX_PACKETS / 2 && span(q, best == 0) < SLC_IL_MAX_SPAN_90K) {
            return 0;
        }
    }
    *t = best;
    *out = take(il, best);
    return 1;
}
