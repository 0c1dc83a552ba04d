/* SPDX-License-Identifier: MIT */
/* Live runs: one source session after another until stopped. A disconnect, stall or failure
 * ends the open segment (so everything received is published), then the input is opened
 * again with exponential back-off; the output timeline continues and the next segment is
 * marked as a discontinuity (RFC 8216 4.3.2.3: the encoder may have restarted). An input
 * that can't come back (a pipe, a regular file without --loop) ends the run at its end: the
 * playlist is complete (the sink's finish writes EXT-X-ENDLIST). */
#include "seg_pipeline.h"

#include "slc_err.h"
#include "slc_log.h"

#include <libavutil/time.h>

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define BACKOFF_MIN_US 500000
#define BACKOFF_MAX_US 10000000
/* An open that timed out after at least this long is retried without a back-off sleep. */
#define SELF_PACED_US 1000000

/* Sleep up to `us`, waking early when a stop is requested. */
static void sleep_unless_stopped(const struct slc_seg_config *c, int64_t us)
{
    while (us > 0 && !(c->stop && *c->stop)) {
        int64_t step = us > 100000 ? 100000 : us;
        av_usleep((unsigned)step);
        us -= step;
    }
}

/* After a session: publish what it produced and line the next one up behind it. */
static int end_session(struct slc_seg_pipeline *p)
{
    int ret = slc_seg_flow_flush(p);

    slc_seg_session_close(p);
    if (p->seq > 0 || p->seg_open) {
        p->out_base_90k = p->last_end_90k;
    }
    p->pending_discontinuity = p->seq > 0;
    p->described = 0; /* the next session describes its own streams */
    return ret;
}

/* Whether the end of `input` is the end of the stream: stdin and other pipes can't be
 * opened again, and opening a regular file again would replay it (that is --loop). Network
 * inputs and devices come back. */
static int ends_for_good(const char *input)
{
    struct stat st;

    if (strcmp(input, "-") == 0 || strncmp(input, "pipe:", 5) == 0 ||
        strncmp(input, "fd:", 3) == 0) {
        return 1;
    }
    if (strncmp(input, "file:", 5) == 0) {
        input += 5;
    } else if (strstr(input, "://")) {
        return 0;
    }
    return stat(input, &st) == 0 && S_ISREG(st.st_mode);
}

/* Whether a failed open of `input` is final: a pipe or a file that can't be opened as media
 * now won't be later, and a path that names nothing (no URL, no --format device) is a
 * mistake, not an outage. Network inputs and devices are tried again. */
static int open_failure_final(const struct slc_seg_config *c, const char *input)
{
    struct stat st;
    const char *path = strncmp(input, "file:", 5) == 0 ? input + 5 : input;

    if (ends_for_good(input)) {
        return 1;
    }
    return !c->input_format && !strstr(input, "://") && stat(path, &st) != 0;
}

/* One opening of the input; returns 0 when it ran (ended or failed later), SLC_EOF when it
 * ran to an end that is final (see ends_for_good), or the open error. Sink errors come back
 * as themselves so the caller can stop. *ran: 0 if the open failed, 1 if it ran, 2 if it
 * ended at a new stream layout of the input (open again at once). */
static int one_session(struct slc_seg_pipeline *p, const char *input, int *ran)
{
    int ret = slc_seg_session_open(p, input), final = 0;

    *ran = 0;
    if (ret < 0) {
        slc_seg_session_close(p);
        return ret;
    }
    *ran = 1;
    slc_log_info("segmenter: live input '%s' connected", input);
    ret = slc_seg_session_run(p);
    if (ret == SLC_EOF && slc_seg_source_relayout(&p->src)) {
        slc_log_warn("segmenter: live input '%s' changed its streams (a new program map: "
                     "another codec or another set of tracks); opened again on it",
                     input);
        *ran = 2;
    } else if (ret == SLC_EOF && !p->cfg->loop && ends_for_good(input)) {
        slc_log_info("segmenter: live input '%s' ended; the stream is complete", input);
        final = SLC_EOF;
    } else if (ret == SLC_EOF && !p->cfg->loop) {
        slc_log_warn("segmenter: live input '%s' ended; reconnecting", input);
    }
    if (ret == SLC_EOF || ret == SLC_ETIMEDOUT || ret == SLC_EIO || ret == SLC_EFORMAT ||
        ret == SLC_EINTR) {
        ret = 0;
    }
    if (ret == 0) {
        ret = end_session(p);
    } else {
        end_session(p);
    }
    return ret == 0 ? final : ret;
}

static int is_sink_error(int err)
{
    return err == SLC_ENOSPC || err == SLC_EACCES || err == SLC_ENOMEM;
}

int slc_seg_run_live(const struct slc_seg_config *c, const char *input,
                     const struct slc_seg_sink *sink, uint64_t first_seq)
{
    struct slc_seg_pipeline *p = calloc(1, sizeof(*p));
    int64_t backoff = BACKOFF_MIN_US, max_backoff;
    int ret = p ? slc_seg_check_config(c) : SLC_ENOMEM, failures = 0;

    if (ret < 0) {
        free(p);
        return ret;
    }
    max_backoff = c->reconnect_max > 0 ? (int64_t)(c->reconnect_max * 1e6) : BACKOFF_MAX_US;
    p->cfg = c;
    p->sink = *sink;
    p->seq = first_seq;
    p->out_base_90k = SLC_OUT_OFFSET_90K;
    p->pending_discontinuity = first_seq > 0; /* a restart continues an older stream */
    while (!(c->stop && *c->stop)) {
        int64_t t0 = av_gettime_relative();
        int ran;
        ret = one_session(p, input, &ran);
        if (ret == SLC_EOF) {
            ret = 0;
            break; /* a pipe or a file at its end: the playlist is complete */
        }
        if (ret < 0 && (is_sink_error(ret) || ran)) {
            break; /* the sink failed: nothing to retry */
        }
        if (ret < 0 && open_failure_final(c, input)) {
            slc_log_error("segmenter: live input '%s': %s (a file or a pipe: not retried)", input,
                          slc_strerror(ret));
            break;
        }
        if (ran) {
            failures = 0;
            backoff = BACKOFF_MIN_US;
            if (c->loop || ran == 2) {
                continue;
            }
        } else if (failures++ == 0) {
            slc_log_warn("segmenter: live input '%s' unavailable (%s); retrying", input,
                         slc_strerror(ret));
        }
        if (!ran && ret == SLC_ETIMEDOUT && av_gettime_relative() - t0 >= SELF_PACED_US) {
            /* The attempt waited the whole I/O timeout for data (a udp:// socket nobody sends
             * to, a server that accepts and stays silent): it paced itself. Sleeping on top
             * would leave a returning encoder unheard for up to the back-off maximum. */
            ret = 0;
            continue;
        }
        sleep_unless_stopped(c, backoff);
        backoff = backoff * 2 > max_backoff ? max_backoff : backoff * 2;
        ret = 0;
    }
    slc_seg_source_release(&p->src);
    free(p->first_key);
    {
        int fret = p->sink.ops->finish(p->sink.opaque, ret == 0);
        ret = ret < 0 ? ret : fret;
    }
    free(p);
    return ret;
}
