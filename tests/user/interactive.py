# interactive.py: the bundled shell on a pseudo-terminal, driven like a
# person would: the prompt, a foreground job interrupted with Ctrl-C
# (the job dies, the shell does not), a background job's [pid] notice
# and its "Done" report, and exit. Usage: interactive.py BINDIR.
import os, pty, select, sys, time

bindir = sys.argv[1]
pid, fd = pty.fork()
if pid == 0:
    os.execve(bindir + "/sh", ["sh"], {"PATH": bindir, "HOME": "/"})

seen = ""
failures = 0

def wait_for(text, timeout=10.0):
    """Read until text appears in what was printed since the last call."""
    global seen, failures
    end = time.time() + timeout
    buf = ""
    while text not in buf and time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                buf += os.read(fd, 4096).decode(errors="replace")
            except OSError:
                break
    seen += buf
    ok = text in buf
    print(("ok: " if ok else "FAIL: ") + "saw %r" % text)
    if not ok:
        print("  got: %r" % buf)
        failures += 1
    return buf

def send(s):
    os.write(fd, s.encode())

wait_for("$ ")
send("echo hello\n")
wait_for("hello\r\n$ ")
send("sleep 30\n")
time.sleep(0.5)
send("\x03")                      # Ctrl-C: for the job, not the shell
wait_for("$ ")
send("echo status=$?\n")
wait_for("status=130")
send("sleep 0.2 &\n")
out = wait_for("]\r\n$ ")
if "[" not in out:
    print("FAIL: no [pid] notice")
    failures += 1
time.sleep(0.6)
send("\n")
wait_for("Done")
send("exit 3\n")
_, status = os.waitpid(pid, 0)
code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else -1
print(("ok: " if code == 3 else "FAIL: ") + "exit status %d" % code)
failures += code != 3
sys.exit(1 if failures else 0)
