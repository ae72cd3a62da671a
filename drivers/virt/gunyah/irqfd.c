// SPDX-License-Identifier: GPL-2.0-only
/*
 * irqfds (GH_FN_IRQFD): an eventfd that interrupts the guest by ringing the
 * doorbell with the label the guest devicetree gives it.
 *
 * The eventfd's wake-up comes in atomic context; the doorbell is rung from
 * a work item, since a backend's bell_send may sleep. An event that comes
 * before the irqfd is bound (the VM not started yet) is kept pending and
 * rung when it is bound, as a guest expects of an interrupt raised early.
 *
 * Locking: the irqfd's lock orders the ring work against bind and unbind:
 * it protects @pending, @bound and @capid. The VM's lock is held around
 * bind and unbind as for every function.
 */

#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "hypercall_ops.h"
#include "rsc_mgr.h"
#include "vm.h"
#include "vm_fn.h"

struct gunyah_irqfd {
	struct gunyah_vm_function *f;
	struct eventfd_ctx *ctx;
	wait_queue_entry_t wait;
	poll_table pt;
	struct work_struct ring;
	bool level;
	struct mutex lock;	/* the ring work against bind and unbind */
	bool pending;		/* an event not rung yet */
	bool bound;		/* @capid is the doorbell to ring */
	u64 capid;
};

static void gunyah_irqfd_ring(struct work_struct *work)
{
	struct gunyah_irqfd *irqfd = container_of(work, struct gunyah_irqfd, ring);
	struct gunyah_hyp *hyp = irqfd->f->vm->mgr->hyp;
	int ret;

	mutex_lock(&irqfd->lock);
	irqfd->pending = true;
	if (irqfd->bound) {
		irqfd->pending = false;
		ret = hyp->ops->bell_send(hyp, irqfd->capid, 1);
		if (ret)
			pr_warn_ratelimited("gunyah: irqfd doorbell failed: %d\n", ret);
	}
	mutex_unlock(&irqfd->lock);
}

static int gunyah_irqfd_wakeup(wait_queue_entry_t *wait, unsigned int mode,
			       int sync, void *key)
{
	struct gunyah_irqfd *irqfd = container_of(wait, struct gunyah_irqfd, wait);
	__poll_t flags = key_to_poll(key);
	u64 cnt;

	if (flags & EPOLLIN) {
		eventfd_ctx_do_read(irqfd->ctx, &cnt);
		schedule_work(&irqfd->ring);
	}
	return 0;
}

static void gunyah_irqfd_queue(struct file *file, wait_queue_head_t *wqh,
			       poll_table *pt)
{
	struct gunyah_irqfd *irqfd = container_of(pt, struct gunyah_irqfd, pt);

	add_wait_queue(wqh, &irqfd->wait);
}

static int gunyah_irqfd_add(struct gunyah_vm_function *f)
{
	const struct gh_fn_irqfd_arg *arg = (const void *)f->arg;
	struct gunyah_irqfd *irqfd;
	struct fd fd;
	int ret;

	if (arg->padding || (arg->flags & ~GH_IRQFD_FLAGS_LEVEL))
		return -EINVAL;

	irqfd = kzalloc(sizeof(*irqfd), GFP_KERNEL_ACCOUNT);
	if (!irqfd)
		return -ENOMEM;
	irqfd->f = f;
	irqfd->level = arg->flags & GH_IRQFD_FLAGS_LEVEL;
	INIT_WORK(&irqfd->ring, gunyah_irqfd_ring);
	mutex_init(&irqfd->lock);

	fd = fdget(arg->fd);
	if (fd_empty(fd)) {
		ret = -EBADF;
		goto err_free;
	}
	irqfd->ctx = eventfd_ctx_fileget(fd_file(fd));
	if (IS_ERR(irqfd->ctx)) {
		ret = PTR_ERR(irqfd->ctx);
		goto err_fdput;
	}

	init_waitqueue_func_entry(&irqfd->wait, gunyah_irqfd_wakeup);
	init_poll_funcptr(&irqfd->pt, gunyah_irqfd_queue);
	/* Catch an event that is already pending. */
	if (vfs_poll(fd_file(fd), &irqfd->pt) & EPOLLIN)
		schedule_work(&irqfd->ring);
	fdput(fd);
	f->data = irqfd;
	return 0;

err_fdput:
	fdput(fd);
err_free:
	mutex_destroy(&irqfd->lock);
	kfree(irqfd);
	return ret;
}

static int gunyah_irqfd_bind(struct gunyah_vm_function *f)
{
	struct gunyah_hyp *hyp = f->vm->mgr->hyp;
	const struct gh_fn_irqfd_arg *arg = (const void *)f->arg;
	const struct gunyah_rm_hyp_resource *res;
	struct gunyah_irqfd *irqfd = f->data;
	u64 capid;
	int ret;

	res = gunyah_vm_find_resource(f->vm, GUNYAH_RESOURCE_TYPE_BELL_TX,
				      arg->label);
	if (!res)
		return -ENODEV;
	capid = le64_to_cpu(res->cap_id);
	/* Level: the interrupt stays asserted until the guest acks it. */
	if (irqfd->level) {
		ret = hyp->ops->bell_set_mask(hyp, capid, 1, 1);
		if (ret)
			return ret;
	}
	mutex_lock(&irqfd->lock);
	irqfd->capid = capid;
	irqfd->bound = true;
	/* An event that came before: ring it now. */
	if (irqfd->pending)
		schedule_work(&irqfd->ring);
	mutex_unlock(&irqfd->lock);
	return 0;
}

static void gunyah_irqfd_unbind(struct gunyah_vm_function *f)
{
	struct gunyah_irqfd *irqfd = f->data;

	mutex_lock(&irqfd->lock);
	irqfd->bound = false;
	mutex_unlock(&irqfd->lock);
	flush_work(&irqfd->ring);
}

static void gunyah_irqfd_release(struct gunyah_vm_function *f)
{
	struct gunyah_irqfd *irqfd = f->data;
	u64 cnt;

	eventfd_ctx_remove_wait_queue(irqfd->ctx, &irqfd->wait, &cnt);
	cancel_work_sync(&irqfd->ring);
	eventfd_ctx_put(irqfd->ctx);
	mutex_destroy(&irqfd->lock);
	kfree(irqfd);
}

/* An irqfd is named by its doorbell's label. */
static int gunyah_irqfd_cmp(const void *a, const void *b)
{
	const struct gh_fn_irqfd_arg *x = a, *y = b;

	return x->label == y->label ? 0 : x->label < y->label ? -1 : 1;
}

const struct gunyah_fn_ops gunyah_irqfd_ops = {
	.type		= GH_FN_IRQFD,
	.arg_size	= sizeof(struct gh_fn_irqfd_arg),
	.max		= GUNYAH_VM_MAX_IRQFDS,
	.cmp		= gunyah_irqfd_cmp,
	.add		= gunyah_irqfd_add,
	.bind		= gunyah_irqfd_bind,
	.unbind		= gunyah_irqfd_unbind,
	.release	= gunyah_irqfd_release,
};
