#!/usr/bin/env python3
"""mkhostile.py: broken qcow2 images made from valid ones, one field at a time.

    mkhostile.py PLAIN COMPRESSED OUTDIR

PLAIN is a valid v3 qcow2 image with 64 KiB clusters whose first guest
cluster holds data (an L2 table and a data cluster); COMPRESSED the same
with the first cluster compressed (isola-img convert -c). Writes
OUTDIR/{open,read,any}/NAME.qcow2:
  open/  the image must not open: info, check and convert fail (one line)
  read/  the image opens, reading the data fails: convert fails (one line)
  any/   odd but survivable: anything but a crash or a hang
"""
import os
import struct
import sys
import zlib

plain = bytearray(open(sys.argv[1], 'rb').read())
comp = bytearray(open(sys.argv[2], 'rb').read())
out = sys.argv[3]
for d in ('open', 'read', 'any'):
    os.makedirs(os.path.join(out, d), exist_ok=True)

OFF_MASK = 0x00fffffffffffe00


def get(img, fmt, off):
    return struct.unpack_from('>' + fmt, img, off)[0]


def put(img, fmt, off, val):
    img = bytearray(img)
    struct.pack_into('>' + fmt, img, off, val)
    return img


def save(kind, name, img):
    with open(os.path.join(out, kind, name + '.qcow2'), 'wb') as f:
        f.write(img)


cs = 1 << get(plain, 'I', 20)
end = (len(plain) + cs - 1) // cs * cs + 64 * cs   # aligned, past the end
l1 = get(plain, 'Q', 40)
l2 = get(plain, 'Q', l1) & OFF_MASK
assert l2, 'PLAIN has no L2 table'
c_l1 = get(comp, 'Q', 40)
c_l2 = get(comp, 'Q', c_l1) & OFF_MASK
c_entry = get(comp, 'Q', c_l2)
assert c_entry >> 62 & 1, 'COMPRESSED has no compressed first cluster'
shift = 70 - get(comp, 'I', 20)
c_off = c_entry & ((1 << shift) - 1)


def with_backing(img, name):
    """Stores a backing file name at byte 1024 of the header cluster."""
    raw = name.encode()
    img = put(img, 'Q', 8, 1024)
    img = put(img, 'I', 16, len(raw))
    img[1024:1024 + len(raw)] = raw
    return img


# ---- the header: open must fail ----
save('open', 'truncated-header', plain[:40])
save('open', 'truncated-v3-header', plain[:90])
save('open', 'version-4', put(plain, 'I', 4, 4))
save('open', 'cluster-bits-40', put(plain, 'I', 20, 40))
save('open', 'cluster-bits-8', put(plain, 'I', 20, 8))
save('open', 'size-2-63', put(plain, 'Q', 24, 1 << 63))
save('open', 'encrypted', put(plain, 'I', 32, 1))
save('open', 'l1-huge', put(plain, 'I', 36, 0x7fffffff))
save('open', 'l1-too-small', put(plain, 'I', 36, 0))
save('open', 'l1-past-eof', put(plain, 'Q', 40, end))
save('open', 'l1-unaligned', put(plain, 'Q', 40, l1 + 8))
save('open', 'l1-offset-0', put(plain, 'Q', 40, 0))
save('open', 'refcount-table-offset-0', put(plain, 'Q', 48, 0))
save('open', 'refcount-table-past-eof', put(plain, 'Q', 48, end))
save('open', 'refcount-table-unaligned', put(plain, 'Q', 48, cs + 512))
save('open', 'refcount-table-huge', put(plain, 'I', 56, 0xffffffff))
save('open', 'refcount-table-empty', put(plain, 'I', 56, 0))
save('open', 'snapshots-too-many', put(plain, 'I', 60, 0x10000000))
save('open', 'snapshots-past-eof',
     put(put(plain, 'I', 60, 1), 'Q', 64, end))
