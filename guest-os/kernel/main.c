/*
 * main.c: the order in which the kernel comes up. entry.S arrives here on
 * the boot stack with the boot page directory; when kmain is done, the
 * first process is ready and the boot thread becomes the idle thread.
 */
#include "ata.h"
#include "cmdline.h"
#include "console.h"
#include "exec.h"
#include "fs.h"
#include "fs/blockdev.h"
#include "gdt.h"
#include "kalloc.h"
#include "ktime.h"
#include "lib.h"
#include "mmu.h"
#include <isola/multiboot.h>
#include "pageout.h"
#include "pagetable.h"
#include "pic.h"
#include "proc.h"
#include "region.h"
#include "sched.h"
#include "segmode.h"
#include "swap.h"
#include "syscall.h"
#include "trap.h"
#include "vm.h"

extern char kernel_start[], kernel_end[];

struct boot_module {
    uint32_t start, end;
};

static const char *cmdline_of(const struct multiboot_info *mbi)
{
    return (mbi->flags & MBI_CMDLINE) ? P2V(mbi->cmdline) : "";
}

/* A root file system image in RAM is the first Multiboot module. */
static struct boot_module find_root(const struct multiboot_info *mbi)
{
    struct boot_module root = {0, 0};
    if ((mbi->flags & MBI_MODS) && mbi->mods_count > 0) {
        const struct multiboot_module *m = P2V(mbi->mods_addr);
        if (m->end > m->start)
            root = (struct boot_module){m->start, m->end};
    }
    return root;
}

static void memory_init(const struct multiboot_info *mbi, struct boot_module root)
{
    uint32_t top = kalloc_detect(mbi);
    if (root.end > top)
        panic("the root image (%x-%x) lies beyond the RAM the kernel maps", root.start, root.end);
    if (!segmode())
        paging_init(top);
    kalloc_reserve(V2P(kernel_start), V2P(kernel_end));
    if (root.end)
        kalloc_reserve(root.start, root.end);
    if (segmode())
        segmode_carve(top);
    kalloc_init();
    vm_init(boot_options.isolation, boot_options.segsize);
    if (segmode()) {
        segmode_pool_ready();
        printk(KERN_INFO "memory: %u KiB free for the kernel, %u KiB for processes, of %u MiB\n",
               pages_free() * 4, region_pages_free() * 4, top >> 20);
        segmode_report();
        return;
    }
    printk(KERN_INFO "memory: %u KiB free of %u MiB; %s paging%s%s\n", pages_free() * 4,
           top >> 20, paging_pae ? "PAE" : "two-level", paging_nx ? ", NX" : "",
           paging_pge ? ", global pages" : "");
}

/* The device root= names: "ram" (the boot module), "hda"/"hdb" (the
 * primary master or slave, whole) or "hdaN"/"hdbN" (its MBR partition N,
 * 1-4). Without root=, the boot module when there is one (-initrd),
 * else hda1 (the disk image's root partition). */
static struct blockdev *root_device(struct boot_module mod)
{
    const char *r = boot_options.root[0] ? boot_options.root : mod.end ? "ram" : "hda1";
    if (!strcmp(r, "ram")) {
        if (!mod.end)
            panic("root=ram, but the boot loader passed no root image (-initrd)");
        struct blockdev *d = ramdisk_create(P2V(mod.start), mod.end - mod.start);
        if (!d)
            panic("no memory for the RAM disk");
        return d;
    }
    if (r[0] == 'h' && r[1] == 'd' && (r[2] == 'a' || r[2] == 'b') &&
        (!r[3] || (r[3] >= '1' && r[3] <= '4' && !r[4]))) {
        struct blockdev *d = ata_disk((unsigned)(r[2] - 'a'));
        if (!d)
            panic("root=%s: there is no disk hd%c", r, r[2]);
        if (r[3] && !(d = partition_open(d, (unsigned)(r[3] - '0'))))
            panic("root=%s: no such partition", r);
        return d;
    }
    panic("root=%s: not ram, hda, hdb, hdaN or hdbN", r);
}

static void start_init(void)
{
    struct proc *p = proc_alloc();
    struct thread *t = p ? thread_alloc(p) : NULL;
    if (!t)
        panic("no memory for init");
    p->pgid = p->sid = p->pid;
    proc_set_init(p);
    for (int fd = 0; fd < 3; fd++) {
        struct object *con = console_open(O_RDWR);
        if (!con || handle_install(p, con, 0, fd) != fd)
            panic("no console for init");
    }
    static char *const envp[] = {"HOME=/", "PATH=/bin:/sbin", "TERM=vt100", NULL};
    struct strvec argv = {NULL, 0, boot_options.init_argv}, env = {NULL, 0, envp};
    int r = exec_program(p, t, boot_options.init, &argv, &env);
    if (r < 0)
        panic("cannot run %s (error %d)", boot_options.init, -r);
    uint32_t f = irq_save();
    thread_make_ready(t);
    irq_restore(f);
}

void kmain(uint32_t magic, uint32_t mbi_pa)
{
    const struct multiboot_info *mbi = P2V(mbi_pa);
    const char *line = magic == MULTIBOOT_BOOT_MAGIC ? cmdline_of(mbi) : "";
    cmdline_parse(line);
    gdt_init(segmode() ? KERNEL_SEG_BASE : 0, boot_options.isolation == ISOLATION_NONE ? 0 : 3);
    if (segmode())
        segmode_paging_off();
    idt_init(boot_options.isolation != ISOLATION_NONE);
    pic_init();
    console_init();
    printk(KERN_INFO "isola kernel, command line: %s\n", line);
    if (magic != MULTIBOOT_BOOT_MAGIC)
        panic("not started by a Multiboot loader (eax = %x)", magic);
    cmdline_report();
    struct boot_module root = find_root(mbi);
    memory_init(mbi, root);
    sched_init();
    syscall_init();
    rtc_init();
    timer_init();
    ata_init(boot_options.ata_pio);
    struct blockdev *rootdev = root_device(root);
    if (fs_mount(rootdev) < 0)
        panic("the root file system on %s cannot be mounted", rootdev->name);
    printk(KERN_INFO "root: ext2 on %s\n", rootdev->name);
    if (segmode() && boot_options.swap[0])
        printk("swap: swap=%s refused: isolation=%s has no paging to page with\n",
               boot_options.swap, boot_options.isolation == ISOLATION_SEG ? "seg" : "none");
    else
        swap_init(boot_options.swap, rootdev);
    pageout_init();
    fs_start_writeback();
    start_init();
    sched_run_idle();
}
