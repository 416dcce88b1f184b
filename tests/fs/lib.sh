# lib.sh: helpers for the file-system tests (sourced, POSIX sh): the
# e2fsprogs tools, a scratch directory, the staging tree the images are
# made from, and failure counting.
#
# Run from the top build directory, as `make check` does, or set TEST_FS.
# Without mke2fs, e2fsck or debugfs the tests are skipped (exit 77).

: "${TEST_FS:=./tests/fs/test_fs}"
failures=0

if [ ! -x "$TEST_FS" ]; then
    echo "TEST_FS=$TEST_FS is not built" >&2
    exit 99
fi

for tool in mke2fs e2fsck debugfs; do
    path=$(PATH="$PATH:/usr/sbin:/sbin" command -v $tool) || {
        echo "SKIP: $tool (e2fsprogs) is not installed" >&2
        exit 77
    }
    eval "$(echo $tool | tr a-z A-Z)=\$path"
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/isola-fs.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT

fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

# Runs a command, counting a failure (with its name) when it fails.
run() {
    "$@" || fail "$*"
}

# mkimage IMAGE BLOCKSIZE SIZE STAGING [mke2fs options...]: the image the
# OS's image builder would make, unless options say otherwise.
mkimage() {
    img=$1 bs=$2 size=$3 dir=$4
    shift 4
    if [ $# -eq 0 ]; then
        set -- -t ext2 -O ^dir_index,^resize_inode,^ext_attr
    fi
    rm -f "$img"
    E2FSPROGS_FAKE_TIME= "$MKE2FS" -q -F "$@" -b "$bs" -d "$dir" "$img" "$size" ||
        { echo "mke2fs failed" >&2; exit 99; }
}

# e2fsck -fn must find nothing to fix.
fsck_clean() {
    fsck_out=$("$E2FSCK" -fn "$1" 2>&1) || fail "e2fsck -fn $1 ($2):
$fsck_out"
}

# The staging tree: files of every size class (direct, single, double
# indirect), a sparse file, a directory of hundreds of entries, nested
# directories, fast and slow symbolic links, hard links, a FIFO, odd
# permissions, the longest name.
make_staging() {
    d=$1
    mkdir -p "$d/many" "$d/a/b/c/d" "$d/private"
    printf 'hello, ext2\n' >"$d/small.txt"
    : >"$d/empty"
    "$TEST_FS" gen "$d/medium" 51200 7 || exit 99
    "$TEST_FS" gen "$d/big" 5500000 11 || exit 99
    "$TEST_FS" gen "$d/a/b/c/d/deep" 3000 13 || exit 99
    # holes: mke2fs -d leaves unwritten and all-zero blocks unallocated
    dd if=/dev/zero of="$d/sparse" bs=1 count=0 seek=20971520 2>/dev/null
    printf 'middle' | dd of="$d/sparse" bs=1 seek=9000000 conv=notrunc 2>/dev/null
    printf 'end' | dd of="$d/sparse" bs=1 seek=20971517 conv=notrunc 2>/dev/null
    i=0
    while [ $i -lt 300 ]; do
        printf 'entry %d\n' $i >"$d/many/file-$i-$(printf '%0*d' $((i % 40)) 0)"
        i=$((i + 1))
    done
    ln -s small.txt "$d/fastlink"
    ln -s "a/$(printf './%.0s' $(seq 40))b/c/d/../../../../small.txt" "$d/slowlink"
    ln -s a/b "$d/dirlink"
    ln -s nowhere "$d/dangling"
    ln "$d/small.txt" "$d/hardlink"
    mkfifo "$d/fifo"
    printf '#!/bin/sh\n' >"$d/exec.sh"
    chmod 755 "$d/exec.sh"
    chmod 600 "$d/medium"
    chmod 700 "$d/private"
    printf 'long\n' >"$d/$(printf 'L%.0s' $(seq 255))"
    # a device node needs root; the image may have none
    mknod "$d/null" c 1 3 2>/dev/null || true
}
