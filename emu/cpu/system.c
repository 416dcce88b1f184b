/* system.c: placeholder until written. */
#include "cpu.h"
void system_ops_init(void) {}
