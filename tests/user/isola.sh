#!/bin/sh
# The userland on the bundled OS itself: a root file system with the
# programs and libctest, booted by isola (-kernel/-initrd), fed a script
# on the serial console (end of input hangs up: the shell exits, init
# powers off). Checks libctest's verdict, some shell and tool output,
# and init's report of the shell's exit status. Skips (77) until the
# kernel is built.
. "${srcdir:-.}/tests/user/common.sh"
isola=emu/isola kernel=guest-os/kernel/kernel.elf
for f in "$isola" "$kernel" tests/user/libctest; do
    if [ ! -f "$f" ]; then
        echo "isola.sh: $f not built: skipped"
        exit 77
    fi
done
MKE2FS=${MKE2FS:-mke2fs} DEBUGFS=${DEBUGFS:-debugfs} \
    sh "${srcdir:-.}/disks/mkrootfs.sh" "$T/root.ext2" 16 "$B"/* tests/user/libctest \
    >"$T/mkrootfs.log" 2>&1 || { cat "$T/mkrootfs.log"; exit 99; }

cat > "$T/in" <<'SCRIPT'
libctest /tmp
echo "x  y" $((6 * 7)) ${HOME}-${TERM}
for i in 1 2; do echo n$i; done; if [ -d /bin ]; then echo isdir; fi
nosuchcmd
ls /bin
ps
exit 5
SCRIPT
timeout 300 "$isola" -kernel "$kernel" -initrd "$T/root.ext2" -nographic <"$T/in" \
    >"$T/out" 2>&1
status=$?
tr -d '\r' <"$T/out" >"$T/clean"
cat "$T/clean"
# A guest's power-off with status v ends isola with (v << 1) | 1.
expect "isola exit status (power off with 0)" 1 "$status"
has() {
    if grep -qx -- "$2" "$T/clean"; then echo "ok: $1"; else fail "$1: no line '$2'"; fi
}
has "libctest passes" "libctest: 0 failures"
has "expansions" '\$* *x  y 42 /-vt100'
has "loops" 'n2'
has "if" '\$* *isdir'
has "not found" '\$* *sh: nosuchcmd: not found'
has "ls /bin" '.*poweroff.*'
has "ps header" '\$* *PID  PPID STATE THR PAGES  SWAP   TIME CMD'
has "ps lists init" '    1     0 [RrS]  *1 .* init'
has "init reports the status" '\$* *init: /bin/sh exited with status 5'
finish
