-- The probe's --run-script state stores a Lua cache value for a remote caller (another Lua
-- state) to find; run.sh waits for END.
ntop.setLuaCache("seed", os.getenv("NTOP_TEST_LUACACHE_SEED"))
print("END")
