/* fault MODE: do one thing a process is not allowed to do, to watch the
 * kernel stop it. Every mode but spin and wild-syscall ends with the
 * kernel killing this process and printing one line on the console,
 * such as
 *     pid 7 (fault): page fault reading 00000000 (not present), eip 0040102a: killed
 * after which the shell reports the signal and goes on. `fault` alone
 * lists the modes. Reaching the end of a mode that should have faulted
 * is itself reported (exit status 2): the protection did not hold. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "util.h"

/* mov $42, %eax; ret */
static const unsigned char ret42[] = {0xB8, 42, 0, 0, 0, 0xC3};

static int run_code(void *p)
{
    memcpy(p, ret42, sizeof ret42);
    return ((int (*)(void))p)();
}

/* Addresses through volatile pointers, so the compiler cannot see a
 * constant null dereference and plant a trap instruction instead. */
static volatile int *volatile address_0 = (int *)0;
static volatile int *volatile address_kernel = (int *)0xC0000000u;

static void null(void) { printf("read at 0: %d\n", *address_0); }
static void kernel(void) { printf("read at 0xc0000000: %d\n", *address_kernel); }
static void write_text(void) { *(volatile unsigned char *)(uintptr_t)write_text = 0xC3; }

static void exec_stack(void)
{
    unsigned char code[16];
    printf("executing the stack: %d\n", run_code(code));
}

static void exec_heap(void)
{
    unsigned char *code = malloc(16);
    if (code)
        printf("executing the heap: %d\n", run_code(code));
}

static void portio(void) { __asm__ volatile("outb %0, $0x80" : : "a"((unsigned char)0)); }
static void cli(void) { __asm__ volatile("cli"); }
static void hlt(void) { __asm__ volatile("hlt"); }

static void lgdt(void)
{
    static struct {
        uint16_t limit;
        uint32_t base;
    } __attribute__((packed)) gdt = {0, 0};
    __asm__ volatile("lgdt %0" : : "m"(gdt));
}

static void divide(void)
{
    volatile int zero = 0, x = 1;
    printf("1 / 0 = %d\n", x / zero);
}

static void ud2(void) { __asm__ volatile("ud2"); }

/* Each frame keeps 256 bytes of stack, so the 8 MiB stack runs out after
 * some 30000 calls and a push lands on the guard page below it. (A frame
 * bigger than the guard page could step right over it.) */
static int recurse(int depth)
{
    volatile int frame[64];
    if (depth > 1 << 30)               /* 256 GiB of stack: never */
        return 0;
    frame[0] = depth;
    frame[1] = recurse(depth + 1);    /* the frame outlives the call: no loop */
    return frame[0] + frame[1];
}

static void stack_overflow(void) { printf("%d\n", recurse(0)); }

static void spin(void)
{
    for (;;)
        ;
}

static void wild_syscall(void)
{
    long r;
    const uint32_t addr = 0xC0000000u;
    __asm__ volatile("int $0x80" : "=a"(r) : "a"(4 /* write */), "b"(1), "c"(addr), "d"(16) : "memory");
    printf("write(1, %#x, 16) = %ld (%s%s)\n", (unsigned)addr, r, r == -EFAULT ? "EFAULT: " : "",
           r < 0 ? strerror((int)-r) : "no error");
    exit(r == -EFAULT ? 0 : 2);
}

static const struct {
    const char *name;
    void (*run)(void);
    const char *what;
} modes[] = {
    {"null", null, "read address 0"},
    {"kernel", kernel, "read the kernel's memory at 0xc0000000"},
    {"write-text", write_text, "write over this program's own code"},
    {"exec-stack", exec_stack, "run code copied onto the stack"},
    {"exec-heap", exec_heap, "run code copied into the heap"},
    {"portio", portio, "outb to port 0x80"},
    {"cli", cli, "turn interrupts off"},
    {"hlt", hlt, "halt the CPU"},
    {"lgdt", lgdt, "load a new GDT"},
    {"divide", divide, "divide by zero"},
    {"ud2", ud2, "an undefined instruction"},
    {"stack-overflow", stack_overflow, "recurse until the stack's guard page"},
    {"spin", spin, "loop forever (the timer still takes the CPU away)"},
    {"wild-syscall", wild_syscall, "pass a kernel pointer to write(): EFAULT, not a crash"},
};

int main(int argc, char **argv)
{
    prog = "fault";
    if (argc != 2) {
        fprintf(stderr, "usage: fault MODE\n");
        for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
            fprintf(stderr, "  %-15s %s\n", modes[i].name, modes[i].what);
        return 1;
    }
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        if (strcmp(argv[1], modes[i].name) == 0) {
            fflush(stdout);
            modes[i].run();
            printf("fault: %s: nothing stopped it\n", modes[i].name);
            return 2;
        }
    }
    die("no mode %s (run fault alone for the list)", argv[1]);
}
