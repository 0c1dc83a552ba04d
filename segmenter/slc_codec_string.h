/* SPDX-License-Identifier: MIT */
/* RFC 6381 CODECS strings ("avc1.64001f", "mp4a.40.2", "hvc1.1.6.L93.B0") computed from the
 * real codec configuration (SPS / AudioSpecificConfig), for the multivariant playlist. */
#ifndef SLC_CODEC_STRING_H
#define SLC_CODEC_STRING_H

#include <libavcodec/codec_par.h>

#include <stddef.h>

/** Write the RFC 6381 string of `par` into `out` (size `cap`). Uses extradata (avcC or Annex B
 * SPS for H.264, hvcC for HEVC, AudioSpecificConfig for AAC) and falls back to profile/level
 * fields when extradata is missing. For H.264 (and HEVC) without usable extradata,
 * `first_packet` (Annex B bytes of a keyframe, may be NULL) is searched for an SPS (VPS).
 * `out` is always NUL-terminated. Returns 0, SLC_EUNSUPPORTED for a codec with no known
 * string, SLC_EFORMAT when H.264/HEVC carry no parameter set and no profile/level (logged),
 * SLC_ELIMIT if `cap` is small, SLC_EINVAL for NULL arguments. Pure function: thread-safe. */
int slc_seg_codec_string(const AVCodecParameters *par, const uint8_t *first_packet,
                         size_t first_packet_size, char *out, size_t cap);

#endif
