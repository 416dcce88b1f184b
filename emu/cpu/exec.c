/*
 * exec.c: the execution loop, the cache of decoded blocks, and the CPU's
 * life cycle (init, reset, exceptions).
 *
 * Rules kept here:
 *  - A block is a run of decoded instructions inside one physical page,
 *    ending at the first instruction that may change control flow or mode
 *    (OPF_END). A conditional near branch does not end it: taken, it
 *    leaves the block there; not taken, the block goes on. Blocks are keyed by physical address, CS.D and EIP, since
 *    each decoded instruction carries its EIP.
 *  - A write to a physical page drops that page's blocks (the MMU calls
 *    code_page_written). Dropped blocks are freed only between blocks,
 *    since the one running may be among them.
 *  - External interrupts are taken between blocks; a block therefore
 *    never outlives an instruction that enables them (STI ends its block).
 *  - A block may go on to a linked successor without cpu_run's checks
 *    only if it ended in a near branch or fell through, and nothing set
 *    stop_block; a link holds while c->link_gen stands still (see
 *    block_next for what moves it).
 *  - Exceptions longjmp back to cpu_run, which delivers them with the
 *    double- and triple-fault rules of SDM vol. 3, 6.15 (table 6-5).
 */
#include <stdlib.h>

#include "cpu.h"
#include "decode.h"

#define BLOCK_MAX 48
_Static_assert(BLOCK_MAX < 255, "struct insn idx, and the sentinel's, fit a byte");
#define HASH_BITS 14
#define MAX_BLOCKS 100000
#define LINK_BITS 2  /* a block has 1 << LINK_BITS links, found by a hash of the EIP */
#define LINKS (1u << LINK_BITS)
#define LINK_NONE UINT64_MAX  /* a generation c->link_gen never reaches */

/* A remembered successor: the block that ran after this one when it
 * left with EIP = eip, valid while c->link_gen has not moved. */
struct link {
    struct block *to;
    struct fast_entry *fe; /* the instruction fast-table entry of to's page */
    uint64_t gen;
    uint32_t eip;
};

struct block {
    uint64_t key;          /* physical address | CS.D << 63 */
    uint32_t eip;          /* the EIP it was decoded for */
    struct block *hnext;   /* hash chain */
    struct block *pnext;   /* blocks of the same physical page */
    uint32_t bytes;        /* span of the block's code */
    uint32_t n;
    bool chain;            /* ends in a near branch or falls through */
    struct link link[LINKS];
    struct insn insns[];
};

struct blockcache {
    struct block *hash[1u << HASH_BITS];
    struct block **page;   /* per RAM page: its blocks */
    struct block *dead;    /* dropped, freed at the next block boundary */
    unsigned count;
};

/* Exception classes for the double-fault rules (SDM vol. 3, table 6-4). */
enum { XC_NONE, XC_BENIGN, XC_CONTRIB, XC_PF, XC_DF };

static unsigned exc_class(unsigned vec)
{
    switch (vec) {
    case EXC_DE: case EXC_TS: case EXC_NP: case EXC_SS: case EXC_GP: return XC_CONTRIB;
    case EXC_PF: return XC_PF;
    case EXC_DF: return XC_DF;
    default: return XC_BENIGN;
    }
}

static unsigned block_hash(uint64_t key)
{
    return (unsigned)((key ^ (key >> 17) ^ (key >> 63)) * 0x9E3779B1u) >> (32 - HASH_BITS);
}

static uint64_t block_key(uint32_t phys, bool csd)
{
    return (uint64_t)phys | ((uint64_t)csd << 63);
}

static void block_unlink_hash(struct blockcache *bc, struct block *b)
{
    struct block **p = &bc->hash[block_hash(b->key)];
    while (*p != b)
        p = &(*p)->hnext;
    *p = b->hnext;
}

static void blocks_reap(struct blockcache *bc)
{
    while (bc->dead) {
        struct block *b = bc->dead;
        bc->dead = b->pnext;
        free(b);
    }
}

