#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# JIT VOD cache paths: answers from the plan and segment caches after a single fstatat() still
# see a file touched or rewritten in place at once (new plan, new ETag), and cached segments of
# 512 KB or more, kept in sealed memfds and sent with sendfile(), carry the same bytes as
# `sluice segment`'s, honour ranges and answer 304.
source "$(dirname "$0")/vod_lib.sh"

mkdir -p "$WORK/media"
cp "$MEDIA/sample.mp4" "$WORK/media/a.mp4"
# a high-bitrate clip: two segments over the memfd threshold (about 3.6 and 1.2 MB)
ffmpeg -hide_banner -loglevel error -nostdin -y -f lavfi -i testsrc2=size=640x360:rate=25 \
    -f lavfi -i sine -t 8 -c:v libx264 -preset ultrafast -crf 2 -pix_fmt yuv420p -g 25 \
    -c:a aac "$WORK/media/big.mp4" || { echo "# ffmpeg failed"; exit 1; }
"$SLUICE_BIN" segment "$WORK/media/big.mp4" "$WORK/ref-big" >/dev/null 2>&1
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

# --- large cached segments: memfd + sendfile ---
for i in 0 1; do
    s=$(printf 'seg%05d.ts' "$i")
    check "big $s produced: same bytes as sluice segment" \
        cmp -s <(curl -sf "$V/big.mp4/$s") "$WORK/ref-big/$s"
    check "big $s cached: same bytes as sluice segment" \
        cmp -s <(curl -sf "$V/big.mp4/$s") "$WORK/ref-big/$s"
done
n=$(find "/proc/$SERVER_PID/fd" -lname '/memfd:sluice-segment*' 2>/dev/null | wc -l)
[[ $n -ge 1 ]] && ok "cached big segments are held in memfds ($n)" ||
    not_ok "cached big segments are held in memfds" "found $n"
check "big cached segment: a range" \
    cmp -s <(curl -sf -r 1000-99999 "$V/big.mp4/seg00000.ts") \
    <(tail -c +1001 "$WORK/ref-big/seg00000.ts" | head -c 99000)
etag=$(header ETag "$V/big.mp4/seg00000.ts")
eq "big cached segment: 304 on If-None-Match" \
    "$(status "$V/big.mp4/seg00000.ts" -H "If-None-Match: $etag")" 304
eq "big cached segment: Content-Length" "$(header Content-Length "$V/big.mp4/seg00000.ts")" \
    "$(stat -c %s "$WORK/ref-big/seg00000.ts")"

stop_server
finish
