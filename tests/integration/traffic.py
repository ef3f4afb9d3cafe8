#!/usr/bin/env python3
"""Known traffic for the live-capture tests (python3 stdlib; no ping needed).

  traffic.py udp  --src IP --sport P --dst IP --dport P --count N --size S
                  [--reply-size R [--server-netns NS]]
      N datagrams of S payload bytes from src:sport to dst:dport, one at a time. With
      --reply-size a server on dst:dport (a thread, or a process inside network namespace
      NS) answers each with R payload bytes, and every answer is waited for.
  traffic.py serve --bind IP --port P --count N --reply-size R
      the server side: prints "ready", answers N datagrams, exits.
  traffic.py icmp --dst IP --count K --size S --ident ID
      K ICMP echo requests (raw socket: root) with S payload bytes and identifier ID,
      waiting for each reply.

Exits 0 when everything was sent (and answered), 1 otherwise, with the reason on stderr.
Every wait is bounded (TIMEOUT_S per packet).
"""

import argparse
import os
import socket
import struct
import subprocess
import sys
import threading
import time

TIMEOUT_S = 2.0


def fail(msg):
    print("traffic.py: " + msg, file=sys.stderr)
    return 1


def serve_loop(sock, count, reply_size):
    sock.settimeout(TIMEOUT_S * 2)
    for _ in range(count):
        try:
            _, peer = sock.recvfrom(65535)
        except socket.timeout:
            return False
        sock.sendto(b"R" * reply_size, peer)
    return True


def cmd_serve(a):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((a.bind, a.port))
    print("ready", flush=True)
    ok = serve_loop(s, a.count, a.reply_size)
    s.close()
    return 0 if ok else fail("serve: fewer than %d datagrams arrived" % a.count)


def cmd_udp(a):
    server = None
    thread = None
    result = {}
    if a.reply_size is not None:
        if a.server_netns:
            server = subprocess.Popen(
                ["ip", "netns", "exec", a.server_netns, sys.executable,
                 os.path.abspath(__file__), "serve", "--bind", a.dst, "--port", str(a.dport),
                 "--count", str(a.count), "--reply-size", str(a.reply_size)],
                stdout=subprocess.PIPE, universal_newlines=True)
            line = server.stdout.readline()  # bounded: the server exits on its own
            if line.strip() != "ready":
                server.kill()
                server.wait()
                return fail("udp: the server in netns %s did not start" % a.server_netns)
        else:
            ls = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            ls.bind((a.dst, a.dport))

            def run():
                result["ok"] = serve_loop(ls, a.count, a.reply_size)
                ls.close()

            thread = threading.Thread(target=run, daemon=True)
            thread.start()

    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((a.src, a.sport))
    s.settimeout(TIMEOUT_S)
    rc = 0
    for i in range(a.count):
        s.sendto(b"Q" * a.size, (a.dst, a.dport))
        if a.reply_size is not None:
            try:
                data, _ = s.recvfrom(65535)
            except socket.timeout:
                rc = fail("udp: no reply to datagram %d" % (i + 1))
                break
            if len(data) != a.reply_size:
                rc = fail("udp: reply of %d bytes, expected %d" % (len(data), a.reply_size))
        else:
            time.sleep(0.01)
    s.close()
    if thread:
        thread.join(TIMEOUT_S * 3)
        if not result.get("ok"):
            rc = rc or fail("udp: the server did not see every datagram")
    if server:
        try:
            src = server.wait(TIMEOUT_S * 3)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
            src = -1
        if src != 0:
            rc = rc or fail("udp: the server in netns %s exited with %d" % (a.server_netns, src))
    return rc


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    total = (total >> 16) + (total & 0xFFFF)
    total += total >> 16
    return ~total & 0xFFFF


def cmd_icmp(a):
    try:
        s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    except PermissionError as e:
        return fail("icmp: raw socket: %s" % e)
    payload = bytes((i & 0xFF) for i in range(a.size))
    for seq in range(1, a.count + 1):
        hdr = struct.pack("!BBHHH", 8, 0, 0, a.ident, seq)
        pkt = struct.pack("!BBHHH", 8, 0, checksum(hdr + payload), a.ident, seq) + payload
        s.sendto(pkt, (a.dst, 0))
        deadline = time.monotonic() + TIMEOUT_S
        answered = False
        while not answered:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            s.settimeout(left)
            try:
                data, _ = s.recvfrom(65535)
            except socket.timeout:
                break
            ihl = (data[0] & 0x0F) * 4
            if len(data) >= ihl + 8:
                typ, _, _, ident, rseq = struct.unpack("!BBHHH", data[ihl:ihl + 8])
                answered = typ == 0 and ident == a.ident and rseq == seq
        if not answered:
            s.close()
            return fail("icmp: no echo reply to request %d from %s" % (seq, a.dst))
        time.sleep(0.05)
    s.close()
    return 0


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    u = sub.add_parser("udp")
    u.add_argument("--src", default="127.0.0.1")
    u.add_argument("--sport", type=int, required=True)
    u.add_argument("--dst", default="127.0.0.1")
    u.add_argument("--dport", type=int, required=True)
    u.add_argument("--count", type=int, default=5)
    u.add_argument("--size", type=int, default=100)
    u.add_argument("--reply-size", type=int)
    u.add_argument("--server-netns")
    v = sub.add_parser("serve")
    v.add_argument("--bind", required=True)
    v.add_argument("--port", type=int, required=True)
    v.add_argument("--count", type=int, required=True)
    v.add_argument("--reply-size", type=int, required=True)
    i = sub.add_parser("icmp")
    i.add_argument("--dst", default="127.0.0.1")
    i.add_argument("--count", type=int, default=3)
    i.add_argument("--size", type=int, default=56)
    i.add_argument("--ident", type=int, default=0x7E57)
    a = ap.parse_args(argv)
    return {"udp": cmd_udp, "serve": cmd_serve, "icmp": cmd_icmp}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
