#!/bin/bash
# The alert bindings over RPC (ntoplua-shell against a probe serving a unix socket), then
# sqlite3 reads what they stored.
. "$(dirname "$0")/common.sh"
sock="$dir/rpc.sock"
"$NTOP_PROBE" -q -i "$NTOP_PCAP" -m 192.168.1.0/24 -d "$dir/data" --rpc-listen "unix:$sock" \
    --rpc-no-auth &
pid=$!
for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.1; done
timeout 30 "$NTOP_SHELL" --probe "unix:$sock" "$(dirname "$0")/remote.lua" || fails=$((fails + 1))
kill -TERM "$pid"
wait "$pid" || { echo "FAIL: probe exit status"; fails=$((fails + 1)); }
expect "network row" "$(sql 'SELECT name, tstamp_end FROM network_alerts')" "192.168.1.0/24|1700000100"
expect "interface row" "$(sql 'SELECT subtype, tstamp_end FROM interface_alerts')" "r|1700000200"
[ "$fails" -eq 0 ]
