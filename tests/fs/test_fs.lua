--
-- test_fs.lua - ntop.* file-system functions against the real file system, and their
-- confinement to the probe's directories (data dir: read/write, install dir: read only).
--
--   LUA_PATH="tests/lua/?.lua;;" ntop-probe -i empty.pcap -d DATADIR --shutdown-when-done \
--       --run-script tests/fs/test_fs.lua
--
-- Runs unchanged through ntoplua-shell against a probe on the same machine: it only needs
-- the data dir, which it takes from ntop.getDirs(). Fixtures are made, and results checked,
-- with the shell (mkdir, ln, test, stat, ls): the oracle is the file system, not the probe.
-- Everything happens in a fresh fs_test.XXXXXX directory inside the data dir and a fresh
-- directory outside it (mktemp), both removed at the end.
--

local T = require "testlib"

local function q(s)
    return "'" .. s:gsub("'", "'\\''") .. "'"
end

local function sh(cmd)
    return os.execute(cmd) == true
end

local function out(cmd)
    local f = assert(io.popen(cmd, "r"))
    local s = f:read("a")
    f:close()
    return s
end

local function chomp(s)
    return (s:gsub("\n$", ""))
end

-- fn(...) must return nil and a message matching `pattern` (a refusal, not a raise).
local function check_refused(name, pattern, fn, ...)
    local ok, v, msg = pcall(fn, ...)
    local good = ok and v == nil and type(msg) == "string" and msg:find(pattern) ~= nil
    T.check(good, name .. " refused (" .. tostring(ok) .. ", " .. tostring(v) .. ", " ..
            tostring(msg) .. ")")
end

-- fn(...) must raise "bad argument #arg to 'ntop.<fname>'".
local function check_raises(name, fname, arg, fn, ...)
    local ok, err = pcall(fn, ...)
    local want = "bad argument #" .. arg .. " to 'ntop." .. fname .. "'"
    T.check(not ok and tostring(err):find(want, 1, true) ~= nil,
            name .. " raises (" .. tostring(err) .. ")")
end

local dirs = ntop.getDirs()
local data = dirs.workingdir
local install = dirs.installdir
T.check(type(data) == "string" and sh("test -d " .. q(data)), "getDirs().workingdir is a directory")
-- Absolute and real, however -d was given (relative, through a symlink): the form the
-- confinement compares against.
T.check_eq(data, chomp(out("realpath " .. q(data))), "getDirs().workingdir is a real path")
T.check_eq(data:sub(1, 1), "/", "getDirs().workingdir is absolute")
T.check_eq(dirs.pcapdir, data, "getDirs().pcapdir is the data dir")
T.check_eq(install, chomp(out("realpath " .. q(install))), "getDirs().installdir is a real path")
T.check_eq(dirs.scriptdir, install .. "/scripts", "getDirs().scriptdir")

-- ------------------------------------------------------------------------ fixtures

local base = chomp(out("mktemp -d " .. q(data) .. "/fs_test.XXXXXX"))
local rel = base:match("[^/]+$")
local outside = chomp(out("mktemp -d"))
assert(base ~= "" and outside ~= "" and rel, "mktemp failed")
assert(sh(table.concat({
    "cd " .. q(base),
    "mkdir -p dir/sub rmme/deep/er",
    "printf hello > file",
    ": > empty",
    ": > .hidden",
    "echo secret > " .. q(outside .. "/secret"),
    "ln -s " .. q(outside) .. " escape",
    "ln -s " .. q(outside) .. " escape2",
    "ln -s " .. q(outside .. "/newfile") .. " dangling_out",
    "ln -s ../file dir/uplink",
    "ln -s " .. q(outside) .. " rmme/deep/link_out",
    "printf x > rmme/deep/er/f",
    "touch -d @1600000000 dir/sub",
}, " && ")), "fixtures")

local function p(name)
    return rel .. "/" .. name -- relative to the data dir
end
local function abs(name)
    return base .. "/" .. name
end

-- ------------------------------------------------------------------------ reading

local names = {"file", "empty", ".hidden", "dir", "dir/sub", "dir/uplink", "missing",
               "dir/missing/x", "file/x"}
