/*
 * cmos.c: the MC146818A real-time clock and CMOS RAM (see cmos.h).
 * References are to the Motorola MC146818A datasheet.
 *
 * Rules kept here:
 *  - Time is the virtual clock only, counted in cycles of the 32.768 kHz
 *    time base (exact integer conversions both ways). The divider chain
 *    has an origin: seconds end at origin + k*32768 cycles and periodic
 *    interrupts fall at origin + k*period, so 1024 Hz gives exactly 1024
 *    interrupts per emulated second.
 *  - While the clock runs, the time is a number (Unix seconds) and the
 *    registers 0, 2, 4, 6-9 are rendered from it on every read in the
 *    current format (register B: DM binary/BCD, 24/12). While it is
 *    frozen (SET = 1, or the divider not at 32.768 kHz) ram[0..9] hold
 *    the time as bytes the guest may rewrite; unfreezing parses them back.
 *    A time register written while running is the same: freeze, store,
 *    unfreeze, and the next update comes at the divider's next second.
 *  - Register C is computed lazily: flags_cyc marks the instant up to
 *    which periodic ticks, update ends and alarm matches have been folded
 *    into PF/UF/AF. Every port access folds first. IRQF = PF.PIE + AF.AIE
 *    + UF.UIE drives IRQ8 (a level); reading C clears the flags.
 *  - A vtimer is armed only for an event that would raise IRQ8 (so a
 *    guest with interrupts off or IRQF already set costs nothing).
 *  - Not modelled: daylight saving (DSE), the square-wave pin (SQWE),
 *    time bases other than 32.768 kHz (DV = 010; any other value stops the
 *    clock, 11x being the divider reset after which the first update
 *    comes half a second later), the duration of the update cycle (it
 *    happens at the end of the UIP window, in an instant).
 *  - The clock reads out a guest's out-of-range time bytes normalised
 *    (e.g. 61 seconds becomes the next minute plus one second).
 */
#include "dev/cmos.h"

#include <string.h>

#include "bus.h"

enum {
    REG_SEC = 0, REG_ASEC, REG_MIN, REG_AMIN, REG_HOUR, REG_AHOUR,
    REG_WDAY, REG_MDAY, REG_MON, REG_YEAR, REG_A, REG_B, REG_C, REG_D,
};

#define A_UIP 0x80
#define A_DV 0x70
#define A_DV_32K 0x20
#define A_RS 0x0F
#define B_SET 0x80
#define B_PIE 0x40
#define B_AIE 0x20
#define B_UIE 0x10
#define B_DM 0x04    /* 1 = binary */
#define B_24H 0x02
#define C_IRQF 0x80
#define C_PF 0x40
#define C_AF 0x20
#define C_UF 0x10
#define D_VRT 0x80

#define UIP_CYCLES 8  /* tBUC: 244 us = 8 cycles of 32.768 kHz (datasheet table 6) */
#define SECS_PER_DAY 86400

/* ---- time ---- */

static int64_t cyc_of_ns(uint64_t ns)
{
    return (int64_t)(ns / NS_PER_SEC * CMOS_HZ + ns % NS_PER_SEC * CMOS_HZ / NS_PER_SEC);
}

static uint64_t ns_of_cyc(int64_t cyc)
{
    uint64_t c = cyc < 0 ? 0 : (uint64_t)cyc;
    return c / CMOS_HZ * NS_PER_SEC + (c % CMOS_HZ * NS_PER_SEC + CMOS_HZ - 1) / CMOS_HZ;
}

static int64_t now_cyc(const struct cmos *c)
{
    return cyc_of_ns(vclock_now(c->clock));
}

static int64_t floordiv(int64_t a, int64_t b)
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/* Days since 1970-01-01 of a proleptic Gregorian date (month 1-12). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = floordiv(y, 400);
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

struct tm_rtc {
    int64_t year;
    unsigned mon, mday, hour, min, sec, wday;  /* wday 0 = Sunday */
};

static struct tm_rtc civil_from_secs(int64_t t)
{
    struct tm_rtc r;
    int64_t days = floordiv(t, SECS_PER_DAY), s = t - days * SECS_PER_DAY;
    r.hour = (unsigned)(s / 3600);
    r.min = (unsigned)(s / 60 % 60);
    r.sec = (unsigned)(s % 60);
    r.wday = (unsigned)(days + 4 - floordiv(days + 4, 7) * 7);  /* 1970-01-01 was a Thursday */
    int64_t z = days + 719468, era = floordiv(z, 146097);
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    r.mday = doy - (153 * mp + 2) / 5 + 1;
    r.mon = mp < 10 ? mp + 3 : mp - 9;
    r.year = (int64_t)yoe + era * 400 + (r.mon <= 2);
    return r;
}

static uint8_t to_bcd(unsigned v)
{
    return (uint8_t)((v / 10 % 10) << 4 | v % 10);
}

