/*
 * ext2.h: the ext2 on-disk format, revision 0 and 1, as described in
 * "The Second Extended File System" (Dave Poirier, nongnu.org/ext2-doc;
 * section names below refer to it) and e2fsprogs' lib/ext2fs/ext2_fs.h
 * for the fields later revisions gave meaning to.
 *
 * Everything is little-endian on disk, as on x86, so the structures are
 * used in place. All fields are naturally aligned: no packing needed.
 */
#ifndef KERNEL_FS_EXT2_H
#define KERNEL_FS_EXT2_H

#include <stdint.h>

#define EXT2_SUPER_OFFSET 1024       /* bytes from the start of the device */
#define EXT2_SUPER_MAGIC 0xEF53
#define EXT2_ROOT_INO 2
#define EXT2_GOOD_OLD_FIRST_INO 11
#define EXT2_GOOD_OLD_INODE_SIZE 128
#define EXT2_NDIR_BLOCKS 12
#define EXT2_IND_BLOCK 12
#define EXT2_DIND_BLOCK 13
#define EXT2_TIND_BLOCK 14
#define EXT2_N_BLOCKS 15
#define EXT2_LINK_MAX 32000          /* what Linux's ext2 allows */
#define EXT2_NAME_LEN 255

/* s_rev_level */
#define EXT2_GOOD_OLD_REV 0
#define EXT2_DYNAMIC_REV 1

/* s_feature_compat: unknown ones are harmless ("Feature flags") */
#define EXT2_FEATURE_COMPAT_DIR_INDEX 0x0020
/* s_feature_incompat: one we do not know means we cannot read the fs */
#define EXT2_FEATURE_INCOMPAT_COMPRESSION 0x0001
#define EXT2_FEATURE_INCOMPAT_FILETYPE 0x0002
#define EXT3_FEATURE_INCOMPAT_RECOVER 0x0004
#define EXT3_FEATURE_INCOMPAT_JOURNAL_DEV 0x0008
#define EXT2_FEATURE_INCOMPAT_META_BG 0x0010
#define EXT4_FEATURE_INCOMPAT_EXTENTS 0x0040
#define EXT4_FEATURE_INCOMPAT_64BIT 0x0080
#define EXT4_FEATURE_INCOMPAT_MMP 0x0100
#define EXT4_FEATURE_INCOMPAT_FLEX_BG 0x0200
#define EXT4_FEATURE_INCOMPAT_INLINE_DATA 0x8000
/* s_feature_ro_compat: one we do not know means we must not write */
#define EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER 0x0001
#define EXT2_FEATURE_RO_COMPAT_LARGE_FILE 0x0002
#define EXT2_FEATURE_RO_COMPAT_BTREE_DIR 0x0004

struct ext2_super {
    uint32_t s_inodes_count;
    uint32_t s_blocks_count;
    uint32_t s_r_blocks_count;
    uint32_t s_free_blocks_count;
    uint32_t s_free_inodes_count;
    uint32_t s_first_data_block;
    uint32_t s_log_block_size;       /* block size = 1024 << this */
    uint32_t s_log_frag_size;
    uint32_t s_blocks_per_group;
    uint32_t s_frags_per_group;
    uint32_t s_inodes_per_group;
    uint32_t s_mtime;
    uint32_t s_wtime;
    uint16_t s_mnt_count;
    int16_t s_max_mnt_count;
    uint16_t s_magic;
    uint16_t s_state;
    uint16_t s_errors;
    uint16_t s_minor_rev_level;
    uint32_t s_lastcheck;
    uint32_t s_checkinterval;
    uint32_t s_creator_os;
    uint32_t s_rev_level;
    uint16_t s_def_resuid;
    uint16_t s_def_resgid;
    /* EXT2_DYNAMIC_REV only */
    uint32_t s_first_ino;
    uint16_t s_inode_size;
    uint16_t s_block_group_nr;
    uint32_t s_feature_compat;
    uint32_t s_feature_incompat;
    uint32_t s_feature_ro_compat;
    uint8_t s_uuid[16];
    char s_volume_name[16];
    char s_last_mounted[64];
    uint32_t s_algo_bitmap;
    uint8_t s_prealloc_blocks;
    uint8_t s_prealloc_dir_blocks;
    uint16_t s_reserved_gdt_blocks;  /* resize_inode: kept free after the GDT */
    uint8_t s_journal_uuid[16];
    uint32_t s_journal_inum;
    uint32_t s_journal_dev;
    uint32_t s_last_orphan;
    uint32_t s_hash_seed[4];
    uint8_t s_def_hash_version;
    uint8_t s_jnl_backup_type;
    uint16_t s_desc_size;
    uint32_t s_default_mount_opts;
    uint32_t s_first_meta_bg;
    uint32_t s_mkfs_time;
    uint32_t s_jnl_blocks[17];
    uint32_t s_blocks_count_hi;
    uint32_t s_r_blocks_count_hi;
    uint32_t s_free_blocks_hi;
    uint16_t s_min_extra_isize;
    uint16_t s_want_extra_isize;     /* e2fsprogs: what new inodes get */
    uint8_t s_rest[1024 - 0x160];
};

