#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Graceful shutdown: on SIGTERM an in-flight download finishes whole, new connections are
# refused, and the server exits 0 (SIGINT likewise).
source "$(dirname "$0")/lib.sh"

ROOT=$WORK/root
make_root "$ROOT"
seg=$ROOT/vod/seg00001.ts
size=$(stat -c %s "$seg")
rate=$((size / 2)) # about two seconds

start_server --root "$ROOT" --quiet
curl -s --limit-rate "$rate" -o "$WORK/slow.ts" -w '%{http_code}' "$BASE/vod/seg00001.ts" \
    >"$WORK/slow.code" &
dl=$!
sleep 0.5
kill -TERM "$SERVER_PID"
sleep 0.3
eq "no new connections while draining" "$(status "$BASE/vod/stream.m3u8" --max-time 2)" 000
wait $dl
eq "in-flight download answered 200" "$(cat "$WORK/slow.code")" 200
check "in-flight download complete" cmp "$WORK/slow.ts" "$seg"
wait "$BG_PID"
eq "exit 0 after SIGTERM" "$?" 0
SERVER_PID=

start_server --root "$ROOT" --quiet
eq "served" "$(status "$BASE/vod/stream.m3u8")" 200
stop_server INT
finish
