-- Counts the 5minute runs of the interface scripts, with the interface selected.
local C = require "checklib"
C.emit("5minute", tostring(interface.getId()))
return 0
