-- checks_conditions: every host at every minute run: its flow totals and the minute's new
-- flows (host.new_flows_as_client / as_server).
local v = host.vlan_id()
print(string.format("nf\t%s\t%d\t%d\t%d\t%d", host.ip() .. (v > 0 and ("@" .. v) or ""),
  host.total_flows_as_client(), host.total_flows_as_server(), host.new_flows_as_client(),
  host.new_flows_as_server()))
