/*
 * pageout.h: memory under pressure. Frames for user pages come out of
 * RAM only above a reserve, which is left to the kernel's own
 * allocations (page tables, kernel stacks, the buffer cache); when free
 * memory sinks towards it, the pageout daemon writes idle private pages
 * to swap (swap.h) until there is room again. Whoever needs a frame for
 * user data and finds none waits for the daemon; when the daemon can
 * free nothing (RAM and swap full, or no swap), that request fails and
 * the process that made it is killed (oom_kill).
 */
#ifndef KERNEL_PAGEOUT_H
#define KERNEL_PAGEOUT_H

#include <stdint.h>

struct proc;

enum mem_need {
    MEM_NEW,          /* more memory: a zero-filled page, a copy-on-write copy */
    MEM_SWAPIN,       /* a page coming back from swap (which frees its slot):
                         may dig deeper, so that paging goes on when RAM and
                         swap are full and only new memory is refused */
};

/* Computes the reserve and the watermarks from the memory there is, and
 * starts the daemon when there is a swap area. */
void pageout_init(void);

/* 0 when a frame for user data may be taken now (page_alloc will not
 * fail before the caller next sleeps). Otherwise sleeps until the daemon
 * has made a pass: -EAGAIN when it freed memory (the caller re-checks
 * whatever it was doing, since anything may have changed, and asks
 * again), -ENOMEM when it could not (or there is no swap, or the caller
 * is being killed). */
int mem_wait(enum mem_need need);
/* mem_wait, then the frame (zeroed, one reference) in *pa. */
int user_page_alloc(uint32_t *pa, enum mem_need need);
/* A frame above the reserve without sleeping, or 0. */
uint32_t user_page_try(void);

/* Ends p for lack of memory, with one console line. */
void oom_kill(struct proc *p);

/* Counts since boot, for mem_stat. */
struct pageout_stats {
    unsigned pageouts;       /* pages written to swap and unmapped */
    unsigned pageins;        /* pages read back from swap */
    unsigned zero_drops;     /* idle pages that held only zeros: unmapped, not written */
    unsigned cancelled;      /* page-outs a write to the page cancelled */
    unsigned oom_kills;
    unsigned reserve;        /* frames kept for the kernel */
};
extern struct pageout_stats pageout_stats;

#endif
