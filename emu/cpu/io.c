/*
 * io.c: IN and OUT, and the I/O permission check they share with INS and
 * OUTS (string.c).
 *
 * Rules kept here:
 *  - The permission check (IOPL, then the TSS bitmap) comes before the
 *    device is touched: a refused access reaches no device.
 *  - The CPU reaches devices only through the bus; a device that raises
 *    its interrupt or asks the CPU to stop sets stop_block itself, so no
 *    I/O instruction needs to end its block.
 */
#include "cpu.h"
#include "system.h"

/* The I/O permission bitmap of the current 32-bit TSS (SDM vol. 1,
 * 19.5.2). The processor always reads two bytes of the map, since an
 * access may straddle a byte, and both must lie within the TSS limit:
 * hence the all-ones byte that must follow a map. */
static bool io_bitmap_allows(cpu_t *c, uint16_t port, unsigned size)
{
    const struct segcache *tr = &c->tr;
    uint32_t type = tr->ar & (AR_S | AR_TYPE);
    uint32_t map, off, bits;
    if (!(tr->ar & AR_P) || (type != 9 && type != 11) || tr->limit < 103)
        return false;
    map = lin_read(c, tr->base + 102, 2, ACC_R | ACC_SYS);
    off = map + port / 8u;
    if (off + 1 > tr->limit)
        return false;
    bits = lin_read(c, tr->base + off, 2, ACC_R | ACC_SYS);
    return ((bits >> (port & 7u)) & ((1u << size) - 1)) == 0;
}

/* In virtual-8086 mode the bitmap is consulted whatever IOPL says
 * (SDM vol. 1, 19.5.2). */
void io_check(cpu_t *c, uint16_t port, unsigned size)
{
    if (!pmode(c) || (!v86(c) && c->cpl <= iopl(c)))
        return;
    if (!io_bitmap_allows(c, port, size))
        cpu_raise(c, EXC_GP, 0);
}

static void port_in(cpu_t *c, uint16_t port, unsigned size)
{
    uint32_t v;
    io_check(c, port, size);
    v = bus_in(c->bus, port, size);
    reg_set(c, EAX, size, v);
}

static void port_out(cpu_t *c, uint16_t port, unsigned size)
{
    io_check(c, port, size);
    bus_out(c->bus, port, size, reg_get(c, EAX, size));
}

/* E4/E5 IN imm8, EC/ED IN DX; E6/E7 OUT imm8, EE/EF OUT DX. Bit 0 of
 * the opcode selects byte or operand size. */
static unsigned io_size(const struct insn *i) { return (i->op & 1) ? opsize(i) : 1; }

static void in_imm(cpu_t *c, const struct insn *i) { port_in(c, (uint16_t)i->imm, io_size(i)); }
static void in_dx(cpu_t *c, const struct insn *i) { port_in(c, (uint16_t)c->reg[EDX], io_size(i)); }
static void out_imm(cpu_t *c, const struct insn *i) { port_out(c, (uint16_t)i->imm, io_size(i)); }
static void out_dx(cpu_t *c, const struct insn *i) { port_out(c, (uint16_t)c->reg[EDX], io_size(i)); }

void io_ops_init(void)
{
    op_def(0xE4, OPF_IMM_B, in_imm);
    op_def(0xE5, OPF_IMM_B, in_imm);
    op_def(0xE6, OPF_IMM_B, out_imm);
    op_def(0xE7, OPF_IMM_B, out_imm);
    op_def(0xEC, 0, in_dx);
    op_def(0xED, 0, in_dx);
    op_def(0xEE, 0, out_dx);
    op_def(0xEF, 0, out_dx);
}
