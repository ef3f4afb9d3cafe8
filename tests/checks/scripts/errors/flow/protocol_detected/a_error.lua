-- A runtime error on every flow: logged with script and line, counted, nothing else stops.
local t = nil
return t.field
