#!/usr/bin/env python3
"""A capture file cut short while the probe reads it (another process truncates it).

The probe reads classic pcap files through a memory map (server/core/pcap_file.c); a page
past the new end of the file would raise SIGBUS. The probe must instead log that the file
was cut short, hand it back to libpcap, and end the capture normally: exit status 0, no
signal, the packets read so far counted.

usage: file_cut.py PROBE SHARED_DIR WORKDIR   (exit 77 without the capture)"""
import os
import subprocess
import sys
import time

from shared_capture import e2e_capture

probe, shared, work = sys.argv[1:4]
src = e2e_capture(shared, "test_01.pcap")
os.makedirs(work, exist_ok=True)
raw = open(src, "rb").read()
big = os.path.join(work, "big.pcap")
stats = os.path.join(work, "stats.lua")
with open(stats, "w") as f:
    f.write('print("packets " .. interface.getStats().stats.packets)\n')

COPIES = 64
failures = 0
for attempt in range(3):
    with open(big, "wb") as f:  # ~240 MB: long enough to be cut in the middle
        f.write(raw)
        for _ in range(COPIES - 1):
            f.write(raw[24:])
    p = subprocess.Popen([probe, "-v", "-i", big, "--shutdown-when-done", "-d",
                          os.path.join(work, "data"), "--run-script", stats],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for line in p.stderr:  # the capture starts once the interface is open
        if "capture file" in line:
            break
    time.sleep(0.01 * attempt)
    os.truncate(big, 0)
    out, err = p.communicate(timeout=300)
    cut = "cut short while being read" in err
    packets = [int(l.split()[1]) for l in out.splitlines() if l.startswith("packets ")]
    print("attempt %d: exit %d, %s, packets %s" % (attempt + 1, p.returncode,
                                                   "cut short logged" if cut else "no cut logged",
                                                   packets))
    if p.returncode != 0:
        print("FAIL: the probe did not end normally (status %d)\n%s" % (p.returncode, err[-2000:]))
        failures += 1
        break
    if not packets or not 0 < packets[0] < 4999 * COPIES:
        print("FAIL: expected part of the packets counted, got %s" % packets)
        failures += 1
        break
    if cut:
        break
else:
    print("FAIL: the truncation never landed inside the mapped window in 3 attempts")
    failures += 1
os.unlink(big)
sys.exit(1 if failures else 0)
