/*
 * fslock.c: the file-system lock (ext2fs.h): one sleeping mutex around
 * every entry into the file system, since a thread may block inside it
 * on disk I/O. Kept apart so that the host build of the file system
 * (tests/fs) can supply its own.
 */
#include "ext2fs.h"
#include "../sched.h"

static struct mutex fs_mutex;

void fs_lock(void)
{
    mutex_lock(&fs_mutex);
}

void fs_unlock(void)
{
    mutex_unlock(&fs_mutex);
}
