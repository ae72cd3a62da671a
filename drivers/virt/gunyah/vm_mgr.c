// SPDX-License-Identifier: GPL-2.0-only
/*
 * /dev/gunyah: creating VMs, answering capability queries, and routing the
 * RM's VM notifications to the VM they are about.
 *
 * Locking: the vms xarray's lock covers the lookup of a VM and the update
 * of its status from a notification.
 */

#define pr_fmt(fmt) "gunyah: " fmt

#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/miscdevice.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/unaligned.h>
#include <uapi/linux/gunyah.h>

#include "core.h"
#include "gmem.h"
#include "mem_parcel.h"
#include "rsc_mgr.h"
#include "vm.h"

/*
 * The userspace ABI: binary compatible with the last Gunyah interface posted
 * upstream, and laid out the same for 32-bit and 64-bit callers.
 */
static_assert(GH_CREATE_VM == 0x00004700);
static_assert(GH_VM_SET_DTB_CONFIG == 0x40104702);
static_assert(GH_VM_START == 0x00004703);
static_assert(GH_VM_ADD_FUNCTION == 0x40104704);
static_assert(GH_VM_REMOVE_FUNCTION == 0x40104707);
static_assert(GH_CREATE_GUEST_MEM == 0x40404708);
static_assert(GH_VM_MAP_MEM == 0x40204709);
static_assert(GH_VM_SET_BOOT_CONTEXT == 0x4010470a);
static_assert(sizeof(struct gh_vm_dtb_config) == 16);
static_assert(offsetof(struct gh_vm_dtb_config, size) == 8);
static_assert(sizeof(struct gh_fn_desc) == 16);
static_assert(offsetof(struct gh_fn_desc, arg_size) == 4);
static_assert(offsetof(struct gh_fn_desc, arg) == 8);
static_assert(sizeof(struct gh_create_mem_args) == 64);
static_assert(offsetof(struct gh_create_mem_args, size) == 8);
static_assert(offsetof(struct gh_create_mem_args, reserved) == 16);
static_assert(sizeof(struct gh_map_mem_args) == 32);
static_assert(offsetof(struct gh_map_mem_args, flags) == 8);
static_assert(offsetof(struct gh_map_mem_args, guest_mem_fd) == 12);
static_assert(offsetof(struct gh_map_mem_args, offset) == 16);
static_assert(offsetof(struct gh_map_mem_args, size) == 24);
static_assert(sizeof(struct gh_vm_boot_context) == 16);
static_assert(offsetof(struct gh_vm_boot_context, reserved) == 4);
static_assert(offsetof(struct gh_vm_boot_context, value) == 8);
static_assert(sizeof(struct gh_mem_label) == 16);
static_assert(offsetof(struct gh_mem_label, label) == 8);
static_assert(GH_MEM_FORCE_LEND == 1 && GH_MEM_FORCE_SHARE == 2 &&
	      GH_MEM_ALLOW_READ == 0x10 && GH_MEM_ALLOW_WRITE == 0x20 &&
	      GH_MEM_ALLOW_EXEC == 0x40 && GH_MEM_UNMAP == 0x100);
static_assert(GHMF_CLOEXEC == 1 && GHMF_ALLOW_HUGEPAGE == 2);
static_assert(GH_VCPU_RUN == 0x00004705 && GH_VCPU_MMAP_SIZE == 0x00004706);
static_assert(sizeof(struct gh_fn_vcpu_arg) == 4);
static_assert(sizeof(struct gh_fn_irqfd_arg) == 16);
static_assert(sizeof(struct gh_fn_ioeventfd_arg) == 32);
static_assert(offsetof(struct gh_fn_ioeventfd_arg, len) == 16);
static_assert(offsetof(struct gh_fn_ioeventfd_arg, fd) == 20);
static_assert(sizeof(struct gh_vm_exit_info) == 16);
static_assert(sizeof(struct gh_vcpu_run) == 40);
static_assert(offsetof(struct gh_vcpu_run, exit_reason) == 8);
static_assert(offsetof(struct gh_vcpu_run, mmio.phys_addr) == 16);
static_assert(offsetof(struct gh_vcpu_run, mmio.data) == 24);
static_assert(offsetof(struct gh_vcpu_run, mmio.len) == 32);
static_assert(offsetof(struct gh_vcpu_run, mmio.is_write) == 36);
static_assert(offsetof(struct gh_vcpu_run, mmio.resume_action) == 37);
static_assert(offsetof(struct gh_vcpu_run, status.exit_info) == 20);
static_assert(offsetof(struct gh_vcpu_run, page_fault.attempt) == 24);
static_assert(offsetof(struct gh_vcpu_run, page_fault.resume_action) == 28);

static struct gunyah_vm_mgr *to_mgr(struct file *filp)
{
	struct miscdevice *misc = filp->private_data;

	return container_of(misc, struct gunyah_vm_mgr, misc);
}

