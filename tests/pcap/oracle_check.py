#!/usr/bin/env python3
"""
oracle_check.py - compare ntop-probe with oracles nobody on this project wrote.

For every capture of the shared corpus (NTOP_SHARED_DIR/pcaps: ntopng-e2e/ and ndpi/) the
probe replays the file and prints its view through tests/pcap/dump.lua (interface.getStats,
getHostsInfo, getFlowsInfo).  Checks (--check, comma list):

  iface   capinfos -c -d: stats.packets = frames, stats.bytes = frame bytes + 24 per frame
          (ntopng's bytes "on the wire").  Exact on every capture.
  flows   the flow table ntopng would hold, rebuilt from tshark's per-frame fields
          (tshark -T fields) with ntopng's rules: key = VLAN, L4 protocol, endpoint pair,
          DNS transaction id of UDP/53 packets with > 20 payload bytes, ICMP port-unreachable
          tuple; ICMP/other protocols without ports; non-first IPv4 fragments make no flow;
          bytes = frame length - tunnel overhead - Ethernet padding; tunnels decapsulated;
          client/server roles with ntopng's swap rules (Model below; ntopng sources, Oct
          2024, and /work/notes/ntopng-dataplane.md).  Compared flow by flow: roles, packets
          and bytes per direction.
  hosts   bytes/packets sent and received per (IP, VLAN): tshark's endpoint tables
          (-z endpoints,ip / endpoints,ipv6) are first reproduced from the per-frame fields
          (which validates the extraction), then transformed frame by frame by ntopng's rules
          (padding, tunnels, fragments, swapped roles); plus each host's localhost flag and
          stats.hosts / stats.local_hosts (unicast hosts only).
  proto   ndpiReader -v 2 (Debian libndpi-bin 4.2, the nDPI the probe links): per-flow
          application protocol ("TLS.Amazon"), probe run with --ndpi-giveup-packets 1000.
  test01  test_01.pcap -m 192.168.1.0/24: 4,999 packets, 3,744,413 bytes, 177 flows,
          42 hosts, 4 local (ntopng's figures).
  robust  every capture, malformed ones included: the probe exits 0, prints valid JSON and,
          in a sanitizer build, reports nothing.
  collect only fills the oracle cache (tshark, capinfos, ndpiReader outputs).

Differences are classified, never hidden behind a tolerance:
  * ntopng rule          what the model applies (padding, DNS ids, ...): when the probe agrees
                         with the model nothing is reported.
  * probe deviation [x]  the probe's value equals the model's once the ntopng rule(s) x are
                         replaced by what the probe does instead (DEVIATIONS, read in
                         server/core/*.c): a probe bug, a failure.
  * documented probe deviation [x]: the same, for the deliberate differences listed in
                         doc/counting-rules.md (DOCUMENTED): reported, not a failure.
  * oracle blind spot    frames whose ntopng treatment tshark's fields cannot decide (fuzzed
                         headers, ...): the flows and hosts they touch are named and left
                         out (a failure on the e2e captures, where none are expected).
  * unexplained          anything else: a failure.

Debugging: --frames ndpi/dns.pcap [--dev swap_timing,...] prints the model's decision for
every frame.  Caches (--cache): oracle outputs keyed by capture and tool versions, probe
dumps keyed by probe binary.

Exit status: 0 when every selected check passed, 1 otherwise, 77 (ctest SKIP_RETURN_CODE)
when the shared corpus or a tool is absent.  Python 3 standard library only.
"""

import argparse
import concurrent.futures
import hashlib
import ipaddress
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict

SKIP = 77
WIRE_OVERHEAD = 24

# test_01.pcap, ntopng's own expectations (ntopng-e2e-tests and ntopng-conventions.md).
TEST01 = {"packets": 4999, "bytes": 3744413, "flows": 177, "hosts": 42, "local_hosts": 4}

# Captures with a known local network (README of the corpus).
LOCAL_NETS = {"ntopng-e2e/test_01.pcap": "192.168.1.0/24"}

# Malformed or fuzzed on purpose (README of the corpus).
MALFORMED_RE = re.compile(r"(badpackets|fuzz|malformed|ip_fragmented_garbage)")

# A representative subset for slow (sanitizer) builds: all e2e captures plus these.
QUICK_NDPI = [
    # common protocols
    "dns.pcap", "http.pcapng", "quic.pcap", "tls_alert.pcap", "ssh.pcap", "smbv1.pcap",
    "sip.pcap", "NTPv3.pcap", "NTPv4.pcap", "bittorrent.pcap", "openvpn.pcap", "ookla.pcap",
    "KakaoTalk_talk.pcap", "nintendo.pcap", "hsrp2_ipv6.pcapng",
    # link types: linux-sll, raw IP, DLT_IPV4, DLT_NULL, PPI
    "dns2tcp_tunnel.pcap", "ocs.pcap", "iqiyi.pcap", "opc-ua.pcap", "someip_sd_sample.pcap",
    # tunnels, PPPoE, SCTP, TSO, truncated frames, role swaps
    "icmp-tunnel.pcap", "ipv6_in_gtp.pcap", "vxlan.pcap", "capwap.pcap", "gre.pcapng",
    "4in6tunnel.pcap", "6in6tunnel.pcap", "discord_mid_flow.pcap", "sctp.cap", "line.pcap",
    "ja3_lots_of_cipher_suites_2_anon.pcap", "http_starting_with_reply.pcapng", "knxip.pcapng",
    "smtp-starttls.pcap",
    # malformed and fuzzed
    "badpackets.pcap", "ip_fragmented_garbage.pcap", "malformed_icmp.pcap",
    "fuzz-2006-06-26-2594.pcap", "fuzz-2006-09-29-28586.pcap", "fuzz-2021-10-13.pcap",
    "kerberos_fuzz.pcapng", "reasm_crash_anon.pcapng", "dhcp-fuzz.pcapng",
    "quic-fuzz-overflow.pcapng",
]

TSHARK_FIELDS = [
    "frame.number", "frame.len", "frame.cap_len", "frame.protocols",
    "eth.src", "eth.dst", "vlan.id", "null.family",
    "ip.hdr_len", "ip.len", "ip.checksum", "ip.flags.mf", "ip.frag_offset", "ip.proto", "ip.src", "ip.dst",
    "ipv6.plen", "ipv6.nxt", "ipv6.src", "ipv6.dst",
    "ipv6.hopopts.nxt", "ipv6.hopopts.len_oct", "ipv6.dstopts.nxt", "ipv6.dstopts.len_oct",
    "tcp.srcport", "tcp.dstport", "tcp.flags", "tcp.hdr_len",
    "udp.srcport", "udp.dstport", "udp.length",
    "sctp.srcport", "sctp.dstport",
    "icmp.type", "icmp.code",
    "dns.id", "ntp.flags.mode",
    "gtp.flags", "gtp.message",
    "gre.flags_and_version", "gre.proto",
    "capwap.header.length", "wlan.fc.type_subtype", "llc.type",
    "ppp.protocol",
]
FI = {name: i for i, name in enumerate(TSHARK_FIELDS)}

TSHARK_OPTS = ["-o", "ip.defragment:FALSE", "-o", "ipv6.defragment:FALSE",
               "-o", "tcp.desegment_tcp_streams:FALSE"]

TH_FIN, TH_SYN, TH_RST, TH_PUSH, TH_ACK = 0x01, 0x02, 0x04, 0x08, 0x10


# ------------------------------------------------------------------------------------------
# small helpers
# ------------------------------------------------------------------------------------------

def to_int(s):
    s = s.strip()
    if not s:
        return None
    try:
        return int(s, 16) if s.startswith(("0x", "0X")) else int(s)
    except ValueError:
        if s in ("True", "true"):
            return 1
        if s in ("False", "false"):
            return 0
        return None


def run(cmd, timeout, env=None):
    """Runs cmd; returns (rc, stdout, stderr). rc < 0: killed by a signal; None: timeout."""
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=timeout, env=env)
        return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode("utf-8", "replace")
        return None, out, "timeout after %ss" % timeout


def atomic_write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tmp-")
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def file_stamp(path):
    st = os.stat(path)
    return "%s:%d:%d" % (os.path.abspath(path), st.st_size, st.st_mtime_ns)


def ip_norm(s):
    try:
        return str(ipaddress.ip_address(s))
    except ValueError:
        return s


# ------------------------------------------------------------------------------------------
# oracle data: capinfos, tshark, ndpiReader (cached on disk, keyed by file and tool)
# ------------------------------------------------------------------------------------------

class Oracles:
    def __init__(self, cache_dir, timeout):
        self.cache_dir = cache_dir
        self.timeout = timeout
        self.versions = {}
        for tool, arg in (("tshark", "--version"), ("capinfos", "--version"),
                          ("ndpiReader", "-h")):
            rc, out, err = run([tool, arg], 30)
            first = (out or err).strip().splitlines()
            self.versions[tool] = first[0] if first else tool

    def _cached(self, kind, path, producer):
        # the key covers the file, the tools' versions and what is asked of them
        salt = "|".join(TSHARK_FIELDS + TSHARK_OPTS) if kind in ("tshark", "tso") else ""
        key = hashlib.sha1(("%s|%s|%s|%s" % (kind, file_stamp(path), self.versions, salt)).encode()).hexdigest()
        cpath = os.path.join(self.cache_dir, kind, key + ".txt") if self.cache_dir else None
        if cpath and os.path.exists(cpath):
            with open(cpath) as f:
                return f.read()
        rc, text = producer()
        if rc is None:
            raise RuntimeError("%s timed out on %s (raise --timeout / NTOP_PCAP_TIMEOUT)" % (kind, path))
        if cpath:
            atomic_write(cpath, text)
        return text

    def capinfos(self, path):
        def produce():
            rc, out, err = run(["capinfos", "-T", "-r", "-c", "-d", "-E", path], self.timeout)
            return rc, out
        text = self._cached("capinfos", path, produce)
        for line in text.splitlines():
            parts = line.split("\t")
            if len(parts) >= 4 and parts[0] == path:
                return {"encap": parts[1], "packets": int(parts[2]), "bytes": int(parts[3])}
        raise RuntimeError("capinfos gave no answer for %s" % path)

    def tshark(self, path):
        def produce():
            cmd = ["tshark", "-n", "-r", path] + TSHARK_OPTS + [
                "-T", "fields", "-E", "separator=/t", "-E", "occurrence=a",
                "-E", "aggregator=,", "-E", "quote=n"]
            for fld in TSHARK_FIELDS:
                cmd += ["-e", fld]
            cmd += ["-z", "endpoints,ip", "-z", "endpoints,ipv6", "-z", "conv,tcp",
                    "-z", "conv,udp"]
            rc, out, err = run(cmd, self.timeout)
            return rc, out
        return self._cached("tshark", path, produce)

    def tso_lengths(self, path):
        """Frames whose IPv4 total length field is 0 (TSO captures).  tshark replaces such a
        length by the frame's, so a second pass with ip.tso_support off reads the raw field:
        {frame number: [occurrence indexes of IPv4 headers with total length 0]}."""
        def produce():
            cmd = ["tshark", "-n", "-r", path] + TSHARK_OPTS + [
                "-o", "ip.tso_support:FALSE", "-Y", "ip.len == 0", "-T", "fields",
                "-E", "occurrence=a", "-E", "aggregator=,", "-e", "frame.number", "-e", "ip.len"]
            rc, out, err = run(cmd, self.timeout)
            return rc, out
        res = {}
        for line in self._cached("tso", path, produce).splitlines():
            no, _, lens = line.partition("\t")
            if no.strip().isdigit():
                res[int(no)] = {i for i, v in enumerate(lens.split(",")) if v.strip() == "0"}
        return res

    def ndpireader(self, path):
        def produce():
            rc, out, err = run(["ndpiReader", "-q", "-i", path, "-v", "2"], self.timeout)
            return rc, out
        return self._cached("ndpiReader", path, produce)


