-- The test's redis-server, stopped and started again by cache.lua and api.lua (run.sh
-- started it; the restarted one is daemonized, its pid in redis.pid beside the socket).
local M = {}

local function dir_of(sock)
    return sock:match("^(.*)/[^/]*$")
end

-- Stops the server on sock without saving.
function M.stop(sock)
    os.execute("redis-cli -s '" .. sock .. "' shutdown nosave >/dev/null 2>&1")
end

-- Starts a server on sock again; true once the probe's connection stores a value through it
-- (5 s at most).
function M.start(sock)
    local dir = dir_of(sock)
    os.execute("redis-server --port 0 --unixsocket '" .. sock .. "' --dir '" .. dir ..
               "' --save '' --appendonly no --daemonize yes --logfile '" .. dir ..
               "/redis2.log' --pidfile '" .. dir .. "/redis.pid'")
    for _ = 1, 50 do
        if ntop.setCache("back", "yes") == true then
            return true
        end
        ntop.msleep(100)
    end
    return false
end

return M
