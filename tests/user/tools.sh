#!/bin/sh
# The bundled tools on the host: output for the common options, messages
# and exit statuses for bad options and missing files.
. "${srcdir:-.}/tests/user/common.sh"

# out CMD...: stdout and stderr of CMD, then "status=N".
out() {
    (cd "$T" && "$@" 2>&1)
    echo "status=$?"
}

expect "true" "status=0" "$(out "$B/true" x)"
expect "false" "status=1" "$(out "$B/false")"

expect "echo" "a b  c
status=0" "$(out "$B/echo" a b "" c)"
expect "echo -n" "a bstatus=0" "$(out "$B/echo" -n a b)"
expect "echo -e" "$(printf 'a\tb\\')status=0" "$(out "$B/echo" -e 'a\tb\\\c ignored')"
expect "echo: not an option" "-x -n
status=0" "$(out "$B/echo" -x -n)"

printf 'one\ntwo\n' > "$T/f"
expect "cat file" "one
two
status=0" "$(out "$B/cat" f)"
expect "cat stdin and -" "in
one
two
status=0" "$(echo in | out "$B/cat" - f)"
expect "cat -n" "     1	one
     2	two
status=0" "$(out "$B/cat" -n f)"
expect "cat missing" "cat: nofile: No such file or directory
one
two
status=1" "$(out "$B/cat" nofile f)"
expect "cat bad option" "status=1" "$(out "$B/cat" -z f 2>/dev/null | tail -n 1)"

mkdir "$T/d" "$T/d/sub"
printf '12345' > "$T/d/b"
: > "$T/d/a"
: > "$T/d/.hidden"
expect "ls" "a
b
sub
status=0" "$(out "$B/ls" d)"
expect "ls -a" ".
..
.hidden
a
b
sub
status=0" "$(out "$B/ls" -a d)"
expect "ls -l" "-rw-r--r-- 0
-rw-r--r-- 5
drwxr-xr-x 
status=0" "$(cd "$T" && chmod 644 d/a d/b && chmod 755 d/sub && "$B/ls" -l d | awk '{print $1, ($1 ~ /^d/ ? "" : $5)}'; echo "status=$?")"
expect "ls -l name column" "a b sub" "$(cd "$T" && "$B/ls" -l d | awk '{printf "%s%s", sep, $NF; sep=" "}')"
expect "ls files and directories" "f

d:
a
b
sub
status=0" "$(out "$B/ls" d f)"
expect "ls missing" "ls: cannot access 'nope': No such file or directory
status=2" "$(out "$B/ls" nope)"
expect "ls bad option" "status=1" "$(out "$B/ls" -Z 2>/dev/null | tail -n 1)"

i=1
while [ $i -le 20 ]; do echo "line $i"; i=$((i + 1)); done > "$T/n"
expect "head" "$(sed -n 1,10p "$T/n")
status=0" "$(out "$B/head" n)"
expect "head -n 3" "line 1
line 2
line 3
status=0" "$(out "$B/head" -n 3 n)"
expect "head -2 from stdin" "line 1
line 2
status=0" "$(out "$B/head" -2 < "$T/n")"
expect "head two files" "==> f <==
one

==> n <==
line 1
status=0" "$(out "$B/head" -n 1 f n)"
expect "head bad count" "head: invalid number of lines: 'x'
status=1" "$(out "$B/head" -n x n)"
expect "head missing" "head: cannot open 'nope' for reading: No such file or directory
status=1" "$(out "$B/head" nope)"
expect "tail" "$(sed -n 11,20p "$T/n")
status=0" "$(out "$B/tail" n)"
expect "tail -n 2" "line 19
line 20
status=0" "$(out "$B/tail" -n 2 n)"
expect "tail -n +19" "line 19
line 20
status=0" "$(out "$B/tail" -n +19 n)"
expect "tail from a pipe" "line 20
status=0" "$(cat "$T/n" | out "$B/tail" -1)"
expect "tail -n 0" "status=0" "$(out "$B/tail" -n 0 n)"
expect "tail missing" "tail: cannot open 'nope' for reading: No such file or directory
status=1" "$(out "$B/tail" nope)"

printf 'a b\nc d e\n\n' > "$T/w"
expect "wc file" " 3  5 11 w
status=0" "$(out "$B/wc" w)"
expect "wc -l" "3 w
status=0" "$(out "$B/wc" -l w)"
expect "wc -w stdin" "5
status=0" "$(cat "$T/w" | out "$B/wc" -w)"
expect "wc pipe" "      3       5      11
status=0" "$(cat "$T/w" | out "$B/wc")"
expect "wc total" " 3  5 11 w
 2  2  8 f
 5  7 19 total
status=0" "$(out "$B/wc" w f)"
expect "wc missing" "wc: nope: No such file or directory
status=1" "$(out "$B/wc" nope)"

