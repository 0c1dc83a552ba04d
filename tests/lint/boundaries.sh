#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Layer boundaries (STYLE.md "Layers"): dependencies point down, cli > origin > segmenter >
# playlists > common. FFmpeg's and libmicrohttpd's headers sit on the default include path, so
# CMake can't hide them: grep every #include per folder instead.
#   boundaries.sh SRC_DIR
set -uo pipefail
src=${1:?usage: boundaries.sh SRC_DIR}
cd "$src" || exit 1
status=0

# includes DIR: "file:line:#include <x>" for every include in DIR's .c/.h files.
includes() {
    [[ -d $1 ]] || return 0
    find "$1" -type f \( -name '*.c' -o -name '*.h' \) -print0 |
        xargs -0 -r grep -HnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]'
}

# forbid DIR REGEX WHY: no include in DIR may match REGEX.
forbid() {
    local hits
    hits=$(includes "$1" | grep -E "#[[:space:]]*include[[:space:]]*[<\"]($2)")
    if [[ -n $hits ]]; then
        echo "FAIL $1/ must not include $3:"
        printf '  %s\n' "$hits"
        status=1
    fi
}

# Headers a folder owns, as an alternation for grep: 'a\.h|b\.h'.
owned() {
    [[ -d $1 ]] || return 0
    find "$1" -maxdepth 1 -name '*.h' -printf '%f\n' | sed 's/\./\\./g' | paste -sd'|'
}

ffmpeg='libav(format|codec|util|filter|device)/|libsw(scale|resample)/|libpostproc/'
mhd='microhttpd\.h'
curl='curl/'

forbid common "$ffmpeg|$mhd|$curl" "third-party media/HTTP headers (common depends on nothing)"
forbid playlists "$ffmpeg|$mhd|$curl" "FFmpeg, libmicrohttpd or curl headers (libc only)"
forbid origin "$ffmpeg" "FFmpeg headers (origin knows HTTP, not FFmpeg)"
forbid segmenter "$mhd|$curl" "libmicrohttpd or curl headers (segmenter knows FFmpeg, not HTTP)"
# vod/ glues origin and segmenter through their FFmpeg-free headers only
forbid vod "$ffmpeg|$mhd" "FFmpeg or libmicrohttpd headers (vod/ uses slc_origin.h and slc_seg_vod.h)"
forbid store "$ffmpeg|$mhd|$curl" "FFmpeg, libmicrohttpd or curl headers (store is plain C)"
forbid upload "$ffmpeg|$mhd" "FFmpeg or libmicrohttpd headers (upload knows HTTP clients only)"
forbid origin "$curl" "curl headers (the origin serves; upload/ is the HTTP client)"

# Project headers: a layer includes only its own and those of layers below it.
layers=(common playlists segmenter store origin cli)
for ((i = 0; i < ${#layers[@]}; i++)); do
    above=()
    for ((j = i + 1; j < ${#layers[@]}; j++)); do
        h=$(owned "${layers[j]}")
        [[ -n $h ]] && above+=("$h")
    done
    if [[ ${#above[@]} -gt 0 ]]; then
        re=$(IFS='|'; echo "${above[*]}")
        forbid "${layers[i]}" "$re" "headers of a layer above it (${layers[*]:i+1})"
    fi
done

# upload/ sits beside segmenter/ and origin/: it uses common/ only, and only cli/ uses it.
others=()
for d in playlists segmenter origin cli; do
    h=$(owned "$d")
    [[ -n $h ]] && others+=("$h")
done
forbid upload "$(IFS='|'; echo "${others[*]}")" "headers of playlists/, segmenter/, origin/ or cli/"
h=$(owned upload)
for d in common playlists segmenter origin; do
    [[ -n $h ]] && forbid "$d" "$h" "upload/'s headers (only cli/ wires the uploader in)"
done

# origin/ may read segmenter/'s store interface, but only through headers free of FFmpeg types.
while IFS= read -r h; do
    if [[ -f segmenter/$h ]] && grep -qE "#[[:space:]]*include[[:space:]]*[<\"]($ffmpeg)" "segmenter/$h"; then
        echo "FAIL origin/ includes segmenter/$h, which includes FFmpeg headers"
        status=1
    fi
done < <(includes origin | sed -nE 's/.*#[[:space:]]*include[[:space:]]*"([^"]+)".*/\1/p' | sort -u)

# Link dependencies say the same: playlists and common link no FFmpeg/MHD/curl.
for d in common playlists; do
    if grep -nE 'PkgConfig::(FFMPEG|MHD)|CURL' "$d/CMakeLists.txt" 2>/dev/null; then
        echo "FAIL $d/CMakeLists.txt links FFmpeg, libmicrohttpd or curl"
        status=1
    fi
done
if grep -nE 'PkgConfig::(FFMPEG|MHD)' upload/CMakeLists.txt 2>/dev/null; then
    echo "FAIL upload/CMakeLists.txt links FFmpeg or libmicrohttpd"
    status=1
fi
if grep -nE 'PkgConfig::FFMPEG' origin/CMakeLists.txt 2>/dev/null; then
    echo "FAIL origin/CMakeLists.txt links FFmpeg"
    status=1
fi

[[ $status -eq 0 ]] && echo "boundaries: ok"
exit "$status"
