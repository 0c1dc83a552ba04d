#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# One integration case of `sluice segment`: runs the real binary on generated media and checks
# the package with independent tools (tests/tools/check_hls.mjs: m3u8-parser, ffprobe, ffmpeg).
#
#   segment_case.sh CASE
# Environment (set by tests/integration/CMakeLists.txt):
#   SLUICE_BIN         the sluice executable
#   SLUICE_TEST_MEDIA  the clips from sample-media/make-samples.sh --tests
#   SLUICE_WORK        a scratch folder for this case (emptied first)
#   SLUICE_SRC         the source tree
# Exit status: 0 pass, 1 fail, 77 skipped (CTest SKIP_RETURN_CODE).
set -uo pipefail

case_name=${1:?usage: segment_case.sh CASE}
bin=${SLUICE_BIN:?}
media=${SLUICE_TEST_MEDIA:?}
work=${SLUICE_WORK:?}
src=${SLUICE_SRC:?}
checker=$src/tests/tools/check_hls.mjs
self=$(readlink -f "$0")
SKIP=77
failed=0
rc=0

# Run `sluice segment ARGS...`; sets rc, leaves stdout/stderr in $work/{stdout,stderr}.
seg() {
    echo "+ sluice segment $*"
    timeout -k 10 600 "$bin" segment "$@" </dev/null >"$work/stdout" 2>"$work/stderr"
    rc=$?
    echo "  exit $rc"
    sed 's/^/  stderr: /' "$work/stderr" | head -20
}

bad() {
    echo "FAIL $*"
    failed=1
}

# check OUTDIR [check_hls options...]
check() {
    echo "+ check_hls $*"
    node "$checker" "$@" || bad "check_hls rejected the package in $1"
}

expect_ok() {
    if [[ $rc -ne 0 ]]; then
        bad "exit code $rc, want 0"
    fi
    if grep -q '^sluice: error:' "$work/stderr"; then
        bad "an error line on stderr of a successful run"
    fi
}

# No half-written playlist: each of index.m3u8 and stream.m3u8 is absent or complete and valid.
no_half_playlist() {
    local out=$1 f
    for f in index.m3u8 stream.m3u8; do
        if [[ -e $out/$f ]]; then
            echo "  $f exists after the failure: it must be a complete, valid playlist"
            check "$out" --entry "$f"
        fi
    done
}

# expect_error CODE CAUSE_REGEX OBJECT OUTDIR: the failure contract of the CLI.
expect_error() {
    local code=$1 cause=$2 object=$3 out=$4 lines
    if [[ $rc -ge 128 ]]; then
        bad "exit code $rc: killed by a signal (crash?)"
    elif [[ $rc -ne $code ]]; then
        bad "exit code $rc, want $code"
    fi
    lines=$(grep -c '' "$work/stderr")
    if [[ $lines -ne 1 ]]; then
        bad "stderr has $lines lines, want exactly one"
    fi
    if ! head -n 1 "$work/stderr" | grep -q '^sluice: error: '; then
        bad "stderr does not start with 'sluice: error: '"
    fi
    if ! grep -Eiq -- "$cause" "$work/stderr"; then
        bad "the error line does not name the cause (/$cause/i)"
    fi
    if [[ -n $object ]] && ! grep -Fq -- "$object" "$work/stderr"; then
        bad "the error line does not name '$object'"
    fi
    no_half_playlist "$out"
}

m=$media
o=$work/out
mv_check=(--multivariant --uri-regex '^seg[0-9]{5}\.ts$')

# The input file of a plain case.
find_input() {
    case $1 in
    input_ts) echo "$m/input.ts" ;;
    wrap_ts) echo "$m/wrap.ts" ;;
    *) echo "$m/$1.mp4" ;;
    esac
}

