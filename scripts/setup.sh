#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Set up a fresh Debian 12 machine (as root) to build, run and test sluice. Idempotent and quiet
# when everything is already in place; prints one line per step it actually performs.
#
#   bash scripts/setup.sh           packages, npm modules, sample clip, build/ (build/sluice)
#   bash scripts/setup.sh --asan    the same plus build-asan/ (ASan + UBSan)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

asan=0
for arg in "$@"; do
    case $arg in
    --asan) asan=1 ;;
    -h | --help)
        sed -n '3,8p' "$0"
        exit 0
        ;;
    *)
        echo "setup: unknown argument '$arg' (try --help)" >&2
        exit 2
        ;;
    esac
done

say() { echo "setup: $*"; }

# Debian packages: build tools, FFmpeg 5.1 and libmicrohttpd 0.9.75 dev files, clang (fuzz and
# LeakSanitizer runtime), the media tools tests use, Chromium for browser tests, nginx, wrk,
# hyperfine and GNU time for the benchmarks.
packages=(
    build-essential cmake pkg-config clang libclang-rt-14-dev clang-format
    ffmpeg libavformat-dev libavcodec-dev libavutil-dev libswscale-dev libswresample-dev
    libavfilter-dev libavdevice-dev libmicrohttpd-dev libcurl4-openssl-dev libssl-dev varnish
    chromium nginx-light wrk hyperfine time
)

install_packages() {
    local missing=() p
    for p in "${packages[@]}"; do
        if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
            missing+=("$p")
        fi
    done
    # Node.js may come from elsewhere than Debian (then it brings its own npm, and Debian's npm
    # package would conflict): ask for Debian's only when the commands are missing.
    command -v node >/dev/null || missing+=(nodejs)
    command -v npm >/dev/null || missing+=(npm)
    [[ ${#missing[@]} -eq 0 ]] && return 0

    local sudo=()
    if [[ $(id -u) -ne 0 ]]; then
        command -v sudo >/dev/null || {
            echo "setup: need root to install: ${missing[*]}" >&2
            exit 1
        }
        sudo=(sudo)
    fi
    say "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
}

# node_modules from package-lock.json: hls.js (player page), m3u8-parser and playwright-core
# (tests). Scripts are ignored: nothing may download a browser or a binary.
install_node_modules() {
    local stamp=node_modules/.package-lock.json
    if [[ -f $stamp && ! package-lock.json -nt $stamp && ! package.json -nt $stamp ]]; then
        return 0
    fi
    say "npm ci"
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null
}

make_sample() {
    [[ -s sample-media/sample.mp4 ]] && return 0
    say "generating sample-media/sample.mp4"
    bash sample-media/make-samples.sh sample-media >/dev/null
}

# build DIR [cmake options...]: configure once, then an incremental build; the log is shown
# only when the build fails.
build() {
    local dir=$1
    shift
    if [[ ! -f $dir/CMakeCache.txt || ! -f $dir/Makefile ]]; then
        say "configuring $dir/"
        cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
    fi
    if ! cmake --build "$dir" -j"$(nproc)" >"$dir/build.log" 2>&1; then
        tail -n 60 "$dir/build.log" >&2
        echo "setup: build of $dir/ failed (full log: $dir/build.log)" >&2
        return 1
    fi
}

install_packages
install_node_modules
make_sample
build build
if [[ $asan -eq 1 ]]; then
    build build-asan -DSLUICE_SANITIZE=ON
fi
