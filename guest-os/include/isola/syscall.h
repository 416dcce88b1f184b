/*
 * isola/syscall.h: the system-call numbers of the bundled OS, shared by
 * the kernel and the C library.
 *
 * The call is `int $0x80` with the number in eax and the arguments in
 * ebx, ecx, edx, esi, edi, ebp; the result comes back in eax, a negative
 * errno on failure. Below 1000 every number and its meaning is the Linux
 * i386 one, so a static i386 program built with any toolchain runs as far
 * as the calls it makes are implemented (others return -ENOSYS). From 1000
 * up are the calls Linux lacks; their arguments are described here.
 */
#ifndef ISOLA_SYSCALL_H
#define ISOLA_SYSCALL_H

/* ---- Linux i386 numbers ---- */
#define SYS_exit            1
#define SYS_fork            2
#define SYS_read            3
#define SYS_write           4
#define SYS_open            5
#define SYS_close           6
#define SYS_waitpid         7
#define SYS_creat           8
#define SYS_link            9
#define SYS_unlink          10
#define SYS_execve          11
#define SYS_chdir           12
#define SYS_time            13
#define SYS_mknod           14
#define SYS_lseek           19
#define SYS_getpid          20
#define SYS_access          33
#define SYS_sync            36
#define SYS_kill            37
#define SYS_rename          38
#define SYS_mkdir           39
#define SYS_rmdir           40
#define SYS_dup             41
#define SYS_pipe            42
#define SYS_times           43
#define SYS_brk             45
#define SYS_ioctl           54
#define SYS_fcntl           55
#define SYS_setpgid         57
#define SYS_umask           60
#define SYS_dup2            63
#define SYS_getppid         64
#define SYS_getpgrp         65
#define SYS_setsid          66
#define SYS_gettimeofday    78
#define SYS_symlink         83
#define SYS_readlink        85
#define SYS_reboot          88
#define SYS_munmap          91
#define SYS_truncate        92
#define SYS_ftruncate       93
#define SYS_wait4           114
#define SYS_sysinfo         116
#define SYS_fsync           118
#define SYS_sigreturn       119
#define SYS_clone           120
#define SYS_uname           122
#define SYS_mprotect        125
#define SYS_getpgid         132
#define SYS_llseek          140
#define SYS_getdents        141
#define SYS_readv           145
#define SYS_writev          146
#define SYS_sched_yield     158
#define SYS_nanosleep       162
#define SYS_mremap          163
#define SYS_rt_sigreturn    173
#define SYS_rt_sigaction    174
#define SYS_rt_sigprocmask  175
#define SYS_rt_sigpending   176
#define SYS_getcwd          183
#define SYS_mmap2           192
#define SYS_truncate64      193
#define SYS_ftruncate64     194
#define SYS_stat64          195
#define SYS_lstat64         196
#define SYS_fstat64         197
#define SYS_getuid32        199
#define SYS_getgid32        200
#define SYS_geteuid32       201
#define SYS_getegid32       202
#define SYS_getdents64      220
#define SYS_fcntl64         221
#define SYS_gettid          224
#define SYS_tkill           238
#define SYS_futex           240
#define SYS_set_thread_area 243
#define SYS_get_thread_area 244
#define SYS_exit_group      252
#define SYS_set_tid_address 258
#define SYS_clock_gettime   265
#define SYS_clock_nanosleep 267
#define SYS_statfs64        268
#define SYS_fstatfs64       269
#define SYS_tgkill          270
#define SYS_openat          295
#define SYS_utimensat       320
#define SYS_pipe2           331

/* ---- isola's own calls ---- */

/* Events: kernel objects a thread can block on, held as handles in the
 * same table as file descriptors (close() releases one).
 *   event_create(unsigned flags) -> handle
 *       EVENT_MANUAL_RESET: stays signalled until event_reset; otherwise
 *       a wait that succeeds resets it (auto-reset, one waiter released).
 *       EVENT_SIGNALED: created signalled.
 *   event_set(int h), event_reset(int h) -> 0
 *   event_wait(int h, int timeout_ms) -> 0, or -ETIMEDOUT; -1 waits forever
 *   event_wait_many(const int *hs, unsigned n, unsigned flags, int timeout_ms)
 *       -> with EVENT_WAIT_ALL, 0 once all are signalled; otherwise the
 *       index of one signalled event; -ETIMEDOUT. n <= EVENT_WAIT_MAX. */
