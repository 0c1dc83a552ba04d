#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# A damaged network between an encoder and sluice: read MPEG-TS on stdin (ffmpeg -f mpegts -)
# and send it to udp://127.0.0.1:PORT in 1316-byte datagrams, with a seeded, repeatable share
# of them damaged: payload bytes overwritten (TS headers kept, so timing and keyframe flags
# mostly survive), whole datagrams of random bytes slipped in between, and some datagrams
# duplicated. With --garbage-only, send nothing but random datagrams of random sizes.
#   corrupt_send.py PORT [--seed N] [--garbage-only SECONDS]
import argparse
import random
import socket
import sys
import time

ap = argparse.ArgumentParser()
ap.add_argument('port', type=int)
ap.add_argument('--seed', type=int, default=4)
ap.add_argument('--garbage-only', type=float, default=0)
a = ap.parse_args()
rnd = random.Random(a.seed)
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
dst = ('127.0.0.1', a.port)
stats = {'sent': 0, 'damaged': 0, 'garbage': 0, 'dup': 0}


def garbage():
    return bytes(rnd.getrandbits(8) for _ in range(rnd.randint(1, 1472)))


if a.garbage_only:
    end = time.time() + a.garbage_only
    while time.time() < end:
        sock.sendto(garbage(), dst)
        stats['garbage'] += 1
        time.sleep(0.002)
else:
    inp = sys.stdin.buffer
    while True:
        d = inp.read(1316)
        if not d:
            break
        r = rnd.random()
        if r < 0.03:
            b = bytearray(d)
            for _ in range(rnd.randint(1, 16)):
                i = rnd.randrange(len(b))
                if i % 188 >= 4:  # payload only
                    b[i] = rnd.getrandbits(8)
            d = bytes(b)
            stats['damaged'] += 1
        elif r < 0.04:
            sock.sendto(garbage(), dst)
            stats['garbage'] += 1
        elif r < 0.05:
            sock.sendto(d, dst)
            stats['dup'] += 1
        sock.sendto(d, dst)
        stats['sent'] += 1
print('corrupt_send: ' + ' '.join(f'{k}={v}' for k, v in stats.items()), file=sys.stderr)
