#!/bin/sh
# interop.sh: isola-img and qemu-img agree. Images qemu-img makes (raw,
# qcow2 v2 and v3, compressed, with backing files, 4 KiB and 64 KiB
# clusters) read back as the data they were made from; images isola-img
# makes (create, convert, convert -c) pass qemu-img check and compare.
. "${srcdir:-$(dirname "$0")/../..}/tests/disk/lib.sh"
need qemu-img qemu-io python3

t=$tmp
python3 "$srcdir/tests/disk/mkdata.py" "$t/data.raw" $((8 * 1048576 + 1536)) ||
    exit 99
size=$(wc -c <"$t/data.raw")

# reads NAME IMAGE REFERENCE: isola-img reads IMAGE as REFERENCE.
reads() {
    img compare "$2" "$3"
    [ "$rc" -eq 0 ] && grep -q '^Images are identical.$' "$tmp/out" ||
        fail "$1: compare status $rc: $(cat "$tmp/out" "$tmp/err")"
    img convert -O raw "$2" "$t/out.raw"
    [ "$rc" -eq 0 ] && cmp -s "$t/out.raw" "$3" ||
        fail "$1: convert -O raw differs (status $rc) $(cat "$tmp/err")"
}

# qemu_ok NAME IMAGE REFERENCE: qemu-img finds IMAGE consistent, equal to
# REFERENCE, and so does isola-img check.
qemu_ok() {
    qemu-img check -q "$2" >"$t/qout" 2>&1 ||
        fail "$1: qemu-img check: $(cat "$t/qout")"
    qemu-img compare -q "$2" "$3" >"$t/qout" 2>&1 ||
        fail "$1: qemu-img compare: $(cat "$t/qout")"
    img check "$2"
    [ "$rc" -eq 0 ] || fail "$1: isola-img check status $rc: $(cat "$tmp/err")"
}

# ---- images made by qemu-img, read by isola-img ----
reads raw "$t/data.raw" "$t/data.raw"
img info "$t/data.raw"
grep -q '^file format: raw$' "$tmp/out" && grep -q "($size bytes)" "$tmp/out" ||
    fail "info raw: $(cat "$tmp/out")"

