#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# JIT VOD benchmark (issue 5): `sluice serve --vod` on a 10-minute 720p MP4 and a 2-hour
# low-bitrate MP4 against nginx serving the pre-segmented files of the same segments, in the
# same run: warm/cold segment TTFB by position, cold first playlist of the 2-hour file,
# random-segment throughput with wrk and CPU-seconds per GB, RSS after 300 different files.
#   bench/vod.sh WORKDIR      (SLUICE_BIN=build/sluice; BENCH720=existing bench720p.mp4)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
W=${1:?usage: vod.sh WORKDIR}
BIN=${SLUICE_BIN:-$here/../build/sluice}
N=${TTFB_N:-100}
DUR=${WRK_SECONDS:-10}
mkdir -p "$W/media" "$W/pkg" "$W/many"
ff() { ffmpeg -hide_banner -loglevel error -nostdin -y "$@"; }

# ---- inputs ----
if [[ ! -f $W/media/bench720p.mp4 ]]; then
    if [[ -n ${BENCH720:-} ]]; then cp "$BENCH720" "$W/media/bench720p.mp4"
    else "$here/../sample-media/make-samples.sh" "$W/gen" --bench && cp "$W/gen/bench720p.mp4" "$W/media/"; fi
fi
if [[ ! -f $W/media/long2h.mp4 ]]; then
    ff -f lavfi -i testsrc=size=320x180:rate=10 -f lavfi -i sine=frequency=440 -t 60 \
        -c:v libx264 -preset ultrafast -g 20 -pix_fmt yuv420p -c:a aac -b:a 32k "$W/clip60.mp4"
    for _ in $(seq 120); do echo "file '$W/clip60.mp4'"; done >"$W/concat.txt"
    ff -f concat -safe 0 -i "$W/concat.txt" -c copy -movflags +faststart "$W/media/long2h.mp4"
fi
for f in bench720p long2h; do
    [[ -f $W/pkg/$f.mp4/stream.m3u8 ]] || "$BIN" segment "$W/media/$f.mp4" "$W/pkg/$f.mp4" >/dev/null 2>&1
done
if [[ ! -f $W/many/f299.mp4 ]]; then
    ff -f lavfi -i testsrc=size=320x180:rate=10 -f lavfi -i sine -t 12 -c:v libx264 \
        -preset ultrafast -g 20 -c:a aac -b:a 32k "$W/clip12.mp4"
    for i in $(seq 0 299); do cp "$W/clip12.mp4" "$W/many/f$i.mp4"; done
fi

# ---- helpers ----
PID=
PORT=
start() { # start ARGS...: sluice serve on an ephemeral port
    "$BIN" serve --listen 127.0.0.1:0 --quiet --access-log off "$@" >"$W/srv.out" 2>"$W/srv.err" &
    PID=$!
    for _ in $(seq 100); do
        PORT=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$W/srv.out")
        [[ -n $PORT ]] && return 0
        sleep 0.05
    done
    echo "server did not start"; cat "$W/srv.err"; exit 1
}
stop() { kill "$PID"; wait "$PID" || true; PID=; }
cpu_s() { awk '{print ($14+$15)/100}' "/proc/$1/stat"; }
pct() { sort -n | awk -v p="$1" '{a[NR]=$1} END {i=int(NR*p/100+0.999); if(i<1)i=1; printf "%.2f", a[i]*1000}'; }
nseg() { grep -c '^seg' "$W/pkg/$1/stream.m3u8"; }
ttfb() { # ttfb URL: "p50 p99 ka50 ka99" of time-to-first-byte in ms over N warm requests,
    # each on a new connection (a curl each), then 3N on one keep-alive connection
    local ka=()
    curl -s -o /dev/null "$1"
    for _ in $(seq "$N"); do curl -s -o /dev/null -w '%{time_starttransfer}\n' "$1"; done >"$W/t.txt"
    for _ in $(seq $((3 * N))); do ka+=(-o /dev/null "$1"); done
    curl -s -w '%{time_starttransfer}\n' "${ka[@]}" >"$W/tk.txt"
    echo "$(pct 50 <"$W/t.txt") $(pct 99 <"$W/t.txt") $(pct 50 <"$W/tk.txt") $(pct 99 <"$W/tk.txt")"
}
wrk_lua() { # wrk_lua FILE N PREFIX
    cat >"$W/rand.lua" <<LUA
math.randomseed(os.time())
request = function()
  return wrk.format("GET", string.format("$3/$1/seg%05d.ts", math.random(0, $2 - 1)))
end
LUA
}
wrk_run() { # wrk_run PORT PID: "req/s MB/s cpu-s/GB"
    local c0 c1 out gb
    c0=$(cpu_s "$2")
    out=$(wrk -t2 -c16 -d"${DUR}s" -s "$W/rand.lua" "http://127.0.0.1:$1")
    c1=$(cpu_s "$2")
    gb=$(echo "$out" | awk '/read$/ {v=$(NF-1); u=substr(v,length(v)-1); n=v+0;
        if (u=="GB") print n; else if (u=="MB") print n/1024; else print n/1048576}')
    echo "$out" | awk -v c="$(echo "$c1 - $c0" | bc -l)" -v gb="$gb" \
        '/Requests\/sec/ {r=$2} /Transfer\/sec/ {t=$2} END {printf "%s req/s, %s/s, %.2f CPU-s/GB (%.2f GB)", r, t, (gb>0?c/gb:0), gb}'
}

