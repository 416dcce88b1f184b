#!/bin/sh
# -stats per process and per region, -stats-file, the cycle model and
# -cost, the TLB knobs global=on|off and seed=, and the agreement between
# a trace and the statistics of the same run.
. "${srcdir:-.}/tests/trace/lib.sh"

# field FILE SCOPE NAME COLUMN: a value from a -stats-file CSV
field() {
    awk -F, -v scope="$2" -v name="$3" -v col="$4" '
        NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        $1 == scope && ($3 == "\"" name "\"" || name == "") { print $c[col]; exit }' "$1"
}

pattern_run stats -stats -stats-file "$tmp/s.csv"
grep -q '^isola per-process statistics (processes named by the trace marker' "$tmp/stats.err" ||
    fail "-stats: no per-process table"
grep -q '^  1 pattern  ' "$tmp/stats.err" || fail "-stats: no row for the process the guest named"
grep -q '^  walks (1)  ' "$tmp/stats.err" || fail "-stats: no row for the region"
head -1 "$tmp/s.csv" | grep -q '^scope,pid,name,cr3,instances,instructions,cycles,itlb_hits,' ||
    fail "-stats-file: header $(head -1 "$tmp/s.csv")"
# pattern.c's region: faults at steps 8 and 9, one of each kind
[ "$(field "$tmp/s.csv" region walks pf_prot_write)" = 1 ] &&
[ "$(field "$tmp/s.csv" region walks pf_np_read)" = 1 ] || fail "-stats-file: region page faults"

# The cycle model is linear in the counts: one cost at a time.
pattern_run walkonly -stats-file "$tmp/w.csv" -cost insn=0,walk=1,flush=0,invlpg=0,exc=0,int=0,priv=0
pattern_run insnonly -stats-file "$tmp/i.csv" -cost insn=1,walk=0,flush=0,invlpg=0,exc=0,int=0,priv=0
pattern_run mix -stats-file "$tmp/m.csv" -cost insn=2,walk=3,flush=5,invlpg=7,exc=11,int=13,priv=17
for scope in total process region; do
    w=$(field "$tmp/w.csv" $scope "" cycles)
    [ "$w" = "$(field "$tmp/w.csv" $scope "" walk_refs)" ] ||
        fail "$scope: walk=1 gives $w cycles for $(field "$tmp/w.csv" $scope "" walk_refs) references"
    i=$(field "$tmp/i.csv" $scope "" cycles)
    [ "$i" = "$(field "$tmp/i.csv" $scope "" instructions)" ] ||
        fail "$scope: insn=1 gives $i cycles for $(field "$tmp/i.csv" $scope "" instructions) instructions"
done
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    { want = 2 * $c["instructions"] + 3 * $c["walk_refs"] + 5 * $c["flushes"] + \
             7 * $c["invlpg"] + 11 * $c["exceptions"] + 13 * $c["interrupts"] + 17 * $c["priv_changes"]
      if ($c["cycles"] != want) { print $1 " " $3 ": cycles " $c["cycles"] ", want " want; bad = 1 } }
    END { exit bad }' "$tmp/m.csv" || fail "-cost: cycles are not the sum of the charges"
[ "$(field "$tmp/m.csv" total "" exceptions)" -ge 2 ] || fail "no exceptions counted"

# A trace and the statistics of the same run agree on every lookup.
pattern_run both -trace tlb -trace-file "$tmp/b.isotrace.gz" -stats-file "$tmp/b.csv"
"$itrace" csv "$tmp/b.isotrace.gz" >"$tmp/b.trace.csv" || fail "isola-trace csv"
for col in itlb_hits itlb_misses dtlb_hits dtlb_misses; do
    case $col in itlb*) t=I ;; *) t=D ;; esac
    case $col in *hits) r=hit ;; *) r=miss ;; esac
    n=$(awk -F, -v t=$t -v r=$r '$2 == "tlb" && $7 == t && $9 == r { n++ } END { print n + 0 }' \
        "$tmp/b.trace.csv")
    s=$(field "$tmp/b.csv" total "" $col)
    [ "$n" = "$s" ] || fail "$col: the trace has $n, -stats-file $s"
done

# global=off: PTE.G is ignored, so a CR3 write flushes every entry
pattern_run gon -tlb global=on
pattern_run goff -tlb global=off
grep -q 'the global entry survived' "$tmp/gon.out" || fail "global=on: $(grep global: "$tmp/gon.out")"
grep -q 'the global entry was flushed' "$tmp/goff.out" || fail "global=off: $(grep global: "$tmp/goff.out")"

# policy=random with a seed repeats, and another seed changes the misses
pattern_run r1 -tlb policy=random,seed=5 -stats-file "$tmp/r1.csv"
pattern_run r2 -tlb policy=random,seed=5 -stats-file "$tmp/r2.csv"
cmp -s "$tmp/r1.csv" "$tmp/r2.csv" || fail "policy=random,seed=5 does not repeat"

# bad options are refused before the guest runs
for opt in "-cost walk=x" "-cost bogus=1" "-tlb pwc=65" "-tlb seed=0" "-tlb global=maybe" \
           "-trace-file $tmp/x.gz"; do
    st=0
    "$isola" $opt -kernel "$pattern" >/dev/null 2>"$tmp/bad.err" || st=$?
    [ $st -eq 2 ] && grep -q "^isola: " "$tmp/bad.err" || fail "$opt: status $st, $(cat "$tmp/bad.err")"
done
"$isola" -trace help | grep -q '^  tlb ' || fail "-trace help"
finish
