#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# JIT VOD cache paths: answers from the plan and segment caches after a single fstatat() still
# see a file touched or rewritten in place at once (new plan, new ETag).
source "$(dirname "$0")/vod_lib.sh"

mkdir -p "$WORK/media"
cp "$MEDIA/sample.mp4" "$WORK/media/a.mp4"
"$SLUICE_BIN" segment "$MEDIA/bframes.mp4" "$WORK/ref-b" >/dev/null 2>&1
start_server --vod "$WORK/media" --quiet
V=$BASE/vod

# --- the one-fstatat path sees in-place changes at once ---
curl -sf -o /dev/null "$V/a.mp4/seg00001.ts"
e1=$(header ETag "$V/a.mp4/seg00001.ts")
p1=$(header Last-Modified "$V/a.mp4/stream.m3u8")
touch -d '2002-02-02' "$WORK/media/a.mp4" # same inode and size, new mtime
e2=$(header ETag "$V/a.mp4/seg00001.ts")
p2=$(header Last-Modified "$V/a.mp4/stream.m3u8")
[[ -n $e1 && $e1 != "$e2" ]] && ok "touched file: new segment ETag" ||
    not_ok "touched file: new segment ETag" "$e1 -> $e2"
# (the playlist's ETag is its content's hash: unchanged; its Last-Modified is the file's)
[[ -n $p1 && $p2 == *2002* ]] && ok "touched file: new playlist Last-Modified" ||
    not_ok "touched file: new playlist Last-Modified" "$p1 -> $p2"
curl -sf -o /dev/null "$V/a.mp4/seg00001.ts"
cat "$MEDIA/bframes.mp4" >"$WORK/media/a.mp4" # rewritten in place: same inode
eq "rewritten in place: its own playlist" "$(curl -sf "$V/a.mp4/stream.m3u8")" \
    "$(cat "$WORK/ref-b/stream.m3u8")"
check "rewritten in place: its own segment bytes" \
    cmp -s <(curl -sf "$V/a.mp4/seg00001.ts") "$WORK/ref-b/seg00001.ts"
rm -f "$WORK/media/a.mp4"
eq "removed: 404 after answers from the cache" "$(status "$V/a.mp4/seg00001.ts")" 404

stop_server
finish
