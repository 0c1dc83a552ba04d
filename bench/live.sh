#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Live benchmark: CPU and memory per 3 Mbit/s stream-copy channel of `sluice serve --live`
# against `ffmpeg -c copy -f hls` processes on the same streams in the same run (one ffmpeg
# source fanned out over UDP to 2N ports), then hls.js figures (time to 3 listed segments,
# latency median, resume after an encoder restart) from tests/browser/play_live.mjs.
# The sluice channels are LL-HLS (serve's default) and the hls.js run plays an LL-HLS channel
# (parts, blocking reload); --no-low-latency: standard HLS for both.
#   bash bench/live.sh [--no-low-latency] [CHANNELS=20] [SECONDS=30]
set -uo pipefail
LL=()
if [[ ${1:-} == --no-low-latency ]]; then
    LL=(--no-low-latency)
    shift
fi
N=${1:-20}
SECS=${2:-30}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${SLUICE_BIN:-$ROOT/build/sluice}
WORK=$(mktemp -d /tmp/sluice-bench-live.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done; rm -rf "$WORK"; }
trap cleanup EXIT

ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
HZ=$(getconf CLK_TCK)
BASEPORT=$((20000 + RANDOM % 20000))

outs=""
for i in $(seq 0 $((2 * N - 1))); do
    outs+="${outs:+|}[f=mpegts]udp://127.0.0.1:$((BASEPORT + i))?pkt_size=1316"
done
# 3 Mbit/s CBR-ish H.264 + AAC, 2 s GOP
ffmpeg -nostdin -v error -re -f lavfi -i testsrc2=size=1280x720:rate=30 \
    -f lavfi -i sine=frequency=440:sample_rate=48000 -c:v libx264 -preset ultrafast \
    -tune zerolatency -g 60 -keyint_min 60 -sc_threshold 0 -b:v 2900k -maxrate 3000k \
    -bufsize 3000k -c:a aac -b:a 96k -map 0:v -map 1:a -f tee "$outs" 2>"$WORK/src.err" &
PIDS+=($!)

args=()
for i in $(seq 0 $((N - 1))); do
    args+=(--live "c$i=udp://127.0.0.1:$((BASEPORT + i))")
done
"$BIN" serve --listen 127.0.0.1:0 --quiet --access-log off "${args[@]}" "${LL[@]}" >"$WORK/sluice.out" 2>"$WORK/sluice.err" &
SL=$!
PIDS+=("$SL")
FF=()
for i in $(seq 0 $((N - 1))); do
    mkdir -p "$WORK/ff$i"
    ffmpeg -nostdin -v error -i "udp://127.0.0.1:$((BASEPORT + N + i))" -c copy -f hls \
        -hls_time 2 -hls_list_size 6 -hls_flags delete_segments "$WORK/ff$i/stream.m3u8" \
        2>>"$WORK/ff.err" &
    FF+=($!)
    PIDS+=($!)
done
sleep 10 # warm-up: inputs probed, windows filling
s0=$(ticks "$SL")
f0=0
for p in "${FF[@]}"; do f0=$((f0 + $(ticks "$p"))); done
sleep "$SECS"
s1=$(ticks "$SL")
f1=0
frss=0
for p in "${FF[@]}"; do
    f1=$((f1 + $(ticks "$p")))
    frss=$((frss + $(rss_kb "$p")))
done
srss=$(rss_kb "$SL")
port=$(sed -n 's|^sluice: listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$WORK/sluice.out")
listed=0
for i in $(seq 0 $((N - 1))); do
    curl -s "http://127.0.0.1:$port/live/c$i/stream.m3u8" | grep -q '^#EXTINF' && listed=$((listed + 1))
done
awk -v n="$N" -v s="$SECS" -v hz="$HZ" -v sd=$((s1 - s0)) -v fd=$((f1 - f0)) -v sr="$srss" \
    -v fr="$frss" -v l="$listed" 'BEGIN {
    printf "channels: %d (3 Mbit/s stream copy, 2 s segments), measured over %d s; %d/%d sluice channels live\n", n, s, l, n
    printf "sluice serve --live: %.2f%% of a core per channel, RSS %.1f MiB total, %.2f MiB per channel\n", 100*sd/hz/s/n, sr/1024, sr/1024/n
    printf "ffmpeg -f hls x%d:   %.2f%% of a core per channel, RSS %.1f MiB total, %.2f MiB per channel\n", n, 100*fd/hz/s/n, fr/1024, fr/1024/n
}'
kill -TERM "$SL"
wait "$SL"
# stop the fan-out before the player run: it needs the CPU to itself
for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done
wait 2>/dev/null
PIDS=()

# Player-side figures: one channel, hls.js in headless Chromium.
SLUICE_BIN=$BIN SLUICE_SOURCE_DIR=$ROOT SLUICE_PLAYER_DIR=$ROOT/node_modules/hls.js/dist \
    node "$ROOT/tests/browser/play_live.mjs" "${LL[@]}" --json "$WORK/browser.json" | grep -E '^#|^not ok'
node -e 'const r=require(process.argv[1]); console.log(`time to 3 listed segments: ${r.first_three_s.toFixed(1)} s; hls.js latency median ${r.latency_median_s.toFixed(2)} s (min ${r.latency_min_s.toFixed(2)}, max ${r.latency_max_s.toFixed(2)}); playback advancing again ${r.resume_s ?? "(not measured)"} s after the encoder restart${r.parts_loaded !== undefined ? `; ${r.parts_loaded} parts and ${r.segments_loaded} whole segments loaded` : ""}`)' "$WORK/browser.json"
