/* init: the first process. It gives the shell a fixed environment
 * (PATH=/bin:/sbin HOME=/ TERM=vt100), runs /bin/sh on the console in a
 * session of its own, and reaps every child, orphans included, until the
 * shell exits. Then it syncs and powers the machine off. If that fails
 * (no kernel support, or no right to) it says why and exits.
 *
 * A shell killed by the terminal's own signals (Ctrl-C, Ctrl-\) did not
 * mean to end the session (that happens when a kernel cannot yet let it
 * ignore them): init starts a new one instead of powering off. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <unistd.h>
#include "util.h"

static char *shell_env[] = { "PATH=/bin:/sbin", "HOME=/", "TERM=vt100", NULL };

static pid_t start_shell(void)
{
    pid_t pid = fork();
    if (pid < 0) {
        warn("fork");
        return -1;
    }
    if (pid == 0) {
        setsid();
        ioctl(0, TIOCSCTTY, 0);
        char *argv[] = { "sh", NULL };
        execve("/bin/sh", argv, shell_env);
        warn("/bin/sh");
        _exit(127);
    }
    return pid;
}

static void report(int status)
{
    if (WIFSIGNALED(status))
        warnx("/bin/sh killed by signal %d (%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
    else if (WEXITSTATUS(status) != 0)
        warnx("/bin/sh exited with status %d", WEXITSTATUS(status));
}

int main(void)
{
    prog = "init";
    environ = shell_env;
    pid_t shell = start_shell();
    while (shell > 0) {
        int status;
        pid_t pid = wait(&status);
        if (pid == shell) {
            report(status);
            if (WIFSIGNALED(status) &&
                (WTERMSIG(status) == SIGINT || WTERMSIG(status) == SIGQUIT)) {
                warnx("starting a new shell");
                shell = start_shell();
                continue;
            }
            break;
        }
        if (pid < 0 && errno != EINTR) {
            warn("wait");
            break;
        }
    }
    while (waitpid(-1, NULL, WNOHANG) > 0)
        ;
    sync();
    reboot(LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_POWER_OFF, NULL);
    warn("reboot");
    return 1;
}
