// SPDX-License-Identifier: GPL-2.0-only
/*
 * A Gunyah VM: its fd, its configuration, and its life with the RM.
 *
 * Start, in the order the RM requires: allocate the vmid, give the memory,
 * configure the image, init, set the boot context, fetch the hypervisor
 * resources, start. Teardown (last reference gone, or a start that failed
 * half way): force-stop a running VM, reset it and wait for the RM to say
 * RESET (only then does it release the parcels the VM had accepted),
 * reclaim the memory, free the vmid. Which of these steps the RM allows is
 * decided from the VM's RM status, which the RM reports with VM_STATUS
 * notifications before it answers the call that changed it.
 *
 * Locking: the VM's @lock serialises configuration and the lifecycle and
 * is held across the RM calls they make; @status_lock (a spinlock, taken
 * by the RM notifier) protects the RM status and the exit record.
 */

#define pr_fmt(fmt) "gunyah: " fmt

#include <linux/anon_inodes.h>
#include <linux/completion.h>
#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/refcount.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/seq_file.h>
#include <linux/set_memory.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "mem_direct_map.h"
#include "rsc_mgr.h"
#include "vm.h"
#include "vm_fn.h"

/*
 * How long the RM may take to act on a stop or a reset: a base, and for a
 * reset, which releases and scrubs every parcel the guest accepted, time
 * in proportion to the VM's memory. The public RM under QEMU's TCG resets a
 * VM with 256 MiB in well under a second; the bound leaves a wide margin
 * for slow emulation without waiting forever on an RM that is gone.
 */
#define GUNYAH_VM_STATUS_TIMEOUT	(10 * HZ)
#define GUNYAH_VM_STATUS_PER_GIB	(20 * HZ)

/* ---- Status from RM notifications ----------------------------------------- */

/**
 * gunyah_vm_status_changed() - record a VM_STATUS notification
 * @vm: the VM it is about
 * @rm_status: the VM's new RM status
 *
 * Context: the RM notifier, under the VM manager's vms lock.
 */
void gunyah_vm_status_changed(struct gunyah_vm *vm, u8 rm_status)
{
	spin_lock(&vm->status_lock);
	vm->rm_status = rm_status;
	spin_unlock(&vm->status_lock);
	wake_up_all(&vm->status_wq);
}

/*
 * Record the VM's exit, replacing an earlier account only if @replace;
 * true if it was recorded. Wakes everyone waiting on the VM's status.
 */
static bool gunyah_vm_record_exit(struct gunyah_vm *vm, u16 type,
				  const u8 *reason, u32 reason_size,
				  bool replace)
{
	bool recorded = false;

	spin_lock(&vm->status_lock);
	if (replace || !vm->exited) {
		vm->exited = true;
		vm->exit.type = type;
		vm->exit.reason_size = reason_size;
		memset(vm->exit.reason, 0, sizeof(vm->exit.reason));
		if (reason)
			memcpy(vm->exit.reason, reason,
			       min_t(u32, reason_size, sizeof(vm->exit.reason)));
		recorded = true;
	}
	spin_unlock(&vm->status_lock);
	if (recorded)
		wake_up_all(&vm->status_wq);
	return recorded;
}

/**
 * gunyah_vm_exited() - record a VM_EXITED notification
 * @vm: the VM that exited
 * @type: the exit type
 * @reason: the exit reason
 * @reason_size: bytes in @reason
 *
 * Context: the RM notifier, under the VM manager's vms lock.
 */
void gunyah_vm_exited(struct gunyah_vm *vm, u16 type, const u8 *reason,
		      u32 reason_size)
{
	gunyah_vm_record_exit(vm, type, reason, reason_size, true);
}

/**
 * gunyah_vm_guest_ended() - the guest ended the VM, and the RM did not say
 * @vm: the VM
 * @type: the exit type the RM would have sent (a %GUNYAH_RM_VM_EXIT_*)
 *
 * The public RM can miss a guest's SYSTEM_OFF or SYSTEM_RESET (the vCPU's
 * halt interrupt) and then never report it. The vCPUs show it, so their
 * run loop records the exit itself, for every vCPU and GH_VM_START to see.
 * The RM still thinks the VM runs: teardown stops it. A VM_EXITED that
 * comes after all replaces this account.
 */
