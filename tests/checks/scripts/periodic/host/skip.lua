-- ntopng's visit-once pattern: each host runs once, then is skipped.
local C = require "checklib"
C.emit("skip", C.host_key() .. "\t" .. tostring(host.isFirstCheckRun()))
local ok, err = pcall(host.skipVisitedHost, "yes")
if ok or not tostring(err):find("bad argument #1 to 'host.skipVisitedHost'", 1, true) then
   C.emit("skip_argerr", tostring(err))
end
host.skipVisitedHost()
return 0
