#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Media types, Cache-Control, validators and 304, HEAD, Range (206/416), CORS, 405, metrics,
# access log, stream list and the player page, against the real binary.
source "$(dirname "$0")/lib.sh"

ROOT=$WORK/root
make_root "$ROOT"
start_server --root "$ROOT" --access-log "$WORK/access.log"

# media types
eq "m3u8 type" "$(header Content-Type "$BASE/vod/stream.m3u8")" "application/vnd.apple.mpegurl"
eq "ts type" "$(header Content-Type "$BASE/vod/seg00000.ts")" "video/mp2t"
declare -A types=([m4s]="video/iso.segment" [mp4]="video/mp4" [vtt]="text/vtt; charset=utf-8"
    [key]="application/octet-stream" [html]="text/html; charset=utf-8"
    [js]="text/javascript; charset=utf-8" [css]="text/css; charset=utf-8"
    [json]="application/json" [aac]="audio/aac" [m4a]="audio/mp4")
for e in "${!types[@]}"; do
    eq ".$e type" "$(header Content-Type "$BASE/types/f.$e")" "${types[$e]}"
done

# Cache-Control
eq "VOD playlist cached long" "$(header Cache-Control "$BASE/vod/stream.m3u8")" \
    "public, max-age=86400"
eq "live playlist: half the target duration" "$(header Cache-Control "$BASE/live/stream.m3u8")" \
    "public, max-age=2"
eq "multivariant playlist short" "$(header Cache-Control "$BASE/vod/index.m3u8")" \
    "public, max-age=10"
eq "segment immutable" "$(header Cache-Control "$BASE/vod/seg00000.ts")" \
    "public, max-age=31536000, immutable"
eq "404 not stored" "$(header Cache-Control "$BASE/vod/nope.ts")" "no-store"
eq "key private" "$(header Cache-Control "$BASE/types/f.key")" "private, no-store"

# validators
for u in vod/stream.m3u8 vod/seg00001.ts; do
    etag=$(header ETag "$BASE/$u")
    lm=$(header Last-Modified "$BASE/$u")
    match "$u: strong ETag" "$etag" '^"[0-9a-f]{16}"$'
    match "$u: Last-Modified" "$lm" '^[A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9:]{8} GMT$'
    eq "$u: If-None-Match -> 304" "$(status "$BASE/$u" -H "If-None-Match: $etag")" 304
    eq "$u: weak If-None-Match -> 304" "$(status "$BASE/$u" -H "If-None-Match: \"x\", W/$etag")" 304
    eq "$u: If-None-Match * -> 304" "$(status "$BASE/$u" -H "If-None-Match: *")" 304
    eq "$u: other ETag -> 200" "$(status "$BASE/$u" -H 'If-None-Match: "0000"')" 200
    eq "$u: If-Modified-Since = Last-Modified -> 304" "$(status "$BASE/$u" -H "If-Modified-Since: $lm")" 304
    eq "$u: If-Modified-Since old -> 200" \
        "$(status "$BASE/$u" -H "If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT")" 200
    eq "$u: If-None-Match wins over If-Modified-Since" \
        "$(status "$BASE/$u" -H 'If-None-Match: "0000"' -H "If-Modified-Since: $lm")" 200
    eq "$u: 304 carries the ETag" "$(header ETag "$BASE/$u" -H "If-None-Match: $etag")" "$etag"
done
etag1=$(header ETag "$BASE/live/stream.m3u8")
sleep 1.1
printf '#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXT-X-MEDIA-SEQUENCE:8\n#EXTINF:4.000,\nseg8.ts\n' \
    >"$ROOT/live/stream.m3u8.tmp" && mv "$ROOT/live/stream.m3u8.tmp" "$ROOT/live/stream.m3u8"
etag2=$(header ETag "$BASE/live/stream.m3u8")
check "a replaced playlist gets a new ETag" test "$etag1" != "$etag2"
match "and its new content" "$(curl -s "$BASE/live/stream.m3u8")" "MEDIA-SEQUENCE:8"
eq "old ETag no longer matches" "$(status "$BASE/live/stream.m3u8" -H "If-None-Match: $etag1")" 200

# HEAD
seg=$ROOT/vod/seg00001.ts
size=$(stat -c %s "$seg")
eq "HEAD status" "$(status "$BASE/vod/seg00001.ts" -I)" 200
eq "HEAD Content-Length" "$(curl -sI "$BASE/vod/seg00001.ts" | tr -d '\r' | sed -n 's/^Content-Length: //Ip')" "$size"
eq "HEAD has no body" "$(curl -s -X HEAD --max-time 2 "$BASE/vod/seg00001.ts" | wc -c)" 0

