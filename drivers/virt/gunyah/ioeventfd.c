// SPDX-License-Identifier: GPL-2.0-only
/*
 * ioeventfds (GH_FN_IOEVENTFD): guest MMIO writes that match an address,
 * a length and optionally a value signal an eventfd in the kernel, without
 * an exit to userspace.
 *
 * A write matches an ioeventfd registered at exactly its address (ranges
 * are not compared): the one without datamatch if there is one, else the
 * one whose datamatch is the written value; and then only if the length
 * is the registered one, or the registered length is 0 (any). So at one
 * address there is either one ioeventfd without datamatch or any number
 * with different values; other registrations at that address conflict.
 * The VM keeps its ioeventfds in a tree by (address, datamatch, value), so
 * an MMIO exit finds its match in O(log n).
 *
 * Locking: the VM's mmio_lock protects its tree of ioeventfds; the vCPU
 * run loop looks them up under it. Add and release also hold the VM's
 * lock, as every function does.
 */

#include <linux/eventfd.h>
#include <linux/rbtree.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "vm.h"
#include "vm_fn.h"

/* Where an ioeventfd sorts: its address, whether it matches data, which. */
struct gunyah_ioeventfd_key {
	u64 addr;
	bool datamatch;
	u64 data;			/* with @datamatch; else 0 */
};

struct gunyah_ioeventfd {
	struct rb_node node;		/* in the VM's ioeventfds */
	struct eventfd_ctx *ctx;
	struct gunyah_ioeventfd_key key;
	u32 len;			/* 0: any length */
};

/* The place in the order an argument names. */
static struct gunyah_ioeventfd_key
gunyah_ioeventfd_arg_key(const struct gh_fn_ioeventfd_arg *arg)
{
	bool datamatch = arg->flags & GH_IOEVENTFD_FLAGS_DATAMATCH;

	return (struct gunyah_ioeventfd_key){
		.addr = arg->addr,
		.datamatch = datamatch,
		.data = datamatch ? arg->datamatch : 0,
	};
}

/* Order by address, then without datamatch first, then by value. */
static int gunyah_ioeventfd_order(const struct gunyah_ioeventfd_key *a,
				  const struct gunyah_ioeventfd_key *b)
{
	if (a->addr != b->addr)
		return a->addr < b->addr ? -1 : 1;
	if (a->datamatch != b->datamatch)
		return a->datamatch ? 1 : -1;
	if (a->data != b->data)
		return a->data < b->data ? -1 : 1;
	return 0;
}

static struct gunyah_ioeventfd *to_ioeventfd(const struct rb_node *n)
{
	return rb_entry(n, struct gunyah_ioeventfd, node);
}

static int gunyah_ioeventfd_cmp_key(const void *key, const struct rb_node *n)
{
	return gunyah_ioeventfd_order(key, &to_ioeventfd(n)->key);
}

static bool gunyah_ioeventfd_less(struct rb_node *a, const struct rb_node *b)
{
	return gunyah_ioeventfd_cmp_key(&to_ioeventfd(a)->key, b) < 0;
}

/* Equal to every ioeventfd with datamatch at the key's address. */
static int gunyah_ioeventfd_cmp_any_datamatch(const void *key,
					      const struct rb_node *n)
{
	const struct gunyah_ioeventfd_key *k = key;
	const struct gunyah_ioeventfd *io = to_ioeventfd(n);

	if (k->addr != io->key.addr)
		return k->addr < io->key.addr ? -1 : 1;
	/* Those with datamatch sort after the one without. */
	return io->key.datamatch ? 0 : 1;
}

static struct gunyah_ioeventfd *
gunyah_ioeventfd_find(struct rb_root *root, u64 addr, bool datamatch, u64 data)
{
	const struct gunyah_ioeventfd_key k = {
		.addr = addr, .datamatch = datamatch, .data = data,
	};
	struct rb_node *n = rb_find(&k, root, gunyah_ioeventfd_cmp_key);

	return n ? to_ioeventfd(n) : NULL;
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
	io = gunyah_ioeventfd_find(&vm->ioeventfds, addr, false, 0);
	if (!io)
		io = gunyah_ioeventfd_find(&vm->ioeventfds, addr, true, data);
	if (io && (!io->len || io->len == len)) {
		eventfd_signal(io->ctx);
		taken = true;
	}
	spin_unlock(&vm->mmio_lock);
	return taken;
}

/* Whether @io may join the VM's ioeventfds (see the rule above). */
static bool gunyah_ioeventfd_conflicts(struct rb_root *root,
				       const struct gunyah_ioeventfd *io)
{
	if (gunyah_ioeventfd_find(root, io->key.addr, false, 0))
		return true;
	if (io->key.datamatch)
		return rb_find(&io->key, root, gunyah_ioeventfd_cmp_key);
	return rb_find(&io->key, root, gunyah_ioeventfd_cmp_any_datamatch);
}

static int gunyah_ioeventfd_add(struct gunyah_vm_function *f)
{
	const struct gh_fn_ioeventfd_arg *arg = (const void *)f->arg;
	struct gunyah_ioeventfd *io;
	bool conflict;
	u64 end;
	int ret;

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
	io->key = gunyah_ioeventfd_arg_key(arg);
	io->len = arg->len;
	io->ctx = eventfd_ctx_fdget(arg->fd);
	if (IS_ERR(io->ctx)) {
		ret = PTR_ERR(io->ctx);
		kfree(io);
		return ret;
	}

	spin_lock(&f->vm->mmio_lock);
	conflict = gunyah_ioeventfd_conflicts(&f->vm->ioeventfds, io);
	if (!conflict)
		rb_add(&io->node, &f->vm->ioeventfds, gunyah_ioeventfd_less);
	spin_unlock(&f->vm->mmio_lock);
	if (conflict) {
		eventfd_ctx_put(io->ctx);
		kfree(io);
		return -EEXIST;
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
	rb_erase(&io->node, &f->vm->ioeventfds);
	spin_unlock(&f->vm->mmio_lock);
	eventfd_ctx_put(io->ctx);
	kfree(io);
}

/*
 * An ioeventfd is named by its address, its datamatch and value, and its
 * length: removing one needs all of them as they were added.
 */
static int gunyah_ioeventfd_cmp(const void *a, const void *b)
{
	const struct gh_fn_ioeventfd_arg *x = a, *y = b;
	struct gunyah_ioeventfd_key kx = gunyah_ioeventfd_arg_key(x);
	struct gunyah_ioeventfd_key ky = gunyah_ioeventfd_arg_key(y);
	int c = gunyah_ioeventfd_order(&kx, &ky);

	if (c || x->len == y->len)
		return c;
	return x->len < y->len ? -1 : 1;
}

const struct gunyah_fn_ops gunyah_ioeventfd_ops = {
	.type		= GH_FN_IOEVENTFD,
	.arg_size	= sizeof(struct gh_fn_ioeventfd_arg),
	.max		= GUNYAH_VM_MAX_IOEVENTFDS,
	.cmp		= gunyah_ioeventfd_cmp,
	.add		= gunyah_ioeventfd_add,
	.bind		= gunyah_ioeventfd_bind,
	.unbind		= gunyah_ioeventfd_unbind,
	.release	= gunyah_ioeventfd_release,
};
