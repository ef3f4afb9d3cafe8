-- Long flows still active at the end of a minute.
local C = require "checklib"
C.emit("fperiodic", flow.cli() .. ":" .. flow.cli_port() .. "-" .. flow.srv() .. ":" .. flow.srv_port())
return 0