# Cases that must succeed: the input shapes of issue 2 and each option.
run_good_case() {
    case $1 in
    sample)
        seg "$m/sample.mp4" "$o"
        expect_ok
        check "$o" --input "$m/sample.mp4" "${mv_check[@]}" --target-duration 6 \
            --extinf 6,6,6,6,6
        if ! grep -qx 'stream.m3u8' "$o/index.m3u8" 2>/dev/null; then
            bad "index.m3u8 does not reference stream.m3u8"
        fi
        ;;
    bframes | video2997 | input_ts | wrap_ts)
        local in
        in=$(find_input "$1")
        seg "$in" "$o"
        expect_ok
        check "$o" --input "$in" "${mv_check[@]}"
        ;;
    longgop)
        seg "$m/longgop.mp4" "$o"
        expect_ok
        check "$o" --input "$m/longgop.mp4" "${mv_check[@]}" --target-duration 10 --extinf 10,10,5
        ;;
    audio)
        seg "$m/audio.m4a" "$o"
        expect_ok
        check "$o" --input "$m/audio.m4a" "${mv_check[@]}" --segments 4 --extinf '6,6,6,*'
        ;;
    transcode_vp9opus)
        seg "$m/vp9opus.mkv" "$o"
        expect_ok
        check "$o" --input "$m/vp9opus.mkv" "${mv_check[@]}" --codecs h264,aac
        ;;
    transcode_mpeg2)
        seg "$m/mpeg2.ts" "$o"
        expect_ok
        check "$o" --input "$m/mpeg2.ts" "${mv_check[@]}" --codecs h264,aac
        ;;
    target_duration_2)
        seg "$m/sample.mp4" "$o" --target-duration 2
        expect_ok
        check "$o" --input "$m/sample.mp4" "${mv_check[@]}" --target-duration 2 --segments 15
        ;;
    base_url)
        seg "$m/sample.mp4" "$o" --base-url https://cdn.example/x/
        expect_ok
        check "$o" --input "$m/sample.mp4" --multivariant --base-url https://cdn.example/x/ \
            --uri-regex '^seg[0-9]{5}\.ts$'
        ;;
    segment_template)
        seg "$m/sample.mp4" "$o" --segment-template 'part-%03d.ts'
        expect_ok
        check "$o" --input "$m/sample.mp4" --multivariant --uri-regex '^part-[0-9]{3}\.ts$'
        [[ -s $o/part-000.ts ]] || bad "part-000.ts missing"
        ;;
    playlist_type_event)
        seg "$m/sample.mp4" "$o" --playlist-type event
        expect_ok
        check "$o" --input "$m/sample.mp4" "${mv_check[@]}" --playlist-type EVENT
        ;;
    jump_ts)
        # A timestamp jump mid-stream (encoder restart): the output timeline stays continuous,
        # the segment after the break carries the one EXT-X-DISCONTINUITY, durations stay true
        # (2 x 7 s of media; the input's own duration spans the 5000 s jump, so no --input).
        seg "$m/jump.ts" "$o"
        expect_ok
        check "$o" "${mv_check[@]}"
        if [[ $(grep -c '^#EXT-X-DISCONTINUITY$' "$o/stream.m3u8") -ne 1 ]]; then
            bad "want exactly one EXT-X-DISCONTINUITY in $o/stream.m3u8"
        fi
        if ! awk -F'[:,]' '/^#EXTINF/ { s += $2 } END { exit !(s > 13.9 && s < 14.1) }' \
            "$o/stream.m3u8"; then
            bad "EXTINF sum is not the 14 s of media"
        fi
        ;;
    corrupt_ts)
        # Corruption mid-stream: skipped with warnings, not fatal; the package stays valid
        # (the decoder may still complain about the damaged frames themselves).
        seg "$m/corrupt.ts" "$o"
        expect_ok
        check "$o" --input "$m/corrupt.ts" "${mv_check[@]}" --allow-decode-errors
        ;;
    rerun_existing)
        # An OUTDIR left by an earlier run (other options, more segments) and a stale index.
        seg "$m/sample.mp4" "$o" --target-duration 2
        expect_ok
        printf '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nold.m3u8\n' >"$o/index.m3u8"
        seg "$m/sample.mp4" "$o"
        expect_ok
        check "$o" --input "$m/sample.mp4" "${mv_check[@]}" --segments 5
        ;;
    multiaudio | multiaudio_mkv | multiaudio_base_url | transcode_multiopus)
        run_multiaudio_case "$1"
        ;;
    multiaudio_short)
        # an extra track that ends long before the video: left out, said in one warning
        seg "$m/shortaudio.mp4" "$o"
        expect_ok
        check "$o" --input "$m/shortaudio.mp4" "${mv_check[@]}" --audio-renditions 0
        grep -q '^sluice: warning: .*audio stream 2 .* left out' "$work/stderr" ||
            bad "no warning about the short audio track"
        [[ ! -e $o/audio_1 ]] || bad "audio_1 written for a track that stops early"
        ;;
    *) known=0 ;;
    esac
}

