/*
 * writeback.c: the write-back thread (fs.h). Every WRITEBACK_SECONDS,
 * when anything is dirty, it does what sync(2) does: the superblock and
 * every dirty buffer go to the device, then the device's write cache to
 * the medium. So a change reaches the disk within about five seconds
 * even if nobody calls sync, as with Linux's dirty_writeback_centisecs.
 *
 * Every change to the file system dirties a buffer (an inode's, a
 * bitmap's, a directory's, a data block's), so a clean cache means
 * there is nothing to write, and an idle disk stays idle. Kept apart
 * from fsapi.c because the host build of the file system (tests/fs) has
 * no threads.
 */
#include "ext2fs.h"
#include "buf.h"
#include "../fs.h"
#include "../ktime.h"
#include "../lib.h"
#include "../sched.h"

#define WRITEBACK_SECONDS 5

static char writeback_chan;

static void writeback(void)
{
    for (;;) {
        uint32_t f = irq_save();
        sleep_on(&writeback_chan, ticks_now() + WRITEBACK_SECONDS * HZ);
        irq_restore(f);
        fs_lock();
        if (bdirty(fs.dev))
            ext2_sync();
        fs_unlock();
    }
}

void fs_start_writeback(void)
{
    if (kthread_start(writeback) < 0)
        printk("ext2: no thread for write-back; only sync writes back\n");
}
