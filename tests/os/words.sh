#!/bin/sh
# The word list on the OS (/usr/share/words, Debian's wamerican) gives
# the same answers to grep, sort and wc there as on the host: the count
# of issue 5's pipeline `cat /usr/share/words | grep ab | sort | wc -l`,
# the same through files, the first and last lines of the sorted
# result, grep -c, and a reverse sort of the whole list. The host reads
# the list out of the root file system itself (debugfs), in the C locale.
. "${srcdir:-.}/tests/os/lib.sh"
PATH=$PATH:/usr/sbin:/sbin
command -v debugfs >/dev/null 2>&1 || { echo "debugfs not found: skipped"; exit 77; }
[ -e "$root" ] || { echo "$root not found (run from the build directory after make)"; exit 99; }
debugfs -R "dump /usr/share/words $tmp/words" "$root" >/dev/null 2>&1
[ -s "$tmp/words" ] || { echo "FAIL: no /usr/share/words in $root"; exit 1; }
LC_ALL=C
export LC_ALL
count=$(grep ab "$tmp/words" | sort | wc -l)
first=$(grep ab "$tmp/words" | sort | head -n 1)
last=$(grep ab "$tmp/words" | sort | tail -n 1)
icount=$(grep -c -i '^un.*able$' "$tmp/words")
total=$(wc -l < "$tmp/words")
rlast=$(sort -r "$tmp/words" | tail -n 1)
echo "host: $count lines with ab ($first ... $last), $icount un...able, $total words"

os_run isola-kernel 'cat /usr/share/words | grep ab | sort | wc -l
grep ab /usr/share/words > /tmp/a
sort /tmp/a > /tmp/b
wc -l < /tmp/b
head -n 1 /tmp/b
tail -n 1 /tmp/b
grep -c -i "^un.*able$" /usr/share/words
sort -r /usr/share/words > /tmp/r
wc -l < /tmp/r
tail -n 1 /tmp/r
'
expect_poweroff
reject 'panic|: not found|No such file'
# each answer on the line after its command
answer() {
    sed -n "/^\\\$ $1\$/{n;p;}" "$out"
}
piped=$(answer 'cat \/usr\/share\/words | grep ab | sort | wc -l')
[ "$piped" = "$count" ] ||
    fail "cat words | grep ab | sort | wc -l: $piped on the OS, $count on the host"
got=$(answer 'wc -l < \/tmp\/b')
[ "$got" = "$count" ] || fail "grep ab | sort | wc -l: $got on the OS, $count on the host"
[ "$(answer 'head -n 1 \/tmp\/b')" = "$first" ] || fail "first sorted line, not $first"
[ "$(answer 'tail -n 1 \/tmp\/b')" = "$last" ] || fail "last sorted line, not $last"
[ "$(answer 'grep -c -i "^un.\*able\$" \/usr\/share\/words')" = "$icount" ] ||
    fail "grep -c -i: not $icount"
[ "$(answer 'wc -l < \/tmp\/r')" = "$total" ] || fail "sort -r lost lines: not $total"
[ "$(answer 'tail -n 1 \/tmp\/r')" = "$rlast" ] || fail "sort -r: last line not $rlast"
echo "OS: $got lines with ab"
