/* misc.c: small stdlib pieces: abs, div, rand (a 32-bit LCG whose high
 * bits are returned: the low bits of an LCG cycle too fast), assert. */
#include <stdio.h>
#include <stdlib.h>

int abs(int x) { return x < 0 ? -x : x; }
long labs(long x) { return x < 0 ? -x : x; }
long long llabs(long long x) { return x < 0 ? -x : x; }

div_t div(int a, int b)
{
    div_t r = { a / b, a % b };
    return r;
}

ldiv_t ldiv(long a, long b)
{
    ldiv_t r = { a / b, a % b };
    return r;
}

static unsigned long long seed = 1;

void srand(unsigned s)
{
    seed = s;
}

int rand(void)
{
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return (int)(seed >> 33);
}

void __assert_fail(const char *expr, const char *file, int line, const char *func)
{
    fprintf(stderr, "%s:%d: %s: Assertion `%s' failed.\n", file, line, func, expr);
    abort();
}