static long gunyah_dev_ioctl(struct file *filp, unsigned int cmd,
			     unsigned long arg)
{
	struct gunyah_vm_mgr *mgr = to_mgr(filp);
	struct gh_create_mem_args args;

	switch (cmd) {
	case GH_CREATE_GUEST_MEM:
		if (copy_from_user(&args, (void __user *)arg, sizeof(args)))
			return -EFAULT;
		return gunyah_gmem_create(&args);
	case GH_CREATE_VM:
		return gunyah_vm_create(mgr, arg);
	case GH_CHECK_EXTENSION:
		return gunyah_vm_check_extension(mgr, arg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations gunyah_dev_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= gunyah_dev_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

/* Runs in the RM's receive context: only record, never call the RM. */
static int gunyah_vm_mgr_notify(struct notifier_block *nb, unsigned long action,
				void *data)
{
	struct gunyah_vm_mgr *mgr = container_of(nb, struct gunyah_vm_mgr, nb);
	const struct gunyah_rm_vm_exited_payload *exited;
	const struct gunyah_rm_vm_status_payload *status;
	struct gunyah_rm_notif *n = data;
	struct gunyah_vm *vm;
	u32 reason_size;

	switch (action) {
	case GUNYAH_RM_NOTIF_VM_STATUS:
		if (n->size < sizeof(*status))
			return NOTIFY_BAD;
		status = n->payload;
		xa_lock(&mgr->vms);
		vm = xa_load(&mgr->vms, le16_to_cpu(status->vmid));
		if (vm)
			gunyah_vm_status_changed(vm, status->vm_status);
		xa_unlock(&mgr->vms);
		return NOTIFY_OK;
	case GUNYAH_RM_NOTIF_VM_EXITED:
		if (n->size < sizeof(*exited))
			return NOTIFY_BAD;
		exited = n->payload;
		reason_size = min_t(u32, le32_to_cpu(exited->exit_reason_size),
				    n->size - sizeof(*exited));
		xa_lock(&mgr->vms);
		vm = xa_load(&mgr->vms, le16_to_cpu(exited->vmid));
		if (vm)
			gunyah_vm_exited(vm, le16_to_cpu(exited->exit_type),
					 exited->exit_reason, reason_size);
		xa_unlock(&mgr->vms);
		return NOTIFY_OK;
	default:
		return NOTIFY_DONE;
	}
}

static int gunyah_mem_totals_show(struct seq_file *s, void *unused)
{
	gunyah_mem_stats_show(s);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(gunyah_mem_totals);

/* For tests that make the simulated RM drop replies: wait less for them. */
static int gunyah_rm_timeout_get(void *data, u64 *val)
{
	*val = jiffies_to_msecs(gunyah_rm_reply_timeout(data));
	return 0;
}

static int gunyah_rm_timeout_set(void *data, u64 val)
{
	if (!val || val > 600 * MSEC_PER_SEC)
		return -EINVAL;
	gunyah_rm_set_reply_timeout(data, msecs_to_jiffies(val));
	return 0;
}

DEFINE_DEBUGFS_ATTRIBUTE(gunyah_rm_timeout_fops, gunyah_rm_timeout_get,
			 gunyah_rm_timeout_set, "%llu\n");

/*
 * Find out whether the RM implements VM_SET_BOOT_CONTEXT: ask it for a
 * scratch VM, which is in state LOAD. An RM without the call answers
 * UNIMPLEMENTED whatever the state; one with it accepts the call or
 * refuses it for the state.
 */
static void gunyah_vm_mgr_probe(struct gunyah_vm_mgr *mgr)
{
	int vmid, ret;

	ret = gunyah_rm_get_vmid(mgr->rm, &mgr->host_vmid);
	if (ret)
		dev_warn(mgr->dev, "cannot read our own vmid: %d\n", ret);

	vmid = gunyah_rm_alloc_vmid(mgr->rm, 0);
	if (vmid < 0) {
		dev_warn(mgr->dev, "cannot probe the RM's features: %d\n", vmid);
		return;
	}
	ret = gunyah_rm_vm_set_boot_context(mgr->rm, vmid, GH_VM_BOOT_REG_SET_PC,
					    0, 0);
	mgr->boot_context = ret != -EOPNOTSUPP;
	ret = gunyah_rm_dealloc_vmid(mgr->rm, vmid);
	if (ret)
		dev_warn(mgr->dev, "cannot free the probe's vmid %d: %d\n", vmid, ret);
}

/**
 * gunyah_vm_mgr_register() - create /dev/gunyah on top of an RM
 * @dev: the device of the RM's transport
 * @rm: the RPC core
 * @hyp: the hypervisor calls VM functions make
 *
 * Return: 0 or a negative errno; -EBUSY if /dev/gunyah already exists.
 */
int gunyah_vm_mgr_register(struct device *dev, struct gunyah_rm *rm,
			   struct gunyah_hyp *hyp)
{
	struct gunyah_vm_mgr *mgr;
	int ret;

	mgr = kzalloc(sizeof(*mgr), GFP_KERNEL);
	if (!mgr)
		return -ENOMEM;

	mgr->dev = dev;
	mgr->rm = rm;
	mgr->hyp = hyp;
	xa_init(&mgr->vms);
	ida_init(&mgr->ids);
	mgr->nb.notifier_call = gunyah_vm_mgr_notify;
	ret = gunyah_rm_notifier_register(rm, &mgr->nb);
	if (ret)
		goto err_free;

	gunyah_vm_mgr_probe(mgr);
	mgr->debugfs = gunyah_debugfs_dir();
	debugfs_create_file("memory", 0400, mgr->debugfs, NULL,
			    &gunyah_mem_totals_fops);
	debugfs_create_file_unsafe("rm_reply_timeout_ms", 0600, mgr->debugfs,
				   rm, &gunyah_rm_timeout_fops);

	mgr->misc.name = "gunyah";
	mgr->misc.minor = MISC_DYNAMIC_MINOR;
	mgr->misc.fops = &gunyah_dev_fops;
	mgr->misc.parent = dev;
	ret = misc_register(&mgr->misc);
	if (ret) {
		dev_err(dev, "cannot register /dev/gunyah: %d\n", ret);
		goto err_unregister;
	}
	dev_info(dev, "/dev/gunyah ready (host vmid %u, boot context %s)\n",
		 mgr->host_vmid, mgr->boot_context ? "supported" : "not supported");
	return 0;

err_unregister:
	gunyah_rm_notifier_unregister(rm, &mgr->nb);
err_free:
	kfree(mgr);
	return ret;
}
