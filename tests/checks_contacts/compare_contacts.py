#!/usr/bin/env python3
"""compare_contacts.py RECORDS PCAP - the host check's view of the contact counters
(scripts/host/contacts.lua, last line per host) against contacts_oracle.py on the same
capture. Exact: one-way flow counts and server ports. The peer pairs are ntopng's
HyperLogLog estimates (32 registers, standard error 18.4%): within four standard errors
(at least 2) of the oracle's exact count. Every host the oracle names must have been seen
by the check. Exit 0 when all agree, 1 otherwise."""
import ipaddress
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import contacts_oracle  # noqa: E402


def main():
    records, pcap = sys.argv[1], sys.argv[2]
    seen = {}
    with open(records) as f:
        for line in f:
            ip, vlan, *vals = line.rstrip("\n").split("\t")
            seen[(str(ipaddress.ip_address(ip)), int(vlan))] = [int(v) for v in vals]
    hosts, blind = contacts_oracle.contacts(pcap)
    bad = 0
    for key in sorted(set(seen) | set(hosts), key=contacts_oracle.sort_key):
        if key in blind:
            continue
        if key not in seen:
            print("MISSING %s@%d: the check never ran for it" % key)
            bad += 1
            continue
        h = hosts.get(key, {"egress": 0, "ingress": 0, "out": (), "in": (), "ports": ()})
        egress, ingress, out, inn, ports = seen[key]
        errs = []
        for what, got, want in (("egress", egress, h["egress"]), ("ingress", ingress, h["ingress"]),
                                ("ports", ports, len(h["ports"]))):
            if got != want:
                errs.append("%s %d, oracle %d" % (what, got, want))
        for what, got, want in (("peers as client", out, len(h["out"])),
                                ("peers as server", inn, len(h["in"]))):
            if abs(got - want) > max(2.0, 4 * 1.04 / math.sqrt(32) * want):
                errs.append("%s %d, oracle %d (beyond 4 standard errors)" % (what, got, want))
        if errs:
            print("BAD %s@%d: %s" % (key + ("; ".join(errs),)))
            bad += 1
    judged = len([k for k in set(seen) | set(hosts) if k not in blind])
    print("%s: %d hosts judged, %d with unanswered flows, %d disagree"
          % (os.path.basename(pcap), judged, len(hosts), bad))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
