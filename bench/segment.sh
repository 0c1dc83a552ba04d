#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Benchmark (not a test): `sluice segment` vs `ffmpeg -c copy -f hls -hls_time 6` vs plain `cat`
# (the I/O floor) on the 10-minute 720p H.264/AAC clip, in the same run, input in the page cache.
# Wall time with hyperfine (warmup 1, RUNS runs), peak RSS with GNU time (-f %M).
#
#   bash bench/segment.sh            RUNS=5 by default; results in bench/out/
#   RUNS=10 bash bench/segment.sh
#   BENCH_INPUT=/path/file.mp4 bash bench/segment.sh
# Targets (issue 2): sluice time <= 0.8x ffmpeg's, sluice peak RSS <= ffmpeg's.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD

runs=${RUNS:-5}
out=$root/bench/out
bash scripts/setup.sh
if [[ -z ${BENCH_INPUT:-} ]]; then
    echo "bench: making sample-media/bench720p.mp4 (once; a few minutes)"
    bash sample-media/make-samples.sh sample-media --bench >/dev/null
fi
in=${BENCH_INPUT:-$root/sample-media/bench720p.mp4}
mkdir -p "$out"
o1=$out/sluice
o2=$out/ffmpeg
o3=$out/cat

# The three commands, by name; each runs on a freshly emptied output folder.
names=(sluice ffmpeg cat)
cmds=(
    "$root/build/sluice segment --quiet '$in' '$o1'"
    "ffmpeg -nostdin -v error -y -i '$in' -c copy -f hls -hls_time 6 -hls_playlist_type vod '$o2/index.m3u8'"
    "cat '$in' > '$o3/x'"
)
prepare="rm -rf '$o1' '$o2' '$o3' && mkdir -p '$o2' '$o3'"

# Warm the page cache: the comparison is CPU and write path, not the input disk.
cat "$in" >/dev/null
cat "$in" >/dev/null

args=()
for i in "${!names[@]}"; do
    args+=(-n "${names[i]}" "${cmds[i]}")
done
hyperfine --style basic --warmup 1 --runs "$runs" --prepare "$prepare" \
    --export-json "$out/segment.json" --export-markdown "$out/segment-hyperfine.md" "${args[@]}"

# Peak RSS (KiB) of each command: the median of three runs.
for i in "${!names[@]}"; do
    for r in 1 2 3; do
        bash -c "$prepare"
        /usr/bin/time -f %M -o "$out/rss-${names[i]}.$r" bash -c "exec ${cmds[i]}"
    done
    sort -n "$out/rss-${names[i]}".[123] | sed -n 2p >"$out/rss-${names[i]}"
    rm -f "$out/rss-${names[i]}".[123]
done

node - "$out" "$in" "$runs" <<'JS' | tee "$out/segment-results.md"
const fs = require('fs');
const [out, input, runs] = process.argv.slice(2);
const res = JSON.parse(fs.readFileSync(`${out}/segment.json`, 'utf8')).results;
const t = Object.fromEntries(res.map((r) => [r.command, r]));
const rss = (n) => Number(fs.readFileSync(`${out}/rss-${n}`, 'utf8')) / 1024;
const row = (n) => `| ${n} | ${t[n].mean.toFixed(3)} ± ${t[n].stddev.toFixed(3)} | ${t[n].min.toFixed(3)} | ${rss(n).toFixed(1)} |`;
const ratio = (a, b) => (t[a].mean / t[b].mean).toFixed(2);
const date = new Date().toISOString().slice(0, 10);
console.log(`Input: ${input} (${(fs.statSync(input).size / 1048576).toFixed(1)} MiB), ${runs} runs, warm cache, ${date}\n`);
console.log('| command | mean wall s | min s | peak RSS MiB |');
console.log('| --- | --- | --- | --- |');
['sluice', 'ffmpeg', 'cat'].forEach((n) => console.log(row(n)));
console.log('\n| ratio | time | peak RSS |');
console.log('| --- | --- | --- |');
console.log(`| sluice / ffmpeg | ${ratio('sluice', 'ffmpeg')} (target <= 0.80) | ${(rss('sluice') / rss('ffmpeg')).toFixed(2)} (target <= 1.00) |`);
console.log(`| sluice / cat | ${ratio('sluice', 'cat')} | |`);
console.log(`| ffmpeg / cat | ${ratio('ffmpeg', 'cat')} | |`);
JS
echo "bench: results in $out/segment-results.md (hyperfine: segment.json, segment-hyperfine.md)"