void gunyah_vm_guest_ended(struct gunyah_vm *vm, u16 type)
{
	if (gunyah_vm_record_exit(vm, type, NULL, 0, false))
		dev_info_ratelimited(vm->mgr->dev,
				     "VM %u: the guest ended it (exit type %u); the RM did not say\n",
				     vm->vmid, type);
}

static u8 gunyah_vm_rm_status(struct gunyah_vm *vm)
{
	u8 status;

	spin_lock(&vm->status_lock);
	status = vm->rm_status;
	spin_unlock(&vm->status_lock);
	return status;
}

static void gunyah_vm_set_rm_status(struct gunyah_vm *vm, u8 status)
{
	spin_lock(&vm->status_lock);
	vm->rm_status = status;
	spin_unlock(&vm->status_lock);
}

/* Move the RM status from @from to @to, unless a notification moved it on. */
static void gunyah_vm_advance_rm_status(struct gunyah_vm *vm, u8 from, u8 to)
{
	spin_lock(&vm->status_lock);
	if (vm->rm_status == from)
		vm->rm_status = to;
	spin_unlock(&vm->status_lock);
}

static int gunyah_vm_wait_status(struct gunyah_vm *vm, u8 status)
{
	unsigned long gib = DIV_ROUND_UP(gunyah_vm_mem_given_pages(vm),
					 SZ_1G >> PAGE_SHIFT);

	/* Woken by the RM's VM_STATUS notifications (gunyah_vm_status_changed). */
	if (!wait_event_timeout(vm->status_wq, gunyah_vm_rm_status(vm) == status,
				GUNYAH_VM_STATUS_TIMEOUT +
				gib * GUNYAH_VM_STATUS_PER_GIB)) {
		dev_err(vm->mgr->dev, "VM %u: RM status %u, waited for %u\n",
			vm->vmid, gunyah_vm_rm_status(vm), status);
		return -ETIMEDOUT;
	}
	return 0;
}

/* ---- Lifecycle ------------------------------------------------------------ */

/**
 * gunyah_vm_has_vmid() - whether the RM has allocated the VM's vmid
 * @vm: the VM
 *
 * The RM status is kept from VM_ALLOCATE until the vmid is released, and
 * only then: it is the one record of whether the RM knows the VM.
 *
 * Return: true while @vm->vmid is allocated to the VM.
 */
bool gunyah_vm_has_vmid(struct gunyah_vm *vm)
{
	return gunyah_vm_rm_status(vm) != GUNYAH_RM_VM_STATUS_NO_STATE;
}

/*
 * How often a teardown step is tried before the VM is given up as broken:
 * a busy RM or a lost reply should not strand a VM and its memory.
 */
#define GUNYAH_VM_TEARDOWN_TRIES	3

static int gunyah_vm_teardown_step(struct gunyah_vm *vm, const char *what,
				   int (*step)(struct gunyah_vm *vm))
{
	int i, ret;

	for (i = 0; i < GUNYAH_VM_TEARDOWN_TRIES; i++) {
		ret = step(vm);
		if (!ret)
			return 0;
		dev_warn(vm->mgr->dev, "VM %u: %s failed (try %d): %d\n",
			 vm->vmid, what, i + 1, ret);
		msleep(10 << i);
	}
	return ret;
}

static int gunyah_vm_stop_step(struct gunyah_vm *vm)
{
	int ret;

	/* The guest may have exited on its own meanwhile. */
	if (gunyah_vm_rm_status(vm) != GUNYAH_RM_VM_STATUS_RUNNING &&
	    gunyah_vm_rm_status(vm) != GUNYAH_RM_VM_STATUS_PAUSED)
		return 0;
	ret = gunyah_rm_vm_stop(vm->mgr->rm, vm->vmid);
	if (ret)
		return ret;
	return gunyah_vm_wait_status(vm, GUNYAH_RM_VM_STATUS_EXITED);
}

