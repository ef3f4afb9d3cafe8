#!/usr/bin/env python3
"""The probe's own reader of classic pcap files (server/core/capture.c) against libpcap.

From one shared capture it writes variants: microsecond and nanosecond magic, little- and
big-endian, a last record cut short, a header snapshot length below the records' caplen, and
pcapng. For each, the probe's interface packets and bytes must equal what libpcap reads
(pcap_floor: pcap_next_ex, the oracle; the probe counts 24 bytes more per frame), and every
variant that holds the same packets must give the same flows and hosts as the original.

usage: file_reader.py PROBE PCAP_FLOOR SHARED_DIR WORKDIR   (exit 77 without the capture)"""
import os
import struct
import subprocess
import sys

from shared_capture import e2e_capture

probe, floor, shared, work = sys.argv[1:5]
src = e2e_capture(shared, "test_01.pcap")
os.makedirs(work, exist_ok=True)

raw = open(src, "rb").read()
magic = struct.unpack("<I", raw[:4])[0]
assert magic == 0xA1B2C3D4, "test_01.pcap is expected little-endian, microseconds"
hdr = list(struct.unpack("<IHHiIII", raw[:24]))
records = []
off = 24
while off + 16 <= len(raw):
    sec, usec, caplen, wirelen = struct.unpack("<IIII", raw[off:off + 16])
    records.append((sec, usec, caplen, wirelen, raw[off + 16:off + 16 + caplen]))
    off += 16 + caplen


def write(name, order, nsec=False, snaplen=None, cut=0):
    h = list(hdr)
    h[0] = 0xA1B23C4D if nsec else 0xA1B2C3D4
    if snaplen is not None:
        h[5] = snaplen
    out = [struct.pack(order + "IHHiIII", *h)]
    for sec, usec, caplen, wirelen, data in records:
        out.append(struct.pack(order + "IIII", sec, usec * 1000 if nsec else usec, caplen, wirelen))
        out.append(data)
    blob = b"".join(out)
    path = os.path.join(work, name)
    open(path, "wb").write(blob[:len(blob) - cut] if cut else blob)
    return path


variants = {
    "usec_le.pcap": write("usec_le.pcap", "<"),
    "nsec_le.pcap": write("nsec_le.pcap", "<", nsec=True),
    "usec_be.pcap": write("usec_be.pcap", ">"),
    "nsec_be.pcap": write("nsec_be.pcap", ">", nsec=True),
    "cut.pcap": write("cut.pcap", "<", cut=100),
    "small_snaplen.pcap": write("small_snaplen.pcap", "<", snaplen=96),
}
ng = os.path.join(work, "pcapng.pcapng")
if subprocess.run(["editcap", "-F", "pcapng", variants["usec_le.pcap"], ng],
                  capture_output=True).returncode == 0:
    variants["pcapng.pcapng"] = ng

script = os.path.join(work, "stats.lua")
open(script, "w").write(
    "local s = interface.getStats()\n"
    "print(string.format('%d %d %d %d', s.stats.packets, s.stats.bytes, s.stats.flows,"
    " s.stats.hosts))\n")

failed = 0
same = None
for name, path in sorted(variants.items()):
    f = subprocess.run([floor, path], capture_output=True, text=True)
    want = [int(x) for x in f.stdout.split()[:2]]  # printed even when libpcap stops on an error
    p = subprocess.run([probe, "-q", "-i", path, "--shutdown-when-done", "-d",
                        os.path.join(work, "data"), "--run-script", script],
                       capture_output=True, text=True, timeout=120)
    got = [int(x) for x in p.stdout.split()[:4]] if p.returncode == 0 and p.stdout else None
    ok, why = True, ""
    if got is None:
        ok, why = False, "probe failed: %s" % p.stderr.strip()[-300:]
    elif got[0] != want[0] or got[1] != want[1] + 24 * want[0]:
        ok, why = False, "probe %d packets %d bytes, libpcap %d packets %d bytes (+24 each)" % (
            got[0], got[1], want[0], want[1])
    elif f.returncode != 0:
        # libpcap stops part-way: the probe must report libpcap's own error
        err = f.stderr.strip().split("pcap_next_ex: ", 1)[-1]
        if err not in p.stderr:
            ok, why = False, "libpcap says %r, the probe did not report it: %s" % (err, p.stderr[-300:])
        else:
            why = "(libpcap: %s)" % err
    if ok and name in ("usec_le.pcap", "nsec_le.pcap", "usec_be.pcap", "nsec_be.pcap", "pcapng.pcapng"):
        if same is None:
            same = got
        elif got != same:
            ok, why = False, "packets/bytes/flows/hosts %s differ from the other encodings' %s" % (got, same)
    print("%-20s %s %s %s" % (name, "ok  " if ok else "FAIL", got, why))
    failed += not ok

print("%d passed, %d failed" % (len(variants) - failed, failed))
sys.exit(1 if failed else 0)
