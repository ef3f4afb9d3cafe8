#!/usr/bin/env python3
"""Per-MAC packets and bytes, sent and received, against tshark.

For each capture: the original, and a variant where flows change MACs midway (every third
frame gets another source MAC, every fifth another destination MAC, as behind a pair of
routers sharing the traffic), which exercises the MACs a flow remembers being found stale.
tshark's eth.src / eth.dst / frame.len over the same file are the oracle: each frame counts
once as sent by its source and once as received by its destination, frame.len bytes (ntopng's
MAC rule). Only captures whose frames carry one Ethernet header each are used (no tunnels
that replace it), and the frames the probe cannot use before MAC accounting (ntopng's early
drops) are not in them.

usage: mac_counters.py PROBE SHARED_DIR WORKDIR   (exit 77 without the captures or tshark)"""
import json
import os
import shutil
import struct
import subprocess
import sys
from collections import defaultdict

probe, shared, work = sys.argv[1:4]
CAPTURES = [("ntopng-e2e", "test_01.pcap"), ("ntopng-e2e", "bcast_domains.pcap"),
            ("ntopng-e2e", "arp_spoofing.pcap"), ("ntopng-e2e", "dns_contacts.pcap")]
paths = [os.path.join(shared, "pcaps", d, f) for d, f in CAPTURES]
paths = [p for p in paths if os.path.isfile(p)]
if not paths or not shutil.which("tshark"):
    print("SKIP: no capture under %s/pcaps/ntopng-e2e, or no tshark" % shared)
    sys.exit(77)
os.makedirs(work, exist_ok=True)

DUMP = os.path.join(work, "macs.lua")
with open(DUMP, "w") as f:
    f.write("""local json = require "dkjson"
local r = interface.getMacsInfo(nil, 100000, 0)
local out = {}
for _, m in pairs(r.macs or {}) do
  out[#out + 1] = {mac = m.mac, ps = m["packets.sent"], pr = m["packets.rcvd"],
                   bs = m["bytes.sent"], br = m["bytes.rcvd"]}
end
print(json.encode(out))
""")


def with_changing_macs(src, dst):
    """Rewrites the source MAC of every 3rd frame and the destination MAC of every 5th."""
    raw = open(src, "rb").read()
    magic = struct.unpack("<I", raw[:4])[0]
    order = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    out = bytearray(raw[:24])
    off, i = 24, 0
    while off + 16 <= len(raw):
        caplen = struct.unpack(order + "I", raw[off + 8:off + 12])[0]
        rec = bytearray(raw[off:off + 16 + caplen])
        if len(rec) >= 16 + 12:
            if i % 3 == 0:
                rec[16 + 6:16 + 12] = bytes([0x02, 0xaa, 0, 0, 0, i % 7])
            if i % 5 == 0:
                rec[16:16 + 6] = bytes([0x02, 0xbb, 0, 0, 0, i % 11])
        out += rec
        off += 16 + caplen
        i += 1
    open(dst, "wb").write(out)


def tshark_macs(path):
    r = subprocess.run(["tshark", "-n", "-r", path, "-T", "fields", "-E", "separator=\t",
                        "-e", "eth.src", "-e", "eth.dst", "-e", "frame.len"],
                       capture_output=True, text=True, timeout=300)
    if r.returncode != 0:
        raise SystemExit("tshark failed on %s: %s" % (path, r.stderr.strip()))
    macs = defaultdict(lambda: [0, 0, 0, 0])  # packets sent, rcvd, bytes sent, rcvd
    layered = 0
    for line in r.stdout.splitlines():
        src, dst, length = (line.split("\t") + ["", "", ""])[:3]
        if "," in src or "," in dst:
            layered += 1  # an inner Ethernet header: not this test's model
            continue
        if not src or not length:
            continue
        n = int(length)
        macs[src.lower()][0] += 1
        macs[src.lower()][2] += n
        if dst:
            macs[dst.lower()][1] += 1
            macs[dst.lower()][3] += n
    return macs, layered


def probe_macs(path):
    r = subprocess.run([probe, "-q", "-i", path, "--shutdown-when-done", "-d",
                        os.path.join(work, "data"), "--run-script", DUMP],
                       capture_output=True, text=True, timeout=300)
    if r.returncode != 0:
        raise SystemExit("probe failed on %s: %s" % (path, r.stderr.strip()))
    doc = json.loads(r.stdout.strip().splitlines()[-1])
    return {m["mac"].lower(): [m["ps"], m["pr"], m["bs"], m["br"]] for m in doc}


failures = checked = 0
for src in paths:
    variant = os.path.join(work, "changing_" + os.path.basename(src))
    with_changing_macs(src, variant)
    for path in (src, variant):
        want, layered = tshark_macs(path)
        if layered:
            print("skip %s: %d frames with an inner Ethernet header" % (path, layered))
            continue
        got = probe_macs(path)
        bad = [m for m in set(want) | set(got) if want.get(m) != got.get(m)]
        checked += 1
        print("%s %s: %d MACs, %d differ" % ("ok" if not bad else "FAIL", os.path.basename(path),
                                             len(want), len(bad)))
        for m in sorted(bad)[:5]:
            print("  %s tshark %s probe %s (pkts sent, rcvd, bytes sent, rcvd)"
                  % (m, want.get(m), got.get(m)))
        failures += bool(bad)
if not checked:
    print("SKIP: every capture has frames with inner Ethernet headers")
    sys.exit(77)
sys.exit(1 if failures else 0)
