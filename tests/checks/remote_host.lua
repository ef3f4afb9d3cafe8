-- Run by run_remote_host.sh through ntoplua-shell: host.* called remotely with the host
-- named in the call's context equal interface.getHostInfo of that host.
local C = require "checklib"
local p = probes[1]

local n, same = 0, true
for key in pairs(interface.getHostsInfo(false).hosts) do
    p:set_context({host = key})
    local info = interface.getHostInfo(key)
    local rec = C.host_record()
    n = n + 1
    if rec ~= C.host_record_from_info(info) then
        same = false
        print("  " .. key .. "\n  accessors: " .. rec .. "\n  info:      " .. C.host_record_from_info(info))
    end
end
C.check(n > 0 and same, "remote host.* equal getHostInfo for every host (" .. n .. ")")

-- The minute's new flows: the last values the probe's own minute host check printed.
local last = {}
for l in io.lines(os.getenv("NTOP_NF_LOG")) do
  local key, _, _, cli, srv = l:match("^nf\t([^\t]+)\t(%d+)\t(%d+)\t(%d+)\t(%d+)$")
  if key then last[key] = cli .. " " .. srv end
end
local m, same_nf = 0, true
for key in pairs(interface.getHostsInfo(false).hosts) do
  p:set_context({host = key})
  local got = tostring(host.new_flows_as_client()) .. " " .. tostring(host.new_flows_as_server())
  m = m + 1
  if got ~= last[key] then
    same_nf = false
    print("  " .. key .. ": remote " .. got .. ", in the probe " .. tostring(last[key]))
  end
end
C.check(m > 0 and same_nf, "remote host.new_flows_as_* equal the probe's last minute run (" .. m .. ")")

p:set_context({host = "10.255.255.254"})
local r = ntopclient.call_all(probes, "host.ip")
C.check(not r[1].ok and r[1].status == "FAILED_PRECONDITION" and
            r[1].error:find("10.255.255.254 is not a host", 1, true), "an unknown host: " .. tostring(r[1].error))
p:set_context({host = false})
r = ntopclient.call_all(probes, "host.ip")
C.check(not r[1].ok and r[1].status == "FAILED_PRECONDITION", "no host in the context")
r = ntopclient.call_all(probes, "flow.cli")
C.check(not r[1].ok and r[1].status == "FAILED_PRECONDITION", "flow.* remotely: no current flow")
network.select(0)
C.check(p:context().network == 0 and network.getNetworkStats().network_id == 0,
        "network.select travels back in the context")
C.done()
