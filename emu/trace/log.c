/*
 * log.c: the debug log (-d insn,int to stderr or -D FILE) and the -stats
 * report.
 *
 * Rules kept here:
 *  - Observing never changes the machine: instruction bytes are read by a
 *    page walk of our own over RAM (guest_peek), never through the TLB,
 *    the fast tables, accessed/dirty bits or MMIO, and nothing here can
 *    raise a guest exception.
 *  - When an item is off its observer is NULL, so it costs nothing.
 *  - A -D file is written through a large buffer (one line per
 *    instruction would otherwise cost a system call each) and flushed by
 *    log_flush() whenever the machine stops; stderr stays unbuffered.
 *  - An instruction's number is its place in the retired count (c->icount
 *    + 1), the count -insn-limit and -stats use: a faulting instruction
 *    and the first one of its handler share a number.
 */
#include "log.h"

#include <capstone.h>
#include <errno.h>
#include <inttypes.h>
#include <string.h>

static FILE *log_out;         /* NULL: stderr */
static csh cs16, cs32;        /* Capstone handles, opened on first use */
static bool cs_ready;
static cs_insn *cs_buf;

static const struct {
    const char *name;
    unsigned bit;
    const char *help;
} items[] = {
    {"insn", LOG_INSN, "each instruction before it runs: count, CS:EIP, disassembly, registers"},
    {"int", LOG_INT, "each exception and interrupt delivered: vector, error code, CS:EIP, CPL, CR2"},
};
#define NITEMS (sizeof items / sizeof items[0])

bool log_parse_items(const char *list, unsigned *mask, const char **bad)
{
    unsigned m = 0;
    const char *p = list;
    for (;;) {
        size_t n = strcspn(p, ",");
        unsigned k;
        for (k = 0; k < NITEMS; k++)
            if (strlen(items[k].name) == n && strncmp(p, items[k].name, n) == 0)
                break;
        if (k == NITEMS) {
            *bad = p;
            return false;
        }
        m |= items[k].bit;
        if (p[n] == '\0')
            break;
        p += n + 1;
    }
    *mask = m;
    return true;
}

void log_print_items(FILE *f)
{
    fprintf(f, "Log items (-d ITEM[,ITEM...]):\n");
    for (unsigned k = 0; k < NITEMS; k++)
        fprintf(f, "  %-6s %s\n", items[k].name, items[k].help);
}

bool log_open(const char *path)
{
    log_close();
    if (!path)
        return true;
    log_out = fopen(path, "w");
    if (log_out)
        setvbuf(log_out, NULL, _IOFBF, 1 << 20);
    return log_out != NULL;
}

void log_close(void)
{
    if (log_out)
        fclose(log_out);
    log_out = NULL;
    if (cs_ready) {
        cs_free(cs_buf, 1);
        cs_close(&cs16);
        cs_close(&cs32);
        cs_ready = false;
    }
}

void log_flush(void)
{
    fflush(log_file());
}

FILE *log_file(void)
{
    return log_out ? log_out : stderr;
}

/* ---- reading guest memory without side effects ---- */

static bool ram_peek(const cpu_t *c, uint64_t pa, unsigned size, uint64_t *v)
{
    if (pa < 0x100000000ull)
        pa &= c->a20_mask;
    if (pa >= c->ram_size || c->ram_size - pa < size)
        return false;
    *v = 0;
    memcpy(v, c->ram + pa, size);
    return true;
}

/* Two-level walk, 4 KiB pages, or 4 MiB pages with CR4.PSE (SDM vol. 3,
 * 4.3); PDE bits 13-20 hold physical address bits 32-39 (PSE-36). */
static bool walk_32(const cpu_t *c, uint32_t lin, uint64_t *pa)
{
    uint64_t pde, pte;
    if (!ram_peek(c, (c->cr3 & ~0xFFFu) + (lin >> 22) * 4u, 4, &pde) || !(pde & 1))
        return false;
    if ((pde & 0x80) && (c->cr4 & CR4_PSE)) {
        *pa = (pde & 0xFFC00000u) | (((pde >> 13) & 0xFFu) << 32) | (lin & 0x3FFFFFu);
        return true;
    }
    if (!ram_peek(c, (pde & ~0xFFFull) + ((lin >> 12) & 0x3FFu) * 4u, 4, &pte) || !(pte & 1))
        return false;
    *pa = (pte & ~0xFFFull) | (lin & 0xFFFu);
    return true;
}

/* PAE walk: PDPTE, PDE (2 MiB pages when PS), PTE (SDM vol. 3, 4.4).
 * The PDPTEs are read from memory, not from the registers the CPU loaded
 * at the last CR3 write; they differ only if the guest changed them since. */
