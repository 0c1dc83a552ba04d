#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Raw-socket helpers for the origin's HTTP tests (things curl won't send or can't measure).

  rawhttp.py status PORT RAW_REQUEST_PATH          status of GET with the path sent verbatim
  rawhttp.py longurl PORT LEN                      status of GET with a LEN-byte path
  rawhttp.py longheader PORT LEN                   status of GET with a LEN-byte header
  rawhttp.py slowloris PORT N SECONDS              hold N partial-header connections
  rawhttp.py idle-closed PORT SECONDS              1 if an idle connection is closed in time
  rawhttp.py hold PORT N                           open N idle connections, print how many
                                                   the server accepted and kept, then wait
                                                   for stdin to close
"""
import socket
import sys
import time


def connect(port, timeout=5.0):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    return s


def read_status(s):
    data = b""
    while b"\r\n" not in data:
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    line = data.split(b"\r\n", 1)[0].decode("latin-1")
    parts = line.split(" ")
    return parts[1] if len(parts) > 1 else "closed"


def request(port, raw):
    s = connect(port)
    try:
        s.sendall(raw)
        return read_status(s)
    except (ConnectionResetError, BrokenPipeError):
        return "reset"
    finally:
        s.close()


def main():
    cmd, port = sys.argv[1], int(sys.argv[2])
    if cmd == "status":
        path = sys.argv[3].encode("latin-1")
        print(request(port, b"GET " + path + b" HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"))
    elif cmd == "longurl":
        path = b"/" + b"a" * int(sys.argv[3])
        print(request(port, b"GET " + path + b" HTTP/1.1\r\nHost: t\r\n\r\n"))
    elif cmd == "longheader":
        hdr = b"X-Big: " + b"b" * int(sys.argv[3]) + b"\r\n"
        print(request(port, b"GET /x HTTP/1.1\r\nHost: t\r\n" + hdr + b"\r\n"))
    elif cmd == "slowloris":
        n, secs = int(sys.argv[3]), float(sys.argv[4])
        socks = []
        for _ in range(n):
            try:
                s = connect(port)
                s.sendall(b"GET /vod/stream.m3u8 HTTP/1.1\r\nHost: t\r\n")
                socks.append(s)
            except OSError:
                break
        print(len(socks), flush=True)
        end = time.time() + secs
        while time.time() < end:
            for s in socks:
                try:
                    s.sendall(b"X-a: b\r\n")
                except OSError:
                    pass
            time.sleep(0.5)
        for s in socks:
            s.close()
    elif cmd == "idle-closed":
        secs = float(sys.argv[3])
        s = connect(port, timeout=secs)
        t0 = time.time()
        try:
            closed = s.recv(1) == b""
        except (socket.timeout, ConnectionResetError):
            closed = False
        print(1 if closed and time.time() - t0 < secs else 0)
    elif cmd == "hold":
        n = int(sys.argv[3])
        socks = []
        for _ in range(n):
            try:
                socks.append(connect(port))
            except OSError:
                break
        time.sleep(0.5)
        alive = 0
        for s in socks:
            s.setblocking(False)
            try:
                alive += 0 if s.recv(1) == b"" else 1
            except BlockingIOError:
                alive += 1
            except OSError:
                pass
        print(alive, flush=True)
        sys.stdin.read()
        for s in socks:
            s.close()
    else:
        sys.exit("unknown command " + cmd)


if __name__ == "__main__":
    main()
