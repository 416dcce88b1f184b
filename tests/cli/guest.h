/*
 * guest.h: shared pieces of the CLI tests' guests (GNU as, 32-bit):
 * the Multiboot header and tiny debug-console helpers.
 */
#define DEBUGCON 0xE9
#define EXIT_PORT 0xF4

/* A Multiboot header asking for nothing but memory information. */
#define MULTIBOOT_HEADER \
    .align 4; \
    .long 0x1BADB002, 0x00000002, -(0x1BADB002 + 0x00000002)

/* Print the NUL-terminated string at label s (clobbers EAX, ESI). */
#define PUTS(s) mov $s, %esi; call puts
/* End the run: isola exits with status (v << 1) | 1. */
#define EXIT(v) mov $v, %al; out %al, $EXIT_PORT; 99: cli; hlt; jmp 99b

/* The helpers themselves: include once, in .text. */
#define GUEST_HELPERS \
puts: lodsb; test %al, %al; jz 98f; out %al, $DEBUGCON; jmp puts; 98: ret; \
/* puthex: EAX as 8 hex digits (clobbers EAX, ECX, EDX) */ \
puthex: mov %eax, %edx; mov $8, %ecx; \
97: rol $4, %edx; mov %dl, %al; and $15, %al; add $'0', %al; cmp $'9', %al; \
    jbe 96f; add $7, %al; 96: out %al, $DEBUGCON; loop 97b; ret; \
newline: mov $'\n', %al; out %al, $DEBUGCON; ret
