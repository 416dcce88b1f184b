#!/bin/sh
# write.sh: the write path. test_blockwrite writes random sectors through
# block.h to an image and to a raw copy of it, comparing every read; then
# qemu-img check finds the image consistent and qemu-img compare equal to
# the copy. Covers qemu-made and isola-made images, v2 and v3, cluster sizes
# from 512 bytes (the refcount table has to grow) to 2 MiB, compressed
# clusters, backing files (qcow2 and raw), snapshot mode and read-only.
. "${srcdir:-$(dirname "$0")/../..}/tests/disk/lib.sh"
need qemu-img qemu-io python3
if [ ! -x "$TEST_BLOCKWRITE" ]; then
    echo "TEST_BLOCKWRITE=$TEST_BLOCKWRITE is not built" >&2
    exit 99
fi

t=$tmp
python3 "$srcdir/tests/disk/mkdata.py" "$t/data.raw" $((4 * 1048576)) ||
    exit 99

# session NAME IMAGE [test_blockwrite options]: writes, then qemu checks.
session() {
    _name=$1
    _image=$2
    shift 2
    qemu-img convert -O raw "$_image" "$t/ref.raw" ||
        { fail "$_name: cannot make the reference"; return; }
    $limit "$TEST_BLOCKWRITE" "$@" "$_image" "$t/ref.raw" 2>"$t/err"
    _rc=$?
    [ "$_rc" -eq 0 ] || { fail "$_name: test_blockwrite $_rc: $(cat "$t/err")"; return; }
    qemu-img compare -q "$_image" "$t/ref.raw" >"$t/qout" 2>&1 ||
        fail "$_name: qemu-img compare: $(cat "$t/qout")"
    case $_image in *.raw) return ;; esac
    qemu-img check -q "$_image" >"$t/qout" 2>&1 ||
        fail "$_name: qemu-img check: $(head -5 "$t/qout")"
    img check "$_image"
    [ "$rc" -eq 0 ] || fail "$_name: isola-img check $rc: $(head -3 "$tmp/err")"
}

n=0
for opts in compat=1.1,cluster_size=64k compat=0.10,cluster_size=64k \
            compat=1.1,cluster_size=4k compat=1.1,cluster_size=512 \
            compat=1.1,cluster_size=2M; do
    n=$((n + 1))
    qemu-img create -q -f qcow2 -o $opts "$t/e.qcow2" 16M
    session "qemu empty $opts" "$t/e.qcow2" -n 400 -S $n
    qemu-img convert -O qcow2 -o $opts "$t/data.raw" "$t/d.qcow2"
    session "qemu data $opts" "$t/d.qcow2" -n 300 -S $n
    qemu-img convert -c -O qcow2 -o $opts "$t/data.raw" "$t/c.qcow2"
    session "qemu compressed $opts" "$t/c.qcow2" -n 300 -m 64 -S $n
done

# The refcount table of a 512-byte-cluster image covers 8 MiB: it grows.
qemu-img create -q -f qcow2 -o cluster_size=512 "$t/g.qcow2" 32M
session "refcount table growth" "$t/g.qcow2" -n 600 -S 7
[ "$(stat -c %s "$t/g.qcow2")" -gt $((8 * 1048576)) ] ||
    fail "growth: the image stayed small ($(stat -c %s "$t/g.qcow2") bytes)"

# isola-made images
img create -f qcow2 "$t/i.qcow2" 16M
session "isola create" "$t/i.qcow2" -n 300 -S 11
img convert -c -O qcow2 -o cluster_size=4k "$t/data.raw" "$t/ic.qcow2"
session "isola convert -c" "$t/ic.qcow2" -n 300 -S 12

# backing files: writes copy the rest of the cluster from below
qemu-img convert -O qcow2 "$t/data.raw" "$t/base.qcow2"
qemu-img create -q -f qcow2 -b base.qcow2 -F qcow2 "$t/over.qcow2" 6M
qemu-io -c 'write -P 0x11 100k 8k' "$t/over.qcow2" >/dev/null
session "over qcow2" "$t/over.qcow2" -n 300 -S 13
qemu-img create -q -f qcow2 -b data.raw -F raw -o cluster_size=4k \
    "$t/overraw.qcow2"
session "over raw" "$t/overraw.qcow2" -n 300 -S 14
qemu-img compare -q "$t/base.qcow2" "$t/data.raw" || fail "the base changed"
img create -f qcow2 -b base.qcow2 "$t/iover.qcow2"
session "isola over qcow2" "$t/iover.qcow2" -n 300 -S 15

# raw images
cp "$t/data.raw" "$t/r.raw"
session "raw" "$t/r.raw" -n 300 -S 16

# snapshot mode: reads see the writes, the file stays as it was
qemu-img convert -O qcow2 "$t/data.raw" "$t/s.qcow2"
cp "$t/s.qcow2" "$t/s0.qcow2"
cp "$t/data.raw" "$t/sref.raw"
$limit "$TEST_BLOCKWRITE" -s -n 300 "$t/s.qcow2" "$t/sref.raw" 2>"$t/err" ||
    fail "snapshot: $(cat "$t/err")"
cmp -s "$t/s.qcow2" "$t/s0.qcow2" || fail "snapshot mode changed the image"
cp "$t/data.raw" "$t/sraw.raw"
cp "$t/data.raw" "$t/sref.raw"
$limit "$TEST_BLOCKWRITE" -s -n 300 "$t/sraw.raw" "$t/sref.raw" 2>"$t/err" ||
    fail "snapshot raw: $(cat "$t/err")"
cmp -s "$t/sraw.raw" "$t/data.raw" || fail "snapshot mode changed a raw image"

# read-only: the first write fails
$limit "$TEST_BLOCKWRITE" -r -n 5 "$t/s.qcow2" "$t/data.raw" 2>"$t/err" ||
    fail "read-only: $(cat "$t/err")"
cmp -s "$t/s.qcow2" "$t/s0.qcow2" || fail "read-only changed the image"

# images that are not written: internal snapshots, corrupt, dirty
qemu-img snapshot -c one "$t/s.qcow2"
"$TEST_BLOCKWRITE" -n 5 "$t/s.qcow2" "$t/sref.raw" 2>"$t/err"
[ $? -eq 1 ] && grep -q 'internal snapshots' "$t/err" ||
    fail "snapshots: $(cat "$t/err")"

qemu-img create -q -f qcow2 -o refcount_bits=64 "$t/rb.qcow2" 16M
"$TEST_BLOCKWRITE" -n 5 "$t/rb.qcow2" "$t/sref.raw" 2>"$t/err"
[ $? -eq 1 ] && grep -q '64-bit refcounts are not supported for writing' \
    "$t/err" || fail "refcount_bits=64: $(cat "$t/err")"
qemu-img create -q -f qcow2 "$t/dirty.qcow2" 16M
printf '\001' | dd of="$t/dirty.qcow2" bs=1 seek=79 conv=notrunc 2>/dev/null
"$TEST_BLOCKWRITE" -n 5 "$t/dirty.qcow2" "$t/sref.raw" 2>"$t/err"
[ $? -eq 1 ] && grep -q 'dirty' "$t/err" || fail "dirty: $(cat "$t/err")"
"$TEST_BLOCKWRITE" -r -n 5 "$t/dirty.qcow2" "$t/sref.raw" 2>"$t/err" ||
    fail "dirty read-only: $(cat "$t/err")"

finish
