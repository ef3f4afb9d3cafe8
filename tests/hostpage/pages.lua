-- Host pages, written canonically (sorted keys, integers and floats told apart) to the file
-- named by $NTOP_PAGES_OUT. Run inside the probe (--run-script) and remotely
-- (ntoplua-shell -p ...): the two files must be identical (tests/hostpage/run.sh).
-- $NTOP_PAGES_SET: "full" (every variation), "medium" (fewer columns and pages, for captures
-- with many hosts) or "plain" (no filters: the pages a restricted user compares, tests/hostpage
-- /run.sh); $NTOP_PAGES_CIDR: a network passed as the cidr filter to every plain page (what a
-- user restricted to that network must see remotely without it).
local out_path = assert(os.getenv("NTOP_PAGES_OUT"), "NTOP_PAGES_OUT is not set")
local set = os.getenv("NTOP_PAGES_SET") or "full"
local cidr = os.getenv("NTOP_PAGES_CIDR")

local function scalar(v)
   local mt = math.type(v)
   if mt == "integer" then return string.format("i%d", v) end
   if mt == "float" then return string.format("f%.17g", v) end
   if type(v) == "string" then return string.format("%q", v) end
   return type(v) .. ":" .. tostring(v)
end

local function flat(out, prefix, v)
   if type(v) ~= "table" then
      out[#out + 1] = prefix .. "=" .. scalar(v)
      return
   end
   local keys = {}
   for k in pairs(v) do keys[#keys + 1] = k end
   table.sort(keys, function(a, b)
      if type(a) ~= type(b) then return type(a) < type(b) end
      return a < b
   end)
   if #keys == 0 then out[#out + 1] = prefix .. "={}" end
   for _, k in ipairs(keys) do flat(out, prefix .. "." .. scalar(k), v[k]) end
end

local out = {}
local function page(label, f, ...)
   local ok, r = pcall(f, ...)
   if not ok then
      out[#out + 1] = label .. " error " .. tostring(r)
      return
   end
   local lines = {}
   flat(lines, label, r)
   out[#out + 1] = table.concat(lines, "\n")
end

interface.select(0)
local first = interface.getHostsInfo(false, "column_ip", 5, 0, true, nil, nil, nil, nil, nil,
                                     nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, true)
local mac = first and first.hosts[1] and first.hosts[1].mac or "00:00:00:00:00:00"

local fns = {getHostsInfo = interface.getHostsInfo, getLocalHostsInfo = interface.getLocalHostsInfo,
             getRemoteHostsInfo = interface.getRemoteHostsInfo}
local columns = {"column_ip", "column_name", "column_traffic", "column_since", "column_num_flows",
                 "column_mac", "column_local_network", "column_traffic_unknown", "column_vlan",
                 "column_traffic_sent", "column_bogus"}
local pages = {{1000, 0}, {25, 40}, {3, 7}, {1, 0}, {10, 100000}}
if set ~= "full" then
   columns = {"column_ip", "column_traffic", "column_name", "column_since"}
   pages = {{300, 0}, {25, 12000}, {3, 7}, {1, 2}}
end

for _, fname in ipairs({"getHostsInfo", "getLocalHostsInfo", "getRemoteHostsInfo"}) do
   local f = fns[fname]
   for _, col in ipairs(columns) do
      for _, a2z in ipairs({true, false}) do
         for _, p in ipairs(pages) do
            for _, details in ipairs({true, false}) do
               page(string.format("%s/%s/%s/%d/%d/%s", fname, col, a2z, p[1], p[2], details),
                    f, details, col, p[1], p[2], a2z, nil, nil, nil, nil, nil, nil, nil, nil, nil,
                    nil, nil, nil, nil, nil, cidr)
            end
         end
      end
   end
   if set == "plain" then goto next_fn end
   -- filters: vlan, asn(nil), network, mac, pool, ipversion, proto, traffic_type, cidr,
   -- array_format
   local function filt(label, ...)
      page(fname .. "/filter/" .. label, f, true, "column_traffic", 500, 0, false, ...)
   end
   filt("vlan0", nil, nil, 0)
   filt("vlan7", nil, nil, 7)
   filt("net0", nil, nil, nil, nil, 0)
   filt("net-1", nil, nil, nil, nil, -1)
   filt("mac", nil, nil, nil, nil, nil, mac)
   filt("ipv4", nil, nil, nil, nil, nil, nil, nil, 4)
   filt("ipv6", nil, nil, nil, nil, nil, nil, nil, 6)
   filt("proto_dns", nil, nil, nil, nil, nil, nil, nil, nil, 5)
   filt("proto_http", nil, nil, nil, nil, nil, nil, nil, nil, 7)
   filt("proto_unknown", nil, nil, nil, nil, nil, nil, nil, nil, 0)
   filt("proto_bogus", nil, nil, nil, nil, nil, nil, nil, nil, 70000)
   filt("oneway", nil, nil, nil, nil, nil, nil, nil, nil, nil, 1)
   filt("bothways", nil, nil, nil, nil, nil, nil, nil, nil, nil, 2)
   filt("cidr", nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, "192.168.1.0/25")
   filt("cidr_host", nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, "10.0.0.1")
   filt("array", nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, true)
   filt("array_cidr", nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil,
        "192.168.1.0/24", nil, true)
   -- bad arguments: the same error either way
   page(fname .. "/bad/sort", f, true, {})
   page(fname .. "/bad/details", f, "yes")
   page(fname .. "/bad/skip", f, true, "column_ip", 10, -1)
   page(fname .. "/bad/mac", f, true, "column_ip", 10, 0, true, nil, nil, nil, nil, nil, "zz")
   page(fname .. "/bad/country", f, true, "column_ip", 10, 0, true, "IT")
   ::next_fn::
end

local fh = assert(io.open(out_path, "w"))
fh:write(table.concat(out, "\n"), "\n")
fh:close()
print("PAGES " .. #out)
