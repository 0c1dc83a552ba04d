#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Banned calls (STYLE.md, after curl): sprintf, vsprintf, strcpy, strcat, strtok, atoi, gets in
# the project's .c/.h files outside tests/. Comments and string literals are ignored.
#   banned_calls.sh SRC_DIR
set -uo pipefail
src=${1:?usage: banned_calls.sh SRC_DIR}
cd "$src" || exit 1

# Strip /* */ and // comments and "..." / '...' literals, keeping line numbers.
strip() {
    awk '
    {
        out = ""; i = 1; n = length($0)
        while (i <= n) {
            c = substr($0, i, 1); c2 = substr($0, i, 2)
            if (incomment) {
                if (c2 == "*/") { incomment = 0; i += 2 } else { i++ }
                continue
            }
            if (c2 == "/*") { incomment = 1; i += 2; continue }
            if (c2 == "//") { break }
            if (c == "\"" || c == "\047") {
                q = c; i++
                while (i <= n && substr($0, i, 1) != q) {
                    if (substr($0, i, 1) == "\\") { i++ }
                    i++
                }
                i++; out = out q q; continue
            }
            out = out c; i++
        }
        print out
    }' "$1"
}

status=0
while IFS= read -r -d '' f; do
    hits=$(strip "$f" | grep -nE '\b(sprintf|vsprintf|strcpy|strcat|strtok|atoi|gets)[[:space:]]*\(')
    if [[ -n $hits ]]; then
        while IFS= read -r h; do
            echo "FAIL ${f#./}:${h%%:*}: banned call: ${h#*:}"
        done <<<"$hits"
        status=1
    fi
done < <(find . \( -path ./tests -o -path './build*' -o -path ./node_modules -o -path ./.git \
    -o -path ./sample-media/out \) -prune -o -type f \( -name '*.c' -o -name '*.h' \) -print0)

[[ $status -eq 0 ]] && echo "banned calls: none"
exit "$status"
