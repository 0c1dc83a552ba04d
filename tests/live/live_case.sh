#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Live cases: the ffmpeg CLI (an encoder no one here wrote) pushes a lavfi source into
# `sluice serve --live` or `sluice live` over UDP, RTP, SRT or RTMP; node live_watch.mjs polls the
# playlist every 0.5 s and checks every poll (m3u8-parser + RFC 8216 update rules). Faults:
# encoder stopped and restarted with a timestamp jump, 33-bit wrap, SIGKILL + restart of
# `sluice live`, a bad input on one channel. Every process is started and stopped by pid.
#   live_case.sh udp|wrap|srt|rtp|rtmp|live_kill|pipe|outage|mirror_fail|llhls|midgop|many|relayout|corrupt
set -uo pipefail
case_name=${1:?case}
BIN=${SLUICE_BIN:?}
SRC=${SLUICE_SRC:?}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/sluice-live.XXXXXX")
PASSED=0
FAILED=0
PIDS=()

cleanup() {
    for p in "${PIDS[@]}"; do
        kill -KILL "$p" 2>/dev/null
    done
    rm -rf "$WORK"
}
trap cleanup EXIT

ok() { PASSED=$((PASSED + 1)); echo "ok - $1"; }
not_ok() { FAILED=$((FAILED + 1)); echo "not ok - $1"; [[ $# -gt 1 ]] && echo "#   $2"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d" "command: $*"; fi; }

free_port() { python3 -c 'import socket,sys; s=socket.socket(socket.AF_INET, getattr(socket, sys.argv[1])); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' "$1"; }
now_ms() { date +%s%3N; }

# encoder_start URL FORMAT [EXTRA ARGS...]: ffmpeg from lavfi, real time, 2 s GOP; sets ENC.
encoder_start() {
    local url=$1 fmt=$2
    shift 2
    ffmpeg -nostdin -v error -re -f lavfi -i testsrc2=size=640x360:rate=30 \
        -f lavfi -i sine=frequency=440:sample_rate=48000 \
        -c:v libx264 -preset ultrafast -tune zerolatency -g 60 -keyint_min 60 -sc_threshold 0 \
        -b:v 1M -c:a aac -b:a 96k "$@" -f "$fmt" "$url" 2>>"$WORK/encoder.err" &
    ENC=$!
    PIDS+=("$ENC")
    echo "start $(now_ms)" >>"$WORK/events"
}

encoder_stop() {
    echo "stop $(now_ms)" >>"$WORK/events"
    kill -INT "$ENC" 2>/dev/null
    wait "$ENC" 2>/dev/null
}

# serve_start ARGS...: sluice serve on an ephemeral port; sets SERVER and BASE.
serve_start() {
    "$BIN" serve --listen 127.0.0.1:0 --quiet --access-log off "$@" \
        >"$WORK/server.out" 2>"$WORK/server.err" &
    SERVER=$!
    PIDS+=("$SERVER")
    local port=
    for _ in $(seq 1 100); do
        port=$(sed -n 's|^sluice: listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$WORK/server.out" 2>/dev/null)
        [[ -n $port ]] && break
        sleep 0.1
    done
    [[ -n $port ]] || { echo "# server did not start"; cat "$WORK/server.err"; exit 1; }
    BASE=http://127.0.0.1:$port
}

serve_stop() {
    kill -TERM "$SERVER"
    wait "$SERVER"
    check "sluice serve exits 0 on SIGTERM" test $? -eq 0
}

watch_start() {
    node "$SRC/tests/live/live_watch.mjs" "$1" --events "$WORK/events" --out "$WORK/watch.json" \
        "${@:2}" >"$WORK/watch.out" 2>&1 &
    WATCH=$!
    PIDS+=("$WATCH")
}

watch_end() {
    kill -TERM "$WATCH"
    wait "$WATCH"
    local rc=$?
    sed 's/^/  watch: /' "$WORK/watch.out"
    check "live_watch: every poll valid" test "$rc" -eq 0
}

wait_segments() { # URL N TIMEOUT_S: until the playlist lists N segments
    for _ in $(seq 1 $(($3 * 10))); do
        [[ $(curl -s "$1" | grep -c '^#EXTINF') -ge $2 ]] && return 0
        sleep 0.1
    done
    return 1
}

# Segments of the final playlist are fetchable and decode without an error line.
check_playable() {
    local base=$1 last
    last=$(curl -s "$base/stream.m3u8" | grep -v '^#' | tail -1)
    check "last segment fetchable ($last)" curl -sf -o "$WORK/last.ts" "$base/$last"
    local errs
    errs=$(ffmpeg -nostdin -v error -i "$WORK/last.ts" -f null - 2>&1 | head -3)
    check "last segment decodes silently" test -z "$errs"
    check "multivariant has CODECS and RESOLUTION" \
        bash -c "curl -s '$base/index.m3u8' | grep -q 'CODECS=\"avc1.*mp4a.40.2\",RESOLUTION=640x360'"
}

case_udp() {
    local port bad
    port=$(free_port SOCK_DGRAM)
    bad=$(free_port SOCK_STREAM)
    serve_start --live "cam=udp://127.0.0.1:$port" --io-timeout 2 \
        --live "bad=rtmp://127.0.0.1:$bad/live/none" --reconnect-max 2
    encoder_start "udp://127.0.0.1:$port?pkt_size=1316" mpegts
    watch_start "$BASE/live/cam/stream.m3u8" --min-discontinuities 1
    check "3 segments listed within 12 s" wait_segments "$BASE/live/cam/stream.m3u8" 3 12
    check "LL-HLS by default: a reload directive far ahead is refused at once (400)" \
        bash -c "curl -s -m 1 -o /dev/null -w '%{http_code}' '$BASE/live/cam/stream.m3u8?_HLS_msn=999999' | grep -qx 400"
    sleep 12
    encoder_stop
    sleep 7 # stall: the playlist stops growing and stays valid
    # restarted with a timestamp jump (a new encoder process with another clock)
    encoder_start "udp://127.0.0.1:$port?pkt_size=1316" mpegts -output_ts_offset 5000
    sleep 16
    check_playable "$BASE/live/cam"
    check "bad channel: 503 until it has segments" \
        test "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/live/bad/stream.m3u8")" = 503
    check "bad channel: one clear log line naming its input" \
        grep -q "live input 'rtmp://127.0.0.1:$bad/live/none' unavailable" "$WORK/server.err"
    check "player list names both channels" \
        bash -c "curl -s '$BASE/_streams.json' >'$WORK/streams.json' && grep -q 'live/cam/index.m3u8' '$WORK/streams.json' && grep -q 'live/bad/index.m3u8' '$WORK/streams.json'"
    encoder_stop
    watch_end
    serve_stop
}

case_wrap() {
    local port
    port=$(free_port SOCK_DGRAM)
    serve_start --live "cam=udp://127.0.0.1:$port" --io-timeout 2
    # 95440 s: the 33-bit 90 kHz clock (95443.7 s) wraps about 4 s in
    encoder_start "udp://127.0.0.1:$port?pkt_size=1316" mpegts -output_ts_offset 95440
    watch_start "$BASE/live/cam/stream.m3u8"
    sleep 22
    local durs
    durs=$(curl -s "$BASE/live/cam/stream.m3u8" | sed -n 's/^#EXTINF:\([0-9.]*\),.*/\1/p' | tr '\n' ' ')
    check "segment durations stay true across the wrap ($durs)" \
        python3 -c "import sys; d=[float(x) for x in sys.argv[1:]]; sys.exit(not (len(d)>=5 and all(1.5<=x<=2.5 for x in d[:-1])))" $durs
    check "no discontinuity for a wrap" \
        bash -c "! curl -s '$BASE/live/cam/stream.m3u8' | grep -q '^#EXT-X-DISCONTINUITY$'"
    check_playable "$BASE/live/cam"
    encoder_stop
    watch_end
    serve_stop
}

case_srt() {
    local port
    port=$(free_port SOCK_DGRAM)
    # standard HLS here (serve's default is LL-HLS, covered by the udp case)
    serve_start --live "cam=srt://127.0.0.1:$port?mode=listener" --io-timeout 3 --no-low-latency
    sleep 0.5
    encoder_start "srt://127.0.0.1:$port?mode=caller" mpegts
    watch_start "$BASE/live/cam/stream.m3u8"
    check "3 segments listed within 14 s" wait_segments "$BASE/live/cam/stream.m3u8" 3 14
    check "standard HLS: no part tags, delivery directives ignored (no blocking)" \
        bash -c "! curl -s '$BASE/live/cam/stream.m3u8' | grep -q '^#EXT-X-PART' && curl -s -m 1 -o /dev/null -w '%{http_code}' '$BASE/live/cam/stream.m3u8?_HLS_msn=999999' | grep -qx 200"
    sleep 6
    check_playable "$BASE/live/cam"
    encoder_stop
    watch_end
    serve_stop
}

case_rtp() {
    local port
    # RTP on an even port (RTCP takes the next one), as RFC 3550 asks
    port=$(($(free_port SOCK_DGRAM) & ~1))
    serve_start --live "cam=rtp://127.0.0.1:$port" --io-timeout 3 --no-low-latency
    sleep 0.5
    encoder_start "rtp://127.0.0.1:$port" rtp_mpegts
    watch_start "$BASE/live/cam/stream.m3u8"
    check "3 segments listed within 14 s" wait_segments "$BASE/live/cam/stream.m3u8" 3 14
    sleep 4
    check_playable "$BASE/live/cam"
    encoder_stop
    watch_end
    serve_stop
}

case_rtmp() {
    local port
    port=$(free_port SOCK_STREAM)
    serve_start --live "x=rtmp://127.0.0.1:$port/live/x" --input-option listen=1 --io-timeout 3
    sleep 0.5
    encoder_start "rtmp://127.0.0.1:$port/live/x" flv
    watch_start "$BASE/live/x/stream.m3u8"
    check "3 segments listed within 14 s" wait_segments "$BASE/live/x/stream.m3u8" 3 14
    sleep 6
    check_playable "$BASE/live/x"
    encoder_stop
    watch_end
    serve_stop
}

# Every URI the playlist on disk lists is a complete file.
listed_exist() {
    local d=$1 u
    for u in $(grep -v '^#' "$d/stream.m3u8"); do
        [[ -s $d/$u ]] || return 1
    done
    ffmpeg -nostdin -v error -i "$d/$(grep -v '^#' "$d/stream.m3u8" | tail -1)" -f null - 2>&1 | grep -q . && return 1
    return 0
}

case_live_kill() {
    local port out=$WORK/out
    port=$(free_port SOCK_DGRAM)
    encoder_start "udp://127.0.0.1:$port?pkt_size=1316" mpegts
    "$BIN" live "udp://127.0.0.1:$port" "$out" --quiet --io-timeout 2 2>>"$WORK/live.err" &
    local live=$!
    PIDS+=("$live")
    watch_start "$out/stream.m3u8" --min-discontinuities 2
    check "3 segments on disk within 12 s" wait_segments_file "$out" 3 12
    local first_seq
    for round in 1 2; do
        sleep $((3 + round * 2)).$((RANDOM % 10))
        kill -KILL "$live"
        wait "$live" 2>/dev/null
        echo "stop $(now_ms)" >>"$WORK/events" # no growth expected while sluice is down
        check "after SIGKILL $round: playlist lists only complete, decodable files" listed_exist "$out"
        first_seq=$(grep -v '^#' "$out/stream.m3u8" | tail -1)
        "$BIN" live "udp://127.0.0.1:$port" "$out" --quiet --io-timeout 2 2>>"$WORK/live.err" &
        live=$!
        PIDS+=("$live")
        echo "start $(now_ms)" >>"$WORK/events"
        sleep 8
        check "restart $round continues after $first_seq with a discontinuity" \
            bash -c "grep -A3 '^#EXT-X-DISCONTINUITY$' '$out/stream.m3u8' | grep -q '^seg' && ! grep -q '^seg00000.ts' '$out/stream.m3u8'"
    done
    kill -INT "$live"
    wait "$live"
    check "sluice live exits 0 on SIGINT" test $? -eq 0
    check "ENDLIST after SIGINT" grep -q '^#EXT-X-ENDLIST' "$out/stream.m3u8"
    encoder_stop
    watch_end
    check "no stray temporary files" test -z "$(find "$out" -name '.*.tmp')"
}

# total of the EXTINF durations of a playlist file
extinf_sum() { sed -n 's/^#EXTINF:\([0-9.]*\),.*/\1/p' "$1" | awk '{ s += $1 } END { printf "%.1f", s }'; }
near() { awk -v a="$1" -v b="$2" -v d="$3" 'BEGIN { exit !(a - b <= d && b - a <= d) }'; }

# Inputs that end for good: stdin (a pipe can't be opened again) and a file played at its own
# pace without --loop end the stream (ENDLIST, exit 0); with --loop the file starts again
# after a discontinuity, until stopped.
case_pipe() {
    local out=$WORK/pipe clip=$WORK/clip.mp4 t0 t1 rc
    ffmpeg -nostdin -v error -re -f lavfi -i testsrc2=size=320x180:rate=30 \
        -f lavfi -i sine=frequency=440:sample_rate=48000 -c:v libx264 -preset ultrafast \
        -g 30 -c:a aac -t 6 -f mpegts - 2>>"$WORK/encoder.err" |
        timeout 30 "$BIN" live - "$out" --target-duration 1 --window 3 --quiet 2>>"$WORK/live.err"
    rc=${PIPESTATUS[1]}
    check "stdin: sluice live exits 0 when the pipe ends (rc $rc)" test "$rc" -eq 0
    check "stdin: the playlist is complete (ENDLIST)" grep -q '^#EXT-X-ENDLIST' "$out/stream.m3u8"
    check "stdin: listed segments are complete and decode" listed_exist "$out"
    check "stdin: no reconnect attempts" bash -c "! grep -q 'unavailable\|reconnecting' '$WORK/live.err'"
    # what can't be read now won't be later: a clear error and an exit, not retries forever
    echo garbage | timeout 10 "$BIN" live - "$WORK/bad1" --quiet 2>"$WORK/bad.err"
    rc=$?
    check "stdin of garbage: exits with an error at once (rc $rc)" test "$rc" -ne 0 -a "$rc" -ne 124
    timeout 10 "$BIN" live "$SRC/README.md" "$WORK/bad2" --quiet 2>>"$WORK/bad.err"
    rc=$?
    check "a file that is not media: exits with an error at once (rc $rc)" test "$rc" -ne 0 -a "$rc" -ne 124
    check "... saying it is not retried" grep -q "README.md': invalid or corrupt media (a file or a pipe: not retried)" "$WORK/bad.err"

    ffmpeg -nostdin -v error -f lavfi -i testsrc2=size=320x180:rate=30 \
        -f lavfi -i sine=frequency=440:sample_rate=48000 -c:v libx264 -preset ultrafast \
        -g 30 -c:a aac -t 5 "$clip" || { not_ok "clip"; return; }
    t0=$(now_ms)
    timeout 30 "$BIN" live "$clip" "$WORK/file" --realtime --target-duration 1 --window 3 --quiet \
        2>>"$WORK/live.err"
    rc=$?
    t1=$(now_ms)
    check "--realtime file: exits 0 at its end (rc $rc)" test "$rc" -eq 0
    check "--realtime file: played at its own pace ($((t1 - t0)) ms for 5 s)" \
        test $((t1 - t0)) -ge 4500 -a $((t1 - t0)) -le 15000
    check "--realtime file: the playlist is complete (ENDLIST)" \
        bash -c "grep -q '^#EXT-X-ENDLIST' '$WORK/file/stream.m3u8'"
    check "--realtime file: listed segments are complete and decode" listed_exist "$WORK/file"

    "$BIN" live "$clip" "$WORK/loop" --realtime --loop --target-duration 1 --playlist-type event \
        --quiet 2>>"$WORK/live.err" &
    local lp=$!
    PIDS+=("$lp")
    sleep 8
    kill -INT "$lp"
    wait "$lp"
    rc=$?
    local total
    total=$(extinf_sum "$WORK/loop/stream.m3u8")
    check "--loop: exits 0 on SIGINT (rc $rc)" test "$rc" -eq 0
    check "--loop: the file started again after a discontinuity" \
        grep -q '^#EXT-X-DISCONTINUITY$' "$WORK/loop/stream.m3u8"
    check "--loop: 8 s of real time made about 8 s of media ($total s)" near "$total" 8 1.5
}

# segments listed so far (media sequence + EXTINF lines) of a playlist URL
# ms_until TRIES CMD...: run CMD every 0.1 s, at most TRIES times; print how many ms it took
# to succeed (nothing, and status 1, if it never did).
ms_until() {
    local tries=$1 t0
    shift
    t0=$(now_ms)
    for _ in $(seq 1 "$tries"); do
        if "$@"; then
            echo $(($(now_ms) - t0))
            return 0
        fi
        sleep 0.1
    done
    return 1
}

listed_total() {
    curl -s "$1" | awk -F: '/^#EXT-X-MEDIA-SEQUENCE:/ { m = $2 } /^#EXTINF/ { c++ } END { print m + c }'
}

listed_more() { [[ $(listed_total "$1") -gt $2 ]]; } # URL N: more than N segments so far

# A long outage with the default I/O timeout: reopening a udp:// input that got no data
# (each attempt already waited the I/O timeout) must not add back-off sleeps, or a returning
# encoder would wait up to 10 s for sluice to listen again. The first new segment is listed
# within about one segment + the 1.2 s stream analysis of the encoder's return.
case_outage() {
    local port n0 waited
    port=$(free_port SOCK_DGRAM)
    serve_start --live "cam=udp://127.0.0.1:$port" --no-low-latency
    encoder_start "udp://127.0.0.1:$port?pkt_size=1316" mpegts
    watch_start "$BASE/live/cam/stream.m3u8" --min-discontinuities 1
    check "3 segments listed within 12 s" wait_segments "$BASE/live/cam/stream.m3u8" 3 12
    encoder_stop
    sleep 35
    n0=$(listed_total "$BASE/live/cam/stream.m3u8")
    encoder_start "udp://127.0.0.1:$port?pkt_size=1316" mpegts -output_ts_offset 7000
    waited=$(ms_until 150 listed_more "$BASE/live/cam/stream.m3u8" "$n0")
    check "after a 35 s outage a new segment is listed ${waited:-never} ms after the encoder returns (<= 5000)" \
        test -n "$waited" -a "${waited:-99999}" -le 5000
    sleep 3
    check_playable "$BASE/live/cam"
    encoder_stop
    watch_end
    serve_stop
}

# The disk mirror of a served channel fails (its folder removed under it, as a full or lost
# disk would): the mirror stops with one clear error and the channel goes on from memory.
case_mirror_fail() {
    local port n0
    port=$(free_port SOCK_DGRAM)
    serve_start --live "cam=udp://127.0.0.1:$port" --live-mirror "$WORK/mirror" --io-timeout 3
    encoder_start "udp://127.0.0.1:$port?pkt_size=1316" mpegts
    watch_start "$BASE/live/cam/stream.m3u8"
    check "3 segments listed within 12 s" wait_segments "$BASE/live/cam/stream.m3u8" 3 12
    check "the mirror has them" test -s "$WORK/mirror/cam/stream.m3u8"
    rm -rf "$WORK/mirror"
    n0=$(listed_total "$BASE/live/cam/stream.m3u8")
    sleep 7
    check "the channel goes on from memory ($n0 -> $(listed_total "$BASE/live/cam/stream.m3u8") segments)" \
        test "$(listed_total "$BASE/live/cam/stream.m3u8")" -ge $((n0 + 2))
    check "one clear error line about the mirror" \
        test "$(grep -c "disk mirror .* stopped .*still served from memory" "$WORK/server.err")" -eq 1
    check "no channel stopped" bash -c "! grep -q 'channel .cam. stopped' '$WORK/server.err'"
    check_playable "$BASE/live/cam"
    encoder_stop
    watch_end
    serve_stop
}

# LL-HLS (--low-latency): tags and rules, part byte ranges, blocking reload (tests/live/
# ll_check.py), played by live_watch.mjs meanwhile; with the encoder gone a blocked reload
# answers 503 after 3 target durations.
case_llhls() {
    local port
    port=$(free_port SOCK_DGRAM)
    serve_start --live "cam=udp://127.0.0.1:$port" --io-timeout 20 --live-mirror "$WORK/mirror"
    encoder_start "udp://127.0.0.1:$port?pkt_size=1316" mpegts
    watch_start "$BASE/live/cam/stream.m3u8"
    check "3 segments listed within 12 s" wait_segments "$BASE/live/cam/stream.m3u8" 3 12
    check "the disk mirror is standard HLS (no parts, no blocking reload): a plain web server can serve it" \
        bash -c "grep -q '^#EXTINF' '$WORK/mirror/cam/stream.m3u8' && ! grep -qE '^#EXT-X-(PART|PART-INF|SERVER-CONTROL|PRELOAD-HINT)' '$WORK/mirror/cam/stream.m3u8'"
    check "every segment the mirror lists is on disk" \
        bash -c "cd '$WORK/mirror/cam' && for f in \$(grep -v '^#' stream.m3u8); do test -s \$f || exit 1; done"
    python3 "$SRC/tests/live/ll_check.py" "$BASE/live/cam" >"$WORK/ll.out" 2>&1
    local rc=$?
    sed 's/^/  /' "$WORK/ll.out"
    check "ll_check: LL-HLS playlist, ranges and blocking reload" test "$rc" -eq 0
    encoder_stop
    python3 "$SRC/tests/live/ll_check.py" "$BASE/live/cam" --expect-503 >"$WORK/ll.out" 2>&1
    rc=$?
    sed 's/^/  /' "$WORK/ll.out"
    check "ll_check: 503 when nothing arrives" test "$rc" -eq 0
    watch_end
    serve_stop
}

# Issue 4 asks for 100 channels in one process: 120 udp:// channels start (each on its own
# recvmmsg reader and ingest thread), are all listed, one of them gets a stream and
# segments it, and SIGTERM stops every reader promptly with exit 0.
case_many() {
    local base args=() n=120 i
    base=$(free_port SOCK_DGRAM)
    base=$((base > 60000 ? 30000 : base))
    for i in $(seq 0 $((n - 1))); do
        args+=(--live "c$i=udp://127.0.0.1:$((base + i))")
    done
    serve_start --io-timeout 2 "${args[@]}"
    check "$n channels listed" \
        test "$(curl -s "$BASE/_streams.json" | grep -o 'live/c[0-9]*/index.m3u8' | sort -u | wc -l)" -eq "$n"
    encoder_start "udp://127.0.0.1:$((base + n - 1))?pkt_size=1316" mpegts
    check "the last channel lists 2 segments within 12 s" \
        wait_segments "$BASE/live/c$((n - 1))/stream.m3u8" 2 12
    encoder_stop
    serve_stop
    check "no reader failed but for silence" \
        bash -c "! grep 'unavailable' '$WORK/server.err' | grep -v -q 'timed out'"
}

wait_segments_file() {
    for _ in $(seq 1 $(($3 * 10))); do
        [[ -f $1/stream.m3u8 && $(grep -c '^#EXTINF' "$1/stream.m3u8") -ge $2 ]] && return 0
        sleep 0.1
    done
    return 1
}

# A stream joined mid-GOP: the first 3 s of video carry no SPS (4 s GOP, file cut mid-GOP),
# so the quick 1.2 s stream analysis finds no dimensions; the input is analysed again until
# the SPS comes and the output still has a 640x360 video track with its audio.
case_midgop() {
    local port out=$WORK/out
    port=$(free_port SOCK_DGRAM)
    ffmpeg -nostdin -v error -f lavfi -i testsrc2=size=640x360:rate=30 \
        -f lavfi -i sine=frequency=440:sample_rate=48000 -t 16 \
        -c:v libx264 -preset ultrafast -g 120 -keyint_min 120 -sc_threshold 0 -b:v 1M \
        -c:a aac -b:a 96k -f mpegts "$WORK/gop4.ts"
    local size skip
    size=$(stat -c %s "$WORK/gop4.ts")
    skip=$((size / 16 * 1 / 188)) # about 1 s in: 3 s before the next keyframe
    dd if="$WORK/gop4.ts" of="$WORK/midgop.ts" bs=188 skip="$skip" status=none
    "$BIN" live "udp://127.0.0.1:$port" "$out" --verbose --io-timeout 4 2>"$WORK/live.err" &
    local live=$!
    PIDS+=("$live")
    sleep 0.5
    ffmpeg -nostdin -v error -re -i "$WORK/midgop.ts" -c copy -f mpegts \
        "udp://127.0.0.1:$port?pkt_size=1316" 2>>"$WORK/encoder.err"
    kill -INT "$live"
    wait "$live"
    check "sluice live exits 0" test $? -eq 0
    check "the quick analysis found no SPS and the input was analysed again" \
        grep -q "stream parameters incomplete" "$WORK/live.err"
    local seg
    seg=$(grep -v '^#' "$out/stream.m3u8" | head -1)
    check "segments written ($seg)" test -s "$out/$seg"
    check "the multivariant playlist knows the video (RESOLUTION, CODECS from the SPS)" \
        bash -c "grep -q 'CODECS=\"avc1.*,mp4a.40.2\",RESOLUTION=640x360' '$out/index.m3u8'"
    check "the output has 640x360 video and AAC audio" bash -c \
        "ffprobe -v error -show_entries stream=codec_name,width,height -of csv=p=0 '$out/$seg' | tr '\n' ' ' | grep -q 'h264,640,360 aac'"
}

relayout_seen() { # URL: the switch logged and the multivariant names the new video
    grep -q 'changed its streams' "$WORK/server.err" && curl -s "$1" | grep -q 'RESOLUTION=640x360'
}

# An encoder restarted on the same port at once (no stall) with another stream layout: first
# audio only (AAC on PID 0x100), then video and audio (H.264 on 0x100, AAC on 0x101). The
# demuxer would go on reading PID 0x100 as AAC; sluice sees the new PMT, ends the session
# there and opens the input again on the data that follows: a discontinuity, then H.264 + AAC
# segments that decode, and the multivariant playlist names the new streams.
case_relayout() {
    local port waited seg
    port=$(free_port SOCK_DGRAM)
    serve_start --live "cam=udp://127.0.0.1:$port" --no-low-latency
    ffmpeg -nostdin -v error -re -f lavfi -i sine=frequency=440:sample_rate=48000 -c:a aac \
        -b:a 96k -f mpegts "udp://127.0.0.1:$port?pkt_size=1316" 2>>"$WORK/encoder.err" &
    ENC=$!
    PIDS+=("$ENC")
    echo "start $(now_ms)" >>"$WORK/events"
    watch_start "$BASE/live/cam/stream.m3u8" --min-discontinuities 1
    check "audio only: 3 segments listed within 12 s" wait_segments "$BASE/live/cam/stream.m3u8" 3 12
    check "audio only: the multivariant names AAC alone" \
        bash -c "curl -s '$BASE/live/cam/index.m3u8' | grep -q 'CODECS=\"mp4a.40.2\"'"
    kill -KILL "$ENC" # at once, no outage: the next encoder's packets follow within ~0.1 s
    encoder_start "udp://127.0.0.1:$port?pkt_size=1316" mpegts -output_ts_offset 3000
    waited=$(ms_until 120 relayout_seen "$BASE/live/cam/index.m3u8")
    check "the new layout is seen (${waited:-never} ms after the switch, <= 10000)" \
        test -n "$waited" -a "${waited:-99999}" -le 10000
    sleep 7
    seg=$(curl -s "$BASE/live/cam/stream.m3u8" | grep -v '^#' | tail -1)
    curl -sf -o "$WORK/last.ts" "$BASE/live/cam/$seg"
    check "after the switch a segment has H.264 640x360 and AAC ($seg)" bash -c \
        "ffprobe -v error -show_entries stream=codec_name,width,height -of csv=p=0 '$WORK/last.ts' | tr '\n' ' ' | grep -q 'h264,640,360 aac'"
    check "... and decodes silently" \
        test -z "$(ffmpeg -nostdin -v error -i "$WORK/last.ts" -f null - 2>&1 | head -3)"
    check "a discontinuity marks the switch" \
        bash -c "curl -s '$BASE/live/cam/stream.m3u8' | grep -q '^#EXT-X-DISCONTINUITY$'"
    check "no reconnect by I/O timeout (the switch was seen in the stream)" \
        bash -c "! grep -q 'no data from' '$WORK/server.err'"
    encoder_stop
    watch_end
    serve_stop
}

# Damaged input never takes the server down: one channel gets an encoder's stream with 3 %
# of its datagrams damaged, 1 % random datagrams slipped in and 1 % duplicated (seeded, so
# every run sees the same damage); another gets nothing but random datagrams. The first keeps
# listing valid playlists and segments with its H.264 and AAC; the second stays unavailable
# with one warning; the server serves both until SIGTERM and exits 0 (ASan: no report).
case_corrupt() {
    local port bad seg
    port=$(free_port SOCK_DGRAM)
    bad=$(free_port SOCK_DGRAM)
    serve_start --live "cam=udp://127.0.0.1:$port" --live "junk=udp://127.0.0.1:$bad" \
        --io-timeout 3
    python3 "$SRC/tests/live/corrupt_send.py" "$bad" --garbage-only 22 2>>"$WORK/encoder.err" &
    PIDS+=("$!")
    ffmpeg -nostdin -v error -re -f lavfi -i testsrc2=size=640x360:rate=30 \
        -f lavfi -i sine=frequency=440:sample_rate=48000 -t 20 \
        -c:v libx264 -preset ultrafast -tune zerolatency -g 60 -keyint_min 60 -sc_threshold 0 \
        -b:v 1M -c:a aac -b:a 96k -f mpegts - 2>>"$WORK/encoder.err" |
        python3 "$SRC/tests/live/corrupt_send.py" "$port" 2>>"$WORK/encoder.err" &
    ENC=$!
    PIDS+=("$ENC")
    echo "start $(now_ms)" >>"$WORK/events"
    watch_start "$BASE/live/cam/stream.m3u8"
    check "3 segments listed within 12 s" wait_segments "$BASE/live/cam/stream.m3u8" 3 12
    wait "$ENC"
    echo "stop $(now_ms)" >>"$WORK/events"
    seg=$(curl -s "$BASE/live/cam/stream.m3u8" | grep -v '^#' | tail -1)
    curl -sf -o "$WORK/last.ts" "$BASE/live/cam/$seg"
    check "the last segment still carries H.264 640x360 and AAC ($seg)" bash -c \
        "ffprobe -v error -show_entries stream=codec_name,width,height -of csv=p=0 '$WORK/last.ts' 2>/dev/null | tr '\n' ' ' | grep -q 'h264,640,360 aac'"
    check "the damage is reported, not hidden" grep -q "corrupt data in 'udp://127.0.0.1:$port'" \
        "$WORK/server.err"
    check "the garbage-only channel is unavailable (503)" \
        test "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/live/junk/stream.m3u8")" = 503
    check "... with a warning naming its input" grep -q "udp://127.0.0.1:$bad" "$WORK/server.err"
    check "the server still answers" curl -sf -o /dev/null "$BASE/live/cam/index.m3u8"
    watch_end
    serve_stop
    grep '^corrupt_send' "$WORK/encoder.err" | sed 's/^/# /'
}

"case_$case_name"
echo "# $case_name: $PASSED passed, $FAILED failed"
if [[ $FAILED -gt 0 ]]; then
    echo "# server log:"; sed 's/^/#   /' "$WORK/server.err" 2>/dev/null | tail -20
    echo "# encoder log:"; sed 's/^/#   /' "$WORK/encoder.err" 2>/dev/null | tail -5
    exit 1
fi
exit 0
