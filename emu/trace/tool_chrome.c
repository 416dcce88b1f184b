/*
 * tool_chrome.c: isola-trace chrome: the trace as Chrome trace-event JSON
 * (the format chrome://tracing and Perfetto's UI open).
 *
 * Rules kept here:
 *  - Time is emulated time: the instruction count divided by the -icount
 *    rate in the header, in microseconds.
 *  - Each guest process is a Chrome process whose main thread shows when
 *    it ran (one slice per turn, named after it) with its page faults as
 *    instant events; each region is a slice on a thread of its own in the
 *    process that began it, so regions never have to nest. Processes told
 *    apart by CR3 only get pids from CR3_PID_BASE; the machine-wide TLB
 *    miss counters live in MACHINE_PID.
 *  - Every slice begun is ended, at the end of the trace if not before;
 *    every guest string is escaped, so the output is valid JSON whatever
 *    the guest wrote.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "trace/tool.h"

#define MACHINE_PID 2000000000u
#define CR3_PID_BASE 2000000001u
#define REGION_TID_BASE 1000000000u

struct chrome {
    FILE *out;
    double us_per_insn;
    bool first;
    struct replay rp;
    bool running;           /* a running slice is open */
    uint32_t run_pid;
    struct pmap seen_pid;   /* pids whose process_name was written, with its name hash */
    struct pmap cr3_pids;   /* CR3 -> pid, before markers */
    uint32_t next_cr3_pid;
    char regions[256][TF_NAME_MAX + 1];   /* region names -> thread ids */
    unsigned nregions;
    struct pmap region_threads;           /* (pid, region) pairs named */
    uint64_t interval, window_end;
    uint64_t misses[2], lookups[2];
    bool oom;
};

static void json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(out, "\\%c", ch);
        else if (ch < 0x20 || ch >= 0x7F)
            fprintf(out, "\\u%04x", ch);
        else
            fputc(ch, out);
    }
    fputc('"', out);
}

/* Start an event: {"ph":"X","ts":T,"pid":P,"tid":T (the caller adds the
 * rest and the closing brace). */
static void event(struct chrome *c, char ph, uint64_t icount, uint32_t pid, uint32_t tid)
{
    fprintf(c->out, "%s\n{\"ph\":\"%c\",\"ts\":%.3f,\"pid\":%u,\"tid\":%u",
            c->first ? "" : ",", ph, (double)icount * c->us_per_insn, pid, tid);
    c->first = false;
}

static void metadata(struct chrome *c, const char *what, uint32_t pid, uint32_t tid,
                     const char *name)
{
    fprintf(c->out, "%s\n{\"ph\":\"M\",\"name\":\"%s\",\"pid\":%u,\"tid\":%u,\"args\":{\"name\":",
            c->first ? "" : ",", what, pid, tid);
    json_string(c->out, name);
    fputs("}}", c->out);
    c->first = false;
}

static uint64_t name_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* The Chrome pid of the running process, naming it on first sight (and
 * again when exec changes its name). */
static uint32_t current_pid(struct chrome *c)
{
    char label[TF_NAME_MAX + 24];
    uint32_t pid;
    bool fresh;
    if (c->rp.named) {
        pid = c->rp.pid;
    } else {
        uint32_t *p = pmap_get(&c->cr3_pids, c->rp.cr3, &fresh);
        if (!p) {
            c->oom = true;
            return MACHINE_PID;
        }
        if (fresh)
            *p = c->next_cr3_pid++;
        pid = *p;
    }
    replay_process(&c->rp, label, sizeof label);
    uint64_t *h = pmap_get(&c->seen_pid, pid, &fresh);
    if (!h) {
        c->oom = true;
        return pid;
    }
    if (fresh || *h != name_hash(label)) {
        *h = name_hash(label);
        metadata(c, "process_name", pid, pid, label);
        metadata(c, "thread_name", pid, pid, "running");
    }
    return pid;
}

static void end_running(struct chrome *c, uint64_t icount)
{
    if (c->running)
        event(c, 'E', icount, c->run_pid, c->run_pid), fputc('}', c->out);
    c->running = false;
}

static void begin_running(struct chrome *c, uint64_t icount)
{
    char label[TF_NAME_MAX + 24];
    c->run_pid = current_pid(c);
    replay_process(&c->rp, label, sizeof label);
    event(c, 'B', icount, c->run_pid, c->run_pid);
    fputs(",\"cat\":\"process\",\"name\":", c->out);
    json_string(c->out, label);
    fputc('}', c->out);
    c->running = true;
}

static uint32_t region_tid(struct chrome *c, uint32_t pid, const char *name)
{
    unsigned k;
    bool fresh;
    for (k = 0; k < c->nregions; k++)
        if (strcmp(c->regions[k], name) == 0)
            break;
    if (k == c->nregions && c->nregions < 256)
        memcpy(c->regions[c->nregions++], name, TF_NAME_MAX + 1);
    uint32_t tid = REGION_TID_BASE + (k < 256 ? k : 255);
    if (pmap_get(&c->region_threads, (uint64_t)pid << 32 | tid, &fresh) && fresh) {
        char label[TF_NAME_MAX + 16];
        snprintf(label, sizeof label, "region %s", k < 256 ? name : "(more)");
        metadata(c, "thread_name", pid, tid, label);
    }
    return tid;
}

/* A region's slice lives in the process whose pid its begin marker
 * carried, on a thread of its own, and ends there. */
