#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Hostile paths: traversal (plain, percent-encoded, double-encoded), NUL bytes, backslashes,
# dotfiles, symlinks out of the root, FIFOs, directories, over-long URLs and headers.
source "$(dirname "$0")/lib.sh"
RAW="python3 $(dirname "$0")/rawhttp.py"

ROOT=$WORK/root
make_root "$ROOT"
start_server --root "$ROOT"

eq "plain file" "$(status "$BASE/vod/stream.m3u8")" 200
eq "empty segments collapse" "$(status "$BASE//vod///stream.m3u8")" 200
eq "dot segments collapse" "$(status "$BASE/./vod/./stream.m3u8")" 200
eq ".. -> 400" "$(status "$BASE/vod/../vod/stream.m3u8")" 400
eq ".. at the top -> 400" "$(status "$BASE/../../etc/passwd")" 400
eq "%2e%2e -> 400" "$(status "$BASE/vod/%2e%2e/vod/stream.m3u8")" 400
eq "%2E%2E%2F escape -> 400" "$(status "$BASE/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd")" 400
eq "double-encoded %252e%252e stays literal -> 404" \
    "$(status "$BASE/vod/%252e%252e/%252e%252e/etc/passwd")" 404
eq "encoded slash stays inside the root" "$(status "$BASE/vod%2Fstream.m3u8")" 200
eq "NUL byte -> 400" "$(status "$BASE/vod/stream.m3u8%00.html")" 400
eq "backslash -> 400" "$(status "$BASE/vod%5c..%5c..%5cetc%5cpasswd")" 400
eq "raw backslash -> 400" "$($RAW status "$PORT" '/vod\stream.m3u8')" 400
eq "control byte -> 400" "$(status "$BASE/vod/a%01b")" 400
eq "dotfile -> 403" "$(status "$BASE/.hidden")" 403
eq "dot directory -> 403" "$(status "$BASE/dir/.git/config")" 403
eq "encoded dotfile -> 403" "$(status "$BASE/%2ehidden")" 403
eq "symlink out of the root -> 403" "$(status "$BASE/escape")" 403
eq "absolute symlink out -> 403" "$(status "$BASE/abs-escape")" 403
check "outside file never served" sh -c "! curl -s '$BASE/escape' '$BASE/abs-escape' | grep -q outside"
eq "symlink inside the root" "$(status "$BASE/sub/alias.m3u8")" 200
eq "FIFO -> 404 (no hang)" "$(status "$BASE/fifo" --max-time 3)" 404
eq "directory -> 404" "$(status "$BASE/vod/")" 404
eq "directory without slash -> 404" "$(status "$BASE/vod")" 404
eq "missing -> 404" "$(status "$BASE/vod/missing.ts")" 404
eq "absolute-form target (RFC 9112 3.2.2)" "$($RAW status "$PORT" "http://127.0.0.1:$PORT/vod/stream.m3u8")" 200
eq "path past our limit -> 414" "$(status "$BASE/$(printf 'a%.0s' $(seq 1 1100))")" 414
match "URL past the header memory -> 414" "$($RAW longurl "$PORT" 40000)" '^414$'
match "header past the header memory -> 431" "$($RAW longheader "$PORT" 40000)" '^431$'
eq "server still up" "$(status "$BASE/vod/stream.m3u8")" 200
stop_server TERM
finish
