-- Built-in check: SYN flood. A host contacted in one minute, without replying, by at least
-- THRESHOLD distinct <client, server port> pairs on fewer than THRESHOLD distinct ports
-- (many clients on a few ports; many ports is syn_scan.lua's scan) is a flood victim:
-- engages ntopng's syn_flood host alert (6) while the condition holds.
-- @only: contacts
local THRESHOLD = 256 -- per minute
local SCORE = 100

-- Loaded once: the script's globals persist from one run to the next.
host_alert = host_alert or dofile(ntop.getDirs().installdir .. "/scripts/lua/checks/lib/host_alert.lua")
engaged = engaged or {}

local contacts = host.getNumContactsFromPeersAsServerTCPUDPNoTX()
local ports = host.getNumContactedTCPUDPServerPortsNoTX()
local hit = contacts >= THRESHOLD and ports < THRESHOLD
host_alert.update(engaged, "syn_flood", 6, SCORE, hit, hit and string.format(
  "victim: %d unanswered <client, port> contacts on %d ports in a minute", contacts, ports))