static int gunyah_vm_reset_step(struct gunyah_vm *vm)
{
	int ret;

	/* Left in INIT (VM_INIT never sent), it is reset once initialised. */
	if (gunyah_vm_rm_status(vm) == GUNYAH_RM_VM_STATUS_INIT) {
		ret = gunyah_rm_vm_init(vm->mgr->rm, vm->vmid);
		if (ret && gunyah_vm_rm_status(vm) != GUNYAH_RM_VM_STATUS_INIT_FAILED)
			return ret;
		gunyah_vm_advance_rm_status(vm, GUNYAH_RM_VM_STATUS_INIT,
					    GUNYAH_RM_VM_STATUS_READY);
	}
	ret = gunyah_rm_vm_reset(vm->mgr->rm, vm->vmid);
	if (ret)
		return ret;
	return gunyah_vm_wait_status(vm, GUNYAH_RM_VM_STATUS_RESET);
}

static int gunyah_vm_dealloc_step(struct gunyah_vm *vm)
{
	return gunyah_rm_dealloc_vmid(vm->mgr->rm, vm->vmid);
}

/*
 * Undo whatever part of a start was done, in reverse order. Each step is
 * taken only if the RM's status of the VM allows it, and retried a few
 * times; a step the RM keeps refusing leaves the VM (and its vmid and
 * memory) allocated, marked BROKEN, rather than freeing anything the RM
 * may still use.
 */
static void gunyah_vm_teardown(struct gunyah_vm *vm)
{
	struct gunyah_vm_mgr *mgr = vm->mgr;
	u8 status;
	int ret;

	lockdep_assert_held(&vm->lock);
	if (!gunyah_vm_has_vmid(vm))
		return;

	gunyah_vm_functions_unbind(vm);
	ret = gunyah_vm_teardown_step(vm, "stop", gunyah_vm_stop_step);
	if (ret)
		goto broken;

	status = gunyah_vm_rm_status(vm);
	if (status == GUNYAH_RM_VM_STATUS_INIT_FAILED && !vm->configured) {
		/*
		 * VM_CONFIG_IMAGE failed, so the RM has no configuration of
		 * the VM, and the public RM crashes resetting one without: it
		 * is not reset, and keeps its vmid for good.
		 */
		dev_warn(mgr->dev, "VM %u: not reset, as its VM_CONFIG_IMAGE failed\n",
			 vm->vmid);
	} else if (status == GUNYAH_RM_VM_STATUS_INIT ||
		   status == GUNYAH_RM_VM_STATUS_READY ||
		   status == GUNYAH_RM_VM_STATUS_EXITED ||
		   status == GUNYAH_RM_VM_STATUS_INIT_FAILED) {
		ret = gunyah_vm_teardown_step(vm, "reset", gunyah_vm_reset_step);
		if (ret)
			goto broken;
	}

	kfree(vm->resources);
	vm->resources = NULL;

	/* Memory the RM keeps stays given, and the VM with it. */
	ret = gunyah_vm_teardown_step(vm, "memory reclaim",
				      gunyah_vm_mem_reclaim_all);
	if (ret)
		goto broken;

	status = gunyah_vm_rm_status(vm);
	if (status != GUNYAH_RM_VM_STATUS_LOAD &&
	    status != GUNYAH_RM_VM_STATUS_RESET) {
		ret = -EBUSY;
		goto broken;
	}
	ret = gunyah_vm_teardown_step(vm, "vmid release", gunyah_vm_dealloc_step);
	if (ret)
		goto broken;

	/*
	 * Out of the notifier's reach first, then no RM status any more. Only
	 * if it is there: a VM whose insertion failed is not, and the RM may
	 * already have given its vmid to another.
	 */
	xa_cmpxchg(&mgr->vms, vm->vmid, vm, NULL, 0);
	gunyah_vm_set_rm_status(vm, GUNYAH_RM_VM_STATUS_NO_STATE);
	vm->state = GUNYAH_VM_NEW;
	return;

broken:
	dev_err(mgr->dev, "VM %u: RM status %u, kept with its vmid and memory: %d\n",
		vm->vmid, gunyah_vm_rm_status(vm), ret);
	vm->state = GUNYAH_VM_BROKEN;
}

