#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Make the sample clips that demos, tests and benchmarks use, from FFmpeg's lavfi test sources,
# so that nothing depends on files from the internet. Idempotent: existing files are kept.
#
#   make-samples.sh OUTDIR            the demo clip: OUTDIR/sample.mp4
#   make-samples.sh OUTDIR --tests    also the shapes the test suite needs
#   make-samples.sh OUTDIR --bench    also the 10-minute 720p benchmark file
set -euo pipefail

out=${1:?usage: make-samples.sh OUTDIR [--tests|--bench]}
mode=${2:-}
mkdir -p "$out"

ff() { ffmpeg -hide_banner -loglevel error -nostdin -y "$@"; }

# make NAME ARGS...: run ffmpeg into a temporary name, rename when complete.
make() {
    local name=$1
    shift
    [[ -s $out/$name ]] && return 0
    local tmp="$out/.tmp.$$.${name}"
    ff "$@" "$tmp"
    mv "$tmp" "$out/$name"
}

video() { # DURATION SIZE RATE
    echo "-f lavfi -i testsrc2=duration=$1:size=$2:rate=$3"
}
audio() { # DURATION [RATE]
    echo "-f lavfi -i sine=frequency=440:beep_factor=4:duration=$1:sample_rate=${2:-48000}"
}

# The demo clip: 30 s 640x360 H.264 High (B-frames, 2 s GOP) + AAC-LC stereo 48 kHz.
# shellcheck disable=SC2046
make sample.mp4 $(video 30 640x360 30) $(audio 30) -ac 2 \
    -c:v libx264 -preset veryfast -profile:v high -g 60 -keyint_min 60 -sc_threshold 0 -bf 2 \
    -pix_fmt yuv420p -c:a aac -b:a 128k -movflags +faststart -f mp4

