-- The flat "path = type:value" lines rpc_probe_client prints for a call's results (one line a
-- scalar, paths sorted), written inside the probe by tests/rpc/flatten.lua and
-- tests/hostpage/generic.lua for the remote answers to be compared with.
local M = {}

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

-- Writes the lines of every result of f(...) into the file at path.
function M.dump(path, f, ...)
   local r = table.pack(f(...))
   local out = {}
   for i = 1, r.n do flat(out, tostring(i), r[i]) end
   local fh = assert(io.open(path, "w"))
   fh:write(table.concat(out, "\n"), "\n")
   fh:close()
end

return M
