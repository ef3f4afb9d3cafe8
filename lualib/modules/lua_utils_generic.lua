--
-- lua_utils_generic.lua - generic string/table/sorting helpers of the
-- ntopng-compatible Lua library shipped with ntop-probe.
--
-- Like ntopng's helpers, every function is installed as a global (and the
-- string.* / table.* ones into the standard library tables); the module also
-- returns a table holding all of them. Nothing here needs the probe: the
-- `ntop` global is only looked up at call time, so the module loads in a
-- plain lua5.4 interpreter.
--

local M = {}

-- ##############################################
-- Internal helpers
-- ##############################################

-- Looks up ntop.<name> at call time; nil when not running inside the probe.
local function ntop_fn(name)
    local n = rawget(_G, "ntop")
    if type(n) == "table" and type(n[name]) == "function" then
        return n[name]
    end
    return nil
end
M._ntop_fn = ntop_fn

local type_rank = {number = 1, string = 2, boolean = 3}

-- Total order over keys of any type: numbers, then strings, then booleans,
-- then everything else (by type name, then tostring). Used wherever keys of
-- mixed types must be sorted deterministically.
local function mixed_lt(a, b)
    local ta, tb = type(a), type(b)
    if ta ~= tb then
        local ra, rb = type_rank[ta] or 4, type_rank[tb] or 4
        if ra ~= rb then
            return ra < rb
        end
        return ta < tb
    end
    if ta == "number" or ta == "string" then
        return a < b
    elseif ta == "boolean" then
        return (not a) and b
    end
    return tostring(a) < tostring(b)
end
M._mixed_lt = mixed_lt

