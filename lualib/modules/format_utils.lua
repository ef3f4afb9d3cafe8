--
-- format_utils.lua - value formatting helpers of the ntopng-compatible Lua
-- library shipped with ntop-probe (sizes, rates, counters, durations, dates).
--
-- Returns a table, like ntopng's format_utils; lua_utils re-exports the
-- usual ones as globals (bytesToSize, formatValue, secondsToTime, ...).
-- Output strings follow ntopng's English UI. Dates are always rendered in
-- UTC so results do not depend on the host time zone or locale.
--

local generic = require "lua_utils_generic"
local isEmptyString = generic.isEmptyString

local format_utils = {}

-- ##############################################
-- Numbers
-- ##############################################

-- Integral floats become integers so they print without a trailing ".0".
local function normalize(n)
    if math.type(n) == "float" and n == math.floor(n) then
        return math.tointeger(n) or n
    end
    return n
end

-- round(num, idp): integral values are returned as integers; other values
-- are rounded to idp decimal digits (default 0). Non-numbers give 0.
function format_utils.round(num, idp)
    num = tonumber(num)
    if num == nil or num ~= num then
        return 0
    end
    if math.abs(num) == math.huge then
        return num
    end
    if num == math.floor(num) then
        return normalize(num)
    end
    local res = tonumber(string.format("%." .. (tonumber(idp) or 0) .. "f", num))
    return normalize(res or 0)
end

local round = format_utils.round

-- Thousands separators: 1234567 -> "1,234,567", -1234.5 -> "-1,234.5".
-- Non-numeric strings are returned unchanged, nil gives 0 (as ntopng).
function format_utils.formatValue(amount)
    if amount == nil then
        return 0
    end
    if type(amount) == "number" then
        amount = normalize(amount)
    end
    local formatted = tostring(amount)
    local k
    repeat
        formatted, k = formatted:gsub("^(-?%d+)(%d%d%d)", "%1,%2")
    until k == 0
    return formatted
end

local function with_unit(amount, singular, plural)
    amount = tonumber(amount)
    if amount == 1 then
        return "1 " .. singular
    end
    return format_utils.formatValue(amount or 0) .. " " .. plural
end

function format_utils.formatPackets(amount)
    return with_unit(amount, "Pkt", "Pkts")
end

function format_utils.formatFlows(amount)
    return with_unit(amount, "Flow", "Flows")
end

-- Zero is shown as an empty string, other values as formatValue.
function format_utils.format_high_num_value_for_tables(record, name)
    local formatted = format_utils.formatValue(record[name] or 0)
    if formatted == "0" then
        return ""
    end
    return formatted
end

-- ##############################################
-- Sizes and rates
-- ##############################################

local byte_units = {{1024 ^ 4, "TB"}, {1024 ^ 3, "GB"}, {1024 ^ 2, "MB"}, {1024, "KB"}}

-- Binary multiples, two decimals: 1 -> "1 Byte", 500 -> "500 Bytes",
-- 1536 -> "1.5 KB", 1048576 -> "1 MB". Non-numbers give "0".
function format_utils.bytesToSize(bytes)
    bytes = tonumber(bytes)
    if bytes == nil then
        return "0"
    end
    if bytes == 1 then
        return "1 Byte"
    end
    for _, u in ipairs(byte_units) do
        if bytes >= u[1] then
            return round(bytes / u[1], 2) .. " " .. u[2]
        end
    end
    return round(bytes, 2) .. " Bytes"
end

-- Bit rate with decimal kilo (1000) and the given multiplier for the upper
-- units: "bps", "kbps", "Mbps", "Gbps", "Tbps". nil gives 0.
function format_utils.bitsToSizeMultiplier(bits, multiplier)
    bits = tonumber(bits)
    if bits == nil then
        return 0
    end
    multiplier = tonumber(multiplier) or 1000
    local kilo = 1000
    local mega = kilo * multiplier
    local giga = mega * multiplier
    local tera = giga * multiplier
    if bits >= tera then
        return round(bits / tera, 2) .. " Tbps"
    elseif bits >= giga then
        return round(bits / giga, 2) .. " Gbps"
    elseif bits >= mega then
        return round(bits / mega, 2) .. " Mbps"
    elseif bits >= kilo then
        return round(bits / kilo, 2) .. " kbps"
    end
    return round(bits, 2) .. " bps"
end

-- 1500 -> "1.5 kbps", 2500000 -> "2.5 Mbps"
function format_utils.bitsToSize(bits)
    return format_utils.bitsToSizeMultiplier(bits, 1000)
end

-- Bytes per second to a bit rate string.
function format_utils.bytesToBPS(bytes)
    return format_utils.bitsToSizeMultiplier((tonumber(bytes) or 0) * 8, 1000)
end

-- Packet rate: "pps", "Kpps", "Mpps".
function format_utils.pktsToSize(pkts)
    pkts = tonumber(pkts) or 0
    if pkts >= 1000000 then
        return round(pkts / 1000000, 2) .. " Mpps"
    elseif pkts >= 1000 then
        return round(pkts / 1000, 2) .. " Kpps"
    end
    return round(pkts, 2) .. " pps"
end

-- ##############################################
-- Durations
-- ##############################################

local function plural(n, one, many)
    return n .. " " .. ((n == 1) and one or many)
end

