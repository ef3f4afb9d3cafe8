#!/bin/sh
# checks_ntopng_layout: a checks dir laid out as ntopng's scripts/callbacks, with scripts in
# ntopng's style, runs unchanged; bad --checks-dir / --blacklist arguments are refused.
# usage: run_ntopng_layout.sh PROBE PCAP SRCDIR
set -e
probe=$1 pcap=$2 src=$3
[ -f "$pcap" ] || { echo "SKIP: $pcap not found"; exit 77; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
cat > "$out/n.lua" <<'LUA'
print("flows " .. interface.getNumFlows() .. " hosts " .. interface.getNumHosts())
LUA
"$probe" -i "$pcap" -m 192.168.1.0/24 --shutdown-when-done --checks-dir "$src/scripts/ntopng" \
    --run-script "$out/n.lua" > "$out/stdout" 2> "$out/stderr"
set -- $(grep '^flows ' "$out/stdout")
flows=$2 hosts=$4
[ "$flows" -gt 0 ] || fail "no flows"
n=$(grep -c '^== flow end ==$' "$out/stdout"); [ "$n" = "$flows" ] || fail "$n flow-end dumps, $flows flows"
n=$(grep -c '^== detected ' "$out/stdout"); [ "$n" = "$flows" ] || fail "$n detected lines, $flows flows"
grep -q '^key .*\] ' "$out/stdout" || fail "tprint output missing"
# every host once (the host table may count hosts that are not unicast too)
n=$(grep -c '^== host .* true$' "$out/stdout"); m=$(grep -c '^== host ' "$out/stdout")
[ "$n" = "$m" ] && [ "$n" -ge "$hosts" ] || fail "$m host runs, $n first runs, $hosts hosts"
n=$(grep -c "^== minute $pcap\$" "$out/stdout"); [ "$n" -ge 1 ] || fail "no interface minute run"
[ ! -s "$out/stderr" ] || { cat "$out/stderr"; fail "warnings or errors logged"; }
echo "ok   ntopng layout: $flows flows ended, detected; $m hosts once; minute interface scripts"

# --checks: the built-in scripts under <install_dir>/scripts/lua/checks
mkdir -p "$out/inst/scripts/lua/checks/flow/end"
echo 'print("builtin end")' > "$out/inst/scripts/lua/checks/flow/end/b.lua"
n=$("$probe" -q -i "$pcap" --shutdown-when-done --checks --install-dir "$out/inst" | grep -c '^builtin end$')
[ "$n" = "$flows" ] || fail "--checks: $n built-in runs, $flows flows"
echo "ok   --checks runs the built-in scripts"

printf '10.0.0.1\nnot-an-address\n' > "$out/bl.txt"
if "$probe" -i "$pcap" --shutdown-when-done --blacklist "$out/bl.txt" 2> "$out/err"; then
    fail "a bad --blacklist was accepted"
fi
grep -q "bl.txt:2: 'not-an-address' is not an IP address" "$out/err" || fail "$(cat "$out/err")"
if "$probe" -i "$pcap" --shutdown-when-done --checks-dir "$out/none" 2> "$out/err"; then
    fail "a missing --checks-dir was accepted"
fi
grep -q "not a directory" "$out/err" || fail "$(cat "$out/err")"
echo "ok   bad --blacklist and --checks-dir refused"
