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
ffmpeg -hide_banner -loglevel error -nostdin -y -i "$in" -c copy -f hls -hls_time 6 \
    -hls_playlist_type vod -hls_segment_filename "$out/seg%05d.ts" "$out/stream.m3u8"
cat >"$out/index.m3u8" <<'M3U8'
#EXTM3U
#EXT-X-VERSION:3
#EXT-X-STREAM-INF:BANDWIDTH=1500000,CODECS="avc1.64001e,mp4a.40.2",RESOLUTION=640x360
stream.m3u8
M3U8
