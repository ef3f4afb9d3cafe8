--
-- ntopng's host file name; visits each host once.
--
io.write("== host " .. host.ip() .. " " .. tostring(host.isFirstCheckRun()) .. "\n")
host.skipVisitedHost()
return(0)
