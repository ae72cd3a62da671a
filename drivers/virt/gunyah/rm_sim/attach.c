// SPDX-License-Identifier: GPL-2.0-only
/*
 * Bringing the simulated RM up where no Gunyah hypervisor is found: a
 * platform device for it, the simulator on that device, and the driver
 * attached to the simulator's transport and hypervisor calls, as
 * gunyah_platform.c attaches it to the message queues on Gunyah.
 *
 * Locking: runs once, from an initcall, before anything can use the
 * simulator.
 */

#define pr_fmt(fmt) "gunyah: " fmt

#include <linux/device.h>
#include <linux/err.h>
#include <linux/gunyah.h>
#include <linux/init.h>
#include <linux/platform_device.h>

#include "../core.h"
#include "rm_sim.h"

static int __init gunyah_rm_sim_init(void)
{
	struct platform_device *pdev;
	struct gunyah_rm_sim *sim;
	int ret;

	/* Never in place of a real Gunyah, not even one we cannot drive. */
	if (gunyah_hypervisor_seen())
		return 0;

	pdev = platform_device_register_simple("gunyah-rm-sim", PLATFORM_DEVID_NONE,
					       NULL, 0);
	if (IS_ERR(pdev))
		return PTR_ERR(pdev);

	sim = gunyah_rm_sim_create(&pdev->dev);
	if (IS_ERR(sim)) {
		ret = PTR_ERR(sim);
		goto err_unregister;
	}

	ret = gunyah_core_attach(&pdev->dev, &sim->t, &sim->hyp);
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
device_initcall(gunyah_rm_sim_init);
