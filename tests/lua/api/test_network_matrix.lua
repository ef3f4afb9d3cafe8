-- getNetworkStats' intranet_traffic (ntopng's network matrix) and
-- network.resetTrafficBetweenNets, on test_01.pcap with -m 192.168.1.0/25,192.168.1.128/25.
-- Oracle: the flows interface.getFlowsInfo lists whose two hosts sit in the two networks
-- (every flow ends at the end of the file, so every one of them is booked).
local T = require "testlib"

local function net_of(ip)
    local a, b, c, d = ip:match("^(%d+)%.(%d+)%.(%d+)%.(%d+)$")
    if not a or a ~= "192" or b ~= "168" or c ~= "1" then return nil end
    return tonumber(d) < 128 and "192.168.1.0/25" or "192.168.1.128/25"
end

local want = {}
for _, name in ipairs({"192.168.1.0/25", "192.168.1.128/25"}) do
    want[name] = {bytes_sent = 0, bytes_rcvd = 0}
end
local n = 0
local page = interface.getFlowsInfo(nil, {perPage = 100000, detailedResults = true})
for _, f in pairs(page.flows) do
    local cn, sn = net_of(f["cli.ip"]), net_of(f["srv.ip"])
    if cn and sn and cn ~= sn then
        n = n + 1
        want[cn].bytes_sent = want[cn].bytes_sent + f["cli2srv.bytes"]
        want[cn].bytes_rcvd = want[cn].bytes_rcvd + f["srv2cli.bytes"]
        want[sn].bytes_sent = want[sn].bytes_sent + f["srv2cli.bytes"]
        want[sn].bytes_rcvd = want[sn].bytes_rcvd + f["cli2srv.bytes"]
    end
end
T.check(n > 0, "test_01 has flows between the two networks (" .. n .. ")")

local other = {["192.168.1.0/25"] = "192.168.1.128/25", ["192.168.1.128/25"] = "192.168.1.0/25"}
for id = 0, 1 do
    local stats = interface.getNetworkStats(id)
    local name, s = next(stats)
    T.check(s ~= nil and s.intranet_traffic ~= nil, "intranet_traffic of network " .. id)
    local m = s.intranet_traffic
    T.check_eq(m[other[name]].bytes_sent, want[name].bytes_sent, name .. " bytes_sent")
    T.check_eq(m[other[name]].bytes_rcvd, want[name].bytes_rcvd, name .. " bytes_rcvd")
    T.check_eq(m[name].bytes_sent, 0, name .. " with itself: 0")
end

-- network.* with the selected network; the reset touches only that network
network.select(0)
local s0 = network.getNetworkStats()
T.check_eq(s0.network_id, 0, "network.getNetworkStats of the selected network")
network.resetTrafficBetweenNets()
local after0 = network.getNetworkStats().intranet_traffic["192.168.1.128/25"]
T.check_eq(after0.bytes_sent + after0.bytes_rcvd, 0, "reset: network 0 matrix zero")
local _, s1 = next(interface.getNetworkStats(1))
T.check_eq(s1.intranet_traffic["192.168.1.0/25"].bytes_sent, want["192.168.1.128/25"].bytes_sent,
           "reset: network 1 untouched")
network.select(nil)
local ok, err = pcall(network.resetTrafficBetweenNets)
T.check(not ok and tostring(err):find("no current network", 1, true), "no current network raises")
T.done()
