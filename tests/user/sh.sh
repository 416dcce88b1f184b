#!/bin/sh
# The bundled /bin/sh, fed scripts on its standard input, with the
# bundled tools first on PATH: quoting, variables, $?, redirections,
# pipelines, && || ;, background jobs and wait, sh -c and script files,
# command-not-found and killed-by-signal messages, exit statuses.
. "${srcdir:-.}/tests/user/common.sh"

# run SCRIPT: its output (stdout and stderr) and, last, "status=N".
run() {
    printf '%s\n' "$1" | (cd "$T" && env -i PATH="$B:/usr/bin:/bin" HOME=/home/test \
        timeout 30 "$B/sh" 2>&1)
    echo "status=$?"
}

# check NAME SCRIPT WANT (WANT lines joined with \n by the caller).
check() {
    expect "$1" "$(printf '%b' "$3")" "$(run "$2")"
}

check "builtin echo" 'echo -e "x\\ty\\c"; echo; echo -n a; echo -- -n -e; echo -nx' 'x\ty\na-- -n -e\n-nx\nstatus=0'
check "positional parameters past 9" 'set -- 1 2 3 4 5 6 7 8 9 ten eleven; echo ${10} ${11} $10' 'ten eleven 10\nstatus=0'
check "simple command" 'echo hello world' 'hello world\nstatus=0'
check "single quotes" "echo 'a  \$HOME  \"b\"'" 'a  $HOME  "b"\nstatus=0'
check "double quotes" 'X=1; echo "x=$X  \$X \"q\" \\"' 'x=1  $X "q" \\\nstatus=0'
check "backslash" 'echo a\ b\$c \\d' 'a b$c \\d\nstatus=0'
check "empty arguments" 'sh -c "echo \$#" x "" "" a' '3\nstatus=0'
check "adjacent quoting" "echo 'a'\"b\"c\\ d" 'abc d\nstatus=0'
check "variables" 'A=one; B="two three"; echo $A ${B} "${A}x"' 'one two three onex\nstatus=0'
check "field splitting" 'V="a   b"; for_wc=$V; echo $V "$V"' 'a b a   b\nstatus=0'
check "unset variable is empty" 'echo "[$NOPE]" [$NOPE]' '[] []\nstatus=0'
check "default and alternative" 'echo ${NOPE:-dflt} ${HOME:+set} ${#HOME}' 'dflt set 10\nstatus=0'
check "HOME and tilde" 'echo $HOME ~ ~/x' '/home/test /home/test /home/test/x\nstatus=0'
check "dollar-dollar is a number" 'case=$$; echo $$ | wc -c | tr -d " " >/dev/null; test "$$" -gt 0 && echo pid' 'pid\nstatus=0'
check "exit status \$?" 'false; echo $?; true; echo $?' '1\n0\nstatus=0'
check "not found" 'nosuchcmd-xyz; echo $?' 'sh: nosuchcmd-xyz: not found\n127\nstatus=0'
check "and or" 'true && echo a; false && echo b; false || echo c; true || echo d' 'a\nc\nstatus=0'
check "and-or chain" 'false && echo x || echo y && echo z' 'y\nz\nstatus=0'
check "negation" '! false; echo $?; ! true; echo $?' '0\n1\nstatus=0'
check "semicolons and comments" 'echo a; echo b # not this; echo c' 'a\nb\nstatus=0'
check "output redirection" 'echo one > f; echo two >> f; cat f' 'one\ntwo\nstatus=0'
check "input redirection" 'echo data > f; cat < f' 'data\nstatus=0'
check "stderr redirection" 'cat nofile 2> err; echo $?; cat err' \
    "1\ncat: nofile: No such file or directory\nstatus=0"
