/* tty.c: terminal queries through ioctl: isatty is a TCGETS that
 * succeeds; the foreground process group is TIOCGPGRP/TIOCSPGRP. */
#include <sys/ioctl.h>
#include <unistd.h>
#include "libc.h"

int isatty(int fd)
{
    char termios[64];
    return SYS3(SYS_ioctl, fd, TCGETS, termios) == 0;
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
