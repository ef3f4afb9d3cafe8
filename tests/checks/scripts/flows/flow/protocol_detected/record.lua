-- Runs once per flow when nDPI is done with it: records what the accessors say.
local dirs = ntop.getDirs()
package.path = dirs.installdir .. "/scripts/lua/modules/?.lua;" .. package.path
require "lua_utils"
local C = require "checklib"

C.emit("detected", C.flow_record())
return 0
