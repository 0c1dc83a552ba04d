#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# JIT VOD HTTP behaviour: stable bytes and ETags across requests, 304 on If-None-Match (also
# before the segment was ever produced), bad files answered 422 for themselves only, hostile
# paths refused, a file replaced or truncated while served gets a new plan and no crash, and
# the player page lists the media files.
source "$(dirname "$0")/vod_lib.sh"

make_media "$WORK/media"
start_server --vod "$WORK/media" --quiet --player-dir "$WORK"
V=$BASE/vod

# --- stability: same bytes and ETag; 304 ---
curl -sf -D "$WORK/h1" -o "$WORK/a.ts" "$V/sample.mp4/seg00001.ts"
curl -sf -D "$WORK/h2" -o "$WORK/b.ts" "$V/sample.mp4/seg00001.ts"
etag1=$(tr -d '\r' <"$WORK/h1" | sed -n 's/^etag: //Ip')
etag2=$(tr -d '\r' <"$WORK/h2" | sed -n 's/^etag: //Ip')
check "segment: same bytes twice" cmp -s "$WORK/a.ts" "$WORK/b.ts"
match "segment: has a strong ETag" "$etag1" '^"[0-9a-f]{16}"$'
eq "segment: same ETag twice" "$etag2" "$etag1"
eq "segment: 304 on If-None-Match" "$(status "$V/sample.mp4/seg00001.ts" -H "If-None-Match: $etag1")" 304
match "segment: immutable" "$(header Cache-Control "$V/sample.mp4/seg00001.ts")" immutable
eq "segment: video/mp2t" "$(header Content-Type "$V/sample.mp4/seg00001.ts")" video/mp2t
pl1=$(curl -sf "$V/sample.mp4/stream.m3u8" | md5sum)
pl2=$(curl -sf "$V/sample.mp4/stream.m3u8" | md5sum)
eq "playlist: same bytes twice" "$pl2" "$pl1"
petag=$(header ETag "$V/sample.mp4/stream.m3u8")
eq "playlist: 304 on If-None-Match" "$(status "$V/sample.mp4/stream.m3u8" -H "If-None-Match: $petag")" 304
eq "range on a produced segment" "$(curl -sf -r 0-187 "$V/sample.mp4/seg00001.ts" | wc -c)" 188

# --- an alternate audio rendition: stable bytes and ETag, its own ETag, 304 ---
A=$V/multiaudio.mp4/audio_1
curl -sf -D "$WORK/h3" -o "$WORK/c.ts" "$A/seg00001.ts"
curl -sf -D "$WORK/h4" -o "$WORK/d.ts" "$A/seg00001.ts"
aetag1=$(tr -d '\r' <"$WORK/h3" | sed -n 's/^etag: //Ip')
aetag2=$(tr -d '\r' <"$WORK/h4" | sed -n 's/^etag: //Ip')
check "audio rendition: same bytes twice" cmp -s "$WORK/c.ts" "$WORK/d.ts"
eq "audio rendition: same ETag twice" "$aetag2" "$aetag1"
match "audio rendition: has a strong ETag" "$aetag1" '^"[0-9a-f]{16}"$'
[[ $aetag1 != "$(header ETag "$V/multiaudio.mp4/seg00001.ts")" ]] &&
    ok "audio rendition: ETag differs from the main segment's" ||
    not_ok "audio rendition: ETag differs from the main segment's"
eq "audio rendition: 304 on If-None-Match" "$(status "$A/seg00001.ts" -H "If-None-Match: $aetag1")" 304
apl1=$(curl -sf "$A/stream.m3u8" | md5sum)
eq "audio rendition playlist: same bytes twice" "$(curl -sf "$A/stream.m3u8" | md5sum)" "$apl1"
eq "audio rendition: no index.m3u8 of its own" "$(status "$A/index.m3u8")" 404
eq "unknown audio rendition: 404" "$(status "$V/multiaudio.mp4/audio_7/stream.m3u8")" 404
eq "non-canonical audio folder: 404" "$(status "$V/multiaudio.mp4/audio_01/stream.m3u8")" 404
eq "audio folder of a one-track file: 404" "$(status "$V/sample.mp4/audio_1/stream.m3u8")" 404
eq "packaged file's audio rendition" "$(status "$V/multiaudio.mkv/audio_2/seg00000.ts")" 200
eq "packaged file's unknown folder: 404" "$(status "$V/multiaudio.mkv/audio_3/stream.m3u8")" 404

# the ETag is known before production: a fresh server answers 304 for a segment it never made
stop_server
start_server --vod "$WORK/media" --quiet --player-dir "$WORK"
V=$BASE/vod
eq "cold segment: 304 with the old ETag" "$(status "$V/sample.mp4/seg00001.ts" -H "If-None-Match: $etag1")" 304
eq "cold segment: same ETag on a new server" "$(header ETag "$V/sample.mp4/seg00001.ts")" "$etag1"
eq "cold audio rendition: same ETag on a new server" \
    "$(header ETag "$V/multiaudio.mp4/audio_1/seg00001.ts")" "$aetag1"

