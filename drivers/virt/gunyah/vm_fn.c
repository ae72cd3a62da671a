// SPDX-License-Identifier: GPL-2.0-only
/*
 * VM functions: GH_VM_ADD_FUNCTION and GH_VM_REMOVE_FUNCTION, and binding
 * the functions to the hypervisor resources the RM gives the VM.
 *
 * A VM keeps its functions in a tree sorted by type and by what names a
 * function of that type (a vCPU's id, an irqfd's label, an ioeventfd's
 * address and match), so adding, finding a duplicate and removing take
 * O(log n); each type has a per-VM limit. The hypervisor resources are
 * sorted once per start, for the same reason.
 *
 * Locking: the VM's lock protects the tree, the counts, the functions'
 * bound state, and the VM's resources they bind to.
 */

#include <linux/bsearch.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/uaccess.h>

#include "rsc_mgr.h"
#include "vm.h"
#include "vm_fn.h"

static const struct gunyah_fn_ops *const gunyah_fn_types[GUNYAH_FN_TYPES] = {
	[GH_FN_VCPU - 1]	= &gunyah_vcpu_ops,
	[GH_FN_IRQFD - 1]	= &gunyah_irqfd_ops,
	[GH_FN_IOEVENTFD - 1]	= &gunyah_ioeventfd_ops,
};

static const struct gunyah_fn_ops *gunyah_fn_lookup(u32 type)
{
	if (type < 1 || type > GUNYAH_FN_TYPES)
		return NULL;
	return gunyah_fn_types[type - 1];
}

/* The descriptor's argument, copied once, for the function type it names. */
static int gunyah_fn_copy_arg(const struct gunyah_fn_ops *ops,
			      const struct gh_fn_desc *d, void *arg)
{
	if (d->arg_size != ops->arg_size)
		return -EINVAL;
	if (copy_from_user(arg, u64_to_user_ptr(d->arg), d->arg_size))
		return -EFAULT;
	return 0;
}

/* What names a function: its type and its argument. */
struct gunyah_fn_key {
	const struct gunyah_fn_ops *ops;
	const void *arg;
};

/* The tree's order: by type, then by the type's own order of arguments. */
static int gunyah_fn_cmp(const void *key, const struct rb_node *n)
{
	const struct gunyah_fn_key *k = key;
	const struct gunyah_vm_function *f = rb_entry(n, struct gunyah_vm_function, node);

	if (k->ops->type != f->ops->type)
		return k->ops->type < f->ops->type ? -1 : 1;
	return k->ops->cmp(k->arg, f->arg);
}

static bool gunyah_fn_less(struct rb_node *a, const struct rb_node *b)
{
	const struct gunyah_vm_function *f = rb_entry(a, struct gunyah_vm_function, node);
	const struct gunyah_fn_key k = { .ops = f->ops, .arg = f->arg };

	return gunyah_fn_cmp(&k, b) < 0;
}

static struct gunyah_vm_function *
gunyah_fn_find(struct gunyah_vm *vm, const struct gunyah_fn_ops *ops,
	       const void *arg)
{
	const struct gunyah_fn_key k = { .ops = ops, .arg = arg };
	struct rb_node *n = rb_find(&k, &vm->fns.tree, gunyah_fn_cmp);

	return n ? rb_entry(n, struct gunyah_vm_function, node) : NULL;
}

/* Put @f in the tree, which has no function of the same name. */
static void gunyah_fn_insert(struct gunyah_vm *vm, struct gunyah_vm_function *f)
{
	rb_add(&f->node, &vm->fns.tree, gunyah_fn_less);
	vm->fns.count[f->ops->type - 1]++;
}

static void gunyah_fn_erase(struct gunyah_vm *vm, struct gunyah_vm_function *f)
{
	rb_erase(&f->node, &vm->fns.tree);
	vm->fns.count[f->ops->type - 1]--;
}

static void gunyah_fn_free(struct gunyah_vm_function *f)
{
	if (f->bound)
		f->ops->unbind(f);
	f->ops->release(f);
	kfree(f);
}

