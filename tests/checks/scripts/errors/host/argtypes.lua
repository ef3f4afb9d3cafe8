-- Wrong argument types raise instead of being ignored.
local C = require "checklib"
for _, case in ipairs({
   {host.skipVisitedHost, {"yes"}, "bad argument #1 to 'host.skipVisitedHost'"},
   {host.skipVisitedHost, {true, "soon"}, "bad argument #2 to 'host.skipVisitedHost'"},
   {network.select, {"net"}, "bad argument #1 to 'network.select'"},
}) do
   local ok, err = pcall(case[1], table.unpack(case[2]))
   if ok or not tostring(err):find(case[3], 1, true) then
      C.emit("argerr", case[3] .. " -> " .. tostring(err))
   end
end
C.emit("hostrun", "1")
return 0
