#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# sluice serve behind Varnish (docs/sluice.vcl) with simulated players (hls_load.mjs).
#   cache_case.sh CASE     (env: SLUICE_BIN SLUICE_TEST_MEDIA SLUICE_WORK SLUICE_SRC;
#                           SLUICE_ORIGIN_BIN: a sluice with `serve` if SLUICE_BIN lacks it;
#                           CACHE_CLIENTS: simulated players, default 200)
# Cases: vod_offload (origin requests per object, ratio printed), live_fresh (a growing EVENT
# playlist is never served staler than half a target duration), errors (404s are not cached),
# failover (two origins packaging the same input byte-identically; one is killed mid-load and
# players see no error).
set -uo pipefail
case=${1:?case}
bin=${SLUICE_BIN:?} media=${SLUICE_TEST_MEDIA:?} work=${SLUICE_WORK:?} src=${SLUICE_SRC:?}
clients=${CACHE_CLIENTS:-200}
origin=$bin
if ! "$origin" serve --help >/dev/null 2>&1; then
    origin=${SLUICE_ORIGIN_BIN:-}
    [[ -n $origin ]] && "$origin" serve --help >/dev/null 2>&1 ||
        { echo "SKIP: no 'sluice serve' (set SLUICE_ORIGIN_BIN)"; exit 77; }
fi
command -v varnishd >/dev/null || { echo "SKIP: varnishd not installed"; exit 77; }
command -v node >/dev/null || { echo "SKIP: node not installed"; exit 77; }
rm -rf "$work"
mkdir -p "$work"
pids=()
cleanup() {
    local p
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
}
trap cleanup EXIT
fail() { echo "FAIL [$case]: $*"; exit 1; }
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
wait_http() {
    for _ in $(seq 100); do
        curl -s -o /dev/null "$1" && return 0
        sleep 0.1
    done
    fail "$1 did not come up"
}

# start_origin NAME ROOT: sluice serve on a free port; sets PORT_<NAME>, PID_<NAME>.
start_origin() {
    local port
    port=$(free_port)
    "$origin" serve --root "$2" --listen "127.0.0.1:$port" --quiet \
        --access-log "$work/origin_$1.log" >"$work/origin_$1.err" 2>&1 &
    pids+=($!)
    printf -v "PID_$1" %s "$!"
    printf -v "PORT_$1" %s "$port"
    wait_http "http://127.0.0.1:$port/"
}

# start_varnish PORT_A PORT_B: Varnish with docs/sluice.vcl; sets VPORT.
start_varnish() {
    VPORT=$(free_port)
    sed -e "s/@PORT_A@/$1/" -e "s/@PORT_B@/$2/" "$src/docs/sluice.vcl" >"$work/sluice.vcl"
    varnishd -F -n "$work/varnish" -a "127.0.0.1:$VPORT" -f "$work/sluice.vcl" -s malloc,256m \
        -p default_grace=0 >"$work/varnish.log" 2>&1 &
    pids+=($!)
    wait_http "http://127.0.0.1:$VPORT/"
}

origin_gets() { # origin_gets NAME PATTERN: GETs for PATTERN in that origin's access log
    grep -cE " GET $2" "$work/origin_$1.log"
}

load() { # load ARGS...: run hls_load.mjs, keep its JSON in $work/load.json
    node "$src/tests/http/hls_load.mjs" "$@" >"$work/load.json" || fail "load client failed"
    cat "$work/load.json"
}
field() { node -e "console.log(JSON.parse(require('fs').readFileSync('$work/load.json'))['$1'])"; }

package() { # package DIR [options]
    local out=$1
    shift
    "$bin" segment "$media/sample.mp4" "$out" --quiet "$@" || fail "segment failed"
}

