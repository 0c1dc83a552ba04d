/* SPDX-License-Identifier: MIT */
/* libFuzzer target for the m3u8 parser: parse hostile text; whatever parses and passes the
 * writer's checks must round-trip (write -> parse -> write gives the same bytes), and a
 * playlist must always be an allowed update of itself. Aborts on any broken oracle. */
#include "slc_buf.h"
#include "slc_err.h"
#include "slc_log.h"
#include "slc_playlist.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void quiet_sink(void *opaque, enum slc_log_level level, const char *line)
{
    (void)opaque;
    (void)level;
    (void)line;
}

static void fail(const char *what, const char *why, const struct slc_buf *a,
                 const struct slc_buf *b)
{
    fprintf(stderr, "fuzz_m3u8: %s: %s\n--- first ---\n%s\n--- second ---\n%s\n", what,
            why ? why : "", a && a->data ? a->data : "", b && b->data ? b->data : "");
    abort();
}

/* Parse `text` again as the kind it was written as; abort if that fails. */
static void reparse(const struct slc_buf *text, struct slc_pl_media *m,
                    struct slc_pl_multivariant *mv, int want_kind)
{
    char why[256] = "";
    int ret = slc_pl_parse(text->data, text->len, m, mv, why, sizeof(why));

    if (ret != want_kind) {
        fail("writer output does not parse", why, text, NULL);
    }
}

static void round_trip_media(const struct slc_pl_media *pl)
{
    struct slc_buf a, b;
    struct slc_pl_media again;

    slc_buf_init(&a, 0);
    slc_buf_init(&b, 0);
    slc_pl_media_init(&again);
    if (slc_pl_media_write(pl, NULL, &a) == 0) {
        reparse(&a, &again, NULL, SLC_PL_KIND_MEDIA);
        if (slc_pl_media_write(&again, NULL, &b) != 0) {
            fail("rewrite failed", NULL, &a, NULL);
        }
        if (a.len != b.len || memcmp(a.data, b.data, a.len) != 0) {
            fail("round trip differs", NULL, &a, &b);
        }
        /* With a base URL the output must still parse. */
        slc_pl_media_deinit(&again);
        slc_buf_reset(&b);
        if (slc_pl_media_write(pl, "https://cdn.example/x/", &b) != 0) {
            fail("write with base_url failed", NULL, &a, NULL);
        }
        reparse(&b, &again, NULL, SLC_PL_KIND_MEDIA);
    }
    slc_pl_media_deinit(&again);
    slc_buf_deinit(&a);
    slc_buf_deinit(&b);
}

/* The same playlist is always an allowed update of itself; dropping the head of a live one
 * that passes the checks (drop_head keeps the sequences right) is too. */
static void check_updates(const struct slc_pl_media *pl, const uint8_t *data, size_t size)
{
    struct slc_pl_media next;
    char why[256] = "";

    if (slc_pl_media_check_update(pl, pl, why, sizeof(why)) != 0) {
        fail("playlist is not an allowed update of itself", why, NULL, NULL);
    }
    if (pl->type != SLC_PL_TYPE_NONE || pl->endlist || pl->nsegs == 0 ||
        slc_pl_media_check(pl, NULL, 0) != 0) {
        return;
    }
    slc_pl_media_init(&next);
    if (slc_pl_parse((const char *)data, size, &next, NULL, NULL, 0) == SLC_PL_KIND_MEDIA) {
        slc_pl_media_drop_head(&next, 1 + (size_t)(data[size - 1] % next.nsegs));
        if (slc_pl_media_check_update(pl, &next, why, sizeof(why)) != 0) {
            fail("drop_head is not an allowed update", why, NULL, NULL);
        }
    }
    slc_pl_media_deinit(&next);
}

static void round_trip_multi(const struct slc_pl_multivariant *mv)
{
    struct slc_pl_multivariant again;
    struct slc_buf a, b;

    slc_buf_init(&a, 0);
    slc_buf_init(&b, 0);
    slc_pl_multi_init(&again);
    if (slc_pl_multi_write(mv, &a) == 0) {
        reparse(&a, NULL, &again, SLC_PL_KIND_MULTIVARIANT);
        if (slc_pl_multi_write(&again, &b) != 0) {
            fail("rewrite failed", NULL, &a, NULL);
        }
        if (a.len != b.len || memcmp(a.data, b.data, a.len) != 0) {
            fail("round trip differs", NULL, &a, &b);
        }
    }
    slc_pl_multi_deinit(&again);
    slc_buf_deinit(&a);
    slc_buf_deinit(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct slc_pl_multivariant mv;
    struct slc_pl_media pl;
    char why[256];
    int kind;

    slc_log_set_sink(quiet_sink, NULL);
    slc_pl_media_init(&pl);
    slc_pl_multi_init(&mv);
    kind = slc_pl_parse((const char *)data, size, &pl, &mv, why, sizeof(why));
    if (kind == SLC_PL_KIND_MEDIA) {
        (void)slc_pl_media_check(&pl, why, sizeof(why));
        (void)slc_pl_media_min_target(&pl);
        round_trip_media(&pl);
        check_updates(&pl, data, size);
    } else if (kind == SLC_PL_KIND_MULTIVARIANT) {
        round_trip_multi(&mv);
    } else if (kind >= 0) {
        fail("unexpected parse result", NULL, NULL, NULL);
    }
    slc_pl_media_deinit(&pl);
    slc_pl_multi_deinit(&mv);
    return 0;
}