static unsigned from_bcd(uint8_t v)
{
    return (v >> 4) * 10 + (v & 15);
}

/* ---- the registers' format ---- */

static bool binary(const struct cmos *c)
{
    return c->ram[REG_B] & B_DM;
}

static uint8_t enc(const struct cmos *c, unsigned v)
{
    return binary(c) ? (uint8_t)v : to_bcd(v);
}

static unsigned dec(const struct cmos *c, uint8_t v)
{
    return binary(c) ? v : from_bcd(v);
}

/* Hours: in 12-hour mode 1-12 with bit 7 set for PM. */
static uint8_t enc_hour(const struct cmos *c, unsigned h)
{
    if (c->ram[REG_B] & B_24H)
        return enc(c, h);
    return (uint8_t)(enc(c, h % 12 ? h % 12 : 12) | (h >= 12 ? 0x80 : 0));
}

static unsigned dec_hour(const struct cmos *c, uint8_t v)
{
    if (c->ram[REG_B] & B_24H)
        return dec(c, v);
    return dec(c, v & 0x7F) % 12 + (v & 0x80 ? 12 : 0);
}

static unsigned century(const struct cmos *c)
{
    unsigned cc = from_bcd(c->ram[0x32]);
    return cc >= 1 && cc <= 99 ? cc : 20;
}

/* The byte register r (a time register) shows at Unix time t. */
static uint8_t render(const struct cmos *c, unsigned r, int64_t t)
{
    struct tm_rtc tm = civil_from_secs(t);
    switch (r) {
    case REG_SEC: return enc(c, tm.sec);
    case REG_MIN: return enc(c, tm.min);
    case REG_HOUR: return enc_hour(c, tm.hour);
    case REG_WDAY: return enc(c, (unsigned)((int)tm.wday + c->wday_offset) % 7 + 1);
    case REG_MDAY: return enc(c, tm.mday);
    case REG_MON: return enc(c, tm.mon);
    default: return enc(c, (unsigned)(tm.year % 100));
    }
}

static bool is_time_reg(unsigned r)
{
    return r <= REG_YEAR && r != REG_ASEC && r != REG_AMIN && r != REG_AHOUR;
}

/* Unix time from the frozen bytes; also learns the guest's weekday numbering. */
static int64_t parse(struct cmos *c)
{
    unsigned mon = dec(c, c->ram[REG_MON]);
    int64_t year = century(c) * 100 + dec(c, c->ram[REG_YEAR]) % 100;
    if (mon < 1 || mon > 12)
        mon = 1;
    int64_t days = days_from_civil(year, mon, 1) + (int64_t)dec(c, c->ram[REG_MDAY]) - 1;
    int64_t t = days * SECS_PER_DAY + (int64_t)dec_hour(c, c->ram[REG_HOUR]) * 3600 +
                (int64_t)dec(c, c->ram[REG_MIN]) * 60 + dec(c, c->ram[REG_SEC]);
    int wday = (int)dec(c, c->ram[REG_WDAY]) - 1;
    c->wday_offset = ((wday - (int)civil_from_secs(t).wday) % 7 + 7) % 7;
    return t;
}

/* ---- the divider chain ---- */

static bool divider_runs(const struct cmos *c)
{
    return (c->ram[REG_A] & A_DV) == A_DV_32K;
}

/* Periodic interrupt period in cycles (datasheet table 5), 0 = none. */
static int64_t periodic_cycles(const struct cmos *c)
{
    unsigned rs = c->ram[REG_A] & A_RS;
    if (rs == 0 || !divider_runs(c))
        return 0;
    if (rs <= 2)
        rs += 7;  /* 256 and 128 Hz, as RS 8 and 9 */
    return (int64_t)1 << (rs - 1);
}

/* Seconds completed since the origin at cycle `cyc`. */
static int64_t seconds_at(const struct cmos *c, int64_t cyc)
{
    return floordiv(cyc - c->origin_cyc, CMOS_HZ);
}

static int64_t time_at(const struct cmos *c, int64_t cyc)
{
    return c->secs_at_origin + seconds_at(c, cyc);
}

static void freeze(struct cmos *c, int64_t now)
{
    int64_t t = time_at(c, now);
    for (unsigned r = 0; r <= REG_YEAR; r++)
        if (is_time_reg(r))
            c->ram[r] = render(c, r, t);
    c->frozen = true;
}

static void unfreeze(struct cmos *c, int64_t now)
{
    c->secs_at_origin = parse(c) - seconds_at(c, now);
    c->frozen = false;
}

static void update_freeze(struct cmos *c, int64_t now)
{
    bool stop = (c->ram[REG_B] & B_SET) || !divider_runs(c);
    if (stop && !c->frozen)
        freeze(c, now);
    else if (!stop && c->frozen)
        unfreeze(c, now);
}

