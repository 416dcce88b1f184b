/* mmu.c: placeholder until written. */
#include "cpu.h"
