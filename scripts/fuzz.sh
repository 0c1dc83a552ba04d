#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Open-ended fuzzing: run each libFuzzer target (or the ones named) for MINUTES minutes with a
# fresh seed, on a corpus that persists in build/fuzz-long/<target>/ between runs. The ctest
# fuzz tests replay a fixed seed (tests/fuzz/run_fuzz.cmake) so that CI stays reproducible;
# this is where new bugs are looked for. Stops at the first crash and prints its reproducer:
# fix the bug, copy the reproducer into tests/fuzz/corpus/<corpus>/ with a name that says what
# it caught, and add a unit test.
#   bash scripts/fuzz.sh [MINUTES] [fuzz_m3u8 fuzz_path fuzz_http_headers fuzz_ts_watch ...]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

minutes=${1:-10}
shift || true
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
    targets=(fuzz_m3u8 fuzz_path fuzz_http_headers fuzz_ts_watch)
fi
[[ -d build ]] || bash scripts/setup.sh </dev/null
cmake --build build -j"$(nproc)" --target "${targets[@]}"

for t in "${targets[@]}"; do
    case $t in
    fuzz_m3u8) corpus=m3u8 args=(-dict=tests/fuzz/m3u8.dict -max_len=4096) ;;
    fuzz_path) corpus=path args=() ;;
    fuzz_http_headers) corpus=http_headers args=() ;;
    fuzz_ts_watch) corpus=ts_watch args=() ;;
    *)
        echo "fuzz: unknown target $t" >&2
        exit 2
        ;;
    esac
    work=build/fuzz-long/$t
    mkdir -p "$work/corpus" "$work/artifacts"
    cp -n tests/fuzz/corpus/$corpus/* "$work/corpus/"
    echo "fuzz: $t for $minutes min, corpus $work/corpus"
    if ! "build/tests/fuzz/$t" -seed=0 -max_total_time=$((minutes * 60)) -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$work/artifacts/" \
        "${args[@]}" "$work/corpus" >"$work/log" 2>&1; then
        tail -n 40 "$work/log"
        echo "fuzz: $t failed; reproducer in $work/artifacts/, log $work/log" >&2
        exit 1
    fi
    grep -E '^stat::number_of_executed_units' "$work/log" | sed "s/^/fuzz: $t /"
done
echo "fuzz: no crash"
