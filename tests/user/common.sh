# common.sh: sourced by the userland tests. Run from the build directory
# (make check does). Sets B (the built programs), T (a scratch directory,
# removed at exit) and fail/ok helpers; skips (77) if this host cannot run
# a static i386 program, fails (99) if the programs were not built.
B=guest-os/user/bin
if [ ! -x "$B/true" ] || [ ! -x "$B/sh" ]; then
    echo "$0: $B/true or $B/sh not built (run from the build directory after make)" >&2
    exit 99
fi
if ! "$B/true" 2>/dev/null; then
    echo "$0: this host cannot run static i386 programs: skipped"
    exit 77
fi
B=$(cd "$B" && pwd)
T=$(mktemp -d "${TMPDIR:-/tmp}/usertest.XXXXXX") || exit 99
trap 'rm -rf "$T"' EXIT INT TERM
failures=0

fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# expect NAME WANT GOT: compare two strings, show both on a mismatch.
expect() {
    if [ "$2" = "$3" ]; then
        echo "ok: $1"
    else
        fail "$1"
        printf '  want: %s\n' "$2" | sed -n l
        printf '  got:  %s\n' "$3" | sed -n l
    fi
}

finish() {
    if [ "$failures" -ne 0 ]; then
        echo "$0: $failures failure(s)"
        exit 1
    fi
    echo "$0: all passed"
    exit 0
}
