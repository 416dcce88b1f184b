/*
 * ksyms.c: looking up the symbol table mksyms.sh generated: a count, the
 * offset of the string block, then entries sorted by address, each an
 * address and the offset of its name in the string block.
 */
#include "ksyms.h"
#include "lib.h"

struct ksym {
    uint32_t addr, name;
};

struct ksym_table {
    uint32_t count, names;
    struct ksym syms[];
};

extern const struct ksym_table ksyms_table;
extern char kernel_text_end[];

const char *ksym_lookup(uint32_t addr, uint32_t *offset)
{
    const struct ksym *ksyms = ksyms_table.syms;
    uint32_t ksyms_count = ksyms_table.count;
    if (ksyms_count == 0 || addr < ksyms[0].addr || addr >= (uint32_t)kernel_text_end)
        return NULL;
    uint32_t lo = 0, hi = ksyms_count;
    while (hi - lo > 1) {
        uint32_t mid = (lo + hi) / 2;
        if (ksyms[mid].addr <= addr)
            lo = mid;
        else
            hi = mid;
    }
    *offset = addr - ksyms[lo].addr;
    return (const char *)&ksyms_table + ksyms_table.names + ksyms[lo].name;
}
