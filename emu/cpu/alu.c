/* alu.c: placeholder until written. */
#include "cpu.h"
void alu_ops_init(void) {}
