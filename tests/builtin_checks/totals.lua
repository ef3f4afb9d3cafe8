-- Capture totals of interface 0 after the capture (getStats' stats block, sorted keys).
interface.select("0")
local s = interface.getStats().stats
local keys = {}
for k, v in pairs(s) do
  if type(v) ~= "table" then keys[#keys + 1] = k end
end
table.sort(keys)
for _, k in ipairs(keys) do print(k, tostring(s[k])) end
