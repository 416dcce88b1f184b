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

int mem_stat(struct isola_memstat *m)
{
    return __sysret(SYS1(SYS_mem_stat, m));
}

/* The 64-bit offset goes in two registers, low word first. */
int aio_read(int fd, void *buf, size_t len, off_t off, int event)
{
    unsigned long long o = (unsigned long long)off;
    return __sysret(SYS6(SYS_aio_read, fd, buf, len, (unsigned)o, (unsigned)(o >> 32), event));
}

int aio_write(int fd, const void *buf, size_t len, off_t off, int event)
{
    unsigned long long o = (unsigned long long)off;
    return __sysret(SYS6(SYS_aio_write, fd, buf, len, (unsigned)o, (unsigned)(o >> 32), event));
}

long aio_result(int id)
{
    return __sysret(SYS1(SYS_aio_result, id));
}

int aio_disk_read(unsigned disk, unsigned long long sector, void *buf, size_t len, int event)
{
    return __sysret(SYS6(SYS_aio_disk_read, disk, (unsigned)sector, (unsigned)(sector >> 32),
                         buf, len, event));
}

int shmem_open(const char *name, unsigned size, int flags)
{
    return __sysret(SYS3(SYS_shmem_open, name, size, flags));
}

int shmem_unlink(const char *name)
{
    return __sysret(SYS1(SYS_shmem_unlink, name));
}

void *xh_alloc(unsigned size)
{
    long r = SYS1(SYS_xh_alloc, size);
    return IS_ERR(r) ? (__sysret(r), NULL) : (void *)r;
}

int xh_free(void *block)
{
    return __sysret(SYS1(SYS_xh_free, block));
}

int chan_create(const char *name)
{
    return __sysret(SYS1(SYS_chan_create, name));
}

int chan_open(const char *name)
{
    return __sysret(SYS1(SYS_chan_open, name));
}

int chan_pair(int hs[2])
{
    return __sysret(SYS1(SYS_chan_pair, hs));
}

int chan_send(int h, const struct chan_msg *m, unsigned flags, int timeout_ms)
{
    return __sysret(SYS4(SYS_chan_send, h, m, flags, timeout_ms));
}

int chan_recv(int h, struct chan_msg *m, int timeout_ms)
{
    return __sysret(SYS3(SYS_chan_recv, h, m, timeout_ms));
}

int trace_mark(unsigned op, const char *name)
{
    return __sysret(SYS2(SYS_trace_mark, op, name));
}

int trace_begin(const char *name)
{
    return trace_mark(TRACE_MARK_BEGIN, name);
}

int trace_end(const char *name)
{
    return trace_mark(TRACE_MARK_END, name);
}

int trace_point(const char *name)
{
    return trace_mark(TRACE_MARK_POINT, name);
}
