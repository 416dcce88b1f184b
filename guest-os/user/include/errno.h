/* errno.h: the Linux error numbers. errno lives in the calling thread's
 * control block (reached through %gs), so each thread has its own. */
#ifndef _ERRNO_H
#define _ERRNO_H

int *__errno_location(void);
#define errno (*__errno_location())

#include <isola/errno.h>

#endif