# --- names ---
eq "past the last segment: 404" "$(status "$V/sample.mp4/seg99999.ts")" 404
eq "non-canonical segment name: 404" "$(status "$V/sample.mp4/seg1.ts")" 404
eq "unknown leaf: 404" "$(status "$V/sample.mp4/other.m3u8")" 404
eq "missing file: 404" "$(status "$V/nope.mp4/index.m3u8")" 404
eq "bare file path: 404" "$(status "$V/sample.mp4")" 404
eq "directory as a file: 404" "$(status "$V/sub/index.m3u8")" 404

# --- bad files: 422 for that file alone ---
for f in empty.mp4 notmedia.mp4 truncated.mp4 readme.txt; do
    eq "$f: 422" "$(status "$V/$f/index.m3u8")" 422
    eq "$f: 422 again (cached failure)" "$(status "$V/$f/seg00000.ts")" 422
done
match "422 has a short text body" "$(curl -s "$V/notmedia.mp4/index.m3u8")" '^422'
eq "a good file still plays after bad ones" "$(status "$V/sample.mp4/seg00000.ts")" 200

# --- hostile paths ---
for p in "/vod/../etc/passwd/index.m3u8" "/vod/%2e%2e/%2e%2e/etc/passwd/index.m3u8" \
    "/vod/sub/..%2f..%2fsample.mp4/index.m3u8" "/vod/escape.mp4/index.m3u8" \
    "/vod/outdir/secret.mp4/index.m3u8" "/vod/.hidden.mp4/index.m3u8" \
    "/vod//etc/passwd/index.m3u8" "/vod/%00/index.m3u8"; do
    s=$(status "$BASE$p")
    match "hostile $p refused ($s)" "$s" '^40[0346]$'
done

# --- the player page lists the media files, not the bad or hidden ones ---
list=$(curl -s "$BASE/_streams.json")
match "player lists sample.mp4" "$list" 'vod/sample\.mp4/index\.m3u8'
match "player lists a nested file" "$list" 'vod/sub/nested'
match "player lists a TS file" "$list" 'vod/input\.ts/index\.m3u8'
if [[ $list == *pkg/seg00000.ts* ]]; then
    not_ok "player lists no segment of an HLS package in the tree"
else
    ok "player lists no segment of an HLS package in the tree"
fi
if [[ $list == *escape.mp4* || $list == *hidden* || $list == *readme* ]]; then
    not_ok "player lists no symlink, dotfile or non-media file"
else
    ok "player lists no symlink, dotfile or non-media file"
fi

# --- a file replaced while served: new plan, no crash ---
cp "$WORK/media/sample.mp4" "$WORK/media/swap.mp4"
"$SLUICE_BIN" segment "$WORK/media/bframes.mp4" "$WORK/ref-b" >/dev/null 2>&1
old=$(curl -sf "$V/swap.mp4/stream.m3u8")
pids=()
for i in 0 1 2 3 4; do
    curl -s -o /dev/null "$V/swap.mp4/seg0000$i.ts" &
    pids+=($!)
done
cp "$WORK/media/bframes.mp4" "$WORK/media/swap.tmp"
touch -d '2001-01-01' "$WORK/media/swap.tmp"
mv "$WORK/media/swap.tmp" "$WORK/media/swap.mp4"
wait "${pids[@]}" # not the server
new=$(curl -sf "$V/swap.mp4/stream.m3u8")
eq "replaced file: new playlist" "$new" "$(cat "$WORK/ref-b/stream.m3u8")"
check "replaced file: new segment bytes" \
    cmp -s <(curl -sf "$V/swap.mp4/seg00001.ts") "$WORK/ref-b/seg00001.ts"
[[ $old != "$new" ]] && ok "replaced file: playlist changed" || not_ok "replaced file: playlist changed"
# truncated in place during production: the response may end early, the server survives
pids=()
for i in 0 1 2 3; do
    curl -s -o /dev/null "$V/swap.mp4/seg0000$i.ts" &
    pids+=($!)
done
truncate -s 20000 "$WORK/media/swap.mp4"
wait "${pids[@]}" # not the server
s=$(status "$V/swap.mp4/index.m3u8")
match "truncated file: 422 or 404 ($s)" "$s" '^(422|404)$'
eq "server alive after the truncation" "$(status "$V/sample.mp4/stream.m3u8")" 200
rm -f "$WORK/media/swap.mp4"
eq "removed file: 404" "$(status "$V/swap.mp4/stream.m3u8")" 404

stop_server
finish