class Frame:
    __slots__ = ("no", "wlen", "caplen", "chain", "f", "tso")


def parse_tshark(text):
    """Splits tshark output into frames and the -z statistics."""
    frames, stats_lines = [], []
    in_stats = False
    n = len(TSHARK_FIELDS)
    for line in text.split("\n"):
        if not in_stats and line.startswith("====="):
            in_stats = True
        if in_stats:
            stats_lines.append(line)
            continue
        if not line:
            continue
        parts = line.split("\t")
        if len(parts) < n:
            parts += [""] * (n - len(parts))
        fr = Frame()
        fr.no = to_int(parts[0]) or 0
        fr.wlen = to_int(parts[1]) or 0
        fr.caplen = to_int(parts[2]) or 0
        fr.chain = parts[3].split(":") if parts[3] else []
        fr.f = [p.split(",") if p else [] for p in parts]
        fr.tso = ()
        frames.append(fr)
    return frames, parse_stats(stats_lines)


def parse_stats(lines):
    """tshark -z endpoints,ip / endpoints,ipv6 / conv,tcp / conv,udp tables."""
    res = {"endpoints": {}, "conv": {"TCP": [], "UDP": []}}
    section = None
    for line in lines:
        s = line.strip()
        if s.endswith("Endpoints") and ("IPv4" in s or "IPv6" in s):
            section = "ep"
            continue
        if s.endswith("Conversations"):
            section = s.split()[0]
            continue
        if not s or s.startswith(("=", "|", "Filter:")):
            continue
        if section == "ep":
            p = s.split()
            if len(p) == 7 and all(x.isdigit() for x in p[1:]):
                res["endpoints"][ip_norm(p[0])] = {
                    "packets": int(p[1]), "bytes": int(p[2]), "tx_packets": int(p[3]),
                    "tx_bytes": int(p[4]), "rx_packets": int(p[5]), "rx_bytes": int(p[6])}
        elif section in ("TCP", "UDP"):
            m = re.match(r"^(\S+)\s+<->\s+(\S+)\s+(\d+)\s+\S+\s+\S+\s+(\d+)\s+\S+\s+\S+\s+(\d+)", s)
            if m:
                res["conv"][section].append((m.group(1), m.group(2), int(m.group(3)),
                                             int(m.group(4)), int(m.group(5))))
    return res


NDPI_LINE = re.compile(
    r"^\s+\d+\s+(\S+)\s+(\S+)\s+(<->|->)\s+(\S+)\s+(?:\[VLAN: (\d+)\])?.*?"
    r"\[proto: ([\d.]+)/([^\]]+)\].*?\[Confidence: ([^\]]+)\].*?"
    r"\[(\d+) pkts/(\d+) bytes (?:<->|->) (\d+) pkts/(\d+) bytes\]")


def split_hostport(s):
    if s.startswith("["):
        host, _, port = s[1:].rpartition("]:")
    else:
        host, _, port = s.rpartition(":")
    return ip_norm(host), int(port) if port.isdigit() else 0


def parse_ndpireader(text):
    flows = []
    for line in text.splitlines():
        m = NDPI_LINE.match(line)
        if not m:
            continue
        a, b = split_hostport(m.group(2)), split_hostport(m.group(4))
        flows.append({"l4": m.group(1), "a": a, "b": b, "vlan": int(m.group(5) or 0),
                      "proto": m.group(7), "confidence": m.group(8),
                      "packets": int(m.group(9)) + int(m.group(11))})
    return flows


# ------------------------------------------------------------------------------------------
# ntopng's data plane, rebuilt from tshark's fields
# ------------------------------------------------------------------------------------------

# Where the probe departs from ntopng.  Each entry switches ONE ntopng rule to what the
# probe does instead (read in server/core/{decode,iface}.c); used only to explain a
# difference, never to hide it.
DEVIATIONS = {
    "swap_timing": "role swap of a mid-connection TCP flow: ntopng swaps on the flow's 2nd "
                   "packet whatever its direction (FlowHash::find returns the swap-requested "
                   "flow, NetworkInterface::getFlow calls Flow::swap), so only the 1st packet "
                   "stays in cli2srv; the probe (iface.c:process_ip) swaps only on the first "
                   "packet from the server side and flow_swap() re-books every packet counted "
                   "before it as sent by the new client",
    "pending_swap": "swap requested but never performed (one-packet flows): ntopng books the "
                    "flow's traffic to the peers as they would be after the swap "
                    "(Flow::get_actual_peers); the probe books it to the original roles",
    "synack_swap": "SYN-ACK seen before the SYN: ntopng requests a swap when the pure SYN "
                   "arrives (Flow::updateTcpFlags); the probe never swaps such flows",
    "ntp_swap": "NTP mode 2 (server to client) first packet: ntopng swaps the flow "
                "(Flow::processDetectedProtocol); the probe does not",
    "no_tunnel": "tunnels (VXLAN, GTP-U, CAPWAP data, GRE carrying IP/Ethernet, 6in4, "
                 "IP-in-IP, 4in6): ntopng decapsulates and keys the flow on the inner packet "
                 "(NetworkInterface::dissectPacket); the probe keys it on the outer header "
                 "(decode.c has no tunnel decoding)",
    "no_pppoe": "PPPoE session frames (0x8864): ntopng skips the PPPoE and PPP headers and "
                "dissects the IP packet; the probe counts them as non-IP (decode.c)",
    "no_frag_phantom": "first fragment of a fragmented UDP datagram: ntopng adds a phantom "
                       "packet of (udp.len - payload + 20) bytes (IMPLEMENT_SMART_FRAGMENTS, "
                       "Flow::incStats); the probe does not",
    "keep_truncated": "IPv4 packet whose total length exceeds the captured bytes: ntopng "
                      "drops it before the flow lookup (processPacket 'Invalid length'); the "
                      "probe keys a flow with it",
    "short_l4": "TCP/UDP/SCTP header not fully captured (e.g. a TCP header cut by the IPv4 "
                "total length): ntopng drops the packet ('Invalid TCP packet', or 'other' for "
                "a UDP header beyond the capture); the probe's decoder leaves l4_present unset "
                "(decode.c:decode_l4) and iface.c:flow_get keys a flow with ports 0",
    "sctp_no_ports": "SCTP: ntopng keys the flow on the SCTP ports (processPacket reads the "
                     "12-byte common header); the probe's decoder has no SCTP case "
                     "(decode.c:decode_l4), so SCTP flows get ports 0",
    "tso_zero_length": "IPv4 total length 0 (capture of TCP-segmentation-offload traffic): "
                       "ntopng keeps the packet and, taking the whole IP payload for Ethernet "
                       "padding, books it with the L2 header only (frame_padding = caplen - "
                       "ip_offset); the probe's decoder rejects the header (decode.c: tot < hlen) "
                       "and books nothing",
    "ip_len_bytes": "IPv4 frame whose capture lost trailing bytes (caplen < len, e.g. an FCS "
                    "counted in the frame length but not captured): ntopng books h->len - "
                    "frame_padding (padding measured on the captured bytes); the probe books "
                    "l3_offset + IP total length (iface.c:process_ip), i.e. without the "
                    "uncaptured tail",
    "ipv6_loopback_local": "::1: ntopng's local networks without -m are 127.0.0.0/8 and "
                           "fe80::/10 (CONST_DEFAULT_LOCAL_NETS) and IpAddress::checkIP has no "
                           "IPv6 loopback rule, so ::1 is a remote host; the probe flags it "
                           "local (probe_is_local), which also counts it in stats.local_hosts",
    "tcp_bad_doff": "TCP data offset below 5 words or beyond the captured bytes: ntopng only "
                    "needs 20 captured bytes and keys the flow on the ports it reads; the "
                    "probe's decoder drops the L4 header (decode.c:decode_l4, hlen check) and "
                    "keys the flow with ports 0",
}

SWAP_DEVS = ("swap_timing", "pending_swap", "synack_swap", "ntp_swap")

# Deviations the project chose on purpose and documents in doc/counting-rules.md ("Deliberate
# differences from ntopng"): reported, not failed.  Every other deviation is a probe bug.
DOCUMENTED = {
    "keep_truncated": "doc/counting-rules.md: a truncated IPv4 packet 'is counted with its "
                      "header's length'",
    "no_frag_phantom": "doc/counting-rules.md: 'no phantom packet' for first UDP fragments",
}


def label_of(why):
    """(label, is_failure) for an explain() reason."""
    if why is None:
        return "unexplained", True
    devs = set(why.split("+")) if why != "all deviations together" else set(DEVIATIONS)
    if devs <= set(DOCUMENTED):
        return "documented probe deviation [%s]" % why, False
    return "probe deviation [%s]" % why, True


class Indeterminate(Exception):
    """ntopng's treatment of the frame cannot be decided from tshark's fields."""


class NoFlow(Exception):
    """ntopng counts the frame on the interface only (no flow, no host)."""


class Cursor:
    """Walks frame.protocols and hands out the matching occurrence of multi-valued fields."""

    def __init__(self, fr):
        self.fr, self.pos, self.seen = fr, 0, Counter()

    def peek(self, k=0):
        i = self.pos + k
        return self.fr.chain[i] if i < len(self.fr.chain) else None

    def next(self):
        tok = self.peek()
        self.pos += 1
        if tok is not None:
            self.seen[tok] += 1
        return tok

    def skip_to(self, tok):
        while self.peek() is not None and self.peek() != tok:
            self.next()
        return self.peek() == tok

    def idx(self, tok):
        """Occurrence index of the `tok` layer just consumed."""
        return self.seen[tok] - 1

    def val(self, field, occ, required=True):
        vals = self.fr.f[FI[field]]
        if occ < len(vals) and vals[occ] != "":
            return vals[occ]
        if required:
            raise Indeterminate("tshark gave no %s" % field)
        return None

    def ival(self, field, occ, required=True):
        v = self.val(field, occ, required)
        if v is None:
            return None
        iv = to_int(v)
        if iv is None and required:
            raise Indeterminate("unparsable %s=%r" % (field, v))
        return iv


