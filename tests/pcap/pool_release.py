#!/usr/bin/env python3
"""After a burst of flows is purged, the probe gives the memory of their flows and hosts back
to the system.

A generated capture: BURST one-packet UDP flows between distinct hosts within a second, then,
400 s later (past the 60 s flow and 300 s host idle times), a few packets that make the
probe purge the burst. The probe replays it twice, with and without --pcap-file-purge-flows;
a --run-script reads the process's resident size from /proc/self/status (the kernel's
count, the oracle) after the file. The run that purged must be smaller by most of the pool
blocks (flows, hosts, MACs) it freed: the difference of the "pool blocks" figure of the two
runs' "table memory" log lines. (What entries own besides, from malloc, goes back to malloc's
heap, which keeps it for reuse: not checked here.)

usage: pool_release.py PROBE WORKDIR"""
import os
import re
import struct
import subprocess
import sys

probe, work = sys.argv[1:3]
os.makedirs(work, exist_ok=True)
BURST = 30000
pcap = os.path.join(work, "burst.pcap")
script = os.path.join(work, "rss.lua")


def frame(i, sport, dport):
    src = bytes([10, 1, (i >> 8) & 255, i & 255])
    dst = bytes([10, 2, (i >> 8) & 255, i & 255])
    payload = b"x" * 18
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i & 0xFFFF, 0, 64, 17, 0, src, dst)
    eth = bytes.fromhex("020000000001020000000002") + b"\x08\x00"
    return eth + ip + udp


with open(pcap, "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    t0 = 1700000000
    records = [(t0, i * 30, frame(i, 20000 + i % 30000, 7000)) for i in range(BURST)]
    # Later traffic between two other hosts drives the packet clock past the idle times.
    records += [(t0 + 400 + k, 0, frame(60000, 33333, 7001)) for k in range(4)]
    for sec, usec, data in records:
        f.write(struct.pack("<IIII", sec, usec, len(data), len(data)) + data)

with open(script, "w") as f:
    f.write('local s = interface.getStats()\n'
            'local rss\n'
            'for line in io.lines("/proc/self/status") do\n'
            '  rss = rss or tonumber(line:match("^VmRSS:%s+(%d+) kB"))\n'
            'end\n'
            'print(string.format("flows %d hosts %d rss_kb %d", s.stats.flows, s.stats.hosts, rss))\n')


def run(purge):
    cmd = [probe, "-v", "-i", pcap, "--shutdown-when-done", "-d", os.path.join(work, "data"),
           "--run-script", script] + (["--pcap-file-purge-flows"] if purge else [])
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        print("FAIL: %s exited %d\n%s" % (" ".join(cmd), p.returncode, p.stderr[-2000:]))
        sys.exit(1)
    m = re.search(r"flows (\d+) hosts (\d+) rss_kb (\d+)", p.stdout)
    t = re.search(r"table memory: .*; pool blocks (\d+) B", p.stderr)
    if not m or not t:
        print("FAIL: no figures in the output\n%s\n%s" % (p.stdout, p.stderr[-2000:]))
        sys.exit(1)
    flows, hosts, rss_kb = map(int, m.groups())
    blocks = int(t.group(1))
    print("%-9s flows %6d hosts %6d  RSS %7d kB  pool blocks at exit %9d B"
          % ("purge" if purge else "no purge", flows, hosts, rss_kb, blocks))
    return flows, hosts, rss_kb * 1024, blocks


kept_flows, kept_hosts, kept_rss, kept_blocks = run(False)
left_flows, left_hosts, left_rss, left_blocks = run(True)
failures = 0
if kept_flows < BURST or kept_hosts < 2 * BURST:
    print("FAIL: without purge the burst's %d flows and %d hosts should all be there" % (BURST, 2 * BURST))
    failures += 1
if left_flows > 10 or left_hosts > 10:
    print("FAIL: with --pcap-file-purge-flows the burst should be purged")
    failures += 1
given_back = kept_rss - left_rss
freed = kept_blocks - left_blocks
print("resident size given back: %d kB; pool blocks freed: %d kB (need >= 70%% of them)"
      % (given_back // 1024, freed // 1024))
if freed < 0.9 * kept_blocks:  # the burst is all but a few of the entries
    print("FAIL: the purge freed too few pool blocks")
    failures += 1
if given_back < 0.7 * freed:
    print("FAIL: the purged flows' and hosts' memory stayed resident")
    failures += 1
os.unlink(pcap)
print("%d failed" % failures)
sys.exit(1 if failures else 0)
