#!/bin/sh
# run_contacts.sh PROBE SHARED_DIR - the host contact bindings inside the probe's check engine:
# each capture is replayed with scripts/host/contacts.lua as a host check, and the values the
# script printed for every host are compared with contacts_oracle.py (compare_contacts.py).
# The flows left at the end of the file are booked then, before the final run of the host
# checks. Exit 77 when the captures, python3 or tshark are missing.
#
# Needs the check engine (--checks-dir). Register in tests/CMakeLists.txt once it is merged:
#   add_test(NAME checks_contacts COMMAND ${CMAKE_SOURCE_DIR}/tests/checks_contacts/run_contacts.sh
#            $<TARGET_FILE:ntop-probe> ${NTOP_SHARED_DIR})
#   set_tests_properties(checks_contacts PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 120)
set -u
probe=$1
dir=$2/pcaps/ntopng-e2e
here=$(cd "$(dirname "$0")" && pwd)
[ -d "$dir" ] || { echo "SKIP: $dir not found"; exit 77; }
for tool in python3 tshark capinfos; do
    command -v $tool >/dev/null || { echo "SKIP: $tool not found"; exit 77; }
done
out=$(mktemp -d) && trap 'rm -rf "$out"' EXIT
rc=0
for cap in synscan.pcap tcp_probing.pcap test_01.pcap dns_contacts.pcap tcp-flood.pcap; do
    : >"$out/$cap.txt"
    if ! NTOP_CONTACTS_OUT="$out/$cap.txt" "$probe" -i "$dir/$cap" --shutdown-when-done \
        --checks-dir "$here/scripts" >"$out/probe.log" 2>&1; then
        echo "$cap: the probe failed"; cat "$out/probe.log"; rc=1; continue
    fi
    # the last line of each host is its final state
    awk -F'\t' '{last[$1 "\t" $2] = $0} END {for (k in last) print last[k]}' \
        "$out/$cap.txt" >"$out/$cap.last"
    python3 "$here/compare_contacts.py" "$out/$cap.last" "$dir/$cap" || rc=1
done
exit $rc