class Decision:
    """What ntopng does with one frame: the flow it books, or why none."""
    __slots__ = ("kind", "why", "vlan", "proto", "src", "dst", "sport", "dport", "dnsid",
                 "icmpkey", "flags", "bytes", "phantom", "src_bcast_mac", "dst_bcast_mac",
                 "ntp_mode", "deviation_hint", "flags_unknown")

    def __init__(self):
        self.kind = "flow"
        self.why = ""
        self.vlan = 0
        self.proto = 0
        self.src = self.dst = None
        self.sport = self.dport = 0
        self.dnsid = 0
        self.icmpkey = None
        self.flags = 0
        self.bytes = 0
        self.phantom = 0
        self.src_bcast_mac = self.dst_bcast_mac = False
        self.ntp_mode = None
        self.deviation_hint = ()
        self.flags_unknown = False


BCAST_MAC = "ff:ff:ff:ff:ff:ff"


def decide(fr, encap, dev):
    """ntopng's NetworkInterface::dissectPacket + processPacket for one frame, from tshark's
    fields.  `dev` is a set of DEVIATIONS names to apply instead of ntopng's rule."""
    d = Decision()
    cur = Cursor(fr)
    caplen, wlen = fr.caplen, fr.wlen
    if caplen == 0 or wlen == 0:
        d.kind, d.why = "noflow", "empty frame"
        return d
    try:
        if encap == "ether":
            off = parse_eth(cur, d, 0)
        elif encap == "linux-sll":
            if cur.next() != "sll" or caplen < 16:
                raise NoFlow("short SLL header")
            off = 16
            if cur.peek() == "ethertype":
                cur.next()
        elif encap == "null":
            if cur.next() != "null":
                raise NoFlow("NULL header")
            fam = cur.ival("null.family", 0, required=False)
            # ntopng reads the family in host order and knows 2, 24, 28, 30 only.
            if fam not in (2, 24, 28, 30):
                raise NoFlow("DLT_NULL family %s not handled by ntopng" % fam)
            off = 4
        elif encap in ("rawip", "rawip4", "rawip6"):
            if cur.peek() == "raw":
                cur.next()
            off = 0
            if encap == "rawip4" and cur.peek() == "ipv6":
                raise NoFlow("IPv6 in a DLT_IPV4 capture")
        else:
            raise NoFlow("link type %s not dissected by ntopng" % encap)
        dissect_l3(cur, d, off, 0, dev)
    except NoFlow as e:
        d.kind, d.why = "noflow", str(e)
    except Indeterminate as e:
        d.kind, d.why = "indet", str(e)
    return d


def parse_eth(cur, d, eoff):
    """Ethernet at byte eoff: MACs, 0x8100 tags (innermost VID wins, as ntopng)."""
    if cur.next() != "eth":
        raise Indeterminate("expected an Ethernet header")
    if cur.fr.caplen < eoff + 14:
        raise NoFlow("short Ethernet header")
    ei = cur.idx("eth")
    d.src_bcast_mac = (cur.val("eth.src", ei, False) or "") == BCAST_MAC
    d.dst_bcast_mac = (cur.val("eth.dst", ei, False) or "") == BCAST_MAC
    off = eoff + 14
    if cur.peek() == "ethertype":
        cur.next()
    while cur.peek() == "vlan":
        cur.next()
        d.vlan = cur.ival("vlan.id", cur.idx("vlan"))
        off += 4
        if cur.peek() == "ethertype":
            cur.next()
    return off


def dissect_l3(cur, d, off, overhead, dev):
    tok = cur.peek()
    if tok == "pppoes":
        if "no_pppoe" in dev:
            raise NoFlow("PPPoE (probe: non-IP)")
        cur.next()
        if cur.peek() != "ppp":
            raise NoFlow("PPPoE without PPP")
        cur.next()
        pp = cur.ival("ppp.protocol", cur.idx("ppp"))
        off += 6 + 2  # PPP protocol field: 2 bytes (first byte 0x00)
        if pp == 0x21:
            if cur.peek() != "ip":
                raise Indeterminate("PPP IPv4 not dissected")
        elif pp == 0x57:
            if cur.peek() != "ipv6":
                raise Indeterminate("PPP IPv6 not dissected")
        else:
            raise NoFlow("PPP protocol 0x%x" % pp)
        d.deviation_hint += ("no_pppoe",)
        tok = cur.peek()
    if tok == "mpls":
        raise Indeterminate("MPLS (not modelled)")
    if tok == "ip":
        dissect_ipv4(cur, d, off, overhead, dev)
    elif tok == "ipv6":
        dissect_ipv6(cur, d, off, overhead, dev)
    elif tok is None:
        raise NoFlow("no L3 payload")
    else:
        raise NoFlow("non-IP (%s)" % tok)


def ipv4_fields(cur, k):
    tot = 0 if k in cur.fr.tso else cur.ival("ip.len", k)
    return {"ihl": cur.ival("ip.hdr_len", k), "tot": tot,
            "mf": cur.ival("ip.flags.mf", k), "fo": cur.ival("ip.frag_offset", k),
            "proto": cur.ival("ip.proto", k), "src": cur.val("ip.src", k),
            "dst": cur.val("ip.dst", k)}


def dissect_ipv4(cur, d, off, overhead, dev):
    fr = cur.fr
    caplen = fr.caplen
    if caplen < off + 20:
        raise NoFlow("IPv4 header not captured (ntopng does not even count it: uncounted gap)")
    cur.next()
    k = cur.idx("ip")
    src, dst = cur.val("ip.src", k, False), cur.val("ip.dst", k, False)
    if src and dst:  # known even if the rest of the header is not: names a blind spot
        d.src, d.dst = ip_norm(src), ip_norm(dst)
    ip = ipv4_fields(cur, k)
    ihl, proto = ip["ihl"], ip["proto"]
    if ihl == 0:
        raise NoFlow("IHL 0")
    not_frag = ip["mf"] == 0 and ip["fo"] == 0
    tunnels = "no_tunnel" not in dev
    nxt = cur.peek()
    if proto == 47 and not_frag and caplen >= off + ihl + 4 and nxt == "gre":
        cur.next()
        g = cur.idx("gre")
        fl = cur.ival("gre.flags_and_version", g)
        gp = cur.ival("gre.proto", g)
        goff = off + ihl + 4 + (4 if fl & 0xC000 else 0) + (4 if fl & 0x2000 else 0) + \
            (4 if fl & 0x1000 else 0)
        if caplen >= goff and gp in (0x6558, 0x0800, 0x86dd, 0x88be, 0x22eb):
            if gp in (0x88be, 0x22eb):
                raise Indeterminate("ERSPAN (not modelled)")
            d.deviation_hint += ("no_tunnel",)
            if tunnels:
                if gp == 0x6558:
                    ioff = parse_eth(cur, d, goff)
                    return dissect_l3(cur, d, ioff, overhead, dev)
                return dissect_l3(cur, d, goff, goff, dev)
    elif proto == 41 and caplen >= off + ihl + 40 and nxt == "ipv6":
        d.deviation_hint += ("no_tunnel",)
        if tunnels:
            return dissect_ipv6(cur, d, off + ihl, off + ihl, dev)
    elif proto == 4 and nxt == "ip":
        d.deviation_hint += ("no_tunnel",)
        if tunnels:
            return dissect_l3(cur, d, off + ihl, overhead, dev)
    elif proto == 17 and not_frag:
        if caplen < off + ihl + 8:
            # ntopng: counted as "other" before processPacket; the probe: a portless flow
            d.deviation_hint += ("short_l4",)
            if "short_l4" in dev:
                return process_ipv4(cur, d, off, overhead, k, ip, dev)
            raise NoFlow("UDP header not captured")
        if nxt != "udp":
            raise Indeterminate("UDP header not dissected by tshark")
        u = cur.seen["udp"]  # occurrence index of the udp layer that follows
        sport, dport = cur.ival("udp.srcport", u), cur.ival("udp.dstport", u)
        inner = None
        if 2152 in (sport, dport):
            if cur.peek(1) == "gtp":
                gidx = cur.seen["gtp"]
                gfl = cur.ival("gtp.flags", gidx)
                gmsg = cur.ival("gtp.message", gidx)
                if (gfl >> 5) == 1 and gmsg == 0xFF:
                    ioff = off + ihl + 8 + 8 + (8 if gfl & 0x04 else 0) + \
                        (4 if gfl & 0x02 else 0) + (1 if gfl & 0x01 else 0)
                    inner = ("gtp", ioff)
            else:
                raise Indeterminate("UDP/2152 not dissected as GTP by tshark")
        elif sport == dport == 16667:
            raise Indeterminate("EoIP (not modelled)")
        elif sport == dport == 1701:
            raise Indeterminate("L2TP (not modelled)")
        elif 37008 in (sport, dport):
            raise Indeterminate("TZSP (not modelled)")
        elif dport == 4789:
            if cur.peek(1) == "vxlan" and cur.peek(2) == "eth":
                inner = ("vxlan", off + ihl + 16)
            else:
                raise Indeterminate("UDP/4789 not dissected as VXLAN by tshark")
        if inner is None and 5247 in (sport, dport):
            if cur.peek(1) != "capwap.data":
                raise Indeterminate("UDP/5247 not dissected as CAPWAP data by tshark")
            inner = ("capwap", None)
        if inner is not None:
            d.deviation_hint += ("no_tunnel",)
        if inner is not None and tunnels:
            kind, ioff = inner
            cur.next()  # udp
            if kind == "gtp":
                cur.next()  # gtp
                if cur.peek() == "ipv6":
                    raise NoFlow("IPv6 inside GTP (ntopng: not supported)")
                if cur.peek() != "ip":
                    raise Indeterminate("GTP payload not dissected as IPv4")
                cur.next()
                ik = cur.idx("ip")
                return process_ipv4(cur, d, ioff, overhead, ik, ipv4_fields(cur, ik), dev)
            if kind == "vxlan":
                cur.next()  # vxlan
                ioff = parse_eth(cur, d, ioff)
                return dissect_l3(cur, d, ioff, overhead, dev)
            # CAPWAP data: ntopng assumes a 24-byte 802.11 header and 8 bytes of LLC/SNAP.
            cur.next()  # capwap.data
            hlen = cur.ival("capwap.header.length", 0) * 4
            ioff = off + ihl + 8 + hlen + 24 + 8
            if ioff >= fr.wlen:
                raise NoFlow("CAPWAP frame shorter than ntopng's fixed header")
            if cur.peek() != "wlan":
                raise NoFlow("CAPWAP data without 802.11 frame (ntopng reads a non-IP type)")
            cur.next()
            st = cur.ival("wlan.fc.type_subtype", cur.idx("wlan"))
            if st != 0x20 or cur.peek() != "llc":
                raise NoFlow("CAPWAP 802.11 subtype 0x%x: ntopng's fixed offsets miss the "
                             "LLC type (assumed non-IP)" % st)
            cur.next()
            et = cur.ival("llc.type", cur.idx("llc"), required=False)
            if et == 0x0800 and cur.peek() == "ip":
                cur.next()
                ik = cur.idx("ip")
                return process_ipv4(cur, d, ioff, overhead, ik, ipv4_fields(cur, ik), dev)
            if et == 0x86dd and cur.peek() == "ipv6":
                return process_ipv6(cur, d, ioff, overhead, dev)
            raise NoFlow("CAPWAP payload type %s" % et)
    return process_ipv4(cur, d, off, overhead, k, ip, dev)


