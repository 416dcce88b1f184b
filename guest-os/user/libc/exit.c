/* exit.c: process exit. exit() runs the atexit functions, last registered
 * first, then flushes stdio; _exit and _Exit end every thread at once
 * (exit_group). abort raises SIGABRT and, if that returns, exits 127. */
#include <stdlib.h>
#include <unistd.h>
#include <signal.h>
#include "libc.h"

#define ATEXIT_MAX 32

static void (*handlers[ATEXIT_MAX])(void);
static int nhandlers;

int atexit(void (*fn)(void))
{
    if (nhandlers == ATEXIT_MAX)
        return -1;
    handlers[nhandlers++] = fn;
    return 0;
}

void exit(int status)
{
    while (nhandlers > 0)
        handlers[--nhandlers]();
    __stdio_exit();
    _exit(status);
}

void _exit(int status)
{
    for (;;) {
        SYS1(SYS_exit_group, status);
        SYS1(SYS_exit, status);
    }
}

void _Exit(int status)
{
    _exit(status);
}

void abort(void)
{
    struct sigaction sa = { .sa_handler = SIG_DFL };
    sigaction(SIGABRT, &sa, 0);
    raise(SIGABRT);
    _exit(127);
}