for _, n in ipairs(names) do
    local e, d, s = ntop.exists(p(n)), ntop.isdir(p(n)), ntop.notEmptyFile(p(n))
    T.check_eq(e, sh("test -e " .. q(abs(n))), "exists(" .. n .. ") == test -e")
    T.check_eq(d, sh("test -d " .. q(abs(n))), "isdir(" .. n .. ") == test -d")
    T.check_eq(s, sh("test -e " .. q(abs(n))) and
                   tonumber(chomp(out("stat -L -c %s " .. q(abs(n))))) > 0,
               "notEmptyFile(" .. n .. ") == size > 0")
    local t = ntop.fileLastChange(p(n))
    local want = sh("test -e " .. q(abs(n))) and
                     math.tointeger(tonumber(chomp(out("stat -L -c %Y " .. q(abs(n)))))) or -1
    T.check_num(t, want, "fileLastChange(" .. n .. ") == stat %Y")
end
T.check_eq(ntop.fileLastChange(p("dir/sub")), 1600000000, "fileLastChange sees touch -d")
T.check_eq(ntop.exists(abs("file")), true, "absolute path inside the data dir")
T.check_eq(ntop.exists(rel .. "/dir/../file"), true, "'..' that stays inside")
T.check_eq(ntop.exists(rel .. "//dir/./sub/"), true, "redundant separators and '.'")
T.check_eq(ntop.isdir("."), true, "'.' is the data dir")
T.check_eq(ntop.isdir(data), true, "the data dir itself")

-- readdir: {name = name} of `ls -A` minus dot names
local function ls_set(path)
    local set = {}
    for line in out("ls -A " .. q(path)):gmatch("[^\n]+") do
        if line:sub(1, 1) ~= "." then
            set[line] = line
        end
    end
    return set
end
T.check_eq(ntop.readdir(rel), ls_set(base), "readdir == ls -A without dot names")
T.check_eq(ntop.readdir(abs("dir")), ls_set(abs("dir")), "readdir of an absolute path")
T.check(ntop.readdir(rel)[".hidden"] == nil, "readdir hides dot names")
T.check_eq(ntop.readdir(p("file")), {}, "readdir of a file: empty table")
T.check_eq(ntop.readdir(p("missing")), {}, "readdir of a missing dir: empty table")

-- listReports: <data>/reports, {name = ""} for what is not a directory
local had_reports = sh("test -e " .. q(data .. "/reports"))
if not had_reports then
    T.check_eq(ntop.listReports(), {}, "listReports without a reports dir: {}")
    sh("mkdir " .. q(data .. "/reports") .. " && cd " .. q(data .. "/reports") ..
       " && : > r1.html && : > .r2 && mkdir sub && ln -s r1.html r3")
end
local want_reports = {}
for line in out("cd " .. q(data .. "/reports") .. " && find . -mindepth 1 -maxdepth 1 " ..
                "! -xtype d -printf '%P\\n'"):gmatch("[^\n]+") do
    want_reports[line] = ""
end
T.check_eq(ntop.listReports(), want_reports, "listReports == find ! -xtype d")
if not had_reports then
    T.check(want_reports["r1.html"] == "" and want_reports[".r2"] == "" and
            want_reports.r3 == "" and want_reports.sub == nil, "listReports fixture seen")
    sh("rm -rf " .. q(data .. "/reports"))
end

-- the install directory is readable
T.check_eq(ntop.exists(install .. "/scripts"), sh("test -e " .. q(install .. "/scripts")),
           "exists in the install dir")
T.check_eq(ntop.readdir(install), ls_set(install), "readdir of the install dir")
T.check_eq(ntop.getCurrentScriptsDir(), install .. "/scripts", "getCurrentScriptsDir")

-- ------------------------------------------------------------------------ writing

