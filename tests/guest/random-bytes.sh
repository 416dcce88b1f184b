#!/bin/sh
# random-bytes.sh: isola must survive 1 MiB of random bytes as a guest.
#
# For each seed, a fixed pseudo-random 1 MiB file (tests/guest/randbytes)
#   - given as -kernel: must be refused with exit status 2 (no Multiboot
#     header in the first 8 KiB);
#   - given as a flat binary with and without -no-reboot: must end with
#     a triple fault (3), the instruction limit (4), a halt (5) or a guest
#     exit (odd), each with a message on stderr for 3, 4 and 5;
#   - never die by a signal, never print a sanitizer report.
# Then tests/guest/fuzz.elf runs random ring-3 code under paging with each
# seed (-append seed=N): it must end with PASS (33) or at the instruction
# limit (4), never with a FAIL from the kernel (an unexpected ring-0 fault).
# RANDOM_SEEDS overrides the list of seeds, RANDOM_LIMIT the budget of
# instructions per run.

isola=${ISOLA:-./emu/isola}
randbytes=${RANDBYTES:-./tests/guest/randbytes}
fuzz=${FUZZ_ELF:-./tests/guest/fuzz.elf}
seeds=${RANDOM_SEEDS:-"1 2 3 4 5 6 7 8 9 10 11 12"}
limit=${RANDOM_LIMIT:-20M}
timeout_s=${GUEST_TIMEOUT:-300}
for f in "$isola" "$randbytes" "$fuzz"; do
    if [ ! -f "$f" ]; then
        echo "random-bytes: $f not found (run from the build directory after make check)" >&2
        exit 99
    fi
done

dir=$(mktemp -d "${TMPDIR:-/tmp}/random-bytes.XXXXXX") || exit 99
trap 'rm -rf "$dir"' EXIT INT TERM
fail=0

# judge NAME WANT: WANT is "usage" (exit 2 only), "end" (3, 4, 5, odd) or
# "fuzz" (33 or 4)
judge() {
    name=$1
    want=$2
    how=$(cat "$dir/how" 2>/dev/null || echo "randbytes failed")
    status=${how#exited }
    echo "$name: $how"
    case $how in
    exited*) ;;
    killed*)
        echo "random-bytes: FAIL: $name: isola $how"
        sed 's/^/    /' "$dir/err" | tail -20
        fail=1
        return ;;
    *)
        echo "random-bytes: FAIL: $name: $how"
        fail=1
        return ;;
    esac
    if [ "$status" -eq 124 ]; then
        echo "random-bytes: FAIL: $name: timed out after $timeout_s s"
        fail=1
        return
    fi
    if grep -E -q 'Sanitizer|runtime error:' "$dir/err"; then
        echo "random-bytes: FAIL: $name: sanitizer report"
        sed 's/^/    /' "$dir/err" | tail -40
        fail=1
        return
    fi
    if [ "$want" = fuzz ]; then
        if [ "$status" -ne 33 ] && [ "$status" -ne 4 ]; then
            echo "random-bytes: FAIL: $name: exit status $status, want 33 or 4"
            sed 's/^/    /' "$dir/out" | tail -5
            fail=1
        fi
        return
    fi
    if [ "$want" = usage ]; then
        if [ "$status" -ne 2 ]; then
            echo "random-bytes: FAIL: $name: exit status $status, want 2"
            fail=1
        fi
        return
    fi
    case $status in
    3|4|5)
        if [ ! -s "$dir/err" ]; then
            echo "random-bytes: FAIL: $name: exit status $status without a message"
            fail=1
        fi ;;
    *)
        if [ $((status % 2)) -ne 1 ]; then
            echo "random-bytes: FAIL: $name: exit status $status (not 3, 4, 5 or a guest exit)"
            fail=1
        fi ;;
    esac
    sed 's/^/    /' "$dir/err" | head -3
}

for seed in $seeds; do
    bin="$dir/seed$seed.bin"
    "$randbytes" gen "$seed" 1048576 "$bin" || exit 99
    rm -f "$dir/how"
    "$randbytes" run "$dir/how" timeout "$timeout_s" "$isola" -kernel "$bin" >/dev/null 2>"$dir/err" </dev/null
    judge "seed $seed -kernel" usage
    rm -f "$dir/how"
    "$randbytes" run "$dir/how" timeout "$timeout_s" "$isola" -no-reboot -insn-limit "$limit" "$bin" \
        >/dev/null 2>"$dir/err" </dev/null
    judge "seed $seed flat -no-reboot" end
    rm -f "$dir/how"
    "$randbytes" run "$dir/how" timeout "$timeout_s" "$isola" -insn-limit "$limit" "$bin" \
        >/dev/null 2>"$dir/err" </dev/null
    judge "seed $seed flat" end
    rm -f "$dir/how"
    "$randbytes" run "$dir/how" timeout "$timeout_s" "$isola" -no-reboot -insn-limit "$limit" \
        -append "seed=$seed" -kernel "$fuzz" >"$dir/out" 2>"$dir/err" </dev/null
    judge "seed $seed fuzz.elf" fuzz
    sed 's/^/    /' "$dir/out" | grep -v '^    ok'
done
[ $fail -eq 0 ] && echo "random-bytes: ok"
exit $fail
