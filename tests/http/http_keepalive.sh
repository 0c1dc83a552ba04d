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

# IPv6 listen address and an explicit thread count
if [[ -e /proc/net/if_inet6 ]]; then
    "$SLUICE_BIN" serve --listen '[::1]:0' --threads 3 --root "$ROOT" --quiet \
        >"$WORK/v6.out" 2>"$WORK/v6.err" &
    BG_PID=$!
    url=
    for _ in $(seq 1 100); do
        url=$(sed -n 's|^sluice: listening on \(http://\[::1\]:[0-9]*/\).*|\1|p' "$WORK/v6.out")
        [[ -n $url ]] && break
        sleep 0.1
    done
    SERVER_PID=$(sed -n 's|^sluice: listening on .*, pid \([0-9]*\))$|\1|p' "$WORK/v6.out")
    match "listens on [::1]" "$url" '^http://\[::1\]:[0-9]+/$'
    eq "serves over IPv6" "$(curl -s -g -o /dev/null -w '%{http_code} %{remote_ip}' "${url}vod/stream.m3u8")" "200 ::1"
    conns=$(curl -s -g -o /dev/null -o /dev/null -w '%{num_connects}' "${url}vod/stream.m3u8" "${url}vod/seg00000.ts")
    eq "keep-alive over IPv6" "$conns" "10"
    stop_server TERM
fi
finish