# probe_audio FILE: "codec,channels,language" of the one audio stream of a TS segment.
probe_audio() {
    ffprobe -v error -select_streams a -show_entries stream=codec_name,channels:stream_tags=language \
        -of csv=p=0 "$1" | tail -n 1 # (the last: the stream itself, with its tags)
}

# Alternate audio renditions (issue 5): the extra tracks in audio_<k>/, cut where the video
# is, each segment audio-only with the track's codec and language (check_hls follows the
# EXT-X-MEDIA URIs and compares them with the main rendition).
run_multiaudio_case() {
    local in=$m/multiaudio.mp4 want='en,fr,de' n=3 seg_ext=aac,2,fra
    case $1 in
    multiaudio_mkv) in=$m/multiaudio.mkv want='en,fr,' ;;
    transcode_multiopus) in=$m/multiopus.mkv want='en,' n=2 seg_ext=aac,1 ;;
    esac
    if [[ $1 == multiaudio_base_url ]]; then
        seg "$in" "$o" --base-url https://cdn.example/x/
        expect_ok
        check "$o" --input "$in" --multivariant --base-url https://cdn.example/x/ \
            --audio-renditions "$n" --languages "$want"
        grep -q '^https://cdn.example/x/audio_2/seg00000.ts$' "$o/audio_2/stream.m3u8" ||
            bad "audio_2/stream.m3u8 URIs lack the base URL and folder"
        return
    fi
    seg "$in" "$o"
    expect_ok
    check "$o" --input "$in" "${mv_check[@]}" --audio-renditions "$n" --languages "$want"
    [[ $(probe_audio "$o/audio_1/seg00001.ts") == "$seg_ext" ]] ||
        bad "audio_1/seg00001.ts: audio '$(probe_audio "$o/audio_1/seg00001.ts")', want '$seg_ext'"
    [[ $(grep -c '^#EXT-X-MEDIA:TYPE=AUDIO' "$o/index.m3u8") -eq $n ]] ||
        bad "index.m3u8 lists $(grep -c '^#EXT-X-MEDIA' "$o/index.m3u8") audio renditions, want $n"
    [[ $(grep -c 'DEFAULT=YES' "$o/index.m3u8") -eq 1 ]] || bad "want exactly one DEFAULT=YES"
    if [[ $1 == multiaudio ]]; then
        [[ $(probe_audio "$o/audio_2/seg00000.ts") == aac,1,deu ]] ||
            bad "audio_2: audio '$(probe_audio "$o/audio_2/seg00000.ts")', want aac,1,deu"
        [[ $(probe_audio "$o/seg00000.ts") == aac,2,eng ]] ||
            bad "main rendition: audio '$(probe_audio "$o/seg00000.ts")', want aac,2,eng"
    fi
    if [[ $1 == transcode_multiopus ]]; then
        [[ ! -e $o/audio_2 ]] || bad "audio_2 exists for a two-track input"
    fi
}

