# lib.sh: run the bundled OS with a script on its console, under isola or
# QEMU, and judge what it printed. Sourced by the tests in tests/os/ from
# the build directory (after make).
#
#   os_run HOST INPUT [EXTRA ARGS...]   boots, types INPUT, leaves the
#                                       console output in $out and the
#                                       emulator's exit status in $status
#   HOST: isola-disk   disks/isola.img through the bundled BIOS
#         isola-kernel isola -kernel kernel.elf -initrd root.ext2
#         qemu-disk    disks/isola.img under qemu-system-i386 (SeaBIOS)
#         qemu-kernel  qemu-system-i386 -kernel ... -initrd ...
#   expect PATTERN, reject PATTERN      grep -E on the output, fail loudly
#   expect_count N PATTERN              exactly N lines match
#   expect_usertests                    usertests ran to its end, all passed
#
# The OS powers off through port 0xF4 with status 0 once its shell has
# read all of INPUT, so both emulators exit with (0 << 1) | 1 = 1.
# Under isola the end of piped input drops the serial line's carrier;
# QEMU has no such signal, so its input ends with ^D, the console's end
# of file; and QEMU drops input that comes before the kernel is up, so
# the input waits for the kernel's first line. OS_TIMEOUT bounds a run
# (seconds).

isola=${ISOLA:-./emu/isola}
qemu=${QEMU:-qemu-system-i386}
srcdir=${srcdir:-.}
timeout_s=${OS_TIMEOUT:-600}
image=disks/isola.img
kernel=guest-os/kernel/kernel.elf
root=disks/root.ext2

tmp=$(mktemp -d "${TMPDIR:-/tmp}/os-test.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM
out=$tmp/out

fail() {
    echo "FAIL: $*"
    echo "---- lines of the console output that say FAIL (the first 20) ----"
    grep -n FAIL "$out" | head -n 20
    echo "---- console output (the last 80 lines) ----"
    tail -n 80 "$out"
    echo "------------------------"
    exit 1
}

need_qemu() {
    command -v "$qemu" >/dev/null 2>&1 || { echo "$qemu not found: skipped"; exit 77; }
}

os_run() {
    host=$1 input=$2
    shift 2
    for f in "$isola" "$image" "$kernel" "$root"; do
        [ -e "$f" ] || { echo "$f not found (run from the build directory after make)"; exit 99; }
    done
    isola_opts="-nographic -m 128 -rtc base=2026-01-01T00:00:00 -no-reboot"
    qemu_opts="-nographic -m 128 -cpu qemu32,+nx -no-reboot -net none -snapshot
        -device isa-debug-exit,iobase=0xf4,iosize=4"
    case $host in
    isola-disk) set -- "$isola" $isola_opts -snapshot -hda "$image" "$@" ;;
    isola-kernel) set -- "$isola" $isola_opts -kernel "$kernel" -initrd "$root" "$@" ;;
    qemu-disk) need_qemu; set -- "$qemu" $qemu_opts -drive "file=$image,format=raw,if=ide" "$@" ;;
    qemu-kernel) need_qemu; set -- "$qemu" $qemu_opts -kernel "$kernel" -initrd "$root" "$@" ;;
    *) echo "os_run: unknown host $host"; exit 99 ;;
    esac
    case $host in
    qemu-*) input="$input$(printf '\004')" ;;
    esac
    status=0
    case $host in
    qemu-*)
        # QEMU loses what is typed before the kernel has its serial line
        # up (SeaBIOS and the kernel's UART set-up take it): type only once
        # the kernel's first line is out.
        mkfifo "$tmp/in" || exit 99
        (
            n=0
            until grep -q 'isola kernel, command line' "$out.raw" 2>/dev/null || [ $n -ge $((timeout_s * 10)) ]; do
                sleep 0.1
                n=$((n + 1))
            done
            printf '%s' "$input"
        ) >"$tmp/in" &
        typist=$!
        timeout "$timeout_s" "$@" <"$tmp/in" >"$out.raw" 2>&1 || status=$?
        kill "$typist" 2>/dev/null
        wait "$typist" 2>/dev/null
        ;;
    *)
        printf '%s' "$input" | timeout "$timeout_s" "$@" >"$out.raw" 2>&1 || status=$?
        ;;
    esac
    tr -d '\r' <"$out.raw" >"$out"     # the serial console ends lines with CR LF
    [ "$status" -ne 124 ] || fail "$host: no power-off within $timeout_s s"
}

expect() {
    grep -Eq -- "$1" "$out" || fail "expected /$1/"
}

reject() {
    ! grep -Eq -- "$1" "$out" || fail "unexpected /$1/"
}

expect_poweroff() {
    [ "$status" -eq 1 ] || fail "exit status $status, not 1 (power off with status 0)"
}

expect_count() {
    n=$(grep -Ec -- "$2" "$out")
    [ "$n" -eq "$1" ] || fail "expected $1 lines matching /$2/, found $n"
}

# After os_run HOST 'usertests': the run reached its summary with no
# failure, the kernel did not panic, and the OS powered off.
expect_usertests() {
    expect '^usertests: [0-9]+ ok, 0 failed, [0-9]+ skipped in [0-9]+ s$'
    expect '^ALL TESTS PASSED$'
    reject '^test [^ ]+: FAILED'
    reject 'panic'
    expect_poweroff
}

# After os_run with two sysfuzz runs between `free`s: both runs ended
# with the kernel alive, it still answered, and the free pages came back
# to within 32 of where they were. $1 names the run in a failure.
expect_sysfuzz_survived() {
    [ "$(grep -c '^sysfuzz: the kernel is alive$' "$out")" -eq 2 ] ||
        fail "$1: a fuzzing run did not finish"
    expect '^still answering$'
    reject 'panic'
    expect_poweroff
    before=$(grep '^Pages:' "$out" | head -n 1 | awk '{print $4}')
    after=$(grep '^Pages:' "$out" | tail -n 1 | awk '{print $4}')
    [ -n "$before" ] && [ -n "$after" ] || fail "$1: no page counts"
    diff=$((before - after))
    [ "$diff" -le 32 ] && [ "$diff" -ge -32 ] || fail "$1: free pages $before before, $after after"
}

# After os_run with `swaptests; echo the shell lives; free` on the disk
# image's swap partition: every swaptests test passed, the one process
# that had to die did so with the out-of-memory line, and free shows the
# swap area.
expect_swaptests_passed() {
    expect '^swap: hda2, 98304 KiB \(24576 slots of 4 KiB\)$'
    for t in fill cow syscall thrash threads writes oom; do
        expect "^test $t: ok\$"
    done
    expect '^ALL TESTS PASSED$'
    reject 'FAILED'
    expect_count 1 'out of memory'
    expect '^pid [0-9]+ \(swaptests\): out of memory \(RAM and swap full\): killed$'
    expect '^the shell lives$'
    expect '^Swap: +98304 +[0-9]+ +[0-9]+$'
}
