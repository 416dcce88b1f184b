#!/usr/bin/env python3
"""paging-study.py: what paging costs, measured on isola (docs/paging-study.md).

Boots the bundled OS once per configuration (an isolation mode, a TLB
geometry, global pages on or off, a tagged TLB or a flush on every CR3
write), runs the guest benchmarks of guest-os/user/cmd/bench.c through
its shell, and takes
  - from `isola -stats-file`: each benchmark region's instructions,
    simulated cycles and TLB misses (the emulator's own counts);
  - from the console: each region's host time, the time between the
    benchmark's "bench NAME: begin" line and its result line as they
    arrive on isola's standard output (flushed at each newline);
  - from the kernel's boot lines: whether the isolation mode asked for
    is the one that ran. A kernel that does not have it says
    "isolation=X is not implemented yet; using paging": that row is
    reported "not available", never as paging under another name.
Then writes the report (Markdown) and two SVG plots.

    paging-study.py [--quick] [--check] --isola PATH --kernel PATH
                    --root PATH [--doc FILE] [--out DIR]

--quick runs the reduced configuration of `make check` (a few boots, a
few benchmarks); --check then verifies the expected orders and exits 1
when one fails. Without --doc nothing is written but the raw results in
--out (a directory; default a temporary one, removed).
"""
import argparse
import csv
import os
import pickle
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

SIZES = ["16K", "64K", "256K", "1M", "4M", "16M", "64M"]
TLB_SIZES = [16, 32, 64, 128, 256, 512, 1024]
MEM_ARGS = "-m 256"


class Config:
    """One boot: a name, the kernel's isolation mode, isola's -tlb items."""

    def __init__(self, key, label, isolation, tlb=(), benches=()):
        self.key, self.label, self.isolation = key, label, isolation
        self.tlb, self.benches = list(tlb), list(benches)


# ---- the benchmarks (guest commands and their region names) ----

def bench_cmd(name, quick, long_walks=False):
    """The shell command that runs benchmark region NAME. The full study's
    regions run for 50 to 100 million instructions, so that their host time
    (a second or so) is not lost in the console's noise; --quick's are small."""
    counts = {"pipe": 300 if quick else 10000, "chan": 300 if quick else 10000,
              "forkexec": 5 if quick else 200, "compute": 3 if quick else 100,
              "copy": 256 if quick else 4096}   # src and dst fit the RAM disk's 12 MiB
    if name.startswith("mem-"):
        _, order, size = name.split("-")
        lines = int(size[:-1]) << (10 if size[-1] == "K" else 20) >> 6
        passes = f"-n {max(2, (3 << 20) // lines)} " if long_walks and not quick else ""
        return f"bench mem {passes}{size} {order}"
    return f"bench {name} -n {counts[name]}"


# The ladder's walks fit the 4 MiB region seg and none give each process
# by default (the kernel's segsize=): a larger region would make their
# fork+exec dearer (its cost grows with the region's size).
LADDER_BENCHES = ["compute", "pipe", "chan", "forkexec", "copy",
                  "mem-seq-1M", "mem-rand-2M"]
WS_BENCHES = [f"mem-{o}-{s}" for o in ("seq", "rand") for s in SIZES]


def ladder(quick):
    """The protection ladder, one hardware step per row (Aiken et al.)."""
    b = ["pipe", "mem-rand-256K"] if quick else LADDER_BENCHES
    rows = [
        Config("none", "isolation=none (ring 0, one address space)", "none", [], b),
        Config("seg", "+ ring 3 and segments (isolation=seg)", "seg", [], b),
        Config("tagged", "+ paging, tagged TLB, global kernel pages", "paging",
               ["tagged=on"], b),
        Config("flush", "+ TLB flushed on every address-space switch", "paging", [], b),
        Config("noglobal", "+ no global pages (kernel entries flushed too)", "paging",
               ["global=off"], b),
    ]
    return [r for r in rows if not quick or r.key in ("tagged", "flush", "noglobal")]


