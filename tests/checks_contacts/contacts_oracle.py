#!/usr/bin/env python3
"""Oracle for the host contact counters of unanswered TCP/UDP flows (ntopng's "NoTX"
counters, see server/core/host_contacts.h), from tshark's per-frame fields.

The flows are those of the project's ntopng flow model (tests/pcap/oracle_check.py: Model,
checked flow by flow against the probe by the pcap_flows_* tests): ntopng's flow keys, its
client/server roles and role swaps, its per-direction packet counts. A flow is one-way when
one of its directions counted no packet (ntopng's Flow::isOneWay); it is booked when it
ends, and here every flow ends at the end of the capture (what the probe does when its flows
are purged after the replay). Per host:

  egress / ingress    one-way TCP/UDP flows as client / as server
  out pairs           distinct <server, server port> of its one-way flows as client
  in pairs            distinct <client, server port> of its one-way flows as server
  ports               distinct own server ports of its one-way flows as server

Output, tab separated, hosts sorted:
  H  ip  vlan  egress  ingress  n_out_pairs  n_in_pairs  n_ports
  O  ip  vlan  peer  port        (one line per out pair)
  I  ip  vlan  peer  port        (one line per in pair)
  X  ip  vlan                    (host touched by frames tshark cannot decide: not judged)
Exit 77 with "SKIP: ..." when tshark or capinfos is missing.
"""
import ipaddress
import os
import shutil
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pcap"))
import oracle_check  # noqa: E402  (the project's tshark-derived ntopng flow model)


def contacts(pcap):
    oracles = oracle_check.Oracles(None, 300)
    frames, _ = oracle_check.parse_tshark(oracles.tshark(pcap))
    encap = oracles.capinfos(pcap)["encap"]
    model = oracle_check.Model(frames, encap, oracle_check.LocalNets(None))

    hosts, blind = {}, set()

    def host(ip, vlan):
        return hosts.setdefault((ip, vlan), {"egress": 0, "ingress": 0, "out": set(),
                                             "in": set(), "ports": set()})

    for f in model.order:
        vlan, proto = f.key[0], f.key[1]
        if f.indet:
            blind.update(((f.cli[0], vlan), (f.srv[0], vlan)))
        if proto not in (6, 17) or (f.c2s[0] and f.s2c[0]):
            continue
        (cip, _), (sip, sport) = f.cli, f.srv
        c, s = host(cip, vlan), host(sip, vlan)
        c["egress"] += 1
        s["ingress"] += 1
        c["out"].add((sip, sport))
        s["in"].add((cip, sport))
        s["ports"].add(sport)
    return hosts, blind


def sort_key(k):
    ip = ipaddress.ip_address(k[0])
    return (ip.version, ip, k[1])


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: contacts_oracle.py FILE.pcap")
    for tool in ("tshark", "capinfos"):
        if not shutil.which(tool):
            print("SKIP: %s not found" % tool)
            sys.exit(77)
    hosts, blind = contacts(sys.argv[1])
    for (ip, vlan) in sorted(blind, key=sort_key):
        print(f"X\t{ip}\t{vlan}")
    for (ip, vlan) in sorted(hosts, key=sort_key):
        if (ip, vlan) in blind:
            continue
        h = hosts[(ip, vlan)]
        print(f"H\t{ip}\t{vlan}\t{h['egress']}\t{h['ingress']}\t{len(h['out'])}\t"
              f"{len(h['in'])}\t{len(h['ports'])}")
        for tag, pairs in (("O", h["out"]), ("I", h["in"])):
            for peer, port in sorted(pairs, key=sort_key):
                print(f"{tag}\t{ip}\t{vlan}\t{peer}\t{port}")


if __name__ == "__main__":
    main()