void code_page_written(cpu_t *c, uint32_t paddr)
{
    struct blockcache *bc = c->bc;
    uint32_t pn = paddr >> 12;
    struct block *b;
    if (paddr >= c->ram_size || !bc->page[pn])
        return;
    while ((b = bc->page[pn])) {
        bc->page[pn] = b->pnext;
        block_unlink_hash(bc, b);
        b->pnext = bc->dead;
        bc->dead = b;
        bc->count--;
    }
    blocks_unlink(c);  /* links may lead into the dropped blocks */
    c->stop_block = true;
}

bool code_page_has_blocks(const cpu_t *c, uint32_t paddr)
{
    return paddr < c->ram_size && c->bc->page[paddr >> 12] != NULL;
}

void blocks_flush_all(cpu_t *c)
{
    for (uint32_t pn = 0; pn < c->ram_size >> 12; pn++)
        if (c->bc->page[pn])
            code_page_written(c, pn << 12);
}

static struct block *block_find(struct blockcache *bc, uint64_t key, uint32_t eip)
{
    struct block *b;
    for (b = bc->hash[block_hash(key)]; b; b = b->hnext)
        if (b->key == key && b->eip == eip)
            return b;
    return NULL;
}

void insn_thread(cpu_t *c, const struct insn *i)
{
    insn_enter(c, i);
    i->fn(c, i);
    insn_next(c, i);
}

/* The sentinel after a block's last instruction, the end of its
 * threaded run (cpu.h). After an instruction that ends a block (OPF_END:
 * it set the EIP pair, and a branch may have changed next_eip), next_eip
 * is the EIP; after any other, which may be pure and so have left the
 * pair behind, the EIP is where the block's code ends: the sentinel's
 * own eip (block_done_at). */
static void block_done(cpu_t *c, const struct insn *i)
{
    c->eip = c->next_eip;
    c->icount = c->ibase + i->idx;
}

static void block_done_at(cpu_t *c, const struct insn *i)
{
    c->eip = i->eip;
    c->icount = c->ibase + i->idx;
}

/* The sentinel for instructions ending in last. */
static struct insn sentinel_after(const struct insn *last)
{
    insn_fn f = last->ends ? block_done : block_done_at;
    return (struct insn){.fn = f, .tfn = f, .eip = last->next_eip, .next_eip = last->next_eip,
                         .idx = (uint8_t)(last->idx + 1)};
}

/* The last instruction decides whether a successor may follow without
 * the checks between blocks: a near branch or a plain instruction (the
 * block was cut at its size or the page end) changes neither CS, nor
 * EFLAGS.IF/TF, nor the interrupt shadow, nor the mode. */
static bool block_may_chain(unsigned last_flags)
{
    return !(last_flags & OPF_END) || (last_flags & OPF_BRANCH);
}

/* A block goes on through a JMP rel to the same linear page in 32-bit
 * code, so its code all lies in the page whose writes drop it. A JMP
 * back may bring in code the block holds already, decoded again (the
 * block is a path through the code, and BLOCK_MAX bounds it). The CS
 * limit is checked when the block runs against the highest end of its
 * instructions (bytes), as for any block. */
static bool jmp_followable(const cpu_t *c, const struct insn *i, uint32_t lin_page,
                           uint32_t *target)
{
    return jmp_rel_target(i, target) &&
           ((c->seg[SR_CS].base + *target) & ~0xFFFu) == lin_page;
}

/* Decode ahead from c->eip to the end of the block. Returns NULL when not
 * even the first instruction lies wholly in the page (the caller then
 * executes it uncached, where a fault on the next page is raised). */
