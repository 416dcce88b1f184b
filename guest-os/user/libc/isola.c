/* isola.c: wrappers for isola's own calls (numbers from 1000, see
 * isola/syscall.h). Linux has none of them: there they fail with ENOSYS. */
#include <isola.h>
#include "libc.h"

int event_create(unsigned flags)
{
    return __sysret(SYS1(SYS_event_create, flags));
}

int event_set(int h)
{
    return __sysret(SYS1(SYS_event_set, h));
}

int event_reset(int h)
{
    return __sysret(SYS1(SYS_event_reset, h));
}

int event_wait(int h, int timeout_ms)
{
    return __sysret(SYS2(SYS_event_wait, h, timeout_ms));
}

int event_wait_many(const int *hs, unsigned n, unsigned flags, int timeout_ms)
{
    return __sysret(SYS4(SYS_event_wait_many, hs, n, flags, timeout_ms));
}

int proc_list(struct isola_procinfo *buf, unsigned max)
{
    return __sysret(SYS2(SYS_proc_list, buf, max));
}