if [[ $mode == --tests ]]; then
    # shellcheck disable=SC2046
    {
        # B-frames, 1 s GOP, 25 fps
        make bframes.mp4 $(video 20 320x240 25) $(audio 20 44100) -c:v libx264 -preset ultrafast \
            -bf 3 -g 25 -pix_fmt yuv420p -c:a aac -f mp4
        # A GOP (10 s) longer than the 6 s target
        make longgop.mp4 $(video 25 320x240 25) $(audio 25) -c:v libx264 -preset ultrafast \
            -g 250 -keyint_min 250 -sc_threshold 0 -pix_fmt yuv420p -c:a aac -f mp4
        # Audio only
        make audio.m4a $(audio 20) -c:a aac -f mp4
        # Video only, 29.97 fps
        make video2997.mp4 -f lavfi -i testsrc2=duration=20:size=320x240:rate=30000/1001 \
            -c:v libx264 -preset ultrafast -g 30 -pix_fmt yuv420p -f mp4
        # MPEG-TS input
        make input.ts $(video 20 320x240 25) $(audio 20) -c:v libx264 -preset ultrafast -g 50 \
            -pix_fmt yuv420p -c:a aac -f mpegts
        # Needs transcoding: VP9 + Opus in Matroska
        make vp9opus.mkv $(video 8 320x240 25) $(audio 8) -c:v libvpx-vp9 -deadline realtime \
            -cpu-used 8 -b:v 300k -g 50 -c:a libopus -f matroska
        # MPEG-2 video + MP2 audio (transcode) in TS
        make mpeg2.ts $(video 8 320x240 25) $(audio 8) -c:v mpeg2video -g 12 -c:a mp2 -f mpegts
    }
    # Three audio tracks (alternate renditions): eng 440 Hz stereo, fra 660 Hz stereo, deu
    # 880 Hz mono, each beeping so a listener (or a test) tells them apart; H.264 with B-frames.
    sine() { # FREQ DURATION
        echo "-f lavfi -i sine=frequency=$1:beep_factor=2:duration=$2:sample_rate=48000"
    }
    # shellcheck disable=SC2046
    make multiaudio.mp4 $(video 20 320x240 25) $(sine 440 20) $(sine 660 20) $(sine 880 20) \
        -map 0:v -map 1:a -map 2:a -map 3:a -c:v libx264 -preset ultrafast -bf 2 -g 50 \
        -pix_fmt yuv420p -c:a aac -ac:a:0 2 -ac:a:1 2 -ac:a:2 1 \
        -metadata:s:a:0 language=eng -metadata:s:a:1 language=fra -metadata:s:a:2 language=deu \
        -f mp4
    # The same in Matroska (no complete index: packaged whole), the third track "und" and
    # titled; and H.264 + two Opus tracks (eng, no language tag) that need transcoding.
    make multiaudio.mkv -i "$out/multiaudio.mp4" -map 0 -c copy -metadata:s:a:2 language=und \
        -metadata:s:a:2 title=Commentary -f matroska
    # shellcheck disable=SC2046
    make multiopus.mkv $(video 12 320x240 25) $(sine 440 12) $(sine 660 12) \
        -map 0:v -map 1:a -map 2:a -c:v libx264 -preset ultrafast -g 50 -pix_fmt yuv420p \
        -c:a libopus -metadata:s:a:0 language=eng -f matroska
    # A second audio track that stops after 3 of 12 s, with a language tag the container can't
    # hold: left out with a warning (an alternate rendition needs audio in every segment).
    # shellcheck disable=SC2046
    make shortaudio.mp4 $(video 12 320x240 25) $(sine 440 12) $(sine 660 3) \
        -map 0:v -map 1:a -map 2:a -c:v libx264 -preset ultrafast -g 50 -pix_fmt yuv420p \
        -c:a aac -metadata:s:a:1 'language=not a language' -f mp4
    # An MP4 with an edit list starting mid-GOP (stream copy cut) and one whose audio starts
    # half a second after its video: edit lists and start offsets.
    if [[ ! -s $out/editlist.mp4 ]]; then
        ff -i "$out/sample.mp4" -ss 3.3 -t 10 -c copy -f mp4 "$out/.editlist.tmp" &&
            mv "$out/.editlist.tmp" "$out/editlist.mp4"
    fi
    if [[ ! -s $out/aoffset.mp4 ]]; then
        ff -i "$out/sample.mp4" -itsoffset 0.5 -i "$out/sample.mp4" -map 0:v -map 1:a -c copy \
            -t 12 -f mp4 "$out/.aoffset.tmp" && mv "$out/.aoffset.tmp" "$out/aoffset.mp4"
    fi
    # A TS whose timestamps jump by 5000 s half-way (an encoder restart): two captures joined.
    if [[ ! -s $out/jump.ts ]]; then
        # shellcheck disable=SC2046
        ff $(video 7 320x240 25) $(audio 7) -c:v libx264 -preset ultrafast -g 25 \
            -pix_fmt yuv420p -c:a aac -f mpegts "$out/.jump1.tmp"
        # shellcheck disable=SC2046
        ff $(video 7 320x240 25) $(audio 7) -c:v libx264 -preset ultrafast -g 25 \
            -pix_fmt yuv420p -c:a aac -output_ts_offset 5000 -f mpegts "$out/.jump2.tmp"
        cat "$out/.jump1.tmp" "$out/.jump2.tmp" >"$out/.jump.tmp"
        rm -f "$out/.jump1.tmp" "$out/.jump2.tmp"
        mv "$out/.jump.tmp" "$out/jump.ts"
    fi
    # A TS whose timestamps wrap the 33-bit clock about 5 s in (2^33 / 90 kHz = 95443.7 s).
    if [[ ! -s $out/wrap.ts ]]; then
        # shellcheck disable=SC2046
        ff $(video 15 320x240 25) $(audio 15) -c:v libx264 -preset ultrafast -g 25 \
            -pix_fmt yuv420p -c:a aac -output_ts_offset 95438.7 -muxdelay 0 -muxpreload 0 \
            -f mpegts "$out/.wrap.tmp" && mv "$out/.wrap.tmp" "$out/wrap.ts"
    fi
    # Bad inputs: empty, not media, truncated MP4 (moov at the end cut off), corrupt middle.
    : >"$out/empty.mp4"
    printf 'this is not a media file\n%.0s' {1..50} >"$out/notmedia.mp4"
    if [[ ! -s $out/truncated.mp4 ]]; then
        # shellcheck disable=SC2046
        make moovend.mp4 $(video 10 320x240 25) $(audio 10) -c:v libx264 -preset ultrafast \
            -pix_fmt yuv420p -c:a aac -f mp4
        head -c 200000 "$out/moovend.mp4" >"$out/truncated.mp4"
    fi
    if [[ ! -s $out/corrupt.ts ]]; then
        cp "$out/input.ts" "$out/.corrupt.tmp"
        # Overwrite 64 KiB in the middle with garbage: the TS demuxer resynchronises.
        sz=$(stat -c %s "$out/.corrupt.tmp")
        head -c 65536 /dev/urandom | dd of="$out/.corrupt.tmp" bs=1 seek=$((sz / 2)) conv=notrunc \
            status=none
        mv "$out/.corrupt.tmp" "$out/corrupt.ts"
    fi
fi

if [[ $mode == --bench ]]; then
    # 10-minute 720p30 H.264/AAC (about 3 Mbit/s), the benchmark input.
    # shellcheck disable=SC2046
    make bench720p.mp4 $(video 600 1280x720 30) $(audio 600) -c:v libx264 -preset ultrafast \
        -b:v 3M -maxrate 3M -bufsize 6M -g 60 -pix_fmt yuv420p -c:a aac -b:a 128k \
        -movflags +faststart -f mp4
fi
echo "$out"