check "2>&1" 'cat nofile > out 2>&1; cat out' 'cat: nofile: No such file or directory\nstatus=0'
check "redirect a builtin" 'pwd > p; cat p | wc -l' '1\nstatus=0'
check "missing input file" 'cat < nofile; echo $?' 'sh: nofile: No such file or directory\n1\nstatus=0'
check "pipeline" 'echo hello | cat | wc -c' '6\nstatus=0'
check "three-stage pipeline" 'printf "b\na\nc\n" > f; cat f | head -n 2 | tail -n 1' 'a\nstatus=0'
check "pipeline status is the last" 'false | true; echo $?; true | false; echo $?' '0\n1\nstatus=0'
check "yes into head" 'yes abc | head -n 3' 'abc\nabc\nabc\nstatus=0'
check "assignment before a command" 'FOO=bar env | grep ^FOO=; echo "[$FOO]"' 'FOO=bar\n[]\nstatus=0'
check "export" 'X=1; env | grep -c ^X=; export X; env | grep ^X=' '0\nX=1\nstatus=0'
check "export with value" 'export Y=2; unset NOPE; env | grep ^Y=' 'Y=2\nstatus=0'
check "unset" 'Z=1; unset Z; echo "[$Z]"' '[]\nstatus=0'
check "cd and pwd" 'mkdir -p d/e; cd d/e; pwd | grep -c /d/e$; cd ..; pwd | grep -c /d$; cd - >/dev/null; pwd | grep -c /d/e$' '1\n1\n1\nstatus=0'
check "cd failure" 'cd /nonexistent; echo $?' 'sh: cd: /nonexistent: No such file or directory\n1\nstatus=0'
check "exit status" 'exit 3' 'status=3'
check "exit with last status" 'false' 'status=1'
check "exit stops the script" 'echo a; exit 0; echo b' 'a\nstatus=0'
check "background and wait" 'sleep 0.2 & echo started; wait $!; echo waited $?' 'started\nwaited 0\nstatus=0'
check "wait returns the job status" 'sh -c "exit 7" & wait $!; echo $?' '7\nstatus=0'
check "wait for all" 'echo a > f1 & echo b > f2 & wait; cat f1 f2' 'a\nb\nstatus=0'
check "wait for a stranger" 'wait 1; echo $?' 'sh: wait: pid 1 is not a child of this shell\n127\nstatus=0'
check "killed by a signal" 'sh -c "kill -SEGV \$\$"; echo $?' 'Segmentation fault\n139\nstatus=0'
check "killed" 'sh -c "kill -9 \$\$"; echo $?' 'Killed\n137\nstatus=0'
check "sh -c with arguments" 'sh -c "echo \$0 \$1 \$2 \$#" zero one two' 'zero one two 2\nstatus=0'
check "continued lines" 'echo a \
b; echo "c
d"; true &&
echo e' 'a b\nc\nd\ne\nstatus=0'
check "syntax error" 'echo a; | b' "sh: syntax error near unexpected token \`|'\nstatus=2"
check "unterminated quote" "echo 'abc" 'sh: syntax error: unexpected end of file\nstatus=2'
check "if elif else" 'if false; then echo a; elif true; then echo b; else echo c; fi' 'b\nstatus=0'
check "if over lines" 'if test -n x
then
  echo yes
