/*
 * rt.c: descriptor tables, trap recording, output and verdicts of the
 * directed guest tests.
 *
 * Rules kept here:
 *  - The runtime owns GDT slots 0-6, the TSS and the IDT gates' targets;
 *    tests change only their own GDT slots, the gates' types and DPLs,
 *    the I/O bitmap, and hooks.
 *  - rt_trap() records a trap completely before deciding what to do with
 *    it, so a test can look at every pushed word.
 *  - A test never ends silently: done() prints PASS or FAIL and leaves
 *    through the exit port; an unexpected trap prints what it was.
 */
#include "rt.h"

uint64_t gdt[GDT_SLOTS] __attribute__((aligned(8)));
uint64_t idt[256] __attribute__((aligned(8)));
struct tss tss __attribute__((aligned(128)));
extern char rt_vectors[], trap_stack_top[], callgate_entry[];
void rt_load_segments(void);

volatile struct trap trap;
struct rt_jmp rt_catch;
volatile int rt_armed;
volatile uint32_t rt_at, rt_next, rt_try_esp;
volatile uint32_t rt_user_esp, rt_user_ss = SEL_UDATA, rt_user_eflags = EFL_RSVD1;
volatile uint32_t cg_esp, cg_words[6];
uint32_t mb_mem_upper_kb;
const char *mb_cmdline = "";
int tests_failed;
static int tests_run;
static trap_hook hooks[256];
static uint8_t user_stack[16384] __attribute__((aligned(16)));

/* ---- memory ---- */
void *memset(void *d, int c, size_t n)
{
    uint8_t *p = d;
    while (n--)
        *p++ = (uint8_t)c;
    return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
    uint8_t *p = d;
    const uint8_t *q = s;
    while (n--)
        *p++ = *q++;
    return d;
}

/* ---- output ---- */
void putch(int ch)
{
    outb(0xE9, (uint8_t)ch);
}

void puts_raw(const char *s)
{
    while (*s)
        putch(*s++);
}

static void put_num(uint32_t v, unsigned base, int width, char pad, int neg)
{
    char buf[16];
    int n = 0;
    do {
        buf[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    if (neg)
        buf[n++] = '-';
    while (n < width--)
        putch(pad);
    while (n)
        putch(buf[--n]);
}

/* %d %u %x %c %s, with a width and 0 padding; enough for test output */
int vprintf(const char *fmt, va_list ap)
{
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            putch(*fmt);
            continue;
        }
        char pad = ' ';
        int width = 0;
        fmt++;
        if (*fmt == '0')
            pad = '0';
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        switch (*fmt) {
        case 'd': {
            int v = va_arg(ap, int);
            put_num(v < 0 ? -(uint32_t)v : (uint32_t)v, 10, width, pad, v < 0);
            break;
        }
        case 'u': put_num(va_arg(ap, uint32_t), 10, width, pad, 0); break;
        case 'x': put_num(va_arg(ap, uint32_t), 16, width, pad, 0); break;
        case 'c': putch(va_arg(ap, int)); break;
        case 's': puts_raw(va_arg(ap, const char *)); break;
        case '%': putch('%'); break;
        default: putch('%'); putch(*fmt); break;
        }
    }
    return 0;
}

int printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    return 0;
}

/* ---- verdicts ---- */
void guest_exit(unsigned v)
{
    outb(0xF4, (uint8_t)v);
    /* Bochs has no isa-debug-exit: it quits when "Shutdown" is written
     * to port 0x8900 (iodev/unmapped.cc). isola, QEMU and ucrun have
     * stopped at the write above and never get here. */
    for (const char *s = "Shutdown"; *s; s++)
        outb(0x8900, (uint8_t)*s);
    for (;;)
        __asm__ volatile("cli; hlt");
}

void done(void)
{
    printf("1..%d\n", tests_run);
    if (tests_failed) {
        printf("# %d of %d failed\nFAIL\n", tests_failed, tests_run);
        guest_exit(EXIT_FAIL);
    }
    printf("PASS\n");
    guest_exit(EXIT_PASS);
}

static int vok(int cond, const char *fmt, va_list ap)
{
    tests_run++;
    if (!cond)
        tests_failed++;
    printf("%sok %d - ", cond ? "" : "not ", tests_run);
    vprintf(fmt, ap);
    putch('\n');
    return cond;
}

int ok(int cond, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vok(cond, fmt, ap);
    va_end(ap);
    return cond;
}

int check(uint32_t got, uint32_t want, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vok(got == want, fmt, ap);
    va_end(ap);
    if (got != want)
        printf("#   got 0x%08x, want 0x%08x\n", got, want);
    return got == want;
}

void skip(const char *fmt, ...)
{
    va_list ap;
    tests_run++;
    printf("ok %d # SKIP ", tests_run);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putch('\n');
}