static struct block *block_build(cpu_t *c, const uint8_t *page, uint32_t phys_page,
                                 uint32_t lin_page, uint64_t key)
{
    struct insn tmp[BLOCK_MAX];
    struct blockcache *bc = c->bc;
    bool csd = (c->seg[SR_CS].ar & AR_DB) != 0;
    uint32_t eip = c->eip, n = 0, target, end = eip;
    unsigned last_flags = 0;
    struct block *b;
    while (n < BLOCK_MAX) {
        struct fetch f = {.c = c, .eip = eip, .page = page, .page_lin = lin_page,
                          .o32_default = csd, .probe = true};
        decode_fetch(&f, &tmp[n]);
        if (f.fail)
            break;
        tmp[n].idx = (uint8_t)n;
        n++;
        eip += f.n;
        end = eip > end ? eip : end;
        last_flags = f.flags;
        if (jmp_followable(c, &tmp[n - 1], lin_page, &target)) {
            jmp_rel_follow(&tmp[n - 1], target);
            eip = target;
            last_flags = 0;
            continue;
        }
        if ((f.flags & OPF_END) || (!csd && eip > 0xFFFFu))
            break;
    }
    if (n == 0)
        return NULL;
    if (bc->count >= MAX_BLOCKS)
        blocks_flush_all(c);
    b = calloc(1, sizeof *b + (n + 1) * sizeof(struct insn));
    if (!b)
        return NULL;
    b->key = key;
    b->eip = c->eip;
    b->n = n;
    b->bytes = end - c->eip;
    b->chain = block_may_chain(last_flags);
    for (unsigned k = 0; k < LINKS; k++)
        b->link[k].gen = LINK_NONE;
    memcpy(b->insns, tmp, n * sizeof(struct insn));
    b->insns[n] = sentinel_after(&b->insns[n - 1]);
    b->hnext = bc->hash[block_hash(key)];
    bc->hash[block_hash(key)] = b;
    b->pnext = bc->page[phys_page >> 12];
    bc->page[phys_page >> 12] = b;
    bc->count++;
    return b;
}

/* Instructions from the first of a block (idx 0) to its sentinel. */
static inline void run_threaded(cpu_t *c, const struct insn *i)
{
    c->ibase = c->icount;
    i->tfn(c, i);
}

/* n >= 1 instructions with an instruction observer (-d insn, -trace
 * insn), told of each before it runs: a loop calling each handler's
 * plain form, as insn_enter/insn_next would run them threaded. Blocks
 * stay whole, so observing changes neither the TLB lookups nor the
 * interrupt points. A Jcc taken inside the block leaves it: only
 * control transfers move next_eip away from the next instruction. */
static void run_observed(cpu_t *c, const struct insn *i, uint32_t n)
{
    const struct insn *end = i + n;
    c->ibase = c->icount - i->idx;  /* for insn_enter, which sets icount as it stands */
    do {
        insn_enter(c, i);
        c->on_insn(c, i);
        i->fn(c, i);
        c->icount++;
    } while (++i != end && likely(!c->stop_block) && c->next_eip == i[-1].next_eip);
    c->eip = c->next_eip;
}

/* The first n (>= 1) of a block's instructions: a block cut short by
 * the budget, one instruction of a single step. They run threaded, as
 * whole blocks do, from a copy that ends in its own sentinel. */
static void run_part(cpu_t *c, const struct insn *i, uint32_t n)
{
    struct insn part[BLOCK_MAX + 1];
    if (unlikely(c->on_insn != NULL)) {
        run_observed(c, i, n);
        return;
    }
    memcpy(part, i, n * sizeof *i);
    part[n] = sentinel_after(&part[n - 1]);
    run_threaded(c, part);
}

/* One instruction decoded on the spot: code outside RAM, or crossing a
 * page boundary, or past what a cached block may cover. */
static void run_uncached(cpu_t *c)
{
    struct insn i;
    decode_insn(c, c->eip, &i);
    run_part(c, &i, 1);
}

/* The code page for CS:EIP through the instruction TLB. */
static const uint8_t *code_page(cpu_t *c, uint32_t lin, uint32_t *phys)
{
    struct fast_entry *fe = &c->fast[FAST_X][(lin >> 12) & (FAST_SIZE - 1)];
    if (likely(fe->tag == (lin & ~0xFFFu))) {
        fe->hits++;
        *phys = (uint32_t)(fe->host - c->ram);
        return fe->host;
    }
    return mmu_fetch_page(c, lin, phys);
}

/* A block's exits (a Jcc inside it taken, its end) each have their own
 * EIP: one slot per EIP, by a multiplicative hash (which spreads targets
 * that padding aligned), finds a link with one compare. */
static unsigned link_slot(uint32_t eip)
{
    return (eip * 0x9E3779B1u) >> (32 - LINK_BITS);
}

/* A successor not linked yet: found the way run_block would find it,
 * through the instruction fast table (counted as the ITLB hit it is) and
 * the hash, then remembered in a link. NULL sends the caller back to
 * cpu_run, which takes the slow way (a TLB miss, a block to decode, code
 * that is not cacheable). */
