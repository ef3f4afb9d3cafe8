-- For dns_contacts.pcap (13:48:43 to 13:50:10 UTC): engages the custom alert of the hosts
-- seen before 13:49:00 on their first minute run only (the 13:49 run); the 13:50 run does
-- not raise it again, so the engine must release it.
local FIRST_MINUTE_END = 1612360140
local info = interface.getHostInfo(host.ip(), host.vlan_id())
if host.isFirstCheckRun() and info and info["seen.first"] < FIRST_MINUTE_END then
  host.triggerAlert(10, "first run")
end
