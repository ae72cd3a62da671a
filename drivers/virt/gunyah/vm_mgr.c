// SPDX-License-Identifier: GPL-2.0-only
/*
 * /dev/gunyah: the Gunyah VM manager's user interface.
 *
 * The device is registered when Linux runs on Gunyah, or, with
 * CONFIG_GUNYAH_RM_SIM, against the simulated Resource Manager when it
 * does not. Its ioctls arrive with the VM manager; until then every
 * command is unknown.
 */

#define pr_fmt(fmt) "gunyah: " fmt

#include <linux/fs.h>
#include <linux/gunyah.h>
#include <linux/init.h>
#include <linux/miscdevice.h>
#include <linux/printk.h>
#include <uapi/linux/gunyah.h>

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

static struct miscdevice gunyah_dev = {
	.name	= "gunyah",
	.minor	= MISC_DYNAMIC_MINOR,
	.fops	= &gunyah_dev_fops,
};

static int __init gunyah_init(void)
{
	struct gunyah_hypercall_hyp_identify_resp id;
	int ret;

	if (gunyah_detect(&id)) {
		pr_info("running on Gunyah, api_info %#llx\n", id.api_info);
	} else if (IS_ENABLED(CONFIG_GUNYAH_RM_SIM)) {
		pr_info("no Gunyah hypervisor: using the simulated Resource Manager\n");
	} else {
		/* Not on Gunyah: stay out of the way. */
		return 0;
	}

	ret = misc_register(&gunyah_dev);
	if (ret)
		pr_err("cannot register /dev/gunyah: %d\n", ret);
	return ret;
}
device_initcall(gunyah_init);
