#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""LL-HLS checks against a running `sluice serve --live NAME=... --low-latency` channel, with
no code shared with sluice: playlist tags and RFC 8216bis rules, part byte ranges served as
206 (also before the bytes exist), and blocking playlist reload (_HLS_msn/_HLS_part held
until the segment/part is listed, 400 for bad directives).
  ll_check.py CHANNEL_URL      e.g. http://127.0.0.1:8080/live/cam
  ll_check.py CHANNEL_URL --expect-503   (encoder stopped: a blocked reload answers 503)
Prints TAP-like lines; exit 1 on any failure."""
import re
import sys
import time
import urllib.error
import urllib.request

FAILED = 0


def check(desc, cond, detail=""):
    global FAILED
    print(("ok - " if cond else "not ok - ") + desc)
    if not cond:
        FAILED += 1
        if detail:
            print("#   " + str(detail))


def get(url, headers=None, timeout=30):
    req = urllib.request.Request(url, headers=headers or {})
    t0 = time.monotonic()
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, dict(r.headers), r.read(), time.monotonic() - t0
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read(), time.monotonic() - t0


def attrs(s):
    return {m.group(1): m.group(2).strip('"') for m in
            re.finditer(r'([A-Z0-9-]+)=("[^"]*"|[^,]*)', s)}


def parse(text):
    """Segments (msn, uri, parts) and the trailing parts, hint and header values."""
    pl = {"segs": [], "tail": [], "hint": None}
    msn, parts = None, []
    for line in text.splitlines():
        if line.startswith("#EXT-X-MEDIA-SEQUENCE:"):
            msn = int(line.split(":")[1])
        elif line.startswith("#EXT-X-TARGETDURATION:"):
            pl["target"] = int(line.split(":")[1])
        elif line.startswith("#EXT-X-PART-INF:"):
            pl["part_target"] = float(attrs(line[16:])["PART-TARGET"])
        elif line.startswith("#EXT-X-SERVER-CONTROL:"):
            pl["sc"] = attrs(line[22:])
        elif line.startswith("#EXT-X-PART:"):
            parts.append(attrs(line[12:]))
        elif line.startswith("#EXT-X-PRELOAD-HINT:"):
            pl["hint"] = attrs(line[20:])
        elif line and not line.startswith("#"):
            pl["segs"].append((msn + len(pl["segs"]), line, parts))
            parts = []
    pl["tail"] = parts
    return pl


def playlist(base, query=""):
    st, _, body, dt = get(base + "/stream.m3u8" + query)
    return st, (parse(body.decode()) if st == 200 else None), dt


def check_rules(pl):
    pt = pl.get("part_target")
    check("EXT-X-PART-INF with PART-TARGET", pt is not None)
    sc = pl.get("sc", {})
    check("CAN-BLOCK-RELOAD=YES", sc.get("CAN-BLOCK-RELOAD") == "YES")
    check("PART-HOLD-BACK >= 3x PART-TARGET",
          pt and float(sc.get("PART-HOLD-BACK", 0)) >= 3 * pt - 1e-9, sc)
    check("HOLD-BACK >= 3 target durations",
          float(sc.get("HOLD-BACK", 0)) >= 3 * pl.get("target", 99), sc)
    check("a preload hint of TYPE=PART", pl["hint"] and pl["hint"].get("TYPE") == "PART")
    allparts = [p for s in pl["segs"] for p in s[2]] + pl["tail"]
    check("parts listed", len(allparts) >= 4, len(allparts))
    bad = [p for p in allparts if float(p["DURATION"]) > pt + 1e-9]
    check("every part <= PART-TARGET", not bad, bad[:2])
    for msn, uri, parts in pl["segs"]:
        off, ok = 0, bool(parts)
        for i, p in enumerate(parts):
            n, o = (int(x) for x in p["BYTERANGE"].split("@"))
            ok = ok and p["URI"] == uri and o == off and o % 188 == 0 and n % 188 == 0
            ok = ok and (i > 0 or p.get("INDEPENDENT") == "YES")
            short = float(p["DURATION"]) < 0.85 * pt - 1e-9
            ok = ok and (not short or i == len(parts) - 1)
            off = o + n
        if parts:
            check(f"segment {msn}: parts contiguous, TS-aligned, first INDEPENDENT, >= 85%", ok)


def check_blocking(base):
    st, pl, _ = playlist(base)
    last = pl["segs"][-1][0]
    st, pl2, dt = playlist(base, f"?_HLS_msn={last + 1}")
    check("blocking reload for the next segment answers 200", st == 200, st)
    check("it lists that segment", pl2 and pl2["segs"][-1][0] >= last + 1)
    check(f"it was held until then ({dt:.2f} s, < 3 target durations)",
          0.05 < dt < 3 * pl["target"], dt)
    st, pl, _ = playlist(base)
    nxt, ntail = pl["segs"][-1][0] + 1, len(pl["tail"])
    st, pl3, dt = playlist(base, f"?_HLS_msn={nxt}&_HLS_part={ntail}")
    got = pl3 and ((pl3["segs"][-1][0] == nxt - 1 and len(pl3["tail"]) > ntail) or
                   pl3["segs"][-1][0] >= nxt)
    check(f"blocking reload for part {nxt}.{ntail} holds until it is listed ({dt:.2f} s)",
          st == 200 and got and dt < 3 * pl["target"], (st, dt))
    st, _, _, dt = get(base + f"/stream.m3u8?_HLS_msn={nxt}&_HLS_part=0")
    check("a part already listed answers at once", st == 200 and dt < 0.5, (st, dt))
    st, _, _, _ = get(base + "/stream.m3u8?_HLS_part=1")
    check("_HLS_part without _HLS_msn: 400", st == 400, st)
    st, _, _, dt = get(base + f"/stream.m3u8?_HLS_msn={pl['segs'][-1][0] + 3}")
    check("_HLS_msn more than 2 segments ahead: 400 at once", st == 400 and dt < 0.5, (st, dt))
    st, _, _, _ = get(base + "/stream.m3u8?_HLS_msn=x1")
    check("malformed _HLS_msn: 400", st == 400, st)


def check_ranges(base):
    st, pl, _ = playlist(base)
    if not pl["tail"]:
        st, pl, _ = playlist(base, f"?_HLS_msn={pl['segs'][-1][0] + 1}&_HLS_part=0")
    part = pl["tail"][0]
    n, o = (int(x) for x in part["BYTERANGE"].split("@"))
    st, h, body, _ = get(base + "/" + part["URI"], {"Range": f"bytes={o}-{o + n - 1}"})
    check("a part of the open segment: 206 with its exact bytes",
          st == 206 and len(body) == n and body[:1] == b"G", (st, len(body), n))
    check("Content-Range names the part", h.get("Content-Range") == f"bytes {o}-{o + n - 1}/*",
          h.get("Content-Range"))
    hint = pl["hint"]
    start = int(hint["BYTERANGE-START"])
    st, _, body, dt = get(base + "/" + hint["URI"], {"Range": f"bytes={start}-{start + 187}"})
    check(f"the hinted part's first packet (not written yet) waits, then 206 ({dt:.2f} s)",
          st == 206 and len(body) == 188 and body[:1] == b"G", (st, len(body)))
    st, _, whole, _ = get(base + "/" + part["URI"])
    check("the part's bytes are the segment's bytes", whole[o:o + n] == get(
        base + "/" + part["URI"], {"Range": f"bytes={o}-{o + n - 1}"})[2])


def pes_starts(ts):
    """(offset, stream_id, pts in seconds) of each PES that starts in the TS bytes."""
    out = []
    for off in range(0, len(ts) - 187, 188):
        pkt = ts[off:off + 188]
        if pkt[0] != 0x47 or not pkt[1] & 0x40:
            continue
        afc, i = (pkt[3] >> 4) & 3, 4
        if afc & 2:
            i += 1 + pkt[4]
        if not afc & 1 or i + 14 > 188 or pkt[i:i + 3] != b"\0\0\1":
            continue
        sid = pkt[i + 3]
        if pkt[i + 7] & 0x80:
            b = pkt[i + 9:i + 14]
            pts = ((b[0] >> 1) & 7) << 30 | b[1] << 22 | (b[2] >> 1) << 15 | b[3] << 7 | b[4] >> 1
            out.append((off, sid, pts / 90000.0))
    return out


def check_part_media(base):
    """Each part holds the audio that precedes its end: an audio PES written after a part
    boundary starts at most one AAC frame before the video frame that opens the next part."""
    st, pl, _ = playlist(base)
    segs = [sg for sg in pl["segs"] if len(sg[2]) > 1]
    check("a listed segment still has its parts", bool(segs), len(pl["segs"]))
    if not segs:
        return
    msn, uri, parts = segs[-1]
    st, _, ts, _ = get(base + "/" + uri)
    pes = pes_starts(ts)
    late, n = [], 0
    for part in parts[1:]:
        o = int(part["BYTERANGE"].split("@")[1])
        # the video PES that opens the part (a PCR-only or PSI packet may come first)
        video = [p for p in pes if o <= p[0] < o + 4 * 188 and 0xE0 <= p[1] <= 0xEF]
        if not video:
            late.append(f"no video PES at part offset {o}")
            continue
        n += 1
        t = video[0][2]
        late += [f"audio PES at {a[0]} pts {a[2]:.3f} after the part boundary {o} (video {t:.3f})"
                 for a in pes if a[0] >= o and 0xC0 <= a[1] <= 0xDF and a[2] < t - 0.03]
    check(f"segment {msn}: every part starts with a video PES and ends with its audio "
          f"({n} boundaries)", n > 0 and not late, "; ".join(late[:3]))


def main():
    base = sys.argv[1].rstrip("/")
    if "--expect-503" in sys.argv:
        st, pl, _ = playlist(base)
        last = pl["segs"][-1][0]
        st, _, _, dt = get(base + f"/stream.m3u8?_HLS_msn={last + 2}")
        check(f"no new segment: 503 after blocking 3 target durations ({dt:.1f} s)",
              st == 503 and 3 * pl["target"] - 0.5 < dt < 3 * pl["target"] + 2, (st, dt))
    else:
        st, pl, _ = playlist(base)
        check("playlist 200", st == 200, st)
        check_rules(pl)
        check_blocking(base)
        check_ranges(base)
        check_part_media(base)
    sys.exit(1 if FAILED else 0)


if __name__ == "__main__":
    main()
