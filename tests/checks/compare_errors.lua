-- --run-script: a failing and a runaway script were reported and counted, the script after
-- them ran for every flow, and the capture totals equal those of a run without checks
-- (NTOP_EXPECT_PACKETS / _BYTES / _FLOWS / _HOSTS).
local C = require "checklib"

local s = interface.getStats()
C.check(s.stats.packets == tonumber(os.getenv("NTOP_EXPECT_PACKETS")) and
            s.stats.bytes == tonumber(os.getenv("NTOP_EXPECT_BYTES")) and
            s.stats.flows == tonumber(os.getenv("NTOP_EXPECT_FLOWS")) and
            s.stats.hosts == tonumber(os.getenv("NTOP_EXPECT_HOSTS")),
        "capture totals equal a run without checks")
local n = interface.getNumFlows()
C.check(#C.read_lines("count") == n, "the script after the failing ones ran for every flow")
local st = ntop.getFlowChecksStats()
local e, r = st["flow/protocol_detected/a_error.lua"], st["flow/protocol_detected/b_runaway.lua"]
C.check(e and e.stats.calls == n and e.stats.errors == n and e.stats.timeouts == 0,
        "the failing script's errors are counted")
C.check(r and r.stats.calls == n and r.stats.errors == 1 and r.stats.timeouts == 1,
        "the runaway script was interrupted once")
local p = st["flow/protocol_detected/b_stubborn.lua"]
C.check(p and p.stats.calls == n and p.stats.errors == 1 and p.stats.timeouts == 1,
        "the runaway script that catches errors with pcall was interrupted once")
C.check(#C.read_lines("hostrun") > 0 and #C.read_lines("argerr") == 0,
        "wrong argument types raise: " .. table.concat(C.read_lines("argerr"), "; "))
local ok, err = pcall(flow.cli)
C.check(not ok and tostring(err):find("no current flow", 1, true), "flow.* outside a flow check: " .. tostring(err))
ok, err = pcall(host.ip)
C.check(not ok and tostring(err):find("no current host", 1, true), "host.* outside a host check")
ok, err = pcall(network.getNetworkStats)
C.check(not ok and tostring(err):find("no current network", 1, true), "network.* without a selection")
network.select(0)
C.check(network.getNetworkStats().network_id == 0, "network.select then getNetworkStats")
C.done()
