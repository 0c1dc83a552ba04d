/* SPDX-License-Identifier: MIT */
/* Live window store: segment objects, the sliding window with its retention grace, and the
 * playlists rendered at every segment end and swapped in atomically. */
#include "store_live_priv.h"

#include "slc_err.h"
#include "slc_log.h"
#include "slc_object.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_WINDOW 6
#define DEFAULT_TARGET 2.0

void slc_store_live_config_init(struct slc_store_live_config *c)
{
    memset(c, 0, sizeof(*c));
    c->name = "live";
    c->window = DEFAULT_WINDOW;
    c->target_duration = DEFAULT_TARGET;
    c->type = SLC_PL_TYPE_NONE;
    c->memory = 1;
}

void slc_store_live_seg_name(uint64_t seq, char *out, size_t cap)
{
    snprintf(out, cap, "seg%05" PRIu64 ".ts", seq);
}

static int check_config(const struct slc_store_live_config *c)
{
    const char *name = c->name ? c->name : "live";

    if (c->window != 0 &&
        (c->window < SLC_STORE_LIVE_WINDOW_MIN || c->window > SLC_STORE_LIVE_WINDOW_MAX)) {
        slc_log_error("store: channel '%s': window %u out of range %d..%d", name, c->window,
                      SLC_STORE_LIVE_WINDOW_MIN, SLC_STORE_LIVE_WINDOW_MAX);
        return SLC_EINVAL;
    }
    if (c->type != SLC_PL_TYPE_NONE && c->type != SLC_PL_TYPE_EVENT) {
        slc_log_error("store: channel '%s': a live playlist is sliding or EVENT", name);
        return SLC_EINVAL;
    }
    if (!(c->target_duration >= 0 && c->target_duration <= 60) || c->dvr_sec < 0 ||
        !(c->part_target >= 0 && c->part_target <= 10) ||
        (c->part_target > 0 && c->part_target < 0.1)) {
        slc_log_error("store: channel '%s': bad target duration or DVR window", name);
        return SLC_EINVAL;
    }
    return 0;
}

/* LL-HLS header (RFC 8216bis 4.4.3.7/4.4.3.8): PART-HOLD-BACK 3x PART-TARGET (HLS-NOTES: the
 * RFC's minimum is 2x, 3x plays without stalls), HOLD-BACK 3 target durations; the pulse
 * object blocking requests wait on. */
static int ll_init(struct slc_store_live *s)
{
    int ret = slc_object_new_growing(0, &s->pulse);

    /* a taken-over playlist's parts and hint belong to a run that is gone */
    slc_pl_media_clear_tail(&s->pl);
    slc_pl_media_drop_parts(&s->pl, 0);
    s->pl.part_target_us = s->pl.part_hold_back_us = s->pl.hold_back_us = 0;
    s->pl.can_block_reload = 0;
    s->cut_off = -1;
    if (ret < 0 || s->cfg.part_target <= 0) {
        return ret;
    }
    if (!s->cfg.memory) {
        slc_log_error("store: channel '%s': LL-HLS parts need the in-memory store", s->name);
        return SLC_EINVAL;
    }
    s->part_target_us = (int64_t)(s->cfg.part_target * 1e6 + 0.5);
    s->pl.part_target_us = s->part_target_us;
    s->pl.part_hold_back_us = 3 * s->part_target_us;
    s->pl.can_block_reload = 1;
    return 0;
}

static int copy_config(struct slc_store_live *s, const struct slc_store_live_config *c)
{
    s->cfg = *c;
    s->cfg.window = c->window ? c->window : DEFAULT_WINDOW;
    s->cfg.target_duration = c->target_duration > 0 ? c->target_duration : DEFAULT_TARGET;
    s->name = strdup(c->name ? c->name : "live");
    s->dir = c->dir ? strdup(c->dir) : NULL;
    s->cfg.name = s->name;
    s->cfg.dir = s->dir;
    return s->name && (!c->dir || s->dir) ? 0 : SLC_ENOMEM;
}

