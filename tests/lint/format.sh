#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# clang-format 14 with the repo's .clang-format, dry run, on every project .c/.h file
# (tests included; build trees and node_modules excluded). Skips (77) without clang-format 14.
#   format.sh SRC_DIR
set -uo pipefail
src=${1:?usage: format.sh SRC_DIR}
cd "$src" || exit 1

cf=
for c in clang-format-14 clang-format; do
    if command -v "$c" >/dev/null && "$c" --version | grep -q 'version 14\.'; then
        cf=$c
        break
    fi
done
if [[ -z $cf ]]; then
    echo "SKIP: clang-format 14 not found (scripts/setup.sh installs it)"
    exit 77
fi

mapfile -d '' files < <(find . \( -path './build*' -o -path ./node_modules -o -path ./.git \
    -o -path ./sample-media/out \) -prune -o -type f \( -name '*.c' -o -name '*.h' \) -print0 |
    sort -z)
if [[ ${#files[@]} -eq 0 ]]; then
    echo "format: no C files"
    exit 0
fi
if ! "$cf" --style=file --dry-run -Werror "${files[@]}"; then
    echo "FAIL: files above differ from .clang-format; fix with: $cf -i --style=file FILE..."
    exit 1
fi
echo "format: ${#files[@]} files clean"
