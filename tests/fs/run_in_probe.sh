#!/bin/sh
# run_in_probe.sh PROBE SCRIPT [relative]: runs SCRIPT inside ntop-probe with a fresh data
# directory (-d) in a temporary directory, on a capture file with no packets (made here: a
# 24-byte pcap header), so the test needs no shared capture. The data dir is given through
# a symlink (the confinement must compare real paths), or with "relative" as a relative
# path from the probe's working directory, or with "remote SHELL" through ntoplua-shell
# against the probe's RPC listener (unix socket, --rpc-no-auth): the same file, remotely.
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
if [ "${3:-}" = remote ]; then
    "$probe" -q -i "$tmp/empty.pcap" -d "$datadir" --rpc-listen "unix:$tmp/rpc.sock" \
        --rpc-no-auth 2>"$tmp/probe.err" &
    pid=$!
    i=0
    while [ ! -S "$tmp/rpc.sock" ] && [ $i -lt 200 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    rc=0
    "$4" --probe "unix:$tmp/rpc.sock" "$script" || rc=$?
    kill -TERM "$pid"
    wait "$pid" || { echo "FAIL: the probe did not stop cleanly"; cat "$tmp/probe.err"; exit 1; }
    exit $rc
fi
"$probe" -i "$tmp/empty.pcap" -d "$datadir" --shutdown-when-done --run-script "$script"