T.check_eq(ntop.mkdir(p("m1/m2/m3")), true, "mkdir tree")
T.check(sh("test -d " .. q(abs("m1/m2/m3"))), "mkdir tree: test -d")
T.check_eq(chomp(out("stat -c %a " .. q(abs("m1/m2")))), "700", "mkdir mode 0700 (ntopng)")
T.check_eq(ntop.mkdir(p("m1/m2/m3")), true, "mkdir of an existing dir")
T.check_eq(ntop.mkdir(p("file")), true, "mkdir of an existing file: true (ntopng)")
T.check_eq(ntop.mkdir(""), true, "mkdir(''): nothing to do")
T.check_eq(ntop.mkdir(p("file/x")), false, "mkdir below a file")
T.check(not sh("test -e " .. q(abs("file/x"))), "mkdir below a file: nothing made")
T.check_eq(ntop.mkdir(abs("abs_made/")), true, "mkdir absolute, trailing slash")
T.check(sh("test -d " .. q(abs("abs_made"))), "mkdir absolute: test -d")

sh("chmod 644 " .. q(abs("file")))
T.check_eq(select("#", ntop.setDefaultFilePermissions(p("file"))), 0,
           "setDefaultFilePermissions returns nothing")
T.check_eq(chomp(out("stat -c %a " .. q(abs("file")))), "600", "setDefaultFilePermissions: 0600")

T.check_eq(ntop.unlink(p("empty")), true, "unlink a file")
T.check(not sh("test -e " .. q(abs("empty"))), "unlink: gone")
T.check_eq(ntop.unlink(p("empty")), false, "unlink a missing file")
T.check_eq(ntop.unlink(p("dir")), false, "unlink a directory")
T.check(sh("test -d " .. q(abs("dir"))), "unlink a directory: still there")
T.check_eq(ntop.unlink(), false, "unlink() (ntopng: false)")
T.check_eq(ntop.unlink(p("escape2")), true, "unlink a symlink to outside")
T.check(not sh("test -L " .. q(abs("escape2"))) and sh("test -d " .. q(outside)),
        "unlink a symlink: the link goes, its target stays")

T.check_eq(ntop.rmdir(p("rmme")), true, "rmdir recursive")
T.check(not sh("test -e " .. q(abs("rmme"))), "rmdir: gone")
T.check(sh("test -f " .. q(outside .. "/secret")), "rmdir did not follow a symlink inside")
T.check_eq(ntop.rmdir(p("file")), false, "rmdir of a file")
T.check(sh("test -f " .. q(abs("file"))), "rmdir of a file: still there")
T.check_eq(ntop.rmdir(p("escape")), false, "rmdir of a symlink to a directory")
T.check(sh("test -L " .. q(abs("escape")) .. " && test -f " .. q(outside .. "/secret")),
        "rmdir of a symlink: link and target stay")
T.check_eq(ntop.rmdir(p("missing")), false, "rmdir of a missing dir")
T.check_eq(ntop.rmdir(nil), false, "rmdir(nil) (ntopng: false)")
T.check_eq(ntop.rmdir(p("m1")), true, "rmdir of the mkdir tree")

-- ------------------------------------------------------------------------ confinement

local OUT = "outside the probe's directories"
local readers = {"exists", "isdir", "notEmptyFile", "fileLastChange", "readdir"}
local writers = {"mkdir", "rmdir", "unlink", "setDefaultFilePermissions"}

-- "../" enough times to reach "/" from the data dir, then `target` (absolute).
local depth = select(2, chomp(out("realpath " .. q(data))):gsub("/[^/]+", ""))
local function up_to(target)
    return string.rep("../", depth + 2) .. target:sub(2)
end
local oname = outside:match("[^/]+$")

