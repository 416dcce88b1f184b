/* isola.h: isola's own calls (events, proc_list, mem_stat, asynchronous
 * I/O, shared memory, channels and the exchange heap, trace markers) and
 * the thread library: threads, futexes and a futex mutex. On Linux the
 * isola-only calls return -1 with errno ENOSYS; threads work on both.
 * isola/syscall.h says what each call does. */
#ifndef _ISOLA_H
#define _ISOLA_H

#include <sys/types.h>
#include <time.h>
#include <isola/syscall.h>

int event_create(unsigned flags);
int event_set(int h);
int event_reset(int h);
int event_wait(int h, int timeout_ms);
int event_wait_many(const int *hs, unsigned n, unsigned flags, int timeout_ms);
int proc_list(struct isola_procinfo *buf, unsigned max);
/* Memory, swap and what paging has done (struct isola_memstat). */
int mem_stat(struct isola_memstat *m);

/* Asynchronous I/O: a request id (> 0), or -1 and errno; the event is set
 * when the transfer is over, then aio_result gives the bytes moved (or
 * -1 and errno: EIO, EINPROGRESS while it runs). */
int aio_read(int fd, void *buf, size_t len, off_t off, int event);
int aio_write(int fd, const void *buf, size_t len, off_t off, int event);
long aio_result(int id);
/* A raw read of whole sectors of disk 0 (hda) or 1 (hdb). */
int aio_disk_read(unsigned disk, unsigned long long sector, void *buf, size_t len, int event);

/* Named shared memory: map the handle with mmap(..., MAP_SHARED, h, 0). */
int shmem_open(const char *name, unsigned size, int flags);
int shmem_unlink(const char *name);

/* The exchange heap and channels. xh_alloc returns NULL on failure. */
void *xh_alloc(unsigned size);
int xh_free(void *block);
int chan_create(const char *name);
int chan_open(const char *name);
int chan_pair(int hs[2]);
int chan_send(int h, const struct chan_msg *m, unsigned flags, int timeout_ms);
int chan_recv(int h, struct chan_msg *m, int timeout_ms);

/* Benchmark regions and instants for the emulator's trace marker
 * (SYS_trace_mark): 0, or -1 with errno. A region counts everything the
 * machine does between trace_begin(name) and trace_end(name). */
int trace_mark(unsigned op, const char *name);
int trace_begin(const char *name);
int trace_end(const char *name);
int trace_point(const char *name);

typedef struct thread *thread_t;
int thread_create(thread_t *t, void *(*fn)(void *), void *arg);
int thread_join(thread_t t, void **ret);

int futex_wait(int *addr, int val, const struct timespec *timeout);
int futex_wake(int *addr, int n);

/* 0 unlocked, 1 locked, 2 locked with waiters. Zero-initialise. */
typedef struct { int state; } mutex_t;
#define MUTEX_INIT { 0 }
void mutex_lock(mutex_t *m);
int mutex_trylock(mutex_t *m);
void mutex_unlock(mutex_t *m);

#endif
