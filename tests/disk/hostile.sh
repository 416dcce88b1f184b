#!/bin/sh
# hostile.sh: broken qcow2 images (made by mkhostile.py from valid ones)
# give one "isola-img: " line and exit status 1, never a crash or a hang;
# writing to the survivable ones never grows the file past new clusters.
. "${srcdir:-$(dirname "$0")/../..}/tests/disk/lib.sh"
need python3
limit="timeout 10"
if ! command -v timeout >/dev/null 2>&1; then
    limit=""
fi

python3 -c 'import sys; sys.stdout.buffer.write(bytes(range(256)) * 1024)' \
    >"$tmp/data.raw" || exit 99
"$ISOLA_IMG" convert -O qcow2 "$tmp/data.raw" "$tmp/plain.qcow2" &&
    "$ISOLA_IMG" convert -c -O qcow2 "$tmp/data.raw" "$tmp/comp.qcow2" &&
    python3 "$srcdir/tests/disk/mkhostile.py" "$tmp/plain.qcow2" \
        "$tmp/comp.qcow2" "$tmp/h" || exit 99

# run_cmd CMD FILE: info, check or convert (to raw) on FILE.
run_cmd() {
    case $1 in
    convert) img convert -O raw "$2" "$tmp/out.raw" ;;
    *) img "$1" "$2" ;;
    esac
}

for f in "$tmp"/h/open/*.qcow2; do
    n=$(basename "$f")
    for c in info check convert; do
        run_cmd $c "$f"
        [ "$rc" -eq 1 ] && one_line ||
            fail "$c $n: status $rc, stderr: $(head -3 "$tmp/err")"
    done
done
img info "$tmp/h/open/loop-a.qcow2"
grep -q 'loop' "$tmp/err" || fail "loop-a: $(cat "$tmp/err")"
img info "$tmp/h/open/deep-0.qcow2"
grep -q 'deeper than' "$tmp/err" || fail "deep-0: $(cat "$tmp/err")"
img info "$tmp/h/open/l1-past-eof.qcow2"
grep -q 'l1-past-eof.qcow2: L1 table offset 0x[0-9a-f]* past the end of the file$' \
    "$tmp/err" || fail "l1-past-eof: $(cat "$tmp/err")"

for f in "$tmp"/h/read/*.qcow2; do
    n=$(basename "$f")
    run_cmd convert "$f"
    [ "$rc" -eq 1 ] && one_line ||
        fail "convert $n: status $rc, stderr: $(head -3 "$tmp/err")"
    for c in info check; do
        run_cmd $c "$f"
        crashed "$rc" && fail "$c $n: status $rc"
    done
done

for f in "$tmp"/h/any/*.qcow2; do
    n=$(basename "$f")
    for c in info check convert; do
        run_cmd $c "$f"
        crashed "$rc" && fail "$c $n: status $rc $(head -3 "$tmp/err")"
    done
done

# Writes: errors are fine, a crash or growth past new clusters is not.
if [ -x "$TEST_BLOCKWRITE" ]; then
    for f in "$tmp"/h/read/*.qcow2 "$tmp"/h/any/*.qcow2; do
        n=$(basename "$f")
        cp "$f" "$tmp/w.qcow2"
        dd if=/dev/zero of="$tmp/ref.raw" bs=1024 count=256 2>/dev/null
        $limit "$TEST_BLOCKWRITE" -W -n 40 -m 16 "$tmp/w.qcow2" \
            "$tmp/ref.raw" 2>"$tmp/err"
        rc=$?
        crashed "$rc" && fail "write $n: status $rc $(head -3 "$tmp/err")"
        size=$(wc -c <"$tmp/w.qcow2")
        [ "$size" -le $(( $(wc -c <"$f") + 8 * 1024 * 1024 )) ] ||
            fail "write $n: the file grew to $size bytes"
    done
fi

finish
