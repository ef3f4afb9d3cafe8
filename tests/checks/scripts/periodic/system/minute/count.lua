-- System scripts run once per period for the whole probe.
local C = require "checklib"
C.emit("system", "1")
return 0
