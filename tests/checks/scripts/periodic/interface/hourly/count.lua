-- Counts the hourly runs of the interface scripts, with the interface selected.
local C = require "checklib"
C.emit("hourly", tostring(interface.getId()))
return 0
