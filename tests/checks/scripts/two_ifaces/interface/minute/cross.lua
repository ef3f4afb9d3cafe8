-- Each interface's script reads the other interface many times: the two capture threads
-- call each other at the same moment and neither may wait for ever.
local me = interface.getId()
local other = 1 - me
local packets = 0
for i = 1, 300 do
   interface.select(other)
   packets = interface.getStats().stats.packets
   interface.select(me)
end
io.write("cross " .. me .. " read " .. packets .. " packets of " .. other .. "\n")