void diag(const char *fmt, ...)
{
    va_list ap;
    puts_raw("# ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putch('\n');
}

static const char *vec_name(unsigned vec)
{
    static const char *names[] = {
        "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "09",
        "#TS", "#NP", "#SS", "#GP", "#PF", "15", "#MF", "#AC", "#MC", "#XM"
    };
    return vec < 20 ? names[vec] : "int";
}

static void describe(int got)
{
    if (got < 0)
        printf("no exception");
    else if (trap.err == NOERR)
        printf("%s (vector %u) at 0x%08x", vec_name(got), got, trap.eip);
    else
        printf("%s(%x) (vector %u) at 0x%08x", vec_name(got), trap.err, got, trap.eip);
}

int expect_trap(int got, unsigned vec, uint32_t err, uint32_t eip, const char *what)
{
    int good = got == (int)vec && trap.err == err && trap.eip == eip;
    ok(good, "%s", what);
    if (!good) {
        printf("#   got ");
        describe(got);
        printf("\n#   want %s", vec_name(vec));
        if (err != NOERR)
            printf("(%x)", err);
        printf(" (vector %u) at 0x%08x\n", vec, eip);
    }
    return good;
}

int expect_none(int got, const char *what)
{
    ok(got < 0, "%s", what);
    if (got >= 0) {
        printf("#   got ");
        describe(got);
        printf(", cr2 0x%08x\n", trap.cr2);
    }
    return got < 0;
}

/* ---- traps ---- */
/* Vectors for which the CPU pushes an error code (SDM vol. 3, table 6-1) */
static int pushes_error_code(unsigned vec)
{
    return vec == 8 || (vec >= 10 && vec <= 14) || vec == 17 || vec == 21;
}

void set_trap_hook(unsigned vec, trap_hook h)
{
    hooks[vec & 0xFF] = h;
}

static void record(struct trapframe *f, unsigned vec)
{
    const uint32_t *hw = f->hw;
    uint16_t ss;
    trap.count++;
    trap.vec = vec;
    trap.err = NOERR;
    if (pushes_error_code(vec))
        trap.err = *hw++;
    trap.eip = hw[0];
    trap.cs = hw[1];
    trap.eflags = hw[2];
    if (hw[1] & 3) {
        trap.esp = hw[3];
        trap.ss = hw[4];
    } else {
        __asm__ volatile("movw %%ss, %0" : "=r"(ss));
        trap.esp = (uint32_t)&hw[3];
        trap.ss = ss;
    }
    trap.cr2 = read_cr2();
    trap.frame = (uint32_t)f->hw;
    trap.hflags = f->hflags;
    for (int k = 0; k < 6; k++)
        trap.words[k] = f->hw[k];
}

void rt_trap(struct trapframe *f)
{
    unsigned vec = f->vec & 0xFF;
    record(f, vec);
    if (hooks[vec] && hooks[vec](f)) {
        if (pushes_error_code(vec))
            f->vec |= 0x100;
        return;
    }
    if (rt_armed) {
        rt_armed = 0;
        rt_longjmp(&rt_catch, 1);
    }
    printf("# unexpected ");
    describe((int)vec);
    printf(" cs %x eflags %x cr2 0x%08x\nFAIL\n", trap.cs, trap.eflags, trap.cr2);
    guest_exit(EXIT_FAIL);
}

int run_user(void (*fn)(void))
{
    return TRY_USER("", "call *%0", "r"(fn));
}

/* ---- descriptors ---- */
static uint64_t seg_desc(uint32_t base, uint32_t limit20, unsigned access, unsigned flags)
{
    return (uint64_t)(limit20 & 0xFFFF) | ((uint64_t)(base & 0xFFFFFF) << 16) |
           ((uint64_t)(access & 0xFF) << 40) | ((uint64_t)((limit20 >> 16) & 0xF) << 48) |
           ((uint64_t)(flags & 0xF) << 52) | ((uint64_t)(base >> 24) << 56);
}

static uint64_t gate_desc(uint16_t sel, uint32_t off, unsigned type, unsigned dpl, unsigned params)
{
    return (uint64_t)(off & 0xFFFF) | ((uint64_t)sel << 16) | ((uint64_t)(params & 0x1F) << 32) |
           ((uint64_t)(D_P | D_DPL(dpl) | type) << 40) | ((uint64_t)(off >> 16) << 48);
}

void gdt_set(unsigned slot, uint32_t base, uint32_t limit20, unsigned access, unsigned flags)
{
    gdt[slot] = seg_desc(base, limit20, access, flags);
}

uint64_t gdt_get(unsigned slot) { return ((volatile uint64_t *)gdt)[slot]; }
void gdt_put(unsigned slot, uint64_t d) { ((volatile uint64_t *)gdt)[slot] = d; }

void idt_set_gate(unsigned vec, unsigned type, unsigned dpl)
{
    idt[vec] = gate_desc(SEL_KCODE, (uint32_t)rt_vectors + 16 * vec, type, dpl, 0);
}

void idt_set_raw(unsigned vec, uint64_t d) { ((volatile uint64_t *)idt)[vec] = d; }
uint64_t idt_get(unsigned vec) { return ((volatile uint64_t *)idt)[vec]; }

struct __attribute__((packed)) dtr {
    uint16_t limit;
    uint32_t base;
};

void idt_reload(uint16_t limit)
{
    struct dtr d = { limit, (uint32_t)idt };
    __asm__ volatile("lidt %0" : : "m"(d) : "memory");
}

static void gdt_init(void)
{
    struct dtr d = { sizeof gdt - 1, (uint32_t)gdt };
    gdt[0] = 0;
    gdt_set(1, 0, 0xFFFFF, D_P | D_S | D_CODE_RX, D_G | D_DB);
    gdt_set(2, 0, 0xFFFFF, D_P | D_S | D_DATA_RW, D_G | D_DB);
    gdt_set(3, 0, 0xFFFFF, D_P | D_DPL(3) | D_S | D_CODE_RX, D_G | D_DB);
    gdt_set(4, 0, 0xFFFFF, D_P | D_DPL(3) | D_S | D_DATA_RW, D_G | D_DB);
    gdt_set(5, (uint32_t)&tss, sizeof tss - 1, D_P | D_TSS32, 0);
    gdt[6] = gate_desc(SEL_KCODE, (uint32_t)callgate_entry, D_CALLGATE32, 3, 2);
    for (unsigned k = GDT_FIRST_FREE; k < GDT_SLOTS; k++)
        gdt[k] = 0;
    __asm__ volatile("lgdt %0" : : "m"(d) : "memory");
    rt_load_segments();
}

void tss_reload(uint32_t limit)
{
    gdt_set(5, (uint32_t)&tss, limit, D_P | D_TSS32, 0);
    __asm__ volatile("ltr %w0" : : "r"(SEL_TSS) : "memory");
}

void io_allow(unsigned port, int allow)
{
    if (allow)
        tss.iomap[port >> 3] &= (uint8_t)~(1u << (port & 7));
    else
        tss.iomap[port >> 3] |= (uint8_t)(1u << (port & 7));
}

static void tss_init(void)
{
    memset(&tss, 0, sizeof tss);
    tss.esp0 = (uint32_t)trap_stack_top;
    tss.ss0 = SEL_KDATA;
    tss.iomap_base = TSS_IOMAP_OFFSET;
    memset(tss.iomap, 0xFF, sizeof tss.iomap);  /* every port denied */
    tss_reload(sizeof tss - 1);
}

static void idt_init(void)
{
    for (unsigned v = 0; v < 256; v++)
        idt_set_gate(v, D_INTGATE32, 0);
    idt_set_gate(VEC_DONE, D_INTGATE32, 3);
    idt_reload(sizeof idt - 1);
}

static void pic_mask(void)
{
    outb(0x21, 0xFF);
    outb(0xA1, 0xFF);
}

/* ---- CPUID ---- */
static uint32_t cpuid_reg(uint32_t leaf, int r)
{
    uint32_t v[4];
    cpuid(leaf & 0x80000000u, 0, v);
    if (v[0] < leaf)
        return 0;
    cpuid(leaf, 0, v);
    return v[r];
}

int cpu_has_pse(void) { return (cpuid_reg(1, 3) >> 3) & 1; }
int cpu_has_pae(void) { return (cpuid_reg(1, 3) >> 6) & 1; }
int cpu_has_pge(void) { return (cpuid_reg(1, 3) >> 13) & 1; }
int cpu_has_nx(void) { return (cpuid_reg(0x80000001u, 3) >> 20) & 1; }
int cpu_has_umip(void) { return (cpuid_reg(7, 2) >> 2) & 1; }

/* ---- entry ---- */
struct multiboot_info {
    uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
};

void rt_main(uint32_t magic, const struct multiboot_info *mbi)
{
    pic_mask();
    gdt_init();
    tss_init();
    idt_init();
    rt_user_esp = (uint32_t)user_stack + sizeof user_stack;
    if (magic != 0x2BADB002) {
        printf("# bad multiboot magic 0x%08x\nFAIL\n", magic);
        guest_exit(EXIT_FAIL);
    }
    if (mbi->flags & 1)
        mb_mem_upper_kb = mbi->mem_upper;
    if (mbi->flags & 4)
        mb_cmdline = (const char *)mbi->cmdline;
    test_main();
    done();
}
