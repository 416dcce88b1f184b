#!/bin/sh
# The file tools (cp mv rm mkdir rmdir touch ln stat df grep sort od)
# against the host's coreutils, grep and sort: each command runs once
# with the host's tool and once with ours, in two copies of the same
# tree, and what they print (standard output, error messages, status)
# and the trees they leave must be the same. The C locale and UTC, so
# that the host's output is the one ours copies. Where the formats are
# not meant to match (usage text after a bad option, the birth time
# stat cannot know, df's mount table) that part is left out.
. "${srcdir:-.}/tests/user/common.sh"
set -f                          # patterns in arguments are for the tools
LC_ALL=C TZ=UTC
export LC_ALL TZ
for tool in cp mv rm mkdir rmdir touch ln stat df grep sort od cksum find; do
    command -v $tool >/dev/null 2>&1 || { echo "host has no $tool: skipped"; exit 77; }
done

# The fixture: files of several kinds, made once and copied for each
# command that changes things; and large inputs beside it in $L, which
# the tools only read.
F=$T/fixture L=$T/large
mkdir -p "$L"
mkdir -p "$F/d/sub" "$F/d/empty" "$F/e"
printf 'alpha\nbeta\ngamma\n' > "$F/a"
: > "$F/empty"
printf 'no newline at the end' > "$F/partial"
printf 'one\n' > "$F/d/one"
printf 'deep\n' > "$F/d/sub/deep"
ln -s deep "$F/d/sub/rel-link"
ln -s a "$F/link"
ln -s nowhere "$F/dangling"
ln "$F/a" "$F/a-hard"
printf 'inside e\n' > "$F/e/x"
# 3 MiB of varied lines, and a file whose one line is 1 MiB long
awk 'BEGIN { for (i = 0; i < 3 * 65536; i++) printf "%08d %07x\n", i * 7919 % 100003, i }' > "$L/big"
awk 'BEGIN { for (i = 0; i < 65536; i++) printf "abcdefghijklmno%c", 97 + i % 26; print "" }' > "$L/longline"
W=/usr/share/dict/words
[ -r "$W" ] || W=$L/big
cp "$W" "$L/words"
chmod 644 "$F/a"
chmod 600 "$F/d/one"
chmod 755 "$F/d" "$F/d/sub"

# tree DIR: each path's type, permissions, links, size and contents.
tree() {
    (cd "$1" && find . -printf '%p %y %m %n %s %l\n' | sort &&
        find . -type f -exec cksum {} + | sort)
}

# run WHO DIR CMD ARGS...: CMD (the host's, or ours from $B) in DIR;
# prints its output, its messages (without the usage text that follows
# a bad option, and with our program's path shortened to its name) and
# its status. "sh SCRIPT CMD ARGS..." runs the host's sh with CMD as $0.
run() {
    who=$1 dir=$2
    shift 2
    if [ "$1" = sh ]; then
        script=$3 cmd=$4
        shift 4
        [ "$who" = ours ] && cmd=$B/$cmd
        (cd "$dir" && /bin/sh -c "$script" "$cmd" "$@" 2>"$T/err.$who"; echo "status=$?")
    else
        cmd=$1
        shift
        [ "$who" = ours ] && cmd=$B/$cmd
        (cd "$dir" && "$cmd" "$@" 2>"$T/err.$who"; echo "status=$?")
    fi
    sed -e "s|^$B/||" -e "/^Try '.* --help' for more information\.\$/d" -e '/^[Uu]sage: /d' \
        "$T/err.$who"
}

# same NAME CMD ARGS...: the host's CMD and ours, in fresh copies of
# the fixture: the same output, messages, status and tree afterwards;
# and when $times names files, the same access and modification times
# (taken before the tree is read).
same() {
    name=$1
    shift
    rm -rf "$T/host" "$T/ours"
    cp -a "$F" "$T/host"
    cp -a "$F" "$T/ours"
    want=$(run host "$T/host" "$@")
    got=$(run ours "$T/ours" "$@")
    expect "$name" "$want" "$got"
    if [ -n "${times:-}" ]; then
        # shellcheck disable=SC2086
        want=$(cd "$T/host" && stat -c '%n %X %Y' $times)
        # shellcheck disable=SC2086
        got=$(cd "$T/ours" && stat -c '%n %X %Y' $times)
        expect "$name: times" "$want" "$got"
    fi
    [ -z "${notree:-}" ] || return 0
    want=$(tree "$T/host")
    got=$(tree "$T/ours")
    [ "$want" = "$got" ] || {
        fail "$name: the trees differ"
        diff "$T/host" "$T/ours" 2>/dev/null
        printf '%s\n' "$want" > "$T/want.tree"
        printf '%s\n' "$got" > "$T/got.tree"
        diff "$T/want.tree" "$T/got.tree" | head -n 20
    }
}

