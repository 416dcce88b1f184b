#!/bin/sh
# loader.sh: images the loader must refuse (one "isola: FILE: ..." line,
# exit status 2, never a crash) and the odd ones it must accept. The test
# images are written byte by byte here, so every field's offset is known.
. "${srcdir:-$(dirname "$0")/../..}/tests/cli/lib.sh"

# hex2bin HEX...: the bytes, written to stdout
hex2bin() {
    for b in "$@"; do
        printf "\\$(printf '%03o' "0x$b")"
    done
}

# A minimal Multiboot ELF: ELF header, one PT_LOAD program header at 0x34,
# the Multiboot header at 0x54 and code at 0x60 that prints "k" and exits
# with 0. The whole file loads at 0x100000, with 0x1000 bytes of bss.
CODE="b0 6b e6 e9 b0 00 e6 f4 f4"   # mov al,'k'; out 0xe9,al; mov al,0; out 0xf4,al; hlt
mkelf() {
    {
        hex2bin 7f 45 4c 46 01 01 01 00 00 00 00 00 00 00 00 00  # ident
        hex2bin 02 00 03 00 01 00 00 00 60 00 10 00 34 00 00 00  # EXEC, 386, v1, entry, phoff
        hex2bin 00 00 00 00 00 00 00 00 34 00 20 00 01 00 00 00  # shoff, flags, ehsize, phentsize, phnum
        hex2bin 00 00 00 00                                      # shentsize, shnum, shstrndx
        hex2bin 01 00 00 00 00 00 00 00 00 00 10 00 00 00 10 00  # PT_LOAD, offset 0, vaddr, paddr
        hex2bin 69 00 00 00 69 10 00 00 07 00 00 00 00 10 00 00  # filesz, memsz, RWX, align
        hex2bin 02 b0 ad 1b 00 00 00 00 fe 4f 52 e4              # Multiboot header, flags 0
        hex2bin $CODE
    } >"$1"
}
E_TYPE=16 E_MACHINE=18 E_ENTRY=24 E_PHOFF=28 E_PHENTSIZE=42 E_PHNUM=44
P_TYPE=52 P_OFFSET=56 P_VADDR=60 P_PADDR=64 P_FILESZ=68 P_MEMSZ=72
MB_FLAGS=88 MB_CHECKSUM=92

elf=$tmp/k.elf
mkelf "$elf"

# The image as built runs, through -kernel and as a plain FILE.
run 1 -kernel "$elf" && out_is k
run 1 "$elf" && out_is k

