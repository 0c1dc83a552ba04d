#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Live benchmark: CPU and memory per 3 Mbit/s stream-copy channel of `sluice serve --live`
# against `ffmpeg -c copy -f hls` processes and nginx-rtmp-module (Debian's
# libnginx-mod-rtmp, when installed) on the same streams in the same run, then hls.js figures
# (time to 3 listed segments, latency median, resume after an encoder restart) from
# tests/browser/play_live.mjs.
# The sluice channels are LL-HLS (serve's default) and the hls.js run plays an LL-HLS channel
# (parts, blocking reload); --no-low-latency: standard HLS for both.
#   bash bench/live.sh [--no-low-latency] [CHANNELS=20] [SECONDS=30]
# Environment:
#   SOURCE=lavfi  one live x264 encode of testsrc2 fanned out (the default; the encoder
#                 needs most of a core on a 2-core box)
#   SOURCE=ts     a pre-encoded 60 s 720p30 3 Mbit/s TS (made once in bench/out/) looped with
#                 `ffmpeg -re -stream_loop -1 -c copy`: cheap enough for 100 channels
#                 (nginx-rtmp gets the same streams remuxed to FLV: SOURCE=ts only)
#   FFMPEG=0      no ffmpeg -f hls processes        NGINX=0   no nginx-rtmp
#   PLAYER=0      skip the hls.js run               WARMUP=30 seconds before measuring
#   SLUICE_BASE=path/to/older/sluice   also run that binary on its own copy of the streams
#                 (before/after figures from the same run)
set -uo pipefail
LL=()
if [[ ${1:-} == --no-low-latency ]]; then
    LL=(--no-low-latency)
    shift