# Cases that must fail cleanly: exit code, one error line naming the cause, no torn playlist.
run_bad_case() {
    case $1 in
    copy_only_vp9)
        seg "$m/vp9opus.mkv" "$o" --copy-only
        expect_error 3 'vp9' '' "$o"
        ;;
    missing_input)
        seg "$work/nope.mp4" "$o"
        expect_error 3 'no such file|not found|does not exist|missing' 'nope.mp4' "$o"
        ;;
    empty_input)
        seg "$m/empty.mp4" "$o"
        expect_error 3 'empty|invalid|no (media|streams)|not (a )?media|unrecognized|unknown|end of file' \
            'empty.mp4' "$o"
        ;;
    notmedia_input)
        seg "$m/notmedia.mp4" "$o"
        expect_error 3 'invalid|not (a )?media|unrecognized|unknown|no (media|streams)|format' \
            'notmedia.mp4' "$o"
        ;;
    truncated_input)
        seg "$m/truncated.mp4" "$o"
        expect_error 3 'invalid|truncated|moov|corrupt|incomplete|end of file|no (media|streams)' \
            'truncated.mp4' "$o"
        ;;
    directory_input)
        mkdir -p "$work/dir.mp4"
        seg "$work/dir.mp4" "$o"
        expect_error 3 'directory|not a (regular )?file' 'dir.mp4' "$o"
        ;;
    outdir_under_file)
        # Root ignores permission bits, so make OUTDIR impossible: its parent is a regular file.
        : >"$work/file"
        seg "$m/sample.mp4" "$work/file/out"
        expect_error 4 'not a directory|cannot create|permission|unwritable|read-only' \
            "$work/file" "$work/file/out"
        ;;
    outdir_is_file)
        : >"$work/outfile"
        seg "$m/sample.mp4" "$work/outfile"
        expect_error 4 'not a directory|exists|cannot create|unwritable' 'outfile' "$work/outfile"
        [[ -f $work/outfile && ! -s $work/outfile ]] || bad "OUTDIR file was modified"
        ;;
    usage)
        local args
        for args in "" "$m/sample.mp4" "$m/sample.mp4 $o --no-such-option" \
            "$m/sample.mp4 $o --target-duration 0" "$m/sample.mp4 $o --target-duration abc" \
            "$m/sample.mp4 $o --playlist-type live2"; do
            # shellcheck disable=SC2086 # split on purpose
            seg $args
            [[ $rc -eq 2 ]] || bad "'sluice segment $args': exit $rc, want 2 (usage)"
        done
        [[ ! -e $o/index.m3u8 ]] || bad "a usage error wrote $o/index.m3u8"
        ;;
    *) known=0 ;;
    esac
}

# A full disk: a 1 MiB tmpfs in a private mount namespace (vanishes with the process). Skips
# when this machine allows no mount namespace.
disk_full() {
    if [[ ${SLUICE_IN_NS:-} == 1 ]]; then
        mkdir -p "$work/mnt"
        mount -t tmpfs -o size=1m sluice-full "$work/mnt" || exit "$SKIP"
        seg "$m/sample.mp4" "$work/mnt/out"
        expect_error 4 'no space|space left|disk full|full' '' "$work/mnt/out"
        return
    fi
    mkdir -p "$work/mnt"
    local how
    for how in "-m --propagation private" "-r -m --propagation private"; do
        # shellcheck disable=SC2086 # options split on purpose
        if unshare $how true 2>/dev/null; then
            # shellcheck disable=SC2086
            SLUICE_IN_NS=1 unshare $how bash "$self" disk_full
            exit $?
        fi
    done
    echo "SKIP: no mount namespace here (unshare -m and unshare -rm both refused)"
    exit "$SKIP"
}

# SIGINT while transcoding: exit 130 and no torn playlist (skips if it finished first).
interrupted() {
    echo "+ sluice segment $m/vp9opus.mkv $o (SIGINT after 0.3 s)"
    timeout --preserve-status -s INT 0.3 "$bin" segment "$m/vp9opus.mkv" "$o" </dev/null >"$work/stdout" \
        2>"$work/stderr"
    rc=$?
    echo "  exit $rc"
    if [[ $rc -eq 0 ]]; then
        echo "SKIP: finished before the signal"
        exit "$SKIP"
    fi
    [[ $rc -eq 130 ]] || bad "exit code $rc after SIGINT, want 130"
    no_half_playlist "$o"
}

rm -rf "$work"
mkdir -p "$work"
cd "$work" || exit 1
known=1
case $case_name in
disk_full) disk_full ;;
interrupted) interrupted ;;
*)
    run_good_case "$case_name"
    if [[ $known -eq 0 ]]; then
        known=1
        run_bad_case "$case_name"
    fi
    ;;
esac
if [[ $known -eq 0 ]]; then
    echo "segment_case.sh: unknown case '$case_name'" >&2
    exit 1
fi
if [[ $failed -ne 0 ]]; then
    echo "segment_$case_name: FAILED"
    exit 1
fi
echo "segment_$case_name: ok"
