/* muldiv.c: placeholder until written. */
#include "cpu.h"
void muldiv_ops_init(void) {}
