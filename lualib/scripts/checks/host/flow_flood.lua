-- Built-in check: flow flood. A host that started at least THRESHOLD flows in one minute
-- as client (attacker) or as server (victim) engages ntopng's flow_flood host alert (4)
-- while the condition holds. The previous minute's totals are kept per host in this
-- script's host_state (host.total_flows_as_client / as_server, a probe extension: the same
-- counts as interface.getHostInfo's total_flows.as_client / as_server), whose
-- entry the engine drops when the host leaves memory. Runs only for hosts with new flows in
-- this minute or the last (the last: to release).
-- @only: new_flows
local THRESHOLD = 256 -- new flows per minute
local SCORE = 100

-- Loaded once: the script's globals persist from one run to the next.
host_alert = host_alert or dofile(ntop.getDirs().installdir .. "/scripts/lua/checks/lib/host_alert.lua")
engaged = engaged or {}
host_state = host_state or {}

local ip, vlan = host.ip(), host.vlan_id()
local key = vlan ~= 0 and ip .. "@" .. vlan or ip -- host_alert.entity_value
local cli, srv = host.total_flows_as_client(), host.total_flows_as_server()
-- Last run's client and server totals in one integer (32 bits each): no table per host
-- for the collector to follow (this script runs for every host with new flows).
local prev = host_state[key] or 0
host_state[key] = cli << 32 | srv
local new_cli, new_srv = cli - (prev >> 32), srv - (prev & 0xffffffff)
local msg
if new_cli >= THRESHOLD then
  msg = string.format("attacker: %d new flows as client in a minute", new_cli)
elseif new_srv >= THRESHOLD then
  msg = string.format("victim: %d new flows as server in a minute", new_srv)
end
host_alert.update(engaged, "flow_flood", 4, SCORE, msg ~= nil, msg, key)