def dissect_ipv6(cur, d, off, overhead, dev):
    fr = cur.fr
    if fr.caplen < off + 40:
        raise NoFlow("IPv6 header not captured (ntopng does not even count it: uncounted gap)")
    nxt_tok = cur.peek(1)
    # ntopng's tunnel checks on IPv6 (GRE, CAPWAP on raw port 32532, IP-in-IP).
    k = cur.seen["ipv6"]
    nh = cur.ival("ipv6.nxt", k)
    if nh == 4 and nxt_tok == "ip":
        d.deviation_hint += ("no_tunnel",)
        if "no_tunnel" not in dev:
            cur.next()
            return dissect_l3(cur, d, off + 40, off + 40, dev)
    if nh == 47:
        raise Indeterminate("GRE over IPv6 (not modelled)")
    return process_ipv6(cur, d, off, overhead, dev)


def process_ipv4(cur, d, off, overhead, k, ip, dev):
    """NetworkInterface::processPacket, IPv4 branch; the `ip` layer was consumed."""
    fr = cur.fr
    caplen = fr.caplen
    ihl, tot, proto = ip["ihl"], ip["tot"], ip["proto"]
    d.src, d.dst, d.proto = ip_norm(ip["src"]), ip_norm(ip["dst"]), proto
    if caplen - off < 20 or ihl == 0:
        raise NoFlow("IPv4 header short")
    truncated = tot > caplen - off
    if truncated:
        if "keep_truncated" not in dev:
            d.deviation_hint += ("keep_truncated",)
            raise NoFlow("IPv4 total length %d > captured %d" % (tot, caplen - off))
    if ip["fo"]:
        raise NoFlow("non-first IPv4 fragment")
    if tot == 0:
        d.deviation_hint += ("tso_zero_length",)
        if "tso_zero_length" in dev:
            raise NoFlow("IPv4 total length 0 (probe: malformed)")
    is_frag = bool(ip["mf"])
    l4off = off + ihl
    if truncated:  # probe variant: it trusts the smaller of both
        padding = 0
        d.bytes = min(off + tot, fr.wlen)
    else:
        padding = max(0, caplen - off - tot) & 0xFFFF  # u_int16_t frame_padding
        d.bytes = fr.wlen - overhead - padding
        if caplen < fr.wlen and d.bytes != min(off + tot, fr.wlen):
            d.deviation_hint += ("ip_len_bytes",)
            if "ip_len_bytes" in dev:
                d.bytes = min(off + tot, fr.wlen)
    if caplen <= l4off:
        raise NoFlow("no L4 bytes")
    tl4 = caplen - l4off
    if tl4 > padding:
        tl4 -= padding
    l4(cur, d, tl4, dev, is_frag, ip)


def process_ipv6(cur, d, off, overhead, dev):
    fr = cur.fr
    caplen = fr.caplen
    cur.next()
    k = cur.idx("ipv6")
    d.src, d.dst = ip_norm(cur.val("ipv6.src", k)), ip_norm(cur.val("ipv6.dst", k))
    if caplen - off < 40:
        raise NoFlow("IPv6 header short")
    nh = cur.ival("ipv6.nxt", k)
    shift = 40
    if nh in (0, 60):
        tok = "ipv6.hopopts" if nh == 0 else "ipv6.dstopts"
        if cur.peek() != tok:
            raise Indeterminate("IPv6 option header not dissected")
        cur.next()
        j = cur.idx(tok)
        nh = cur.ival(tok + ".nxt", j)
        shift += cur.ival(tok + ".len_oct", j)
        if caplen - off < shift:
            raise NoFlow("IPv6 options not captured")
    if cur.peek() is not None and cur.peek().startswith("ipv6."):
        raise Indeterminate("second IPv6 extension header (not modelled)")
    d.proto = nh
    d.bytes = fr.wlen - overhead
    l4off = off + shift
    if caplen <= l4off:
        raise NoFlow("no L4 bytes")
    l4(cur, d, caplen - l4off, dev, False, None)


def l4(cur, d, tl4, dev, is_frag, ip):
    proto = d.proto
    nxt = cur.peek()
    if proto == 6:
        if tl4 < 20:
            if "short_l4" in dev:
                return
            d.deviation_hint += ("short_l4",)
            raise NoFlow("TCP header short")
        if nxt != "tcp":
            raise Indeterminate("TCP not dissected by tshark")
        cur.next()
        t = cur.idx("tcp")
        d.sport, d.dport = cur.ival("tcp.srcport", t), cur.ival("tcp.dstport", t)
        hl = cur.ival("tcp.hdr_len", t, required=False)
        if hl is not None and (hl < 20 or hl > tl4):
            # ntopng needs 20 bytes and reads ports and flags whatever the data offset says;
            # the probe's decoder drops the L4 header (decode.c:decode_l4, hlen check)
            d.deviation_hint += ("tcp_bad_doff",)
            if "tcp_bad_doff" in dev:
                d.sport = d.dport = 0
                d.flags = 0
                return
        fl = cur.ival("tcp.flags", t, required=False)
        if fl is None:  # tshark stops before the flags of a bogus header
            d.flags_unknown = True
            fl = 0
        d.flags = fl
    elif proto == 17:
        if tl4 < 8:
            if "short_l4" in dev:
                return
            d.deviation_hint += ("short_l4",)
            raise NoFlow("UDP header short")
        if nxt != "udp":
            raise Indeterminate("UDP not dissected by tshark")
        cur.next()
        u = cur.idx("udp")
        d.sport, d.dport = cur.ival("udp.srcport", u), cur.ival("udp.dstport", u)
        payload = tl4 - 8
        if payload > 20 and 53 in (d.sport, d.dport):
            if cur.peek() != "dns":
                raise Indeterminate("UDP/53 payload not dissected as DNS (transaction id "
                                    "unknown)")
            d.dnsid = cur.ival("dns.id", cur.seen["dns"])
        if cur.peek() == "ntp":
            d.ntp_mode = cur.ival("ntp.flags.mode", cur.seen["ntp"], required=False)
        if is_frag and ip is not None:
            ulen = cur.ival("udp.length", u)
            extra = (ulen - (ip["tot"] - ip["ihl"]) + 20) & 0xFFFF
            if extra:
                d.deviation_hint += ("no_frag_phantom",)
                if "no_frag_phantom" not in dev:
                    d.phantom = extra
    elif proto == 132:
        if tl4 < 12:
            if "short_l4" in dev:
                return
            raise NoFlow("SCTP header short")
        if nxt != "sctp":
            raise Indeterminate("SCTP not dissected by tshark")
        cur.next()
        s = cur.idx("sctp")
        d.deviation_hint += ("sctp_no_ports",)
        if "sctp_no_ports" not in dev:
            d.sport, d.dport = cur.ival("sctp.srcport", s), cur.ival("sctp.dstport", s)
    elif proto == 1:
        # ICMPinfo::key(): the embedded tuple of a port-unreachable splits the flow.
        if tl4 > 2 and nxt == "icmp":
            cur.next()
            c = cur.idx("icmp")
            ty, co = cur.ival("icmp.type", c, False), cur.ival("icmp.code", c, False)
            if ty == 3 and co == 3 and tl4 >= 28:
                if cur.peek() != "ip":
                    raise Indeterminate("ICMP port-unreachable without dissected inner IPv4")
                cur.next()
                ek = cur.idx("ip")
                eihl = cur.ival("ip.hdr_len", ek)
                eproto = cur.ival("ip.proto", ek)
                if eproto == 17 and tl4 >= 8 + eihl + 8:
                    if cur.peek() != "udp":
                        raise Indeterminate("ICMP port-unreachable without inner UDP")
                    cur.next()
                    eu = cur.idx("udp")
                    a = ip_norm(cur.val("ip.src", ek))
                    b = ip_norm(cur.val("ip.dst", ek))
                    ps = (cur.ival("udp.srcport", eu), cur.ival("udp.dstport", eu))
                    d.icmpkey = (tuple(sorted((a, b))), tuple(sorted(ps)))
        elif tl4 > 2 and nxt != "icmp":
            raise Indeterminate("ICMP not dissected by tshark")


# --------------------------------------------------------------------------------- flows --

class FlowState:
    __slots__ = ("cli", "srv", "c2s", "s2c", "swap_req", "swap_done", "cflags", "sflags",
                 "twh_over", "key", "frames", "indet", "hints")

    def __init__(self, key, cli, srv):
        self.key, self.cli, self.srv = key, cli, srv
        self.c2s, self.s2c = [0, 0], [0, 0]
        self.swap_req = self.swap_done = self.twh_over = False
        self.cflags = self.sflags = 0
        self.frames = []
        self.indet = False
        self.hints = set()


class HostState:
    __slots__ = ("ip", "vlan", "unicast", "local", "sent", "rcvd", "indet")

    def __init__(self, ip, vlan):
        self.ip, self.vlan = ip, vlan
        self.sent, self.rcvd = [0, 0], [0, 0]
        self.indet = False