static bool gunyah_vm_guest_exited(struct gunyah_vm *vm)
{
	bool exited;

	spin_lock(&vm->status_lock);
	exited = vm->exited;
	spin_unlock(&vm->status_lock);
	return exited;
}

static int gunyah_vm_alloc_vmid(struct gunyah_vm *vm)
{
	struct gunyah_vm_mgr *mgr = vm->mgr;
	int vmid, ret;

	vmid = gunyah_rm_alloc_vmid(mgr->rm, 0);
	if (vmid < 0)
		return vmid;

	vm->vmid = vmid;
	vm->configured = false;
	gunyah_vm_set_rm_status(vm, GUNYAH_RM_VM_STATUS_LOAD);
	ret = xa_insert(&mgr->vms, vmid, vm, GFP_KERNEL);
	if (ret == -EBUSY) {
		/* The RM gave out a vmid we think is live: do not free it. */
		gunyah_vm_set_rm_status(vm, GUNYAH_RM_VM_STATUS_NO_STATE);
		dev_err(mgr->dev, "RM allocated vmid %d twice\n", vmid);
		return -EIO;
	}
	/* Otherwise the vmid is ours, in LOAD: give it back. */
	if (ret)
		gunyah_vm_teardown(vm);
	return ret;
}

/* Whether a VM that does not run yet can be started. */
static int gunyah_vm_start_check(struct gunyah_vm *vm)
{
	if (vm->state == GUNYAH_VM_BROKEN)
		return -EIO;
	if (!vm->dtb_set)
		return -EINVAL;
	/* Say so now rather than start without what the VMM asked for. */
	if (!bitmap_empty(vm->boot_regs_set, GUNYAH_VM_BOOT_REGS) &&
	    !vm->mgr->boot_context)
		return -EOPNOTSUPP;
	return 0;
}

static int gunyah_vm_start(struct gunyah_vm *vm)
{
	struct gunyah_rm *rm = vm->mgr->rm;
	const char *step;
	u32 image_handle;
	u64 image_gpa;
	int ret;

	lockdep_assert_held(&vm->lock);
	/* Started: nothing to do, unless the guest is gone for good. */
	if (vm->state == GUNYAH_VM_RUNNING)
		return gunyah_vm_guest_exited(vm) ? -ESRCH : 0;
	ret = gunyah_vm_start_check(vm) ?: gunyah_vm_alloc_vmid(vm);
	if (ret)
		return ret;

	/* Read before the devicetree's binding is lent away. */
	vm->guest_rm_link = gunyah_vm_guest_has_rm_link(vm);
	/*
	 * A parcel taken back before VM_CONFIG_IMAGE names it fails that
	 * call, and the public RM crashes when it resets such a VM.
	 */
	WRITE_ONCE(vm->giving, true);
	step = "giving its memory";
	ret = gunyah_vm_mem_give(vm, &image_handle, &image_gpa);
	if (ret)
		goto err_teardown;

	/* Offsets count from the start of the image parcel. */
	step = "VM_CONFIG_IMAGE";
	ret = gunyah_rm_vm_configure(rm, vm->vmid, GUNYAH_RM_AUTH_NONE,
				     image_handle, 0, 0,
				     vm->dtb.guest_phys_addr - image_gpa,
				     vm->dtb.size);
	if (ret)
		goto err_teardown;
	vm->configured = true;
	gunyah_vm_set_rm_status(vm, GUNYAH_RM_VM_STATUS_INIT);

	step = "VM_INIT";
	ret = gunyah_rm_vm_init(rm, vm->vmid);
	if (ret)
		goto err_teardown;
	gunyah_vm_set_rm_status(vm, GUNYAH_RM_VM_STATUS_READY);

	step = "VM_SET_BOOT_CONTEXT";
	ret = gunyah_vm_boot_context_apply(vm);
	if (ret)
		goto err_teardown;

	step = "VM_GET_HYP_RESOURCES";
	ret = gunyah_rm_get_hyp_resources(rm, vm->vmid, &vm->resources);
	if (ret)
		goto err_teardown;

	/* vCPUs and doorbells find their capabilities and interrupts. */
	step = "binding its functions";
	ret = gunyah_vm_functions_bind(vm);
	if (ret)
		goto err_teardown;

	/* From here the guest may touch its memory, even if the start fails. */
	WRITE_ONCE(vm->guest_ran, true);
	step = "VM_START";
	ret = gunyah_rm_vm_start(rm, vm->vmid);
	if (ret)
		goto err_teardown;
	/*
	 * Only from READY: the guest may already have run and exited, and the
	 * RM's EXITED may have arrived before this reply was read.
	 */
	gunyah_vm_advance_rm_status(vm, GUNYAH_RM_VM_STATUS_READY,
				    GUNYAH_RM_VM_STATUS_RUNNING);
	vm->state = GUNYAH_VM_RUNNING;
	WRITE_ONCE(vm->giving, false);
	return 0;

err_teardown:
	WRITE_ONCE(vm->giving, false);
	/* What a platform engineer needs to tell RM refusals apart. */
	dev_info_ratelimited(vm->mgr->dev, "VM %u: start failed at %s: %d\n",
			     vm->vmid, step, ret);
	gunyah_vm_teardown(vm);
	return ret;
}