# reads NAME CMD ARGS...: the host's CMD and ours in the fixture itself,
# for tools that only read.
reads() {
    name=$1
    shift
    expect "$name" "$(run host "$F" "$@")" "$(run ours "$F" "$@")"
}

# alike NAME CMD ARGS...: the host's CMD and then ours in one copy of
# the fixture (for stat, whose output has the files' times). Access
# times are set an hour ahead, so that reading a file or a link (the
# host's stat reads links) does not change them (relatime).
alike() {
    name=$1
    shift
    rm -rf "$T/host"
    cp -a "$F" "$T/host"
    find "$T/host" -exec touch -h -a -d "@$(($(date +%s) + 3600))" {} +
    want=$(run host "$T/host" "$@")
    got=$(run ours "$T/host" "$@")
    expect "$name" "$want" "$got"
}

# ---- mkdir, rmdir ----
same "mkdir" mkdir new
same "mkdir several" mkdir n1 n2 d/n3
same "mkdir existing" mkdir d a new
same "mkdir missing parent" mkdir x/y
same "mkdir -p" mkdir -p p/q/r d/sub/s d
same "mkdir -p through a file" mkdir -p a/b
same "mkdir -m" mkdir -m 700 m7
same "mkdir -p -m" mkdir -p -m 711 pm/x
same "mkdir bad mode" mkdir -m 9 bad
same "mkdir no operand" mkdir
same "mkdir bad option" mkdir -Q x
same "rmdir" rmdir d/empty
same "rmdir not empty" rmdir d
same "rmdir missing and file" rmdir nope a d/empty
same "rmdir -p" sh -c 'mkdir -p p/q/r && exec "$0" -p p/q/r' rmdir
same "rmdir no operand" rmdir

# ---- touch ----
same "touch creates" touch new d/new2
same "touch -c" touch -c nope
same "touch missing dir" touch nodir/x
times="a new" same "touch -t" touch -t 202001021234.56 a new
times=a same "touch -t yy" touch -t 9912312359 a
times=a same "touch -t 1969" touch -t 196901021234 a
same "touch bad -t" touch -t 1234 a
times=a same "touch -m -t" sh -c 'touch -t 199001010000 a && exec "$0" -m -t 200102030405 a' touch
times=a same "touch -a -t" sh -c 'touch -t 199001010000 a && exec "$0" -a -t 200102030405 a' touch
times=a same "touch -r" sh -c 'touch -t 198001010000 empty && exec "$0" -r empty a' touch
(cd "$T/ours" && "$B/touch" -t 201001010000 a && "$B/touch" a)
now=$(date +%s)
m=$(stat -c %Y "$T/ours/a")
[ $((now - m)) -le 5 ] && [ $((m - now)) -le 5 ] && echo "ok: touch sets now" ||
    fail "touch sets now: mtime $m, now $now"
same "touch no operand" touch

# ---- ln ----
same "ln" ln a hard
same "ln into a directory" ln a partial d
same "ln one operand" sh -c 'cd d && exec "$0" ../a' ln
same "ln existing" ln a empty
same "ln -f" ln -f a empty
same "ln -s" ln -s a soft
same "ln -s dangling" ln -s nowhere soft2
same "ln -s existing" ln -s a link
same "ln -sf" ln -sf partial link
same "ln directory" ln d dhard
same "ln missing" ln nope x
same "ln target not a directory" ln a empty partial
same "ln no operand" ln

