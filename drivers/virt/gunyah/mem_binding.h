/* SPDX-License-Identifier: GPL-2.0-only *
 * Locking: see mem_binding.c.
 */
/*
 * Memory bindings: guest address ranges bound to guest memory file ranges
 * (mem_binding.c), each given to its VM as one parcel (mem_parcel.h).
 */
#ifndef __GUNYAH_MEM_BINDING_H
#define __GUNYAH_MEM_BINDING_H

#include <linux/rbtree.h>
#include <linux/types.h>
#include <uapi/linux/gunyah.h>

struct file;
struct gunyah_gmem;
struct gunyah_parcel;
struct gunyah_vm;
struct seq_file;

/**
 * struct gunyah_binding - guest addresses bound to a guest memory range
 * @vm: the VM
 * @file: the guest memory file (a reference is held)
 * @gmem: its guest memory
 * @gfn: first guest page
 * @pgoff: first page in the file
 * @nr: pages
 * @flags: the &enum gh_map_flags it was made with; they decide whether it
 *	is lent or shared (gunyah_binding_lends())
 * @label: the label the VMM gave it, which its parcel carries (except the
 *	image parcel, whose label is 0)
 * @parcel: the parcel while the memory is given, else NULL; changes only
 *          under both the VM's lock and @gmem's bindings_lock
 * @vm_node: in the VM's tree, by guest page (under the VM's lock)
 * @vm_last: the last guest page of the subtree, for that tree
 * @file_node: in the file's tree, by file page (under @gmem's bindings_lock)
 * @file_last: the last file page of the subtree, for that tree
 *
 * The trees' nodes are here, so changing a binding (trimming or splitting
 * it) never allocates once the binding exists, and cannot fail half done.
 * A binding whose parcel the RM never gave back outlives its VM (@vm is
 * then NULL): it stays in its file's tree, and holds the file, so that
 * its pages stay out of reach and never reach the page allocator.
 */
struct gunyah_binding {
	struct gunyah_vm *vm;
	struct file *file;
	struct gunyah_gmem *gmem;
	u64 gfn;
	pgoff_t pgoff;
	u64 nr;
	u32 flags;
	u32 label;
	struct gunyah_parcel *parcel;
	struct rb_node vm_node;
	u64 vm_last;
	struct rb_node file_node;
	pgoff_t file_last;
};

/**
 * struct gunyah_vm_mem - the memory of one VM
 * @bindings: interval tree of &struct gunyah_binding by guest page range;
 *            changes under the VM's lock
 * @next_label: the label the next binding gets
 */
struct gunyah_vm_mem {
	struct rb_root_cached bindings;
	u32 next_label;
};

bool gunyah_binding_lends(const struct gunyah_binding *b);

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

#endif /* __GUNYAH_MEM_BINDING_H */
