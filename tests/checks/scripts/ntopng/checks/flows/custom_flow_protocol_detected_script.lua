--
-- ntopng's protocol-detected file name: one line per detected flow.
--
io.write("== detected " .. flow.l7_proto_name() .. "\n")
return(0)