save('open', 'incompatible-bit-20', put(plain, 'Q', 72, 1 << 20))
save('open', 'external-data-file', put(plain, 'Q', 72, 1 << 2))
save('open', 'zstd', put(plain, 'Q', 72, 1 << 3))
save('open', 'extended-l2', put(plain, 'Q', 72, 1 << 4))
save('open', 'refcount-order-7', put(plain, 'I', 96, 7))
save('open', 'header-length-odd', put(plain, 'I', 100, 107))
save('open', 'header-length-huge', put(plain, 'I', 100, 0xfffffff8))
hx = put(put(plain, 'I', 104, 0x12345678), 'I', 108, 0xfffffff0)
save('open', 'header-extension-overrun', hx)
save('open', 'backing-name-too-long',
     put(put(plain, 'Q', 8, 512), 'I', 16, 5000))
save('open', 'backing-name-past-eof',
     put(put(plain, 'Q', 8, end), 'I', 16, 10))
save('open', 'backing-name-nul', with_backing(plain, 'a\0b'))
save('open', 'backing-missing', with_backing(plain, 'no-such-file.qcow2'))
save('open', 'backing-self', with_backing(plain, 'backing-self.qcow2'))
save('open', 'loop-a', with_backing(plain, 'loop-b.qcow2'))
save('open', 'loop-b', with_backing(plain, 'loop-a.qcow2'))
for i in range(12):   # deep-0 is 12 deep; all end in a missing file
    save('open', 'deep-%d' % i,
         with_backing(plain, 'deep-%d.qcow2' % (i + 1)))

# ---- the tables: reading the data must fail ----
save('read', 'l2-unaligned', put(plain, 'Q', l1, (l2 + 512) | 1 << 63))
save('read', 'l2-past-eof', put(plain, 'Q', l1, (end << 8) | 1 << 63))
save('read', 'data-unaligned',
     put(plain, 'Q', l2, (get(plain, 'Q', l2) + 512)))
save('read', 'data-past-eof', put(plain, 'Q', l2, (1 << 50) | 1 << 63))
garbage = bytearray(comp)
for i in range(200):
    garbage[c_off + i] = (i * 167 + 13) & 0xff
save('read', 'compressed-garbage', garbage)
save('read', 'compressed-past-eof',
     put(comp, 'Q', c_l2, 1 << 62 | (3 << shift) | (end + 123)))
save('read', 'compressed-in-header', put(comp, 'Q', c_l2, 1 << 62 | 100))
trunc = bytearray(comp)
for i in range(c_off, len(trunc)):
    trunc[i] = 0
save('read', 'compressed-zeroed', trunc)

# ---- odd but survivable ----
save('any', 'l2-is-l1', put(plain, 'Q', l1, l1 | 1 << 63))
save('any', 'l2-is-header', put(plain, 'Q', l1, cs | 1 << 63))
save('any', 'l2-is-refcount-table', put(plain, 'Q', l1,
                                        get(plain, 'Q', 48) | 1 << 63))
save('any', 'refblock-unaligned', put(plain, 'Q', get(plain, 'Q', 48),
                                      get(plain, 'Q',
                                          get(plain, 'Q', 48)) + 512))
save('any', 'refblock-past-eof', put(plain, 'Q', get(plain, 'Q', 48), end))
# Every refcount table entry names one block that counts every cluster as
# used: an allocation must give up, not walk 2^28 clusters.
used = put(plain, 'Q', l1, 0)
rt = get(plain, 'Q', 48)
rb = get(plain, 'Q', rt)
used[rb:rb + cs] = b'\xff' * cs
for i in range(cs // 8):
    used = put(used, 'Q', rt + 8 * i, rb)
save('any', 'refcounts-all-used', used)
save('any', 'dirty', put(plain, 'Q', 72, 1))
save('any', 'corrupt', put(plain, 'Q', 72, 2))
save('any', 'autoclear-bits', put(plain, 'Q', 88, 0xffff))
save('any', 'compressed-max-sectors',
     put(comp, 'Q', c_l2, c_entry | (((1 << (62 - shift)) - 1) << shift)))
bomb = bytearray(comp)
z = zlib.compressobj(9, zlib.DEFLATED, -12)
data = z.compress(bytes(1 << 20)) + z.flush()
bomb[c_off:c_off + len(data)] = data
nsect = ((c_off + len(data) - 1) >> 9) - (c_off >> 9)
save('any', 'compressed-bomb',
     put(bomb, 'Q', c_l2, 1 << 62 | nsect << shift | c_off))
save('any', 'snapshot-table-garbage',
     put(put(plain, 'I', 60, 3), 'Q', 64, l2))
