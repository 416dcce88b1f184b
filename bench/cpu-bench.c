/*
 * cpu-bench.c: a CPU-bound guest for comparing emulator speed: integer
 * arithmetic, data-dependent branches and memory accesses through 4 KiB
 * pages, mostly within a 64 KiB window and every 64th iteration anywhere
 * in 1 MiB (256 pages, more than a P6-sized DTLB holds).
 *
 * The array is identity-mapped (linear = physical): Unicorn 2.0 ignores
 * the guest's page tables and treats every linear address as physical
 * (unicorn-engine/unicorn#1953), so only an identity map gives the same
 * results under both; isola still walks the tables.
 *
 * Rules kept here:
 *  - The work is a pure function of the iteration count ("iters=N" on
 *    the command line, default ITERS_DEFAULT): every emulator runs the same
 *    instructions, so one instruction count serves all of them, and the
 *    checksum printed at the end shows they computed the same thing.
 *  - It leaves through port 0xF4 with 0x10 (exit status 33), and under
 *    Bochs through its shutdown port (guest_exit writes both).
 *  - It runs as a Multiboot kernel however it is loaded: -kernel (isola,
 *    QEMU, ucrun) or, under Bochs, which has no -kernel, the OS's boot
 *    loader from a disk image (its command line: "cpu-bench.elf iters=N").
 */
#include "rt.h"

#define ITERS_DEFAULT 20000000u
#define ARRAY 0x00800000u
#define ARRAY_WORDS (1u << 18)   /* 1 MiB */
#define WINDOW_WORDS (1u << 14)  /* 64 KiB */

static uint32_t parse_iters(const char *s)
{
    for (; *s; s++) {
        if (s[0] == 'i' && s[1] == 't' && s[2] == 'e' && s[3] == 'r' && s[4] == 's' && s[5] == '=') {
            uint32_t v = 0;
            for (s += 6; *s >= '0' && *s <= '9'; s++)
                v = v * 10 + (uint32_t)(*s - '0');
            return v;
        }
    }
    return ITERS_DEFAULT;
}

static uint32_t work(volatile uint32_t *a, uint32_t iters)
{
    uint32_t x = 12345, sum = 0;
    for (uint32_t i = 0; i < iters; i++) {
        x = x * 1103515245u + 12345u;
        uint32_t idx = (x >> 10) & (WINDOW_WORDS - 1);
        if ((i & 63) == 0)
            idx = (x >> 8) & (ARRAY_WORDS - 1);
        uint32_t v = a[idx];
        if (v & 1)
            sum += v ^ i;
        else
            sum -= v >> 3;
        a[idx] = v + x;
        if ((x & 0x300) == 0)
            sum = (sum << 3) | (sum >> 29);
    }
    return sum;
}

void test_main(void)
{
    uint32_t iters = parse_iters(mb_cmdline);
    volatile uint32_t *a = (volatile uint32_t *)ARRAY;
    pg_setup(PG_2LEVEL);    /* identity-maps the array with 4 KiB pages */
    pg_on();
    for (uint32_t k = 0; k < ARRAY_WORDS; k++)
        a[k] = 0;
    uint32_t sum = work(a, iters);
    pg_off();
    printf("bench: iters %u checksum %08x\n", iters, sum);
    guest_exit(EXIT_PASS);
}
