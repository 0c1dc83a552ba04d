#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench/serve.sh: sluice serve vs nginx (Debian nginx-light, sendfile on, access_log off) on the
# same files, same run: wrk -t2 -c64 on a ~3 KB VOD playlist and a ~2.3 MB segment, then
# 10,000 idle connections held by sluice with its RSS before and after.
#
#   bench/serve.sh [BUILD_DIR]        (default: build; needs wrk, nginx, ffmpeg, python3)
#
# Environment: DURATION (wrk seconds per run, default 10), ROUNDS (alternating runs per server,
# default 3), CONNS (default 64), IDLE (default 10000),
# SLUICE_THREADS (default: CPUs), NGINX_WORKERS (default 2). Results go to stdout and to
# bench/out/serve-results.txt.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
sluice=$(cd "$build" && pwd)/sluice
out=$here/out/serve
duration=${DURATION:-10}
rounds=${ROUNDS:-3}
conns=${CONNS:-64}
idle=${IDLE:-10000}
workers=${NGINX_WORKERS:-2}
mkdir -p "$out/root/bench"
results=$here/out/serve-results.txt

need() { command -v "$1" >/dev/null || { echo "bench: $1 is missing (apt-get install $2)" >&2; exit 1; }; }
need wrk wrk
need nginx nginx-light
need ffmpeg ffmpeg
need python3 python3
[[ -x $sluice ]] || { echo "bench: build sluice first ($sluice)" >&2; exit 1; }
ulimit -n "$(ulimit -Hn)" # 10,000 idle connections need more than 1024

# ---- the files: a 6 s 720p segment at ~3 Mbit/s and a 100-segment VOD playlist ----
seg=$out/root/bench/seg00000.ts
if [[ ! -s $seg ]]; then
    ffmpeg -hide_banner -loglevel error -nostdin -y -f lavfi \
        -i testsrc2=size=1280x720:rate=30:duration=6 -f lavfi -i sine=frequency=440:duration=6 \
        -c:v libx264 -preset veryfast -b:v 2900k -maxrate 2900k -bufsize 2900k -g 60 \
        -pix_fmt yuv420p -c:a aac -b:a 128k -f mpegts "$seg.tmp"
    mv "$seg.tmp" "$seg"
fi
pl=$out/root/bench/stream.m3u8
{
    printf '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:6\n#EXT-X-MEDIA-SEQUENCE:0\n'
    printf '#EXT-X-PLAYLIST-TYPE:VOD\n'
    for i in $(seq 0 99); do printf '#EXTINF:6.000,\nseg%05d.ts\n' "$i"; done
    printf '#EXT-X-ENDLIST\n'
} >"$pl"
seg_size=$(stat -c %s "$seg")
pl_size=$(stat -c %s "$pl")

