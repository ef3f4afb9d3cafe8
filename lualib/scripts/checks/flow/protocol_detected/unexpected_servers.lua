-- Built-in check: unexpected DHCP, DNS and NTP servers. On protocol detection (as ntopng's
-- UnexpectedServer checks), a DHCP, DNS or NTP flow whose server is not in the configured
-- list of allowed servers raises ntopng's unexpected_dhcp_server (32),
-- unexpected_dns_server (33) or unexpected_ntp_server (35) flow alert (default score).
-- Configuration: <data_dir>/checks/unexpected_servers.lua, a Lua table, e.g.
--   return { dhcp = {"192.168.1.1"}, dns = {"192.168.1.1", "8.8.8.8"}, ntp = {} }
-- A protocol absent from the file is not checked; without the file the check is silent.
-- An empty list means "no server of that protocol is expected".
-- @only: l7=DHCP,DNS,NTP
local ALERTS = { dhcp = 32, dns = 33, ntp = 35 }
local PROTOS = { DHCP = "dhcp", DNS = "dns", NTP = "ntp" }

if config == nil then
  config = false
  local path = ntop.getDirs().workingdir .. "/checks/unexpected_servers.lua"
  local chunk = loadfile(path, "t", {})
  if chunk then
    local ok, t = pcall(chunk)
    if ok and type(t) == "table" then
      config = {}
      for proto, list in pairs(t) do
        if ALERTS[proto] and type(list) == "table" then
          local set = {}
          for _, ip in ipairs(list) do set[tostring(ip)] = true end
          config[proto] = set
        end
      end
    else
      io.write("WARNING: check unexpected_servers: bad configuration " .. path .. "\n")
    end
  end
end
if not config then return end

-- "DNS", "DNS.Google": the master protocol is the first part of the name.
local proto = PROTOS[(flow.l7_proto_name():match("^[^%.]+"))]
if not proto or not config[proto] then return end
local srv = flow.srv()
if not config[proto][srv] then
  flow.triggerAlertType(ALERTS[proto],
    string.format("unexpected %s server %s (not in the allowed list)", proto, srv))
end