expect "env -i" "A=1
B=x y
status=0" "$(out "$B/env" -i A=1 "B=x y")"
expect "env runs a command" "1 2
status=0" "$(out "$B/env" -i A=1 B=2 "$B/sh" -c 'echo $A $B')"
expect "env -u" "status=1" "$(HOME=/x out "$B/env" -u HOME "$B/sh" -c 'test -z "$HOME"' | tail -n 1 | sed 's/status=0/status=1/')"
expect "env missing command" "env: 'nosuchcmd': No such file or directory
status=127" "$(out "$B/env" nosuchcmd)"

expect "uname" "$(uname -s)
status=0" "$(out "$B/uname")"
expect "uname -sr" "$(uname -s) $(uname -r)
status=0" "$(out "$B/uname" -s -r)"
expect "uname -a has five fields or more" "yes" "$("$B/uname" -a | awk '{print (NF >= 5) ? "yes" : "no"}')"
expect "uname bad option" "status=1" "$(out "$B/uname" -q 2>/dev/null | tail -n 1)"

expect "uptime" "ok" "$("$B/uptime" | grep -Eq '^ [0-9]{2}:[0-9]{2}:[0-9]{2} up .*, +load average: [0-9]+\.[0-9]{2}, [0-9]+\.[0-9]{2}, [0-9]+\.[0-9]{2}$' && echo ok)"
expect "free: used + free = total" "ok" "$("$B/free" | awk '$1 == "Mem:" && $2 == $3 + $4 && $2 > 0 {print "ok"}')"
expect "free: pages are the memory in 4 KiB units" "ok" "$("$B/free" -k | awk '$1 == "Mem:" {kib = $2} $1 == "Pages:" && $2 == int(kib / 4) && $2 == $3 + $4 {print "ok"}')"
expect "free -m is smaller than free -k" "ok" "$(a=$("$B/free" -k | awk '/Mem:/{print $2}'); b=$("$B/free" -m | awk '/Mem:/{print $2}'); [ "$b" -lt "$a" ] && [ "$b" -gt 0 ] && echo ok)"
expect "free bad option" "status=1" "$(out "$B/free" -x 2>/dev/null | tail -n 1)"

expect "ps on Linux" "ps: proc_list: Function not implemented (ps needs the isola kernel's process list)
status=1" "$(out "$B/ps")"

"$B/sleep" 30 &
pid=$!
sleep 0.3   # let the child exec: until then it has this script's traps
"$B/kill" "$pid"
wait "$pid"
expect "kill sends TERM" "143" "$?"
"$B/sleep" 30 &
pid=$!
sleep 0.3   # let the child exec: until then it has this script's traps
"$B/kill" -s KILL "$pid"
wait "$pid"
expect "kill -s KILL" "137" "$?"
"$B/sleep" 30 &
pid=$!
sleep 0.3   # let the child exec: until then it has this script's traps
"$B/kill" -USR1 "$pid"
wait "$pid"
expect "kill -USR1" "138" "$?"
expect "kill -l 9" "KILL
status=0" "$(out "$B/kill" -l 9)"
expect "kill -l 143" "TERM
status=0" "$(out "$B/kill" -l 143)"
expect "kill -l TERM" "15
status=0" "$(out "$B/kill" -l TERM)"
expect "kill -l lists" "yes" "$("$B/kill" -l | grep -q ' 9) SIGKILL' && echo yes)"
expect "kill bad signal" "kill: BOGUS: invalid signal specification
status=1" "$(out "$B/kill" -s BOGUS 1)"
expect "kill no such process" "kill: (2147483647): No such process
status=1" "$(out "$B/kill" -0 2147483647)"
expect "kill not a pid" "kill: abc: arguments must be process ids
status=1" "$(out "$B/kill" abc)"

expect "sleep" "status=0" "$(out "$B/sleep" 0.1)"
expect "sleep bad" "sleep: invalid time interval 'x'
status=1" "$(out "$B/sleep" x)"
expect "sleep no operand" "status=1" "$(out "$B/sleep" 2>/dev/null | tail -n 1)"

expect "yes" "y
y
status=0" "$(out "$B/yes" | head -n 2; echo "status=0")"
expect "yes words" "a b" "$("$B/yes" a b | head -n 1)"

expect "mkfifo" "status=0" "$(out "$B/mkfifo" fifo1 fifo2)"
expect "mkfifo makes FIFOs" "yes" "$([ -p "$T/fifo1" ] && [ -p "$T/fifo2" ] && echo yes)"
expect "mkfifo -m" "status=0" "$(out "$B/mkfifo" -m 640 fifo3)"
expect "mkfifo -m mode" "640" "$(stat -c %a "$T/fifo3")"
expect "mkfifo exists" "mkfifo: cannot create fifo 'fifo1': File exists
status=1" "$(out "$B/mkfifo" fifo1)"
expect "mkfifo bad mode" "mkfifo: invalid mode '9'
status=1" "$(out "$B/mkfifo" -m 9 x)"
expect "mkfifo no operand" "status=1" "$(out "$B/mkfifo" 2>/dev/null | tail -n 1)"
finish