def tlb_sweep(quick):
    """The same OS (paging, flush on switch) with TLBs of 16 to 1,024 entries."""
    sizes = [16, 256] if quick else TLB_SIZES
    b = ["mem-rand-256K", "pipe"] if quick else WS_BENCHES + ["pipe", "forkexec", "compute"]
    return [Config(f"tlb{n}", f"{n}-entry TLBs", "paging",
                   [f"entries={n}", "fast=off"], b) for n in sizes]


# ---- running one boot ----

def run_boot(cfg, args, outdir, quick):
    """Boots once, runs cfg.benches; returns a result dict."""
    stats = os.path.join(outdir, cfg.key + ".csv")
    cmd = [args.isola, "-nographic", *MEM_ARGS.split(), "-no-reboot",
           "-rtc", "base=2026-01-01T00:00:00", "-kernel", args.kernel,
           "-initrd", args.root, "-append", f"isolation={cfg.isolation}",
           "-stats-file", stats]
    for item in cfg.tlb:
        cmd += ["-tlb", item]
    long_walks = not cfg.key.startswith("tlb")     # the ladder times them; the sweep counts
    script = "".join(bench_cmd(b, quick, long_walks) + "\n" for b in cfg.benches)
    res = {"cfg": cfg, "cmd": cmd, "available": True, "why": "", "regions": {},
           "host": {}, "ticks": {}, "count": {}, "errors": []}
    t_start = time.monotonic()
    try:
        p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
    except OSError as e:
        sys.exit(f"paging-study: {args.isola}: {e}")
    threading.Thread(target=lambda: (p.stdin.write(script.encode()), p.stdin.close()),
                     daemon=True).start()
    err = []
    threading.Thread(target=lambda: err.append(p.stderr.read()), daemon=True).start()
    timer = threading.Timer(args.timeout, p.kill)
    timer.start()
    console = []
    for raw in p.stdout:
        console.append((time.monotonic(), raw.decode("utf-8", "replace").rstrip("\r\n")))
    p.wait()
    timer.cancel()
    res["host_total"] = time.monotonic() - t_start
    res["status"] = p.returncode
    stderr = err[0].decode("utf-8", "replace") if err else ""
    with open(os.path.join(outdir, cfg.key + ".err"), "w") as f:
        f.write(stderr)
    with open(os.path.join(outdir, cfg.key + ".console"), "w") as f:
        f.write("\n".join(line for _, line in console) + "\n")
    judge_console(res, console, cfg)
    if p.returncode == 2 and stderr.startswith("isola: "):
        res["available"] = False                # isola refused an option (-tlb tagged=on?)
        res["why"] = "isola refused the options: " + stderr.splitlines()[0][7:]
    elif p.returncode != 1:
        res["errors"].append(f"isola exited {p.returncode}: {stderr.strip()[-300:]}")
    if res["available"] and os.path.exists(stats):
        # a region whose benchmark died never ended: it counted to power-off
        res["regions"] = {k: v for k, v in read_regions(stats).items() if k in res["count"]}
    return res


BOOT_LINE = re.compile(r"isola kernel, command line: (.*)")
NOT_IMPL = re.compile(r"isolation=(\S+) is not implemented yet")
BEGIN = re.compile(r"^bench (\S+): begin$")
RESULT = re.compile(r"^bench (\S+): (\d+) [^,]+, (\d+) ticks each$")


