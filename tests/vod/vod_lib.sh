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
    for f in sample.mp4 bframes.mp4 longgop.mp4 audio.m4a video2997.mp4 input.ts \
        multiaudio.mp4 multiaudio.mkv multiopus.mkv; do
        cp "$MEDIA/$f" "$d/$f"
    done
    cp "$MEDIA/sample.mp4" "$d/sub/nested clip.mp4"
    cp "$MEDIA/empty.mp4" "$MEDIA/notmedia.mp4" "$MEDIA/truncated.mp4" "$d/"
    echo 'not media' >"$d/readme.txt"
    cp "$MEDIA/sample.mp4" "$WORK/outside/secret.mp4"
    ln -s "$WORK/outside/secret.mp4" "$d/escape.mp4"
    ln -s "$WORK/outside" "$d/outdir"
    cp "$MEDIA/sample.mp4" "$d/.hidden.mp4"
    # an HLS package in the tree: its .ts files are segments, not titles
    mkdir -p "$d/pkg"
    cp "$MEDIA/input.ts" "$d/pkg/seg00000.ts"
    printf '#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nseg00000.ts\n#EXT-X-ENDLIST\n' >"$d/pkg/stream.m3u8"
}

# mirror_media URL_DIR OUT PLAYLIST: fetch a media playlist and every segment it lists.
mirror_media() {
    local url=$1 out=$2 pl=$3 uri
    mkdir -p "$(dirname "$out/$pl")"
    curl -sf -o "$out/$pl" "$url/$pl" || return 1
    while read -r uri; do
        curl -sf -o "$(dirname "$out/$pl")/$uri" "$(dirname "$url/$pl")/$uri" || return 1
    done < <(grep -v '^#' "$out/$pl")
}

# mirror URL_DIR OUT: fetch index.m3u8, stream.m3u8, the alternate audio playlists that
# index.m3u8 names (EXT-X-MEDIA URI=) and every segment they list into OUT.
mirror() {
    local url=$1 out=$2 pl
    mkdir -p "$out"
    curl -sf -o "$out/index.m3u8" "$url/index.m3u8" || return 1
    mirror_media "$url" "$out" stream.m3u8 || return 1
    while read -r pl; do
        mirror_media "$url" "$out" "$pl" || return 1
    done < <(sed -n 's/^#EXT-X-MEDIA:.*URI="\([^"]*\)".*/\1/p' "$out/index.m3u8")
}

# same_media REF GOT PLAYLIST: the same media playlist and segments in both.
same_media() {
    local ref=$1 got=$2 pl=$3 uri dir
    dir=$(dirname "$pl")
    cmp -s "$ref/$pl" "$got/$pl" || { echo "# $pl differs"; return 1; }
    while read -r uri; do
        cmp -s "$ref/$dir/$uri" "$got/$dir/$uri" || { echo "# $dir/$uri differs"; return 1; }
    done < <(grep -v '^#' "$ref/$pl")
}

# same_package REF GOT: identical media playlist and segments; the multivariant may differ
# only in BANDWIDTH/AVERAGE-BANDWIDTH (estimated before any segment exists).
same_package() {
    local ref=$1 got=$2 pl
    cmp -s "$ref/stream.m3u8" "$got/stream.m3u8" || { echo "# stream.m3u8 differs"; return 1; }
    diff <(sed -E 's/(AVERAGE-)?BANDWIDTH=[0-9]+,?//g' "$ref/index.m3u8") \
        <(sed -E 's/(AVERAGE-)?BANDWIDTH=[0-9]+,?//g' "$got/index.m3u8") >/dev/null ||
        { echo "# index.m3u8 differs"; return 1; }
    same_media "$ref" "$got" stream.m3u8 || return 1
    # every alternate audio rendition sluice segment wrote, and no other
    [[ $(cd "$ref" && echo audio_*) == $(cd "$got" && echo audio_*) ]] ||
        { echo "# alternate renditions differ"; return 1; }
    for pl in "$ref"/audio_*/stream.m3u8; do
        [[ -e $pl ]] || continue
        same_media "$ref" "$got" "${pl#"$ref"/}" || return 1
    done
}
