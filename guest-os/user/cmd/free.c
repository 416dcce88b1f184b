/* free [-b|-k|-m]: memory in use and free, from sysinfo, in KiB by
 * default (bytes, KiB or MiB by option), then the same in 4 KiB pages,
 * the unit the kernel allocates in. sysinfo counts in units of mem_unit
 * bytes; the products are 64-bit, so 4 GiB and more is fine. */
#include <stdio.h>
#include <sys/sysinfo.h>
#include <unistd.h>
#include "util.h"

int main(int argc, char **argv)
{
    prog = "free";
    int shift = 10, c;
    while ((c = getopt(argc, argv, "bkm")) != -1) {
        switch (c) {
        case 'b': shift = 0; break;
        case 'k': shift = 10; break;
        case 'm': shift = 20; break;
        default: usage("[-b|-k|-m]");
        }
    }
    if (optind < argc)
        usage("[-b|-k|-m]");
    struct sysinfo si;
    if (sysinfo(&si) < 0) {
        warn("sysinfo");
        return 1;
    }
    unsigned long long unit = si.mem_unit ? si.mem_unit : 1;
    unsigned long long total = si.totalram * unit >> shift, freem = si.freeram * unit >> shift;
    unsigned long long shared = si.sharedram * unit >> shift, buf = si.bufferram * unit >> shift;
    unsigned long long stotal = si.totalswap * unit >> shift, sfree = si.freeswap * unit >> shift;
    printf("%-7s%12s%12s%12s%12s%12s\n", "", "total", "used", "free", "shared", "buffers");
    printf("%-7s%12llu%12llu%12llu%12llu%12llu\n", "Mem:", total, total - freem, freem, shared,
           buf);
    printf("%-7s%12llu%12llu%12llu\n", "Swap:", stotal, stotal - sfree, sfree);
    unsigned long long ptotal = si.totalram * unit / 4096, pfree = si.freeram * unit / 4096;
    printf("%-7s%12llu%12llu%12llu\n", "Pages:", ptotal, ptotal - pfree, pfree);
    return fflush(stdout) ? 1 : 0;
}
