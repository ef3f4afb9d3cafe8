# shellcheck shell=bash
# Shared by the shell test harnesses (sourced): results, rpc_probe_client calls, a private
# redis-server on a Unix socket and API users in it. The caller sets TMP (a temporary
# directory) and RSOCK (the socket path) before calling start_redis, NTOP_RPC_CLIENT before
# calling client, and PASS=0 FAIL=0 REDIS_PID= before the first result.

# need_captures FILE...: skipped (exit 77) when one is missing (NTOP_SHARED_DIR not there)
need_captures() {
    local f
    for f in "$@"; do
        if [ ! -f "$f" ]; then
            echo "SKIP: ../shared not found ($f)"
            exit 77
        fi
    done
}

# need_redis: redis-server and redis-cli are installed, else a failure
need_redis() {
    local p
    for p in redis-server redis-cli; do
        command -v "$p" >/dev/null || { echo "FAIL: $p not found (deploy/install-deps.sh)"; exit 1; }
    done
}

pass() {
    PASS=$((PASS + 1))
    echo "ok   $1"
}

# fail NAME [DETAILS]: the first 25 lines of DETAILS, indented
fail() {
    FAIL=$((FAIL + 1))
    echo "FAIL $1"
    if [ $# -gt 1 ]; then printf '%s\n' "$2" | head -25 | sed 's/^/     | /'; fi
}

finish() {
    echo "$PASS passed, $FAIL failed"
    [ "$FAIL" -eq 0 ] && exit 0
    exit 1
}

# check NAME DETAIL COMMAND...: pass when COMMAND succeeds, else fail showing DETAIL
check() {
    local name=$1 detail=$2
    shift 2
    if "$@"; then pass "$name"; else fail "$name" "$detail"; fi
}

# client OPTIONS... TARGET METHOD ARGS...: rpc_probe_client's output (stdout + stderr) in $OUT
client() {
    OUT=$(timeout -k 5 60 "$NTOP_RPC_CLIENT" "$@" 2>&1)
}

# expect_status NAME CODE TEXT CLIENT-ARGS...: status CODE and a message containing TEXT
expect_status() {
    local name=$1 code=$2 text=$3
    shift 3
    client "$@"
    if grep -q "^status = $code " <<<"$OUT" && grep -qF -- "$text" <<<"$OUT"; then
        pass "$name"
    else
        fail "$name: want status $code with '$text'" "$OUT"
    fi
}

# probe_ready PID FILE PATTERN TENTHS: 0 once a line of FILE matches PATTERN (grep -E, the
# whole line), 1 when PID has exited first or after TENTHS tenths of a second
probe_ready() {
    local pid=$1 file=$2 pattern=$3 tenths=$4
    for _ in $(seq 1 "$tenths"); do
        grep -qxE -- "$pattern" "$file" 2>/dev/null && return 0
        kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

rcli() {
    redis-cli -s "$RSOCK" "$@"
}

# start_redis: no persistence; fails the test (and finishes) when it does not answer in 10 s
start_redis() {
    redis-server --port 0 --unixsocket "$RSOCK" --save '' --appendonly no \
        >"$TMP/redis.log" 2>&1 &
    REDIS_PID=$!
    for _ in $(seq 1 100); do
        rcli ping 2>/dev/null | grep -q PONG && return 0
        sleep 0.1
    done
    fail "redis-server starts" "$(cat "$TMP/redis.log")"
    finish
}

stop_redis() {
    kill -TERM "$REDIS_PID" 2>/dev/null
    wait "$REDIS_PID" 2>/dev/null
    REDIS_PID=
}

new_token() {
    od -An -tx1 -N16 /dev/urandom | tr -d ' \n'
}

# add_user NAME GROUP [ALLOWED_NETS [ALLOWED_IFNAME]]: prints the user's new token (ntopng's
# Redis keys)
add_user() {
    local name=$1 group=$2 nets=${3:-} ifname=${4:-} tok
    tok=$(new_token)
    rcli HSET ntopng.api_tokens "$tok" "$name" >/dev/null
    rcli SET "ntopng.user.$name.api_token" "$tok" >/dev/null
    rcli SET "ntopng.user.$name.group" "$group" >/dev/null
    [ -n "$nets" ] && rcli SET "ntopng.user.$name.allowed_nets" "$nets" >/dev/null
    [ -n "$ifname" ] && rcli SET "ntopng.user.$name.allowed_ifname" "$ifname" >/dev/null
    echo "$tok"
}
