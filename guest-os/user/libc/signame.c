/* signame.c: signal names and descriptions. sig2str/str2sig use names
 * without "SIG" (as POSIX's sig2str does) and accept numbers too;
 * strsignal gives the descriptions bash prints for a killed job. */
#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const names[32] = {
    0, "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1",
    "SEGV", "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP",
    "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH",
    "IO", "PWR", "SYS",
};

static const char *const descs[32] = {
    0, "Hangup", "Interrupt", "Quit", "Illegal instruction", "Trace/breakpoint trap",
    "Aborted", "Bus error", "Floating point exception", "Killed",
    "User defined signal 1", "Segmentation fault", "User defined signal 2",
    "Broken pipe", "Alarm clock", "Terminated", "Stack fault", "Child exited",
    "Continued", "Stopped (signal)", "Stopped", "Stopped (tty input)",
    "Stopped (tty output)", "Urgent I/O condition", "CPU time limit exceeded",
    "File size limit exceeded", "Virtual timer expired", "Profiling timer expired",
    "Window changed", "I/O possible", "Power failure", "Bad system call",
};

int sig2str(int sig, char *name)
{
    if (sig >= 1 && sig < 32) {
        strcpy(name, names[sig]);
        return 0;
    }
    if (sig >= 32 && sig < NSIG) {
        sprintf(name, "RTMIN+%d", sig - 32);
        return 0;
    }
    return -1;
}

int str2sig(const char *restrict name, int *restrict sig)
{
    if (isdigit((unsigned char)*name)) {
        char *end;
        long n = strtol(name, &end, 10);
        if (*end || n < 0 || n >= NSIG)
            return -1;
        *sig = (int)n;
        return 0;
    }
    if (strncasecmp(name, "SIG", 3) == 0)
        name += 3;
    for (int i = 1; i < 32; i++) {
        if (strcasecmp(name, names[i]) == 0) {
            *sig = i;
            return 0;
        }
    }
    if (strcasecmp(name, "IOT") == 0) {
        *sig = SIGABRT;
        return 0;
    }
    return -1;
}

char *strsignal(int sig)
{
    static char buf[32];
    if (sig >= 1 && sig < 32)
        return (char *)descs[sig];
    if (sig >= 32 && sig < NSIG)
        sprintf(buf, "Real-time signal %d", sig - 32);
    else
        sprintf(buf, "Unknown signal %d", sig);
    return buf;
}