# ---- cp ----
same "cp" cp a copy
same "cp onto existing" cp a empty
same "cp into a directory" cp a partial d
same "cp big" cp "$L/big" big2
same "cp same file" cp a a
same "cp hard link to itself" cp a a-hard
same "cp directory without -r" cp d d2
same "cp -r" cp -r d d2
same "cp -R into existing" cp -R d e
# coreutils copies part of it before it notices; ours refuses at once
notree=1 same "cp -r into itself" cp -r d d/sub
same "cp -r several" cp -r a d link e
same "cp follows links" cp link dangling-copy
same "cp -r keeps links" cp -r link dangling e
same "cp dangling" cp dangling x
same "cp missing" cp nope x
same "cp missing among" cp a nope e
same "cp target not a directory" cp a partial empty
same "cp dir onto file" cp -r d a
same "cp no operand" cp
same "cp one operand" cp a
same "cp bad option" cp -Q a b
times="b d2 d2/one" same "cp -p" \
    sh -c 'touch -t 200001010000 a d/one d && "$0" -p -r a b && exec "$0" -p -r d d2' cp

# ---- mv ----
same "mv rename" mv a renamed
same "mv across directories" mv a d/sub/moved
same "mv onto existing" mv a partial
same "mv into a directory" mv a partial e
same "mv directory" mv d d2
same "mv directory into directory" mv d e
same "mv directory onto empty directory" sh -c 'mkdir e2 && exec "$0" d/empty e2/empty' mv
same "mv directory onto non-empty" sh -c 'mkdir -p x/d/y && exec "$0" d x' mv
same "mv into itself" mv d d/sub
same "mv dir onto file" mv d a
same "mv file onto dir" sh -c 'mkdir -p x/a && exec "$0" a x' mv
same "mv same file" mv a a
same "mv hard links" mv a a-hard
same "mv missing" mv nope x
same "mv link" mv link d
same "mv -n" mv -n a partial
same "mv target not a directory" mv a partial empty
same "mv no operand" mv
same "mv one operand" mv a

# ---- rm ----
same "rm" rm a
same "rm several" rm a partial link d/one
same "rm missing" rm nope a
same "rm -f missing" rm -f nope a
same "rm -f no operand" rm -f
same "rm directory" rm d
same "rm -d" rm -d d/empty d
same "rm -r" rm -r d
same "rm -rf" rm -rf d e nope
same "rm -r dot" rm -r . d/..
same "rm -r root" rm -r /
same "rm dangling" rm dangling
same "rm no operand" rm
same "rm bad option" rm -Q a

# ---- stat (no birth time: there is no statx) ----
alike "stat" sh -c '"$0" a d link dangling empty /dev/null | grep -v "^ Birth:"' stat
alike "stat -L" sh -c '"$0" -L link | grep -v "^ Birth:"' stat
alike "stat -c" stat -c '%a %A %b %B %d %f %F %g %G %h %i %n %N %o %s %u %U %X %Y %Z %Hd %Ld' \
    a d link empty
alike "stat -c times" stat -c '%x|%y|%z|%-6s|%06o|%q|100%%' a partial
alike "stat -c %N quoting" sh -c 'touch "it'"'"'s" "sp ace" && exec "$0" -c %N "it'"'"'s" "sp ace"' stat
alike "stat missing" sh -c '"$0" -c %n a nope 2>&1 | sed "s/cannot statx/cannot stat/"' stat
alike "stat no operand" stat

