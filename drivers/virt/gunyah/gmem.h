/* SPDX-License-Identifier: GPL-2.0-only *
 * Locking: a file's @bindings_lock, see gmem.c.
 */
/*
 * Guest memory files: the object (struct gunyah_gmem), its folios
 * (gmem_folio.c) and the file itself (gmem.c).
 */
#ifndef __GUNYAH_GMEM_H
#define __GUNYAH_GMEM_H

#include <linux/pagemap.h>
#include <linux/rbtree.h>
#include <linux/rwsem.h>
#include <linux/types.h>
#include <uapi/linux/gunyah.h>

struct seq_file;

/**
 * struct gunyah_gmem - a guest memory file
 * @inode: the file's own inode
 * @flags: &enum gh_mem_flags it was created with
 * @bindings_lock: protects @bindings and the given state of the bindings
 *                 in it
 * @bindings: interval tree of &struct gunyah_binding by file page range,
 *            across all VMs
 * @memcg: the memory cgroup of the task that created the file; every
 *         folio of the file is charged to it (a reference is held)
 */
struct gunyah_gmem {
	struct inode *inode;
	u64 flags;
	struct mem_cgroup *memcg;
	struct rw_semaphore bindings_lock;
	struct rb_root_cached bindings;
};

/**
 * gunyah_gmem_huge() - whether a guest memory file has 2 MiB folios
 * @gmem: the guest memory
 *
 * Return: true if it was made with %GHMF_ALLOW_HUGEPAGE on a kernel with
 * transparent huge pages; its bindings are then aligned to 2 MiB.
 */
static inline bool gunyah_gmem_huge(const struct gunyah_gmem *gmem)
{
	return IS_ENABLED(CONFIG_TRANSPARENT_HUGEPAGE) &&
	       (gmem->flags & GHMF_ALLOW_HUGEPAGE);
}

/* gmem_folio.c */
extern const struct address_space_operations gunyah_gmem_aops;
struct gunyah_gmem *gunyah_gmem_from_file(struct file *file);
struct folio *gunyah_gmem_grab_folio(struct gunyah_gmem *gmem, pgoff_t index);
int gunyah_gmem_populate(struct gunyah_gmem *gmem, pgoff_t start, pgoff_t end);
void gunyah_gmem_zero_range(struct gunyah_gmem *gmem, pgoff_t start,
			    pgoff_t end);
void gunyah_gmem_stats_show(struct seq_file *s);

/* gmem.c */
long gunyah_gmem_create(const struct gh_create_mem_args *args);

#endif /* __GUNYAH_GMEM_H */