pids=()
cleanup() {
    for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap cleanup EXIT

# ---- servers ----
"$sluice" serve --listen 127.0.0.1:0 --root "$out/root" --access-log off --quiet --per-ip-limit 0 \
    ${SLUICE_THREADS:+--threads "$SLUICE_THREADS"} >"$out/sluice.out" 2>"$out/sluice.err" &
spid=$!
pids+=("$spid")
for _ in $(seq 1 100); do
    sport=$(sed -n 's|^sluice: listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$out/sluice.out")
    [[ -n $sport ]] && break
    sleep 0.1
done
[[ -n ${sport:-} ]] || { echo "bench: sluice did not start" >&2; cat "$out/sluice.err" >&2; exit 1; }
spid=$(sed -n 's|^sluice: listening on .*, pid \([0-9]*\))$|\1|p' "$out/sluice.out") # the real one
pids+=("$spid")

nport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$out/nginx"
cat >"$out/nginx/nginx.conf" <<NGINX
worker_processes $workers;
pid $out/nginx/nginx.pid;
error_log $out/nginx/error.log warn;
daemon off;
events { worker_connections 10000; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    types { application/vnd.apple.mpegurl m3u8; video/mp2t ts; }
    server {
        listen 127.0.0.1:$nport;
        root $out/root;
    }
}
NGINX
nginx -c "$out/nginx/nginx.conf" -p "$out/nginx" &
npid=$!
pids+=("$npid")
for _ in $(seq 1 50); do
    curl -sf -o /dev/null "http://127.0.0.1:$nport/bench/stream.m3u8" && break
    sleep 0.1
done

# ---- wrk ----
# run_wrk URL -> "requests/s bytes/s"
run_wrk() {
    wrk -t2 -c"$conns" -d"${duration}s" --latency "$1" >"$out/wrk.txt" 2>&1
    python3 - "$out/wrk.txt" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
m = re.search(r"Transfer/sec:\s+([\d.]+)(\w+)", t)
mult = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3}[m.group(2)]
print(f"{rps:.0f} {float(m.group(1)) * mult:.0f}")
PY
}

{
    echo "# sluice serve vs nginx $(nginx -v 2>&1 | sed 's/.*nginx\///'), $(nproc) CPUs, wrk -t2 -c$conns -d${duration}s x $rounds rounds"
    echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "# playlist $pl_size bytes, segment $seg_size bytes; nginx: $workers workers, sendfile on"
} | tee "$results"
# Rounds alternate nginx and sluice so that load from elsewhere on the machine hits both
# alike; the medians are compared.
for what in playlist segment; do
    path=/bench/stream.m3u8
    [[ $what == segment ]] && path=/bench/seg00000.ts
    curl -sf -o /dev/null "http://127.0.0.1:$sport$path"
    runs=()
    for _ in $(seq 1 "$rounds"); do
        read -r n_rps n_bps < <(run_wrk "http://127.0.0.1:$nport$path")
        read -r s_rps s_bps < <(run_wrk "http://127.0.0.1:$sport$path")
        runs+=("$s_rps $s_bps $n_rps $n_bps")
    done
    printf '%s\n' "${runs[@]}" | python3 -c '
import statistics as st, sys
w = sys.argv[1]
rows = [list(map(float, l.split())) for l in sys.stdin if l.strip()]
s_rps, s_bps, n_rps, n_bps = (st.median(r[i] for r in rows) for i in range(4))
print(f"{w:8s} sluice {s_rps:9.0f} req/s {s_bps/1e6:9.1f} MB/s | nginx {n_rps:9.0f} req/s "
      f"{n_bps/1e6:9.1f} MB/s | ratio req/s {s_rps/n_rps:.2f}x bytes/s {s_bps/n_bps:.2f}x "
      f"(medians of {len(rows)}; per-round req/s ratios "
      + " ".join(f"{r[0]/r[2]:.2f}" for r in rows) + ")")
' "$what" | tee -a "$results"
done

# ---- 10,000 idle connections ----
rss() { sed -n 's/^VmRSS:\s*\([0-9]*\) kB/\1/p' "/proc/$1/status"; }
before=$(rss "$spid")
coproc HOLD { python3 "$here/../tests/http/rawhttp.py" hold "$sport" "$idle"; }
read -r held <&"${HOLD[0]}"
sleep 1
during=$(rss "$spid")
ok=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$sport/bench/stream.m3u8")
open=$(curl -s "http://127.0.0.1:$sport/metrics" | sed -n 's/^sluice_http_open_connections //p')
exec {HOLD[1]}>&-
wait "$HOLD_PID" || true
sleep 1
after=$(rss "$spid")
python3 - "$idle" "$held" "$before" "$during" "$after" "$ok" "$open" <<'PY' | tee -a "$results"
import sys
n, held, b, d, a, ok, open_ = sys.argv[1], int(sys.argv[2]), *map(int, sys.argv[3:6]), *sys.argv[6:]
print(f"idle     {held}/{n} connections held (server counted {open_} open), a request meanwhile -> {ok}; "
      f"RSS {b/1024:.1f} MB before, {d/1024:.1f} MB holding ({(d-b)*1024/max(held,1):.0f} B per "
      f"connection), {a/1024:.1f} MB after they closed")
PY
