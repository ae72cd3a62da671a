// SPDX-License-Identifier: GPL-2.0-only
/*
 * Binding to the devicetree nodes the Gunyah Resource Manager gives the
 * primary VM: the hypervisor node, whose children are populated once the
 * hypervisor has been detected, and the RM node, whose message queues
 * become the transport the rest of the driver is attached to.
 *
 * See Documentation/devicetree/bindings/firmware/qcom,gunyah-hypervisor.yaml.
 *
 * Locking: none; each node is probed once, and the transport is attached
 * before the messages that arrived are delivered.
 */

#include <linux/device.h>
#include <linux/err.h>
#include <linux/gunyah.h>
#include <linux/mod_devicetable.h>
#include <linux/of.h>
#include <linux/of_platform.h>
#include <linux/platform_device.h>

#include "core.h"
#include "gunyah_platform.h"
#include "hypercall_ops.h"
#include "rsc_mgr.h"

/**
 * gunyah_rm_dt_capids() - the RM's queue capability ids from its "reg"
 * @reg: the raw "reg" property, or NULL if there is none
 * @reg_bytes: its length in bytes
 * @addr_cells: #address-cells that applies to @reg
 * @size_cells: #size-cells that applies to @reg
 * @tx_capid: set to the capability of the queue to the RM (entry 0)
 * @rx_capid: set to the capability of the queue from the RM (entry 1)
 *
 * Capability ids are 64-bit, have no size and differ on every boot.
 *
 * Return: 0, or -EINVAL if @reg is not two such ids naming two queues.
 */
int gunyah_rm_dt_capids(const __be32 *reg, size_t reg_bytes,
			unsigned int addr_cells, unsigned int size_cells,
			u64 *tx_capid, u64 *rx_capid)
{
	u64 tx, rx;

	if (!reg || addr_cells != 2 || size_cells != 0 ||
	    reg_bytes != 2 * addr_cells * sizeof(*reg))
		return -EINVAL;

	tx = of_read_number(&reg[0], addr_cells);
	rx = of_read_number(&reg[addr_cells], addr_cells);
	if (tx == GUNYAH_CAPID_INVAL || rx == GUNYAH_CAPID_INVAL || tx == rx)
		return -EINVAL;

	*tx_capid = tx;
	*rx_capid = rx;
	return 0;
}

/* An optional "qcom,*-message-size" must allow the RM's 240-byte messages. */
static int gunyah_rm_dt_check_msg_size(struct device *dev, const char *prop)
{
	u32 size;
	int ret;

	ret = of_property_read_u32(dev->of_node, prop, &size);
	if (ret == -EINVAL)
		return 0;
	if (ret)
		return dev_err_probe(dev, ret, "cannot read %s\n", prop);
	if (size < GUNYAH_RM_MSG_SIZE)
		return dev_err_probe(dev, -EINVAL,
				     "%s is %u, less than the RM's %u-byte messages\n",
				     prop, size, GUNYAH_RM_MSG_SIZE);
	return 0;
}

static int gunyah_rm_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct device_node *np = dev->of_node;
	struct gunyah_rm_transport *t;
	struct gunyah_hyp *hyp;
	int tx_irq, rx_irq, len, ret;
	const __be32 *reg;
	u64 tx, rx;

	/* The node can be populated by "simple-bus": check for Gunyah here too. */
	if (!gunyah_has_feature(GUNYAH_FEATURE_MSGQUEUE))
		return dev_err_probe(dev, -ENODEV,
				     "no Gunyah hypervisor with message queues\n");

	reg = of_get_property(np, "reg", &len);
	ret = gunyah_rm_dt_capids(reg, reg ? len : 0, of_n_addr_cells(np),
				  of_n_size_cells(np), &tx, &rx);
	if (ret)
		return dev_err_probe(dev, ret,
				     "reg must be two distinct 64-bit capability ids\n");

	ret = gunyah_rm_dt_check_msg_size(dev, "qcom,tx-message-size");
	if (ret)
		return ret;
	ret = gunyah_rm_dt_check_msg_size(dev, "qcom,rx-message-size");
	if (ret)
		return ret;

	tx_irq = platform_get_irq(pdev, 0);
	if (tx_irq < 0)
		return tx_irq;
	rx_irq = platform_get_irq(pdev, 1);
	if (rx_irq < 0)
		return rx_irq;

	/* devm-managed: released with the device if anything below fails. */
	t = gunyah_rm_msgq_create(dev, tx, rx, tx_irq, rx_irq);
	if (IS_ERR(t))
		return PTR_ERR(t);
	hyp = gunyah_hyp_real_create(dev);
	if (IS_ERR(hyp))
		return PTR_ERR(hyp);

	ret = gunyah_core_attach(dev, t, hyp);
	if (ret)
		return dev_err_probe(dev, ret, "cannot attach to the Resource Manager\n");

	gunyah_rm_msgq_start(t);
	dev_info(dev, "Resource Manager on message queues (IRQs %d, %d)\n",
		 tx_irq, rx_irq);
	return 0;
}

static const struct of_device_id gunyah_rm_of_match[] = {
	{ .compatible = "gunyah-resource-manager" },
	{ .compatible = "qcom,resource-manager" },
	{}
};

/*
 * No unbinding: the RPC core and /dev/gunyah stay attached to the transport
 * for the life of the kernel (gunyah_core_attach() has no detach).
 */
static struct platform_driver gunyah_rm_driver = {
	.probe = gunyah_rm_probe,
	.driver = {
		.name = "gunyah-rsc-mgr",
		.of_match_table = gunyah_rm_of_match,
		.suppress_bind_attrs = true,
	},
};
builtin_platform_driver(gunyah_rm_driver);

static int gunyah_hyp_probe(struct platform_device *pdev)
{
	struct gunyah_hypercall_hyp_identify_resp id;

	if (!gunyah_detect(&id))
		return dev_err_probe(&pdev->dev, -ENODEV,
				     "no supported Gunyah hypervisor\n");

	return devm_of_platform_populate(&pdev->dev);
}

static const struct of_device_id gunyah_hyp_of_match[] = {
	{ .compatible = "qcom,gunyah-hypervisor" },
	{}
};

static struct platform_driver gunyah_hyp_driver = {
	.probe = gunyah_hyp_probe,
	.driver = {
		.name = "gunyah",
		.of_match_table = gunyah_hyp_of_match,
		.suppress_bind_attrs = true,
	},
};
builtin_platform_driver(gunyah_hyp_driver);
