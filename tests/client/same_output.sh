#!/usr/bin/env bash
# Scripts print the same thing inside the probe and through ntoplua-shell: the API dump
# (tests/lua/api/report.lua) and the demo report, on test_01.pcap -m 192.168.1.0/24.
set -u
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"
require_probe
: "${NTOP_SHELL:?NTOP_SHELL is not set}"
REPORT=$HERE/../lua/api/report.lua
SUMMARY=$HERE/../../lualib/scripts/demo/summary.lua

start_probe one "unix:$TMP/one.sock" "$PCAP1"
ONE=$PROBE_TARGET

for script in "$REPORT" "$SUMMARY"; do
    name=$(basename "$script")
    "$NTOP_PROBE" -i "$PCAP1" -m 192.168.1.0/24 -d "$TMP/local.data" --shutdown-when-done \
        --run-script "$script" >"$TMP/local.$name" 2>"$TMP/local.$name.err"
    lrc=$?
    timeout -k 5 120 "$NTOP_SHELL" --probe "$ONE" "$script" >"$TMP/remote.$name" \
        2>"$TMP/remote.$name.err"
    rrc=$?
    check "$name runs in the probe" "$(tail -5 "$TMP/local.$name.err")" test $lrc -eq 0
    check "$name runs through ntoplua-shell" "$(tail -5 "$TMP/remote.$name.err")" test $rrc -eq 0
    lines=$(wc -l <"$TMP/local.$name")
    check "$name prints something ($lines lines)" "" test "$lines" -gt 20
    # The interface name is the path given with -i, the same on both sides here.
    check "$name: identical output in the probe and remotely" \
        "$(diff "$TMP/local.$name" "$TMP/remote.$name" | head -20)" \
        cmp -s "$TMP/local.$name" "$TMP/remote.$name"
done
finish
