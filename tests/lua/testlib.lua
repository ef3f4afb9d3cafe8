--
-- testlib.lua - minimal assertion helpers for the plain-lua5.4 tests.
--
--   local T = require "testlib"
--   T.check_eq(formatValue(1000), "1,000", "thousands")
--   T.done()   -- prints "N passed, M failed", exits non-zero on failures
--

local T = {passed = 0, failed = 0}

-- Deterministic one-line rendering of any value (tables with sorted keys).
function T.repr(v, seen)
    if type(v) == "string" then
        return string.format("%q", v)
    elseif type(v) == "number" then
        return (math.type(v) == "float") and string.format("%.17g(float)", v) or tostring(v)
    elseif type(v) ~= "table" then
        return tostring(v)
    end
    seen = seen or {}
    if seen[v] then
        return "<cycle>"
    end
    seen[v] = true
    local keys = {}
    for k in pairs(v) do
        keys[#keys + 1] = k
    end
    table.sort(keys, function(a, b)
        if type(a) ~= type(b) then
            return type(a) < type(b)
        end
        if type(a) == "number" or type(a) == "string" then
            return a < b
        end
        return tostring(a) < tostring(b)
    end)
    local parts = {}
    for _, k in ipairs(keys) do
        parts[#parts + 1] = "[" .. T.repr(k, seen) .. "]=" .. T.repr(v[k], seen)
    end
    seen[v] = nil
    return "{" .. table.concat(parts, ",") .. "}"
end

local function deep_eq(a, b)
    if type(a) ~= type(b) then
        return false
    end
    if type(a) ~= "table" then
        return a == b
    end
    for k, v in pairs(a) do
        if not deep_eq(v, b[k]) then
            return false
        end
    end
    for k in pairs(b) do
        if a[k] == nil then
            return false
        end
    end
    return true
end
T.deep_eq = deep_eq

local function record(ok, name, detail)
    if ok then
        T.passed = T.passed + 1
    else
        T.failed = T.failed + 1
        local where = debug.getinfo(3, "l")
        io.stdout:write(string.format("FAIL %s (line %s)%s\n", tostring(name),
                                      where and where.currentline or "?",
                                      detail and (": " .. detail) or ""))
    end
    return ok
end

-- (record() must not be tail-called, it reports the caller's line.)
function T.check(cond, name)
    local ok = record(cond and true or false, name)
    return ok
end

-- Deep equality for tables, == otherwise.
function T.check_eq(actual, expected, name)
    local ok = record(deep_eq(actual, expected), name,
                      "expected " .. T.repr(expected) .. ", got " .. T.repr(actual))
    return ok
end

-- Same value and same Lua number subtype (integer vs float).
function T.check_num(actual, expected, name)
    local ok = actual == expected and math.type(actual) == math.type(expected)
    ok = record(ok, name, "expected " .. T.repr(expected) .. ", got " .. T.repr(actual))
    return ok
end

-- fn(...) must raise an error.
function T.check_error(fn, name, ...)
    local raised = not pcall(fn, ...)
    local ok = record(raised, name, "no error raised")
    return ok
end

-- Runs fn(...) with io.write redirected; returns everything written.
function T.capture(fn, ...)
    local buf = {}
    local saved = io.write
    io.write = function(...)
        for _, s in ipairs({...}) do
            buf[#buf + 1] = tostring(s)
        end
        return io.stdout
    end
    local ok, err = pcall(fn, ...)
    io.write = saved
    if not ok then
        error(err, 0)
    end
    return table.concat(buf)
end

-- Collects an iterator's pairs into an array of {k, v}.
function T.collect(iter)
    local out = {}
    for k, v in iter do
        out[#out + 1] = {k, v}
    end
    return out
end

function T.done()
    io.stdout:write(string.format("%d passed, %d failed\n", T.passed, T.failed))
    io.stdout:flush()
    os.exit(T.failed == 0 and 0 or 1)
end

return T
