-- Host check: the current host's contact counters of unanswered TCP/UDP flows, one line per
-- run appended to $NTOP_CONTACTS_OUT (the last line of a host is its final state):
-- ip, vlan, egress, ingress, peers as client, peers as server, server ports.
local stats = host.getUnidirectionalTCPUDPFlowsStats()
local line = table.concat({
    host.ip(), host.vlan_id(), stats.num_egress, stats.num_ingress,
    host.getNumContactedPeersAsClientTCPUDPNoTX(), host.getNumContactsFromPeersAsServerTCPUDPNoTX(),
    host.getNumContactedTCPUDPServerPortsNoTX(),
}, "\t")
local f = assert(io.open(os.getenv("NTOP_CONTACTS_OUT"), "a"))
f:write(line, "\n")
f:close()
return 0