/**
 * gunyah_vm_function_add() - GH_VM_ADD_FUNCTION
 * @vm: the VM, with its lock held
 * @d: the descriptor, copied from userspace
 *
 * Return: a new fd for functions that have one (vCPUs), 0 for others, or a
 * negative errno: -EINVAL for an unknown type or a wrong argument size,
 * -EFAULT for a bad argument pointer, -EEXIST if the VM has a function of
 * that name already, -ENOSPC if it has as many of the type as it may, or
 * the function type's own error.
 */
long gunyah_vm_function_add(struct gunyah_vm *vm, const struct gh_fn_desc *d)
{
	const struct gunyah_fn_ops *ops = gunyah_fn_lookup(d->type);
	struct gunyah_vm_function *f;
	int fd = 0, ret;

	lockdep_assert_held(&vm->lock);
	if (!ops || d->arg_size > GH_FN_MAX_ARG_SIZE)
		return -EINVAL;

	f = kzalloc(sizeof(*f), GFP_KERNEL_ACCOUNT);
	if (!f)
		return -ENOMEM;
	f->vm = vm;
	f->ops = ops;
	ret = gunyah_fn_copy_arg(ops, d, f->arg);
	if (ret)
		goto err_free;
	if (gunyah_fn_find(vm, ops, f->arg)) {
		ret = -EEXIST;
		goto err_free;
	}
	if (vm->fns.count[ops->type - 1] >= ops->max) {
		ret = -ENOSPC;
		goto err_free;
	}
	ret = ops->add(f);
	if (ret)
		goto err_free;

	if (vm->state == GUNYAH_VM_RUNNING) {
		ret = ops->bind(f);
		if (ret)
			goto err_release;
		f->bound = true;
	}

	if (f->file) {
		fd = get_unused_fd_flags(O_CLOEXEC);
		if (fd < 0) {
			ret = fd;
			goto err_release;
		}
	}
	gunyah_fn_insert(vm, f);
	if (f->file) {
		fd_install(fd, f->file);
		f->file = NULL;
	}
	return fd;

err_release:
	if (f->file)
		fput(f->file);
	f->file = NULL;
	gunyah_fn_free(f);
	return ret;
err_free:
	kfree(f);
	return ret;
}

/**
 * gunyah_vm_function_remove() - GH_VM_REMOVE_FUNCTION
 * @vm: the VM, with its lock held
 * @d: the descriptor, copied from userspace
 *
 * Return: 0, or -ENOENT if no function matches, -EINVAL for an unknown
 * type or a wrong argument size, -EFAULT for a bad argument pointer.
 */
long gunyah_vm_function_remove(struct gunyah_vm *vm, const struct gh_fn_desc *d)
{
	const struct gunyah_fn_ops *ops = gunyah_fn_lookup(d->type);
	u8 arg[GH_FN_MAX_ARG_SIZE];
	struct gunyah_vm_function *f;
	int ret;

	lockdep_assert_held(&vm->lock);
	if (!ops || d->arg_size > GH_FN_MAX_ARG_SIZE)
		return -EINVAL;
	ret = gunyah_fn_copy_arg(ops, d, arg);
	if (ret)
		return ret;

	f = gunyah_fn_find(vm, ops, arg);
	if (!f)
		return -ENOENT;
	gunyah_fn_erase(vm, f);
	gunyah_fn_free(f);
	return 0;
}

/* Resources by type, then label, for gunyah_vm_find_resource(). */
static int gunyah_resource_cmp(const void *a, const void *b)
{
	const struct gunyah_rm_hyp_resource *x = a, *y = b;
	u32 lx = le32_to_cpu(x->resource_label), ly = le32_to_cpu(y->resource_label);

	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	if (lx != ly)
		return lx < ly ? -1 : 1;
	return 0;
}

/**
 * gunyah_vm_functions_bind() - bind every function to its resources
 * @vm: the VM, with its lock held, after GET_HYP_RESOURCES
 *
 * Return: 0, or the first error; the functions bound by then are unbound.
 */
