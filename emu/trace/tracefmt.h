/*
 * tracefmt.h: the isola trace format (docs/trace-format.md), written by
 * isola -trace and read by isola-trace. One place for the encoding: the
 * writer and the reader below are its only users of the byte layout.
 *
 * Rules kept here:
 *  - A file is a gzip stream (zlib) of: a header (magic, version,
 *    metadata text), then records, then one end record. Every record is
 *    a type byte, the instructions retired since the previous record (an
 *    unsigned LEB128 varint), then fields of its type, little-endian.
 *  - The reader trusts nothing: every length is bounded, every varint is
 *    at most 10 bytes, an unknown type or a file that ends inside a
 *    record or before the end record is an error with a message naming
 *    the byte offset, never a crash.
 *  - Decoding state (the current CR3, the last page and way of each TLB
 *    for the compact lookup form) is kept identically by writer and
 *    reader, from the records actually written.
 */
#ifndef ISOLA_TRACE_TRACEFMT_H
#define ISOLA_TRACE_TRACEFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define TF_MAGIC "ISOTRACE"
#define TF_VERSION_MAJOR 1
#define TF_VERSION_MINOR 0
#define TF_META_MAX 65536u   /* bytes of header metadata text */
#define TF_NAME_MAX 255u     /* bytes of a marker name */

/* Record types. TLB lookups use the whole range from TF_TLB up: the low
 * bits of their type byte carry the lookup (TF_TLB_* below). */
enum tf_type {
    TF_INSN = 0x01,   /* an instruction about to run */
    TF_WALK = 0x02,   /* a page-table entry read (or written back) by a walk */
    TF_FILL = 0x03,   /* a TLB fill, with the entry it evicted */
    TF_PF = 0x04,     /* a page fault delivered (vector 14) */
    TF_INT = 0x05,    /* an exception or interrupt delivered */
    TF_FLUSH = 0x06,  /* CR3 write, INVLPG, or a whole-TLB flush */
    TF_IO = 0x07,     /* a port access */
    TF_PROC = 0x08,   /* marker: the current process is pid, name */
    TF_BEGIN = 0x09,  /* marker: region name begins */
    TF_END = 0x0A,    /* marker: region name ends */
    TF_POINT = 0x0B,  /* marker: a named instant */
    TF_CR3 = 0x0C,    /* CR3 for the records that follow */
    TF_EOT = 0x0D,    /* end of trace: the last record */
    TF_TLB = 0x80     /* a TLB lookup: 0x80-0xFF */
};
#define TF_TLB_HIT 0x40u     /* type bits of a TLB lookup record */
#define TF_TLB_ITLB 0x20u    /* the instruction TLB (else data or unified) */
#define TF_TLB_ACC_SHIFT 3   /* 2 bits: 0 read, 1 write, 2 execute */
#define TF_TLB_SAME 0x04u    /* same page and way as this TLB's last lookup:
                                the page offset follows as a zigzag varint
                                difference from that lookup's */
#define TF_TLB_EXTRA 0x02u   /* a flags byte follows */
#define TF_TLB_CPL3 0x01u    /* CPL 3 (else 0); the flags byte says otherwise */
#define TF_TLBX_SYS 0x01u    /* extra flags: implicit supervisor access */
#define TF_TLBX_REWALK 0x02u /* extra flags: hit, yet walked again */
#define TF_TLBX_CPL_SHIFT 2  /* extra flags: the CPL in bits 2-3 */
#define TF_NOWAY 0xFFu

/* Access kinds as the records store them. */
enum tf_acc { TF_READ = 0, TF_WRITE = 1, TF_EXEC = 2 };
/* TF_FILL attribute bits. */
#define TF_ATTR_USER 0x01u
#define TF_ATTR_WRITE 0x02u
#define TF_ATTR_NX 0x04u
#define TF_ATTR_GLOBAL 0x08u
#define TF_ATTR_LARGE 0x10u
#define TF_ATTR_DIRTY 0x20u
#define TF_ATTR_EVICT 0x80u  /* a valid entry was evicted: its vpn follows */
/* TF_WALK flags: as WALKEV_* in cpu.h. */
#define TF_WALK_CACHED 0x01u
#define TF_WALK_AD 0x02u
/* TF_INT flags. */
#define TF_INT_HW 0x01u      /* an exception or IRQ, not INT n */
#define TF_INT_ERR 0x02u     /* an error code was pushed */
#define TF_INT_OLD_SHIFT 2   /* old CPL, 2 bits */
#define TF_INT_NEW_SHIFT 4   /* new CPL, 2 bits */
#define TF_INT_NEW_UNKNOWN 0x40u
/* TF_FLUSH kinds: as enum flush_kind in cpu.h. */
enum tf_flush { TF_FLUSH_CR3 = 0, TF_FLUSH_INVLPG = 1, TF_FLUSH_ALL = 2 };

/* ---- writing ---- */

