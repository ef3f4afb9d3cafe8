-- Built-in check: flow flood. A host that started at least THRESHOLD flows in one minute
-- as client (attacker) or as server (victim) engages ntopng's flow_flood host alert (4)
-- while the condition holds. The minute's new flows come from the probe extensions
-- host.new_flows_as_client / as_server (what ntopng's flow-flood check counts in C++).
-- Runs only for hosts with THRESHOLD new flows in this minute or the last (the last: to
-- release): the number in the condition below is THRESHOLD.
-- @only: new_flows>=256
local THRESHOLD = 256 -- new flows per minute
local SCORE = 100

-- Loaded once: the script's globals persist from one run to the next.
host_alert = host_alert or dofile(ntop.getDirs().installdir .. "/scripts/lua/checks/lib/host_alert.lua")
engaged = engaged or {}

local new_cli, new_srv = host.new_flows_as_client(), host.new_flows_as_server()
local msg
if new_cli >= THRESHOLD then
  msg = string.format("attacker: %d new flows as client in a minute", new_cli)
elseif new_srv >= THRESHOLD then
  msg = string.format("victim: %d new flows as server in a minute", new_srv)
end
host_alert.update(engaged, "flow_flood", 4, SCORE, msg ~= nil, msg)
