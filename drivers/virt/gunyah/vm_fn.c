// SPDX-License-Identifier: GPL-2.0-only
/*
 * VM functions: GH_VM_ADD_FUNCTION and GH_VM_REMOVE_FUNCTION, and binding
 * the functions to the hypervisor resources the RM gives the VM.
 *
 * Locking: the VM's lock protects the list of functions and their bound
 * state, and the VM's resources they bind to.
 */

#include <linux/file.h>
#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "rsc_mgr.h"
#include "vm.h"
#include "vm_fn.h"

static const struct gunyah_fn_ops *const gunyah_fn_types[] = {
	&gunyah_vcpu_ops,
	&gunyah_irqfd_ops,
	&gunyah_ioeventfd_ops,
};

static const struct gunyah_fn_ops *gunyah_fn_lookup(u32 type)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(gunyah_fn_types); i++)
		if (gunyah_fn_types[i]->type == type)
			return gunyah_fn_types[i];
	return NULL;
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
 * -EFAULT for a bad argument pointer, or the function type's own error.
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
		fd_install(fd, f->file);
		f->file = NULL;
	}
	list_add_tail(&f->list, &vm->functions);
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
 * Return: 0, or -ENOENT if no function matches, -EINVAL or -EFAULT for a
 * bad descriptor.
 */
long gunyah_vm_function_remove(struct gunyah_vm *vm, const struct gh_fn_desc *d)
{
	const struct gunyah_fn_ops *ops = gunyah_fn_lookup(d->type);
	u8 arg[GH_FN_MAX_ARG_SIZE];
	struct gunyah_vm_function *f;
	int ret;

	lockdep_assert_held(&vm->lock);
	if (d->arg_size > GH_FN_MAX_ARG_SIZE)
		return -EINVAL;
	if (!ops)
		return -ENOENT;
	ret = gunyah_fn_copy_arg(ops, d, arg);
	if (ret)
		return ret;

	list_for_each_entry(f, &vm->functions, list) {
		if (f->ops == ops && ops->match(f, arg)) {
			list_del(&f->list);
			gunyah_fn_free(f);
			return 0;
		}
	}
	return -ENOENT;
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
	int ret;

	lockdep_assert_held(&vm->lock);
	list_for_each_entry(f, &vm->functions, list) {
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

	lockdep_assert_held(&vm->lock);
	list_for_each_entry(f, &vm->functions, list) {
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

	list_for_each_entry_safe(f, tmp, &vm->functions, list) {
		list_del(&f->list);
		gunyah_fn_free(f);
	}
}

/**
 * gunyah_vm_find_resource() - a hypervisor resource of the VM
 * @vm: the VM, with its lock held, started
 * @type: an &enum gunyah_rm_resource_type
 * @label: its label
 *
 * Return: the resource, or NULL.
 */
const struct gunyah_rm_hyp_resource *
gunyah_vm_find_resource(struct gunyah_vm *vm, u8 type, u32 label)
{
	u32 i, n;

	lockdep_assert_held(&vm->lock);
	n = vm->resources ? le32_to_cpu(vm->resources->n_entries) : 0;
	for (i = 0; i < n; i++) {
		const struct gunyah_rm_hyp_resource *r = &vm->resources->entries[i];

		if (r->type == type && le32_to_cpu(r->resource_label) == label)
			return r;
	}
	return NULL;
}