#define SYS_event_create    1000
#define SYS_event_set       1001
#define SYS_event_reset     1002
#define SYS_event_wait      1003
#define SYS_event_wait_many 1004

#define EVENT_MANUAL_RESET  0x1u
#define EVENT_SIGNALED      0x2u
#define EVENT_WAIT_ALL      0x1u
#define EVENT_WAIT_MAX      64

/* Number ranges, one per subsystem, so that they can grow apart:
 *   1000-1009 events          1010-1019 processes and memory (proc_list, mem_stat)
 *   1020-1029 asynchronous I/O
 *   1030-1039 named shared memory
 *   1040-1059 channels and the exchange heap
 *   1060-1069 tracing and benchmarks */

/* Asynchronous I/O (kernel/fs/aio.c): the call checks everything, starts
 * the transfer and returns a request id at once; when the transfer is
 * over, the kernel sets the event (from the disk's interrupt), and
 * aio_result gives its outcome.
 *   aio_read(int fd, void *buf, size_t len, uint32_t off_lo,
 *            uint32_t off_hi, int event) -> id > 0
 *   aio_write(same arguments) -> id > 0
 *       fd: a regular file open for reading (writing); off: the file
 *       offset, 64 bits in two words; buf: memory the caller may write
 *       (read); event: an event handle. len <= AIO_MAX_LEN. At most
 *       AIO_MAX_PER_PROC requests per process at once (-EAGAIN).
 *       Reads stop at the end of the file; writes extend it.
 *   aio_result(int id) -> the bytes moved, or -errno of the transfer
 *       (-EIO when the disk failed), or -EINPROGRESS while it runs. A
 *       result that is returned releases the id.
 *   aio_disk_read(unsigned disk, uint32_t sector_lo, uint32_t sector_hi,
 *            void *buf, size_t len, int event) -> id > 0
 *       a raw read of whole sectors of disk 0 (hda) or 1 (hdb), bypassing
 *       the file system; only the disk itself checks the range, so a read
 *       past its end reaches it and fails with -EIO. len: a multiple of
 *       512, buf: 2-byte aligned. */
#define SYS_aio_read        1020
#define SYS_aio_write       1021
#define SYS_aio_result      1022
#define SYS_aio_disk_read   1023

#define AIO_MAX_LEN         (1u << 20)
#define AIO_MAX_PER_PROC    64

/* trace_mark(unsigned op, const char *name) -> 0: tells the emulator's
 * trace marker (isola's docs/trace-marker.md) that the benchmark region
 * `name` begins (TRACE_MARK_BEGIN) or ends (TRACE_MARK_END) in the
 * calling process, or marks an instant (TRACE_MARK_POINT). Regions are
 * timed and counted by the emulator (isola -stats, -trace marker), over
 * everything that runs between begin and end; an end closes the latest
 * open region of that name. On a machine without the marker port the
 * call does nothing and succeeds. -EINVAL for another op, -EFAULT for a
 * bad name, -ENAMETOOLONG for one longer than TRACE_MARK_NAME_MAX.
 * The kernel itself names each process it switches to. */
#define SYS_trace_mark      1060

#define TRACE_MARK_BEGIN    1
#define TRACE_MARK_END      2
#define TRACE_MARK_POINT    3
#define TRACE_MARK_NAME_MAX 63

/* proc_list(struct isola_procinfo *buf, unsigned max) -> how many
 * processes exist (at most max are written), for ps. */
#define SYS_proc_list       1010

/* mem_stat(struct isola_memstat *buf) -> 0: memory and swap, in 4 KiB
 * pages, and what paging has done since boot (kernel/pageout.h). */
