/* SPDX-License-Identifier: MIT */
/* PAT/PMT watching for live MPEG-TS input (ISO/IEC 13818-1 2.4.4); see seg_ts_watch.h for
 * why it is ours and not libavformat's. */
#include "seg_ts_watch.h"

#include <libavutil/crc.h>

#include <string.h>

#define TS_PACKET 188
#define TS_SYNC 0x47
#define PID_PAT 0x0000
#define TABLE_PAT 0x00
#define TABLE_PMT 0x02
/* table_id, section_syntax/length (2), id (2), version, section_number, last_section_number */
#define SECTION_HEADER 8
#define CRC_SIZE 4

void slc_ts_watch_init(struct slc_ts_watch *w)
{
    memset(w, 0, sizeof(*w));
    w->pmt_pid = -1;
}

/* The PSI section that starts in TS packet `p` (PID `pid`), or NULL when the packet starts
 * none, or the section doesn't fit in it, or its CRC is wrong. *len: the section's size. */
static const uint8_t *section_in(const uint8_t *p, size_t *len)
{
    size_t off = 4, n;
    const uint8_t *s;

    if (!(p[1] & 0x40) || (p[1] & 0x80) || !(p[3] & 0x10)) {
        return NULL; /* no section start, transport error, or no payload */
    }
    if (p[3] & 0x20) {
        off += 1 + (size_t)p[4]; /* adaptation field */
    }
    if (off >= TS_PACKET) {
        return NULL;
    }
    off += 1 + (size_t)p[off]; /* pointer_field */
    if (off + 3 > TS_PACKET) {
        return NULL;
    }
    s = p + off;
    n = 3 + ((size_t)(s[1] & 0x0F) << 8 | s[2]);
    if (!(s[1] & 0x80) || n < SECTION_HEADER + CRC_SIZE || off + n > TS_PACKET) {
        return NULL;
    }
    if (av_crc(av_crc_get_table(AV_CRC_32_IEEE), UINT32_MAX, s, n) != 0) {
        return NULL; /* corrupt: a flipped bit must not look like a new layout */
    }
    *len = n;
    return s;
}

static void read_pat(struct slc_ts_watch *w, const uint8_t *s, size_t n)
{
    if (s[0] != TABLE_PAT) {
        return;
    }
    for (size_t i = SECTION_HEADER; i + 4 <= n - CRC_SIZE; i += 4) {
        int program = s[i] << 8 | s[i + 1];
        if (program != 0) { /* 0 names the network PID */
            w->pmt_pid = (s[i + 2] & 0x1F) << 8 | s[i + 3];
            return;
        }
    }
}

/* Stream types that carry no audio or video for us: private sections (0x05), DSM-CC
 * (0x0A-0x0D, 0x13, 0x14), metadata (0x15, 0x16: timed ID3) and SCTE-35 cues (0x86). An
 * encoder may add and remove those while it runs; that is no new layout. */
static int is_data_type(int type)
{
    return type == 0x05 || (type >= 0x0A && type <= 0x0D) || (type >= 0x13 && type <= 0x16) ||
           type == 0x86;
}

/* 1 if the PMT's audio/video streams differ from the reference (which it then becomes). */
static int read_pmt(struct slc_ts_watch *w, const uint8_t *s, size_t n)
{
    uint32_t es[SLC_TS_WATCH_MAX_ES];
    size_t i, end = n - CRC_SIZE;
    int nes = 0, changed;

    if (s[0] != TABLE_PMT || SECTION_HEADER + 4 > end) {
        return 0;
    }
    i = SECTION_HEADER + 4 +
        ((size_t)(s[SECTION_HEADER + 2] & 0x0F) << 8 |
         s[SECTION_HEADER + 3]); /* PCR PID, program_info */
    while (i + 5 <= end && nes < SLC_TS_WATCH_MAX_ES) {
        uint32_t pid = (uint32_t)(s[i + 1] & 0x1F) << 8 | s[i + 2];
        if (!is_data_type(s[i])) {
            es[nes++] = pid << 8 | s[i];
        }
        i += 5 + ((size_t)(s[i + 3] & 0x0F) << 8 | s[i + 4]);
    }
    if (i > end) {
        return 0; /* an ES_info_length past the section: not a PMT we trust */
    }
    changed = w->have && (nes != w->nes || memcmp(es, w->es, sizeof(es[0]) * (size_t)nes) != 0);
    w->have = 1;
    w->nes = nes;
    memcpy(w->es, es, sizeof(es[0]) * (size_t)nes);
    return changed;
}

int slc_ts_watch_feed(struct slc_ts_watch *w, const uint8_t *d, size_t len)
{
    int changed = 0;

    for (size_t k = 0; k + TS_PACKET <= len; k += TS_PACKET) {
        const uint8_t *p = d + k, *s;
        int pid;
        size_t n;

        if (p[0] != TS_SYNC) {
            return changed; /* not packet-aligned TS (or lost sync): nothing to watch */
        }
        pid = (p[1] & 0x1F) << 8 | p[2];
        if (pid != PID_PAT && pid != w->pmt_pid) {
            continue;
        }
        s = section_in(p, &n);
        if (!s) {
            continue;
        }
        if (pid == PID_PAT) {
            read_pat(w, s, n);
        } else {
            changed |= read_pmt(w, s, n);
        }
    }
    return changed;
}
