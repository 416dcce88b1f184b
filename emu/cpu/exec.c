/* exec.c: placeholder until written. */
#include "cpu.h"
