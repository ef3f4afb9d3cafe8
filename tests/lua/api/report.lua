-- A full, deterministic dump of what the API says about a capture: every value with its
-- Lua type (integer and float told apart), keys sorted. Run in the probe (--run-script) and
-- through ntoplua-shell against a probe replaying the same capture, the outputs must match
-- byte for byte (tests/client/same_output.sh).
local function key_order(a, b)
   if type(a) ~= type(b) then return type(a) < type(b) end
   return a < b
end

local function dump(v, indent)
   indent = indent or ""
   local t = type(v)
   if t == "table" then
      local keys = {}
      for k in pairs(v) do keys[#keys + 1] = k end
      table.sort(keys, key_order)
      for _, k in ipairs(keys) do
         local val = v[k]
         if type(val) == "table" then
            print(indent .. tostring(k) .. ":")
            dump(val, indent .. "  ")
         else
            dump_scalar(indent .. tostring(k), val)
         end
      end
   else
      dump_scalar(indent, v)
   end
end

function dump_scalar(label, v)
   local kind = type(v) == "number" and math.type(v) or type(v)
   local text = type(v) == "number" and math.type(v) == "float" and string.format("%.17g", v)
      or string.format("%q", v)
   print(label .. " = " .. kind .. " " .. text)
end

for id, name in pairs(interface.getIfNames()) do
   interface.select(name)
   print("== interface " .. id)
   dump(interface.getStats())
   dump(interface.getHostsInfo(true, "column_ip", 100000, 0, true))
   dump(interface.getFlowsInfo(nil, {sortColumn = "column_key", maxHits = 100000, detailedResults = true}))
   dump(interface.getMacsInfo("column_mac", 100000, 0, true))
   dump(interface.getnDPIStats())
   dump(interface.getNetworksStats())
   dump(interface.getHostInfo("192.168.1.93"))
end
dump(ntop.getNetworks())
dump(ntop.md5("ntop\0probe"))
dump({ntop.networkPrefix("192.168.1.77", 24), ntop.bitmapSet(0, 63), ntop.gettickspersec()})