fi
N=${1:-20}
SECS=${2:-30}
SOURCE=${SOURCE:-lavfi}
# Steady state: sluice's in-memory window (6 segments, plus 6 kept for late readers) fills in
# the first ~26 s, and the page faults of that growth are start-up cost; the disk writers'
# page cache grows the same way.
WARMUP=${WARMUP:-30}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${SLUICE_BIN:-$ROOT/build/sluice}
WORK=$(mktemp -d /tmp/sluice-bench-live.XXXXXX)
RTMP_MOD=/usr/lib/nginx/modules/ngx_rtmp_module.so
NGINX=${NGINX:-$([[ -f $RTMP_MOD && $SOURCE == ts ]] && echo 1 || echo 0)}
FFMPEG=${FFMPEG:-1}
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done; rm -rf "$WORK"; }
trap cleanup EXIT

ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
sum_ticks() { local t=0 p; for p in "$@"; do t=$((t + $(ticks "$p"))); done; echo "$t"; }
sum_rss() { local t=0 p; for p in "$@"; do t=$((t + $(rss_kb "$p"))); done; echo "$t"; }
HZ=$(getconf CLK_TCK)
# udp_drops FIRST COUNT: datagrams the kernel dropped on full receive buffers, ports FIRST..
udp_drops() {
    local d=0 port drop
    while read -r port drop; do
        port=$((16#$port))
        [[ $port -ge $1 && $port -lt $(($1 + $2)) ]] && d=$((d + drop))
    done < <(awk 'NR > 1 { split($2, a, ":"); print a[2], $NF }' /proc/net/udp)
    echo "$d"
}
# made PORT: per sluice channel, segments made so far (media sequence + listed), one line each
made() {
    local urls=() i
    for i in $(seq 0 $((N - 1))); do urls+=("http://127.0.0.1:$1/live/c$i/stream.m3u8"); done
    curl -s "${urls[@]}" | awk '/^#EXTM3U/ { if (n) print m + c; n = 1; m = 0; c = 0 }
        /^#EXT-X-MEDIA-SEQUENCE:/ { split($0, a, ":"); m = a[2] } /^#EXTINF/ { c++ }
        END { if (n) print m + c }'
}
BASEPORT=$((20000 + RANDOM % 20000))

# feed URL_LIST [EXT]: one ffmpeg fanning the source out to every output of the tee list
feed() {
    if [[ $SOURCE == ts ]]; then
        ffmpeg -nostdin -v error -re -stream_loop -1 -i "$ROOT/bench/out/live-src.${2:-ts}" \
            -map 0 -c copy -f tee "$1" 2>>"$WORK/src.err" &
    else
        # 3 Mbit/s CBR-ish H.264 + AAC, 2 s GOP
        ffmpeg -nostdin -v error -re -f lavfi -i testsrc2=size=1280x720:rate=30 \
            -f lavfi -i sine=frequency=440:sample_rate=48000 -c:v libx264 -preset ultrafast \
            -tune zerolatency -g 60 -keyint_min 60 -sc_threshold 0 -b:v 2900k -maxrate 3000k \
            -bufsize 3000k -c:a aac -b:a 96k -map 0:v -map 1:a -f tee "$1" 2>>"$WORK/src.err" &
    fi
    PIDS+=($!)
}

if [[ $SOURCE == ts && ! -s $ROOT/bench/out/live-src.ts ]]; then
    mkdir -p "$ROOT/bench/out"
    echo "making bench/out/live-src.ts (60 s of 720p30 at 3 Mbit/s, once)"
    ffmpeg -nostdin -v error -y -f lavfi -i testsrc2=size=1280x720:rate=30 \
        -f lavfi -i sine=frequency=440:sample_rate=48000 -t 60 -c:v libx264 -preset ultrafast \
        -g 60 -keyint_min 60 -sc_threshold 0 -b:v 2900k -maxrate 3000k -bufsize 3000k \
        -c:a aac -b:a 96k -map 0:v -map 1:a -muxrate 3300k -f mpegts "$ROOT/bench/out/live-src.ts" ||
        exit 1
fi
# FLV for the RTMP pushes: the tee muxer can't turn ADTS AAC into FLV's AudioSpecificConfig
if [[ $SOURCE == ts && $NGINX == 1 && ! -s $ROOT/bench/out/live-src.flv ]]; then
    ffmpeg -nostdin -v error -y -i "$ROOT/bench/out/live-src.ts" -map 0 -c copy -f flv \
        "$ROOT/bench/out/live-src.flv" || exit 1
fi

# ---- nginx-rtmp: one worker, HLS on disk like ffmpeg's ----
NG=()
if [[ $NGINX == 1 ]]; then
    RTMP_PORT=$((BASEPORT + 2 * N + 10))
    mkdir -p "$WORK/nginx-hls"
    chmod 711 "$WORK" && chmod 777 "$WORK/nginx-hls" # workers run as nobody when started as root
    cat >"$WORK/nginx.conf" <<EOF
load_module $RTMP_MOD;
daemon off;
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/nginx.err warn;
events { worker_connections 4096; }
rtmp {
    server {
        listen 127.0.0.1:$RTMP_PORT;
        application live {
            live on;
            hls on;
            hls_path $WORK/nginx-hls;
            hls_nested on;
            hls_fragment 2s;
            hls_playlist_length 12s;
        }
    }
}
EOF
    nginx -c "$WORK/nginx.conf" -p "$WORK" 2>>"$WORK/nginx.err" &
    NGM=$!
    sleep 1
    mapfile -t NG < <(echo "$NGM"; pgrep -P "$NGM")
    PIDS+=("${NG[@]}")
    outs=""
    for i in $(seq 0 $((N - 1))); do
        outs+="${outs:+|}[f=flv:onfail=ignore]rtmp://127.0.0.1:$RTMP_PORT/live/c$i"
    done
    feed "$outs" flv
fi

# One feeder for every UDP consumer (sluice, ffmpeg, the baseline): the same datagrams at the
# same moments, also when the feeder falls behind on a loaded box and catches up.
outs=""
for i in $(seq 0 $((N - 1))); do
    outs+="${outs:+|}[f=mpegts]udp://127.0.0.1:$((BASEPORT + i))?pkt_size=1316"
    if [[ $FFMPEG == 1 ]]; then
        outs+="|[f=mpegts]udp://127.0.0.1:$((BASEPORT + N + i))?pkt_size=1316"
    fi
    if [[ -n ${SLUICE_BASE:-} ]]; then
        outs+="|[f=mpegts]udp://127.0.0.1:$((BASEPORT + 3 * N + 20 + i))?pkt_size=1316"
    fi
done
feed "$outs"

args=()
for i in $(seq 0 $((N - 1))); do
    args+=(--live "c$i=udp://127.0.0.1:$((BASEPORT + i))")
done
"$BIN" serve --listen 127.0.0.1:0 --quiet --access-log off "${args[@]}" "${LL[@]}" >"$WORK/sluice.out" 2>"$WORK/sluice.err" &
SL=$!
PIDS+=("$SL")
SB=()
if [[ -n ${SLUICE_BASE:-} ]]; then
    args=()
    for i in $(seq 0 $((N - 1))); do
        args+=(--live "c$i=udp://127.0.0.1:$((BASEPORT + 3 * N + 20 + i))")
    done
    "$SLUICE_BASE" serve --listen 127.0.0.1:0 --quiet --access-log off "${args[@]}" \
        >"$WORK/base.out" 2>"$WORK/base.err" &
    SB=($!)
    PIDS+=($!)
fi
FF=()
if [[ $FFMPEG == 1 ]]; then
    for i in $(seq 0 $((N - 1))); do
        mkdir -p "$WORK/ff$i"
        ffmpeg -nostdin -v error -i "udp://127.0.0.1:$((BASEPORT + N + i))" -c copy -f hls \
            -hls_time 2 -hls_list_size 6 -hls_flags delete_segments "$WORK/ff$i/stream.m3u8" \
            2>>"$WORK/ff.err" &
        FF+=($!)
        PIDS+=($!)
    done
fi
sleep "$WARMUP" # inputs probed, windows filled
port=$(sed -n 's|^sluice: listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$WORK/sluice.out")
made "$port" >"$WORK/made0"
load0=$(cut -d' ' -f1-3 /proc/loadavg)
s0=$(ticks "$SL")
f0=$(sum_ticks "${FF[@]}")
n0=$(sum_ticks "${NG[@]}")
b0=$(sum_ticks "${SB[@]}")
cs0=$(awk '/ctxt/ {print $2}' /proc/stat)
sleep "$SECS"
s1=$(ticks "$SL")
f1=$(sum_ticks "${FF[@]}")
n1=$(sum_ticks "${NG[@]}")
b1=$(sum_ticks "${SB[@]}")
brss=$(sum_rss "${SB[@]}")
srss=$(rss_kb "$SL")
frss=$(sum_rss "${FF[@]}")
nrss=$(sum_rss "${NG[@]}")
load1=$(cut -d' ' -f1-3 /proc/loadavg)
made "$port" >"$WORK/made1"
drops=$(udp_drops "$BASEPORT" "$N")
# segments each channel made during the measurement (SECS / 2 in real time)
read -r listed minseg < <(paste "$WORK/made0" "$WORK/made1" | awk '$2 > 0 { l++; d = $2 - $1;
    if (min == "" || d < min) min = d } END { print l + 0, min + 0 }')
nlive=$(find "$WORK/nginx-hls" -name index.m3u8 2>/dev/null | wc -l)
echo "load average before/after: $load0 / $load1 (2 cores shared with other work)"
awk -v n="$N" -v s="$SECS" -v w="$WARMUP" -v hz="$HZ" -v sd=$((s1 - s0)) -v fd=$((f1 - f0)) \
    -v nd=$((n1 - n0)) -v sr="$srss" -v fr="$frss" -v nr="$nrss" -v l="$listed" -v m="$minseg" \
    -v ff="$FFMPEG" -v ng="$NGINX" -v nl="$nlive" -v src="$SOURCE" -v bd=$((b1 - b0)) \
    -v br="$brss" -v base="${SLUICE_BASE:-}" -v dr="$drops" 'BEGIN {
    printf "channels: %d (3 Mbit/s stream copy, 2 s segments, source %s), measured over %d s after %d s\n", n, src, s, w
    printf "sluice serve --live: %.3f%% of a core per channel, RSS %.1f MiB total, %.2f MiB per channel; %d/%d channels listed; the slowest made %d segments (%d s of input) in the %d s measured; %d datagrams dropped by full socket buffers\n", 100*sd/hz/s/n, sr/1024, sr/1024/n, l, n, m, m*2, s, dr
    if (base != "") printf "sluice (baseline %s): %.3f%% of a core per channel, RSS %.1f MiB total, %.2f MiB per channel\n", base, 100*bd/hz/s/n, br/1024, br/1024/n
    if (ff == 1) printf "ffmpeg -f hls x%d:   %.3f%% of a core per channel, RSS %.1f MiB total, %.2f MiB per channel\n", n, 100*fd/hz/s/n, fr/1024, fr/1024/n
    if (ng == 1) printf "nginx-rtmp (1 worker): %.3f%% of a core per channel, RSS %.1f MiB total, %.2f MiB per channel; %d/%d channels with a playlist\n", 100*nd/hz/s/n, nr/1024, nr/1024/n, nl, n
}'
kill -TERM "$SL"
wait "$SL"
echo "sluice serve exit status on SIGTERM: $?"
# stop the fan-out before the player run: it needs the CPU to itself
for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done
wait 2>/dev/null
PIDS=()
[[ ${PLAYER:-1} == 0 ]] && exit 0

# Player-side figures: one channel, hls.js in headless Chromium.
SLUICE_BIN=$BIN SLUICE_SOURCE_DIR=$ROOT SLUICE_PLAYER_DIR=$ROOT/node_modules/hls.js/dist \
    node "$ROOT/tests/browser/play_live.mjs" "${LL[@]}" --json "$WORK/browser.json" | grep -E '^#|^not ok'
node -e 'const r=require(process.argv[1]); console.log(`time to 3 listed segments: ${r.first_three_s.toFixed(1)} s; hls.js latency median ${r.latency_median_s.toFixed(2)} s (min ${r.latency_min_s.toFixed(2)}, max ${r.latency_max_s.toFixed(2)}); playback advancing again ${r.resume_s} s after the encoder restart`)' "$WORK/browser.json"
