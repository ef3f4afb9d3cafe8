-- checks_conditions: runs only for hosts with 20 new flows (as client or as server) in this
-- minute or the last.
-- @only: new_flows>=20
local v = host.vlan_id()
print(string.format("th\t%s\t%d\t%d\t%d\t%d", host.ip() .. (v > 0 and ("@" .. v) or ""),
  host.total_flows_as_client(), host.total_flows_as_server(), host.new_flows_as_client(),
  host.new_flows_as_server()))
