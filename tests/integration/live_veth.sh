#!/bin/bash
# Live capture on a veth pair: the test makes a network namespace holding one end
# (10.99.0.2/30, the test's own host) and keeps the other in the root namespace
# (10.99.0.1/30); the probe captures on the root end while UDP and ICMP echo traffic goes
# to the namespace. Everything the test creates is removed on exit (trap).
# shellcheck source=tests/integration/common.sh
. "$(dirname "$0")/common.sh"

require_root
command -v ip >/dev/null 2>&1 || skip "iproute2 (ip) not found"
ip netns list >/dev/null 2>&1 || skip "ip netns is not available"

ROOT_ADDR=10.99.0.1 NS_ADDR=10.99.0.2

# Namespaces left by an earlier run of this test that was killed (SIGKILL skips the trap):
# ntop-probe-test-<pid> whose process is gone. Deleting one also removes its veth pair.
for old in $(ip netns list 2>/dev/null | sed -n 's/^\(ntop-probe-test-[0-9]*\).*/\1/p'); do
    kill -0 "${old##*-}" 2>/dev/null || ip netns del "$old" 2>/dev/null
done

if ip -4 -o addr show | grep -qE "inet ($ROOT_ADDR|$NS_ADDR)/"; then
    skip "$ROOT_ADDR or $NS_ADDR is already in use in the root namespace"
fi

NS=ntop-probe-test-$$
VETH_ROOT=ntpt$$r   # <= 15 characters
VETH_NS=ntpt$$n

cleanup() {
    ip netns del "$NS" 2>/dev/null           # also destroys the veth pair
    ip link del "$VETH_ROOT" 2>/dev/null      # in case it never moved
    true
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

ip netns add "$NS" 2>/dev/null || skip "cannot create a network namespace"
ip link add "$VETH_ROOT" type veth peer name "$VETH_NS" 2>/dev/null ||
    skip "cannot create a veth pair"
ip link set "$VETH_NS" netns "$NS" || exit 1
ip addr add "$ROOT_ADDR/30" dev "$VETH_ROOT" || exit 1
ip link set "$VETH_ROOT" up || exit 1
ip -n "$NS" addr add "$NS_ADDR/30" dev "$VETH_NS" || exit 1
ip -n "$NS" link set "$VETH_NS" up || exit 1
ip -n "$NS" link set lo up || exit 1

# Wait (bounded) for the link to come up (ARP and IPv6 chatter are filtered out).
for _ in $(seq 50); do
    ip link show "$VETH_ROOT" | grep -q "state UP" && break
    sleep 0.1
done

export NTOP_TEST_SRC=$ROOT_ADDR NTOP_TEST_DST=$NS_ADDR
export NTOP_TEST_SPORT=45687 NTOP_TEST_DPORT=45688
export NTOP_TEST_COUNT=5 NTOP_TEST_SIZE=100 NTOP_TEST_REPLY_SIZE=60
export NTOP_TEST_ICMP_COUNT=3 NTOP_TEST_ICMP_SIZE=56 NTOP_TEST_ICMP_ID=32344
export NTOP_TEST_NETNS=$NS
NTOP_TEST_DST_MAC=$(ip -n "$NS" -o link show "$VETH_NS" | sed -n 's|.*link/ether \([0-9a-f:]*\).*|\1|p')
export NTOP_TEST_DST_MAC

run_probe "$VETH_ROOT" "(udp and port $NTOP_TEST_DPORT) or (icmp and (icmp[icmptype] = icmp-echo or icmp[icmptype] = icmp-echoreply) and icmp[4:2] = $NTOP_TEST_ICMP_ID)"
