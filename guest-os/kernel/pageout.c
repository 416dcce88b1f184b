/*
 * pageout.c: the reserve, the watermarks and the pageout daemon
 * (pageout.h).
 *
 * Free frames, from the top down:
 *    high       the daemon, once woken, pages out until this many are free
 *    low        below it, taking a frame for user data wakes the daemon
 *    reserve    user pages are taken only above it (MEM_NEW)
 *    reserve/2  pages read back from swap may go down to here (MEM_SWAPIN)
 *    0          the kernel's own allocations (page_alloc) may use it all
 *
 * Rules kept here:
 *  - page_alloc never sleeps; only the paths that fill user pages wait,
 *    through mem_wait, and only with nothing half done (vm.c).
 *  - The daemon needs no memory to free memory: its bio is static, a
 *    page table entry it rewrites is in a table that exists, and the
 *    disk driver allocates nothing. So kernel allocations never wait for
 *    it and it never waits for them.
 *  - The clock's hand goes round the processes' private pages (vm.c,
 *    as_clock); the daemon keeps no pointer to an address space across
 *    a sleep, only its id, and looks it up again afterwards: the process
 *    may have exited or exec'd meanwhile.
 *  - While a page is written, the daemon holds a reference to its frame,
 *    so an exit or munmap meanwhile cannot give the frame to someone else
 *    under the DMA; the write's slot is the daemon's until the entry
 *    takes it over (as_evicted), else the daemon frees it.
 *  - A pass ends when enough is free or when two turns of the hand found
 *    nothing to take (stuck); a waiter learns which, so a request fails
 *    only after a pass that began after it asked and got stuck, and only
 *    while no process killed for memory is still on its way out (what it
 *    holds is about to come back: one death is enough).
 */
#include "pageout.h"
#include "errno.h"
#include "kalloc.h"
#include "ktime.h"
#include "lib.h"
#include "proc.h"
#include "sched.h"
#include "signal.h"
#include "swap.h"
#include "vm.h"

struct pageout_stats pageout_stats;

static unsigned reserve, low, high;

/* The daemon and who waits for it. */
static bool running;                   /* there is swap and a daemon */
static bool kicked, busy;
static char daemon_chan;
static uint32_t passes;                /* passes done; waiters sleep on it */
static bool stuck;                     /* the last pass found nothing more to take
                                          (then only a waiter starts another) */
static int victim;                     /* the last process killed for memory, while
                                          it may still hold some; 0 when none */

/* The hand: a process slot, its address space's id, the next address. */
static struct {
    int slot;
    uint32_t id, va;
} hand;

static void kick(void)
{
    if (!kicked) {
        kicked = true;
        wakeup(&daemon_chan);
    }
}

/* Whether the last process killed for memory has yet to let it go (its
 * address space goes before it becomes a zombie). */
static bool victim_dying(void)
{
    const struct proc *p = victim ? proc_find(victim) : NULL;
    if (p && p->state == P_ALIVE)
        return true;
    victim = 0;
    return false;
}

int mem_wait(enum mem_need need)
{
    unsigned floor = need == MEM_SWAPIN ? reserve / 2 : reserve;
    if (pages_free() > floor) {
        if (pages_free() <= low && running && !stuck)
            kick();
        return 0;
    }
    if (!running || thread_must_exit(current))
        return -ENOMEM;
    /* A pass already under way may have looked before this request
     * mattered: wait for the one after it too. */
    uint32_t until = passes + (busy ? 2 : 1);
    kick();
    uint32_t f = irq_save();
    while ((int32_t)(passes - until) < 0)
        sleep_on_uninterruptible(&passes);
    bool dying = stuck && pages_free() <= floor && victim_dying();
    if (dying)
        sleep_on(&victim, ticks_now() + 1);  /* a tick for it to exit, then again */
    irq_restore(f);
    return pages_free() > floor || !stuck || dying ? -EAGAIN : -ENOMEM;
}

int user_page_alloc(uint32_t *pa, enum mem_need need)
{
    int r = mem_wait(need);
    if (r < 0)
        return r;
    *pa = page_alloc();
    return *pa ? 0 : -ENOMEM;
}

uint32_t user_page_try(void)
{
    return pages_free() > reserve ? page_alloc() : 0;
}

