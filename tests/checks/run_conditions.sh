#!/bin/sh
# checks_conditions: a script's "-- @only:" conditions and host_state (doc/checks.md).
# - l7=DNS,NTP: the flows it runs for are exactly those whose flow.l7_proto_name() (printed
#   by a script without condition on the same run) starts with DNS or NTP;
# - an unknown condition is logged and the script runs for every flow;
# - host_state: a capture whose first hosts are purged (synscan.pcap, then test_01.pcap
#   400 s later, --pcap-file-purge-flows) leaves in the table the hosts in memory, not all
#   those ever seen;
# - new_flows>=N and host.new_flows_as_client/as_server against the hosts' totals.
# usage: run_conditions.sh PROBE E2E_DIR SRCDIR
set -u
probe=$1 e2e=$2 src=$3
[ -d "$e2e" ] || { echo "SKIP: $e2e not found"; exit 77; }
for tool in editcap mergecap capinfos tshark; do
    command -v $tool >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

end=$(capinfos -T -r -e -S "$e2e/synscan.pcap" | cut -f2 | cut -d. -f1)
start=$(capinfos -T -r -a -S "$e2e/test_01.pcap" | cut -f2 | cut -d. -f1)
editcap -t $((end + 400 - start)) "$e2e/test_01.pcap" "$out/later.pcap"
mergecap -F pcap -w "$out/merged.pcap" "$e2e/synscan.pcap" "$out/later.pcap"
cat >"$out/hosts.lua" <<'LUA'
print("hosts", interface.getStats().stats.hosts)
LUA
"$probe" -q -i "$out/merged.pcap" -d "$out/data" --shutdown-when-done --pcap-file-purge-flows \
    --checks-dir "$src/scripts/conditions" --run-script "$out/hosts.lua" >"$out/log" 2>&1 ||
    fail "probe exited $?"

grep -P '^all\t' "$out/log" | cut -f2- | sort >"$out/all"
awk -F'\t' '$5 ~ /^(DNS|NTP)(\.|$)/' "$out/all" >"$out/expected"
grep -P '^cond\t' "$out/log" | cut -f2- | sort >"$out/cond"
[ -s "$out/expected" ] || fail "no DNS or NTP flow in the capture"
if cmp -s "$out/cond" "$out/expected"; then
    echo "ok: l7=DNS,NTP ran for the $(wc -l <"$out/cond") DNS/NTP flows of $(wc -l <"$out/all")"
else
    fail "l7=DNS,NTP flows differ from the DNS/NTP names:"; diff "$out/cond" "$out/expected" | head
fi

grep -q 'check .*unknown.lua: unknown condition "sometimes"' "$out/log" ||
    fail "the unknown condition is not logged"
[ "$(grep -cP '^unknown\t' "$out/log")" = "$(wc -l <"$out/all")" ] &&
    echo "ok: an unknown condition is logged and the script runs for every flow" ||
    fail "the script with an unknown condition did not run for every flow"

last=$(grep -P '^state\t' "$out/log" | tail -1 | cut -f2)
max=$(grep -P '^state\t' "$out/log" | cut -f2 | sort -n | tail -1)
hosts=$(grep -P '^hosts\t' "$out/log" | cut -f2)
seen=$( { tshark -r "$e2e/synscan.pcap" -T fields -e ip.src -e ip.dst 2>/dev/null; } | tr '\t' '\n' | sort -u | grep -c .)
[ -n "$hosts" ] || fail "no host count"
if [ "$last" = "$hosts" ]; then
    echo "ok: host_state holds the $hosts hosts in memory at the last run (at most $max before)"
else
    fail "host_state holds $last hosts at the last run, $hosts in memory"
fi
[ "${seen:-0}" -gt 0 ] && [ "$max" -lt $((hosts + seen)) ] ||
    fail "the scan's hosts were not purged ($max entries, $hosts + $seen hosts)"
# new_flows>=N and host.new_flows_as_client/as_server: tcp-flood.pcap, the same 65 s later
# (the same hosts, new flows) and test_01.pcap 130 s later. Each minute's new flows of a
# host are its totals minus those of its previous minute run (the first: its totals); the
# conditional script runs exactly at the runs where that minute or the previous one had 20
# new flows as client or as server.
end=$(capinfos -T -r -a -S "$e2e/tcp-flood.pcap" | cut -f2 | cut -d. -f1)
start=$(capinfos -T -r -a -S "$e2e/test_01.pcap" | cut -f2 | cut -d. -f1)
editcap -t 65 "$e2e/tcp-flood.pcap" "$out/flood2.pcap"
editcap -t $((end + 130 - start)) "$e2e/test_01.pcap" "$out/later2.pcap"
mergecap -F pcap -w "$out/flows.pcap" "$e2e/tcp-flood.pcap" "$out/flood2.pcap" "$out/later2.pcap"
"$probe" -q -i "$out/flows.pcap" -d "$out/data2" --shutdown-when-done \
    --checks-dir "$src/scripts/newflows" >"$out/log2" 2>&1 || fail "probe exited $?"
grep -P '^nf\t' "$out/log2" | awk -F'\t' '
    { key = $2; nc = $3 - pc[key]; ns = $4 - ps[key]
      if (nc != $5 || ns != $6) print "BAD " $0 " expected " nc " " ns
      m = nc > ns ? nc : ns
      if (m >= 20 || pm[key] >= 20) print "th\t" $2 "\t" $3 "\t" $4 "\t" $5 "\t" $6
      pc[key] = $3; ps[key] = $4; pm[key] = m }' >"$out/nf_expected"
if grep -q '^BAD' "$out/nf_expected"; then
    fail "host.new_flows_as_* differ from the totals' differences:"; grep '^BAD' "$out/nf_expected" | head -3
else
    echo "ok: host.new_flows_as_client/as_server = the totals' differences ($(grep -c '^nf' "$out/log2") host runs)"
fi
grep -P '^th\t' "$out/log2" | sort >"$out/th_got"
sort "$out/nf_expected" >"$out/th_expected"
[ "$(awk -F'\t' '$5 >= 256 || $6 >= 256' "$out/th_expected" | wc -l)" -gt 0 ] ||
    fail "no host started 256 flows in a minute in the flood captures"
if [ -s "$out/th_expected" ] && cmp -s "$out/th_got" "$out/th_expected"; then
    echo "ok: new_flows>=20 ran at the $(wc -l <"$out/th_got") host runs with 20 new flows then or a minute before"
else
    fail "new_flows>=20 runs differ:"; diff "$out/th_got" "$out/th_expected" | head -5
fi
[ $fails -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
echo PASS
