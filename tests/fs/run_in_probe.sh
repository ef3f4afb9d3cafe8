#!/bin/sh
# run_in_probe.sh PROBE SCRIPT: runs SCRIPT inside ntop-probe with a fresh data directory
# (-d) in a temporary directory, on a capture file with no packets (made here: a 24-byte
# pcap header), so the test needs no shared capture. The data dir is given through a
# symlink, so the probe's confinement must compare real paths.
set -eu
probe=$1
script=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir "$tmp/data"
ln -s data "$tmp/data-link"
# pcap global header: magic, v2.4, tz 0, sigfigs 0, snaplen 65535, linktype 1 (Ethernet)
printf '\324\303\262\241\002\000\004\000\000\000\000\000\000\000\000\000\377\377\000\000\001\000\000\000' \
    >"$tmp/empty.pcap"
"$probe" -i "$tmp/empty.pcap" -d "$tmp/data-link" --shutdown-when-done --run-script "$script"