class LocalNets:
    def __init__(self, spec):
        self.nets = [ipaddress.ip_network(n, strict=False) for n in spec.split(",")] if spec else []

    def flags(self, ip):
        """(local, multicast, broadcast) as ntopng's IpAddress::checkIP."""
        a = ipaddress.ip_address(ip)
        if a.version == 4:
            v = int(a)
            if (v >> 28) == 0xE:
                return True, True, False
            if v in (0, 0xFFFFFFFF):
                return True, False, True
            if (v >> 24) == 127:
                return True, False, False
            for n in self.nets:
                if n.version == 4 and a in n:
                    bc = 0 < n.prefixlen < 31 and (a == n.network_address or a == n.broadcast_address)
                    return True, False, bc
            return False, False, False
        local = (a.packed[0] == 0xFE and (a.packed[1] & 0xC0) == 0x80) or \
            any(n.version == 6 and a in n for n in self.nets)
        mc = a.packed[0] == 0xFF
        return local or mc, mc, False

    def nonempty_unicast(self, ip):
        a = ipaddress.ip_address(ip)
        _, mc, bc = self.flags(ip)
        return not mc and not bc and int(a) != 0


class Model:
    """The flow and host tables ntopng would hold after replaying the capture."""

    def __init__(self, frames, encap, localnets, dev=frozenset()):
        self.dev = set(dev)
        self.ln = localnets
        self.flows = {}
        self.order = []
        self.hosts = {}
        self.noflow = Counter()
        self.indet_frames = []
        self.blind_all = False
        self.blind_pairs = set()
        self.blind_ips = set()
        self.bad_doff = []
        self.uncounted = 0
        self.hints = Counter()
        for fr in frames:
            dec = decide(fr, encap, self.dev)
            self.hints.update(dec.deviation_hint)
            if dec.kind == "noflow":
                self.noflow[dec.why] += 1
                if "uncounted gap" in dec.why:
                    self.uncounted += 1
                continue
            if dec.kind == "indet":
                self.indet_frames.append((fr.no, dec.why, dec.src, dec.dst))
                if dec.src is None or dec.dst is None:
                    self.blind_all = True
                else:
                    self.blind_pairs.add(frozenset((dec.src, dec.dst)))
                    self.blind_ips.update((dec.src, dec.dst))
                continue
            if dec.flags_unknown:
                self.indet_frames.append((fr.no, "TCP flags unknown (bogus header)", dec.src, dec.dst))
                self.blind_pairs.add(frozenset((dec.src, dec.dst)))
                self.blind_ips.update((dec.src, dec.dst))
            if "tcp_bad_doff" in dec.deviation_hint:
                self.bad_doff.append((fr.no, dec.src, dec.dst, dec.sport, dec.dport))
            self.packet(fr, dec)
        self.finish()
        for f in self.order:
            if self.pair_blind(f.cli[0], f.srv[0]):
                f.indet = True
        for h in self.hosts.values():
            if self.ip_blind(h.ip):
                h.indet = True

    def pair_blind(self, a, b):
        return self.blind_all or frozenset((a, b)) in self.blind_pairs

    def ip_blind(self, a):
        return self.blind_all or a in self.blind_ips

    # ntopng keys: vlan, L4 proto, the unordered endpoint pair, private_flow_id (DNS id),
    # and the ICMP port-unreachable key (through the hash bucket).
    @staticmethod
    def key_of(dec):
        a, b = (dec.src, dec.sport), (dec.dst, dec.dport)
        return (dec.vlan, dec.proto, tuple(sorted((a, b))), dec.dnsid, dec.icmpkey)

    def host(self, ip, vlan, bcast_mac):
        h = self.hosts.get((ip, vlan))
        if h is None:
            h = HostState(ip, vlan)
            local, mc, bc = self.ln.flags(ip)
            if ip == "::1":
                self.hints["ipv6_loopback_local"] += 1
                if "ipv6_loopback_local" in self.dev:
                    local = True
            h.local = local
            h.unicast = not mc and not bc and not bcast_mac
            self.hosts[(ip, vlan)] = h
        return h

    def check_swap(self, f, proto):
        if proto == 6 and (f.cflags & TH_SYN):
            return
        if f.cli[1] == 0 or f.srv[1] == 0:
            return
        if "swap_timing" in self.dev:
            # probe: flow_get(); TCP and SCTP only, "unicast" includes the host's MAC test
            hc, hs = self.hosts.get((f.cli[0], f.key[0])), self.hosts.get((f.srv[0], f.key[0]))
            if proto in (6, 132) and f.cli[1] < f.srv[1] and not (hc.unicast and not hs.unicast):
                f.swap_req = True
            return
        if not (self.ln.nonempty_unicast(f.cli[0]) and not self.ln.nonempty_unicast(f.srv[0])) \
                and f.cli[1] < f.srv[1] and proto != 17:
            f.swap_req = True

    def packet(self, fr, dec):
        k = self.key_of(dec)
        f = self.flows.get(k)
        new = f is None
        probe_swap = "swap_timing" in self.dev
        if f is not None and f.swap_req and not probe_swap:
            self.swap(f)
        if new:
            f = FlowState(k, (dec.src, dec.sport), (dec.dst, dec.dport))
            self.flows[k] = f
            self.order.append(f)
            self.host(dec.src, dec.vlan, dec.src_bcast_mac)
            self.host(dec.dst, dec.vlan, dec.dst_bcast_mac)
        c2s = (dec.src, dec.sport) == f.cli
        if probe_swap and f.swap_req and not c2s:
            self.swap(f)
            c2s = True
        f.frames.append(fr.no)
        f.hints.update(dec.deviation_hint)
        if dec.proto == 6:
            fl = dec.flags
            if c2s:
                f.cflags |= fl
            else:
                f.sflags |= fl
            f3 = fl & 0x3F
            if not f.twh_over:
                if f3 == TH_SYN:
                    if (f.cflags & (TH_SYN | TH_ACK)) == (TH_SYN | TH_ACK):
                        f.hints.add("synack_swap")
                        self.hints["synack_swap"] += 1
                        if "synack_swap" not in self.dev:
                            f.swap_req = True
                elif f3 == (TH_SYN | TH_ACK):
                    pass
                else:
                    f.twh_over = True
            if new and (not (fl & TH_SYN) or (fl & TH_ACK)):
                self.check_swap(f, 6)
        elif dec.proto not in (1, 58):
            if new:
                self.check_swap(f, dec.proto)
        if new and dec.proto == 17 and dec.ntp_mode == 2:
            f.hints.add("ntp_swap")
            self.hints["ntp_swap"] += 1
            if "ntp_swap" not in self.dev:
                f.swap_req = True
        slot = f.c2s if c2s else f.s2c
        if dec.phantom:
            slot[0] += 1
            slot[1] += dec.phantom
        slot[0] += 1
        slot[1] += dec.bytes

    def swap(self, f):
        f.cli, f.srv = f.srv, f.cli
        f.cflags, f.sflags = f.sflags, f.cflags
        f.swap_req = False
        f.swap_done = True
        f.hints.add("swap_timing")
        self.hints["swap_timing"] += 1

    def finish(self):
        """Periodic flow updates at the end of the file: flow deltas go to the hosts."""
        for f in self.order:
            cli, srv = f.cli, f.srv
            if f.swap_req and not f.swap_done:
                f.hints.add("pending_swap")
                self.hints["pending_swap"] += 1
                if "pending_swap" not in self.dev:
                    cli, srv = srv, cli  # Flow::get_actual_peers
            hc = self.hosts[(cli[0], f.key[0])]
            hs = self.hosts[(srv[0], f.key[0])]
            for h, out, inn in ((hc, f.c2s, f.s2c), (hs, f.s2c, f.c2s)):
                h.sent[0] += out[0]
                h.sent[1] += out[1]
                h.rcvd[0] += inn[0]
                h.rcvd[1] += inn[1]


    # --- views compared with the probe ---
    def flow_rows(self):
        rows = []
        for f in self.order:
            rows.append(FlowRow(f.key[0], f.key[1], f.cli[0], f.cli[1], f.srv[0], f.srv[1],
                                f.c2s[0], f.c2s[1], f.s2c[0], f.s2c[1], f.indet, f.hints,
                                f.frames))
        return rows

    def counts(self):
        hosts = sum(1 for h in self.hosts.values() if h.unicast)
        local = sum(1 for h in self.hosts.values() if h.unicast and h.local)
        return {"flows": len(self.flows), "hosts": hosts, "local_hosts": local}


class FlowRow:
    __slots__ = ("vlan", "proto", "cip", "cport", "sip", "sport", "cp", "cb", "sp", "sb",
                 "indet", "hints", "frames")

    def __init__(self, vlan, proto, cip, cport, sip, sport, cp, cb, sp, sb, indet=False,
                 hints=(), frames=()):
        self.vlan, self.proto = vlan, proto
        self.cip, self.cport, self.sip, self.sport = cip, cport, sip, sport
        self.cp, self.cb, self.sp, self.sb = cp, cb, sp, sb
        self.indet, self.hints, self.frames = indet, hints, frames

    def group(self):
        return (self.vlan, self.proto) + tuple(sorted(((self.cip, self.cport),
                                                       (self.sip, self.sport))))

    def sig(self):
        return (self.cip, self.cport, self.sip, self.sport, self.cp, self.cb, self.sp, self.sb)

    def text(self):
        return "%s %s:%s -> %s:%s vlan %s  c2s %d pkts/%d B  s2c %d pkts/%d B" % (
            proto_name(self.proto), self.cip, self.cport, self.sip, self.sport, self.vlan,
            self.cp, self.cb, self.sp, self.sb)


def proto_name(p):
    return {1: "ICMP", 6: "TCP", 17: "UDP", 58: "ICMPv6", 132: "SCTP", 47: "GRE"}.get(p, "proto%s" % p)


L4_IDS = {"TCP": 6, "UDP": 17, "ICMP": 1, "IPv6-ICMP": 58, "ICMPv6": 58, "SCTP": 132,
          "GRE": 47, "IGMP": 2, "ESP": 50, "AH": 51, "IPv6": 41, "VRRP": 112, "PIM": 103,
          "OSPF": 89, "EIGRP": 88, "RSVP": 46, "HIP": 139, "IP": 0}


# ------------------------------------------------------------------------------------------
# the probe
# ------------------------------------------------------------------------------------------

