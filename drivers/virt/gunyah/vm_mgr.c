// SPDX-License-Identifier: GPL-2.0-only
/*
 * /dev/gunyah: the Gunyah VM manager's user interface.
 *
 * Registered once an RM transport is attached (core.c). The VM ioctls
 * arrive with the VM manager; until then every command is unknown.
 */

#define pr_fmt(fmt) "gunyah: " fmt

#include <linux/device.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/slab.h>
#include <uapi/linux/gunyah.h>

#include "core.h"

/**
 * struct gunyah_vm_mgr - the state behind /dev/gunyah
 * @misc: the misc device
 * @rm: the Resource Manager VMs are created through
 */
struct gunyah_vm_mgr {
	struct miscdevice misc;
	struct gunyah_rm *rm;
};

static long gunyah_dev_ioctl(struct file *filp, unsigned int cmd,
			     unsigned long arg)
{
	return -ENOTTY;
}

static const struct file_operations gunyah_dev_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= gunyah_dev_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

/**
 * gunyah_vm_mgr_register() - create /dev/gunyah on top of an RM
 * @dev: the device of the RM's transport
 * @rm: the RPC core
 *
 * Return: 0 or a negative errno; -EBUSY if /dev/gunyah already exists.
 */
int gunyah_vm_mgr_register(struct device *dev, struct gunyah_rm *rm)
{
	struct gunyah_vm_mgr *mgr;
	int ret;

	mgr = kzalloc(sizeof(*mgr), GFP_KERNEL);
	if (!mgr)
		return -ENOMEM;

	mgr->rm = rm;
	mgr->misc.name = "gunyah";
	mgr->misc.minor = MISC_DYNAMIC_MINOR;
	mgr->misc.fops = &gunyah_dev_fops;
	mgr->misc.parent = dev;

	ret = misc_register(&mgr->misc);
	if (ret) {
		dev_err(dev, "cannot register /dev/gunyah: %d\n", ret);
		kfree(mgr);
	}
	return ret;
}
