#!/usr/bin/env python3
"""ntoplua-shell's prompt in a pseudo-terminal: expressions print their values, statements run,
an incomplete chunk asks for more (">> "), errors show, TAB completes global names,
namespace functions ("interface.getStat" -> "interface.getStats(") and methods, and the history
lands in $HOME/.ntoplua_history. No probe: a lazy probe object on a closed port provides the
namespaces. Exit 0 pass, 1 fail, 77 skip."""
import os
import pty
import re
import select
import shutil
import sys
import tempfile
import time

SHELL = os.environ.get("NTOP_SHELL")
if not SHELL or not os.path.exists(SHELL):
    print("SKIP: NTOP_SHELL not set")
    sys.exit(77)

passed = failed = 0
home = tempfile.mkdtemp(prefix="ntoplua-repl.")
setup = 'ntopclient.install(ntopclient.connect("127.0.0.1:1", {lazy = true}))'
pid, fd = pty.fork()
if pid == 0:
    os.environ.update({"HOME": home, "TERM": "dumb", "INPUTRC": "/dev/null"})
    os.execv(SHELL, [SHELL, "-e", setup, "-i"])

buf = b""


def read_until(pattern, timeout=10.0):
    """Reads the terminal until pattern (a regex on bytes) matches what came since the last
    call; returns the match or None."""
    global buf
    end = time.time() + timeout
    while True:
        m = re.search(pattern, buf, re.S)
        if m:
            buf = buf[m.end():]
            return m
        left = end - time.time()
        if left <= 0:
            return None
        r, _, _ = select.select([fd], [], [], left)
        if r:
            try:
                data = os.read(fd, 4096)
            except OSError:
                return None
            if not data:
                return None
            buf += data


def check(cond, name):
    global passed, failed
    if cond:
        passed += 1
        print("ok   " + name)
    else:
        failed += 1
        print("FAIL %s (terminal: %r)" % (name, buf[-300:]))


def send(s):
    os.write(fd, s.encode())


check(read_until(rb"ntoplua-shell .*Probes: none.*\n> ") is not None, "banner and prompt")
send("1 + 2\n")
check(read_until(rb"\r?\n3\r?\n> ") is not None, "an expression prints its value")
send("t = {\n")
check(read_until(rb"\n>> ") is not None, "an incomplete chunk asks for more")
send("x = 41 }\n")
check(read_until(rb"\n> ") is not None, "the continued chunk runs")
send("t.x + 1, {b = 2, a = 1}\n")
check(read_until(rb"42\r?\n\{\r?\n  a = 1,\r?\n  b = 2,\r?\n\}\r?\n> ") is not None,
      "several values; tables with sorted keys")
send("error('boom')\n")
check(read_until(rb"stdin:1: boom\r?\n> ") is not None, "errors are shown and the prompt stays")
send("x = = 1\n")
check(read_until(rb"stdin:1: .*near '='\r?\n> ") is not None, "syntax errors are shown")

send("interface.getStat\t")
check(read_until(rb"interface\.getStats\(") is not None, "TAB completes interface.getStat")
send(")\n")
check(read_until(rb"interface\.getStats: probe 127\.0\.0\.1:1 unreachable.*\n> ") is not None,
      "the completed call runs (and fails: no probe)")
send("tpri\t")
check(read_until(rb"tprint\(") is not None, "TAB completes a global function")
send("5)\n")
check(read_until(rb"5\r?\n> ") is not None, "tprint(5)")
send("string.for\t")
check(read_until(rb"string\.format\(") is not None, "TAB completes a library function")
send("'%d', 7)\n")
check(read_until(rb"7\r?\n> ") is not None, "string.format")
send("interface.getH\t")
check(read_until(rb"interface\.getH\x07?ost") is not None, "TAB completes the common prefix")
send("\t\t")
m = read_until(rb"getHostInfo.*getHostsInfo", timeout=5)
check(m is not None, "TAB TAB lists the interface.getHost... functions")
send("\x15")  # kill the line
send("p = probes and ntopclient.connect('127.0.0.1:1', {lazy = true})\n")
read_until(rb"\n> ")
send("p:tar\t")
check(read_until(rb"p:target\(") is not None, "TAB completes a probe's methods")
send("\x15")

send("\x04")  # end of input
status = 1
end = time.time() + 10
while time.time() < end:
    done, st = os.waitpid(pid, os.WNOHANG)
    if done:
        status = os.waitstatus_to_exitcode(st)
        break
    read_until(rb"$^", timeout=0.2)
check(status == 0, "Ctrl-D ends the prompt, exit status 0")
hist = os.path.join(home, ".ntoplua_history")
text = open(hist).read() if os.path.exists(hist) else ""
check("1 + 2" in text and "x = 41 }" in text, "history in ~/.ntoplua_history")
shutil.rmtree(home, ignore_errors=True)
print("%d passed, %d failed" % (passed, failed))
sys.exit(0 if failed == 0 else 1)
