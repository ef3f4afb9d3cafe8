#!/usr/bin/env bash
# Drives the Node gRPC interop test: starts the probe on test_01.pcap with an RPC listener on
# a free loopback port, waits until it accepts connections, runs interop.js against it, and
# stops the probe. Exit 0 pass, 1 fail, 77 skipped (no shared captures, no node).
#
# Environment (set by CMake): NTOP_PROBE, NTOP_SHARED_DIR, NTOP_PROTO_DIR (holds
# ntop/v1/*.proto), NTOP_INTEROP_DIR (build folder with node_modules).
set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${NTOP_PROBE:?NTOP_PROBE is not set}"
: "${NTOP_SHARED_DIR:?NTOP_SHARED_DIR is not set}"
: "${NTOP_PROTO_DIR:=$HERE/../../proto}"
: "${NTOP_INTEROP_DIR:?NTOP_INTEROP_DIR is not set}"

loud_skip() {
    echo "******************************************************************" >&2
    echo "SKIP: $*" >&2
    echo "******************************************************************" >&2
    echo "SKIP: $*"
    exit 77
}
fail() {
    echo "FAIL: $*"
    echo "0 passed, 1 failed"
    exit 1
}

pcap=$NTOP_SHARED_DIR/pcaps/ntopng-e2e/test_01.pcap
[ -d "$NTOP_SHARED_DIR" ] || loud_skip "$NTOP_SHARED_DIR (NTOP_SHARED_DIR) is absent: no captures for the gRPC interop test"
[ -f "$pcap" ] || loud_skip "$pcap is absent: no capture for the gRPC interop test"
command -v node >/dev/null 2>&1 || loud_skip "node not found: the gRPC interop test cannot run (apt-get install nodejs npm)"
command -v npm >/dev/null 2>&1 || loud_skip "npm not found: the gRPC interop test cannot run (apt-get install nodejs npm)"
[ -d "$NTOP_INTEROP_DIR/node_modules/@grpc/grpc-js" ] ||
    fail "no $NTOP_INTEROP_DIR/node_modules/@grpc/grpc-js: the npm ci step (test interop_npm_ci) did not run or failed"
[ -x "$NTOP_PROBE" ] || fail "$NTOP_PROBE is not an executable"
"$NTOP_PROBE" --help 2>&1 | grep -q -- --rpc-listen || fail "$NTOP_PROBE has no --rpc-listen option"

command -v redis-server >/dev/null 2>&1 || fail "redis-server not found (deploy/install-deps.sh)"
command -v redis-cli >/dev/null 2>&1 || fail "redis-cli not found (deploy/install-deps.sh)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ntop-interop.XXXXXX")
probe_pid=
redis_pid=

stop_probe() {
    [ -n "$probe_pid" ] || return 0
    kill -TERM "$probe_pid" 2>/dev/null
    for _ in $(seq 1 100); do
        kill -0 "$probe_pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$probe_pid" 2>/dev/null; then
        echo "probe (pid $probe_pid) still running 10 s after SIGTERM: SIGKILL"
        kill -KILL "$probe_pid" 2>/dev/null
        wait "$probe_pid" 2>/dev/null
        probe_pid=
        return 2
    fi
    wait "$probe_pid" 2>/dev/null
    local rc=$?
    probe_pid=
    return $rc
}
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
    stop_probe
    if [ -n "$redis_pid" ]; then
        kill -TERM "$redis_pid" 2>/dev/null
        wait "$redis_pid" 2>/dev/null
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

free_port() {
    node -e 'const s = require("net").createServer();
             s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

# Starts the probe on a free port (a few tries: another process may take the port between
# free_port and the probe's bind); sets port and probe_pid once the port accepts connections.
start_probe() {
    local attempt
    for attempt in 1 2 3; do
        port=$(free_port) || fail "node could not find a free port"
        mkdir -p "$tmp/data"
        "$NTOP_PROBE" -i "$pcap" -m 192.168.1.0/24 --rpc-listen "127.0.0.1:$port" \
            -d "$tmp/data" -r "$tmp/redis.sock" >"$tmp/probe.log" 2>&1 &
        probe_pid=$!
        for _ in $(seq 1 200); do # 20 s
            if ! kill -0 "$probe_pid" 2>/dev/null; then
                wait "$probe_pid"
                echo "probe exited with $? before answering on 127.0.0.1:$port (try $attempt):"
                sed 's/^/  probe: /' "$tmp/probe.log"
                probe_pid=
                continue 2
            fi
            if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
                echo "probe (pid $probe_pid) listening on 127.0.0.1:$port"
                return 0
            fi
            sleep 0.1
        done
        fail "probe did not accept connections on 127.0.0.1:$port within 20 s"
    done
    fail "probe did not start (3 tries)"
}

# A Redis of its own holding one administrator, made by the probe's --create-admin.
redis-server --port 0 --unixsocket "$tmp/redis.sock" --save '' --appendonly no \
    >"$tmp/redis.log" 2>&1 &
redis_pid=$!
for _ in $(seq 1 100); do
    redis-cli -s "$tmp/redis.sock" ping 2>/dev/null | grep -q PONG && break
    sleep 0.1
done
mkdir -p "$tmp/data"
token=$("$NTOP_PROBE" -d "$tmp/data" -r "$tmp/redis.sock" --create-admin interop 2>"$tmp/admin.err") ||
    fail "--create-admin failed: $(cat "$tmp/admin.err" "$tmp/redis.log")"

start_probe

NODE_PATH=$NTOP_INTEROP_DIR/node_modules timeout -k 5 120 \
    node "$HERE/interop.js" --target "127.0.0.1:$port" --proto-root "$NTOP_PROTO_DIR" --pcap "$pcap" \
    --token "$token"
rc=$?
[ $rc -eq 124 ] && echo "FAIL: interop.js did not finish within 120 s"

if ! kill -0 "$probe_pid" 2>/dev/null; then
    wait "$probe_pid"
    echo "FAIL: the probe died during the test (exit $?)"
    probe_pid=
    rc=1
else
    stop_probe
    prc=$?
    echo "probe stopped on SIGTERM (exit $prc)"
    # 0: clean exit on SIGTERM; 143: killed by it. Anything else (a crash, a hang) fails.
    if [ $prc -ne 0 ] && [ $prc -ne 143 ]; then
        echo "FAIL: the probe did not stop cleanly on SIGTERM (exit $prc)"
        rc=1
    fi
fi
if [ $rc -ne 0 ]; then
    echo "--- probe log ---"
    sed 's/^/  probe: /' "$tmp/probe.log"
fi
exit $rc
