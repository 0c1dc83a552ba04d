/* SPDX-License-Identifier: MIT */
/* Live channels: an ingest thread per channel feeding its store until stopped. */
#include "slc_live_channel.h"

#include "slc_err.h"
#include "slc_log.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

struct slc_live_channel {
    char *name, *input;
    struct slc_seg_config seg;
    struct slc_store_live *store;
    volatile sig_atomic_t stop;
    pthread_t thread;
    int running;
    int result;
};

int slc_live_channel_name_check(const char *name)
{
    size_t n = name ? strlen(name) : 0;

    if (n == 0 || n > 63) {
        return SLC_EINVAL;
    }
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-')) {
            return SLC_EINVAL;
        }
    }
    return 0;
}

static void *ingest_main(void *arg)
{
    struct slc_live_channel *ch = arg;
    struct slc_seg_sink sink = slc_store_live_sink(ch->store);

    ch->result = slc_seg_run_live(&ch->seg, ch->input, &sink, slc_store_live_next_seq(ch->store));
    if (ch->result < 0) {
        slc_log_error("live: channel '%s' stopped: %s", ch->name, slc_strerror(ch->result));
    }
    return NULL;
}

int slc_live_channel_start(const struct slc_live_channel_config *c, struct slc_live_channel **out)
{
    struct slc_live_channel *ch = calloc(1, sizeof(*ch));
    struct slc_store_live_config sc = c->store;
    int ret = SLC_ENOMEM;

    *out = NULL;
    if (slc_live_channel_name_check(c->name) < 0) {
        slc_log_error("live: bad channel name '%s' (1-63 of A-Z a-z 0-9 _ -)",
                      c->name ? c->name : "");
        free(ch);
        return SLC_EINVAL;
    }
    if (!ch || !(ch->name = strdup(c->name)) || !(ch->input = strdup(c->input))) {
        goto out;
    }
    ch->seg = c->seg;
    ch->seg.stop = &ch->stop;
    ch->seg.live = 1;
    sc.name = ch->name;
    ret = slc_store_live_new(&sc, &ch->store);
    if (ret < 0) {
        goto out;
    }
    if (pthread_create(&ch->thread, NULL, ingest_main, ch) != 0) {
        slc_log_error("live: pthread_create failed '%s'", ch->name);
        ret = SLC_EINTERNAL;
        goto out;
    }
    ch->running = 1;
    *out = ch;
    ch = NULL;
    ret = 0;
out:
    slc_live_channel_free(&ch);
    return ret;
}

const char *slc_live_channel_name(const struct slc_live_channel *ch)
{
    return ch->name;
}

struct slc_store_live *slc_live_channel_store(struct slc_live_channel *ch)
{
    return ch->store;
}

void slc_live_channel_request_stop(struct slc_live_channel *ch)
{
    ch->stop = 1;
}

int slc_live_channel_stop(struct slc_live_channel *ch)
{
    if (ch->running) {
        ch->stop = 1;
        pthread_join(ch->thread, NULL);
        ch->running = 0;
    }
    return ch->result;
}

void slc_live_channel_free(struct slc_live_channel **pp)
{
    struct slc_live_channel *ch = *pp;

    if (!ch) {
        return;
    }
    slc_live_channel_stop(ch);
    slc_store_live_free(&ch->store);
    free(ch->name);
    free(ch->input);
    free(ch);
    *pp = NULL;
}
