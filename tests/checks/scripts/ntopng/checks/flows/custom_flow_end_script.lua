--
-- Written in the style of ntopng's custom flow scripts (the ntopng file name, the
-- boilerplate, globals, tprint, io.write, a return at the end): runs as is.
--
function show_flow()
   local dirs = ntop.getDirs()
   package.path = dirs.installdir .. "/scripts/lua/modules/?.lua;" .. package.path
   require "lua_utils"

   local t = {}
   t.key       = "[" .. flow.protocol() .. "] " .. flow.cli() .. ":" .. flow.cli_port() ..
                 " > " .. flow.srv() .. ":" .. flow.srv_port()
   t.bytes     = flow.bytes()
   t.l7        = flow.l7_proto_name()
   t.direction = flow.direction()
   t.dns       = flow.dns()

   io.write("== flow end ==\n")
   tprint(t)
end

show_flow()

return(0)
