#!/bin/sh
# The bundled OS under -trace and -stats: its scheduler names every
# process on the trace-marker port, and `region` marks a region through
# SYS_trace_mark; the trace, -stats, -stats-file, isola-trace summary and
# chrome all show them, and the trace and the statistics of the run agree
# process by process.
. "${srcdir:-.}/tests/trace/lib.sh"
kernel=guest-os/kernel/kernel.elf
root=disks/root.ext2
need "$kernel" "$root"

st=0
printf 'region demo ls /bin\nps\n' | timeout 600 "$isola" -nographic -m 128 -no-reboot \
    -rtc base=2026-01-01T00:00:00 -kernel "$kernel" -initrd "$root" \
    -trace tlb,pf,marker -trace-file "$tmp/os.isotrace.gz" -stats -stats-file "$tmp/os.csv" \
    >"$tmp/os.out" 2>"$tmp/os.err" || st=$?
clean_stderr "$tmp/os.err"
[ $st -eq 1 ] || fail "the OS did not power off (status $st): $(tail -5 "$tmp/os.out")"
grep -q 'poweroff' "$tmp/os.out" || fail "ls /bin in the region printed nothing"

"$itrace" csv "$tmp/os.isotrace.gz" >"$tmp/os.trace.csv" || fail "isola-trace csv"
for p in init sh region ls ps; do
    grep -q "^[0-9]*,proc,[^,]*,[0-9]*,\"$p\"," "$tmp/os.trace.csv" ||
        fail "no marker names a process $p"
done
grep -q ',begin,.*"demo"$' "$tmp/os.trace.csv" && grep -q ',end,.*"demo"$' "$tmp/os.trace.csv" ||
    fail "the region demo does not begin and end in the trace"
grep -q '^  [0-9]* ls  ' "$tmp/os.err" || fail "-stats has no row for ls"
grep -q '^  demo (1)  ' "$tmp/os.err" || fail "-stats has no row for the region"

# the trace's lookups per process are the statistics' (the same run)
awk -F, 'FNR == NR {
        if ($2 == "tlb" && $4 != "") { k = $4 " " $5; n[k "," $7 "," $9]++ }
        next }
    FNR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    $1 == "process" && $2 != "" {
        k = $2 " " $3
        if (n[k ",I,hit"] + 0 != $c["itlb_hits"] || n[k ",I,miss"] + 0 != $c["itlb_misses"] ||
            n[k ",D,hit"] + 0 != $c["dtlb_hits"] || n[k ",D,miss"] + 0 != $c["dtlb_misses"]) {
            print k ": trace " n[k ",I,hit"] + 0 "/" n[k ",I,miss"] + 0 "/" n[k ",D,hit"] + 0 "/" \
                n[k ",D,miss"] + 0 ", -stats-file " $c["itlb_hits"] "/" $c["itlb_misses"] "/" \
                $c["dtlb_hits"] "/" $c["dtlb_misses"]
            bad = 1
        }
        rows++
    }
    END { if (rows < 5) { print rows " named processes"; bad = 1 }; exit bad }' \
    "$tmp/os.trace.csv" "$tmp/os.csv" || fail "the trace and -stats-file disagree"

"$itrace" summary "$tmp/os.isotrace.gz" >"$tmp/sum" || fail "isola-trace summary"
grep -q '^  demo (1) ' "$tmp/sum" || fail "summary: no region demo"
grep -q '^  [0-9]* ls ' "$tmp/sum" || fail "summary: no process ls"
"$itrace" chrome "$tmp/os.isotrace.gz" -o "$tmp/os.json" || fail "isola-trace chrome"
if command -v python3 >/dev/null 2>&1; then
    python3 - "$tmp/os.json" <<'PY' || fail "the Chrome JSON lacks processes or the region"
import json, sys
ev = json.load(open(sys.argv[1]))["traceEvents"]
names = {e["args"]["name"] for e in ev if e["ph"] == "M" and e["name"] == "process_name"}
assert any(n.endswith(" ls") for n in names), names
assert any(e["ph"] == "B" and e.get("cat") == "region" and e["name"] == "demo" for e in ev)
assert any(e["ph"] == "i" and e.get("cat") == "fault" for e in ev)
PY
fi
finish
