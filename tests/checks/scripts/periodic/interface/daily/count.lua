-- Counts the daily runs of the interface scripts, with the interface selected.
local C = require "checklib"
C.emit("daily", tostring(interface.getId()))
return 0
