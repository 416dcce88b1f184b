#!/bin/sh
# init and poweroff on the host, where powering off must fail: they run
# without CAP_SYS_BOOT (dropped from the bounding set by setpriv when
# this test runs as root), and the test skips unless it has checked that
# the capability is really gone. init runs the host's /bin/sh with its
# fixed environment, reports how the shell ended (a shell killed by
# Ctrl-C is replaced), then says why it could not power off and exits 1.
. "${srcdir:-.}/tests/user/common.sh"

CAP_SYS_BOOT=22
has_boot_cap() {
    eff=$("$@" sh -c 'grep "^CapEff:" /proc/self/status' 2>/dev/null | awk '{print $2}')
    [ -n "$eff" ] || return 0       # unknown: assume the worst
    [ $(( (0x$eff >> CAP_SYS_BOOT) & 1 )) -ne 0 ]
}

guard=""
if has_boot_cap; then
    guard="setpriv --bounding-set=-sys_boot --inh-caps=-sys_boot"
    if ! command -v setpriv >/dev/null 2>&1 || has_boot_cap $guard; then
        echo "init.sh: cannot drop CAP_SYS_BOOT (setpriv missing?): skipped"
        exit 77
    fi
fi

out=$(printf 'echo "env: $PATH $HOME $TERM"\nexit 3\n' | $guard "$B/init" 2>&1)
status=$?
expect "init runs the shell, then cannot power off" "env: /bin:/sbin / vt100
init: /bin/sh exited with status 3
init: reboot: Operation not permitted" "$out"
expect "init exit status" 1 "$status"

out=$(echo 'exit 0' | $guard "$B/init" 2>&1)
expect "init after a clean exit" "init: reboot: Operation not permitted" "$out"

out=$(printf 'kill -INT $$\n' | $guard "$B/init" 2>&1)
expect "init starts a new shell after Ctrl-C killed one" "init: /bin/sh killed by signal 2 (Interrupt)
init: starting a new shell
init: reboot: Operation not permitted" "$out"

out=$($guard "$B/poweroff" 2>&1)
status=$?
expect "poweroff without the right" "poweroff: reboot: Operation not permitted" "$out"
expect "poweroff status" 1 "$status"
out=$($guard "$B/poweroff" now 2>&1)
expect "poweroff bad operand" "usage: poweroff (no options)" "$out"
finish