/* ---- Configuration ioctls ------------------------------------------------- */

static int gunyah_vm_set_dtb_config(struct gunyah_vm *vm,
				    const struct gh_vm_dtb_config *cfg)
{
	u64 end;

	if (check_add_overflow(cfg->guest_phys_addr, cfg->size, &end))
		return -EOVERFLOW;
	if (!cfg->size || !PAGE_ALIGNED(cfg->guest_phys_addr) ||
	    !PAGE_ALIGNED(cfg->size))
		return -EINVAL;

	vm->dtb = *cfg;
	vm->dtb_set = true;
	return 0;
}

static long gunyah_vm_function(struct gunyah_vm *vm, void __user *argp,
			       bool add)
{
	struct gh_fn_desc desc;
	long ret;

	if (copy_from_user(&desc, argp, sizeof(desc)))
		return -EFAULT;
	mutex_lock(&vm->lock);
	if (vm->state == GUNYAH_VM_BROKEN)
		ret = -EIO;
	else if (add)
		ret = gunyah_vm_function_add(vm, &desc);
	else
		ret = gunyah_vm_function_remove(vm, &desc);
	mutex_unlock(&vm->lock);
	return ret;
}

static long gunyah_vm_ioctl(struct file *filp, unsigned int cmd,
			    unsigned long arg)
{
	struct gunyah_vm *vm = filp->private_data;
	void __user *argp = (void __user *)arg;
	struct gh_vm_boot_context ctx;
	struct gh_vm_dtb_config dtb;
	struct gh_map_mem_args map;
	struct gh_mem_label label;
	long ret;

	switch (cmd) {
	case GH_VM_MAP_MEM:
		if (copy_from_user(&map, argp, sizeof(map)))
			return -EFAULT;
		mutex_lock(&vm->lock);
		ret = vm->state == GUNYAH_VM_BROKEN ? -EIO :
		      gunyah_vm_map_mem(vm, &map);
		mutex_unlock(&vm->lock);
		return ret;
	case GH_VM_SET_MEM_LABEL:
	case GH_VM_GET_MEM_LABEL:
		if (copy_from_user(&label, argp, sizeof(label)))
			return -EFAULT;
		mutex_lock(&vm->lock);
		if (cmd == GH_VM_SET_MEM_LABEL && vm->state != GUNYAH_VM_NEW)
			ret = -EBUSY;
		else
			ret = gunyah_vm_mem_label(vm, &label,
						  cmd == GH_VM_SET_MEM_LABEL);
		mutex_unlock(&vm->lock);
		if (!ret && cmd == GH_VM_GET_MEM_LABEL &&
		    copy_to_user(argp, &label, sizeof(label)))
			ret = -EFAULT;
		return ret;
	case GH_VM_SET_DTB_CONFIG:
		if (copy_from_user(&dtb, argp, sizeof(dtb)))
			return -EFAULT;
		break;
	case GH_VM_SET_BOOT_CONTEXT:
		if (copy_from_user(&ctx, argp, sizeof(ctx)))
			return -EFAULT;
		break;
	case GH_VM_START:
	case GH_CHECK_EXTENSION:
		break;
	case GH_VM_ADD_FUNCTION:
	case GH_VM_REMOVE_FUNCTION:
		return gunyah_vm_function(vm, argp, cmd == GH_VM_ADD_FUNCTION);
	default:
		return -ENOTTY;
	}

	if (cmd == GH_CHECK_EXTENSION)
		return gunyah_vm_check_extension(vm->mgr, arg);

	mutex_lock(&vm->lock);
	if (cmd != GH_VM_START && vm->state != GUNYAH_VM_NEW) {
		/* Configuration is fixed once the VM started. */
		ret = -EBUSY;
	} else if (cmd == GH_VM_SET_DTB_CONFIG) {
		ret = gunyah_vm_set_dtb_config(vm, &dtb);
	} else if (cmd == GH_VM_SET_BOOT_CONTEXT) {
		ret = gunyah_vm_boot_context_set(vm, &ctx);
	} else {
		ret = gunyah_vm_start(vm);
	}
	mutex_unlock(&vm->lock);
	return ret;
}