#define SYS_mem_stat        1011

struct isola_memstat {
    unsigned pages_total;  /* frames the allocator manages */
    unsigned pages_free;
    unsigned reserve;      /* free frames user pages never take (the kernel's) */
    unsigned swap_total;   /* slots of the swap area (0: no swap) */
    unsigned swap_free;
    unsigned pageouts;     /* pages written to swap */
    unsigned pageins;      /* pages read back */
    unsigned zero_drops;   /* idle pages of zeros let go instead of written */
    unsigned cancelled;    /* page-outs a write to the page cancelled */
    unsigned oom_kills;    /* processes killed for want of memory */
    unsigned isolation;    /* ISOLA_ISOLATION_*: the kernel's isolation= mode */
    unsigned region_size;  /* seg, none: bytes of each process's region */
};
#define ISOLA_ISOLATION_PAGING 0   /* page tables, ring 3 */
#define ISOLA_ISOLATION_SEG    1   /* paging off, a segment per process, ring 3: no
                                      NX, COW, swap, MAP_SHARED, xh_*, mprotect (ENOSYS) */
#define ISOLA_ISOLATION_NONE   2   /* as seg, in ring 0: no protection at all */

#define ISOLA_PROC_NAME 32
struct isola_procinfo {
    int pid;
    int ppid;
    int pgid;
    char state;            /* 'R' running, 'r' ready, 'S' blocked, 'Z' zombie */
    char pad[3];
    unsigned threads;
    unsigned pages;        /* resident user pages (shared ones counted in each) */
    unsigned vm_pages;     /* pages of address space reserved (mapped or not) */
    unsigned ticks;        /* CPU time in 10 ms timer ticks */
    char name[ISOLA_PROC_NAME];
    unsigned swap_pages;   /* its pages in swap (a slot shared after fork counted in each) */
};

/* Names of shared-memory objects and channels: 1 to ISOLA_NAME_MAX - 1
 * bytes (any but NUL), in two flat kernel-wide name spaces (one for
 * each kind), not in the file system. Whoever knows a name may open
 * what it names; handles are the private way (pass them over channels). */
#define ISOLA_NAME_MAX 32

/* Named shared memory. An object is N zero-filled pages that live while
 * a handle or a mapping holds them; its name goes with it, or earlier
 * with shmem_unlink.
 *   shmem_open(const char *name, unsigned size, unsigned flags) -> handle
 *       flags: O_RDONLY or O_RDWR, O_CREAT, O_EXCL, O_CLOEXEC (fcntl.h
 *       values). O_CREAT makes it when the name is free (size bytes,
 *       rounded up to pages, at most SHM_MAX_SIZE; EINVAL otherwise),
 *       O_EXCL then refuses a name in use (EEXIST); without O_CREAT a
 *       missing name is ENOENT. Opening an existing object, size may be
 *       0 or at most its size (EINVAL). fstat gives its size.
 *   shmem_unlink(const char *name) -> 0, ENOENT
 * A handle is mapped with mmap(addr, len, prot, MAP_SHARED, h, offset):
 * every mapping of the object, in any process, shows the same frames;
 * fork keeps the sharing. The handle's access mode bounds the rights:
 * PROT_WRITE through an O_RDONLY handle is EACCES, and so is an
 * mprotect that would add it later, so a read-only mapper's write
 * faults (the process is killed with a one-line report). A range past
 * the object's end is EINVAL. mmap(MAP_SHARED | MAP_ANONYMOUS) makes an
 * unnamed object that only fork passes on. FUTEX_WAIT and FUTEX_WAKE on
 * a word of shared memory reach across processes. */
#define SYS_shmem_open      1030
#define SYS_shmem_unlink    1031

#define SHM_MAX_SIZE        (16u << 20)