class Probe:
    def __init__(self, binary, dump_lua, cache_dir, timeout, data_dir):
        self.binary, self.dump_lua, self.timeout = binary, dump_lua, timeout
        self.data_dir = data_dir
        stamp = hashlib.sha1((file_stamp(binary) + "|" + file_stamp(dump_lua)).encode()).hexdigest()
        self.cache_dir = os.path.join(cache_dir, "probe", stamp[:16]) if cache_dir else None

    def cmd(self, path, localnet, giveup):
        c = [self.binary, "-i", path, "--shutdown-when-done", "--run-script", self.dump_lua,
             "-q", "-d", self.data_dir]
        if localnet:
            c += ["-m", localnet]
        if giveup:
            c += ["--ndpi-giveup-packets", str(giveup)]
        return c

    def run(self, path, localnet=None, giveup=None, use_cache=True):
        """Returns (result dict or None, error text or None, raw run info)."""
        ckey = hashlib.sha1(("%s|%s|%s" % (file_stamp(path), localnet, giveup)).encode()).hexdigest()
        cpath = os.path.join(self.cache_dir, ckey + ".json") if self.cache_dir else None
        if use_cache and cpath and os.path.exists(cpath):
            with open(cpath) as f:
                return json.load(f), None, {"cached": True}
        t0 = time.time()
        rc, out, err = run(self.cmd(path, localnet, giveup), self.timeout)
        info = {"rc": rc, "stderr": err, "secs": time.time() - t0, "cached": False}
        problems = []
        if rc is None:
            problems.append("timeout after %ss" % self.timeout)
        elif rc < 0:
            problems.append("killed by signal %d" % -rc)
        elif rc != 0:
            problems.append("exit status %d" % rc)
        for pat in ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
                    "ERROR: UndefinedBehaviorSanitizer"):
            if pat in err:
                problems.append("sanitizer report (%s)" % pat)
                break
        doc = None
        for line in out.splitlines():
            if line.startswith("{"):
                try:
                    doc = json.loads(line)
                except ValueError as e:
                    problems.append("invalid JSON from dump.lua: %s" % e)
                break
        if doc is None and not problems:
            problems.append("dump.lua printed no JSON")
        if problems:
            tail = "\n".join(err.strip().splitlines()[-15:])
            return None, "; ".join(problems) + ("\n      stderr: " + tail.replace("\n", "\n      ") if tail else ""), info
        if cpath:
            atomic_write(cpath, json.dumps(doc))
        return doc, None, info


def probe_flow_rows(doc):
    rows = []
    for fl in doc.get("flows") or []:
        pid = fl.get("proto.l4_id")
        if pid is None:
            pid = L4_IDS.get(fl.get("proto.l4"), fl.get("proto.l4"))
        rows.append(FlowRow(int(fl.get("vlan") or 0), pid, ip_norm(fl["cli.ip"]),
                            int(fl.get("cli.port") or 0), ip_norm(fl["srv.ip"]),
                            int(fl.get("srv.port") or 0), int(fl.get("cli2srv.packets") or 0),
                            int(fl.get("cli2srv.bytes") or 0), int(fl.get("srv2cli.packets") or 0),
                            int(fl.get("srv2cli.bytes") or 0)))
    return rows


def probe_hosts(doc):
    res = {}
    for h in doc.get("hosts") or []:
        res[(ip_norm(h["ip"]), int(h.get("vlan") or 0))] = (
            int(h.get("packets.sent") or 0), int(h.get("bytes.sent") or 0),
            int(h.get("packets.rcvd") or 0), int(h.get("bytes.rcvd") or 0),
            "local" if h.get("localhost") else "remote")
    return res


# ------------------------------------------------------------------------------------------
# comparisons
# ------------------------------------------------------------------------------------------

def group_rows(rows):
    g = defaultdict(list)
    for r in rows:
        g[r.group()].append(r)
    return g


def diff_flows(model_rows, probe_rows):
    """Groups (vlan, proto, endpoint pair) whose flow multisets differ."""
    mg, pg = group_rows(model_rows), group_rows(probe_rows)
    bad = {}
    for key in set(mg) | set(pg):
        ms = Counter(r.sig() for r in mg.get(key, []))
        ps = Counter(r.sig() for r in pg.get(key, []))
        if ms != ps:
            bad[key] = (mg.get(key, []), pg.get(key, []))
    return bad, mg, pg


def host_tuple(h):
    return (h.sent[0], h.sent[1], h.rcvd[0], h.rcvd[1], "local" if h.local else "remote")


def diff_hosts(model, phosts):
    bad = {}
    keys = set(model.hosts) | set(phosts)
    for k in keys:
        m = model.hosts.get(k)
        mv = host_tuple(m) if m else None
        pv = phosts.get(k)
        if mv != pv:
            bad[k] = (mv, pv)
    return bad


class CaptureCtx:
    """Everything known about one capture, computed lazily."""

    def __init__(self, name, path, oracles, probe):
        self.name, self.path, self.oracles, self.probe = name, path, oracles, probe
        self.localnet = LOCAL_NETS.get(name)
        self._cap = self._frames = self._stats = None
        self._models = {}
        self._docs = {}

    @property
    def cap(self):
        if self._cap is None:
            self._cap = self.oracles.capinfos(self.path)
        return self._cap

    def _load_tshark(self):
        if self._frames is None:
            self._frames, self._stats = parse_tshark(self.oracles.tshark(self.path))
            # TSO candidates: IPv4 checksum left at 0 by the NIC, or frames above 1518 bytes
            ck = FI["ip.checksum"]
            if any(fr.wlen > 1518 or "0x0000" in fr.f[ck] for fr in self._frames
                   if fr.f[ck]):
                tso = self.oracles.tso_lengths(self.path)
                for fr in self._frames:
                    if fr.no in tso:
                        fr.tso = tso[fr.no]

    @property
    def frames(self):
        self._load_tshark()
        return self._frames

    @property
    def tstats(self):
        self._load_tshark()
        return self._stats

    def model(self, dev=frozenset()):
        dev = frozenset(dev)
        if dev not in self._models:
            self._models[dev] = Model(self.frames, self.cap["encap"], LocalNets(self.localnet), dev)
        return self._models[dev]

    def doc(self, giveup=None):
        if giveup not in self._docs:
            self._docs[giveup] = self.probe.run(self.path, self.localnet, giveup)
        return self._docs[giveup]


class Result:
    def __init__(self, name):
        self.name = name
        self.ok = True
        self.summary = ""
        self.details = []
        self.metrics = Counter()
        self.categories = Counter()

    def fail(self, msg):
        self.ok = False
        self.details.append("FAIL " + msg)

    def note(self, msg):
        self.details.append("     " + msg)


# ---------------------------------------------------------------------------------- iface --

def check_iface(ctx, res):
    doc, err, info = ctx.doc()
    if err:
        res.fail("probe run: " + err)
        return
    st = doc.get("stats") or {}
    exp_p = ctx.cap["packets"]
    exp_b = ctx.cap["bytes"] + WIRE_OVERHEAD * exp_p
    got_p, got_b = st.get("packets"), st.get("bytes")
    res.metrics["iface_checked"] += 1
    if got_p == exp_p and got_b == exp_b:
        res.metrics["iface_ok"] += 1
        res.summary = "packets %d, bytes %d (= %d + 24 x %d)" % (got_p, got_b, ctx.cap["bytes"], exp_p)
    else:
        res.fail("interface: probe packets %s bytes %s; capinfos %d frames, %d bytes -> "
                 "expected %d / %d (+24 per frame)" % (got_p, got_b, exp_p, ctx.cap["bytes"],
                                                      exp_p, exp_b))
    if doc.get("missing"):
        res.note("bindings missing in this build: %s" % ", ".join(doc["missing"]))


# --------------------------------------------------------------------- oracle validation --

def validate_extraction(ctx, res):
    """The per-frame fields must reproduce tshark's own endpoint table (every IP layer of a
    frame, quoted packets of ICMP errors excepted, counts the frame length as sent by its
    source and received by its destination) and, for information, its TCP/UDP
    conversation table (frames per address/port pair)."""
    ep = defaultdict(lambda: [0, 0, 0, 0])
    conv = Counter()
    for fr in ctx.frames:
        seen = Counter()
        last = None
        for tok in fr.chain:
            if tok in ("icmp", "icmpv6"):
                break  # what follows is the quoted packet of an ICMP error
            if tok in ("ip", "ipv6"):
                i = seen[tok]
                seen[tok] += 1
                src = fr.f[FI[tok + ".src"]]
                dst = fr.f[FI[tok + ".dst"]]
                if i < len(src) and i < len(dst) and src[i] and dst[i]:
                    a, b = ip_norm(src[i]), ip_norm(dst[i])
                    ep[a][0] += 1
                    ep[a][1] += fr.wlen
                    ep[b][2] += 1
                    ep[b][3] += fr.wlen
                    last = (a, b)
            elif tok in ("tcp", "udp"):
                i = seen[tok]
                seen[tok] += 1
                sp, dp = fr.f[FI[tok + ".srcport"]], fr.f[FI[tok + ".dstport"]]
                if last and i < len(sp) and i < len(dp) and sp[i] and dp[i]:
                    ends = ((last[0], int(sp[i])), (last[1], int(dp[i])))
                    conv[(tok.upper(),) + tuple(sorted(ends))] += 1
    tep = ctx.tstats["endpoints"]
    ep_bad = {a for a in set(tep) | set(ep) if a not in tep or a not in ep or
              (tep[a]["tx_packets"], tep[a]["tx_bytes"], tep[a]["rx_packets"],
               tep[a]["rx_bytes"]) != tuple(ep[a])}
    ep_ok = not ep_bad
    tconv = Counter()
    for l4, (rows) in ctx.tstats["conv"].items():
        for a, b, f1, f2, tot in rows:
            tconv[(l4,) + tuple(sorted((split_hostport(a), split_hostport(b))))] += tot
    conv_ok = tconv == conv
    return ep_ok, conv_ok, ep, tep, ep_bad


# ---------------------------------------------------------------------------------- flows --

def explain(ctx, items_fn, bad_keys):
    """Attributes each differing item to the smallest set of DEVIATIONS (one, else two, else
    every deviation the capture's frames are concerned by) that makes the model agree with
    the probe.  Returns {item: label or None}."""
    reasons = {}
    remaining = set(bad_keys)
    if not remaining:
        return reasons
    base = ctx.model()
    alldev = ctx.model(DEVIATIONS.keys())
    concerned = [d for d in DEVIATIONS if base.hints.get(d) or alldev.hints.get(d)] or list(DEVIATIONS)
    trials = [(d,) for d in DEVIATIONS]
    trials += list(itertools.combinations(concerned, 2))
    trials.append(tuple(concerned))
    trials.append(tuple(DEVIATIONS))
    for devs in trials:
        if not remaining:
            break
        still_bad = items_fn(ctx.model(devs))
        for k in list(remaining):
            if k not in still_bad:
                reasons[k] = "+".join(devs) if len(devs) < len(DEVIATIONS) else "all deviations together"
                remaining.discard(k)
    for k in remaining:
        reasons[k] = None
    return reasons


