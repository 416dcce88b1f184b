# roundtrip.py: what isola-trace csv and chrome make of a trace, against
# the values test_format wrote into it (one JSON object per record).
# Usage: roundtrip.py TRUTH CSV JSON IPS. Prints each mismatch; exit 1 if any.
import csv, json, re, sys

truth = [json.loads(l) for l in open(sys.argv[1])]
rows = list(csv.DictReader(open(sys.argv[2], newline="")))
chrome = json.load(open(sys.argv[3]))
ips = float(sys.argv[4])
bad = 0

def fail(msg):
    global bad
    bad += 1
    if bad <= 30:
        print("not ok:", msg)

def num(s):
    return int(s, 0) if s else None

def unescape(s):
    return re.sub(r"\\x([0-9a-f]{2})", lambda m: chr(int(m.group(1), 16)), s)

def name_of(t):
    return "".join(chr(b) for b in t["name"])

if len(rows) != len(truth) + 1 or rows[-1]["event"] != "eot":
    fail("%d CSV rows for %d records and the end" % (len(rows), len(truth)))

def check(k, t, r):
    def eq(col, want):
        if r[col] != want:
            fail("record %d (%s): %s is %r, wrote %r" % (k, t["type"], col, r[col], want))
    def eqn(col, want):
        if num(r[col]) != want:
            fail("record %d (%s): %s is %r, wrote %r" % (k, t["type"], col, r[col], want))
    eq("event", t["type"])
    eqn("icount", t["icount"])
    ty = t["type"]
    if ty == "tlb":
        eqn("lin", t["lin"]); eq("acc", t["acc"]); eqn("cpl", t["cpl"]); eqn("set", t["set"])
        eq("tlb", t["tlb"]); eq("result", "hit" if t["hit"] else "miss")
        eq("way", str(t["way"]) if t["hit"] else "")
        flags = [f for f, on in (("sys", t["sys"]), ("rewalk", t["rewalk"])) if on]
        eq("detail", "|".join(flags))
    elif ty == "fill":
        eqn("lin", t["lin"]); eq("tlb", t["tlb"]); eqn("way", t["way"]); eqn("set", t["set"])
        eqn("paddr", t["paddr"])
        names = [n for b, n in enumerate(("U", "W", "NX", "G", "L", "D")) if t["attr"] >> b & 1]
        detail = "|".join(names)
        if t["attr"] & 0x80:
            detail += (" " if detail else "") + "evict=0x%08x" % t["evicted"]
        eq("detail", detail)
    elif ty == "walk":
        eqn("level", t["level"]); eqn("paddr", t["paddr"]); eqn("value", t["value"])
        eq("detail", "ad" if t["flags"] & 2 else "cached" if t["flags"] & 1 else "")
    elif ty == "pf":
        eqn("lin", t["cr2"]); eqn("err", t["err"]); eqn("eip", t["eip"]); eqn("vec", 14)
        eq("detail", "cs=0x%04x" % t["cs"])
    elif ty == "int":
        eqn("vec", t["vec"]); eqn("eip", t["eip"]); eqn("cpl", t["flags"] >> 2 & 3)
        eq("err", "0x%x" % t["err"] if t["flags"] & 2 else "")
        new = "?" if t["flags"] & 0x40 else str(t["flags"] >> 4 & 3)
        eq("detail", "cs=0x%04x %s cpl=%s" % (t["cs"], "hw" if t["flags"] & 1 else "soft", new))
    elif ty == "flush":
        eq("detail", "%s dropped=%d" % (t["kind"], t["dropped"]))
        eqn("lin", t["arg"] if t["kind"] == "invlpg" else None)
        eqn("value", t["arg"] if t["kind"] == "cr3" else None)
    elif ty == "io":
        eqn("value", t["value"])
        eq("detail", "%s port=0x%04x size=%d" % ("out" if t["out"] else "in", t["port"], t["size"]))
    elif ty == "insn":
        eqn("eip", t["eip"])
        eq("detail", "cs=0x%04x" % t["cs"] + (" bytes=" + t["bytes"] if t["bytes"] else ""))
    elif ty == "cr3":
        eqn("value", t["cr3"]); eqn("cr3", t["cr3"])
    else:
        eqn("pid", t["pid"])
        if unescape(r["detail"]) != name_of(t):
            fail("record %d (%s): name %r, wrote %r" % (k, ty, r["detail"], name_of(t)))

for k, (t, r) in enumerate(zip(truth, rows)):
    check(k, t, r)

# ---- chrome ----
events = chrome["traceEvents"]
def ts_of(icount):
    return icount * 1e6 / ips

faults = [e for e in events if e["ph"] == "i" and e.get("cat") == "fault"]
pfs = [t for t in truth if t["type"] == "pf"]
if len(faults) != len(pfs):
    fail("chrome: %d page-fault events for %d faults" % (len(faults), len(pfs)))
for e, t in zip(faults, pfs):
    a = e["args"]
    if (int(a["cr2"], 16), int(a["err"], 16), int(a["eip"], 16)) != (t["cr2"], t["err"], t["eip"]):
        fail("chrome: fault %r, wrote %r" % (a, t))
    if abs(e["ts"] - ts_of(t["icount"])) > 0.001 + 1e-12 * e["ts"]:
        fail("chrome: fault at ts %r, want %r" % (e["ts"], ts_of(t["icount"])))

names = {}
for e in events:
    if e["ph"] == "M" and e["name"] == "process_name":
        names[e["pid"]] = e["args"]["name"]
last_name = {}
for t in truth:
    if t["type"] == "proc":
        last_name[t["pid"]] = name_of(t)
for pid, n in last_name.items():
    if pid not in names:
        fail("chrome: no process_name for pid %d" % pid)

# slices nest on every thread, and every one begun ends
stacks = {}
for e in events:
    key = (e.get("pid"), e.get("tid"))
    if e["ph"] == "B":
        stacks.setdefault(key, []).append(e)
    elif e["ph"] == "E":
        if not stacks.get(key):
            fail("chrome: an end without a begin on %r at %r" % (key, e["ts"]))
            continue
        b = stacks[key].pop()
        if e["ts"] < b["ts"]:
            fail("chrome: slice %r ends before it begins" % b.get("name"))
for key, st in stacks.items():
    if st:
        fail("chrome: %d slices never end on %r" % (len(st), key))
regions = [e for e in events if e["ph"] == "B" and e.get("cat") == "region"]
begins = [t for t in truth if t["type"] == "begin"]
if not regions or len(regions) > len(begins):
    fail("chrome: %d region slices for %d begin markers" % (len(regions), len(begins)))

if bad:
    print("%d mismatches" % bad)
    sys.exit(1)
print("ok: %d records match in CSV and Chrome JSON" % len(truth))
