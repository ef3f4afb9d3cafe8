#!/usr/bin/env bash
# ntoplua-shell against real probes: e2e_remote.lua (ntopng's figures, errors, context,
# call_all), --json, --deadline, a probe restart under a running script, an unchanged ntopng
# script. Probe 1 (unix socket): test_01 + dns_contacts; probe 2 (TCP): dns_contacts.
set -u
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"
require_probe
: "${NTOP_SHELL:?NTOP_SHELL is not set}"
SH=$NTOP_SHELL

start_probe a "unix:$TMP/a.sock" "$PCAP1" "$PCAP2"
A=$PROBE_TARGET
A_PID=$PROBE_PID
start_probe b 127.0.0.1:0 "$PCAP2"
B=$PROBE_TARGET
pass "two probes serve ($A, $B)"

dns_packets=$(capinfos_packets "$PCAP2")
md5=$(printf 'a\0b\377' | md5sum | cut -d' ' -f1)
OUT=$(timeout -k 5 120 "$SH" --probe "$A" --probe "$B" "$HERE/e2e_remote.lua" \
    "${dns_packets:-}" "$md5" 2>&1)
rc=$?
printf '%s\n' "$OUT" | grep -E '^(ok|FAIL) ' | sed 's/^/  remote.lua: /'
check "e2e_remote.lua passes (exit 0)" "$(grep -v '^ok ' <<<"$OUT")" test $rc -eq 0

# --json: the probe's answer as JSON that python reads back
OUT=$(timeout 60 "$SH" --probe "$A" --json -e 'return interface.getStats().stats' 2>&1)
check "--json: getStats().stats as JSON" "$OUT" python3 -c '
import json, sys
s = json.loads(sys.stdin.read())
assert s["packets"] == 4999 and s["bytes"] == 3744413, s' <<<"$OUT"

# --deadline: a call longer than the deadline fails, the script exits 1
OUT=$(timeout 60 "$SH" --probe "$A" --deadline 300 -e 'ntop.msleep(3000)' 2>&1)
rc=$?
check "--deadline 300: a 3 s call fails with exit 1" "rc=$rc $OUT" \
    test $rc -eq 1 -a -n "$(grep -e 'did not answer in time' <<<"$OUT")"

# An ntopng-style script, unchanged: globals and lua_utils.
cat >"$TMP/ntopng_style.lua" <<'EOF'
require "lua_utils"
interface.select(tostring(interface.getFirstInterfaceId()))
local ifstats = interface.getStats()
print(string.format("%s: %d packets", ifstats.name:match("[^/]+$"), ifstats.stats.packets))
EOF
OUT=$(timeout 60 "$SH" --probe "$A" "$TMP/ntopng_style.lua" 2>&1)
check "an ntopng-style script runs unchanged" "$OUT" test "$OUT" = "test_01.pcap: 4999 packets"

# The probe restarts under a running script: the next call reconnects.
cat >"$TMP/restart.lua" <<'EOF'
print("before", interface.getStats().stats.packets)
io.stdout:flush()
io.read("l") -- the harness restarts the probe meanwhile
print("after", interface.getStats().stats.packets)
EOF
coproc SHELLP { timeout -k 5 120 "$SH" --probe "$A" "$TMP/restart.lua" 2>&1; echo "EXIT $?"; }
read -r -t 60 line <&"${SHELLP[0]}"
check "restart: a call before" "$line" test "$line" = "$(printf 'before\t4999')"
stop_probe "$A_PID"
start_probe a2 "unix:$TMP/a.sock" "$PCAP1" "$PCAP2"
echo go >&"${SHELLP[1]}"
read -r -t 60 line <&"${SHELLP[0]}"
check "restart: the first call after the probe restarted succeeds" "$line" \
    test "$line" = "$(printf 'after\t4999')"
read -r -t 60 line <&"${SHELLP[0]}"
check "restart: the script exits 0" "$line" test "$line" = "EXIT 0"

finish
