-- ntopng's periodic layout: <period>/interface/*.lua
io.write("== minute " .. interface.getName() .. "\n")