struct tf_pipe;
struct tf_writer {
    struct tf_pipe *pipe;  /* the compressing thread and its buffers */
    uint8_t *buf;          /* the buffer being filled */
    size_t len;
    uint64_t icount;       /* at the last record */
    uint32_t cr3;
    bool cr3_known;
    uint32_t last_vpn[2];  /* [1]: ITLB */
    uint8_t last_way[2];
    uint16_t last_off[2];  /* page offset of the last lookup */
    uint64_t records;
};

/* Create path and write the header with the metadata text (key=value
 * lines). On failure returns false with a message in err. */
bool tfw_open(struct tf_writer *w, const char *path, const char *meta, char *err,
              size_t errlen);
/* Write the end record and close. False if any write failed. */
bool tfw_close(struct tf_writer *w, uint64_t icount, uint64_t dropped, char *err,
               size_t errlen);

/* Records. icount is the number of instructions retired so far (the
 * instruction a record belongs to is icount + 1). tfw_cr3 is written by
 * the caller whenever CR3 differs from w->cr3 before a record that
 * depends on it. */
void tfw_cr3(struct tf_writer *w, uint64_t icount, uint32_t cr3);
void tfw_tlb(struct tf_writer *w, uint64_t icount, uint32_t lin, unsigned acc, bool itlb,
             unsigned cpl, bool sys, bool hit, bool rewalk, unsigned way);
void tfw_walk(struct tf_writer *w, uint64_t icount, unsigned level, unsigned flags,
              uint64_t paddr, uint64_t value);
void tfw_fill(struct tf_writer *w, uint64_t icount, bool itlb, unsigned way, uint32_t vpn,
              uint32_t pfn, unsigned attr, uint32_t evicted_vpn);
void tfw_pf(struct tf_writer *w, uint64_t icount, uint32_t cr2, uint32_t err, uint16_t cs,
            uint32_t eip);
void tfw_int(struct tf_writer *w, uint64_t icount, unsigned vec, unsigned flags, uint32_t err,
             uint16_t cs, uint32_t eip);
void tfw_flush(struct tf_writer *w, uint64_t icount, unsigned kind, uint32_t arg,
               unsigned dropped);
void tfw_io(struct tf_writer *w, uint64_t icount, uint16_t port, unsigned size, bool out,
            uint32_t v);
void tfw_insn(struct tf_writer *w, uint64_t icount, uint16_t cs, uint32_t eip,
              const uint8_t *bytes, unsigned n);
/* TF_PROC, TF_BEGIN, TF_END, TF_POINT */
void tfw_marker(struct tf_writer *w, uint64_t icount, unsigned type, uint32_t pid,
                const char *name);

/* ---- reading ---- */

struct tf_header {
    unsigned major, minor;
    char *meta;            /* NUL-terminated metadata text */
    /* from the metadata, 0 when absent */
    unsigned itlb_sets, dtlb_sets;
    bool unified;
    uint64_t ips;          /* instructions per emulated second */
};

/* One decoded record; which fields mean something depends on type. */
struct tf_record {
    unsigned type;         /* enum tf_type; TF_TLB for every lookup */
    uint64_t icount;
    uint32_t cr3;          /* CR3 current at this record */
    uint64_t offset;       /* where it starts in the uncompressed stream */
    /* TF_TLB */
    uint32_t lin;
    unsigned acc, cpl, way, set;  /* way TF_NOWAY on a miss */
    bool itlb, hit, sys, rewalk;
    /* TF_WALK */
    unsigned level, flags;
    uint64_t paddr, value;
    /* TF_FILL (itlb, way, set too) */
    uint32_t vpn, pfn, evicted_vpn;
    unsigned attr;
    /* TF_PF, TF_INT (flags too) */
    uint32_t cr2, err, eip;
    uint16_t cs;
    unsigned vec;
    /* TF_FLUSH */
    unsigned kind, dropped;
    uint32_t arg;
    /* TF_IO */
    uint16_t port;
    unsigned size;
    bool out;
    uint32_t v;
    /* TF_INSN */
    uint8_t bytes[15];
    unsigned nbytes;
    /* markers */
    uint32_t pid;
    char name[TF_NAME_MAX + 1];
    /* TF_EOT */
    uint64_t dropped_records;
};

struct tf_reader {
    void *gz;
    const char *path;
    uint8_t *buf;
    size_t pos, len;
    uint64_t base;         /* stream offset of buf[0] */
    bool eof;
    struct tf_header hdr;
    uint64_t icount;
    uint32_t cr3;
    uint32_t last_vpn[2];
    uint8_t last_way[2];
    uint16_t last_off[2];
    bool done;             /* the end record was read */
    char err[256];
};

/* Open and read the header. False with a message in r->err. */
bool tfr_open(struct tf_reader *r, const char *path);
/* The next record: 1, or 0 after the end record, or -1 with r->err. */
int tfr_next(struct tf_reader *r, struct tf_record *rec);
void tfr_close(struct tf_reader *r);

/* Names for printing. */
const char *tf_type_name(unsigned type);
const char *tf_acc_name(unsigned acc);     /* "r", "w", "x" */
const char *tf_flush_name(unsigned kind);  /* "cr3", "invlpg", "all" */

#endif
