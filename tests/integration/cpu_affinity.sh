#!/bin/bash
# --cpu-affinity / --other-cpu-affinity: the capture thread runs on its core only, every
# other thread of the probe (RPC, alerts writer, signals) on the other list; malformed lists
# and cores the machine lacks are refused before anything starts.
# The kernel is the oracle: /proc/PID/task/*/status (Cpus_allowed_list) and comm.
set -u
: "${NTOP_PROBE:?NTOP_PROBE is not set}"
PCAP=${NTOP_SHARED_DIR:-}/pcaps/ntopng-e2e/test_01.pcap
[ -f "$PCAP" ] || { echo "SKIP: ../shared not found ($PCAP)"; exit 77; }
ncpu=$(getconf _NPROCESSORS_CONF)
[ "$ncpu" -ge 2 ] || { echo "SKIP: needs 2 cores, this machine has $ncpu"; exit 77; }
last=$((ncpu - 1))
fail=0
D=$(mktemp -d "${TMPDIR:-/tmp}/ntop-probe-cpu.XXXXXX")
trap 'kill $pid 2>/dev/null; wait 2>/dev/null; rm -rf "$D"' EXIT
pid=

# refused at start, with the option and the reason
for args in "-g $ncpu" "-g 1-0" "-y 0,x" "--cpu-affinity=" "-y 0-$ncpu"; do
    # shellcheck disable=SC2086
    out=$("$NTOP_PROBE" $args -i "$PCAP" -d "$D" --shutdown-when-done 2>&1)
    rc=$?
    if [ $rc -ne 2 ] || ! grep -q "cpu-affinity" <<<"$out"; then
        echo "FAIL: '$args' gave rc $rc: $out"
        fail=1
    fi
done

# capture thread on core $last, the others on core 0; the probe keeps serving after the file
"$NTOP_PROBE" -v -g "$last" -y 0 -i "$PCAP" -d "$D" --checks \
    --rpc-listen "unix:$D/rpc.sock" --rpc-no-auth 2>"$D/err" &
pid=$!
for _ in $(seq 100); do [ -S "$D/rpc.sock" ] && break; sleep 0.1; done
sleep 0.5
seen_capture=0 seen_rpc=0
for t in /proc/$pid/task/*; do
    comm=$(cat "$t/comm")
    allowed=$(awk '/^Cpus_allowed_list/ {print $2}' "$t/status")
    want=0
    case "$comm" in capture-*) want=$last; seen_capture=1 ;; rpc-*) seen_rpc=1 ;; esac
    if [ "$allowed" != "$want" ]; then
        echo "FAIL: thread $comm may run on cores $allowed, expected $want"
        fail=1
    fi
done
[ $seen_capture = 1 ] || { echo "FAIL: no capture thread found"; fail=1; }
[ $seen_rpc = 1 ] || { echo "FAIL: no RPC thread found"; fail=1; }
grep -q "capture thread bound to core $last" "$D/err" || { echo "FAIL: no log line"; cat "$D/err"; fail=1; }
[ $fail = 0 ] && echo "PASS: capture on core $last, $(ls /proc/$pid/task | wc -l) threads checked"
exit $fail
