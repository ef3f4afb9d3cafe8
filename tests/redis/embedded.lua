-- The probe's private redis-server (no -r): usable, binary-safe.
local T = require "testlib"
T.check_eq(ntop.setCache("embedded", "a\0b"), true, "setCache on the private server")
T.check_eq(ntop.getCache("embedded"), "a\0b", "getCache on the private server")
T.check_eq(ntop.getKeysCache("emb*"), {embedded = ""}, "getKeysCache on the private server")
T.done()
