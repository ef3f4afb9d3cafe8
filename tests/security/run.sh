#!/usr/bin/env bash
# Security of the remote API: run.sh auth|authz|limits|startup|tls
#
# A real redis-server (unix socket in a fresh temp dir) holds users with ntopng's keys
# (ntopng.api_tokens hash: token -> user; ntopng.user.<name>.group / .allowed_nets /
# .allowed_ifname). A real ntop-probe replays test_01.pcap (interface 0, -m 192.168.1.0/24)
# and dns_contacts.pcap (interface 1) and serves gRPC. rpc_probe_client (gRPC C core, no code
# shared with the server) checks exact status codes; ntoplua-shell checks what each user sees.
#
# Needs NTOP_PROBE, NTOP_RPC_CLIENT, NTOP_SHELL, NTOP_SHARED_DIR. Exit 0 pass, 1 fail, 77 skip.
set -u

GROUP=${1:?usage: run.sh auth|authz|limits|startup|tls}
: "${NTOP_PROBE:?NTOP_PROBE is not set}"
: "${NTOP_RPC_CLIENT:?NTOP_RPC_CLIENT is not set}"
: "${NTOP_SHELL:?NTOP_SHELL is not set}"
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# need_captures, need_redis, pass, fail, finish, client, expect_status, rcli, start_redis,
# stop_redis, new_token, add_user, probe_ready
# shellcheck source=../lib/harness.sh
. "$(dirname "$0")/../lib/harness.sh"
SHARED=${NTOP_SHARED_DIR:-$HERE/../../../shared}
PCAP=$SHARED/pcaps/ntopng-e2e/test_01.pcap
PCAP2=$SHARED/pcaps/ntopng-e2e/dns_contacts.pcap
need_captures "$PCAP" "$PCAP2"
need_redis

TMP=$(mktemp -d "${TMPDIR:-/tmp}/ntop-sec.XXXXXX")
RSOCK=$TMP/redis.sock
SOCK=$TMP/probe.sock
T=unix:$SOCK
PROBE_PID=
REDIS_PID=
PASS=0
FAIL=0
OUT=

# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
    [ -n "$PROBE_PID" ] && kill -KILL "$PROBE_PID" 2>/dev/null
    [ -n "$REDIS_PID" ] && kill -KILL "$REDIS_PID" 2>/dev/null
    wait 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT

# ---- the probe ----

# start_probe ADDR PROBE-ARGS...: serves on ADDR after both captures are read
start_probe() {
    local addr=$1
    shift
    echo 'print("END")' >"$TMP/end.lua"
    "$NTOP_PROBE" -i "$PCAP" -i "$PCAP2" -m 192.168.1.0/24 -d "$TMP/data" -r "$RSOCK" \
        --rpc-listen "$addr" --run-script "$TMP/end.lua" "$@" >"$TMP/probe.out" 2>"$TMP/probe.err" &
    PROBE_PID=$!
    probe_ready "$PROBE_PID" "$TMP/probe.out" END 600 && return 0
    fail "the probe serves on $addr" "$(tail -20 "$TMP/probe.err")"
    finish
}

stop_probe() {
    kill -TERM "$PROBE_PID" 2>/dev/null
    for _ in $(seq 1 300); do
        kill -0 "$PROBE_PID" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$PROBE_PID" 2>/dev/null
    wait "$PROBE_PID"
    local rc=$?
    PROBE_PID=
    if grep -qE "Sanitizer|runtime error:" "$TMP/probe.err"; then
        fail "no sanitizer report" "$(grep -E -A25 'Sanitizer|runtime error:' "$TMP/probe.err")"
    fi
    if [ $rc -eq 0 ]; then pass "SIGTERM: the probe exits 0"; else
        fail "SIGTERM: the probe exits 0 (got $rc)" "$(tail -20 "$TMP/probe.err")"; fi
}

alive() {
    if kill -0 "$PROBE_PID" 2>/dev/null; then pass "$1: the probe keeps running"; else
        fail "$1: the probe died" "$(tail -20 "$TMP/probe.err")"; fi
}

