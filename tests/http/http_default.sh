#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `sluice serve` with no source option: the embedded default segments the sample media once
# into <sample dir>/out/sample/ and serves <sample dir>/out with the player page; without
# sample.mp4 it says how to make it and fails.
source "$(dirname "$0")/lib.sh"

export SLUICE_SAMPLE_DIR=$WORK/samples
mkdir -p "$SLUICE_SAMPLE_DIR"

# no sample.mp4: a clear message and a non-zero exit
"$SLUICE_BIN" serve --listen 127.0.0.1:0 >"$WORK/none.out" 2>"$WORK/none.err"
rc=$?
check "fails without sample.mp4" test "$rc" -ne 0
match "says how to make it" "$(cat "$WORK/none.err")" "make-samples.sh"

cp "${SLUICE_TEST_MEDIA:?}/sample.mp4" "$SLUICE_SAMPLE_DIR/"
start_server
check "segmented on first run" test -s "$SLUICE_SAMPLE_DIR/out/sample/index.m3u8"
match "prints the player URL" "$(cat "$WORK/server.out")" "player: http://127.0.0.1:$PORT/"
match "lists the sample" "$(curl -s "$BASE/_streams.json")" '"url": "/sample/index.m3u8"'
eq "serves its playlist" "$(status "$BASE/sample/index.m3u8")" 200
eq "player page" "$(status "$BASE/")" 200
stop_server TERM

# second run: no segmenting again
touch -d '2000-01-01' "$SLUICE_SAMPLE_DIR/out/sample/index.m3u8"
start_server
eq "index.m3u8 kept on the second run" "$(stat -c %Y "$SLUICE_SAMPLE_DIR/out/sample/index.m3u8")" \
    "$(date -d '2000-01-01' +%s)"
stop_server INT
finish
