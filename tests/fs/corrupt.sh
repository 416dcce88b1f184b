#!/bin/sh
# corrupt.sh: damaged images give errors and console lines, never a crash
# (run it in the sanitizer build to catch any stray access): bad
# superblocks and descriptors, features we cannot handle, block numbers
# past the end or onto metadata, broken directory records, bad inode
# numbers, loops in the indirect blocks, blocks shared by two files.
. "${srcdir:-.}/tests/fs/lib.sh"

make_staging "$tmp/st"
kinds="badmagic blocksize blockcount short inodecount gdt rootfile blockpast blockmeta
       reclen0 reclenbig reclenodd namelen badino reservedino zerolinks badmode
       indloop dindloop tindloop shared dirhole dirsize hugesize symlinklen extents bitmap
       ibitmap"
for bs in 1024 4096; do
    mkimage "$tmp/good" $bs 32M "$tmp/st" >/dev/null
    for kind in $kinds; do
        "$TEST_FS" mkcorrupt "$tmp/good" $kind "$tmp/bad" >/dev/null 2>&1 ||
            { fail "mkcorrupt $kind"; continue; }
        "$TEST_FS" corrupt "$tmp/bad" $kind >"$tmp/out" 2>&1 ||
            fail "$kind ($bs-byte blocks): $(grep -v '^ext2\|^bcache' "$tmp/out" | head -20)"
    done
done

# features: a journal that needs recovery, ext4, a read-only feature
"$MKE2FS" -q -F -t ext3 -d "$tmp/st" "$tmp/bad" 32M >/dev/null 2>&1 &&
    "$DEBUGFS" -w -R "feature needs_recovery" "$tmp/bad" >/dev/null 2>&1 &&
    run "$TEST_FS" corrupt "$tmp/bad" journal
"$MKE2FS" -q -F -t ext4 -d "$tmp/st" "$tmp/bad" 32M >/dev/null 2>&1 &&
    run "$TEST_FS" corrupt "$tmp/bad" ext4
mkimage "$tmp/bad" 1024 32M "$tmp/st" >/dev/null
"$DEBUGFS" -w -R "feature huge_file" "$tmp/bad" >/dev/null 2>&1 &&
    run "$TEST_FS" corrupt "$tmp/bad" rocompat
exit $((failures != 0))
