#!/bin/sh
# checks_remote_host: host.* through gRPC with the Context's host key, network.select's
# context round trip; host.new_flows_as_* remotely equal what the probe's last minute host
# check printed (scripts/newflows). usage: run_remote_host.sh PROBE SHELL PCAP SRCDIR
probe=$1 shell=$2 pcap=$3 src=$4
[ -f "$pcap" ] || { echo "SKIP: $pcap not found"; exit 77; }
out=$(mktemp -d)
echo 'print("END")' > "$out/end.lua"
"$probe" -i "$pcap" -m 192.168.1.0/24 -d "$out/data" --rpc-listen "unix:$out/s" --rpc-no-auth \
    --blacklist "$src/blacklist.txt" --checks-dir "$src/scripts/newflows" \
    --run-script "$out/end.lua" > "$out/out" 2> "$out/err" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$out"' EXIT
i=0
until grep -qx END "$out/out" 2>/dev/null; do
    i=$((i + 1))
    [ $i -lt 300 ] && kill -0 $pid 2>/dev/null || { cat "$out/err"; echo "FAIL: probe"; exit 1; }
    sleep 0.1
done
NTOP_NF_LOG="$out/out" LUA_PATH="$src/?.lua;;" timeout 60 "$shell" --probe "unix:$out/s" "$src/remote_host.lua"