/* Unique per store instance: the wall clock in ns, the process and the store's address. */
static uint64_t seed_validators(const struct slc_store_live *s)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return slc_object_mix64((uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec) ^
           slc_object_mix64(((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)s);
}

int slc_store_live_new(const struct slc_store_live_config *c, struct slc_store_live **out)
{
    struct slc_store_live *s;
    int ret = check_config(c);

    *out = NULL;
    if (ret < 0) {
        return ret;
    }
    s = calloc(1, sizeof(*s));
    if (!s) {
        return SLC_ENOMEM;
    }
    pthread_mutex_init(&s->lock, NULL);
    slc_pl_media_init(&s->pl);
    s->validator_seed = seed_validators(s);
    s->fd = -1;
    ret = copy_config(s, c);
    s->pl.type = s->cfg.type;
    if (ret == 0) {
        ret = slc_store_live_disk_takeover(s);
    }
    if (ret == 0) {
        ret = ll_init(s);
    }
    if (ret < 0) {
        slc_store_live_free(&s);
        return ret;
    }
    *out = s;
    return 0;
}

static void entry_clear(struct live_entry *e)
{
    slc_object_unref(&e->obj);
    e->name[0] = '\0';
}

void slc_store_live_free(struct slc_store_live **pp)
{
    struct slc_store_live *s = *pp;

    if (!s) {
        return;
    }
    slc_store_live_disk_abort(s);
    if (s->cur.obj) {
        slc_object_fail(s->cur.obj, SLC_EINTR);
    }
    entry_clear(&s->cur);
    for (size_t i = 0; i < s->n; i++) {
        entry_clear(&s->e[i]);
    }
    free(s->e);
    slc_object_unref(&s->media_obj);
    slc_object_unref(&s->multi_obj);
    if (s->pulse) {
        slc_object_complete(s->pulse);
    }
    slc_object_unref(&s->pulse);
    slc_pl_media_deinit(&s->pl);
    pthread_mutex_destroy(&s->lock);
    free(s->name);
    free(s->dir);
    free(s);
    *pp = NULL;
}

uint64_t slc_store_live_next_seq(const struct slc_store_live *s)
{
    return s->next_seq;
}

/* ---- sink: begin / write ---- */

int slc_store_live_begin(void *opaque, uint64_t seq)
{
    struct slc_store_live *s = opaque;
    struct live_entry cur = {0};
    int ret;

    cur.seq = seq;
    slc_store_live_seg_name(seq, cur.name, sizeof(cur.name));
    if (s->cfg.memory) {
        ret = slc_object_new_growing(SLC_STORE_LIVE_SEGMENT_MAX, &cur.obj);
        if (ret < 0) {
            return ret;
        }
        /* The segment's identity is known before its bytes: a validator fixed up front (unique
         * to this store, sequence and attempt) instead of a hash of every byte appended, which
         * cost a multiply per byte on the ingest thread (perf: the largest user-space item per
         * channel once datagrams were batched). Its content never changes once complete. */
        slc_object_set_validator(cur.obj,
                                 slc_object_mix64(s->validator_seed ^ slc_object_mix64(seq) ^
                                                  slc_object_mix64(++s->begun << 1)));
    }
    pthread_mutex_lock(&s->lock);
    if (s->cur.obj) {
        slc_object_fail(s->cur.obj, SLC_EIO); /* abandoned: never listed */
    }
    entry_clear(&s->cur);
    s->cur = cur;
    pthread_mutex_unlock(&s->lock);
    ret = slc_store_live_parts_begin(s);
    return ret < 0 ? ret : slc_store_live_disk_begin(s);
}

int slc_store_live_write(void *opaque, const uint8_t *p, size_t n)
{
    struct slc_store_live *s = opaque;
    int ret = 0;

    if (s->cur.obj) {
        ret = slc_object_append(s->cur.obj, p, n);
        if (ret < 0) {
            slc_log_error("store: channel '%s': append failed '%s': %s", s->name, s->cur.name,
                          slc_strerror(ret));
            return ret;
        }
    }
    s->cur.bytes += n;
    ret = slc_store_live_disk_write(s, p, n);
    return ret < 0 ? ret : slc_store_live_parts_written(s);
}

/* ---- playlists ---- */

/* Render the multivariant playlist: BANDWIDTH is the peak segment bit rate so far (HLS-NOTES
 * "Multivariant": peak including TS overhead), rewritten whenever the peak grows. */
static int render_multi(struct slc_store_live *s, struct slc_buf *b)
{
    struct slc_pl_multivariant mv;
    struct slc_pl_variant v;
    int ret;

    memset(&v, 0, sizeof(v));
    v.uri = (char *)SLC_STORE_LIVE_MEDIA;
    v.bandwidth = s->peak_bps ? s->peak_bps : 1;
    v.average_bandwidth =
        s->total_us > 0 ? (uint64_t)((double)s->total_bytes * 8e6 / (double)s->total_us) : 0;
    v.codecs = s->desc.codecs[0] ? s->desc.codecs : NULL;
    v.width = s->desc.width;
    v.height = s->desc.height;
    v.frame_rate = s->desc.frame_rate;
    slc_pl_multi_init(&mv);
    mv.independent_segments = s->desc.has_video;
    ret = slc_pl_multi_add_variant(&mv, &v);
    if (ret == 0) {
        ret = slc_pl_multi_write(&mv, b);
    }
    slc_pl_multi_deinit(&mv);
    return ret;
}

/* Put a rendered playlist where readers find it: a new immutable memory object swapped in
 * under the lock (a reader holds the old or the new one, never a torn mix), and/or the file
 * replaced atomically. */
static int publish_memory(struct slc_store_live *s, struct slc_buf *b, struct slc_object **slot);

/* `b` goes to memory and, unless `disk` says otherwise, to the disk mirror. */
static int publish(struct slc_store_live *s, const char *file, struct slc_buf *b,
                   const struct slc_buf *disk, struct slc_object **slot)
{
    int ret = slc_store_live_disk_publish(s, file, disk ? disk : b);

    if (ret < 0 || !s->cfg.memory) {
        return ret;
    }
    return publish_memory(s, b, slot);
}

static int publish_memory(struct slc_store_live *s, struct slc_buf *b, struct slc_object **slot)
{
    struct slc_object *obj = NULL;
    int ret = slc_object_new_memory_copy(b->data, b->len, &obj);
    if (ret < 0) {
        return ret;
    }
    pthread_mutex_lock(&s->lock);
    {
        struct slc_object *old = *slot;
        *slot = obj;
        obj = old;
    }
    pthread_mutex_unlock(&s->lock);
    slc_object_unref(&obj);
    return 0;
}

int slc_store_live_publish_media(struct slc_store_live *s)
{
    struct slc_buf b, std;
    char why[256] = "";
    int ll_mirror, ret;

    slc_buf_init(&b, 0);
    slc_buf_init(&std, 0);
    ret = slc_pl_media_write(&s->pl, NULL, &b);
    if (ret == SLC_EPROTO) {
        slc_pl_media_check(&s->pl, why, sizeof(why));
        slc_log_error("store: channel '%s': playlist rule violated: %s", s->name, why);
    }
    /* LL-HLS lives in memory, where the origin blocks reloads and serves parts of the
     * growing segment; the disk mirror, served by anything, gets standard HLS (its open
     * segment is not even there yet), rewritten only when a segment is listed */
    ll_mirror = ret == 0 && s->part_target_us > 0 && s->dir;
    if (ll_mirror) {
        ret = slc_pl_media_write_standard(&s->pl, NULL, &std);
    }
    if (ret == 0 && ll_mirror && s->cfg.memory &&
        s->pl.nsegs + s->pl.media_sequence == s->disk_pub_count &&
        s->pl.endlist == s->disk_pub_endlist) {
        ret = publish_memory(s, &b, &s->media_obj); /* a part: the disk version is the same */
    } else if (ret == 0) {
        ret = publish(s, SLC_STORE_LIVE_MEDIA, &b, ll_mirror ? &std : NULL, &s->media_obj);
        s->disk_pub_count = s->pl.nsegs + s->pl.media_sequence;
        s->disk_pub_endlist = s->pl.endlist;
    }
    if (ret == 0) {
        pthread_mutex_lock(&s->lock);
        s->pub_msn = s->pl.media_sequence;
        s->pub_dsn = s->pl.discontinuity_sequence;
        s->pub_target = s->pl.target_duration;
        s->pub_nsegs = s->pl.nsegs;
        s->pub_ntail = s->pl.ntail;
        pthread_mutex_unlock(&s->lock);
        ret = slc_store_live_pulse(s);
    }
    slc_buf_deinit(&b);
    slc_buf_deinit(&std);
    return ret;
}

int slc_store_live_publish_multi(struct slc_store_live *s)
{
    struct slc_buf b;
    int ret;

    slc_buf_init(&b, 0);
    ret = render_multi(s, &b);
    if (ret == 0) {
        ret = publish(s, SLC_STORE_LIVE_MULTI, &b, NULL, &s->multi_obj);
    }
    slc_buf_deinit(&b);
    return ret;
}
