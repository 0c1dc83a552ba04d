#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Keep-alive: several requests reuse one connection (libmicrohttpd 0.9.75 closes it when the
# response is queued on the first call of the access handler; sluice answers on the second).
source "$(dirname "$0")/lib.sh"

ROOT=$WORK/root
make_root "$ROOT"
start_server --root "$ROOT"

# curl reports, per URL, how many new connections it had to make: 1 then 0s.
u=$BASE/vod
conns=$(curl -s -o /dev/null -o /dev/null -o /dev/null -o /dev/null -o /dev/null \
    -w '%{num_connects}' "$u/stream.m3u8" "$u/seg00000.ts" "$u/index.m3u8" "$u/missing.ts" \
    "$u/seg00001.ts" -r 0-9)
eq "five requests, one connection" "$conns" "10000"
conns=$(curl -s -o /dev/null -o /dev/null -w '%{num_connects}' -I "$u/stream.m3u8" "$u/seg00000.ts")
eq "HEAD requests reuse it too" "$conns" "10"
conns=$(curl -s -o /dev/null -o /dev/null -w '%{num_connects}' "$u/stream.m3u8" -H 'If-None-Match: *' \
    "$u/seg00000.ts")
eq "after a 304 too" "$conns" "10"
conns=$(curl -s -o /dev/null -o /dev/null -w '%{num_connects}' "$BASE/" "$BASE/metrics")
eq "built-in pages too" "$conns" "10"
check "no Connection: close" sh -c "! curl -sI '$u/stream.m3u8' | grep -qi '^connection: close'"
m=$(curl -s "$BASE/metrics")
before=$(sed -n 's/^sluice_http_connections_total //p' <<<"$m")
curl -s -o /dev/null -o /dev/null -o /dev/null "$u/stream.m3u8" "$u/index.m3u8" "$u/seg00000.ts"
after=$(sed -n 's/^sluice_http_connections_total //p' <<<"$(curl -s "$BASE/metrics")")
eq "server counted one connection for three requests (+1 for /metrics)" "$((after - before))" 2
stop_server TERM
finish
