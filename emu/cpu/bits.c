/* bits.c: placeholder until written. */
#include "cpu.h"
void bits_ops_init(void) {}