static struct block *block_link(cpu_t *c, struct block *b, uint32_t eip)
{
    const struct segcache *cs = &c->seg[SR_CS];
    uint32_t lin = cs->base + eip, phys;
    struct fast_entry *fe = &c->fast[FAST_X][(lin >> 12) & (FAST_SIZE - 1)];
    struct block *to;
    struct link *l;
    if (!b->chain || fe->tag != (lin & ~0xFFFu) || eip > cs->limit)
        return NULL;
    phys = (uint32_t)(fe->host - c->ram) + (lin & 0xFFFu);
    to = block_find(c->bc, block_key(phys, (b->key >> 63) != 0), eip);
    if (!to || (uint64_t)eip + to->bytes - 1 > cs->limit)
        return NULL;
    fe->hits++;
    l = &b->link[link_slot(eip)];
    *l = (struct link){.to = to, .fe = fe, .gen = c->link_gen, .eip = eip};
    return to;
}

/* The block to run after b, which left with EIP = c->eip. A link is
 * trusted while c->link_gen stands still: nothing since has dropped a
 * block or an instruction fast-table entry (which a CR0/CR3/CR4 write, a
 * TLB flush, INVLPG or a CPL change does) or changed CS. So the
 * successor is still the decoded code at CS:EIP, on a page the
 * instruction TLB still maps with the same rights, within CS's limit.
 * A block that may not chain has no valid link (LINK_NONE), so it
 * reaches block_link, which refuses. */
static inline struct block *block_next(cpu_t *c, struct block *b)
{
    uint32_t eip = c->eip;
    struct link *l = &b->link[link_slot(eip)];
    if (l->eip == eip && l->gen == c->link_gen) {
        l->fe->hits++;  /* the ITLB hit code_page would have counted */
        return l->to;
    }
    return block_link(c, b, eip);
}

/* Run b, then its successors while they are linked, the budget lasts and
 * nothing asks for the checks between blocks (stop_block: an interrupt,
 * a stop request, code written, a change of mode or CS). */
static inline __attribute__((always_inline)) void
run_chain(cpu_t *c, struct block *b, uint64_t end, bool observed)
{
    for (;;) {
        uint64_t left = end - c->icount;
        if (unlikely(b->n >= left)) {
            run_part(c, b->insns, (uint32_t)left);
            return;
        }
        if (observed)
            run_observed(c, b->insns, b->n);
        else
            run_threaded(c, b->insns);
        if (c->stop_block)
            return;
        b = block_next(c, b);
        if (!b)
            return;
    }
}

static void run_block(cpu_t *c, uint64_t end)
{
    const struct segcache *cs = &c->seg[SR_CS];
    bool csd = (cs->ar & AR_DB) != 0;
    uint32_t lin = cs->base + c->eip, phys;
    const uint8_t *page;
    struct block *b;

    c->stop_block = false;
    if (c->eip > cs->limit || (page = code_page(c, lin, &phys)) == NULL) {
        run_uncached(c);
        return;
    }
    phys += lin & 0xFFFu;
    b = block_find(c->bc, block_key(phys, csd), c->eip);
    if (!b) {
        page = mmu_fetch_page(c, lin, &phys);  /* stops fast writes to the page */
        phys += lin & 0xFFFu;
        b = page ? block_build(c, page, phys & ~0xFFFu, lin & ~0xFFFu, block_key(phys, csd))
                 : NULL;
    }
    if (!b || (uint64_t)c->eip + b->bytes - 1 > cs->limit) {
        run_uncached(c);
        return;
    }
    if (unlikely(c->on_insn != NULL))
        run_chain(c, b, end, true);
    else
        run_chain(c, b, end, false);
}

void cpu_raise(cpu_t *c, unsigned vec, uint32_t err)
{
    c->exc_vec = vec;
    c->exc_err = err;
    longjmp(c->exc_jmp, 1);
}

/* Faults push EFLAGS with RF set, so that IRET back to the faulting
 * instruction does not re-trigger an instruction breakpoint on it
 * (SDM vol. 3, 17.3.1.1). Traps and aborts push RF as it is. */
