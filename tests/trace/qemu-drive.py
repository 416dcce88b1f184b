# qemu-drive.py: the bundled OS under QEMU, driven as a person would: wait
# for the shell's prompt before each command, then end the session with
# Ctrl-D. QEMU reads its console input as soon as it starts, before the
# guest can take it, so a script piped in at once would be lost.
# Usage: qemu-drive.py TIMEOUT COMMAND-LINE... ; lines to type on stdin.
# Prints the console output; exits with QEMU's status (124 on timeout).
import os, select, subprocess, sys, time

timeout = float(sys.argv[1])
lines = sys.stdin.read().splitlines()
q = subprocess.Popen(sys.argv[2:], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                     stderr=subprocess.STDOUT)
out = b""
end = time.time() + timeout

def read_until(text):
    global out
    while text not in out and time.time() < end:
        r, _, _ = select.select([q.stdout], [], [], 0.2)
        if r:
            b = os.read(q.stdout.fileno(), 4096)
            if not b:
                return False
            out += b
    return text in out

for line in lines + ["\x04"]:
    if not read_until(b"$ "):
        break
    out = out.replace(b"$ ", b"$\xa0", 1)   # this prompt is answered
    q.stdin.write((line + ("\n" if line != "\x04" else "")).encode())
    q.stdin.flush()
while time.time() < end and q.poll() is None:
    r, _, _ = select.select([q.stdout], [], [], 0.2)
    if r:
        b = os.read(q.stdout.fileno(), 4096)
        if not b:
            break
        out += b
try:   # its output may end a moment before it does
    status = q.wait(timeout=max(1.0, end - time.time()))
except subprocess.TimeoutExpired:
    q.kill()
    q.wait()
    status = 124
sys.stdout.write(out.replace(b"\r", b"").replace(b"$\xa0", b"$ ").decode(errors="replace"))
sys.exit(status)
