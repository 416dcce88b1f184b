/* region NAME COMMAND [ARG...]: run COMMAND as the benchmark region NAME
 * of the emulator's trace marker (trace_begin/trace_end, isola.h): the
 * region covers the command from its fork to its exit, every process it
 * starts included. Exits with the command's status (128 + the signal if
 * a signal ended it). Elsewhere than on isola the marks do nothing. */
#include <errno.h>
#include <isola.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
#include "util.h"

int main(int argc, char **argv)
{
    prog = "region";
    if (argc < 3)
        usage("NAME COMMAND [ARG...]");
    if (trace_begin(argv[1]) < 0 && errno != ENOSYS)
        die("%s: cannot mark the region", argv[1]);
    pid_t pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        execvp(argv[2], argv + 2);
        warn("%s", argv[2]);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            die("waitpid");
    trace_end(argv[1]);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}