/* Channels and the exchange heap, after Singularity.
 *
 * The exchange heap: blocks of whole pages a process allocates and then
 * gives away. A block has one holder: sending it over a channel MOVES
 * its frames (unmapped from the sender, whose next access to it faults
 * and kills it with the one-line report; mapped into the receiver at an
 * address the kernel picks, at or above 0x80000000 when there is room;
 * nothing is copied). fork does not give a child its parent's blocks.
 *   xh_alloc(unsigned size) -> address of a new block of size bytes
 *       (rounded up to pages, at most XH_MAX_SIZE; EINVAL), zero-filled,
 *       readable and writable.
 *   xh_free(void *addr) -> 0; addr must be the start of a block (EINVAL).
 *       munmap works too.
 * Sharing: sent with CHAN_SHARE, a block is instead frozen: from then on
 * it is read-only for every holder (the sender keeps it read-only, each
 * receiver gets it read-only, mprotect cannot add PROT_WRITE: EACCES),
 * and a frozen block stays frozen when it is moved on. So a block can be
 * written only while one process holds it, and a shared one by no one.
 *
 * A channel is a pair of ends, each with a queue of up to CHAN_QUEUE_MAX
 * messages waiting for it. A handle is held on one end; sending on an end
 * queues the message for the other end.
 *   chan_create(const char *name) -> handle on end 0; the name is
 *       registered (EEXIST when taken).
 *   chan_open(const char *name) -> a handle on end 1 (every opener gets a
 *       handle on the same end 1, as for a FIFO); ENOENT when no channel
 *       has that name. A name lasts until either end is closed.
 *   chan_pair(int hs[2]) -> 0; an unnamed channel, a handle on each end.
 *   chan_send(int h, const struct chan_msg *m, unsigned flags, int timeout_ms)
 *       sends m->word, the block at m->addr (NULL: none) and the object
 *       behind handle m->handle (-1: none; the sender keeps its handle).
 *       flags: CHAN_SHARE (see above).
 *   chan_recv(int h, struct chan_msg *m, int timeout_ms) -> 0 and *m:
 *       addr and size of the block now mapped here (NULL and 0 for none),
 *       handle: a new handle in the receiver's table on the object that
 *       was sent (-1 for none), word, and flags CHAN_SHARE when the block
 *       is frozen.
 * Timeouts: -1 waits as long as it takes; 0 never waits (EAGAIN);
 * otherwise ETIMEDOUT after that many milliseconds. A signal ends a wait
 * with EINTR. The cases:
 *   send, the queue full        waits for room (EAGAIN/ETIMEDOUT)
 *   send, the other end closed  EPIPE (no signal); nothing is taken
 *   recv, the queue empty       waits for a message (EAGAIN/ETIMEDOUT)
 *   recv, empty and the other end closed   EPIPE (what was queued before
 *                               the close is received first)
 *   recv, no room for the block or the handle   ENOMEM or EMFILE, and the
 *                               message stays queued
 *   send with a bad block address (not a block start)   EINVAL; a handle
 *                               that is not open: EBADF; m unreadable or
 *                               unwritable: EFAULT. Nothing is taken then.
 *   send of a channel end       EINVAL for an end of the same channel,
 *                               EBUSY while the end's own channel has
 *                               channel ends queued: so channels never
 *                               hold each other in a cycle that no one
 *                               could receive from or close.
 * An end is closed when its last handle is closed (messages queued for a
 * closed end are dropped, their blocks freed). Every call checks the
 * handle: a handle that is not open, or not on a channel, is EBADF. */
#define SYS_xh_alloc        1040
#define SYS_xh_free         1041
#define SYS_chan_create     1042
#define SYS_chan_open       1043
#define SYS_chan_pair       1044
#define SYS_chan_send       1045
#define SYS_chan_recv       1046

#define XH_MAX_SIZE         (1u << 20)
#define CHAN_QUEUE_MAX      16
#define CHAN_SHARE          0x1u

struct chan_msg {
    void *addr;            /* an exchange-heap block, or NULL */
    unsigned size;         /* received: the block's size in bytes */
    int handle;            /* a handle to pass, or -1 */
    unsigned word;         /* inline data */
    unsigned flags;        /* received: CHAN_SHARE when the block is frozen */
};

#endif