def judge_console(res, console, cfg):
    """Availability from the kernel's boot lines; host time per region."""
    begun = {}
    boot = None
    for t, line in console:
        if (m := BOOT_LINE.search(line)):
            boot = m.group(1)
        elif (m := NOT_IMPL.search(line)):
            res["available"] = False
            res["why"] = f"the kernel says: isolation={m.group(1)} is not implemented yet"
        elif (m := BEGIN.match(line)):
            begun[m.group(1)] = t
        elif (m := RESULT.match(line)) and m.group(1) in begun:
            res["host"][m.group(1)] = t - begun.pop(m.group(1))
            res["ticks"][m.group(1)] = int(m.group(3))
            res["count"][m.group(1)] = int(m.group(2))
        elif line.startswith("bench: ") or "panic" in line:
            res["errors"].append(line)
    if boot is None:
        res["available"] = False
        res["why"] = res["why"] or "the kernel printed no boot line"
    elif f"isolation={cfg.isolation}" not in boot.split():
        res["available"] = False
        res["why"] = f"the kernel's command line lacks isolation={cfg.isolation}: {boot}"


def read_regions(path):
    out = {}
    with open(path) as f:
        for row in csv.DictReader(f):
            if row["scope"] != "region":
                continue
            n = {k: float(v) for k, v in row.items()
                 if k not in ("scope", "pid", "name", "cr3") and v not in ("", None)}
            n["tlb_misses"] = n["itlb_misses"] + n["dtlb_misses"]
            n["misses_per_kinsn"] = 1000.0 * n["tlb_misses"] / max(n["instructions"], 1)
            out[row["name"]] = n
    return out


# ---- the checks of make check ----

def misses(res, bench):
    r = res["regions"].get(bench)
    return None if r is None else r["tlb_misses"]


def check_orders(results):
    """The orders the study must show; a list of failures."""
    by = {r["cfg"].key: r for r in results}
    bad = []
    for r in results:
        if r["errors"]:
            bad.append(f"{r['cfg'].key}: " + "; ".join(r["errors"]))
        if not r["available"]:
            bad.append(f"{r['cfg'].key}: not available ({r['why']})")
        for b in r["cfg"].benches:
            if r["available"] and b not in r["regions"]:
                bad.append(f"{r['cfg'].key}: no region {b} in -stats-file")
    if bad:
        return bad

    def at_least(more, less, bench, what):
        a, b = misses(by[more], bench), misses(by[less], bench)
        if a is None or b is None or a < b:
            bad.append(f"{bench}: {what}: {more} {a} TLB misses < {less} {b}")

    sweep = sorted((k for k in by if k.startswith("tlb")), key=lambda k: int(k[3:]))
    for small, big in zip(sweep, sweep[1:]):
        at_least(small, big, "mem-rand-256K", "misses must fall as the TLB grows")
    if misses(by[sweep[0]], "mem-rand-256K") <= misses(by[sweep[-1]], "mem-rand-256K"):
        bad.append("mem-rand-256K: a 256-entry TLB misses no less than a 16-entry one")
    at_least("flush", "tagged", "pipe", "flushing on every switch vs the tagged TLB")
    at_least("noglobal", "flush", "pipe", "global pages off vs on")
    if misses(by["flush"], "pipe") <= misses(by["tagged"], "pipe"):
        bad.append("pipe: the tagged TLB saves no misses over flushing on every switch")
    return bad


# ---- the report ----

def fmt_int(x):
    return f"{int(round(x)):,}"


def rel(x, base):
    return f"{x / base:.2f}" if base else "–"


def baseline_of(rows):
    """The row the others are relative to: isolation=none, else the lowest
    rung that ran (said so in the report)."""
    for r in rows:
        if r["available"]:
            return r
    return None


