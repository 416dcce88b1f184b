#!/bin/sh
# isola-trace on files that are not whole traces: missing, not a trace,
# another format version, cut short (inside the compressed data, inside a
# record, before the end record), corrupt. Every command must say what is
# wrong in one line and exit 1, never crash; fuzz_reader then reads
# thousands of damaged traces. Bad command lines exit 2.
. "${srcdir:-.}/tests/trace/lib.sh"
need tests/trace/test_format tests/trace/fuzz_reader

tests/trace/test_format "$tmp/good.isotrace.gz" "$tmp/good.truth" 7 >/dev/null ||
    fail "test_format"
zcat "$tmp/good.isotrace.gz" >"$tmp/raw"
size=$(wc -c <"$tmp/good.isotrace.gz")
rawsize=$(wc -c <"$tmp/raw")

# refused CASE FILE PATTERN: every command exits 1 with PATTERN on stderr
refused() {
    for cmd in summary csv chrome plot; do
        st=0
        "$itrace" $cmd "$2" -o "$tmp/out.any" >/dev/null 2>"$tmp/err" || st=$?
        clean_stderr "$tmp/err"
        if [ $st -ne 1 ] || ! grep -q -e "$3" "$tmp/err" || [ "$(wc -l <"$tmp/err")" -ne 1 ]; then
            fail "$1: isola-trace $cmd exited $st: $(head -3 "$tmp/err")"
        fi
    done
}

refused "missing file" "$tmp/none.isotrace.gz" "No such file"
echo "hello" >"$tmp/text"
refused "a text file" "$tmp/text" "not an isola trace"
printf 'ISOTRACE\002\000\000\000\000\000\000\000' | gzip >"$tmp/v2.gz"
refused "version 2" "$tmp/v2.gz" "version 2.0"
head -c $((size / 2)) "$tmp/good.isotrace.gz" >"$tmp/half.gz"
refused "half a gzip file" "$tmp/half.gz" "truncated"
head -c 20 "$tmp/raw" | gzip >"$tmp/header.gz"
refused "cut inside the header" "$tmp/header.gz" "truncated"
head -c $((rawsize - 3)) "$tmp/raw" | gzip >"$tmp/norecord.gz"
refused "cut inside the end record" "$tmp/norecord.gz" "truncated"
# a trace whose writer never finished: whole records, no end record
printf 'ISOTRACE\001\000\000\000\000\000\000\000\014\000\000\020\000\000' | gzip >"$tmp/noend.gz"
refused "no end record" "$tmp/noend.gz" "no end-of-trace record"
printf 'ISOTRACE\001\000\000\000\000\000\000\000\177\000' | gzip >"$tmp/type.gz"
refused "an unknown record type" "$tmp/type.gz" "unknown record type 0x7f"
cp "$tmp/good.isotrace.gz" "$tmp/crc.gz"
printf '\377' | dd of="$tmp/crc.gz" bs=1 seek=$((size - 6)) conv=notrunc 2>/dev/null
refused "a damaged gzip trailer" "$tmp/crc.gz" "corrupt"

tests/trace/fuzz_reader "$tmp/good.isotrace.gz" "$tmp/fuzz" 3000 11 >"$tmp/fuzz.out" 2>&1 ||
    fail "fuzz_reader: $(cat "$tmp/fuzz.out")"
clean_stderr "$tmp/fuzz.out"
cat "$tmp/fuzz.out"

for args in "" "summary" "bogus $tmp/good.isotrace.gz" "plot $tmp/good.isotrace.gz" \
            "summary $tmp/good.isotrace.gz --top 0" "csv a b c"; do
    st=0
    "$itrace" $args >/dev/null 2>"$tmp/err" || st=$?
    [ $st -eq 2 ] && grep -q '^isola-trace: ' "$tmp/err" || fail "isola-trace $args: status $st"
done
"$itrace" --help | grep -q '^Usage: isola-trace' || fail "--help"
finish
