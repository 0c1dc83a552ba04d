#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# upload_live_watch.py REMOTEDIR ACCESS_LOG SECONDS: poll the WebDAV root's stream.m3u8 every
# 10 ms (nginx renames a PUT body into place, so each read is one whole version) and check
# that every version seen lists only segments that are on the server and whose PUT is already
# in the access log. Prints the versions seen; exit 1 with a line per violation.
import os
import sys
import time

remote, log, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
pl = os.path.join(remote, "stream.m3u8")
seen, bad, last = 0, 0, None
end = time.monotonic() + seconds


def put_ok():
    """URIs (last path element) with a 2xx PUT in the access log so far."""
    done = set()
    with open(log, encoding="utf-8") as f:
        for row in f:
            x = row.split()
            if len(x) >= 3 and x[0] == "PUT" and x[2].startswith("2"):
                done.add(x[1].rsplit("/", 1)[-1])
    return done


while time.monotonic() < end:
    try:
        text = open(pl, encoding="utf-8").read()
    except OSError:
        text = None
    if text and text != last:
        last = text
        seen += 1
        done = put_ok()
        uris = [l.strip() for l in text.splitlines() if l.strip() and not l.startswith("#")]
        for u in uris:
            if u not in done or not os.path.exists(os.path.join(remote, u)):
                print(f"version {seen} lists {u} before it was PUT")
                bad = 1
    time.sleep(0.01)
print(f"  {seen} playlist versions seen on the server")
sys.exit(bad if seen >= 3 else 1)
