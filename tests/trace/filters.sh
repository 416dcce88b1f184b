#!/bin/sh
# Trace filters drop records, never change the machine: by process (the
# trace marker's pid or name), by CR3, by linear-address range and by
# instruction window; markers and CR3 records always pass, and the end
# record counts what was dropped.
. "${srcdir:-.}/tests/trace/lib.sh"

# count EVENT FILE: the CSV lines of that event
count() {
    awk -F, -v e="$1" '$2 == e { n++ } END { print n + 0 }' "$2"
}

trace() {   # trace NAME FILTERS...: pattern.elf traced, as CSV in $tmp/NAME.csv
    name=$1
    shift
    pattern_run "$name" -trace "tlb,pf,marker$*" -trace-file "$tmp/$name.isotrace.gz"
    "$itrace" csv "$tmp/$name.isotrace.gz" >"$tmp/$name.csv" || fail "$name: isola-trace csv"
}

trace all ""
all=$(count tlb "$tmp/all.csv")
[ "$all" -gt 1000 ] || fail "only $all lookups without a filter"

# by process: the guest names itself pid 1 "pattern"; before that, nothing
# passes a process filter
trace pid1 ",pid=1"
trace pid2 ",pid=2"
trace name ",name=pattern"
p1=$(count tlb "$tmp/pid1.csv")
[ "$p1" -gt 0 ] && [ "$p1" -lt "$all" ] || fail "pid=1 kept $p1 of $all lookups"
[ "$(count tlb "$tmp/pid2.csv")" -eq 0 ] || fail "pid=2 kept lookups"
[ "$(count proc "$tmp/pid2.csv")" -eq 1 ] || fail "pid=2 dropped the marker"
[ "$(count tlb "$tmp/name.csv")" -eq "$p1" ] || fail "name=pattern and pid=1 differ"
awk -F, '$2 == "tlb" && $4 != 1 { bad = 1 } END { exit bad }' "$tmp/pid1.csv" ||
    fail "pid=1 kept another process's lookups"

# by CR3: the guest's tables are at 0x300000; before paging CR3 is 0
trace cr3 ",cr3=0x300000"
trace cr3none ",cr3=0x123000"
[ "$(count tlb "$tmp/cr3.csv")" -gt 0 ] || fail "cr3=0x300000 kept nothing"
[ "$(count tlb "$tmp/cr3none.csv")" -eq 0 ] || fail "cr3=0x123000 kept lookups"

# by address: only lookups, fills and faults inside the range
trace addr ",addr=0x40001000-0x40003000"
awk -F, '($2 == "tlb" || $2 == "fill" || $2 == "pf") && $10 !~ /^0x4000[12]/ { print; bad = 1 }
         END { exit bad }' "$tmp/addr.csv" || fail "addr= kept a record outside the range"
# steps 3, 4, 7 and 8 of pattern.c look up pages 40001 and 40002
[ "$(count tlb "$tmp/addr.csv")" -eq 4 ] ||
    fail "addr=0x40001000-0x40003000: $(count tlb "$tmp/addr.csv") lookups, want 4"

# by instruction window: the region the guest marks, from the full trace
from=$(awk -F, '$2 == "begin" { print $1; exit }' "$tmp/all.csv")
to=$(awk -F, '$2 == "end" { print $1; exit }' "$tmp/all.csv")
want=$(awk -F, -v a="$from" -v b="$to" '$2 == "tlb" && $1 >= a && $1 < b { n++ } END { print n + 0 }' \
    "$tmp/all.csv")
trace window ",insns=$from-$to"
[ "$(count tlb "$tmp/window.csv")" -eq "$want" ] ||
    fail "insns=$from-$to kept $(count tlb "$tmp/window.csv") lookups, want $want"
awk -F, -v a="$from" -v b="$to" '$2 == "tlb" && ($1 < a || $1 >= b) { bad = 1 } END { exit bad }' \
    "$tmp/window.csv" || fail "insns= kept a record outside the window"
dropped=$(awk -F, '$2 == "eot" { sub("dropped=", "", $19); print $19 }' "$tmp/window.csv")
[ "$dropped" -gt 0 ] || fail "the end record says nothing was dropped ($dropped)"

# the guest ran the same whatever was filtered
for n in pid1 pid2 name cr3 cr3none addr window; do
    cmp -s "$tmp/all.out" "$tmp/$n.out" || fail "$n: the guest's output changed"
done

# bad filters are refused before the guest runs
for bad in pid=x addr=5-2 insns=9 cr3= name= tlb,bogus; do
    st=0
    "$isola" -trace "$bad" -kernel "$pattern" >/dev/null 2>"$tmp/bad.err" || st=$?
    [ $st -eq 2 ] && grep -q "^isola: -trace: bad item" "$tmp/bad.err" ||
        fail "-trace $bad: status $st, $(cat "$tmp/bad.err")"
done
finish
