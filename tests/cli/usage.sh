#!/bin/sh
# usage.sh: the command line itself: help, version, and every kind of bad
# option giving one "isola: " line and exit status 2 before anything runs.
. "${srcdir:-$(dirname "$0")/../..}/tests/cli/lib.sh"

printf '\364' >"$tmp/flat.bin"   # a valid flat binary (HLT); never run here
f=$tmp/flat.bin

# help and version
for h in --help -help -h; do
    run 0 $h && grep -q '^Usage: isola \[options\] \[-kernel FILE | FILE\]' "$tmp/out" ||
        fail "$h: no usage line"
done
for o in -kernel -m -append -d -D -stats -no-reboot -tlb -insn-limit -load --version; do
    grep -q -- "$o" "$tmp/out" || fail "--help does not mention $o"
done
run 0 --version && grep -q '^isola [0-9]' "$tmp/out" || fail "--version"
run 0 -d help && grep -q 'insn' "$tmp/out" && grep -q 'int' "$tmp/out" || fail "-d help"

# what to boot
usage_error "no kernel or image given" 
usage_error "no kernel or image given" -m 64
usage_error "more than one image given" "$f" "$f"
usage_error "give either -kernel FILE or FILE" -kernel "$f" "$f"
usage_error "-kernel given twice" -kernel "$f" -kernel "$f"

# unknown options and missing arguments
usage_error "unknown option '-bogus'" -bogus "$f"
usage_error "unknown option '--bogus'" --bogus "$f"
usage_error "unknown option '-M'" -M 64 "$f"
usage_error "option -m needs an argument" "$f" -m
usage_error "option -kernel needs an argument" -kernel
usage_error "option -append needs an argument" "$f" -append
usage_error "option -D needs an argument" "$f" -D
usage_error "option -d needs an argument" "$f" -d
usage_error "option -tlb needs an argument" "$f" -tlb
usage_error "option -insn-limit needs an argument" "$f" -insn-limit
usage_error "option -load needs an argument" "$f" -load
usage_error "option -stats takes no argument" --stats=yes "$f"

# numbers
usage_error "-m: bad RAM size 'abc'" -m abc "$f"
usage_error "-m: bad RAM size '0'" -m 0 "$f"
usage_error "-m: bad RAM size '3585'" -m 3585 "$f"
usage_error "-m: bad RAM size '4G'" -m 4G "$f"
usage_error "-m: bad RAM size '-1'" -m -1 "$f"
usage_error "-m: bad RAM size '12MB'" -m 12MB "$f"
usage_error "-m: bad RAM size '99999999999999999999999'" -m 99999999999999999999999 "$f"
usage_error "-insn-limit: bad count '0'" -insn-limit 0 "$f"
usage_error "-insn-limit: bad count 'x'" -insn-limit x "$f"
usage_error "-insn-limit: bad count '18446744073709551616'" -insn-limit 18446744073709551616 "$f"
usage_error "-insn-limit: bad count '99999999999G'" -insn-limit 99999999999G "$f"
usage_error "-load: bad address '0x100000000'" -load 0x100000000 "$f"
usage_error "-load: bad address '0x'" -load 0x "$f"
usage_error "-load: bad address '1M'" -load 1M "$f"

# -d and -D
usage_error "-d: unknown log item 'bogus'" -d bogus "$f"
usage_error "-d: unknown log item 'foo'" -d insn,foo "$f"
usage_error "-d: unknown log item ''" -d insn, "$f"
usage_error "-D $tmp/no/such/dir/log:" -D "$tmp/no/such/dir/log" "$f"

# -tlb
usage_error "-tlb: ITLB entries=3 must be a power of two" -tlb entries=3 "$f"
usage_error "-tlb: ITLB entries=8192 must be a power of two" -tlb entries=8192 "$f"
usage_error "-tlb: bad item 'i=0'" -tlb i=0 "$f"
usage_error "-tlb: bad item 'ways=0'" -tlb ways=0 "$f"
usage_error "-tlb: DTLB ways=3 must be a power of two" -tlb d=64:3 "$f"
usage_error "-tlb: ITLB ways=8 must be a power of two dividing entries=4" -tlb entries=4,ways=8 "$f"
usage_error "-tlb: bad item 'policy=mru'" -tlb policy=mru "$f"
usage_error "-tlb: bad item 'entries='" -tlb entries= "$f"
usage_error "-tlb: bad item ''" -tlb , "$f"
usage_error "-tlb: a unified TLB has one geometry" -tlb unified,d=64:4 "$f"

# good forms are accepted (the HLT guest then halts: status 5)
for spec in entries=64,ways=4 i=32:4,d=64:4 unified unified,entries=128,ways=128 \
    policy=lru policy=fifo policy=random fast=off entries=1 entries=4096,ways=1; do
    run 5 -tlb "$spec" "$f" && err_is "isola: CPU halted with interrupts disabled"
done
run 5 -tlb fast=off -tlb entries=2 "$f"     # later -tlb items refine earlier ones
run 5 --m=64 --load=0x200000 "$f"
run 5 -m 1 -load 0 "$f"
run 5 -m 1G "$f"
run 5 -insn-limit 10k "$f"
run 5 -- "$f"

finish