case $case in
vod_offload)
    package "$work/a/vod"
    start_origin A "$work/a"
    start_varnish "$PORT_A" "$PORT_A"
    load vod "http://127.0.0.1:$VPORT/vod/index.m3u8" "$clients"
    [[ $(field errors) -eq 0 ]] || fail "players saw errors"
    objects=$(ls "$work/a/vod" | wc -l)
    got=$(origin_gets A '/vod/')
    reqs=$(field requests)
    echo "  client requests $reqs, origin requests $got for $objects objects" \
        "(offload $(python3 -c "print(f'{1 - $got / $reqs:.4f}')"))"
    [[ $got -le $((objects + 2)) ]] || fail "origin saw $got requests for $objects objects"
    ;;
live_fresh)
    package "$work/src" --target-duration 2 --playlist-type event
    mkdir -p "$work/a/live"
    cp "$work/src/index.m3u8" "$work/a/live/"
    # Publish one segment per second: copy it, then replace the playlist (no ENDLIST) atomically.
    python3 - "$work/src" "$work/a/live" "$work/publish.log" <<'PY' &
import os, shutil, sys, time
src, dst, log = sys.argv[1:4]
lines = open(os.path.join(src, "stream.m3u8")).read().splitlines(keepends=True)
head = [l for l in lines if l.startswith("#") and not l.startswith(("#EXTINF", "#EXT-X-ENDLIST"))]
body = [l for l in lines if not l.startswith(tuple(h.split(":")[0] for h in head)) and "ENDLIST" not in l]
pairs = [(body[i], body[i + 1]) for i in range(0, len(body) - 1, 2)]
with open(log, "w") as out:
    for k in range(1, len(pairs) + 1):
        shutil.copy(os.path.join(src, pairs[k - 1][1].strip()), dst)
        tmp = os.path.join(dst, ".stream.m3u8.tmp")
        open(tmp, "w").write("".join(head) + "".join(a + b for a, b in pairs[:k]))
        os.rename(tmp, os.path.join(dst, "stream.m3u8"))
        out.write(f"{int(time.time() * 1000)} {k}\n")
        out.flush()
        time.sleep(1.0)
PY
    pids+=($!)
    sleep 0.3
    start_origin A "$work/a"
    start_varnish "$PORT_A" "$PORT_A"
    curl -sI "http://127.0.0.1:$PORT_A/live/stream.m3u8" | grep -i '^cache-control' | tr -d '\r'
    load live "http://127.0.0.1:$VPORT/live/stream.m3u8" $((clients / 2)) 10 "$work/publish.log"
    [[ $(field errors) -eq 0 ]] || fail "players saw errors"
    stale=$(field maxStaleMs)
    polls=$(field polls)
    got=$(origin_gets A '/live/stream.m3u8')
    echo "  $polls playlist polls, $got reached the origin; max staleness ${stale} ms (limit 1000)"
    # half the target duration (2 s), plus 150 ms for measurement and TTL rounding
    [[ $stale -le 1150 ]] || fail "playlist served ${stale} ms stale"
    ;;
errors)
    package "$work/a/vod"
    start_origin A "$work/a"
    start_varnish "$PORT_A" "$PORT_A"
    for _ in 1 2 3; do
        curl -s -o /dev/null "http://127.0.0.1:$VPORT/vod/seg99999.ts"
    done
    [[ $(origin_gets A '/vod/seg99999.ts') -eq 3 ]] || fail "a 404 was cached"
    # the segment appears: the next request gets it, not a cached 404
    cp "$work/a/vod/seg00000.ts" "$work/a/vod/seg99999.ts"
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$VPORT/vod/seg99999.ts")
    [[ $code == 200 ]] || fail "got $code after the segment appeared"
    echo "  404s reached the origin each time; the segment was served once it existed"
    ;;
