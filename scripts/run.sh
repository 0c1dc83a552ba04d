#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Set up, then run sluice's main job on its embedded default: `sluice serve` with no options
# segments the sample clip (first run only), serves it on http://127.0.0.1:8080/ with the
# player page, and prints the player URL. Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh

exec build/sluice serve
