#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `sluice live --upload` against nginx's WebDAV module on 127.0.0.1: ffmpeg pushes MPEG-TS
# over UDP from lavfi into `sluice live` (window 3, 1 s segments) for about 10 s.
# serve: the same through `sluice serve --live cam=... --live-mirror DIR --upload URL`
# (DIR/cam/ goes to URL/cam/; stopped with SIGTERM), with the delete checks.
#   upload_live.sh delete|nodelete|serve   (env: SLUICE_BIN SLUICE_WORK SLUICE_SRC)
# Checks: every playlist version seen on the server lists only segments already PUT (access
# log) and present; delete: segments removed locally get DELETEd and the remote directory
# ends equal to the local one; nodelete: the target refuses DELETE (405) once, sluice stops
# asking, remote segments stay, every local file is on the server byte-identical.
set -uo pipefail
case=${1:?case}
bin=${SLUICE_BIN:?} work=${SLUICE_WORK:?} src=${SLUICE_SRC:?}
command -v nginx >/dev/null || { echo "SKIP: nginx not installed"; exit 77; }
command -v ffmpeg >/dev/null || { echo "SKIP: ffmpeg not installed"; exit 77; }
source "$src/tests/http/nginx_dav.sh"
rm -rf "$work"
mkdir -p "$work"
dav="$work/dav"
pids=()
cleanup() {
    for p in "${pids[@]}"; do
        kill -KILL "$p" 2>/dev/null
    done
    dav_stop "$dav"
}
trap cleanup EXIT
fail() { echo "FAIL [$case]: $*"; exit 1; }

udp_port() {
    python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

dav_start "$dav" || exit 1
prefix=live
[[ $case == nodelete ]] && prefix=nodel/live
remote="$dav/root/$prefix"
out="$work/out"
port=$(udp_port)
if [[ $case == serve ]]; then
    remote="$dav/root/$prefix/cam"
    "$bin" serve --listen 127.0.0.1:0 --access-log off --live "cam=udp://127.0.0.1:$port" \
        --live-mirror "$out" --window 3 --target-duration 1 --io-timeout 3 \
        --upload "http://127.0.0.1:$DAV_PORT/$prefix" --upload-header 'X-Test: 1' \
        >"$work/serve.out" 2>"$work/live.err" &
    out="$out/cam"
    stop_sig=TERM
else
    "$bin" live "udp://127.0.0.1:$port" "$out" --window 3 --target-duration 1 --io-timeout 3 \
        --upload "http://127.0.0.1:$DAV_PORT/$prefix/" --upload-header 'X-Test: 1' \
        2>"$work/live.err" &
    stop_sig=INT
fi
live=$!
pids+=("$live")
ffmpeg -nostdin -v error -re -f lavfi -i testsrc2=size=320x180:rate=30 \
    -f lavfi -i sine=frequency=440:sample_rate=48000 \
    -c:v libx264 -preset ultrafast -tune zerolatency -g 30 -keyint_min 30 -sc_threshold 0 \
    -b:v 500k -c:a aac -b:a 64k -t 14 -f mpegts "udp://127.0.0.1:$port?pkt_size=1316" \
    2>"$work/encoder.err" &
enc=$!
pids+=("$enc")
python3 "$src/tests/http/upload_live_watch.py" "$remote" "$dav/access.log" 11 ||
    fail "a playlist on the server listed a segment not yet uploaded"
kill -"$stop_sig" "$live"
wait "$live"
rc=$?
wait "$enc" 2>/dev/null
[[ $rc -eq 0 ]] || { cat "$work/live.err"; fail "sluice live exit $rc"; }
grep -q 'uploaded .* 0 failed' "$work/live.err" || fail "no summary: $(cat "$work/live.err")"
grep -q 'EXT-X-ENDLIST' "$remote/stream.m3u8" || fail "the final playlist did not go up"

nseg=$(grep -cE '^PUT \S+\.ts 2' "$dav/access.log")
ndel=$(grep -cE '^DELETE \S+\.ts' "$dav/access.log")
nlocal=$(find "$out" -maxdepth 1 -name 'seg*.ts' | wc -l)
echo "  $nseg segments PUT, $ndel DELETE requests, $nlocal segments left locally"
[[ $nseg -ge 8 ]] || fail "only $nseg segments uploaded"
[[ $nlocal -le 8 ]] || fail "local window not bounded: $nlocal segments"
grep -E '^PUT \S+stream\.m3u8 2' "$dav/access.log" | grep -q '"public, max-age=1"' ||
    fail "live playlist not short-cached"
for f in "$out"/*; do
    cmp -s "$f" "$remote/$(basename "$f")" || fail "$(basename "$f") differs or is missing remotely"
done
case $case in
delete | serve)
    [[ $(grep -cE '^DELETE \S+\.ts 204' "$dav/access.log") -eq $ndel ]] || fail "a DELETE failed"
    [[ $ndel -eq $((nseg - nlocal)) ]] || fail "$ndel DELETEs for $((nseg - nlocal)) removed"
    diff <(cd "$out" && ls) <(cd "$remote" && ls) || fail "remote files differ from local ones"
    ;;
nodelete)
    [[ $ndel -eq 1 ]] || fail "$ndel DELETE requests: want exactly one (then a 405 stops them)"
    grep -qE '^DELETE \S+\.ts 405' "$dav/access.log" || fail "DELETE not refused"
    [[ $(find "$remote" -name 'seg*.ts' | wc -l) -eq $nseg ]] || fail "remote segments lost"
    ;;
esac
echo "ok [$case]"
