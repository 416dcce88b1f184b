# lib.sh: helpers for the CLI tests (sourced, POSIX sh).
#
# Each test runs isola and asserts the exact exit status and the prefix of
# the first stderr line. Guests are assembled on the fly from tests/cli/*.S
# with $CC -m32; a test that needs them is skipped (77) when that fails.
# Run from the top build directory, as `make check` does, or set ISOLA.

: "${srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${ISOLA:=./emu/isola}"
: "${CC:=cc}"
guestdir=$srcdir/tests/cli
failures=0

tmp=$(mktemp -d "${TMPDIR:-/tmp}/isola-cli.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT

# No window in tests, whatever the desktop: the default display is then
# -nographic. Runs read no terminal (stdin is /dev/null), so idle time is
# never paced to the host clock and the terminal never goes raw.
unset DISPLAY WAYLAND_DISPLAY SDL_VIDEODRIVER

if [ ! -x "$ISOLA" ]; then
    echo "ISOLA=$ISOLA is not built" >&2
    exit 99
fi

# Wall-clock guard: a hung emulator must fail the test, not stall make check.
if command -v timeout >/dev/null 2>&1; then
    limit="timeout 60"
else
    limit=""
fi

fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

# run STATUS ARGS...: run isola, output in $tmp/out and $tmp/err, and
# check the exit status.
run() {
    _want=$1
    shift
    $limit "$ISOLA" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
    _got=$?
    if [ "$_got" != "$_want" ]; then
        fail "isola $*: exit status $_got, expected $_want; stderr: $(head -c 400 "$tmp/err")"
        return 1
    fi
    return 0
}

# err_is PREFIX: the first line of stderr starts with PREFIX.
err_is() {
    _first=$(head -n 1 "$tmp/err")
    case $_first in
    "$1"*) ;;
    *) fail "stderr '$_first' does not start with '$1'" ;;
    esac
}

# err_line PREFIX: some line of stderr starts with PREFIX.
err_line() {
    while IFS= read -r _line; do
        case $_line in
        "$1"*) return 0 ;;
        esac
    done <"$tmp/err"
    fail "no stderr line starts with '$1'; stderr: $(head -c 400 "$tmp/err")"
}

# one_line: stderr is exactly one line (usage errors).
one_line() {
    _lines=$(wc -l <"$tmp/err")
    [ "$_lines" -eq 1 ] || fail "expected one line on stderr, got $_lines: $(head -c 400 "$tmp/err")"
}

# usage_error PREFIX ARGS...: status 2 and one stderr line "isola: PREFIX...".
usage_error() {
    _prefix=$1
    shift
    if run 2 "$@"; then
        err_is "isola: $_prefix"
        one_line
    fi
}

# out_is TEXT: stdout is exactly TEXT (a trailing newline aside).
out_is() {
    _out=$(cat "$tmp/out")
    [ "$_out" = "$1" ] || fail "stdout '$_out', expected '$1'"
}

# guest NAME SRC TEXTADDR [CFLAGS...]: assemble tests/cli/SRC into
# $tmp/NAME, linked at TEXTADDR. A NAME ending in .bin is a flat binary.
guest() {
    _name=$1 _src=$2 _addr=$3
    shift 3
    case $_name in
    *.bin) set -- -Wl,--oformat=binary "$@" ;;
    esac
    $CC -m32 -ffreestanding -nostdlib -static -fno-pic -no-pie -Wl,--build-id=none \
        -Wl,-Ttext="$_addr" -I"$guestdir" "$@" -o "$tmp/$_name" "$guestdir/$_src" \
        2>"$tmp/cc.err" || {
        echo "SKIP: $CC cannot build 32-bit guests: $(head -c 300 "$tmp/cc.err")" >&2
        exit 77
    }
}

# patch32 FILE OFFSET VALUE / patch16: write a little-endian field in place.
patch_bytes() {
    _esc="" _k=0
    while [ "$_k" -lt "$4" ]; do
        _esc="$_esc$(printf '\\%03o' $(($3 >> (8 * _k) & 255)))"
        _k=$((_k + 1))
    done
    printf "$_esc" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}
patch32() { patch_bytes "$1" "$2" "$3" 4; }
patch16() { patch_bytes "$1" "$2" "$3" 2; }

finish() {
    if [ "$failures" -ne 0 ]; then
        echo "$failures check(s) failed" >&2
        exit 1
    fi
    exit 0
}