-- 59 -> "00:59 sec", 3723 -> "01:02:03", 90061 -> "1 Day, 01:01:01",
-- 400 days -> "1 Year, 35 Days, 00:00". Below one second: "< 1 sec".
function format_utils.secondsToTime(seconds)
    seconds = tonumber(seconds)
    if seconds == nil then
        return ""
    end
    if seconds < 1 then
        return "< 1 sec"
    end
    local days = math.floor(seconds / 86400)
    local hours = math.floor(seconds / 3600 - days * 24)
    local minutes = math.floor(seconds / 60 - days * 1440 - hours * 60)
    local secs = math.floor(seconds % 60)
    local parts = {}
    if days > 0 then
        local years = days // 365
        if years > 0 then
            days = days % 365
            parts[#parts + 1] = plural(years, "Year", "Years")
        end
        if days > 0 then
            parts[#parts + 1] = plural(days, "Day", "Days")
        end
    end
    local clock = ""
    if hours > 0 then
        clock = string.format("%02d:", hours)
    end
    clock = clock .. string.format("%02d:%02d", minutes, secs)
    if seconds < 60 then
        clock = clock .. " sec"
    end
    parts[#parts + 1] = clock
    return table.concat(parts, ", ")
end

-- Milliseconds: "< 1 ms", "12.35 ms", and secondsToTime above 10 seconds.
function format_utils.msToTime(ms)
    ms = tonumber(ms) or 0
    if ms > 10000 then
        return format_utils.secondsToTime(ms / 1000)
    elseif ms < 1 then
        return "< 1 ms"
    end
    return round(ms, 2) .. " ms"
end

-- "0.05" -> "< 0.1 ms", 12.345 -> "12.35 ms", 0 -> 0
function format_utils.formatMillis(x)
    x = tonumber(x) or 0
    if x == 0 then
        return 0
    elseif x < 0.1 then
        return "< 0.1 ms"
    end
    return string.format("%.2f ms", x)
end

-- Inverse of the clock part of secondsToTime: "[[[D:]H:]M:]S[ sec]" -> seconds.
function format_utils.timeToSeconds(time)
    if isEmptyString(time) then
        return 0
    end
    time = tostring(time):gsub("%s.*$", "")
    local fields = generic.split(time, ":")
    local weights = {1, 60, 3600, 86400}
    local seconds = 0
    for i = #fields, math.max(#fields - 3, 1), -1 do
        seconds = seconds + (tonumber(fields[i]) or 0) * weights[#fields - i + 1]
    end
    return seconds
end

-- ##############################################
-- Dates (UTC)
-- ##############################################

local date_formats = {
    big_endian = "%Y/%m/%d",
    middle_endian = "%m/%d/%Y",
    little_endian = "%d/%m/%Y",
}

-- formatEpoch(epoch, full_time, date_format): "dd/mm/YYYY HH:MM:SS" in UTC.
-- full_time == false drops the time; date_format may be "big_endian"
-- (YYYY/mm/dd) or "middle_endian" (mm/dd/YYYY). nil epoch means now, 0 "".
function format_utils.formatEpoch(epoch, full_time, date_format)
    epoch = tonumber(epoch) or os.time()
    if epoch == 0 then
        return ""
    end
    local fmt = "!" .. (date_formats[date_format] or date_formats.little_endian)
    if full_time == nil or full_time == true then
        fmt = fmt .. " %H:%M:%S"
    end
    return os.date(fmt, math.floor(epoch))
end

-- ISO 8601 in UTC: "2024-01-02T03:04:05Z". nil means now, 0 gives "".
function format_utils.formatEpochISO8601(epoch)
    epoch = tonumber(epoch) or os.time()
    if epoch == 0 then
        return ""
    end
    return os.date("!%Y-%m-%dT%H:%M:%SZ", math.floor(epoch))
end

-- RFC 2822 in UTC: "Tue, 03 Apr 2018 14:58:00 +0000".
function format_utils.formatEpochRFC2822(epoch)
    epoch = tonumber(epoch) or os.time()
    local t = os.date("!*t", math.floor(epoch))
    local wdays = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}
    local months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                    "Dec"}
    return string.format("%s, %02d %s %04d %02d:%02d:%02d +0000", wdays[t.wday], t.day,
                         months[t.month], t.year, t.hour, t.min, t.sec)
end

-- Days from 1970-01-01 of a proleptic Gregorian date (no time zone involved).
local function days_from_civil(y, m, d)
    y = (m <= 2) and (y - 1) or y
    local era = y // 400
    local yoe = y - era * 400
    local doy = (153 * (m + ((m > 2) and -3 or 9)) + 2) // 5 + d - 1
    local doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468
end

-- "YYYY-MM-DD HH:MM:SS" (taken as UTC) -> epoch; "" when it does not parse.
function format_utils.parseDateTime(tstamp)
    if isEmptyString(tstamp) then
        return ""
    end
    local y, mo, d, h, mi, s = tostring(tstamp):match("^(%d+)-(%d+)-(%d+) (%d+):(%d+):(%d+)$")
    if y == nil then
        return ""
    end
    local days = days_from_civil(tonumber(y), tonumber(mo), tonumber(d))
    return days * 86400 + tonumber(h) * 3600 + tonumber(mi) * 60 + tonumber(s)
end

-- ##############################################
-- Names
-- ##############################################

-- "name [address]" unless both are the same.
function format_utils.formatHostNameAndAddress(hostname, address)
    if address ~= hostname then
        return string.format("%s [%s]", address, hostname)
    end
    return hostname
end

-- Uses name (optionally shortened) when set and different from value, and
-- appends " [value]" unless value already appears in the result.
function format_utils.format_name_value(name, value, shorten)
    local res = value
    if not isEmptyString(name) and name ~= value then
        res = (shorten == true) and generic.shortenString(name) or name
    end
    if not tostring(res):find(tostring(value), 1, true) then
        res = res .. " [" .. value .. "]"
    end
    return res
end

return format_utils
