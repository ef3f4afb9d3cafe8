#!/usr/bin/env python3
"""The README's first set-up command ends in `ntop-probe --demo`: the probe replays the demo
capture generated at build time (deploy/demo) and prints a summary. The summary's totals must
match what tshark reads in the same file: frames, IPv4 and IPv6 packets, ARP requests and
replies.

usage: demo_summary.py PROBE WORKDIR   (exit 77 without tshark)"""
import os
import re
import shutil
import subprocess
import sys

probe, work = sys.argv[1:3]
if not shutil.which("tshark"):
    print("SKIP: tshark not found")
    sys.exit(77)
os.makedirs(work, exist_ok=True)
pcap = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(probe))), "share",
                    "ntop-probe", "demo", "demo.pcap")
if not os.path.isfile(pcap):
    print("FAIL: the build made no demo capture at %s" % pcap)
    sys.exit(1)

p = subprocess.run([probe, "--demo", "-d", os.path.join(work, "data")], capture_output=True,
                   text=True, timeout=120)
print(p.stdout[:1500])
if p.returncode != 0:
    print("FAIL: ntop-probe --demo exited %d\n%s" % (p.returncode, p.stderr[-2000:]))
    sys.exit(1)


def number(pattern):
    m = re.search(pattern, p.stdout, re.M)
    if not m:
        print("FAIL: no match for %r in the summary" % pattern)
        sys.exit(1)
    return [int(g.replace(",", "")) for g in m.groups()]


def tshark_count(display_filter):
    cmd = ["tshark", "-n", "-r", pcap, "-T", "fields", "-e", "frame.number"]
    if display_filter:
        cmd += ["-Y", display_filter]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=120).stdout
    return len(out.split())


want = {
    "frames": tshark_count(""),
    # the outer header decides, as the probe counts: IPv6 inside IPv4 (6in4) is IPv4
    "ipv4": tshark_count("ip"),
    "ipv6": tshark_count("ipv6 && !ip"),
    "arp requests": tshark_count("arp.opcode == 1"),
    "arp replies": tshark_count("arp.opcode == 2"),
}
got = {}
(got["frames"],) = number(r"^Packets\s+([\d,]+) Pkts")
got["ipv4"], got["ipv6"] = number(r"^IP\s+([\d,]+) IPv4, ([\d,]+) IPv6 packets")
got["arp requests"], got["arp replies"] = number(r"^ARP\s+([\d,]+) requests, ([\d,]+) replies")
failures = 0
for k, v in want.items():
    ok = got[k] == v
    failures += not ok
    print("%-13s summary %6d  tshark %6d  %s" % (k, got[k], v, "ok" if ok else "FAIL"))
print("%d failed" % failures)
sys.exit(1 if failures else 0)