# bad() FIELD-PATCHES... -- PREFIX: patch a fresh copy and expect refusal.
n=0
refuse() {
    prefix=$1
    shift
    usage_error "$prefix" -kernel "$@"
}
variant() {
    n=$((n + 1))
    v=$tmp/v$n.elf
    mkelf "$v"
    while [ $# -gt 0 ]; do
        case $1 in
        b:*) off=${1#b:}; patch_bytes "$v" "$off" "$2" 1 ;;
        h:*) off=${1#h:}; patch16 "$v" "$off" "$2" ;;
        w:*) off=${1#w:}; patch32 "$v" "$off" "$2" ;;
        esac
        shift 2
    done
}

variant b:4 2;                     refuse "$v: not an ELF32 i386 file" "$v"
variant b:5 2;                     refuse "$v: not an ELF32 i386 file" "$v"
variant h:$E_MACHINE 62;           refuse "$v: not an ELF32 i386 file" "$v"
variant h:$E_TYPE 3;               refuse "$v: not an executable ELF" "$v"
variant w:$E_PHOFF 0xFFFFFFF0;     refuse "$v: truncated ELF: program headers" "$v"
variant h:$E_PHNUM 0xFFFF;         refuse "$v: truncated ELF: program headers" "$v"
variant h:$E_PHNUM 0;              refuse "$v: ELF has no program headers" "$v"
variant h:$E_PHENTSIZE 8;          refuse "$v: bad ELF program header size 8" "$v"
variant w:$P_TYPE 4;               refuse "$v: ELF has no loadable segments" "$v"
variant w:$P_OFFSET 0xFFFFFFFF;    refuse "$v: truncated ELF: segment 0" "$v"
variant w:$P_OFFSET 0x60;          refuse "$v: truncated ELF: segment 0" "$v"
variant w:$P_FILESZ 0x2000;        refuse "$v: bad ELF segment 0: file size 0x2000 exceeds" "$v"
variant w:$P_FILESZ 0xFFFFFFFF w:$P_MEMSZ 0xFFFFFFFF
                                   refuse "$v: truncated ELF: segment 0" "$v"
variant w:$P_PADDR 0xFFFFF000;     refuse "$v: would load at 0xfffff000-0x100000069, outside RAM (128 MiB)" "$v"
variant w:$P_MEMSZ 0xFFFFFFFF;     refuse "$v: would load at 0x00100000-0x1000fffff, outside RAM" "$v"
variant w:$P_PADDR 0x9000;         refuse "$v: would load at 0x00009000-0x0000a069, over the boot information area" "$v"
variant w:$P_PADDR 0x7000;         refuse "$v: would load at 0x00007000-0x00008069, over the boot information area" "$v"
variant w:$E_ENTRY 0xF0000000;     refuse "$v: entry point 0xf0000000 lies outside RAM" "$v"
variant w:$MB_CHECKSUM 0;          refuse "$v: Multiboot header at offset 0x54 has a bad checksum" "$v"
bad_checksum=$v
variant w:$MB_FLAGS 0x8 w:$MB_CHECKSUM 0xE4524FF6
                                   refuse "$v: the Multiboot header requires features isola lacks (flags 0x0008)" "$v"
usage_error "$bad_checksum: ELF file without a Multiboot header" "$bad_checksum"
usage_error "$elf: would load at 0x00100000-0x00101069, outside RAM (1 MiB)" -m 1 -kernel "$elf"

# Accepted oddities: flags 0-2 and 16+ optional bits, a segment just below
# the boot information area, a higher-half entry point.
variant w:$MB_FLAGS 0x7 w:$MB_CHECKSUM 0xE4524FF7
run 1 -kernel "$v" && out_is k
variant w:$P_VADDR 0xC0100000 w:$E_ENTRY 0xC0100060
run 1 -kernel "$v" && out_is k

# Truncated files.
head -c 100 "$elf" >"$tmp/t100.elf"
refuse "$tmp/t100.elf: truncated ELF: segment 0 (offset 0x0, size 0x69)" "$tmp/t100.elf"
head -c 60 "$elf" >"$tmp/t60.elf"
refuse "$tmp/t60.elf: not a Multiboot kernel" "$tmp/t60.elf"
usage_error "$tmp/t60.elf: ELF file without a Multiboot header" "$tmp/t60.elf"

# Files that are not there or not files.
refuse "$tmp/nope: No such file or directory" "$tmp/nope"
usage_error "$tmp/nope: No such file or directory" "$tmp/nope"
refuse "$tmp: is a directory" "$tmp"
: >"$tmp/empty"
usage_error "$tmp/empty: empty file" "$tmp/empty"
cp "$elf" "$tmp/locked.elf"
chmod 000 "$tmp/locked.elf"
if ! cat "$tmp/locked.elf" >/dev/null 2>&1; then   # root reads anyway
    refuse "$tmp/locked.elf: Permission denied" "$tmp/locked.elf"
fi
printf 'not a kernel\n' >"$tmp/text"
refuse "$tmp/text: not a Multiboot kernel" "$tmp/text"

# The command line must fit the boot information area.
long=$(head -c 7700 /dev/zero | tr '\0' x)
refuse "$elf: command line (kernel path and -append) is" "$elf" -append "$long"

# A Multiboot image that is not ELF and lacks the address fields (flag 16).
{ hex2bin 02 b0 ad 1b 00 00 00 00 fe 4f 52 e4; hex2bin $CODE; } >"$tmp/noaddr.bin"
refuse "$tmp/noaddr.bin: Multiboot kernel is neither ELF nor gives load addresses" "$tmp/noaddr.bin"

# The a.out kludge: header at offset 0 with flag 16, addresses at 0x200000,
# entry at 0x200020.
mkaout() {
    {
        hex2bin 02 b0 ad 1b 00 00 01 00 fe 4f 51 e4    # magic, flags 0x10000, checksum
        hex2bin 00 00 20 00 00 00 20 00                # header_addr, load_addr
        hex2bin 00 00 00 00 00 10 20 00                # load_end_addr (0: all), bss_end_addr
        hex2bin 20 00 20 00                            # entry_addr
        hex2bin $CODE
    } >"$1"
}
aout=$tmp/aout.bin
mkaout "$aout"
run 1 -kernel "$aout" && out_is k
avariant() {
    n=$((n + 1))
    v=$tmp/a$n.bin
    mkaout "$v"
    patch32 "$v" "$1" "$2"
}
avariant 16 0x200010;   refuse "$v: Multiboot load_addr 0x00200010 does not fit header_addr" "$v"
avariant 12 0x200010;   refuse "$v: Multiboot load_addr 0x00200000 does not fit header_addr" "$v"
avariant 20 0x1FFFFF;   refuse "$v: Multiboot load_end_addr 0x001fffff is below load_addr" "$v"
avariant 20 0x300000;   refuse "$v: truncated: Multiboot load_end_addr 0x00300000" "$v"
avariant 24 0x200004;   refuse "$v: Multiboot bss_end_addr 0x00200004 is below the loaded image" "$v"
avariant 28 0x7FFFFFFF; refuse "$v: entry point 0x7fffffff lies outside RAM" "$v"
n=$((n + 1)); v=$tmp/a$n.bin
mkaout "$v"; patch32 "$v" 12 0xFFFFF000; patch32 "$v" 16 0xFFFFF000; patch32 "$v" 24 0
refuse "$v: would load at 0xfffff000-0xfffff029, outside RAM" "$v"
head -c 20 "$aout" >"$tmp/short.bin"
refuse "$tmp/short.bin: Multiboot header at offset 0x0 is cut short" "$tmp/short.bin"

# Flat binaries: anything without a header, placed by -load.
hex2bin $CODE >"$tmp/flat.bin"
run 1 "$tmp/flat.bin" && out_is k
run 1 -load 0x8000 "$tmp/flat.bin" && out_is k
run 1 -m 1 -load 0xFFFF7 "$tmp/flat.bin" && out_is k
usage_error "$tmp/flat.bin: would load at 0x000ffff8-0x00100001, outside RAM (1 MiB)" \
    -m 1 -load 0xFFFF8 "$tmp/flat.bin"
usage_error "$tmp/flat.bin: would load at 0xfffffff0-0xfffffff9, outside RAM" \
    -load 0xFFFFFFF0 "$tmp/flat.bin"

finish
