#!/usr/bin/env bash
# client_e2e (a C program on libntopclient) against a real probe under valgrind memcheck:
# --leak-check=full --error-exitcode=1, so a leak or a memory error fails the test. The probe
# restarts in the middle (client_e2e waits on stdin); the first call after it must succeed.
# Skipped in sanitizer builds (ASan and valgrind do not mix) and without valgrind.
set -u
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"
require_probe
: "${NTOP_CLIENT_E2E:?NTOP_CLIENT_E2E is not set}"
if [ "${NTOP_SANITIZE:-0}" = 1 ]; then skip "sanitizer build: valgrind does not run ASan binaries"; fi
command -v valgrind >/dev/null || skip "valgrind not found (Debian package valgrind)"

start_probe a "unix:$TMP/a.sock" "$PCAP1" "$PCAP2"
A_PID=$PROBE_PID
dns_packets=$(capinfos_packets "$PCAP2")
if [ -z "$dns_packets" ]; then # no capinfos: ask the probe itself
    dns_packets=$(timeout 30 "$NTOP_SHELL" -p "unix:$TMP/a.sock" \
        -e 'interface.select(1) return interface.getStats().stats.packets' 2>/dev/null)
fi

coproc CLIENT {
    timeout -k 5 280 valgrind --quiet --leak-check=full --show-leak-kinds=definite,possible \
        --errors-for-leak-kinds=definite,possible --error-exitcode=1 --num-callers=30 \
        --suppressions="$HERE/valgrind.supp" --log-file="$TMP/valgrind.log" \
        "$NTOP_CLIENT_E2E" "unix:$TMP/a.sock" "$dns_packets" 2>&1
    echo "EXIT $?"
}
# Keep our own copies of the coprocess's pipes: bash unsets CLIENT as soon as the coprocess
# exits, which a fast failure would make a script error instead of a reported one.
exec {client_out}<&"${CLIENT[0]}" {client_in}>&"${CLIENT[1]}"
CLIENT_OUT=
while read -r -t 250 line <&"$client_out"; do
    CLIENT_OUT+="$line"$'\n'
    [ "$line" = READY-FOR-RESTART ] && break
done
stop_probe "$A_PID"
start_probe a2 "unix:$TMP/a.sock" "$PCAP1" "$PCAP2"
echo restarted >&"$client_in" 2>/dev/null
rc=
while read -r -t 250 line <&"$client_out"; do
    case $line in
    "EXIT "*) rc=${line#EXIT } ;;
    *) CLIENT_OUT+="$line"$'\n' ;;
    esac
done
printf '%s' "$CLIENT_OUT" | grep -E '^(ok|FAIL) ' | sed 's/^/  client_e2e: /'
check "client_e2e: every check passes" "$(grep -v '^ok ' <<<"$CLIENT_OUT")" \
    grep -q '^[0-9]* passed, 0 failed$' <<<"$CLIENT_OUT"
check "valgrind: no memory error, no leak (exit ${rc:-none})" "$(head -80 "$TMP/valgrind.log")" \
    test "$rc" = 0 -a ! -s "$TMP/valgrind.log"
finish
