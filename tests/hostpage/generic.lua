-- Inside the probe: the host pages that tests/hostpage/run.sh asks with rpc_probe_client (no
-- Call.accept_records: the generic value tree), as the same flat "path = type:value" lines it
-- prints, one file per call in $NTOP_PAGES_DIR/inprobe_<name>.txt.
local dir = assert(os.getenv("NTOP_PAGES_DIR"), "NTOP_PAGES_DIR is not set")

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
   if math.type(k) == "integer" then return string.format("[%d]", k) end
   return "[?]"
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
   local out = {}
   flat(out, "1", f(...))
   local fh = assert(io.open(dir .. "/inprobe_" .. name .. ".txt", "w"))
   fh:write(table.concat(out, "\n"), "\n")
   fh:close()
end

-- The same calls as run.sh's generic_pages.
interface.select(0)
dump("g_traffic", interface.getHostsInfo, true, "column_traffic", 50, 5, false)
dump("g_local", interface.getLocalHostsInfo, false, "column_ip", 20, 0, true)
dump("g_remote", interface.getRemoteHostsInfo, true, "column_name", 1000, 0, true)
dump("g_array", interface.getHostsInfo, true, "column_ip", 10, 0, true, nil, nil, nil, nil, nil,
     nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, true)
print("END")