/* ---- Lifetime ------------------------------------------------------------- */

/*
 * Who waits for a VM's teardown: the task that dropped its last reference,
 * until the teardown is done or the task is killed. Whichever of the two
 * lets go of it last frees it.
 */
struct gunyah_vm_free_wait {
	struct completion done;
	refcount_t users;
};

static void gunyah_vm_free_wait_put(struct gunyah_vm_free_wait *w)
{
	if (w && refcount_dec_and_test(&w->users))
		kfree(w);
}

/*
 * How often a VM whose teardown failed is torn down again, the first time
 * after a second, then after twice as long each time (about 8.5 minutes in
 * all): a late reply to a memory call, or an RM less busy, may let it go.
 */
#define GUNYAH_VM_FREE_TRIES	10

/* Tear the VM down and free it; runs on a workqueue, where nothing kills it. */
static void gunyah_vm_free_work(struct work_struct *work)
{
	struct gunyah_vm *vm = container_of(to_delayed_work(work),
					    struct gunyah_vm, free_work);
	struct gunyah_vm_free_wait *w = vm->free_wait;

	vm->free_wait = NULL;
	debugfs_remove_recursive(vm->debugfs);
	vm->debugfs = NULL;
	mutex_lock(&vm->lock);
	gunyah_vm_teardown(vm);
	mutex_unlock(&vm->lock);

	/*
	 * A VM the RM would not let go of stays known to the notifier, and
	 * its memory stays owned: keep it rather than free what the RM may
	 * still use, and try again later.
	 */
	if (gunyah_vm_has_vmid(vm)) {
		if (++vm->free_tries < GUNYAH_VM_FREE_TRIES) {
			dev_err(vm->mgr->dev, "VM %u: kept after a failed teardown; again in %u s\n",
				vm->vmid, 1U << (vm->free_tries - 1));
			queue_delayed_work(system_unbound_wq, &vm->free_work,
					   HZ << (vm->free_tries - 1));
		} else {
			dev_err(vm->mgr->dev, "VM %u: kept for good after %u teardowns\n",
				vm->vmid, vm->free_tries);
		}
	} else {
		gunyah_vm_functions_free(vm);
		gunyah_vm_mem_free(vm);
		ida_free(&vm->mgr->ids, vm->id);
		mutex_destroy(&vm->lock);
		kfree(vm);
	}
	if (w)
		complete(&w->done);
	gunyah_vm_free_wait_put(w);
}

/*
 * The last reference is gone. The teardown's RM calls can take long (the RM
 * may be slow to stop or reset a VM with much memory), so they run on a
 * workqueue; the task that let go waits for them, as a VMM expects its
 * memory back when close() returns, but only until it is killed: then the
 * teardown goes on in the background, holding the VM's memory.
 */
static void gunyah_vm_free(struct kref *kref)
{
	struct gunyah_vm *vm = container_of(kref, struct gunyah_vm, kref);
	struct gunyah_vm_free_wait *w = kzalloc(sizeof(*w), GFP_KERNEL);

	if (w) {
		init_completion(&w->done);
		refcount_set(&w->users, 2);
	}
	vm->free_wait = w;
	INIT_DELAYED_WORK(&vm->free_work, gunyah_vm_free_work);
	queue_delayed_work(system_unbound_wq, &vm->free_work, 0);
	if (!w)
		return;
	wait_for_completion_killable(&w->done);
	gunyah_vm_free_wait_put(w);
}

