# lib.sh: helpers for the disk tests (sourced, POSIX sh).
#
# Run from the top build directory, as `make check` does, or set
# ISOLA_IMG / TEST_BLOCKWRITE. Tests that need qemu-img or python3 are
# skipped (exit 77) when those are missing.

: "${srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${ISOLA_IMG:=./disks/isola-img}"
: "${TEST_BLOCKWRITE:=./tests/disk/test_blockwrite}"
failures=0

tmp=$(mktemp -d "${TMPDIR:-/tmp}/isola-disk.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT

if [ ! -x "$ISOLA_IMG" ]; then
    echo "ISOLA_IMG=$ISOLA_IMG is not built" >&2
    exit 99
fi

# A hung tool must fail the test, not stall make check.
if command -v timeout >/dev/null 2>&1; then
    limit="timeout 60"
else
    limit=""
fi

fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

need() {
    for _t in "$@"; do
        if ! command -v "$_t" >/dev/null 2>&1; then
            echo "SKIP: $_t is not installed" >&2
            exit 77
        fi
    done
}

# img ARGS...: run isola-img; output in $tmp/out and $tmp/err, status in $rc.
img() {
    $limit "$ISOLA_IMG" "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
}

# A status from a crash (signal) or the timeout.
crashed() {
    [ "$1" -ge 124 ]
}

# one_line: stderr is exactly one "isola-img: " line.
one_line() {
    [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q '^isola-img: ' "$tmp/err"
}

finish() {
    if [ "$failures" -ne 0 ]; then
        echo "$failures failure(s)" >&2
        exit 1
    fi
    exit 0
}
