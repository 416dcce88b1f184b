# disklib.sh: what the disk tests (tests/os/disk-*.sh) share, on top of
# lib.sh: a writable copy of the OS's disk image (no -snapshot: what the
# OS writes must reach the file), boots of it that type their input once
# the shell's first prompt is there, and host-side checks of its root
# partition with e2fsprogs.
#
#   disk_boot HOST INPUT [ARGS...]  boots $disk (HOST isola or qemu), types
#                                   INPUT at the first prompt, ends the
#                                   input (isola: EOF, QEMU: ^D); $out,
#                                   $status as os_run leaves them
#   disk_boot_until HOST INPUT PATTERN [ARGS...]  the same, but SIGKILLs
#                                   the emulator as soon as a line of the
#                                   output matches PATTERN: a power cut
#   part_out / part_in              partition 1 of $disk to $part and back
#   fsck_clean                      e2fsck -fn finds nothing to fix
#   cksums_match                    each "disktests: cksum PATH CRC SIZE"
#                                   line of $sums is what debugfs reads
. "${srcdir:-.}/tests/os/lib.sh"

command -v e2fsck >/dev/null 2>&1 && command -v debugfs >/dev/null 2>&1 ||
    { echo "e2fsck or debugfs not found: skipped"; exit 77; }

disk=$tmp/disk.img
part=$tmp/part.ext2
sums=$tmp/sums
part_lba=2048                  # guest-os/boot/boot.h, ROOT_LBA
cp "$image" "$disk" || exit 99

isola_disk_opts="-nographic -m 128 -rtc base=2026-01-01T00:00:00 -no-reboot"
# QEMU's disk is throttled so that its DMA takes time, as -disk-latency
# makes isola's: the overlap the aio tests look for must not depend on
# how fast the host's page cache is. The burst allowance is a tenth of
# a second's worth.
qemu_disk_opts="-nographic -m 128 -cpu qemu32,+nx -no-reboot -net none
    -device isa-debug-exit,iobase=0xf4,iosize=4"
qemu_drive="file=$disk,format=raw,if=ide,throttling.bps-total=2000000"

# The emulator's command line for HOST, then ARGS.
disk_cmd() {
    host=$1
    shift
    case $host in
    isola) set -- "$isola" $isola_disk_opts -hda "$disk" "$@" ;;
    qemu) need_qemu; set -- "$qemu" $qemu_disk_opts -drive "$qemu_drive" "$@" ;;
    *) echo "disk_cmd: unknown host $host"; exit 99 ;;
    esac
    printf '%s\n' "$@" >"$tmp/cmd"
}

# Waits (at most timeout_s) until the output has a line matching $1 or
# the emulator $2 has ended. True when the line came.
wait_for() {
    t=0
    while [ "$t" -lt $((timeout_s * 10)) ]; do
        [ -f "$out.raw" ] && tr -d '\r' <"$out.raw" | grep -Eq -- "$1" && return 0
        kill -0 "$2" 2>/dev/null || return 1
        sleep 0.1
        t=$((t + 1))
    done
    return 1
}

# disk_run HOST INPUT KILL_PATTERN ARGS...
disk_run() {
    host=$1 input=$2 kill_at=$3
    shift 3
    disk_cmd "$host" "$@"
    rm -f "$tmp/in"
    mkfifo "$tmp/in" || exit 99
    set --
    while IFS= read -r a; do set -- "$@" "$a"; done <"$tmp/cmd"
    # A power cut kills the emulator itself; other runs are bounded by
    # timeout(1), which passes a TERM on to it.
    if [ -n "$kill_at" ]; then
        "$@" <"$tmp/in" >"$out.raw" 2>&1 &
    else
        timeout "$timeout_s" "$@" <"$tmp/in" >"$out.raw" 2>&1 &
    fi
    pid=$!
    exec 3>"$tmp/in"
    status=0
    if ! wait_for '^\$ ' $pid; then
        exec 3>&-
        kill $pid 2>/dev/null
        wait $pid
        tr -d '\r' <"$out.raw" >"$out"
        fail "$host: no shell prompt"
    fi
    printf '%s' "$input" >&3
    [ "$host" = qemu ] && printf '\004' >&3
    if [ -n "$kill_at" ]; then
        if ! wait_for "$kill_at" $pid; then
            kill -9 $pid 2>/dev/null
            tr -d '\r' <"$out.raw" >"$out"
            fail "$host: never printed /$kill_at/"
        fi
        kill -9 $pid
        wait $pid
        status=137
        exec 3>&-
    else
        exec 3>&-
        wait $pid || status=$?
        [ "$status" -ne 124 ] || fail "$host: no power-off within $timeout_s s"
    fi
    tr -d '\r' <"$out.raw" >"$out"
    reject 'panic'
    reject 'Sanitizer|runtime error:'
}

disk_boot() {
    h=$1 i=$2
    shift 2
    disk_run "$h" "$i" "" "$@"
}

disk_boot_until() {
    h=$1 i=$2 k=$3
    shift 3
    disk_run "$h" "$i" "$k" "$@"
}

part_out() {
    dd if="$disk" of="$part" bs=512 skip=$part_lba status=none || exit 99
}

part_in() {
    dd if="$part" of="$disk" bs=512 seek=$part_lba conv=notrunc status=none || exit 99
}

fsck_clean() {
    part_out
    e2fsck -fn "$part" >"$tmp/fsck" 2>&1 || {
        cat "$tmp/fsck"
        fail "e2fsck -fn found something to fix (exit $?)"
    }
}

cksums_match() {
    [ -s "$sums" ] || fail "no cksum lines"
    part_out
    while read -r _ _ path crc size; do
        got=$(debugfs -R "cat $path" "$part" 2>/dev/null | cksum)
        [ "$got" = "$crc $size" ] || fail "debugfs: $path has cksum '$got', want '$crc $size'"
    done <"$sums"
}