def ladder_tables(rows, benches):
    base = baseline_of(rows)
    lines = []
    if base is None:
        return ["No configuration of the ladder ran.", ""], None
    head = "| configuration | " + " | ".join(f"`{b}`" for b in benches) + " |"
    sep = "|---|" + "---:|" * len(benches)
    for title, key in (("Simulated cycles", "cycles"), ("Host time", "host")):
        lines += [f"**{title}, relative to `{base['cfg'].key}`** "
                  f"({'sum of the cycle model over the region' if key == 'cycles' else 'wall-clock time of the region on the host'}):",
                  "", head, sep]
        for r in rows:
            cells = []
            for b in benches:
                if not r["available"]:
                    cells.append("not available")
                    continue
                if key == "cycles":
                    x, y = (r["regions"].get(b, {}).get("cycles"),
                            base["regions"].get(b, {}).get("cycles"))
                else:
                    x, y = r["host"].get(b), base["host"].get(b)
                cells.append("failed" if x is None else rel(x, y) if y else "–")
            lines.append(f"| {r['cfg'].label} | " + " | ".join(cells) + " |")
        lines.append("")
    lines += ["**Absolute counts** (simulated cycles; TLB misses per 1,000 instructions "
              "in parentheses):", "", head, sep]
    for r in rows:
        cells = []
        for b in benches:
            n = r["regions"].get(b) if r["available"] else None
            cells.append("not available" if not r["available"] else "failed" if n is None
                         else f"{fmt_int(n['cycles'])} ({n['misses_per_kinsn']:.2f})")
        lines.append(f"| {r['cfg'].label} | " + " | ".join(cells) + " |")
    lines.append("")
    failed = [r for r in rows if r["available"] and r["errors"]]
    if failed:
        lines += ["Benchmarks that failed (their cells say *failed*):", ""]
        lines += [f"- `{r['cfg'].key}`: " + "; ".join(f"`{e}`" for e in r["errors"]) for r in failed]
        lines.append("")
    missing = [r for r in rows if not r["available"]]
    if missing:
        lines.append("Rows not available in this build:")
        lines.append("")
        lines += [f"- `{r['cfg'].key}`: {r['why']}." for r in missing]
        lines.append("")
    return lines, base


def sweep_table(rows, benches):
    lines = ["| benchmark | " + " | ".join(f"{r['cfg'].tlb[0][8:]}" for r in rows) + " |",
             "|---|" + "---:|" * len(rows)]
    for b in benches:
        cells = [f"{r['regions'][b]['misses_per_kinsn']:.2f}" if b in r["regions"] else "–"
                 for r in rows]
        lines.append(f"| `{b}` | " + " | ".join(cells) + " |")
    return lines + [""]


def pct(a, b):
    return f"{100.0 * (a / b - 1):+.1f}%"


def cycles_of(r, b):
    return r["regions"].get(b, {}).get("cycles") if r and r["available"] else None


def highlights(rows, base):
    """Sentences computed from this run's ladder."""
    by = {r["cfg"].key: r for r in rows}
    out = ["**In this run** (simulated cycles):", ""]
    if base is None:
        return ""
    for key, what in (("flush", "a conventional paging OS (TLB flushed on every switch, "
                       "global kernel pages)"),
                      ("noglobal", "paging without global pages")):
        r = by.get(key)
        if not r or not r["available"] or r is base:
            continue
        parts = [f"`{b}` {pct(cycles_of(r, b), cycles_of(base, b))}" for b in LADDER_BENCHES
                 if cycles_of(r, b) and cycles_of(base, b)]
        out.append(f"- {what} against `{base['cfg'].key}`: " + ", ".join(parts) + ".")
    t, f = by.get("tagged"), by.get("flush")
    if t and f and t["available"] and f["available"]:
        for b in ("pipe", "chan", "forkexec"):
            mt, mf = misses(t, b), misses(f, b)
            if mt is not None and mf is not None:
                out.append(f"- `{b}`: the tagged TLB takes {fmt_int(mt)} TLB misses where "
                           f"flushing on every switch takes {fmt_int(mf)}; cycles "
                           f"{pct(cycles_of(f, b), cycles_of(t, b))} for flushing.")
    return "\n".join(out + [""])