failover)
    package "$work/a/vod" --target-duration 1
    package "$work/b/vod" --target-duration 1
    for f in "$work/a/vod"/*; do
        cmp "$f" "$work/b/vod/$(basename "$f")" || fail "origins differ: $(basename "$f")"
    done
    echo "  two packagings identical: $(ls "$work/a/vod" | wc -l) files"
    start_origin A "$work/a"
    start_origin B "$work/b"
    start_varnish "$PORT_A" "$PORT_B"
    node "$src/tests/http/hls_load.mjs" vod "http://127.0.0.1:$VPORT/vod/index.m3u8" "$clients" \
        >"$work/load.json" &
    lpid=$!
    for _ in $(seq 200); do # kill A once it has served a few objects: mid-load
        [[ $(origin_gets A '/vod/' 2>/dev/null) -ge 3 ]] && break
        sleep 0.02
    done
    kill -9 "$PID_A"
    wait "$lpid" || fail "load client failed"
    cat "$work/load.json"
    [[ $(field errors) -eq 0 ]] || fail "players saw errors after an origin died"
    echo "  origin A: $(origin_gets A '/vod/') GETs before it died, origin B: $(origin_gets B '/vod/')"
    [[ $(origin_gets B '/vod/') -gt 0 ]] || fail "origin B never used (A died too late?)"
    ;;
live_ll)
    # LL-HLS through the cache: blocking playlist reloads keep their directives (the VCL keeps
    # _HLS_msn/_HLS_part in the key and drops anything else), wait for the part at the origin
    # and come back holding it.
    command -v ffmpeg >/dev/null || { echo "SKIP: ffmpeg not installed"; exit 77; }
    uport=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    port=$(free_port)
    "$origin" serve --live "cam=udp://127.0.0.1:$uport" --listen "127.0.0.1:$port" --quiet \
        --access-log "$work/origin_A.log" >"$work/origin_A.err" 2>&1 &
    pids+=($!)
    wait_http "http://127.0.0.1:$port/"
    ffmpeg -nostdin -v error -re -f lavfi -i testsrc2=size=320x180:rate=30 -c:v libx264 \
        -preset ultrafast -tune zerolatency -g 60 -keyint_min 60 -sc_threshold 0 -b:v 500k \
        -f mpegts "udp://127.0.0.1:$uport?pkt_size=1316" 2>"$work/encoder.err" &
    pids+=($!)
    start_varnish "$port" "$port"
    pl="http://127.0.0.1:$VPORT/live/cam/stream.m3u8"
    for _ in $(seq 150); do
        curl -s "$pl" | grep -q '^#EXTINF' && break
        sleep 0.1
    done
    python3 - "$pl" <<'PY' || fail "blocking reload through the cache"
import re, sys, time, urllib.request
pl = sys.argv[1]
def get(url):
    t = time.monotonic()
    body = urllib.request.urlopen(url, timeout=20).read().decode()
    return body, time.monotonic() - t
def next_part(body):
    msn = int(re.search(r"#EXT-X-MEDIA-SEQUENCE:(\d+)", body).group(1))
    n = len(re.findall(r"^#EXTINF", body, re.M))
    tail = body.split("#EXTINF")[-1]
    tail = tail[tail.index("\n", tail.index("\n") + 1):] if "\n" in tail else ""
    return msn + n, len(re.findall(r"^#EXT-X-PART:", tail, re.M))
def has_part(body, msn, part):
    m, k = next_part(body)
    return m > msn or (m == msn and k > part)
body, _ = get(pl)
waits = []
for round in range(6):
    m, k = next_part(body)  # the part being written: the request must wait for it
    url = f"{pl}?x=1&_HLS_part={k}&_HLS_msn={m}&y=2"
    body, dt = get(url)
    waits.append(dt)
    print(f"  {url.split('?')[1]}: {dt:.2f} s")
    if not has_part(body, m, k):
        print(f"  the answer does not hold part {m}.{k}:\n{body}")
        sys.exit(1)
if sorted(waits)[len(waits) // 2] < 0.05:
    print("  the requests did not wait for their parts")
    sys.exit(1)
PY
    echo "  blocking reloads through Varnish waited for their parts"
    ;;
*)
    fail "unknown case"
    ;;
esac
echo "ok [$case]"