for spec in "v3-64k:compat=1.1,cluster_size=64k:" \
            "v2-64k:compat=0.10,cluster_size=64k:" \
            "v3-4k:compat=1.1,cluster_size=4k:" \
            "v2-4k:compat=0.10,cluster_size=4k:" \
            "v3-512:compat=1.1,cluster_size=512:" \
            "v3-2M:compat=1.1,cluster_size=2M:" \
            "c-v3-64k:compat=1.1,cluster_size=64k:-c" \
            "c-v2-64k:compat=0.10,cluster_size=64k:-c" \
            "c-v3-4k:compat=1.1,cluster_size=4k:-c" \
            "c-v3-512:compat=1.1,cluster_size=512:-c"; do
    name=${spec%%:*}
    rest=${spec#*:}
    opts=${rest%%:*}
    c=${rest#*:}
    # $t/data.raw's size is not a multiple of 512; qemu-img rounds it up.
    qemu-img convert $c -O qcow2 -o "$opts" "$t/data.raw" "$t/q.qcow2" ||
        { fail "qemu-img convert $name"; continue; }
    qemu-img convert -O raw "$t/q.qcow2" "$t/q.raw"
    reads "qemu $name" "$t/q.qcow2" "$t/q.raw"
    img compare "$t/q.qcow2" "$t/data.raw"
    [ "$rc" -eq 0 ] || fail "qemu $name vs data: status $rc $(cat "$tmp/out")"
    img check "$t/q.qcow2"
    [ "$rc" -eq 0 ] || fail "qemu $name: check status $rc $(cat "$tmp/err")"
    img info "$t/q.qcow2"
    grep -q '^file format: qcow2$' "$tmp/out" ||
        fail "qemu $name: info: $(cat "$tmp/out" "$tmp/err")"
done

# zero clusters (v3 flag) and data written by qemu-io
qemu-img convert -O qcow2 "$t/data.raw" "$t/z.qcow2"
qemu-io -c 'write -z 64k 192k' -c 'write -P 0x5a 1000 3000' \
    -c 'discard 1M 128k' "$t/z.qcow2" >/dev/null
qemu-img convert -O raw "$t/z.qcow2" "$t/z.raw"
reads "qemu zero clusters" "$t/z.qcow2" "$t/z.raw"

# backing files: a qcow2 chain over a raw base, the top smaller and larger
qemu-img convert -O qcow2 "$t/data.raw" "$t/base.qcow2"
qemu-img create -q -f qcow2 -b base.qcow2 -F qcow2 "$t/mid.qcow2" 6M
qemu-io -c 'write -P 0x11 100k 8k' -c 'write -z 2M 64k' "$t/mid.qcow2" >/dev/null
qemu-img create -q -f qcow2 -b mid.qcow2 -F qcow2 -o cluster_size=4k \
    "$t/top.qcow2" 12M
qemu-io -c 'write -P 0x22 10M 4k' -c 'write -P 0x33 5000k 300k' \
    "$t/top.qcow2" >/dev/null
for f in mid top; do
    qemu-img convert -O raw "$t/$f.qcow2" "$t/$f.raw"
    reads "qemu backing $f" "$t/$f.qcow2" "$t/$f.raw"
done
qemu-img create -q -f qcow2 -b data.raw -F raw "$t/overraw.qcow2"
qemu-io -c 'write -P 0x44 0 1k' "$t/overraw.qcow2" >/dev/null
qemu-img convert -O raw "$t/overraw.qcow2" "$t/overraw.raw"
reads "qemu backing raw" "$t/overraw.qcow2" "$t/overraw.raw"
img info "$t/top.qcow2"
grep -q '^backing file: mid.qcow2 (actual path: .*/mid.qcow2)$' "$tmp/out" &&
    grep -q '^backing file format: qcow2$' "$tmp/out" &&
    grep -q '^cluster_size: 4096$' "$tmp/out" ||
    fail "info top: $(cat "$tmp/out")"

# internal snapshots: read and checked (writes are refused)
qemu-img convert -O qcow2 "$t/data.raw" "$t/snap.qcow2"
qemu-img snapshot -c one "$t/snap.qcow2"
qemu-io -c 'write -P 0x66 0 200k' "$t/snap.qcow2" >/dev/null
qemu-img convert -O raw "$t/snap.qcow2" "$t/snap.raw"
reads "qemu snapshot" "$t/snap.qcow2" "$t/snap.raw"
img check "$t/snap.qcow2"
[ "$rc" -eq 0 ] || fail "snapshot: check status $rc $(cat "$tmp/err")"

# refcounts of every width are read by check
for rb in 1 8 64; do
    qemu-img create -q -f qcow2 -o refcount_bits=$rb "$t/rb.qcow2" 16M
    qemu-io -c 'write -P 0x77 0 300k' "$t/rb.qcow2" >/dev/null
    img check "$t/rb.qcow2"
    [ "$rc" -eq 0 ] || fail "refcount_bits=$rb: check $rc $(cat "$tmp/err")"
    img info "$t/rb.qcow2"
    grep -q "refcount bits: $rb\$" "$tmp/out" || fail "info refcount_bits=$rb"
done

# ---- images made by isola-img, checked by qemu-img ----
qemu-img convert -O raw "$t/data.raw" "$t/data512.raw"   # rounded to 512
for spec in "v3-64k:compat=1.1,cluster_size=64k:" \
            "v2-64k:compat=0.10,cluster_size=64k:" \
            "v3-4k:compat=1.1,cluster_size=4k:" \
            "v3-512:compat=1.1,cluster_size=512:" \
            "v3-2M:compat=1.1,cluster_size=2M:" \
            "c-v3-64k:compat=1.1,cluster_size=64k:-c" \
            "c-v2-4k:compat=0.10,cluster_size=4k:-c" \
            "c-v3-512:compat=1.1,cluster_size=512:-c" \
            "c-v3-2M:compat=1.1,cluster_size=2M:-c"; do
    name=${spec%%:*}
    rest=${spec#*:}
    opts=${rest%%:*}
    c=${rest#*:}
    img convert $c -O qcow2 -o "$opts" "$t/data.raw" "$t/i.qcow2"
    [ "$rc" -eq 0 ] || { fail "isola convert $name: $(cat "$tmp/err")"; continue; }
    qemu_ok "isola $name" "$t/i.qcow2" "$t/data512.raw"
done
img convert -c -O qcow2 "$t/data.raw" "$t/ic.qcow2"
qemu-img info "$t/ic.qcow2" >"$t/qout"
[ "$(stat -c %s "$t/ic.qcow2")" -lt "$size" ] ||
    fail "convert -c did not compress: $(stat -c %s "$t/ic.qcow2") bytes"
img convert -O raw "$t/top.qcow2" "$t/i.raw"
cmp -s "$t/i.raw" "$t/top.raw" || fail "isola convert -O raw of a chain"
img convert -O qcow2 "$t/top.qcow2" "$t/i.qcow2"
qemu_ok "isola convert of a chain" "$t/i.qcow2" "$t/top.raw"

for s in 1M:1048576 100M:104857600 10G:10737418240 1T:1099511627776 \
         1.5k:1536; do
    img create -f qcow2 "$t/new.qcow2" ${s%:*}
    [ "$rc" -eq 0 ] || fail "create ${s%:*}: $(cat "$tmp/err")"
    qemu-img check -q "$t/new.qcow2" || fail "create ${s%:*}: qemu-img check"
    qemu-img info "$t/new.qcow2" | grep -q "^virtual size: .*(${s#*:} bytes)" ||
        fail "create ${s%:*}: $(qemu-img info "$t/new.qcow2")"
done
img create -f qcow2 -o compat=0.10,cluster_size=4k "$t/new.qcow2" 1G
qemu-img check -q "$t/new.qcow2" || fail "create v2 4k: qemu-img check"
qemu-img info "$t/new.qcow2" | grep -q 'compat: 0.10' || fail "create v2"
img create -f qcow2 -b top.qcow2 "$t/over.qcow2"
qemu-img check -q "$t/over.qcow2" || fail "create -b: qemu-img check"
qemu-img compare -q "$t/over.qcow2" "$t/top.raw" || fail "create -b: compare"
qemu-img info "$t/over.qcow2" | grep -q '^backing file format: qcow2' ||
    fail "create -b: no backing format"
img create -f raw "$t/new.raw" 3M
[ "$rc" -eq 0 ] && [ "$(stat -c %s "$t/new.raw")" -eq 3145728 ] ||
    fail "create raw"

# ---- compare and check report what qemu-img reports ----
cp "$t/data.raw" "$t/diff.raw"
printf 'X' | dd of="$t/diff.raw" bs=1 seek=1234567 conv=notrunc 2>/dev/null
img compare "$t/q.qcow2" "$t/diff.raw"
[ "$rc" -eq 1 ] && grep -q '^Content mismatch at offset 1234432!$' "$tmp/out" ||
    fail "compare different: status $rc $(cat "$tmp/out" "$tmp/err")"
img compare "$t/q.qcow2" "$t/nonexistent"
[ "$rc" -eq 2 ] && one_line || fail "compare missing: status $rc"
img compare -s "$t/data512.raw" "$t/top.raw"
[ "$rc" -eq 1 ] && grep -q 'size mismatch' "$tmp/out" || fail "compare -s"

# a leak (an extra counted cluster) and a corruption (an uncounted one)
img convert -O qcow2 "$t/data.raw" "$t/leak.qcow2"
cp "$t/leak.qcow2" "$t/bad.qcow2"
python3 - "$t/leak.qcow2" "$t/bad.qcow2" <<'PY' || exit 99
import struct, sys
def refblock(img):
    rt = struct.unpack_from('>Q', img, 48)[0]
    return struct.unpack_from('>Q', img, rt)[0]
leak = bytearray(open(sys.argv[1], 'rb').read())
n = len(leak) // 65536
struct.pack_into('>H', leak, refblock(leak) + 2 * n, 1)
leak += bytes(65536)
open(sys.argv[1], 'wb').write(leak)
bad = bytearray(open(sys.argv[2], 'rb').read())
l1 = struct.unpack_from('>Q', bad, 40)[0]
l2 = struct.unpack_from('>Q', bad, l1)[0] & 0x00fffffffffffe00
struct.pack_into('>H', bad, refblock(bad) + 2 * (l2 // 65536), 0)
open(sys.argv[2], 'wb').write(bad)
PY
img check "$t/leak.qcow2"
qemu-img check -q "$t/leak.qcow2" >/dev/null 2>&1
q=$?
[ "$rc" -eq 3 ] && [ "$q" -eq 3 ] || fail "leak: isola $rc, qemu $q"
img check "$t/bad.qcow2"
qemu-img check -q "$t/bad.qcow2" >/dev/null 2>&1
q=$?
[ "$rc" -eq 2 ] && [ "$q" -eq 2 ] || fail "corruption: isola $rc, qemu $q"
img check "$t/data.raw"
[ "$rc" -eq 63 ] || fail "check raw: status $rc"

# ---- usage errors: one line, status 1 ----
for args in "create" "create -f vmdk x 1M" "create -f qcow2 $t/x.qcow2 12Q" \
            "convert -c $t/data.raw $t/x.raw" "info" "frobnicate" \
            "info $t/nonexistent" "create -f qcow2 -o cluster_size=3k x 1M" \
            "convert -O qcow2"; do
    img $args
    [ "$rc" -eq 1 ] && one_line || fail "'$args': status $rc, $(cat "$tmp/err")"
done

finish
