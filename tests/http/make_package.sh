#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make_package.sh INPUT OUTDIR: the HLS package the HTTP and browser tests serve:
# OUTDIR/index.m3u8 (multivariant) + stream.m3u8 + seg*.ts.
# Made by `sluice segment` (SLUICE_BIN).
set -euo pipefail
in=${1:?usage: make_package.sh INPUT OUTDIR}
out=${2:?usage: make_package.sh INPUT OUTDIR}
rm -rf "$out"
mkdir -p "$out"
"${SLUICE_BIN:?}" segment --quiet "$in" "$out"