def check_flows(ctx, res, strict):
    doc, err, info = ctx.doc()
    if err:
        res.fail("probe run: " + err)
        return
    if doc.get("flows") is None:
        res.fail("interface.getFlowsInfo missing from this build (dump.lua reported %s)" %
                 doc.get("missing"))
        return
    model = ctx.model()
    mrows, prows = model.flow_rows(), probe_flow_rows(doc)
    ep_ok, conv_ok, _, _, _ = validate_extraction(ctx, res)
    if not conv_ok:
        res.note("oracle: per-frame TCP/UDP ports differ from tshark's conversation table "
                 "(its TCP/UDP taps skip fragments and bogus headers); flows are rebuilt per frame")
    bad, mg, pg = diff_flows(mrows, prows)
    # a group is a blind spot when a frame tshark could not decide joins the same two IPs
    indet_groups = {k for k in bad if model.pair_blind(k[2][0], k[3][0])}
    if model.indet_frames:
        res.categories["oracle blind spot (frames)"] += len(model.indet_frames)
    reasons = explain(ctx, lambda mdl: set(diff_flows(mdl.flow_rows(), prows)[0]),
                      [k for k in bad if k not in indet_groups])
    nflows = len(mrows)
    matched = sum(len(mg[k]) for k in mg if k not in bad)
    res.metrics["flows_model"] += nflows
    res.metrics["flows_probe"] += len(prows)
    res.metrics["flows_matched"] += matched
    res.metrics["flows_blind"] += sum(len(bad[k][0]) for k in indet_groups)
    st = doc.get("stats") or {}
    counts = model.counts()
    if st.get("flows") != len(prows):
        res.fail("stats.flows %s but getFlowsInfo listed %d flows" % (st.get("flows"), len(prows)))
    if not indet_groups and st.get("flows") != counts["flows"]:
        why = explain(ctx, lambda mdl: {"n"} if mdl.counts()["flows"] != st.get("flows") else set(),
                      ["n"])["n"]
        label, failure = label_of(why)
        (res.fail if failure else res.note)("stats.flows %s, ntopng model %d: %s" % (
            st.get("flows"), counts["flows"], label))
    # TCP headers with a bogus data offset: ntopng keys the flow on the ports whatever the
    # flags (which tshark cannot give) turn out to be; a probe flow with ports 0 is the bug.
    for no, a, b, sp, dp in model.bad_doff:
        portless = [r for r in prows if r.proto == 6 and {r.cip, r.sip} == {a, b} and
                    r.cport == 0 and r.sport == 0]
        if portless:
            res.categories["flows: probe deviation [tcp_bad_doff]"] += 1
            res.fail("frame %d: TCP %s:%d -> %s:%d with a bogus data offset: ntopng keys the flow "
                     "on these ports, the probe lists %s: probe deviation [tcp_bad_doff]" % (
                         no, a, sp, b, dp, portless[0].text()))
    if model.uncounted:
        res.note("%d frame(s) have no complete IP header: ntopng would not count them on the "
                 "interface at all (dataplane notes 1.4.11); the probe counts every frame, as "
                 "capinfos" % model.uncounted)
    by_reason = defaultdict(list)
    for k, why in reasons.items():
        by_reason[why].append(k)
    for why, keys in sorted(by_reason.items(), key=lambda x: str(x[0])):
        label, failure = label_of(why)
        res.categories["flows: " + label] += len(keys)
        (res.fail if failure else res.note)("%d flow group(s) differ: %s" % (len(keys), label))
        if not failure:
            res.metrics["flows_documented"] += sum(len(bad[k][0]) for k in keys)
        for k in sorted(keys, key=str)[:4]:
            m, p = bad[k]
            for r in m:
                res.note("  ntopng model: " + r.text() + "  (frames %s)" % short_frames(r.frames))
            for r in p:
                res.note("  probe       : " + r.text())
        if len(keys) > 4:
            res.note("  ... and %d more group(s)" % (len(keys) - 4))
    if indet_groups:
        (res.fail if strict else res.note)("%d flow group(s) left out: oracle blind spot (%s)" % (
            len(indet_groups), "; ".join(sorted({w for _, w, _, _ in model.indet_frames}))[:300]))
    blind = "" if not indet_groups else ", %d blind" % sum(len(bad[k][0]) for k in indet_groups)
    res.summary = "flows %d/%d match%s (probe lists %d, stats.flows %s)" % (
        matched, nflows, blind, len(prows), st.get("flows"))


def short_frames(fr):
    if len(fr) <= 6:
        return ",".join(map(str, fr))
    return ",".join(map(str, fr[:5])) + ",...(%d)" % len(fr)


# ---------------------------------------------------------------------------------- hosts --

def check_hosts(ctx, res, strict):
    doc, err, info = ctx.doc()
    if err:
        res.fail("probe run: " + err)
        return
    if doc.get("hosts") is None:
        res.fail("interface.getHostsInfo missing from this build (dump.lua reported %s)" %
                 doc.get("missing"))
        return
    model = ctx.model()
    ph = probe_hosts(doc)
    ep_ok, conv_ok, raw, tep, ep_bad = validate_extraction(ctx, res)
    if not ep_ok:
        unexplained = {a for a in ep_bad if not model.ip_blind(a)}
        (res.fail if unexplained else res.note)(
            "oracle: per-frame IP fields do not reproduce tshark -z endpoints for %d "
            "address(es)%s" % (len(ep_bad), ": " + ", ".join(sorted(unexplained)[:5]) if unexplained
                               else ", all touched by frames tshark could not decode (blind spots)"))
    bad = diff_hosts(model, ph)
    blind = {k for k in bad if model.ip_blind(k[0])}
    reasons = explain(ctx, lambda mdl: set(diff_hosts(mdl, ph)), [k for k in bad if k not in blind])
    res.metrics["hosts_model"] += len(model.hosts)
    res.metrics["hosts_probe"] += len(ph)
    matched = sum(1 for k in model.hosts if k not in bad)
    res.metrics["hosts_matched"] += matched
    res.metrics["hosts_blind"] += len(blind)
    # the transformation from tshark's endpoint figures to ntopng's
    sent_ep = sum(v["tx_bytes"] for v in tep.values())
    sent_model = sum(h.sent[1] for h in model.hosts.values())
    st = doc.get("stats") or {}
    counts = model.counts()
    for key in ("hosts", "local_hosts"):
        if not blind and st.get(key) != counts[key]:
            why = explain(ctx, lambda mdl: {key} if mdl.counts()[key] != st.get(key) else set(),
                          [key])[key]
            label, failure = label_of(why)
            (res.fail if failure else res.note)("stats.%s %s, ntopng model %d: %s" % (
                key, st.get(key), counts[key], label))
    by_reason = defaultdict(list)
    for k, why in reasons.items():
        by_reason[why].append(k)
    for why, keys in sorted(by_reason.items(), key=lambda x: str(x[0])):
        label, failure = label_of(why)
        res.categories["hosts: " + label] += len(keys)
        (res.fail if failure else res.note)("%d host(s) differ: %s" % (len(keys), label))
        if not failure:
            res.metrics["hosts_documented"] += len(keys)
        for k in sorted(keys, key=str)[:4]:
            mv, pv = bad[k]
            res.note("  %s vlan %d: ntopng model %s, probe %s  (pkts sent, bytes sent, pkts rcvd, bytes rcvd, localhost)"
                     % (k[0], k[1], mv, pv))
        if len(keys) > 4:
            res.note("  ... and %d more" % (len(keys) - 4))
    if blind:
        (res.fail if strict else res.note)(
            "%d host(s) left out: touched by frames tshark's fields cannot decide" % len(blind))
    res.summary = "hosts %d/%d match%s (stats.hosts %s/%d, local %s/%d); tshark endpoints " \
                  "reproduced: %s; sent bytes %d (endpoints) -> %d (ntopng rules)" % (
                      matched, len(model.hosts), (", %d blind" % len(blind)) if blind else "",
                      st.get("hosts"), counts["hosts"], st.get("local_hosts"),
                      counts["local_hosts"], "yes" if ep_ok else "NO", sent_ep, sent_model)


# ---------------------------------------------------------------------------------- proto --

def check_proto(ctx, res, strict):
    doc, err, info = ctx.doc(giveup=1000)
    if err:
        res.fail("probe run: " + err)
        return
    if doc.get("flows") is None:
        res.fail("interface.getFlowsInfo missing from this build")
        return
    nd = parse_ndpireader(ctx.oracles.ndpireader(ctx.path))
    idx = defaultdict(list)
    for f in nd:
        idx[(f["vlan"], f["l4"]) + tuple(sorted((f["a"], f["b"])))].append(f)
    agree = disagree = unmatched = 0
    reasons = Counter()
    examples = []
    for fl in doc["flows"]:
        l4 = fl.get("proto.l4")
        pid = fl.get("proto.l4_id")
        l4n = {6: "TCP", 17: "UDP", 1: "ICMP", 58: "ICMP6"}.get(pid, l4)
        a = (ip_norm(fl["cli.ip"]), int(fl.get("cli.port") or 0))
        b = (ip_norm(fl["srv.ip"]), int(fl.get("srv.port") or 0))
        cands = idx.get((int(fl.get("vlan") or 0), l4n) + tuple(sorted((a, b))))
        if not cands:
            cands = idx.get((0, l4n) + tuple(sorted((a, b))))
        if not cands:
            unmatched += 1
            continue
        pp = fl.get("proto.ndpi")
        names = {c["proto"] for c in cands}
        if pp in names:
            agree += 1
            continue
        disagree += 1
        c = cands[0]
        pk = int(fl.get("packets") or 0)
        if len(cands) > 1 or c["packets"] != pk:
            why = "flow boundaries differ (ndpiReader %d pkts, probe %d): different packets fed to nDPI" % (
                c["packets"], pk)
            cls = "flow boundaries differ"
        elif c["confidence"] != "DPI" or (c["proto"] == "Unknown"):
            why = "ndpiReader %s by '%s'" % ("guessed" if c["proto"] != "Unknown" else "left it", c["confidence"])
            cls = "ndpiReader guess (%s)" % c["confidence"]
        else:
            why = "both classified by DPI on the same packets"
            cls = "unexplained"
        reasons[cls] += 1
        examples.append("%s %s:%d <-> %s:%d: probe %r, ndpiReader %r [%s]: %s" % (
            l4n, a[0], a[1], b[0], b[1], pp, c["proto"], c["confidence"], why))
    res.metrics["proto_agree"] += agree
    res.metrics["proto_disagree"] += disagree
    res.metrics["proto_unmatched"] += unmatched
    for cls, n in reasons.items():
        res.categories["proto: " + cls] += n
    res.summary = "protocols: %d agree, %d differ, %d flows without ndpiReader counterpart" % (
        agree, disagree, unmatched)
    for e in examples[:6]:
        res.note("  " + e)
    if len(examples) > 6:
        res.note("  ... and %d more" % (len(examples) - 6))
    if reasons.get("unexplained"):
        res.fail("%d flow(s) classified differently from ndpiReader on the same packets" %
                 reasons["unexplained"])


