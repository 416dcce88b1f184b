/*
 * umip.c: SGDT, SIDT, SLDT, SMSW and STR in ring 3 work and report the
 * real values without CR4.UMIP, and raise #GP(0) with it; ring 0 is
 * never affected (SDM vol. 3, 2.5, CR4.UMIP).
 *
 * Rules kept here:
 *  - The store targets are user data; what ring 3 stored is compared
 *    with what the runtime loaded.
 */
#include "rt.h"

struct __attribute__((packed)) dtr {
    uint16_t limit;
    uint32_t base;
};

static struct dtr ugdt, uidt;
volatile uint32_t u_msw, u_tr, u_ldt, u_msw_reg;

#define STORE_INSNS 6
static const char *names[STORE_INSNS] = {
    "SGDT", "SIDT", "SLDT", "SMSW m16", "SMSW r32", "STR",
};

static int run_store(int k)
{
    switch (k) {
    case 0: return TRY_USER("", "sgdt (%%ebx)", "b"(&ugdt));
    case 1: return TRY_USER("", "sidt (%%ebx)", "b"(&uidt));
    case 2: return TRY_USER("", "sldt (%%ebx)", "b"(&u_ldt));
    case 3: return TRY_USER("", "smsw (%%ebx)", "b"(&u_msw));
    case 4: return TRY_USER("", "smsw %%eax\n\tmovl %%eax, (%%ebx)", "b"(&u_msw_reg));
    default: return TRY_USER("", "str (%%ebx)", "b"(&u_tr));
    }
}

static void without_umip(void)
{
    write_cr4(read_cr4() & ~CR4_UMIP);
    u_ldt = 0xFFFFFFFF;
    u_tr = 0xFFFFFFFF;
    u_msw = 0xFFFFFFFF;
    for (int k = 0; k < STORE_INSNS; k++) {
        int v = run_store(k);
        if (!ok(v < 0, "%s in ring 3 without CR4.UMIP works", names[k]))
            diag("  got vector %d err %x", v, trap.err);
    }
    check(ugdt.limit, GDT_SLOTS * 8 - 1, "SGDT stored the GDT limit");
    check(ugdt.base, (uint32_t)gdt, "SGDT stored the GDT base");
    check(uidt.limit, 256 * 8 - 1, "SIDT stored the IDT limit");
    check(uidt.base, (uint32_t)idt, "SIDT stored the IDT base");
    check(u_ldt & 0xFFFF, 0, "SLDT stored the null LDT selector");
    check(u_msw & 0xFFFF, read_cr0() & 0xFFFF, "SMSW m16 stored CR0[15:0]");
    check(u_msw >> 16, 0xFFFF, "SMSW m16 wrote 16 bits only");
    check(u_msw_reg & 0xFFFF, read_cr0() & 0xFFFF, "SMSW r32 stored CR0[15:0]");
    check(u_tr & 0xFFFF, SEL_TSS, "STR stored the TSS selector");
    check(u_tr >> 16, 0xFFFF, "STR m16 wrote 16 bits only");
}

static void with_umip(void)
{
    write_cr4(read_cr4() | CR4_UMIP);
    for (int k = 0; k < STORE_INSNS; k++) {
        int v = run_store(k);
        int good = v == 13 && trap.err == 0 && trap.eip == rt_at;
        ok(good, "%s in ring 3 with CR4.UMIP: #GP(0) at the instruction", names[k]);
        if (!good)
            printf("#   got vector %d err %x at %x\n", v, trap.err, trap.eip);
    }
    struct dtr g;
    uint16_t tr;
    int v = TRY("", "sgdt (%%ebx)\n\tsidt (%%ebx)\n\tsmsw %%ax\n\tstr %%ax\n\tsldt %%ax", "b"(&g));
    expect_none(v, "ring 0 with CR4.UMIP: SGDT, SIDT, SMSW, STR, SLDT work");
    __asm__ volatile("str %0" : "=r"(tr));
    check(tr, SEL_TSS, "ring 0 with CR4.UMIP: STR value");
    write_cr4(read_cr4() & ~CR4_UMIP);
}

void test_main(void)
{
    without_umip();
    if (!cpu_has_umip()) {
        ok(0, "CPUID.(EAX=7,ECX=0):ECX.UMIP[bit 2] reports UMIP");
        return;
    }
    ok(1, "CPUID reports UMIP");
    with_umip();
}
