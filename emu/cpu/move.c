/* move.c: placeholder until written. */
#include "cpu.h"
void move_ops_init(void) {}
