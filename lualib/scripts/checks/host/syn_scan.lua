-- Built-in check: SYN / port scan. A host that contacted, in one minute, at least
-- THRESHOLD distinct <server, port> pairs as client (attacker), or that was contacted on
-- at least THRESHOLD distinct ports as server (victim), without any reply engages
-- ntopng's syn_scan host alert (5) while the condition holds; it is released at the first
-- minute it does not. The unanswered-contact counters are reset each minute by
-- zz_reset_contacts.lua.
-- @only: contacts
local THRESHOLD = 256 -- per minute
local SCORE = 100

-- Loaded once: the script's globals persist from one run to the next.
host_alert = host_alert or dofile(ntop.getDirs().installdir .. "/scripts/lua/checks/lib/host_alert.lua")
engaged = engaged or {}

local peers = host.getNumContactedPeersAsClientTCPUDPNoTX()
local ports = host.getNumContactedTCPUDPServerPortsNoTX()
local msg
if peers >= THRESHOLD then
  msg = string.format("attacker: %d unanswered <server, port> contacts in a minute", peers)
elseif ports >= THRESHOLD then
  msg = string.format("victim: %d ports contacted without a reply in a minute", ports)
end
host_alert.update(engaged, "syn_scan", 5, SCORE, msg ~= nil, msg)