# ---- df: the root file system's line (ours cannot know the device's
# name). The host's disk is in use by others, so ours is read between
# two readings of the host's df: the size must be equal, the used and
# available counts must lie between the two readings. ----
# between A B C: B lies between A and C, whichever is larger.
between() { [ "$1" -le "$2" ] && [ "$2" -le "$3" ] || { [ "$3" -le "$2" ] && [ "$2" -le "$1" ]; }; }
df_within() {
    before=$(df "$1" "$T" | awk 'NR > 1 { print $2, $3, $4 }')
    got=$("$B/df" "$1" "$T" | awk 'NR > 1 { print $2, $3, $4 }')
    after=$(df "$1" "$T" | awk 'NR > 1 { print $2, $3, $4 }')
    set -- $before $got $after
    if [ $# -eq 9 ] && [ "$1" = "$4" ] && [ "$4" = "$7" ] && between "$2" "$5" "$8" &&
       between "$3" "$6" "$9"; then
        echo ok
    else
        echo "host $before, then ours $got, then host $after"
    fi
}
expect "df" "ok" "$(df_within -k)"
expect "df -i" "ok" "$(df_within -i)"
expect "df header" "Filesystem     1K-blocks" "$("$B/df" | head -n 1 | cut -c 1-24)"
same "df missing" df nope

# ---- grep (on the host's word list when there is one, else on big) ----
printf 'abc\nABC\naXc\n\nx*y\n[x]\nend$\nthe cat sat\ncatalog\n' > "$F/g"
for args in "ab" "-c ab" "-i AB" "-v a" "-c -v e" "-n ^zy" "-E ab|ba" "ab\\|ba" \
    "^a.*b\$" "x[aeiou]z" "[^a-z]" "-c [[:upper:]]" "-E ^(ab)+" "^\\(ab\\)\\+" "-E o{3}" \
    "o\\{2,\\}" "-E ^.{3}\$" "-c -x .\\{4\\}" "-w cat" "\\<un" "ing\\>" "-E \\Bx\\B" \
    "^\$" "-E a?b+c*" "-l ab" "-q ab" "-F a.b" "-e ab -e ba -c" "-E ((a*)*)*b" "-x -F cat" \
    "-i -w the" "q[^u]" "-c ."; do
    # shellcheck disable=SC2086
    reads "grep $args" grep $args "$L/words"
done
for args in "x*y" "\\[x\\]" "end\$" "end\\\$" "\\*" "-E a|*c" "-c ^" "-v ." "-n -i abc" "-H c"; do
    # shellcheck disable=SC2086
    reads "grep $args" grep $args g
done
reads "grep -c, two files" grep -c c g "$L/words"
reads "grep -l" grep -l c g "$L/words" a
reads "grep -h" grep -h c g a
reads "grep missing file" grep c g nope
reads "grep -s" grep -s c g nope
reads "grep -q finds one after an error" grep -q c nope g
reads "grep stdin" sh -c '"$0" -n c < g' grep
reads "grep long line" grep -c xabcdefghijklmnob "$L/longline"
reads "grep no newline at the end" grep newline partial
reads "grep directory" grep x d
reads "grep bad pattern" grep 'a\{1' g
reads "grep unmatched" grep -E '(a' g
reads "grep no pattern" grep
reads "grep bad option" grep -Q a g

# ---- sort ----
printf 'b 2 x\na 10 y\nB 2 z\n  c -1.5 w\na 10 y\nd 0010 v\ne -0 u\nf .5 t\n' > "$F/s"
printf 'a:3:z\nb:1:y\nc:2:x\na:1:w\n:5:\nb::v\n' > "$F/t"
for args in "" "-r" "-n" "-nr" "-u" "-f" "-fu" "-b" "-k2" "-k2n" "-k2,2n" "-k2,2nr -k1,1" \
    "-k1.2,1.3" "-k2n -s" "-k3r -k1" "-n -u" "-k1,1 -u" "-c"; do
    # shellcheck disable=SC2086
    reads "sort $args" sort $args s
done
for args in "-t: -k2n" "-t: -k2,2n -k1,1r" "-t: -k3" "-t: -k1,1 -u" "-t: -k2.1b,2.1"; do
    # shellcheck disable=SC2086
    reads "sort $args" sort $args t
done
reads "sort words" sort -r "$L/words"
reads "sort big" sort -k2 "$L/big"
reads "sort -n big" sort -n "$L/big"
reads "sort long lines" sort "$L/longline" "$L/big"
reads "sort no newline at the end" sort partial a
same "sort -o onto its input" sh -c '"$0" -o s s && cat s' sort
reads "sort missing" sort nope
reads "sort bad key" sort -k 0 s
reads "sort multi-character tab" sort -t ab s

# ---- od ----
printf 'hello\tworld\n\001\377abc' > "$F/o"
for args in "" "-c" "-x" "-b" "-d" "-s" "-t x1" "-t x2" "-t x4" "-t x8" "-t o1" "-t o4" \
    "-t d1" "-t d2" "-t d4" "-t d8" "-t u1" "-t u4" "-A x -t x1" "-A d -c" "-A n -t x1" \
    "-c -t x1" "-t x2 -t c" "-t d2 -t x1" "-t x1c" "-j 3 -N 5 -c" "-N 0" "-v -c"; do
    # shellcheck disable=SC2086
    reads "od $args" od $args o
done
printf 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab' > "$F/r"
reads "od repeated lines" od -c r
reads "od -v repeated lines" od -v -c r
reads "od several files" od -t x1 -A d o empty r
reads "od big" sh -c '"$0" -t x1 -A x "$1" | cksum' od "$L/big"
reads "od missing" od o nope
reads "od bad type" od -t q o
reads "od bad radix" od -A q o

finish