# --------------------------------------------------------------------------------- test01 --

def check_test01(ctx, res, strict):
    doc, err, info = ctx.doc()
    if err:
        res.fail("probe run: " + err)
        return
    st = doc.get("stats") or {}
    got = {k: st.get(k) for k in TEST01}
    for k, v in TEST01.items():
        if got[k] != v:
            res.fail("%s: probe %s, ntopng %s" % (k, got[k], v))
    res.summary = ", ".join("%s %s" % (k, got[k]) for k in TEST01)


# --------------------------------------------------------------------------------- robust --

def check_robust(ctx, res, strict):
    for giveup in (None, 1000):
        doc, err, info = ctx.probe.run(ctx.path, ctx.localnet, giveup, use_cache=False)
        if err:
            res.fail("probe%s: %s" % (" --ndpi-giveup-packets 1000" if giveup else "", err))
            return
        res.metrics["robust_runs"] += 1
    st = doc.get("stats") or {}
    res.summary = "%sexit 0, %s frames, %s flows, %s hosts in %.2fs" % (
        "(malformed on purpose) " if MALFORMED_RE.search(ctx.name) else "", st.get("packets"), len(doc.get("flows") or []) if doc.get("flows") is not None else "?",
        len(doc.get("hosts") or []) if doc.get("hosts") is not None else "?", info.get("secs", 0))


CHECKS = {"iface": check_iface, "flows": check_flows, "hosts": check_hosts,
          "proto": check_proto, "test01": check_test01,
          "robust": check_robust}


# ------------------------------------------------------------------------------------------
# driver
# ------------------------------------------------------------------------------------------

def list_captures(shared, groups, subset):
    caps = []
    for g, folder in (("e2e", "ntopng-e2e"), ("ndpi", "ndpi")):
        if g not in groups:
            continue
        d = os.path.join(shared, "pcaps", folder)
        if not os.path.isdir(d):
            continue
        for n in sorted(os.listdir(d)):
            if n.startswith(".") or not os.path.isfile(os.path.join(d, n)):
                continue
            if subset == "quick" and g == "ndpi" and n not in QUICK_NDPI:
                continue
            caps.append(("%s/%s" % (folder, n), os.path.join(d, n)))
    return caps


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", default="iface",
                    help="comma list of: %s, or 'collect' (fill the oracle cache)" % ",".join(CHECKS))
    ap.add_argument("--group", default="e2e,ndpi", help="e2e, ndpi or both (comma list)")
    ap.add_argument("--shared", default=os.environ.get("NTOP_SHARED_DIR",
                                                       os.path.join(here, "..", "..", "..", "shared")))
    ap.add_argument("--probe", default=os.environ.get("NTOP_PROBE",
                                                      os.path.join(here, "..", "..", "build", "bin", "ntop-probe")))
    ap.add_argument("--dump-lua", default=os.path.join(here, "dump.lua"))
    ap.add_argument("--cache", default=os.environ.get("NTOP_PCAP_CACHE", ""),
                    help="directory for oracle outputs and probe dumps (empty: no cache)")
    ap.add_argument("--subset", default=os.environ.get("NTOP_PCAP_SUBSET", "all"),
                    choices=("all", "quick"), help="quick: e2e + %d ndpi captures" % len(QUICK_NDPI))
    ap.add_argument("--limit", type=int, default=int(os.environ.get("NTOP_PCAP_LIMIT", "0") or 0),
                    help="at most N captures (0: all)")
    ap.add_argument("--only", default="", help="regex on the capture name")
    ap.add_argument("--jobs", type=int, default=int(os.environ.get("NTOP_PCAP_JOBS", "0") or 0) or os.cpu_count() or 2)
    ap.add_argument("--timeout", type=int, default=int(os.environ.get("NTOP_PCAP_TIMEOUT", "120")))
    ap.add_argument("--verbose", "-v", action="store_true", help="details of passing captures too")
    ap.add_argument("--frames", metavar="CAPTURE",
                    help="debug: print the ntopng model's decision for every frame of CAPTURE "
                         "(a path under the corpus, e.g. ndpi/dns.pcap) and exit")
    ap.add_argument("--dev", default="", help="with --frames: deviations to apply (comma list)")
    args = ap.parse_args()

    shared = os.path.abspath(args.shared)
    if not os.path.isdir(os.path.join(shared, "pcaps")):
        print("SKIP: %s not found" % shared)
        return SKIP
    checks = [c.strip() for c in args.check.split(",") if c.strip()]
    for c in checks:
        if c not in CHECKS and c != "collect":
            ap.error("unknown check %s" % c)
    groups = {g.strip() for g in args.group.split(",")}
    caps = list_captures(shared, groups, args.subset)
    if args.only:
        caps = [c for c in caps if re.search(args.only, c[0])]
    # checks tied to particular captures run on those only
    only_for = {"test01": {"ntopng-e2e/test_01.pcap"}}
    caps = [c for c in caps if any(c[0] in only_for.get(k, (c[0],)) for k in checks)]
    if args.limit:
        caps = caps[:args.limit]
    if not caps:
        print("SKIP: no capture selected under %s" % shared)
        return SKIP
    needs_probe = any(c != "collect" for c in checks)
    if needs_probe and not os.access(args.probe, os.X_OK):
        print("FAIL: probe binary %s not found" % args.probe)
        print("0 passed, 1 failed")
        return 1
    for tool in ("tshark", "capinfos", "ndpiReader"):
        if not shutil.which(tool) and any(c in ("flows", "hosts", "proto", "iface", "collect")
                                          for c in checks):
            print("SKIP: %s not installed" % tool)
            return SKIP

    cache = os.path.abspath(args.cache) if args.cache else ""
    oracles = Oracles(cache, args.timeout)
    if args.frames:
        path = os.path.join(shared, "pcaps", args.frames)
        ctx = CaptureCtx(args.frames, path, oracles, None)
        dev = {x for x in args.dev.split(",") if x}
        for fr in ctx.frames:
            d = decide(fr, ctx.cap["encap"], dev)
            print("%5d len %5d cap %5d %-45s %-6s %s" % (
                fr.no, fr.wlen, fr.caplen, ":".join(fr.chain)[:45], d.kind,
                d.why if d.kind != "flow" else "vlan %d %s %s:%s -> %s:%s dns %s icmp %s "
                "flags 0x%x bytes %d%s" % (d.vlan, proto_name(d.proto), d.src, d.sport, d.dst,
                                            d.dport, d.dnsid, d.icmpkey, d.flags, d.bytes,
                                            " +phantom %d" % d.phantom if d.phantom else "")))
        m = ctx.model(dev)
        for r in m.flow_rows():
            print("flow " + r.text() + ("  [blind]" if r.indet else ""))
        return 0
    data_dir = tempfile.mkdtemp(prefix="ntop-probe-pcap-")
    probe = Probe(os.path.abspath(args.probe), os.path.abspath(args.dump_lua), cache,
                  args.timeout, data_dir) if needs_probe else None
    if probe and probe.cache_dir and "robust" in checks:
        # dumps of older probe binaries are useless: keep the current binary's only
        parent = os.path.dirname(probe.cache_dir)
        for d in os.listdir(parent) if os.path.isdir(parent) else []:
            if os.path.join(parent, d) != probe.cache_dir:
                shutil.rmtree(os.path.join(parent, d), ignore_errors=True)

    def one(cap):
        name, path = cap
        out = []
        ctx = CaptureCtx(name, path, oracles, probe)
        t0 = time.time()
        for c in checks:
            if c in only_for and name not in only_for[c]:
                continue
            res = Result(name)
            try:
                if c == "collect":
                    ctx.cap, ctx.frames
                    oracles.ndpireader(path)
                    res.summary = "%d frames cached" % len(ctx.frames)
                else:
                    strict = name.startswith("ntopng-e2e/")
                    CHECKS[c](ctx, res, strict) if c != "iface" else check_iface(ctx, res)
            except Exception as e:  # a bug in this script must not pass silently
                import traceback
                res.fail("oracle_check.py error: %s\n%s" % (e, traceback.format_exc()))
            out.append((c, res))
        return name, out, time.time() - t0

    t_start = time.time()
    passed = failed = 0
    totals = Counter()
    cats = Counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as ex:
        for name, results, secs in ex.map(one, caps):
            for c, res in results:
                totals.update(res.metrics)
                cats.update(res.categories)
                tag = "ok  " if res.ok else "FAIL"
                print("%s %-7s %-52s %s" % (tag, c, name, res.summary))
                if not res.ok or args.verbose:
                    for line in res.details:
                        print("       " + line)
                if res.ok:
                    passed += 1
                else:
                    failed += 1
            sys.stdout.flush()
    shutil.rmtree(data_dir, ignore_errors=True)

    print("-" * 100)
    if totals.get("iface_checked"):
        print("interface: %d/%d captures exact" % (totals["iface_ok"], totals["iface_checked"]))
    if totals.get("flows_model"):
        print("flows: %d/%d ntopng-model flows matched by the probe (%d left out as oracle blind "
              "spots; the probe listed %d)" % (totals["flows_matched"], totals["flows_model"],
                                                totals["flows_blind"], totals["flows_probe"]))
    if totals.get("hosts_model"):
        print("hosts: %d/%d ntopng-model hosts matched (%d left out as oracle blind spots; the "
              "probe listed %d)" % (totals["hosts_matched"], totals["hosts_model"],
                                    totals["hosts_blind"], totals["hosts_probe"]))
    if totals.get("ntopng_checked"):
        print("ntopng's own answers: %d/%d figures equal in the probe; this script's model "
              "reproduces %s" % (totals["ntopng_checked"] - totals["ntopng_differ"],
                                 totals["ntopng_checked"],
                                 "all of them" if not totals["ntopng_model_bad"] else
                                 "all but %d" % totals["ntopng_model_bad"]))
    if totals.get("proto_agree") or totals.get("proto_disagree"):
        n = totals["proto_agree"] + totals["proto_disagree"]
        print("protocols: %d/%d flows agree with ndpiReader (%.1f%%), %d flows without a "
              "ndpiReader counterpart" % (totals["proto_agree"], n,
                                          100.0 * totals["proto_agree"] / max(1, n),
                                          totals["proto_unmatched"]))
    seen_devs = set()
    for cat, n in sorted(cats.items()):
        print("  %-70s %d" % (cat, n))
        m = re.search(r"\[(.*)\]", cat)
        if m:
            seen_devs.update(m.group(1).split("+"))
    for d in sorted(seen_devs & set(DEVIATIONS)):
        print("  [%s] %s" % (d, DEVIATIONS[d]))
    print("elapsed %.1fs" % (time.time() - t_start))
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
