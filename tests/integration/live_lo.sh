#!/bin/bash
# Live capture on lo: known UDP and ICMP traffic to 127.0.0.1, checked through the Lua API.
# shellcheck source=tests/integration/common.sh
. "$(dirname "$0")/common.sh"

require_root

export NTOP_TEST_SRC=127.0.0.1 NTOP_TEST_DST=127.0.0.1
export NTOP_TEST_SPORT=45677 NTOP_TEST_DPORT=45678
export NTOP_TEST_COUNT=5 NTOP_TEST_SIZE=100 NTOP_TEST_REPLY_SIZE=60
export NTOP_TEST_ICMP_COUNT=3 NTOP_TEST_ICMP_SIZE=56 NTOP_TEST_ICMP_ID=32343

# Only this test's traffic: its UDP port, and echo requests/replies with its identifier.
run_probe lo "(udp and port $NTOP_TEST_DPORT) or (icmp and (icmp[icmptype] = icmp-echo or icmp[icmptype] = icmp-echoreply) and icmp[4:2] = $NTOP_TEST_ICMP_ID)"
