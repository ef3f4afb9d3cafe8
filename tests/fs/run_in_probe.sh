#!/bin/sh
# run_in_probe.sh PROBE SCRIPT [relative]: runs SCRIPT inside ntop-probe with a fresh data
# directory (-d) in a temporary directory, on a capture file with no packets (made here: a
# 24-byte pcap header), so the test needs no shared capture. The data dir is given through
# a symlink (the confinement must compare real paths), or with "relative" as a relative
# path from the probe's working directory.
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
datadir="$tmp/data-link"
if [ "${3:-}" = relative ]; then
    cd "$tmp"
    datadir=data
fi
"$probe" -i "$tmp/empty.pcap" -d "$datadir" --shutdown-when-done --run-script "$script"
