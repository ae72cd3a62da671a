/* SPDX-License-Identifier: GPL-2.0-only *
 * Locking: see vm_fn.c.
 */
/*
 * VM functions (GH_VM_ADD_FUNCTION): vCPUs, irqfds and ioeventfds. Each is
 * an instance of a function type that binds to the hypervisor resource it
 * needs (found by type and label in GET_HYP_RESOURCES) when the VM starts,
 * or at once if the VM already runs, and unbinds at teardown.
 */
#ifndef __GUNYAH_VM_FN_H
#define __GUNYAH_VM_FN_H

#include <linux/rbtree.h>
#include <linux/types.h>
#include <uapi/linux/gunyah.h>

struct gunyah_rm_hyp_resource;
struct seq_file;
struct gunyah_vm;
struct gunyah_vm_function;

/**
 * struct gunyah_fn_ops - a function type
 * @type: the &enum gh_fn_type it implements
 * @arg_size: the size its argument must have
 * @max: how many functions of the type one VM may have
 * @cmp: order two arguments of the type by what names a function: 0 if
 *	they name the same one (adding it again is -EEXIST, removing finds
 *	it). A total order: the VM keeps its functions sorted by it.
 * @add: set up @f from its argument, and set @f->file if the function
 *	gives userspace an fd; 0 or a negative errno. Called with the VM's
 *	lock held.
 * @bind: attach @f to the VM's hypervisor resources once it started
 * @unbind: detach from them (VM teardown, or removal)
 * @release: free what @add set up; @f is out of the VM's tree
 * @show: optional; a line on @f for the VM's debugfs status
 */
struct gunyah_fn_ops {
	u32 type;
	u32 arg_size;
	unsigned int max;
	int (*cmp)(const void *a, const void *b);
	int (*add)(struct gunyah_vm_function *f);
	int (*bind)(struct gunyah_vm_function *f);
	void (*unbind)(struct gunyah_vm_function *f);
	void (*release)(struct gunyah_vm_function *f);
	void (*show)(const struct gunyah_vm_function *f, struct seq_file *s);
};

/* Per-VM limits on functions (vm-manager.rst); beyond them, -ENOSPC. */
#define GUNYAH_VM_MAX_VCPUS		256
#define GUNYAH_VM_MAX_IRQFDS		1024
#define GUNYAH_VM_MAX_IOEVENTFDS	1024

/* enum gh_fn_type runs from 1 to this. */
#define GUNYAH_FN_TYPES		GH_FN_IOEVENTFD

/**
 * struct gunyah_vm_functions - the functions of a VM, under the VM's lock
 * @tree: every &struct gunyah_vm_function, by type and then @ops->cmp
 * @count: how many there are of each type (index: type - 1)
 */
struct gunyah_vm_functions {
	struct rb_root tree;
	unsigned int count[GUNYAH_FN_TYPES];
};

/**
 * struct gunyah_vm_function - one function of a VM
 * @node: in the VM's tree of functions (under the VM's lock)
 * @vm: the VM
 * @ops: its type
 * @bound: @ops->bind succeeded and @ops->unbind is due
 * @arg: its argument, copied once from userspace
 * @file: a file @ops->add made, installed as the new fd once the function
 *	is in place
 * @data: the type's own state
 */
struct gunyah_vm_function {
	struct rb_node node;
	struct gunyah_vm *vm;
	const struct gunyah_fn_ops *ops;
	bool bound;
	struct file *file;
	u8 arg[GH_FN_MAX_ARG_SIZE];
	void *data;
};

long gunyah_vm_function_add(struct gunyah_vm *vm, const struct gh_fn_desc *d);
long gunyah_vm_function_remove(struct gunyah_vm *vm,
			       const struct gh_fn_desc *d);
int gunyah_vm_functions_bind(struct gunyah_vm *vm);
void gunyah_vm_functions_unbind(struct gunyah_vm *vm);
void gunyah_vm_functions_free(struct gunyah_vm *vm);
void gunyah_vm_functions_show(struct gunyah_vm *vm, struct seq_file *s);
bool gunyah_vm_functions_all(struct gunyah_vm *vm, const struct gunyah_fn_ops *ops,
			     bool (*pred)(const struct gunyah_vm_function *f));

const struct gunyah_rm_hyp_resource *
gunyah_vm_find_resource(struct gunyah_vm *vm, u8 type, u32 label);
bool gunyah_vm_mmio_write(struct gunyah_vm *vm, u64 addr, u32 len, u64 data);

extern const struct gunyah_fn_ops gunyah_vcpu_ops;
extern const struct gunyah_fn_ops gunyah_irqfd_ops;
extern const struct gunyah_fn_ops gunyah_ioeventfd_ops;

#endif /* __GUNYAH_VM_FN_H */
