#!/bin/sh
# checks_two_ifaces: interface scripts of two interfaces reading each other at the same
# time finish (no deadlock); system scripts run once, not once per interface.
# usage: run_two_ifaces.sh PROBE PCAP SRCDIR
probe=$1 pcap=$2 src=$3
[ -f "$pcap" ] || { echo "SKIP: $pcap not found"; exit 77; }
out=$(timeout 30 "$probe" -q -i "$pcap" -i "$pcap" --shutdown-when-done \
      --checks-dir "$src/scripts/two_ifaces") || { echo "FAIL: exit $? (deadlock?)"; exit 1; }
echo "$out"
# the other interface may still be reading: any count up to the file's
echo "$out" | grep -Eqx "cross 0 read [1-9][0-9]* packets of 1" || { echo "FAIL: interface 0"; exit 1; }
echo "$out" | grep -Eqx "cross 1 read [1-9][0-9]* packets of 0" || { echo "FAIL: interface 1"; exit 1; }
[ "$(echo "$out" | grep -c '^system minute$')" = 1 ] || { echo "FAIL: system runs"; exit 1; }
echo "ok   two interfaces calling each other from check scripts; system scripts once"
