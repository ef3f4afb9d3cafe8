#!/usr/bin/env python3
"""Runs a command and prints its wall time and the CPU time of each of its threads by name
(user+system seconds, summed over threads of the same name), read from
/proc/PID/task/*/stat every 20 ms until it exits: where a run's time went, e.g.
    bench/thread_cpu.py DIR/build/bin/ntop-probe -q -i DIR/bench.pcap --shutdown-when-done \\
        -d DATA --checks
prints "wall 3.97 alert-writer=0.69+0.08 capture-0=3.35+0.36 ...". The last poll before
the exit is what counts: up to 20 ms of a thread's time may be missed."""
import os
import subprocess
import sys
import time


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    start = time.time()
    proc = subprocess.Popen(sys.argv[1:])
    tick = os.sysconf("SC_CLK_TCK")
    last = {}  # tid -> (name, user s, system s)
    while proc.poll() is None:
        try:
            tids = os.listdir(f"/proc/{proc.pid}/task")
        except OSError:
            tids = []
        for tid in tids:
            try:
                with open(f"/proc/{proc.pid}/task/{tid}/stat") as f:
                    stat = f.read()
            except OSError:
                continue
            name = stat[stat.index("(") + 1:stat.rindex(")")]
            fields = stat[stat.rindex(")") + 2:].split()
            last[tid] = (name, int(fields[11]) / tick, int(fields[12]) / tick)
        time.sleep(0.02)
    wall = time.time() - start
    by_name = {}
    for name, user, system in last.values():
        u, s = by_name.get(name, (0.0, 0.0))
        by_name[name] = (u + user, s + system)
    print("wall %.2f " % wall +
          " ".join("%s=%.2f+%.2f" % (n, u, s) for n, (u, s) in sorted(by_name.items())))
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
