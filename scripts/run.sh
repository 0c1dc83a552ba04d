#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Set up, then run sluice's main job on its embedded default: for now, segment the sample clip
# into sample-media/out/sample/ (index.m3u8 is the entry point). Once `sluice serve` exists, the
# last line becomes: exec build/sluice serve
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh

build/sluice segment sample-media/sample.mp4 sample-media/out/sample && echo "run: playlist at $PWD/sample-media/out/sample/index.m3u8 (try: ffplay $PWD/sample-media/out/sample/index.m3u8)"
