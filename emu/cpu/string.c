/* string.c: placeholder until written. */
#include "cpu.h"
void string_ops_init(void) {}
