#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Slow and idle clients can't exhaust the server: idle timeout, per-IP limit, connection
# limit, and a slowloris crowd of partial-header connections while a normal client is served.
source "$(dirname "$0")/lib.sh"
RAW="python3 $(dirname "$0")/rawhttp.py"

ROOT=$WORK/root
make_root "$ROOT"

# idle timeout
start_server --root "$ROOT" --timeout 2 --quiet
eq "idle connection closed by the timeout" "$($RAW idle-closed "$PORT" 5)" 1
# slowloris: 300 connections trickling header lines; a normal client still gets answers fast
$RAW slowloris "$PORT" 300 8 >"$WORK/loris.out" &
loris=$!
for _ in $(seq 1 100); do # until the whole crowd is connected
    [[ -s $WORK/loris.out ]] && break
    sleep 0.1
done
sleep 0.5
t0=$(date +%s%N)
eq "normal client served during slowloris" "$(status "$BASE/vod/stream.m3u8" --max-time 3)" 200
eq "and a segment" "$(status "$BASE/vod/seg00000.ts" --max-time 3)" 200
t1=$(date +%s%N)
check "within a second" test $(((t1 - t0) / 1000000)) -lt 1000
wait $loris
eq "the crowd of 300 was connected" "$(head -1 "$WORK/loris.out")" 300
stop_server TERM

# per-IP limit: the 6th connection from one address is refused
start_server --root "$ROOT" --per-ip-limit 5 --quiet
coproc HOLD { $RAW hold "$PORT" 5; }
read -r held <&"${HOLD[0]}"
eq "five connections held" "$held" 5
eq "sixth refused" "$(status "$BASE/vod/stream.m3u8" --max-time 3)" 000
exec {HOLD[1]}>&-
wait "$HOLD_PID"
sleep 0.3
eq "served again once they close" "$(status "$BASE/vod/stream.m3u8" --max-time 3)" 200
stop_server TERM

# connection limit
start_server --root "$ROOT" --max-connections 8 --quiet
coproc HOLD { $RAW hold "$PORT" 8; }
read -r held <&"${HOLD[0]}"
eq "eight connections held" "$held" 8
eq "ninth refused" "$(status "$BASE/vod/stream.m3u8" --max-time 3)" 000
exec {HOLD[1]}>&-
wait "$HOLD_PID"
sleep 0.3
eq "served again once they close" "$(status "$BASE/vod/stream.m3u8" --max-time 3)" 200
stop_server INT
finish
