/*
 * shim.c: the kernel API on the host (shim.h): just enough of lib.h,
 * kmalloc.h, fspage.h, uaccess.h, ktime.h, sched.h, device.h, pipe.h,
 * kstat.h and proc.h for kernel/fs to link and run in a test program. Objects and
 * handles are the kernel's own (guest-os/kernel/handle.c, built in too).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shim.h"
#include "../../guest-os/kernel/device.h"
#include "../../guest-os/kernel/errno.h"
#include "../../guest-os/kernel/kmalloc.h"
#include "../../guest-os/kernel/kstat.h"
#include "../../guest-os/kernel/ktime.h"
#include "../../guest-os/kernel/lib.h"
#include "../../guest-os/kernel/object.h"
#include "../../guest-os/kernel/pipe.h"
#include "../../guest-os/kernel/proc.h"
#include "../../guest-os/kernel/uaccess.h"
#include "../../guest-os/kernel/fs/ext2fs.h"
#include "../../guest-os/kernel/fs/fspage.h"

uint8_t shim_user_mem[USER_SIZE];
uint32_t shim_time = 1700000000;
unsigned shim_printk_lines;
char shim_last_line[256];
long shim_kmallocs, shim_pages;
uint32_t shim_last_rdev;
unsigned shim_device_opens;
uint32_t shim_last_fifo_ino;
unsigned shim_fifo_opens;
int shim_fail_alloc;

static struct proc the_proc;
static struct thread the_thread = {.proc = &the_proc};
struct thread *current = &the_thread;

/* ---- lib.h ---- */

int vsnprintk(char *buf, size_t size, const char *fmt, va_list ap)
{
    return vsnprintf(buf, size, fmt, ap);
}

int snprintk(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

int vprintk(const char *fmt, va_list ap)
{
    if (fmt[0] == KERN_INFO[0])
        fmt++;
    int n = vsnprintf(shim_last_line, sizeof shim_last_line, fmt, ap);
    fputs(shim_last_line, stderr);
    shim_printk_lines++;
    return n;
}

int printk(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vprintk(fmt, ap);
    va_end(ap);
    return n;
}

void panic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("panic: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

/* ---- memory ---- */

void *kmalloc(size_t size)
{
    if (size > KMALLOC_MAX)
        panic("kmalloc(%zu): larger than KMALLOC_MAX", size);
    if (shim_fail_alloc & SHIM_FAIL_KMALLOC)
        return NULL;
    shim_kmallocs++;
    return calloc(1, size);
}

void kfree(void *p)
{
    if (p)
        shim_kmallocs--;
    free(p);
}

void *fs_page_alloc(void)
{
    if (shim_fail_alloc & SHIM_FAIL_PAGES)
        return NULL;
    void *p = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
    if (p) {
        memset(p, 0, PAGE_SIZE);
        shim_pages++;
    }
    return p;
}

void fs_page_free(void *p)
{
    shim_pages--;
    free(p);
}

/* ---- user memory ---- */

static int user_range(uint32_t u, size_t n)
{
    return u >= USER_BASE && u - USER_BASE <= USER_SIZE && n <= USER_SIZE - (u - USER_BASE);
}

int copyin(void *dst, uint32_t usrc, size_t n)
{
    if (!user_range(usrc, n))
        return -EFAULT;
    memcpy(dst, uptr(usrc), n);
    return 0;
}

int copyout(uint32_t udst, const void *src, size_t n)
{
    if (!user_range(udst, n))
        return -EFAULT;
    memcpy(uptr(udst), src, n);
    return 0;
}

int copyinstr(char *dst, uint32_t usrc, size_t max)
{
    for (size_t i = 0; i < max; i++) {
        if (!user_range(usrc + i, 1))
            return -EFAULT;
        dst[i] = *(char *)uptr(usrc + (uint32_t)i);
        if (!dst[i])
            return (int)i;
    }
    return -ENAMETOOLONG;
}

/* ---- time, locks ---- */

uint32_t time_now(void)
{
    return shim_time;
}

static bool fs_locked;

void fs_lock(void)
{
    if (fs_locked)
        panic("fs_lock: already held (a recursive fs lock)");
    fs_locked = true;
}

void fs_unlock(void)
{
    if (!fs_locked)
        panic("fs_unlock: not held");
    fs_locked = false;
}

bool shim_fs_locked(void)
{
    return fs_locked;
}

void shim_fs_force_unlock(void)
{
    fs_locked = false;
}

/* ---- devices: a stand-in object that remembers what was opened ---- */

static void dev_release(struct object *o)
{
    kfree(o);
}

static const struct object_ops dev_ops = {.kind = "device", .release = dev_release};

int device_open(uint32_t rdev, unsigned flags, struct object **out)
{
    shim_last_rdev = rdev;
    shim_device_opens++;
    struct object *o = kmalloc(sizeof *o);
    if (!o)
        return -ENOMEM;
    object_init(o, &dev_ops, flags);
    *out = o;
    return 0;
}

/* ---- FIFOs: the same, for the inode the pipe layer is handed ---- */

int fifo_open(struct inode *ip, unsigned flags, struct object **out)
{
    shim_last_fifo_ino = ip->ino;
    shim_fifo_opens++;
    struct object *o = kmalloc(sizeof *o);
    if (!o)
        return -ENOMEM;
    object_init(o, &dev_ops, flags);
    *out = o;
    return 0;
}

/* ---- stat64, laid out as Linux i386's struct stat64 ---- */

int kstat_copyout(uint32_t ustat, const struct kstat *st)
{
    uint32_t s[24] = {0};
    s[0] = st->dev;
    s[3] = s[22] = st->ino;
    s[4] = st->mode;
    s[5] = st->nlink;
    s[6] = st->uid;
    s[7] = st->gid;
    s[8] = st->rdev;
    s[11] = (uint32_t)st->size;
    s[12] = (uint32_t)(st->size >> 32);
    s[13] = st->blksize;
    s[14] = (uint32_t)st->blocks;
    s[15] = (uint32_t)(st->blocks >> 32);
    s[16] = st->atime;
    s[18] = st->mtime;
    s[20] = st->ctime;
    return copyout(ustat, s, sizeof s);
}