/**
 * gunyah_vm_put() - drop a reference to a VM
 * @vm: the VM; torn down and freed with its last reference
 *
 * Context: may sleep: waits, killably, for the teardown of the VM.
 */
void gunyah_vm_put(struct gunyah_vm *vm)
{
	kref_put(&vm->kref, gunyah_vm_free);
}

static int gunyah_vm_release(struct inode *inode, struct file *filp)
{
	gunyah_vm_put(filp->private_data);
	return 0;
}

static void gunyah_vm_show_fdinfo(struct seq_file *m, struct file *filp)
{
	struct gunyah_vm *vm = filp->private_data;

	/* Names the VM's directory in debugfs, gunyah/vm<id>. */
	seq_printf(m, "gh_vm_id:\t%d\n", vm->id);
}

static const struct file_operations gunyah_vm_fops = {
	.owner		= THIS_MODULE,
	.show_fdinfo	= gunyah_vm_show_fdinfo,
	.unlocked_ioctl	= gunyah_vm_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.release	= gunyah_vm_release,
	.llseek		= noop_llseek,
};

/**
 * gunyah_vm_check_extension() - answer GH_CHECK_EXTENSION
 * @mgr: /dev/gunyah
 * @ext: an &enum gh_extension
 *
 * Return: the extension's value; 0 for extensions this kernel does not know.
 */
long gunyah_vm_check_extension(struct gunyah_vm_mgr *mgr, unsigned long ext)
{
	switch (ext) {
	case GH_CAP_VM_TYPES:
		return BIT(GH_VM_TYPE_DEFAULT);
	case GH_CAP_MEM_LEND:
		return gunyah_can_lend();
	case GH_CAP_MEM_SHARE:
		return 1;
	case GH_CAP_HUGEPAGES:
		return IS_ENABLED(CONFIG_TRANSPARENT_HUGEPAGE) &&
		       has_transparent_hugepage();
	case GH_CAP_BOOT_CONTEXT:
		return mgr->boot_context;
	default:
		return 0;
	}
}

/**
 * gunyah_vm_create() - GH_CREATE_VM
 * @mgr: /dev/gunyah
 * @type: an &enum gh_vm_type
 *
 * The VM is only known to the kernel until GH_VM_START asks the RM for it.
 *
 * Return: a new VM fd or a negative errno; -EINVAL for an unknown type.
 */
long gunyah_vm_create(struct gunyah_vm_mgr *mgr, unsigned long type)
{
	struct gunyah_vm *vm;
	struct file *file;
	int fd, ret;

	if (type != GH_VM_TYPE_DEFAULT)
		return -EINVAL;

	vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);
	if (!vm)
		return -ENOMEM;
	kref_init(&vm->kref);
	vm->mgr = mgr;
	mutex_init(&vm->lock);
	spin_lock_init(&vm->status_lock);
	init_waitqueue_head(&vm->status_wq);
	vm->rm_status = GUNYAH_RM_VM_STATUS_NO_STATE;
	gunyah_vm_mem_init(&vm->mem);
	vm->fns.tree = RB_ROOT;
	spin_lock_init(&vm->mmio_lock);
	vm->ioeventfds = RB_ROOT;

	ret = ida_alloc(&mgr->ids, GFP_KERNEL);
	if (ret < 0)
		goto err_free_vm;
	vm->id = ret;

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		ret = fd;
		goto err_free_id;
	}

	file = anon_inode_getfile("gunyah-vm", &gunyah_vm_fops, vm, O_RDWR);
	if (IS_ERR(file)) {
		ret = PTR_ERR(file);
		goto err_put_fd;
	}

	gunyah_vm_debugfs_add(vm);
	fd_install(fd, file);
	return fd;

err_put_fd:
	put_unused_fd(fd);
err_free_id:
	ida_free(&mgr->ids, vm->id);
err_free_vm:
	mutex_destroy(&vm->lock);
	kfree(vm);
	return ret;
}
