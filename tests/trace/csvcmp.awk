# csvcmp.awk: compare isola-trace csv output (the second file) with an
# expected file (the first): line by line, field by field, where * in the
# expected file matches anything and lines starting with # are comments.
# The first column (the instruction count) is compared only when the
# expected file gives it; it must never decrease. Prints each difference
# and exits 1 if there is any.
BEGIN { FS = ","; n = 0; bad = 0 }
FNR == NR {
    if ($0 ~ /^#/ || $0 == "") next
    want[++n] = $0
    next
}
FNR == 1 { next }   # the header
{
    got = $0
    k = FNR - 1
    if (k > n) { print "extra line " k ": " got; bad = 1; next }
    ng = split(got, g, ","); nw = split(want[k], w, ",")
    if (ng != nw) { print "line " k ": " ng " fields, want " nw ":\n  got  " got "\n  want " want[k]; bad = 1; next }
    for (i = 1; i <= nw; i++)
        if (w[i] != "*" && w[i] != g[i]) {
            print "line " k ", field " i ":\n  got  " got "\n  want " want[k]; bad = 1; break
        }
    if (g[1] + 0 < last) { print "line " k ": the instruction count went back"; bad = 1 }
    last = g[1] + 0
    seen = k
}
END {
    if (seen < n) { print "missing lines from " seen + 1 ": " want[seen + 1]; bad = 1 }
    exit bad
}