tok() {
    echo "authorization=Token $1"
}

# shell_run NAME WANT SHELL-ARGS...: ntoplua-shell's output (stdout + stderr) contains WANT
shell_run() {
    local name=$1 want=$2
    shift 2
    OUT=$(timeout -k 5 60 "$NTOP_SHELL" "$@" 2>&1)
    if grep -qF -- "$want" <<<"$OUT"; then pass "$name"; else fail "$name: want '$want'" "$OUT"; fi
}

# ---- groups ----

group_auth() {
    start_redis
    local admin bob dead
    admin=$(add_user admin administrator)
    bob=$(add_user bob unprivileged)
    dead=$(add_user dave unprivileged)
    start_probe "$T"

    expect_status "no token: UNAUTHENTICATED" 16 "no API token" "$T" ntop.md5 s:abc
    # Refused on its metadata, before its message is read: a 5 MiB body without a token is
    # UNAUTHENTICATED, while with a token it meets gRPC's 4 MiB limit (RESOURCE_EXHAUSTED).
    expect_status "no token, 5 MiB message: refused before the message" 16 "no API token" \
        --raw-size 5242880 "$T" ntop.md5
    expect_status "admin token, 5 MiB message: the size limit" 8 "" \
        --metadata "$(tok "$admin")" --raw-size 5242880 "$T" ntop.md5
    expect_status "wrong token: UNAUTHENTICATED" 16 "unknown API token" \
        --metadata "$(tok 0123456789abcdef0123456789abcdef)" "$T" ntop.md5 s:abc
    expect_status "'Basic' authorization: UNAUTHENTICATED" 16 "malformed API token" \
        --metadata "authorization=Basic YWRtaW46YWRtaW4=" "$T" ntop.md5 s:abc
    expect_status "admin token: OK" 0 "1 = str:900150983cd24fb0d6963f7d28e17f72" \
        --metadata "$(tok "$admin")" "$T" ntop.md5 s:abc
    expect_status "x-ntop-token metadata: OK" 0 "1 = str:900150983cd24fb0d6963f7d28e17f72" \
        --metadata "x-ntop-token=$admin" "$T" ntop.md5 s:abc
    expect_status "unprivileged token, read function: OK" 0 "1 = str:900150983cd24fb0d6963f7d28e17f72" \
        --metadata "$(tok "$bob")" "$T" ntop.md5 s:abc
    # The token is checked before the request: an unknown method or a malformed body from an
    # unauthenticated caller tells nothing about the API.
    expect_status "no token, unknown method: UNAUTHENTICATED" 16 "no API token" "$T" ntop.noSuchFunction
    expect_status "no token, malformed body: UNAUTHENTICATED" 16 "no API token" \
        --raw-hex ffffffff "$T" ntop.md5
    expect_status "admin, unknown method: UNIMPLEMENTED" 12 "unknown method" \
        --metadata "$(tok "$admin")" "$T" ntop.noSuchFunction

    # A user deleted through the API is unknown at once (the probe drops its cached identity).
    expect_status "dave before deletion: OK" 0 "results = 1" --metadata "$(tok "$dead")" "$T" ntop.md5 s:x
    expect_status "admin deletes dave" 0 "" --metadata "$(tok "$admin")" "$T" ntop.deleteUser s:dave
    expect_status "token of a deleted user: UNAUTHENTICATED" 16 "unknown API token" \
        --metadata "$(tok "$dead")" "$T" ntop.md5 s:x

    # Requests over the 4 MiB limit are refused by gRPC itself.
    expect_status "oversized request: RESOURCE_EXHAUSTED" 8 "" \
        --metadata "$(tok "$admin")" "$T" ntop.md5 big:5000000
    alive "oversized request"

    # ntoplua-shell: --token, NTOP_TOKEN, and the error without one.
    shell_run "shell --token" "900150983cd24fb0d6963f7d28e17f72" \
        --probe "$T" --token "$admin" -e 'print(ntop.md5("abc"))'
    OUT=$(NTOP_TOKEN=$admin timeout -k 5 60 "$NTOP_SHELL" --probe "$T" -e 'print(ntop.md5("abc"))' 2>&1)
    if grep -qF 900150983cd24fb0d6963f7d28e17f72 <<<"$OUT"; then pass "shell with NTOP_TOKEN"; else
        fail "shell with NTOP_TOKEN" "$OUT"; fi
    OUT=$(env -u NTOP_TOKEN timeout -k 5 60 "$NTOP_SHELL" --probe "$T" -e 'print(ntop.md5("abc"))' 2>&1)
    if grep -qF "no API token" <<<"$OUT"; then pass "shell without a token: the probe's reason"; else
        fail "shell without a token" "$OUT"; fi
    # Per-probe tokens in connect_all, statuses through call_all.
    cat >"$TMP/all.lua" <<EOF
local nc = ntopclient
local probes = nc.connect_all({good = {target = "$T", token = "$admin"},
                               bad = {target = "$T", token = "00"}})
local r = nc.call_all(probes, "ntop.md5", "abc")
print("good", r.good.ok, r.good.value)
print("bad", r.bad.ok, r.bad.status)
EOF
    OUT=$(env -u NTOP_TOKEN timeout -k 5 60 "$NTOP_SHELL" "$TMP/all.lua" 2>&1)
    if grep -qxF "good	true	900150983cd24fb0d6963f7d28e17f72" <<<"$OUT" &&
        grep -qxF "bad	false	UNAUTHENTICATED" <<<"$OUT"; then
        pass "connect_all with a token per probe"
    else
        fail "connect_all with a token per probe" "$OUT"
    fi

    # Redis down: a token not seen yet cannot be checked -> UNAVAILABLE, and the probe goes
    # on. (Tokens checked in the last 5 s are answered from the probe's identity cache.)
    local fresh
    fresh=$(add_user frank unprivileged)
    stop_redis
    expect_status "Redis down: UNAVAILABLE" 14 "Redis is unavailable" \
        --metadata "$(tok "$fresh")" "$T" ntop.md5 s:abc
    alive "Redis down"
    stop_probe
    finish
}

