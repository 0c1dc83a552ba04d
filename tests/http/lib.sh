#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Shared helpers of the origin's HTTP tests: start `sluice serve` on an ephemeral port by pid,
# check things, stop it by pid (and require exit 0), print "N passed, N failed".
set -uo pipefail

SLUICE_BIN=${SLUICE_BIN:?SLUICE_BIN must point at build/sluice}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/sluice-http.XXXXXX")
PASSED=0
FAILED=0
SERVER_PID=
BG_PID=
BASE=

cleanup() {
    if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -KILL "$SERVER_PID" 2>/dev/null
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

ok() {
    PASSED=$((PASSED + 1))
    echo "ok - $1"
}

not_ok() {
    FAILED=$((FAILED + 1))
    echo "not ok - $1"
    [[ $# -gt 1 ]] && echo "#   $2"
}

# check DESC COMMAND...: passes when the command succeeds.
check() {
    local desc=$1
    shift
    if "$@"; then ok "$desc"; else not_ok "$desc" "command: $*"; fi
}

# eq DESC GOT WANT
eq() {
    if [[ $2 == "$3" ]]; then ok "$1"; else not_ok "$1" "got '$2', want '$3'"; fi
}

# match DESC GOT REGEX
match() {
    if [[ $2 =~ $3 ]]; then ok "$1"; else not_ok "$1" "got '$2', want /$3/"; fi
}

# start_server ARGS...: runs sluice serve on 127.0.0.1:0 and sets BASE from its first line.
start_server() {
    "$SLUICE_BIN" serve --listen 127.0.0.1:0 "$@" >"$WORK/server.out" 2>"$WORK/server.err" &
    BG_PID=$!
    SERVER_PID=$BG_PID
    local port=
    for _ in $(seq 1 300); do # 30 s: the embedded default may segment first
        port=$(sed -n 's|^sluice: listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' \
            "$WORK/server.out")
        [[ -n $port ]] && break
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    if [[ -z $port ]]; then
        echo "# server did not start:"
        sed 's/^/#   /' "$WORK/server.err"
        exit 1
    fi
    # The pid sluice reports is the one to signal ($! may be a shell in between).
    SERVER_PID=$(sed -n 's|^sluice: listening on .*, pid \([0-9]*\))$|\1|p' "$WORK/server.out")
    BASE=http://127.0.0.1:$port
    PORT=$port
}

# stop_server [SIGNAL]: signal the server by pid and require exit status 0.
stop_server() {
    local sig=${1:-TERM} rc
    kill -"$sig" "$SERVER_PID"
    wait "$BG_PID" # sluice's own status, also when a shell sat in between
    rc=$?
    SERVER_PID=
    eq "server exits 0 on SIG$sig" "$rc" 0
}

# status URL [CURL ARGS...]: the HTTP status code.
status() {
    local url=$1
    shift
    curl -s -o /dev/null -w '%{http_code}' --path-as-is "$@" "$url"
}

# header NAME URL [CURL ARGS...]: one response header's value (GET, body discarded).
header() {
    local name=$1 url=$2
    shift 2
    curl -s -D - -o /dev/null --path-as-is "$@" "$url" | tr -d '\r' |
        sed -n "s/^$name: //Ip" | head -1
}

finish() {
    echo "$PASSED passed, $FAILED failed"
    [[ $FAILED -eq 0 ]]
}

# make_root DIR: the tree the tests serve, built from the HLS package in $SLUICE_HTTP_PACKAGE
# (made by make_package.sh) plus hand-made files for every media type, a live playlist, and
# hostile entries (dotfiles, symlinks out of the root, a FIFO).
make_root() {
    local root=$1
    mkdir -p "$root/vod" "$root/live" "$root/types" "$root/dir/.git" "$root/sub"
    cp "$SLUICE_HTTP_PACKAGE"/* "$root/vod/"
    printf '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:4\n#EXT-X-MEDIA-SEQUENCE:7\n#EXTINF:4.000,\nseg7.ts\n#EXTINF:4.000,\nseg8.ts\n' \
        >"$root/live/stream.m3u8"
    for e in ts m4s mp4 vtt key html js css json aac m4a; do
        printf 'x%.0s' $(seq 1 100) >"$root/types/f.$e"
    done
    echo secret >"$root/.hidden"
    echo secret >"$root/dir/.git/config"
    echo outside >"$WORK/outside.txt"
    ln -s ../outside.txt "$root/escape"
    ln -s "$WORK/outside.txt" "$root/abs-escape"
    ln -s ../vod/stream.m3u8 "$root/sub/alias.m3u8"
    mkfifo "$root/fifo"
}
