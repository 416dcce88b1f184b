/* shift.c: placeholder until written. */
#include "cpu.h"
void shift_ops_init(void) {}
