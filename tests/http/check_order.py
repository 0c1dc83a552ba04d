#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# check_order.py ACCESS_LOG LOCALDIR [ALREADY_REMOTE...]: every successful playlist PUT came
# after successful PUTs of every URI that version of the playlist lists. A version is told
# apart by its length (nginx logs $content_length): EVENT playlists only append, so the
# version of length L is the final playlist cut after the segment where the prefix length
# (without EXT-X-ENDLIST) equals L. Exit 1 with a line per violation.
import os
import sys

log, local = sys.argv[1], sys.argv[2]
done = set(sys.argv[3:])


def versions(path):
    """{length: [uris]} for every prefix version of the playlist at path."""
    text = open(path, encoding="utf-8").read()
    out, uris, pos = {}, [], 0
    lines = text.splitlines(keepends=True)
    for line in lines:
        pos += len(line)
        s = line.strip()
        if s and not s.startswith("#"):
            uris.append(s)
            out[pos] = list(uris)
    out[len(text)] = list(uris)
    return out


bad = 0
cache = {}
for row in open(log, encoding="utf-8"):
    f = row.split()
    if len(f) < 5 or f[0] != "PUT" or not f[2].startswith("2"):
        continue
    name = f[1].rsplit("/", 1)[-1]
    if name.endswith(".m3u8"):
        v = cache.setdefault(name, versions(os.path.join(local, name)))
        length = int(f[4]) if f[4].isdigit() else -1
        # not a prefix of the final version (a multivariant rewritten with new figures):
        # it lists the same URIs as the final one
        listed = v.get(length, v[max(v)])
        for uri in listed:
            if uri not in done:
                print(f"{name} (length {length}) PUT before {uri}")
                bad = 1
    done.add(name)
sys.exit(bad)
