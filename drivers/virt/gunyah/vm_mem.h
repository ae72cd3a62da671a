/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Memory bindings (guest address range -> guest memory file range) and the
 * RM memory parcels that give them to a VM.
 */
#ifndef __GUNYAH_VM_MEM_H
#define __GUNYAH_VM_MEM_H

#include <linux/maple_tree.h>
#include <linux/types.h>
#include <uapi/linux/gunyah.h>

#include "rsc_mgr.h"

struct folio;
struct gunyah_gmem;
struct gunyah_vm;
struct seq_file;

/**
 * struct gunyah_parcel - memory of one binding, given to the RM
 * @rm: the parcel as the RM knows it (handle, ACL, memory entries)
 * @folios: the folios given, each with a reference held while given
 * @nr_folios: entries in @folios
 * @pages: pages given
 * @lent: lent (the pages are out of the direct map) rather than shared
 */
struct gunyah_parcel {
	struct gunyah_rm_mem_parcel rm;
	struct folio **folios;
	unsigned long nr_folios;
	unsigned long pages;
	bool lent;
};

/**
 * struct gunyah_binding - guest addresses bound to a guest memory range
 * @vm: the VM
 * @file: the guest memory file (a reference is held)
 * @gmem: its guest memory
 * @gfn: first guest page
 * @pgoff: first page in the file
 * @nr: pages
 * @flags: the &enum gh_map_flags it was made with
 * @lend: the access the flags resolve to: lend, or share
 * @label: the label of its parcel (0 only while it holds the image)
 * @parcel: the parcel while the memory is given, else NULL; changes only
 *          under both the VM's lock and @gmem's bindings_lock
 */
struct gunyah_binding {
	struct gunyah_vm *vm;
	struct file *file;
	struct gunyah_gmem *gmem;
	u64 gfn;
	pgoff_t pgoff;
	u64 nr;
	u32 flags;
	bool lend;
	u32 label;
	struct gunyah_parcel *parcel;
};

/**
 * struct gunyah_vm_mem - the memory of one VM
 * @bindings: guest page range -> &struct gunyah_binding; changes under the
 *            VM's lock
 * @next_label: the label the next binding gets
 */
struct gunyah_vm_mem {
	struct maple_tree bindings;
	u32 next_label;
};

/* Called by the VM with its lock held. */
void gunyah_vm_mem_init(struct gunyah_vm_mem *mem);
int gunyah_vm_map_mem(struct gunyah_vm *vm, const struct gh_map_mem_args *args);
int gunyah_vm_mem_label(struct gunyah_vm *vm, struct gh_mem_label *arg,
			bool set);
int gunyah_vm_mem_give(struct gunyah_vm *vm, u32 *image_handle, u64 *image_gpa);
int gunyah_vm_mem_read(struct gunyah_vm *vm, u64 gpa, void *buf, size_t len);
unsigned long gunyah_vm_mem_given_pages(struct gunyah_vm *vm);
int gunyah_vm_mem_reclaim_all(struct gunyah_vm *vm);
void gunyah_vm_mem_free(struct gunyah_vm *vm);
void gunyah_vm_mem_show(struct gunyah_vm *vm, struct seq_file *s);

/* Called by guest memory files with their bindings_lock held. */
bool gunyah_gmem_range_lent(struct gunyah_gmem *gmem, pgoff_t start,
			    unsigned long nr);
bool gunyah_gmem_range_bound(struct gunyah_gmem *gmem, pgoff_t start,
			     pgoff_t end);
int gunyah_gmem_punch_locked(struct gunyah_gmem *gmem, pgoff_t start,
			     pgoff_t end);

bool gunyah_folio_in_direct_map(struct folio *folio);
bool gunyah_can_lend(void);
void gunyah_mem_stats_show(struct seq_file *s);

#if IS_ENABLED(CONFIG_KUNIT)
void gunyah_mem_entries_add(struct gunyah_rm_mem_entry *entries, size_t *n,
			    phys_addr_t phys, u64 len);
size_t gunyah_acl_build(struct gunyah_rm_mem_acl_entry *acl, u16 vmid,
			u16 host_vmid, u32 flags, bool lend);
int gunyah_parcel_remove_direct_map(struct gunyah_parcel *p,
				    struct gunyah_binding *b);
void gunyah_parcel_restore_direct_map(struct gunyah_parcel *p,
				      struct gunyah_binding *b,
				      unsigned long limit);
#endif

#endif /* __GUNYAH_VM_MEM_H */