group_authz() {
    start_redis
    local admin bob carol eve exec_fn
    admin=$(add_user admin administrator)
    # bob: unprivileged, 192.168.1.0/24 only, interface 0 only (its name is the file path)
    bob=$(add_user bob unprivileged 192.168.1.0/24 "$PCAP")
    # eve: an address that is in no capture, every interface
    eve=$(add_user eve unprivileged 0.0.0.0/32)
    start_probe "$T"

    # Privileges: write and admin functions are refused to unprivileged users.
    expect_status "unprivileged: write function refused" 7 \
        "ntop.setCache: permission denied: needs the 'write' privilege" \
        --metadata "$(tok "$bob")" "$T" ntop.setCache s:k s:v
    expect_status "unprivileged: admin function refused" 7 \
        "ntop.flushCache: permission denied: needs the 'admin' privilege" \
        --metadata "$(tok "$bob")" "$T" ntop.flushCache
    client --metadata "$(tok "$bob")" "$T" ntop.getCache s:k
    if grep -q "^1 = nil" <<<"$OUT" || grep -q "^1 = str:$" <<<"$OUT"; then
        pass "the refused write changed nothing"; else fail "the refused write changed nothing" "$OUT"; fi
    expect_status "admin: write function allowed" 0 "results" \
        --metadata "$(tok "$admin")" "$T" ntop.setCache s:k s:v
    expect_status "unprivileged: read function allowed" 0 "1 = str:v" \
        --metadata "$(tok "$bob")" "$T" ntop.getCache s:k

    # Exec functions: refused to every remote caller without --rpc-allow-exec.
    exec_fn=$("$NTOP_PROBE" --list-api 2>/dev/null | awk -F'\t' '$4 == "exec" {print $1 "." $2; exit}')
    if [ -n "$exec_fn" ]; then
        expect_status "admin: exec function $exec_fn refused without --rpc-allow-exec" 7 \
            "--rpc-allow-exec" --metadata "$(tok "$admin")" "$T" "$exec_fn"
        expect_status "unprivileged: exec function $exec_fn refused" 7 "permission denied" \
            --metadata "$(tok "$bob")" "$T" "$exec_fn"
    else
        echo "note: no exec function registered: rpc_authorize's exec rule is covered by security_unit"
    fi

    # Interfaces: bob sees interface 0 only.
    expect_status "getIfNames: bob sees his interface" 0 "1.0 = str:$PCAP" \
        --metadata "$(tok "$bob")" "$T" interface.getIfNames
    if grep -q "^1.1 = " <<<"$OUT"; then fail "getIfNames: bob does not see interface 1" "$OUT"; else
        pass "getIfNames: bob does not see interface 1"; fi
    expect_status "getIfNames: admin sees both" 0 "1.1 = str:$PCAP2" \
        --metadata "$(tok "$admin")" "$T" interface.getIfNames
    expect_status "select of another interface: PERMISSION_DENIED" 7 \
        "interface.select: permission denied: user 'bob' may not use interface 1" \
        --metadata "$(tok "$bob")" "$T" interface.select i:1
    expect_status "select by name too" 7 "may not use interface 1" \
        --metadata "$(tok "$bob")" "$T" interface.select "s:$PCAP2"
    expect_status "context on another interface: PERMISSION_DENIED" 7 \
        "interface.getStats: permission denied: user 'bob' may not use interface 1" \
        --metadata "$(tok "$bob")" --ifid 1 "$T" interface.getStats
    # Functions that need no interface still run from a context on another one (nothing is
    # selected for them), so a client can select its interface; its context comes back.
    expect_status "context on another interface, select of his: OK" 0 "context.ifid = 0" \
        --metadata "$(tok "$bob")" --ifid 1 "$T" interface.select i:0
    expect_status "context on another interface, ntop.md5: OK, context kept" 0 "context.ifid = 1" \
        --metadata "$(tok "$bob")" --ifid 1 "$T" ntop.md5 s:abc
    expect_status "context on another interface, getId: nothing selected" 9 "no interface selected" \
        --metadata "$(tok "$bob")" --ifid 1 "$T" interface.getId
    expect_status "getFirstInterfaceId: his" 0 "1 = int:0" \
        --metadata "$(tok "$bob")" "$T" interface.getFirstInterfaceId
    expect_status "isValidIfId(1): false for bob" 0 "1 = bool:false" \
        --metadata "$(tok "$bob")" "$T" interface.isValidIfId i:1
    expect_status "isValidIfId(1): true for admin" 0 "1 = bool:true" \
        --metadata "$(tok "$admin")" "$T" interface.isValidIfId i:1
    expect_status "context on his interface: OK" 0 "1.stats.packets = int:4999" \
        --metadata "$(tok "$bob")" --ifid 0 "$T" interface.getStats
    expect_status "admin: context on interface 1: OK" 0 "1.stats.packets" \
        --metadata "$(tok "$admin")" --ifid 1 "$T" interface.getStats

    # carol: one remote server of test_01 (every flow there has a 192.168.1.x end, so a
    # remote address shows the flow filter), every interface
    local carol_ip
    client --metadata "$(tok "$admin")" "$T" interface.getFlowsInfo
    carol_ip=$(sed -n 's/^1[.]flows[.][[][0-9]*[]][.]srv[.]ip = str:\(.*\)$/\1/p' <<<"$OUT" |
        grep -v '^192\.168\.1\.' | grep -v ':' | sort | uniq -c | sort -rn | awk 'NR == 1 {print $2}')
    if [ -z "$carol_ip" ]; then fail "a remote server in test_01" "$OUT"; finish; fi
    carol=$(add_user carol unprivileged "$carol_ip/32")

    # Networks: what each user sees, against the administrator's view filtered here.
    cat >"$TMP/see.lua" <<'EOF'
local nc = ntopclient
local T, admin_tok, bob_tok, carol_tok, eve_tok, carol_ip = arg[1], arg[2], arg[3], arg[4], arg[5], arg[6]
local admin = assert(nc.connect(T, {token = admin_tok}))
local bob = assert(nc.connect(T, {token = bob_tok}))
local failed = 0
local function check(name, cond, detail)
  print((cond and "ok   " or "FAIL ") .. name .. (cond and "" or (": " .. tostring(detail))))
  if not cond then failed = failed + 1 end
end
local function inside(ip) return ip:match("^192%.168%.1%.%d+$") ~= nil end
local function count(t) local n = 0 for _ in pairs(t) do n = n + 1 end return n end

-- hosts
for _, fn in ipairs({"getHostsInfo", "getLocalHostsInfo", "getRemoteHostsInfo"}) do
  local all = admin.interface[fn](false)
  local mine = bob.interface[fn](false)
  local want, outside = {}, 0
  for k, h in pairs(all.hosts) do
    if inside(h.ip) then want[k] = true else outside = outside + 1 end
  end
  local same = count(want) == count(mine.hosts)
  for k in pairs(mine.hosts) do same = same and want[k] ~= nil end
  check(fn .. ": bob's hosts are the admin's inside 192.168.1.0/24 (" .. count(want) .. ")",
        same, count(mine.hosts) .. " vs " .. count(want))
  check(fn .. ": numHosts counts only them", mine.numHosts == count(want),
        mine.numHosts .. " vs " .. count(want))
  if fn ~= "getLocalHostsInfo" then
    check(fn .. ": the admin sees hosts outside (" .. outside .. ")", outside > 0, outside)
  end
end
local outside_ip, inside_ip
for _, h in pairs(admin.interface.getHostsInfo(false).hosts) do
  if inside(h.ip) then inside_ip = inside_ip or h.ip else outside_ip = outside_ip or h.ip end
end
check("getHostInfo outside: nil for bob", bob.interface.getHostInfo(outside_ip) == nil, outside_ip)
check("getHostInfo outside: found for admin", admin.interface.getHostInfo(outside_ip) ~= nil, outside_ip)
check("getHostInfo inside: found for bob", bob.interface.getHostInfo(inside_ip) ~= nil, inside_ip)

-- flows: visible when the client or the server is visible (ntopng's Flow::match)
local carol = assert(nc.connect(T, {token = carol_tok}))
local function mine_ip(ip) return ip == carol_ip end
local all = admin.interface.getFlowsInfo(nil, {maxHits = 10000})
local mine = carol.interface.getFlowsInfo(nil, {maxHits = 10000})
local want = 0
for _, f in ipairs(all.flows) do
  if mine_ip(f["cli.ip"]) or mine_ip(f["srv.ip"]) then want = want + 1 end
end
check("getFlowsInfo: carol's flows touch her host (" .. want .. " of " .. all.numFlows .. ")",
      mine.numFlows == want and #mine.flows == want and want > 0 and want < all.numFlows,
      mine.numFlows .. " vs " .. want)
local ok_all = true
for _, f in ipairs(mine.flows) do ok_all = ok_all and (mine_ip(f["cli.ip"]) or mine_ip(f["srv.ip"])) end
check("getFlowsInfo: every flow carol sees has her host at one end", ok_all)
check("getFlowsInfo: bob sees every flow (all touch 192.168.1.0/24)",
      bob.interface.getFlowsInfo(nil, {maxHits = 10000}).numFlows == all.numFlows)
check("getFlowsInfo(host outside): nil for bob", bob.interface.getFlowsInfo(outside_ip) == nil)
check("getFlowsInfo(host outside): a table for admin",
      type(admin.interface.getFlowsInfo(outside_ip)) == "table")
check("getFlowsStats: counts only carol's flows", carol.interface.getFlowsStats().num_flows == want,
      carol.interface.getFlowsStats().num_flows)

-- MACs: those of the hosts a user sees
for _, u in ipairs({{"bob", bob, inside}, {"carol", carol, mine_ip}}) do
  local macs = {}
  for _, h in pairs(admin.interface.getHostsInfo(true).hosts) do
    if u[3](h.ip) and h.mac then macs[h.mac] = true end
  end
  local mm = u[2].interface.getMacsInfo()
  local same = mm.numMacs == count(macs)
  for _, m in ipairs(mm.macs) do same = same and macs[m.mac] ~= nil end
  check("getMacsInfo: the MACs of " .. u[1] .. "'s hosts (" .. count(macs) .. " of " ..
        admin.interface.getMacsInfo().numMacs .. ")", same, mm.numMacs)
end
local some_mac
for _, m in ipairs(admin.interface.getMacsInfo().macs) do
  local mine_mac = false
  for _, cm in ipairs(carol.interface.getMacsInfo().macs) do mine_mac = mine_mac or cm.mac == m.mac end
  if not mine_mac then some_mac = m.mac end
end
check("getMacInfo of a MAC carol does not see: nil", some_mac and
      carol.interface.getMacInfo(some_mac) == nil and admin.interface.getMacInfo(some_mac) ~= nil,
      some_mac)

-- eve: one address outside every local network
local eve = assert(nc.connect(T, {token = eve_tok}))
check("getNetworksStats: bob sees 192.168.1.0/24",
      bob.interface.getNetworksStats()["192.168.1.0/24"] ~= nil)
check("getNetworksStats: eve sees none", next(eve.interface.getNetworksStats()) == nil)
check("getNetworkStats(0): empty for eve", next(eve.interface.getNetworkStats(0)) == nil)
check("getHostsInfo: eve sees none", eve.interface.getHostsInfo(false).numHosts == 0)
check("getIfNames: eve sees both interfaces", count(eve.interface.getIfNames()) == 2)
os.exit(failed == 0 and 0 or 1)
EOF
    OUT=$(env -u NTOP_TOKEN timeout -k 5 120 "$NTOP_SHELL" "$TMP/see.lua" "$T" "$admin" "$bob" "$carol" "$eve" "$carol_ip" 2>&1)
    local rc=$?
    PASS=$((PASS + $(grep -c '^ok ' <<<"$OUT")))
    FAIL=$((FAIL + $(grep -c '^FAIL ' <<<"$OUT")))
    printf '%s\n' "$OUT" | grep -E '^(ok|FAIL) '
    if [ $rc -ne 0 ] && ! grep -q '^FAIL ' <<<"$OUT"; then fail "see.lua ran" "$OUT"; fi
    alive "authorization checks"
    stop_probe
    finish
}

group_limits() {
    start_redis
    local admin
    admin=$(add_user admin administrator)
    export NTOP_RPC_AUTH_BLOCK_SECONDS=3
    start_probe "$T"
    unset NTOP_RPC_AUTH_BLOCK_SECONDS
    local i bad=0
    for i in 1 2 3 4 5; do
        client --metadata "$(tok "bad$i")" "$T" ntop.md5 s:abc
        grep -q "^status = 16 " <<<"$OUT" || bad=1
    done
    if [ $bad -eq 0 ]; then pass "5 wrong tokens: UNAUTHENTICATED each"; else fail "5 wrong tokens" "$OUT"; fi
    expect_status "then even the right token is refused" 8 "too many failed authentications" \
        --metadata "$(tok "$admin")" "$T" ntop.md5 s:abc
    expect_status "and so is a call without token" 8 "retry in" "$T" ntop.md5 s:abc
    local n
    n=$(grep -c "failed authentications from unix" "$TMP/probe.err")
    if [ "$n" -eq 1 ]; then pass "logged once"; else fail "logged once (got $n)" "$(cat "$TMP/probe.err")"; fi
    alive "blocked peer"
    sleep 3.5
    expect_status "after the block: the right token is accepted" 0 \
        "1 = str:900150983cd24fb0d6963f7d28e17f72" --metadata "$(tok "$admin")" "$T" ntop.md5 s:abc
    stop_probe
    finish
}

group_startup() {
    start_redis
    local rc
    # --rpc-no-auth on an address other hosts can reach: refused at start.
    timeout -k 5 60 "$NTOP_PROBE" -i "$PCAP" -d "$TMP/data" -r "$RSOCK" --rpc-listen 0.0.0.0:0 \
        --rpc-no-auth >/dev/null 2>"$TMP/p1.err"
    rc=$?
    if [ $rc -ne 0 ] && [ $rc -ne 124 ] && grep -q -- "--rpc-no-auth refused: 0.0.0.0:0" "$TMP/p1.err"; then
        pass "--rpc-no-auth on 0.0.0.0: exit $rc with a clear message"
    else
        fail "--rpc-no-auth on 0.0.0.0: exit $rc" "$(cat "$TMP/p1.err")"
    fi
    timeout -k 5 60 "$NTOP_PROBE" -i "$PCAP" -d "$TMP/data" -r "$RSOCK" --rpc-listen "$T" \
        --rpc-listen "[::]:0" --rpc-no-auth >/dev/null 2>"$TMP/p2.err"
    rc=$?
    if [ $rc -ne 0 ] && [ $rc -ne 124 ] && grep -q -- "--rpc-no-auth refused: \[::\]:0" "$TMP/p2.err"; then
        pass "--rpc-no-auth with one [::] listener among local ones: refused"
    else
        fail "--rpc-no-auth with [::]: exit $rc" "$(cat "$TMP/p2.err")"
    fi

    # No token in Redis: the log says how to make one.
    start_probe "$T"
    if grep -q "no API token exists yet.*--create-admin" "$TMP/probe.err"; then
        pass "no token exists: the log names --create-admin"; else
        fail "no token exists: the log names --create-admin" "$(cat "$TMP/probe.err")"; fi
    expect_status "no token exists: calls refused" 16 "no API token" "$T" ntop.md5 s:abc
    stop_probe

    # --rpc-no-auth on loopback and unix: accepted, loudly, and calls need no token.
    start_probe "$T" --rpc-listen 127.0.0.1:0 --rpc-no-auth
    if grep -q "AUTHENTICATION IS OFF" "$TMP/probe.err"; then pass "--rpc-no-auth: the log says so"; else
        fail "--rpc-no-auth: the log says so" "$(cat "$TMP/probe.err")"; fi
    expect_status "--rpc-no-auth: a call without a token works" 0 "results = 1" "$T" ntop.md5 s:abc
    local exec_fn
    exec_fn=$("$NTOP_PROBE" --list-api 2>/dev/null | awk -F'\t' '$4 == "exec" {print $1 "." $2; exit}')
    if [ -n "$exec_fn" ]; then
        expect_status "--rpc-no-auth: exec function $exec_fn still refused" 7 "--rpc-allow-exec" \
            "$T" "$exec_fn"
    fi
    stop_probe

    # TLS files: unreadable, not PEM, a key of another certificate.
    make_certs
    tls_refused "unreadable certificate" "$TMP/none.pem" "$TMP/server.key" "--rpc-tls-cert $TMP/none.pem: No such file"
    tls_refused "certificate not PEM" "$TMP/end.lua" "$TMP/server.key" "not a PEM certificate"
    tls_refused "key of another certificate" "$TMP/server.pem" "$TMP/other.key" "does not belong to the certificate"
    tls_refused "certificate without key" "$TMP/server.pem" "" "needs both --rpc-tls-cert and --rpc-tls-key"
    finish
}

# tls_refused NAME CERT KEY TEXT
tls_refused() {
    local args=(--rpc-tls-cert "$2") rc
    [ -n "$3" ] && args+=(--rpc-tls-key "$3")
    timeout -k 5 60 "$NTOP_PROBE" -i "$PCAP" -d "$TMP/data" -r "$RSOCK" --rpc-listen 127.0.0.1:0 \
        "${args[@]}" >/dev/null 2>"$TMP/tls.err"
    rc=$?
    if [ $rc -ne 0 ] && [ $rc -ne 124 ] && grep -qF -- "$4" "$TMP/tls.err"; then
        pass "TLS $1: refused at start (exit $rc)"
    else
        fail "TLS $1: exit $rc, want '$4'" "$(cat "$TMP/tls.err")"
    fi
}

# A CA, a server certificate it signs for the name probe.test, and an unrelated CA and key.
make_certs() {
    command -v openssl >/dev/null || { fail "openssl not found (deploy/install-deps.sh)"; finish; }
    (
        cd "$TMP" || exit 1
        openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 \
            -subj "/CN=ntop-probe test CA" &&
            openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr \
                -subj "/CN=probe.test" &&
            printf 'subjectAltName=DNS:probe.test\n' >san.ext &&
            openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
                -out server.pem -days 2 -extfile san.ext &&
            openssl req -x509 -newkey rsa:2048 -nodes -keyout other.key -out other.pem -days 2 \
                -subj "/CN=another CA"
    ) >"$TMP/openssl.log" 2>&1 || { fail "openssl makes the test certificates" "$(cat "$TMP/openssl.log")"; finish; }
}

group_tls() {
    start_redis
    make_certs
    local admin port
    admin=$(add_user admin administrator)
    start_probe 127.0.0.1:0 --rpc-tls-cert "$TMP/server.pem" --rpc-tls-key "$TMP/server.key"
    port=$(sed -n 's/.*rpc: listening on 127\.0\.0\.1:\([0-9][0-9]*\)$/\1/p' "$TMP/probe.err")
    local P=127.0.0.1:$port

    expect_status "TLS, the right CA and name: OK" 0 "1.stats.packets = int:4999" \
        --tls-ca "$TMP/ca.pem" --tls-server-name probe.test --metadata "$(tok "$admin")" "$P" \
        interface.getStats
    expect_status "TLS but no token: UNAUTHENTICATED" 16 "no API token" \
        --tls-ca "$TMP/ca.pem" --tls-server-name probe.test "$P" ntop.md5 s:abc
    expect_status "plaintext client against the TLS probe: UNAVAILABLE" 14 "" \
        --metadata "$(tok "$admin")" "$P" ntop.md5 s:abc
    alive "plaintext client"

    shell_run "shell --tls-ca: connects and calls" "4999" --probe "$P" --token "$admin" \
        --tls-ca "$TMP/ca.pem" --tls-server-name probe.test -e 'print(interface.getStats().stats.packets)'
    shell_run "shell, wrong CA: a clear error" "certificate verify failed (TLS: " --probe "$P" --token "$admin" \
        --tls-ca "$TMP/other.pem" --tls-server-name probe.test -e 'print(1)'
    [ "${OUT#*4999}" = "$OUT" ] || fail "shell, wrong CA: no answer" "$OUT"
    shell_run "shell --tls without CA (system roots): a clear error" "the system's CA roots" --probe "$P" \
        --token "$admin" --tls --tls-server-name probe.test -e 'print(1)'
    shell_run "shell, the right CA but another name: a clear error" \
        "Peer name other.test is not in peer certificate (TLS: " --probe "$P" \
        --token "$admin" --tls-ca "$TMP/ca.pem" --tls-server-name other.test -e 'print(1)'
    shell_run "shell, plaintext against TLS: a clear error" "is the probe serving TLS" --probe "$P" \
        --token "$admin" -e 'print(1)'
    shell_run "shell, --tls-ca that is no PEM file: a clear error" "cannot use the TLS CA file" \
        --probe "$P" --token "$admin" --tls-ca "$TMP/end.lua" -e 'print(1)'
    alive "TLS failures"
    stop_probe
    finish
}

case "$GROUP" in
auth) group_auth ;;
authz) group_authz ;;
limits) group_limits ;;
startup) group_startup ;;
tls) group_tls ;;
*)
    echo "unknown group $GROUP"
    exit 2
    ;;
esac
