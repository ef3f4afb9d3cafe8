-- Inside the probe (--run-script): writes the same flat "path = type:value" lines that
-- rpc_probe_client prints, for the calls the RPC tests repeat remotely, into
-- $NTOP_RPC_TEST_DIR/inprobe_<name>.txt; then prints END (the probe goes on serving).
local dir = assert(os.getenv("NTOP_RPC_TEST_DIR"), "NTOP_RPC_TEST_DIR is not set")

local function esc(s)
   return (s:gsub(".", function(c)
      local b = c:byte()
      if b < 32 or b > 126 or b == 92 then return string.format("\\x%02x", b) end
   end))
end

local function scalar(v)
   local mt = math.type(v)
   if mt == "integer" then return string.format("int:%d", v) end
   if mt == "float" then return string.format("num:%.17g", v) end
   if type(v) == "string" then return "str:" .. esc(v) end
   if type(v) == "boolean" then return "bool:" .. tostring(v) end
   if v == nil then return "nil" end
   return "<" .. type(v) .. ">"
end

local function key(k)
   if type(k) == "string" then return esc(k) end
   local mt = math.type(k)
   if mt == "integer" then return string.format("[%d]", k) end
   if mt == "float" then return string.format("[num:%.17g]", k) end
   if type(k) == "boolean" then return "[bool:" .. tostring(k) .. "]" end
   return "[table]"
end

local function flat(out, prefix, v)
   if type(v) ~= "table" then
      out[#out + 1] = prefix .. " = " .. scalar(v)
      return
   end
   local keys = {}
   for k, x in pairs(v) do keys[#keys + 1] = {r = key(k), v = x} end
   if #keys == 0 then
      out[#out + 1] = prefix .. " = {}"
      return
   end
   table.sort(keys, function(a, b) return a.r < b.r end)
   for _, e in ipairs(keys) do flat(out, prefix .. "." .. e.r, e.v) end
end

local function dump(name, f, ...)
   local r = table.pack(f(...))
   local out = {}
   for i = 1, r.n do flat(out, tostring(i), r[i]) end
   local fh = assert(io.open(dir .. "/inprobe_" .. name .. ".txt", "w"))
   fh:write(table.concat(out, "\n"), "\n")
   fh:close()
end

-- The names match run_rpc_tests.sh; every call runs with interface 0 selected unless noted.
interface.select(0)
dump("stats", interface.getStats)
dump("ifnames", interface.getIfNames)
dump("hosts", interface.getHostsInfo)
dump("flows", interface.getFlowsInfo)
dump("host", interface.getHostInfo, "192.168.1.93")
dump("ndpi", interface.getnDPIStats)
dump("networks", interface.getNetworksStats)
dump("md5", ntop.md5, "a\0b\255")
dump("bitmap", ntop.bitmapSet, math.mininteger, 0)
interface.select(1)
dump("stats1", interface.getStats)
print("END")
