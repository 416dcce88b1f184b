#!/bin/sh
# The trace format round trip: test_format writes every record type with
# random values and reads them back through the reader; then isola-trace
# csv and chrome turn the same file into CSV and JSON, which
# roundtrip.py decodes and compares, field by field, with what was
# written. summary and plot must read it too. Without python3 only the
# first half runs.
. "${srcdir:-.}/tests/trace/lib.sh"
need tests/trace/test_format

for seed in 1 2 3; do
    tests/trace/test_format "$tmp/rt$seed.isotrace.gz" "$tmp/rt$seed.truth" $seed ||
        fail "test_format (seed $seed)"
    "$itrace" csv "$tmp/rt$seed.isotrace.gz" -o "$tmp/rt$seed.csv" 2>"$tmp/err" ||
        fail "isola-trace csv (seed $seed): $(cat "$tmp/err")"
    "$itrace" chrome "$tmp/rt$seed.isotrace.gz" -o "$tmp/rt$seed.json" 2>"$tmp/err" ||
        fail "isola-trace chrome (seed $seed): $(cat "$tmp/err")"
    "$itrace" summary "$tmp/rt$seed.isotrace.gz" >"$tmp/rt$seed.sum" 2>"$tmp/err" ||
        fail "isola-trace summary (seed $seed): $(cat "$tmp/err")"
    "$itrace" plot "$tmp/rt$seed.isotrace.gz" -o "$tmp/rt$seed.svg" 2>"$tmp/err" ||
        fail "isola-trace plot (seed $seed): $(cat "$tmp/err")"
    clean_stderr "$tmp/err"
    if command -v python3 >/dev/null 2>&1; then
        python3 "$srcdir/tests/trace/roundtrip.py" "$tmp/rt$seed.truth" "$tmp/rt$seed.csv" \
            "$tmp/rt$seed.json" 1000000 || fail "CSV or JSON differ from what was written (seed $seed)"
        python3 -c 'import sys, xml.dom.minidom as m; m.parse(sys.argv[1])' "$tmp/rt$seed.svg" ||
            fail "the SVG is not well-formed XML (seed $seed)"
    fi
done
command -v python3 >/dev/null 2>&1 || echo "no python3: CSV and JSON not decoded"
finish
