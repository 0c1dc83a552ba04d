#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Set up (with the sanitizer build), then run every test: all of them in build/, and all but the
# browser ones in build-asan/ (ASan + UBSan, leaks detected). Non-interactive: works with no TTY
# and no stdin (CI runs `bash .ci/run` with CI=true). Exits non-zero if either run fails.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1

if ! bash scripts/setup.sh --asan </dev/null; then
    echo "test: setup failed"
    echo "test: 0 passed, 1 failed"
    exit 1
fi

export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=suppressions=$PWD/tests/tools/lsan.supp:print_suppressions=0
export CTEST_OUTPUT_ON_FAILURE=1

passed=0
failed=0
summary=()

# run_ctest NAME ARGS...: run ctest, keep its log, add its counts to the totals.
run_ctest() {
    local name=$1 log rc total nfail nskip
    shift
    log=$(mktemp)
    echo "test: == $name: ctest $*"
    ctest "$@" </dev/null 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    total=$(sed -nE 's/.*tests failed out of ([0-9]+).*/\1/p' "$log" | tail -n 1)
    nfail=$(sed -nE 's/.* ([0-9]+) tests failed out of.*/\1/p' "$log" | tail -n 1)
    nskip=$(grep -cE '^[[:space:]]*[0-9]+ - .*\(Skipped\)' "$log")
    rm -f "$log"
    total=${total:-0}
    nfail=${nfail:-0}
    if [[ $rc -ne 0 && $nfail -eq 0 ]]; then
        nfail=1 # ctest itself failed (no tests configured, bad arguments, ...)
    fi
    passed=$((passed + total - nfail - nskip))
    failed=$((failed + nfail))
    summary+=("$name: $((total - nfail - nskip)) passed, $nfail failed, $nskip skipped (ctest exit $rc)")
}

run_ctest build --test-dir build --output-on-failure -j2
run_ctest build-asan --test-dir build-asan --output-on-failure -j2 -LE 'browser|bench|fuzz'

echo "test: ================ summary"
for s in "${summary[@]}"; do
    echo "test: $s"
done
echo "test: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
