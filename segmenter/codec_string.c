/* SPDX-License-Identifier: MIT */
/* RFC 6381 CODECS strings from the codec configuration bytes (avcC/hvcC, Annex B parameter
 * sets, AudioSpecificConfig). Reads bytes only: no decoding, no I/O, no HTTP. */
#include "slc_codec_string.h"

#include "slc_err.h"
#include "slc_log.h"

#include <libavcodec/avcodec.h>
#include <libavutil/intreadwrite.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define H264_NAL_SPS 7
#define HEVC_NAL_VPS 32
#define HEVC_NAL_SPS 33
/* hvcC / profile_tier_level: 1 byte space+tier+profile, 4 compat, 6 constraint, 1 level */
#define HEVC_PTL_SIZE 12
#define HVCC_MIN_SIZE 23

enum nal_kind {
    NAL_H264,
    NAL_HEVC,
};

/* Append formatted text at out[*len]; SLC_ELIMIT when it does not fit in `cap`. */
static int put(char *out, size_t cap, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int put(char *out, size_t cap, size_t *len, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (*len >= cap) {
        return SLC_ELIMIT;
    }
    va_start(ap, fmt);
    n = vsnprintf(out + *len, cap - *len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= cap - *len) {
        return SLC_ELIMIT;
    }
    *len += (size_t)n;
    return 0;
}

static int nal_type(enum nal_kind kind, uint8_t header)
{
    /* H.264 7.3.1: 5-bit nal_unit_type; H.265 7.3.1.2: 6 bits after forbidden_zero_bit */
    return kind == NAL_H264 ? (header & 0x1f) : ((header >> 1) & 0x3f);
}

/* Find the first NAL unit of `type` in Annex B bytes. A 4-byte start code ends in the same
 * 00 00 01 as a 3-byte one, so one scan finds both. Returns the NAL (header included) and
 * its length up to the next start code in *len, or NULL. */
static const uint8_t *find_nal(const uint8_t *p, size_t n, enum nal_kind kind, int type,
                               size_t *len)
{
    for (size_t i = 0; p && i + 3 < n; i++) {
        const uint8_t *nal = p + i + 3;
        size_t rest = n - i - 3;
        size_t end = 1;

        if (p[i] != 0 || p[i + 1] != 0 || p[i + 2] != 1 || nal_type(kind, nal[0]) != type) {
            continue;
        }
        /* H.264 7.4.1: 00 00 00/01/02 cannot occur inside a NAL unit */
        while (end + 2 < rest && !(nal[end] == 0 && nal[end + 1] == 0 && nal[end + 2] <= 1)) {
            end++;
        }
        *len = end + 2 < rest ? end : rest;
        return nal;
    }
    return NULL;
}

/* Copy up to `cap` RBSP bytes of `src`, dropping emulation-prevention bytes (the 03 in
 * 00 00 03, H.264 7.4.1). Returns the number of bytes written. */
static size_t unescape_rbsp(const uint8_t *src, size_t n, uint8_t *dst, size_t cap)
{
    size_t out = 0;
    int zeros = 0;

    for (size_t i = 0; i < n && out < cap; i++) {
        if (zeros >= 2 && src[i] == 3) {
            zeros = 0;
            continue;
        }
        zeros = src[i] == 0 ? zeros + 1 : 0;
        dst[out++] = src[i];
    }
    return out;
}

/* Read `want` RBSP bytes that start `skip` bytes after the header of the first NAL of
 * `type` in Annex B bytes `p`. Returns 0 or SLC_ENOENT. */
static int annexb_rbsp(const uint8_t *p, size_t n, enum nal_kind kind, int type, size_t skip,
                       uint8_t *dst, size_t want)
{
    size_t hdr = kind == NAL_H264 ? 1 : 2;
    uint8_t rbsp[32];
    size_t len = 0;
    const uint8_t *nal = find_nal(p, n, kind, type, &len);

    if (!nal || len <= hdr || skip + want > sizeof(rbsp)) {
        return SLC_ENOENT;
    }
    if (unescape_rbsp(nal + hdr, len - hdr, rbsp, skip + want) < skip + want) {
        return SLC_ENOENT;
    }
    memcpy(dst, rbsp + skip, want);
    return 0;
}

/* profile_idc, constraint_set flags byte, level_idc of H.264 from profile/level fields:
 * FFmpeg keeps constraint_set1 (constrained) and constraint_set3 (intra) in profile bits. */
static void h264_ptl_from_fields(const AVCodecParameters *par, uint8_t ptl[3])
{
    ptl[0] = (uint8_t)(par->profile & 0xff);
    ptl[1] = (uint8_t)(((par->profile & FF_PROFILE_H264_CONSTRAINED) ? 0x40 : 0) |
                       ((par->profile & FF_PROFILE_H264_INTRA) ? 0x10 : 0));
    ptl[2] = (uint8_t)par->level;
}

static int h264_string(const AVCodecParameters *par, const uint8_t *pkt, size_t pkt_size, char *out,
                       size_t cap)
{
    const uint8_t *x = par->extradata;
    size_t xs = par->extradata_size > 0 ? (size_t)par->extradata_size : 0;
    uint8_t ptl[3];
    size_t len = 0;

    if (x && xs >= 4 && x[0] == 1) {
        /* ISO 14496-15 5.3.3.1: avcC bytes 1..3 copy the SPS's profile/flags/level */
        memcpy(ptl, x + 1, 3);
    } else if (annexb_rbsp(x, xs, NAL_H264, H264_NAL_SPS, 0, ptl, 3) == 0 ||
               annexb_rbsp(pkt, pkt_size, NAL_H264, H264_NAL_SPS, 0, ptl, 3) == 0) {
        /* SPS found in Annex B extradata or in the first keyframe */
    } else if (par->profile > 0 && par->level > 0) {
        h264_ptl_from_fields(par, ptl);
    } else {
        slc_log_warn("segmenter: codec string failed 'h264': no SPS in extradata or packet");
        return SLC_EFORMAT;
    }
    return put(out, cap, &len, "avc1.%02x%02x%02x", ptl[0], ptl[1], ptl[2]);
}

/* Get the 12 profile_tier_level bytes laid out as in hvcC bytes 1..12. */
static int hevc_ptl(const AVCodecParameters *par, const uint8_t *pkt, size_t pkt_size,
                    uint8_t ptl[HEVC_PTL_SIZE])
{
    const uint8_t *x = par->extradata;
    size_t xs = par->extradata_size > 0 ? (size_t)par->extradata_size : 0;

    if (x && xs >= HVCC_MIN_SIZE && x[0] == 1) {
        memcpy(ptl, x + 1, HEVC_PTL_SIZE);
        return 0;
    }
    /* H.265 7.3.2.2: the SPS's profile_tier_level follows one byte (vps id, max sub-layers,
     * temporal nesting); 7.3.2.1: the VPS's follows four bytes. */
    for (int i = 0; i < 2; i++) {
        const uint8_t *p = i == 0 ? x : pkt;
        size_t n = i == 0 ? xs : pkt_size;

        if (annexb_rbsp(p, n, NAL_HEVC, HEVC_NAL_SPS, 1, ptl, HEVC_PTL_SIZE) == 0 ||
            annexb_rbsp(p, n, NAL_HEVC, HEVC_NAL_VPS, 4, ptl, HEVC_PTL_SIZE) == 0) {
            return 0;
        }
    }
    return SLC_ENOENT;
}

static uint32_t reverse_bits32(uint32_t v)
{
    uint32_t r = 0;

    for (int i = 0; i < 32; i++) {
        r = (r << 1) | ((v >> i) & 1);
    }
    return r;
}

/* ISO 14496-15 E.3: hvc1.<space letter><profile>.<compat, bit-reversed hex>.<tier><level>
 * then each constraint byte in hex, trailing zero bytes omitted. We always say hvc1 (Apple
 * requires it in fMP4; in TS the tag is not signalled at all). */
static int format_hevc(const uint8_t ptl[HEVC_PTL_SIZE], char *out, size_t cap)
{
    static const char *const space[] = {"", "A", "B", "C"};
    size_t len = 0;
    int last = 10;
    int ret;

    ret = put(out, cap, &len, "hvc1.%s%d.%X.%c%d", space[ptl[0] >> 6], ptl[0] & 0x1f,
              (unsigned)reverse_bits32(AV_RB32(ptl + 1)), (ptl[0] & 0x20) ? 'H' : 'L', ptl[11]);
    while (last >= 5 && ptl[last] == 0) {
        last--;
    }
    for (int i = 5; ret == 0 && i <= last; i++) {
        ret = put(out, cap, &len, ".%X", ptl[i]);
    }
    return ret;
}

static int hevc_string(const AVCodecParameters *par, const uint8_t *pkt, size_t pkt_size, char *out,
                       size_t cap)
{
    uint8_t ptl[HEVC_PTL_SIZE] = {0};

    if (hevc_ptl(par, pkt, pkt_size, ptl) == 0) {
        return format_hevc(ptl, out, cap);
    }
    if (par->profile > 0 && par->profile < 32 && par->level > 0) {
        /* Best effort: main tier, only the profile's own compatibility flag */
        ptl[0] = (uint8_t)par->profile;
        AV_WB32(ptl + 1, reverse_bits32(1u << par->profile));
        ptl[11] = (uint8_t)par->level;
        return format_hevc(ptl, out, cap);
    }
    slc_log_warn("segmenter: codec string failed 'hevc': no hvcC, VPS or SPS");
    return SLC_EFORMAT;
}

/* ISO 14496-3 1.6.2.1: audioObjectType is 5 bits; 31 escapes to 32 + the next 6 bits.
 * Without an AudioSpecificConfig FFmpeg's profile is the object type minus one
 * (FF_PROFILE_AAC_LOW 1 -> 2, HE 4 -> 5, HE_V2 28 -> 29); unknown means LC, which is
 * what nearly every ADTS stream carries. */
static int aac_object_type(const AVCodecParameters *par)
{
    const uint8_t *x = par->extradata;
    int aot;

    if (x && par->extradata_size >= 1) {
        aot = x[0] >> 3;
        if (aot != 31) {
            return aot;
        }
        if (par->extradata_size >= 2) {
            return 32 + (((x[0] & 7) << 3) | (x[1] >> 5));
        }
    }
    return par->profile >= 0 ? par->profile + 1 : 2;
}

int slc_seg_codec_string(const AVCodecParameters *par, const uint8_t *first_packet,
                         size_t first_packet_size, char *out, size_t cap)
{
    size_t len = 0;

    if (!par || !out || cap == 0) {
        return SLC_EINVAL;
    }
    out[0] = '\0';
    switch (par->codec_id) {
    case AV_CODEC_ID_H264:
        return h264_string(par, first_packet, first_packet_size, out, cap);
    case AV_CODEC_ID_HEVC:
        return hevc_string(par, first_packet, first_packet_size, out, cap);
    case AV_CODEC_ID_AAC:
        return put(out, cap, &len, "mp4a.40.%d", aac_object_type(par));
    case AV_CODEC_ID_MP3:
        /* MP3 in TS has two spellings: the MPEG-4 audio object type 34 (Layer III),
         * "mp4a.40.34", and the MP4 object type indication 0x6B, "mp4a.6B", which Safari's
         * canPlayType answers to. We write mp4a.40.34: hls.js maps it to its MPEG-audio path
         * (and swaps in what MediaSource supports), FFmpeg's HLS muxer writes it too, and
         * CODECS only has to identify the codec, not please one browser's MSE check. */
        return put(out, cap, &len, "mp4a.40.34");
    case AV_CODEC_ID_AC3:
        return put(out, cap, &len, "ac-3");
    case AV_CODEC_ID_EAC3:
        return put(out, cap, &len, "ec-3");
    default:
        return SLC_EUNSUPPORTED;
    }
}
