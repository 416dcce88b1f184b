/*
 * mbtest.S: the test kernel's Multiboot header and entry (see mbtest.c),
 * and a 40 KiB block of data the kernel checks, so that loading it spans
 * several of the boot loader's disk reads.
 *
 * Rules kept here: the header asks only for what every loader under test
 * gives (page-aligned modules, memory information: flags 0 and 1); the
 * entry keeps EAX and EBX for mbtest_main and uses its own stack, since
 * the Multiboot specification (0.6.96, 3.2) leaves ESP undefined.
 */
#define MB_FLAGS 0x00000003

    .section .multiboot, "a"
    .balign 4
    .long 0x1BADB002, MB_FLAGS, -(0x1BADB002 + MB_FLAGS)

    .text
    .globl _start
_start:
    pushfl                      /* EFLAGS as the loader left it */
    popl entry_eflags
    movl $stack_top, %esp
    pushl %ebx
    pushl %eax
    call mbtest_main
1:  cli
    hlt
    jmp 1b

/* pattern: 10240 dwords, x(0) = 1, x(n+1) = x(n) * 1103515245 + 12345
 * mod 2^32; mbtest.c recomputes it. */
    .data
    .balign 4
    .globl pattern
pattern:
    .set v, 1
    .rept 10240
    .long v
    .set v, (v * 1103515245 + 12345) & 0xFFFFFFFF
    .endr
    .globl entry_eflags
entry_eflags:
    .long 0

    .bss
    .balign 16
    .globl bss_probe
bss_probe:
    .skip 4096
stack:
    .skip 8192
stack_top:

    .section .note.GNU-stack, "", @progbits
