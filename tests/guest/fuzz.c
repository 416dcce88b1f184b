/*
 * fuzz.c: random bytes executed in ring 3 under paging, for as long as it
 * takes to deliver FUZZ_TRAPS exceptions. The point is not a result but
 * that the emulator survives: every exception comes back to this kernel,
 * which starts the random code again somewhere else, and nothing the
 * random code does may crash the host or the kernel.
 *
 * Rules kept here:
 *  - The seed comes from the command line ("seed=N", e.g. isola -append
 *    seed=7), so a failing run can be replayed; the same seed gives the
 *    same bytes, page attributes and restart points.
 *  - Only the fuzz region (1 MiB at FUZZ_LIN) is user-accessible; the
 *    kernel, its page tables and the identity map are supervisor pages,
 *    so the random code can only hurt itself. Its pages are randomly
 *    present or not, writable or not and (PAE, odd seeds) executable or
 *    not. Ports are all denied, IOPL is 0.
 *  - The random code runs with TF set, so a #DB after each instruction
 *    lets the kernel move it elsewhere after a few steps (an endless loop
 *    needs POPF to clear TF first; then -insn-limit ends the run).
 *  - Any exception in ring 0 other than that #DB means a bug: FAIL.
 */
#include "rt.h"

#define FUZZ_LIN 0x40000000u
#define FUZZ_PHYS 0x00800000u
#define FUZZ_SIZE 0x00100000u
#define FUZZ_TRAPS 40000u

static uint32_t rng_state;
static uint32_t traps, steps_left, ring0_db;
static uint32_t by_vector[33];
static volatile int finished;

static uint32_t rnd(void)
{
    uint32_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return rng_state = x;
}

static uint32_t parse_seed(const char *s)
{
    for (; *s; s++) {
        if (s[0] == 's' && s[1] == 'e' && s[2] == 'e' && s[3] == 'd' && s[4] == '=') {
            uint32_t v = 0;
            for (s += 5; *s >= '0' && *s <= '9'; s++)
                v = v * 10 + (uint32_t)(*s - '0');
            return v;
        }
    }
    return 1;
}

static uint32_t random_pointer(void)
{
    switch (rnd() & 3) {
    case 0: return rnd();
    case 1: return rnd() & 0xFFF;
    default: return FUZZ_LIN + (rnd() & (FUZZ_SIZE - 1));
    }
}

/* Restart the random code at a fresh place with fresh registers. */
static void restart(struct trapframe *f, uint32_t *hw)
{
    hw[0] = FUZZ_LIN + (rnd() & (FUZZ_SIZE - 1));
    hw[1] = SEL_UCODE;
    hw[2] = EFL_RSVD1 | EFL_IF | EFL_TF | (rnd() & 0x8D5u);  /* arithmetic flags, DF */
    hw[3] = FUZZ_LIN + (rnd() & (FUZZ_SIZE - 1));
    hw[4] = SEL_UDATA;
    f->eax = random_pointer();
    f->ebx = random_pointer();
    f->ecx = rnd() & 0x3FF;
    f->edx = random_pointer();
    f->esi = random_pointer();
    f->edi = random_pointer();
    f->ebp = random_pointer();
    f->ds = f->es = SEL_UDATA;
    f->fs = f->gs = (rnd() & 1) ? SEL_UDATA : 0;
    steps_left = 1 + (rnd() & 63);
}

static int fuzz_hook(struct trapframe *f)
{
    unsigned vec = f->vec & 0xFF;
    uint32_t *hw = f->hw + (trap.err != NOERR);
    if (finished)
        return 0;
    if (hw[2] & 0x20000) {
        printf("# virtual-8086 mode entered at trap %u: IRET at CPL 3 must not load VM "
               "(SDM vol. 2, IRET)\nFAIL\n", traps);
        guest_exit(EXIT_FAIL);
    }
    if (!(hw[1] & 3)) {
        /* ring 0: only the single-step trap of code entered through the
         * call gate with TF set is expected */
        if (vec == 1) {
            ring0_db++;
            return 1;
        }
        printf("# ring 0 exception: vector %u err %x at %x:%x cr2 %x (trap %u)\n",
               vec, trap.err, hw[1], hw[0], trap.cr2, traps);
        printf("# frame %x: %x %x %x %x %x %x esp0 %x\nFAIL\n", (uint32_t)f->hw, f->hw[0], f->hw[1], f->hw[2], f->hw[3], f->hw[4], f->hw[5], tss.esp0);
        guest_exit(EXIT_FAIL);
    }
    traps++;
    by_vector[vec < 32 ? vec : 32]++;
    if (traps >= FUZZ_TRAPS) {
        finished = 1;
        return 0;  /* back to the TRY_USER in test_main */
    }
    if (vec == 1 && --steps_left > 0)
        return 1;  /* one more step where it is */
    restart(f, hw);
    return 1;
}

static void fill_region(int pae)
{
    uint8_t *p = (uint8_t *)FUZZ_PHYS;
    for (uint32_t k = 0; k < FUZZ_SIZE; k += 4) {
        uint32_t v = rnd();
        memcpy(p + k, &v, 4);
    }
    for (uint32_t off = 0; off < FUZZ_SIZE; off += 4096) {
        uint32_t r = rnd() & 255;
        uint64_t flags = PTE_U;
        if (r >= 16)
            flags |= PTE_P;       /* 15/16 present */
        if (r & 0x60)
            flags |= PTE_W;       /* 3/4 writable */
        if (pae && (r & 0x80) && (r & 0x10))
            flags |= PTE_XD;      /* 1/4 execute-disable */
        pg_map(FUZZ_LIN + off, FUZZ_PHYS + off, flags);
    }
}

void test_main(void)
{
    uint32_t seed = parse_seed(mb_cmdline);
    int pae = seed & 1;
    rng_state = seed * 2654435761u + 1;
    diag("seed %u, %s paging", seed, pae ? "PAE" : "2-level");
    if (pae && !cpu_has_nx()) {
        ok(0, "CPUID reports NX");
        return;
    }

    pg_setup_flags(pae ? PG_PAE : PG_2LEVEL, PTE_P | PTE_W);
    fill_region(pae);
    if (pae)
        wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
    write_cr0(read_cr0() | CR0_WP);
    pg_on();
    for (unsigned v = 0; v < 256; v++)
        set_trap_hook(v, fuzz_hook);
    idt_set_gate(3, D_INTGATE32, 3);
    idt_set_gate(4, D_TRAPGATE32, 3);
    idt_set_gate(0x80, D_TRAPGATE32, 3);

    rt_user_eflags = EFL_RSVD1 | EFL_TF;
    rt_user_esp = FUZZ_LIN + FUZZ_SIZE / 2;
    steps_left = 16;
    int v = TRY_USER("", "jmp *%0", "r"(FUZZ_LIN));
    for (unsigned k = 0; k < 256; k++)
        set_trap_hook(k, 0);
    pg_off();

    ok(v >= 0 && traps == FUZZ_TRAPS, "%u exceptions from random ring-3 code, none unexpected in ring 0",
       traps);
    printf("# by vector:");
    for (unsigned k = 0; k < 33; k++)
        if (by_vector[k])
            printf(" %s%u:%u", k == 32 ? ">=" : "", k, by_vector[k]);
    printf("\n# single steps in ring 0 (code entered by the call gate): %u\n", ring0_db);
}
