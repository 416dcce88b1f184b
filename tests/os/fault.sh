#!/bin/sh
# The fault demonstrations at the shell, under isola: each mode of
# /bin/fault that breaks a rule is killed by the kernel with exactly one
# console line saying who, what and where; the shell reports the signal
# and goes on (a command after each still runs, with the status 128 +
# signal); a kernel pointer passed to write() is EFAULT, not a crash;
# and a background `fault spin` does not stop the shell answering.
. "${srcdir:-.}/tests/os/lib.sh"
modes='null kernel write-text exec-stack exec-heap portio cli hlt lgdt divide ud2 stack-overflow'
input=
for m in $modes; do
    input="${input}fault $m
echo after-$m \$?
"
done
os_run isola-disk "${input}fault wild-syscall
echo after-wild-syscall \$?
fault spin &
echo answering
ps
sleep 1
echo still answering
kill -9 \$!
wait
echo spinner gone
ps
"
hex='[0-9a-f]{8}'
report() {   # report MODE WHAT: the kernel's one line for the mode
    expect "^pid [0-9]+ \\(fault\\): $2, eip $hex: killed\$"
}
report null "page fault reading 00000000 \\(not present\\)"
report kernel "page fault reading c0000000 \\(kernel address\\)"
report write-text "page fault writing $hex \\(read-only\\)"
report exec-stack "page fault executing bf[0-9a-f]{6} \\(not executable\\)"
report exec-heap "page fault executing $hex \\(not executable\\)"
report portio "general protection fault \\(privileged instruction: out\\)"
report cli "general protection fault \\(privileged instruction: cli\\)"
report hlt "general protection fault \\(privileged instruction: hlt\\)"
report lgdt "general protection fault \\(privileged instruction: descriptor-table instruction\\)"
report divide "divide error"
report ud2 "invalid opcode"
report stack-overflow "page fault writing bf7ff[0-9a-f]{3} \\(stack guard page\\)"
expect_count 12 '^pid [0-9]+ \(fault\): '
# the shell went on after each, and saw the signal in the status
for m in null kernel write-text exec-stack exec-heap portio cli hlt lgdt stack-overflow; do
    expect "^after-$m 139\$"
done
expect '^after-divide 136$'
expect '^after-ud2 132$'
expect_count 10 '^Segmentation fault$'
expect '^Floating point exception$'
expect '^Illegal instruction$'
reject 'nothing stopped it'
expect '^write\(1, 0xc0000000, 16\) = -14 \(EFAULT: Bad address\)$'
expect '^after-wild-syscall 0$'
# the spinner runs (ready or running) while the shell answers, and dies
expect '^answering$'
psrow='^ +[0-9]+ +[0-9]+ +[rRSZ] .* fault$'
expect '^ +[0-9]+ +[0-9]+ +[rR] .* fault$'
expect '^still answering$'
expect '^spinner gone$'
[ "$(grep -Ec "$psrow" "$out")" -eq 1 ] || fail "the spinner is still listed by the second ps"
reject 'panic'
expect_poweroff
