/* vgatext.S: writes known cells into the VGA text buffer at 0xB8000 and
 * exits through port 0xF4, for the -screenshot test (screenshot.sh). */
#include "guest.h"
#define TEXT 0xB8000
#define CELL(row, col) (TEXT + 2 * ((row) * 80 + (col)))
    .text
    .code32
    .globl _start
_start:
    jmp 1f
    MULTIBOOT_HEADER
1:
    /* the whole screen: spaces, grey on black */
    mov $TEXT, %edi
    mov $0x07200720, %eax
    mov $1000, %ecx
    rep stosl
    /* "Hi" white on blue in the top left corner */
    movw $0x1F48, CELL(0, 0)
    movw $0x1F69, CELL(0, 1)
    /* a full block, yellow on red, in the middle */
    movw $0x4EDB, CELL(12, 40)
    /* double-line corner, light green on black, bottom right */
    movw $0x0ABC, CELL(24, 79)
    /* a shaded block, cyan on brown */
    movw $0x63B1, CELL(5, 10)
    EXIT(0)
    GUEST_HELPERS