#define PAE_ADDR 0x000FFFFFFFFFF000ull
static bool walk_pae(const cpu_t *c, uint32_t lin, uint64_t *pa)
{
    uint64_t pdpte, pde, pte;
    if (!ram_peek(c, (c->cr3 & ~0x1Fu) + (lin >> 30) * 8u, 8, &pdpte) || !(pdpte & 1))
        return false;
    if (!ram_peek(c, (pdpte & PAE_ADDR) + ((lin >> 21) & 0x1FFu) * 8u, 8, &pde) || !(pde & 1))
        return false;
    if (pde & 0x80) {
        *pa = (pde & PAE_ADDR & ~0x1FFFFFull) | (lin & 0x1FFFFFu);
        return true;
    }
    if (!ram_peek(c, (pde & PAE_ADDR) + ((lin >> 12) & 0x1FFu) * 8u, 8, &pte) || !(pte & 1))
        return false;
    *pa = (pte & PAE_ADDR) | (lin & 0xFFFu);
    return true;
}

static bool lin_to_phys(const cpu_t *c, uint32_t lin, uint64_t *pa)
{
    if (!(c->cr0 & CR0_PG)) {
        *pa = lin;
        return true;
    }
    return (c->cr4 & CR4_PAE) ? walk_pae(c, lin, pa) : walk_32(c, lin, pa);
}

unsigned guest_peek(const cpu_t *c, uint32_t lin, uint8_t *buf, unsigned n)
{
    uint64_t pa = 0, v;
    for (unsigned k = 0; k < n; k++, lin++, pa++) {
        if ((k == 0 || (lin & 0xFFFu) == 0) && !lin_to_phys(c, lin, &pa))
            return k;
        if (!ram_peek(c, pa, 1, &v))
            return k;
        buf[k] = (uint8_t)v;
    }
    return n;
}

/* ---- observers ---- */

static bool capstone_open(void)
{
    if (cs_ready)
        return true;
    if (cs_open(CS_ARCH_X86, CS_MODE_16, &cs16) != CS_ERR_OK)
        return false;
    if (cs_open(CS_ARCH_X86, CS_MODE_32, &cs32) != CS_ERR_OK) {
        cs_close(&cs16);
        return false;
    }
    cs_buf = cs_malloc(cs32);
    cs_ready = true;
    return true;
}

/* CS.D picks the default operand size in protected mode; real and
 * virtual-8086 mode are always 16-bit (SDM vol. 3, 3.4.5, 20.1). */
static bool code32(const cpu_t *c)
{
    return pmode(c) && !v86(c) && (c->seg[SR_CS].ar & AR_DB);
}

static void disassemble(const cpu_t *c, uint32_t lin, char *out, size_t len)
{
    uint8_t bytes[15];
    unsigned n = guest_peek(c, lin, bytes, sizeof bytes);
    if (n == 0) {
        snprintf(out, len, "<unmapped>");
        return;
    }
    csh h = code32(c) ? cs32 : cs16;
    const uint8_t *p = bytes;
    size_t left = n;
    uint64_t addr = c->eip;
    if (cs_disasm_iter(h, &p, &left, &addr, cs_buf))
        snprintf(out, len, "%s%s%s", cs_buf->mnemonic, cs_buf->op_str[0] ? " " : "",
                 cs_buf->op_str);
    else
        snprintf(out, len, "(bad) %02x", bytes[0]);
}

static void log_insn(cpu_t *c, const struct insn *i)
{
    char text[256];
    const struct segcache *cs = &c->seg[SR_CS];
    (void)i;   /* its bytes are read again: the decoder keeps none */
    disassemble(c, cs->base + c->eip, text, sizeof text);
    FILE *f = log_file();
    fprintf(f, "%8" PRIu64 " %04x:%08x  %-36s EAX=%08x EBX=%08x ECX=%08x EDX=%08x"
            " ESI=%08x EDI=%08x EBP=%08x ESP=%08x EFL=%08x\n",
            c->icount + 1, cs->sel, c->eip, text, c->reg[EAX], c->reg[EBX], c->reg[ECX],
            c->reg[EDX], c->reg[ESI], c->reg[EDI], c->reg[EBP], c->reg[ESP],
            cpu_eflags(c));
}

/* The CPL the handler will run at, read (without side effects) from the
 * IDT gate and the code descriptor it names: the target's DPL, or the
 * old CPL for a conforming segment (SDM vol. 3, 6.12.1). -1 if the gate
 * or the descriptor cannot be read or is not an interrupt or trap gate
 * (a task gate, or one whose delivery is about to fault). */