local function sorted_keys(t, cmp)
    local keys = {}
    for k in pairs(t) do
        keys[#keys + 1] = k
    end
    table.sort(keys, cmp or mixed_lt)
    return keys
end

-- ##############################################
-- Tracing (as ntopng's lua_trace)
-- ##############################################

M.TRACE_ERROR = 0
M.TRACE_WARNING = 1
M.TRACE_NORMAL = 2
M.TRACE_INFO = 3
M.TRACE_DEBUG = 4
M.MAX_TRACE_LEVEL = 4
M.TRACE_CONSOLE = 0
M.TRACE_WEB = 1

local trace_labels = {[0] = "ERROR", "WARNING", "NORMAL", "INFO", "DEBUG"}

-- traceError(level, mode, message): forwarded to ntop.traceEvent when the
-- probe provides it, printed on stderr otherwise. Messages above TRACE_LEVEL
-- (default TRACE_NORMAL) are dropped. There is no web mode: TRACE_WEB
-- behaves like TRACE_CONSOLE.
function M.traceError(level, mode, message)
    level = tonumber(level) or M.TRACE_ERROR
    local max_level = tonumber(rawget(_G, "TRACE_LEVEL")) or M.TRACE_NORMAL
    if level > max_level or level > M.MAX_TRACE_LEVEL then
        return
    end
    local info = debug.getinfo(2, "Sl") or {}
    local file = (info.short_src or "?"):match("([^/]+)$") or "?"
    local line = info.currentline or 0
    local trace_event = ntop_fn("traceEvent")
    if trace_event then
        trace_event(level, file, line, tostring(message))
    else
        io.stderr:write(string.format("%s [%s:%d] %s\n", trace_labels[level] or "TRACE", file,
                                      line, tostring(message)))
    end
end

-- ##############################################
-- Printing
-- ##############################################

-- tprint(value): recursive dump of a value on io.write, in ntopng's format:
--   " table"            (top level)
--   "key type value"    (scalars, nested keys joined with '.')
-- Keys are visited in sorted order so the output is deterministic. The
-- second and third parameters (item limit, key prefix) are internal.
function M.tprint(s, l, i)
    l = l or 1000
    i = i or ""
    if l < 1 then
        io.write("ERROR: Item limit reached.\n")
        return l - 1
    end
    local ts = type(s)
    if ts ~= "table" then
        io.write(i .. " " .. ts .. " " .. tostring(s) .. "\n")
        return l - 1
    end
    io.write(i .. " " .. ts .. "\n")
    for _, k in ipairs(sorted_keys(s)) do
        local prefix = (i ~= "") and (i .. ".") or ""
        l = M.tprint(s[k], l, prefix .. tostring(k))
        if l < 0 then
            break
        end
    end
    return l
end

-- ##############################################
-- Strings
-- ##############################################

function M.isEmptyString(str)
    return (str == nil) or (str == "") or (str == " ")
end

function M.ternary(cond, T, F)
    if cond then
        return T
    end
    return F
end

function M.firstToUpper(str)
    str = tostring(str)
    return (str:gsub("^%l", string.upper))
end

function M.capitalize(str)
    return (str:gsub("^%l", string.upper))
end

-- removes leading/trailing spaces
function M.trimString(s)
    return (s:match("^%s*(.-)%s*$"))
end

-- removes all spaces
function M.trimSpace(what)
    if what == nil then
        return ""
    end
    return (what:gsub("%s+", ""))
end

-- Splits on a delimiter (a Lua pattern): "a,b," -> {"a", "b", ""}, "" -> {""}.
-- Without a delimiter the string is split into characters; nil gives {}.
function M.split(s, delimiter)
    local result = {}
    if s == nil then
        return result
    end
    if delimiter == nil or delimiter == "" then
        for c in s:gmatch(".") do
            result[#result + 1] = c
        end
        return result
    end
    local pos = 1
    while true do
        local i, e = s:find(delimiter, pos)
        if i == nil or e < i then
            break
        end
        result[#result + 1] = s:sub(pos, i - 1)
        pos = e + 1
    end
    result[#result + 1] = s:sub(pos)
    return result
end

-- Splits s into a set { [part] = true }, skipping empty parts.
function M.strsplit(s, delimiter)
    local result = {}
    for _, part in ipairs(M.split(s, delimiter)) do
        if part ~= "" then
            result[part] = true
        end
    end
    return result
end

-- string.split(s, pattern): returns nil when the separator does not occur
-- (callers write `s:split(",") or {s}`); a trailing separator adds no empty
-- element, a leading one adds "".
function M.string_split(s, p)
    if s == nil or p == nil or p == "" then
        return nil
    end
    local parts = {}
    local pos = 1
    local found = false
    local len = #s
    while true do
        local i, e = s:find(p, pos)
        if i == nil or e < i then
            break
        end
        found = true
        parts[#parts + 1] = s:sub(pos, i - 1)
        pos = e + 1
    end
    if not found then
        return nil
    end
    if pos <= len then
        parts[#parts + 1] = s:sub(pos)
    end
    return parts
end

function M.string_starts(String, Start)
    if type(String) ~= "string" or type(Start) ~= "string" then
        return false
    end
    return String:sub(1, #Start) == Start
end

function M.string_ends(String, End)
    if type(String) ~= "string" or type(End) ~= "string" then
        return false
    end
    return End == "" or String:sub(-#End) == End
end

-- Note: patterns are honoured unless is_plain is true (as in ntopng).
function M.string_contains(str, what, is_plain)
    if type(str) ~= "string" or type(what) ~= "string" or str == "" or what == "" then
        return false
    end
    return str:find(what, 1, is_plain) ~= nil
end

function M.string_containsIgnoreCase(str, what, is_plain)
    if type(str) ~= "string" or type(what) ~= "string" then
        return false
    end
    return M.string_contains(str:lower(), what:lower(), is_plain)
end

function M.starts(String, Start)
    if String == nil or Start == nil then
        return false
    end
    return M.string_starts(tostring(String), tostring(Start))
end

function M.ends(String, End)
    if String == nil or End == nil then
        return false
    end
    return M.string_ends(tostring(String), tostring(End))
end

M.startswith = M.starts
M.endswith = M.ends

-- Default maximum label length: ntopng.prefs.max_ui_strlen, else 24.
local function default_max_len()
    local get_pref = ntop_fn("getPref")
    local v = get_pref and tonumber(get_pref("ntopng.prefs.max_ui_strlen"))
    return v or 24
end

-- Cuts name to max_len characters (bytes) and appends an ellipsis (U+2026).
function M.shortenString(name, max_len)
    if name == nil then
        return ""
    end
    name = tostring(name)
    max_len = tonumber(max_len) or default_max_len()
    if #name <= max_len then
        return name
    end
    return name:sub(1, max_len) .. "\u{2026}"
end

-- "Some Very Long String" -> "Some Ver...g String"
function M.shortenCollapse(s, max_len)
    local repl = "..."
    max_len = tonumber(max_len) or default_max_len()
    if max_len <= #repl then
        return repl
    end
    if #s > max_len then
        local half = (max_len - #repl) // 2
        return s:sub(1, half) .. repl .. s:sub(#s - half + 1)
    end
    return s
end

-- Case-insensitive plain search where '-' and '_' are equivalent.
function M.findString(str, tofind)
    if str == nil or tofind == nil then
        return nil
    end
    local a = str:gsub("-", "_"):lower()
    local b = tofind:gsub("-", "_"):lower()
    return a:find(b, 1, true)
end

function M.replace(str, o, n)
    return str:gsub(o, n)
end

function M.isnumber(str)
    return str ~= nil and tostring(str) ~= "" and tonumber(str) ~= nil
end

function M.isInteger(str)
    if type(str) == "number" then
        return math.type(str) == "integer" or str == math.floor(str)
    end
    return type(str) == "string" and str ~= "" and not str:find("%D")
end

function M.toboolean(s)
    return s == true or s == "true" or s == "1" or s == 1
end

-- ##############################################
-- Numbers and bits
-- ##############################################

function M.truncate(x)
    return x < 0 and math.ceil(x) or math.floor(x)
end

-- Integer part as a string (as ntopng; a number would become a float again).
function M.toint(num)
    return string.format("%d", M.truncate(num))
end

function M.bit(p)
    return 2 ^ (p - 1) -- 1-based indexing
end

-- Typical call: if hasbit(x, 0x02) then ... (p is the mask value)
function M.hasbit(x, p)
    return x % (p + p) >= p
end

function M.setbit(x, p)
    return M.hasbit(x, p) and x or x + p
end

function M.clearbit(x, p)
    return M.hasbit(x, p) and x - p or x
end

-- ##############################################
-- Sorting and ordered iteration
-- ##############################################

function M.asc(a, b)
    if a == nil or b == nil then
        return false
    end
    if type(a) ~= type(b) then
        return mixed_lt(a, b)
    end
    return a < b
end

function M.rev(a, b)
    if a == nil or b == nil then
        return false
    end
    if type(a) ~= type(b) then
        return mixed_lt(b, a)
    end
    return a > b
end

function M.asc_insensitive(a, b)
    if type(a) ~= "string" or type(b) ~= "string" then
        return M.asc(a, b)
    end
    return a:lower() < b:lower()
end

function M.rev_insensitive(a, b)
    if type(a) ~= "string" or type(b) ~= "string" then
        return M.rev(a, b)
    end
    return a:lower() > b:lower()
end

local function iter_keys(t, keys)
    local i = 0
    return function()
        i = i + 1
        local k = keys[i]
        if k == nil then
            return nil
        end
        return k, t[k]
    end
end

-- Iterates t ordered by key with comparator f (default: ascending, safe on
-- mixed key types).
function M.pairsByKeys(t, f)
    return iter_keys(t, sorted_keys(t, f))
end

-- Iterates t ordered by value with comparator f (e.g. asc or rev).
function M.pairsByValues(t, f)
    f = f or M.asc
    local keys = sorted_keys(t)
    table.sort(keys, function(x, y)
        return f(t[x], t[y])
    end)
    return iter_keys(t, keys)
end

-- Iterates a table of tables ordered by the field `field` of the values.
function M.pairsByField(t, field, f)
    f = f or M.asc
    local keys = sorted_keys(t)
    table.sort(keys, function(x, y)
        return f(t[x][field], t[y][field])
    end)
    return iter_keys(t, keys)
end

-- ##############################################
-- Tables
-- ##############################################

function M.table_len(tbl)
    if type(tbl) ~= "table" then
        return 0
    end
    local count = 0
    for _ in pairs(tbl) do
        count = count + 1
    end
    return count
end

function M.table_empty(tbl)
    return tbl == nil or next(tbl) == nil
end

-- Deep copy (keys and values); cycles are preserved, metatables are shared.
function M.table_clone(orig, seen)
    if type(orig) ~= "table" then
        return orig
    end
    seen = seen or {}
    if seen[orig] then
        return seen[orig]
    end
    local copy = {}
    seen[orig] = copy
    for k, v in next, orig, nil do
        copy[M.table_clone(k, seen)] = M.table_clone(v, seen)
    end
    return setmetatable(copy, getmetatable(orig))
end

-- Shallow merge into a new table. Two arrays are concatenated (skipping
-- duplicates when nodup is set); otherwise keys are merged, b winning.
function M.table_merge(a, b, nodup)
    local merged = {}
    a = a or {}
    b = b or {}
    if a[1] ~= nil and b[1] ~= nil then
        for _, t in ipairs({a, b}) do
            for _, v in ipairs(t) do
                if not nodup or not M.table_contains(merged, v) then
                    merged[#merged + 1] = v
                end
            end
        end
    else
        for _, t in ipairs({a, b}) do
            for k, v in pairs(t) do
                merged[k] = v
            end
        end
    end
    return merged
end

-- Deep equality; a metatable __eq is honoured unless ignore_mt.
function M.table_compare(t1, t2, ignore_mt)
    if type(t1) ~= type(t2) then
        return false
    end
    if type(t1) ~= "table" then
        return t1 == t2
    end
    local mt = getmetatable(t1)
    if not ignore_mt and mt and mt.__eq then
        return t1 == t2
    end
    for k, v1 in pairs(t1) do
        local v2 = t2[k]
        if v2 == nil or not M.table_compare(v1, v2, ignore_mt) then
            return false
        end
    end
    for k in pairs(t2) do
        if t1[k] == nil then
            return false
        end
    end
    return true
end

-- Deep equality skipping the top-level keys listed in ignore_keys ({k=true}).
function M.table_is_equal(t1, t2, ignore_keys)
    if type(t1) ~= type(t2) then
        return false
    end
    if type(t1) ~= "table" then
        return t1 == t2
    end
    local mt = getmetatable(t1)
    if mt and mt.__eq then
        return t1 == t2
    end
    ignore_keys = ignore_keys or {}
    for k, v1 in pairs(t1) do
        if not ignore_keys[k] and (t2[k] == nil or not M.table_is_equal(v1, t2[k])) then
            return false
        end
    end
    for k in pairs(t2) do
        if not ignore_keys[k] and t1[k] == nil then
            return false
        end
    end
    return true
end

-- Linear search in the array part. comp, if given, is a predicate called
-- with each element (as in ntopng), otherwise elements are compared with ==.
function M.table_contains(t, needle, comp)
    if type(t) ~= "table" then
        return false
    end
    comp = comp or function(e)
        return e == needle
    end
    for _, e in ipairs(t) do
        if comp(e) then
            return true
        end
    end
    return false
end

function M.table_insertIfNotPresent(t, element, comp)
    if not M.table_contains(t, element, comp) then
        t[#t + 1] = element
    end
end

-- True when predicate(value) is true for every value of t.
function M.table_all(t, predicate)
    if type(t) ~= "table" or type(predicate) ~= "function" then
        return false
    end
    for _, v in pairs(t) do
        if not predicate(v) then
            return false
        end
    end
    return true
end

function M.table_foldr(t, func, val)
    for _, v in pairs(t) do
        val = func(val, v)
    end
    return val
end

function M.table_has_key(t, key)
    return t[key] ~= nil
end

-- Elements first..last (default: whole array, last clamped to #t) by step.
function M.table_slice(t, first, last, step)
    if t == nil then
        error("The array to slice cannot be nil!")
    end
    first = first or 1
    if first < 1 then
        error("Invalid bounds!")
    end
    last = math.min(last or #t, #t)
    local res = {}
    for i = first, last, step or 1 do
        res[#res + 1] = t[i]
    end
    return res
end

-- Concatenates "k<kv_sep><quote>v<quote>" groups with group_sep (keys
-- sorted, so the result is deterministic) and appends last_sep if non-empty.
function M.table_tconcat(keys_values, kv_sep, group_sep, last_sep, value_quote)
    local groups = {}
    kv_sep, group_sep = kv_sep or "", group_sep or ""
    last_sep, value_quote = last_sep or "", value_quote or ""
    for _, k in ipairs(sorted_keys(keys_values)) do
        groups[#groups + 1] = tostring(k) .. kv_sep .. value_quote ..
                                  tostring(keys_values[k]) .. value_quote
    end
    if #groups == 0 then
        return ""
    end
    return table.concat(groups, group_sep) .. last_sep
end

function M.isempty(array)
    return next(array) == nil
end

function M.isin(s, array)
    if s == nil or s == "" or array == nil then
        return false
    end
    for _, v in pairs(array) do
        if v == s then
            return true
        end
    end
    return false
end

function M.hasKey(key, theTable)
    return theTable ~= nil and theTable[key] ~= nil
end

-- Key and value of the maximum value (ties: greatest key).
function M.tmax(t)
    if type(t) ~= "table" then
        return nil, nil
    end
    local argmx, mx
    for k, v in pairs(t) do
        if mx == nil or v > mx or (v == mx and k > argmx) then
            argmx, mx = k, v
        end
    end
    return argmx, mx
end

-- Key and value of the minimum value (ties: greatest key).
function M.tmin(t)
    if type(t) ~= "table" then
        return nil, nil
    end
    local argmn, mn
    for k, v in pairs(t) do
        if mn == nil or v < mn or (v == mn and k > argmn) then
            argmn, mn = k, v
        end
    end
    return argmn, mn
end

function M.swapKeysValues(tbl)
    local res = {}
    for k, v in pairs(tbl or {}) do
        res[v] = k
    end
    return res
end

-- Index of the highest divisor (optionally divisors[i][val_idx]) dividing
-- value; the first divisor is the fallback.
function M.highestDivisor(divisors, value, val_idx, iterator_fn)
    local highest_idx, highest_val
    for i, v in (iterator_fn or ipairs)(divisors) do
        if val_idx ~= nil then
            v = v[val_idx]
        end
        if highest_val == nil or (v > highest_val and value % v == 0) then
            highest_idx, highest_val = i, v
        end
    end
    return highest_idx
end

-- ##############################################
-- Exports
-- ##############################################

local std_string = {
    split = M.string_split,
    starts = M.string_starts,
    ends = M.string_ends,
    contains = M.string_contains,
    containsIgnoreCase = M.string_containsIgnoreCase,
}

local std_table = {
    len = M.table_len,
    empty = M.table_empty,
    clone = M.table_clone,
    merge = M.table_merge,
    compare = M.table_compare,
    is_equal = M.table_is_equal,
    contains = M.table_contains,
    insertIfNotPresent = M.table_insertIfNotPresent,
    all = M.table_all,
    foldr = M.table_foldr,
    has_key = M.table_has_key,
    slice = M.table_slice,
    tconcat = M.table_tconcat,
}

for k, v in pairs(std_string) do
    string[k] = v
end
for k, v in pairs(std_table) do
    table[k] = v
end

for k, v in pairs(M) do
    if k:sub(1, 1) ~= "_" and not k:find("^string_") and not k:find("^table_") then
        if k == "traceError" then
            -- Keep a traceError the host application may already provide.
            if type(rawget(_G, "traceError")) ~= "function" then
                _G[k] = v
            end
        elseif k:find("^TRACE_") or k == "MAX_TRACE_LEVEL" then
            if rawget(_G, k) == nil then
                _G[k] = v
            end
        else
            _G[k] = v
        end
    end
end

if rawget(_G, "TRACE_LEVEL") == nil then
    TRACE_LEVEL = M.TRACE_NORMAL
end

return M