def per_call(rows):
    """isola's cost of one message round trip and one process, beside the
    published table."""
    out = []
    for r in rows:
        if not r["available"] or r["cfg"].key not in ("tagged", "flush"):
            continue
        cells = [f"`{b}` {fmt_int(r['regions'][b]['cycles'] / r['count'][b])}"
                 for b in ("pipe", "chan", "forkexec") if b in r["regions"] and r["count"].get(b)]
        if cells:
            out.append(f"- {r['cfg'].label}: simulated cycles per round trip (`pipe`, `chan`) "
                       "or per process (`forkexec`): " + ", ".join(cells) + ".")
    if not out:
        return ""
    return "\n".join(["For scale, isola's OS in this run (the cycle model's cycles, "
                      "no caches; the counts behind them are exact):", ""] + out + [""])


COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf"]


def svg_plot(path, title, xlabel, ylabel, xticks, series):
    """A line plot, x evenly spaced by tick (log2 steps), y linear from 0.
    series: [(name, [y or None per tick])]."""
    w, h, l, r, t, b = 640, 400, 70, 170, 40, 60
    ymax = max([y for _, ys in series for y in ys if y is not None] + [1e-9]) * 1.05
    px = lambda i: l + (w - l - r) * i / max(len(xticks) - 1, 1)
    py = lambda y: h - b - (h - t - b) * y / ymax
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
           f'font-family="sans-serif" font-size="12">',
           f'<rect width="{w}" height="{h}" fill="white"/>',
           f'<text x="{w / 2}" y="22" text-anchor="middle" font-size="14">{title}</text>',
           f'<line x1="{l}" y1="{h - b}" x2="{w - r}" y2="{h - b}" stroke="black"/>',
           f'<line x1="{l}" y1="{t}" x2="{l}" y2="{h - b}" stroke="black"/>']
    for i, tick in enumerate(xticks):
        out.append(f'<text x="{px(i):.1f}" y="{h - b + 18}" text-anchor="middle">{tick}</text>')
    for k in range(6):
        y = ymax * k / 5
        out.append(f'<line x1="{l - 4}" y1="{py(y):.1f}" x2="{w - r}" y2="{py(y):.1f}" '
                   f'stroke="#ddd"/><text x="{l - 8}" y="{py(y) + 4:.1f}" '
                   f'text-anchor="end">{y:.3g}</text>')
    out.append(f'<text x="{(l + w - r) / 2}" y="{h - 15}" text-anchor="middle">{xlabel}</text>')
    out.append(f'<text x="18" y="{(t + h - b) / 2}" text-anchor="middle" '
               f'transform="rotate(-90 18 {(t + h - b) / 2})">{ylabel}</text>')
    for k, (name, ys) in enumerate(series):
        c = COLOURS[k % len(COLOURS)]
        pts = [(px(i), py(y)) for i, y in enumerate(ys) if y is not None]
        if pts:
            out.append(f'<polyline fill="none" stroke="{c}" stroke-width="2" points="' +
                       " ".join(f"{x:.1f},{y:.1f}" for x, y in pts) + '"/>')
            out += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{c}"/>' for x, y in pts]
        ly = t + 16 * k + 10
        out.append(f'<line x1="{w - r + 10}" y1="{ly}" x2="{w - r + 30}" y2="{ly}" '
                   f'stroke="{c}" stroke-width="2"/><text x="{w - r + 35}" y="{ly + 4}">{name}</text>')
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def plots(sweep, docdir):
    by = {int(r["cfg"].key[3:]): r for r in sweep if r["available"]}
    mk = lambda r, b: r["regions"][b]["misses_per_kinsn"] if b in r["regions"] else None
    ws = []
    for n in (16, 64, 1024):
        if n in by:
            for o in ("seq", "rand"):
                ws.append((f"{o}, {n} entries", [mk(by[n], f"mem-{o}-{s}") for s in SIZES]))
    svg_plot(os.path.join(docdir, "paging-study-ws.svg"),
             "TLB misses against working set (isola, isolation=paging)",
             "working set (bytes; one read per 64-byte line)", "TLB misses / 1,000 instructions",
             SIZES, ws)
    sizes = sorted(by)
    pick = ["mem-rand-256K", "mem-rand-4M", "mem-seq-64M", "pipe", "forkexec", "compute"]
    svg_plot(os.path.join(docdir, "paging-study-tlbsize.svg"),
             "TLB misses against TLB size (each of ITLB and DTLB, 4-way)",
             "entries per TLB", "TLB misses / 1,000 instructions",
             [str(n) for n in sizes], [(b, [mk(by[n], b) for n in sizes]) for b in pick])