echo "# sluice JIT VOD bench, $(date -u +%FT%TZ), $(nproc) CPUs"
for f in bench720p.mp4 long2h.mp4; do
    echo "$f: $(nseg "$f") segments, $(du -m "$W/media/$f" | cut -f1) MB"
done

# ---- cold first playlist of the 2-hour file (fresh server each time) ----
for i in 1 2 3; do
    start --vod "$W/media"
    t=$(curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$PORT/vod/long2h.mp4/stream.m3u8")
    echo "cold first playlist long2h.mp4 run $i: $(echo "$t * 1000" | bc -l | cut -c1-6) ms"
    stop
done

# ---- the same, in a server that has served another file first (process and libraries warm) ----
for i in 1 2 3; do
    start --vod "$W/media"
    curl -s -o /dev/null "http://127.0.0.1:$PORT/vod/bench720p.mp4/stream.m3u8"
    t=$(curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$PORT/vod/long2h.mp4/stream.m3u8")
    echo "cold first playlist long2h.mp4 after another file, run $i: $(echo "$t * 1000" | bc -l | cut -c1-6) ms"
    stop
done

# ---- segment TTFB by position, cold (produced on request) and warm (cached) ----
start --vod "$W/media"
for f in bench720p.mp4 long2h.mp4; do
    n=$(nseg "$f")
    curl -s -o /dev/null "http://127.0.0.1:$PORT/vod/$f/stream.m3u8"
    for pos in early middle late; do
        case $pos in early) i=1 ;; middle) i=$((n / 2)) ;; late) i=$((n - 2)) ;; esac
        u=$(printf 'http://127.0.0.1:%s/vod/%s/seg%05d.ts' "$PORT" "$f" "$i")
        cold=$(curl -s -o /dev/null -w '%{time_starttransfer} %{time_total} %{size_download}' "$u")
        read -r p50 p99 k50 k99 < <(ttfb "$u")
        echo "$f seg $i ($pos): cold TTFB/total $(echo "$cold" | awk '{printf "%.1f/%.1f ms, %d bytes", $1*1000, $2*1000, $3}'); warm TTFB p50 $p50 ms p99 $p99 ms (keep-alive p50 $k50 p99 $k99)"
    done
done
stop

# ---- nginx on the pre-segmented files, same segments ----
cat >"$W/nginx.conf" <<NGX
worker_processes 1;
pid $W/nginx.pid;
error_log $W/nginx.err;
events { worker_connections 1024; }
http {
  access_log off; sendfile on; tcp_nopush on; keepalive_requests 100000;
  types { video/mp2t ts; application/vnd.apple.mpegurl m3u8; }
  server { listen 127.0.0.1:18471; root $W/pkg; location /vod/ { alias $W/pkg/; } }
}
NGX
nginx -c "$W/nginx.conf"
sleep 0.3
npid=$(pgrep -P "$(cat "$W/nginx.pid")" | head -1)
for f in bench720p.mp4 long2h.mp4; do
    n=$(nseg "$f")
    u=$(printf 'http://127.0.0.1:18471/vod/%s/seg%05d.ts' "$f" $((n / 2)))
    read -r p50 p99 k50 k99 < <(ttfb "$u")
    echo "nginx $f middle segment: warm TTFB p50 $p50 ms p99 $p99 ms (keep-alive p50 $k50 p99 $k99)"
    wrk_lua "$f" "$n" /vod
    echo "nginx wrk random segments $f: $(wrk_run 18471 "$npid")"
done
nginx -c "$W/nginx.conf" -s stop

# ---- wrk random segments on sluice: warm (all segments cached) and cold (cache off) ----
for f in bench720p.mp4 long2h.mp4; do
    n=$(nseg "$f")
    wrk_lua "$f" "$n" /vod
    start --vod "$W/media" --vod-segment-cache 1024
    for i in $(seq 0 $((n - 1))); do printf 'url = "http://127.0.0.1:%s/vod/%s/seg%05d.ts"\noutput = /dev/null\n' "$PORT" "$f" "$i"; done >"$W/all.cfg"
    curl -s --no-progress-meter -K "$W/all.cfg" --parallel --parallel-max 2 || true
    echo "sluice wrk random segments $f, warm cache: $(wrk_run "$PORT" "$PID")"
    stop
    start --vod "$W/media" --vod-segment-cache 0
    echo "sluice wrk random segments $f, no segment cache (every request produces): $(wrk_run "$PORT" "$PID")"
    stop
done

# ---- RSS after serving 300 different files with small caches ----
start --vod "$W/many" --vod-cache-size 1 --vod-segment-cache 8
r0=$(awk '/VmRSS/ {print $2}' "/proc/$PID/status")
for i in $(seq 0 299); do
    curl -s -o /dev/null "http://127.0.0.1:$PORT/vod/f$i.mp4/stream.m3u8"
    curl -s -o /dev/null "http://127.0.0.1:$PORT/vod/f$i.mp4/seg00000.ts"
done
r1=$(awk '/VmRSS/ {print $2}' "/proc/$PID/status")
echo "RSS: $((r0 / 1024)) MB at start, $((r1 / 1024)) MB after 300 files (plan cache 1 MB, segment cache 8 MB)"
stop