-- Readers may aim at system files: they cannot change anything.
local read_escapes = {
    ["../../etc/passwd"] = OUT,
    ["/etc/passwd"] = OUT,
    ["/etc"] = OUT,
    [up_to("/etc/passwd")] = OUT,
    [p("escape")] = OUT,           -- a symlink inside the data dir pointing outside
    [p("escape/secret")] = OUT,
    [p("escape/../x")] = OUT,
    [outside .. "/secret"] = OUT,
    [p("missing/../../x")] = "'%.%.'",
}
-- Writers only ever aim at the test's own directory outside: were the confinement broken,
-- nothing else could be harmed. The oracle checks it is intact afterwards.
local write_escapes = {
    [up_to(outside .. "/secret")] = OUT,
    [up_to(outside)] = OUT,
    [rel .. "/" .. string.rep("../", depth + 3) .. outside:sub(2) .. "/secret"] = OUT,
    [outside .. "/secret"] = OUT,
    [outside] = OUT,
    [p("escape/secret")] = OUT,    -- through a symlink inside the data dir
    [p("escape/../" .. oname .. "/secret")] = OUT,
    [p("escape/../" .. oname)] = OUT,
    [p("missing/../../x")] = "'%.%.'",
}
for path, pattern in pairs(read_escapes) do
    for _, f in ipairs(readers) do
        check_refused(f .. "(" .. path .. ")", pattern, ntop[f], path)
    end
end
sh("chmod 644 " .. q(outside .. "/secret"))
for path, pattern in pairs(write_escapes) do
    for _, f in ipairs(writers) do
        check_refused(f .. "(" .. path .. ")", pattern, ntop[f], path)
    end
end
for _, f in ipairs(readers) do
    check_refused(f .. "(NUL)", "NUL", ntop[f], p("file") .. "\0/x")
end
for _, f in ipairs(writers) do
    check_refused(f .. "(NUL)", "NUL", ntop[f], p("file") .. "\0/x")
end
T.check(sh("test -f " .. q(outside .. "/secret")), "nothing outside was removed")
T.check_eq(chomp(out("stat -c %a " .. q(outside .. "/secret"))), "644",
           "outside file mode unchanged")

check_refused("mkdir through a symlink", OUT, ntop.mkdir, p("escape/newdir"))
check_refused("mkdir through a dangling symlink", "dangling", ntop.mkdir, p("dangling_out"))
check_refused("mkdir outside", OUT, ntop.mkdir, outside .. "/newdir")
T.check(not sh("test -e " .. q(outside .. "/newdir")) and
        not sh("test -e " .. q(outside .. "/newfile")), "nothing was made outside")

check_refused("rmdir of the data dir", "data directory itself", ntop.rmdir, data)
check_refused("rmdir of the data dir (real path)", "data directory itself", ntop.rmdir,
              chomp(out("realpath " .. q(data))))
check_refused("unlink of the data dir", "data directory itself", ntop.unlink, data)
check_refused("rmdir of '.'", "entry", ntop.rmdir, ".")
T.check(sh("test -d " .. q(data)), "the data dir still exists")

-- The install directory is read-only. Targets that do not exist: nothing to lose even if
-- the rule were broken (resolution does not need the file to exist).
local ro = "read%-only"
local none = install .. "/fs_test_missing"
check_refused("mkdir in the install dir", ro, ntop.mkdir, install .. "/fs_test_new")
T.check(not sh("test -e " .. q(install .. "/fs_test_new")), "nothing made in the install dir")
sh("rmdir " .. q(install .. "/fs_test_new") .. " 2>/dev/null") -- only if the check failed
check_refused("unlink in the install dir", ro, ntop.unlink, none)
check_refused("rmdir in the install dir", ro, ntop.rmdir, none)
check_refused("chmod in the install dir", ro, ntop.setDefaultFilePermissions, none)
check_refused("mkdir of the install dir", ro, ntop.mkdir, install)

-- ------------------------------------------------------------------------ argument types

for _, f in ipairs({"exists", "isdir", "notEmptyFile", "fileLastChange", "readdir", "mkdir",
                    "setDefaultFilePermissions"}) do
    check_raises(f .. "(1)", f, 1, ntop[f], 1)
    check_raises(f .. "({})", f, 1, ntop[f], {})
    check_raises(f .. "()", f, 1, ntop[f])
end
for _, f in ipairs({"rmdir", "unlink"}) do
    check_raises(f .. "(1)", f, 1, ntop[f], 1)
    check_raises(f .. "(true)", f, 1, ntop[f], true)
end

-- ------------------------------------------------------------------------ clean up

sh("rm -rf " .. q(base) .. " " .. q(outside))
T.check(not sh("test -e " .. q(base)), "clean up")
T.done()
