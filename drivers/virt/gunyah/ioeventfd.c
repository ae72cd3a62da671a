// SPDX-License-Identifier: GPL-2.0-only
/*
 * ioeventfds (GH_FN_IOEVENTFD): guest MMIO writes that match an address,
 * a length and optionally a value signal an eventfd in the kernel, without
 * an exit to userspace.
 *
 * Locking: the VM's mmio_lock protects its list of ioeventfds; the vCPU run
 * loop looks them up under it.
 */

#include <linux/eventfd.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "vm.h"
#include "vm_fn.h"

struct gunyah_ioeventfd {
	struct list_head list;		/* on the VM's ioeventfds */
	struct eventfd_ctx *ctx;
	u64 addr;
	u32 len;			/* 0: any length */
	bool datamatch;
	u64 data;
};

static u64 gunyah_ioeventfd_end(const struct gunyah_ioeventfd *io)
{
	return io->addr + (io->len ? io->len : 1);
}

/**
 * gunyah_vm_mmio_write() - offer a guest MMIO write to the ioeventfds
 * @vm: the VM
 * @addr: the address written
 * @len: bytes written
 * @data: the value
 *
 * Return: true if an ioeventfd took it (its eventfd is signalled).
 */
bool gunyah_vm_mmio_write(struct gunyah_vm *vm, u64 addr, u32 len, u64 data)
{
	struct gunyah_ioeventfd *io;
	bool taken = false;

	spin_lock(&vm->mmio_lock);
	list_for_each_entry(io, &vm->ioeventfds, list) {
		if (io->addr != addr || (io->len && io->len != len))
			continue;
		if (io->datamatch && io->data != data)
			continue;
		eventfd_signal(io->ctx);
		taken = true;
		break;
	}
	spin_unlock(&vm->mmio_lock);
	return taken;
}

static int gunyah_ioeventfd_add(struct gunyah_vm_function *f)
{
	const struct gh_fn_ioeventfd_arg *arg = (const void *)f->arg;
	struct gunyah_ioeventfd *io, *other;
	u64 end;
	int ret = 0;

	if (arg->padding || (arg->flags & ~GH_IOEVENTFD_FLAGS_DATAMATCH))
		return -EINVAL;
	if (arg->len != 0 && arg->len != 1 && arg->len != 2 && arg->len != 4 &&
	    arg->len != 8)
		return -EINVAL;
	if (check_add_overflow(arg->addr, (u64)(arg->len ? arg->len : 1), &end))
		return -EOVERFLOW;

	io = kzalloc(sizeof(*io), GFP_KERNEL_ACCOUNT);
	if (!io)
		return -ENOMEM;
	io->addr = arg->addr;
	io->len = arg->len;
	io->datamatch = arg->flags & GH_IOEVENTFD_FLAGS_DATAMATCH;
	io->data = arg->datamatch;
	io->ctx = eventfd_ctx_fdget(arg->fd);
	if (IS_ERR(io->ctx)) {
		ret = PTR_ERR(io->ctx);
		kfree(io);
		return ret;
	}

	spin_lock(&f->vm->mmio_lock);
	list_for_each_entry(other, &f->vm->ioeventfds, list) {
		/* Overlapping registrations are refused. */
		if (io->addr < gunyah_ioeventfd_end(other) &&
		    other->addr < gunyah_ioeventfd_end(io)) {
			ret = -EEXIST;
			break;
		}
	}
	if (!ret)
		list_add_tail(&io->list, &f->vm->ioeventfds);
	spin_unlock(&f->vm->mmio_lock);
	if (ret) {
		eventfd_ctx_put(io->ctx);
		kfree(io);
		return ret;
	}
	f->data = io;
	return 0;
}

/* MMIO is matched in the run loop: nothing of the hypervisor to bind. */
static int gunyah_ioeventfd_bind(struct gunyah_vm_function *f)
{
	return 0;
}

static void gunyah_ioeventfd_unbind(struct gunyah_vm_function *f)
{
}

static void gunyah_ioeventfd_release(struct gunyah_vm_function *f)
{
	struct gunyah_ioeventfd *io = f->data;

	spin_lock(&f->vm->mmio_lock);
	list_del(&io->list);
	spin_unlock(&f->vm->mmio_lock);
	eventfd_ctx_put(io->ctx);
	kfree(io);
}

static bool gunyah_ioeventfd_match(const struct gunyah_vm_function *f,
				   const void *arg)
{
	const struct gh_fn_ioeventfd_arg *a = arg;
	const struct gunyah_ioeventfd *io = f->data;

	return a->addr == io->addr && a->len == io->len &&
	       !!(a->flags & GH_IOEVENTFD_FLAGS_DATAMATCH) == io->datamatch &&
	       (!io->datamatch || a->datamatch == io->data);
}

const struct gunyah_fn_ops gunyah_ioeventfd_ops = {
	.type		= GH_FN_IOEVENTFD,
	.arg_size	= sizeof(struct gh_fn_ioeventfd_arg),
	.add		= gunyah_ioeventfd_add,
	.bind		= gunyah_ioeventfd_bind,
	.unbind		= gunyah_ioeventfd_unbind,
	.release	= gunyah_ioeventfd_release,
	.match		= gunyah_ioeventfd_match,
};
