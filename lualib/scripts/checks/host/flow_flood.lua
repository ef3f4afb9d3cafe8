-- Built-in check: flow flood. A host that started at least THRESHOLD flows in one minute
-- as client (attacker) or as server (victim) engages ntopng's flow_flood host alert (4)
-- while the condition holds. The previous minute's totals are kept per host in this
-- script's globals (interface.getHostInfo's total_flows.as_client / as_server).
-- @only: new_flows
local THRESHOLD = 256 -- new flows per minute
local SCORE = 100

-- Loaded once: the script's globals persist from one run to the next.
host_alert = host_alert or dofile(ntop.getDirs().installdir .. "/scripts/lua/checks/lib/host_alert.lua")
engaged = engaged or {}
totals = totals or {}

local info = interface.getHostInfo(host.ip(), host.vlan_id())
if not info then return end
local key = host_alert.entity_value()
local cli, srv = info["total_flows.as_client"] or 0, info["total_flows.as_server"] or 0
local prev = totals[key] or { cli = 0, srv = 0 }
totals[key] = { cli = cli, srv = srv }
local new_cli, new_srv = cli - prev.cli, srv - prev.srv
local msg
if new_cli >= THRESHOLD then
  msg = string.format("attacker: %d new flows as client in a minute", new_cli)
elseif new_srv >= THRESHOLD then
  msg = string.format("victim: %d new flows as server in a minute", new_srv)
end
host_alert.update(engaged, "flow_flood", 4, SCORE, msg ~= nil, msg)
