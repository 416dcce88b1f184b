#!/bin/sh
# screenshot.sh: end to end, `isola -screenshot`: a guest writes known
# cells into the VGA text buffer and exits; the PNG must show exactly
# those glyphs in those colours (checked by tests/ui/screencheck).
. "${srcdir:-$(dirname "$0")/../..}/tests/cli/lib.sh"

: "${SCREENCHECK:=./tests/ui/screencheck}"
[ -x "$SCREENCHECK" ] || { echo "SCREENCHECK=$SCREENCHECK is not built" >&2; exit 99; }

$CC -m32 -ffreestanding -nostdlib -static -fno-pic -no-pie -Wl,--build-id=none \
    -Wl,-Ttext=0x100000 -I"$srcdir/tests/cli" -o "$tmp/vgatext.elf" \
    "$srcdir/tests/ui/vgatext.S" 2>"$tmp/cc.err" || {
    echo "SKIP: $CC cannot build 32-bit guests: $(head -c 300 "$tmp/cc.err")" >&2
    exit 77
}

if run 1 -display none -screenshot "$tmp/shot.png" "$tmp/vgatext.elf"; then
    "$SCREENCHECK" "$tmp/shot.png" \
        0,0,0x48,0x1F 0,1,0x69,0x1F 0,2,0x20,0x07 \
        12,40,0xDB,0x4E 24,79,0xBC,0x0A 5,10,0xB1,0x63 \
        1,0,0x20,0x07 12,39,0x20,0x07 24,78,0x20,0x07 \
        || fail "the screenshot does not show what the guest wrote"
    [ -f "$tmp/shot.png.tmp" ] && fail "a temporary file was left behind"
fi

# A screenshot that cannot be written is reported, and the run's status kept.
if run 1 -display none -screenshot "$tmp/no/such/dir/shot.png" "$tmp/vgatext.elf"; then
    err_line "isola: -screenshot $tmp/no/such/dir/shot.png: cannot create"
fi
finish