fi' 'yes\nstatus=0'
check "while and arithmetic" 'i=0; while [ $i -lt 3 ]; do echo $i; i=$((i + 1)); done' '0\n1\n2\nstatus=0'
check "until" 'i=3; until [ $i = 0 ]; do i=$((i - 1)); done; echo $i' '0\nstatus=0'
check "for, break and continue" 'for x in 1 2 3 4 5; do [ $x = 2 ] && continue; [ $x = 4 ] && break; echo $x; done' '1\n3\nstatus=0'
check "continue 2" 'for i in 1 2; do for j in a b; do [ $j = b ] && continue 2; echo $i$j; done; done' '1a\n2a\nstatus=0'
check "for over positional parameters" 'sh -c "for a; do echo \$a; done" x p q' 'p\nq\nstatus=0'
check "group with redirection" '{ echo a; echo b; } > g; wc -l < g' '2\nstatus=0'
check "subshell keeps its cd" '(cd /; pwd); pwd | grep -c "^/.*usertest"' '/\n1\nstatus=0'
check "arithmetic" 'echo $((2 + 3 * 4)) $(( (2+3)*4 )) $((7 / 2)) $((7 % 2)) $((1 << 4)) $((3 > 2 && 0)) $((-5)) $((0x10))' '14 20 3 1 16 0 -5 16\nstatus=0'
check "division by zero" 'echo $((1 / 0)); echo $?' 'sh: 1 / 0: division by 0\n1\nstatus=0'
check "command substitution" 'x=$(echo a b | wc -w); echo "[$x] [`echo back`] [$(echo "q  q")]"' '[2] [back] [q  q]\nstatus=0'
check "expansions run once" 'echo $(echo x >> count) ${N:=1}; wc -l < count; echo $N' '1\n1\n1\nstatus=0'
check "nested substitution" 'echo $(echo $(echo $(echo deep)))' 'deep\nstatus=0'
check "too deeply nested" "$(printf '%0.s(' $(seq 300)) echo" 'sh: syntax error: commands nested too deeply\nstatus=2'
check "substitution status" 'x=$(exit 3); echo $?' '3\nstatus=0'
check "pattern removal" 'f=/a/b/c.tar.gz; echo ${f##*/} ${f#*/} ${f%.*} ${f%%.*}' 'c.tar.gz a/b/c.tar.gz /a/b/c.tar /a/b/c\nstatus=0'
check "globbing" 'mkdir gd; : > gd/b.c; : > gd/a.c; : > gd/x.h; : > gd/.h.c; echo gd/*.c; echo "gd/*.c"; echo gd/[ab].c gd/?.h; echo gd/*.none' 'gd/a.c gd/b.c\ngd/*.c\ngd/a.c gd/b.c gd/x.h\ngd/*.none\nstatus=0'
check "glob in a loop" 'mkdir h; : > h/1; : > h/2; for f in h/*; do echo $f; done' 'h/1\nh/2\nstatus=0'
check "read" 'printf "one two three\nfour\n" > r; { read a b; read c; } < r; echo "$a|$b|$c"' 'one|two three|four\nstatus=0'
check "read loop" 'printf "x\ny\n" | while read l; do echo "<$l>"; done' '<x>\n<y>\nstatus=0'
check "test" '[ -d . ] && [ ! -f . ] && test 2 -gt 1 -a abc = abc && [ -z "" ] && echo ok; test 1 -lt x; echo $?' 'ok\nsh: test: x: integer expression expected\n2\nstatus=0'
check "exec with redirections" 'exec > out; echo hidden; exec sh -c "cat out >&2"' 'hidden\nstatus=0'
check "syntax error in if" 'if true; then fi' "sh: syntax error near unexpected token \`fi'\nstatus=2"
check "unfinished if" 'if true; then echo x' 'sh: syntax error: unexpected end of file\nstatus=2'
check "case" 'for w in apple b.c x "" "*"; do case $w in a*) echo "$w: a";; *.c|*.h) echo "$w: src" ;; "") echo empty;; "*") echo star;; *) echo "$w: other"; esac; done' 'apple: a\nb.c: src\nx: other\nempty\nstar\nstatus=0'
check "case over lines" 'case yes in
(no) echo no
;;
y*) echo matched
esac' 'matched\nstatus=0'
check "set -- and shift" 'set -- a b c; echo $# $1; shift; echo "$@"; shift 5; echo $?' '3 a\nb c\nsh: shift: shift count out of range\n1\nstatus=0'
check "dot" 'echo "V=from-file" > inc.sh; . ./inc.sh; echo $V' 'from-file\nstatus=0'

# Commands the shell runs read the rest of its input, from a file too.
printf 'head -n 1\nline for head\necho after\n' > "$T/in.sh"
expect "commands read the rest of the input" "line for head
after" "$("$B/sh" < "$T/in.sh" 2>&1)"

# A script file with arguments.
printf 'echo "script $0 got $# args: $1 $2"\nexit 4\n' > "$T/s.sh"
expect "script file" "script $T/s.sh got 2 args: x y
status=4" "$(env -i PATH="$B" "$B/sh" "$T/s.sh" x y 2>&1; echo "status=$?")"
expect "missing script" "127" "$("$B/sh" "$T/none.sh" 2>/dev/null; echo $?)"
expect "sh -c" "hi
status=5" "$("$B/sh" -c 'echo hi; exit 5'; echo "status=$?")"
expect "bad option" "2" "$("$B/sh" -z 2>/dev/null; echo $?)"
expect "no prompt when not a terminal" "x" "$(echo 'echo x' | "$B/sh" 2>&1)"
finish
