/*
 * system.h: how system.c reaches the instruction groups split out of it
 * (io.c, segload.c). Everything else they share is in cpu.h.
 */
#ifndef ISOLA_SYSTEM_H
#define ISOLA_SYSTEM_H

void io_ops_init(void);      /* io.c: IN, OUT */
void segload_ops_init(void); /* segload.c: MOV/PUSH/POP Sreg, LDS.. */

#endif
