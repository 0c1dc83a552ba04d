#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make_package.sh INPUT OUTDIR: the HLS package the HTTP and browser tests serve:
# OUTDIR/index.m3u8 (multivariant) + stream.m3u8 + seg*.ts.
# SLUICE_HTTP_SEGMENTER=sluice uses `sluice segment` (SLUICE_BIN); the default, ffmpeg, works
# before the segmenter exists. Both give the same layout.
set -euo pipefail
in=${1:?usage: make_package.sh INPUT OUTDIR}
out=${2:?usage: make_package.sh INPUT OUTDIR}
rm -rf "$out"
mkdir -p "$out"
if [[ ${SLUICE_HTTP_SEGMENTER:-ffmpeg} == sluice ]]; then
    "${SLUICE_BIN:?}" segment --quiet "$in" "$out"
    exit 0
fi
# FFmpeg's own output of the B-frame sample starts the video buffer after the audio and hls.js
# reports bufferSeekOverHole (HLS-NOTES "Segment contents"). For a clean reference package the
# video is re-encoded without B-frames and the audio delayed by its AAC priming (1024 samples
# at 48 kHz) so both start on the same timestamp.
ffmpeg -hide_banner -loglevel error -nostdin -y -i "$in" -itsoffset 0.0213333 -i "$in" \
    -map 0:v:0 -map 1:a:0 -c:v libx264 -preset veryfast -bf 0 -g 60 -keyint_min 60 \
    -sc_threshold 0 -pix_fmt yuv420p -c:a copy -f hls -hls_time 6 -hls_playlist_type vod \
    -hls_segment_filename "$out/seg%05d.ts" "$out/stream.m3u8"
cat >"$out/index.m3u8" <<'M3U8'
#EXTM3U
#EXT-X-VERSION:3
#EXT-X-STREAM-INF:BANDWIDTH=1500000,CODECS="avc1.64001e,mp4a.40.2",RESOLUTION=640x360
stream.m3u8
M3U8