int gunyah_vm_functions_bind(struct gunyah_vm *vm)
{
	struct gunyah_vm_function *f;
	struct rb_node *n;
	int ret;

	lockdep_assert_held(&vm->lock);
	if (vm->resources)
		sort(vm->resources->entries, le32_to_cpu(vm->resources->n_entries),
		     sizeof(vm->resources->entries[0]), gunyah_resource_cmp, NULL);
	for (n = rb_first(&vm->fns.tree); n; n = rb_next(n)) {
		f = rb_entry(n, struct gunyah_vm_function, node);
		if (f->bound)
			continue;
		ret = f->ops->bind(f);
		if (ret) {
			gunyah_vm_functions_unbind(vm);
			return ret;
		}
		f->bound = true;
	}
	return 0;
}

/**
 * gunyah_vm_functions_unbind() - unbind every function from its resources
 * @vm: the VM, with its lock held
 */
void gunyah_vm_functions_unbind(struct gunyah_vm *vm)
{
	struct gunyah_vm_function *f;
	struct rb_node *n;

	lockdep_assert_held(&vm->lock);
	for (n = rb_first(&vm->fns.tree); n; n = rb_next(n)) {
		f = rb_entry(n, struct gunyah_vm_function, node);
		if (f->bound)
			f->ops->unbind(f);
		f->bound = false;
	}
}

/**
 * gunyah_vm_functions_free() - drop every function of a VM being freed
 * @vm: the VM
 */
void gunyah_vm_functions_free(struct gunyah_vm *vm)
{
	struct gunyah_vm_function *f, *tmp;

	rbtree_postorder_for_each_entry_safe(f, tmp, &vm->fns.tree, node)
		gunyah_fn_free(f);
	vm->fns.tree = RB_ROOT;
	memset(vm->fns.count, 0, sizeof(vm->fns.count));
}

/**
 * gunyah_vm_functions_show() - the functions' lines of the debugfs status
 * @vm: the VM, with its lock held
 * @s: the status file
 */
void gunyah_vm_functions_show(struct gunyah_vm *vm, struct seq_file *s)
{
	struct gunyah_vm_function *f;
	struct rb_node *n;

	lockdep_assert_held(&vm->lock);
	for (n = rb_first(&vm->fns.tree); n; n = rb_next(n)) {
		f = rb_entry(n, struct gunyah_vm_function, node);
		if (f->ops->show)
			f->ops->show(f, s);
	}
}

/**
 * gunyah_vm_functions_all() - whether every function of a type has a property
 * @vm: the VM, with its lock held
 * @ops: the type
 * @pred: the property
 *
 * Return: true if the VM has functions of the type and @pred holds for each.
 */
bool gunyah_vm_functions_all(struct gunyah_vm *vm, const struct gunyah_fn_ops *ops,
			     bool (*pred)(const struct gunyah_vm_function *f))
{
	struct gunyah_vm_function *f;
	struct rb_node *n;

	lockdep_assert_held(&vm->lock);
	if (!vm->fns.count[ops->type - 1])
		return false;
	for (n = rb_first(&vm->fns.tree); n; n = rb_next(n)) {
		f = rb_entry(n, struct gunyah_vm_function, node);
		if (f->ops == ops && !pred(f))
			return false;
	}
	return true;
}

/**
 * gunyah_vm_find_resource() - a hypervisor resource of the VM
 * @vm: the VM, with its lock held, started (its resources sorted)
 * @type: an &enum gunyah_rm_resource_type
 * @label: its label
 *
 * Return: the resource, or NULL.
 */
const struct gunyah_rm_hyp_resource *
gunyah_vm_find_resource(struct gunyah_vm *vm, u8 type, u32 label)
{
	struct gunyah_rm_hyp_resource key = {
		.type = type,
		.resource_label = cpu_to_le32(label),
	};

	lockdep_assert_held(&vm->lock);
	if (!vm->resources)
		return NULL;
	return bsearch(&key, vm->resources->entries,
		       le32_to_cpu(vm->resources->n_entries),
		       sizeof(key), gunyah_resource_cmp);
}
