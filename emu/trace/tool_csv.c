/*
 * tool_csv.c: isola-trace csv: one line per record, in a fixed set of
 * columns (docs/trace-format.md, "CSV"), fields a record does not have
 * left empty.
 *
 * Rules kept here:
 *  - Every record of the file becomes one line, CR3 and end records
 *    included, so the CSV says everything the file says.
 *  - Numbers that are addresses or register values are hex with 0x,
 *    counts are decimal; guest names are quoted, quotes doubled, bytes
 *    outside printable ASCII written as \xHH.
 */
#include <inttypes.h>
#include <string.h>

#include "trace/tool.h"

static const char header[] =
    "icount,event,cr3,pid,process,cpl,tlb,acc,result,lin,set,way,paddr,level,value,"
    "vec,err,eip,detail\n";

static void quoted(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"')
            fputs("\"\"", out);
        else if (ch < 0x20 || ch >= 0x7F || ch == '\\')
            fprintf(out, "\\x%02x", ch);
        else
            fputc(ch, out);
    }
    fputc('"', out);
}

static const char *tlb_name(const struct tf_reader *r, bool itlb)
{
    return r->hdr.unified ? "U" : itlb ? "I" : "D";
}

static void attrs(char *buf, size_t len, unsigned a)
{
    static const char *const names[] = {"U", "W", "NX", "G", "L", "D"};
    buf[0] = '\0';
    for (unsigned b = 0; b < 6; b++)
        if (a & (1u << b))
            snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", buf[0] ? "|" : "",
                     names[b]);
}

/* columns from cpl on, by event */
static void fields(FILE *out, const struct tf_reader *r, const struct tf_record *x)
{
    char buf[64];
    switch (x->type) {
    case TF_TLB:
        fprintf(out, "%u,%s,%s,%s,0x%08x,%u,", x->cpl, tlb_name(r, x->itlb), tf_acc_name(x->acc),
                x->hit ? "hit" : "miss", x->lin, x->set);
        if (x->hit)
            fprintf(out, "%u", x->way);
        fprintf(out, ",,,,,,,%s%s%s\n", x->sys ? "sys" : "", x->sys && x->rewalk ? "|" : "",
                x->rewalk ? "rewalk" : "");
        return;
    case TF_FILL:
        attrs(buf, sizeof buf, x->attr);
        fprintf(out, ",%s,,,0x%08x,%u,%u,0x%09" PRIx64 ",,,,,,%s", tlb_name(r, x->itlb),
                x->lin, x->set, x->way, (uint64_t)x->pfn << 12, buf);
        if (x->attr & TF_ATTR_EVICT)
            fprintf(out, "%sevict=0x%08x", buf[0] ? " " : "", x->evicted_vpn << 12);
        fputc('\n', out);
        return;
    case TF_WALK:
        fprintf(out, ",,,,,,,0x%09" PRIx64 ",%u,0x%" PRIx64 ",,,,%s\n", x->paddr, x->level,
                x->value, (x->flags & TF_WALK_AD) ? "ad" : (x->flags & TF_WALK_CACHED) ? "cached" : "");
        return;
    case TF_PF:
        fprintf(out, ",,,,0x%08x,,,,,,14,0x%x,0x%08x,cs=0x%04x\n", x->cr2, x->err, x->eip, x->cs);
        return;
    case TF_INT:
        fprintf(out, "%u,,,,,,,,,,%u,", (x->flags >> TF_INT_OLD_SHIFT) & 3, x->vec);
        if (x->flags & TF_INT_ERR)
            fprintf(out, "0x%x", x->err);
        fprintf(out, ",0x%08x,cs=0x%04x %s cpl=", x->eip, x->cs,
                (x->flags & TF_INT_HW) ? "hw" : "soft");
        if (x->flags & TF_INT_NEW_UNKNOWN)
            fprintf(out, "?\n");
        else
            fprintf(out, "%u\n", (x->flags >> TF_INT_NEW_SHIFT) & 3);
        return;
    case TF_FLUSH:
        fprintf(out, ",,,,");
        if (x->kind == TF_FLUSH_INVLPG)
            fprintf(out, "0x%08x", x->arg);
        fprintf(out, ",,,,,");
        if (x->kind == TF_FLUSH_CR3)
            fprintf(out, "0x%08x", x->arg);
        fprintf(out, ",,,,%s dropped=%u\n", tf_flush_name(x->kind), x->dropped);
        return;
    case TF_IO:
        fprintf(out, ",,,,,,,,,0x%x,,,,%s port=0x%04x size=%u\n", x->v, x->out ? "out" : "in",
                x->port, x->size);
        return;
    case TF_INSN:
        fprintf(out, ",,,,,,,,,,,,0x%08x,cs=0x%04x", x->eip, x->cs);
        for (unsigned k = 0; k < x->nbytes; k++)
            fprintf(out, "%s%02x", k ? " " : " bytes=", x->bytes[k]);
        fputc('\n', out);
        return;
    case TF_CR3:
        fprintf(out, ",,,,,,,,,0x%08x,,,,\n", x->cr3);
        return;
    case TF_EOT:
        fprintf(out, ",,,,,,,,,,,,,dropped=%" PRIu64 "\n", x->dropped_records);
        return;
    default:   /* markers */
        fprintf(out, ",,,,,,,,,,,,,");
        quoted(out, x->name);
        fputc('\n', out);
    }
}

int cmd_csv(struct tf_reader *r, FILE *out)
{
    struct replay rp = {0};
    struct tf_record rec;
    int st, ended;
    fputs(header, out);
    while ((st = tfr_next(r, &rec)) > 0) {
        replay_record(&rp, &rec, &ended);
        fprintf(out, "%" PRIu64 ",%s,0x%08x,", rec.icount, tf_type_name(rec.type), rec.cr3);
        bool marker = rec.type >= TF_PROC && rec.type <= TF_POINT;
        if (marker || rp.named)
            fprintf(out, "%u", marker ? rec.pid : rp.pid);
        fputc(',', out);
        if (rp.named)
            quoted(out, rp.name);
        fputc(',', out);
        fields(out, r, &rec);
    }
    return st < 0 ? tool_read_error(r) : 0;
}
