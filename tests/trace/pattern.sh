#!/bin/sh
# The trace of a guest with a known access pattern (pattern.c), checked
# event by event against values computed by hand (pattern.expected):
# lookups with their sets and ways, hits and misses, walks with the
# physical address, level and value of every entry, accessed and dirty
# bits written back, fills and what they evict, page faults with CR2 and
# error code. Then the same run with a page-walk cache: the directory
# entry is read from memory once after each flush, from the cache after.
. "${srcdir:-.}/tests/trace/lib.sh"
range=addr=0x40000000-0x40100000

pattern_run plain -trace tlb,walk,pf,flush,marker,$range -trace-file "$tmp/p.isotrace.gz"
"$itrace" csv "$tmp/p.isotrace.gz" >"$tmp/p.csv" 2>"$tmp/p.err" || fail "isola-trace csv failed"
clean_stderr "$tmp/p.err"
awk -f "$srcdir/tests/trace/csvcmp.awk" "$srcdir/tests/trace/pattern.expected" "$tmp/p.csv" ||
    fail "the trace differs from pattern.expected"

# -tlb pwc=on: the walks read the same entries (the cache never changes
# what a walk finds), but after the first walk of each block the
# directory entry is marked cached.
pattern_run pwc -tlb pwc=on -trace tlb,walk,pf,flush,$range -trace-file "$tmp/w.isotrace.gz"
"$itrace" csv "$tmp/w.isotrace.gz" >"$tmp/w.csv" || fail "isola-trace csv failed (pwc)"
awk -F, '$2 == "flush" { first = 1 }
    $2 == "walk" && $14 == 2 && $19 != "ad" {
        if (first && $19 == "cached") { print "cached right after a flush: " $0; bad = 1 }
        if (!first && $19 != "cached") { print "not cached: " $0; bad = 1 }
        if (!first) cached++
        first = 0
    }
    END { if (cached < 6) { print "only " cached " cached directory entries"; bad = 1 }; exit bad }' \
    "$tmp/w.csv" || fail "page-walk cache: directory entries not as expected"
cut -d, -f2,10- "$tmp/p.csv" | sed 's/,cached$/,/' >"$tmp/p.cmp"
cut -d, -f2,10- "$tmp/w.csv" | sed 's/,cached$/,/' >"$tmp/w.cmp"
grep -v '^\(proc\|begin\|end\)' "$tmp/p.cmp" | sed 's/dropped=[0-9]*//' >"$tmp/p.cmp2"
sed 's/dropped=[0-9]*//' "$tmp/w.cmp" >"$tmp/w.cmp2"
cmp -s "$tmp/p.cmp2" "$tmp/w.cmp2" ||
    fail "with a page-walk cache the walks read other entries: $(diff "$tmp/p.cmp2" "$tmp/w.cmp2" | head -5)"
finish
