/* branch.c: placeholder until written. */
#include "cpu.h"
void branch_ops_init(void) {}
