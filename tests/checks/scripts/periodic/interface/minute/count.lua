-- Counts the minute runs of the interface scripts, with the interface selected.
local C = require "checklib"
C.emit("minute", tostring(interface.getId()))
return 0