static bool is_fault(unsigned vec)
{
    switch (vec) {
    case EXC_DE: case EXC_BR: case EXC_UD: case EXC_NM: case EXC_TS: case EXC_NP:
    case EXC_SS: case EXC_GP: case EXC_PF: case EXC_MF: case EXC_AC:
        return true;
    default:
        return false;
    }
}

/* A second exception while delivering a first becomes #DF when both are
 * contributory or the first is #PF and the second not benign; a fault
 * while delivering #DF shuts the processor down (SDM vol. 3, table 6-5). */
void exception_deliver(cpu_t *c, unsigned vec, uint32_t err)
{
    unsigned first = (unsigned)c->exc_depth, second = exc_class(vec);
    c->next_eip = c->eip;
    if (first == XC_DF) {
        c->exc_depth = XC_NONE;
        cpu_triple_fault(c);
        return;
    }
    if ((first == XC_CONTRIB && second == XC_CONTRIB) ||
        (first == XC_PF && second >= XC_CONTRIB)) {
        vec = EXC_DF;
        err = 0;
        second = XC_DF;
    }
    c->exc_depth = (int)second;
    c->stats.exceptions++;
    c->halted = false;
    if (is_fault(vec))
        c->eflags |= FL_RF;
    intr_deliver(c, vec, err, false);
    c->exc_depth = XC_NONE;
}

static bool irq_ready(const cpu_t *c)
{
    return c->intr && (c->eflags & FL_IF) && !c->inhibit_irq && c->intr_ack;
}

static void deliver_irq(cpu_t *c)
{
    unsigned vec = (unsigned)c->intr_ack(c->intr_opaque) & 0xFF;
    c->next_eip = c->eip;
    intr_deliver(c, vec, NO_ERRCODE, false);
    c->eip = c->next_eip;
}

/* One instruction on its own, for the states that last one instruction:
 * the interrupt shadow of STI / MOV SS, RF (cleared once an instruction
 * completes), and TF, which traps with #DB after every instruction that
 * began with TF set (SDM vol. 3, 17.3.1.4) — except that a load of SS
 * holds the trap back until after the next instruction (6.8.3). */
static void run_one_step(cpu_t *c)
{
    bool trap = (c->eflags & FL_TF) != 0 || c->db_pending;
    uint64_t events = c->stats.interrupts + c->stats.exceptions;
    c->inhibit_irq = c->ss_shadow = c->db_pending = false;
    c->eflags &= ~FL_RF;
    run_block(c, c->icount + 1);
    /* INT n, INT3 and INTO clear TF on the way into their handler: no
     * single-step trap follows them. */
    if (!trap || c->exc_stopped || c->stats.interrupts + c->stats.exceptions != events)
        return;
    if (c->ss_shadow) {
        c->db_pending = true;
        return;
    }
    c->dr[6] |= 0x4000u;  /* DR6.BS: single step */
    exception_deliver(c, EXC_DB, NO_ERRCODE);
    c->eip = c->next_eip;
}

enum cpu_exit cpu_run(cpu_t *c, uint64_t max_insns)
{
    uint64_t end = c->icount + max_insns;
    if (setjmp(c->exc_jmp)) {
        c->stop_block = false;
        exception_deliver(c, c->exc_vec, c->exc_err);
        c->eip = c->next_eip;
    }
    while (c->icount < end) {
        blocks_reap(c->bc);
        if (c->stop_request || c->shutdown) {
            c->stop_request = false;
            return c->shutdown ? CPU_EXIT_SHUTDOWN : CPU_EXIT_STOP;
        }
        if (irq_ready(c)) {
            c->halted = false;
            deliver_irq(c);
            continue;
        }
        if (c->halted)
            return CPU_EXIT_HALT;
        if (unlikely(c->inhibit_irq || c->db_pending || (c->eflags & (FL_TF | FL_RF)))) {
            run_one_step(c);
            continue;
        }
        run_block(c, end);
    }
    return CPU_EXIT_LIMIT;
}

void cpu_request_stop(cpu_t *c)
{
    c->stop_request = true;
    c->stop_block = true;
}

void cpu_set_intr(cpu_t *c, bool level)
{
    c->intr = level;
    if (level)
        c->stop_block = true;
}