/* "Block Group Descriptor Table": 32 bytes each, in the blocks after the
 * superblock. bg_flags only means something with checksums (ext4). */
struct ext2_group_desc {
    uint32_t bg_block_bitmap;
    uint32_t bg_inode_bitmap;
    uint32_t bg_inode_table;
    uint16_t bg_free_blocks_count;
    uint16_t bg_free_inodes_count;
    uint16_t bg_used_dirs_count;
    uint16_t bg_flags;
    uint32_t bg_reserved[3];
};

/* "Inode Table": the first 128 bytes of each s_inode_size-byte record.
 * The rest (i_extra_isize and beyond) is left as it is, except when an
 * inode is created. */
struct ext2_inode {
    uint16_t i_mode;
    uint16_t i_uid;
    uint32_t i_size;
    uint32_t i_atime;
    uint32_t i_ctime;
    uint32_t i_mtime;
    uint32_t i_dtime;
    uint16_t i_gid;
    uint16_t i_links_count;
    uint32_t i_blocks;               /* 512-byte units, indirect blocks included */
    uint32_t i_flags;
    uint32_t i_osd1;
    uint32_t i_block[EXT2_N_BLOCKS];
    uint32_t i_generation;
    uint32_t i_file_acl;             /* extended-attribute block */
    uint32_t i_size_high;            /* regular files: bits 32-63 of the size */
    uint32_t i_faddr;
    uint16_t i_blocks_hi;
    uint16_t i_file_acl_high;
    uint16_t i_uid_high;
    uint16_t i_gid_high;
    uint16_t i_checksum_lo;
    uint16_t i_reserved;
};

/* The large-inode fields after the first 128 bytes (e2fsprogs). */
struct ext2_inode_extra {
    uint16_t i_extra_isize;
    uint16_t i_checksum_hi;
    uint32_t i_ctime_extra;
    uint32_t i_mtime_extra;
    uint32_t i_atime_extra;
    uint32_t i_crtime;
    uint32_t i_crtime_extra;
};

/* i_flags */
#define EXT2_INDEX_FL 0x00001000         /* htree directory (dir_index) */
#define EXT4_EXTENTS_FL 0x00080000
#define EXT4_INLINE_DATA_FL 0x10000000

/* "Linked Directory Entry Structure". Without the filetype feature,
 * name_len is 16 bits wide and file_type is its high byte. Entries start
 * 4-byte aligned and never cross a block. */
struct ext2_dirent {
    uint32_t inode;                  /* 0: an unused entry */
    uint16_t rec_len;
    uint8_t name_len;
    uint8_t file_type;
    char name[];
};

#define EXT2_DIRENT_HEADER 8
/* the smallest record that holds a name of len bytes */
#define EXT2_DIRENT_SIZE(len) ((EXT2_DIRENT_HEADER + (len) + 3) & ~3u)

/* file_type */
#define EXT2_FT_UNKNOWN 0
#define EXT2_FT_REG_FILE 1
#define EXT2_FT_DIR 2
#define EXT2_FT_CHRDEV 3
#define EXT2_FT_BLKDEV 4
#define EXT2_FT_FIFO 5
#define EXT2_FT_SOCK 6
#define EXT2_FT_SYMLINK 7

/* "Extended Attributes": the header of an i_file_acl block */
#define EXT2_XATTR_MAGIC 0xEA020000
struct ext2_xattr_header {
    uint32_t h_magic;
    uint32_t h_refcount;
    uint32_t h_blocks;
};

_Static_assert(sizeof(struct ext2_super) == 1024, "superblock size");
_Static_assert(__builtin_offsetof(struct ext2_super, s_magic) == 56, "s_magic");
_Static_assert(__builtin_offsetof(struct ext2_super, s_first_ino) == 84, "s_first_ino");
_Static_assert(__builtin_offsetof(struct ext2_super, s_reserved_gdt_blocks) == 206, "s_reserved_gdt");
_Static_assert(__builtin_offsetof(struct ext2_super, s_desc_size) == 254, "s_desc_size");
_Static_assert(__builtin_offsetof(struct ext2_super, s_want_extra_isize) == 0x15E, "s_want_extra");
_Static_assert(sizeof(struct ext2_group_desc) == 32, "group descriptor size");
_Static_assert(sizeof(struct ext2_inode) == 128, "inode size");
_Static_assert(__builtin_offsetof(struct ext2_inode, i_block) == 40, "i_block");
_Static_assert(__builtin_offsetof(struct ext2_inode, i_size_high) == 108, "i_size_high");
_Static_assert(sizeof(struct ext2_dirent) == EXT2_DIRENT_HEADER, "dirent header");

#endif