# Range, on a file (sendfile) and on a cached small file
for u in vod/seg00001.ts vod/stream.m3u8; do
    f=$ROOT/$u
    n=$(stat -c %s "$f")
    eq "$u: Accept-Ranges" "$(header Accept-Ranges "$BASE/$u")" bytes
    eq "$u: bytes=0-99 -> 206" "$(status "$BASE/$u" -r 0-99)" 206
    eq "$u: Content-Range" "$(header Content-Range "$BASE/$u" -r 0-99)" "bytes 0-99/$n"
    check "$u: range bytes are right" cmp <(curl -s -r 10-109 "$BASE/$u") <(tail -c +11 "$f" | head -c 100)
    check "$u: open range a-" cmp <(curl -s -r 100- "$BASE/$u") <(tail -c +101 "$f")
    check "$u: suffix range -n" cmp <(curl -s -r -50 "$BASE/$u") <(tail -c 50 "$f")
    eq "$u: suffix Content-Range" "$(header Content-Range "$BASE/$u" -r -50)" "bytes $((n - 50))-$((n - 1))/$n"
    eq "$u: end clamped" "$(header Content-Range "$BASE/$u" -r "$((n - 10))-99999999999")" "bytes $((n - 10))-$((n - 1))/$n"
    eq "$u: past the end -> 416" "$(status "$BASE/$u" -r "$n-")" 416
    eq "$u: 416 Content-Range" "$(header Content-Range "$BASE/$u" -r "$n-")" "bytes */$n"
    eq "$u: multi-range -> 200 whole" "$(status "$BASE/$u" -r 0-1,5-6)" 200
    eq "$u: garbage Range ignored" "$(status "$BASE/$u" -H 'Range: bytes=x-y')" 200
    eq "$u: If-Range mismatch -> 200" "$(status "$BASE/$u" -r 0-9 -H 'If-Range: "nope"')" 200
    etag=$(header ETag "$BASE/$u")
    eq "$u: If-Range match -> 206" "$(status "$BASE/$u" -r 0-9 -H "If-Range: $etag")" 206
done
check "whole segment intact" cmp <(curl -s "$BASE/vod/seg00001.ts") "$seg"

# CORS
eq "Allow-Origin" "$(header Access-Control-Allow-Origin "$BASE/vod/stream.m3u8" -H 'Origin: http://a.example')" "*"
match "Expose-Headers" "$(header Access-Control-Expose-Headers "$BASE/vod/seg00000.ts")" "Content-Range"
eq "Allow-Origin on errors too" "$(header Access-Control-Allow-Origin "$BASE/nope")" "*"
pre=$(curl -s -D - -o /dev/null -X OPTIONS -H 'Origin: http://a.example' \
    -H 'Access-Control-Request-Method: GET' -H 'Access-Control-Request-Headers: range' \
    "$BASE/vod/stream.m3u8" | tr -d '\r')
match "preflight 204" "$pre" "^HTTP/1.1 204"
match "preflight methods" "$pre" "Access-Control-Allow-Methods: GET, HEAD, OPTIONS"
match "preflight headers" "$pre" "Access-Control-Allow-Headers: Range"
match "preflight max-age" "$pre" "Access-Control-Max-Age: [0-9]+"

# methods
for m in POST PUT DELETE PATCH TRACE; do
    eq "$m -> 405" "$(status "$BASE/vod/stream.m3u8" -X "$m")" 405
done
eq "405 Allow" "$(header Allow "$BASE/vod/stream.m3u8" -X POST)" "GET, HEAD, OPTIONS"
eq "POST with a body -> 405" "$(status "$BASE/vod/stream.m3u8" --data-binary "@$seg")" 405

# built-in pages
eq "player page" "$(header Content-Type "$BASE/")" "text/html; charset=utf-8"
match "player page loads hls.js from sluice" "$(curl -s "$BASE/")" 'src="/_player/hls.min.js"'
match "stream list" "$(curl -s "$BASE/_streams.json")" '"url": "/vod/index.m3u8"'
if [[ -f ${SLUICE_PLAYER_DIR:-/nonexistent}/hls.min.js ]]; then
    eq "hls.js served" "$(status "$BASE/_player/hls.min.js")" 200
    eq "hls.js type" "$(header Content-Type "$BASE/_player/hls.min.js")" "text/javascript; charset=utf-8"
fi

# metrics
m=$(curl -s "$BASE/metrics")
match "metrics: 200s" "$m" 'sluice_http_requests_total\{code="200"\} [1-9]'
match "metrics: 404s" "$m" 'sluice_http_requests_total\{code="404"\} [1-9]'
match "metrics: 4xx class" "$m" 'sluice_http_requests_by_class_total\{class="4xx"\} [1-9]'
match "metrics: bytes" "$m" 'sluice_http_sent_bytes_total [1-9]'
match "metrics: open connections" "$m" 'sluice_http_open_connections [0-9]'
match "metrics: per stream" "$m" 'sluice_stream_requests_total\{stream="vod"\} [1-9]'
match "metrics: per stream bytes" "$m" 'sluice_stream_bytes_total\{stream="vod"\} [1-9]'

# the query string is logged (LL-HLS directives), control bytes and spaces as '?'
curl -s -o /dev/null "$BASE/vod/stream.m3u8?_HLS_msn=12&_HLS_part=2&x=%0A%20a"

stop_server TERM
# access log: time, client, method, path[?query], status, bytes, duration
line=$(grep ' /vod/seg00001.ts 206 ' "$WORK/access.log" | head -1)
match "access log line" "$line" \
    '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z 127\.0\.0\.1 GET /vod/seg00001\.ts 206 100 [0-9.]+ms$'
match "access log has HEAD" "$(cat "$WORK/access.log")" "HEAD /vod/seg00001.ts 200 0 "
match "access log has the query" "$(cat "$WORK/access.log")" \
    ' GET /vod/stream\.m3u8\?_HLS_msn=12&_HLS_part=2&x=%0A%20a 200 [0-9]+ '
finish