def git_rev(srcdir):
    try:
        return subprocess.run(["git", "-C", srcdir, "describe", "--always", "--dirty"],
                              capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def write_doc(path, ladder_rows, sweep, elapsed, rev):
    docdir = os.path.dirname(os.path.abspath(path))
    os.makedirs(docdir, exist_ok=True)
    plots(sweep, docdir)
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                           "paging-study.md.in")) as f:
        template = f.read()
    table, base = ladder_tables(ladder_rows, ladder_rows[0]["cfg"].benches)
    sw = [r for r in sweep if r["available"]]
    def shown(cmd):       # isola's name, the CSV's file name: no host paths
        return " ".join(os.path.basename(c) if i == 0 or c.endswith(".csv") else c
                        for i, c in enumerate(cmd))
    cmds = "\n".join("    " + shown(r["cmd"]) for r in ladder_rows + sweep)
    fill = {
        "LADDER": "\n".join(table),
        "BASELINE_NOTE": "" if base is None or base["cfg"].key == "none" else
        (f"isolation=none is not available in this build, so the ratios are "
         f"relative to the lowest rung that ran, `{base['cfg'].key}`; they will be relative to "
         f"none once the kernel has that mode (rerun `make paging-study`).\n"),
        "SWEEP": "\n".join(sweep_table(sw, sweep[0]["cfg"].benches)),
        "HIGHLIGHTS": highlights(ladder_rows, base),
        "PERCALL": per_call(ladder_rows),
        "ELAPSED": f"{elapsed / 60:.1f}",
        "REVISION": rev,
        "COMMANDS": cmds,
    }
    for k, v in fill.items():
        template = template.replace("@" + k + "@", v)
    with open(path, "w") as f:
        f.write(template)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--isola", required=True)
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--root", required=True)
    ap.add_argument("--doc")
    ap.add_argument("--out")
    ap.add_argument("--srcdir", default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--reuse", action="store_true",
                    help="rewrite the report from the results saved in --out, running nothing")
    args = ap.parse_args()
    outdir = args.out or tempfile.mkdtemp(prefix="paging-study.")
    os.makedirs(outdir, exist_ok=True)
    t0 = time.monotonic()
    saved = os.path.join(outdir, "results.pickle")
    if args.reuse:
        with open(saved, "rb") as f:
            results, elapsed, rev = pickle.load(f)
    else:
        results = []
        for cfg in ladder(args.quick) + tlb_sweep(args.quick):
            r = run_boot(cfg, args, outdir, args.quick)
            state = "ok" if r["available"] and not r["errors"] else r["why"] or "; ".join(r["errors"])
            print(f"paging-study: {cfg.key:9s} {r['host_total']:6.1f} s  {state}", flush=True)
            results.append(r)
        elapsed = time.monotonic() - t0
        rev = git_rev(args.srcdir)      # the source the numbers came from
        with open(saved, "wb") as f:
            pickle.dump((results, elapsed, rev), f)
    nl = len(ladder(args.quick))
    if args.doc:
        write_doc(args.doc, results[:nl], results[nl:], elapsed, rev)
        print(f"paging-study: wrote {args.doc} in {elapsed:.0f} s")
    status = 0
    if args.check:
        bad = check_orders(results)
        for b in bad:
            print("FAIL: " + b)
        status = 1 if bad else 0
    if not args.out:
        shutil.rmtree(outdir)
    return status


if __name__ == "__main__":
    sys.exit(main())
