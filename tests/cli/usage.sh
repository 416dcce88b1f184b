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
for o in -kernel -m -append -d -D -stats -no-reboot -tlb -insn-limit -load --version \
    -bios -hda -hdb -drive -snapshot -icount -realtime -rtc -serial -display -nographic \
    -screenshot -keys; do
    grep -q -- "$o" "$tmp/out" || fail "--help does not mention $o"
done
run 0 --version && grep -q '^isola [0-9]' "$tmp/out" || fail "--version"
run 0 -d help && grep -q 'insn' "$tmp/out" && grep -q 'int' "$tmp/out" || fail "-d help"

# what to boot
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

# firmware
usage_error "-bios $tmp/no-such.bin: No such file or directory" -bios "$tmp/no-such.bin"
head -c 1000 /dev/zero >"$tmp/small.bin"
usage_error "-bios $tmp/small.bin: firmware image is 1000 bytes; it must be 64, 128 or 256 KiB" \
    -bios "$tmp/small.bin"
head -c 65537 /dev/zero >"$tmp/odd.bin"
usage_error "-bios $tmp/odd.bin: firmware image is 65537 bytes" -bios "$tmp/odd.bin"
usage_error "-bios $tmp/small.bin: a kernel ('$f') boots without firmware" -bios "$tmp/small.bin" "$f"

# disks
usage_error "$tmp/missing.img:" -hda "$tmp/missing.img" "$f"
usage_error "$tmp/missing.img:" -drive file="$tmp/missing.img" "$f"
usage_error "-drive: unknown key 'bogus'" -drive file="$f",bogus=1 "$f"
usage_error "-drive: 'junk' is not KEY=VALUE" -drive junk "$f"
usage_error "-drive: no file= given" -drive format=raw "$f"
usage_error "-drive: file= is empty" -drive file= "$f"
usage_error "-drive: unknown format 'vmdk'" -drive file="$f",format=vmdk "$f"
usage_error "-drive: readonly='maybe'" -drive file="$f",readonly=maybe "$f"
usage_error "-drive: index=2" -drive file="$f",index=2 "$f"
usage_error "-drive: interface if=scsi is not available" -drive file="$f",if=scsi "$f"
usage_error "-drive: media=cdrom is not available" -drive file="$f",media=cdrom "$f"
usage_error "-drive: drive index 0 is already -hda" -hda "$f" -drive file="$f",index=0 "$f"
usage_error "-hdb: drive index 1 is already -drive" -drive file="$f",index=1 -hdb "$f" "$f"
usage_error "-drive: both IDE drives are taken" -hda "$f" -hdb "$f" -drive file="$f" "$f"
printf 'QFI\373garbage' >"$tmp/bad.qcow2"
usage_error "" -hda "$tmp/bad.qcow2" "$f"
grep -q "bad.qcow2" "$tmp/err" || fail "a corrupt qcow2 is not named: $(cat "$tmp/err")"

# time
usage_error "-icount: bad rate 'x'" -icount x "$f"
usage_error "-icount: bad rate '0'" -icount 0 "$f"
usage_error "-icount: bad rate '999'" -icount 999 "$f"
usage_error "-icount: bad rate '2000G'" -icount 2000G "$f"
usage_error "-rtc: bad setting 'now'" -rtc now "$f"
usage_error "-rtc: bad date '2024-13-01'" -rtc base=2024-13-01 "$f"
usage_error "-rtc: bad date '2023-02-29'" -rtc base=2023-02-29 "$f"
usage_error "-rtc: bad date '2024-01-01T24:00:00'" -rtc base=2024-01-01T24:00:00 "$f"
usage_error "-rtc: bad date '2024-01-01T12:00'" -rtc base=2024-01-01T12:00 "$f"
usage_error "-rtc: bad date '1969-12-31'" -rtc base=1969-12-31 "$f"

# display and I/O
usage_error "-serial: unknown device 'bogus'" -serial bogus "$f"
usage_error "-serial: unknown device 'file:'" -serial file: "$f"
usage_error "-serial file:$tmp/no/such/dir/out:" -serial file:"$tmp/no/such/dir/out" "$f"
usage_error "-display: unknown display 'gtk'" -display gtk "$f"
usage_error "option -nographic takes no argument" -nographic=1 "$f"
usage_error "-keys: unknown escape '\\q'" -keys 'a\qb' "$f"
usage_error "-keys: no key types character 0x01" -keys "$(printf 'a\001')" "$f"

# good forms are accepted (the HLT guest then halts: status 5)
for spec in entries=64,ways=4 i=32:4,d=64:4 unified unified,entries=128,ways=128 \
    policy=lru policy=fifo policy=random fast=off entries=1 entries=4096,ways=1; do
    run 5 -tlb "$spec" "$f" && err_is "isola: CPU halted with interrupts disabled"
done
run 5 -tlb fast=off -tlb entries=2 "$f"     # later -tlb items refine earlier ones
for o in "-icount 1k" "-icount 50M" "-icount 2G" "-realtime" "-rtc base=utc" \
    "-rtc base=localtime" "-rtc base=2024-02-29" "-rtc base=2000-01-01T00:00:00" \
    "-serial none" "-serial stdio" "-serial file:$tmp/serial.out" "-display none" \
    "-nographic" "-snapshot" "-keys a\n"; do
    run 5 $o "$f" && err_is "isola: CPU halted with interrupts disabled"
done
run 5 --m=64 --load=0x200000 "$f"
run 5 -m 1 -load 0 "$f"
run 5 -m 1G "$f"
run 5 -insn-limit 10k "$f"
run 5 -- "$f"

finish
