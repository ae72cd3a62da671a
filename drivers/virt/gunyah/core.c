// SPDX-License-Identifier: GPL-2.0-only
/*
 * Putting the Gunyah driver together.
 *
 * A backend attaches its RM transport and its hypervisor calls here. On
 * Gunyah, the platform driver for the RM's devicetree node attaches the
 * message queues and the hypercalls (gunyah_platform.c). Anywhere else the
 * driver stays inactive, unless CONFIG_GUNYAH_RM_SIM is set: then the
 * simulator (rm_sim/) attaches itself the same way.
 *
 * Locking: a mutex guards the creation of the debugfs directory; attaching
 * happens once, from a probe or an initcall.
 */

#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/mutex.h>

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
 * @hyp: the hypervisor calls of the same backend
 *
 * Creates the RPC core on @t and registers /dev/gunyah on top of it. The
 * driver is built in and a backend never goes away, so there is no detach.
 *
 * Return: 0 or a negative errno.
 */
int gunyah_core_attach(struct device *dev, struct gunyah_rm_transport *t,
		       struct gunyah_hyp *hyp)
{
	struct gunyah_rm *rm;
	int ret;

	rm = gunyah_rm_create(dev, t);
	if (IS_ERR(rm))
		return PTR_ERR(rm);

	ret = gunyah_vm_mgr_register(dev, rm, hyp);
	if (ret)
		gunyah_rm_destroy(rm);
	return ret;
}