static void region(struct chrome *c, const struct tf_record *rec, int ended)
{
    if (rec->type == TF_BEGIN) {
        event(c, 'B', rec->icount, rec->pid, region_tid(c, rec->pid, rec->name));
        fputs(",\"cat\":\"region\",\"name\":", c->out);
        json_string(c->out, rec->name);
        fputc('}', c->out);
    } else if (ended >= 0) {
        uint32_t pid = c->rp.open_pid[ended];
        event(c, 'E', rec->icount, pid, region_tid(c, pid, rec->name));
        fputc('}', c->out);
    }
}

static void instant(struct chrome *c, const struct tf_record *rec)
{
    uint32_t pid = current_pid(c);
    event(c, 'i', rec->icount, pid, pid);
    if (rec->type == TF_POINT) {
        fputs(",\"s\":\"p\",\"cat\":\"marker\",\"name\":", c->out);
        json_string(c->out, rec->name);
        fputc('}', c->out);
        return;
    }
    fprintf(c->out, ",\"s\":\"t\",\"cat\":\"fault\",\"name\":\"page fault\",\"args\":"
            "{\"cr2\":\"0x%08x\",\"err\":\"0x%x\",\"eip\":\"0x%08x\",\"cr3\":\"0x%08x\","
            "\"access\":\"%s\",\"cause\":\"%s\",\"mode\":\"%s\"}}",
            rec->cr2, rec->err, rec->eip, rec->cr3,
            (rec->err & 16) ? "fetch" : (rec->err & 2) ? "write" : "read",
            (rec->err & 8) ? "reserved bit" : (rec->err & 1) ? "protection" : "not present",
            (rec->err & 4) ? "user" : "supervisor");
}

static void counters(struct chrome *c, uint64_t icount)
{
    while (c->interval && icount >= c->window_end) {
        event(c, 'C', c->window_end, MACHINE_PID, MACHINE_PID);
        fprintf(c->out, ",\"name\":\"TLB misses per 1000 lookups\",\"args\":"
                "{\"ITLB\":%.2f,\"DTLB\":%.2f}}",
                c->lookups[1] ? 1000.0 * (double)c->misses[1] / (double)c->lookups[1] : 0.0,
                c->lookups[0] ? 1000.0 * (double)c->misses[0] / (double)c->lookups[0] : 0.0);
        c->misses[0] = c->misses[1] = c->lookups[0] = c->lookups[1] = 0;
        c->window_end += c->interval;
        if (icount > c->window_end && icount - c->window_end > 1000 * c->interval)
            /* a long gap (the CPU idle, a filtered window): skip it */
            c->window_end = icount - icount % c->interval + c->interval;
    }
}

static void step(struct chrome *c, const struct tf_record *rec)
{
    int ended;
    bool was_named = c->rp.named;
    uint32_t old_cr3 = c->rp.cr3;
    unsigned was_open = c->rp.nopen;
    counters(c, rec->icount);
    replay_record(&c->rp, rec, &ended);
    if (rec->type == TF_PROC || (!was_named && rec->type == TF_CR3 && rec->cr3 != old_cr3) ||
        (!c->running && rec->type != TF_EOT)) {
        end_running(c, rec->icount);
        begin_running(c, rec->icount);
    }
    switch (rec->type) {
    case TF_TLB:
        c->lookups[rec->itlb]++;
        c->misses[rec->itlb] += !rec->hit;
        break;
    case TF_BEGIN: case TF_END:
        if (rec->type == TF_END || c->rp.nopen > was_open)   /* not past the most open */
            region(c, rec, ended);
        break;
    case TF_PF: case TF_POINT:
        instant(c, rec);
        break;
    default:
        break;
    }
}

/* Close what is open at the end: the running slice and open regions. */
static void finish(struct chrome *c, uint64_t icount)
{
    end_running(c, icount);
    while (c->rp.nopen) {
        struct tf_record end = {.type = TF_END, .icount = icount, .cr3 = c->rp.cr3};
        int ended;
        memcpy(end.name, c->rp.open[c->rp.nopen - 1], sizeof end.name);
        end.pid = c->rp.open_pid[c->rp.nopen - 1];
        replay_record(&c->rp, &end, &ended);
        region(c, &end, ended);
    }
}

int cmd_chrome(struct tf_reader *r, FILE *out, uint64_t interval)
{
    struct chrome c = {.out = out, .first = true, .next_cr3_pid = CR3_PID_BASE,
                       .interval = interval, .window_end = interval};
    struct tf_record rec;
    int st = 0;
    uint64_t ips = r->hdr.ips ? r->hdr.ips : 100000000u;
    c.us_per_insn = 1e6 / (double)ips;
    if (!pmap_init(&c.seen_pid, sizeof(uint64_t)) || !pmap_init(&c.cr3_pids, sizeof(uint32_t)) ||
        !pmap_init(&c.region_threads, 1))
        c.oom = true;
    fputs("{\"displayTimeUnit\":\"ns\",\"otherData\":{\"header\":", out);
    json_string(out, r->hdr.meta);
    fputs("},\"traceEvents\":[", out);
    metadata(&c, "process_name", MACHINE_PID, MACHINE_PID, "machine (TLB miss rates)");
    while (!c.oom && (st = tfr_next(r, &rec)) > 0)
        step(&c, &rec);
    if (!c.oom && st == 0)
        finish(&c, r->icount);
    fputs("\n]}\n", out);
    pmap_free(&c.seen_pid);
    pmap_free(&c.cr3_pids);
    pmap_free(&c.region_threads);
    if (c.oom) {
        fprintf(stderr, "isola-trace: out of memory\n");
        return 1;
    }
    return st < 0 ? tool_read_error(r) : 0;
}
