#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# JIT VOD over HTTP is byte-identical to `sluice segment` for the same file: media playlist,
# every segment, and the multivariant playlist up to its bandwidth estimate; the mirrored
# package passes the independent checker (m3u8-parser + ffprobe + ffmpeg decode).
source "$(dirname "$0")/vod_lib.sh"

make_media "$WORK/media"
start_server --vod "$WORK/media" --quiet
for f in sample.mp4 bframes.mp4 longgop.mp4 audio.m4a video2997.mp4 input.ts "sub/nested clip.mp4" \
    multiaudio.mp4 multiaudio.mkv multiopus.mkv; do
    ref="$WORK/ref/$f"
    got="$WORK/got/$f"
    "$SLUICE_BIN" segment "$WORK/media/$f" "$ref" >/dev/null 2>&1
    check "$f: sluice segment runs" test -s "$ref/stream.m3u8"
    url="$BASE/vod/${f// /%20}"
    check "$f: mirrored over HTTP" mirror "$url" "$got"
    check "$f: byte-identical to sluice segment" same_package "$ref" "$got"
    if [[ $f == multi* ]]; then
        check "$f: alternate audio renditions served" test -s "$got/audio_1/seg00000.ts"
    fi
    if node "$SRC/tests/tools/check_hls.mjs" "$got" --multivariant \
        --input "$WORK/media/$f" >"$WORK/check.out" 2>&1; then
        ok "$f: check_hls passes"
    else
        not_ok "$f: check_hls passes" "$(head -5 "$WORK/check.out" | tr '\n' ' ')"
    fi
done
# a second server (cold caches) gives the same bytes
stop_server
start_server --vod "$WORK/media" --quiet --vod-segment-cache 0
check "cold server: same package again" mirror "$BASE/vod/bframes.mp4" "$WORK/got2"
check "cold server: byte-identical" same_package "$WORK/ref/bframes.mp4" "$WORK/got2"
check "cold server: multi-audio package again" mirror "$BASE/vod/multiaudio.mp4" "$WORK/got3"
check "cold server: multi-audio byte-identical" same_package "$WORK/ref/multiaudio.mp4" \
    "$WORK/got3"
stop_server
finish
