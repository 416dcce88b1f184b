/* tty.c: terminal queries through ioctl: isatty is a TCGETS that
 * succeeds (errno ENOTTY if not); the foreground process group is
 * TIOCGPGRP/TIOCSPGRP. */
#include <errno.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "libc.h"

/* A kernel without ioctl at all (ENOSYS) is asked the next best thing:
 * is fd a character device? */
int isatty(int fd)
{
    char termios[64];
    long r = SYS3(SYS_ioctl, fd, TCGETS, termios);
    if (r == -ENOSYS) {
        struct stat st;
        return fstat(fd, &st) == 0 && S_ISCHR(st.st_mode);
    }
    if (r < 0)
        __sysret(r);
    return r == 0;
}

pid_t tcgetpgrp(int fd)
{
    pid_t pg;
    return ioctl(fd, TIOCGPGRP, &pg) < 0 ? -1 : pg;
}

int tcsetpgrp(int fd, pid_t pgrp)
{
    return ioctl(fd, TIOCSPGRP, &pgrp);
}