/* ---- register C and IRQ8 ---- */

static bool alarm_field(uint8_t alarm, uint8_t now)
{
    return (alarm & 0xC0) == 0xC0 || alarm == now;  /* 0xC0-0xFF: don't care */
}

static bool alarm_matches(const struct cmos *c, int64_t t)
{
    return alarm_field(c->ram[REG_ASEC], render(c, REG_SEC, t)) &&
           alarm_field(c->ram[REG_AMIN], render(c, REG_MIN, t)) &&
           alarm_field(c->ram[REG_AHOUR], render(c, REG_HOUR, t));
}

/* Fold the events of (flags_cyc, now] into register C. */
static void fold_events(struct cmos *c, int64_t now)
{
    int64_t from = c->flags_cyc, per = periodic_cycles(c);
    if (now <= from)
        return;
    c->flags_cyc = now;
    if (per && floordiv(now - c->origin_cyc, per) > floordiv(from - c->origin_cyc, per))
        c->ram[REG_C] |= C_PF;
    if (c->frozen)
        return;
    int64_t k0 = seconds_at(c, from), k1 = seconds_at(c, now);
    if (k1 == k0)
        return;
    c->ram[REG_C] |= C_UF;
    /* An alarm repeats at most daily: the last day of updates suffices. */
    for (int64_t k = k1; k > k0 && k > k1 - SECS_PER_DAY; k--) {
        if (alarm_matches(c, c->secs_at_origin + k)) {
            c->ram[REG_C] |= C_AF;
            break;
        }
    }
}

static bool irqf(const struct cmos *c)
{
    return c->ram[REG_C] & c->ram[REG_B] & (C_PF | C_AF | C_UF);
}

static void drive_irq(struct cmos *c)
{
    bool level = irqf(c);
    if (level == c->irq_level)
        return;
    c->irq_level = level;
    if (level) {
        c->irq8_edges++;
        irq_raise(&c->irq8);
    } else {
        irq_lower(&c->irq8);
    }
}

/* Arm the timer for the next event that would raise IRQ8. */
static void rearm(struct cmos *c, int64_t now)
{
    int64_t next = INT64_MAX, per = periodic_cycles(c);
    uint8_t b = c->ram[REG_B];
    if (!c->irq_level) {
        if ((b & B_PIE) && per)
            next = c->origin_cyc + (floordiv(now - c->origin_cyc, per) + 1) * per;
        if ((b & (B_UIE | B_AIE)) && !c->frozen) {
            int64_t sec = c->origin_cyc + (seconds_at(c, now) + 1) * CMOS_HZ;
            next = sec < next ? sec : next;
        }
    }
    if (next == INT64_MAX)
        vtimer_cancel(c->clock, &c->timer);
    else
        vtimer_arm(c->clock, &c->timer, ns_of_cyc(next));
}

static void settle(struct cmos *c, int64_t now)
{
    drive_irq(c);
    rearm(c, now);
}

static void cmos_timer(void *opaque, uint64_t now_ns)
{
    struct cmos *c = opaque;
    int64_t now = cyc_of_ns(now_ns);
    fold_events(c, now);
    settle(c, now);
}

/* ---- register access ---- */

static uint8_t reg_read(struct cmos *c, unsigned r, int64_t now)
{
    uint8_t v;
    switch (r) {
    case REG_A:
        v = c->ram[REG_A] & ~A_UIP;
        /* UIP: set during the last 244 us before each update. */
        if (!c->frozen && (now - c->origin_cyc) % CMOS_HZ >= CMOS_HZ - UIP_CYCLES)
            v |= A_UIP;
        return v;
    case REG_C:
        v = c->ram[REG_C] | (irqf(c) ? C_IRQF : 0);
        c->ram[REG_C] = 0;
        settle(c, now);
        return v;
    case REG_D:
        return D_VRT;  /* the battery is always good */
    default:
        if (is_time_reg(r) && !c->frozen)
            return render(c, r, time_at(c, now));
        return c->ram[r];
    }
}

static void reg_write(struct cmos *c, unsigned r, uint8_t v, int64_t now)
{
    switch (r) {
    case REG_A: {
        bool ran = divider_runs(c);
        c->ram[REG_A] = v & ~A_UIP;
        if (!ran && divider_runs(c)) {
            /* "When the divider reset is removed the first update cycle
             * begins one-half second later." Time shown is kept. */
            if (!c->frozen)
                freeze(c, now);
            c->origin_cyc = now - CMOS_HZ / 2;
        }
        update_freeze(c, now);
        break;
    }
    case REG_B:
        if (v & B_SET)
            v &= ~B_UIE;  /* SET going high clears UIE (and aborts updates) */
        c->ram[REG_B] = v;
        update_freeze(c, now);
        break;
    case REG_C:
    case REG_D:
        break;  /* read-only */
    default:
        if (is_time_reg(r) && !c->frozen) {
            freeze(c, now);
            c->ram[r] = v;
            unfreeze(c, now);
        } else {
            c->ram[r] = v;
        }
        break;
    }
    settle(c, now);
}

