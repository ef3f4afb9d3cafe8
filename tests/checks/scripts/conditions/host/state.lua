-- checks_conditions: every host in host_state; the engine drops a host's key when the
-- host leaves memory, so after each run the table holds the hosts in memory.
host_state = host_state or {}
local vlan = host.vlan_id()
host_state[host.ip() .. ((vlan and vlan ~= 0) and ("@" .. vlan) or "")] = true
local n = 0
for _ in pairs(host_state) do n = n + 1 end
print("state", n)
