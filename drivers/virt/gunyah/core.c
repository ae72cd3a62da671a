// SPDX-License-Identifier: GPL-2.0-only
/*
 * Putting the Gunyah driver together.
 *
 * On Gunyah, the platform driver for the RM's devicetree node attaches the
 * message-queue transport. Anywhere else the driver stays inactive, unless
 * CONFIG_GUNYAH_RM_SIM is set: then the simulated RM is attached instead,
 * so the rest of the driver can be tested.
 */

#define pr_fmt(fmt) "gunyah: " fmt

#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/gunyah.h>
#include <linux/init.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>

#include "core.h"
#include "rsc_mgr.h"

/**
 * gunyah_debugfs_dir() - the driver's debugfs directory, "gunyah"
 *
 * Created on first use; shared by the VM manager and the RM simulator.
 *
 * Return: the directory (or an error pointer debugfs calls accept).
 */
struct dentry *gunyah_debugfs_dir(void)
{
	static struct dentry *dir;
	static DEFINE_MUTEX(lock);

	mutex_lock(&lock);
	if (!dir)
		dir = debugfs_create_dir("gunyah", NULL);
	mutex_unlock(&lock);
	return dir;
}

/**
 * gunyah_core_attach() - bring the driver up on a transport
 * @dev: the device the transport belongs to
 * @t: the transport to the RM
 *
 * Creates the RPC core on @t and registers /dev/gunyah on top of it. The
 * driver is built in and a backend never goes away, so there is no detach.
 *
 * Return: 0 or a negative errno.
 */
int gunyah_core_attach(struct device *dev, struct gunyah_rm_transport *t)
{
	struct gunyah_rm *rm;
	int ret;

	rm = gunyah_rm_create(dev, t);
	if (IS_ERR(rm))
		return PTR_ERR(rm);

	ret = gunyah_vm_mgr_register(dev, rm);
	if (ret)
		gunyah_rm_destroy(rm);
	return ret;
}

static int __init gunyah_sim_init(void)
{
	struct platform_device *pdev;
	struct gunyah_rm_transport *t;
	int ret;

	/* Never in place of a real Gunyah, not even one we cannot drive. */
	if (!IS_ENABLED(CONFIG_GUNYAH_RM_SIM) || gunyah_hypervisor_seen())
		return 0;

	pdev = platform_device_register_simple("gunyah-rm-sim", PLATFORM_DEVID_NONE,
					       NULL, 0);
	if (IS_ERR(pdev))
		return PTR_ERR(pdev);

	t = gunyah_rm_sim_create(&pdev->dev);
	if (IS_ERR(t)) {
		ret = PTR_ERR(t);
		goto err_unregister;
	}

	ret = gunyah_core_attach(&pdev->dev, t);
	if (ret)
		goto err_unregister;

	dev_info(&pdev->dev, "no Gunyah hypervisor: using the simulated Resource Manager\n");
	return 0;

err_unregister:
	/* The simulator's resources are devm-managed on pdev. */
	platform_device_unregister(pdev);
	pr_err("cannot start the simulated Resource Manager: %d\n", ret);
	return ret;
}
device_initcall(gunyah_sim_init);
