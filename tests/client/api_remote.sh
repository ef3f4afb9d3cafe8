#!/usr/bin/env bash
# The in-probe Lua API suites (tests/lua/api, run with ntop-probe --run-script by
# tests/lua/api/CMakeLists.txt) run unchanged through ntoplua-shell against a probe that
# replays the same captures: the same checks must pass remotely. test_ntop_basic.lua has two
# checks that can only hold inside the probe process (getInfo.pid is the caller's pid, the
# command line names the script); those two must fail, and nothing else.
set -u
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"
require_probe
: "${NTOP_SHELL:?NTOP_SHELL is not set}"
SUITES=${NTOP_TESTS_LUA:-$HERE/../lua}
[ -f "$SUITES/testlib.lua" ] || skip "tests/lua not found ($SUITES)"
export LUA_PATH="$SUITES/?.lua;;"

start_probe one "unix:$TMP/one.sock" "$PCAP1"
ONE=$PROBE_TARGET
start_probe two "unix:$TMP/two.sock" "$PCAP1" "$PCAP2"
TWO=$PROBE_TARGET

# suite NAME TARGET [ENV...]: runs test_NAME.lua remotely; output in $OUT, status in $RC
suite() {
    local name=$1 target=$2
    shift 2
    OUT=$(env NTOP_TEST_PCAP="$PCAP1" "$@" timeout -k 5 240 "$NTOP_SHELL" --probe "$target" \
        "$SUITES/api/test_$name.lua" 2>&1)
    RC=$?
}

for name in interface_hosts interface_flows; do
    suite "$name" "$ONE"
    check "test_$name.lua remotely: $(tail -1 <<<"$OUT")" "$(grep -v '^ok' <<<"$OUT" | tail -20)" \
        test $RC -eq 0
done

if command -v capinfos >/dev/null; then
    p=$(capinfos -M -c -T -r "$PCAP2" | cut -f2)
    b=$(capinfos -M -d -T -r "$PCAP2" | cut -f2)
    suite interface_stats "$TWO" NTOP_EXPECT_PACKETS_1="$p" NTOP_EXPECT_BYTES_1="$b"
    check "test_interface_stats.lua remotely: $(tail -1 <<<"$OUT")" \
        "$(grep -v '^ok' <<<"$OUT" | tail -20)" test $RC -eq 0
else
    echo "note: capinfos not found, test_interface_stats.lua not run"
fi

suite ntop_basic "$ONE"
unexpected=$(grep '^FAIL' <<<"$OUT" |
    grep -vE 'getInfo\.pid is this process|getInfo\.command_line names this script')
check "test_ntop_basic.lua remotely: $(tail -1 <<<"$OUT"), only the in-process checks fail" \
    "$unexpected" test -z "$unexpected" -a -n "$(grep -E '^[0-9]+ passed, 2 failed$' <<<"$OUT")"
finish
