#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Helpers of the JIT VOD tests on top of the origin's tests/http/lib.sh: a media tree built
# from the test clips, and a mirror of one served package into a directory.
# shellcheck source=../http/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../http/lib.sh"
MEDIA=${SLUICE_TEST_MEDIA:?SLUICE_TEST_MEDIA must point at the generated clips}
SRC=${SLUICE_SRC:?SLUICE_SRC must point at the source tree}

# make_media DIR: good clips, a subdirectory, bad files, and hostile entries.
make_media() {
    local d=$1
    mkdir -p "$d/sub" "$WORK/outside"
    for f in sample.mp4 bframes.mp4 longgop.mp4 audio.m4a video2997.mp4 input.ts; do
        cp "$MEDIA/$f" "$d/$f"
    done
    cp "$MEDIA/sample.mp4" "$d/sub/nested clip.mp4"
    cp "$MEDIA/empty.mp4" "$MEDIA/notmedia.mp4" "$MEDIA/truncated.mp4" "$d/"
    echo 'not media' >"$d/readme.txt"
    cp "$MEDIA/sample.mp4" "$WORK/outside/secret.mp4"
    ln -s "$WORK/outside/secret.mp4" "$d/escape.mp4"
    ln -s "$WORK/outside" "$d/outdir"
    cp "$MEDIA/sample.mp4" "$d/.hidden.mp4"
}

# mirror URL_DIR OUT: fetch index.m3u8, stream.m3u8 and every segment it lists into OUT.
mirror() {
    local url=$1 out=$2 uri
    mkdir -p "$out"
    curl -sf -o "$out/index.m3u8" "$url/index.m3u8" || return 1
    curl -sf -o "$out/stream.m3u8" "$url/stream.m3u8" || return 1
    while read -r uri; do
        curl -sf -o "$out/$uri" "$url/$uri" || return 1
    done < <(grep -v '^#' "$out/stream.m3u8")
}

# same_package REF GOT: identical media playlist and segments; the multivariant may differ
# only in BANDWIDTH/AVERAGE-BANDWIDTH (estimated before any segment exists).
same_package() {
    local ref=$1 got=$2 uri
    cmp -s "$ref/stream.m3u8" "$got/stream.m3u8" || { echo "# stream.m3u8 differs"; return 1; }
    diff <(sed -E 's/(AVERAGE-)?BANDWIDTH=[0-9]+,?//g' "$ref/index.m3u8") \
        <(sed -E 's/(AVERAGE-)?BANDWIDTH=[0-9]+,?//g' "$got/index.m3u8") >/dev/null ||
        { echo "# index.m3u8 differs"; return 1; }
    while read -r uri; do
        cmp -s "$ref/$uri" "$got/$uri" || { echo "# $uri differs"; return 1; }
    done < <(grep -v '^#' "$ref/stream.m3u8")
}
