#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Inputs for the segmenter unit tests (transcoder, codec strings), made with the ffmpeg CLI
# from lavfi test sources, plus codec-strings.txt: the RFC 6381 string each file should
# give, derived independently of our parser from FFmpeg's trace_headers bitstream filter
# (H.264/HEVC parameter sets) and ffprobe (AAC profile). Idempotent.
set -euo pipefail

out=${1:?usage: gen-media.sh OUTDIR}
mkdir -p "$out"
cd "$out"

ff() { ffmpeg -hide_banner -loglevel error -nostdin -y "$@"; }

# make NAME ARGS...: write to a temporary name, rename when complete.
make() {
    local name=$1
    shift
    [[ -s $name ]] && return 0
    ff "$@" ".tmp.$$.$name"
    mv ".tmp.$$.$name" "$name"
}

V="-f lavfi -i testsrc2=size=320x240:rate=25:duration=5"
A="-f lavfi -i sine=frequency=440:beep_factor=4:duration=5:sample_rate=48000"

# Transcoder inputs: 5 s each, so a 2 s keyframe interval has boundaries at 2 s and 4 s.
# shellcheck disable=SC2086
{
    make vp9_opus.mkv $V $A -c:v libvpx-vp9 -deadline realtime -cpu-used 8 -b:v 300k -g 50 \
        -c:a libopus -ac 2 -f matroska
    make mpeg2_mp2.ts $V -f lavfi -i sine=frequency=440:duration=5:sample_rate=44100 \
        -c:v mpeg2video -bf 2 -g 12 -c:a mp2 -ac 2 -f mpegts
    make hevc_ac3.mp4 -f lavfi -i testsrc2=size=320x240:rate=30:duration=5 $A \
        -c:v libx265 -preset ultrafast -x265-params log-level=none -pix_fmt yuv420p \
        -af aformat=channel_layouts=5.1 -c:a ac3 -f mp4
    make flac_quad.mka -f lavfi -i sine=frequency=440:duration=5:sample_rate=50000 \
        -af aformat=channel_layouts=quad -c:a flac -f matroska
    make h264_422_pcm.mkv -f lavfi -i testsrc2=size=320x240:rate=24:duration=5 \
        -f lavfi -i sine=frequency=440:duration=5:sample_rate=8000 -c:v libx264 \
        -preset ultrafast -pix_fmt yuv422p -c:a pcm_s16le -ac 1 -f matroska
    # Variable frame rate MPEG-4 part 2: every frame for 1.3 s, then every seventh one, so
    # the first frames at or after 2 s and 4 s are at 2.1 s and 4.2 s.
    make vfr_mpeg4.mkv -f lavfi -i testsrc2=size=320x240:rate=30:duration=5 \
        -vf "select='lt(n\,40)+not(mod(n\,7))'" -fps_mode vfr -c:v mpeg4 -f matroska
}

# Codec-string inputs.
# shellcheck disable=SC2086
{
    # veryfast, not ultrafast: x264's profile is a ceiling, and ultrafast's features fit
    # Constrained Baseline whatever profile is asked for.
    make avc_base30.ts $V -c:v libx264 -preset veryfast -profile:v baseline -level 3.0 \
        -pix_fmt yuv420p -f mpegts
    make avc_main40.mp4 $V -c:v libx264 -preset veryfast -profile:v main -level 4.0 \
        -pix_fmt yuv420p -f mp4
    make avc_high31.ts $V -c:v libx264 -preset veryfast -profile:v high -level 3.1 \
        -pix_fmt yuv420p -f mpegts
    make avc_high31.mp4 -i avc_high31.ts -c copy -f mp4
    make avc_high10.mp4 $V -c:v libx264 -preset veryfast -pix_fmt yuv420p10le -f mp4
    make hevc_main.mp4 $V -c:v libx265 -preset ultrafast -x265-params log-level=none \
        -pix_fmt yuv420p -f mp4
    make hevc_main10.ts $V -c:v libx265 -preset ultrafast -x265-params log-level=none \
        -pix_fmt yuv420p10le -f mpegts
    make aac_lc.m4a $A -c:a aac -f mp4
    make aac_lc.ts $A -c:a aac -f mpegts
    make mp3.ts $A -c:a libmp3lame -f mpegts
    make ac3.ts $A -c:a ac3 -f mpegts
    make eac3.ts $A -c:a eac3 -f mpegts
}

# Fields of the first parameter set, as FFmpeg's CBS parser (not ours) reads them.
trace() {
    ffmpeg -hide_banner -nostdin -i "$1" -map 0:v:0 -c copy -bsf:v trace_headers -frames:v 1 \
        -f null - 2>&1
}

h264_expect() {
    trace "$1" | awk '
        $5 == "profile_idc" && p == "" { p = $NF }
        $5 ~ /^constraint_set[0-5]_flag$/ { n = substr($5, 15, 1); if (!(n in c)) c[n] = $NF }
        $5 == "level_idc" { l = $NF; exit }
        END { b = 0; for (i = 0; i < 6; i++) b += c[i] * 2 ^ (7 - i)
              printf "avc1.%02x%02x%02x\n", p, b, l }'
}

# Byte 0 of the constraint flags; the other 40 bits are reserved zero in Main/Main 10.
hevc_expect() {
    trace "$1" | awk '
        $5 == "general_profile_space" { s = $NF }
        $5 == "general_tier_flag" { t = $NF }
        $5 == "general_profile_idc" { p = $NF }
        $5 ~ /^general_profile_compatibility_flag\[/ {
            j = $5; gsub(/[^0-9]/, "", j); compat += $NF * 2 ^ j }
        $5 == "general_progressive_source_flag" { c += $NF * 128 }
        $5 == "general_interlaced_source_flag" { c += $NF * 64 }
        $5 == "general_non_packed_constraint_flag" { c += $NF * 32 }
        $5 == "general_frame_only_constraint_flag" { c += $NF * 16 }
        $5 == "general_level_idc" { l = $NF; exit }
        END { sp = substr("ABC", s, s > 0 ? 1 : 0)
              printf "hvc1.%s%d.%X.%s%d", sp, p, compat, t ? "H" : "L", l
              if (c) printf ".%X", c
              printf "\n" }'
}

aac_expect() {
    local profile
    profile=$(ffprobe -v error -select_streams a:0 -show_entries stream=profile \
        -of default=nw=1:nk=1 "$1")
    case ${profile%%$'\n'*} in
    LC) echo mp4a.40.2 ;;
    HE-AAC) echo mp4a.40.5 ;;
    HE-AACv2) echo mp4a.40.29 ;;
    *) echo unknown ;;
    esac
}

tmp=".tmp.$$.codec-strings.txt"
{
    for f in avc_base30.ts avc_main40.mp4 avc_high31.ts avc_high31.mp4 avc_high10.mp4; do
        echo "$f v $(h264_expect "$f")"
    done
    for f in hevc_main.mp4 hevc_main10.ts; do
        echo "$f v $(hevc_expect "$f")"
    done
    for f in aac_lc.m4a aac_lc.ts; do
        echo "$f a $(aac_expect "$f")"
    done
    echo "mp3.ts a mp4a.40.34"
    echo "ac3.ts a ac-3"
    echo "eac3.ts a ec-3"
} >"$tmp"
mv "$tmp" codec-strings.txt