static void seg_set(cpu_t *c, int sr, uint16_t sel, uint32_t base, uint32_t limit, uint32_t ar)
{
    struct segcache *s = &c->seg[sr];
    s->sel = sel;
    s->base = base;
    s->limit = limit;
    s->ar = ar;
    seg_refresh_bounds(s, sr == SR_CS);
    if (sr == SR_CS)
        blocks_unlink(c);
}

/* Power-on state (SDM vol. 3, 9.1.1, table 9-1). */
void cpu_reset(cpu_t *c)
{
    const uint32_t data_ar = AR_P | AR_S | AR_RW | AR_ACCESSED;
    memset(c->reg, 0, sizeof c->reg);
    c->reg[EDX] = 0x0633;  /* family 6, model 3, stepping 3 */
    c->eflags = 0x2;
    c->lf.op = LF_NONE;
    c->eip = c->next_eip = 0xFFF0;
    c->cr0 = CR0_ET | CR0_CD | CR0_NW;
    c->cr2 = c->cr3 = c->cr4 = 0;
    memset(c->dr, 0, sizeof c->dr);
    c->dr[6] = 0xFFFF0FF0u;
    c->dr[7] = 0x400;
    c->efer = 0;
    c->cpl = 0;
    c->halted = c->inhibit_irq = c->ss_shadow = c->db_pending = false;
    c->exc_depth = 0;
    c->a20_mask = 0xFFFFFFFFu;
    for (int sr = 0; sr < SR_COUNT; sr++)
        seg_set(c, sr, 0, 0, 0xFFFF, data_ar);
    seg_set(c, SR_CS, 0xF000, 0xFFFF0000u, 0xFFFF, AR_P | AR_S | AR_CODE | AR_RW | AR_ACCESSED);
    c->gdtr = c->idtr = (struct dtreg){0, 0xFFFF};
    c->ldtr = (struct segcache){.limit = 0xFFFF, .ar = AR_P | 2};
    c->tr = (struct segcache){.limit = 0xFFFF, .ar = AR_P | 11};
    tlb_flush_all(c, false);
    fast_flush(c);
    blocks_flush_all(c);
    c->stop_block = true;
}

/* Flat 32-bit protected mode without a GDT behind it: what a Multiboot
 * loader hands over (Multiboot spec 3.2), and the differential tests'
 * starting point. Selectors follow the usual 0x08/0x10 (ring 0) and
 * 0x1B/0x23 (ring 3) layout. */
void cpu_set_flat32(cpu_t *c, unsigned cpl)
{
    uint32_t dpl = (cpl & 3) << AR_DPL_SHIFT;
    uint32_t common = AR_P | AR_S | AR_RW | AR_ACCESSED | AR_DB | AR_G | dpl;
    uint16_t csel = cpl ? 0x1B : 0x08, dsel = cpl ? 0x23 : 0x10;
    c->cr0 |= CR0_PE;
    for (int sr = 0; sr < SR_COUNT; sr++)
        seg_set(c, sr, dsel, 0, 0xFFFFFFFFu, common);
    seg_set(c, SR_CS, csel, 0, 0xFFFFFFFFu, common | AR_CODE);
    c->cpl = cpl & 3;
    mmu_cpl_changed(c);
    c->stop_block = true;
}

void cpu_init(cpu_t *c, uint8_t *ram, uint32_t ram_size, struct bus *bus)
{
    memset(c, 0, sizeof *c);
    ops_init();
    c->ram = ram;
    c->ram_size = ram_size;
    c->bus = bus;
    c->a20_mask = 0xFFFFFFFFu;
    c->fast_enabled = true;
    c->global_pages = true;
    c->bc = calloc(1, sizeof *c->bc);
    if (c->bc)
        c->bc->page = calloc((ram_size >> 12) + 1, sizeof *c->bc->page);
    if (!c->bc || !c->bc->page)
        abort();  /* out of host memory at start-up */
}

void cpu_free(cpu_t *c)
{
    if (!c->bc)
        return;
    blocks_flush_all(c);
    blocks_reap(c->bc);
    free(c->bc->page);
    free(c->bc);
    c->bc = NULL;
}
