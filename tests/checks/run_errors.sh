#!/bin/sh
# checks_errors: totals of a run without checks, then the same capture with a failing
# script, two runaway ones (one catching errors with pcall) and a counting one; the log
# must name the failing script and line.
# usage: run_errors.sh PROBE PCAP SRCDIR
set -e
probe=$1 pcap=$2 src=$3
[ -f "$pcap" ] || { echo "SKIP: $pcap not found"; exit 77; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cat > "$out/totals.lua" <<'LUA'
local s = interface.getStats()
print(s.stats.packets, s.stats.bytes, s.stats.flows, s.stats.hosts)
LUA
set -- $("$probe" -i "$pcap" -m 192.168.1.0/24 --shutdown-when-done --run-script "$out/totals.lua")
export NTOP_EXPECT_PACKETS=$1 NTOP_EXPECT_BYTES=$2 NTOP_EXPECT_FLOWS=$3 NTOP_EXPECT_HOSTS=$4
export NTOP_CHECKS_OUT="$out/rec" LUA_PATH="$src/?.lua;;"
start=$(date +%s)
"$probe" -i "$pcap" -m 192.168.1.0/24 --shutdown-when-done --checks-dir "$src/scripts/errors" \
    --check-timeout-ms 200 --run-script "$src/compare_errors.lua" 2> "$out/log"
cat "$out/log"
grep -q "check flow/protocol_detected/a_error.lua: .*a_error.lua:3: attempt to index" "$out/log" ||
    { echo "FAIL: the error is not logged with script and line"; exit 1; }
grep -q "check flow/protocol_detected/b_runaway.lua: .*interrupted: ran over its budget of 200 ms" "$out/log" ||
    { echo "FAIL: the runaway script is not reported"; exit 1; }
grep -q "further errors of this script are counted" "$out/log" ||
    { echo "FAIL: repeated errors are not capped"; exit 1; }
echo "ok   errors logged with script and line; done in $(( $(date +%s) - start )) s"
