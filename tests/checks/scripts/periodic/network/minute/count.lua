-- Runs for each local network with traffic, with the network selected.
local C = require "checklib"
local s = network.getNetworkStats()
C.emit("network", s.network_key .. "\t" .. s.network_id)
return 0
