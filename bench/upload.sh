#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Upload throughput to a local nginx WebDAV target (tests/http/nginx_dav.sh): `sluice upload`
# at several concurrencies vs curl -T in a loop and curl -T with xargs -P 4. Then the cache-tier
# offload figures (tests/http/cache_case.sh vod_offload and live_fresh). Results in bench/UPLOAD.md.
#   bench/upload.sh [BUILD_DIR] [RUNS]     (SLUICE_ORIGIN_BIN: a sluice with `serve`)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$root/build}
runs=${2:-3}
bin=$build/sluice
work=$(mktemp -d /tmp/sluice-bench-upload.XXXXXX)
source "$root/tests/http/nginx_dav.sh"
trap 'dav_stop "$work/dav"; rm -rf "$work"' EXIT

"$bin" segment "$root/sample-media/sample.mp4" "$work/pkg" --quiet --target-duration 1
files=$(ls "$work/pkg" | wc -l)
bytes=$(du -sb "$work/pkg" | cut -f1)
echo "package: $files files, $((bytes / 1000)) kB"
dav_start "$work/dav"
base="http://127.0.0.1:$DAV_PORT"

# best of RUNS wall-clock seconds of a command (the target is emptied before each run)
best() {
    local b=999 t0 t1 t
    for _ in $(seq "$runs"); do
        rm -rf "$work/dav/root/x"
        t0=$(date +%s.%N)
        "$@" >/dev/null 2>&1
        t1=$(date +%s.%N)
        t=$(echo "$t1 - $t0" | bc -l)
        b=$(echo "if ($t < $b) $t else $b" | bc -l)
    done
    printf '%-34s %7.3f s  %7.1f MB/s  %6.0f files/s\n' "$label" "$b" \
        "$(echo "$bytes / $b / 1000000" | bc -l)" "$(echo "$files / $b" | bc -l)"
}

curl_loop() {
    for f in "$work/pkg"/*; do
        curl -sf -T "$f" "$base/x/$(basename "$f")" -o /dev/null
    done
}
curl_par() {
    ls "$work/pkg" | xargs -P 4 -I{} curl -sf -T "$work/pkg/{}" "$base/x/{}" -o /dev/null
}
for c in 1 4 8; do
    label="sluice upload --upload-concurrency $c"
    best "$bin" upload "$work/pkg" "$base/x" --quiet --upload-concurrency "$c"
done
label="curl -T loop"
best curl_loop
label="curl -T, xargs -P 4"
best curl_par
cmp -s "$work/pkg/index.m3u8" "$work/dav/root/x/index.m3u8" && echo "(last run verified)"

if [[ -n ${SLUICE_ORIGIN_BIN:-} ]]; then
    for c in vod_offload live_fresh; do
        SLUICE_BIN=$bin SLUICE_TEST_MEDIA=$root/sample-media SLUICE_WORK=$work/cache_$c \
            SLUICE_SRC=$root bash "$root/tests/http/cache_case.sh" "$c" | grep -E '^\{|^  '
    done
fi
