#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `sluice segment --upload` and `sluice upload` against nginx's WebDAV module on 127.0.0.1.
#   upload_case.sh CASE     (env: SLUICE_BIN SLUICE_TEST_MEDIA SLUICE_WORK SLUICE_SRC)
# Cases: basic (every file byte-identical, Content-Type/Cache-Control as sent, playlists PUT
# after their segments), restart (nginx stopped mid-upload and restarted: retries succeed,
# nothing lost, no playlist before its segments), resume (an interrupted upload, then
# `sluice upload --resume` PUTs only what is missing), event (EVENT playlists: short
# Cache-Control, each playlist version after the segments it lists), fail (target refuses:
# exit 5, local copy intact, one line per failure).
set -uo pipefail
case=${1:?case}
bin=${SLUICE_BIN:?} media=${SLUICE_TEST_MEDIA:?} work=${SLUICE_WORK:?} src=${SLUICE_SRC:?}
command -v nginx >/dev/null || { echo "SKIP: nginx not installed"; exit 77; }
source "$src/tests/http/nginx_dav.sh"
rm -rf "$work"
mkdir -p "$work"
dav="$work/dav"
trap 'dav_stop "$dav"' EXIT
fail() { echo "FAIL [$case]: $*"; exit 1; }

# same LOCALDIR REMOTEDIR: every local file (no dot-files) arrived byte-identical.
same() {
    local f n=0
    for f in "$1"/*; do
        cmp -s "$f" "$2/$(basename "$f")" || fail "$(basename "$f") differs or is missing remotely"
        n=$((n + 1))
    done
    echo "  $n files identical"
}

# ordered LOG LOCALDIR [ALREADY_REMOTE...]: each successful playlist PUT in the access log
# came after every segment that version of the playlist lists (check_order.py).
ordered() {
    python3 "$src/tests/http/check_order.py" "$@" ||
        fail "a playlist was uploaded before a segment it lists"
}

ctype_ok() {
    grep -E '^PUT \S+\.ts 2' "$1" | grep -qv '"video/mp2t"' && fail "segment without video/mp2t"
    grep -E '^PUT \S+\.m3u8 2' "$1" | grep -qv '"application/vnd.apple.mpegurl"' &&
        fail "playlist without application/vnd.apple.mpegurl"
    grep -E '^PUT \S+\.ts 2' "$1" | grep -qv 'immutable' && fail "segment not immutable"
    return 0
}

# wait_ts DIR N: until DIR holds at least N segments (at most 10 s).
wait_ts() {
    for _ in $(seq 200); do
        [[ $(find "$1" -name '*.ts' 2>/dev/null | wc -l) -ge $2 ]] && return 0
        sleep 0.05
    done
    fail "no upload progress in $1"
}

package() { # package OUTDIR [segment options]: a local package, no upload
    local out=$1
    shift
    "$bin" segment "$media/sample.mp4" "$out" --quiet --target-duration 1 "$@" ||
        fail "segment failed"
}

case $case in
basic)
    dav_start "$dav" || exit 1
    url="http://127.0.0.1:$DAV_PORT/live/a"
    "$bin" segment "$media/sample.mp4" "$work/out" --upload "$url" --upload-header 'X-Test: 1' \
        2>"$work/stderr" || { cat "$work/stderr"; fail "segment --upload exit $?"; }
    grep -q 'uploaded .* 0 failed' "$work/stderr" || fail "no summary: $(cat "$work/stderr")"
    same "$work/out" "$dav/root/live/a"
    ctype_ok "$dav/access.log"
    grep -E '^PUT \S+stream\.m3u8 2' "$dav/access.log" | grep -q 'max-age=86400' ||
        fail "VOD playlist not long-cached"
    ordered "$dav/access.log" "$work/out"
    ;;
event)
    dav_start "$dav" || exit 1
    url="http://127.0.0.1:$DAV_PORT/ev"
    "$bin" segment "$media/sample.mp4" "$work/out" --quiet --target-duration 2 \
        --playlist-type event --upload "$url" || fail "segment --upload exit $?"
    same "$work/out" "$dav/root/ev"
    ctype_ok "$dav/access.log"
    grep -E '^PUT \S+stream\.m3u8 2' "$dav/access.log" | grep -q '"public, max-age=1"' ||
        fail "EVENT playlist not short-cached"
    ordered "$dav/access.log" "$work/out"
    n=$(grep -cE '^PUT \S+stream\.m3u8 2' "$dav/access.log")
    echo "  $n versions of stream.m3u8 uploaded"
    ;;
restart)
    package "$work/out"
    # 8 requests/s (nginx delays the rest), so the upload lasts seconds and nginx can go away.
    DAV_RATE=8 dav_start "$dav" || exit 1
    url="http://127.0.0.1:$DAV_PORT/r"
    "$bin" upload "$work/out" "$url" --verbose 2>"$work/stderr" &
    pid=$!
    wait_ts "$dav/root/r" 2
    dav_stop "$dav"
    sleep 1.5
    DAV_RATE=1000 DAV_PORT_FIXED=$DAV_PORT dav_start "$dav" || fail "nginx restart"
    wait "$pid" || { cat "$work/stderr"; fail "upload exit $? after a restart"; }
    grep -q 'retry' "$work/stderr" || fail "no retries: the stop came too late?"
    grep -q 'retries, 0 failed' "$work/stderr" || fail "no summary"
    same "$work/out" "$dav/root/r"
    ordered "$dav/access.log" "$work/out"
    ;;
resume)
    package "$work/out"
    DAV_RATE=8 dav_start "$dav" || exit 1
    url="http://127.0.0.1:$DAV_PORT/s"
    "$bin" upload "$work/out" "$url" --quiet &
    pid=$!
    wait_ts "$dav/root/s" 2
    kill -INT "$pid"
    wait "$pid"
    rc=$?
    [[ $rc -eq 130 ]] || fail "interrupted upload: exit $rc, want 130"
    dav_stop "$dav" # requests nginx was holding back may still have completed: count after
    have=$(find "$dav/root/s" -name '*.ts' | wc -l)
    total=$(find "$work/out" -name '*.ts' | wc -l)
    [[ $have -gt 0 && $have -lt $total ]] || fail "interruption not mid-way: $have of $total"
    ls "$dav/root/s"/*.m3u8 2>/dev/null && fail "a playlist went up before its segments"
    first=$(cd "$dav/root/s" && ls)
    : >"$dav/access.log"
    DAV_RATE=1000 DAV_PORT_FIXED=$DAV_PORT dav_start "$dav" || fail "nginx restart"
    "$bin" upload "$work/out" "$url" --resume 2>"$work/stderr" || fail "resume exit $?"
    puts=$(grep -cE '^PUT \S+\.ts 2' "$dav/access.log")
    heads=$(grep -cE '^HEAD \S+\.ts' "$dav/access.log")
    echo "  first run: $have of $total segments; resume: $heads HEADs, $puts segment PUTs"
    [[ $puts -eq $((total - have)) ]] || fail "resume PUT $puts segments, want $((total - have))"
    [[ $heads -eq $total ]] || fail "resume HEAD $heads, want $total"
    grep -q "($have already there)" "$work/stderr" || fail "summary: $(cat "$work/stderr")"
    same "$work/out" "$dav/root/s"
    # shellcheck disable=SC2086
    ordered "$dav/access.log" "$work/out" $first
    ;;
fail)
    package "$work/out"
    dav_start "$dav" || exit 1
    # A read-only location: nginx answers 405 to PUT (a 4xx: no retries).
    "$bin" upload "$work/out" "http://127.0.0.1:$DAV_PORT/ro/x" 2>"$work/stderr"
    rc=$?
    [[ $rc -eq 5 ]] || { cat "$work/stderr"; fail "exit $rc, want 5"; }
    grep -q 'upload incomplete' "$work/stderr" || fail "no one-line error"
    [[ -s $work/out/index.m3u8 ]] || fail "local copy lost"
    [[ $(grep -c '^PUT' "$dav/access.log") -eq $(find "$work/out" -name '*.ts' | wc -l) ]] ||
        fail "4xx retried, or a playlist PUT without its segments"
    ;;
*)
    fail "unknown case"
    ;;
esac
echo "ok [$case]"
