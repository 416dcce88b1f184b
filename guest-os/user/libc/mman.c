/* mman.c: mmap over mmap2, whose offset is in 4 KiB pages; munmap and
 * mprotect. An offset that is not page aligned is EINVAL here, not a
 * silently truncated mapping. */
#include <errno.h>
#include <sys/mman.h>
#include "libc.h"

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
    if (off < 0 || (off & 4095) || (off >> 12) > 0xffffffffLL) {
        errno = EINVAL;
        return MAP_FAILED;
    }
    long r = SYS6(SYS_mmap2, addr, len, prot, flags, fd, (unsigned long)(off >> 12));
    if (IS_ERR(r)) {
        errno = (int)-r;
        return MAP_FAILED;
    }
    return (void *)r;
}

int munmap(void *addr, size_t len)
{
    return __sysret(SYS2(SYS_munmap, addr, len));
}

int mprotect(void *addr, size_t len, int prot)
{
    return __sysret(SYS3(SYS_mprotect, addr, len, prot));
}