static uint8_t cmos_read_byte(void *opaque, uint16_t port)
{
    struct cmos *c = opaque;
    if (port == 0x70)
        return 0xFF;  /* the index register is write-only on the AT */
    int64_t now = now_cyc(c);
    fold_events(c, now);
    return reg_read(c, c->index, now);
}

static void cmos_write_byte(void *opaque, uint16_t port, uint8_t v)
{
    struct cmos *c = opaque;
    if (port == 0x70) {
        c->nmi_masked = v & 0x80;
        c->index = v & 0x7F;
        return;
    }
    int64_t now = now_cyc(c);
    fold_events(c, now);
    reg_write(c, c->index, v, now);
}

/* ---- host side ---- */

static void fix_checksum(struct cmos *c)
{
    unsigned sum = 0;
    for (unsigned i = 0x10; i <= 0x2D; i++)
        sum += c->ram[i];
    c->ram[0x2E] = (uint8_t)(sum >> 8);
    c->ram[0x2F] = (uint8_t)sum;
}

void cmos_set(struct cmos *c, unsigned index, uint8_t v)
{
    if (index >= 128)
        return;
    if (index < 0x0E) {
        int64_t now = now_cyc(c);
        fold_events(c, now);
        reg_write(c, index, v, now);
        return;
    }
    c->ram[index] = v;
    if (index >= 0x10 && index <= 0x2D)
        fix_checksum(c);
}

uint8_t cmos_get(struct cmos *c, unsigned index)
{
    if (index >= 128)
        return 0xFF;
    int64_t now = now_cyc(c);
    fold_events(c, now);
    if (index == REG_C)
        return c->ram[REG_C] | (irqf(c) ? C_IRQF : 0);  /* without clearing */
    return reg_read(c, index, now);
}

int64_t cmos_time(struct cmos *c)
{
    if (c->frozen) {
        int save = c->wday_offset;
        int64_t t = parse(c);
        c->wday_offset = save;
        return t;
    }
    return time_at(c, now_cyc(c));
}

static void put16(struct cmos *c, unsigned lo, unsigned v)
{
    c->ram[lo] = (uint8_t)v;
    c->ram[lo + 1] = (uint8_t)(v >> 8);
}

/* The bytes an AT BIOS reads (IBM AT Technical Reference, "CMOS RAM
 * address map"). */
static void fill_config(struct cmos *c, int64_t base, uint32_t ram_size)
{
    uint32_t ext_kib = ram_size > (1u << 20) ? (ram_size - (1u << 20)) / 1024 : 0;
    uint32_t high64k = ram_size > (16u << 20) ? (ram_size - (16u << 20)) / 65536 : 0;
    c->ram[0x0E] = 0;     /* diagnostic status: all passed */
    c->ram[0x0F] = 0;     /* shutdown status: normal reset */
    c->ram[0x10] = 0;     /* no diskette drives */
    c->ram[0x12] = 0;     /* no fixed disk types (the BIOS probes ATA) */
    c->ram[0x14] = 0;     /* equipment: no diskette, no FPU, VGA (00) */
    put16(c, 0x15, 640);  /* base memory in KiB */
    put16(c, 0x17, ext_kib > 0xFFFF ? 0xFFFF : ext_kib);
    put16(c, 0x30, ext_kib > 0xFFFF ? 0xFFFF : ext_kib);
    put16(c, 0x34, high64k > 0xFFFF ? 0xFFFF : high64k);
    c->ram[0x32] = to_bcd((unsigned)(civil_from_secs(base).year / 100 % 100));
    fix_checksum(c);
}

void cmos_init(struct cmos *c, struct bus *b, struct vclock *clock,
               struct irq_line irq8, int64_t base_unix_time, uint32_t ram_size)
{
    memset(c, 0, sizeof *c);
    c->clock = clock;
    c->irq8 = irq8;
    vtimer_init(&c->timer, cmos_timer, c);
    c->ram[REG_A] = A_DV_32K | 0x06;  /* 32.768 kHz, 1024 Hz periodic rate */
    c->ram[REG_B] = B_24H;            /* BCD, 24-hour, no interrupts */
    c->ram[REG_ASEC] = c->ram[REG_AMIN] = c->ram[REG_AHOUR] = 0;
    c->origin_cyc = c->flags_cyc = now_cyc(c);
    c->secs_at_origin = base_unix_time;
    fill_config(c, base_unix_time, ram_size);
    if (b)
        bus_register_io8(b, 0x70, 2, cmos_read_byte, cmos_write_byte, c);
}
