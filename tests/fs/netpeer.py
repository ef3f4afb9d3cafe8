#!/usr/bin/env python3
"""One-shot network peer for test_netio.lua, independent of the probe.

    netpeer.py udp-recv OUT     receive one datagram, write it to OUT
    netpeer.py tcp-recv OUT     accept one connection, write all it sends to OUT
    netpeer.py tcp-banner TEXT  accept one connection, send TEXT, close
    netpeer.py tcp-silent       accept one connection, send nothing, wait for the close

Listens on 127.0.0.1 with a port the kernel picks, prints the port on the first line of
stdout and exits after one exchange (or after 10 s)."""
import signal
import socket
import sys

signal.alarm(10)
mode = sys.argv[1]
kind = socket.SOCK_DGRAM if mode == "udp-recv" else socket.SOCK_STREAM
s = socket.socket(socket.AF_INET, kind)
s.bind(("127.0.0.1", 0))
if kind == socket.SOCK_STREAM:
    s.listen(1)
print(s.getsockname()[1], flush=True)

if mode == "udp-recv":
    data, _ = s.recvfrom(65536)
    open(sys.argv[2], "wb").write(data)
else:
    c, _ = s.accept()
    if mode == "tcp-recv":
        chunks = []
        while True:
            b = c.recv(65536)
            if not b:
                break
            chunks.append(b)
        open(sys.argv[2], "wb").write(b"".join(chunks))
    elif mode == "tcp-banner":
        c.sendall(sys.argv[2].encode())
    else:
        c.recv(1)
    c.close()