void oom_kill(struct proc *p)
{
    if (p->killed)
        return;                        /* dying already: no second line */
    printk("pid %d (%s): out of memory (%s): killed\n", p->pid, p->name,
           swap_enabled() ? "RAM and swap full" : "RAM full, no swap");
    pageout_stats.oom_kills++;
    proc_kill(p, SIGKILL);
    victim = p->pid;
    stuck = false;                     /* its memory and slots come back */
}

/* ---- the daemon ---- */

static struct aspace *space_of(uint32_t id)
{
    for (int i = 0; i < NPROC; i++)
        if (proc_table[i].as && proc_table[i].as->id == id)
            return proc_table[i].as;
    return NULL;
}

/* Up to room idle pages, chosen by the clock; 0 when two full turns of
 * the hand found none. Counts the zero pages it dropped in *dropped. */
static unsigned choose(struct evict *out, unsigned room, uint32_t *ids, unsigned *dropped)
{
    unsigned n = 0, wraps = 0;
    while (n < room && wraps < 3) {    /* from mid-table, 3 wraps hold 2 full turns */
        struct proc *p = &proc_table[hand.slot];
        if (p->state == P_ALIVE && p->as && !p->killed) {
            if (p->as->id != hand.id) {
                hand.id = p->as->id;
                hand.va = 0;
            }
            unsigned got = as_clock(p->as, &hand.va, out + n, room - n, dropped);
            for (unsigned i = 0; i < got; i++)
                ids[n + i] = hand.id;
            n += got;
            if (hand.va < USER_TOP)
                continue;              /* room is full: go on from here next time */
        }
        hand.id = 0;
        if (++hand.slot == NPROC) {
            hand.slot = 0;
            wraps++;
        }
    }
    return n;
}

/* Writes the n chosen pages to swap, slot runs at a time, and puts the
 * slots in their entries. */
static void write_out(const struct evict *v, const uint32_t *ids, unsigned n)
{
    uint32_t frames[SWAP_BATCH];
    unsigned done = 0;
    while (done < n) {
        uint32_t first;
        unsigned run = swap_alloc(n - done, &first);
        ASSERT(run > 0);               /* choose() took no more than were free */
        for (unsigned i = 0; i < run; i++)
            frames[i] = v[done + i].frame;
        int err = swap_write(first, frames, run);   /* sleeps */
        for (unsigned i = 0; i < run; i++) {
            const struct evict *e = &v[done + i];
            struct aspace *as = space_of(ids[done + i]);
            if (!err && as && as_evicted(as, e, first + i)) {
                pageout_stats.pageouts++;
            } else {
                if (err && as)
                    as_evict_cancel(as, e);
                swap_free(first + i);
            }
            page_free(e->frame);       /* the daemon's hold */
        }
        done += run;
    }
}

/* One batch; false when there was nothing to take. (A batch may free
 * nothing and still not be the end: writes to its pages may have
 * cancelled them all, as a process writing memory in order does to the
 * idle pages just ahead of it.) */
static bool page_out_some(void)
{
    static struct evict chosen[SWAP_BATCH];
    static uint32_t ids[SWAP_BATCH];
    unsigned room = MIN(SWAP_BATCH, swap_free_slots()), dropped = 0;
    if (room == 0)
        return false;
    unsigned n = choose(chosen, room, ids, &dropped);
    pageout_stats.zero_drops += dropped;
    if (n)
        write_out(chosen, ids, n);
    return n + dropped > 0;
}

static void daemon(void)
{
    for (;;) {
        uint32_t f = irq_save();
        while (!kicked)
            sleep_on_uninterruptible(&daemon_chan);
        kicked = false;
        busy = true;
        irq_restore(f);
        bool more = true;
        while (pages_free() < high && (more = page_out_some()))
            ;
        stuck = !more;
        busy = false;
        passes++;
        wakeup(&passes);
    }
}

void pageout_init(void)
{
    unsigned total = pages_free();
    reserve = MAX(64u, MIN(512u, total / 32));
    low = reserve + 2 * SWAP_BATCH;
    high = low + 2 * SWAP_BATCH;
    pageout_stats.reserve = reserve;
    if (!swap_enabled())
        return;
    if (kthread_start(daemon) < 0)
        printk("pageout: no thread for the daemon; nothing will be paged out\n");
    else
        running = true;
}
