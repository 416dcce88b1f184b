#!/bin/sh
# run.sh: whole runs: what the guest sees at entry, the debug ports, every
# way a run ends (exit port, triple fault, resets, HLT, -insn-limit), and
# the -d / -D / -stats output.
. "${srcdir:-$(dirname "$0")/../..}/tests/cli/lib.sh"

guest exit.elf exit.S 0x100000
guest exit5.elf exit.S 0x100000 -DEXIT_VALUE=0x25
guest flat.bin exit.S 0x300000 -DFLAT
guest mbinfo.elf mbinfo.S 0x100000
guest aout.bin aout.S 0x200000
guest cli-hlt.elf halt.S 0x100000
guest sti-hlt.elf halt.S 0x100000 -DSTI
guest spin.elf spin.S 0x100000
guest triple.elf triple.S 0x100000
guest triple-print.elf triple.S 0x100000 -DPRINT
guest reset.elf reset.S 0x100000
guest ring3.elf ring3.S 0x100000

# The exit port: status (v << 1) | 1, output before it kept.
run 1 "$tmp/exit.elf" && out_is ok
[ -s "$tmp/err" ] && fail "a clean exit printed on stderr: $(cat "$tmp/err")"
run 75 "$tmp/exit5.elf" && out_is ok

# Multiboot entry state and boot information (docs/cli.md, Entry state).
if run 1 -m 64 -append "root=ext2  ro" "$tmp/mbinfo.elf"; then
    expect="eax=2BADB002
cs=00000008
eflags=00000002
cr0=00000001
flags=00000245
mem_lower=0000027F
mem_upper=0000FC00
cmdline=$tmp/mbinfo.elf root=ext2  ro
loader=isola
mmap=00000000,0009FC00,00000001
mmap=000F0000,00010000,00000002
mmap=00100000,03F00000,00000001"
    out_is "$expect"
fi
usage_error "$tmp/mbinfo.elf: would load at" -m 1 -kernel "$tmp/mbinfo.elf"
run 1 "$tmp/mbinfo.elf" && grep -q "^cmdline=$tmp/mbinfo.elf\$" "$tmp/out" ||
    fail "without -append the command line is the path alone"

# The a.out kludge and flat binaries.
run 1 -kernel "$tmp/aout.bin" && out_is aout
run 1 -load 0x300000 -m 16 "$tmp/flat.bin" && out_is "ok
esp=01000000"

# HLT that nothing can wake: status 5.
run 5 "$tmp/cli-hlt.elf" && err_is "isola: CPU halted with interrupts disabled at 0008:"
one_line
run 5 "$tmp/sti-hlt.elf" &&
    err_is "isola: CPU halted waiting for an interrupt that no device will raise at 0008:"

# -insn-limit: status 4, exactly N instructions.
run 4 -insn-limit 1000 "$tmp/spin.elf" && err_is "isola: instruction limit (1000) reached at 0008:"
run 4 -insn-limit 1001 -stats "$tmp/spin.elf" &&
    grep -q '^  instructions  *1001$' "$tmp/err" || fail "-insn-limit 1001: not 1001 instructions"

# Triple faults: -no-reboot stops at once; otherwise the image is reloaded
# until the guest has reset three times in a row without output.
run 3 -no-reboot "$tmp/triple.elf" && err_is "isola: triple fault at 0008:"
err_line "isola: triple fault at 0008:" && grep -q '; stopping (-no-reboot)$' "$tmp/err" ||
    fail "-no-reboot message"
if run 3 "$tmp/triple.elf"; then
    [ "$(grep -c '; resetting$' "$tmp/err")" -eq 3 ] || fail "expected 3 resets: $(cat "$tmp/err")"
    [ "$(tail -n 1 "$tmp/err")" = "isola: guest keeps resetting; giving up" ] ||
        fail "last line: $(tail -n 1 "$tmp/err")"
fi
# A guest that prints each time it starts is not "stuck": it is reset
# until something else stops it.
run 4 -insn-limit 2000 "$tmp/triple-print.elf"
[ "$(grep -c '^boot$' "$tmp/out")" -gt 4 ] || fail "printing guest not reset repeatedly"
err_line "isola: instruction limit (2000)"
# A reset reloads the image (.data back to its initial value) and keeps
# the rest of RAM: the guest exits with 0x11 on its third start.
run 35 "$tmp/reset.elf" && out_is "boot
boot"

# -d int: software INT from ring 3 into a ring-0 handler, and the
# exceptions of a triple fault.
if run 1 -d int "$tmp/ring3.elf"; then
    out_is "syscall from cpl 00000003"
    err_is "int v=0x80 err=none hw=0 cs:eip=001b:"
    grep -q '^int v=0x80 .* cpl 3->0$' "$tmp/err" || fail "-d int: $(cat "$tmp/err")"
fi
if run 3 -no-reboot -d int "$tmp/triple.elf"; then
    err_is "int v=0x03 err=none hw=0 cs:eip=0008:"
    err_line "int v=0x0d err=0x001a hw=1 cs:eip=0008:"
    err_line "int v=0x08 err=0x0000 hw=1 cs:eip=0008:"
    err_line "isola: triple fault at 0008:"
fi

# -d insn: numbered, disassembled, with registers; to stderr or -D FILE.
if run 1 -d insn "$tmp/exit.elf"; then
    out_is ok
    err_is "       1 0008:00100000  jmp 0x"
    grep -q '^ *[0-9][0-9]* 0008:001000[0-9a-f][0-9a-f]  out 0xe9, al  *EAX=' "$tmp/err" ||
        fail "-d insn: no OUT line"
    grep -q 'EAX=2badb002 EBX=00008000 ECX=00000000 EDX=00000000 ESI=00000000 EDI=00000000 EBP=00000000 ESP=00008000 EFL=00000002$' "$tmp/err" ||
        fail "-d insn: first registers"
fi
if run 1 -d insn,int -D "$tmp/log" "$tmp/exit.elf"; then
    [ -s "$tmp/err" ] && fail "-D: stderr not empty: $(head -c 200 "$tmp/err")"
    grep -q '  jmp 0x' "$tmp/log" || fail "-D: no log in the file"
fi

# -stats: every counter, after the line that says why the run ended.
if run 5 -stats "$tmp/cli-hlt.elf"; then
    err_is "isola: CPU halted"
    for k in instructions "host seconds" MIPS "ITLB lookups" "ITLB hits" "ITLB misses" \
        "DTLB lookups" "DTLB hits" "DTLB misses" "page walks" "page faults" exceptions \
        interrupts "CR3 writes" "TLB flushes"; do
        grep -q "^  $k  *[0-9]" "$tmp/err" || fail "-stats: no '$k'"
    done
    grep -q '^  instructions  *1$' "$tmp/err" || fail "-stats: HLT guest ran $(grep instructions "$tmp/err")"
fi
run 1 -stats -tlb unified "$tmp/exit.elf" && grep -q '^  TLB (unified) lookups' "$tmp/err" ||
    fail "-stats with a unified TLB"

finish