int intr_handler_cpl(const cpu_t *c, unsigned vec, unsigned old_cpl)
{
    uint64_t gate, desc;
    if (!pmode(c))
        return 0;
    if (vec * 8u + 7 > c->idtr.limit ||
        guest_peek(c, c->idtr.base + vec * 8u, (uint8_t *)&gate, 8) != 8)
        return -1;
    unsigned type = (unsigned)(gate >> 40) & 0x1F;   /* S bit and type */
    if (!(gate >> 47 & 1) || (type != 0x06 && type != 0x07 && type != 0x0E && type != 0x0F))
        return -1;
    uint16_t sel = (uint16_t)(gate >> 16);
    const struct dtreg table = (sel & 4) ? (struct dtreg){c->ldtr.base, (uint16_t)c->ldtr.limit}
                                         : c->gdtr;
    if ((sel & ~7u) + 7u > table.limit ||
        guest_peek(c, table.base + (sel & ~7u), (uint8_t *)&desc, 8) != 8)
        return -1;
    unsigned ar = (unsigned)(desc >> 40) & 0xFF;
    if ((ar & 0x18) != 0x18)   /* not a code segment */
        return -1;
    return (ar & AR_CONFORMING) ? (int)old_cpl : (int)(ar >> AR_DPL_SHIFT & 3);
}

/* Called before delivery: c->cpl is still the interrupted code's. */
static void log_intr(cpu_t *c, unsigned vec, uint32_t err, bool hw,
                     uint32_t cs, uint32_t eip, unsigned old_cpl)
{
    FILE *f = log_file();
    char errs[16];
    int new_cpl = intr_handler_cpl(c, vec, old_cpl);
    if (err == NO_ERRCODE)
        snprintf(errs, sizeof errs, "none");
    else
        snprintf(errs, sizeof errs, "0x%04x", err);
    fprintf(f, "int v=0x%02x err=%s hw=%d cs:eip=%04x:%08x cpl %u->%c", vec, errs, hw,
            cs & 0xFFFFu, eip, old_cpl, new_cpl < 0 ? '?' : (char)('0' + new_cpl));
    if (vec == EXC_PF)
        fprintf(f, " cr2=%08x", c->cr2);
    fputc('\n', f);
}

bool log_attach(cpu_t *c, unsigned mask)
{
    if ((mask & LOG_INSN) && !capstone_open())
        return false;
    c->on_insn = (mask & LOG_INSN) ? log_insn : NULL;
    c->on_intr = (mask & LOG_INT) ? log_intr : NULL;
    return true;
}

/* ---- -stats ---- */

static void stat_line(FILE *f, const char *name, uint64_t v)
{
    fprintf(f, "  %-22s %" PRIu64 "\n", name, v);
}

static void tlb_lines(FILE *f, const char *which, uint64_t lookups, uint64_t hits,
                      uint64_t misses)
{
    char name[32];
    snprintf(name, sizeof name, "%s lookups", which);
    stat_line(f, name, lookups);
    snprintf(name, sizeof name, "%s hits", which);
    stat_line(f, name, hits);
    snprintf(name, sizeof name, "%s misses", which);
    stat_line(f, name, misses);
}

void stats_print(cpu_t *c, FILE *f, double secs)
{
    mmu_fold_stats(c);
    const struct cpu_stats *s = &c->stats;
    uint64_t insns = c->icount;   /* exec.c counts retired instructions here */
    fprintf(f, "isola statistics:\n");
    stat_line(f, "instructions", insns);
    fprintf(f, "  %-22s %.3f\n", "host seconds", secs);
    fprintf(f, "  %-22s %.2f\n", "MIPS", secs > 0 ? (double)insns / secs / 1e6 : 0.0);
    if (c->tlb_unified) {
        tlb_lines(f, "TLB (unified)", s->dtlb_lookups, s->dtlb_hits, s->dtlb_misses);
    } else {
        tlb_lines(f, "ITLB", s->itlb_lookups, s->itlb_hits, s->itlb_misses);
        tlb_lines(f, "DTLB", s->dtlb_lookups, s->dtlb_hits, s->dtlb_misses);
    }
    stat_line(f, "page walks", s->walks);
    stat_line(f, "page faults", s->page_faults);
    stat_line(f, "exceptions", s->exceptions);
    stat_line(f, "interrupts", s->interrupts);
    stat_line(f, "CR3 writes", s->cr3_writes);
    stat_line(f, "TLB flushes", s->tlb_flushes);
    stat_line(f, "INVLPG", s->invlpg);
    fflush(f);
}
